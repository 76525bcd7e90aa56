//! `firehose`: `PutRecordBatch` to an Amazon Data Firehose delivery stream, so that users
//! reach Firehose's own destinations (Splunk, OpenSearch, S3, HTTP…).
//!
//! Each event becomes one record: its JSON form (see [`super::encode`]) plus a newline.
//! Calls carry at most 500 records and 4 MiB; a record above Firehose's 1,000 KiB limit is
//! rejected (quarantined). When `FailedPutCount` > 0 only the failed records are sent
//! again (partial retry); they keep their relative order.

use aws_sdk_firehose::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_firehose::primitives::Blob;
use aws_sdk_firehose::types::Record;

use super::{BatchLimits, SendFuture, SendOutcome, Sink, SinkError, aws, encode};
use crate::config::validate::AwsStreamSinkConfig;
use crate::event::Event;

/// Records per `PutRecordBatch`.
pub const MAX_RECORDS: usize = 500;
/// Bytes per `PutRecordBatch`.
pub const MAX_CALL_BYTES: usize = 4 * 1024 * 1024;
/// Bytes per record (before base64).
pub const MAX_RECORD_BYTES: usize = 1_000 * 1024;

/// The `firehose` sink.
pub struct FirehoseSink {
    client: aws_sdk_firehose::Client,
    stream: String,
}

impl FirehoseSink {
    /// Builds the client from the SDK's environment and the sink's overrides.
    pub async fn new(config: &AwsStreamSinkConfig) -> Self {
        let sdk = aws::sdk_config(config.region.as_deref(), config.endpoint_url.as_deref()).await;
        Self::with_client(aws_sdk_firehose::Client::new(&sdk), &config.delivery_stream)
    }

    /// A sink using a client built elsewhere (tests, custom credentials).
    pub fn with_client(client: aws_sdk_firehose::Client, delivery_stream: &str) -> Self {
        Self {
            client,
            stream: delivery_stream.to_owned(),
        }
    }

    /// Sends one call's records; returns the indexes (into `records`) that failed.
    async fn put(&self, records: Vec<Record>) -> Result<Vec<usize>, SinkError> {
        let output = self
            .client
            .put_record_batch()
            .delivery_stream_name(&self.stream)
            .set_records(Some(records))
            .send()
            .await
            .map_err(|e| {
                aws::classify("firehose", e.code(), DisplayErrorContext(&e).to_string())
            })?;
        if output.failed_put_count() == 0 {
            return Ok(Vec::new());
        }
        Ok(output
            .request_responses()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.error_code().is_some())
            .map(|(i, _)| i)
            .collect())
    }
}

impl Sink for FirehoseSink {
    fn limits(&self) -> BatchLimits {
        BatchLimits {
            max_events: MAX_RECORDS,
            max_bytes: MAX_CALL_BYTES,
        }
    }

    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut outcome = SendOutcome::default();
            // (batch index, record) per call, split by the protocol's limits.
            let mut calls: Vec<Vec<(usize, Record)>> = vec![Vec::new()];
            let mut call_bytes = 0usize;
            for (i, event) in events.iter().enumerate() {
                let mut data = Vec::with_capacity(event.message.len() + 128);
                encode::event_json(event, &mut data);
                data.push(b'\n');
                if data.len() > MAX_RECORD_BYTES {
                    outcome.rejected.push((
                        i,
                        format!("record of {} bytes exceeds Firehose's limit", data.len()),
                    ));
                    continue;
                }
                let full = calls.last().is_some_and(|c| {
                    c.len() >= MAX_RECORDS || call_bytes + data.len() > MAX_CALL_BYTES
                });
                if full {
                    calls.push(Vec::new());
                    call_bytes = 0;
                }
                call_bytes += data.len();
                let record = Record::builder()
                    .data(Blob::new(data))
                    .build()
                    .map_err(|e| SinkError::permanent(format!("firehose record: {e}")))?;
                if let Some(call) = calls.last_mut() {
                    call.push((i, record));
                }
            }
            let mut sent_any = false;
            let mut calls = calls.into_iter().filter(|c| !c.is_empty()).peekable();
            while let Some(call) = calls.next() {
                let (indexes, records): (Vec<usize>, Vec<Record>) = call.into_iter().unzip();
                match self.put(records).await {
                    Ok(failed) => {
                        sent_any = true;
                        outcome
                            .retry
                            .extend(failed.into_iter().filter_map(|f| indexes.get(f)));
                    }
                    Err(err) if !sent_any => return Err(err),
                    Err(err) => {
                        // Earlier calls went through: retry only this and later calls.
                        tracing::warn!(error = %err, "firehose call failed after earlier calls of the batch succeeded");
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
