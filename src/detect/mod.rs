//! PHI detection: what counts as protected health information in a log line, and where.
//!
//! Design (see `rules/`, PERFORMANCE.md and the README's "Detection" section): an
//! engine-specific *candidate* stage proposes where a rule may match (Hyperscan or
//! aho-corasick over every rule keyword, key spelling and context word; a shared shape pass
//! for digit/alphanumeric/hex tokens; hashed dictionary lookups for names), then ONE shared
//! *confirm* stage runs each rule's regex anchored to the candidate window, takes its
//! capture group, applies validator, context, allow-lists, and resolves overlaps. Because
//! both engines produce the same literal hit set and share everything else, they give the
//! same findings by construction; `tests/detect_engines.rs` checks that they do.

mod bytemask;
mod catalog;
mod config;
#[doc(hidden)]
pub mod corpus;
#[doc(hidden)]
pub mod eval;
mod literals;
mod names;
mod phi_type;
mod record;
mod scanner;
mod shape;
mod structure;
mod validators;

use std::sync::Arc;

pub use catalog::{ContextSpec, DetectBuildError, RuleSpec, builtin_specs};
pub use config::{
    Cidr, DEFAULT_IP_ALLOW, DEFAULT_MAX_LINE_BYTES, DatePolicy, DetectConfig, DetectFields,
};
pub use phi_type::{PhiType, UnknownPhiType};
pub use scanner::{ScanError, Scanner};
pub use validators::Validator;

use catalog::{Rule, Trigger};
use literals::LiteralMatcher;

/// One finding: a byte span of a PHI type, found by a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Start offset (inclusive).
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// The PHI type.
    pub phi_type: PhiType,
    /// The rule that found it.
    pub rule: RuleIdx,
}

/// Index of a rule in a [`Detector`]; [`Detector::rule_id`] gives its stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleIdx(pub u32);

/// Public description of one rule (for `phiscrub rules`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: String,
    /// PHI type name.
    #[serde(rename = "type")]
    pub phi_type: String,
    /// What it finds.
    pub description: String,
    /// One example line.
    pub example: String,
    /// Where the rule comes from: `builtin` or `config`.
    pub source: &'static str,
}

/// Digit counts above this share one bucket of digit rules.
const MAX_DIGIT_BUCKET: usize = 64;

/// The compiled, immutable detector: share it as `Arc<Detector>`, one [`Scanner`] per thread.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    sources: Vec<&'static str>,
    lit_lens: Vec<u32>,
    /// Per literal: rules it triggers.
    lit_triggers: Vec<Vec<u32>>,
    /// Per literal: key-led rules whose key it spells.
    lit_keys: Vec<Vec<u32>>,
    /// Per literal: whether some rule uses it as context.
    rule_require: Vec<Vec<u32>>,
    rule_veto: Vec<Vec<u32>>,
    /// Per literal: rules that require it as context (the inverse of `rule_require`), so a
    /// line's hits tell at once which rules can have their context anywhere in it.
    lit_required_by: Vec<Vec<u32>>,
    /// Per literal: the structure decoders it announces (`structure::SQL_INSERT`, …).
    lit_marker: Vec<u8>,
    /// Per literal: it names an automated client ([`scanner::AUTOMATED_AGENTS`]).
    lit_automated: Vec<bool>,
    /// Digit-triggered rules by the digit count they accept (index: count, the last bucket
    /// holds every longer count).
    digit_rules_by_size: Vec<Vec<DigitRule>>,
    alnum_rules: Vec<u32>,
    hexcolon_rules: Vec<u32>,
    line_rules: Vec<u32>,
    name_pair_rule: Option<u32>,
    /// The rule of identifiers written beside a found name (`id.beside_name`).
    id_beside_name_rule: Option<u32>,
    /// The rule of names in parentheses after a found identifier (`name.beside_id`).
    name_beside_id_rule: Option<u32>,
    /// Per literal: length of the key spelling it starts with (key literals carry a suffix).
    lit_key_len: Vec<u32>,
    /// Per literal: it starts with a letter or digit, so a hit must start at a word start.
    lit_word_start: Vec<bool>,
    /// Normalised key spellings of key-led rules, for `scan_value`.
    key_norms: Vec<(Vec<u8>, u32)>,
    matcher: LiteralMatcher,
    names: names::Names,
    config: DetectConfig,
}

