//! The stored form of one queued event: `crc32 | enqueued_ms | meta_len | meta JSON |
//! message`, all integers little-endian. The CRC covers everything after it, so a flipped
//! bit anywhere in the record is caught on read.

use bytes::Bytes;

use crate::event::{Event, EventMeta};

const HEADER: usize = 4 + 8 + 4;

/// Appends the stored form of `event` to `out`.
pub(crate) fn encode(event: &Event, enqueued_ms: i64, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&enqueued_ms.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let meta_start = out.len();
    // Serializing a struct of strings and integers into a Vec cannot fail.
    if serde_json::to_writer(&mut *out, &event.meta).is_err() {
        out.truncate(meta_start);
        out.extend_from_slice(b"{}");
    }
    let meta_len = u32::try_from(out.len() - meta_start).unwrap_or(u32::MAX);
    out[start + 12..start + 16].copy_from_slice(&meta_len.to_le_bytes());
    out.extend_from_slice(&event.message);
    let crc = crc32fast::hash(&out[start + 4..]);
    out[start..start + 4].copy_from_slice(&crc.to_le_bytes());
}

/// Decodes a stored record; `None` if the checksum or the layout is wrong.
pub(crate) fn decode(raw: &[u8]) -> Option<(i64, Event)> {
    if raw.len() < HEADER {
        return None;
    }
    let crc = u32::from_le_bytes(raw[0..4].try_into().ok()?);
    if crc32fast::hash(&raw[4..]) != crc {
        return None;
    }
    let enqueued_ms = i64::from_le_bytes(raw[4..12].try_into().ok()?);
    let meta_len = u32::from_le_bytes(raw[12..16].try_into().ok()?) as usize;
    let meta_end = HEADER.checked_add(meta_len)?;
    if meta_end > raw.len() {
        return None;
    }
    let meta: EventMeta = serde_json::from_slice(&raw[HEADER..meta_end]).ok()?;
    let message = Bytes::copy_from_slice(&raw[meta_end..]);
    Some((enqueued_ms, Event { message, meta }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        Event::new(
            "line with \0 and ünïcode",
            EventMeta {
                source: "firehose".into(),
                log_group: Some("/aws/lambda/x".into()),
                timestamp_ms: Some(1_700_000_000_123),
                ..EventMeta::default()
            },
        )
    }

    #[test]
    fn round_trips() {
        let mut buf = Vec::new();
        encode(&sample(), 42, &mut buf);
        let (ms, event) = decode(&buf).unwrap();
        assert_eq!(ms, 42);
        assert_eq!(event, sample());
    }

    #[test]
    fn any_flipped_bit_is_detected() {
        let mut buf = Vec::new();
        encode(&sample(), 42, &mut buf);
        for i in 0..buf.len() {
            let mut bad = buf.clone();
            bad[i] ^= 0x10;
            assert!(decode(&bad).is_none(), "flip at byte {i} went unnoticed");
        }
        assert!(
            decode(&buf[..buf.len() - 1]).is_none(),
            "truncation went unnoticed"
        );
    }
}
