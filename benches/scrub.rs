//! Scrub throughput per core for `mask`, `tokenize` and `encrypt` on the detection
//! corpus (`detect::corpus`: ~98% ordinary ops lines, text and JSON; ~2% lines with
//! labelled PHI), plus the no-PHI case, and the data-key (KMS) calls per million events.
//!
//! Two finders: `detector` is the real engine (what `serve` runs: the end-to-end cost per
//! core); `literal` reports exactly the corpus's labelled PHI values with an Aho-Corasick
//! matcher, so its numbers isolate what this stage adds (JSON walking, replacement,
//! HMAC, AES-GCM, key caching). After the criterion groups, a fixed-work timing prints
//! events/s, MB/s, the encrypt/mask cost ratio (target ≤ 2 at 2% PHI lines) and
//! data-key calls per million events.
//!
//! Run: `cargo bench --bench scrub` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use phiscrub::actions::Policy;
use phiscrub::config::{ActionName, Config};
use phiscrub::detect::{Detector, PhiType, corpus};
use phiscrub::event::{Event, EventMeta};
use phiscrub::keys::{KeyService, KeyUses};
use phiscrub::scrub::{FindPhi, LiteralFinder, Scrubber};

/// Events per corpus: 20,000 under `cargo bench`; a few hundred when `cargo test
/// --all-targets` runs the bench once in test mode.
fn events() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        20_000
    } else {
        500
    }
}

struct Corpus {
    events: Vec<Event>,
    bytes: u64,
    phi_values: Vec<(String, PhiType)>,
}

fn corpus(with_phi: bool) -> Corpus {
    let lines: Vec<corpus::LabelledLine> = if with_phi {
        corpus::labelled(7, events())
    } else {
        let mut rng = corpus::Rng::new(7);
        (0..events())
            .map(|_| corpus::LabelledLine {
                text: corpus::ops_line(&mut rng),
                spans: Vec::new(),
            })
            .collect()
    };
    let mut phi_values = Vec::new();
    let mut bytes = 0u64;
    let mut events = Vec::with_capacity(lines.len());
    for line in lines {
        for (s, e, t) in &line.spans {
            phi_values.push((line.text[*s..*e].to_owned(), *t));
        }
        bytes += line.text.len() as u64;
        events.push(Event::new(line.text, EventMeta::default()));
    }
    phi_values.sort();
    phi_values.dedup();
    Corpus {
        events,
        bytes,
        phi_values,
    }
}

fn config() -> Config {
    phiscrub::config::validate(
        phiscrub::config::load::parse_embedded_default().expect("embedded default parses"),
    )
    .expect("embedded default is valid")
}

#[derive(Clone, Copy)]
enum Finder {
    Detector,
    Literal,
}

fn finder(kind: Finder, corpus: &Corpus, detector: &Arc<Detector>) -> Box<dyn FindPhi> {
    match kind {
        Finder::Detector => Box::new(detector.scanner()),
        Finder::Literal => Box::new(
            LiteralFinder::new(corpus.phi_values.iter().map(|(v, t)| (v.as_str(), *t)))
                .expect("literal matcher builds"),
        ),
    }
}

fn keys(dir: &std::path::Path) -> Arc<KeyService> {
    Arc::new(KeyService::build(&config().keys, dir, KeyUses::ALL, None).expect("local keys build"))
}

fn scrubber(
    kind: Finder,
    corpus: &Corpus,
    detector: &Arc<Detector>,
    action: ActionName,
    keys: &Arc<KeyService>,
) -> Scrubber {
    Scrubber::new(
        finder(kind, corpus, detector),
        Arc::new(Policy::uniform(action)),
        keys.clone(),
    )
}

fn run_all(s: &mut Scrubber, corpus: &Corpus) -> usize {
    let mut out = 0;
    for event in &corpus.events {
        out += s.scrub(event).expect("scrub succeeds").message.len();
    }
    out
}

