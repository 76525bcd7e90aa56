//! Per-sink delivery queues: where a scrubbed event waits between "accepted from the
//! upstream" and "confirmed by the sink".
//!
//! Two implementations share the [`Queue`] trait:
//! - [`disk::DiskQueue`]: crash-safe, on disk, the default. It is a `redb` database (one
//!   file per sink). redb is a copy-on-write B-tree whose commits are atomic and
//!   checksummed: a torn write (power loss, `kill -9` mid-commit) rolls back to the last
//!   complete commit when the file is reopened, and `Durability::Immediate` makes `push`
//!   return only after the commit is on stable storage. Each record also carries our own
//!   CRC-32 so that bit rot inside a committed page is detected on read rather than
//!   forwarded; such a record is handed to the quarantine, never to the sink. We chose a
//!   well-kept store over a home-made segment log because `benches/forward.rs` shows the
//!   store keeps up with the target (1 MiB requests committed well under the 50 ms p99
//!   budget with one fsync per request); see the README "Forwarding" section for numbers.
//! - [`memory::MemoryQueue`]: bounded, in memory, for the Firehose transformation mode and
//!   tests. It loses its content when the process stops.
//!
//! Both are bounded in bytes (a full queue is backpressure for the upstream) and drained
//! strictly in order: the delivery task reads a prefix with [`Queue::peek`] and removes it
//! with [`Queue::ack`] only after the sink confirmed (or the quarantine took) every event.

pub mod disk;
pub mod memory;
mod record;

use crate::event::Event;

pub use disk::{DiskQueue, FsyncPolicy};
pub use memory::MemoryQueue;

/// One event read back from a queue, with its sequence number.
#[derive(Debug, Clone)]
pub struct QueuedEvent {
    /// Position in the queue; strictly increasing in push order.
    pub seq: u64,
    /// When it was pushed, in milliseconds since the Unix epoch.
    pub enqueued_ms: i64,
    /// The event.
    pub event: Event,
}

/// A record that failed its checksum or could not be decoded.
#[derive(Clone)]
pub struct CorruptRecord {
    /// Its sequence number.
    pub seq: u64,
    /// The raw stored bytes (may hold payload: never log them).
    pub raw: Vec<u8>,
}

impl std::fmt::Debug for CorruptRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorruptRecord")
            .field("seq", &self.seq)
            .field("raw", &format_args!("<{} bytes redacted>", self.raw.len()))
            .finish()
    }
}

/// The oldest events of a queue, in order.
#[derive(Debug, Default)]
pub struct Batch {
    /// Events that decoded cleanly.
    pub events: Vec<QueuedEvent>,
    /// Records that did not (to be quarantined, never sent).
    pub corrupt: Vec<CorruptRecord>,
    /// The highest sequence number covered (events and corrupt records); `None` if empty.
    pub last_seq: Option<u64>,
    /// Stored bytes of the batch.
    pub bytes: usize,
}

/// How full a queue is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Events waiting.
    pub events: u64,
    /// Stored bytes waiting.
    pub bytes: u64,
    /// When the oldest waiting event was pushed (ms since the epoch).
    pub oldest_ms: Option<i64>,
}

/// Why a queue operation failed. Never carries payload bytes.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// Taking the events would exceed the byte bound.
    #[error("queue full: {queued} bytes queued, {incoming} incoming, bound {max}")]
    Full {
        /// Bytes already queued.
        queued: u64,
        /// Bytes of the rejected push.
        incoming: u64,
        /// The configured bound.
        max: u64,
    },
    /// The storage failed (I/O, database error).
    #[error("queue storage failed: {0}")]
    Storage(String),
}

/// A bounded, ordered queue of events for one sink. Methods block (disk I/O): call them
/// from `spawn_blocking` on an async runtime.
pub trait Queue: Send + Sync {
    /// Appends every event in order, all or nothing, and returns once they are committed
    /// per the queue's durability policy.
    fn push(&self, events: &[Event]) -> Result<(), QueueError>;

    /// Reads the oldest events, in order, up to `max_events` events and about `max_bytes`
    /// stored bytes (at least one event when the queue is not empty). Removes nothing.
    fn peek(&self, max_events: usize, max_bytes: usize) -> Result<Batch, QueueError>;

    /// Removes every record with a sequence number up to and including `seq`.
    fn ack(&self, seq: u64) -> Result<(), QueueError>;

    /// Current fill.
    fn stats(&self) -> QueueStats;
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
