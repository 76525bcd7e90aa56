//! A bounded in-memory [`Quarantine`] for tests and benchmarks that exercise the ingest
//! path without a state folder. The daemon always uses the durable, encrypted
//! [`super::QuarantineStore`]; this one holds payloads in process memory only and refuses
//! (fails closed) once `max_bytes` is reached.

use std::sync::Mutex;

use super::{Quarantine, QuarantineError, QuarantineReason};
use crate::event::EventMeta;

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
