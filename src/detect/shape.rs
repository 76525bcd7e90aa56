//! The shape pass: one byte-class walk per line that proposes candidate tokens for the
//! shape rules (digits-and-separators for SSN/phone/date/IP/card/ZIP, upper-case
//! alphanumerics for VIN/MBI/DEA/HICN, hex-and-colons for MAC/IPv6), with the cheap
//! rejections PERFORMANCE.md asks for (digit counts, separators, letters) done here so
//! that most ops tokens (timestamps, hex ids, durations) never reach a regex.

use super::bytemask::{ClassMasks, Mask, any, count, next_one, next_zero, run_start};

/// Separator bits of a digit token (`-./() +`): which separators it contains.
pub fn sep_bit(b: u8) -> u8 {
    match b {
        b'-' => 1,
        b'.' => 2,
        b'/' => 4,
        b'(' | b')' => 8,
        b' ' => 16,
        b'+' => 32,
        _ => 0,
    }
}

/// The separator mask of a rule's `seps` string.
pub fn sep_mask(seps: &str) -> u8 {
    seps.bytes().fold(0, |m, b| m | sep_bit(b))
}

/// A candidate token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start offset.
    pub start: u32,
    /// End offset.
    pub end: u32,
    /// Digits (digit tokens) or length (alnum tokens).
    pub size: u16,
    /// Separator mask (digit tokens).
    pub seps: u8,
}

/// Reusable token lists.
#[derive(Debug, Default)]
pub struct Shapes {
    /// Digit-and-separator tokens.
    pub digits: Vec<Token>,
    /// Upper-case alphanumeric (and `-`) tokens with letters and digits.
    pub alnum: Vec<Token>,
    /// Hex-and-colon tokens that can be a MAC or IPv6.
    pub hexcolon: Vec<Token>,
    masks: ClassMasks,
}

impl Shapes {
    /// The byte-class masks of the line last passed to [`Shapes::find`].
    pub fn masks(&self) -> &ClassMasks {
        &self.masks
    }

    /// Fills the lists for `hay`.
    pub fn find(&mut self, hay: &[u8]) {
        self.digits.clear();
        self.alnum.clear();
        self.hexcolon.clear();
        let n = hay.len();
        let mut masks = std::mem::take(&mut self.masks);
        masks.build(hay);
        let m = &masks;
        let word = &m.word();
        let hex_run = &m.hex_run();
        let hex = m.hex();
        // Words of [A-Za-z0-9-] holding an upper-case letter: upper-case alphanumeric ids
        // (VIN, MBI, DEA, HICN) and dashed MACs. Walking from upper-case letters of words of
        // nine bytes or more skips the words that make up most of a line.
        let mut u = next_one(&m.long_upper(), 0, n);
        while u < n {
            let p = run_start(word, u);
            let e = next_zero(word, u, n);
            self.upper_word(hay, m, &hex, p, e);
            u = next_one(&m.long_upper(), e, n);
        }
        // Dashed MACs in lower case or digits only (`00-1a-2b-3c-4d-5e`): a 17-byte word
        // around its third byte's dash.
        let mut d = next_one(&m.dash_join(), 0, n);
        while d < n {
            let p = run_start(word, d);
            let e = next_zero(word, d, n);
            if e - p == 17 && !any(&m.upper(), p, e) {
                self.dashed_mac(hay, &hex, p, e);
            }
            d = next_one(&m.dash_join(), e, n);
        }
        // Runs of hex digits, colons and dashes holding two or more colons (MAC, IPv6).
        let dashed_macs = self.hexcolon.len();
        let mut c = next_one(&m.colon_join(), 0, n);
        while c < n {
            let start = run_start(hex_run, c);
            let end = next_zero(hex_run, c, n);
            let glued = (start > 0 && hay[start - 1].is_ascii_alphanumeric())
                || (end < n && hay[end].is_ascii_alphanumeric());
            if !glued {
                let colons = count(&m.colon(), start, end);
                if colons >= 2 && hexcolon_candidate(&hay[start..end], colons as u16) {
                    self.hexcolon.push(Token {
                        start: start as u32,
                        end: end as u32,
                        size: u16::try_from(end - start).unwrap_or(u16::MAX),
                        seps: 0,
                    });
                }
            }
            c = next_one(&m.colon_join(), end, n);
        }
        if dashed_macs > 0 {
            self.hexcolon.sort_unstable_by_key(|t| t.start);
        }
        // Digit tokens, from the starts of number runs no letter glues on the left (a
        // token always starts a run: the digit after one is never a separator away), and
        // of glued runs that a space gap splits (their start is found from the gap).
        let number = &m.number();
        let mut i = next_one(&m.number_start(), 0, n);
        while i < n {
            let next = self.digit_token(hay, m, run_start(number, i));
            i = next_one(&m.number_start(), next.max(i + 1), n);
        }
        self.masks = masks;
    }

