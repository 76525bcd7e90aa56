//! The forwarder: routes scrubbed events into one durable queue per sink and runs one
//! delivery task per sink that drains its queue in order.
//!
//! Ack path. [`Router`] implements [`crate::pipeline::Deliver`]: `submit` pushes each
//! event into the queue of every sink whose log-group filter matches, all sinks in
//! parallel, and resolves `Ok` only when every push has committed (for disk queues: per
//! the fsync policy, by default on stable storage). A full queue resolves
//! [`DeliverError::Backpressure`] so the source answers 503 and the upstream retries. If
//! one sink's queue is full after another's took the batch, the upstream's retry makes
//! duplicates in the latter: delivery is at least once, never at most once.
//!
//! Delivery. Each [`worker`] waits until its queue holds a full batch (by events or bytes)
//! or its oldest event is `batch.max_age` old, reads that prefix, sends it, and removes it
//! from the queue only once every event in it was delivered or quarantined. Transient
//! failures are retried forever with exponential backoff, full jitter and a cap (the
//! queue absorbs the outage; its depth is exported as `phiscrub_queue_depth_events`);
//! permanent failures isolate the offending events (per-event results from the sink, or
//! one-by-one resends) and quarantine only those.

pub mod backoff;
pub mod route;
mod worker;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::config::validate::{BufferKind, DeliveryConfig, SinkConfig};
use crate::event::Event;
use crate::pipeline::{Deliver, DeliverError, DeliverFuture};
use crate::quarantine::Quarantine;
use crate::queue::{DiskQueue, MemoryQueue, Queue, QueueError};
use crate::sinks::{self, Sink};
use crate::telemetry::Metrics;

pub use backoff::Backoff;
pub use route::LogGroupFilter;

/// Why the forwarder could not be built. Stops start-up before any port is bound.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A sink's queue could not be opened.
    #[error("sink {sink}: queue: {source}")]
    Queue {
        /// The sink.
        sink: String,
        /// Why.
        source: QueueError,
    },
    /// A sink could not be built (TLS files, secrets, clients).
    #[error("sink {sink}: {reason}")]
    Sink {
        /// The sink.
        sink: String,
        /// Why.
        reason: String,
    },
    /// A routing glob did not compile.
    #[error("sink {sink}: {source}")]
    Filter {
        /// The sink.
        sink: String,
        /// Why.
        source: route::FilterError,
    },
}

/// How a sink's delivery task batches and retries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// Events per batch.
    pub max_events: usize,
    /// Stored bytes per batch.
    pub max_bytes: usize,
    /// Longest wait of the oldest event for a fuller batch.
    pub max_age: Duration,
    /// Retry backoff.
    pub backoff: Backoff,
}

impl DeliveryPolicy {
    /// The policy from a validated sink's options.
    pub fn from_config(d: &DeliveryConfig) -> Self {
        Self {
            max_events: d.batch_max_events,
            max_bytes: d.batch_max_bytes,
            max_age: d.batch_max_age,
            backoff: Backoff {
                initial: d.initial_backoff,
                cap: d.max_backoff,
            },
        }
    }
}

/// Everything one sink needs: built from config by [`Forwarder::build`], or by hand in
/// tests and benches.
pub struct SinkSpec {
    /// The sink's name (a metric label).
    pub name: String,
    /// Which events it takes.
    pub filter: LogGroupFilter,
    /// Its queue.
    pub queue: Arc<dyn Queue>,
    /// The protocol client.
    pub sink: Arc<dyn Sink>,
    /// Batching and retry.
    pub policy: DeliveryPolicy,
}

/// Lifecycle of the delivery tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Normal operation.
    Running,
    /// Shutting down: send what is queued without waiting for fuller batches.
    Draining,
    /// Stop now; what is left stays in the (disk) queues.
    Stopped,
}

struct Route {
    name: String,
    filter: LogGroupFilter,
    queue: Arc<dyn Queue>,
    notify: Arc<Notify>,
}

