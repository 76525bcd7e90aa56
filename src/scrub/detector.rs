//! Connects the scrubber to the detection engine: the [`FindPhi`] adapter for
//! `crate::detect::Scanner`, and building it from config.

use super::FindPhi;
use crate::config::Config;

/// Builds the configured detector and returns one scanner for this thread.
///
/// The detection engine is developed on its own branch; until it is merged into this
/// build there is no engine to build, and saying so is the only honest answer (scrubbing
/// without detection would forward PHI in the clear).
pub fn build_finder(_config: &Config, _engine: Option<&str>) -> Result<Box<dyn FindPhi>, String> {
    Err("this build has no detection engine (crate::detect::Detector is not merged yet)".to_owned())
}