    /// A word of `[A-Za-z0-9-]` at `p..e` that holds an upper-case letter.
    fn upper_word(&mut self, hay: &[u8], m: &ClassMasks, hex: &impl Mask, p: usize, e: usize) {
        let len = e - p;
        if (9..=17).contains(&len) && any(&m.digit(), p, e) && !any(&m.lower(), p, e) {
            self.alnum.push(Token {
                start: p as u32,
                end: e as u32,
                size: len as u16,
                seps: 0,
            });
        }
        self.dashed_mac(hay, hex, p, e);
    }

    /// A dashed MAC (`00-1A-2B-3C-4D-5E`): a whole word of six hex pairs and five dashes
    /// that no colon continues.
    fn dashed_mac(&mut self, hay: &[u8], hex: &impl Mask, p: usize, e: usize) {
        let n = hay.len();
        if e - p == 17
            && count(hex, p, e) == 12
            && (p == 0 || hay[p - 1] != b':')
            && (e == n || hay[e] != b':')
            && hexcolon_candidate(&hay[p..e], 0)
        {
            self.hexcolon.push(Token {
                start: p as u32,
                end: e as u32,
                size: 17,
                seps: 0,
            });
        }
    }

    /// The digit token whose first digit is at `first`; returns where it ends.
    fn digit_token(&mut self, hay: &[u8], m: &ClassMasks, first: usize) -> usize {
        let n = hay.len();
        let mut s = first;
        // Leading "(" or "+" belongs to phone numbers.
        while s > 0 && matches!(hay[s - 1], b'(' | b'+') {
            s -= 1;
        }
        let digits_end = next_zero(&m.number(), first, n);
        let end = digits_end + usize::from(hay.get(digits_end) == Some(&b')'));
        // Letters glued to either end (hex ids, "12ms", "v1") make it no number: most
        // digit runs of a timestamp or an id end here.
        let glued = |b: u8| b.is_ascii_alphabetic() || b == b'_';
        let glued_before = s > 0 && glued(hay[s - 1]);
        let glued_after = end < n && glued(hay[end]) && !glue_allowed(hay, s, end);
        if glued_before || glued_after {
            // `fb6dba9a4c822df7 71.132.152.156`: a spaced run whose end part belongs to a
            // word still holds whole numbers in its other parts.
            if memchr::memchr(b' ', &hay[first..digits_end]).is_some() {
                self.push_parts(hay, s, end, glued_before, glued_after);
            }
            return end;
        }
        let digits = u16::try_from(count(&m.digit(), first, digits_end)).unwrap_or(u16::MAX);
        let mut seps = if end > digits_end { 8 } else { 0 };
        let mut gap = next_zero(&m.digit(), first, digits_end);
        while gap < digits_end {
            seps |= sep_bit(hay[gap]);
            gap = next_zero(&m.digit(), gap + 1, digits_end);
        }
        self.digits.push(Token {
            start: s as u32,
            end: end as u32,
            size: digits,
            seps,
        });
        // "203.0.113.1 203.0.113.2" is two IPs as well as one spaced number: the space-free
        // parts are tokens too.
        if seps & 16 != 0 {
            self.push_parts(hay, s, end, false, false);
        }
        end
    }

