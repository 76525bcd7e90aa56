//! The per-thread scanner and the shared confirm stage: literal hits and shape tokens become
//! per-rule windows, each rule's regex runs anchored inside its windows (capture group =
//! span), then validator, context, allow-list and overlap resolution. Key-led rules take the
//! whole value after a recognised key. All buffers are reused between lines.

use std::sync::Arc;

use regex_automata::util::captures::Captures;
use regex_automata::{Input, meta};

use super::catalog::{Rule, RuleValidator, Trigger};
use super::literals::{Hit, LiteralScratch};
use super::shape::{Shapes, is_month_word};
use super::structure::{Implicit, KeyName, Structure, find_ci, starts_with_ci};
use super::validators::{Validator, parse_ipv4, parse_ipv6};
use super::{Detector, Finding, PhiType, RuleIdx};

/// A line that could not be scanned (the caller fails closed).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Longer than `detect.max_line_bytes`.
    #[error("line of {len} bytes exceeds detect.max_line_bytes ({max})")]
    LineTooLong {
        /// Line length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The engine failed (Hyperscan scan error).
    #[error("detection engine error: {0}")]
    Engine(String),
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    start: usize,
    end: usize,
    rule: u32,
    priority: i32,
    phi_type: PhiType,
}

/// Per-thread detection state: engine scratch, regex caches and reusable buffers.
pub struct Scanner {
    det: Arc<Detector>,
    state: LineState,
}

/// A scanner's mutable half, kept apart from its `Arc<Detector>` so that the per-line
/// methods borrow the detector instead of cloning and dropping the `Arc` (an atomic
/// increment and decrement) on every line.
struct LineState {
    lit_scratch: LiteralScratch,
    caches: Vec<Option<meta::Cache>>,
    caps: Vec<Option<Captures>>,
    hits: Vec<Hit>,
    shapes: Shapes,
    windows: Vec<(u32, u32, u32)>,
    raw: Vec<Raw>,
    accepted: Vec<Raw>,
    keybuf: Vec<u8>,
    decoded: Vec<u8>,
    decoded_map: Vec<u32>,
    spans: Vec<(usize, usize)>,
    litbuf: Vec<u8>,
    structure: Structure,
    /// Cells of a headerless record row (see `record`).
    record_cells: Vec<(u32, u32)>,
    /// Dates that pass everything but their keyword context: kept if the line names a
    /// person.
    pending: Vec<(u32, u32, u32)>,
    /// Date windows skipped for want of a keyword, confirmed if the line names a person.
    deferred: Vec<(u32, u32, u32)>,
    person_line: bool,
    /// `about_person` findings of this pass, kept if the line turns out to name anything
    /// but devices and addresses.
    unlinked: Vec<(u32, u32, u32)>,
    /// Values scanned on their own (`scan_value`) have no line to be about a person:
    /// `about_person` rules are taken as they are.
    value_alone: bool,
    /// While the percent-decoded copy of a line is scanned: the offsets of spaces that
    /// were written `%20` or `+`. A query value runs on through them, to `&` or a space
    /// that was really there.
    encoded_spaces: Vec<u32>,
    /// One bit per rule: some context keyword the rule requires occurs in the line (not
    /// necessarily near); rules without one skip the context search entirely.
    context_in_line: Vec<u64>,
    /// The line's client is a crawler, scanner, uptime monitor or health checker (one of
    /// [`AUTOMATED_AGENTS`] is in it): the addresses in it are a machine's, not a person's.
    automated_client: bool,
}

/// User-agent words of clients that are never a person: search crawlers (their agents
/// carry a `+http…` info link), uptime monitors, load balancer and orchestrator health
/// checks and internet-wide scanners. A line holding one of them is an automated request,
/// and its client address identifies no patient. Matched in any case, anywhere in the line;
/// each word is specific enough not to turn up in a clinical message (not `bot/`, which a
/// `/chatbot/` path holds, nor `nmap`, inside `unmapped`). Generic HTTP libraries
/// (`python-requests`, `curl`) are not here: a person's own script or app may send them.
pub const AUTOMATED_AGENTS: [&str; 34] = [
    "+http",
    "googlebot",
    "bingbot",
    "applebot",
    "duckduckbot",
    "yandexbot",
    "baiduspider",
    "bytespider",
    "ahrefsbot",
    "semrushbot",
    "mj12bot",
    "petalbot",
    "gptbot",
    "claudebot",
    "amazonbot",
    "facebookexternalhit",
    "slackbot-linkexpanding",
    "pingdom",
    "uptimerobot",
    "statuscake",
    "site24x7",
    "newrelicpinger",
    "datadog/synthetics",
    "healthcheck",
    "health-check",
    "kube-probe",
    "googlehc/",
    "zgrab",
    "masscan",
    "nmap scripting",
    "projectdiscovery",
    "sqlmap",
    "nikto",
    "censysinspect",
];

/// What the confirm stage makes of one regex match.
enum Verdict {
    Accept,
    Reject,
    /// A date that counts only on a line about a person.
    IfPerson,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("engine", &self.det.engine_name())
            .finish()
    }
}

const NULLISH: &[&[u8]] = &[
    b"null",
    b"none",
    b"nil",
    b"n/a",
    b"na",
    b"unknown",
    b"redacted",
    b"true",
    b"false",
    b"-",
    b"***",
    b"undefined",
    b"pending",
    b"missing",
    b"empty",
    b"0",
];