/// What the scanner's shape loop needs of a digit-triggered rule, copied out of [`Rule`]
/// so that the loop over a line's digit tokens reads one small record per rule.
#[derive(Debug, Clone, Copy)]
struct DigitRule {
    rule: u32,
    /// Digit counts the rule accepts (inclusive).
    digits: (u16, u16),
    seps: Option<u8>,
    gate: Option<shape::Gate>,
    /// The IPv4 validator: allow-listed addresses are dropped before the regex.
    ipv4: bool,
    needs_context: bool,
    date: bool,
    window: u32,
}

impl DigitRule {
    /// Whether digit token `t` has the rule's digit count and separators and passes its
    /// gate.
    #[inline]
    fn fits(&self, t: &shape::Token, hay: &[u8]) -> bool {
        if t.size < self.digits.0 || t.size > self.digits.1 {
            return false;
        }
        match self.seps {
            Some(0) if t.seps != 0 => return false,
            Some(m) if m != 0 && t.seps & m == 0 => return false,
            _ => {}
        }
        self.gate
            .is_none_or(|g| g.passes(hay, t.start as usize, t.end as usize))
    }
}

/// What follows a key in JSON (`"dob":`), logfmt (`dob=`), text (`DOB:`, `dob :`) and
/// bracketed keys (PHP `print_r`'s `[dob] =>`, Rails' `patient[dob]=`).
const KEY_SUFFIXES: [&str; 9] = ["=", ":", "\"", "'", " =", " :", "->", " ->", "]"];

fn intern(
    lits: &mut Vec<String>,
    index: &mut std::collections::HashMap<String, u32>,
    word: &str,
) -> u32 {
    let w = word.to_ascii_lowercase();
    if let Some(&i) = index.get(&w) {
        return i;
    }
    let i = lits.len() as u32;
    lits.push(w.clone());
    index.insert(w, i);
    i
}

