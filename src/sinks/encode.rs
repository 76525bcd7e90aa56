//! The JSON form of one event shared by the NDJSON sinks (stdout, file, http, firehose):
//! `{"message":…, "source":…, "owner":…, "log_group":…, "log_stream":…, "event_id":…,
//! "timestamp":…, "attributes":{…}}` with absent metadata left out (`attributes` are the
//! Firehose common attributes of the request). The message stays a string exactly as
//! scrubbed (invalid UTF-8 is replaced by U+FFFD), so a JSON log line is not re-formatted.

use serde::Serialize;

use crate::event::Event;

#[derive(Serialize)]
struct Wire<'a> {
    message: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_group: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_stream: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "attributes_empty")]
    attributes: &'a std::collections::BTreeMap<String, String>,
}

fn attributes_empty(attributes: &&std::collections::BTreeMap<String, String>) -> bool {
    attributes.is_empty()
}

/// The message as text; lossy only for invalid UTF-8.
pub fn message_text(event: &Event) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&event.message)
}

/// Appends the event's JSON object (no newline) to `out`.
pub fn event_json(event: &Event, out: &mut Vec<u8>) {
    let message = message_text(event);
    let wire = Wire {
        message: &message,
        source: &event.meta.source,
        owner: event.meta.owner.as_deref(),
        log_group: event.meta.log_group.as_deref(),
        log_stream: event.meta.log_stream.as_deref(),
        event_id: event.meta.event_id.as_deref(),
        timestamp: event.meta.timestamp_ms,
        attributes: &event.meta.attributes,
    };
    // Writing strings and integers into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &wire);
}

/// Appends one NDJSON line per event.
pub fn ndjson(events: &[Event], out: &mut Vec<u8>) {
    for event in events {
        event_json(event, out);
        out.push(b'\n');
    }
}

/// Gzips `body` (default level: fast enough for the sink path, ~5x on logs).
pub fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventMeta;

    #[test]
    fn absent_metadata_is_left_out() {
        let event = Event::new(
            "a \"quoted\" line",
            EventMeta {
                source: "firehose".into(),
                log_group: Some("g".into()),
                timestamp_ms: Some(5),
                ..EventMeta::default()
            },
        );
        let mut out = Vec::new();
        event_json(&event, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"message":"a \"quoted\" line","source":"firehose","log_group":"g","timestamp":5}"#
        );
    }
}
