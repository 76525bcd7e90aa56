//! The event-level scrubber: turns one event (a text line or a JSON document) into what
//! the SIEM may see, applying the policy to every finding and JSON field.
//!
//! - Text lines: the detector scans the raw line; each finding's bytes are replaced.
//! - JSON events: walked value by value with a streaming parser that copies every byte
//!   it does not change (key order, spacing and escapes are preserved exactly). Key-path
//!   rules apply first; then every string and number value is scanned, strings after
//!   decoding their escapes (a string holding JSON is scanned as text). Replacements are
//!   mapped back to raw offsets, widened to whole escape sequences, so the output stays
//!   valid JSON. Input that starts like JSON but does not parse is scrubbed as text.
//!   Without key-path rules, a JSON event first gets one whole-line scan (the detector is
//!   JSON-aware): an event with no finding there is passed on unchanged, so the common
//!   no-PHI event costs one detector call instead of one per value.
//! - Bytes that are not UTF-8 are scanned and replaced as bytes; spans are widened to
//!   whole characters, so output is valid UTF-8 whenever the input was.
//! - When any value was encrypted, the wrapped data key travels with the event: a
//!   trailing ` phiscrub_dk=<envelope>` on text lines, a last `"_phiscrub":{"dk":…}`
//!   member on JSON objects (see [`crate::keys::Envelope`]).
//!
//! Every failure (scan error, bad finding, no key) is an `Err`: the caller quarantines
//! or rejects the event; nothing is forwarded half-scrubbed. Scrubbers are per worker
//! thread (not `Sync`): they own reusable buffers, so the hot path allocates only the
//! output message, and only when something changed.

pub mod detector;
mod json;
mod literal;
pub mod reveal;
mod spans;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use crate::actions::{
    EncryptScratch, Form, Policy, generalize::generalize, partial, render_encrypt,
};
use crate::config::ActionName;
use crate::detect::{Finding, PhiType, RuleIdx, ScanError};
use crate::event::Event;
use crate::keys::{DataKey, KeyError, KeyService};
use crate::telemetry::Metrics;

pub use detector::ScrubSetup;
pub use literal::LiteralFinder;
pub use reveal::{LineReveal, Revealer};

/// The member added to JSON objects that carry encrypted values.
pub const DATA_KEY_MEMBER: &str = "_phiscrub";
/// The field appended to text lines that carry encrypted values.
pub const DATA_KEY_FIELD: &str = " phiscrub_dk=";
/// Deepest JSON nesting accepted.
pub const MAX_JSON_DEPTH: usize = 128;

/// What the scrubber needs from a detector: findings in a whole line or in one decoded
/// value, and rule ids for per-rule policy and metrics.
///
/// `crate::detect::Scanner` implements it; tests use hand-made findings.
pub trait FindPhi: Send {
    /// Findings in a raw line, offsets into `line` (JSON-aware where the engine is).
    fn find_in_line(&mut self, line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError>;
    /// Findings in one decoded value; `key` is the nearest JSON key, for context rules.
    fn find_in_value(
        &mut self,
        key: Option<&str>,
        value: &[u8],
        out: &mut Vec<Finding>,
    ) -> Result<(), ScanError>;
    /// The id of a rule, e.g. `ssn`.
    fn rule_id(&self, rule: RuleIdx) -> &str;

    /// Whether [`FindPhi::find_in_line`] on a raw JSON document finds everything that
    /// scanning its values one by one would (keys as context, escaped strings decoded).
    /// When true, a JSON event without line findings is passed on after one call.
    fn line_scan_covers_json_values(&self) -> bool {
        false
    }
}

/// How to read an event's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// JSON when it starts with `{` or `[` and parses, else text.
    Auto,
    /// Always a text line.
    Text,
    /// Always JSON; anything else is an error.
    Json,
}

/// Findings per PHI type in one event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCounts([u32; PhiType::ALL.len()]);

impl FindingCounts {
    /// Findings of `phi_type`.
    pub fn get(&self, phi_type: PhiType) -> u32 {
        self.0[phi_type as usize]
    }

    /// All findings.
    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    /// `(type, count)` for every type with findings.
    pub fn iter(&self) -> impl Iterator<Item = (PhiType, u32)> + '_ {
        PhiType::ALL
            .into_iter()
            .map(|t| (t, self.0[t as usize]))
            .filter(|(_, n)| *n > 0)
    }

    fn add(&mut self, phi_type: PhiType) {
        self.0[phi_type as usize] += 1;
    }
}

