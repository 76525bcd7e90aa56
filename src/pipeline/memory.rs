//! An in-memory [`Deliver`]: holds accepted events up to a capacity and answers
//! backpressure beyond it. For tests of the ack contract and for embedding; it is not
//! durable, so `serve` uses the durable queues instead.

use std::sync::Mutex;

use super::{Deliver, DeliverError, DeliverFuture};
use crate::event::Event;

/// Keeps delivered events in memory, up to `capacity` events.
#[derive(Debug)]
pub struct MemoryDeliver {
    capacity: usize,
    events: Mutex<Vec<Event>>,
}

impl MemoryDeliver {
    /// Accepts up to `capacity` events before answering backpressure.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            events: Mutex::new(Vec::new()),
        }
    }

    /// Takes every event delivered so far, making room again.
    pub fn take(&self) -> Vec<Event> {
        self.events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.events.lock().map(|e| e.len()).unwrap_or_default()
    }

    /// Whether no events are held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Deliver for MemoryDeliver {
    fn submit(&self, events: Vec<Event>) -> DeliverFuture<'_> {
        let result = match self.events.lock() {
            Ok(mut held) if held.len() + events.len() <= self.capacity => {
                held.extend(events);
                Ok(())
            }
            Ok(held) => Err(DeliverError::Backpressure(format!(
                "in-memory delivery holds {} of {} events",
                held.len(),
                self.capacity
            ))),
            Err(_) => Err(DeliverError::Unavailable(
                "in-memory delivery lock poisoned".into(),
            )),
        };
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventMeta;

    #[tokio::test]
    async fn backpressure_past_capacity_and_nothing_partial() {
        let deliver = MemoryDeliver::new(2);
        let ev = || Event::new("x", EventMeta::default());
        deliver.submit(vec![ev()]).await.unwrap();
        let err = deliver.submit(vec![ev(), ev()]).await.unwrap_err();
        assert!(matches!(err, DeliverError::Backpressure(_)));
        assert_eq!(deliver.len(), 1);
        assert_eq!(deliver.take().len(), 1);
        deliver.submit(vec![ev(), ev()]).await.unwrap();
    }
}