/// The [`Deliver`] implementation: fans events out to the sink queues.
pub struct Router {
    routes: Vec<Route>,
    closed: AtomicBool,
    metrics: Metrics,
}

/// Stops the forwarder: see [`ForwarderHandle::shutdown`].
pub struct ForwarderHandle {
    router: Arc<Router>,
    phase: watch::Sender<Phase>,
    workers: Vec<(String, JoinHandle<()>)>,
}

/// Builds the forwarder.
pub struct Forwarder;

impl Forwarder {
    /// Builds one queue and sink per `[sinks.*]` entry, starts their delivery tasks, and
    /// returns the ack boundary for the pipeline plus the handle that drains on shutdown.
    /// Must be called inside a Tokio runtime.
    pub async fn build(
        config: &Config,
        metrics: &Metrics,
        quarantine: Arc<dyn Quarantine>,
    ) -> Result<(Arc<dyn Deliver>, ForwarderHandle), BuildError> {
        let mut specs = Vec::new();
        for (name, sink_config) in &config.sinks {
            let Some(delivery) = config.delivery.get(name) else {
                return Err(BuildError::Sink {
                    sink: name.clone(),
                    reason: "internal: no delivery options".to_owned(),
                });
            };
            specs.push(spec_from_config(config, name, sink_config, delivery).await?);
        }
        let (router, handle) = Self::start(specs, metrics, quarantine);
        Ok((router, handle))
    }

    /// Starts delivery tasks for hand-built sinks (tests, benches, other modes).
    pub fn start(
        specs: Vec<SinkSpec>,
        metrics: &Metrics,
        quarantine: Arc<dyn Quarantine>,
    ) -> (Arc<dyn Deliver>, ForwarderHandle) {
        let (phase_tx, phase_rx) = watch::channel(Phase::Running);
        let mut routes = Vec::new();
        let mut workers = Vec::new();
        for spec in specs {
            let notify = Arc::new(Notify::new());
            routes.push(Route {
                name: spec.name.clone(),
                filter: spec.filter.clone(),
                queue: spec.queue.clone(),
                notify: notify.clone(),
            });
            let worker = worker::Worker {
                name: spec.name.clone(),
                queue: spec.queue,
                sink: spec.sink,
                policy: spec.policy,
                notify,
                phase: phase_rx.clone(),
                metrics: metrics.clone(),
                quarantine: quarantine.clone(),
            };
            workers.push((spec.name, tokio::spawn(worker.run())));
        }
        let router = Arc::new(Router {
            routes,
            closed: AtomicBool::new(false),
            metrics: metrics.clone(),
        });
        let handle = ForwarderHandle {
            router: router.clone(),
            phase: phase_tx,
            workers,
        };
        (router, handle)
    }
}

async fn spec_from_config(
    config: &Config,
    name: &str,
    sink_config: &SinkConfig,
    delivery: &DeliveryConfig,
) -> Result<SinkSpec, BuildError> {
    let queue: Arc<dyn Queue> = match delivery.buffer {
        BufferKind::Memory => Arc::new(MemoryQueue::new(delivery.buffer_max_bytes)),
        BufferKind::Disk => {
            let path = config.state_dir.join("queues").join(format!("{name}.redb"));
            let max = delivery.buffer_max_bytes;
            let fsync = delivery.fsync;
            let opened = tokio::task::spawn_blocking(move || DiskQueue::open(&path, max, fsync))
                .await
                .map_err(|e| BuildError::Queue {
                    sink: name.to_owned(),
                    source: QueueError::Storage(e.to_string()),
                })?;
            Arc::new(opened.map_err(|source| BuildError::Queue {
                sink: name.to_owned(),
                source,
            })?)
        }
    };
    let sink = sinks::build(name, sink_config)
        .await
        .map_err(|reason| BuildError::Sink {
            sink: name.to_owned(),
            reason,
        })?;
    let filter = LogGroupFilter::new(&delivery.include_log_groups, &delivery.exclude_log_groups)
        .map_err(|source| BuildError::Filter {
            sink: name.to_owned(),
            source,
        })?;
    Ok(SinkSpec {
        name: name.to_owned(),
        filter,
        queue,
        sink,
        policy: DeliveryPolicy::from_config(delivery),
    })
}

