//! `POST /v1/logs` for sidecars: the bodies Fluent Bit's `http` output sends with
//! `format json_lines` (NDJSON, one event per line) and `format json` (a JSON array, one
//! event per element), optionally gzip, optionally behind a bearer token.
//!
//! Array elements are re-serialized compactly; NDJSON lines are taken verbatim, and a line
//! that is not JSON is still an event (scrubbed as text) so plain-text pipes work too.
//! Backpressure is 503 with `Retry-After`, which Fluent Bit honours by retrying.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::auth::{AccessKeys, AuthOutcome, bearer};
use crate::config::validate::HttpLogsSourceConfig;
use crate::decode::{DecodeError, gzip};
use crate::event::{Event, EventMeta};
use crate::pipeline::{DeliverError, DrainError, Pipeline, PoolError, WorkerState, scrub_drain};

/// The metric label of this source.
pub const SOURCE: &str = "http_logs";

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum HttpLogsError {
    /// Missing or wrong bearer token.
    #[error("missing or invalid bearer token")]
    Unauthorized,
    /// The body is not NDJSON or a JSON array (or its gzip is broken).
    #[error("body is neither NDJSON nor a JSON array: {0}")]
    BadBody(DecodeError),
    /// Too many events or too many bytes.
    #[error("request too large: {0}")]
    TooLarge(DecodeError),
    /// Workers, scrubber, quarantine or delivery could not take the batch now.
    #[error("not accepted now, retry later: {0}")]
    Busy(String),
}

impl HttpLogsError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadBody(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn outcome(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::BadBody(_) => "bad_request",
            Self::TooLarge(_) => "too_large",
            Self::Busy(_) => "backpressure",
        }
    }
}

/// The endpoint's state.
pub struct HttpLogsSource {
    token: AccessKeys,
    max_events: usize,
    max_decompressed_bytes: usize,
    retry_after: Duration,
    pipeline: Pipeline,
}

impl HttpLogsSource {
    /// Builds the endpoint.
    pub fn new(config: &HttpLogsSourceConfig, token: AccessKeys, pipeline: Pipeline) -> Self {
        Self {
            token,
            max_events: config.max_events,
            max_decompressed_bytes: config.max_decompressed_bytes,
            retry_after: config.retry_after,
            pipeline,
        }
    }

    /// The route at `path`.
    pub fn router(self, path: &str) -> Router {
        Router::new()
            .route(path, post(handle))
            .with_state(Arc::new(self))
    }