impl Detector {
    /// Compiles the built-in catalog (minus disabled rules) plus the config's rules.
    pub fn build(config: &DetectConfig) -> Result<Detector, DetectBuildError> {
        let mut specs: Vec<(RuleSpec, &'static str)> = builtin_specs()?
            .into_iter()
            .filter(|s| !config.disable.contains(&s.id))
            .map(|s| (s, "builtin"))
            .collect();
        specs.extend(config.rules.iter().cloned().map(|s| (s, "config")));
        let mut rules = Vec::with_capacity(specs.len());
        let mut sources = Vec::with_capacity(specs.len());
        let mut seen = std::collections::HashSet::new();
        for (spec, source) in specs {
            if !seen.insert(spec.id.clone()) {
                return Err(DetectBuildError::Rule {
                    id: spec.id,
                    problem: "duplicate rule id".into(),
                });
            }
            let rule = catalog::compile_rule(spec)?;
            if config.date_policy == DatePolicy::None && rule.phi_type == PhiType::Date {
                continue;
            }
            rules.push(rule);
            sources.push(source);
        }
        let mut lits = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut lit_triggers: Vec<Vec<u32>> = Vec::new();
        let mut lit_keys: Vec<Vec<u32>> = Vec::new();
        let mut rule_require = Vec::new();
        let mut rule_veto = Vec::new();
        let (mut digit_rules, mut alnum_rules, mut hexcolon_rules, mut line_rules) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut name_pair_rule = None;
        let mut id_beside_name_rule = None;
        let mut name_beside_id_rule = None;
        let mut lit_key_len: Vec<u32> = Vec::new();
        let grow = |v: &mut Vec<Vec<u32>>, n: usize| {
            if v.len() < n {
                v.resize(n, Vec::new());
            }
        };
        for (r, rule) in rules.iter().enumerate() {
            let r = r as u32;
            match rule.trigger {
                Trigger::Keywords => {
                    for k in &rule.spec.keywords {
                        let l = intern(&mut lits, &mut index, k) as usize;
                        grow(&mut lit_triggers, l + 1);
                        lit_triggers[l].push(r);
                    }
                }
                Trigger::Key => {
                    // Each spelling with the separators a key is followed by (`dob=`,
                    // `dob:`, `dob"`, …): a bare `ip` or `dl` would hit inside every word.
                    for k in &rule.spec.keys {
                        for spelling in catalog::key_spellings(k) {
                            for sfx in KEY_SUFFIXES {
                                let l = intern(&mut lits, &mut index, &format!("{spelling}{sfx}"))
                                    as usize;
                                grow(&mut lit_keys, l + 1);
                                lit_keys[l].push(r);
                                if lit_key_len.len() < l + 1 {
                                    lit_key_len.resize(l + 1, 0);
                                }
                                lit_key_len[l] = spelling.len() as u32;
                            }
                        }
                    }
                }
                Trigger::Digits(..) => digit_rules.push(r),
                Trigger::Alnum(..) => alnum_rules.push(r),
                Trigger::HexColon => hexcolon_rules.push(r),
                Trigger::Line => line_rules.push(r),
                Trigger::Builtin => match rule.spec.builtin.as_deref() {
                    Some("id_beside_name") => id_beside_name_rule = Some(r),
                    Some("name_beside_id") => name_beside_id_rule = Some(r),
                    _ => name_pair_rule = Some(r),
                },
            }
            let ignore_require =
                config.date_policy == DatePolicy::All && rule.phi_type == PhiType::Date;
            rule_require.push(if ignore_require {
                Vec::new()
            } else {
                rule.require
                    .iter()
                    .map(|k| intern(&mut lits, &mut index, k))
                    .collect()
            });
            rule_veto.push(
                rule.veto
                    .iter()
                    .map(|k| intern(&mut lits, &mut index, k))
                    .collect(),
            );
        }
        let marker_lits: Vec<(u32, u8)> = structure::MARKER_WORDS
            .iter()
            .map(|&(word, bit)| (intern(&mut lits, &mut index, word), bit))
            .collect();
        let agent_lits: Vec<u32> = scanner::AUTOMATED_AGENTS
            .iter()
            .map(|word| intern(&mut lits, &mut index, word))
            .collect();
        let mut lit_marker = vec![0u8; lits.len()];
        for (l, bit) in marker_lits {
            lit_marker[l as usize] |= bit;
        }
        let mut lit_automated = vec![false; lits.len()];
        for l in agent_lits {
            lit_automated[l as usize] = true;
        }
        grow(&mut lit_triggers, lits.len());
        grow(&mut lit_keys, lits.len());
        lit_key_len.resize(lits.len(), 0);
        let lit_word_start = lits
            .iter()
            .map(|l| l.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()))
            .collect();
        let mut key_norms = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for k in &rule.spec.keys {
                let mut nk = Vec::new();
                catalog::normalise_key(k.as_bytes(), &mut nk);
                key_norms.push((nk, r as u32));
            }
        }
        let lit_lens = lits.iter().map(|l| l.len() as u32).collect();
        let mut lit_required_by: Vec<Vec<u32>> = vec![Vec::new(); lits.len()];
        for (r, req) in rule_require.iter().enumerate() {
            for &l in req {
                lit_required_by[l as usize].push(r as u32);
            }
        }
        let matcher = match config.engine {
            EngineChoice::Portable => LiteralMatcher::portable(&lits)?,
            EngineChoice::Hyperscan => hyperscan_matcher(&lits)?,
            EngineChoice::Auto => match hyperscan_matcher(&lits) {
                Ok(m) => m,
                Err(_) => LiteralMatcher::portable(&lits)?,
            },
        };
        let longest = digit_rules
            .iter()
            .filter_map(|&r| match rules[r as usize].trigger {
                Trigger::Digits(_, hi) => Some(hi.min(MAX_DIGIT_BUCKET)),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let digit_rules_by_size: Vec<Vec<DigitRule>> = (0..=longest)
            .map(|size| {
                digit_rules
                    .iter()
                    .copied()
                    .filter_map(|r| {
                        let rule = &rules[r as usize];
                        let Trigger::Digits(lo, hi) = rule.trigger else {
                            return None;
                        };
                        // The last bucket may hold rules a token is too short for: the
                        // scanner still checks each rule's exact range.
                        let fits = if size == longest {
                            hi >= size
                        } else {
                            lo <= size && size <= hi
                        };
                        fits.then(|| DigitRule {
                            rule: r,
                            digits: (
                                lo.min(u16::MAX.into()) as u16,
                                hi.min(u16::MAX.into()) as u16,
                            ),
                            seps: rule.seps,
                            gate: rule.gate,
                            ipv4: rule.validator
                                == Some(catalog::RuleValidator::Pure(validators::Validator::Ipv4)),
                            needs_context: !rule_require[r as usize].is_empty(),
                            date: rule.phi_type == PhiType::Date,
                            window: rule.spec.window as u32,
                        })
                    })
                    .collect()
            })
            .collect();
        Ok(Detector {
            rules,
            sources,
            lit_lens,
            lit_triggers,
            lit_keys,
            rule_require,
            rule_veto,
            lit_required_by,
            lit_marker,
            lit_automated,
            digit_rules_by_size,
            alnum_rules,
            hexcolon_rules,
            line_rules,
            name_pair_rule,
            id_beside_name_rule,
            name_beside_id_rule,
            key_norms,
            lit_key_len,
            lit_word_start,
            matcher,
            names: names::Names::load(),
            config: config.clone(),
        })
    }

    /// The digit-triggered rules a token of `size` digits may fire (the last bucket holds
    /// every longer size; each rule's exact range is still checked by [`DigitRule::fits`]).
    fn digit_rules_for(&self, size: u16) -> &[DigitRule] {
        let by_size = &self.digit_rules_by_size;
        by_size
            .get(usize::from(size).min(by_size.len().saturating_sub(1)))
            .map_or(&[], Vec::as_slice)
    }

    /// The engine actually running: `"hyperscan"` or `"portable"`.
    pub fn engine_name(&self) -> &'static str {
        self.matcher.name()
    }

