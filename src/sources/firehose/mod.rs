//! The Amazon Data Firehose HTTP endpoint (`POST /firehose` by default), exactly per
//! PROTOCOLS.md §2: access key check, request body (optionally gzip) parsed without
//! copying record data, records decoded and scrubbed on the worker threads in parallel
//! chunks, and the answer `{"requestId", "timestamp"}` with 200 only after every event of
//! the request was accepted by [`crate::pipeline::Deliver`] (or quarantined).
//!
//! Per-record failures are quarantined and counted; the rest of the request goes on (a 4xx
//! would only make Firehose retry the same bad bytes for hours). Request ids of delivered
//! requests are remembered ([`dedup`]) so Firehose's retries are not delivered twice.

pub mod dedup;
pub mod errors;

use std::collections::BTreeMap;
use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use self::dedup::{DeliveredRequests, RequestKey};
use self::errors::FirehoseError;
use super::auth::{AccessKeys, AuthOutcome};
use crate::config::validate::FirehoseSourceConfig;
use crate::decode::firehose::{
    self as wire, DecodedRecord, FirehoseRequest, FirehoseResponse, RecordFormat,
};
use crate::decode::{DecodeBudget, DecodeError, DecodeLimits, gzip};
use crate::event::{Event, EventMeta};
use crate::pipeline::{DrainError, Pipeline, scrub_drain};

/// The metric label of this source.
pub const SOURCE: &str = "firehose";

/// Records per worker job stop growing at this many base64 bytes, so a 1 MiB request is
/// split across the workers while tiny requests stay one job.
const CHUNK_BYTES: usize = 192 * 1024;
/// ... or at this many records.
const CHUNK_RECORDS: usize = 500;

/// The endpoint's state.
pub struct FirehoseSource {
    keys: AccessKeys,
    format: RecordFormat,
    limits: DecodeLimits,
    max_body_bytes: usize,
    delivered: DeliveredRequests,
    pipeline: Pipeline,
}

impl FirehoseSource {
    /// Builds the endpoint from its validated config and resolved keys.
    pub fn new(
        config: &FirehoseSourceConfig,
        keys: AccessKeys,
        max_body_bytes: usize,
        pipeline: Pipeline,
    ) -> Self {
        Self {
            keys,
            format: config.record_format,
            limits: config.limits,
            max_body_bytes,
            delivered: DeliveredRequests::new(config.dedup_window, config.dedup_max_entries),
            pipeline,
        }
    }

    /// The route, at `path`.
    pub fn router(self, path: &str) -> Router {
        Router::new()
            .route(path, post(handle))
            .with_state(Arc::new(self))
    }
}

/// Where a record's base64 text is: a range of the body (the common, zero-copy case) or
/// an owned copy (when JSON escaping forced serde to unescape it).
enum RecordData {
    Range(usize, usize),
    Owned(Box<str>),
}

impl RecordData {
    fn bytes<'a>(&'a self, body: &'a [u8]) -> &'a [u8] {
        match self {
            Self::Range(start, end) => body.get(*start..*end).unwrap_or_default(),
            Self::Owned(text) => text.as_bytes(),
        }
    }
}

struct ParsedRequest {
    request_id: String,
    timestamp: Option<i64>,
    body: Bytes,
    records: Vec<RecordData>,
    fingerprint: u64,
}

