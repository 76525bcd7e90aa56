//! Byte-class bitmasks of a line, 64 bytes per word, built with SIMD compares (`wide`:
//! SSE2/AVX2 on x86, NEON on ARM, scalar elsewhere), and the run searches the shape pass
//! walks them with. Finding a token's end becomes a `trailing_zeros` instead of a branch per
//! byte, which is what lets the shape pass keep up with the literal engine.

use wide::i8x16;

/// One bit per byte of the line for each class the shape pass asks about.
#[derive(Debug, Default)]
pub struct ClassMasks {
    /// `0-9`.
    pub digit: Vec<u64>,
    /// `A-Z`.
    pub upper: Vec<u64>,
    /// `a-z`.
    pub lower: Vec<u64>,
    /// `a-f` and `A-F`.
    pub hex_alpha: Vec<u64>,
    /// `-`.
    pub dash: Vec<u64>,
    /// `:`.
    pub colon: Vec<u64>,
    /// `[A-Za-z0-9-]`: the bytes of a word for the upper-case id pass.
    pub word: Vec<u64>,
    /// `[0-9A-Fa-f:-]`: the bytes of a MAC or IPv6 run.
    pub hex_run: Vec<u64>,
    /// Number separators `-./() +`.
    pub sep: Vec<u64>,
    /// Digits plus the one- or two-separator gaps that join digit runs into one number
    /// (`(217) 555-0123`, `4111 1111`): a digit token is a run of these.
    pub number: Vec<u64>,
}

impl ClassMasks {
    /// Classifies `hay`, reusing the buffers.
    pub fn build(&mut self, hay: &[u8]) {
        let words = hay.len().div_ceil(64);
        for v in [
            &mut self.digit,
            &mut self.upper,
            &mut self.lower,
            &mut self.hex_alpha,
            &mut self.dash,
            &mut self.colon,
            &mut self.word,
            &mut self.hex_run,
            &mut self.sep,
            &mut self.number,
        ] {
            v.clear();
            v.resize(words, 0);
        }
        for (w, chunk) in hay.chunks(64).enumerate() {
            let mut block = [0u8; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            for k in 0..4 {
                let lane: [i8; 16] = std::array::from_fn(|i| block[k * 16 + i] as i8);
                let x = i8x16::new(lane);
                // Signed compares: bytes >= 0x80 are negative and fall outside every range.
                let range = |a: u8, b: u8| {
                    x.simd_gt(i8x16::splat(a as i8 - 1)) & x.simd_lt(i8x16::splat(b as i8 + 1))
                };
                let eq = |c: u8| x.simd_eq(i8x16::splat(c as i8));
                let shift = k * 16;
                let bits = |m: i8x16| u64::from(m.to_bitmask() as u16) << shift;
                self.digit[w] |= bits(range(b'0', b'9'));
                self.upper[w] |= bits(range(b'A', b'Z'));
                self.lower[w] |= bits(range(b'a', b'z'));
                self.hex_alpha[w] |= bits(range(b'a', b'f') | range(b'A', b'F'));
                self.dash[w] |= bits(eq(b'-'));
                self.colon[w] |= bits(eq(b':'));
                self.sep[w] |= bits(
                    eq(b'-') | eq(b'.') | eq(b'/') | eq(b'(') | eq(b')') | eq(b' ') | eq(b'+'),
                );
            }
            let (d, dash) = (self.digit[w], self.dash[w]);
            self.word[w] = d | self.upper[w] | self.lower[w] | dash;
            self.hex_run[w] = d | self.hex_alpha[w] | dash | self.colon[w];
        }
        // Bit p of `back(v, k)` is bit p-k of v, of `ahead(v, k)` bit p+k (across words).
        let back = |v: &[u64], w: usize, k: u32| {
            let prev = if w > 0 { v[w - 1] >> (64 - k) } else { 0 };
            v[w] << k | prev
        };
        let ahead = |v: &[u64], w: usize, k: u32| {
            let next = v.get(w + 1).map_or(0, |x| x << (64 - k));
            v[w] >> k | next
        };
        for w in 0..words {
            let (d, sep) = (&self.digit, &self.sep);
            let s = sep[w];
            let one_gap = s & back(d, w, 1) & ahead(d, w, 1);
            let two_gap_first = s & ahead(sep, w, 1) & back(d, w, 1) & ahead(d, w, 2);
            let two_gap_second = s & back(sep, w, 1) & back(d, w, 2) & ahead(d, w, 1);
            self.number[w] = d[w] | one_gap | two_gap_first | two_gap_second;
        }
    }
}

/// A union of class masks, read word by word.
pub trait Mask {
    /// The 64 bits of word `w` (0 past the end).
    fn word(&self, w: usize) -> u64;
}

impl Mask for [u64] {
    fn word(&self, w: usize) -> u64 {
        self.get(w).copied().unwrap_or(0)
    }
}

impl<A: Mask + ?Sized, B: Mask + ?Sized> Mask for (&A, &B) {
    fn word(&self, w: usize) -> u64 {
        self.0.word(w) | self.1.word(w)
    }
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
            let bit = |v: &[u64]| v[i / 64] >> (i % 64) & 1 == 1;
            assert_eq!(bit(&m.digit), b.is_ascii_digit(), "byte {b}");
            assert_eq!(bit(&m.upper), b.is_ascii_uppercase(), "byte {b}");
            assert_eq!(bit(&m.lower), b.is_ascii_lowercase(), "byte {b}");
            assert_eq!(
                bit(&m.hex_alpha),
                b.is_ascii_hexdigit() && !b.is_ascii_digit(),
                "byte {b}"
            );
            assert_eq!(bit(&m.dash), *b == b'-', "byte {b}");
            assert_eq!(bit(&m.colon), *b == b':', "byte {b}");
            assert_eq!(bit(&m.sep), b"-./() +".contains(b), "byte {b}");
        }
    }

    #[test]
    fn searches_cross_word_boundaries() {
        let mut hay = vec![b'x'; 200];
        hay[60..140].fill(b'7');
        let mut m = ClassMasks::default();
        m.build(&hay);
        let d = m.digit.as_slice();
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
        assert_eq!(run_start(m.digit.as_slice(), 129), 0);
        assert_eq!(next_zero(m.digit.as_slice(), 0, 130), 130);
    }
}
