//! The CloudWatch Logs subscription message (PROTOCOLS.md §1.1): a `DATA_MESSAGE` fans out
//! to one event per log event, carrying owner, log group, log stream, event id and
//! timestamp; a `CONTROL_MESSAGE` (the service checking that the destination is reachable)
//! is reported so the caller can count and drop it.
//!
//! Parsing borrows from the decompressed buffer wherever JSON escaping allows, accepts
//! unknown keys (newer subscription features add fields) and accepts numeric event ids
//! (moto emits them). Several JSON documents back to back are decoded in turn, so a record
//! that happens to hold two payloads degrades gracefully instead of failing.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

use super::{DecodeError, DecodeLimits, base64, gzip};
use crate::event::{Event, EventMeta};

/// `messageType` of a subscription message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// Log events.
    Data,
    /// A reachability check; no events.
    Control,
}

/// The envelope of one subscription message, without its log events (those went to the
/// caller's event vector), so the transformation can re-encode it around scrubbed events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Data or control.
    pub kind: MessageKind,
    /// The `messageType` as sent (kept verbatim for re-encoding).
    pub message_type: String,
    /// Account id.
    pub owner: String,
    /// Log group.
    pub log_group: String,
    /// Log stream.
    pub log_stream: String,
    /// Names of the matching filters.
    pub subscription_filters: Vec<String>,
    /// `ACCOUNT_LEVEL_POLICY` for account-level subscriptions.
    pub policy_level: Option<String>,
    /// How many events of the output vector belong to this envelope.
    pub events: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMessage<'a> {
    #[serde(borrow)]
    message_type: Cow<'a, str>,
    #[serde(default, borrow)]
    owner: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    log_group: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    log_stream: Option<Cow<'a, str>>,
    #[serde(default)]
    subscription_filters: Vec<String>,
    #[serde(default)]
    policy_level: Option<String>,
    #[serde(default, borrow)]
    log_events: Vec<WireLogEvent<'a>>,
}

#[derive(Deserialize)]
struct WireLogEvent<'a> {
    #[serde(default, deserialize_with = "string_or_number")]
    id: Option<String>,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(borrow)]
    message: Cow<'a, str>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id<'a> {
        Text(Cow<'a, str>),
        Number(serde_json::Number),
    }
    Ok(match Option::<Id<'_>>::deserialize(d)? {
        None => None,
        Some(Id::Text(s)) if s.is_empty() => None,
        Some(Id::Text(s)) => Some(s.into_owned()),
        Some(Id::Number(n)) => Some(n.to_string()),
    })
}

fn non_empty(value: Option<Cow<'_, str>>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(Cow::into_owned)
}

/// Decodes one or more subscription messages from decompressed JSON, appending one event
/// per log event of each `DATA_MESSAGE` to `out`. `base` supplies the source name and any
/// request-level metadata. Returns the envelopes in order.
pub fn decode_message(
    json: &[u8],
    base: &EventMeta,
    out: &mut Vec<Event>,
) -> Result<Vec<Envelope>, DecodeError> {
    let start_len = out.len();
    let mut envelopes = Vec::with_capacity(1);
    let stream = serde_json::Deserializer::from_slice(json).into_iter::<WireMessage<'_>>();
    for message in stream {
        let message = match message {
            Ok(m) => m,
            Err(err) => {
                out.truncate(start_len);
                return Err(DecodeError::json("subscription message", &err));
            }
        };
        let kind = if message.message_type == "CONTROL_MESSAGE" {
            MessageKind::Control
        } else {
            MessageKind::Data
        };
        let owner = message.owner.as_deref().unwrap_or_default().to_owned();
        let log_group = message.log_group.as_deref().unwrap_or_default().to_owned();
        let log_stream = message.log_stream.as_deref().unwrap_or_default().to_owned();
        let mut count = 0;
        if kind == MessageKind::Data {
            let mut meta = base.clone();
            meta.owner = non_empty(message.owner);
            meta.log_group = non_empty(message.log_group);
            meta.log_stream = non_empty(message.log_stream);
            for log_event in message.log_events {
                let mut event_meta = meta.clone();
                event_meta.event_id = log_event.id;
                event_meta.timestamp_ms = log_event.timestamp;
                let bytes = match log_event.message {
                    Cow::Borrowed(s) => bytes::Bytes::copy_from_slice(s.as_bytes()),
                    Cow::Owned(s) => bytes::Bytes::from(s),
                };
                out.push(Event::new(bytes, event_meta));
                count += 1;
            }
        }
        envelopes.push(Envelope {
            kind,
            message_type: message.message_type.into_owned(),
            owner,
            log_group,
            log_stream,
            subscription_filters: message.subscription_filters,
            policy_level: message.policy_level,
            events: count,
        });
    }
    if envelopes.is_empty() {
        return Err(DecodeError::Json {
            what: "subscription message",
            line: 1,
            column: 0,
            category: "eof",
        });
    }
    Ok(envelopes)
}

