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

    /// `scan_line` reads JSON keys as context and scans escaped strings decoded
    /// (`detect::Scanner::scan_line`).
    fn line_scan_covers_json_values(&self) -> bool {
        true
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

/// Everything workers share, built once from config: the detector, the policy and the
/// keys. Each worker thread calls [`ScrubSetup::scrubber`] for its own [`Scrubber`]
/// (own detector scratch and buffers).
#[derive(Debug, Clone)]
pub struct ScrubSetup {
    /// The compiled detector.
    pub detector: Arc<Detector>,
    /// The action policy.
    pub policy: Arc<crate::actions::Policy>,
    /// Data keys and the HMAC key.
    pub keys: Arc<crate::keys::KeyService>,
}

impl ScrubSetup {
    /// Builds detector, policy and keys (key files, KMS client, HMAC key); the error names
    /// the part that failed. `metrics` receives KMS call and data-key cache counts.
    pub fn build(
        config: &Config,
        engine: Option<EngineChoice>,
        metrics: Option<crate::telemetry::Metrics>,
    ) -> Result<Self, String> {
        let detector = build_detector(config, engine).map_err(|e| format!("detect: {e}"))?;
        Self::with_detector(config, detector, metrics)
    }

    /// Builds policy and keys around an already compiled detector (the daemon compiles
    /// the detector first so its metrics can name the engine that actually runs). Must
    /// not run on an async runtime thread: the KMS client blocks on its own runtime.
    pub fn with_detector(
        config: &Config,
        detector: Arc<Detector>,
        metrics: Option<crate::telemetry::Metrics>,
    ) -> Result<Self, String> {
        let policy = Arc::new(crate::actions::Policy::from_config(&config.actions));
        let keys = crate::keys::KeyService::build(
            &config.keys,
            &config.state_dir,
            crate::keys::KeyUses::for_policy(&policy),
            metrics,
        )
        .map_err(|e| format!("keys: {e}"))?;
        Ok(Self {
            detector,
            policy,
            keys: Arc::new(keys),
        })
    }

    /// A scrubber for one worker thread.
    pub fn scrubber(&self) -> super::Scrubber {
        super::Scrubber::new(
            Box::new(self.detector.scanner()),
            self.policy.clone(),
            self.keys.clone(),
        )
    }
}
