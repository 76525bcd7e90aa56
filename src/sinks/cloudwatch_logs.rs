//! `cloudwatch_logs`: `PutLogEvents` into a clean log group and stream (created when
//! missing, if allowed).
//!
//! Batch rules of the API: at most 10,000 events and 1,048,576 bytes (each event counts
//! its UTF-8 message plus 26 bytes), events in chronological order, and a batch may not
//! span more than 24 hours. A batch from the queue is sorted by event time (stable, so
//! events of equal time keep their order) and split into calls that obey those rules.
//! Events CloudWatch refuses (`rejectedLogEventsInfo`: too old, too new, expired) and
//! empty or oversized messages are rejected (quarantined). Throttling and unavailability
//! are retried.

use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_cloudwatchlogs::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;

use super::{BatchLimits, SendFuture, SendOutcome, Sink, SinkError, aws};
use crate::config::validate::CloudwatchLogsSinkConfig;
use crate::event::Event;
use crate::queue::now_ms;

/// Events per call.
pub const MAX_EVENTS: usize = 10_000;
/// Bytes per call, counting 26 bytes of overhead per event.
pub const MAX_CALL_BYTES: usize = 1_048_576;
/// Overhead CloudWatch counts per event.
pub const EVENT_OVERHEAD: usize = 26;
/// Largest message.
pub const MAX_EVENT_BYTES: usize = 256 * 1024 - EVENT_OVERHEAD;
/// Longest time span of one call.
pub const MAX_SPAN_MS: i64 = 24 * 3600 * 1000;

/// The `cloudwatch_logs` sink.
pub struct CloudwatchLogsSink {
    client: aws_sdk_cloudwatchlogs::Client,
    config: CloudwatchLogsSinkConfig,
    created: AtomicBool,
}

impl CloudwatchLogsSink {
    /// Builds the client from the SDK's environment and the sink's overrides.
    pub async fn new(config: &CloudwatchLogsSinkConfig) -> Self {
        let sdk = aws::sdk_config(config.region.as_deref(), config.endpoint_url.as_deref()).await;
        Self::with_client(aws_sdk_cloudwatchlogs::Client::new(&sdk), config)
    }

    /// A sink using a client built elsewhere (tests, custom credentials).
    pub fn with_client(
        client: aws_sdk_cloudwatchlogs::Client,
        config: &CloudwatchLogsSinkConfig,
    ) -> Self {
        Self {
            client,
            config: config.clone(),
            created: AtomicBool::new(false),
        }
    }

    async fn create_missing(&self) -> Result<(), SinkError> {
        let group = self
            .client
            .create_log_group()
            .log_group_name(&self.config.log_group)
            .send()
            .await;
        if let Err(e) = group
            && e.code() != Some("ResourceAlreadyExistsException")
        {
            return Err(aws::classify(
                "cloudwatch_logs",
                e.code(),
                DisplayErrorContext(&e).to_string(),
            ));
        }
        let stream = self
            .client
            .create_log_stream()
            .log_group_name(&self.config.log_group)
            .log_stream_name(&self.config.log_stream)
            .send()
            .await;
        if let Err(e) = stream
            && e.code() != Some("ResourceAlreadyExistsException")
        {
            return Err(aws::classify(
                "cloudwatch_logs",
                e.code(),
                DisplayErrorContext(&e).to_string(),
            ));
        }
        self.created.store(true, Ordering::Release);
        Ok(())
    }