#[derive(Default)]
struct ChunkResult {
    events: Vec<Event>,
    control: usize,
    failed: usize,
    refusal: Option<DrainError>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(
    State(source): State<Arc<FirehoseSource>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let header_id = header_str(&headers, wire::HEADER_REQUEST_ID)
        .unwrap_or_default()
        .to_owned();
    let metrics = &source.pipeline.metrics;
    let result = source.accept(&headers, body).await;
    metrics
        .request_duration
        .with_label_values(&[SOURCE])
        .observe(started.elapsed().as_secs_f64());
    match result {
        Ok((request_id, outcome)) => {
            metrics.requests.with_label_values(&[SOURCE, outcome]).inc();
            answer(StatusCode::OK, request_id, None)
        }
        Err((request_id, err)) => {
            metrics
                .requests
                .with_label_values(&[SOURCE, err.outcome()])
                .inc();
            let request_id = request_id.unwrap_or(header_id);
            tracing::warn!(
                status = err.status().as_u16(),
                error = %err,
                "firehose request not acknowledged"
            );
            answer(err.status(), request_id, Some(err.to_string()))
        }
    }
}

fn answer(status: StatusCode, request_id: String, error_message: Option<String>) -> Response {
    let body = FirehoseResponse {
        request_id,
        timestamp: now_ms(),
        error_message: error_message.map(|mut m| {
            m.truncate(8192);
            m
        }),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        axum::Json(body),
    )
        .into_response()
}

type Failure = (Option<String>, FirehoseError);

impl FirehoseSource {
    async fn accept(
        &self,
        headers: &HeaderMap,
        body: Result<Bytes, BytesRejection>,
    ) -> Result<(String, &'static str), Failure> {
        let presented = headers
            .get(wire::HEADER_ACCESS_KEY)
            .map(axum::http::HeaderValue::as_bytes);
        match self.keys.check(presented) {
            AuthOutcome::Allowed => {}
            AuthOutcome::Missing => return Err((None, FirehoseError::MissingKey)),
            AuthOutcome::Invalid => return Err((None, FirehoseError::InvalidKey)),
        }
        if let Some(version) = headers.get(wire::HEADER_PROTOCOL_VERSION)
            && version.as_bytes() != b"1.0"
        {
            return Err((None, FirehoseError::ProtocolVersion));
        }
        let attributes = common_attributes(headers).map_err(|e| (None, e))?;
        let body = body.map_err(|rejection| {
            let err = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                FirehoseError::TooLarge(DecodeError::TooLarge {
                    what: "body",
                    limit: self.max_body_bytes,
                })
            } else {
                FirehoseError::Body(rejection.body_text())
            };
            (None, err)
        })?;
        let wire_bytes = body.len();
        let gzip_body = headers
            .get(header::CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let max_body = self.max_body_bytes;
        let max_records = self.limits.max_records;
        let parsed = tokio::task::spawn_blocking(move || {
            parse_request(body, gzip_body, max_body, max_records)
        })
        .await
        .map_err(|e| {
            (
                None,
                FirehoseError::Body(format!("request parser failed: {e}")),
            )
        })?
        .map_err(|e| (None, e))?;
        let request_id = parsed.request_id.clone();
        if let Some(header_id) = header_str(headers, wire::HEADER_REQUEST_ID)
            && header_id != request_id
        {
            return Err((Some(request_id), FirehoseError::RequestIdMismatch));
        }
        let metrics = &self.pipeline.metrics;
        metrics
            .received_bytes
            .with_label_values(&[SOURCE])
            .inc_by(wire_bytes as u64);
        let key: RequestKey = (request_id.clone(), parsed.fingerprint);
        if self.delivered.contains(&key) {
            tracing::info!(
                records = parsed.records.len(),
                "firehose retry of a delivered request; not delivering again"
            );
            return Ok((request_id, "duplicate"));
        }
        metrics
            .received_records
            .with_label_values(&[SOURCE])
            .inc_by(parsed.records.len() as u64);
        let base = EventMeta {
            source: SOURCE.to_owned(),
            timestamp_ms: parsed.timestamp,
            attributes,
            ..EventMeta::default()
        };
        let events = self
            .decode_and_scrub(parsed, base)
            .await
            .map_err(|e| (Some(request_id.clone()), e))?;
        if !events.is_empty() {
            self.pipeline
                .deliver
                .submit(events)
                .await
                .map_err(|e| (Some(request_id.clone()), FirehoseError::Deliver(e)))?;
        }
        self.delivered.insert(key);
        Ok((request_id, "ok"))
    }

