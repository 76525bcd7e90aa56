//! The Firehose data-transformation contract (PROTOCOLS.md §3), one handler for both
//! `POST /firehose/transform` and the Lambda custom runtime (`phiscrub lambda`).
//!
//! Every input recordId appears exactly once in the output, in order: `Ok` with the
//! scrubbed data re-encoded as configured, `Dropped` for control messages, or
//! `ProcessingFailed` for anything that could not be decoded or scrubbed (never `Ok` with
//! unscrubbed data). The response stays under `max_response_bytes` (Lambda allows 6 MB):
//! `Ok` records that do not fit become `ProcessingFailed`, so Firehose sends them to its
//! error output instead of failing the whole invocation.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::auth::{AccessKeys, AuthOutcome, bearer};
use crate::config::validate::{TransformOutput, TransformSourceConfig};
use crate::decode::cloudwatch::{self, MessageKind};
use crate::decode::firehose::{
    DecodedRecord, RecordFormat, TransformEvent, TransformResponse, TransformResponseRecord,
    TransformResult, decode_record_bytes,
};
use crate::decode::{DecodeBudget, DecodeError, DecodeLimits, base64};
use crate::event::{Event, EventMeta};
use crate::pipeline::{PoolError, StageError, WorkerPool, WorkerState};
use crate::sinks::encode;
use crate::telemetry::Metrics;

/// The metric label of this source.
pub const SOURCE: &str = "transform";

const CHUNK_BYTES: usize = 256 * 1024;

/// Why a whole invocation failed (as opposed to single records, which become
/// `ProcessingFailed`).
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    /// The event is not a transformation event.
    #[error("not a Firehose transformation event: {0}")]
    BadEvent(DecodeError),
    /// The scrub workers could not take or finish the work.
    #[error("scrub workers unavailable: {0}")]
    Workers(PoolError),
    /// The scrubber is temporarily unavailable (e.g. KMS unreachable): the invocation
    /// fails so Firehose retries it, rather than sending every record to its error output.
    #[error("{0}")]
    ScrubUnavailable(StageError),
}

/// The transformation handler shared by the HTTP route and the Lambda runtime.
#[derive(Clone)]
pub struct TransformHandler {
    output: TransformOutput,
    format: RecordFormat,
    limits: DecodeLimits,
    max_response_bytes: usize,
    pool: Arc<WorkerPool>,
    metrics: Metrics,
}

struct Input {
    record_id: String,
    arrival_ms: Option<i64>,
    data: String,
}

impl TransformHandler {
    /// A handler with the given settings, scrubbing on `pool`.
    pub fn new(config: &TransformSourceConfig, pool: Arc<WorkerPool>, metrics: Metrics) -> Self {
        Self {
            output: config.output,
            format: config.record_format,
            limits: config.limits,
            max_response_bytes: config.max_response_bytes,
            pool,
            metrics,
        }
    }

    /// Transforms one invocation's event.
    pub async fn handle(&self, event: Bytes) -> Result<TransformResponse, TransformError> {
        let inputs = tokio::task::spawn_blocking(move || parse(&event))
            .await
            .map_err(|_| TransformError::Workers(PoolError::WorkerLost))?
            .map_err(TransformError::BadEvent)?;
        self.metrics
            .received_records
            .with_label_values(&[SOURCE])
            .inc_by(inputs.len() as u64);
        let budget = Arc::new(DecodeBudget::new(
            self.limits.max_decompressed_request_bytes,
        ));
        let mut ids = Vec::with_capacity(inputs.len());
        let mut pending = Vec::new();
        let mut inputs = inputs.into_iter().peekable();
        while inputs.peek().is_some() {
            let mut chunk = Vec::new();
            let mut bytes = 0;
            while let Some(input) = inputs.next_if(|_| bytes < CHUNK_BYTES) {
                bytes += input.data.len();
                ids.push(input.record_id.clone());
                chunk.push(input);
            }
            let job = RecordJob {
                inputs: chunk,
                output: self.output,
                format: self.format,
                limits: self.limits,
                budget: Arc::clone(&budget),
                metrics: self.metrics.clone(),
            };
            pending.push(
                self.pool
                    .submit(move |state| job.run(state))
                    .await
                    .map_err(TransformError::Workers)?,
            );
        }
        let mut outcomes = Vec::with_capacity(ids.len());
        for queued in pending {
            outcomes.extend(
                queued
                    .result()
                    .await
                    .map_err(TransformError::Workers)?
                    .map_err(TransformError::ScrubUnavailable)?,
            );
        }
        let response = fit(ids, outcomes, self.max_response_bytes);
        for record in &response.records {
            let label = match record.result {
                TransformResult::Ok => "ok",
                TransformResult::Dropped => "dropped",
                TransformResult::ProcessingFailed => "processing_failed",
            };
            self.metrics
                .transform_records
                .with_label_values(&[label])
                .inc();
        }
        Ok(response)
    }

