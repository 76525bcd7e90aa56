//! The quarantine contract: records that cannot be decoded, scanned, transformed, encrypted
//! or delivered go here, never forwarded in the clear.
//!
//! The store behind it is encrypted at rest; reasons are a closed set so they can be
//! metric labels.

use crate::event::EventMeta;

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
