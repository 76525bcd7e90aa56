//! Quick detection throughput check without criterion: scans the benchmark corpus a few
//! times per engine and prints MB per CPU-second of this thread. Handy under `perf record`.
//!
//! `cargo run --release --example detect_speed -- [MiB] [rounds] [engine]`; set
//! `DETECT_SPEED_DUMP=<file>` to write the corpus out as well.

use std::sync::Arc;
use std::time::Instant;

use phiscrub::detect::{DetectConfig, Detector, EngineChoice, corpus};

/// CPU time of this thread from Linux's schedstat (nanoseconds on CPU); wall time elsewhere.
fn thread_cpu_seconds(start: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(|| start.elapsed().as_secs_f64(), |ns| ns as f64 * 1e-9)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mib: usize = args.get(1).map_or(Ok(8), |s| s.parse())?;
    let rounds: usize = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let engines: Vec<EngineChoice> = match args.get(3) {
        Some(e) => vec![e.parse().map_err(anyhow::Error::msg)?],
        None => vec![EngineChoice::Hyperscan, EngineChoice::Portable],
    };
    let text = corpus::text(42, mib << 20);
    if let Ok(path) = std::env::var("DETECT_SPEED_DUMP") {
        std::fs::write(path, &text)?;
    }
    let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    for engine in engines {
        let t0 = Instant::now();
        let det = Arc::new(Detector::build(&DetectConfig {
            engine,
            ..DetectConfig::default()
        })?);
        let built = t0.elapsed();
        let mut scanner = det.scanner();
        let mut out = Vec::new();
        let mut findings = 0usize;
        let origin = Instant::now();
        let cpu0 = thread_cpu_seconds(origin);
        for _ in 0..rounds {
            for l in &lines {
                scanner.scan_line(l, &mut out)?;
                findings += out.len();
            }
        }
        let cpu = thread_cpu_seconds(origin) - cpu0;
        let mb = (text.len() * rounds) as f64 / 1e6;
        println!(
            "{:9} built {:?}  {:.1} MB/CPU-s  ({} findings/round)",
            det.engine_name(),
            built,
            mb / cpu,
            findings / rounds
        );
    }
    Ok(())
}
