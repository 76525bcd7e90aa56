//! The engine-specific candidate stage: every case-insensitive occurrence of every rule
//! keyword, key spelling and context word in a line. Both engines report the same hit set
//! by construction (all overlapping occurrences, no word boundaries: the shared confirm
//! stage applies those), so everything downstream is engine-independent.
//!
//! - `portable`: `aho-corasick`, ASCII case-insensitive, overlapping search.
//! - `hyperscan`: one block-mode literal database (`hs_compile_lit_multi`, CASELESS, no
//!   start-of-match): literal sets are where Hyperscan runs at GB/s (PERFORMANCE.md).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::catalog::DetectBuildError;

/// A literal hit: literal id and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Start offset.
    pub start: u32,
    /// End offset (exclusive).
    pub end: u32,
    /// Index into the literal table.
    pub lit: u32,
}

/// The compiled literal matcher of one engine.
pub enum LiteralMatcher {
    /// aho-corasick.
    Portable(AhoCorasick),
    /// Hyperscan literal database.
    #[cfg(feature = "hyperscan")]
    Hyperscan(hyperscan::BlockDatabase),
}

impl std::fmt::Debug for LiteralMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Per-thread state of a literal matcher.
pub enum LiteralScratch {
    /// Nothing needed.
    None,
    /// Hyperscan scratch.
    #[cfg(feature = "hyperscan")]
    Hyperscan(hyperscan::Scratch),
}

impl LiteralMatcher {
    /// Builds the portable matcher.
    pub fn portable(lits: &[String]) -> Result<Self, DetectBuildError> {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(lits)
            .map(Self::Portable)
            .map_err(|e| DetectBuildError::Literals(e.to_string()))
    }

    /// Builds the Hyperscan matcher.
    #[cfg(feature = "hyperscan")]
    pub fn hyperscan(lits: &[String]) -> Result<Self, DetectBuildError> {
        use hyperscan::prelude::Builder;
        use hyperscan::{Literal, LiteralFlags, Literals};
        let set: Literals = lits
            .iter()
            .enumerate()
            .map(|(i, l)| Literal {
                expression: l.clone(),
                flags: LiteralFlags::CASELESS,
                id: Some(i),
                som: None,
            })
            .collect();
        set.build()
            .map(Self::Hyperscan)
            .map_err(|e| DetectBuildError::Hyperscan(e.to_string()))
    }

    /// The engine name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Portable(_) => "portable",
            #[cfg(feature = "hyperscan")]
            Self::Hyperscan(_) => "hyperscan",
        }
    }

    /// Allocates per-thread scratch.
    pub fn scratch(&self) -> Result<LiteralScratch, String> {
        match self {
            Self::Portable(_) => Ok(LiteralScratch::None),
            #[cfg(feature = "hyperscan")]
            Self::Hyperscan(db) => db
                .alloc_scratch()
                .map(LiteralScratch::Hyperscan)
                .map_err(|e| e.to_string()),
        }
    }

    /// Appends every hit in `hay` to `out` (unsorted).
    pub fn find_all(
        &self,
        scratch: &mut LiteralScratch,
        lens: &[u32],
        hay: &[u8],
        out: &mut Vec<Hit>,
    ) -> Result<(), String> {
        match (self, scratch) {
            (Self::Portable(ac), _) => {
                for m in ac.find_overlapping_iter(hay) {
                    out.push(Hit {
                        start: m.start() as u32,
                        end: m.end() as u32,
                        lit: m.pattern().as_u32(),
                    });
                }
                Ok(())
            }
            #[cfg(feature = "hyperscan")]
            (Self::Hyperscan(db), LiteralScratch::Hyperscan(s)) => {
                if hay.is_empty() {
                    return Ok(());
                }
                db.scan(hay, s, |id, _from, to, _flags| {
                    let end = to as u32;
                    out.push(Hit {
                        start: end - lens[id as usize],
                        end,
                        lit: id,
                    });
                    hyperscan::Matching::Continue
                })
                .map_err(|e| e.to_string())
            }
            #[cfg(feature = "hyperscan")]
            _ => Err("scratch does not belong to this engine".to_owned()),
        }
    }
}
