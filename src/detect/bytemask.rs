//! Byte-class bitmasks of a line, 64 bytes per word, built with SIMD compares (`wide`:
//! SSE2/AVX2 on x86, NEON on ARM, scalar elsewhere), and the run searches the shape pass
//! walks them with. Finding a token's end becomes a `trailing_zeros` instead of a branch per
//! byte, which is what lets the shape pass keep up with the literal engine.

use wide::i8x16;

const DIGIT: usize = 0;
const UPPER: usize = 1;
const LOWER: usize = 2;
const HEX: usize = 3;
const DASH: usize = 4;
const COLON: usize = 5;
const WORD: usize = 6;
const HEX_RUN: usize = 7;
const SEP: usize = 8;
const NUMBER: usize = 9;
const GLUE: usize = 10;
const NUMBER_START: usize = 11;
const COLON_JOIN: usize = 12;
const DASH_JOIN: usize = 13;
const LONG_UPPER: usize = 14;
const CAPITAL: usize = 15;
const SPACE: usize = 16;
const CLASSES: usize = 17;

/// One bit per byte of the line for each class the shape pass asks about, stored 64 bytes
/// (one word per class) at a time so that a line costs one buffer resize.
#[derive(Debug, Default)]
pub struct ClassMasks {
    blocks: Vec<[u64; CLASSES]>,
}

/// One class of a [`ClassMasks`].
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    blocks: &'a [[u64; CLASSES]],
    class: usize,
}

impl Mask for View<'_> {
    #[inline]
    fn word(&self, w: usize) -> u64 {
        self.blocks.get(w).map_or(0, |b| b[self.class])
    }
}

macro_rules! class_views {
    ($($(#[$doc:meta])* $name:ident = $class:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self) -> View<'_> {
                View { blocks: &self.blocks, class: $class }
            }
        )*
    };
}

impl ClassMasks {
    class_views! {
        /// `0-9`.
        digit = DIGIT;
        /// `A-Z`.
        upper = UPPER;
        /// `a-z`.
        lower = LOWER;
        /// `0-9a-fA-F`.
        hex = HEX;
        /// `:`.
        colon = COLON;
        /// `[A-Za-z0-9-]`: the bytes of a word for the upper-case id pass.
        word = WORD;
        /// `[0-9A-Fa-f:-]`: the bytes of a MAC or IPv6 run.
        hex_run = HEX_RUN;
        /// Digits plus the one- or two-separator gaps that join digit runs into one
        /// number (`(217) 555-0123`, `4111 1111`): a digit token is a run of these.
        number = NUMBER;
        /// The first digit of a `number` run that no letter or `_` directly precedes: the
        /// only places a digit token can start (`T20`, `af02`, `v1` are glued). Also set on
        /// a digit after a space gap inside a `number` run: where a run glued on the left
        /// (`…df7 71.132.152.156`) still holds whole numbers, looked at from its start.
        number_start = NUMBER_START;
        /// A colon next to another `hex_run` byte: every run of two or more colons holds
        /// one (a lone `:` between keys and values does not).
        colon_join = COLON_JOIN;
        /// A dash between two hex digits: every dash of a dashed MAC is one.
        dash_join = DASH_JOIN;
        /// An upper-case letter inside a `word` run of 9 or more bytes: the only words an
        /// upper-case id (VIN, MBI, DEA, HICN) or a dashed MAC can be.
        long_upper = LONG_UPPER;
        /// An upper-case letter that starts a word (no letter, digit or `_` before it):
        /// where a capitalised name can begin.
        capital = CAPITAL;
    }