/// Re-encodes one envelope around (scrubbed) events as subscription JSON, appending to
/// `out`. Event ids and timestamps come from each event's metadata.
pub fn encode_message(envelope: &Envelope, events: &[Event], out: &mut Vec<u8>) {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Message<'a> {
        message_type: &'a str,
        owner: &'a str,
        log_group: &'a str,
        log_stream: &'a str,
        subscription_filters: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        policy_level: Option<&'a str>,
        log_events: Vec<LogEvent<'a>>,
    }
    #[derive(serde::Serialize)]
    struct LogEvent<'a> {
        id: &'a str,
        timestamp: i64,
        message: Cow<'a, str>,
    }
    let message = Message {
        message_type: &envelope.message_type,
        owner: &envelope.owner,
        log_group: &envelope.log_group,
        log_stream: &envelope.log_stream,
        subscription_filters: &envelope.subscription_filters,
        policy_level: envelope.policy_level.as_deref(),
        log_events: events
            .iter()
            .map(|e| LogEvent {
                id: e.meta.event_id.as_deref().unwrap_or_default(),
                timestamp: e.meta.timestamp_ms.unwrap_or_default(),
                message: String::from_utf8_lossy(&e.message),
            })
            .collect(),
    };
    // Serializing plain strings and integers into a Vec cannot fail.
    let _ = serde_json::to_writer(out, &message);
}

/// Decodes a subscription payload as `phiscrub scrub --format cloudwatch` reads it: raw gzip
/// bytes, decompressed JSON, base64 text of either, or the Lambda envelope
/// `{"awslogs":{"data":"<base64>"}}`. Control messages yield no events. Events carry
/// `source = "cloudwatch"`.
pub fn events_from_payload(payload: &[u8]) -> Result<Vec<Event>, DecodeError> {
    events_from_payload_with(payload, &DecodeLimits::default())
}

/// [`events_from_payload`] with explicit limits.
pub fn events_from_payload_with(
    payload: &[u8],
    limits: &DecodeLimits,
) -> Result<Vec<Event>, DecodeError> {
    let base = EventMeta {
        source: "cloudwatch".to_owned(),
        ..EventMeta::default()
    };
    let record = payload_record(payload, limits.max_decompressed_request_bytes)?;
    let mut json = Vec::new();
    let json: &[u8] = if gzip::is_gzip(&record) {
        let cap = limits.max_decompressed_request_bytes;
        gzip::gunzip_into(&record, cap, "decompressed payload", cap, &mut json)?;
        &json
    } else {
        &record
    };
    let mut events = Vec::new();
    decode_message(json, &base, &mut events)?;
    Ok(events)
}

