//! Reliability of the forwarder with a real disk queue and a real HTTP receiver on
//! loopback: sink outages, a full queue, and a permanently rejected event.
//!
//! The issue asks for a 60 s outage; these tests use a 4 s outage to keep CI fast. What
//! matters is the same: the outage is longer than many retry rounds (backoff capped at
//! 300 ms here), events keep arriving during it, and the queue must absorb them all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use forward_support::*;
use phiscrub::forward::Forwarder;
use phiscrub::pipeline::DeliverError;
use phiscrub::quarantine::QuarantineReason;
use phiscrub::queue::{DiskQueue, FsyncPolicy, Queue};
use phiscrub::telemetry::Metrics;

const STREAMS: [&str; 3] = ["stream-a", "stream-b", "stream-c"];

/// Checks every stream's events arrived, each once at least, in order (duplicates from a
/// retried batch may repeat a run, but never go backwards past what was already seen).
fn assert_complete_and_ordered(received: &[serde_json::Value], per_stream: usize) {
    let mut by_stream: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for e in received {
        let stream = e["log_stream"].as_str().unwrap().to_owned();
        let n: usize = e["event_id"]
            .as_str()
            .unwrap()
            .rsplit('-')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        by_stream.entry(stream).or_default().push(n);
    }
    for stream in STREAMS {
        let seen = by_stream.get(stream).cloned().unwrap_or_default();
        let mut distinct: Vec<usize> = seen.clone();
        distinct.dedup();
        assert!(
            distinct.windows(2).all(|w| w[0] < w[1]),
            "{stream}: order broken"
        );
        assert_eq!(
            distinct,
            (0..per_stream).collect::<Vec<_>>(),
            "{stream}: events missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_outage_loses_nothing_keeps_order_and_shows_queue_depth() {
    let receiver = start_receiver().await;
    receiver.set_down(true);
    let dir = tempfile::tempdir().unwrap();
    let queue = Arc::new(
        DiskQueue::open(
            &dir.path().join("siem.redb"),
            64 << 20,
            FsyncPolicy::PerRequest,
        )
        .unwrap(),
    );
    let metrics = Metrics::new("portable").unwrap();
    let quarantine = Arc::new(RecordingQuarantine::default());
    let (deliver, handle) = Forwarder::start(
        vec![http_spec("siem", &receiver.url(), queue.clone())],
        &metrics,
        quarantine.clone(),
    );

    // Events keep coming during the outage, in requests that mix streams.
    let per_stream = 300;
    let outage = Duration::from_secs(4);
    let started = std::time::Instant::now();
    let mut depth_samples = Vec::new();
    for chunk in 0..(per_stream / 10) {
        let batch = (0..10)
            .flat_map(|i| STREAMS.map(|s| event(s, chunk * 10 + i)))
            .collect();
        deliver.submit(batch).await.unwrap();
        tokio::time::sleep(outage / (per_stream as u32 / 10) / 2).await;
        depth_samples.push(
            metric(
                &metrics.render(),
                "phiscrub_queue_depth_events{sink=\"siem\"}",
            )
            .unwrap_or(0.0),
        );
    }
    assert!(receiver.received().is_empty(), "the sink was down");
    tokio::time::sleep(outage.saturating_sub(started.elapsed())).await;
    let text = metrics.render();
    let depth = metric(&text, "phiscrub_queue_depth_events{sink=\"siem\"}").unwrap();
    assert_eq!(
        depth as usize,
        per_stream * STREAMS.len(),
        "queue depth during the outage"
    );
    assert!(
        depth_samples.windows(2).all(|w| w[0] <= w[1])
            && depth_samples.last() > depth_samples.first(),
        "queue depth grew visibly during the outage: {depth_samples:?}"
    );
    assert!(metric(&text, "phiscrub_sink_retried_total{sink=\"siem\"}").unwrap() > 3.0);
    assert!(
        receiver
            .state
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
            > 3
    );

    receiver.set_down(false);
    let all = per_stream * STREAMS.len();
    assert!(
        wait_until(Duration::from_secs(20), || receiver.received().len() >= all).await,
        "only {} of {all} delivered after recovery",
        receiver.received().len()
    );
    assert_complete_and_ordered(&receiver.received(), per_stream);
    assert!(
        wait_until(Duration::from_secs(5), || {
            metric(
                &metrics.render(),
                "phiscrub_queue_depth_events{sink=\"siem\"}",
            ) == Some(0.0)
        })
        .await,
        "queue depth returns to 0"
    );
    assert!(quarantine.records.lock().unwrap().is_empty());
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
    assert_eq!(queue.stats().events, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_is_backpressure_and_retries_lose_nothing_after_recovery() {
    let receiver = start_receiver().await;
    receiver.set_down(true);
    let dir = tempfile::tempdir().unwrap();
    // Room for a few hundred small events only.
    let queue = Arc::new(
        DiskQueue::open(
            &dir.path().join("siem.redb"),
            64 * 1024,
            FsyncPolicy::PerRequest,
        )
        .unwrap(),
    );
    let metrics = Metrics::new("portable").unwrap();
    let (deliver, handle) = Forwarder::start(
        vec![http_spec("siem", &receiver.url(), queue)],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );

    // An upstream (like Firehose) that retries each request until it is accepted.
    let per_stream = 200;
    let requests: Vec<Vec<_>> = (0..per_stream / 10)
        .map(|chunk| {
            (0..10)
                .flat_map(|i| STREAMS.map(|s| event(s, chunk * 10 + i)))
                .collect()
        })
        .collect();
    let mut backpressured = 0;
    let mut recovered = false;
    for request in requests {
        loop {
            match deliver.submit(request.clone()).await {
                Ok(()) => break,
                Err(DeliverError::Backpressure(_)) => {
                    backpressured += 1;
                    if !recovered {
                        // The sink comes back only after the queue has pushed back.
                        receiver.set_down(false);
                        recovered = true;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(other) => panic!("unexpected {other}"),
            }
        }
    }
    assert!(backpressured > 0, "the queue never filled up");
    let all = per_stream * STREAMS.len();
    assert!(
        wait_until(Duration::from_secs(20), || receiver.received().len() >= all).await,
        "only {} of {all} delivered",
        receiver.received().len()
    );
    assert_complete_and_ordered(&receiver.received(), per_stream);
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_rejection_quarantines_only_the_bad_event() {
    let receiver = start_receiver().await;
    *receiver.state.poison.lock().unwrap() = Some("event 7 ".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let queue = Arc::new(
        DiskQueue::open(
            &dir.path().join("siem.redb"),
            1 << 20,
            FsyncPolicy::PerRequest,
        )
        .unwrap(),
    );
    let metrics = Metrics::new("portable").unwrap();
    let quarantine = Arc::new(RecordingQuarantine::default());
    let (deliver, handle) = Forwarder::start(
        vec![http_spec("siem", &receiver.url(), queue)],
        &metrics,
        quarantine.clone(),
    );
    deliver
        .submit((0..20).map(|i| event("stream-a", i)).collect())
        .await
        .unwrap();
    assert!(wait_until(Duration::from_secs(10), || receiver.received().len() == 19).await);
    let quarantined = quarantine.records.lock().unwrap().clone();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].1, QuarantineReason::SinkRejected);
    assert_eq!(quarantined[0].2.event_id.as_deref(), Some("stream-a-7"));
    let ids: Vec<_> = receiver
        .received()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<_> = (0..20)
        .filter(|&i| i != 7)
        .map(|i| format!("stream-a-{i}"))
        .collect();
    assert_eq!(
        ids, expected,
        "the rest of the batch is delivered, in order"
    );
    let text = metrics.render();
    assert_eq!(
        metric(
            &text,
            "phiscrub_quarantined_records_total{reason=\"sink_rejected\"}"
        ),
        Some(1.0)
    );
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_events_survive_a_restart_and_are_delivered_by_the_next_process() {
    let receiver = start_receiver().await;
    receiver.set_down(true);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("siem.redb");
    let metrics = Metrics::new("portable").unwrap();
    {
        let queue = Arc::new(DiskQueue::open(&path, 1 << 20, FsyncPolicy::PerRequest).unwrap());
        let (deliver, handle) = Forwarder::start(
            vec![http_spec("siem", &receiver.url(), queue)],
            &metrics,
            Arc::new(RecordingQuarantine::default()),
        );
        deliver
            .submit((0..30).map(|i| event("stream-a", i)).collect())
            .await
            .unwrap();
        let undrained = handle.shutdown(Duration::from_millis(300)).await;
        assert_eq!(
            undrained,
            ["siem"],
            "the sink was down: nothing could drain"
        );
    }
    receiver.set_down(false);
    let queue = Arc::new(DiskQueue::open(&path, 1 << 20, FsyncPolicy::PerRequest).unwrap());
    assert_eq!(queue.stats().events, 30);
    let (_deliver, handle) = Forwarder::start(
        vec![http_spec("siem", &receiver.url(), queue)],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    assert!(wait_until(Duration::from_secs(10), || receiver.received().len() >= 30).await);
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}
