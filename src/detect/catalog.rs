//! The rule catalog: rule files (`rules/*.toml`, embedded at compile time) and users'
//! custom rules parsed into [`RuleSpec`]s, then checked and compiled into [`Rule`]s that
//! the shared confirm stage runs. Rules are data so that every rule carries its own
//! examples and negative examples, and a test checks them all on every engine.

use std::collections::BTreeMap;

use regex_automata::meta;
use serde::{Deserialize, Serialize};

use super::PhiType;
use super::shape::Gate;
use super::validators::Validator;

/// The built-in rule files, in catalog order.
pub const BUILTIN_RULE_FILES: [(&str, &str); 5] = [
    ("rules/ids.toml", include_str!("../../rules/ids.toml")),
    (
        "rules/contact.toml",
        include_str!("../../rules/contact.toml"),
    ),
    ("rules/dates.toml", include_str!("../../rules/dates.toml")),
    ("rules/names.toml", include_str!("../../rules/names.toml")),
    ("rules/keys.toml", include_str!("../../rules/keys.toml")),
];

/// Keywords that must (or must not) appear near a match.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    /// At least one of these (case-insensitive, at a word start) must be within the window.
    #[serde(default)]
    pub require: Vec<String>,
    /// None of these may be within the window.
    #[serde(default)]
    pub veto: Vec<String>,
    /// Bytes before the match start that count as "near".
    #[serde(default = "default_before")]
    pub before: usize,
    /// Bytes after the match end that count as "near".
    #[serde(default = "default_after")]
    pub after: usize,
}

fn default_before() -> usize {
    40
}
fn default_after() -> usize {
    16
}
fn default_window() -> usize {
    48
}

/// One rule as written in a rule file or in `[[detect.rules]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id (a metric label; never reuse one).
    pub id: String,
    /// Canonical PHI type name.
    #[serde(rename = "type")]
    pub phi_type: String,
    /// What it finds.
    #[serde(default)]
    pub description: String,
    /// Regex (syntax common to Hyperscan and the regex crate).
    #[serde(default)]
    pub pattern: Option<String>,
    /// Key-led rule: the keys (normalised) whose whole value is this type.
    #[serde(default)]
    pub keys: Vec<String>,
    /// A rule implemented in code (`name_pair`, `id_beside_name`, `name_beside_id`).
    #[serde(default)]
    pub builtin: Option<String>,
    /// Capture group that marks the span (default: 1 when the pattern has one, else 0).
    #[serde(default)]
    pub group: Option<usize>,
    /// Validator name.
    #[serde(default)]
    pub validator: Option<String>,
    /// Literal keywords that trigger the rule (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Digit-shape trigger: a token of digits and separators with this many digits.
    #[serde(default)]
    pub digits: Option<[usize; 2]>,
    /// Digit tokens must contain one of these separators (`""`: none at all).
    #[serde(default)]
    pub seps: Option<String>,
    /// Alphanumeric-shape trigger: a letters+digits token of this length.
    #[serde(default)]
    pub alnum: Option<[usize; 2]>,
    /// Hex-and-colon shape trigger (MAC, IPv6).
    #[serde(default)]
    pub hexcolon: bool,
    /// A cheap check on the trigger before the regex runs (`ssn_groups`, `nanp_groups`,
    /// `dotted_quad`, `plus_led`, `age_years`, `mbi_chars`, `old_year`, `state_before` for shape
    /// triggers; `capitalised`, `name_follows`, `digits_follow` for keywords). It must hold
    /// for every text the pattern can match.
    #[serde(default)]
    pub gate: Option<String>,
    /// Bytes around the trigger in which the match must lie.
    #[serde(default = "default_window")]
    pub window: usize,
    /// Context keywords.
    #[serde(default)]
    pub context: Option<ContextSpec>,
    /// Key-led rules: the whole value must match this.
    #[serde(default)]
    pub value_pattern: Option<String>,
    /// Found only on a line about a person (one with a name, MRN, SSN or member id), or
    /// in a value scanned on its own: MAC addresses and bare serial numbers name switch
    /// ports, badge readers and scanners far more often than a patient's device.
    #[serde(default)]
    pub about_person: bool,
    /// Tie-break between equally long overlapping findings (higher wins).
    #[serde(default)]
    pub priority: i32,
    /// Lines on which this rule must find something.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines on which this rule must find nothing.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
    #[serde(default)]
    lists: BTreeMap<String, Vec<String>>,
}