/// Bit `r` of a per-rule bitset such as `context_in_line`.
fn bit(set: &[u64], r: u32) -> bool {
    set[r as usize / 64] >> (r % 64) & 1 == 1
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

impl Scanner {
    pub(crate) fn new(det: Arc<Detector>) -> Self {
        // A scratch failure here is an allocation failure inside libhs; the scanner then
        // reports an engine error on every line (fail closed) rather than panicking.
        let lit_scratch = det.matcher.scratch().unwrap_or(LiteralScratch::None);
        let caches = det
            .rules
            .iter()
            .map(|r| r.regex.as_ref().map(meta::Regex::create_cache))
            .collect();
        let caps = det
            .rules
            .iter()
            .map(|r| r.regex.as_ref().map(meta::Regex::create_captures))
            .collect();
        let state = LineState {
            lit_scratch,
            caches,
            caps,
            hits: Vec::new(),
            shapes: Shapes::default(),
            windows: Vec::new(),
            raw: Vec::new(),
            accepted: Vec::new(),
            keybuf: Vec::new(),
            decoded: Vec::new(),
            decoded_map: Vec::new(),
            spans: Vec::new(),
            litbuf: Vec::new(),
            structure: Structure::default(),
            record_cells: Vec::new(),
            pending: Vec::new(),
            deferred: Vec::new(),
            person_line: false,
            automated_client: false,
            unlinked: Vec::new(),
            value_alone: false,
            encoded_spaces: Vec::new(),
            context_in_line: Vec::new(),
        };
        Self { det, state }
    }

    /// The detector this scanner runs.
    pub fn detector(&self) -> &Arc<Detector> {
        &self.det
    }

    /// A whole raw log line (text, logfmt or JSON). Findings are byte offsets in `line`,
    /// sorted and non-overlapping; `out` is cleared first.
    pub fn scan_line(&mut self, line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError> {
        out.clear();
        let max = self.det.config.max_line_bytes;
        if line.len() > max {
            return Err(ScanError::LineTooLong {
                len: line.len(),
                max,
            });
        }
        let (det, st) = (&*self.det, &mut self.state);
        st.raw.clear();
        st.scan_text(det, line, 0, None)?;
        // JSON strings with escapes: scan them decoded too, so `\"`, `\u00e9` or `\/`
        // cannot hide PHI; findings map back to raw offsets. The same holds for a JSON
        // document logged as a quoted string inside a text line (`body="{\"dob\":…}"`),
        // where every key and value quote is escaped.
        if let Some(slash) = memchr::memchr(b'\\', line) {
            let first = line.iter().position(|b| !b.is_ascii_whitespace());
            let json_line = first.is_some_and(|i| line[i] == b'{' || line[i] == b'[');
            if json_line || has_escaped_quote(&line[slash..]) {
                st.scan_escaped_strings(det, line)?;
            }
        }
        // Percent-encoded URLs and form bodies (`email=jo%40mail.com`, `From=%2B1206…`,
        // `name=Ana%20Ruiz`): scanned decoded too, findings mapped back to raw offsets.
        if let Some(pct) = memchr::memchr(b'%', line)
            && has_percent_escape(&line[pct..])
        {
            st.scan_percent_decoded(det, line)?;
        }
        st.beside(det, line);
        st.echo(line);
        st.resolve(out);
        Ok(())
    }

    /// One already-decoded value with the key it sits under (last path segment) as context.
    pub fn scan_value(
        &mut self,
        key: Option<&str>,
        value: &[u8],
        out: &mut Vec<Finding>,
    ) -> Result<(), ScanError> {
        out.clear();
        let max = self.det.config.max_line_bytes;
        if value.len() > max {
            return Err(ScanError::LineTooLong {
                len: value.len(),
                max,
            });
        }
        let (det, st) = (&*self.det, &mut self.state);
        st.raw.clear();
        st.value_alone = true;
        let scanned = st.scan_text(det, value, 0, None);
        if scanned.is_ok()
            && let Some(key) = key
        {
            st.key_value_whole(det, key.as_bytes(), value);
        }
        st.value_alone = false;
        scanned?;
        st.beside(det, value);
        st.echo(value);
        st.resolve(out);
        Ok(())
    }
}

impl LineState {
    fn key_value_whole(&mut self, det: &Detector, key: &[u8], value: &[u8]) {
        super::catalog::normalise_key(key, &mut self.keybuf);
        // Whole key or its last `_`-free segment suffix ("patientDob" -> "patientdob" ends with "dob").
        for (nk, r) in &det.key_norms {
            let rule = &det.rules[*r as usize];
            if self.keybuf.ends_with(nk) && self.value_ok(det, rule, value) {
                self.push(det, *r, 0, value.len());
            }
        }
    }

    fn push(&mut self, det: &Detector, rule: u32, start: usize, end: usize) {
        let r = &det.rules[rule as usize];
        // Shape findings inside an envelope's quiet span (X12 ISA dates) are not PHI.
        let keyed = matches!(r.trigger, Trigger::Key);
        if !keyed
            && self
                .structure
                .quiet
                .iter()
                .any(|&(qs, qe)| qs as usize <= start && end <= qe as usize)
        {
            return;
        }
        if r.spec.about_person && !self.value_alone {
            self.unlinked.push((rule, start as u32, end as u32));
            return;
        }
        self.push_raw(det, rule, start, end);
    }

    /// Records a finding that passed every check.
    fn push_raw(&mut self, det: &Detector, rule: u32, start: usize, end: usize) {
        let r = &det.rules[rule as usize];
        // Key-led findings know the field's meaning: they win ties with shape rules.
        let key_bonus = if matches!(r.trigger, Trigger::Key) {
            2
        } else {
            0
        };
        self.raw.push(Raw {
            start,
            end,
            rule,
            priority: r.spec.priority + key_bonus,
            phi_type: r.phi_type,
        });
    }

    /// Everything except JSON decoding, over `hay`; findings are shifted by `base` or mapped
    /// through `map` (decoded → raw offsets).
    fn scan_text(
        &mut self,
        det: &Detector,
        hay: &[u8],
        base: usize,
        map: Option<&[u32]>,
    ) -> Result<(), ScanError> {
        let first_raw = self.raw.len();
        self.pending.clear();
        self.deferred.clear();
        self.unlinked.clear();
        self.hits.clear();
        // Literals run over the line plus one space, so that keywords spelled with a
        // trailing separator (" st ", "dob :") also match at the end of the line.
        self.litbuf.clear();
        self.litbuf.extend_from_slice(hay);
        self.litbuf.push(b' ');
        det.matcher
            .find_all(
                &mut self.lit_scratch,
                &det.lit_lens,
                &self.litbuf,
                &mut self.hits,
            )
            .map_err(ScanError::Engine)?;
        let hay_len = hay.len() as u32;
        for h in &mut self.hits {
            h.end = h.end.min(hay_len);
            h.start = h.start.min(hay_len);
        }
        self.hits.sort_unstable();
        self.context_in_line.clear();
        self.context_in_line.resize(det.rules.len().div_ceil(64), 0);
        // The raw line (no decoded copy) says whether its client is automated; decoded
        // values of it keep the answer.
        if map.is_none() {
            self.automated_client = self.hits.iter().any(|h| det.lit_automated[h.lit as usize]);
        }
        for h in &self.hits {
            for &r in &det.lit_required_by[h.lit as usize] {
                self.context_in_line[r as usize / 64] |= 1 << (r % 64);
            }
        }
        // Structures first: they also mark spans no shape rule may claim.
        let markers = self
            .hits
            .iter()
            .fold(0, |m, h| m | det.lit_marker[h.lit as usize]);
        self.structure.find(hay, markers);
        // A row with no header (and no other structure) is read by its cells' shapes.
        if self.structure.found.is_empty() {
            super::record::find(
                &det.names,
                hay,
                &mut self.record_cells,
                &mut self.structure.found,
            );
        }
        // File and object names built from a person's identity (`LAST_FIRST_19420509.pdf`).
        super::record::file_names(&det.names, hay, &mut self.structure.found);
        self.shapes.find(hay);
        self.windows.clear();
        let len = hay.len() as u32;
        let clip = |s: u32, e: u32, w: u32| (s.saturating_sub(w), (e + w).min(len));
        // Keyword triggers and key-led values.
        for i in 0..self.hits.len() {
            let h = self.hits[i];
            let s = h.start as usize;
            // Keywords and keys start at a word start (or a camelCase hump).
            if det.lit_word_start[h.lit as usize]
                && s > 0
                && is_word(hay[s - 1])
                && !(hay[s].is_ascii_uppercase() && hay[s - 1].is_ascii_lowercase())
            {
                continue;
            }
            for &r in &det.lit_triggers[h.lit as usize] {
                let rule = &det.rules[r as usize];
                if !rule.gate_allows(hay, h.start as usize, h.end as usize) {
                    continue;
                }
                let (s, e) = clip(h.start, h.end, rule.spec.window as u32);
                self.windows.push((r, s, e));
            }
            if !det.lit_keys[h.lit as usize].is_empty() {
                self.key_led(det, hay, h);
            }
        }
        // Shape triggers. A rule whose required keyword is nowhere in the line is skipped
        // at once; its dates are looked at again below if the line names a person. (Deferring
        // them here instead would run their gates, `month_near` on nearly every short
        // number, on every line: an interleaved A/B measured ~30% less throughput.)
        for t in &self.shapes.digits {
            for d in det.digit_rules_for(t.size) {
                let r = d.rule;
                if d.needs_context && !bit(&self.context_in_line, r) {
                    continue;
                }
                if !d.fits(t, hay) {
                    continue;
                }
                // Allow-listed IPv4 tokens (10.x upstreams) never reach the regex.
                if d.ipv4 && self.ip_not_personal(det, hay, t.start as usize, t.end as usize) {
                    continue;
                }
                let (s, e) = clip(t.start, t.end, d.window);
                if d.needs_context
                    && !self.context_near(
                        &det.rule_require[r as usize],
                        hay,
                        t.start.saturating_sub(d.window) as usize,
                        (t.end + d.window) as usize,
                        &det.rules[r as usize],
                    )
                {
                    // Confirmed later only if the line turns out to be about a person.
                    if d.date {
                        self.deferred.push((r, s, e));
                    }
                    continue;
                }
                self.windows.push((r, s, e));
            }
        }
        for (tokens, rules) in [
            (&self.shapes.alnum, &det.alnum_rules),
            (&self.shapes.hexcolon, &det.hexcolon_rules),
        ] {
            for t in tokens {
                for &r in rules {
                    let rule = &det.rules[r as usize];
                    if let Trigger::Alnum(lo, hi) = rule.trigger {
                        let n = usize::from(t.size);
                        if n < lo || n > hi {
                            continue;
                        }
                    }
                    if !rule.gate_allows(hay, t.start as usize, t.end as usize) {
                        continue;
                    }
                    let (s, e) = clip(t.start, t.end, rule.spec.window as u32);
                    self.windows.push((r, s, e));
                }
            }
        }
        for &r in &det.line_rules {
            self.windows.push((r, 0, len));
        }
        // Merge overlapping windows per rule, then confirm.
        self.windows.sort_unstable();
        let mut i = 0;
        while i < self.windows.len() {
            let (r, s, mut e) = self.windows[i];
            let mut j = i + 1;
            while j < self.windows.len() && self.windows[j].0 == r && self.windows[j].1 <= e {
                e = e.max(self.windows[j].2);
                j += 1;
            }
            self.confirm(det, r, hay, s as usize, e as usize);
            i = j;
        }
        if let Some(r) = det.name_pair_rule {
            let mut found = std::mem::take(&mut self.spans);
            found.clear();
            let capitals = self.shapes.masks().capital();
            super::names::find_pairs(&det.names, hay, capitals, |s, e| found.push((s, e)));
            for &(s, e) in &found {
                if !facility_keyed(hay, s) {
                    self.push(det, r, s, e);
                }
            }
            self.spans = found;
        }
        // Positional and sibling-keyed values (HL7 fields, SQL/CSV columns, FHIR
        // identifiers) go through the key-led rules under their implicit key.
        let implicit = std::mem::take(&mut self.structure.found);
        for imp in &implicit {
            self.implicit_key(det, hay, *imp);
        }
        self.structure.found = implicit;
        let person = self.raw[first_raw..].iter().any(|f| {
            matches!(
                f.phi_type,
                PhiType::Name | PhiType::Mrn | PhiType::Ssn | PhiType::HealthPlanId
            )
        });
        if person {
            self.person_line = true;
            for i in 0..self.pending.len() {
                let (r, s, e) = self.pending[i];
                self.push(det, r, s as usize, e as usize);
            }
            // The dates whose keyword is nowhere in the line, skipped by the shape loop.
            for t in &self.shapes.digits {
                for d in det.digit_rules_for(t.size) {
                    let r = d.rule;
                    if d.date && d.needs_context && !bit(&self.context_in_line, r) && d.fits(t, hay)
                    {
                        let (s, e) = clip(t.start, t.end, d.window);
                        self.deferred.push((r, s, e));
                    }
                }
            }
            let deferred = std::mem::take(&mut self.deferred);
            for &(r, s, e) in &deferred {
                self.confirm(det, r, hay, s as usize, e as usize);
            }
            self.deferred = deferred;
            self.person_line = false;
        }
        // A MAC or bare serial counts when the line is about someone: it also holds a
        // name, an id, a date of care or contact details, not only devices and addresses.
        // Or when the line is about a device worn or implanted by a patient.
        let linked = !self.unlinked.is_empty()
            && (self.raw[first_raw..]
                .iter()
                .any(|f| !matches!(f.phi_type, PhiType::Device | PhiType::Ip))
                || mentions_patient_device(hay));
        if linked {
            for i in 0..self.unlinked.len() {
                let (r, s, e) = self.unlinked[i];
                self.push_raw(det, r, s as usize, e as usize);
            }
        }
        // Map offsets of this pass.
        for f in &mut self.raw[first_raw..] {
            match map {
                Some(m) => {
                    f.start = m[f.start] as usize;
                    f.end = m[f.end] as usize;
                }
                None => {
                    f.start += base;
                    f.end += base;
                }
            }
        }
        Ok(())
    }

    fn context_near(&self, lits: &[u32], hay: &[u8], from: usize, to: usize, rule: &Rule) -> bool {
        let lo = from.saturating_sub(rule.before);
        let hi = to + rule.after;
        self.hits.iter().any(|h| {
            let (s, e) = (h.start as usize, h.end as usize);
            s >= lo
                && e <= hi
                && lits.contains(&h.lit)
                && (s == 0
                    || !is_word(hay[s - 1])
                    || hay[s].is_ascii_uppercase() && hay[s - 1].is_ascii_lowercase())
        })
    }

    fn confirm(&mut self, det: &Detector, r: u32, hay: &[u8], ws: usize, we: usize) {
        let rule = &det.rules[r as usize];
        let Some(re) = &rule.regex else { return };
        let mut input = Input::new(hay).range(ws..we);
        let (Some(cache), Some(caps)) = (&mut self.caches[r as usize], &mut self.caps[r as usize])
        else {
            return;
        };
        let mut found = std::mem::take(&mut self.spans);
        found.clear();
        loop {
            // Group 0 is the match itself: the regex engines find its bounds without the
            // capture step.
            let m = if rule.group == 0 {
                let Some(m) = re.search_with(cache, &input) else {
                    break;
                };
                if m.start() < m.end() {
                    found.push((m.start(), m.end()));
                }
                m
            } else {
                re.search_captures_with(cache, &input, caps);
                let Some(m) = caps.get_match() else { break };
                if let Some(g) = caps.get_group(rule.group)
                    && g.start < g.end
                {
                    found.push((g.start, g.end));
                }
                m
            };
            let next = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            if next > we {
                break;
            }
            input.set_start(next);
        }
        for &(mut s, mut e) in &found {
            if rule.phi_type == PhiType::Name {
                e = trim_name(hay, s, e);
            }
            // An address right after an escaped line break (`\r\nana@mail.com` in a logged
            // multipart body) starts after the escape's letter.
            if rule.phi_type == PhiType::Email
                && s > 0
                && hay[s - 1] == b'\\'
                && matches!(hay[s], b'n' | b'r' | b't')
                && s + 1 < e
            {
                s += 1;
            }
            // A MAC or IPv6 address is a whole hex-and-colon run: a 16-pair certificate
            // serial holds neither, and a partial IPv6 match grows to its full address.
            if matches!(rule.trigger, Trigger::HexColon) {
                let (rs, re) = hexcolon_run(hay, s, e, rule.phi_type == PhiType::Ip);
                if rule.phi_type == PhiType::Ip {
                    (s, e) = (rs, re);
                } else if (rs, re) != (s, e) {
                    continue;
                }
            }
            match self.accept(det, r, hay, s, e) {
                Verdict::Accept => self.push(det, r, s, e),
                Verdict::IfPerson if self.person_line => self.push(det, r, s, e),
                Verdict::IfPerson => self.pending.push((r, s as u32, e as u32)),
                Verdict::Reject => {}
            }
        }
        self.spans = found;
    }

    fn accept(&self, det: &Detector, r: u32, hay: &[u8], s: usize, e: usize) -> Verdict {
        if !self.accept_core(det, r, hay, s, e) {
            return Verdict::Reject;
        }
        let rule = &det.rules[r as usize];
        let veto = &det.rule_veto[r as usize];
        if !veto.is_empty() && self.context_near(veto, hay, s, e, rule) {
            return Verdict::Reject;
        }
        let req = &det.rule_require[r as usize];
        // A recent date followed by a time with seconds is a machine timestamp (the log's
        // own, an event time) unless a personal cue directly precedes it ("admitted
        // 2024-03-14 10:30:00").
        if rule.phi_type == PhiType::Date
            && followed_by_clock(hay, e)
            && !super::shape::old_year(&hay[s..e])
        {
            return if !req.is_empty() && self.cue_before(req, hay, s, 24) {
                Verdict::Accept
            } else {
                Verdict::Reject
            };
        }
        if req.is_empty() || self.context_near(req, hay, s, e, rule) {
            return Verdict::Accept;
        }
        // A date without a date keyword is still personal on a line about a person (one
        // with a name, MRN, SSN or member id): unless it opens the line (the log's own
        // timestamp). A month/day without a year is not: away from its cue it is as often
        // a card's expiry or a ratio (`"exp":"04/30"`, `pouch 11/28`).
        if rule.phi_type == PhiType::Date
            && rule.validator != Some(RuleValidator::Pure(Validator::MonthDay))
            && !hay[..s].iter().all(|b| !b.is_ascii_alphanumeric())
        {
            return Verdict::IfPerson;
        }
        Verdict::Reject
    }

    fn accept_core(&self, det: &Detector, r: u32, hay: &[u8], s: usize, e: usize) -> bool {
        let rule = &det.rules[r as usize];
        let span = &hay[s..e];
        if let Some(v) = rule.validator
            && !self.validate(det, v, span)
        {
            return false;
        }
        // `Chrome/119.0.6045.105`, `v1.2.3.4`: a product version, not an address; a
        // fingerprint of 2-digit hex groups is not an IPv6 address.
        if rule.phi_type == PhiType::Ip
            && (self.ip_not_personal(det, hay, s, e)
                || (s > 0 && (hay[s - 1] == b'/' || hay[s - 1].is_ascii_alphabetic()))
                || not_a_host_address(span))
        {
            return false;
        }
        // A digit run glued by `-` to more alphanumerics is part of a UUID or a longer id
        // (`24903618-5411-4047-aab8-…`), not a card number or SSN.
        if matches!(rule.phi_type, PhiType::CreditCard | PhiType::Ssn) && glued_by_dash(hay, s, e) {
            return false;
        }
        // `Nov 24 03:12:50` (a syslog header): the "year" of `Nov 24 03` is the hour of a
        // clock.
        if rule.phi_type == PhiType::Date
            && hay.get(e) == Some(&b':')
            && hay
                .get(e + 1..e + 3)
                .is_some_and(|m| m.iter().all(u8::is_ascii_digit))
        {
            return false;
        }
        // The same for a compact `YYYYMMDD` date: `19950612-a379-…` opens a UUID.
        if rule.phi_type == PhiType::Date
            && span.iter().all(u8::is_ascii_digit)
            && glued_by_dash(hay, s, e)
        {
            return false;
        }
        // What is left of a masked address (`j****z@outlook.com`) is not PHI. (Other types
        // cannot use this: `*` separates X12 elements.)
        if rule.phi_type == PhiType::Email && s > 0 && hay[s - 1] == b'*' {
            return false;
        }
        // A name or street under a facility's key (`Facility:Freeman West`, `"clinic_address":
        // "901 Grace Ln"`) names a place of care, not a person or their home.
        if matches!(rule.phi_type, PhiType::Name | PhiType::Address) && facility_keyed(hay, s) {
            return false;
        }
        true
    }

    /// A context keyword ending within `max` bytes before `s`.
    fn cue_before(&self, lits: &[u32], hay: &[u8], s: usize, max: usize) -> bool {
        self.hits.iter().any(|h| {
            let (hs, he) = (h.start as usize, h.end as usize);
            he <= s && he + max >= s && lits.contains(&h.lit) && (hs == 0 || !is_word(hay[hs - 1]))
        })
    }

    fn validate(&self, det: &Detector, v: RuleValidator, span: &[u8]) -> bool {
        match v {
            RuleValidator::Pure(p) => p.check(span),
            RuleValidator::Name => det.names.any_name(span),
            RuleValidator::NameShape => det.names.name_shape(span),
            RuleValidator::NamePlain => det.names.plain_name(span),
            RuleValidator::NamePart => det.names.name_part_shape(span),
            RuleValidator::HasDigit => span.iter().any(u8::is_ascii_digit),
            RuleValidator::HasLetter => {
                span.iter().any(u8::is_ascii_alphabetic)
                    && !(span.contains(&b'.') && !span.contains(&b' ') && !span.contains(&b','))
            }
            RuleValidator::Ip => parse_ipv4(span).is_some() || parse_ipv6(span).is_some(),
        }
    }

    /// Whether the address at `hay[s..e]` is no person's: allow-listed, on a line whose
    /// client is automated, or the address of a host named right before it.
    fn ip_not_personal(&self, det: &Detector, hay: &[u8], s: usize, e: usize) -> bool {
        self.automated_client || self.ip_allowed(det, &hay[s..e]) || named_host_before(hay, s)
    }

    fn ip_allowed(&self, det: &Detector, span: &[u8]) -> bool {
        let ip = parse_ipv4(span)
            .map(std::net::IpAddr::V4)
            .or_else(|| parse_ipv6(span).map(std::net::IpAddr::V6));
        // `::ffff:10.1.2.3` (Node's remoteAddress on a dual-stack socket) is the IPv4
        // address it maps, and the IPv4 allow-list applies to it.
        let ip = ip.map(|ip| match ip {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
            v4 => v4,
        });
        ip.is_some_and(|ip| det.config.ip_allow.iter().any(|c| c.contains(ip)))
    }

    /// A key spelling hit: if it is a whole key followed by `=`/`:`, the value is the type.
    fn key_led(&mut self, det: &Detector, hay: &[u8], h: Hit) {
        let (s, e) = (
            h.start as usize,
            (h.start + det.lit_key_len[h.lit as usize]) as usize,
        );
        // A `(key, value)` pair of quoted strings (Python's `MultiDict([('first_name',
        // 'Wei'), …])`, tuple lists): the comma separates the key from its value. The hit
        // may be the key's last word (`'insurance_member_id'`).
        let key_start = hay[..s]
            .iter()
            .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .map_or(0, |i| i + 1);
        let word_edge = key_start == s
            || matches!(hay[s - 1], b'_' | b'-')
            || (hay[s].is_ascii_uppercase() && hay[s - 1].is_ascii_lowercase());
        if key_start >= 2
            && word_edge
            && hay[key_start - 2] == b'('
            && matches!(hay[key_start - 1], b'"' | b'\'')
            && hay.get(e) == Some(&hay[key_start - 1])
            && hay.get(e + 1) == Some(&b',')
        {
            let q = skip_blanks(hay, e + 2);
            if q < hay.len() && hay[q] == hay[key_start - 1] {
                self.push_key_values(det, hay, h.lit, q, false, false);
            }
            return;
        }
        let left_ok = s == 0
            || !is_word(hay[s - 1])
            || (hay[s].is_ascii_uppercase() && hay[s - 1].is_ascii_lowercase());
        if !left_ok || (e < hay.len() && is_word(hay[e])) {
            return;
        }
        let n = hay.len();
        let mut p = e;
        // The key's closing quote, or the bracket of PHP's `print_r` (`[last_name] => …`).
        if p < n
            && (hay[p] == b'"'
                || hay[p] == b'\''
                || (hay[p] == b']' && key_start > 0 && hay[key_start - 1] == b'['))
        {
            p += 1;
        }
        // An Erlang/Elixir binary key: `<<"given">> => <<"Luis">>`.
        if hay[p.min(n)..].starts_with(b">>") {
            p += 2;
        }
        p = skip_blanks(hay, p);
        // A name/value pair object: OpenTelemetry attributes (`{"key": "patient.mrn",
        // "value": {"stringValue": "M97144504"}}`), HAR query strings and headers (`{"name":
        // "email", "value": "…"}`). The key is itself a value; its sibling holds the PHI.
        if p < n && hay[p] == b',' && p > e && hay[e] == b'"' && value_of_a_field(hay, key_start) {
            let q = skip_blanks(hay, p + 1);
            if hay[q..].starts_with(b"\"value\"") {
                p = skip_blanks(hay, q + 7);
            }
        }
        // A multipart/form-data part: `name="first_name"`, its headers' blank line, then
        // the value (`\r\n\r\nJosé\r\n--boundary`), written as bytes or escaped.
        if key_start >= 6
            && hay[key_start - 6..key_start] == *b"name=\""
            && p > e
            && let Some(sep) = [&b"\\r\\n\\r\\n"[..], b"\r\n\r\n"]
                .iter()
                .find(|sep| hay.get(p..).is_some_and(|rest| rest.starts_with(sep)))
        {
            self.push_key_values(det, hay, h.lit, p + sep.len(), true, false);
            return;
        }
        // `key -> value` (OCR and mapping dumps) as well as `=`, `:` and `=>`.
        let arrow = p + 1 < n && hay[p] == b'-' && hay[p + 1] == b'>';
        if p >= n || !(hay[p] == b'=' || hay[p] == b':' || arrow) {
            return;
        }
        if !arrow && p + 1 < n && (hay[p + 1] == b':' || hay[p + 1] == b'/') {
            return;
        }
        p += 1;
        if p < n && hay[p] == b'>' {
            p += 1;
        }
        p = skip_blanks(hay, p);
        if hay[p.min(n)..].starts_with(b"<<\"") {
            p += 2;
        }
        if p >= n {
            return;
        }
        // Avro's JSON encoding wraps a nullable field's value in its branch type
        // (`"family_name":{"string":"Ibáñez"}`), OpenTelemetry in its type
        // (`{"stringValue":"M97144504"}`): the value is inside.
        if hay[p] == b'{' {
            let branch = skip_blanks(hay, p + 1);
            let Some(inner) = VALUE_WRAPPERS
                .iter()
                .find(|b| hay[branch..].starts_with(b))
                .map(|b| skip_blanks(hay, branch + b.len()))
            else {
                return;
            };
            p = inner;
            if p >= n {
                return;
            }
        }
        // An array of scalars (`"given": ["Ann", "Marie"]`, Django's `QueryDict` repr
        // `'first_name': ['Layla']`): each element is a value.
        if hay[p] == b'[' {
            let mut q = p + 1;
            loop {
                while q < n && matches!(hay[q], b' ' | b'\t' | b',') {
                    q += 1;
                }
                if q >= n || !matches!(hay[q], b'"' | b'\'' | b'0'..=b'9') {
                    return;
                }
                let Some((vs, ve)) = value_span(hay, q, PhiType::OtherId, false) else {
                    return;
                };
                for &r in &det.lit_keys[h.lit as usize] {
                    let rule = &det.rules[r as usize];
                    if self.value_ok(det, rule, &hay[vs..ve]) {
                        self.push(det, r, vs, ve);
                    }
                }
                q = ve + usize::from(matches!(hay.get(ve), Some(b'"' | b'\'')));
            }
        }
        // A `?key=value&…` query parameter ends at `&` or whitespace: no extra words. In
        // the decoded copy of an encoded query, its words run on through encoded spaces.
        let in_query = s > 0 && matches!(hay[s - 1], b'?' | b'&' | b';');
        let other_party = is_other_party(&hay[key_start..s]);
        let encoded = in_query && !self.encoded_spaces.is_empty();
        self.push_key_values(det, hay, h.lit, p, !in_query || encoded, other_party);
    }

    /// A decoded query value's end: the first `&` or space that was not written `%20`/`+`.
    fn encoded_query_end(&self, hay: &[u8], vs: usize, ve: usize) -> usize {
        (vs..ve)
            .find(|&i| {
                hay[i] == b'&'
                    || (hay[i].is_ascii_whitespace()
                        && self.encoded_spaces.binary_search(&(i as u32)).is_err())
            })
            .unwrap_or(ve)
    }

    /// The value starting at `p` under each rule keyed by literal `lit`, where the rule's
    /// checks accept it; `extras` lets names, addresses and dates take following words;
    /// `other_party` (a server's or upstream's key) rules out IP addresses.
    fn push_key_values(
        &mut self,
        det: &Detector,
        hay: &[u8],
        lit: u32,
        p: usize,
        extras: bool,
        other_party: bool,
    ) {
        for &r in &det.lit_keys[lit as usize] {
            let rule = &det.rules[r as usize];
            if other_party && rule.phi_type == PhiType::Ip {
                continue;
            }
            let Some((vs, mut ve)) = value_span(hay, p, rule.phi_type, extras) else {
                continue;
            };
            if !self.encoded_spaces.is_empty() {
                ve = self.encoded_query_end(hay, vs, ve);
            }
            if vs < ve && self.value_ok(det, rule, &hay[vs..ve]) {
                self.push(det, r, vs, ve);
            }
        }
    }

    /// A value whose key is implied by its position or a sibling field.
    fn implicit_key(&mut self, det: &Detector, hay: &[u8], imp: Implicit) {
        let (mut vs, mut ve) = (imp.start as usize, imp.end as usize);
        while vs < ve && hay[vs].is_ascii_whitespace() {
            vs += 1;
        }
        while ve > vs && hay[ve - 1].is_ascii_whitespace() {
            ve -= 1;
        }
        if vs >= ve {
            return;
        }
        let key: &[u8] = match imp.key {
            KeyName::Fixed(k) => k.as_bytes(),
            KeyName::Column(a, b) => &hay[a as usize..b as usize],
        };
        let mut kb = std::mem::take(&mut self.keybuf);
        super::catalog::normalise_key(key, &mut kb);
        // Short column names used in CSV headers and SQL schemas.
        let alias: Option<&[u8]> = match kb.as_slice() {
            b"first" | b"fname" | b"firstnm" | b"givenname" => Some(b"firstname"),
            b"last" | b"lname" | b"lastnm" | b"familyname" => Some(b"lastname"),
            b"middle" | b"mname" => Some(b"middlename"),
            b"birth" | b"born" => Some(b"dob"),
            _ => None,
        };
        if let Some(a) = alias {
            kb.clear();
            kb.extend_from_slice(a);
        }
        for (nk, r) in &det.key_norms {
            let hit =
                kb == *nk || (alias.is_none() && kb.ends_with(nk) && suffix_at_word(key, nk.len()));
            if hit && self.value_ok(det, &det.rules[*r as usize], &hay[vs..ve]) {
                self.push(det, *r, vs, ve);
            }
        }
        self.keybuf = kb;
    }

    fn value_ok(&self, det: &Detector, rule: &Rule, value: &[u8]) -> bool {
        let v = trim(value);
        if v.is_empty() || !v.iter().any(u8::is_ascii_alphanumeric) {
            return false;
        }
        if NULLISH.iter().any(|n| v.eq_ignore_ascii_case(n)) {
            return false;
        }
        if looks_masked(v) {
            return false;
        }
        if let Some(re) = &rule.value_regex
            && !re.is_match(v)
        {
            return false;
        }
        if let Some(val) = rule.validator
            && !self.validate(det, val, v)
        {
            return false;
        }
        if rule.phi_type == PhiType::Ip && (self.automated_client || self.ip_allowed(det, v)) {
            return false;
        }
        if rule.phi_type == PhiType::Name && !reads_as_name(v) {
            return false;
        }
        true
    }

    fn scan_escaped_strings(&mut self, det: &Detector, line: &[u8]) -> Result<(), ScanError> {
        let mut i = 0;
        let n = line.len();
        while i < n {
            if line[i] != b'"' {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            while j < n && line[j] != b'"' {
                if line[j] == b'\\' {
                    escaped = true;
                    j += 1;
                }
                j += 1;
            }
            let end = j.min(n);
            if escaped {
                decode_json_string(
                    &line[start..end],
                    start,
                    &mut self.decoded,
                    &mut self.decoded_map,
                );
                self.scan_decoded(det)?;
            }
            i = end + 1;
        }
        Ok(())
    }

    fn scan_percent_decoded(&mut self, det: &Detector, line: &[u8]) -> Result<(), ScanError> {
        decode_percent(
            line,
            &mut self.decoded,
            &mut self.decoded_map,
            &mut self.encoded_spaces,
        );
        let result = self.scan_decoded(det);
        self.encoded_spaces.clear();
        result
    }

    /// Scans `self.decoded`, mapping findings to raw offsets through `self.decoded_map`
    /// (the buffers are lent out for the scan and put back).
    fn scan_decoded(&mut self, det: &Detector) -> Result<(), ScanError> {
        let decoded = std::mem::take(&mut self.decoded);
        let map = std::mem::take(&mut self.decoded_map);
        let result = self.scan_text(det, &decoded, 0, Some(&map));
        self.decoded = decoded;
        self.decoded_map = map;
        result
    }

    /// A value found once is PHI wherever else it recurs in the line: an MRN that is also
    /// the Kafka record key or an S3 object-key segment, a surname repeated in a note.
    /// Identifiers recur as whole tokens; a name's words recur capitalised, or lower-case
    /// between path separators (`/lopez-maria/`). The echo keeps the original's rule.
    fn echo(&mut self, line: &[u8]) {
        let found = self.raw.len();
        for i in 0..found {
            let f = self.raw[i];
            if self.raw[..i]
                .iter()
                .any(|g| g.phi_type == f.phi_type && line[g.start..g.end] == line[f.start..f.end])
            {
                continue;
            }
            if f.phi_type == PhiType::Name {
                let mut w = f.start;
                while w < f.end {
                    while w < f.end && !line[w].is_ascii_alphabetic() {
                        w += 1;
                    }
                    let mut we = w;
                    while we < f.end && (line[we].is_ascii_alphabetic() || line[we] >= 0x80) {
                        we += 1;
                    }
                    if we - w >= 4 && line[w].is_ascii_uppercase() {
                        self.echo_name_word(line, f, w, we);
                    }
                    w = we;
                }
            } else if ECHOED_IDS.contains(&f.phi_type) {
                let v = &line[f.start..f.end];
                if v.len() >= 6
                    && v.iter().any(u8::is_ascii_digit)
                    && v.iter()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
                {
                    self.echo_token(line, f);
                }
            }
        }
    }

    /// Identifiers and names written right beside each other, where one of them was found:
    /// `Madison Lopez (3058016)`, `Z621970 / Zofia Adeyemi`, `patient=MRN7588626 (Kaur,
    /// Emeka)`. The pair is one person's; the neighbour needs no keyword of its own.
    fn beside(&mut self, det: &Detector, line: &[u8]) {
        let found = self.raw.len();
        for i in 0..found {
            let f = self.raw[i];
            if f.phi_type == PhiType::Name {
                let Some(r) = det.id_beside_name_rule else {
                    continue;
                };
                let spans = [
                    parenthesised_after(line, f.end),
                    joined_after(line, f.end),
                    joined_before(line, f.start),
                ];
                for (s, e) in spans.into_iter().flatten() {
                    if id_shaped(&line[s..e]) && !self.overlaps_raw(s, e) {
                        self.push_raw(det, r, s, e);
                    }
                }
            } else if BESIDE_IDS.contains(&f.phi_type) {
                let Some(r) = det.name_beside_id_rule else {
                    continue;
                };
                if let Some((s, e)) = parenthesised_after(line, f.end)
                    && det.names.name_shape(&line[s..e])
                    && !self.overlaps_raw(s, e)
                {
                    self.push_raw(det, r, s, e);
                }
            }
        }
    }

    fn overlaps_raw(&self, s: usize, e: usize) -> bool {
        self.raw.iter().any(|g| g.start < e && s < g.end)
    }

    /// Other whole-token occurrences of `f`'s text (not inside a longer letter/digit run).
    fn echo_token(&mut self, line: &[u8], f: Raw) {
        let needle = &line[f.start..f.end];
        for at in memchr::memmem::find_iter(line, needle) {
            let end = at + needle.len();
            let bounded = (at == 0 || !line[at - 1].is_ascii_alphanumeric())
                && (end == line.len() || !line[end].is_ascii_alphanumeric());
            if bounded && at != f.start {
                self.push_echo(f, at, end);
            }
        }
    }

    /// A copy of `f` at `start..end`, just below the original in priority.
    fn push_echo(&mut self, f: Raw, start: usize, end: usize) {
        self.raw.push(Raw {
            start,
            end,
            priority: f.priority - 1,
            ..f
        });
    }

    /// Other occurrences of one word of a name, in any case where it cannot be an
    /// ordinary word: capitalised, upper-case, or lower-case between path separators.
    fn echo_name_word(&mut self, line: &[u8], f: Raw, ws: usize, we: usize) {
        let word = &line[ws..we];
        let n = word.len();
        let letter = |b: u8| b.is_ascii_alphabetic() || b >= 0x80;
        let mut at = 0;
        while at + n <= line.len() {
            let Some(k) = memchr::memchr2(word[0].to_ascii_lowercase(), word[0], &line[at..])
            else {
                break;
            };
            let s = at + k;
            at = s + 1;
            let e = s + n;
            if e > line.len()
                || (s >= f.start && s < f.end)
                || !line[s..e].eq_ignore_ascii_case(word)
            {
                continue;
            }
            let (before, after) = (s.checked_sub(1).map(|i| line[i]), line.get(e).copied());
            if before.is_some_and(letter) || after.is_some_and(letter) {
                continue;
            }
            let cased = line[s].is_ascii_uppercase();
            let path_sep = |b: Option<u8>| b.is_none_or(|b| b"/_-.".contains(&b));
            if cased || (path_sep(before) && path_sep(after)) {
                self.push_echo(f, s, e);
            }
        }
    }

    fn resolve(&mut self, out: &mut Vec<Finding>) {
        // Longest span first, then higher priority, then the earlier rule; greedy.
        self.raw.sort_unstable_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(b.priority.cmp(&a.priority))
                .then(a.rule.cmp(&b.rule))
                .then(a.start.cmp(&b.start))
        });
        self.accepted.clear();
        for f in &self.raw {
            if f.end <= f.start {
                continue;
            }
            let overlaps = |a: &Raw| f.end > a.start && f.start < a.end;
            let mut hit = self
                .accepted
                .iter()
                .enumerate()
                .filter(|(_, a)| overlaps(a));
            match (hit.next(), hit.next()) {
                (None, _) => self.accepted.push(*f),
                // Two findings of one type that overlap are one stretch of PHI (a street
                // line running into `City ST 12345`): their union is redacted, as long as
                // it does not run into a third finding.
                (Some((i, a)), None) if a.phi_type == f.phi_type => {
                    let (start, end) = (a.start.min(f.start), a.end.max(f.end));
                    let clear = self
                        .accepted
                        .iter()
                        .enumerate()
                        .all(|(j, b)| j == i || end <= b.start || start >= b.end);
                    if clear {
                        self.accepted[i].start = start;
                        self.accepted[i].end = end;
                    }
                }
                _ => {}
            }
        }
        self.accepted.sort_unstable_by_key(|f| f.start);
        out.extend(self.accepted.iter().map(|f| Finding {
            start: f.start,
            end: f.end,
            phi_type: f.phi_type,
            rule: RuleIdx(f.rule),
        }));
    }
}

/// Whether the line speaks of a device a patient wears, carries or has implanted.
fn mentions_patient_device(hay: &[u8]) -> bool {
    const WORDS: [&[u8]; 14] = [
        b"pair",
        b"pump",
        b"cgm",
        b"glucose",
        b"insulin",
        b"pacemaker",
        b"implant",
        b"wearable",
        b"spo2",
        b"transmitter",
        b"inhaler",
        b"patient",
        b"hearing aid",
        b"home monitor",
    ];
    // Only lines holding a MAC or bare serial get here: a plain scan is cheap enough.
    WORDS.iter().any(|w| find_ci(hay, 0, w).is_some())
}

/// Whether the value at `s` sits right under a key naming a facility, site or
/// organisation (`facility=`, `"clinicAddress": "`, `Location:`).
fn facility_keyed(hay: &[u8], s: usize) -> bool {
    const PLACE_KEYS: [&[u8]; 14] = [
        b"facility",
        b"clinic",
        b"location",
        b"site",
        b"department",
        b"dept",
        b"hospital",
        b"practice",
        b"pharmacy",
        b"employer",
        b"organization",
        b"organisation",
        b"vendor",
        b"campus",
    ];
    let mut k = s;
    while k > 0 && matches!(hay[k - 1], b' ' | b'"' | b'\'') {
        k -= 1;
    }
    let sep_end = k;
    while k > 0 && matches!(hay[k - 1], b'=' | b':' | b'>' | b'-') && sep_end - k < 2 {
        k -= 1;
    }
    if k == sep_end {
        return false;
    }
    while k > 0 && matches!(hay[k - 1], b' ' | b'"' | b'\'' | b']') {
        k -= 1;
    }
    let key_end = k;
    while k > 0 && (hay[k - 1].is_ascii_alphanumeric() || matches!(hay[k - 1], b'_' | b'.')) {
        k -= 1;
    }
    let key = &hay[k..key_end];
    // The key's first word: `facilityAddr`, `clinic_address`, `site.name`.
    PLACE_KEYS.iter().any(|w| starts_with_ci(key, w))
}

/// Whether a key's leading words (`server` in `serverIPAddress`, `upstream_` in
/// `upstream_ip`) name the infrastructure end of a connection, whose address is not a
/// person's.
fn is_other_party(prefix: &[u8]) -> bool {
    const OTHER_PARTY: [&[u8]; 12] = [
        b"server",
        b"upstream",
        b"host",
        b"local",
        b"dest",
        b"target",
        b"backend",
        b"node",
        b"proxy",
        b"gateway",
        b"relay",
        b"resolver",
    ];
    OTHER_PARTY.iter().any(|w| starts_with_ci(prefix, w))
}

/// The keys a value is wrapped in, with their colon: Avro's JSON encoding of a union
/// branch, OpenTelemetry's typed `AnyValue`.
const VALUE_WRAPPERS: [&[u8]; 6] = [
    b"\"string\":",
    b"\"int\":",
    b"\"long\":",
    b"\"double\":",
    b"\"stringValue\":",
    b"\"intValue\":",
];

/// Whether the quoted key starting at `key_start` (after its opening quote, or a dotted
/// prefix such as `patient.`) is itself the value of a JSON field (`"key": "…`).
fn value_of_a_field(hay: &[u8], key_start: usize) -> bool {
    let Some(open) = hay[..key_start].iter().rposition(|&b| b == b'"') else {
        return false;
    };
    if !hay[open + 1..key_start]
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return false;
    }
    let mut k = open;
    while k > 0 && matches!(hay[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    k > 0 && hay[k - 1] == b':'
}

/// Identifier types whose value, found once, is redacted wherever it recurs in the line.
/// Identifier types whose parenthesised neighbour may be the person's name.
const BESIDE_IDS: [PhiType; 4] = [
    PhiType::Mrn,
    PhiType::Account,
    PhiType::HealthPlanId,
    PhiType::OtherId,
];

/// The inside of `(…)` right after `e` (one blank allowed before it), up to 40 bytes.
fn parenthesised_after(line: &[u8], e: usize) -> Option<(usize, usize)> {
    let open = if line.get(e) == Some(&b' ') { e + 1 } else { e };
    if line.get(open) != Some(&b'(') {
        return None;
    }
    let s = open + 1;
    let close = s + memchr::memchr(b')', line.get(s..(s + 41).min(line.len()))?)?;
    (close > s).then_some((s, close))
}

/// An id-like run right after `e` joined by ` / ` or ` - `.
fn joined_after(line: &[u8], e: usize) -> Option<(usize, usize)> {
    if !is_joint(line.get(e..e + 3)?) {
        return None;
    }
    let s = e + 3;
    let end = s + line[s..].iter().take_while(|b| id_byte(**b)).count();
    let clean = end == line.len() || !line[end].is_ascii_alphanumeric();
    (end > s && clean).then_some((s, end))
}

/// An id-like run right before `s` joined by ` / ` or ` - `.
fn joined_before(line: &[u8], s: usize) -> Option<(usize, usize)> {
    if !is_joint(line.get(s.checked_sub(3)?..s)?) {
        return None;
    }
    let e = s - 3;
    let start = e - line[..e].iter().rev().take_while(|b| id_byte(**b)).count();
    (start < e).then_some((start, e))
}

/// ` / ` or ` - `: what joins an id to a name in alert text.
fn is_joint(j: &[u8]) -> bool {
    j == b" / " || j == b" - "
}

fn id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A record number's shape: 5–16 bytes of letters, digits and dashes, at least five
/// digits, letters only as a prefix of at most four (`3058016`, `Z621970`, `732-23056`,
/// `MRN7588626`).
fn id_shaped(v: &[u8]) -> bool {
    let prefix = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let rest = &v[prefix..];
    (5..=16).contains(&v.len())
        && prefix <= 4
        && rest.first().is_some_and(u8::is_ascii_digit)
        && rest.iter().all(|b| b.is_ascii_digit() || *b == b'-')
        && rest.iter().filter(|b| b.is_ascii_digit()).count() >= 5
}

const ECHOED_IDS: [PhiType; 8] = [
    PhiType::Mrn,
    PhiType::Ssn,
    PhiType::HealthPlanId,
    PhiType::Account,
    PhiType::OtherId,
    PhiType::Npi,
    PhiType::License,
    PhiType::Device,
];

/// The first position at or after `p` that is not a space or tab.
fn skip_blanks(hay: &[u8], mut p: usize) -> usize {
    while p < hay.len() && matches!(hay[p], b' ' | b'\t') {
        p += 1;
    }
    p
}

/// A value already masked upstream: `XXXXXXXX`, `********`, `####`, `XXX-XX-XXXX`,
/// `m***@***.com`, `+1**********`. Three asterisks in a row never occur in a real
/// identifier, and a value whose every letter or digit is an `X` holds none.
fn looks_masked(v: &[u8]) -> bool {
    let uniform =
        v.len() >= 3 && matches!(v[0], b'X' | b'x' | b'*' | b'#') && v.iter().all(|&b| b == v[0]);
    let starred = v.windows(3).any(|w| w == b"***");
    let alnum = || v.iter().filter(|b| b.is_ascii_alphanumeric());
    let all_x = v.len() >= 5 && alnum().count() >= 3 && alnum().all(|&b| b == b'X' || b == b'x');
    uniform || starred || all_x
}

/// Whether `hay` holds `\"` (an escaped quote, the mark of JSON inside a string).
fn has_escaped_quote(hay: &[u8]) -> bool {
    memchr::memchr_iter(b'\\', hay).any(|i| hay.get(i + 1) == Some(&b'"'))
}

/// Whether the last `n` alphanumerics of `key` start a word (`patient_dob`, `patientDob`),
/// so that `usage` does not end with the key `age`.
fn suffix_at_word(key: &[u8], n: usize) -> bool {
    let mut seen = 0;
    let mut j = key.len();
    while j > 0 && seen < n {
        j -= 1;
        if key[j].is_ascii_alphanumeric() {
            seen += 1;
        }
    }
    seen == n
        && (j == 0
            || !key[j - 1].is_ascii_alphanumeric()
            || (key[j].is_ascii_uppercase() && key[j - 1].is_ascii_lowercase()))
}

/// The maximal run of hex digits and colons (and dots for IPv6-with-IPv4, dashes for
/// dashed MACs) around `s..e`, without trailing separators.
fn hexcolon_run(hay: &[u8], s: usize, e: usize, ip: bool) -> (usize, usize) {
    let dashed = hay[s..e].contains(&b'-');
    let part =
        |b: u8| b.is_ascii_hexdigit() || b == b':' || (ip && b == b'.') || (dashed && b == b'-');
    let (mut rs, mut re) = (s, e);
    while rs > 0 && part(hay[rs - 1]) {
        rs -= 1;
    }
    while re < hay.len() && part(hay[re]) {
        re += 1;
    }
    while re > e && matches!(hay[re - 1], b':' | b'.' | b'-') {
        re -= 1;
    }
    while rs < s {
        let b = hay[rs];
        if b == b'.' || b == b'-' || (b == b':' && hay.get(rs + 1) != Some(&b':')) {
            rs += 1;
        } else {
            break;
        }
    }
    (rs, re)
}

/// Whether `hay[s..e]` continues through a `-` into more alphanumerics on either side.
fn glued_by_dash(hay: &[u8], s: usize, e: usize) -> bool {
    (e + 1 < hay.len() && hay[e] == b'-' && hay[e + 1].is_ascii_alphanumeric())
        || (s >= 2 && hay[s - 1] == b'-' && hay[s - 2].is_ascii_alphanumeric())
}

/// IP spans that name no host: a network address `x.0.0.0`, or colon-separated groups of
/// exactly two hex digits with no `::` (certificate fingerprints and serials).
fn not_a_host_address(span: &[u8]) -> bool {
    if span.ends_with(b".0.0.0") && !span.contains(&b':') {
        return true;
    }
    span.contains(&b':')
        && !span.windows(2).any(|w| w == b"::")
        && span.split(|b| *b == b':').all(|g| g.len() == 2)
}

/// Whether `hay[e..]` starts with `[ T]h:mm:ss` / `hh:mm:ss`.
fn followed_by_clock(hay: &[u8], e: usize) -> bool {
    let Some(rest) = hay.get(e + 1..) else {
        return false;
    };
    if !matches!(hay[e], b' ' | b'T' | b't' | b'_') {
        return false;
    }
    let d = |i: usize| rest.get(i).is_some_and(u8::is_ascii_digit);
    let c = |i: usize| rest.get(i) == Some(&b':');
    let h = if d(0) && d(1) {
        2
    } else if d(0) {
        1
    } else {
        return false;
    };
    c(h) && d(h + 1) && d(h + 2) && c(h + 3) && d(h + 4) && d(h + 5)
}

/// Words that end a name when they follow it ("John Smith Admitted", "Ann Lee Phone").
fn is_name_stop(w: &[u8]) -> bool {
    const STOP: [&[u8]; 64] = [
        b"admitted",
        b"discharged",
        b"seen",
        b"called",
        b"calling",
        b"was",
        b"is",
        b"has",
        b"had",
        b"dob",
        b"mrn",
        b"ssn",
        b"age",
        b"aged",
        b"born",
        b"room",
        b"bed",
        b"with",
        b"from",
        b"on",
        b"at",
        b"for",
        b"in",
        b"and",
        b"to",
        b"via",
        b"re",
        b"phone",
        b"tel",
        b"email",
        b"reports",
        b"presented",
        b"denies",
        b"status",
        b"date",
        b"id",
        b"no",
        b"the",
        b"of",
        b"per",
        b"by",
        b"who",
        b"said",
        b"states",
        b"arrived",
        b"transferred",
        b"expired",
        b"died",
        b"deceased",
        b"cancelled",
        b"rescheduled",
        b"scheduled",
        b"checked",
        b"signed",
        b"ordered",
        b"admission",
        b"discharge",
        b"visit",
        b"appointment",
        b"account",
        b"acct",
        b"member",
        b"policy",
        b"insurance",
    ];
    w.len() <= 12 && STOP.iter().any(|s| w.eq_ignore_ascii_case(s))
}

/// A Title-case name does not run on into an upper-case word ("John Smith DOB"): cut there.
fn trim_name(hay: &[u8], s: usize, e: usize) -> usize {
    let span = &hay[s..e];
    let mut title_seen = false;
    let mut i = 0;
    while i < span.len() {
        let w0 = i;
        while i < span.len()
            && (super::names::name_byte(span[i]) || span[i] == b'\'' || span[i] == b'-')
        {
            i += 1;
        }
        let w = &span[w0..i];
        if w.len() >= 2 {
            // All capitals (`NPI`, `DOB`); `Ní` is one capital and a non-ASCII letter.
            let caps = w.iter().all(|b| !b.is_ascii_lowercase())
                && w.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2;
            if (caps || is_name_stop(w)) && (title_seen || w0 > 0 && is_name_stop(w)) {
                let mut end = s + w0;
                while end > s && !super::names::name_byte(hay[end - 1]) && hay[end - 1] != b'.' {
                    end -= 1;
                }
                return end;
            }
            title_seen |= !caps;
        }
        i += 1;
    }
    // A name never ends in a quote or a dash: `'Dr. Pepper'` closes its SQL string there.
    let mut end = e;
    while end > s + 1 && matches!(hay[end - 1], b'\'' | b'-') {
        end -= 1;
    }
    end
}

fn trim(v: &[u8]) -> &[u8] {
    let s = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let e = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(s, |e| e + 1);
    &v[s..e.max(s)]
}

/// The value after a key at `p`: a quoted string, or a bare token plus (for names,
/// addresses and dates, when `extras`) a few following words that continue it.
fn value_span(hay: &[u8], p: usize, ty: PhiType, extras: bool) -> Option<(usize, usize)> {
    let n = hay.len();
    let q = hay[p];
    if q == b'"' || q == b'\'' {
        let mut j = p + 1;
        // An apostrophe between letters inside a single-quoted value is part of it
        // (`lastName='O'Brien'` in a Java `toString()`).
        let inner_apostrophe = |j: usize| {
            q == b'\''
                && hay[j - 1].is_ascii_alphabetic()
                && hay.get(j + 1).is_some_and(u8::is_ascii_alphabetic)
        };
        while j < n && (hay[j] != q || (j > p + 1 && inner_apostrophe(j))) {
            if hay[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        return (j > p + 1).then_some((p + 1, j.min(n)));
    }
    if q == b'{' || q == b'[' {
        return None;
    }
    let stop = |b: u8| {
        matches!(
            b,
            b' ' | b'\t'
                | b','
                | b';'
                | b'&'
                | b'|'
                | b'}'
                | b']'
                | b')'
                | b'"'
                | b'\''
                | b'<'
                | b'\r'
                | b'\n'
        )
    };
    // A flattened multi-line payload (`city: Houston\n    state: TX`) writes its line
    // breaks as two-character escapes: they end the value like the break itself.
    let escaped_break =
        |e: usize| hay[e] == b'\\' && matches!(hay.get(e + 1), Some(b'n' | b'r' | b't'));
    let stop = |e: usize| stop(hay[e]) || escaped_break(e);
    let mut e = p;
    // An apostrophe between letters is part of the value (`name=O'Brien`).
    while e < n
        && (!stop(e)
            || (hay[e] == b'\''
                && e > p
                && hay[e - 1].is_ascii_alphabetic()
                && hay.get(e + 1).is_some_and(u8::is_ascii_alphabetic)))
    {
        e += 1;
    }
    if e == p {
        return None;
    }
    let (max_extra, allow_digits) = match ty {
        _ if !extras => (0, false),
        PhiType::Name => (3, false),
        PhiType::Address => (8, true),
        PhiType::Date => (3, true),
        _ => (0, false),
    };
    let mut extra = 0;
    while extra < max_extra && e < n {
        // ", " or " " then a capitalised word / number that is not itself a key.
        let mut k = e;
        if hay[k] == b',' {
            k += 1;
        }
        // `patient_name=PARK,PRIYA`: a name's comma needs no blank after it.
        let glued = ty == PhiType::Name && k > e && k < n && hay[k].is_ascii_uppercase();
        if !glued {
            if k >= n || hay[k] != b' ' {
                break;
            }
            k += 1;
        }
        if k >= n
            || !(hay[k].is_ascii_uppercase()
                || (allow_digits && hay[k].is_ascii_digit())
                || (ty == PhiType::Address && hay[k] == b'#'))
        {
            break;
        }
        let mut t = k;
        while t < n && !stop(t) {
            t += 1;
        }
        let word = &hay[k..t];
        // The next field: `key=`, `key:` or a glued `Family:Cho` (Go's `%+v`).
        if word.contains(&b'=')
            || word.ends_with(b":")
            || (ty != PhiType::Date && word.contains(&b':'))
        {
            break;
        }
        // A date continues with numbers and month names ("March 14, 1962", "10:30"), not
        // with the next field ("2003-03-01 HTTP/1.1").
        if ty == PhiType::Date
            && !(word[0].is_ascii_digit() && !word.contains(&b'/') || is_month_word(word))
        {
            break;
        }
        // A name stops at an all-caps keyword ("John Smith DOB").
        if ty == PhiType::Name
            && !glued
            && word.len() > 1
            && word.iter().all(|b| !b.is_ascii_lowercase())
        {
            break;
        }
        e = t;
        extra += 1;
    }
    // Sentence punctuation is not part of the value.
    while e > p + 1 && matches!(hay[e - 1], b'.' | b':') && ty != PhiType::Address {
        e -= 1;
    }
    Some((p, e))
}

/// Whether a name-shaped value can be a person's name: not a sex or gender code's display
/// (`displayName="Female"`), and no English function word (`Summarization of Episode
/// Note`, a document title): names carry particles (`de la`, `van der`), never `of`.
/// Whether the address starting at `hay[s]` is written `host.name[addr]` or `host.name
/// [addr]` (Postfix's `relay=mx.example.com[192.0.2.7]:25`, a `Received: from a.example.net
/// (a.example.net [192.0.2.7])` header): the address of a named mail or web server, not of
/// a person. An address in brackets after anything else (`X-Originating-IP: [..]`,
/// `from [192.0.2.7]`) stays personal.
fn named_host_before(hay: &[u8], s: usize) -> bool {
    if s == 0 || hay[s - 1] != b'[' {
        return false;
    }
    let mut end = s - 1;
    if end > 0 && hay[end - 1] == b' ' {
        end -= 1;
    }
    let start = hay[..end]
        .iter()
        .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
        .map_or(0, |i| i + 1);
    let host = &hay[start..end];
    // A domain name: dotted labels ending in a letter-only top-level label, and not the
    // domain half of an e-mail address.
    let Some(dot) = host.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let tld = &host[dot + 1..];
    tld.len() >= 2
        && tld.iter().all(u8::is_ascii_alphabetic)
        && dot > 0
        && (start == 0 || hay[start - 1] != b'@')
}

fn reads_as_name(span: &[u8]) -> bool {
    const SEXES: [&[u8]; 8] = [
        b"male",
        b"female",
        b"man",
        b"woman",
        b"unknown",
        b"other",
        b"undifferentiated",
        b"nonbinary",
    ];
    const FUNCTION_WORDS: [&[u8]; 9] = [
        b"of", b"the", b"and", b"for", b"with", b"to", b"in", b"on", b"from",
    ];
    if SEXES.iter().any(|w| span.eq_ignore_ascii_case(w)) {
        return false;
    }
    !span
        .split(|&b| b == b' ')
        .any(|w| FUNCTION_WORDS.iter().any(|f| w.eq_ignore_ascii_case(f)))
}

/// `%XX` with two hex digits somewhere in `hay`.
fn has_percent_escape(hay: &[u8]) -> bool {
    memchr::memchr_iter(b'%', hay).any(|i| {
        i + 2 < hay.len() && hay[i + 1].is_ascii_hexdigit() && hay[i + 2].is_ascii_hexdigit()
    })
}

/// Percent-decodes `raw`; `map[i]` is the raw offset of decoded byte `i` (plus one final
/// entry for the end) and `spaces` the decoded offsets of encoded spaces. A `+` is a
/// form's space only before a letter (`Billy+Ray`): before a digit it may be a phone's.
fn decode_percent(raw: &[u8], out: &mut Vec<u8>, map: &mut Vec<u32>, spaces: &mut Vec<u32>) {
    out.clear();
    map.clear();
    spaces.clear();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut i = 0;
    while i < raw.len() {
        let escaped = match (raw.get(i + 1), raw.get(i + 2)) {
            (Some(&h), Some(&l)) if raw[i] == b'%' => hex(h).zip(hex(l)),
            _ => None,
        };
        map.push(i as u32);
        match escaped {
            Some((h, l)) => {
                let byte = (h * 16 + l) as u8;
                if byte == b' ' {
                    spaces.push(out.len() as u32);
                }
                out.push(byte);
                i += 3;
            }
            None if raw[i] == b'+' && raw.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                spaces.push(out.len() as u32);
                out.push(b' ');
                i += 1;
            }
            None => {
                out.push(raw[i]);
                i += 1;
            }
        }
    }
    map.push(raw.len() as u32);
}

/// Decodes a JSON string body; `map[i]` is the raw offset of decoded byte `i` (plus one
/// final entry for the end).
fn decode_json_string(raw: &[u8], base: usize, out: &mut Vec<u8>, map: &mut Vec<u32>) {
    out.clear();
    map.clear();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'\\' && i + 1 < raw.len() {
            let c = raw[i + 1];
            let (bytes, used): ([u8; 4], usize) = match c {
                b'n' => ([b'\n', 0, 0, 0], 2),
                b't' => ([b'\t', 0, 0, 0], 2),
                b'r' => ([b'\r', 0, 0, 0], 2),
                b'b' | b'f' => ([b' ', 0, 0, 0], 2),
                b'u' if i + 6 <= raw.len() => {
                    let hex = std::str::from_utf8(&raw[i + 2..i + 6])
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok());
                    let ch = hex.and_then(char::from_u32).unwrap_or('?');
                    let mut buf = [0u8; 4];
                    let s = ch.encode_utf8(&mut buf).len();
                    for byte in buf.iter().take(s) {
                        out.push(*byte);
                        map.push((base + i) as u32);
                    }
                    i += 6;
                    continue;
                }
                other => ([other, 0, 0, 0], 2),
            };
            out.push(bytes[0]);
            map.push((base + i) as u32);
            i += used;
        } else {
            out.push(b);
            map.push((base + i) as u32);
            i += 1;
        }
    }
    map.push((base + raw.len()) as u32);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::{DetectConfig, Detector, EngineChoice, PhiType};

    fn scanner() -> super::Scanner {
        Arc::new(
            Detector::build(&DetectConfig {
                engine: EngineChoice::Portable,
                ..DetectConfig::default()
            })
            .expect("build"),
        )
        .scanner()
    }

    #[test]
    fn scan_value_uses_the_key_as_context() {
        let mut s = scanner();
        let mut out = Vec::new();
        s.scan_value(Some("patientDob"), b"03/14/1962", &mut out)
            .expect("scan");
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].start, out[0].end, out[0].phi_type),
            (0, 10, PhiType::Date)
        );
        s.scan_value(Some("build_date"), b"11/14/2026", &mut out)
            .expect("scan");
        assert!(out.is_empty());
        s.scan_value(None, b"ssn 219-09-9999", &mut out)
            .expect("scan");
        assert_eq!(out[0].phi_type, PhiType::Ssn);
    }

    #[test]
    fn overlapping_findings_of_one_type_merge_into_their_union() {
        let mut s = scanner();
        let mut out = Vec::new();
        let line = b"lives at 221B Baker St, Springfield IL 62704 since May";
        s.scan_line(line, &mut out).expect("scan");
        let addresses: Vec<_> = out
            .iter()
            .filter(|f| f.phi_type == PhiType::Address)
            .map(|f| &line[f.start..f.end])
            .collect();
        assert_eq!(addresses, [&b"221B Baker St, Springfield IL 62704"[..]]);
    }

    /// The NAME findings of one line, as text.
    fn names_in(line: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        scanner().scan_line(line, &mut out).expect("scan");
        out.iter()
            .filter(|f| f.phi_type == PhiType::Name)
            .map(|f| String::from_utf8_lossy(&line[f.start..f.end]).into_owned())
            .collect()
    }

    fn texts_in(line: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        scanner().scan_line(line, &mut out).expect("scan");
        out.iter()
            .map(|f| String::from_utf8_lossy(&line[f.start..f.end]).into_owned())
            .collect()
    }

    #[test]
    fn quoted_key_value_tuples_pair_up() {
        let line = b"request.form=ImmutableMultiDict([('first_name', 'Wei'), ('insurance_member_id', 'XOF98190243399'), ('consent', 'on'), ('unzip', '12345')])";
        assert_eq!(texts_in(line), ["Wei", "XOF98190243399"]);
    }

    #[test]
    fn single_quoted_list_values_are_values() {
        let line = b"POST <QueryDict: {'first_name': ['Layla'], 'last_name': ['Gallagher'], 'consent': ['on']}>";
        assert_eq!(names_in(line), ["Layla", "Gallagher"]);
    }

    #[test]
    fn a_value_found_once_is_redacted_where_it_recurs() {
        // The record key repeats the MRN found under `mrn=`.
        let line = b"ConnectRecord{topic='intake', key=30504662, value=Struct{mrn=30504662,sex=F}}";
        assert_eq!(texts_in(line), ["30504662", "30504662"]);
        // A surname found under its key recurs capitalised and inside an object key, but
        // not as a substring of a longer word.
        let line = b"last_name=Gallagher put s3://b/gallagher-x/scan.pdf note=\"Gallagher called; Gallaghers\"";
        assert_eq!(names_in(line), ["Gallagher", "gallagher", "Gallagher"]);
        // A short value is not echoed: five characters recur by chance.
        let line = b"mrn=A1234 code=A1234";
        assert_eq!(texts_in(line), ["A1234"]);
    }

    #[test]
    fn keys_in_other_languages_dumps_lead_to_their_values() {
        // PHP print_r, Avro's JSON union branches, Erlang binaries, a flattened YAML.
        let php = b"Array ( [last_name] => Okafor [dob] => 01/27/1982 )";
        assert_eq!(texts_in(php), ["Okafor", "01/27/1982"]);
        let avro =
            "{\"family_name\":{\"string\":\"Ib\u{e1}\u{f1}ez\"},\"zip\":{\"string\":\"33135\"}}";
        assert_eq!(texts_in(avro.as_bytes()), ["Ib\u{e1}\u{f1}ez", "33135"]);
        let erlang = b"%{<<\"given\">> => <<\"Luis\">>, <<\"family\">> => <<\"Ramos\">>}";
        assert_eq!(names_in(erlang), ["Luis", "Ramos"]);
        let yaml = b"address:\\n    line1: 13595 Dogwood Cir\\n    city: Houston\\n    state: TX";
        assert_eq!(texts_in(yaml), ["13595 Dogwood Cir", "Houston"]);
    }

    #[test]
    fn name_value_pair_objects_key_their_value() {
        let otel = br#"{"attributes":[{"key":"patient.mrn","value":{"stringValue":"M97144504"}},{"key":"code.function","value":{"stringValue":"handle"}}]}"#;
        assert_eq!(texts_in(otel), ["M97144504"]);
        let har = br#"{"queryString":[{"name":"email","value":"samir.saleh@ymail.com"},{"name":"code","value":"493410"}]}"#;
        assert_eq!(texts_in(har), ["samir.saleh@ymail.com"]);
        // A key named in a plain list is not a pair.
        let list = br#"{"fields":["mrn", "value"]}"#;
        assert!(texts_in(list).is_empty());
    }

    #[test]
    fn places_of_care_and_servers_are_not_people_or_clients() {
        let line = b"cfg={DBPort:3306 Facility:Freeman West FacilityAddr:901 Grace Ln Debug:false}";
        assert!(texts_in(line).is_empty(), "{:?}", texts_in(line));
        let har = b"{\"serverIPAddress\":\"104.209.201.202\",\"clientIPAddress\":\"67.51.79.151\"}";
        assert_eq!(texts_in(har), ["67.51.79.151"]);
        let masked = b"PASSWORD_CHANGED email=j****z@outlook.com unit=ehr-worker@7.service";
        assert!(texts_in(masked).is_empty(), "{:?}", texts_in(masked));
    }

    #[test]
    fn an_appointments_start_and_end_are_dates_of_care() {
        let line = br#"{"resourceType":"Appointment","id":"4354156","start":"2024-03-26T22:12:55Z","end":"2024-03-26T22:27:55Z"}"#;
        assert_eq!(
            texts_in(line),
            ["2024-03-26T22:12:55Z", "2024-03-26T22:27:55Z"]
        );
        let line = br#"{"resourceType":"Schedule","id":"7","start":"2024-03-26T22:12:55Z"}"#;
        assert!(texts_in(line).is_empty());
    }

    #[test]
    fn places_and_organisations_named_like_people_are_not_names() {
        let line = b"Jordan Valley Medical Center on bypass; shuttle Hunter Creek -> Bell Tower; NM1*85*2*BELL TOWER FAMILY PRACTICE; Flood Watch for Marion County";
        assert!(names_in(line).is_empty(), "{:?}", names_in(line));
        assert_eq!(
            names_in(b"seen with Maria Lopez at Bell Tower Family Practice"),
            ["Maria Lopez"]
        );
    }

    #[test]
    fn values_masked_upstream_are_not_phi() {
        let line = b"redacted: email=m***@***.com ssn=XXX-XX-XXXX mrn=******** phone=+1********** dob=XX/XX/XXXX";
        assert!(texts_in(line).is_empty(), "{:?}", texts_in(line));
        // A real value next to them still is.
        assert_eq!(texts_in(b"email=m***@***.com mrn=MR4471882"), ["MR4471882"]);
    }

    #[test]
    fn x12_envelope_dates_are_not_dates_of_care() {
        let line = b"GS*HC*SND*RCV*20240301*1253*905*X*005010X222A1~ST*837*0001~BHT*0019*00*950643*20240222*1608*CH~NM1*IL*1*DOE*JANE****MI*W123456789~DMG*D8*19620314*F~";
        let found = texts_in(line);
        assert!(found.contains(&"19620314".to_owned()), "{found:?}");
        assert!(
            !found.iter().any(|t| t == "20240301" || t == "20240222"),
            "{found:?}"
        );
    }

    #[test]
    fn percent_encoded_values_are_scanned_decoded_with_raw_offsets() {
        let line = b"POST /sms/inbound From=%2B12065550122&Body=reschedule%20please&SmsSid=SM1 contact=ana.ruiz%40fastmail.net";
        assert_eq!(
            texts_in(line),
            ["%2B12065550122", "ana.ruiz%40fastmail.net"]
        );
        // Encoded separators alone are not PHI.
        assert!(texts_in(b"GET /search?q=chest%20pain&sort=date%3Adesc 200").is_empty());
    }

    #[test]
    fn json_quoted_inside_a_text_line_is_scanned_decoded() {
        let line = br#"svc=sync body="{\"name\":[{\"family\":\"Boateng\",\"given\":[\"Noor\"]}]}""#;
        assert_eq!(names_in(line), ["Boateng", "Noor"]);
    }

    #[test]
    fn an_arrow_separates_a_key_from_its_value() {
        let line = b"OCR result: Given name -> XIMENA; first-name->Duc | Age -> 37";
        assert_eq!(names_in(line), ["XIMENA", "Duc"]);
    }

    #[test]
    fn an_apostrophe_inside_a_single_quoted_value_is_kept() {
        let line = b"Patient{firstName='Oksana', lastName='O'Brien', active=true}";
        assert_eq!(names_in(line), ["Oksana", "O'Brien"]);
    }

    #[test]
    fn escaped_json_strings_are_scanned_decoded_with_raw_offsets() {
        let mut s = scanner();
        let mut out = Vec::new();
        let line = br#"{"msg":"ssn\u003a 219\u002d09-9999 ok"}"#;
        s.scan_line(line, &mut out).expect("scan");
        let ssn = out
            .iter()
            .find(|f| f.phi_type == PhiType::Ssn)
            .expect("ssn found");
        assert_eq!(&line[ssn.start..ssn.end], br"219\u002d09-9999");
    }

    #[test]
    fn many_matches_in_one_window_are_all_reported() {
        let mut s = scanner();
        let mut out = Vec::new();
        let line: String = (1..=20).map(|i| format!("203.0.113.{i} ")).collect();
        s.scan_line(line.as_bytes(), &mut out).expect("scan");
        assert_eq!(out.len(), 20);
    }

    #[test]
    fn record_numbers_beside_names_have_a_number_shape() {
        use super::id_shaped;
        for ok in [
            "3058016",
            "Z621970",
            "732-23056",
            "MRN7588626",
            "HM12246993",
        ] {
            assert!(id_shaped(ok.as_bytes()), "{ok}");
        }
        for no in [
            "x4521",
            "2024",
            "nephro",
            "ABCDE12345",
            "86 YO",
            "12-34",
            "A1B2C3D4E5",
        ] {
            assert!(!id_shaped(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn long_lines_fail_closed() {
        let mut s = scanner();
        let mut out = Vec::new();
        let line = vec![b'x'; super::super::DEFAULT_MAX_LINE_BYTES + 1];
        assert!(s.scan_line(&line, &mut out).is_err());
    }
}

#[cfg(test)]
mod named_host_tests {
    use super::named_host_before;

    fn at(line: &str, addr: &str) -> bool {
        let s = line.find(addr).expect("address in line");
        named_host_before(line.as_bytes(), s)
    }

    #[test]
    fn only_an_address_after_a_domain_name_is_a_servers() {
        assert!(at("relay=mx.example.com[198.51.100.7]:25", "198.51"));
        assert!(at(
            "from a.example.net (a.example.net [192.0.2.9])",
            "192.0"
        ));
        assert!(!at("X-Originating-IP: [203.0.113.45]", "203.0"));
        assert!(!at("from [203.0.113.45]", "203.0"));
        assert!(!at("user pat@example.net [203.0.113.45]", "203.0"));
        assert!(!at("host 10.1.2.3[203.0.113.45]", "203.0"));
        assert!(!at("203.0.113.45", "203.0"));
    }
}