    /// Pushes the space-free parts of the spaced digit run `hay[s..end]` as tokens of their
    /// own, except the whole run and, when `skip_first` / `skip_last`, the part that a
    /// letter glues to.
    fn push_parts(&mut self, hay: &[u8], s: usize, end: usize, skip_first: bool, skip_last: bool) {
        let mut p = s;
        while p < end {
            while p < end && hay[p] == b' ' {
                p += 1;
            }
            let q0 = p;
            let (mut digits, mut seps) = (0u16, 0u8);
            while p < end && hay[p] != b' ' {
                if hay[p].is_ascii_digit() {
                    digits = digits.saturating_add(1);
                } else {
                    seps |= sep_bit(hay[p]);
                }
                p += 1;
            }
            let glued = (skip_first && q0 == s) || (skip_last && p == end);
            if digits > 0 && (q0 != s || p != end) && !glued {
                self.digits.push(Token {
                    start: q0 as u32,
                    end: p as u32,
                    size: digits,
                    seps,
                });
            }
        }
    }
}

/// The numbers a letter may glue to and stay digit tokens: an age written against its unit,
/// `93yo` or `92y/o` (the age rule's gate looks for the `y` at `end`), and an ordinal day,
/// `23rd` (`August 23rd`, a date with no year).
fn glue_allowed(hay: &[u8], start: usize, end: usize) -> bool {
    // Cheapest tests first: most glued tokens are hex ids and `12ms`.
    let len = end - start;
    let age_unit = matches!(hay[end], b'y' | b'Y') && (2..=3).contains(&len);
    let ordinal = (1..=2).contains(&len)
        && matches!(hay[end] | 0x20, b's' | b'n' | b'r' | b't')
        && hay.get(end..end + 2).is_some_and(|s| {
            [&b"st"[..], b"nd", b"rd", b"th"]
                .iter()
                .any(|o| s.eq_ignore_ascii_case(o))
        })
        && hay.get(end + 2).is_none_or(|b| !b.is_ascii_alphanumeric());
    (age_unit || ordinal) && hay[start..end].iter().all(u8::is_ascii_digit)
}

/// A cheap necessary condition on a rule's trigger (a shape token or a keyword hit), checked
/// before the rule's regex runs: ops lines are full of tokens of the right digit count (ports,
/// durations, epoch times, counters) that a glance at their grouping rules out. Named by a
/// rule's `gate` field; a gate must never reject a trigger its pattern could match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Digit groups 3-2-4 in a row (SSN).
    SsnGroups,
    /// Digit groups 3-3-4 in a row (NANP phone).
    NanpGroups,
    /// Four groups of 1-3 digits joined by single dots (IPv4).
    DottedQuad,
    /// The token starts with `+` (international phone).
    PlusLed,
    /// A 2-3 digit group of 90 or more directly followed (after one space or dash) by `y`
    /// (`92 y/o`, `93-year-old`, `95 yrs`).
    AgeYears,
    /// An 11-character (13 with dashes) Medicare Beneficiary Identifier shape.
    MbiChars,
    /// A 4-digit group in 1900-2005 (or the head of an 8-digit group) somewhere.
    OldYear,
    /// The keyword hit starts with an upper-case letter (`Mr`, `DR`, not `12 ms`).
    Capitalised,
    /// A US state code and a space directly before the token, after a word
    /// (`Springfield IL 62704`).
    StateBefore,
    /// A capital letter follows the keyword hit, after an optional `name` suffix
    /// (`patient_name`, `Patient Name`) and optional quotes, blanks and one of `:=-`:
    /// `patient Maria …`, `"pt": "Okafor"`; not `/patients/search` or `patient_id`.
    NameFollows,
    /// A digit follows the keyword hit within the same path token (before whitespace, a
    /// quote, `<`, `>` or `?`): `/patients/884213`, not `/patients/search`.
    DigitsFollow,
    /// A word starting with a month abbreviation begins within [`MONTH_REACH`] bytes of
    /// the token (`14 March 1962`, `Mar 14th`): a keyword near a bare number (`/appointments
    /// … "bytes":35933`) is not enough to run a month-name date pattern.
    MonthNear,
}

