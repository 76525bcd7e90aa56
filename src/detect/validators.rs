//! Checksums and sanity checks that turn a regex match into a finding: a pattern says "this
//! looks like an SSN", a validator says "this can be one" (area/group/serial rules, Luhn,
//! check digits, calendar dates, IP syntax). They are pure functions over the matched bytes,
//! so both engines share them and they are tested against the published algorithms.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A validator named in a rule file (`validator = "luhn"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// Luhn over the digits (IMEI).
    Luhn,
    /// Payment card: known IIN range with a length its scheme issues, Luhn; a bare digit
    /// run (no separators) longer than 16 digits is left to `card_long` (it needs context:
    /// 17–19-digit snowflake ids pass Luhn and an IIN by chance one time in ten).
    Card,
    /// `card` for 17–19-digit bare runs too (used with a card keyword as context).
    CardLong,
    /// An identifier token: 6–15 upper-case letters and digits, at least 4 digits, at most
    /// one `-` (so that dates, host names and plain words are not ids).
    IdToken,
    /// International phone `+<country code><subscriber>`: 10–15 digits, no leading 0 or 1.
    PhoneIntl,
    /// US SSN: area 001–899 except 666, group 01–99, serial 0001–9999.
    Ssn,
    /// NPI: 10 digits, Luhn over `80840` + the digits.
    Npi,
    /// DEA registration: 2 letters + 7 digits with its checksum.
    Dea,
    /// VIN: 17 characters, no I/O/Q, check digit in position 9.
    Vin,
    /// Medicare Beneficiary Identifier character-position rules.
    Mbi,
    /// IPv4 dotted quad.
    Ipv4,
    /// IPv6 in any textual form.
    Ipv6,
    /// A calendar date that exists, year 1900–2100 when four digits are given.
    Date,
    /// A month/day without a year (`4/28`, `12/9`): the day exists in that month.
    MonthDay,
    /// A valid date with a four-digit year in 1900–2005, not a sentinel (1970-01-01, Jan 1 1900/1901).
    DateHistoric,
    /// NANP phone: area and exchange codes start with 2–9.
    Nanp,
    /// An age of 90 or more (and below 130).
    AgeOver89,
    /// US ZIP or ZIP+4 that is not 00000.
    Zip,
    /// A MAC address that is not a Docker bridge's (`02:42:…`, made up from a container's
    /// IP, never a patient's device).
    Mac,
    /// An e-mail address that can belong to a person: not a system mailbox (`noreply@`,
    /// `postmaster@`, `scheduling-noreply@`) and not a message or calendar id whose local
    /// part is a UUID or a long hex run (`<uuid>@mx.example.org`).
    PersonalEmail,
}

impl std::str::FromStr for Validator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "luhn" => Self::Luhn,
            "card" => Self::Card,
            "card_long" => Self::CardLong,
            "id_token" => Self::IdToken,
            "phone_intl" => Self::PhoneIntl,
            "ssn" => Self::Ssn,
            "npi" => Self::Npi,
            "dea" => Self::Dea,
            "vin" => Self::Vin,
            "mbi" => Self::Mbi,
            "ipv4" => Self::Ipv4,
            "ipv6" => Self::Ipv6,
            "date" => Self::Date,
            "date_historic" => Self::DateHistoric,
            "month_day" => Self::MonthDay,
            "nanp" => Self::Nanp,
            "age_over_89" => Self::AgeOver89,
            "zip" => Self::Zip,
            "mac" => Self::Mac,
            "personal_email" => Self::PersonalEmail,
            other => return Err(format!("unknown validator `{other}`")),
        })
    }
}

