//! What a detection engine reports: a byte span, its PHI type and the rule that found it.
//!
//! These are plain values so that the scrubber and its tests can be written against them
//! without an engine; offsets are byte offsets into the scanned input.

use super::PhiType;

/// Index of a rule in the detector's rule table (its id via `Detector::rule_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleIdx(pub u32);

/// One piece of PHI found in a scanned input: `input[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// First byte of the finding.
    pub start: usize,
    /// One past the last byte of the finding.
    pub end: usize,
    /// What kind of PHI it is.
    pub phi_type: PhiType,
    /// The rule that found it.
    pub rule: RuleIdx,
}

/// Scanning one input failed; the caller fails closed (quarantine or reject).
/// Carries no payload bytes.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The engine reported an error.
    #[error("the detection engine failed: {0}")]
    Engine(String),
}