/// A scrubbed event.
#[derive(Clone)]
pub struct Scrubbed {
    /// The message to forward.
    pub message: Bytes,
    /// What was found.
    pub findings: FindingCounts,
}

impl std::fmt::Debug for Scrubbed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubbed")
            .field("message", &format_args!("<{} bytes>", self.message.len()))
            .field("findings", &self.findings)
            .finish()
    }
}

/// Why an event could not be scrubbed. The caller must not forward it; carries no
/// payload bytes.
#[derive(Debug, thiserror::Error)]
pub enum ScrubError {
    /// The detector failed.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// Key material was unavailable (KMS unreachable and no cached key) or failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The detector reported a span outside the input.
    #[error("the detector reported a finding outside the input")]
    FindingOutOfBounds,
    /// `--format ndjson` input that is not JSON.
    #[error("invalid JSON at byte {offset}: {problem}")]
    InvalidJson {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// JSON nested deeper than [`MAX_JSON_DEPTH`].
    #[error("JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
    /// `tokenize` without an HMAC key.
    #[error("tokenize needs an HMAC key (keys.hmac_key)")]
    NoTokenizeKey,
    /// Encrypted values in a JSON document that is not an object: no place for the key.
    #[error(
        "encrypted values in a JSON document that is not an object (no place for the data key)"
    )]
    NoRoomForDataKey,
    /// The event already has a top-level `_phiscrub` member.
    #[error("the event already has a top-level `_phiscrub` member")]
    ReservedMember,
}

impl ScrubError {
    /// A bounded label for metrics and quarantine reasons.
    pub fn reason(&self) -> &'static str {
        match self {
            ScrubError::Scan(_) | ScrubError::FindingOutOfBounds => "scan_failed",
            ScrubError::Key(e) if e.is_retryable() => "key_unavailable",
            ScrubError::Key(_) | ScrubError::NoTokenizeKey => "key_failed",
            ScrubError::InvalidJson { .. } | ScrubError::TooDeep => "invalid_json",
            ScrubError::NoRoomForDataKey | ScrubError::ReservedMember => "no_room_for_data_key",
        }
    }

    /// Whether retrying the event later may succeed (KMS unreachable).
    pub fn is_retryable(&self) -> bool {
        matches!(self, ScrubError::Key(e) if e.is_retryable())
    }
}

const ACTIONS: [ActionName; 6] = [
    ActionName::Mask,
    ActionName::Partial,
    ActionName::Tokenize,
    ActionName::Encrypt,
    ActionName::Drop,
    ActionName::Generalize,
];

fn action_index(a: ActionName) -> usize {
    ACTIONS.iter().position(|x| *x == a).unwrap_or(0)
}

fn action_label(a: ActionName) -> &'static str {
    match a {
        ActionName::Mask => "mask",
        ActionName::Partial => "partial",
        ActionName::Tokenize => "tokenize",
        ActionName::Encrypt => "encrypt",
        ActionName::Drop => "drop",
        ActionName::Generalize => "generalize",
    }
}

/// Counts since the last flush, per worker.
#[derive(Debug, Default)]
struct Tally {
    actions: [[u64; ACTIONS.len()]; PhiType::ALL.len()],
    findings: HashMap<(PhiType, RuleIdx), u64>,
    key_cache_hits: u64,
}

/// Per-event state and reusable buffers; everything the value-level code needs.
struct Actor {
    finder: Box<dyn FindPhi>,
    policy: Arc<Policy>,
    keys: Arc<KeyService>,
    findings: Vec<Finding>,
    tmp: Vec<u8>,
    norm: Vec<u8>,
    enc: EncryptScratch,
    /// The data key of the current event, once it encrypted something.
    event_key: Option<Arc<DataKey>>,
    /// The last data key this worker used, and the log group it was bound to.
    worker_key: Option<(Option<String>, Arc<DataKey>)>,
    /// The current event's log group (reused buffer; `has_log_group` says if set).
    log_group: String,
    has_log_group: bool,
    counts: FindingCounts,
    event_actions: Vec<(ActionName, PhiType)>,
    event_findings: Vec<(PhiType, RuleIdx)>,
    changed: bool,
    tally: Tally,
}

impl Actor {
    fn begin_event(&mut self, log_group: Option<&str>) {
        self.counts = FindingCounts::default();
        self.event_actions.clear();
        self.event_findings.clear();
        self.changed = false;
        self.event_key = None;
        self.log_group.clear();
        self.has_log_group = log_group.is_some();
        self.log_group.push_str(log_group.unwrap_or_default());
    }