    /// The HTTP route at `path`, with an optional bearer token.
    pub fn router(self, path: &str, token: AccessKeys) -> Router {
        Router::new()
            .route(path, post(http_handle))
            .with_state(Arc::new((self, token)))
    }
}

fn parse(event: &[u8]) -> Result<Vec<Input>, DecodeError> {
    let event: TransformEvent<'_> =
        serde_json::from_slice(event).map_err(|e| DecodeError::json("transformation event", &e))?;
    Ok(event
        .records
        .into_iter()
        .map(|r| Input {
            record_id: r.record_id.into_owned(),
            arrival_ms: r.approximate_arrival_timestamp,
            data: r.data.into_owned(),
        })
        .collect())
}

type Outcome = (TransformResult, Option<String>);

struct RecordJob {
    inputs: Vec<Input>,
    output: TransformOutput,
    format: RecordFormat,
    limits: DecodeLimits,
    budget: Arc<DecodeBudget>,
    metrics: Metrics,
}

impl RecordJob {
    fn run(self, state: &mut WorkerState) -> Result<Vec<Outcome>, StageError> {
        let mut raw = Vec::new();
        let mut inflated = Vec::new();
        let mut outcomes = Vec::with_capacity(self.inputs.len());
        let started = Instant::now();
        for input in &self.inputs {
            let outcome = self.transform(input, state, &mut raw, &mut inflated);
            outcomes.push(outcome?);
        }
        state.stage.flush_metrics(&self.metrics);
        self.metrics
            .scan_duration
            .observe(started.elapsed().as_secs_f64());
        Ok(outcomes)
    }

    fn transform(
        &self,
        input: &Input,
        state: &mut WorkerState,
        raw: &mut Vec<u8>,
        inflated: &mut Vec<u8>,
    ) -> Result<Outcome, StageError> {
        let failed = Ok((TransformResult::ProcessingFailed, None));
        let base = EventMeta {
            source: SOURCE.to_owned(),
            timestamp_ms: input.arrival_ms,
            ..EventMeta::default()
        };
        state.events.clear();
        let decoded = base64::decode_into(input.data.as_bytes(), self.limits.max_record_bytes, raw)
            .and_then(|()| {
                decode_record_bytes(
                    raw,
                    self.format,
                    &self.limits,
                    &self.budget,
                    inflated,
                    &base,
                    &mut state.events,
                )
            });
        let decoded = match decoded {
            Ok(d) => d,
            Err(err) => {
                self.metrics
                    .decode_failures
                    .with_label_values(&[SOURCE, err.reason()])
                    .inc();
                tracing::warn!(error = %err, "transformation record failed to decode");
                return failed;
            }
        };
        if decoded.is_control_only() {
            self.metrics
                .dropped_records
                .with_label_values(&["control_message"])
                .inc();
            return Ok((TransformResult::Dropped, None));
        }
        let mut scrubbed = Vec::with_capacity(state.events.len());
        for event in state.events.drain(..) {
            match state.stage.scrub(&event) {
                Ok(message) => scrubbed.push(Event {
                    message,
                    meta: event.meta,
                }),
                Err(err @ StageError::Unavailable(_)) => return Err(err),
                Err(err) => {
                    tracing::warn!(error = %err, "transformation record could not be scrubbed");
                    return failed;
                }
            }
        }
        match encode(&decoded, &scrubbed, self.output) {
            Ok(bytes) => Ok((TransformResult::Ok, Some(base64::encode(&bytes)))),
            Err(err) => {
                tracing::warn!(error = %err, "transformation record could not be re-encoded");
                failed
            }
        }
    }
}

