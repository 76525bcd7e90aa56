//! `kill -9` of the real daemon while a load generator streams Firehose requests through
//! it (issue 5, "must show"): after a restart on the same `state_dir`, every event of
//! every request that was answered 200 reaches the SIEM at least once, and the duplicates
//! that at-least-once allows are counted, printed and bounded.
//!
//! Set-up: `phiscrub serve` with the Firehose source and one `http` sink (`siem`, NDJSON,
//! gzip) with a disk queue at the default fsync policy (`per_request`: committed to stable
//! storage before Firehose gets its 200), sending to an HTTP receiver in this test on
//! loopback. Like Firehose, the load generator retries every request that did not get a
//! 200 (connection reset by the kill, 503) with the same request id and body until it
//! does, so at the end every event must have arrived.
//!
//! Where duplicates come from, and so the bound asserted below:
//! - a batch the receiver took but whose removal from the queue the kill prevented is
//!   sent again by the next process: at most one batch (`max_events`) per sink;
//! - a request committed to the queue whose 200 the kill cut off is sent again by the
//!   load generator: at most one request per concurrent sender.
//!
//! To make sure the kill finds acknowledged events that exist only in the queue, the
//! receiver answers 503 from 25 % to 40 % of the stream, and the kill comes at 40 %.
//!
//! Scale: the issue asks for 100,000 events. A debug build on two shared cores scrubs
//! about 2,000 events/s, so the default here is 150 requests × 400 events = 60,000 events
//! (about 35 s); `PHISCRUB_KILL9_REQUESTS=250` runs the full 100,000 (measured: 82 s on
//! a loaded machine, nothing lost, 0 duplicates; a variant without the outage window, so
//! with a batch in flight at the kill, measured 63 s and 500 duplicates = one batch).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod forward_support;

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::Daemon;
use forward_support::{start_receiver, wait_until};