/// What went wrong building the rule set.
#[derive(Debug, thiserror::Error)]
pub enum DetectBuildError {
    /// A rule file is not valid TOML for the schema.
    #[error("rule file {file}: {message}")]
    RuleFile {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// One rule is invalid.
    #[error("rule `{id}`: {problem}")]
    Rule {
        /// Rule id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// Hyperscan was requested but is not compiled in or not supported.
    #[error("engine hyperscan is not available: {0}")]
    EngineUnavailable(String),
    /// The Hyperscan database did not compile.
    #[error("hyperscan compile failed: {0}")]
    Hyperscan(String),
    /// A literal matcher did not build.
    #[error("literal matcher: {0}")]
    Literals(String),
}

/// How a compiled rule is triggered.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// By one of its keywords (literal ids into the literal table).
    Keywords,
    /// By digit tokens with this many digits.
    Digits(usize, usize),
    /// By alphanumeric tokens of this length.
    Alnum(usize, usize),
    /// By hex/colon tokens.
    HexColon,
    /// By a key (key-led).
    Key,
    /// Implemented in code.
    Builtin,
    /// Run over every line (user rules without a trigger).
    Line,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// The spec it came from.
    pub spec: RuleSpec,
    /// Its type.
    pub phi_type: PhiType,
    /// Compiled pattern (none for key-led and builtin rules).
    pub regex: Option<meta::Regex>,
    /// Capture group for the span.
    pub group: usize,
    /// Validator.
    pub validator: Option<RuleValidator>,
    /// Trigger.
    pub trigger: Trigger,
    /// Required context keywords (resolved, lowercase).
    pub require: Vec<String>,
    /// Veto keywords (resolved, lowercase).
    pub veto: Vec<String>,
    /// Context window before.
    pub before: usize,
    /// Context window after.
    pub after: usize,
    /// Whole-value pattern for key-led rules.
    pub value_regex: Option<meta::Regex>,
    /// Separator filter for digit tokens: `None` any, `Some(0)` none, else any of the bits.
    pub seps: Option<u8>,
    /// Cheap pre-check on the trigger.
    pub gate: Option<Gate>,
}

impl Rule {
    /// Whether the trigger at `hay[start..end]` passes the rule's gate (no gate: always).
    pub fn gate_allows(&self, hay: &[u8], start: usize, end: usize) -> bool {
        self.gate.is_none_or(|g| g.passes(hay, start, end))
    }
}

/// Validators: the pure ones plus those that need the detector's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleValidator {
    /// A pure validator.
    Pure(Validator),
    /// At least one token is in the names dictionary.
    Name,
    /// Reads as a name after a strong cue: a dictionary name, or two to four name-cased
    /// words that are not everyday log words.
    NameShape,
    /// Two to four name-cased words none of which is an everyday log or organisation word,
    /// whatever the dictionary says (`Patient Record` holds the surname `Record`).
    NamePlain,
    /// One part of a name under a name-part key: one to three name-cased words that are
    /// not everyday log words, in the dictionary or not.
    NamePart,
    /// Contains an ASCII digit.
    HasDigit,
    /// Contains an ASCII letter.
    HasLetter,
    /// An IPv4 or IPv6 address outside the allow-list.
    Ip,
}

impl std::str::FromStr for RuleValidator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "name" => Self::Name,
            "name_shape" => Self::NameShape,
            "name_plain" => Self::NamePlain,
            "name_part" => Self::NamePart,
            "has_digit" => Self::HasDigit,
            "has_letter" => Self::HasLetter,
            "ip" => Self::Ip,
            other => Self::Pure(other.parse()?),
        })
    }
}

/// The detectors written in code that a rule can name as its `builtin`.
const BUILTINS: [&str; 3] = ["name_pair", "id_beside_name", "name_beside_id"];

