//! The quarantine contract: records that cannot be decoded, scanned, transformed, encrypted
//! or delivered go here, never forwarded in the clear.
//!
//! The store behind it ([`store::QuarantineStore`]) is encrypted at rest with a key from
//! an [`key::AtRestKey`]; reasons are a closed set so they can be metric labels.

pub mod key;
pub mod memory;
pub mod store;

use crate::event::EventMeta;

pub use key::{AtRestKey, KeyFile, KmsKey};
pub use memory::{HeldRecord, MemoryQuarantine};
pub use store::{QuarantineEntry, QuarantineStore};

/// Why a record was quarantined. A closed set: these are metric label values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineReason {
    /// Base64, gzip or envelope decoding failed.
    DecodeFailed,
    /// The record exceeded a size bound (record, decompressed, line).
    Oversize,
    /// Detection failed (e.g. a scan error).
    ScanFailed,
    /// An action could not be applied (e.g. encryption without a data key).
    ActionFailed,
    /// A sink rejected the event permanently.
    SinkRejected,
}

impl std::str::FromStr for QuarantineReason {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "decode_failed" => Self::DecodeFailed,
            "oversize" => Self::Oversize,
            "scan_failed" => Self::ScanFailed,
            "action_failed" => Self::ActionFailed,
            "sink_rejected" => Self::SinkRejected,
            other => return Err(format!("unknown quarantine reason `{other}`")),
        })
    }
}

impl QuarantineReason {
    /// The metric label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DecodeFailed => "decode_failed",
            Self::Oversize => "oversize",
            Self::ScanFailed => "scan_failed",
            Self::ActionFailed => "action_failed",
            Self::SinkRejected => "sink_rejected",
        }
    }
}

/// The quarantine store could not take a record. The caller must then reject the record
/// upstream (so it is retried) rather than forward it.
#[derive(Debug, thiserror::Error)]
#[error("quarantine unavailable: {0}")]
pub struct QuarantineError(pub String);

/// Somewhere records go instead of the SIEM.
pub trait Quarantine: Send + Sync {
    /// Stores `payload` (encrypted at rest) with its reason and metadata.
    fn quarantine(
        &self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<(), QuarantineError>;
}
