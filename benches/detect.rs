//! Detection throughput (MB/s per core) on the synthetic ~98% ops / ~2% PHI corpus, for the
//! hyperscan engine, the portable engine and a naive baseline that runs every rule's regex
//! separately over each line (what most log shippers do). Also start-up (build) time.
//!
//! `cargo bench --bench detect`. Under `cargo test --all-targets` (test mode) the corpus is
//! small so the run is quick.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use phiscrub::detect::{DetectConfig, Detector, EngineChoice, builtin_specs, corpus};

fn corpus_bytes() -> usize {
    // `cargo bench` passes --bench; `cargo test` runs benches without it.
    if std::env::args().any(|a| a == "--bench") {
        8 << 20
    } else {
        64 << 10
    }
}

fn scan_all(det: &Arc<Detector>, lines: &[&[u8]]) -> usize {
    let mut s = det.scanner();
    let mut out = Vec::new();
    let mut n = 0;
    for l in lines {
        s.scan_line(l, &mut out).expect("scan");
        n += out.len();
    }
    n
}

fn bench(c: &mut Criterion) {
    let text = corpus::text(42, corpus_bytes());
    let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    let total = text.len() as u64;

    let mut engines = vec![EngineChoice::Portable];
    if cfg!(feature = "hyperscan") {
        engines.insert(0, EngineChoice::Hyperscan);
    }
    let mut g = c.benchmark_group("detect");
    g.throughput(Throughput::Bytes(total));
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    for engine in engines {
        let t0 = Instant::now();
        let det = Arc::new(
            Detector::build(&DetectConfig {
                engine,
                ..DetectConfig::default()
            })
            .expect("build"),
        );
        eprintln!(
            "start-up ({}): detector built in {:?}",
            det.engine_name(),
            t0.elapsed()
        );
        g.bench_function(det.engine_name(), |b| {
            b.iter(|| black_box(scan_all(&det, &lines)))
        });
    }
    // Naive baseline: every pattern rule's regex separately over each line.
    let regexes: Vec<regex::bytes::Regex> = builtin_specs()
        .expect("rules")
        .iter()
        .filter_map(|s| s.pattern.as_ref())
        .map(|p| {
            regex::bytes::RegexBuilder::new(p)
                .unicode(false)
                .build()
                .expect("compiles")
        })
        .collect();
    g.bench_function("naive_per_rule_regex", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                for re in &regexes {
                    n += re.find_iter(l).count();
                }
            }
            black_box(n)
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