const ACTIONS: [(&str, ActionName); 3] = [
    ("mask", ActionName::Mask),
    ("tokenize", ActionName::Tokenize),
    ("encrypt", ActionName::Encrypt),
];

fn benches(c: &mut Criterion, dir: &std::path::Path, detector: &Arc<Detector>) {
    let keys = keys(dir);
    for (label, with_phi) in [("2pct_phi", true), ("no_phi", false)] {
        let corpus = corpus(with_phi);
        let mut group = c.benchmark_group(format!("scrub/detect_only/{label}"));
        group.throughput(Throughput::Bytes(corpus.bytes));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(3));
        let mut scanner = detector.scanner();
        let mut findings = Vec::new();
        group.bench_function("scan_line", |b| {
            b.iter(|| {
                let mut n = 0;
                for e in &corpus.events {
                    scanner.scan_line(&e.message, &mut findings).expect("scan");
                    n += findings.len();
                }
                black_box(n)
            })
        });
        group.finish();
        for (finder_label, kind) in [("detector", Finder::Detector), ("literal", Finder::Literal)] {
            let mut group = c.benchmark_group(format!("scrub/{finder_label}/{label}"));
            group.throughput(Throughput::Bytes(corpus.bytes));
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(3));
            for (name, action) in ACTIONS {
                let mut s = scrubber(kind, &corpus, detector, action, &keys);
                group.bench_function(name, |b| b.iter(|| black_box(run_all(&mut s, &corpus))));
            }
            group.finish();
        }
    }
}

/// Fixed-work timing for the summary lines: the actions interleaved round by round and
/// the fastest round kept, so that noise from other processes on a shared machine
/// affects every action alike.
fn summary(dir: &std::path::Path, detector: &Arc<Detector>) {
    let corpus = corpus(true);
    let phi_lines = corpus
        .events
        .iter()
        .filter(|e| {
            corpus
                .phi_values
                .iter()
                .any(|(v, _)| memchr::memmem::find(&e.message, v.as_bytes()).is_some())
        })
        .count();
    println!(
        "summary: corpus {} events, {:.1} MB, {:.1}% with PHI",
        corpus.events.len(),
        corpus.bytes as f64 / 1e6,
        phi_lines as f64 * 100.0 / corpus.events.len() as f64
    );
    let rounds = if events() > 1000 { 7 } else { 1 };
    for (finder_label, kind) in [("detector", Finder::Detector), ("literal", Finder::Literal)] {
        let mut runs: Vec<_> = ACTIONS
            .iter()
            .map(|(name, action)| {
                let keys = keys(dir);
                let s = scrubber(kind, &corpus, detector, *action, &keys);
                (*name, keys, s, f64::MAX)
            })
            .collect();
        for _ in 0..rounds {
            for (_, _, s, best) in runs.iter_mut() {
                let start = Instant::now();
                black_box(run_all(s, &corpus));
                *best = best.min(start.elapsed().as_secs_f64());
            }
        }
        let events = corpus.events.len() as f64;
        for (name, keys, _, best) in &runs {
            // Every call, including the first key, over every event scrubbed.
            let calls = keys.stats().generate_calls.load(Ordering::Relaxed);
            println!(
                "summary: {finder_label:8} {name:9} {:>10.0} events/s {:>8.1} MB/s per core; data-key calls per 1M events: {:.2}",
                events / best,
                corpus.bytes as f64 / best / 1e6,
                calls as f64 * 1e6 / (events * rounds as f64)
            );
        }
        println!(
            "summary: {finder_label:8} encrypt/mask cost = {:.2}, tokenize/mask = {:.2} (target encrypt <= 2)",
            runs[2].3 / runs[0].3,
            runs[1].3 / runs[0].3
        );
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let detector = Arc::new(Detector::build(&config().detect).expect("detector builds"));
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, dir.path(), &detector);
    c.final_summary();
    summary(dir.path(), &detector);
}
