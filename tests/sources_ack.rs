//! The ack contract of the Firehose endpoint, in-process with test stages and deliveries:
//! the 200 goes out only after `Deliver::submit` resolved `Ok` for every event; refusal
//! downstream is a 503 with `errorMessage` (so Firehose retries) and is not remembered as
//! delivered; events that cannot be scrubbed are quarantined, never forwarded, and a full
//! quarantine refuses the batch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sources_support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use phiscrub::config::validate::FirehoseSourceConfig;
use phiscrub::decode::DecodeLimits;
use phiscrub::decode::firehose::RecordFormat;
use phiscrub::event::Event;
use phiscrub::pipeline::{
    Deliver, DeliverFuture, MemoryDeliver, Pipeline, ScrubStage, StageError, WorkerPool,
};
use phiscrub::quarantine::MemoryQuarantine;
use phiscrub::quarantine::Quarantine;
use phiscrub::sources::auth::AccessKeys;
use phiscrub::sources::firehose::FirehoseSource;
use phiscrub::telemetry::Metrics;
use secrecy::SecretString;
use sources_support::*;
use tokio::sync::Semaphore;

/// Replaces the marker `PHI` with `[X]`; fails on `FAIL`.
struct MarkerStage;

impl ScrubStage for MarkerStage {
    fn scrub(&mut self, event: &Event) -> Result<Bytes, StageError> {
        let text = String::from_utf8_lossy(&event.message);
        if text.contains("FAIL") {
            return Err(StageError::Scan("test stage refuses this event".into()));
        }
        Ok(Bytes::from(text.replace("PHI", "[X]")))
    }
}

/// Holds every submit until the test adds a permit.
struct GateDeliver {
    gate: Semaphore,
    inner: MemoryDeliver,
}

impl Deliver for GateDeliver {
    fn submit(&self, events: Vec<Event>) -> DeliverFuture<'_> {
        Box::pin(async move {
            self.gate.acquire().await.unwrap().forget();
            self.inner.submit(events).await
        })
    }
}

async fn serve(deliver: Arc<dyn Deliver>, quarantine: Arc<dyn Quarantine>) -> String {
    let pool = WorkerPool::start(
        2,
        8,
        Duration::from_secs(1),
        Arc::new(|| Ok(Box::new(MarkerStage) as Box<dyn ScrubStage>)),
    )
    .unwrap();
    let pipeline = Pipeline {
        pool: Arc::new(pool),
        deliver,
        quarantine,
        metrics: Metrics::new("test").unwrap(),
    };
    let config = FirehoseSourceConfig {
        access_keys: Vec::new(),
        allow_unauthenticated: false,
        path: "/firehose".into(),
        record_format: RecordFormat::Auto,
        limits: DecodeLimits::default(),
        dedup_window: Duration::from_secs(600),
        dedup_max_entries: 1000,
    };
    let keys = AccessKeys::new(&[SecretString::from(KEY)], false);
    let router = FirehoseSource::new(&config, keys, 64 << 20, pipeline).router("/firehose");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/firehose")
}

fn lines_body(id: &str, lines: &[&str]) -> Vec<u8> {
    firehose_body(
        id,
        &lines
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect::<Vec<_>>(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firehose_200_waits_until_delivery_accepted_every_event() {
    let deliver = Arc::new(GateDeliver {
        gate: Semaphore::new(0),
        inner: MemoryDeliver::new(100),
    });
    let url = serve(deliver.clone(), Arc::new(MemoryQuarantine::new(1 << 20))).await;
    let body = lines_body("gate-1", &["a PHI", "b PHI", "c"]);
    let request =
        tokio::spawn(async move { post_firehose(&url, "gate-1", Some(KEY), body, false).await });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !request.is_finished(),
        "answered before delivery accepted the events"
    );
    assert!(deliver.inner.is_empty());
    deliver.gate.add_permits(1);
    let (status, answer) = request.await.unwrap();
    assert_eq!(status, 200, "{answer}");
    let events = deliver.inner.take();
    let messages: Vec<_> = events.iter().map(|e| e.message.clone()).collect();
    assert_eq!(messages, ["a [X]", "b [X]", "c"]);
}

#[tokio::test]
async fn firehose_backpressure_is_503_and_not_remembered_as_delivered() {
    let deliver = Arc::new(MemoryDeliver::new(2));
    let url = serve(deliver.clone(), Arc::new(MemoryQuarantine::new(1 << 20))).await;
    let big = lines_body("bp-1", &["1", "2", "3"]);
    let (status, answer) = post_firehose(&url, "bp-1", Some(KEY), big.clone(), false).await;
    assert_eq!(status, 503);
    assert_eq!(answer["requestId"], "bp-1");
    assert!(
        answer["errorMessage"]
            .as_str()
            .unwrap()
            .contains("backpressure"),
        "{answer}"
    );
    assert!(
        deliver.is_empty(),
        "nothing of a refused batch may be half-delivered"
    );
    // Firehose retries the same request once there is room; it must be delivered now.
    let (status, _) = post_firehose(
        &url,
        "bp-1",
        Some(KEY),
        lines_body("bp-1", &["1", "2"]),
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(deliver.take().len(), 2);
    let (status, _) = post_firehose(&url, "bp-1", Some(KEY), big, false).await;
    assert_eq!(
        status, 503,
        "a refused request id must not be remembered as delivered"
    );
}

#[tokio::test]
async fn firehose_unscrubbable_events_are_quarantined_and_a_full_quarantine_refuses() {
    let deliver = Arc::new(MemoryDeliver::new(100));
    let quarantine = Arc::new(MemoryQuarantine::new(40));
    let url = serve(deliver.clone(), quarantine.clone()).await;
    let (status, _) = post_firehose(
        &url,
        "q-1",
        Some(KEY),
        lines_body("q-1", &["ok PHI", "FAIL PHI secret"]),
        false,
    )
    .await;
    assert_eq!(status, 200);
    let delivered = deliver.take();
    assert_eq!(delivered.len(), 1);
    assert_eq!(&delivered[0].message[..], b"ok [X]");
    let held = quarantine.records();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].payload(), b"FAIL PHI secret");
    // The quarantine has 25 bytes left; this one does not fit: the batch is refused.
    let long = format!("FAIL {}", "x".repeat(40));
    let (status, answer) = post_firehose(
        &url,
        "q-2",
        Some(KEY),
        lines_body("q-2", &["fine", &long]),
        false,
    )
    .await;
    assert_eq!(status, 503, "{answer}");
    assert!(deliver.is_empty());
}
