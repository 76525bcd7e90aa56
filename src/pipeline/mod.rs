//! The pipeline between sources and sinks: decode → scrub workers → delivery.
//!
//! This module holds the contracts the stages meet at. [`Deliver`] is the ack boundary:
//! a source answers its upstream (e.g. HTTP 200 to Firehose) only after `submit` has
//! resolved `Ok`, which means every event is durably accepted for every sink it routes to.

use std::future::Future;
use std::pin::Pin;

use crate::event::Event;

/// Why a batch could not be accepted. Never carries payload bytes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DeliverError {
    /// A queue is full: the upstream should retry later (HTTP 503).
    #[error("backpressure: {0}")]
    Backpressure(String),
    /// Delivery is not possible right now (shutting down, storage failure).
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// A boxed future, so `Deliver` can be used as a trait object.
pub type DeliverFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DeliverError>> + Send + 'a>>;

/// Accepts scrubbed events for delivery to every sink they route to.
///
/// `submit` resolves `Ok` only once every event of the batch is durably accepted (for
/// disk queues: written and committed per the queue's fsync policy). Order within a
/// batch is kept per sink.
pub trait Deliver: Send + Sync {
    /// Accepts a batch of scrubbed events.
    fn submit(&self, events: Vec<Event>) -> DeliverFuture<'_>;
}

pub mod memory;
pub mod stage;
pub mod workers;

pub use memory::MemoryDeliver;
pub use stage::{ScrubStage, StageError, StageFactory};
pub use workers::{PoolError, WorkerPool, WorkerState};
pub mod context;
pub use context::{DrainError, Pipeline, scrub_drain};
pub mod scrubber;
