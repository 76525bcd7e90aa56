//! Forwarding throughput and ack latency: 1 MiB requests (1,024 events of 1 KiB, the
//! size Firehose sends at its default buffering) through the router into a disk queue
//! (redb, fsync per request by default) and out through the `http` sink to a local
//! receiver.
//!
//! Two parts:
//! - criterion `forward/submit_1MiB_fsync_*`: time for `Deliver::submit` to resolve (the
//!   moment Firehose would get its 200) per fsync policy, with the delivery task draining
//!   to the receiver concurrently; throughput in bytes.
//! - `end_to_end` (printed): pushes 256 MiB through, waits until the receiver has every
//!   event, and prints MB/s of wall time, MB/s per CPU-second of this process
//!   (user+system from /proc/self/stat, i.e. per core) and p50/p99 submit latency.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use phiscrub::config::validate::{HttpAuth, HttpFormat, HttpSinkConfig};
use phiscrub::event::{Event, EventMeta};
use phiscrub::forward::{
    Backoff, DeliveryPolicy, Forwarder, ForwarderHandle, LogGroupFilter, SinkSpec,
};
use phiscrub::pipeline::Deliver;
use phiscrub::quarantine::{Quarantine, QuarantineError, QuarantineReason};
use phiscrub::queue::{DiskQueue, FsyncPolicy};
use phiscrub::sinks::http::HttpSink;
use phiscrub::telemetry::Metrics;

const EVENTS_PER_REQUEST: usize = 1024;
const EVENT_BYTES: usize = 1024;
const REQUEST_BYTES: usize = EVENTS_PER_REQUEST * EVENT_BYTES;

struct NoQuarantine;
impl Quarantine for NoQuarantine {
    fn quarantine(
        &self,
        _: &[u8],
        _: QuarantineReason,
        _: &EventMeta,
    ) -> Result<(), QuarantineError> {
        Err(QuarantineError(
            "bench: nothing should be quarantined".into(),
        ))
    }
}

async fn ingest(State(counter): State<Arc<AtomicUsize>>, body: Bytes) -> &'static str {
    // Count decompressed NDJSON lines without keeping them.
    let mut decoder = flate2::read::GzDecoder::new(&body[..]);
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut decoder, &mut buf).unwrap();
    counter.fetch_add(memchr::memchr_iter(b'\n', &buf).count(), Ordering::Relaxed);
    "ok"
}

async fn receiver(counter: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new()
        .route("/ingest", axum::routing::post(ingest))
        .with_state(counter);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ingest", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A synthetic 1 MiB request: realistic log lines, no PHI (the common case).
fn request(n: usize) -> Vec<Event> {
    (0..EVENTS_PER_REQUEST)
        .map(|i| {
            let mut line = format!(
                "{{\"level\":\"info\",\"req\":{n},\"i\":{i},\"route\":\"/api/v1/orders\",\"status\":200,\"msg\":\""
            );
            while line.len() < EVENT_BYTES - 2 {
                line.push_str("request completed ");
            }
            line.truncate(EVENT_BYTES - 2);
            line.push_str("\"}");
            Event::new(
                line,
                EventMeta {
                    source: "firehose".into(),
                    log_group: Some("/aws/lambda/orders".into()),
                    log_stream: Some("2026/11/23/[$LATEST]abc".into()),
                    timestamp_ms: Some(1_700_000_000_000),
                    ..EventMeta::default()
                },
            )
        })
        .collect()
}

fn forwarder(
    dir: &std::path::Path,
    url: &str,
    fsync: FsyncPolicy,
) -> (Arc<dyn Deliver>, ForwarderHandle) {
    let queue = DiskQueue::open(&dir.join("siem.redb"), 4 << 30, fsync).unwrap();
    let sink = HttpSink::new(&HttpSinkConfig {
        endpoint: url.to_owned(),
        format: HttpFormat::Ndjson,
        gzip: true,
        headers: Vec::new(),
        auth: HttpAuth::None,
        tls_ca_file: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    Forwarder::start(
        vec![SinkSpec {
            name: "siem".into(),
            filter: LogGroupFilter::all(),
            queue: Arc::new(queue),
            sink: Arc::new(sink),
            policy: DeliveryPolicy {
                max_events: 2048,
                max_bytes: 4 << 20,
                max_age: Duration::from_millis(50),
                backoff: Backoff {
                    initial: Duration::from_millis(50),
                    cap: Duration::from_secs(1),
                },
            },
        }],
        &Metrics::new("portable").unwrap(),
        Arc::new(NoQuarantine),
    )
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn bench_submit(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("forward");
    group.throughput(Throughput::Bytes(REQUEST_BYTES as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(6));
    for (name, fsync) in [
        ("per_request", FsyncPolicy::PerRequest),
        ("none", FsyncPolicy::None),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let counter = Arc::new(AtomicUsize::new(0));
        let url = rt.block_on(receiver(counter.clone()));
        let (deliver, handle) = rt.block_on(async { forwarder(dir.path(), &url, fsync) });
        let requests: Vec<Vec<Event>> = (0..8).map(request).collect();
        let mut n = 0usize;
        group.bench_function(format!("submit_1MiB_fsync_{name}"), |b| {
            b.iter(|| {
                n += 1;
                rt.block_on(deliver.submit(requests[n % requests.len()].clone()))
                    .unwrap();
            });
        });
        rt.block_on(handle.shutdown(Duration::from_secs(60)));
    }
    group.finish();

    // End to end, printed: wall and per-CPU-second throughput, p50/p99 ack latency.
    let dir = tempfile::tempdir().unwrap();
    let counter = Arc::new(AtomicUsize::new(0));
    let url = rt.block_on(receiver(counter.clone()));
    let (deliver, handle) =
        rt.block_on(async { forwarder(dir.path(), &url, FsyncPolicy::PerRequest) });
    let total_requests = 256;
    let requests: Vec<Vec<Event>> = (0..8).map(request).collect();
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(total_requests);
    for n in 0..total_requests {
        let t = Instant::now();
        rt.block_on(deliver.submit(requests[n % requests.len()].clone()))
            .unwrap();
        latencies.push(t.elapsed());
    }
    let want = total_requests * EVENTS_PER_REQUEST;
    while counter.load(Ordering::Relaxed) < want {
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    latencies.sort();
    let mb = (total_requests * REQUEST_BYTES) as f64 / 1e6;
    eprintln!(
        "forward/end_to_end (disk queue, fsync per request, http sink, gzip): {mb:.0} MB in {wall:.2} s = {:.1} MB/s wall, {:.1} MB/s per CPU-second ({cpu:.2} CPU-s); submit p50 {:.1} ms, p99 {:.1} ms",
        mb / wall,
        mb / cpu,
        latencies[latencies.len() / 2].as_secs_f64() * 1e3,
        latencies[latencies.len() * 99 / 100].as_secs_f64() * 1e3,
    );
    rt.block_on(handle.shutdown(Duration::from_secs(60)));
}

criterion_group!(benches, bench_submit);
criterion_main!(benches);
