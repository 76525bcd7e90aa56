//! The `splunk_hec` sink against a protocol-enforcing receiver.
//!
//! No real Splunk is available in CI, so the receiver below (axum on loopback) enforces
//! the HEC protocol as PROTOCOLS.md §4 describes it: `POST /services/collector/event`,
//! `Authorization: Splunk <token>` (else 401 code 2/3, 403 code 4), gzip bodies, events
//! as JSON objects concatenated back to back (no array), each with a non-blank `event`
//! (codes 12/13) and only the documented keys (else code 6 with `invalid-event-number`),
//! a GUID `X-Splunk-Request-Channel` when acks are on (codes 10/11), `ackId` replies and
//! `POST /services/collector/ack` → `{"acks":{"<id>":bool}}`, 503 code 9 when busy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use forward_support::*;
use phiscrub::config::SecretRef;
use phiscrub::config::validate::{MetaField, SplunkHecSinkConfig};
use phiscrub::forward::{Forwarder, LogGroupFilter, SinkSpec};
use phiscrub::quarantine::QuarantineReason;
use phiscrub::queue::MemoryQueue;
use phiscrub::sinks::splunk_hec::SplunkHecSink;
use phiscrub::telemetry::Metrics;
use serde_json::{Value, json};

const TOKEN: &str = "00000000-test-token-0000-000000000000";
const KEYS: [&str; 7] = [
    "time",
    "host",
    "source",
    "sourcetype",
    "index",
    "fields",
    "event",
];

#[derive(Default)]
struct Hec {
    ack: bool,
    /// Answer 503 code 9 to this many requests first.
    busy: AtomicUsize,
    indexed: Mutex<Vec<Value>>,
    /// ackId → (events, acked?)
    pending: Mutex<BTreeMap<u64, (Vec<Value>, bool)>>,
    next_ack: AtomicUsize,
    /// This ackId is "lost by the indexer": never acked, its events never indexed.
    lose_ack: Option<u64>,
    channels: Mutex<Vec<String>>,
}

