//! The hyperscan and portable engines give identical findings: on the seeded corpus, on
//! every rule example, and on proptest-generated lines mixing PHI-shaped and ops tokens.
#![cfg(feature = "hyperscan")]

use std::sync::{Arc, LazyLock};

use phiscrub::detect::{DetectConfig, Detector, EngineChoice, Finding, Scanner, corpus};
use proptest::prelude::*;

fn build(engine: EngineChoice) -> Arc<Detector> {
    Arc::new(
        Detector::build(&DetectConfig {
            engine,
            ..DetectConfig::default()
        })
        .expect("build"),
    )
}

// Built once: proptest runs hundreds of cases.
static HS: LazyLock<Arc<Detector>> = LazyLock::new(|| build(EngineChoice::Hyperscan));
static PT: LazyLock<Arc<Detector>> = LazyLock::new(|| build(EngineChoice::Portable));

fn scanners() -> (Scanner, Scanner) {
    let (hs, pt) = (&*HS, &*PT);
    assert_eq!(hs.engine_name(), "hyperscan");
    assert_eq!(pt.engine_name(), "portable");
    (hs.scanner(), pt.scanner())
}

fn both(a: &mut Scanner, b: &mut Scanner, line: &[u8]) -> (Vec<Finding>, Vec<Finding>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    a.scan_line(line, &mut x).expect("hyperscan scan");
    b.scan_line(line, &mut y).expect("portable scan");
    (x, y)
}

#[test]
fn engines_agree_on_the_seeded_corpus() {
    let (mut hs, mut pt) = scanners();
    let mut total = 0;
    for l in corpus::labelled(11, 20_000) {
        let (x, y) = both(&mut hs, &mut pt, l.text.as_bytes());
        assert_eq!(x, y, "engines differ on: {}", l.text);
        total += x.len();
    }
    assert!(
        total > 100,
        "the corpus must exercise the rules ({total} findings)"
    );
}

const PIECES: &[&str] = &[
    "DOB: 03/14/1962",
    "ssn 219-09-9999",
    "Patient John Smith",
    "(217) 555-0123",
    "fax 217.555.0199",
    "jane.doe@example.org",
    "MRN 00123456",
    "npi=1234567893",
    "4111 1111 1111 1111",
    "203.0.113.7",
    "10.0.0.1",
    "2026-11-23T10:00:01Z",
    "4f1c2a3b-9d2e-4c1a-8b3e-1a2b3c4d5e6f",
    "\"first_name\":\"Ana\"",
    "member id: W123456789",
    "1428 Elm Street",
    "92 y/o",
    "00:1A:2B:3C:4D:5E",
    "1M8GDM9AXKP042788",
    "Springfield, IL 62701",
    "took 12ms",
    "status=200",
    "Mr. Brown",
    "admitted 14-Mar-1962",
    "acct# 5521-8876",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn engines_agree_on_generated_lines(
        picks in proptest::collection::vec((0..PIECES.len(), "[ a-zA-Z0-9:=,.\"{}/-]{0,12}"), 1..8)
    ) {
        let (mut hs, mut pt) = scanners();
        let line: String = picks.iter().map(|(i, glue)| format!("{}{}", PIECES[*i], glue)).collect();
        let (x, y) = both(&mut hs, &mut pt, line.as_bytes());
        prop_assert_eq!(x, y, "line: {}", line);
    }

    #[test]
    fn engines_agree_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let (mut hs, mut pt) = scanners();
        let (x, y) = both(&mut hs, &mut pt, &bytes);
        prop_assert_eq!(x, y);
    }
}
