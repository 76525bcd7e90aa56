//! `splunk_hec`: Splunk HTTP Event Collector, `/services/collector/event` (PROTOCOLS.md §4).
//!
//! A batch is one request of JSON event objects concatenated back to back, each with
//! `time` (epoch seconds with milliseconds), `host`, `source`, `sourcetype`, `index`,
//! `fields` (indexed fields mapped from metadata by config) and `event` (the scrubbed
//! message as a string), gzipped unless configured off. Every request carries
//! `Authorization: Splunk <token>` and our `X-Splunk-Request-Channel`.
//!
//! With indexer acknowledgement on, HEC's 200 only means "received": the batch counts as
//! delivered once `/services/collector/ack` reports its `ackId` true; if it is not acked
//! within `ack_timeout_secs` the batch is sent again (at least once).
//!
//! HEC codes (the table in PROTOCOLS.md §4): 8, 9 (busy), 18–20 and HTTP 429/5xx are
//! retried with backoff; codes about the events (5 no data, 6 invalid format, 12/13 event
//! field missing/blank, 15 indexed fields) reject the batch, which the forwarder then
//! resends one by one so that only the bad event is quarantined; token, index, channel
//! and ack-config errors (1–4, 7, 10, 11, 14, 16, 21, 22) are retried, logged as errors:
//! they are the operator's to fix and the events must wait in the queue meanwhile.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderValue};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::http::{client, without_url};
use super::{SendFuture, SendOutcome, Sink, SinkError, encode, retry_after};
use crate::config::validate::{MetaField, SplunkHecSinkConfig};
use crate::event::Event;

/// The request-channel header.
pub const CHANNEL_HEADER: &str = "x-splunk-request-channel";

#[derive(Serialize)]
struct HecEvent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    sourcetype: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<&'a str>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    fields: serde_json::Map<String, serde_json::Value>,
    event: &'a str,
}

/// HEC's JSON reply.
#[derive(Debug, Deserialize)]
struct HecReply {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default, rename = "ackId")]
    ack_id: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct AckReply {
    #[serde(default)]
    acks: std::collections::BTreeMap<String, bool>,
}

/// The `splunk_hec` sink.
pub struct SplunkHecSink {
    client: reqwest::Client,
    event_url: String,
    ack_url: String,
    headers: HeaderMap,
    config: SplunkHecSinkConfig,
}

/// A random GUID for `X-Splunk-Request-Channel`.
fn channel_id() -> String {
    use rand::Rng;
    let b: [u8; 16] = rand::thread_rng().r#gen();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

impl SplunkHecSink {
    /// Builds the client and resolves the token.
    pub fn new(config: &SplunkHecSinkConfig) -> Result<Self, String> {
        let token = config.token.resolve().map_err(|e| format!("token: {e}"))?;
        let mut auth = HeaderValue::from_str(&format!("Splunk {}", token.expose_secret()))
            .map_err(|_| "token is not a valid header value")?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(
            CHANNEL_HEADER,
            HeaderValue::from_str(&channel_id()).map_err(|e| e.to_string())?,
        );
        Ok(Self {
            client: client(config.tls_ca_file.as_deref(), config.timeout)?,
            event_url: format!("{}/services/collector/event", config.endpoint),
            ack_url: format!("{}/services/collector/ack", config.endpoint),
            headers,
            config: config.clone(),
        })
    }

    fn body(&self, events: &[Event]) -> Vec<u8> {
        let mut body = Vec::with_capacity(events.iter().map(|e| e.message.len() + 160).sum());
        for event in events {
            let message = encode::message_text(event);
            let meta = &event.meta;
            let mut fields = serde_json::Map::new();
            for (name, field) in &self.config.fields {
                if let Some(value) = field.get(meta) {
                    fields.insert(name.clone(), serde_json::Value::from(value));
                }
            }
            let hec = HecEvent {
                time: meta
                    .timestamp_ms
                    .and_then(|ms| serde_json::Number::from_f64(ms as f64 / 1000.0)),
                host: self
                    .config
                    .host
                    .as_deref()
                    .or_else(|| MetaField::LogStream.get(meta)),
                source: self
                    .config
                    .source
                    .as_deref()
                    .or_else(|| MetaField::LogGroup.get(meta)),
                sourcetype: &self.config.sourcetype,
                index: self.config.index.as_deref(),
                fields,
                event: &message,
            };
            let _ = serde_json::to_writer(&mut body, &hec);
            body.push(b'\n');
        }
        body
    }

    async fn post(
        &self,
        url: &str,
        body: Vec<u8>,
    ) -> Result<(reqwest::StatusCode, HeaderMap, Vec<u8>), SinkError> {
        let (body, gzip) = if self.config.gzip {
            (encode::gzip(&body), true)
        } else {
            (body, false)
        };
        let mut request = self
            .client
            .post(url)
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if gzip {
            request = request.header(CONTENT_ENCODING, "gzip");
        }
        let response = request
            .send()
            .await
            .map_err(|e| SinkError::transient(format!("hec: {}", without_url(&e))))?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| SinkError::transient(format!("hec: {}", without_url(&e))))?;
        Ok((status, headers, bytes.to_vec()))
    }

    async fn wait_for_ack(
        &self,
        ack_id: u64,
        poll: Duration,
        timeout: Duration,
    ) -> Result<(), SinkError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let body = serde_json::to_vec(&serde_json::json!({ "acks": [ack_id] }))
            .map_err(|e| SinkError::transient(e.to_string()))?;
        loop {
            tokio::time::sleep(poll).await;
            let (status, headers, reply) = self.post(&self.ack_url, body.clone()).await?;
            if !status.is_success() {
                return Err(self.error(status, &headers, &reply));
            }
            let reply: AckReply = serde_json::from_slice(&reply)
                .map_err(|_| SinkError::transient("hec ack: unreadable reply"))?;
            if reply.acks.get(&ack_id.to_string()).copied() == Some(true) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(SinkError::transient(format!(
                    "hec ack {ack_id} not confirmed within {timeout:?}; sending again"
                )));
            }
        }
    }

    fn error(&self, status: reqwest::StatusCode, headers: &HeaderMap, body: &[u8]) -> SinkError {
        let code = serde_json::from_slice::<HecReply>(body)
            .ok()
            .and_then(|r| r.code);
        classify(status, code, retry_after(headers))
    }
}