    async fn decode_and_scrub(
        &self,
        parsed: ParsedRequest,
        base: EventMeta,
    ) -> Result<Vec<Event>, FirehoseError> {
        let budget = Arc::new(DecodeBudget::new(
            self.limits.max_decompressed_request_bytes,
        ));
        let base = Arc::new(base);
        let body = parsed.body;
        let mut pending = Vec::new();
        let mut records = parsed.records.into_iter().peekable();
        while records.peek().is_some() {
            let mut chunk = Vec::new();
            let mut bytes = 0;
            while let Some(record) =
                records.next_if(|_| bytes < CHUNK_BYTES && chunk.len() < CHUNK_RECORDS)
            {
                bytes += record.bytes(&body).len();
                chunk.push(record);
            }
            let job = ChunkJob {
                body: body.clone(),
                records: chunk,
                format: self.format,
                limits: self.limits,
                budget: Arc::clone(&budget),
                base: Arc::clone(&base),
                pipeline: self.pipeline.clone(),
            };
            let queued = self
                .pipeline
                .pool
                .submit(move |state| job.run(state))
                .await
                .map_err(FirehoseError::Workers)?;
            pending.push(queued);
        }
        let mut events = Vec::new();
        let (mut control, mut failed) = (0, 0);
        for queued in pending {
            let result = queued.result().await.map_err(FirehoseError::Workers)?;
            match result.refusal {
                Some(DrainError::Quarantine(err)) => return Err(FirehoseError::Quarantine(err)),
                Some(DrainError::Unavailable(err)) => {
                    return Err(FirehoseError::ScrubUnavailable(err));
                }
                None => {}
            }
            control += result.control;
            failed += result.failed;
            if events.is_empty() {
                events = result.events;
            } else {
                events.extend(result.events);
            }
        }
        let metrics = &self.pipeline.metrics;
        if control > 0 {
            metrics
                .dropped_records
                .with_label_values(&["control_message"])
                .inc_by(control as u64);
        }
        if failed > 0 {
            tracing::warn!(
                records = failed,
                "firehose records failed to decode and were quarantined"
            );
        }
        Ok(events)
    }
}

struct ChunkJob {
    body: Bytes,
    records: Vec<RecordData>,
    format: RecordFormat,
    limits: DecodeLimits,
    budget: Arc<DecodeBudget>,
    base: Arc<EventMeta>,
    pipeline: Pipeline,
}

impl ChunkJob {
    fn run(self, state: &mut crate::pipeline::WorkerState) -> ChunkResult {
        let mut result = ChunkResult::default();
        let metrics = &self.pipeline.metrics;
        let quarantine = &*self.pipeline.quarantine;
        state.events.clear();
        for record in &self.records {
            let data = record.bytes(&self.body);
            match wire::decode_record(
                data,
                self.format,
                &self.limits,
                &self.budget,
                &mut state.scratch,
                &self.base,
                &mut state.events,
            ) {
                Ok(decoded) if decoded.is_control_only() => result.control += 1,
                Ok(DecodedRecord::Cloudwatch { .. } | DecodedRecord::Lines { .. }) => {}
                Err(err) => {
                    result.failed += 1;
                    let reason = err.quarantine_reason();
                    metrics
                        .decode_failures
                        .with_label_values(&[SOURCE, err.reason()])
                        .inc();
                    metrics
                        .quarantined_records
                        .with_label_values(&[reason.as_str()])
                        .inc();
                    tracing::warn!(error = %err, "firehose record failed to decode; quarantining it");
                    if result.refusal.is_none()
                        && let Err(qerr) = quarantine.quarantine(data, reason, &self.base)
                    {
                        result.refusal = Some(DrainError::Quarantine(qerr));
                    }
                }
            }
        }
        result.events = Vec::with_capacity(state.events.len());
        match scrub_drain(state, quarantine, metrics, &mut result.events) {
            Ok(_) => {}
            Err(err) => {
                if result.refusal.is_none() {
                    result.refusal = Some(err);
                }
            }
        }
        result
    }
}

fn common_attributes(headers: &HeaderMap) -> Result<BTreeMap<String, String>, FirehoseError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Common {
        common_attributes: BTreeMap<String, String>,
    }
    match headers.get(wire::HEADER_COMMON_ATTRIBUTES) {
        None => Ok(BTreeMap::new()),
        Some(value) => serde_json::from_slice::<Common>(value.as_bytes())
            .map(|c| c.common_attributes)
            .map_err(|_| FirehoseError::CommonAttributes),
    }
}

