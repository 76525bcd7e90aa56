//! `http`: POSTs batches as NDJSON or a JSON array, optionally gzipped, with custom
//! headers and bearer or basic auth. 2xx is delivered; 408, 429 and 5xx are retried
//! (honouring `Retry-After`); 401/403/404 are retried too (an operator must fix the
//! endpoint or credentials, the events are fine); other 4xx reject the batch, which the
//! forwarder then resends event by event to quarantine only the bad ones.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
};
use secrecy::ExposeSecret;

use super::{SendFuture, SendOutcome, Sink, SinkError, classify_status, encode};
use crate::config::validate::{HttpAuth, HttpFormat, HttpSinkConfig};
use crate::event::Event;

/// A reqwest client with rustls, the system roots and optionally an extra CA file.
pub(crate) fn client(ca_file: Option<&Path>, timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .no_gzip()
        .pool_idle_timeout(Duration::from_secs(50));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("read {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("parse {}: {e}", path.display()))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| format!("http client: {e}"))
}

/// The `http` sink.
pub struct HttpSink {
    client: reqwest::Client,
    endpoint: String,
    format: HttpFormat,
    gzip: bool,
    headers: HeaderMap,
}

impl HttpSink {
    /// Builds the client, resolving secrets now so a missing one stops start-up.
    pub fn new(config: &HttpSinkConfig) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        for (name, value) in &config.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| format!("header {name}: {e}"))?;
            let value = HeaderValue::from_str(value).map_err(|e| format!("header {name}: {e}"))?;
            headers.insert(name, value);
        }
        let auth = match &config.auth {
            HttpAuth::None => None,
            HttpAuth::Bearer(token) => {
                let token = token.resolve().map_err(|e| format!("bearer_token: {e}"))?;
                Some(format!("Bearer {}", token.expose_secret()))
            }
            HttpAuth::Basic { username, password } => {
                use base64::Engine as _;
                let password = password.resolve().map_err(|e| format!("password: {e}"))?;
                let pair = format!("{username}:{}", password.expose_secret());
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
        };
        if let Some(auth) = auth {
            let mut value = HeaderValue::from_str(&auth)
                .map_err(|_| "credentials are not a valid header value")?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let content_type = match config.format {
            HttpFormat::Ndjson => "application/x-ndjson",
            HttpFormat::JsonArray => "application/json",
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if config.gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        Ok(Self {
            client: client(config.tls_ca_file.as_deref(), config.timeout)?,
            endpoint: config.endpoint.clone(),
            format: config.format,
            gzip: config.gzip,
            headers,
        })
    }

    fn body(&self, events: &[Event]) -> Vec<u8> {
        let mut body = Vec::with_capacity(events.iter().map(|e| e.message.len() + 96).sum());
        match self.format {
            HttpFormat::Ndjson => encode::ndjson(events, &mut body),
            HttpFormat::JsonArray => {
                body.push(b'[');
                for (i, event) in events.iter().enumerate() {
                    if i > 0 {
                        body.push(b',');
                    }
                    encode::event_json(event, &mut body);
                }
                body.push(b']');
            }
        }
        if self.gzip { encode::gzip(&body) } else { body }
    }
}

impl Sink for HttpSink {
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let body = self.body(events);
            let response = self
                .client
                .post(&self.endpoint)
                .headers(self.headers.clone())
                .body(body)
                .send()
                .await
                .map_err(|e| SinkError::transient(format!("http: {}", without_url(&e))))?;
            classify_status(response.status(), response.headers(), "http endpoint")?;
            Ok(SendOutcome::delivered())
        })
    }
}

/// A reqwest error without its URL (which may carry a token in its query).
pub(crate) fn without_url(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect failed"
    } else if err.is_request() {
        "request failed"
    } else {
        "failed"
    };
    let mut source = std::error::Error::source(err);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}
