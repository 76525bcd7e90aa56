//! One sink's delivery task: batch from the queue, send, retry, quarantine, ack.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::{DeliveryPolicy, Phase};
use crate::event::{Event, EventMeta};
use crate::quarantine::{Quarantine, QuarantineReason};
use crate::queue::{Batch, Queue, QueueError, now_ms};
use crate::sinks::{Sink, SinkError};
use crate::telemetry::Metrics;

/// How often an idle worker refreshes its queue gauges.
const IDLE_TICK: Duration = Duration::from_secs(1);

/// The delivery task was told to stop in the middle of a batch.
struct Stopped;

pub(super) struct Worker {
    pub name: String,
    pub queue: Arc<dyn Queue>,
    pub sink: Arc<dyn Sink>,
    pub policy: DeliveryPolicy,
    pub notify: Arc<Notify>,
    pub phase: watch::Receiver<Phase>,
    pub metrics: Metrics,
    pub quarantine: Arc<dyn Quarantine>,
}

impl Worker {
    fn phase(&self) -> Phase {
        *self.phase.borrow()
    }

    /// Sleeps up to `limit`, waking early on new events or a phase change.
    async fn nap(&mut self, limit: Duration) {
        let notify = self.notify.clone();
        tokio::select! {
            () = tokio::time::sleep(limit) => {}
            () = notify.notified() => {}
            _ = self.phase.changed() => {}
        }
    }

