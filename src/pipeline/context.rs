//! What every source needs from the pipeline, bundled: the scrub workers, the delivery
//! (ack boundary), the quarantine and the metrics; plus the one routine they all share,
//! scrubbing decoded events on a worker and quarantining what cannot be scrubbed.

use std::sync::Arc;

use super::stage::StageError;
use super::workers::WorkerState;
use super::{Deliver, WorkerPool};
use crate::event::Event;
use crate::quarantine::{Quarantine, QuarantineError};
use crate::telemetry::Metrics;

/// The pipeline as the sources see it. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    /// Scrub worker threads.
    pub pool: Arc<WorkerPool>,
    /// Where scrubbed events go; `Ok` means durably accepted.
    pub deliver: Arc<dyn Deliver>,
    /// Where records that cannot be decoded or scrubbed go.
    pub quarantine: Arc<dyn Quarantine>,
    /// Metric handles.
    pub metrics: Metrics,
}

/// The outcome of scrubbing a batch on a worker.
#[derive(Debug, Default)]
pub struct Scrubbed {
    /// Scrubbed events, in input order.
    pub events: Vec<Event>,
    /// Events that failed to scrub and were quarantined.
    pub quarantined: usize,
}

/// Why a batch must be refused as a whole (the upstream retries it later).
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    /// An event could not be quarantined.
    #[error(transparent)]
    Quarantine(#[from] QuarantineError),
    /// The scrubber is temporarily unavailable.
    #[error("{0}")]
    Unavailable(StageError),
}

/// Scrubs `state.events` (drained) on the calling worker, appending scrubbed events to
/// `out`; events that fail are quarantined (never forwarded). A quarantine that cannot
/// take a record, or a scrubber that is temporarily unavailable, is an error: the caller
/// must then refuse the whole request.
pub fn scrub_drain(
    state: &mut WorkerState,
    quarantine: &dyn Quarantine,
    metrics: &Metrics,
    out: &mut Vec<Event>,
) -> Result<usize, DrainError> {
    let started = std::time::Instant::now();
    let mut quarantined = 0;
    let mut failure = None;
    let mut bytes = 0usize;
    for event in state.events.drain(..) {
        bytes += event.message.len();
        match state.stage.scrub(&event) {
            Ok(message) => out.push(Event {
                message,
                meta: event.meta,
            }),
            Err(err @ StageError::Unavailable(_)) => {
                if failure.is_none() {
                    failure = Some(DrainError::Unavailable(err));
                }
            }
            Err(err) => {
                let reason = err.quarantine_reason();
                tracing::warn!(error = %err, source = %event.meta.source, "event could not be scrubbed; quarantining it");
                metrics
                    .quarantined_records
                    .with_label_values(&[reason.as_str()])
                    .inc();
                quarantined += 1;
                if failure.is_none()
                    && let Err(qerr) = quarantine.quarantine(&event.message, reason, &event.meta)
                {
                    failure = Some(DrainError::Quarantine(qerr));
                }
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    metrics.scan_duration.observe(elapsed);
    if bytes > 0 {
        #[allow(clippy::cast_precision_loss)] // a batch is far below 2^52 bytes
        let megabytes = bytes as f64 / 1e6;
        metrics
            .scan_seconds_per_megabyte
            .observe(elapsed / megabytes);
    }
    match failure {
        Some(err) => Err(err),
        None => Ok(quarantined),
    }
}
