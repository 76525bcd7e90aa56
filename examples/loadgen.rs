//! Load generator for the Firehose HTTP endpoint: posts realistic requests (gzip
//! CloudWatch payloads of service logs, ~2% synthetic PHI, every Firehose header) to a
//! running daemon and reports requests/s, MB/s and latency percentiles.
//!
//! ```text
//! phiscrub serve --config my.toml > /dev/null &     # stdout sink discarded
//! cargo run --release --example loadgen -- --url http://127.0.0.1:8080/firehose \
//!     --key "$PHISCRUB_FIREHOSE_ACCESS_KEY" --concurrency 4 --seconds 20 --request-bytes 1048576
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/ingest_data.rs"]
mod ingest_data;

use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    url: String,
    key: String,
    concurrency: usize,
    seconds: u64,
    request_bytes: usize,
    events_per_record: usize,
    gzip: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        url: "http://127.0.0.1:8080/firehose".into(),
        key: std::env::var("PHISCRUB_FIREHOSE_ACCESS_KEY").unwrap_or_default(),
        concurrency: 4,
        seconds: 10,
        request_bytes: 1 << 20,
        events_per_record: 100,
        gzip: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value(),
            "--key" => args.key = value(),
            "--concurrency" => args.concurrency = value().parse().expect("--concurrency"),
            "--seconds" => args.seconds = value().parse().expect("--seconds"),
            "--request-bytes" => args.request_bytes = value().parse().expect("--request-bytes"),
            "--events-per-record" => {
                args.events_per_record = value().parse().expect("--events-per-record");
            }
            "--gzip" => args.gzip = true,
            other => panic!(
                "unknown flag {other} (--url --key --concurrency --seconds --request-bytes --events-per-record --gzip)"
            ),
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = Arc::new(parse_args());
    // A few distinct bodies so request ids (and dedup keys) differ without regenerating.
    let mut rng = ingest_data::Rng::new(11);
    let bodies: Arc<Vec<(Vec<u8>, usize)>> = Arc::new(
        (0..8)
            .map(|i| {
                let (body, events) = ingest_data::firehose_request(
                    &mut rng,
                    "placeholder-request-id-000000000000",
                    args.request_bytes,
                    args.events_per_record,
                );
                let _ = i;
                (body, events)
            })
            .collect(),
    );
    println!(
        "posting ~{} KiB requests ({} log events each) with {} connections for {} s to {}",
        bodies[0].0.len() / 1024,
        bodies[0].1,
        args.concurrency,
        args.seconds,
        args.url
    );
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let (client, args, bodies) = (client.clone(), Arc::clone(&args), Arc::clone(&bodies));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut bytes, mut events, mut failures) = (0usize, 0usize, 0usize);
            let mut n = 0usize;
            while Instant::now() < deadline {
                let (template, count) = &bodies[n % bodies.len()];
                let id = format!("{worker:08x}-{n:026x}");
                // Same length as the placeholder, so the body keeps its size.
                let body = String::from_utf8_lossy(template)
                    .replacen(
                        "placeholder-request-id-000000000000",
                        &id[..35.min(id.len())],
                        2,
                    )
                    .into_bytes();
                let mut request = client
                    .post(&args.url)
                    .header("X-Amz-Firehose-Protocol-Version", "1.0")
                    .header("X-Amz-Firehose-Request-Id", &id[..35.min(id.len())])
                    .header("X-Amz-Firehose-Access-Key", &args.key)
                    .header("Content-Type", "application/json");
                let sent = body.len();
                let body = if args.gzip {
                    use std::io::Write;
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    enc.write_all(&body).unwrap();
                    request = request.header("Content-Encoding", "gzip");
                    enc.finish().unwrap()
                } else {
                    body
                };
                let t0 = Instant::now();
                let ok = match request.body(body).send().await {
                    Ok(r) => r.status().as_u16() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                latencies.push(t0.elapsed());
                if ok {
                    bytes += sent;
                    events += count;
                } else {
                    failures += 1;
                }
                n += 1;
            }
            (latencies, bytes, events, failures)
        }));
    }
    let mut latencies = Vec::new();
    let (mut bytes, mut events, mut failures) = (0, 0, 0);
    for task in tasks {
        let (l, b, e, f) = task.await.unwrap();
        latencies.extend(l);
        bytes += b;
        events += e;
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "requests: {} ({} failed) in {elapsed:.1} s\nthroughput: {:.1} req/s, {:.1} MB/s, {:.0} log events/s\nlatency: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        failures,
        latencies.len() as f64 / elapsed,
        bytes as f64 / elapsed / 1e6,
        events as f64 / elapsed,
        percentile(&latencies, 50.0).as_secs_f64() * 1e3,
        percentile(&latencies, 90.0).as_secs_f64() * 1e3,
        percentile(&latencies, 99.0).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