/// Sorts a non-success HEC reply (see the module doc).
fn classify(
    status: reqwest::StatusCode,
    code: Option<i64>,
    retry_after: Option<Duration>,
) -> SinkError {
    let reason = format!(
        "hec answered HTTP {} code {}",
        status.as_u16(),
        code.map_or_else(|| "-".to_owned(), |c| c.to_string())
    );
    match code {
        Some(5 | 6 | 12 | 13 | 15) => SinkError::Permanent { reason },
        Some(8 | 9 | 18 | 19 | 20) => SinkError::Transient {
            reason,
            retry_after,
        },
        Some(1 | 2 | 3 | 4 | 7 | 10 | 11 | 14 | 16 | 21 | 22) => {
            tracing::error!(
                status = status.as_u16(),
                code,
                "splunk_hec refused us: check the token, index and channel settings"
            );
            SinkError::Transient {
                reason,
                retry_after,
            }
        }
        _ => {
            let s = status.as_u16();
            if s == 429 || s == 408 || status.is_server_error() || matches!(s, 401 | 403 | 404) {
                SinkError::Transient {
                    reason,
                    retry_after,
                }
            } else {
                SinkError::Permanent { reason }
            }
        }
    }
}

impl Sink for SplunkHecSink {
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let (status, headers, reply) = self.post(&self.event_url, self.body(events)).await?;
            if !status.is_success() {
                return Err(self.error(status, &headers, &reply));
            }
            let parsed = serde_json::from_slice::<HecReply>(&reply).ok();
            if let Some((poll, timeout)) = self.config.ack {
                let Some(ack_id) = parsed.as_ref().and_then(|r| r.ack_id) else {
                    tracing::error!(
                        "splunk_hec: ack is on but HEC sent no ackId; is indexer acknowledgement enabled on the token?"
                    );
                    return Err(SinkError::transient("hec: no ackId in the reply"));
                };
                self.wait_for_ack(ack_id, poll, timeout).await?;
            }
            Ok(SendOutcome::delivered())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sort_into_transient_and_permanent() {
        let s = |code| reqwest::StatusCode::from_u16(code).unwrap();
        assert!(matches!(
            classify(s(503), Some(9), None),
            SinkError::Transient { .. }
        ));
        assert!(matches!(
            classify(s(400), Some(6), None),
            SinkError::Permanent { .. }
        ));
        assert!(matches!(
            classify(s(403), Some(4), None),
            SinkError::Transient { .. }
        ));
        assert!(matches!(
            classify(s(429), None, None),
            SinkError::Transient { .. }
        ));
        assert!(matches!(
            classify(s(400), None, None),
            SinkError::Permanent { .. }
        ));
    }

    #[test]
    fn channel_is_a_guid() {
        let c = channel_id();
        assert_eq!(c.len(), 36);
        assert_eq!(c.matches('-').count(), 4);
    }
}
