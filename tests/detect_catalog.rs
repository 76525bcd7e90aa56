//! The built-in catalog compiles on every engine and every rule's examples and negative
//! examples hold there.

use std::sync::Arc;

use phiscrub::detect::{DetectConfig, Detector, EngineChoice, RuleIdx};

fn engines() -> Vec<EngineChoice> {
    let mut e = vec![EngineChoice::Portable];
    if cfg!(feature = "hyperscan") {
        e.push(EngineChoice::Hyperscan);
    }
    e
}

#[test]
fn every_rule_example_is_found_and_no_negative_example_by_its_rule_on_every_engine() {
    for engine in engines() {
        let config = DetectConfig {
            engine,
            ..DetectConfig::default()
        };
        let det = Arc::new(Detector::build(&config).expect("catalog compiles"));
        let mut scanner = det.scanner();
        let mut out = Vec::new();
        let mut failures = Vec::new();
        for r in 0..det.rule_count() as u32 {
            let idx = RuleIdx(r);
            let id = det.rule_id(idx).to_owned();
            let ty = det.rule_type(idx).expect("rule exists");
            let (pos, neg) = det.rule_examples(idx);
            assert!(!pos.is_empty(), "rule {id} has no examples");
            for ex in pos {
                scanner.scan_line(ex.as_bytes(), &mut out).expect("scan");
                if !out.iter().any(|f| f.rule == idx || f.phi_type == ty) {
                    failures.push(format!("{engine:?} {id}: example not found: {ex}"));
                }
            }
            for ex in neg {
                scanner.scan_line(ex.as_bytes(), &mut out).expect("scan");
                if out.iter().any(|f| f.rule == idx) {
                    failures.push(format!("{engine:?} {id}: negative example matched: {ex}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn every_catalog_pattern_compiles_in_hyperscan_too() {
    #[cfg(feature = "hyperscan")]
    {
        use hyperscan::prelude::*;
        for spec in phiscrub::detect::builtin_specs().expect("rule files parse") {
            for p in spec.pattern.iter().chain(spec.value_pattern.iter()) {
                let pattern = Pattern::new(p.as_str()).expect("pattern parses");
                let db: Result<BlockDatabase, _> = pattern.build();
                assert!(
                    db.is_ok(),
                    "rule {} does not compile in hyperscan: {:?}",
                    spec.id,
                    db.err()
                );
            }
        }
    }
}
