//! The `http` sink, built from config by `Forwarder::build` exactly as `serve` builds it,
//! against a receiver on loopback that enforces what a generic HTTP log intake expects:
//!
//! - `format = "ndjson"`: `Content-Type: application/x-ndjson`, each event one JSON
//!   object terminated by `\n` (the NDJSON spec, ndjson.org: "each JSON text MUST be
//!   followed by a newline"); `format = "json_array"`: `Content-Type: application/json`,
//!   the body one JSON array of objects (RFC 8259).
//! - `Content-Encoding: gzip` exactly when the body is gzip (RFC 9110 §8.4), checked on
//!   the body's magic bytes, not trusted from the header.
//! - `Authorization: Bearer <token>` (RFC 6750 §2.1) or `Basic base64(user:password)`
//!   (RFC 7617 §2), and the configured custom headers, on every request.
//! - 429 with `Retry-After: <seconds>` (RFC 6585 §4, RFC 9110 §10.2.3): the sink must not
//!   come back before that many seconds, although its own backoff is far shorter.
//!
//! A request that breaks any of these is answered 400 and recorded as a violation; each
//! test asserts there were none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use forward_support::{RecordingQuarantine, event, wait_until};
use phiscrub::forward::Forwarder;
use phiscrub::telemetry::Metrics;

/// What one endpoint path expects.
#[derive(Clone)]
struct Expect {
    ndjson: bool,
    gzip: bool,
    authorization: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    /// Answer the first N requests 429 with this `Retry-After`.
    throttle: Option<(usize, u64)>,
}

#[derive(Default)]
struct Seen {
    /// (path, arrival, events) of accepted requests.
    accepted: Mutex<Vec<(String, Instant, Vec<serde_json::Value>)>>,
    /// (path, arrival) of every request.
    arrivals: Mutex<Vec<(String, Instant)>>,
    violations: Mutex<Vec<String>>,
    throttled: AtomicUsize,
}

struct Intake {
    expect: std::collections::HashMap<String, Expect>,
    seen: Seen,
}