impl Validator {
    /// Whether `span` (the captured bytes) passes.
    pub fn check(self, span: &[u8]) -> bool {
        match self {
            Self::Luhn => luhn_digits(span),
            Self::Card => card(span, false),
            Self::CardLong => card(span, true),
            Self::IdToken => id_token(span),
            Self::PhoneIntl => phone_intl(span),
            Self::Ssn => ssn(span),
            Self::Npi => npi(span),
            Self::Dea => dea(span),
            Self::Vin => vin(span),
            Self::Mbi => mbi(span),
            Self::Ipv4 => parse_ipv4(span).is_some(),
            Self::Ipv6 => parse_ipv6(span).is_some(),
            Self::Date => date(span),
            Self::DateHistoric => date_historic(span),
            Self::MonthDay => month_day(span),
            Self::Nanp => nanp(span),
            Self::AgeOver89 => age_over_89(span),
            Self::Zip => zip(span),
            Self::Mac => !(span.len() >= 5 && span[..2] == *b"02" && span[3..5] == *b"42"),
            Self::PersonalEmail => personal_email(span),
        }
    }
}

/// Mailboxes no person reads as themselves; matched on the whole local part. (`alerts`,
/// `notifications`, `webmaster` are desk words: [`ROLE_WORDS`] covers them alone and in
/// compounds.)
const SYSTEM_MAILBOXES: [&[u8]; 13] = [
    b"postmaster",
    b"hostmaster",
    b"abuse",
    b"root",
    b"daemon",
    b"notification",
    b"notify",
    b"bounce",
    b"bounces",
    b"devnull",
    b"null",
    b"nobody",
    b"auto-reply",
];

/// Words that mark an automated sender wherever they sit in the local part.
const SYSTEM_MARKS: [&[u8]; 5] = [
    b"noreply",
    b"no-reply",
    b"donotreply",
    b"do-not-reply",
    b"mailer-daemon",
];

/// Words a role or department mailbox is made of (`referrals@`, `it-oncall@`,
/// `billing-notifications@`, `medical.records@`): a local part of these words alone names
/// a desk, not a person. Sorted (binary search).
const ROLE_WORDS: [&[u8]; 70] = [
    b"accounts",
    b"admin",
    b"admissions",
    b"alerts",
    b"appointments",
    b"appts",
    b"billing",
    b"careteam",
    b"claims",
    b"clinic",
    b"compliance",
    b"contact",
    b"csr",
    b"customerservice",
    b"dept",
    b"desk",
    b"devops",
    b"dispatch",
    b"eligibility",
    b"enrollment",
    b"feedback",
    b"finance",
    b"frontdesk",
    b"help",
    b"helpdesk",
    b"him",
    b"himdept",
    b"hr",
    b"imaging",
    b"info",
    b"intake",
    b"it",
    b"lab",
    b"legal",
    b"mailroom",
    b"medical",
    b"medicalrecords",
    b"member",
    b"members",
    b"news",
    b"newsletter",
    b"notifications",
    b"office",
    b"oncall",
    b"ops",
    b"orders",
    b"patientservices",
    b"pharmacy",
    b"portal",
    b"privacy",
    b"radiology",
    b"reception",
    b"records",
    b"referral",
    b"referrals",
    b"registration",
    b"reports",
    b"results",
    b"sales",
    b"scheduling",
    b"security",
    b"service",
    b"services",
    b"sre",
    b"staff",
    b"support",
    b"team",
    b"triage",
    b"updates",
    b"webmaster",
];

/// Local-part prefixes and suffixes of service accounts (`svc-looker@`, `dbt-runner@`).
const SERVICE_PREFIXES: [&[u8]; 4] = [b"svc-", b"svc_", b"svc.", b"sa-"];
const SERVICE_SUFFIXES: [&[u8]; 5] = [b"-runner", b"-bot", b"-svc", b"-service", b"-sa"];

/// Domains whose every address is a machine's: Google Cloud service accounts, paging
/// services' integration inboxes.
const MACHINE_DOMAINS: [&[u8]; 3] = [b"gserviceaccount.com", b"pagerduty.com", b"opsgenie.net"];

/// Last words of a group mailbox's local part (`bi-team@`, `build-alerts@`,
/// `nursing.group@`): whatever comes before them names the group.
const GROUP_SUFFIXES: [&[u8]; 6] = [
    b"team",
    b"alerts",
    b"group",
    b"oncall",
    b"notifications",
    b"list",
];