    /// The stable id of a rule.
    pub fn rule_id(&self, rule: RuleIdx) -> &str {
        self.rules
            .get(rule.0 as usize)
            .map_or("unknown", |r| r.spec.id.as_str())
    }

    /// The PHI type of a rule.
    pub fn rule_type(&self, rule: RuleIdx) -> Option<PhiType> {
        self.rules.get(rule.0 as usize).map(|r| r.phi_type)
    }

    /// Number of rules compiled.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The catalog for listing.
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .zip(&self.sources)
            .map(|(r, src)| RuleInfo {
                id: r.spec.id.clone(),
                phi_type: r.phi_type.as_str().to_owned(),
                description: r.spec.description.clone(),
                example: r.spec.examples.first().cloned().unwrap_or_default(),
                source: src,
            })
            .collect()
    }

    /// The examples and negative examples of a rule (for the catalog test).
    pub fn rule_examples(&self, rule: RuleIdx) -> (&[String], &[String]) {
        self.rules.get(rule.0 as usize).map_or((&[], &[]), |r| {
            (
                r.spec.examples.as_slice(),
                r.spec.negative_examples.as_slice(),
            )
        })
    }

    /// The validated config it was built from.
    pub fn config(&self) -> &DetectConfig {
        &self.config
    }

    /// A scanner (per-thread scratch and buffers).
    pub fn scanner(self: &Arc<Self>) -> Scanner {
        Scanner::new(Arc::clone(self))
    }
}

#[cfg(feature = "hyperscan")]
fn hyperscan_matcher(lits: &[String]) -> Result<LiteralMatcher, DetectBuildError> {
    if !cfg!(target_arch = "x86_64") && !cfg!(target_arch = "aarch64") {
        return Err(DetectBuildError::EngineUnavailable(
            "unsupported CPU".into(),
        ));
    }
    LiteralMatcher::hyperscan(lits)
}

