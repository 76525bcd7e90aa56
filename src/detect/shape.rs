//! The shape pass: one byte-class walk per line that proposes candidate tokens for the
//! shape rules (digits-and-separators for SSN/phone/date/IP/card/ZIP, upper-case
//! alphanumerics for VIN/MBI/DEA/HICN, hex-and-colons for MAC/IPv6), with the cheap
//! rejections PERFORMANCE.md asks for (digit counts, separators, letters) done here so
//! that most ops tokens (timestamps, hex ids, durations) never reach a regex.

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

/// Reusable token lists.
#[derive(Debug, Default)]
pub struct Shapes {
    /// Digit-and-separator tokens.
    pub digits: Vec<Token>,
    /// Upper-case alphanumeric (and `-`) tokens with letters and digits.
    pub alnum: Vec<Token>,
    /// Hex-and-colon tokens that can be a MAC or IPv6.
    pub hexcolon: Vec<Token>,
}

impl Shapes {
    /// Fills the lists for `hay`.
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
            if all & UPPER != 0 && all & DIGIT != 0 && all & LOWER == 0 && (9..=17).contains(&len) {
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
                digits += 1;
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
        let glued_after = end < n && glued(hay[end]);
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
                self.push_parts(hay, s, end);
            }
        }
        end.max(i)
    }

    fn push_parts(&mut self, hay: &[u8], s: usize, end: usize) {
        let mut p = s;
        while p < end {
            while p < end && hay[p] == b' ' {
                p += 1;
            }
            let q0 = p;
            let (mut digits, mut seps) = (0u16, 0u8);
            while p < end && hay[p] != b' ' {
                if hay[p].is_ascii_digit() {
                    digits += 1;
                } else {
                    seps |= sep_bit(hay[p]);
                }
                p += 1;
            }
            if digits > 0 && (q0 != s || p != end) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
