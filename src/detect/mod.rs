//! PHI detection: what counts as protected health information in a log line, and where.

mod finding;
mod phi_type;

pub use finding::{Finding, RuleIdx, ScanError};
pub use phi_type::{PhiType, UnknownPhiType};

/// The detection engine to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineChoice {
    /// The SIMD path when compiled in and supported by the CPU, else portable.
    Auto,
    /// Hyperscan (x86) or Vectorscan (others): fails if not compiled in.
    Hyperscan,
    /// Pure Rust (regex-automata, aho-corasick), for any CPU.
    Portable,
}

impl std::str::FromStr for EngineChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "hyperscan" => Ok(Self::Hyperscan),
            "portable" => Ok(Self::Portable),
            other => Err(format!(
                "unknown engine `{other}` (expected auto, hyperscan or portable)"
            )),
        }
    }
}

/// The detection engines compiled into this binary, for `--version` and build info.
pub const fn engines_compiled_in() -> &'static str {
    if cfg!(feature = "hyperscan") {
        "hyperscan,portable"
    } else {
        "portable"
    }
}