    /// Sleeps `limit` unless told to stop.
    async fn backoff_sleep(&mut self, limit: Duration) -> Result<(), Stopped> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if self.phase() == Phase::Stopped {
                return Err(Stopped);
            }
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => return Ok(()),
                changed = self.phase.changed() => {
                    if changed.is_err() {
                        return Err(Stopped);
                    }
                }
            }
        }
    }

    fn update_gauges(&self) {
        let stats = self.queue.stats();
        let label = [self.name.as_str()];
        self.metrics
            .queue_depth
            .with_label_values(&label)
            .set(i64::try_from(stats.events).unwrap_or(i64::MAX));
        self.metrics
            .queue_bytes
            .with_label_values(&label)
            .set(i64::try_from(stats.bytes).unwrap_or(i64::MAX));
        let age = stats
            .oldest_ms
            .map(|t| (now_ms() - t).max(0) / 1000)
            .unwrap_or(0);
        self.metrics
            .queue_oldest_age
            .with_label_values(&label)
            .set(age);
    }

    pub(super) async fn run(mut self) {
        let limits = self.sink.limits();
        let max_events = self.policy.max_events.min(limits.max_events).max(1);
        let max_bytes = self.policy.max_bytes.min(limits.max_bytes).max(1);
        loop {
            let phase = self.phase();
            if phase == Phase::Stopped {
                break;
            }
            self.update_gauges();
            let stats = self.queue.stats();
            if stats.events == 0 {
                if phase == Phase::Draining {
                    break;
                }
                self.nap(IDLE_TICK).await;
                continue;
            }
            if phase == Phase::Running
                && stats.events < max_events as u64
                && stats.bytes < max_bytes as u64
            {
                let age = Duration::from_millis(
                    u64::try_from(now_ms() - stats.oldest_ms.unwrap_or(0)).unwrap_or(0),
                );
                if age < self.policy.max_age {
                    self.nap(self.policy.max_age - age).await;
                    continue;
                }
            }
            let queue = self.queue.clone();
            let batch = match tokio::task::spawn_blocking(move || queue.peek(max_events, max_bytes))
                .await
            {
                Ok(Ok(batch)) => batch,
                Ok(Err(err)) => {
                    self.storage_failed(&err).await;
                    continue;
                }
                Err(join) => {
                    self.storage_failed(&QueueError::Storage(join.to_string()))
                        .await;
                    continue;
                }
            };
            if self.deliver_batch(&batch).await.is_err() {
                break;
            }
            if let Some(last) = batch.last_seq {
                let queue = self.queue.clone();
                match tokio::task::spawn_blocking(move || queue.ack(last)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => self.storage_failed(&err).await,
                    Err(join) => {
                        self.storage_failed(&QueueError::Storage(join.to_string()))
                            .await;
                    }
                }
            }
        }
        self.update_gauges();
    }

    async fn storage_failed(&mut self, err: &QueueError) {
        tracing::error!(sink = %self.name, error = %err, "queue read failed; retrying");
        let _ = self.backoff_sleep(Duration::from_secs(1)).await;
    }

    async fn deliver_batch(&mut self, batch: &Batch) -> Result<(), Stopped> {
        for corrupt in &batch.corrupt {
            tracing::error!(sink = %self.name, seq = corrupt.seq, "queue record failed its checksum; quarantining it");
            let meta = EventMeta {
                source: format!("queue:{}", self.name),
                ..EventMeta::default()
            };
            self.quarantine_one(&corrupt.raw, QuarantineReason::DecodeFailed, &meta)
                .await?;
        }
        let events: Vec<Event> = batch.events.iter().map(|q| q.event.clone()).collect();
        if events.is_empty() {
            return Ok(());
        }
        self.deliver(&events, false).await
    }

    /// Sends `events` until each is delivered or quarantined. `single` marks the
    /// one-by-one resend that isolates a permanent failure inside a batch.
    async fn deliver(&mut self, events: &[Event], single: bool) -> Result<(), Stopped> {
        let name = self.name.clone();
        let label = [name.as_str()];
        let mut todo: Vec<usize> = (0..events.len()).collect();
        let mut attempt = 0u32;
        loop {
            let subset: Vec<Event> = todo.iter().map(|&i| events[i].clone()).collect();
            let retry_after = match self.sink.send(&subset).await {
                Ok(outcome) => {
                    let failed = outcome.rejected.len() + outcome.retry.len();
                    self.metrics
                        .sink_sent
                        .with_label_values(&label)
                        .inc_by(subset.len().saturating_sub(failed) as u64);
                    for (i, reason) in &outcome.rejected {
                        self.metrics
                            .sink_failed
                            .with_label_values(&[name.as_str(), "permanent"])
                            .inc();
                        tracing::warn!(sink = %self.name, reason = %reason, "event rejected by the sink; quarantining it");
                        if let Some(&original) = todo.get(*i) {
                            let event = &events[original];
                            self.quarantine_one(
                                &event.message,
                                QuarantineReason::SinkRejected,
                                &event.meta,
                            )
                            .await?;
                        }
                    }
                    if outcome.retry.is_empty() {
                        return Ok(());
                    }
                    self.metrics
                        .sink_failed
                        .with_label_values(&[name.as_str(), "transient"])
                        .inc();
                    todo = outcome
                        .retry
                        .iter()
                        .filter_map(|&i| todo.get(i).copied())
                        .collect();
                    None
                }
                Err(SinkError::Transient {
                    reason,
                    retry_after,
                }) => {
                    self.metrics
                        .sink_failed
                        .with_label_values(&[name.as_str(), "transient"])
                        .inc();
                    tracing::warn!(sink = %self.name, attempt, reason = %reason, "delivery failed; will retry");
                    retry_after
                }
                Err(SinkError::Permanent { reason }) => {
                    self.metrics
                        .sink_failed
                        .with_label_values(&[name.as_str(), "permanent"])
                        .inc();
                    if single || subset.len() == 1 {
                        tracing::warn!(sink = %self.name, reason = %reason, "event rejected by the sink; quarantining it");
                        for event in &subset {
                            self.quarantine_one(
                                &event.message,
                                QuarantineReason::SinkRejected,
                                &event.meta,
                            )
                            .await?;
                        }
                        return Ok(());
                    }
                    tracing::warn!(sink = %self.name, reason = %reason, events = subset.len(), "batch rejected; resending one by one to isolate the bad events");
                    for event in &subset {
                        Box::pin(self.deliver(std::slice::from_ref(event), true)).await?;
                    }
                    return Ok(());
                }
            };
            self.metrics.sink_retried.with_label_values(&label).inc();
            let delay = self.policy.backoff.delay(attempt, retry_after);
            attempt = attempt.saturating_add(1);
            self.update_gauges();
            self.backoff_sleep(delay).await?;
        }
    }

    /// Quarantines one record, retrying while the store is unavailable: the event must
    /// neither be dropped nor forwarded.
    async fn quarantine_one(
        &mut self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<(), Stopped> {
        let mut attempt = 0u32;
        loop {
            match self.quarantine.quarantine(payload, reason, meta) {
                Ok(()) => {
                    self.metrics
                        .quarantined_records
                        .with_label_values(&[reason.as_str()])
                        .inc();
                    return Ok(());
                }
                Err(err) => {
                    tracing::error!(sink = %self.name, error = %err, "quarantine unavailable; holding the queue");
                    let delay = self.policy.backoff.delay(attempt, None);
                    attempt = attempt.saturating_add(1);
                    self.backoff_sleep(delay).await?;
                }
            }
        }
    }
}