    /// One call. Returns positions (into `events`) CloudWatch rejected.
    async fn put(&self, events: &[InputLogEvent]) -> Result<Vec<usize>, SinkError> {
        if self.config.create_missing && !self.created.load(Ordering::Acquire) {
            self.create_missing().await?;
        }
        let mut created_now = false;
        loop {
            let result = self
                .client
                .put_log_events()
                .log_group_name(&self.config.log_group)
                .log_stream_name(&self.config.log_stream)
                .set_log_events(Some(events.to_vec()))
                .send()
                .await;
            match result {
                Ok(output) => {
                    let mut rejected = Vec::new();
                    if let Some(info) = output.rejected_log_events_info() {
                        let end_old = info
                            .too_old_log_event_end_index()
                            .max(info.expired_log_event_end_index())
                            .and_then(|i| usize::try_from(i).ok());
                        if let Some(end) = end_old {
                            rejected.extend(0..end.min(events.len()));
                        }
                        if let Some(start) = info
                            .too_new_log_event_start_index()
                            .and_then(|i| usize::try_from(i).ok())
                        {
                            rejected.extend(start..events.len());
                        }
                    }
                    return Ok(rejected);
                }
                Err(e) if e.code() == Some("DataAlreadyAcceptedException") => return Ok(Vec::new()),
                Err(e)
                    if e.code() == Some("ResourceNotFoundException")
                        && self.config.create_missing
                        && !created_now =>
                {
                    self.create_missing().await?;
                    created_now = true;
                }
                Err(e) => {
                    return Err(aws::classify(
                        "cloudwatch_logs",
                        e.code(),
                        DisplayErrorContext(&e).to_string(),
                    ));
                }
            }
        }
    }
}

impl Sink for CloudwatchLogsSink {
    fn limits(&self) -> BatchLimits {
        BatchLimits {
            max_events: MAX_EVENTS,
            max_bytes: MAX_CALL_BYTES,
        }
    }

    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut outcome = SendOutcome::default();
            let now = now_ms();
            let mut items: Vec<(i64, usize, String)> = Vec::with_capacity(events.len());
            for (i, event) in events.iter().enumerate() {
                let message = String::from_utf8_lossy(&event.message).into_owned();
                if message.is_empty() {
                    outcome.rejected.push((i, "empty message".to_owned()));
                } else if message.len() > MAX_EVENT_BYTES {
                    outcome.rejected.push((
                        i,
                        format!("message of {} bytes exceeds the limit", message.len()),
                    ));
                } else {
                    items.push((event.meta.timestamp_ms.unwrap_or(now), i, message));
                }
            }
            items.sort_by_key(|(ts, i, _)| (*ts, *i));
            // Split into calls: count, bytes and 24 h span.
            let mut calls: Vec<Vec<(usize, InputLogEvent)>> = Vec::new();
            let (mut bytes, mut first_ts) = (0usize, 0i64);
            for (ts, i, message) in items {
                let size = message.len() + EVENT_OVERHEAD;
                let start_new = calls.last().is_none_or(|c| {
                    c.len() >= MAX_EVENTS
                        || bytes + size > MAX_CALL_BYTES
                        || ts - first_ts > MAX_SPAN_MS
                });
                if start_new {
                    calls.push(Vec::new());
                    bytes = 0;
                    first_ts = ts;
                }
                bytes += size;
                let event = InputLogEvent::builder()
                    .timestamp(ts)
                    .message(message)
                    .build()
                    .map_err(|e| SinkError::permanent(format!("cloudwatch_logs event: {e}")))?;
                if let Some(call) = calls.last_mut() {
                    call.push((i, event));
                }
            }
            let mut sent_any = false;
            let mut calls = calls.into_iter().peekable();
            while let Some(call) = calls.next() {
                let (indexes, input): (Vec<usize>, Vec<InputLogEvent>) = call.into_iter().unzip();
                match self.put(&input).await {
                    Ok(rejected) => {
                        sent_any = true;
                        for r in rejected {
                            if let Some(&i) = indexes.get(r) {
                                outcome.rejected.push((
                                    i,
                                    "CloudWatch Logs rejected the event's timestamp".to_owned(),
                                ));
                            }
                        }
                    }
                    Err(err) if !sent_any => return Err(err),
                    Err(err) => {
                        tracing::warn!(error = %err, "cloudwatch_logs call failed after earlier calls of the batch succeeded");
                        outcome.retry.extend(indexes);
                        for rest in calls.by_ref() {
                            outcome.retry.extend(rest.into_iter().map(|(i, _)| i));
                        }
                    }
                }
            }
            outcome.retry.sort_unstable();
            Ok(outcome)
        })
    }
}