/// A role, desk or service-account mailbox rather than a person's.
fn role_mailbox(local: &[u8], domain: &[u8]) -> bool {
    let ends_ci =
        |s: &[u8], t: &[u8]| s.len() >= t.len() && s[s.len() - t.len()..].eq_ignore_ascii_case(t);
    let starts_ci = |s: &[u8], t: &[u8]| s.len() > t.len() && s[..t.len()].eq_ignore_ascii_case(t);
    let group = GROUP_SUFFIXES.iter().any(|g| {
        ends_ci(local, g)
            && local.len() > g.len()
            && matches!(local[local.len() - g.len() - 1], b'-' | b'_' | b'.')
    });
    if group
        || MACHINE_DOMAINS.iter().any(|d| ends_ci(domain, d))
        || SERVICE_PREFIXES.iter().any(|p| starts_ci(local, p))
        || SERVICE_SUFFIXES.iter().any(|p| ends_ci(local, p))
    {
        return true;
    }
    let mut buf = [0u8; 32];
    !local.is_empty()
        && local
            .split(|&b| matches!(b, b'-' | b'_' | b'.' | b'+'))
            .all(|w| {
                if w.is_empty() || w.len() > buf.len() {
                    return w.is_empty();
                }
                let lower = &mut buf[..w.len()];
                lower.copy_from_slice(w);
                lower.make_ascii_lowercase();
                ROLE_WORDS.binary_search(&&*lower).is_ok()
            })
}

fn personal_email(span: &[u8]) -> bool {
    // `%40` is an URL-encoded `@`.
    let at = memchr::memchr(b'@', span)
        .or_else(|| memchr::memmem::find(span, b"%40"))
        .unwrap_or(span.len());
    let local = &span[..at];
    let domain = &span[at..];
    let domain = domain
        .strip_prefix(b"@")
        .or_else(|| domain.strip_prefix(b"%40"))
        .unwrap_or(domain);
    if role_mailbox(local, domain) {
        return false;
    }
    // Case-folded in place, without a lower-case copy: this runs on every address found.
    let holds = |m: &[u8]| local.windows(m.len()).any(|w| w.eq_ignore_ascii_case(m));
    if SYSTEM_MAILBOXES
        .iter()
        .any(|m| local.eq_ignore_ascii_case(m))
        || SYSTEM_MARKS.iter().any(|m| holds(m))
    {
        return false;
    }
    // A message or calendar id: a UUID, or 16 or more hex digits in a row.
    let mut run = 0;
    let mut longest = 0;
    for &b in local {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let dashes = local.iter().filter(|&&b| b == b'-').count();
    let uuid = local.len() == 36
        && dashes == 4
        && local.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-');
    // A systemd template unit (`ehr-worker@7.service`) names a process, not a mailbox.
    let unit = span[at..].rsplit(|&b| b == b'.').next().is_some_and(|tld| {
        [
            &b"service"[..],
            b"socket",
            b"timer",
            b"mount",
            b"target",
            b"slice",
            b"scope",
            b"path",
        ]
        .iter()
        .any(|u| tld.eq_ignore_ascii_case(u))
    });
    // A Message-ID made of a timestamp and a counter (`20240509045951.73677@host`): digits
    // and separators only, ten digits or more. (An SMS gateway's `2065550123@…` has no
    // separator and stays personal.)
    let numeric_id = local.iter().filter(|b| b.is_ascii_digit()).count() >= 10
        && local.iter().any(|b| matches!(b, b'.' | b'-' | b'_'))
        && local
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
    !(uuid || longest >= 16 || unit || numeric_id)
}

fn digits(span: &[u8]) -> impl Iterator<Item = u32> + '_ {
    span.iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
}

fn digit_vec(span: &[u8]) -> Vec<u32> {
    digits(span).collect()
}

