//! The policy scrubber ([`crate::scrub::Scrubber`]) as a worker [`ScrubStage`], and the
//! factory `serve` and `lambda` use: detector, policy and keys are built once and shared,
//! each worker gets its own detector scanner.

use std::sync::Arc;

use bytes::Bytes;

use super::stage::{ScrubStage, StageError, StageFactory};
use crate::event::Event;
use crate::scrub::detector::ScrubSetup;
use crate::scrub::{ScrubError, Scrubber};
use crate::telemetry::Metrics;

impl ScrubStage for Scrubber {
    fn scrub(&mut self, event: &Event) -> Result<Bytes, StageError> {
        match Scrubber::scrub(self, event) {
            Ok(scrubbed) => Ok(scrubbed.message),
            Err(err) if err.is_retryable() => Err(StageError::Unavailable(err.to_string())),
            Err(err @ (ScrubError::Scan(_) | ScrubError::FindingOutOfBounds)) => {
                Err(StageError::Scan(err.to_string()))
            }
            Err(err) => Err(StageError::Action(err.to_string())),
        }
    }

    fn flush_metrics(&mut self, metrics: &Metrics) {
        Scrubber::flush_metrics(self, metrics);
    }
}

/// The worker factory for a built [`ScrubSetup`]: every worker gets its own scanner
/// (own scratch) over the one shared detector, policy and keys.
pub fn policy_scrubber_factory(setup: ScrubSetup) -> StageFactory {
    Arc::new(move || Ok(Box::new(setup.scrubber()) as Box<dyn ScrubStage>))
}
