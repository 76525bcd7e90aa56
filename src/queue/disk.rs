//! The durable queue: one `redb` database file per sink (see the parent module for why).
//!
//! Keys are sequence numbers (`u64`, push order); values are [`super::record`] bytes with
//! their own CRC. Sizes of waiting records are mirrored in memory so that the byte bound
//! and the queue-depth metrics cost nothing to check.
//!
//! Fsync policy ([`FsyncPolicy`]): `per_request` (the default) commits each `push` with
//! `Durability::Immediate`, so `push` returns only once the records are on stable storage:
//! an upstream that got its 200 can lose nothing to a crash or power loss. `none` commits
//! without fsync: faster, but a machine crash may lose the most recent pushes (a process
//! crash alone does not, the pages are in the OS cache). Acks use the same durability; an
//! ack lost to a crash only means the events are delivered again (at least once).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use redb::{Database, Durability, ReadableTable, ReadableTableMetadata, TableDefinition};

use super::{Batch, CorruptRecord, Queue, QueueError, QueueStats, QueuedEvent, now_ms, record};
use crate::event::Event;

const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");

/// redb's page cache per queue; records are read once, so a small cache is enough.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// When a commit reaches stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FsyncPolicy {
    /// fsync before `push` returns (the default): nothing acknowledged is ever lost.
    #[default]
    PerRequest,
    /// No fsync; the OS writes back when it likes. A machine crash may lose recent pushes.
    None,
}

impl FsyncPolicy {
    fn durability(self) -> Durability {
        match self {
            Self::PerRequest => Durability::Immediate,
            Self::None => Durability::None,
        }
    }
}

/// Sizes of the records waiting, in order, and the counters derived from them.
#[derive(Default)]
struct Fill {
    /// `(seq, stored bytes, enqueued_ms)` of every waiting record.
    records: VecDeque<(u64, u64, i64)>,
    bytes: u64,
}

/// A crash-safe, bounded, ordered queue in one database file.
pub struct DiskQueue {
    db: Database,
    path: PathBuf,
    max_bytes: u64,
    fsync: FsyncPolicy,
    /// The next sequence number; held across a push so pushes commit in order.
    writer: Mutex<u64>,
    fill: Mutex<Fill>,
}

fn storage(err: impl std::fmt::Display) -> QueueError {
    QueueError::Storage(err.to_string())
}