/// Parses every built-in rule file.
pub fn builtin_specs() -> Result<Vec<RuleSpec>, DetectBuildError> {
    let mut all = Vec::new();
    let mut lists = BTreeMap::new();
    for (file, text) in BUILTIN_RULE_FILES {
        let parsed: RuleFile = toml::from_str(text).map_err(|e| DetectBuildError::RuleFile {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        lists.extend(parsed.lists);
        all.extend(parsed.rule);
    }
    for spec in &mut all {
        if let Some(ctx) = &mut spec.context {
            ctx.require = expand_lists(&ctx.require, &lists);
            ctx.veto = expand_lists(&ctx.veto, &lists);
        }
    }
    Ok(all)
}

fn expand_lists(words: &[String], lists: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        match w.strip_prefix('@').and_then(|name| lists.get(name)) {
            Some(list) => out.extend(list.iter().cloned()),
            None => out.push(w.clone()),
        }
    }
    out
}

fn regex_config() -> meta::Config {
    meta::Config::new()
        .utf8_empty(false)
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
}

/// Compiles one pattern the way the confirm stage runs it (bytes, ASCII classes).
pub fn compile_pattern(pattern: &str) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(regex_config())
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// Whether capture group `group` of `pattern` always spans the whole match: the pattern is
/// that group alone, with only zero-width assertions (`\b`, `^`, `$`) around it.
fn group_is_whole_match(pattern: &str, group: usize) -> bool {
    use regex_syntax::hir::HirKind;
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let is_group = |h: &regex_syntax::hir::Hir| match h.kind() {
        HirKind::Capture(c) => c.index as usize == group,
        _ => false,
    };
    match hir.kind() {
        HirKind::Capture(_) => is_group(&hir),
        HirKind::Concat(parts) => {
            parts.iter().filter(|h| is_group(h)).count() == 1
                && parts
                    .iter()
                    .all(|h| is_group(h) || matches!(h.kind(), HirKind::Look(_)))
        }
        _ => false,
    }
}

/// Checks and compiles one spec.
pub fn compile_rule(spec: RuleSpec) -> Result<Rule, DetectBuildError> {
    let bad = |problem: String| DetectBuildError::Rule {
        id: spec.id.clone(),
        problem,
    };
    if spec.id.is_empty()
        || !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
    {
        return Err(bad(
            "id must be lowercase letters, digits, `.` and `_`".into()
        ));
    }
    let phi_type: PhiType = spec
        .phi_type
        .parse()
        .map_err(|_| bad(format!("unknown type `{}`", spec.phi_type)))?;
    let kinds = usize::from(spec.pattern.is_some())
        + usize::from(!spec.keys.is_empty())
        + usize::from(spec.builtin.is_some());
    if kinds != 1 {
        return Err(bad(
            "exactly one of pattern, keys, builtin must be given".into()
        ));
    }
    let regex = match &spec.pattern {
        Some(p) => Some(compile_pattern(p).map_err(|e| bad(format!("pattern: {e}")))?),
        None => None,
    };
    let group = match (&regex, spec.group) {
        (Some(re), Some(g)) => {
            if g >= re.group_info().group_len(regex_automata::PatternID::ZERO) {
                return Err(bad(format!("group {g} does not exist in the pattern")));
            }
            g
        }
        (Some(re), None) => {
            usize::from(re.group_info().group_len(regex_automata::PatternID::ZERO) > 1)
        }
        _ => 0,
    };
    // `\b(…)\b`: the group is the whole match, so the confirm stage can skip the capture
    // step (a second engine run over each match).
    let group = match &spec.pattern {
        Some(p) if group > 0 && group_is_whole_match(p, group) => 0,
        _ => group,
    };
    let validator = match &spec.validator {
        Some(v) => Some(v.parse::<RuleValidator>().map_err(bad)?),
        None => None,
    };
    let value_regex = match &spec.value_pattern {
        Some(p) => Some(compile_pattern(p).map_err(|e| bad(format!("value_pattern: {e}")))?),
        None => None,
    };
    if let Some(b) = &spec.builtin
        && !BUILTINS.contains(&b.as_str())
    {
        return Err(bad(format!("unknown builtin `{b}`")));
    }
    let triggers = usize::from(!spec.keywords.is_empty())
        + usize::from(spec.digits.is_some())
        + usize::from(spec.alnum.is_some())
        + usize::from(spec.hexcolon);
    if triggers > 1 {
        return Err(bad(
            "at most one of keywords, digits, alnum, hexcolon".into()
        ));
    }
    if spec.keywords.iter().any(|k| k.trim().is_empty()) {
        return Err(bad("keywords must not be empty".into()));
    }
    let trigger = if spec.builtin.is_some() {
        Trigger::Builtin
    } else if !spec.keys.is_empty() {
        Trigger::Key
    } else if !spec.keywords.is_empty() {
        Trigger::Keywords
    } else if let Some([a, b]) = spec.digits {
        Trigger::Digits(a, b)
    } else if let Some([a, b]) = spec.alnum {
        Trigger::Alnum(a, b)
    } else if spec.hexcolon {
        Trigger::HexColon
    } else {
        Trigger::Line
    };
    let gate = match &spec.gate {
        Some(g) => {
            let gate: Gate = g.parse().map_err(bad)?;
            let fits = match trigger {
                Trigger::Keywords => gate.for_keywords(),
                Trigger::Digits(..) | Trigger::Alnum(..) => !gate.for_keywords(),
                _ => false,
            };
            if !fits {
                return Err(bad(format!(
                    "gate `{g}` does not fit this rule's trigger (`capitalised`, `name_follows` and `digits_follow` need keywords, the others digits or alnum)"
                )));
            }
            // The gate looks this far for the month; a wider window could hold a match
            // whose month it never saw.
            if gate == Gate::MonthNear && spec.window > super::shape::MONTH_REACH {
                return Err(bad(format!(
                    "gate `month_near` needs a window of at most {} bytes",
                    super::shape::MONTH_REACH
                )));
            }
            Some(gate)
        }
        None => None,
    };
    let ctx = spec.context.clone().unwrap_or_default();
    let lower = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>();
    Ok(Rule {
        phi_type,
        regex,
        group,
        validator,
        trigger,
        require: lower(&ctx.require),
        veto: lower(&ctx.veto),
        before: if spec.context.is_some() {
            ctx.before
        } else {
            0
        },
        after: if spec.context.is_some() { ctx.after } else { 0 },
        value_regex,
        seps: spec.seps.as_deref().map(super::shape::sep_mask),
        gate,
        spec,
    })
}

/// Normalises a key for lookup: ASCII-lowercase, alphanumerics only ("firstName",
/// "first_name", "first-name", "first.name" and "First Name" are all "firstname").
pub fn normalise_key(key: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend(
        key.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase),
    );
}

/// The literal spellings under which a key may appear in raw text (case-insensitive):
/// snake, camel/concatenated, kebab, dotted and spaced.
pub fn key_spellings(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split_whitespace().collect();
    let mut out = vec![words.concat()];
    if words.len() > 1 {
        for sep in ["_", "-", ".", " "] {
            out.push(words.join(sep));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::group_is_whole_match;

    #[test]
    fn a_group_between_assertions_is_the_whole_match() {
        assert!(group_is_whole_match(r"\b(\d{3}-\d{2}-\d{4})\b", 1));
        assert!(group_is_whole_match(r"(?i:\b((?:jan|feb) \d{4})\b)", 1));
        assert!(!group_is_whole_match(r"(?i:\b(jan|feb) \d{4})", 1));
        assert!(group_is_whole_match(r"^(\d+)$", 1));
        assert!(!group_is_whole_match(r"mrn[:=]\s*(\d{6,10})\b", 1));
        assert!(!group_is_whole_match(r"\b(\d{3})-(\d{4})\b", 1));
        assert!(!group_is_whole_match(r"\b(\d{3})\b|x", 1));
        assert!(!group_is_whole_match(r"\b((\d{3}))\b", 2));
    }
}
