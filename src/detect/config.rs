//! `DetectConfig`: the validated `[detect]` section (engine, disabled rules, custom rules,
//! IP allow-list, date policy, line limit) and its pure validation from the raw section.

use std::net::IpAddr;

use super::EngineChoice;
use super::catalog::RuleSpec;

/// When a date is PHI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePolicy {
    /// Only dates with a personal keyword or key nearby (the default).
    Contextual,
    /// Every valid date.
    All,
    /// No dates.
    None,
}

impl std::str::FromStr for DatePolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "contextual" => Ok(Self::Contextual),
            "all" => Ok(Self::All),
            "none" => Ok(Self::None),
            other => Err(format!(
                "unknown date_policy `{other}` (expected contextual, all or none)"
            )),
        }
    }
}

/// An IP network (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length.
    pub prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("`{s}` is not an IP network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse::<u8>()
                .map_err(|_| format!("`{s}` has a bad prefix length"))?
        };
        if prefix > max {
            return Err(format!("`{s}` has a prefix longer than {max}"));
        }
        Ok(Self { addr, prefix })
    }
}

impl Cidr {
    /// Whether `ip` is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The default IP allow-list: private (RFC 1918, RFC 4193), loopback, link-local,
/// unspecified and documentation-free carrier ranges that production ops logs are full of.
pub const DEFAULT_IP_ALLOW: [&str; 9] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "0.0.0.0/32",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
];

/// Default longest line scanned; longer lines fail closed with `ScanError::LineTooLong`.
pub const DEFAULT_MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// The validated `[detect]` section.
#[derive(Debug, Clone)]
pub struct DetectConfig {
    /// Which engine runs.
    pub engine: EngineChoice,
    /// Built-in rule ids switched off.
    pub disable: Vec<String>,
    /// Users' rules, same schema as the built-in files.
    pub rules: Vec<RuleSpec>,
    /// IP networks that are never PHI.
    pub ip_allow: Vec<Cidr>,
    /// When dates are PHI.
    pub date_policy: DatePolicy,
    /// Longest line scanned.
    pub max_line_bytes: usize,
}

impl Default for DetectConfig {
    fn default() -> Self {
        Self {
            engine: EngineChoice::Auto,
            disable: Vec::new(),
            rules: Vec::new(),
            ip_allow: DEFAULT_IP_ALLOW
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            date_policy: DatePolicy::Contextual,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

/// The `[detect]` fields as written (the raw config stage stores these).
#[derive(Debug, Clone, Default)]
pub struct DetectFields<'a> {
    /// `engine`.
    pub engine: &'a str,
    /// `disable`.
    pub disable: &'a [String],
    /// `rules`.
    pub rules: &'a [RuleSpec],
    /// `ip_allow` (None: the default list).
    pub ip_allow: Option<&'a [String]>,
    /// `date_policy`.
    pub date_policy: &'a str,
    /// `max_line_bytes`.
    pub max_line_bytes: u64,
}

impl DetectConfig {
    /// Validates the raw fields; problems come back as `(key, problem)` pairs.
    pub fn validate(f: &DetectFields<'_>) -> Result<Self, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let engine = match f.engine.parse::<EngineChoice>() {
            Ok(EngineChoice::Hyperscan) if !cfg!(feature = "hyperscan") => {
                problems.push((
                    "detect.engine".to_owned(),
                    "this binary was built without the hyperscan feature; use auto or portable"
                        .to_owned(),
                ));
                EngineChoice::Auto
            }
            Ok(e) => e,
            Err(e) => {
                problems.push(("detect.engine".to_owned(), e));
                EngineChoice::Auto
            }
        };
        let date_policy = f.date_policy.parse().unwrap_or_else(|e| {
            problems.push(("detect.date_policy".to_owned(), e));
            DatePolicy::Contextual
        });
        let ip_allow = match f.ip_allow {
            None => DetectConfig::default().ip_allow,
            Some(list) => list
                .iter()
                .filter_map(|c| match c.parse::<Cidr>() {
                    Ok(c) => Some(c),
                    Err(e) => {
                        problems.push(("detect.ip_allow".to_owned(), e));
                        None
                    }
                })
                .collect(),
        };
        let builtin_ids: Vec<String> = super::catalog::builtin_specs()
            .map(|s| s.into_iter().map(|r| r.id).collect())
            .unwrap_or_default();
        for id in f.disable {
            if !builtin_ids.contains(id) {
                problems.push((
                    "detect.disable".to_owned(),
                    format!("no built-in rule has id `{id}`"),
                ));
            }
        }
        for (i, spec) in f.rules.iter().enumerate() {
            if builtin_ids.contains(&spec.id) {
                problems.push((
                    format!("detect.rules[{i}].id"),
                    format!("`{}` is a built-in rule id", spec.id),
                ));
            }
            if let Err(e) = super::catalog::compile_rule(spec.clone()) {
                problems.push((format!("detect.rules[{i}]"), e.to_string()));
            }
        }
        if f.max_line_bytes < 1024 {
            problems.push((
                "detect.max_line_bytes".to_owned(),
                "must be at least 1024".to_owned(),
            ));
        }
        if problems.is_empty() {
            Ok(Self {
                engine,
                disable: f.disable.to_vec(),
                rules: f.rules.to_vec(),
                ip_allow,
                date_policy,
                max_line_bytes: usize::try_from(f.max_line_bytes).unwrap_or(usize::MAX),
            })
        } else {
            Err(problems)
        }
    }
}
