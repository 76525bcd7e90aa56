//! Turning raw findings into disjoint replacement spans: bounds-checked, widened to
//! whole UTF-8 characters (so valid UTF-8 stays valid), sorted, overlaps merged.

use crate::detect::Finding;

use super::ScrubError;

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Normalises `findings` in place into sorted, disjoint spans over `input`. A merged span
/// keeps the type and rule of its earliest, longest finding, and covers every byte of
/// every finding it absorbed.
pub fn normalize(findings: &mut Vec<Finding>, input: &[u8]) -> Result<(), ScrubError> {
    for f in findings.iter_mut() {
        if f.start >= f.end || f.end > input.len() {
            return Err(ScrubError::FindingOutOfBounds);
        }
        while f.start > 0 && is_continuation(input[f.start]) {
            f.start -= 1;
        }
        while f.end < input.len() && is_continuation(input[f.end]) {
            f.end += 1;
        }
    }
    findings.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut write = 0;
    for read in 0..findings.len() {
        let next = findings[read];
        if write > 0 && next.start < findings[write - 1].end {
            let merged = &mut findings[write - 1];
            merged.end = merged.end.max(next.end);
        } else {
            findings[write] = next;
            write += 1;
        }
    }
    findings.truncate(write);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{PhiType, RuleIdx};

    fn f(start: usize, end: usize) -> Finding {
        Finding {
            start,
            end,
            phi_type: PhiType::Ssn,
            rule: RuleIdx(0),
        }
    }

    #[test]
    fn overlapping_findings_merge_and_adjacent_ones_stay_apart() {
        let input = b"0123456789abcdef";
        let mut v = vec![f(5, 8), f(2, 4), f(3, 6), f(8, 10), f(12, 13)];
        normalize(&mut v, input).unwrap();
        let spans: Vec<_> = v.iter().map(|x| (x.start, x.end)).collect();
        assert_eq!(spans, [(2, 8), (8, 10), (12, 13)]);
    }

    #[test]
    fn spans_widen_to_whole_characters() {
        let input = "aé€b".as_bytes(); // a, é (2 bytes), € (3 bytes), b
        let mut v = vec![f(2, 4)];
        normalize(&mut v, input).unwrap();
        assert_eq!((v[0].start, v[0].end), (1, 6));
    }

    #[test]
    fn out_of_bounds_findings_fail_closed() {
        assert!(normalize(&mut vec![f(3, 30)], b"short").is_err());
        assert!(normalize(&mut vec![f(3, 3)], b"short").is_err());
    }
}