/// Luhn checksum over a digit sequence (rightmost digit is the check digit).
pub fn luhn(ds: &[u32]) -> bool {
    if ds.is_empty() {
        return false;
    }
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn luhn_digits(span: &[u8]) -> bool {
    luhn(&digit_vec(span))
}

fn card(span: &[u8], long_ok: bool) -> bool {
    let ds = digit_vec(span);
    let n = ds.len();
    if !(13..=19).contains(&n) || !luhn(&ds) {
        return false;
    }
    if n > 16 && !long_ok && span.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let prefix = |k: usize| ds.iter().take(k).fold(0u32, |acc, d| acc * 10 + d);
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    let p6 = prefix(6);
    // (scheme prefix matches, lengths the scheme issues)
    let visa = p1 == 4 && matches!(n, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (222_100..=272_099).contains(&p6)) && n == 16;
    let amex = (p2 == 34 || p2 == 37) && n == 15;
    let discover = (p4 == 6011 || p2 == 65 || (644..=649).contains(&p3)) && n >= 16;
    let jcb = (3528..=3589).contains(&p4) && n >= 16;
    let diners = ((300..=305).contains(&p3) || p2 == 36 || p2 == 38) && n >= 14;
    let unionpay = p2 == 62 && n >= 16;
    visa || mastercard || amex || discover || jcb || diners || unionpay
}

fn id_token(span: &[u8]) -> bool {
    let dash = span.iter().position(|&b| b == b'-');
    (6..=15).contains(&span.len())
        && span.iter().filter(|b| b.is_ascii_digit()).count() >= 4
        && span.iter().filter(|&&b| b == b'-').count() <= 1
        // Plan ids are upper-case: `node-12345` (cluster membership) is not one.
        && span.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-')
        // Nor is a year-month (`2024-01`).
        && dash.is_none_or(|d| d >= 2 && span.len() - d > 3)
}

fn phone_intl(span: &[u8]) -> bool {
    let ds = digit_vec(span);
    span.first() == Some(&b'+') && (10..=15).contains(&ds.len()) && ds[0] >= 2
}

fn ssn(span: &[u8]) -> bool {
    let ds = digit_vec(span);
    if ds.len() != 9 {
        return false;
    }
    let area = ds[0] * 100 + ds[1] * 10 + ds[2];
    let group = ds[3] * 10 + ds[4];
    let serial = ds[5] * 1000 + ds[6] * 100 + ds[7] * 10 + ds[8];
    // Reject the well-known placeholder runs too (123-45-6789 is a real test value in
    // docs, but 000/666/9xx areas, 00 groups and 0000 serials are never issued).
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

fn npi(span: &[u8]) -> bool {
    let ds = digit_vec(span);
    if ds.len() != 10 || !(ds[0] == 1 || ds[0] == 2) {
        return false;
    }
    let mut all = vec![8, 0, 8, 4, 0];
    all.extend_from_slice(&ds);
    luhn(&all)
}

fn dea(span: &[u8]) -> bool {
    if span.len() != 9 || !span[0].is_ascii_alphabetic() || !span[1].is_ascii_alphanumeric() {
        return false;
    }
    let ds: Vec<u32> = span[2..]
        .iter()
        .map(|b| {
            if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                99
            }
        })
        .collect();
    if ds.iter().any(|&d| d > 9) {
        return false;
    }
    let sum = ds[0] + ds[2] + ds[4] + 2 * (ds[1] + ds[3] + ds[5]);
    sum % 10 == ds[6]
}

fn vin_value(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

fn vin(span: &[u8]) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    if span.len() != 17 {
        return false;
    }
    let upper: Vec<u8> = span.iter().map(u8::to_ascii_uppercase).collect();
    // A VIN mixes letters and digits; 17 digits in a row is some other id.
    if !upper.iter().any(u8::is_ascii_alphabetic)
        || upper.iter().filter(|c| c.is_ascii_digit()).count() < 5
    {
        return false;
    }
    let mut sum = 0;
    for (i, &c) in upper.iter().enumerate() {
        let Some(v) = vin_value(c) else {
            return false;
        };
        sum += v * WEIGHTS[i];
    }
    let check = sum % 11;
    let expected = if check == 10 {
        b'X'
    } else {
        b'0' + check as u8
    };
    upper[8] == expected
}

fn mbi(span: &[u8]) -> bool {
    let s: Vec<u8> = span
        .iter()
        .filter(|c| **c != b'-')
        .map(u8::to_ascii_uppercase)
        .collect();
    if s.len() != 11 {
        return false;
    }
    let alpha = |c: u8| c.is_ascii_uppercase() && !b"SLOIBZ".contains(&c);
    let alnum = |c: u8| c.is_ascii_digit() || alpha(c);
    (b'1'..=b'9').contains(&s[0])
        && alpha(s[1])
        && alnum(s[2])
        && s[3].is_ascii_digit()
        && alpha(s[4])
        && alnum(s[5])
        && s[6].is_ascii_digit()
        && alpha(s[7])
        && alpha(s[8])
        && s[9].is_ascii_digit()
        && s[10].is_ascii_digit()
}

/// Parses a dotted-quad IPv4 address with the standard library's rules (four decimal
/// octets of 1-3 digits, at most 255, no leading zero), straight from bytes: the shape pass
/// asks this of every dotted token (`10.x` upstreams) to drop allow-listed ones, and going
/// through `str` parsing cost more than the check itself.
pub fn parse_ipv4(span: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = span.split(|&b| b == b'.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut value = 0u16;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u16::from(b - b'0');
        }
        *octet = u8::try_from(value).ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

/// Parses an IPv6 address (zone ids not accepted).
pub fn parse_ipv6(span: &[u8]) -> Option<Ipv6Addr> {
    let s = std::str::from_utf8(span).ok()?;
    // Two colons minimum and at least one hex digit group, so `::` alone or a time is no IP.
    if s.bytes().filter(|&b| b == b':').count() < 2 || !s.bytes().any(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    s.parse::<Ipv6Addr>().ok()
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The month number of a month name or abbreviation.
fn month_name(word: &[u8]) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m.as_bytes()))
        .map(|i| i as u32 + 1)
}

fn days_in_month(month: u32, year: Option<u32>) -> u32 {
    match month {
        2 => match year {
            Some(y) if !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) => 28,
            _ => 29,
        },
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date that exists: parts split on separators; month by name or number; 2- or 4-digit
/// years (4-digit within 1880–2100); compact `YYYYMMDD` too.
fn date(span: &[u8]) -> bool {
    // The Unix epoch and the null dates of old databases, written ISO-style, are
    // sentinels (`days since 1970-01-01`), not someone's day.
    if span == b"1970-01-01" || span == b"1900-01-01" || span == b"0001-01-01" {
        return false;
    }
    let parts: Vec<&[u8]> = span
        .split(|c| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let num = |p: &[u8]| -> Option<u32> {
        if p.iter().all(u8::is_ascii_digit) && p.len() <= 4 {
            std::str::from_utf8(p).ok()?.parse().ok()
        } else {
            None
        }
    };
    let plausible = |y: u32, m: u32, d: u32, four: bool| {
        (1..=12).contains(&m)
            && d >= 1
            && d <= days_in_month(m, if four { Some(y) } else { None })
            && (!four || (1880..=2100).contains(&y))
    };
    // Ordinal suffixes ("14th") are split as alnum; strip them.
    let strip = |p: &[u8]| -> Vec<u8> {
        let n = p.iter().take_while(|c| c.is_ascii_digit()).count();
        if n > 0 && n < p.len() {
            p[..n].to_vec()
        } else {
            p.to_vec()
        }
    };
    let parts: Vec<Vec<u8>> = parts.iter().map(|p| strip(p)).collect();
    match parts.len() {
        1 => {
            let p = &parts[0];
            // `YYYYMMDD`, or HL7's `YYYYMMDDHHMM[SS]` timestamp of a personal date (PV1-44
            // admit, PV1-45 discharge).
            if matches!(p.len(), 8 | 12 | 14) && p.iter().all(u8::is_ascii_digit) {
                let y = num(&p[..4]).unwrap_or(0);
                let m = num(&p[4..6]).unwrap_or(0);
                let d = num(&p[6..8]).unwrap_or(0);
                plausible(y, m, d, true)
            } else {
                false
            }
        }
        2 => {
            // "March 1962" / "03/1962" month-year: plausible when the year is four digits.
            let (a, b) = (&parts[0], &parts[1]);
            let m = month_name(a).or_else(|| num(a));
            // "August 23rd": a month name and an ordinal day, no year.
            let ordinal = span.last().is_some_and(u8::is_ascii_alphabetic);
            match (m, num(b)) {
                (Some(m), Some(y)) if b.len() == 4 => {
                    (1..=12).contains(&m) && (1880..=2100).contains(&y)
                }
                (Some(m), Some(d)) if ordinal && month_name(a).is_some() => day_exists(m, d),
                _ => false,
            }
        }
        3 => {
            let (a, b, c) = (&parts[0], &parts[1], &parts[2]);
            if let Some(m) = month_name(a) {
                // March 14, 1962
                return match (num(b), num(c)) {
                    (Some(d), Some(y)) => plausible(y, m, d, c.len() == 4),
                    _ => false,
                };
            }
            if let Some(m) = month_name(b) {
                // 14-Mar-1962
                return match (num(a), num(c)) {
                    (Some(d), Some(y)) => plausible(y, m, d, c.len() == 4),
                    _ => false,
                };
            }
            match (num(a), num(b), num(c)) {
                (Some(y), Some(m), Some(d)) if a.len() == 4 => plausible(y, m, d, true),
                // `8.29.15` after `fw=` is a version: a dotted date needs its four-digit year.
                (Some(_), Some(_), Some(_)) if c.len() == 2 && span.contains(&b'.') => false,
                (Some(x), Some(y2), Some(y)) if c.len() == 4 || c.len() == 2 => {
                    // US month/day/year first, then day/month/year.
                    plausible(y, x, y2, c.len() == 4) || plausible(y, y2, x, c.len() == 4)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// `M/D` or `MM/DD` whose day exists in that month (29 February included: no year says
/// otherwise).
fn month_day(span: &[u8]) -> bool {
    let Some(slash) = memchr::memchr(b'/', span) else {
        return false;
    };
    let number = |p: &[u8]| (1..=2).contains(&p.len()) && p.iter().all(u8::is_ascii_digit);
    let (m, d) = (&span[..slash], &span[slash + 1..]);
    if !number(m) || !number(d) {
        return false;
    }
    let value = |p: &[u8]| p.iter().fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
    day_exists(value(m), value(d))
}

/// Whether day `d` of month `m` exists in some year (29 February included).
fn day_exists(m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(m, None)
}

fn date_historic(span: &[u8]) -> bool {
    if !date(span) {
        return false;
    }
    // The four-digit run is the year.
    let ds: Vec<u8> = span.to_vec();
    let mut year = None;
    let mut run = 0;
    for (i, b) in ds.iter().enumerate() {
        if b.is_ascii_digit() {
            run += 1;
        } else {
            run = 0;
        }
        let ends = i + 1 == ds.len() || !ds[i + 1].is_ascii_digit();
        if ends && run == 4 {
            year = std::str::from_utf8(&ds[i + 1 - 4..=i])
                .ok()
                .and_then(|y| y.parse::<u32>().ok());
        } else if ends && run == 8 {
            year = std::str::from_utf8(&ds[i + 1 - 8..i + 1 - 4])
                .ok()
                .and_then(|y| y.parse::<u32>().ok());
        }
    }
    let Some(year) = year else { return false };
    let sentinel = |y: u32, md: &[&[u8]]| {
        year == y && md.iter().any(|m| span.windows(m.len()).any(|w| w == *m))
    };
    (1900..=2005).contains(&year)
        && !sentinel(1970, &[b"01-01", b"0101", b"01/01", b"1/1/"])
        && !sentinel(1900, &[b"01-01", b"0101", b"01/01", b"1/1/"])
        && !sentinel(1901, &[b"01-01", b"0101", b"01/01", b"1/1/"])
}

fn nanp(span: &[u8]) -> bool {
    let mut ds = digit_vec(span);
    if ds.len() == 11 && ds[0] == 1 {
        ds.remove(0);
    }
    if ds.len() < 10 {
        return false;
    }
    // Toll-free area codes (800, 833, 844, 855, 866, 877, 888) are an organisation's
    // lines (a clinic's reminders, a payer's claims desk), never a patient's own.
    let area_code = ds[0] * 100 + ds[1] * 10 + ds[2];
    if matches!(area_code, 800 | 833 | 844 | 855 | 866 | 877 | 888) {
        return false;
    }
    // Written as (AAA) EEE-NNNN / AAA-EEE-NNNN / AAA.EEE.NNNN the grouping itself says
    // "phone number": test and fictional numbers ((555) 123-4567, 123-456-7890) are
    // written that way and still identify someone in a log. Only bare digit runs need the
    // NANP area/exchange rules to tell them from other ten-digit numbers.
    let formatted = span.iter().any(|b| matches!(b, b'(' | b'-' | b'.' | b' '));
    if formatted {
        return true;
    }
    // Extensions follow the ten digits.
    let (area, exch) = (&ds[0..3], &ds[3..6]);
    area[0] >= 2
        && exch[0] >= 2
        && !(area[1] == 1 && area[2] == 1)
        && !(exch[1] == 1 && exch[2] == 1)
}

fn age_over_89(span: &[u8]) -> bool {
    let n: u32 = std::str::from_utf8(span)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    (90..130).contains(&n)
}

fn zip(span: &[u8]) -> bool {
    let ds = digit_vec(span);
    (ds.len() == 5 || ds.len() == 9) && ds[..5].iter().any(|&d| d != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ipv4_parse_agrees_with_the_standard_library(
            span in proptest::string::string_regex("[0-9.]{0,16}|[0-9]{1,4}(\\.[0-9]{1,4}){2,4}|[0-9. a+-]{0,12}").unwrap()
        ) {
            proptest::prop_assert_eq!(parse_ipv4(span.as_bytes()), span.parse::<Ipv4Addr>().ok(), "{:?}", span);
        }
    }

    #[test]
    fn ipv4_parse_edges() {
        for (s, ok) in [
            ("0.0.0.0", true),
            ("255.255.255.255", true),
            ("256.1.1.1", false),
            ("01.2.3.4", false),
            ("1.2.3", false),
            ("1.2.3.4.", false),
            ("1..3.4", false),
            ("10.0.0.1", true),
            ("1.2.3.4.5", false),
            ("+1.2.3.4", false),
        ] {
            assert_eq!(parse_ipv4(s.as_bytes()).is_some(), ok, "{s}");
            assert_eq!(s.parse::<Ipv4Addr>().is_ok(), ok, "{s}");
        }
    }

    #[test]
    fn luhn_accepts_known_card_and_rejects_changed_digit() {
        assert!(Validator::Card.check(b"4111 1111 1111 1111"));
        assert!(!Validator::Card.check(b"4111 1111 1111 1112"));
        assert!(!Validator::Card.check(b"1700000000123"));
    }

    #[test]
    fn ssn_rules_follow_ssa() {
        assert!(Validator::Ssn.check(b"219-09-9999"));
        assert!(!Validator::Ssn.check(b"666-12-3456"));
        assert!(!Validator::Ssn.check(b"900-12-3456"));
        assert!(!Validator::Ssn.check(b"123-00-3456"));
        assert!(!Validator::Ssn.check(b"123-45-0000"));
    }

    #[test]
    fn npi_uses_80840_prefix() {
        assert!(Validator::Npi.check(b"1234567893"));
        assert!(!Validator::Npi.check(b"1234567890"));
    }

    #[test]
    fn dea_checksum() {
        // (1+3+5) + 2*(2+4+6) = 33 -> check digit 3
        assert!(Validator::Dea.check(b"AB1234563"));
        assert!(!Validator::Dea.check(b"AB1234564"));
    }

    #[test]
    fn vin_check_digit() {
        assert!(Validator::Vin.check(b"1M8GDM9AXKP042788"));
        assert!(!Validator::Vin.check(b"1M8GDM9A1KP042788"));
    }

    #[test]
    fn mbi_positions() {
        assert!(Validator::Mbi.check(b"1EG4-TE5-MK73"));
        assert!(Validator::Mbi.check(b"1EG4TE5MK73"));
        assert!(!Validator::Mbi.check(b"1SG4TE5MK73"));
        assert!(!Validator::Mbi.check(b"0EG4TE5MK73"));
    }

    #[test]
    fn role_and_service_mailboxes_are_not_a_persons() {
        assert!(ROLE_WORDS.windows(2).all(|w| w[0] < w[1]));
        for desk in [
            "referrals@direct.lakeside.example",
            "it-oncall@clinic.example",
            "Billing-Notifications@clinic.example",
            "medical.records@clinic.example",
            "svc-looker@analytics-prod.iam.gserviceaccount.com",
            "123456-compute@developer.gserviceaccount.com",
            "dbt-runner@corp.example",
            "bi-team@clinic.example",
            "build-alerts@clinic.example",
            "pagerduty@lakeside-health.pagerduty.com",
            "20240509045951.73677@lakeside.direct",
        ] {
            assert!(!Validator::PersonalEmail.check(desk.as_bytes()), "{desk}");
        }
        for person in [
            "lakisha.mosley@direct.northshore.example",
            "maria.records@gmail.example",
            "it.nguyen@clinic.example",
            "hwhite1951%40yahoo.example",
            "steam@mail.example",
            "2065550123@vtext.example",
            "maria.teamer@mail.example",
        ] {
            assert!(
                Validator::PersonalEmail.check(person.as_bytes()),
                "{person}"
            );
        }
    }

    #[test]
    fn a_month_day_must_exist() {
        assert!(Validator::MonthDay.check(b"4/28"));
        assert!(Validator::MonthDay.check(b"12/9"));
        assert!(Validator::MonthDay.check(b"2/29"));
        assert!(!Validator::MonthDay.check(b"2/30"));
        assert!(!Validator::MonthDay.check(b"13/1"));
        assert!(!Validator::MonthDay.check(b"6/0"));
        assert!(!Validator::MonthDay.check(b"4/123"));
        assert!(!Validator::MonthDay.check(b"4/"));
    }

    #[test]
    fn dates_must_exist() {
        assert!(Validator::Date.check(b"03/14/1962"));
        assert!(Validator::Date.check(b"1962-03-14"));
        assert!(Validator::Date.check(b"14-Mar-1962"));
        assert!(Validator::Date.check(b"March 14, 1962"));
        assert!(Validator::Date.check(b"14 March 1962"));
        assert!(Validator::Date.check(b"19620314"));
        assert!(Validator::Date.check(b"3/14/62"));
        assert!(!Validator::Date.check(b"02/30/1962"));
        assert!(!Validator::Date.check(b"13/13/1962"));
        assert!(!Validator::Date.check(b"99999999"));
        // Dotted with a four-digit year is a date; with two digits it is a version.
        assert!(Validator::Date.check(b"14.03.1962"));
        assert!(!Validator::Date.check(b"8.29.15"));
        assert!(Validator::Date.check(b"August 23rd"));
        assert!(!Validator::Date.check(b"August 32nd"));
        assert!(!Validator::Date.check(b"08 23rd"));
    }

    #[test]
    fn docker_bridge_macs_are_not_devices() {
        assert!(Validator::Mac.check(b"a4:5e:60:c2:11:9f"));
        assert!(!Validator::Mac.check(b"02:42:ac:1d:a8:5a"));
    }

    #[test]
    fn nanp_area_and_exchange() {
        assert!(Validator::Nanp.check(b"(217) 555-0123"));
        assert!(Validator::Nanp.check(b"+1 217 555 0123"));
        assert!(!Validator::Nanp.check(b"1175550123"));
        assert!(!Validator::Nanp.check(b"2171550123"));
        // Formatted numbers are phones by their grouping, fictional ones included.
        assert!(Validator::Nanp.check(b"(555) 123-4567"));
        assert!(Validator::Nanp.check(b"123-456-7890"));
        // Toll-free lines belong to organisations.
        assert!(!Validator::Nanp.check(b"+18885550142"));
        assert!(!Validator::Nanp.check(b"1-800-555-0199"));
        assert!(!Validator::Nanp.check(b"(844) 555-0100"));
    }

    #[test]
    fn ips_parse_strictly() {
        assert!(Validator::Ipv4.check(b"192.168.1.20"));
        assert!(!Validator::Ipv4.check(b"999.1.1.1"));
        assert!(Validator::Ipv6.check(b"2001:db8::1"));
        assert!(!Validator::Ipv6.check(b"12:30"));
    }
}