/// How far before or after a token [`Gate::MonthNear`] looks for the month: a rule using the
/// gate must have no longer a reach (its window) from a token to its month word.
pub const MONTH_REACH: usize = 24;

impl std::str::FromStr for Gate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "ssn_groups" => Self::SsnGroups,
            "nanp_groups" => Self::NanpGroups,
            "dotted_quad" => Self::DottedQuad,
            "plus_led" => Self::PlusLed,
            "age_years" => Self::AgeYears,
            "mbi_chars" => Self::MbiChars,
            "old_year" => Self::OldYear,
            "capitalised" => Self::Capitalised,
            "state_before" => Self::StateBefore,
            "name_follows" => Self::NameFollows,
            "digits_follow" => Self::DigitsFollow,
            "month_near" => Self::MonthNear,
            other => return Err(format!("unknown gate `{other}`")),
        })
    }
}

impl Gate {
    /// Whether the gate applies to keyword triggers (otherwise to shape tokens).
    pub fn for_keywords(self) -> bool {
        matches!(
            self,
            Self::Capitalised | Self::NameFollows | Self::DigitsFollow
        )
    }

    /// Whether the trigger at `hay[start..end]` may hold a match.
    pub fn passes(self, hay: &[u8], start: usize, end: usize) -> bool {
        let tok = &hay[start..end];
        match self {
            Self::SsnGroups => has_group_run(tok, &[3, 2, 4]),
            Self::NanpGroups => has_group_run(tok, &[3, 3, 4]),
            Self::DottedQuad => dotted_quad(tok),
            Self::PlusLed => tok.first() == Some(&b'+'),
            Self::AgeYears => age_years(hay, start, end),
            Self::MbiChars => mbi_chars(tok),
            Self::OldYear => old_year(tok),
            Self::Capitalised => tok.first().is_some_and(u8::is_ascii_uppercase),
            Self::StateBefore => state_before(hay, start),
            Self::NameFollows => name_follows(hay, end),
            Self::DigitsFollow => hay[end..]
                .iter()
                .take_while(|b| !(b.is_ascii_whitespace() || b"\"'<>?".contains(b)))
                .any(u8::is_ascii_digit),
            Self::MonthNear => month_near(hay, start, end),
        }
    }
}

/// `[ _-]?name` (any case) or nothing, then `["']?[ \t]*[:=-]?[ \t]*["']?`, then a capital
/// (ASCII or Latin-1, as the name patterns take), starting at `p`. Both readings of the
/// suffix are tried: `patient Name` is a name.
fn name_follows(hay: &[u8], p: usize) -> bool {
    let capital_after_separators = |mut q: usize| {
        let mut skip = |set: &[u8], most: usize| {
            let mut n = 0;
            while n < most && q < hay.len() && set.contains(&hay[q]) {
                q += 1;
                n += 1;
            }
        };
        skip(b"\"'", 1);
        skip(b" \t", usize::MAX);
        skip(b":=-", 1);
        skip(b" \t", usize::MAX);
        skip(b"\"'(", 1);
        super::names::starts_upper(&hay[q.min(hay.len())..])
    };
    if capital_after_separators(p) {
        return true;
    }
    // `Pt is Abramowitz, Harpreet`: a copula between the cue and the name.
    let blank = hay
        .get(p..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == b' ').count());
    let verb = p + blank;
    if [&b"is "[..], b"was "].iter().any(|v| {
        hay.get(verb..verb + v.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(v))
            && capital_after_separators(verb + v.len())
    }) {
        return true;
    }
    let q = p + usize::from(hay.get(p).is_some_and(|b| b" _-".contains(b)));
    hay.get(q..q + 4)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"name"))
        && capital_after_separators(q + 4)
}

/// Whether a word of 3+ bytes starting with a month abbreviation (any case) starts within
/// [`MONTH_REACH`] bytes before `start` or after `end`.
fn month_near(hay: &[u8], start: usize, end: usize) -> bool {
    let from = start.saturating_sub(MONTH_REACH);
    let to = (end + MONTH_REACH).min(hay.len());
    (from..to).any(|p| {
        hay[p].is_ascii_alphabetic()
            && (p == 0 || !hay[p - 1].is_ascii_alphabetic())
            && hay.get(p..p + 3).is_some_and(is_month_word)
    })
}