impl DiskQueue {
    /// Opens (or creates) the queue file at `path`, recovering from any torn commit, and
    /// counts what is waiting in it.
    pub fn open(path: &Path, max_bytes: u64, fsync: FsyncPolicy) -> Result<Self, QueueError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| storage(format!("create {}: {e}", parent.display())))?;
        }
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(|e| storage(format!("open {}: {e}", path.display())))?;
        let mut fill = Fill::default();
        let mut next_seq = 0;
        {
            let txn = db.begin_write().map_err(storage)?;
            // Creates the table on first use.
            txn.open_table(EVENTS).map_err(storage)?;
            txn.commit().map_err(storage)?;
            let txn = db.begin_read().map_err(storage)?;
            let table = txn.open_table(EVENTS).map_err(storage)?;
            for entry in table.iter().map_err(storage)? {
                let (key, value) = entry.map_err(storage)?;
                let seq = key.value();
                let raw = value.value();
                let enqueued = raw
                    .get(4..12)
                    .and_then(|b| b.try_into().ok())
                    .map(i64::from_le_bytes)
                    .unwrap_or(0);
                fill.records.push_back((seq, raw.len() as u64, enqueued));
                fill.bytes += raw.len() as u64;
                next_seq = seq + 1;
            }
        }
        Ok(Self {
            db,
            path: path.to_owned(),
            max_bytes,
            fsync,
            writer: Mutex::new(next_seq),
            fill: Mutex::new(fill),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fill(&self) -> std::sync::MutexGuard<'_, Fill> {
        // A panic while holding this lock cannot leave `Fill` half-updated in a way that
        // matters more than losing the process; recover the guard.
        self.fill.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Queue for DiskQueue {
    fn push(&self, events: &[Event]) -> Result<(), QueueError> {
        if events.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        // One buffer for the whole push (not one allocation per event).
        let mut buf = Vec::with_capacity(events.iter().map(|e| e.message.len() + 160).sum());
        let mut ends = Vec::with_capacity(events.len());
        for event in events {
            record::encode(event, now, &mut buf);
            ends.push(buf.len());
        }
        let incoming = buf.len() as u64;
        let mut next_seq = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let queued = self.fill().bytes;
        if queued + incoming > self.max_bytes {
            return Err(QueueError::Full {
                queued,
                incoming,
                max: self.max_bytes,
            });
        }
        let mut txn = self.db.begin_write().map_err(storage)?;
        txn.set_durability(self.fsync.durability());
        txn.set_quick_repair(true);
        let first = *next_seq;
        {
            let mut table = txn.open_table(EVENTS).map_err(storage)?;
            let mut start = 0;
            for (i, &end) in ends.iter().enumerate() {
                table
                    .insert(first + i as u64, &buf[start..end])
                    .map_err(storage)?;
                start = end;
            }
        }
        txn.commit().map_err(storage)?;
        *next_seq = first + ends.len() as u64;
        let mut fill = self.fill();
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            fill.records
                .push_back((first + i as u64, (end - start) as u64, now));
            start = end;
        }
        fill.bytes += incoming;
        Ok(())
    }

    fn peek(&self, max_events: usize, max_bytes: usize) -> Result<Batch, QueueError> {
        let txn = self.db.begin_read().map_err(storage)?;
        let table = txn.open_table(EVENTS).map_err(storage)?;
        let mut batch = Batch::default();
        for entry in table.iter().map_err(storage)? {
            let (key, value) = entry.map_err(storage)?;
            let raw = value.value();
            let count = batch.events.len() + batch.corrupt.len();
            if count >= max_events || (count > 0 && batch.bytes + raw.len() > max_bytes) {
                break;
            }
            let seq = key.value();
            batch.bytes += raw.len();
            batch.last_seq = Some(seq);
            match record::decode(raw) {
                Some((enqueued_ms, event)) => batch.events.push(QueuedEvent {
                    seq,
                    enqueued_ms,
                    event,
                }),
                None => batch.corrupt.push(CorruptRecord {
                    seq,
                    raw: raw.to_vec(),
                }),
            }
        }
        Ok(batch)
    }

    fn ack(&self, seq: u64) -> Result<(), QueueError> {
        let mut txn = self.db.begin_write().map_err(storage)?;
        txn.set_durability(self.fsync.durability());
        txn.set_quick_repair(true);
        {
            let mut table = txn.open_table(EVENTS).map_err(storage)?;
            table.retain_in(..=seq, |_, _| false).map_err(storage)?;
        }
        txn.commit().map_err(storage)?;
        let mut fill = self.fill();
        while let Some(&(s, size, _)) = fill.records.front() {
            if s > seq {
                break;
            }
            fill.bytes -= size;
            fill.records.pop_front();
        }
        Ok(())
    }

    fn stats(&self) -> QueueStats {
        let fill = self.fill();
        QueueStats {
            events: fill.records.len() as u64,
            bytes: fill.bytes,
            oldest_ms: fill.records.front().map(|r| r.2),
        }
    }
}

/// Counts the records in a queue file without keeping it open (for tools and tests).
pub fn count_records(path: &Path) -> Result<u64, QueueError> {
    let db = Database::open(path).map_err(storage)?;
    let txn = db.begin_read().map_err(storage)?;
    let table = txn.open_table(EVENTS).map_err(storage)?;
    table.len().map_err(storage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventMeta;

    fn event(i: usize) -> Event {
        Event::new(format!("event {i}"), EventMeta::default())
    }

    #[test]
    fn survives_reopen_in_order_and_acks_stick() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.redb");
        {
            let q = DiskQueue::open(&path, 1 << 20, FsyncPolicy::PerRequest).unwrap();
            q.push(&(0..10).map(event).collect::<Vec<_>>()).unwrap();
            let batch = q.peek(4, usize::MAX).unwrap();
            assert_eq!(batch.events.len(), 4);
            q.ack(batch.last_seq.unwrap()).unwrap();
        }
        let q = DiskQueue::open(&path, 1 << 20, FsyncPolicy::PerRequest).unwrap();
        assert_eq!(q.stats().events, 6);
        let batch = q.peek(100, usize::MAX).unwrap();
        let messages: Vec<_> = batch
            .events
            .iter()
            .map(|e| String::from_utf8(e.event.message.to_vec()).unwrap())
            .collect();
        assert_eq!(
            messages,
            (4..10).map(|i| format!("event {i}")).collect::<Vec<_>>()
        );
        q.push(&[event(10)]).unwrap();
        let batch = q.peek(100, usize::MAX).unwrap();
        assert_eq!(
            batch.events.last().unwrap().seq,
            10,
            "sequence continues after reopen"
        );
    }

    #[test]
    fn full_queue_rejects_the_whole_push_and_frees_space_on_ack() {
        let dir = tempfile::tempdir().unwrap();
        let q = DiskQueue::open(&dir.path().join("q.redb"), 200, FsyncPolicy::None).unwrap();
        q.push(&[event(0), event(1)]).unwrap();
        let before = q.stats();
        let err = q.push(&(0..10).map(event).collect::<Vec<_>>()).unwrap_err();
        assert!(matches!(err, QueueError::Full { .. }), "{err}");
        assert_eq!(q.stats(), before, "a rejected push leaves nothing behind");
        let batch = q.peek(10, usize::MAX).unwrap();
        q.ack(batch.last_seq.unwrap()).unwrap();
        assert_eq!(q.stats().bytes, 0);
        q.push(&[event(2)]).unwrap();
    }

    #[test]
    fn peek_respects_the_byte_limit_but_returns_at_least_one() {
        let dir = tempfile::tempdir().unwrap();
        let q = DiskQueue::open(&dir.path().join("q.redb"), 1 << 20, FsyncPolicy::None).unwrap();
        q.push(&(0..10).map(event).collect::<Vec<_>>()).unwrap();
        assert_eq!(q.peek(100, 1).unwrap().events.len(), 1);
        let one = q.peek(1, usize::MAX).unwrap().bytes;
        assert_eq!(q.peek(100, one * 3).unwrap().events.len(), 3);
    }
}
