//! The `cloudwatch_logs` sink delivers to moto (PutLogEvents), creating the group and
//! stream, splitting batches that span more than 24 h, sorting events chronologically;
//! read back through moto's GetLogEvents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::sync::Arc;
use std::time::Duration;

use forward_support::*;
use phiscrub::config::validate::CloudwatchLogsSinkConfig;
use phiscrub::event::Event;
use phiscrub::forward::{Forwarder, LogGroupFilter, SinkSpec};
use phiscrub::queue::{DiskQueue, FsyncPolicy};
use phiscrub::sinks::cloudwatch_logs::CloudwatchLogsSink;
use phiscrub::telemetry::Metrics;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_logs_sink_creates_the_stream_and_delivers_in_time_order() {
    let moto = start_moto();
    let sdk = moto_sdk_config(&moto.url);
    let client = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let config = CloudwatchLogsSinkConfig {
        log_group: "/phiscrub/clean".into(),
        log_stream: "test".into(),
        create_missing: true,
        region: None,
        endpoint_url: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let metrics = Metrics::new("portable").unwrap();
    let (deliver, handle) = Forwarder::start(
        vec![SinkSpec {
            name: "cwl".into(),
            filter: LogGroupFilter::all(),
            queue: Arc::new(
                DiskQueue::open(
                    &dir.path().join("q.redb"),
                    64 << 20,
                    FsyncPolicy::PerRequest,
                )
                .unwrap(),
            ),
            sink: Arc::new(CloudwatchLogsSink::with_client(client.clone(), &config)),
            policy: fast_policy(),
        }],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // Out of order, and spanning 25 h: the sink must sort and split.
    let times: Vec<i64> = (0..40)
        .map(|i| now - 25 * 3600 * 1000 + ((i * 7919) % 40) * 60_000 * 38)
        .collect();
    let events: Vec<Event> = times
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let mut e = event("cw", i);
            e.meta.timestamp_ms = Some(t);
            e
        })
        .collect();
    deliver.submit(events.clone()).await.unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || {
            metric(
                &metrics.render(),
                "phiscrub_sink_sent_events_total{sink=\"cwl\"}",
            ) == Some(40.0)
        })
        .await,
        "not every event was accepted"
    );
    let got = client
        .get_log_events()
        .log_group_name("/phiscrub/clean")
        .log_stream_name("test")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let got: Vec<(i64, String)> = got
        .events()
        .iter()
        .map(|e| (e.timestamp().unwrap(), e.message().unwrap().to_owned()))
        .collect();
    let mut expected: Vec<(i64, String)> = events
        .iter()
        .map(|e| {
            (
                e.meta.timestamp_ms.unwrap(),
                String::from_utf8(e.message.to_vec()).unwrap(),
            )
        })
        .collect();
    expected.sort_by_key(|(t, _)| *t);
    assert_eq!(got, expected);
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}
