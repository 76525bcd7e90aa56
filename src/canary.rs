//! The canary: synthetic PHI, one line or more per PHI type, run through the live scrub
//! policy at start-up and periodically. If any of it survives, `/ready` turns 503 and
//! `phiscrub_canary_failed` turns 1.
//!
//! Why: the worst failure of a PHI scrubber is silent, such as a rule disabled by a config
//! change, a custom rule that shadows a built-in one, or an engine that fails to load a
//! pattern. Such failures forward clear PHI while every other signal looks healthy. The
//! canary turns them into a loud, load-balancer-visible failure. Its lines are synthetic
//! (reserved 555-01xx phone numbers, an SSN area no person holds, documentation IP ranges,
//! `example.org` mail) and never leave the process: only types and counts are logged.

use crate::detect::{DatePolicy, DetectConfig, PhiType};
use crate::event::{Event, EventMeta};
use crate::pipeline::ScrubStage;

/// One canary: a line and the PHI value in it that must not survive scrubbing.
#[derive(Debug, Clone, Copy)]
pub struct CanaryLine {
    /// The type the value belongs to.
    pub phi_type: PhiType,
    /// The whole log line.
    pub line: &'static str,
    /// The PHI inside `line`.
    pub value: &'static str,
}

const fn canary(phi_type: PhiType, line: &'static str, value: &'static str) -> CanaryLine {
    CanaryLine {
        phi_type,
        line,
        value,
    }
}

/// The built-in canary set: every built-in PHI type (OTHER_ID exists only as user rules).
pub const CANARY_LINES: &[CanaryLine] = &[
    canary(
        PhiType::Name,
        "canary: patient name: Jane Q. Canary admitted",
        "Jane Q. Canary",
    ),
    canary(
        PhiType::Address,
        "canary: patient address 1234 Canary Lane, Springfield, IL 62704",
        "1234 Canary Lane",
    ),
    canary(PhiType::Zip, "canary: patient zip code 62704", "62704"),
    canary(
        PhiType::Date,
        "canary: patient DOB 07/04/1931",
        "07/04/1931",
    ),
    canary(PhiType::AgeOver89, "canary: patient is a 97-year-old", "97"),
    canary(
        PhiType::Phone,
        "canary: callback phone (217) 555-0143",
        "555-0143",
    ),
    canary(PhiType::Fax, "canary: fax (217) 555-0188", "555-0188"),
    canary(
        PhiType::Email,
        "canary: contact jane.canary@example.org",
        "jane.canary@example.org",
    ),
    canary(
        PhiType::Ssn,
        "canary: patient ssn 219-09-9999",
        "219-09-9999",
    ),
    canary(PhiType::Mrn, "canary: MRN: 00876543", "00876543"),
    canary(
        PhiType::HealthPlanId,
        "canary: medicare mbi 1EG4TE5MK73",
        "1EG4TE5MK73",
    ),
    canary(
        PhiType::Account,
        "canary: account number 00123456789",
        "00123456789",
    ),
    canary(
        PhiType::CreditCard,
        "canary: card 4111 1111 1111 1111 declined",
        "4111 1111 1111 1111",
    ),
    canary(
        PhiType::License,
        "canary: prescriber DEA AB1234563",
        "AB1234563",
    ),
    canary(
        PhiType::Npi,
        "canary: provider NPI 1234567893",
        "1234567893",
    ),
    canary(
        PhiType::Vehicle,
        "canary: vehicle vin 1M8GDM9AXKP042788",
        "1M8GDM9AXKP042788",
    ),
    canary(
        PhiType::Device,
        "canary: device IMEI 490154203237518",
        "490154203237518",
    ),
    canary(
        PhiType::Url,
        "canary: GET https://portal.example.org/patients/lookup?email=jane.canary@example.org",
        "jane.canary@example.org",
    ),
    canary(
        PhiType::Ip,
        "canary: client ip 203.0.113.77",
        "203.0.113.77",
    ),
];

