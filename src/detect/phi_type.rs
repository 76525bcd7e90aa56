//! The canonical PHI types: the HIPAA Safe Harbor identifiers that can appear in text.
//!
//! These names are a contract: they appear in tokens (`[SSN:tok_…]`), metric labels,
//! config keys (`[actions.types] SSN = "encrypt"`) and `phiscrub scan` output.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One kind of protected health information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PhiType {
    /// A person's name.
    Name,
    /// A street address, PO box or city/state line.
    Address,
    /// A US ZIP code.
    Zip,
    /// A date tied to a person (birth, admission, discharge, death, service).
    Date,
    /// An age over 89.
    #[serde(rename = "AGE_OVER_89")]
    AgeOver89,
    /// A telephone number.
    Phone,
    /// A fax number.
    Fax,
    /// An email address.
    Email,
    /// A US Social Security number.
    Ssn,
    /// A medical record number.
    Mrn,
    /// A health plan beneficiary number (incl. Medicare MBI and HICN).
    HealthPlanId,
    /// An account number.
    Account,
    /// A payment card number.
    CreditCard,
    /// A certificate or licence number (incl. driver's licence and DEA).
    License,
    /// A National Provider Identifier.
    Npi,
    /// A vehicle identifier (VIN, licence plate).
    Vehicle,
    /// A device identifier or serial number (incl. IMEI, MAC).
    Device,
    /// A URL that carries personal data.
    Url,
    /// An IP address.
    Ip,
    /// Any other unique identifying number (user rules).
    OtherId,
}

impl PhiType {
    /// Every type, in catalog order.
    pub const ALL: [PhiType; 20] = [
        PhiType::Name,
        PhiType::Address,
        PhiType::Zip,
        PhiType::Date,
        PhiType::AgeOver89,
        PhiType::Phone,
        PhiType::Fax,
        PhiType::Email,
        PhiType::Ssn,
        PhiType::Mrn,
        PhiType::HealthPlanId,
        PhiType::Account,
        PhiType::CreditCard,
        PhiType::License,
        PhiType::Npi,
        PhiType::Vehicle,
        PhiType::Device,
        PhiType::Url,
        PhiType::Ip,
        PhiType::OtherId,
    ];

    /// The canonical name, e.g. `HEALTH_PLAN_ID`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PhiType::Name => "NAME",
            PhiType::Address => "ADDRESS",
            PhiType::Zip => "ZIP",
            PhiType::Date => "DATE",
            PhiType::AgeOver89 => "AGE_OVER_89",
            PhiType::Phone => "PHONE",
            PhiType::Fax => "FAX",
            PhiType::Email => "EMAIL",
            PhiType::Ssn => "SSN",
            PhiType::Mrn => "MRN",
            PhiType::HealthPlanId => "HEALTH_PLAN_ID",
            PhiType::Account => "ACCOUNT",
            PhiType::CreditCard => "CREDIT_CARD",
            PhiType::License => "LICENSE",
            PhiType::Npi => "NPI",
            PhiType::Vehicle => "VEHICLE",
            PhiType::Device => "DEVICE",
            PhiType::Url => "URL",
            PhiType::Ip => "IP",
            PhiType::OtherId => "OTHER_ID",
        }
    }
}

impl fmt::Display for PhiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given is not one of the canonical PHI types.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "unknown PHI type `{0}` (expected one of NAME, ADDRESS, ZIP, DATE, AGE_OVER_89, PHONE, FAX, EMAIL, SSN, MRN, HEALTH_PLAN_ID, ACCOUNT, CREDIT_CARD, LICENSE, NPI, VEHICLE, DEVICE, URL, IP, OTHER_ID)"
)]
pub struct UnknownPhiType(pub String);

impl FromStr for PhiType {
    type Err = UnknownPhiType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhiType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownPhiType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_name() {
        for t in PhiType::ALL {
            assert_eq!(t.as_str().parse::<PhiType>().unwrap(), t);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
    }

    #[test]
    fn unknown_type_is_an_error() {
        assert!("PATIENT".parse::<PhiType>().is_err());
    }
}