/// Unwraps the forms a subscription payload is handed around in (the Lambda envelope
/// `{"awslogs":{"data":"<base64>"}}`, base64 text, raw gzip bytes or plain JSON) down to
/// the bytes a Firehose record would carry: gzip or subscription JSON, not yet
/// decompressed. Base64 output is bounded by `max_bytes`.
pub fn payload_record(payload: &[u8], max_bytes: usize) -> Result<Cow<'_, [u8]>, DecodeError> {
    #[derive(Deserialize)]
    struct LambdaEnvelope {
        awslogs: AwsLogs,
    }
    #[derive(Deserialize)]
    struct AwsLogs {
        data: String,
    }
    let trimmed = trim_ascii(payload);
    if gzip::is_gzip(payload) {
        // Binary: trimming could cut bytes that happen to look like whitespace.
        return Ok(Cow::Borrowed(payload));
    }
    let mut decoded = Vec::new();
    if trimmed.starts_with(b"{") {
        match serde_json::from_slice::<LambdaEnvelope>(trimmed) {
            Ok(envelope) => {
                base64::decode_into(envelope.awslogs.data.as_bytes(), max_bytes, &mut decoded)?;
                Ok(Cow::Owned(decoded))
            }
            Err(_) => Ok(Cow::Borrowed(trimmed)),
        }
    } else {
        base64::decode_into(trimmed, max_bytes, &mut decoded)?;
        Ok(Cow::Owned(decoded))
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = r#"{"messageType":"DATA_MESSAGE","owner":"111111111111","logGroup":"/app/api","logStream":"i-1","subscriptionFilters":["f"],"logEvents":[{"id":"3195","timestamp":1432826855000,"message":"line \"one\"\n"},{"id":7,"timestamp":1432826855001,"message":"two","extra":1}],"newField":true}"#;
    const CONTROL: &str = r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1510254469274,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#;

    fn base() -> EventMeta {
        EventMeta {
            source: "firehose".into(),
            ..EventMeta::default()
        }
    }

    #[test]
    fn data_message_fans_out_with_metadata() {
        let mut out = Vec::new();
        let envs = decode_message(DATA.as_bytes(), &base(), &mut out).unwrap();
        assert_eq!(envs.len(), 1);
        assert_eq!(envs[0].kind, MessageKind::Data);
        assert_eq!(envs[0].events, 2);
        assert_eq!(out.len(), 2);
        assert_eq!(&out[0].message[..], b"line \"one\"\n");
        assert_eq!(out[0].meta.owner.as_deref(), Some("111111111111"));
        assert_eq!(out[0].meta.log_group.as_deref(), Some("/app/api"));
        assert_eq!(out[0].meta.log_stream.as_deref(), Some("i-1"));
        assert_eq!(out[0].meta.event_id.as_deref(), Some("3195"));
        assert_eq!(out[0].meta.timestamp_ms, Some(1432826855000));
        assert_eq!(out[1].meta.event_id.as_deref(), Some("7"));
        assert_eq!(out[1].meta.source, "firehose");
    }

    #[test]
    fn control_message_yields_no_events() {
        let mut out = Vec::new();
        let envs = decode_message(CONTROL.as_bytes(), &base(), &mut out).unwrap();
        assert_eq!(envs[0].kind, MessageKind::Control);
        assert!(out.is_empty());
    }

    #[test]
    fn concatenated_documents_decode_in_turn() {
        let both = format!("{DATA}\n{CONTROL}{DATA}");
        let mut out = Vec::new();
        let envs = decode_message(both.as_bytes(), &base(), &mut out).unwrap();
        assert_eq!(envs.len(), 3);
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn broken_json_reports_position_only() {
        let mut out = Vec::new();
        let err =
            decode_message(b"{\"messageType\": SSN 123-45-6789", &base(), &mut out).unwrap_err();
        assert!(!err.to_string().contains("123-45-6789"), "{err}");
        assert!(out.is_empty());
    }

    #[test]
    fn re_encoding_round_trips() {
        let mut events = Vec::new();
        let envs = decode_message(DATA.as_bytes(), &base(), &mut events).unwrap();
        let mut json = Vec::new();
        encode_message(&envs[0], &events, &mut json);
        let mut again = Vec::new();
        let envs2 = decode_message(&json, &base(), &mut again).unwrap();
        assert_eq!(envs, envs2);
        assert_eq!(events, again);
    }

    #[test]
    fn payload_accepts_gzip_base64_and_lambda_envelope() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(DATA.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let b64 = base64::encode(&gz);
        let lambda = format!(r#"{{"awslogs":{{"data":"{b64}"}}}}"#);
        for input in [
            gz.clone(),
            b64.into_bytes(),
            lambda.into_bytes(),
            DATA.into(),
        ] {
            let events = events_from_payload(&input).unwrap();
            assert_eq!(events.len(), 2);
            assert_eq!(events[0].meta.source, "cloudwatch");
        }
    }
}
