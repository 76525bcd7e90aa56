//! Per-type precision/recall of the detector on the seeded synthetic labelled set.
//!
//! `cargo run --release --example detect_eval -- [lines] [seed] [engine]`

use std::sync::Arc;

use phiscrub::detect::{DetectConfig, Detector, EngineChoice, corpus, eval};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(200_000), |s| s.parse())?;
    let seed: u64 = args.get(2).map_or(Ok(7), |s| s.parse())?;
    let engine: EngineChoice = args
        .get(3)
        .map_or(Ok(EngineChoice::Auto), |s| s.parse())
        .map_err(anyhow::Error::msg)?;
    let det = Arc::new(Detector::build(&DetectConfig {
        engine,
        ..DetectConfig::default()
    })?);
    let lines = corpus::labelled(seed, n);
    let mut scanner = det.scanner();
    let report = eval::evaluate(&mut scanner, &lines);
    println!("engine {} | {} lines, seed {}", det.engine_name(), n, seed);
    print!("{}", report.table());
    for note in report.notes.iter().take(20) {
        println!("  {note}");
    }
    Ok(())
}