    async fn accept(&self, headers: &HeaderMap, body: Bytes) -> Result<usize, HttpLogsError> {
        let presented = bearer(
            headers
                .get(header::AUTHORIZATION)
                .map(HeaderValue::as_bytes),
        );
        if self.token.check(presented) != AuthOutcome::Allowed {
            return Err(HttpLogsError::Unauthorized);
        }
        let gzip_body = headers
            .get(header::CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let metrics = &self.pipeline.metrics;
        metrics
            .received_bytes
            .with_label_values(&[SOURCE])
            .inc_by(body.len() as u64);
        let (max_bytes, max_events) = (self.max_decompressed_bytes, self.max_events);
        let quarantine = Arc::clone(&self.pipeline.quarantine);
        let job_metrics = metrics.clone();
        let scrubbed = self
            .pipeline
            .pool
            .run(move |state: &mut WorkerState| {
                state.events.clear();
                parse_body(&body, gzip_body, max_bytes, max_events, &mut state.events)?;
                job_metrics
                    .received_records
                    .with_label_values(&[SOURCE])
                    .inc_by(state.events.len() as u64);
                let mut out = Vec::with_capacity(state.events.len());
                scrub_drain(state, &*quarantine, &job_metrics, &mut out)
                    .map_err(|e: DrainError| HttpLogsError::Busy(e.to_string()))?;
                Ok(out)
            })
            .await
            .map_err(|e: PoolError| HttpLogsError::Busy(e.to_string()))??;
        let accepted = scrubbed.len();
        if !scrubbed.is_empty() {
            self.pipeline
                .deliver
                .submit(scrubbed)
                .await
                .map_err(|e: DeliverError| HttpLogsError::Busy(e.to_string()))?;
        }
        Ok(accepted)
    }
}

/// Splits a body into events: a JSON array's elements, or NDJSON lines.
pub fn parse_body(
    body: &[u8],
    gzip_body: bool,
    max_bytes: usize,
    max_events: usize,
    out: &mut Vec<Event>,
) -> Result<(), HttpLogsError> {
    let mut inflated = Vec::new();
    let body: &[u8] = if gzip_body {
        gzip::gunzip_into(
            body,
            max_bytes,
            "decompressed body",
            max_bytes,
            &mut inflated,
        )
        .map_err(|e| match e {
            DecodeError::TooLarge { .. } => HttpLogsError::TooLarge(e),
            other => HttpLogsError::BadBody(other),
        })?;
        &inflated
    } else {
        body
    };
    let meta = EventMeta {
        source: SOURCE.to_owned(),
        ..EventMeta::default()
    };
    let too_many = |count| {
        HttpLogsError::TooLarge(DecodeError::TooManyRecords {
            count,
            limit: max_events,
        })
    };
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let values: Vec<serde_json::Value> = serde_json::from_slice(body)
            .map_err(|e| HttpLogsError::BadBody(DecodeError::json("json array", &e)))?;
        if values.len() > max_events {
            return Err(too_many(values.len()));
        }
        for value in values {
            let text = serde_json::to_vec(&value)
                .map_err(|e| HttpLogsError::BadBody(DecodeError::json("json array", &e)))?;
            out.push(Event::new(text, meta.clone()));
        }
        return Ok(());
    }
    if std::str::from_utf8(body).is_err() {
        return Err(HttpLogsError::BadBody(DecodeError::NotText));
    }
    for line in body.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if out.len() == max_events {
            return Err(too_many(max_events + 1));
        }
        out.push(Event::new(Bytes::copy_from_slice(line), meta.clone()));
    }
    Ok(())
}

async fn handle(
    State(source): State<Arc<HttpLogsSource>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let result = source.accept(&headers, body).await;
    let metrics = &source.pipeline.metrics;
    metrics
        .request_duration
        .with_label_values(&[SOURCE])
        .observe(started.elapsed().as_secs_f64());
    match result {
        Ok(accepted) => {
            metrics.requests.with_label_values(&[SOURCE, "ok"]).inc();
            (
                StatusCode::OK,
                axum::Json(serde_json::json!({"accepted": accepted})),
            )
                .into_response()
        }
        Err(err) => {
            metrics
                .requests
                .with_label_values(&[SOURCE, err.outcome()])
                .inc();
            tracing::warn!(status = err.status().as_u16(), error = %err, "http_logs request refused");
            let mut response = (
                err.status(),
                axum::Json(serde_json::json!({"error": err.to_string()})),
            )
                .into_response();
            if matches!(err, HttpLogsError::Busy(_)) {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(source.retry_after.as_secs()),
                );
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str, max: usize) -> Result<Vec<String>, HttpLogsError> {
        let mut out = Vec::new();
        parse_body(body.as_bytes(), false, 1 << 20, max, &mut out)?;
        Ok(out
            .into_iter()
            .map(|e| String::from_utf8(e.message.to_vec()).unwrap())
            .collect())
    }

    #[test]
    fn json_lines_and_arrays_become_one_event_each() {
        assert_eq!(
            parse("{\"a\":1}\n\n{\"b\": 2}\r\nplain text\n", 10).unwrap(),
            ["{\"a\":1}", "{\"b\": 2}", "plain text"]
        );
        assert_eq!(
            parse(" [{\"date\":1.5,\"log\":\"x\"}, {\"b\":2}]", 10).unwrap(),
            ["{\"date\":1.5,\"log\":\"x\"}", "{\"b\":2}"]
        );
    }

    #[test]
    fn broken_arrays_and_too_many_events_are_refused() {
        assert!(matches!(
            parse("[{\"a\":1},", 10),
            Err(HttpLogsError::BadBody(_))
        ));
        assert!(matches!(
            parse("a\nb\nc\n", 2),
            Err(HttpLogsError::TooLarge(_))
        ));
        assert!(matches!(
            parse("[1,2,3]", 2),
            Err(HttpLogsError::TooLarge(_))
        ));
    }
}
