//! A [`FindPhi`] over a fixed list of literal values (Aho-Corasick): known synthetic PHI
//! for canaries, tests and benchmarks, where the findings must be exactly known.

use aho_corasick::{AhoCorasick, MatchKind};

use super::FindPhi;
use crate::detect::{Finding, PhiType, RuleIdx, ScanError};

/// Finds every occurrence of the given literals; rule `i` is the `i`-th literal, with id
/// `literal-<TYPE>`.
#[derive(Debug, Clone)]
pub struct LiteralFinder {
    matcher: AhoCorasick,
    types: Vec<PhiType>,
    ids: Vec<String>,
}

impl LiteralFinder {
    /// Builds the matcher (leftmost-longest).
    pub fn new<I, B>(literals: I) -> Result<Self, ScanError>
    where
        I: IntoIterator<Item = (B, PhiType)>,
        B: AsRef<[u8]>,
    {
        let (patterns, types): (Vec<Vec<u8>>, Vec<PhiType>) = literals
            .into_iter()
            .map(|(b, t)| (b.as_ref().to_vec(), t))
            .unzip();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| ScanError::Engine(e.to_string()))?;
        let ids = types.iter().map(|t| format!("literal-{t}")).collect();
        Ok(Self {
            matcher,
            types,
            ids,
        })
    }
}

impl FindPhi for LiteralFinder {
    fn find_in_line(&mut self, line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError> {
        for m in self.matcher.find_iter(line) {
            let i = m.pattern().as_usize();
            out.push(Finding {
                start: m.start(),
                end: m.end(),
                phi_type: self.types[i],
                rule: RuleIdx(i as u32),
            });
        }
        Ok(())
    }

    fn find_in_value(
        &mut self,
        _key: Option<&str>,
        value: &[u8],
        out: &mut Vec<Finding>,
    ) -> Result<(), ScanError> {
        self.find_in_line(value, out)
    }

    fn rule_id(&self, rule: RuleIdx) -> &str {
        self.ids
            .get(rule.0 as usize)
            .map_or("unknown", String::as_str)
    }
}
