//! Connects the scrubber to the detection engine: [`FindPhi`] for
//! `crate::detect::Scanner` (one per worker thread), and building it from config.

use std::sync::Arc;

use super::FindPhi;
use crate::config::Config;
use crate::detect::{Detector, EngineChoice, Finding, RuleIdx, ScanError, Scanner};

impl FindPhi for Scanner {
    fn find_in_line(&mut self, line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError> {
        self.scan_line(line, out)
    }

    fn find_in_value(
        &mut self,
        key: Option<&str>,
        value: &[u8],
        out: &mut Vec<Finding>,
    ) -> Result<(), ScanError> {
        self.scan_value(key, value, out)
    }

    fn rule_id(&self, rule: RuleIdx) -> &str {
        self.detector().rule_id(rule)
    }
}

/// Builds the configured detector (with an optional engine override).
pub fn build_detector(
    config: &Config,
    engine: Option<EngineChoice>,
) -> Result<Arc<Detector>, String> {
    let mut detect = config.detect.clone();
    if let Some(engine) = engine {
        detect.engine = engine;
    }
    Detector::build(&detect)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// Builds the configured detector and returns one scanner for this thread.
pub fn build_finder(
    config: &Config,
    engine: Option<EngineChoice>,
) -> Result<Box<dyn FindPhi>, String> {
    Ok(Box::new(build_detector(config, engine)?.scanner()))
}