async fn intake(
    State(state): State<Arc<Intake>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, &'static str) {
    let now = Instant::now();
    state
        .seen
        .arrivals
        .lock()
        .unwrap()
        .push((path.clone(), now));
    let mut out = HeaderMap::new();
    let expect = &state.expect[&path];
    if let Some((count, secs)) = expect.throttle
        && state.seen.throttled.fetch_add(1, Ordering::SeqCst) < count
    {
        out.insert("retry-after", secs.to_string().parse().unwrap());
        return (StatusCode::TOO_MANY_REQUESTS, out, "slow down");
    }
    match check(expect, &headers, &body) {
        Ok(events) => {
            state
                .seen
                .accepted
                .lock()
                .unwrap()
                .push((path, now, events));
            (StatusCode::OK, out, "ok")
        }
        Err(violation) => {
            state
                .seen
                .violations
                .lock()
                .unwrap()
                .push(format!("{path}: {violation}"));
            (StatusCode::BAD_REQUEST, out, "protocol violation")
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn check(
    expect: &Expect,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<serde_json::Value>, String> {
    let want_type = if expect.ndjson {
        "application/x-ndjson"
    } else {
        "application/json"
    };
    if header(headers, "content-type") != Some(want_type) {
        return Err(format!(
            "content-type {:?}, want {want_type}",
            header(headers, "content-type")
        ));
    }
    if header(headers, "authorization") != expect.authorization.as_deref() {
        return Err("wrong or missing authorization".to_owned());
    }
    for (name, value) in &expect.headers {
        if header(headers, name) != Some(value) {
            return Err(format!("header {name} missing or wrong"));
        }
    }
    let is_gzip = body.starts_with(&[0x1f, 0x8b]);
    let says_gzip = header(headers, "content-encoding") == Some("gzip");
    if is_gzip != says_gzip || is_gzip != expect.gzip {
        return Err(format!(
            "gzip body {is_gzip}, header {says_gzip}, configured {}",
            expect.gzip
        ));
    }
    let text = if is_gzip {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(body)
            .read_to_string(&mut s)
            .map_err(|e| format!("gzip: {e}"))?;
        s
    } else {
        String::from_utf8(body.to_vec()).map_err(|e| format!("utf-8: {e}"))?
    };
    let events: Vec<serde_json::Value> = if expect.ndjson {
        if !text.ends_with('\n') {
            return Err("NDJSON body does not end with a newline".to_owned());
        }
        text.split_terminator('\n')
            .map(|line| serde_json::from_str(line).map_err(|e| format!("NDJSON line: {e}")))
            .collect::<Result<_, _>>()?
    } else {
        match serde_json::from_str(&text).map_err(|e| format!("JSON: {e}"))? {
            serde_json::Value::Array(items) => items,
            _ => return Err("JSON body is not an array".to_owned()),
        }
    };
    if events.is_empty() || !events.iter().all(|e| e.is_object()) {
        return Err("not a non-empty list of JSON objects".to_owned());
    }
    Ok(events)
}

async fn start_intake(expect: Vec<(&str, Expect)>) -> (String, Arc<Intake>) {
    let state = Arc::new(Intake {
        expect: expect.into_iter().map(|(p, e)| (p.to_owned(), e)).collect(),
        seen: Seen::default(),
    });
    let app = Router::new()
        .route("/{path}", post(intake))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}

fn config(dir: &std::path::Path, sinks: &str) -> phiscrub::config::Config {
    let path = dir.join("phiscrub.toml");
    std::fs::write(
        &path,
        format!(
            "state_dir = \"{}\"\n[sinks.out]\ntype = \"stdout\"\nenabled = false\n{sinks}",
            dir.display()
        ),
    )
    .unwrap();
    phiscrub::config::load(Some(&path)).unwrap()
}

fn messages(state: &Intake, path: &str) -> Vec<String> {
    state
        .seen
        .accepted
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _, _)| p == path)
        .flat_map(|(_, _, events)| events.iter())
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_and_json_array_bodies_with_headers_auth_and_gzip() {
    let (base, state) = start_intake(vec![
        (
            "ndjson",
            Expect {
                ndjson: true,
                gzip: true,
                authorization: Some("Bearer t0ken-for-tests".to_owned()),
                headers: vec![("x-siem-tenant", "phi-team"), ("x-source", "phiscrub")],
                throttle: None,
            },
        ),
        (
            "array",
            Expect {
                ndjson: false,
                gzip: false,
                // base64("svc-user:pa55:word") — a colon in the password is legal (RFC 7617).
                authorization: Some("Basic c3ZjLXVzZXI6cGE1NTp3b3Jk".to_owned()),
                headers: vec![("x-siem-tenant", "other")],
                throttle: None,
            },
        ),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("siem-token");
    std::fs::write(&token_file, "t0ken-for-tests").unwrap();
    let config = config(
        dir.path(),
        &format!(
            r#"
[sinks.nd]
type = "http"
endpoint = "{base}/ndjson"
format = "ndjson"
compression = "gzip"
bearer_token = "file:{}"
headers = {{ "X-Siem-Tenant" = "phi-team", "X-Source" = "phiscrub" }}
[sinks.nd.batch]
max_events = 7
max_age_ms = 20

[sinks.arr]
type = "http"
endpoint = "{base}/array"
format = "json_array"
compression = "none"
username = "svc-user"
password = "pa55:word"
headers = {{ "X-Siem-Tenant" = "other" }}
[sinks.arr.batch]
max_events = 7
max_age_ms = 20
"#,
            token_file.display()
        ),
    );
    let metrics = Metrics::new("portable").unwrap();
    let quarantine = Arc::new(RecordingQuarantine::default());
    let (deliver, handle) = Forwarder::build(&config, &metrics, quarantine.clone())
        .await
        .unwrap();
    let events: Vec<_> = (0..30).map(|i| event("stream-a", i)).collect();
    let sent: Vec<String> = events
        .iter()
        .map(|e| String::from_utf8(e.message.to_vec()).unwrap())
        .collect();
    deliver.submit(events).await.unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || {
            messages(&state, "ndjson").len() >= 30 && messages(&state, "array").len() >= 30
        })
        .await,
        "violations: {:?}",
        state.seen.violations.lock().unwrap()
    );
    assert!(state.seen.violations.lock().unwrap().is_empty());
    assert_eq!(
        messages(&state, "ndjson"),
        sent,
        "NDJSON: every event, in order"
    );
    assert_eq!(
        messages(&state, "array"),
        sent,
        "array: every event, in order"
    );
    // Batches of at most 7 events, so several requests per sink.
    for (_, _, batch) in state.seen.accepted.lock().unwrap().iter() {
        assert!(batch.len() <= 7);
    }
    // Metadata rides along in each object.
    let first = state.seen.accepted.lock().unwrap()[0].2[0].clone();
    assert_eq!(first["log_stream"], "stream-a");
    assert_eq!(first["log_group"], "/test/app");
    assert!(first["timestamp"].is_i64());
    assert!(quarantine.records.lock().unwrap().is_empty());
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_with_429_the_sink_waits_retry_after_then_delivers() {
    let (base, state) = start_intake(vec![(
        "slow",
        Expect {
            ndjson: true,
            gzip: true,
            authorization: None,
            headers: Vec::new(),
            throttle: Some((2, 2)),
        },
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    // Without Retry-After, retries would come within 100 ms.
    let config = config(
        dir.path(),
        &format!(
            r#"
[sinks.siem]
type = "http"
endpoint = "{base}/slow"
[sinks.siem.batch]
max_events = 100
max_age_ms = 20
[sinks.siem.retry]
initial_backoff_ms = 20
max_backoff_ms = 100
"#
        ),
    );
    let metrics = Metrics::new("portable").unwrap();
    let quarantine = Arc::new(RecordingQuarantine::default());
    let (deliver, handle) = Forwarder::build(&config, &metrics, quarantine.clone())
        .await
        .unwrap();
    deliver
        .submit((0..10).map(|i| event("stream-a", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(15), || messages(&state, "slow").len()
            >= 10)
        .await,
        "not delivered after the throttling ended"
    );
    let arrivals = state.seen.arrivals.lock().unwrap().clone();
    assert_eq!(
        arrivals.len(),
        3,
        "two throttled attempts, then the delivery"
    );
    for pair in arrivals.windows(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!(
            gap >= Duration::from_millis(1950),
            "the sink came back after {gap:?}, before Retry-After: 2"
        );
    }
    assert!(state.seen.violations.lock().unwrap().is_empty());
    assert!(
        quarantine.records.lock().unwrap().is_empty(),
        "429 is not permanent"
    );
    assert_eq!(
        forward_support::metric(
            &metrics.render(),
            "phiscrub_sink_retried_total{sink=\"siem\"}"
        ),
        Some(2.0)
    );
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}
