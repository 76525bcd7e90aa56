//! Quality report over a labelled set: per-type and type-agnostic precision and recall, and
//! the share of PHI-free lines that got any finding. Used by `examples/detect_eval.rs` and
//! `tests/detect_quality.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::corpus::LabelledLine;
use super::{Finding, PhiType, Scanner};

/// Counts for one type (or all types).
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Labelled spans overlapped by a finding (of the same type, per-type).
    pub found: usize,
    /// Labelled spans.
    pub labelled: usize,
    /// Findings overlapping a labelled span.
    pub correct: usize,
    /// Findings.
    pub findings: usize,
}

impl Counts {
    /// found / labelled.
    pub fn recall(&self) -> f64 {
        if self.labelled == 0 {
            1.0
        } else {
            self.found as f64 / self.labelled as f64
        }
    }
    /// correct / findings.
    pub fn precision(&self) -> f64 {
        if self.findings == 0 {
            1.0
        } else {
            self.correct as f64 / self.findings as f64
        }
    }
}

/// The whole report.
#[derive(Debug, Default)]
pub struct Report {
    /// Per type.
    pub per_type: BTreeMap<PhiType, Counts>,
    /// Type-agnostic.
    pub all: Counts,
    /// PHI-free lines.
    pub clean_lines: usize,
    /// PHI-free lines with a finding.
    pub clean_touched: usize,
    /// Example misses and false positives (line index, description), for debugging.
    pub notes: Vec<String>,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Scans every line and scores the findings.
pub fn evaluate(scanner: &mut Scanner, lines: &[LabelledLine]) -> Report {
    let mut rep = Report::default();
    let mut out: Vec<Finding> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if scanner.scan_line(l.text.as_bytes(), &mut out).is_err() {
            rep.notes.push(format!("line {i}: scan error"));
            continue;
        }
        if l.spans.is_empty() {
            rep.clean_lines += 1;
            if !out.is_empty() {
                rep.clean_touched += 1;
            }
        }
        for &(s, e, t) in &l.spans {
            let c = rep.per_type.entry(t).or_default();
            c.labelled += 1;
            rep.all.labelled += 1;
            if out
                .iter()
                .any(|f| f.phi_type == t && overlaps((f.start, f.end), (s, e)))
            {
                c.found += 1;
            }
            if out.iter().any(|f| overlaps((f.start, f.end), (s, e))) {
                rep.all.found += 1;
            } else if rep.notes.len() < 40 {
                rep.notes.push(format!("miss {t:?} in: {}", l.text));
            }
        }
        for f in &out {
            let c = rep.per_type.entry(f.phi_type).or_default();
            c.findings += 1;
            rep.all.findings += 1;
            if l.spans
                .iter()
                .any(|&(s, e, _)| overlaps((f.start, f.end), (s, e)))
            {
                rep.all.correct += 1;
                if l.spans
                    .iter()
                    .any(|&(s, e, t)| t == f.phi_type && overlaps((f.start, f.end), (s, e)))
                {
                    c.correct += 1;
                }
            } else if rep.notes.len() < 40 {
                let rule = scanner.detector().rule_id(f.rule).to_owned();
                rep.notes.push(format!(
                    "false positive {rule} {:?} in: {}",
                    l.text.get(f.start..f.end).unwrap_or("?"),
                    l.text
                ));
            }
        }
    }
    rep
}

impl Report {
    /// Share of PHI-free lines touched.
    pub fn clean_touched_rate(&self) -> f64 {
        if self.clean_lines == 0 {
            0.0
        } else {
            self.clean_touched as f64 / self.clean_lines as f64
        }
    }

    /// A printable table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:16} {:>8} {:>8} {:>9} {:>9}",
            "type", "labelled", "findings", "recall", "precision"
        );
        for (t, c) in &self.per_type {
            let _ = writeln!(
                s,
                "{:16} {:>8} {:>8} {:>9.4} {:>9.4}",
                t.as_str(),
                c.labelled,
                c.findings,
                c.recall(),
                c.precision()
            );
        }
        let _ = writeln!(
            s,
            "{:16} {:>8} {:>8} {:>9.4} {:>9.4}",
            "ALL (any type)",
            self.all.labelled,
            self.all.findings,
            self.all.recall(),
            self.all.precision()
        );
        let _ = writeln!(
            s,
            "PHI-free lines touched: {} of {} ({:.4}%)",
            self.clean_touched,
            self.clean_lines,
            100.0 * self.clean_touched_rate()
        );
        s
    }
}