/// Requests sent (400 events each); `PHISCRUB_KILL9_REQUESTS` overrides the default.
fn requests() -> usize {
    std::env::var("PHISCRUB_KILL9_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150)
}
const RECORDS_PER_REQUEST: usize = 4;
const EVENTS_PER_RECORD: usize = 100;
const EVENTS_PER_REQUEST: usize = RECORDS_PER_REQUEST * EVENTS_PER_RECORD;
const SENDERS: usize = 4;
const BATCH: usize = 500;

/// The id of event `e` of record `r` of request `q`: unique, decimal (like CloudWatch's).
fn event_id(q: usize, r: usize, e: usize) -> usize {
    (q * RECORDS_PER_REQUEST + r) * EVENTS_PER_RECORD + e
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Request `q` as Firehose sends it from a CloudWatch Logs subscription: each record is
/// base64(gzip(DATA_MESSAGE)) (PROTOCOLS.md §1, §2.1). Synthetic content, no PHI.
fn firehose_request(q: usize) -> Vec<u8> {
    let records: Vec<serde_json::Value> = (0..RECORDS_PER_REQUEST)
        .map(|r| {
            let events: Vec<serde_json::Value> = (0..EVENTS_PER_RECORD)
                .map(|e| {
                    let id = event_id(q, r, e);
                    serde_json::json!({
                        "id": format!("{id:056}"),
                        "timestamp": 1_700_000_000_000_i64 + id as i64,
                        "message": format!("GET /api/items/{id} status=200 took_ms=12 worker=w{r}"),
                    })
                })
                .collect();
            let message = serde_json::json!({
                "messageType": "DATA_MESSAGE",
                "owner": "123456789012",
                "logGroup": "/test/kill9",
                "logStream": format!("stream-{r}"),
                "subscriptionFilters": ["to-phiscrub"],
                "logEvents": events,
            });
            let data = base64::engine::general_purpose::STANDARD
                .encode(gzip(&serde_json::to_vec(&message).unwrap()));
            serde_json::json!({ "data": data })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "requestId": request_id(q),
        "timestamp": 1_700_000_000_000_i64,
        "records": records,
    }))
    .unwrap()
}

fn request_id(q: usize) -> String {
    format!("00000000-0000-4000-8000-{q:012}")
}

/// One POST as Firehose makes it; `None` when the connection failed (daemon killed).
async fn post(client: &reqwest::Client, url: &str, q: usize, body: Vec<u8>) -> Option<u16> {
    let response = client
        .post(url)
        .header("X-Amz-Firehose-Protocol-Version", "1.0")
        .header("X-Amz-Firehose-Request-Id", request_id(q))
        .header(
            "X-Amz-Firehose-Source-Arn",
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/kill9",
        )
        .header("X-Amz-Firehose-Access-Key", "test-access-key")
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    // A body that does not arrive whole counts as no answer, as for Firehose.
    response.bytes().await.ok()?;
    Some(status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_loses_no_acknowledged_event_and_few_duplicates() {
    let started = Instant::now();
    let (n_requests, total) = (requests(), requests() * EVENTS_PER_REQUEST);
    let receiver = start_receiver().await;
    let config = format!(
        r#"
[sinks.out]
type = "stdout"
enabled = false

[sinks.siem]
type = "http"
endpoint = "{}"
format = "ndjson"
compression = "gzip"
[sinks.siem.batch]
max_events = {BATCH}
max_age_ms = 50
[sinks.siem.retry]
initial_backoff_ms = 50
max_backoff_ms = 500
[sinks.siem.buffer]
type = "disk"
"#,
        receiver.url()
    );
    let mut daemon = Daemon::start(&config);

    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..n_requests).map(firehose_request).collect());
    let acked: Arc<Vec<AtomicUsize>> =
        Arc::new((0..n_requests).map(|_| AtomicUsize::new(0)).collect());
    let acked_count = Arc::new(AtomicUsize::new(0));
    let url = Arc::new(std::sync::RwLock::new(daemon.ingest_url("/firehose")));

    // SENDERS concurrent Firehose "shards", each sending its share of the requests in
    // order and retrying each one (same id, same body) until it gets 200.
    let mut senders = Vec::new();
    for s in 0..SENDERS {
        let (bodies, acked, acked_count, url) = (
            bodies.clone(),
            acked.clone(),
            acked_count.clone(),
            url.clone(),
        );
        senders.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let mut failures = 0usize;
            for q in (s..n_requests).step_by(SENDERS) {
                loop {
                    let target = url.read().unwrap().clone();
                    match post(&client, &target, q, bodies[q].clone()).await {
                        Some(200) => {
                            acked[q].store(1, Ordering::SeqCst);
                            acked_count.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        Some(other) => {
                            assert_eq!(other, 503, "request {q}: only 503 may push back")
                        }
                        None => failures += 1,
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            failures
        }));
    }

    // The SIEM stops taking events at 25 %; the kill comes at 40 %, with requests in
    // flight and acknowledged events only in the queue.
    for (fraction, what) in [(n_requests / 4, "outage"), (n_requests * 2 / 5, "kill")] {
        assert!(
            wait_until(Duration::from_secs(60), || {
                acked_count.load(Ordering::SeqCst) >= fraction
            })
            .await,
            "only {} requests acknowledged before the {what}",
            acked_count.load(Ordering::SeqCst)
        );
        if what == "outage" {
            receiver.set_down(true);
        }
    }
    let status = daemon.kill9();
    assert!(!status.success(), "SIGKILL ends the process: {status:?}");
    let acked_before_kill: Vec<usize> = (0..n_requests)
        .filter(|&q| acked[q].load(Ordering::SeqCst) == 1)
        .collect();
    let delivered_at_kill = receiver.received().len();
    eprintln!(
        "killed after {:.1}s: {} requests acknowledged, {delivered_at_kill} events at the receiver",
        started.elapsed().as_secs_f64(),
        acked_before_kill.len()
    );
    assert!(
        delivered_at_kill < acked_before_kill.len() * EVENTS_PER_REQUEST,
        "acknowledged events were left in the queue only"
    );

    receiver.set_down(false);
    daemon.restart();
    *url.write().unwrap() = daemon.ingest_url("/firehose");
    let mut connection_failures = 0;
    for sender in senders {
        connection_failures += sender.await.unwrap();
    }
    assert!(connection_failures > 0 || acked_count.load(Ordering::SeqCst) == n_requests);

    // Every event acknowledged before the kill arrives; then (since the senders retried
    // every unacknowledged request) every event at all.
    let delivered = || {
        let mut counts: HashMap<usize, usize> = HashMap::with_capacity(total);
        for event in receiver.received() {
            let id: usize = event["event_id"].as_str().unwrap().parse().unwrap();
            *counts.entry(id).or_default() += 1;
        }
        counts
    };
    let all_arrived = wait_until(Duration::from_secs(60), || {
        receiver.received().len() >= total
    })
    .await;
    // Let a last in-flight batch land before counting duplicates.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = delivered();
    for &q in &acked_before_kill {
        for r in 0..RECORDS_PER_REQUEST {
            for e in 0..EVENTS_PER_RECORD {
                let id = event_id(q, r, e);
                assert!(
                    counts.contains_key(&id),
                    "event {id} of request {q} was acknowledged before the kill and never delivered"
                );
            }
        }
    }
    assert!(
        all_arrived,
        "only {} of {total} events delivered",
        receiver.received().len()
    );
    assert_eq!(counts.len(), total, "every event arrived");
    assert!(
        counts.keys().all(|&id| id < total),
        "nothing but the events sent"
    );
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    let bound = BATCH + SENDERS * EVENTS_PER_REQUEST;
    eprintln!(
        "kill -9: {total} events in {n_requests} requests, {} acknowledged before the kill, \
         {duplicates} duplicate deliveries (bound {bound}), {connection_failures} failed \
         attempts retried, {:.1}s",
        acked_before_kill.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        duplicates <= bound,
        "{duplicates} duplicates: more than one batch per sink plus one request per sender"
    );
}