    /// Classifies `hay`, reusing the buffer.
    pub fn build(&mut self, hay: &[u8]) {
        let words = hay.len().div_ceil(64);
        self.blocks.clear();
        self.blocks.resize(words, [0; CLASSES]);
        for (block, chunk) in self.blocks.iter_mut().zip(hay.chunks(64)) {
            let mut tail = [0u8; 64];
            let bytes: &[u8; 64] = match chunk.try_into() {
                Ok(full) => full,
                Err(_) => {
                    tail[..chunk.len()].copy_from_slice(chunk);
                    &tail
                }
            };
            classify_block(bytes, block);
            // Unions of classes are cheaper on the 64-bit words than per byte lane.
            block[HEX] |= block[DIGIT];
            block[WORD] = block[DIGIT] | block[UPPER] | block[LOWER] | block[DASH];
            block[HEX_RUN] = block[HEX] | block[DASH] | block[COLON];
            block[GLUE] |= block[UPPER] | block[LOWER];
        }
        // Digits on either side of a one- or two-byte separator gap; `back(c, k)` has bit p
        // set when bit p-k of class c is, `ahead(c, k)` when bit p+k is (across words).
        let empty = [0u64; CLASSES];
        for w in 0..words {
            let prev = if w > 0 { self.blocks[w - 1] } else { empty };
            let next = self.blocks.get(w + 1).copied().unwrap_or(empty);
            let cur = &mut self.blocks[w];
            let back = |c: usize, k: u32| cur[c] << k | prev[c] >> (64 - k);
            let ahead = |c: usize, k: u32| cur[c] >> k | next[c] << (64 - k);
            let s = cur[SEP];
            let one_gap = s & back(DIGIT, 1) & ahead(DIGIT, 1);
            let two_gap_first = s & ahead(SEP, 1) & back(DIGIT, 1) & ahead(DIGIT, 2);
            let two_gap_second = s & back(SEP, 1) & back(DIGIT, 2) & ahead(DIGIT, 1);
            cur[NUMBER] = cur[DIGIT] | one_gap | two_gap_first | two_gap_second;
        }
        // Derived from NUMBER, so a second walk (its `back` needs the previous word's).
        let mut prev_long = 0u64;
        for w in 0..words {
            let prev = if w > 0 { self.blocks[w - 1] } else { empty };
            let next = self.blocks.get(w + 1).copied().unwrap_or(empty);
            let cur = &mut self.blocks[w];
            let back = |c: usize| cur[c] << 1 | prev[c] >> 63;
            let ahead = |c: usize| cur[c] >> 1 | next[c] << 63;
            // A gap holding a space is one or two bytes wide (` `, `- `, ` -`).
            let back2 = |c: usize| cur[c] << 2 | prev[c] >> 62;
            let number_start = cur[NUMBER] & !back(NUMBER) & !back(GLUE)
                | cur[DIGIT] & back(NUMBER) & (back(SPACE) | back2(SPACE));
            let colon_join = cur[COLON] & (back(HEX_RUN) | ahead(HEX_RUN));
            let dash_join = cur[DASH] & back(HEX) & ahead(HEX);
            let capital = cur[UPPER] & !(back(GLUE) | back(DIGIT));
            // Bit p of `long`: bytes p..p+9 are all word bytes; `cover` spreads each such
            // start over its nine bytes.
            let mut long = cur[WORD];
            for k in 1..9 {
                long &= cur[WORD] >> k | next[WORD] << (64 - k);
            }
            let mut cover = long;
            for k in 1..9 {
                cover |= long << k | prev_long >> (64 - k);
            }
            prev_long = long;
            cur[NUMBER_START] = number_start;
            cur[COLON_JOIN] = colon_join;
            cur[DASH_JOIN] = dash_join;
            cur[LONG_UPPER] = cur[UPPER] & cover;
            cur[CAPITAL] = capital;
        }
    }
}

/// Sets the base classes (digit, upper, lower, hex letter, dash, colon, separator, `_`) of
/// one 64-byte block: with AVX-512BW where the CPU has it (one compare per class yields the
/// 64-bit mask directly), else four 16-byte lanes of `wide`.
fn classify_block(bytes: &[u8; 64], block: &mut [u64; CLASSES]) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    if std::arch::is_x86_feature_detected!("avx512bw") {
        // SAFETY: the CPU supports AVX-512BW (checked just above).
        unsafe { classify_block_avx512(bytes, block) };
        return;
    }
    classify_block_lanes(bytes, block);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
