//! Everything that stops a Firehose request, each with the HTTP status Firehose must see
//! and the metric outcome label. Messages never contain payload bytes (they are copied to
//! Firehose's error bucket and to our logs).
//!
//! Firehose retries every status but 200 and 413 (PROTOCOLS.md §2.2), so per-record
//! problems are not request errors (the record is quarantined and the rest delivered);
//! only what a retry can fix, or what will never be fixable for the whole batch, is.

use axum::http::StatusCode;

use crate::decode::DecodeError;
use crate::pipeline::{DeliverError, PoolError, StageError};
use crate::quarantine::QuarantineError;

/// Why a Firehose request was not acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum FirehoseError {
    /// No access key presented, and one is required.
    #[error("Missing access key (X-Amz-Firehose-Access-Key).")]
    MissingKey,
    /// The access key matched none of the configured keys.
    #[error("Invalid access key (X-Amz-Firehose-Access-Key).")]
    InvalidKey,
    /// An unknown `X-Amz-Firehose-Protocol-Version`.
    #[error("Unsupported protocol version; only 1.0 is supported.")]
    ProtocolVersion,
    /// The body is not a Firehose request (bad gzip, not JSON, wrong shape).
    #[error("Request body is not a valid Firehose request: {0}")]
    BadBody(DecodeError),
    /// The body's `requestId` differs from the header's.
    #[error("The body's requestId does not match X-Amz-Firehose-Request-Id.")]
    RequestIdMismatch,
    /// `X-Amz-Firehose-Common-Attributes` is not the documented JSON.
    #[error("X-Amz-Firehose-Common-Attributes is not valid JSON of the documented shape.")]
    CommonAttributes,
    /// The body could not be read (client went away, or it exceeds the size limit).
    #[error("Request body could not be read: {0}")]
    Body(String),
    /// Too many records, or a body too large even after decompression.
    #[error("Request too large: {0}")]
    TooLarge(DecodeError),
    /// The scrub workers could not take or finish the work.
    #[error("Not accepted: {0}; retry later.")]
    Workers(PoolError),
    /// Delivery refused or failed: retry later.
    #[error("Delivery not accepted: {0}")]
    Deliver(DeliverError),
    /// The scrubber is temporarily unavailable (e.g. KMS unreachable): retry later.
    #[error("Scrubber temporarily unavailable, retry later: {0}")]
    ScrubUnavailable(StageError),
    /// A record could not be quarantined, so the batch is refused rather than lost.
    #[error("Quarantine unavailable, refusing the batch so it is retried: {0}")]
    Quarantine(QuarantineError),
}

impl FirehoseError {
    /// The status Firehose sees.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingKey | Self::InvalidKey => StatusCode::UNAUTHORIZED,
            Self::ProtocolVersion
            | Self::BadBody(_)
            | Self::RequestIdMismatch
            | Self::CommonAttributes
            | Self::Body(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Workers(_)
            | Self::Deliver(_)
            | Self::Quarantine(_)
            | Self::ScrubUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The `outcome` label of `phiscrub_requests_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::MissingKey | Self::InvalidKey => "unauthorized",
            Self::ProtocolVersion
            | Self::BadBody(_)
            | Self::RequestIdMismatch
            | Self::CommonAttributes
            | Self::Body(_) => "bad_request",
            Self::TooLarge(_) => "too_large",
            Self::Workers(PoolError::Busy) | Self::Deliver(DeliverError::Backpressure(_)) => {
                "backpressure"
            }
            Self::Workers(_) => "unavailable",
            Self::Deliver(DeliverError::Unavailable(_))
            | Self::Quarantine(_)
            | Self::ScrubUnavailable(_) => "unavailable",
        }
    }
}