impl Router {
    async fn submit_all(&self, events: Vec<Event>) -> Result<(), DeliverError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(DeliverError::Unavailable("shutting down".to_owned()));
        }
        if events.is_empty() {
            return Ok(());
        }
        let events = Arc::new(events);
        let mut pushes = Vec::with_capacity(self.routes.len());
        for route in &self.routes {
            let queue = route.queue.clone();
            let filter = route.filter.clone();
            let events = events.clone();
            pushes.push(tokio::task::spawn_blocking(move || {
                let all = events
                    .iter()
                    .all(|e| filter.matches(e.meta.log_group.as_deref()));
                if all {
                    queue.push(&events)
                } else {
                    let selected: Vec<Event> = events
                        .iter()
                        .filter(|e| filter.matches(e.meta.log_group.as_deref()))
                        .cloned()
                        .collect();
                    queue.push(&selected)
                }
            }));
        }
        let mut first_error = None;
        for (route, push) in self.routes.iter().zip(pushes) {
            let result = match push.await {
                Ok(result) => result,
                Err(join) => Err(QueueError::Storage(join.to_string())),
            };
            let stats = route.queue.stats();
            let depth = self.metrics.queue_depth.with_label_values(&[&route.name]);
            depth.set(i64::try_from(stats.events).unwrap_or(i64::MAX));
            match result {
                Ok(()) => route.notify.notify_one(),
                Err(err) => {
                    let mapped = match err {
                        QueueError::Full { .. } => {
                            DeliverError::Backpressure(format!("sink {} queue is full", route.name))
                        }
                        QueueError::Storage(reason) => {
                            tracing::error!(sink = %route.name, error = %reason, "queue write failed");
                            DeliverError::Unavailable(format!("sink {} queue failed", route.name))
                        }
                    };
                    first_error.get_or_insert(mapped);
                }
            }
        }
        match first_error {
            None => Ok(()),
            Some(err) => Err(err),
        }
    }
}

impl Deliver for Router {
    fn submit(&self, events: Vec<Event>) -> DeliverFuture<'_> {
        Box::pin(self.submit_all(events))
    }
}

impl ForwarderHandle {
    /// Stops taking events, sends what is queued without waiting for fuller batches, and
    /// returns once every queue is empty or `grace` has passed (what is left stays in the
    /// disk queues for the next start). Returns the names of sinks that did not drain.
    pub async fn shutdown(self, grace: Duration) -> Vec<String> {
        self.router.closed.store(true, Ordering::Release);
        let _ = self.phase.send(Phase::Draining);
        let deadline = tokio::time::Instant::now() + grace;
        let mut undrained = Vec::new();
        let mut workers = self.workers;
        for (name, worker) in &mut workers {
            if tokio::time::timeout_at(deadline, &mut *worker)
                .await
                .is_err()
            {
                undrained.push(name.clone());
            }
        }
        let _ = self.phase.send(Phase::Stopped);
        for (name, worker) in workers {
            if undrained.contains(&name) {
                // Stopped tasks end at their next await point; give them a moment.
                if tokio::time::timeout(Duration::from_secs(2), worker)
                    .await
                    .is_err()
                {
                    tracing::warn!(sink = %name, "delivery task did not stop in time");
                }
            }
        }
        undrained
    }

    /// Queue fill per sink, for tests and diagnostics.
    pub fn queue_stats(&self) -> BTreeMap<String, crate::queue::QueueStats> {
        self.router
            .routes
            .iter()
            .map(|r| (r.name.clone(), r.queue.stats()))
            .collect()
    }
}
