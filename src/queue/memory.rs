//! The in-memory queue: same contract as the disk queue, bounded in bytes, lost on exit.
//! For the Firehose transformation mode (the upstream keeps the data until we answer) and
//! for tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::{Batch, Queue, QueueError, QueueStats, QueuedEvent, now_ms};
use crate::event::Event;

/// Approximate per-event overhead counted against the bound (metadata and bookkeeping).
const OVERHEAD: u64 = 64;

#[derive(Default)]
struct Inner {
    events: VecDeque<QueuedEvent>,
    bytes: u64,
    next_seq: u64,
}

/// A bounded in-memory queue.
pub struct MemoryQueue {
    max_bytes: u64,
    inner: Mutex<Inner>,
}

fn size(event: &Event) -> u64 {
    event.message.len() as u64 + OVERHEAD
}

impl MemoryQueue {
    /// An empty queue holding at most `max_bytes` (messages plus a small overhead each).
    pub fn new(max_bytes: u64) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Queue for MemoryQueue {
    fn push(&self, events: &[Event]) -> Result<(), QueueError> {
        let incoming: u64 = events.iter().map(size).sum();
        let mut inner = self.inner();
        if inner.bytes + incoming > self.max_bytes {
            return Err(QueueError::Full {
                queued: inner.bytes,
                incoming,
                max: self.max_bytes,
            });
        }
        let now = now_ms();
        for event in events {
            let seq = inner.next_seq;
            inner.next_seq += 1;
            inner.events.push_back(QueuedEvent {
                seq,
                enqueued_ms: now,
                event: event.clone(),
            });
        }
        inner.bytes += incoming;
        Ok(())
    }

    fn peek(&self, max_events: usize, max_bytes: usize) -> Result<Batch, QueueError> {
        let inner = self.inner();
        let mut batch = Batch::default();
        for queued in inner.events.iter().take(max_events) {
            let bytes = size(&queued.event) as usize;
            if !batch.events.is_empty() && batch.bytes + bytes > max_bytes {
                break;
            }
            batch.bytes += bytes;
            batch.last_seq = Some(queued.seq);
            batch.events.push(queued.clone());
        }
        Ok(batch)
    }

    fn ack(&self, seq: u64) -> Result<(), QueueError> {
        let mut inner = self.inner();
        while inner.events.front().is_some_and(|e| e.seq <= seq) {
            if let Some(e) = inner.events.pop_front() {
                inner.bytes -= size(&e.event);
            }
        }
        Ok(())
    }

    fn stats(&self) -> QueueStats {
        let inner = self.inner();
        QueueStats {
            events: inner.events.len() as u64,
            bytes: inner.bytes,
            oldest_ms: inner.events.front().map(|e| e.enqueued_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventMeta;

    #[test]
    fn bounded_and_ordered() {
        let q = MemoryQueue::new(3 * (OVERHEAD + 1));
        let e = |s: &str| Event::new(s.to_owned(), EventMeta::default());
        q.push(&[e("a"), e("b")]).unwrap();
        assert!(matches!(
            q.push(&[e("c"), e("d")]),
            Err(QueueError::Full { .. })
        ));
        q.push(&[e("c")]).unwrap();
        let batch = q.peek(2, usize::MAX).unwrap();
        assert_eq!(batch.events[1].event.message, "b");
        q.ack(batch.last_seq.unwrap()).unwrap();
        assert_eq!(q.stats().events, 1);
        assert_eq!(q.peek(5, usize::MAX).unwrap().events[0].event.message, "c");
    }
}