/// Whether `w` starts with a month's three-letter abbreviation (any case).
pub fn is_month_word(w: &[u8]) -> bool {
    const MONTHS: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    w.len() >= 3 && MONTHS.iter().any(|m| w[..3].eq_ignore_ascii_case(m))
}

/// USPS state codes (and DC, PR), sorted.
const STATES: [&[u8; 2]; 52] = [
    b"AK", b"AL", b"AR", b"AZ", b"CA", b"CO", b"CT", b"DC", b"DE", b"FL", b"GA", b"HI", b"IA",
    b"ID", b"IL", b"IN", b"KS", b"KY", b"LA", b"MA", b"MD", b"ME", b"MI", b"MN", b"MO", b"MS",
    b"MT", b"NC", b"ND", b"NE", b"NH", b"NJ", b"NM", b"NV", b"NY", b"OH", b"OK", b"OR", b"PA",
    b"PR", b"RI", b"SC", b"SD", b"TN", b"TX", b"UT", b"VA", b"VT", b"WA", b"WI", b"WV", b"WY",
];

/// `<letter> ST ` right before `start`, ST a state code.
fn state_before(hay: &[u8], start: usize) -> bool {
    start >= 5
        && hay[start - 1] == b' '
        && hay[start - 4] == b' '
        && hay[start - 5].is_ascii_alphabetic()
        && <&[u8; 2]>::try_from(&hay[start - 3..start - 1])
            .is_ok_and(|code| STATES.binary_search(&code).is_ok())
}

