//! Ingest decode throughput per core: base64 → gunzip → CloudWatch subscription JSON →
//! events, for one record and for a whole 1 MiB Firehose request, on synthetic service
//! logs (see `support/ingest_data.rs`). Single-threaded, so the numbers are MB/s per core;
//! throughput is counted in request (wire) bytes and, separately, in decompressed bytes.
//!
//! `cargo bench --bench ingest`. Under `cargo test --all-targets` it runs once, quickly.

#[path = "support/ingest_data.rs"]
mod ingest_data;

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use criterion::{Criterion, Throughput};
use phiscrub::decode::firehose::{
    RecordFormat, RecordScratch, decode_record, events_from_document,
};
use phiscrub::decode::{DecodeBudget, DecodeLimits};
use phiscrub::event::EventMeta;

fn bench(c: &mut Criterion) {
    let mut rng = ingest_data::Rng::new(7);
    let limits = DecodeLimits::default();
    let base = EventMeta {
        source: "firehose".into(),
        ..EventMeta::default()
    };

    // One record as CloudWatch sends it to Firehose: 100 log events, gzip level 6.
    let record = ingest_data::cloudwatch_record(&mut rng, 100);
    let mut inflated = Vec::new();
    phiscrub::decode::gzip::gunzip_into(&record, 1 << 30, "x", 1 << 30, &mut inflated)
        .expect("gunzip");
    let data = base64::engine::general_purpose::STANDARD.encode(&record);
    eprintln!(
        "record: {} log events, {} B base64, {} B gzip, {} B JSON",
        100,
        data.len(),
        record.len(),
        inflated.len()
    );
    let mut scratch = RecordScratch::default();
    let mut events = Vec::new();
    let mut decode_one = || {
        events.clear();
        let budget = DecodeBudget::new(limits.max_decompressed_request_bytes);
        decode_record(
            data.as_bytes(),
            RecordFormat::Auto,
            &limits,
            &budget,
            &mut scratch,
            &base,
            &mut events,
        )
        .expect("decode");
        black_box(events.len())
    };
    let mut g = c.benchmark_group("ingest_record");
    g.sample_size(20);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("cloudwatch_gzip/wire_bytes", |b| b.iter(&mut decode_one));
    g.throughput(Throughput::Bytes(inflated.len() as u64));
    g.bench_function("cloudwatch_gzip/json_bytes", |b| b.iter(&mut decode_one));
    g.finish();

    // A whole ~1 MiB request: body JSON parse + every record.
    let (body, n_events) = ingest_data::firehose_request(&mut rng, "bench", 1 << 20, 100);
    eprintln!("request: {} B, {n_events} log events", body.len());
    let mut g = c.benchmark_group("ingest_request");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("firehose_1MiB/wire_bytes", |b| {
        b.iter(|| {
            let found = events_from_document(&body, RecordFormat::Auto, &limits).expect("doc");
            assert_eq!(found.events.len(), n_events);
            black_box(found.events.len())
        });
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
