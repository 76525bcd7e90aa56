//! Shared by the forwarding tests: a real HTTP receiver on loopback that can be switched
//! down (503) and told to reject poisoned events, a recording quarantine, synthetic events
//! (no real PHI), and builders for forwarder pieces.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use phiscrub::config::validate::{HttpAuth, HttpFormat, HttpSinkConfig};
use phiscrub::event::{Event, EventMeta};
use phiscrub::forward::{Backoff, DeliveryPolicy, LogGroupFilter, SinkSpec};
use phiscrub::quarantine::{Quarantine, QuarantineError, QuarantineReason};
use phiscrub::queue::Queue;
use phiscrub::sinks::http::HttpSink;

/// What the receiver got and how it behaves.
#[derive(Default)]
pub struct ReceiverState {
    /// Every event (one JSON object per NDJSON line) accepted, in arrival order.
    pub events: Mutex<Vec<serde_json::Value>>,
    /// Answer 503 with `Retry-After: 1` while set.
    pub down: AtomicBool,
    /// Requests seen (accepted or not).
    pub requests: AtomicUsize,
    /// Reject (400) any request holding an event whose message contains this.
    pub poison: Mutex<Option<String>>,
}

/// A receiver on loopback.
pub struct Receiver {
    pub addr: SocketAddr,
    pub state: Arc<ReceiverState>,
}

impl Receiver {
    pub fn url(&self) -> String {
        format!("http://{}/ingest", self.addr)
    }

    pub fn received(&self) -> Vec<serde_json::Value> {
        self.state.events.lock().unwrap().clone()
    }

    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }
}

async fn ingest(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, &'static str) {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let mut out = HeaderMap::new();
    if state.down.load(Ordering::SeqCst) {
        out.insert("retry-after", "1".parse().unwrap());
        return (StatusCode::SERVICE_UNAVAILABLE, out, "down");
    }
    let text = if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(body.to_vec()).unwrap()
    };
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    if let Some(poison) = state.poison.lock().unwrap().as_deref()
        && events
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains(poison))
    {
        return (StatusCode::BAD_REQUEST, out, "bad event");
    }
    state.events.lock().unwrap().extend(events);
    (StatusCode::OK, out, "ok")
}

/// Starts the receiver on 127.0.0.1:0.
pub async fn start_receiver() -> Receiver {
    let state = Arc::new(ReceiverState::default());
    let app = Router::new()
        .route("/ingest", post(ingest))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { addr, state }
}

/// Keeps quarantined records in memory.
#[derive(Default)]
pub struct RecordingQuarantine {
    pub records: Mutex<Vec<(Vec<u8>, QuarantineReason, EventMeta)>>,
}

impl Quarantine for RecordingQuarantine {
    fn quarantine(
        &self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<(), QuarantineError> {
        self.records
            .lock()
            .unwrap()
            .push((payload.to_vec(), reason, meta.clone()));
        Ok(())
    }
}

/// A synthetic event `n` of `stream` (no PHI).
// The struct update keeps this helper compiling when EventMeta gains fields.
#[allow(clippy::needless_update)]
pub fn event(stream: &str, n: usize) -> Event {
    Event::new(
        format!("{stream} event {n} user=[NAME] status=ok"),
        EventMeta {
            source: "firehose".into(),
            owner: Some("123456789012".into()),
            log_group: Some("/test/app".into()),
            log_stream: Some(stream.into()),
            event_id: Some(format!("{stream}-{n}")),
            timestamp_ms: Some(1_700_000_000_000 + n as i64),
            ..EventMeta::default()
        },
    )
}

/// A fast policy for tests: small batches, short waits.
pub fn fast_policy() -> DeliveryPolicy {
    DeliveryPolicy {
        max_events: 50,
        max_bytes: 1 << 20,
        max_age: Duration::from_millis(20),
        backoff: Backoff {
            initial: Duration::from_millis(20),
            cap: Duration::from_millis(300),
        },
    }
}

/// An NDJSON http sink to `url`, behind `queue`.
pub fn http_spec(name: &str, url: &str, queue: Arc<dyn Queue>) -> SinkSpec {
    let sink = HttpSink::new(&HttpSinkConfig {
        endpoint: url.to_owned(),
        format: HttpFormat::Ndjson,
        gzip: true,
        headers: Vec::new(),
        auth: HttpAuth::None,
        tls_ca_file: None,
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    SinkSpec {
        name: name.to_owned(),
        filter: LogGroupFilter::all(),
        queue,
        sink: Arc::new(sink),
        policy: fast_policy(),
    }
}

/// Polls `check` until true or `limit` passes.
pub async fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

/// The value of a metric line `name{labels} value` in a Prometheus text exposition.
pub fn metric(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name_and_labels))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// A moto server on loopback, killed on drop.
pub struct Moto {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `.tools/venv/bin/moto_server`; fails the test if it cannot.
pub fn start_moto() -> Moto {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/moto_server");
    assert!(
        bin.exists(),
        "moto_server is not installed: run scripts/bootstrap"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto_server failed to start");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// An SDK config pointing at moto with throwaway test credentials (never ambient ones).
pub fn moto_sdk_config(url: &str) -> aws_config::SdkConfig {
    use aws_config::BehaviorVersion;
    use aws_sdk_firehose::config::{Credentials, SharedCredentialsProvider};
    aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "moto",
        )))
        .build()
}