fn parse_request(
    body: Bytes,
    gzip_body: bool,
    max_body: usize,
    max_records: usize,
) -> Result<ParsedRequest, FirehoseError> {
    let body = if gzip_body {
        let mut inflated = Vec::new();
        gzip::gunzip_into(
            &body,
            max_body,
            "decompressed body",
            max_body,
            &mut inflated,
        )
        .map_err(|e| match e {
            DecodeError::TooLarge { .. } => FirehoseError::TooLarge(e),
            other => FirehoseError::BadBody(other),
        })?;
        Bytes::from(inflated)
    } else {
        body
    };
    let request: FirehoseRequest<'_> = serde_json::from_slice(&body)
        .map_err(|e| FirehoseError::BadBody(DecodeError::json("firehose request", &e)))?;
    if request.records.len() > max_records {
        return Err(FirehoseError::TooLarge(DecodeError::TooManyRecords {
            count: request.records.len(),
            limit: max_records,
        }));
    }
    let base = body.as_ptr() as usize;
    let mut hasher = std::hash::DefaultHasher::new();
    let records = request
        .records
        .iter()
        .map(|record| {
            let text = record.data.as_ref();
            text.len().hash(&mut hasher);
            hasher.write(text.as_bytes());
            let start = (text.as_ptr() as usize).wrapping_sub(base);
            match record.data {
                std::borrow::Cow::Borrowed(_) if start.saturating_add(text.len()) <= body.len() => {
                    RecordData::Range(start, start + text.len())
                }
                _ => RecordData::Owned(text.into()),
            }
        })
        .collect();
    let request_id = request.request_id.into_owned();
    let timestamp = request.timestamp;
    Ok(ParsedRequest {
        request_id,
        timestamp,
        fingerprint: hasher.finish(),
        records,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_located_in_the_body_without_copying() {
        let body = Bytes::from_static(
            br#"{"requestId":"r1","timestamp":1,"records":[{"data":"aGVsbG8="},{"data":"a\/b="}]}"#,
        );
        let parsed = parse_request(body, false, 1 << 20, 10).unwrap();
        assert_eq!(parsed.request_id, "r1");
        assert!(matches!(parsed.records[0], RecordData::Range(..)));
        assert_eq!(parsed.records[0].bytes(&parsed.body), b"aGVsbG8=");
        assert!(matches!(parsed.records[1], RecordData::Owned(_)));
        assert_eq!(parsed.records[1].bytes(&parsed.body), b"a/b=");
    }

    #[test]
    fn fingerprint_depends_on_records_not_timestamp() {
        let a = parse_request(
            Bytes::from_static(br#"{"requestId":"r","timestamp":1,"records":[{"data":"YQ=="}]}"#),
            false,
            1 << 20,
            10,
        )
        .unwrap();
        let b = parse_request(
            Bytes::from_static(br#"{"requestId":"r","timestamp":2,"records":[{"data":"YQ=="}]}"#),
            false,
            1 << 20,
            10,
        )
        .unwrap();
        let c = parse_request(
            Bytes::from_static(br#"{"requestId":"r","timestamp":2,"records":[{"data":"Yg=="}]}"#),
            false,
            1 << 20,
            10,
        )
        .unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
    }

    #[test]
    fn too_many_records_is_413_and_not_json_is_400() {
        let err = parse_request(
            Bytes::from_static(br#"{"requestId":"r","records":[{"data":""},{"data":""}]}"#),
            false,
            1 << 20,
            1,
        )
        .err()
        .unwrap();
        assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let err = parse_request(Bytes::from_static(b"SSN 123-45-6789"), false, 1 << 20, 1)
            .err()
            .unwrap();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert!(!err.to_string().contains("123-45-6789"));
    }
}