#[allow(unsafe_code)]
fn classify_block_avx512(bytes: &[u8; 64], block: &mut [u64; CLASSES]) {
    use std::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_cmple_epu8_mask, _mm512_loadu_si512,
        _mm512_or_si512, _mm512_set1_epi8, _mm512_sub_epi8,
    };
    // SAFETY: `bytes` is 64 readable bytes; the load has no alignment requirement.
    let x = unsafe { _mm512_loadu_si512(bytes.as_ptr().cast::<__m512i>()) };
    // `lo..=hi` as one unsigned compare: bytes below `lo` wrap around to large values.
    let range = |lo: u8, hi: u8| {
        _mm512_cmple_epu8_mask(
            _mm512_sub_epi8(x, _mm512_set1_epi8(lo as i8)),
            _mm512_set1_epi8((hi - lo) as i8),
        )
    };
    let eq = |c: u8| _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(c as i8));
    // `x | 0x20` maps exactly A-F onto a-f (and a-f onto themselves).
    let folded = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
    let hex_letter = _mm512_cmple_epu8_mask(
        _mm512_sub_epi8(folded, _mm512_set1_epi8(b'a' as i8)),
        _mm512_set1_epi8(5),
    );
    let dash = eq(b'-');
    block[DIGIT] = range(b'0', b'9');
    block[UPPER] = range(b'A', b'Z');
    block[LOWER] = range(b'a', b'z');
    block[HEX] = hex_letter;
    block[DASH] = dash;
    block[COLON] = eq(b':');
    // `(` and `)` are 0x28 and 0x29; `+` is 0x2b; `.` and `/` are 0x2e and 0x2f.
    block[SEP] = dash | range(b'.', b'/') | range(b'(', b')') | eq(b' ') | eq(b'+');
    block[GLUE] = eq(b'_');
    block[SPACE] = eq(b' ');
}

fn classify_block_lanes(bytes: &[u8; 64], block: &mut [u64; CLASSES]) {
    for k in 0..4 {
        let lane: [i8; 16] = std::array::from_fn(|i| bytes[k * 16 + i] as i8);
        let x = i8x16::new(lane);
        // Signed compares: bytes >= 0x80 are negative and fall outside every range.
        let range = |a: u8, b: u8| {
            x.simd_gt(i8x16::splat(a as i8 - 1)) & x.simd_lt(i8x16::splat(b as i8 + 1))
        };
        let eq = |c: u8| x.simd_eq(i8x16::splat(c as i8));
        let shift = k * 16;
        let bits = |m: i8x16| u64::from(m.to_bitmask() as u16) << shift;
        // `x | 0x20` maps exactly A-F onto a-f (and a-f onto themselves).
        let hex_letter = {
            let folded = x | i8x16::splat(0x20);
            folded.simd_gt(i8x16::splat(b'a' as i8 - 1))
                & folded.simd_lt(i8x16::splat(b'f' as i8 + 1))
        };
        let dash = eq(b'-');
        block[DIGIT] |= bits(range(b'0', b'9'));
        block[UPPER] |= bits(range(b'A', b'Z'));
        block[LOWER] |= bits(range(b'a', b'z'));
        block[HEX] |= bits(hex_letter);
        block[DASH] |= bits(dash);
        block[COLON] |= bits(eq(b':'));
        block[SEP] |= bits(dash | eq(b'.') | eq(b'/') | eq(b'(') | eq(b')') | eq(b' ') | eq(b'+'));
        block[GLUE] |= bits(eq(b'_'));
        block[SPACE] |= bits(eq(b' '));
    }
}

/// A bitmask over a line's bytes, read word by word.
pub trait Mask {
    /// The 64 bits of word `w` (0 past the end).
    fn word(&self, w: usize) -> u64;
}

/// The first position `>= from` whose bit is set (`len` if none).
pub fn next_one<M: Mask + ?Sized>(m: &M, from: usize, len: usize) -> usize {
    next_with(|w| m.word(w), from, len)
}

/// The first position `>= from` whose bit is clear (`len` if none).
pub fn next_zero<M: Mask + ?Sized>(m: &M, from: usize, len: usize) -> usize {
    next_with(|w| !m.word(w), from, len)
}

#[inline]
fn next_with(word: impl Fn(usize) -> u64, from: usize, len: usize) -> usize {
    if from >= len {
        return len;
    }
    let mut w = from / 64;
    let mut bits = word(w) & (!0u64 << (from % 64));
    loop {
        if bits != 0 {
            return (w * 64 + bits.trailing_zeros() as usize).min(len);
        }
        w += 1;
        if w * 64 >= len {
            return len;
        }
        bits = word(w);
    }
}

/// The start of the run of set bits that contains `pos` (whose bit must be set).
pub fn run_start<M: Mask + ?Sized>(m: &M, pos: usize) -> usize {
    let mut w = pos / 64;
    // Clear bits at and below `pos` are what we look for: invert, keep bits < pos.
    let below = pos % 64;
    let mut zeros = if below == 0 {
        0
    } else {
        !m.word(w) & ((1u64 << below) - 1)
    };
    loop {
        if zeros != 0 {
            return w * 64 + 64 - zeros.leading_zeros() as usize;
        }
        if w == 0 {
            return 0;
        }
        w -= 1;
        zeros = !m.word(w);
    }
}

