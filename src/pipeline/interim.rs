//! Interim stand-ins used by `app::build_pipeline` until the durable queues, sinks,
//! quarantine store and the policy scrubber are merged: NDJSON to standard output as the
//! delivery, an in-memory bounded quarantine, and a minimal pattern scrubber.
//!
//! They keep the promises that matter for ingest (acks only after the write, fail closed
//! when quarantine is full, no unscrubbed SSN, email or phone pattern forwarded) but are
//! deliberately small: `app::build_pipeline` is the single place that swaps them out.

use std::io::Write;
use std::sync::Mutex;

use bytes::Bytes;
use regex::bytes::Regex;

use super::stage::{ScrubStage, StageError};
use super::{Deliver, DeliverError, DeliverFuture, ndjson};
use crate::event::{Event, EventMeta};
use crate::quarantine::{Quarantine, QuarantineError, QuarantineReason};

/// Writes each batch as NDJSON to standard output and flushes before acknowledging.
#[derive(Debug, Default)]
pub struct StdoutDeliver;

impl Deliver for StdoutDeliver {
    fn submit(&self, events: Vec<Event>) -> DeliverFuture<'_> {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut buf = Vec::with_capacity(events.len() * 128);
                for event in &events {
                    ndjson::write_event(event, &mut buf);
                }
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                lock.write_all(&buf).and_then(|()| lock.flush())
            })
            .await
            .map_err(|e| DeliverError::Unavailable(format!("stdout writer failed: {e}")))?
            .map_err(|e| DeliverError::Unavailable(format!("cannot write to stdout: {e}")))
        })
    }
}

/// One quarantined record held in memory. `Debug` shows its length, never its bytes.
#[derive(Clone)]
pub struct HeldRecord {
    /// Why it was quarantined.
    pub reason: QuarantineReason,
    /// Its metadata.
    pub meta: EventMeta,
    /// Its bytes (redacted in `Debug` via length only).
    pub len: usize,
    payload: Vec<u8>,
}

impl std::fmt::Debug for HeldRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldRecord")
            .field("reason", &self.reason)
            .field("meta", &self.meta)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl HeldRecord {
    /// The quarantined bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
}

/// Holds quarantined records in memory up to a byte bound; refuses beyond it so the
/// source answers non-200 and the upstream keeps the data (fail closed).
#[derive(Debug)]
pub struct MemoryQuarantine {
    max_bytes: usize,
    held: Mutex<(usize, Vec<HeldRecord>)>,
}

impl MemoryQuarantine {
    /// A quarantine of at most `max_bytes` payload bytes.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            held: Mutex::new((0, Vec::new())),
        }
    }

    /// Every record held so far.
    pub fn records(&self) -> Vec<HeldRecord> {
        self.held.lock().map(|h| h.1.clone()).unwrap_or_default()
    }
}

impl Quarantine for MemoryQuarantine {
    fn quarantine(
        &self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<(), QuarantineError> {
        let mut held = self
            .held
            .lock()
            .map_err(|_| QuarantineError("quarantine lock poisoned".into()))?;
        if held.0 + payload.len() > self.max_bytes {
            return Err(QuarantineError(format!(
                "in-memory quarantine is full ({} bytes)",
                self.max_bytes
            )));
        }
        held.0 += payload.len();
        held.1.push(HeldRecord {
            reason,
            meta: meta.clone(),
            len: payload.len(),
            payload: payload.to_vec(),
        });
        Ok(())
    }
}

/// A minimal pattern scrubber (SSN, email, US phone → `[SSN]`, `[EMAIL]`, `[PHONE]`), used
/// only until the policy scrubber is wired in.
#[derive(Debug, Clone)]
pub struct PatternScrub {
    patterns: Vec<(Regex, &'static [u8])>,
}

impl PatternScrub {
    /// Compiles the patterns.
    pub fn new() -> Result<Self, StageError> {
        let compile = |re: &str| Regex::new(re).map_err(|e| StageError::Build(e.to_string()));
        Ok(Self {
            patterns: vec![
                (compile(r"\b\d{3}-\d{2}-\d{4}\b")?, b"[SSN]"),
                (
                    compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")?,
                    b"[EMAIL]",
                ),
                (compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b")?, b"[PHONE]"),
            ],
        })
    }
}

impl ScrubStage for PatternScrub {
    fn scrub(&mut self, event: &Event) -> Result<Bytes, StageError> {
        let mut message = std::borrow::Cow::Borrowed(&event.message[..]);
        for (re, replacement) in &self.patterns {
            if re.is_match(&message) {
                message =
                    std::borrow::Cow::Owned(re.replace_all(&message, *replacement).into_owned());
            }
        }
        Ok(match message {
            std::borrow::Cow::Borrowed(_) => event.message.clone(),
            std::borrow::Cow::Owned(v) => Bytes::from(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_scrub_masks_the_interim_types() {
        let mut scrub = PatternScrub::new().unwrap();
        let event = Event::new(
            "ssn 123-45-6789 mail jane.doe@example.org tel (555) 123-4567 ok",
            EventMeta::default(),
        );
        let out = scrub.scrub(&event).unwrap();
        assert_eq!(&out[..], b"ssn [SSN] mail [EMAIL] tel [PHONE] ok");
    }

    #[test]
    fn quarantine_refuses_past_its_bound() {
        let q = MemoryQuarantine::new(10);
        let meta = EventMeta::default();
        q.quarantine(b"12345", QuarantineReason::DecodeFailed, &meta)
            .unwrap();
        assert!(
            q.quarantine(b"123456", QuarantineReason::DecodeFailed, &meta)
                .is_err()
        );
        assert_eq!(q.records().len(), 1);
    }
}
