//! Memory of delivered Firehose requests, so a retry of a request we already acknowledged
//! (Firehose keeps the request id across attempts; our 200 may have been lost) is answered
//! 200 without delivering its records twice.
//!
//! Bounded in both time (`window`) and size (`max_entries`, oldest forgotten first). The key
//! is the request id plus a fingerprint of the records, so a different batch that reuses
//! an id is still delivered. Only completed requests are remembered: a retry racing the
//! original is processed (at-least-once, never at-most-once).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A delivered request's identity: its id and a fingerprint of its records.
pub type RequestKey = (String, u64);

/// Bounded, time-limited set of delivered request keys.
#[derive(Debug)]
pub struct DeliveredRequests {
    window: Duration,
    max_entries: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    seen: HashMap<RequestKey, Instant>,
    order: VecDeque<(Instant, RequestKey)>,
}

impl DeliveredRequests {
    /// Remembers up to `max_entries` keys for `window` each.
    pub fn new(window: Duration, max_entries: usize) -> Self {
        Self {
            window,
            max_entries,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether `key` was delivered within the window.
    pub fn contains(&self, key: &RequestKey) -> bool {
        self.contains_at(key, Instant::now())
    }

    /// Records `key` as delivered.
    pub fn insert(&self, key: RequestKey) {
        self.insert_at(key, Instant::now());
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.seen.len()).unwrap_or_default()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn contains_at(&self, key: &RequestKey, now: Instant) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        self.expire(&mut inner, now);
        inner.seen.contains_key(key)
    }

    fn insert_at(&self, key: RequestKey, now: Instant) {
        if self.max_entries == 0 || self.window.is_zero() {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        self.expire(&mut inner, now);
        if inner.seen.insert(key.clone(), now).is_none() {
            inner.order.push_back((now, key));
        }
        while inner.seen.len() > self.max_entries {
            match inner.order.pop_front() {
                Some((_, oldest)) => {
                    inner.seen.remove(&oldest);
                }
                None => break,
            }
        }
    }

    fn expire(&self, inner: &mut Inner, now: Instant) {
        while let Some((at, _)) = inner.order.front() {
            if now.duration_since(*at) < self.window {
                break;
            }
            if let Some((_, key)) = inner.order.pop_front() {
                inner.seen.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> RequestKey {
        (id.to_owned(), 1)
    }

    #[test]
    fn remembers_within_the_window_only() {
        let d = DeliveredRequests::new(Duration::from_secs(60), 10);
        let t0 = Instant::now();
        d.insert_at(key("a"), t0);
        assert!(d.contains_at(&key("a"), t0 + Duration::from_secs(59)));
        assert!(!d.contains_at(&("a".to_owned(), 2), t0));
        assert!(!d.contains_at(&key("a"), t0 + Duration::from_secs(61)));
        assert!(d.is_empty());
    }

    #[test]
    fn forgets_the_oldest_past_its_size() {
        let d = DeliveredRequests::new(Duration::from_secs(60), 2);
        let t0 = Instant::now();
        d.insert_at(key("a"), t0);
        d.insert_at(key("b"), t0);
        d.insert_at(key("c"), t0);
        assert_eq!(d.len(), 2);
        assert!(!d.contains_at(&key("a"), t0));
        assert!(d.contains_at(&key("c"), t0));
    }
}