/// What one canary run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CanaryReport {
    /// Types whose canary value survived scrubbing: clear PHI would be forwarded.
    pub leaked: Vec<PhiType>,
    /// Types whose canary could not be scrubbed (e.g. no data key): fail-closed, so not
    /// a leak, but the policy is not verified either.
    pub unverified: Vec<PhiType>,
}

impl CanaryReport {
    /// Whether PHI survived.
    pub fn failed(&self) -> bool {
        !self.leaked.is_empty()
    }
}

/// Whether `canary` tests something the detection config asks to scrub.
///
/// Two settings legitimately keep a canary value: `detect.date_policy = "none"` (the
/// operator chose not to scrub dates) and an `ip_allow` range holding the canary address.
/// Disabled rules are NOT a reason to skip: a type whose rules were all switched off
/// while the policy still lists it is exactly the mistake the canary exists to catch.
pub fn applies(canary: &CanaryLine, detect: &DetectConfig) -> bool {
    match canary.phi_type {
        PhiType::Date => detect.date_policy != DatePolicy::None,
        PhiType::Ip => canary
            .value
            .parse::<std::net::IpAddr>()
            .map_or(true, |ip| !detect.ip_allow.iter().any(|c| c.contains(ip))),
        _ => true,
    }
}

/// Runs every canary line that [`applies`] under `detect` through `scrubber` (a stage
/// built by the same factory as the pipeline's workers, so it applies exactly the live
/// policy) and reports which values survived.
pub fn run(scrubber: &mut dyn ScrubStage, detect: &DetectConfig) -> CanaryReport {
    let mut report = CanaryReport::default();
    let meta = EventMeta {
        source: "canary".to_owned(),
        ..EventMeta::default()
    };
    for canary in CANARY_LINES.iter().filter(|c| applies(c, detect)) {
        let event = Event::new(canary.line, meta.clone());
        match scrubber.scrub(&event) {
            Ok(scrubbed) => {
                if contains(&scrubbed, canary.value.as_bytes()) {
                    push_once(&mut report.leaked, canary.phi_type);
                }
            }
            Err(_) => push_once(&mut report.unverified, canary.phi_type),
        }
    }
    report
}

fn push_once(list: &mut Vec<PhiType>, phi_type: PhiType) {
    if !list.contains(&phi_type) {
        list.push(phi_type);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canary_value_sits_in_its_line() {
        for canary in CANARY_LINES {
            assert!(canary.line.contains(canary.value), "{:?}", canary.phi_type);
        }
    }

    fn default_config() -> crate::config::Config {
        crate::config::load(None).expect("embedded default config")
    }

    fn run_with(config: &crate::config::Config) -> CanaryReport {
        let setup = crate::scrub::detector::ScrubSetup::build(config, None, None).unwrap();
        let mut scrubber = setup.scrubber();
        run(&mut scrubber, &config.detect)
    }

    #[test]
    fn the_default_policy_scrubs_every_canary() {
        let report = run_with(&default_config());
        assert_eq!(report, CanaryReport::default());
    }

    #[test]
    fn disabling_every_ssn_rule_fails_the_canary() {
        let mut config = default_config();
        let ssn_rules: Vec<String> = crate::detect::builtin_specs()
            .unwrap()
            .into_iter()
            .filter(|r| r.phi_type == "SSN")
            .map(|r| r.id)
            .collect();
        assert!(!ssn_rules.is_empty());
        config.detect.disable = ssn_rules;
        let report = run_with(&config);
        assert!(report.failed());
        assert_eq!(report.leaked, vec![PhiType::Ssn]);
    }

    #[test]
    fn date_policy_none_does_not_fail_the_canary() {
        let mut config = default_config();
        config.detect.date_policy = DatePolicy::None;
        assert!(!run_with(&config).failed());
        let date = CANARY_LINES
            .iter()
            .find(|c| c.phi_type == PhiType::Date)
            .unwrap();
        assert!(!applies(date, &config.detect));
    }

    #[test]
    fn every_builtin_type_has_a_canary() {
        for phi_type in PhiType::ALL {
            if phi_type == PhiType::OtherId {
                continue;
            }
            assert!(
                CANARY_LINES.iter().any(|c| c.phi_type == phi_type),
                "{phi_type} has no canary"
            );
        }
    }
}
