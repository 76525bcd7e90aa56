//! Turns what arrives on the wire into [`crate::event::Event`]s: base64, gzip sniffed by its
//! magic bytes, the CloudWatch Logs subscription envelope, and the Firehose request and
//! transformation documents.
//!
//! Every decoder is bounded (record size, decompressed size per record and per request) so a
//! gzip bomb costs at most the configured bytes, and every error names what failed and
//! where, never the payload: these errors reach logs and quarantine reasons.

pub mod base64;
pub mod cloudwatch;
pub mod firehose;
pub mod gzip;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::quarantine::QuarantineReason;

/// Why a record or document could not be decoded. Never carries payload bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The record's `data` is not valid base64.
    #[error("record data is not valid base64 (at byte {offset})")]
    Base64 {
        /// Offset of the first bad symbol, when known.
        offset: usize,
    },
    /// The gzip stream ended before its trailer.
    #[error("gzip data is truncated")]
    GzipTruncated,
    /// The gzip stream is corrupt (bad header, bad deflate data, CRC mismatch).
    #[error("gzip data is corrupt")]
    GzipCorrupt,
    /// A size bound was exceeded.
    #[error("{what} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Which bound: `record`, `decompressed record`, `decompressed request`, `body`.
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
    /// The document is not the JSON it should be.
    #[error("invalid {what} JSON at line {line}, column {column}: {category}")]
    Json {
        /// Which document: `subscription message`, `firehose request`, ….
        what: &'static str,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// serde_json's error category (`syntax`, `data`, `eof`), never the input.
        category: &'static str,
    },
    /// Plain-line records must be UTF-8 (binary data would bypass the scanner).
    #[error("record is neither gzip, a subscription message nor UTF-8 text")]
    NotText,
    /// The document has too many records.
    #[error("{count} records exceed the limit of {limit}")]
    TooManyRecords {
        /// Records in the document.
        count: usize,
        /// The configured limit.
        limit: usize,
    },
}

impl DecodeError {
    /// The metric label for this failure (a closed set).
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Base64 { .. } => "base64",
            Self::GzipTruncated => "gzip_truncated",
            Self::GzipCorrupt => "gzip_corrupt",
            Self::TooLarge { .. } => "too_large",
            Self::Json { .. } => "json",
            Self::NotText => "not_text",
            Self::TooManyRecords { .. } => "too_many_records",
        }
    }

    /// The quarantine reason for a record that failed this way.
    pub const fn quarantine_reason(&self) -> QuarantineReason {
        match self {
            Self::TooLarge { .. } | Self::TooManyRecords { .. } => QuarantineReason::Oversize,
            _ => QuarantineReason::DecodeFailed,
        }
    }

    /// Builds a [`DecodeError::Json`] from serde_json's error, keeping only its position
    /// and category (serde_json messages can quote input).
    pub fn json(what: &'static str, err: &serde_json::Error) -> Self {
        let category = match err.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        };
        Self::Json {
            what,
            line: err.line(),
            column: err.column(),
            category,
        }
    }
}

/// Size bounds applied while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest record after base64 decoding (Firehose: 1,024,000 bytes).
    pub max_record_bytes: usize,
    /// Largest record after gunzip.
    pub max_decompressed_record_bytes: usize,
    /// Largest total of decompressed bytes for one request or document.
    pub max_decompressed_request_bytes: usize,
    /// Most records in one request or document (Firehose: 10,000).
    pub max_records: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_record_bytes: 1_024_000,
            max_decompressed_record_bytes: 32 * 1024 * 1024,
            max_decompressed_request_bytes: 256 * 1024 * 1024,
            max_records: 10_000,
        }
    }
}

/// The decompressed-bytes allowance of one request, shared by the workers decoding its
/// records, so that many small bombs cannot add up to one big one.
#[derive(Debug)]
pub struct DecodeBudget {
    remaining: AtomicUsize,
    limit: usize,
}

impl DecodeBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            remaining: AtomicUsize::new(limit),
            limit,
        }
    }

    /// Bytes still available.
    pub fn remaining(&self) -> usize {
        self.remaining.load(Ordering::Relaxed)
    }

    /// Takes `bytes` from the budget, or fails when not enough is left.
    pub fn take(&self, bytes: usize) -> Result<(), DecodeError> {
        self.remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .map(|_| ())
            .map_err(|_| DecodeError::TooLarge {
                what: "decompressed request",
                limit: self.limit,
            })
    }
}