/// Re-encodes scrubbed events in the configured shape.
fn encode(
    decoded: &DecodedRecord,
    events: &[Event],
    output: TransformOutput,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let gzip = match (output, decoded) {
        (TransformOutput::Ndjson, _) => {
            encode::ndjson(events, &mut out);
            false
        }
        (TransformOutput::Cloudwatch, DecodedRecord::Cloudwatch { envelopes, gzip }) => {
            let mut at = 0;
            for envelope in envelopes {
                let mine = events.get(at..at + envelope.events).unwrap_or_default();
                at += envelope.events;
                if envelope.kind == MessageKind::Data {
                    cloudwatch::encode_message(envelope, mine, &mut out);
                }
            }
            *gzip
        }
        (TransformOutput::Cloudwatch, DecodedRecord::Lines { gzip, .. }) => {
            for event in events {
                out.extend_from_slice(&event.message);
                out.push(b'\n');
            }
            *gzip
        }
    };
    if !gzip {
        return Ok(out);
    }
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(out.len() / 4),
        flate2::Compression::new(6),
    );
    encoder.write_all(&out)?;
    encoder.finish()
}

/// Assembles the response, turning `Ok` records that would push it past `max_bytes` into
/// `ProcessingFailed`. Space for every record's smallest answer is reserved first, so the
/// records that come later are never squeezed out of the response altogether.
fn fit(ids: Vec<String>, outcomes: Vec<Outcome>, max_bytes: usize) -> TransformResponse {
    let size =
        |r: &TransformResponseRecord| serde_json::to_vec(r).map_or(usize::MAX, |v| v.len()) + 1;
    let mut records: Vec<TransformResponseRecord> = ids
        .into_iter()
        .zip(
            outcomes
                .into_iter()
                .chain(std::iter::repeat((TransformResult::ProcessingFailed, None))),
        )
        .map(|(record_id, (result, data))| TransformResponseRecord {
            record_id,
            result,
            data,
        })
        .collect();
    let floor = |r: &TransformResponseRecord| {
        size(&TransformResponseRecord {
            record_id: r.record_id.clone(),
            result: TransformResult::ProcessingFailed,
            data: None,
        })
    };
    let mut used = "{\"records\":[]}".len() + records.iter().map(floor).sum::<usize>();
    for record in &mut records {
        if record.result != TransformResult::Ok {
            continue;
        }
        let extra = size(record).saturating_sub(floor(record));
        if used + extra <= max_bytes {
            used += extra;
        } else {
            record.result = TransformResult::ProcessingFailed;
            record.data = None;
        }
    }
    TransformResponse { records }
}

async fn http_handle(
    State(state): State<Arc<(TransformHandler, AccessKeys)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (handler, token) = &*state;
    let started = Instant::now();
    let presented = bearer(headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()));
    let (status, outcome, body) = match token.check(presented) {
        AuthOutcome::Allowed => match handler.handle(body).await {
            Ok(response) => (
                StatusCode::OK,
                "ok",
                serde_json::to_value(&response).unwrap_or_default(),
            ),
            Err(err @ TransformError::BadEvent(_)) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                serde_json::json!({"errorMessage": err.to_string()}),
            ),
            Err(err @ (TransformError::Workers(_) | TransformError::ScrubUnavailable(_))) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "backpressure",
                serde_json::json!({"errorMessage": err.to_string()}),
            ),
        },
        AuthOutcome::Missing | AuthOutcome::Invalid => (
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            serde_json::json!({"errorMessage": "missing or invalid bearer token"}),
        ),
    };
    handler
        .metrics
        .requests
        .with_label_values(&[SOURCE, outcome])
        .inc();
    handler
        .metrics
        .request_duration
        .with_label_values(&[SOURCE])
        .observe(started.elapsed().as_secs_f64());
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(id: &str, data_len: usize) -> (String, Outcome) {
        (
            id.to_owned(),
            (TransformResult::Ok, Some("A".repeat(data_len))),
        )
    }

    #[test]
    fn records_that_do_not_fit_become_processing_failed_in_place() {
        let (ids, outcomes): (Vec<_>, Vec<_>) = [
            ok("a", 400),
            ok("b", 400),
            ok("c", 100),
            ("d".to_owned(), (TransformResult::Dropped, None)),
        ]
        .into_iter()
        .unzip();
        let response = fit(ids, outcomes, 700);
        let results: Vec<_> = response
            .records
            .iter()
            .map(|r| (r.record_id.as_str(), r.result))
            .collect();
        assert_eq!(
            results,
            [
                ("a", TransformResult::Ok),
                ("b", TransformResult::ProcessingFailed),
                ("c", TransformResult::Ok),
                ("d", TransformResult::Dropped)
            ]
        );
        assert!(serde_json::to_vec(&response).unwrap().len() <= 700);
    }
}
