//! The policy scrubber ([`crate::scrub::Scrubber`]) as a worker [`ScrubStage`], and the
//! factory `serve` and `lambda` use: policy and keys are built once and shared, each
//! worker gets its own detector scanner.

use std::sync::Arc;

use bytes::Bytes;

use super::stage::{ScrubStage, StageError, StageFactory};
use crate::config::Config;
use crate::event::Event;
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

/// A factory of policy scrubbers for `config`. Fails when the policy, the keys or the
/// detector cannot be built (checked once here, before any worker starts).
pub fn policy_scrubber_factory(config: &Config) -> Result<StageFactory, StageError> {
    let (policy, keys) =
        crate::cli::scrub::build_policy_and_keys(config).map_err(StageError::Build)?;
    // Build one detector now so a broken detection config stops start-up.
    crate::cli::scrub::build_finder(config, None).map_err(StageError::Build)?;
    let config = config.clone();
    Ok(Arc::new(move || {
        let finder = crate::cli::scrub::build_finder(&config, None).map_err(StageError::Build)?;
        Ok(Box::new(Scrubber::new(
            finder,
            Arc::clone(&policy),
            Arc::clone(&keys),
        )) as Box<dyn ScrubStage>)
    }))
}
