//! Quality floor on the seeded synthetic labelled set (the numbers themselves are printed by
//! `cargo run --release --example detect_eval`): type-agnostic recall and precision, and
//! PHI-free ops lines left alone.

use std::sync::Arc;

use phiscrub::detect::{DetectConfig, Detector, corpus, eval};

#[test]
fn seeded_set_recall_precision_and_clean_lines() {
    let det = Arc::new(Detector::build(&DetectConfig::default()).expect("build"));
    let lines = corpus::labelled(7, 20_000);
    let report = eval::evaluate(&mut det.scanner(), &lines);
    println!("{}", report.table());
    assert!(
        report.all.recall() >= 0.97,
        "recall {}\n{}",
        report.all.recall(),
        report.notes.join("\n")
    );
    assert!(
        report.all.precision() >= 0.95,
        "precision {}\n{}",
        report.all.precision(),
        report.notes.join("\n")
    );
    assert!(
        report.clean_touched_rate() <= 0.01,
        "clean lines touched {}",
        report.clean_touched_rate()
    );
}