/// Calls `f(start, end)` for each maximal run of ASCII digits in `tok`.
fn digit_groups(tok: &[u8], mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let mut i = 0;
    while i < tok.len() {
        if !tok[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < tok.len() && tok[i].is_ascii_digit() {
            i += 1;
        }
        if f(s, i) {
            return true;
        }
    }
    false
}

/// Whether consecutive digit groups of `tok` have exactly the lengths in `want` (at most
/// seven, each below 15). The last group lengths are kept as nibbles of one word, so the
/// test per group is a shift and a compare.
fn has_group_run(tok: &[u8], want: &[usize]) -> bool {
    debug_assert!(want.len() <= 7 && want.iter().all(|&w| w < 15));
    let k = want.len().min(7);
    let target = want[..k]
        .iter()
        .fold(0u32, |acc, &w| acc << 4 | w.min(15) as u32);
    let keep = (1u32 << (4 * k)) - 1;
    let mut recent = 0u32;
    let mut seen = 0;
    digit_groups(tok, |s, e| {
        recent = (recent << 4 | (e - s).min(15) as u32) & keep;
        seen += 1;
        seen >= k && recent == target
    })
}

fn dotted_quad(tok: &[u8]) -> bool {
    let mut run = 0;
    let mut prev_end = usize::MAX;
    digit_groups(tok, |s, e| {
        if e - s > 3 {
            run = 0;
        } else if run > 0 && prev_end + 1 == s && tok[prev_end] == b'.' {
            run += 1;
        } else {
            run = 1;
        }
        prev_end = e;
        run >= 4
    })
}

fn age_years(hay: &[u8], start: usize, end: usize) -> bool {
    // Only the token's last group can have the `y` after it (inner groups are followed by
    // separators and digits): most 2-3 digit tokens stop here.
    let y_at = |p: usize| matches!(hay.get(p), Some(b'y' | b'Y'));
    if !(y_at(end) || matches!(hay.get(end), Some(b' ' | b'-')) && y_at(end + 1)) {
        return false;
    }
    let tok = &hay[start..end];
    digit_groups(tok, |s, e| {
        if !(2..=3).contains(&(e - s)) {
            return false;
        }
        let value = tok[s..e]
            .iter()
            .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
        if value < 90 {
            return false;
        }
        let mut p = start + e;
        if matches!(hay.get(p), Some(b' ' | b'-')) {
            p += 1;
        }
        matches!(hay.get(p), Some(b'y' | b'Y'))
    })
}

/// An MBI starting at the token start or after a `-` (an MBI is `[1-9]` then letters and
/// digits in fixed positions; dashes may follow its 4th and 7th characters). Every ISO
/// timestamp's `2026-12-06T07` is an upper-case word of MBI length, so only the starts that
/// can be one are tried.
fn mbi_chars(tok: &[u8]) -> bool {
    let mut p = 0;
    loop {
        if tok.len() - p >= 11 && mbi_at(tok, p) {
            return true;
        }
        match memchr::memchr(b'-', &tok[p..]) {
            Some(i) => p += i + 1,
            None => return false,
        }
    }
}

/// Whether an MBI's 11 characters (with optional dashes) start at `p` and end the token or
/// meet a `-`.
fn mbi_at(tok: &[u8], p: usize) -> bool {
    let mut n = 0;
    let mut q = p;
    while q < tok.len() && n < 11 {
        let c = tok[q];
        if c == b'-' && (n == 4 || n == 7) {
            q += 1;
            continue;
        }
        let digit = c.is_ascii_digit();
        let upper = c.is_ascii_uppercase();
        let fits = match n {
            0 => digit && c != b'0',
            3 | 6 | 9 | 10 => digit,
            1 | 4 | 7 | 8 => upper,
            _ => digit || upper,
        };
        if !fits {
            return false;
        }
        n += 1;
        q += 1;
    }
    n == 11 && (q == tok.len() || tok[q] == b'-')
}

/// Whether a digit token holds a 4-digit run (or the head of an 8-digit run) in 1900–2005.
pub fn old_year(tok: &[u8]) -> bool {
    digit_groups(tok, |s, e| {
        let y = &tok[s..e];
        (y.len() == 4 || y.len() == 8)
            && ((y[0] == b'1' && y[1] == b'9')
                || (y[0] == b'2' && y[1] == b'0' && y[2] == b'0' && y[3] <= b'5'))
    })
}

fn hexcolon_candidate(word: &[u8], ncolon: u16) -> bool {
    let groups = word.split(|&b| b == b':' || b == b'-');
    let mut max = 0;
    let mut letters = false;
    let mut count = 0;
    for g in groups {
        count += 1;
        max = max.max(g.len());
        if g.iter().any(|b| !b.is_ascii_hexdigit()) {
            return false;
        }
        letters |= g.iter().any(u8::is_ascii_alphabetic);
    }
    let double = word.windows(2).any(|w| w == b"::");
    (count == 6 && max == 2) || (ncolon >= 2 && (double || max >= 3 || letters))
}

/// The byte-at-a-time shape pass this module replaced, kept as the oracle for the
/// mask-based one.
#[cfg(test)]
mod reference {
    use super::{Token, hexcolon_candidate, sep_bit};

    const DIGIT: u8 = 1;
    const UPPER: u8 = 2;
    const LOWER: u8 = 4;
    const HEX: u8 = 8;
    const COLON: u8 = 16;
    const DASH: u8 = 32;

    const fn class_table() -> [u8; 256] {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            let mut c = 0;
            if b.is_ascii_digit() {
                c |= DIGIT | HEX;
            }
            if b.is_ascii_uppercase() {
                c |= UPPER;
            }
            if b.is_ascii_lowercase() {
                c |= LOWER;
            }
            if matches!(b, b'a'..=b'f' | b'A'..=b'F') {
                c |= HEX;
            }
            if b == b':' {
                c |= COLON;
            }
            if b == b'-' {
                c |= DASH;
            }
            t[i] = c;
            i += 1;
        }
        t
    }

    static CLASS: [u8; 256] = class_table();

    #[derive(Default)]
    pub struct Shapes {
        pub digits: Vec<Token>,
        pub alnum: Vec<Token>,
        pub hexcolon: Vec<Token>,
    }

    impl Shapes {
        pub fn find(&mut self, hay: &[u8]) {
            self.digits.clear();
            self.alnum.clear();
            self.hexcolon.clear();
            let n = hay.len();
            // Words of [A-Za-z0-9-]: upper-case alphanumeric ids (VIN, MBI, DEA, HICN).
            let mut i = 0;
            while i < n {
                if CLASS[hay[i] as usize] & (DIGIT | UPPER | LOWER | DASH) == 0 {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut all = 0u8;
                while i < n {
                    let c = CLASS[hay[i] as usize];
                    if c & (DIGIT | UPPER | LOWER | DASH) == 0 {
                        break;
                    }
                    all |= c;
                    i += 1;
                }
                let len = i - start;
                if all & UPPER != 0
                    && all & DIGIT != 0
                    && all & LOWER == 0
                    && (9..=17).contains(&len)
                {
                    self.alnum.push(Token {
                        start: start as u32,
                        end: i as u32,
                        size: len as u16,
                        seps: 0,
                    });
                }
            }
            // Words of hex digits, colons and dashes with two or more colons (MAC, IPv6).
            let mut i = 0;
            while i < n {
                if CLASS[hay[i] as usize] & (HEX | COLON | DASH) == 0 {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut colons = 0u16;
                let mut dashes = 0u16;
                while i < n {
                    let c = CLASS[hay[i] as usize];
                    if c & (HEX | COLON | DASH) == 0 {
                        break;
                    }
                    colons += u16::from(c & COLON != 0);
                    dashes += u16::from(c & DASH != 0);
                    i += 1;
                }
                let glued = (start > 0 && hay[start - 1].is_ascii_alphanumeric())
                    || (i < n && hay[i].is_ascii_alphanumeric());
                let len = i - start;
                if !glued
                    && (colons >= 2 || (dashes == 5 && len == 17))
                    && hexcolon_candidate(&hay[start..i], colons)
                {
                    self.hexcolon.push(Token {
                        start: start as u32,
                        end: i as u32,
                        size: len as u16,
                        seps: 0,
                    });
                }
            }
            // Digit tokens.
            let mut i = 0;
            while i < n {
                if !hay[i].is_ascii_digit() {
                    i += 1;
                    continue;
                }
                let next = self.digit_token(hay, i);
                i = next.max(i + 1);
            }
        }

        fn digit_token(&mut self, hay: &[u8], word_start: usize) -> usize {
            let n = hay.len();
            let mut s = word_start;
            // Leading "(" or "+" belongs to phone numbers.
            while s > 0 && matches!(hay[s - 1], b'(' | b'+') {
                s -= 1;
            }
            let mut i = word_start;
            let mut digits = 0u16;
            let mut seps = 0u8;
            let mut end = i;
            while i < n {
                let b = hay[i];
                if b.is_ascii_digit() {
                    digits = digits.saturating_add(1);
                    i += 1;
                    end = i;
                    continue;
                }
                // Up to two separators in a row, then a digit (or "(" then digit).
                let mut j = i;
                let mut m = 0u8;
                while j < n && j - i < 2 && sep_bit(hay[j]) != 0 {
                    m |= sep_bit(hay[j]);
                    j += 1;
                }
                if j > i && j < n && hay[j].is_ascii_digit() {
                    seps |= m;
                    i = j;
                    continue;
                }
                if b == b')' {
                    seps |= 8;
                    end = i + 1;
                }
                break;
            }
            // Letters glued to either end (hex ids, "12ms", "v1") make it no number.
            let glued = |b: u8| b.is_ascii_alphabetic() || b == b'_';
            let glued_before = s > 0 && glued(hay[s - 1]);
            let glued_after = end < n && glued(hay[end]) && !super::glue_allowed(hay, s, end);
            if !glued_before && !glued_after {
                self.digits.push(Token {
                    start: s as u32,
                    end: end as u32,
                    size: digits,
                    seps,
                });
                // "203.0.113.1 203.0.113.2" is two IPs as well as one spaced number: the
                // space-free parts are tokens too.
                if seps & 16 != 0 {
                    self.push_parts(hay, s, end, false, false);
                }
            } else if seps & 16 != 0 {
                self.push_parts(hay, s, end, glued_before, glued_after);
            }
            end.max(i)
        }

        fn push_parts(
            &mut self,
            hay: &[u8],
            s: usize,
            end: usize,
            skip_first: bool,
            skip_last: bool,
        ) {
            let mut p = s;
            while p < end {
                while p < end && hay[p] == b' ' {
                    p += 1;
                }
                let q0 = p;
                let (mut digits, mut seps) = (0u16, 0u8);
                while p < end && hay[p] != b' ' {
                    if hay[p].is_ascii_digit() {
                        digits = digits.saturating_add(1);
                    } else {
                        seps |= sep_bit(hay[p]);
                    }
                    p += 1;
                }
                let glued = (skip_first && q0 == s) || (skip_last && p == end);
                if digits > 0 && (q0 != s || p != end) && !glued {
                    self.digits.push(Token {
                        start: q0 as u32,
                        end: p as u32,
                        size: digits,
                        seps,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_codes_are_sorted_for_binary_search() {
        assert!(STATES.windows(2).all(|w| w[0] < w[1]));
        assert!(Gate::StateBefore.passes(b"Springfield IL 62704", 15, 20));
        assert!(!Gate::StateBefore.passes(b"Build XX 12345", 9, 14));
    }

    #[test]
    fn phone_is_one_digit_token() {
        let mut s = Shapes::default();
        s.find(b"call (217) 555-0123 now");
        // The whole number first, then its space-free parts.
        assert_eq!(s.digits.len(), 3);
        assert_eq!(s.digits[0].size, 10);
        assert_eq!(
            &b"call (217) 555-0123 now"[s.digits[0].start as usize..s.digits[0].end as usize],
            b"(217) 555-0123"
        );
    }

    #[test]
    fn timestamps_and_hex_are_cheap() {
        let mut s = Shapes::default();
        s.find(b"2026-11-23T10:00:01Z id=4f1c2a3b-9d2e mac 00:1A:2B:3C:4D:5E");
        assert!(s.hexcolon.iter().any(|t| t.size == 17));
        assert!(!s.hexcolon.iter().any(|t| t.size == 8));
    }

    /// Lines built from the pieces that decide token boundaries.
    fn shapey_line() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(b"0".to_vec()),
            Just(b"42".to_vec()),
            Just(b"217".to_vec()),
            Just(b"5550123".to_vec()),
            Just(b"1EG4TE5MK73".to_vec()),
            Just(b"00:1A:2B:3C:4D:5E".to_vec()),
            Just(b"00-1A-2B-3C-4D-5E".to_vec()),
            Just(b"2001:db8::1".to_vec()),
            Just(b"ab".to_vec()),
            Just(b"XY".to_vec()),
            Just(b"Zq".to_vec()),
            prop::sample::select(b"-./() +:_=,\"\t\xc3\xa9".to_vec()).prop_map(|b| vec![b]),
            proptest::collection::vec(any::<u8>(), 0..3),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn mask_pass_finds_what_the_byte_loop_found(line in shapey_line()) {
            let mut fast = Shapes::default();
            fast.find(&line);
            let mut slow = reference::Shapes::default();
            slow.find(&line);
            proptest::prop_assert_eq!(&fast.digits, &slow.digits);
            proptest::prop_assert_eq!(&fast.alnum, &slow.alnum);
            proptest::prop_assert_eq!(&fast.hexcolon, &slow.hexcolon);
        }
    }

    #[test]
    fn long_lines_cross_mask_words() {
        let mut line = b"x ".repeat(40);
        line.extend_from_slice(
            b"call (217) 555-0123 mac 00-1A-2B-3C-4D-5E ip 2001:db8:85a3::8a2e:370:7334 ",
        );
        line.extend_from_slice(&b"1".repeat(70_000));
        let mut fast = Shapes::default();
        fast.find(&line);
        let mut slow = reference::Shapes::default();
        slow.find(&line);
        assert_eq!(fast.digits, slow.digits);
        assert_eq!(fast.alnum, slow.alnum);
        assert_eq!(fast.hexcolon, slow.hexcolon);
    }
}