    /// Retry from scratch (Auto mode falling back from JSON to text).
    fn restart_event(&mut self) {
        self.counts = FindingCounts::default();
        self.event_actions.clear();
        self.event_findings.clear();
        self.changed = false;
    }

    fn commit_event(&mut self) {
        for (a, t) in self.event_actions.drain(..) {
            self.tally.actions[t as usize][action_index(a)] += 1;
        }
        for key in self.event_findings.drain(..) {
            *self.tally.findings.entry(key).or_default() += 1;
        }
    }

    fn record_findings(&mut self) {
        for f in &self.findings {
            self.counts.add(f.phi_type);
            self.event_findings.push((f.phi_type, f.rule));
        }
    }

    fn action_for(&self, f: &Finding) -> ActionName {
        self.policy
            .action_for(f.phi_type, Some(self.finder.rule_id(f.rule)))
    }

    fn data_key(&mut self) -> Result<Arc<DataKey>, ScrubError> {
        if let Some(key) = &self.event_key {
            return Ok(key.clone());
        }
        let group =
            (self.keys.binds_log_group() && self.has_log_group).then_some(self.log_group.as_str());
        let limits = self.keys.limits();
        let key = match &self.worker_key {
            Some((g, key))
                if g.as_deref() == group && key.is_usable(limits) && !key.wants_refresh(limits) =>
            {
                self.tally.key_cache_hits += 1;
                key.clone()
            }
            _ => {
                let key = self.keys.data_key(group)?;
                self.worker_key = Some((group.map(str::to_owned), key.clone()));
                key
            }
        };
        self.event_key = Some(key.clone());
        Ok(key)
    }

    /// Writes the replacement for one value or span. `value` is the decoded value (what
    /// detection saw), `raw` the exact input bytes being replaced (what `encrypt` seals).
    /// In JSON strings (`json`), the replacement is escaped as JSON string content.
    #[allow(clippy::too_many_arguments)]
    fn render(
        &mut self,
        action: ActionName,
        phi_type: PhiType,
        value: &[u8],
        raw: &[u8],
        form: Form,
        json: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), ScrubError> {
        self.changed = true;
        let action = match action {
            // `drop` removes JSON members; a span inside text or an array is masked.
            ActionName::Drop => ActionName::Mask,
            other => other,
        };
        self.event_actions.push((action, phi_type));
        self.tmp.clear();
        match action {
            ActionName::Mask | ActionName::Drop => self.policy.mask.render(phi_type, &mut self.tmp),
            ActionName::Partial => partial(value, self.policy.partial_keep, &mut self.tmp),
            ActionName::Generalize => {
                if !generalize(phi_type, value, &mut self.tmp) {
                    self.tmp.clear();
                    self.policy.mask.render(phi_type, &mut self.tmp);
                }
            }
            ActionName::Tokenize => {
                let tokenizer = self.keys.tokenizer().ok_or(ScrubError::NoTokenizeKey)?;
                tokenizer.render(phi_type, value, &mut self.norm, &mut self.tmp);
            }
            ActionName::Encrypt => {
                let key = self.data_key()?;
                // Tokens are ASCII [A-Za-z0-9_:-], safe in text and JSON strings alike.
                return Ok(render_encrypt(
                    &key,
                    phi_type,
                    raw,
                    form,
                    &mut self.enc,
                    out,
                )?);
            }
        }
        if json {
            json::escape_into(&self.tmp, out);
        } else {
            out.extend_from_slice(&self.tmp);
        }
        Ok(())
    }

    /// Scrubs a text line into `out`.
    fn scrub_text(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), ScrubError> {
        self.findings.clear();
        self.finder.find_in_line(input, &mut self.findings)?;
        if self.findings.is_empty() {
            out.extend_from_slice(input);
            return Ok(());
        }
        self.record_findings();
        spans::normalize(&mut self.findings, input)?;
        let mut pos = 0;
        for i in 0..self.findings.len() {
            let f = self.findings[i];
            let action = self.action_for(&f);
            out.extend_from_slice(&input[pos..f.start]);
            let span = &input[f.start..f.end];
            self.render(action, f.phi_type, span, span, Form::InPlace, false, out)?;
            pos = f.end;
        }
        out.extend_from_slice(&input[pos..]);
        Ok(())
    }
}

/// Scrubs events; one per worker thread.
pub struct Scrubber {
    actor: Actor,
    out: Vec<u8>,
    json: json::JsonState,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber").finish_non_exhaustive()
    }
}

