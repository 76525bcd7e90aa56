//! Sink outages and permanent rejections through the real daemon (`phiscrub serve`): a
//! Firehose load generator on one side, an HTTP receiver in this test on the other.
//!
//! - The SIEM is down (503 + `Retry-After`) for `PHISCRUB_OUTAGE_SECS` (default 60, as the
//!   issue asks) while requests keep coming: the small disk queue fills, Firehose then
//!   gets 503 with an `errorMessage` (PROTOCOLS.md §2.2) and retries the same request, the
//!   queue depth is on `/metrics` throughout; once the SIEM is back, every retried request
//!   gets 200 and every event arrives, in order per log stream.
//! - The SIEM answers 400 to any batch holding one poisoned event: that event (only) ends
//!   in the encrypted quarantine, visible in `phiscrub quarantine list`, the rest arrives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod forward_support;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::Daemon;
use forward_support::{Receiver, metric, start_receiver, wait_until};

const STREAMS: usize = 3;
const EVENTS_PER_RECORD: usize = 20;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Request `q`: one gzip DATA_MESSAGE record per log stream, `EVENTS_PER_RECORD` events
/// each; `poison` puts a marker into that event id's message. Synthetic, no PHI.
fn firehose_request(q: usize, poison: Option<usize>) -> Vec<u8> {
    let records: Vec<serde_json::Value> = (0..STREAMS)
        .map(|s| {
            let events: Vec<serde_json::Value> = (0..EVENTS_PER_RECORD)
                .map(|e| {
                    let n = q * EVENTS_PER_RECORD + e;
                    let marker = if poison == Some(n) && s == 0 {
                        " poison-marker"
                    } else {
                        ""
                    };
                    serde_json::json!({
                        "id": format!("{s}-{n}"),
                        "timestamp": 1_700_000_000_000_i64 + n as i64,
                        "message": format!("stream {s} seq {n} status=ok{marker}"),
                    })
                })
                .collect();
            let message = serde_json::json!({
                "messageType": "DATA_MESSAGE",
                "owner": "123456789012",
                "logGroup": "/test/outage",
                "logStream": format!("stream-{s}"),
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
    format!("00000000-0000-4000-9000-{q:012}")
}

/// POSTs request `q` as Firehose does; returns the status and the JSON answer.
async fn post(
    client: &reqwest::Client,
    url: &str,
    q: usize,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let response = client
        .post(url)
        .header("X-Amz-Firehose-Protocol-Version", "1.0")
        .header("X-Amz-Firehose-Request-Id", request_id(q))
        .header(
            "X-Amz-Firehose-Source-Arn",
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/outage",
        )
        .header("X-Amz-Firehose-Access-Key", "test-access-key")
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json");
    (status, response.json().await.unwrap())
}

fn sink_config(receiver: &Receiver, buffer_bytes: usize) -> String {
    format!(
        r#"
[sinks.out]
type = "stdout"
enabled = false

[sinks.siem]
type = "http"
endpoint = "{}"
[sinks.siem.batch]
max_events = 100
max_age_ms = 50
[sinks.siem.retry]
initial_backoff_ms = 50
max_backoff_ms = 1000
[sinks.siem.buffer]
type = "disk"
max_bytes = {buffer_bytes}
"#,
        receiver.url()
    )
}

async fn queue_depth(daemon: &Daemon) -> f64 {
    let (status, text) = common::get(&daemon.admin_url("/metrics")).await;
    assert_eq!(status, 200);
    metric(&text, "phiscrub_queue_depth_events{sink=\"siem\"}").unwrap_or(0.0)
}

/// Per stream, the sequence numbers received, duplicates (a retried batch) removed.
fn sequences(received: &[serde_json::Value]) -> BTreeMap<String, Vec<usize>> {
    let mut by_stream: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for e in received {
        let n: usize = e["event_id"]
            .as_str()
            .unwrap()
            .split('-')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let seen = by_stream
            .entry(e["log_stream"].as_str().unwrap().to_owned())
            .or_default();
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    by_stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_outage_fills_the_queue_then_503_then_retries_deliver_everything_in_order() {
    let outage = Duration::from_secs(
        std::env::var("PHISCRUB_OUTAGE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60),
    );
    let receiver = start_receiver().await;
    receiver.set_down(true);
    // 64 KiB holds a few hundred of these events: the queue fills within a few requests.
    let daemon = Daemon::start(&sink_config(&receiver, 64 * 1024));
    let url = daemon.ingest_url("/firehose");
    let client = reqwest::Client::new();

    let requests = 40;
    let started = Instant::now();
    let mut q = 0;
    let mut accepted_during_outage = 0;
    let mut pushed_back = 0;
    let mut depths = Vec::new();
    // One Firehose shard: requests in order, each retried (same id) until it gets 200.
    while q < requests {
        let down = started.elapsed() < outage;
        if !down
            && receiver
                .state
                .down
                .load(std::sync::atomic::Ordering::SeqCst)
        {
            receiver.set_down(false);
        }
        let (status, answer) = post(&client, &url, q, firehose_request(q, None)).await;
        assert_eq!(answer["requestId"], request_id(q));
        assert!(answer["timestamp"].is_i64(), "timestamp is an integer (ms)");
        match status {
            200 => {
                if receiver
                    .state
                    .down
                    .load(std::sync::atomic::Ordering::SeqCst)
                {
                    accepted_during_outage += 1;
                }
                q += 1;
            }
            503 => {
                let message = answer["errorMessage"].as_str().unwrap();
                assert!(
                    !message.is_empty() && !message.contains("stream "),
                    "{message}"
                );
                pushed_back += 1;
                if receiver
                    .state
                    .down
                    .load(std::sync::atomic::Ordering::SeqCst)
                {
                    depths.push(queue_depth(&daemon).await);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => panic!("request {q}: unexpected status {other}: {answer}"),
        }
    }
    let outage_seen = started.elapsed();
    assert!(
        outage_seen >= outage,
        "all requests were accepted during the outage"
    );
    assert!(
        accepted_during_outage > 0,
        "the queue took requests while the SIEM was down"
    );
    assert!(pushed_back > 0, "the full queue never pushed back");
    // Throughout the outage the queue held exactly what had been accepted.
    let held = (accepted_during_outage * STREAMS * EVENTS_PER_RECORD) as f64;
    assert!(
        !depths.is_empty() && depths.iter().all(|&d| d == held),
        "queue depth during the outage {depths:?}, expected {held}"
    );

    let total = requests * STREAMS * EVENTS_PER_RECORD;
    assert!(
        wait_until(Duration::from_secs(30), || receiver.received().len()
            >= total)
        .await,
        "only {} of {total} events delivered",
        receiver.received().len()
    );
    let by_stream = sequences(&receiver.received());
    for s in 0..STREAMS {
        assert_eq!(
            by_stream[&format!("stream-{s}")],
            (0..requests * EVENTS_PER_RECORD).collect::<Vec<_>>(),
            "stream-{s}: every event, in order"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while queue_depth(&daemon).await != 0.0 {
        assert!(Instant::now() < deadline, "queue depth returns to 0");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "outage {}s: {accepted_during_outage} requests queued, {pushed_back} answered 503, \
         {} samples of depth {held}, all {requests} requests accepted after {:.1}s, \
         {total} events delivered",
        outage.as_secs(),
        depths.len(),
        outage_seen.as_secs_f64(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanently_rejected_event_is_quarantined_and_listed_the_rest_delivered() {
    let receiver = start_receiver().await;
    *receiver.state.poison.lock().unwrap() = Some("poison-marker".to_owned());
    let daemon = Daemon::start(&sink_config(&receiver, 1 << 20));
    let client = reqwest::Client::new();
    let requests = 3;
    let poisoned = 27; // stream-0, seq 27
    for q in 0..requests {
        let (status, answer) = post(
            &client,
            &daemon.ingest_url("/firehose"),
            q,
            firehose_request(q, Some(poisoned)),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
    }
    let total = requests * STREAMS * EVENTS_PER_RECORD;
    assert!(
        wait_until(Duration::from_secs(20), || receiver.received().len()
            >= total - 1)
        .await,
        "only {} of {} events delivered",
        receiver.received().len(),
        total - 1
    );
    let by_stream = sequences(&receiver.received());
    let expected: Vec<usize> = (0..requests * EVENTS_PER_RECORD).collect();
    assert_eq!(
        by_stream["stream-0"],
        expected
            .iter()
            .copied()
            .filter(|&n| n != poisoned)
            .collect::<Vec<_>>()
    );
    assert_eq!(by_stream["stream-1"], expected);
    assert_eq!(by_stream["stream-2"], expected);

    let (_, text) = common::get(&daemon.admin_url("/metrics")).await;
    assert_eq!(
        metric(
            &text,
            "phiscrub_quarantined_records_total{reason=\"sink_rejected\"}"
        ),
        Some(1.0)
    );
    let output = std::process::Command::new(common::phiscrub_bin())
        .args(["quarantine", "list", "--config"])
        .arg(daemon.state_path().join("test-config.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = String::from_utf8(output.stdout).unwrap();
    let entries: Vec<serde_json::Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 1, "{listed}");
    assert_eq!(entries[0]["reason"], "sink_rejected");
    assert_eq!(entries[0]["source"], "firehose");
    assert!(
        !listed.contains("poison-marker") && !listed.contains("/test/outage"),
        "list shows no payload or log metadata"
    );
    // Encrypted at rest: the marker is nowhere in the quarantine's files.
    let mut files = 0;
    for entry in walk(&daemon.state_path().join("quarantine")) {
        files += 1;
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(13).any(|w| w == b"poison-marker"),
            "{} holds the payload in the clear",
            entry.display()
        );
    }
    assert!(files > 0, "the quarantine folder holds the record");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
