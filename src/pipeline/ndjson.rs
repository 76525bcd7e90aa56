//! One event as one JSON line: `{"message": …, "source": …, "log_group": …, …}`. Used by
//! the interim stdout delivery and the transformation's NDJSON output.

use std::borrow::Cow;

use crate::event::{Event, EventMeta};

#[derive(serde::Serialize)]
struct Line<'a> {
    message: Cow<'a, str>,
    #[serde(flatten)]
    meta: &'a EventMeta,
}

/// Appends `event` as one JSON object and a newline to `out`. Non-UTF-8 bytes in the
/// message are replaced (U+FFFD) rather than passed through.
pub fn write_event(event: &Event, out: &mut Vec<u8>) {
    let line = Line {
        message: String::from_utf8_lossy(&event.message),
        meta: &event.meta,
    };
    // Strings and integers into a Vec: serialization cannot fail.
    let _ = serde_json::to_writer(&mut *out, &line);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_per_line_with_metadata() {
        let event = Event::new(
            "a \"quoted\"\nline",
            EventMeta {
                source: "firehose".into(),
                log_group: Some("/g".into()),
                ..EventMeta::default()
            },
        );
        let mut out = Vec::new();
        write_event(&event, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"message\":\"a \\\"quoted\\\"\\nline\",\"source\":\"firehose\",\"log_group\":\"/g\"}\n"
        );
    }
}