impl Scrubber {
    /// A scrubber over `finder` (this worker's detector scanner), sharing the policy and
    /// keys with every other worker.
    pub fn new(finder: Box<dyn FindPhi>, policy: Arc<Policy>, keys: Arc<KeyService>) -> Self {
        Self {
            actor: Actor {
                finder,
                policy,
                keys,
                findings: Vec::new(),
                tmp: Vec::new(),
                norm: Vec::new(),
                enc: EncryptScratch::default(),
                event_key: None,
                worker_key: None,
                log_group: String::new(),
                has_log_group: false,
                counts: FindingCounts::default(),
                event_actions: Vec::new(),
                event_findings: Vec::new(),
                changed: false,
                tally: Tally::default(),
            },
            out: Vec::new(),
            json: json::JsonState::default(),
        }
    }

    /// Scrubs one event, reading it as JSON or text by its first byte.
    pub fn scrub(&mut self, event: &Event) -> Result<Scrubbed, ScrubError> {
        self.scrub_as(event, MessageKind::Auto)
    }

    /// Scrubs one event read as `kind`.
    pub fn scrub_as(&mut self, event: &Event, kind: MessageKind) -> Result<Scrubbed, ScrubError> {
        let input: &[u8] = &event.message;
        self.actor.begin_event(event.meta.log_group.as_deref());
        self.out.clear();
        let as_json = match kind {
            MessageKind::Text => false,
            MessageKind::Json => true,
            MessageKind::Auto => matches!(
                input.iter().find(|b| !b.is_ascii_whitespace()),
                Some(b'{' | b'[')
            ),
        };
        let mut is_json = false;
        if as_json
            && !self.actor.policy.has_field_rules()
            && self.actor.finder.line_scan_covers_json_values()
        {
            // The gate: one whole-line scan (the detector is JSON-aware: it reads keys as
            // context and decodes escaped strings). Most events hold no PHI, and for them
            // this one call replaces a detector call per value.
            self.actor.findings.clear();
            self.actor
                .finder
                .find_in_line(input, &mut self.actor.findings)?;
            if self.actor.findings.is_empty() {
                if kind == MessageKind::Json {
                    json::JsonState::validate(input)?;
                }
                self.actor.commit_event();
                return Ok(Scrubbed {
                    message: event.message.clone(),
                    findings: FindingCounts::default(),
                });
            }
        }
        if as_json {
            match self.json.scrub(&mut self.actor, input, &mut self.out) {
                Ok(()) => is_json = true,
                Err(ScrubError::InvalidJson { .. }) if kind == MessageKind::Auto => {
                    self.actor.restart_event();
                    self.out.clear();
                }
                Err(err) => return Err(err),
            }
        }
        if !is_json {
            self.actor.scrub_text(input, &mut self.out)?;
        }
        if let Some(key) = self.actor.event_key.clone() {
            if is_json {
                self.json.attach_data_key(key.envelope(), &mut self.out)?;
            } else {
                self.out.extend_from_slice(DATA_KEY_FIELD.as_bytes());
                self.out.extend_from_slice(key.envelope().as_bytes());
            }
        }
        let message = if self.actor.changed {
            Bytes::copy_from_slice(&self.out)
        } else {
            event.message.clone()
        };
        self.actor.commit_event();
        Ok(Scrubbed {
            message,
            findings: self.actor.counts,
        })
    }

    /// Adds the counts since the last flush to `metrics` (call once per batch).
    pub fn flush_metrics(&mut self, metrics: &Metrics) {
        let tally = &mut self.actor.tally;
        for t in PhiType::ALL {
            for (i, a) in ACTIONS.iter().enumerate() {
                let n = std::mem::take(&mut tally.actions[t as usize][i]);
                if n > 0 {
                    metrics
                        .actions
                        .with_label_values(&[action_label(*a), t.as_str()])
                        .inc_by(n);
                }
            }
        }
        for ((t, rule), n) in tally.findings.iter_mut() {
            if *n > 0 {
                metrics
                    .findings
                    .with_label_values(&[t.as_str(), self.actor.finder.rule_id(*rule)])
                    .inc_by(std::mem::take(n));
            }
        }
        let hits = std::mem::take(&mut tally.key_cache_hits);
        if hits > 0 {
            metrics
                .data_key_cache
                .with_label_values(&["hit"])
                .inc_by(hits);
        }
    }
}

#[cfg(test)]
mod tests;
