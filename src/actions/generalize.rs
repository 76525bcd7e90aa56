//! HIPAA Safe Harbor generalisation: keep only what 45 CFR 164.514(b)(2) allows.
//!
//! DATE → its year, AGE_OVER_89 → `90+`, ZIP → its first three digits, or `000` where the
//! three-digit area held 20,000 people or fewer (the list ships as data in
//! `data/zip3_restricted.txt`, with its provenance). Other types have no Safe Harbor
//! generalisation and fall back to `mask`, so `generalize` never leaks a value it cannot
//! reduce.

use crate::detect::PhiType;

/// The restricted ZIP3 prefixes, one per line, `#` comments.
const RESTRICTED_ZIP3: &str = include_str!("data/zip3_restricted.txt");

/// Whether a three-digit ZIP prefix is in a sparsely populated area (→ `000`).
pub fn zip3_is_restricted(zip3: &[u8]) -> bool {
    RESTRICTED_ZIP3
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l.as_bytes() == zip3)
}

/// Writes the generalised form of `value` (a `phi_type` finding) to `out`; returns false
/// when the type or value has no Safe Harbor generalisation (the caller masks instead).
pub fn generalize(phi_type: PhiType, value: &[u8], out: &mut Vec<u8>) -> bool {
    match phi_type {
        PhiType::AgeOver89 => {
            out.extend_from_slice(b"90+");
            true
        }
        PhiType::Zip => {
            let mut digits = value.iter().filter(|b| b.is_ascii_digit());
            let zip3: Vec<u8> = digits.by_ref().take(3).copied().collect();
            if zip3.len() < 3 {
                return false;
            }
            if zip3_is_restricted(&zip3) {
                out.extend_from_slice(b"000");
            } else {
                out.extend_from_slice(&zip3);
            }
            true
        }
        PhiType::Date => match find_year(value) {
            Some(year) => {
                out.extend_from_slice(year);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// The first four-digit run (not part of a longer digit run, except a leading `YYYYMMDD`)
/// that reads as a year between 1800 and 2199.
fn find_year(value: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    while i < value.len() {
        if !value[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < value.len() && value[i].is_ascii_digit() {
            i += 1;
        }
        let run = &value[start..i];
        let candidate = match run.len() {
            4 => run,
            8 => &run[..4],
            _ => continue,
        };
        if matches!(&candidate[..2], b"18" | b"19" | b"20" | b"21") {
            return Some(candidate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generalized(t: PhiType, v: &str) -> Option<String> {
        let mut out = Vec::new();
        generalize(t, v.as_bytes(), &mut out).then(|| String::from_utf8(out).unwrap())
    }

    #[test]
    fn dates_keep_only_the_year() {
        assert_eq!(
            generalized(PhiType::Date, "1961-03-14").as_deref(),
            Some("1961")
        );
        assert_eq!(
            generalized(PhiType::Date, "03/14/1961").as_deref(),
            Some("1961")
        );
        assert_eq!(
            generalized(PhiType::Date, "March 14, 1961").as_deref(),
            Some("1961")
        );
        assert_eq!(
            generalized(PhiType::Date, "19610314").as_deref(),
            Some("1961")
        );
        assert_eq!(generalized(PhiType::Date, "03/14/61"), None);
    }

    #[test]
    fn zips_keep_three_digits_unless_sparse() {
        assert_eq!(generalized(PhiType::Zip, "02139").as_deref(), Some("021"));
        assert_eq!(
            generalized(PhiType::Zip, "03601-1234").as_deref(),
            Some("000")
        );
        assert_eq!(generalized(PhiType::Zip, "89301").as_deref(), Some("000"));
        assert_eq!(generalized(PhiType::Zip, "12"), None);
    }

    #[test]
    fn ages_over_89_become_90_plus_and_other_types_mask() {
        assert_eq!(
            generalized(PhiType::AgeOver89, "93").as_deref(),
            Some("90+")
        );
        assert_eq!(generalized(PhiType::Ssn, "123-45-6789"), None);
    }

    #[test]
    fn the_restricted_list_has_the_17_hhs_prefixes() {
        let n = RESTRICTED_ZIP3
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(n, 17);
    }
}
