//! The unit that flows through the pipeline: one log event and where it came from.
//!
//! `Debug` never prints the message: an event is payload, and payload must not reach our
//! own logs, panics or error messages.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// Where an event came from, with the metadata its source carried.
///
/// Metadata values (log group, stream, owner) are routing data, not metric labels: they
/// are unbounded and may name a patient-facing service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMeta {
    /// The configured source that produced it (`firehose`, `transform`, `http_logs`, `stdin`).
    pub source: String,
    /// CloudWatch Logs: the AWS account that owns the log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// CloudWatch Logs: the log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,
    /// CloudWatch Logs: the log stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream: Option<String>,
    /// CloudWatch Logs: the event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// Event time in milliseconds since the Unix epoch, when the source gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_ms: Option<i64>,
    /// Source-level attributes, e.g. Firehose's `X-Amz-Firehose-Common-Attributes`
    /// (at most 50, configured on the delivery stream).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// One log event: its message bytes (a text line or a JSON document) and metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct Event {
    /// The message, not necessarily UTF-8.
    pub message: Bytes,
    /// Where it came from.
    pub meta: EventMeta,
}

impl Event {
    /// An event with the given message and metadata.
    pub fn new(message: impl Into<Bytes>, meta: EventMeta) -> Self {
        Self {
            message: message.into(),
            meta,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field(
                "message",
                &format_args!("<{} bytes redacted>", self.message.len()),
            )
            .field("meta", &self.meta)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_message() {
        let event = Event::new("SSN 123-45-6789", EventMeta::default());
        let shown = format!("{event:?}");
        assert!(!shown.contains("123-45-6789"), "{shown}");
        assert!(shown.contains("15 bytes redacted"), "{shown}");
    }
}