#[cfg(not(feature = "hyperscan"))]
fn hyperscan_matcher(_lits: &[String]) -> Result<LiteralMatcher, DetectBuildError> {
    Err(DetectBuildError::EngineUnavailable(
        "this binary was built without the hyperscan feature".into(),
    ))
}

/// The detection engine to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineChoice {
    /// The SIMD path when compiled in and supported by the CPU, else portable.
    Auto,
    /// Hyperscan (x86) or Vectorscan (others): fails if not compiled in.
    Hyperscan,
    /// Pure Rust (regex-automata, aho-corasick), for any CPU.
    Portable,
}

impl std::str::FromStr for EngineChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "hyperscan" => Ok(Self::Hyperscan),
            "portable" => Ok(Self::Portable),
            other => Err(format!(
                "unknown engine `{other}` (expected auto, hyperscan or portable)"
            )),
        }
    }
}

/// The detection engines compiled into this binary, for `--version` and build info.
pub const fn engines_compiled_in() -> &'static str {
    if cfg!(feature = "hyperscan") {
        "hyperscan,portable"
    } else {
        "portable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gates are necessary conditions: a detector with every gate removed must find exactly
    /// the same, on PHI lines of every generated shape, every rule example and lines that
    /// put separators, key suffixes and case variants right after the gated keywords.
    #[test]
    fn gates_never_reject_what_their_rule_would_find() {
        let gated = Arc::new(Detector::build(&DetectConfig::default()).expect("builds"));
        let mut open = Detector::build(&DetectConfig::default()).expect("builds");
        let before = open.rules.iter().filter(|r| r.gate.is_some()).count();
        assert!(before >= 10, "the catalog gates its noisy triggers");
        for r in &mut open.rules {
            r.gate = None;
        }
        // The digit loop reads its own copy of each rule's gate.
        for d in open.digit_rules_by_size.iter_mut().flatten() {
            d.gate = None;
        }
        let open = Arc::new(open);
        let mut lines: Vec<String> = Vec::new();
        let mut rng = corpus::Rng::new(7);
        for _ in 0..3000 {
            lines.push(corpus::phi_line(&mut rng).text);
            lines.push(corpus::ops_line(&mut rng));
        }
        for r in 0..gated.rule_count() {
            let (pos, neg) = gated.rule_examples(RuleIdx(r as u32));
            lines.extend(pos.iter().chain(neg).cloned());
        }
        lines.extend(
            [
                "patient Name: Rosa Diaz",
                "PATIENT_NAME=\"Ann Lee\"",
                "patient-name = 'Tobias Okafor'",
                "{\"patient\": \"Maria Lopez\"}",
                "pt:\"Robert Brown\" c/o pain",
                "emergency contact: Rosa van der Berg",
                "emergency_contact=Chidi Okonkwo",
                "Emergency Contact Rosa Diaz",
                "next of kin -  Ana Silva",
                "seen by\tDr. Alice Chen",
                "GET /api/v2/patients/884213/allergies",
                "GET /Members/MBR-55220968/claims?x=1",
                "GET /beneficiaries/xy-4410023 200",
                "Mr.  Smith and MRS Jones",
                "patient Ángel Ruiz admitted",
                "pt: \"Óscar Pérez\"",
                "appointment on September 14th, 2024 confirmed",
                "visit 14-Mar-2021; follow-up 2 Sept. 2024 at 10",
                "DOB:Sept. 9, 2011 seen 12/03",
                "appt december 1 2025 bytes 3312 visit 17 of 20",
                "seen 2022 March 14, dob 03 JUN 21",
            ]
            .map(String::from),
        );
        let (mut a, mut b) = (gated.scanner(), open.scanner());
        let (mut fa, mut fb) = (Vec::new(), Vec::new());
        for line in &lines {
            a.scan_line(line.as_bytes(), &mut fa).expect("scans");
            b.scan_line(line.as_bytes(), &mut fb).expect("scans");
            assert_eq!(fa, fb, "a gate changed the findings on {line:?}");
        }
    }
}