/// Number of set bits in `start..end`.
#[inline]
pub fn count<M: Mask + ?Sized>(m: &M, start: usize, end: usize) -> u32 {
    if start >= end {
        return 0;
    }
    let (first, last) = (start / 64, (end - 1) / 64);
    let low = !0u64 << (start % 64);
    let high = !0u64 >> (63 - (end - 1) % 64);
    if first == last {
        return (m.word(first) & low & high).count_ones();
    }
    let inner: u32 = (first + 1..last).map(|w| m.word(w).count_ones()).sum();
    (m.word(first) & low).count_ones() + inner + (m.word(last) & high).count_ones()
}

/// Whether any bit in `start..end` is set.
#[inline]
pub fn any<M: Mask + ?Sized>(m: &M, start: usize, end: usize) -> bool {
    start < end && next_one(m, start, end) < end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_match_the_byte_predicates() {
        let hay: Vec<u8> = (0..=255u8).chain(b"abc-XYZ:09".iter().copied()).collect();
        let mut m = ClassMasks::default();
        m.build(&hay);
        for (i, b) in hay.iter().enumerate() {
            let bit = |v: View<'_>| v.word(i / 64) >> (i % 64) & 1 == 1;
            assert_eq!(bit(m.digit()), b.is_ascii_digit(), "byte {b}");
            assert_eq!(bit(m.upper()), b.is_ascii_uppercase(), "byte {b}");
            assert_eq!(bit(m.lower()), b.is_ascii_lowercase(), "byte {b}");
            assert_eq!(bit(m.hex()), b.is_ascii_hexdigit(), "byte {b}");
            let dash = View {
                blocks: &m.blocks,
                class: DASH,
            };
            assert_eq!(bit(dash), *b == b'-', "byte {b}");
            assert_eq!(bit(m.colon()), *b == b':', "byte {b}");
            let sep = View {
                blocks: &m.blocks,
                class: SEP,
            };
            assert_eq!(bit(sep), b"-./() +".contains(b), "byte {b}");
            let space = View {
                blocks: &m.blocks,
                class: SPACE,
            };
            assert_eq!(bit(space), *b == b' ', "byte {b}");
            let word = b.is_ascii_alphanumeric() || *b == b'-';
            assert_eq!(bit(m.word()), word, "byte {b}");
            let hex_run = b.is_ascii_hexdigit() || *b == b'-' || *b == b':';
            assert_eq!(bit(m.hex_run()), hex_run, "byte {b}");
        }
    }

    #[test]
    fn both_block_classifiers_agree() {
        // Every byte value in every lane position, then some pseudo-random blocks.
        let mut blocks: Vec<[u8; 64]> = (0..4)
            .map(|k| std::array::from_fn(|i| (k * 64 + i) as u8))
            .collect();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..256 {
            blocks.push(std::array::from_fn(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            }));
        }
        for bytes in &blocks {
            let mut lanes = [0u64; CLASSES];
            classify_block_lanes(bytes, &mut lanes);
            let mut chosen = [0u64; CLASSES];
            classify_block(bytes, &mut chosen);
            assert_eq!(lanes, chosen);
        }
    }

    #[test]
    fn searches_cross_word_boundaries() {
        let mut hay = vec![b'x'; 200];
        hay[60..140].fill(b'7');
        let mut m = ClassMasks::default();
        m.build(&hay);
        let d = &m.digit();
        assert_eq!(next_one(d, 0, 200), 60);
        assert_eq!(next_zero(d, 60, 200), 140);
        assert_eq!(next_one(d, 140, 200), 200);
        assert_eq!(run_start(d, 139), 60);
        assert_eq!(run_start(d, 64), 60);
        assert_eq!(count(d, 0, 200), 80);
        assert_eq!(count(d, 63, 65), 2);
        assert_eq!(count(d, 60, 64), 4);
        assert_eq!(count(d, 59, 129), 69);
        assert!(any(d, 139, 141));
        assert!(!any(d, 140, 200));
        assert!(!any(d, 70, 70));
        let mut all = vec![b'5'; 130];
        all[0] = b'5';
        m.build(&all);
        assert_eq!(run_start(&m.digit(), 129), 0);
        assert_eq!(next_zero(&m.digit(), 0, 130), 130);
    }
}
