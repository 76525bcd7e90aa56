//! The scrub stage as the worker threads see it: one instance per worker, called
//! synchronously on that worker's thread, so it may own mutable scratch (Hyperscan scratch,
//! buffers) without locks.
//!
//! This small trait is the seam between ingest and the scrubber: ingest can be tested
//! end to end with any stage, and `app::build_pipeline` picks the real one.

use std::sync::Arc;

use bytes::Bytes;

use crate::event::Event;
use crate::quarantine::QuarantineReason;
use crate::telemetry::Metrics;

/// Why a stage could not scrub an event. The event is then quarantined (fail closed).
/// Never carries payload bytes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StageError {
    /// Detection failed.
    #[error("scan failed: {0}")]
    Scan(String),
    /// A replacement action failed (e.g. encryption without a data key).
    #[error("action failed: {0}")]
    Action(String),
    /// A dependency is temporarily unavailable (e.g. KMS unreachable with no cached data
    /// key): the whole batch is refused so the upstream retries later, rather than
    /// quarantining events that will scrub fine in a minute.
    #[error("scrubber temporarily unavailable: {0}")]
    Unavailable(String),
    /// The stage could not be built.
    #[error("scrub stage could not be built: {0}")]
    Build(String),
}

impl StageError {
    /// The quarantine reason for an event that failed this way.
    pub const fn quarantine_reason(&self) -> QuarantineReason {
        match self {
            Self::Scan(_) | Self::Build(_) => QuarantineReason::ScanFailed,
            Self::Action(_) | Self::Unavailable(_) => QuarantineReason::ActionFailed,
        }
    }
}

/// Scrubs one event at a time on a worker thread.
pub trait ScrubStage: Send {
    /// Returns the scrubbed message for `event`, or why it cannot be scrubbed.
    fn scrub(&mut self, event: &Event) -> Result<Bytes, StageError>;

    /// Adds counts accumulated since the last call to `metrics` (called once per batch,
    /// so the per-event path does not touch shared counters).
    fn flush_metrics(&mut self, _metrics: &Metrics) {}
}

/// Builds one stage per worker thread.
pub type StageFactory = Arc<dyn Fn() -> Result<Box<dyn ScrubStage>, StageError> + Send + Sync>;