fn reply(status: u16, body: Value) -> (StatusCode, String) {
    (StatusCode::from_u16(status).unwrap(), body.to_string())
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<_> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

fn check_common(
    hec: &Hec,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Vec<u8>, (StatusCode, String)> {
    let Some(auth) = headers.get("authorization") else {
        return Err(reply(401, json!({"text":"Token is required","code":2})));
    };
    let Some(token) = auth.to_str().unwrap().strip_prefix("Splunk ") else {
        return Err(reply(401, json!({"text":"Invalid authorization","code":3})));
    };
    if token != TOKEN {
        return Err(reply(403, json!({"text":"Invalid token","code":4})));
    }
    if hec.ack {
        let Some(channel) = headers.get("x-splunk-request-channel") else {
            return Err(reply(
                400,
                json!({"text":"Data channel is missing","code":10}),
            ));
        };
        let channel = channel.to_str().unwrap();
        if !is_guid(channel) {
            return Err(reply(400, json!({"text":"Invalid data channel","code":11})));
        }
        hec.channels.lock().unwrap().push(channel.to_owned());
    }
    Ok(
        if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            body.to_vec()
        },
    )
}

async fn event_endpoint(
    State(hec): State<Arc<Hec>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let body = match check_common(&hec, &headers, &body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if hec
        .busy
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return reply(503, json!({"text":"Server is busy","code":9}));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return reply(400, json!({"text":"No data","code":5}));
    }
    let mut events = Vec::new();
    for (n, item) in serde_json::Deserializer::from_slice(&body)
        .into_iter::<Value>()
        .enumerate()
    {
        let invalid = || {
            reply(
                400,
                json!({"text":"Invalid data format","code":6,"invalid-event-number":n}),
            )
        };
        let Ok(Value::Object(event)) = item else {
            return invalid();
        };
        if event.keys().any(|k| !KEYS.contains(&k.as_str())) {
            return invalid();
        }
        match event.get("event") {
            None => {
                return reply(
                    400,
                    json!({"text":"Event field is required","code":12,"invalid-event-number":n}),
                );
            }
            Some(Value::String(s)) if s.is_empty() => {
                return reply(
                    400,
                    json!({"text":"Event field cannot be blank","code":13,"invalid-event-number":n}),
                );
            }
            Some(Value::String(s)) if s.contains("POISON") => return invalid(),
            _ => {}
        }
        if event.get("time").is_some_and(|t| !t.is_number()) {
            return invalid();
        }
        if let Some(fields) = event.get("fields")
            && !fields
                .as_object()
                .is_some_and(|f| f.values().all(Value::is_string))
        {
            return reply(
                400,
                json!({"text":"Error in handling indexed fields","code":15,"invalid-event-number":n}),
            );
        }
        events.push(Value::Object(event));
    }
    if hec.ack {
        let id = hec.next_ack.fetch_add(1, Ordering::SeqCst) as u64;
        hec.pending.lock().unwrap().insert(id, (events, false));
        return reply(200, json!({"text":"Success","code":0,"ackId":id}));
    }
    hec.indexed.lock().unwrap().extend(events);
    reply(200, json!({"text":"Success","code":0}))
}

async fn ack_endpoint(
    State(hec): State<Arc<Hec>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if !hec.ack {
        return reply(400, json!({"text":"ACK is disabled","code":14}));
    }
    let body = match check_common(&hec, &headers, &body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let request: Value = serde_json::from_slice(&body).unwrap();
    let mut pending = hec.pending.lock().unwrap();
    let mut acks = serde_json::Map::new();
    for id in request["acks"].as_array().unwrap() {
        let id = id.as_u64().unwrap();
        // Index on first poll (the indexer is quick), except the lost one.
        let acked = if Some(id) == hec.lose_ack {
            false
        } else if let Some((events, done)) = pending.get_mut(&id) {
            if !*done {
                hec.indexed.lock().unwrap().extend(events.drain(..));
                *done = true;
            }
            true
        } else {
            false
        };
        acks.insert(id.to_string(), Value::Bool(acked));
    }
    reply(200, json!({ "acks": acks }))
}

async fn start_hec(hec: Hec) -> (String, Arc<Hec>) {
    let hec = Arc::new(hec);
    let app = Router::new()
        .route("/services/collector/event", post(event_endpoint))
        .route("/services/collector/ack", post(ack_endpoint))
        .with_state(hec.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hec)
}

fn hec_config(endpoint: &str, ack: bool) -> SplunkHecSinkConfig {
    SplunkHecSinkConfig {
        endpoint: endpoint.to_owned(),
        token: SecretRef::new(TOKEN),
        index: Some("phi_clean".into()),
        sourcetype: "aws:cloudwatchlogs".into(),
        source: None,
        host: None,
        fields: vec![
            ("aws_account".into(), MetaField::Owner),
            ("log_group".into(), MetaField::LogGroup),
        ],
        gzip: true,
        ack: ack.then_some((Duration::from_millis(50), Duration::from_secs(1))),
        tls_ca_file: None,
        timeout: Duration::from_secs(5),
    }
}

fn forward(
    config: &SplunkHecSinkConfig,
) -> (
    std::sync::Arc<dyn phiscrub::pipeline::Deliver>,
    phiscrub::forward::ForwarderHandle,
    Arc<RecordingQuarantine>,
    Metrics,
) {
    let metrics = Metrics::new("portable").unwrap();
    let quarantine = Arc::new(RecordingQuarantine::default());
    let spec = SinkSpec {
        name: "splunk".into(),
        filter: LogGroupFilter::all(),
        queue: Arc::new(MemoryQueue::new(16 << 20)),
        sink: Arc::new(SplunkHecSink::new(config).unwrap()),
        policy: fast_policy(),
    };
    let (deliver, handle) = Forwarder::start(vec![spec], &metrics, quarantine.clone());
    (deliver, handle, quarantine, metrics)
}

fn event_texts(hec: &Hec) -> Vec<String> {
    hec.indexed
        .lock()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hec_receives_batched_events_with_mapped_metadata() {
    let (url, hec) = start_hec(Hec::default()).await;
    let (deliver, handle, quarantine, _) = forward(&hec_config(&url, false));
    deliver
        .submit((0..120).map(|i| event("web-1", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || hec
            .indexed
            .lock()
            .unwrap()
            .len()
            == 120)
        .await
    );
    let first = hec.indexed.lock().unwrap()[0].clone();
    assert_eq!(
        first,
        json!({
            "time": 1_700_000_000.0,
            "host": "web-1",
            "source": "/test/app",
            "sourcetype": "aws:cloudwatchlogs",
            "index": "phi_clean",
            "fields": {"aws_account": "123456789012", "log_group": "/test/app"},
            "event": "web-1 event 0 user=[NAME] status=ok",
        })
    );
    assert_eq!(
        hec.indexed.lock().unwrap()[1]["time"],
        json!(1_700_000_000.001)
    );
    let expected: Vec<_> = (0..120)
        .map(|i| format!("web-1 event {i} user=[NAME] status=ok"))
        .collect();
    assert_eq!(event_texts(&hec), expected);
    assert!(quarantine.records.lock().unwrap().is_empty());
    handle.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hec_busy_code_9_is_retried_until_accepted() {
    let (url, hec) = start_hec(Hec {
        busy: AtomicUsize::new(3),
        ..Hec::default()
    })
    .await;
    let (deliver, handle, quarantine, metrics) = forward(&hec_config(&url, false));
    deliver
        .submit((0..10).map(|i| event("web-1", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || hec
            .indexed
            .lock()
            .unwrap()
            .len()
            == 10)
        .await
    );
    assert!(quarantine.records.lock().unwrap().is_empty());
    assert_eq!(
        metric(
            &metrics.render(),
            "phiscrub_sink_retried_total{sink=\"splunk\"}"
        ),
        Some(3.0)
    );
    handle.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hec_invalid_event_is_quarantined_and_the_rest_of_the_batch_is_indexed() {
    let (url, hec) = start_hec(Hec::default()).await;
    let (deliver, handle, quarantine, _) = forward(&hec_config(&url, false));
    let mut events: Vec<_> = (0..10).map(|i| event("web-1", i)).collect();
    events[4] = phiscrub::event::Event::new("POISON record", events[4].meta.clone());
    deliver.submit(events).await.unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || hec
            .indexed
            .lock()
            .unwrap()
            .len()
            == 9)
        .await
    );
    let quarantined = quarantine.records.lock().unwrap().clone();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].0, b"POISON record");
    assert_eq!(quarantined[0].1, QuarantineReason::SinkRejected);
    let expected: Vec<_> = (0..10)
        .filter(|&i| i != 4)
        .map(|i| format!("web-1 event {i} user=[NAME] status=ok"))
        .collect();
    assert_eq!(event_texts(&hec), expected);
    handle.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hec_ack_batch_not_acked_in_time_is_sent_again() {
    let (url, hec) = start_hec(Hec {
        ack: true,
        lose_ack: Some(0),
        ..Hec::default()
    })
    .await;
    let (deliver, handle, quarantine, _) = forward(&hec_config(&url, true));
    deliver
        .submit((0..5).map(|i| event("web-1", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || hec
            .indexed
            .lock()
            .unwrap()
            .len()
            == 5)
        .await
    );
    assert!(
        hec.next_ack.load(Ordering::SeqCst) >= 2,
        "the unacked batch was sent again"
    );
    let channels = hec.channels.lock().unwrap().clone();
    assert!(
        channels.windows(2).all(|w| w[0] == w[1]),
        "one channel per sink"
    );
    assert!(quarantine.records.lock().unwrap().is_empty());
    handle.shutdown(Duration::from_secs(5)).await;
}
