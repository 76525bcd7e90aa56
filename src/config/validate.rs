//! The pure "validated" stage: checks every value of a [`RawConfig`] and returns either a
//! typed [`Config`] or the full list of problems, each naming its key path.
//!
//! Nothing here touches the network or the disk (secret references are checked for form,
//! not resolved), so it is cheap to unit-test and `check-config` can report every mistake
//! in one run instead of one per attempt.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::raw::{RawConfig, RawSink};
use super::secret::SecretRef;
use crate::detect::{DetectConfig, DetectFields, EngineChoice, PhiType};

/// One thing wrong with the config: the key path and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted key path, e.g. `server.listen`.
    pub key: String,
    /// What is wrong, in words an operator can act on.
    pub problem: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.problem)
    }
}

/// A config that passed validation.
#[derive(Debug, Clone)]
pub struct Config {
    /// The raw values it came from, for `check-config`'s printout.
    pub raw: RawConfig,
    /// Folder for queues, quarantine and the local key.
    pub state_dir: PathBuf,
    /// The ingest listener.
    pub server: ServerConfig,
    /// The admin listener address.
    pub admin_listen: SocketAddr,
    /// Our own logs.
    pub log: LogConfig,
    /// The Firehose HTTP endpoint, when configured.
    pub firehose: Option<FirehoseSourceConfig>,
    /// The detection engine (the same as `detect.engine`).
    pub engine: EngineChoice,
    /// The validated `[detect]` section.
    pub detect: DetectConfig,
    /// Action policy.
    pub actions: ActionsConfig,
    /// Key provider.
    pub keys: KeysConfig,
    /// Sinks by name.
    pub sinks: BTreeMap<String, SinkConfig>,
}

/// Validated `[server]`.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind.
    pub listen: SocketAddr,
    /// Time from SIGTERM to forced exit.
    pub grace_period: Duration,
    /// Time between not-ready and closing the ingest listener.
    pub drain_delay: Duration,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Per-request time limit.
    pub request_timeout: Duration,
    /// TLS certificate and key files, when TLS is on.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// Validated `[log]`.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// Default filter directive.
    pub level: String,
    /// JSON lines (true) or human-readable text.
    pub json: bool,
}

/// Validated `[sources.firehose]`.
#[derive(Debug, Clone)]
pub struct FirehoseSourceConfig {
    /// Accepted access keys (unresolved references).
    pub access_keys: Vec<SecretRef>,
    /// Whether requests without a key are accepted.
    pub allow_unauthenticated: bool,
}

/// A scrub action's name, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionName {
    /// Replace with `[TYPE]`.
    Mask,
    /// Keep a configured tail.
    Partial,
    /// Keyed deterministic token.
    Tokenize,
    /// KMS envelope encryption.
    Encrypt,
    /// Remove the JSON field.
    Drop,
    /// Safe Harbor generalisation (DATE → year, ZIP → ZIP3, ages → 90+).
    Generalize,
}

impl std::str::FromStr for ActionName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "mask" => Self::Mask,
            "partial" => Self::Partial,
            "tokenize" => Self::Tokenize,
            "encrypt" => Self::Encrypt,
            "drop" => Self::Drop,
            "generalize" => Self::Generalize,
            other => {
                return Err(format!(
                    "unknown action `{other}` (expected mask, partial, tokenize, encrypt, drop or generalize)"
                ));
            }
        })
    }
}

/// Validated `[actions]`.
#[derive(Debug, Clone)]
pub struct ActionsConfig {
    /// Action for types without an override.
    pub default: ActionName,
    /// Per-type overrides.
    pub types: BTreeMap<PhiType, ActionName>,
    /// Per-rule overrides by rule id (win over `types`).
    pub rules: BTreeMap<String, ActionName>,
    /// JSON key-path rules in config order (first match wins; tried before detection).
    pub fields: Vec<FieldRuleConfig>,
    /// `mask` replacement template (`{type}` → type name).
    pub mask_template: String,
    /// `partial`: trailing letters/digits kept.
    pub partial_keep: usize,
}

impl ActionsConfig {
    /// Every action the policy can take, to know which keys must be built.
    pub fn uses(&self, action: ActionName) -> bool {
        self.default == action
            || self.types.values().any(|a| *a == action)
            || self.rules.values().any(|a| *a == action)
            || self.fields.iter().any(|f| f.action == action)
    }
}

/// A validated `[[actions.fields]]` entry.
#[derive(Debug, Clone)]
pub struct FieldRuleConfig {
    /// The glob, split on `.`: `*` one key, `**` any number of keys.
    pub path: Vec<String>,
    /// Action for the whole value.
    pub action: ActionName,
    /// Type the value is reported as.
    pub phi_type: PhiType,
}

/// Which key provider wraps data keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProviderChoice {
    /// An AES-256 key-encryption key in a file under `state_dir`.
    Local,
    /// AWS KMS, with the key id given.
    AwsKms {
        /// Key id, ARN or alias.
        key_id: String,
    },
}

/// Validated `[keys]`.
#[derive(Debug, Clone)]
pub struct KeysConfig {
    /// The provider.
    pub provider: KeyProviderChoice,
    /// HMAC key reference for `tokenize`.
    pub hmac_key: Option<SecretRef>,
    /// HMAC key as a KMS ciphertext (decoded from base64), decrypted at start-up.
    pub hmac_key_kms_blob: Option<Vec<u8>>,
    /// The fixed part of the encryption context.
    pub encryption_context: BTreeMap<String, String>,
    /// Whether the event's log group joins the encryption context.
    pub context_log_group: bool,
    /// Data-key reuse limits.
    pub cache: KeyCacheConfig,
}

/// Validated `[keys.cache]`.
#[derive(Debug, Clone, Copy)]
pub struct KeyCacheConfig {
    /// Longest time one data key is used.
    pub max_age: Duration,
    /// Most values encrypted under one data key (at most 2^32, the AES-GCM random-nonce bound).
    pub max_uses: u64,
    /// Most plaintext bytes encrypted under one data key.
    pub max_bytes: u64,
    /// Distinct encryption contexts cached at once.
    pub capacity: usize,
    /// Fraction of any limit after which a replacement is fetched in the background.
    pub refresh_at: f64,
}

/// Most encryptions under one data key with random 96-bit nonces (NIST SP 800-38D §8.3).
pub const MAX_USES_PER_DATA_KEY: u64 = 1 << 32;

/// A validated sink.
#[derive(Debug, Clone)]
pub enum SinkConfig {
    /// NDJSON on standard output.
    Stdout,
}

/// Collects problems while walking the config.
#[derive(Default)]
struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, problem: impl Into<String>) {
        self.0.push(ConfigProblem {
            key: key.into(),
            problem: problem.into(),
        });
    }

    fn addr(&mut self, key: &str, value: &str) -> Option<SocketAddr> {
        match value.parse::<SocketAddr>() {
            Ok(addr) => Some(addr),
            Err(_) => {
                self.add(
                    key,
                    format!("`{value}` is not a socket address (expected host:port, e.g. 127.0.0.1:8080)"),
                );
                None
            }
        }
    }

    fn secret(&mut self, key: &str, secret: &SecretRef) {
        if let Err(err) = secret.source() {
            self.add(key, err.to_string());
        }
    }

    fn parsed<T: std::str::FromStr<Err = E>, E: fmt::Display>(
        &mut self,
        key: &str,
        value: &str,
    ) -> Option<T> {
        match value.parse::<T>() {
            Ok(v) => Some(v),
            Err(err) => {
                self.add(key, err.to_string());
                None
            }
        }
    }
}

/// Checks every value; returns the typed config or every problem found.
pub fn validate(raw: RawConfig) -> Result<Config, Vec<ConfigProblem>> {
    let mut p = Problems::default();

    if raw.state_dir.as_os_str().is_empty() {
        p.add("state_dir", "must not be empty");
    }

    let server_listen = p.addr("server.listen", &raw.server.listen);
    let admin_listen = p.addr("admin.listen", &raw.admin.listen);
    if let (Some(s), Some(a)) = (server_listen, admin_listen) {
        if s == a && s.port() != 0 {
            p.add("admin.listen", "must differ from server.listen");
        }
    }
    if raw.server.grace_period_secs == 0 || raw.server.grace_period_secs > 3600 {
        p.add("server.grace_period_secs", "must be between 1 and 3600");
    }
    if raw.server.drain_delay_secs >= raw.server.grace_period_secs {
        p.add(
            "server.drain_delay_secs",
            "must be shorter than server.grace_period_secs",
        );
    }
    if raw.server.max_body_bytes == 0 {
        p.add("server.max_body_bytes", "must be greater than 0");
    }
    if raw.server.request_timeout_secs == 0 {
        p.add("server.request_timeout_secs", "must be greater than 0");
    }
    let max_body_bytes = usize::try_from(raw.server.max_body_bytes).unwrap_or(usize::MAX);

    let level = raw.log.level.to_ascii_lowercase();
    if !["error", "warn", "info", "debug", "trace"].contains(&level.as_str()) {
        p.add(
            "log.level",
            format!(
                "unknown level `{}` (expected error, warn, info, debug or trace)",
                raw.log.level
            ),
        );
    }
    let json = match raw.log.format.as_str() {
        "json" => true,
        "text" => false,
        other => {
            p.add(
                "log.format",
                format!("unknown format `{other}` (expected json or text)"),
            );
            true
        }
    };

    let firehose = raw.sources.firehose.as_ref().map(|fh| {
        for (i, key) in fh.access_keys.iter().enumerate() {
            p.secret(&format!("sources.firehose.access_keys[{i}]"), key);
        }
        if fh.access_keys.is_empty() && !fh.allow_unauthenticated {
            p.add(
                "sources.firehose.access_keys",
                "at least one access key is required unless allow_unauthenticated = true",
            );
        }
        FirehoseSourceConfig {
            access_keys: fh.access_keys.clone(),
            allow_unauthenticated: fh.allow_unauthenticated,
        }
    });

    let detect = match DetectConfig::validate(&DetectFields {
        engine: &raw.detect.engine,
        disable: &raw.detect.disable,
        rules: &raw.detect.rules,
        ip_allow: raw.detect.ip_allow.as_deref(),
        date_policy: &raw.detect.date_policy,
        max_line_bytes: raw.detect.max_line_bytes,
    }) {
        Ok(d) => Some(d),
        Err(problems) => {
            for (key, problem) in problems {
                p.add(key, problem);
            }
            None
        }
    };
    let engine: Option<EngineChoice> = detect.as_ref().map(|d| d.engine);

    let default_action = p.parsed::<ActionName, _>("actions.default", &raw.actions.default);
    let mut types = BTreeMap::new();
    for (name, action) in &raw.actions.types {
        let key = format!("actions.types.{name}");
        let phi_type = p.parsed::<PhiType, _>(&key, name);
        let action = p.parsed::<ActionName, _>(&key, action);
        if let (Some(t), Some(a)) = (phi_type, action) {
            types.insert(t, a);
        }
    }
    let mut rules = BTreeMap::new();
    for (id, action) in &raw.actions.rules {
        let key = format!("actions.rules.{id}");
        if id.is_empty() {
            p.add(&key, "rule id must not be empty");
        }
        if let Some(a) = p.parsed::<ActionName, _>(&key, action) {
            rules.insert(id.clone(), a);
        }
    }
    let mut fields = Vec::new();
    for (i, rule) in raw.actions.fields.iter().enumerate() {
        let key = format!("actions.fields[{i}]");
        let path: Vec<String> = rule.path.split('.').map(str::to_owned).collect();
        if rule.path.is_empty() || path.iter().any(String::is_empty) {
            p.add(
                format!("{key}.path"),
                format!("`{}` is not a key path (expected keys joined by `.`, e.g. `*.ssn`, `patient.*`, `**.dob`)", rule.path),
            );
        }
        let action = p.parsed::<ActionName, _>(&format!("{key}.action"), &rule.action);
        let phi_type = match &rule.phi_type {
            Some(t) => p.parsed::<PhiType, _>(&format!("{key}.type"), t),
            None => Some(PhiType::OtherId),
        };
        if let (Some(action), Some(phi_type)) = (action, phi_type) {
            fields.push(FieldRuleConfig {
                path,
                action,
                phi_type,
            });
        }
    }
    if raw.actions.mask_template.is_empty() {
        p.add("actions.mask_template", "must not be empty");
    }
    if raw.actions.partial_keep > 16 {
        p.add("actions.partial_keep", "must be at most 16");
    }

    let provider = match raw.keys.provider.as_str() {
        "local" => Some(KeyProviderChoice::Local),
        "aws-kms" => {
            if raw.keys.key_id.trim().is_empty() {
                p.add(
                    "keys.key_id",
                    "is required when keys.provider = \"aws-kms\"",
                );
                None
            } else {
                Some(KeyProviderChoice::AwsKms {
                    key_id: raw.keys.key_id.clone(),
                })
            }
        }
        other => {
            p.add(
                "keys.provider",
                format!("unknown provider `{other}` (expected local or aws-kms)"),
            );
            None
        }
    };
    if let Some(secret) = &raw.keys.hmac_key {
        p.secret("keys.hmac_key", secret);
    }
    let hmac_key_kms_blob = raw.keys.hmac_key_kms_blob.as_ref().and_then(|b64| {
        use base64::Engine as _;
        if raw.keys.hmac_key.is_some() {
            p.add(
                "keys.hmac_key_kms_blob",
                "give keys.hmac_key or keys.hmac_key_kms_blob, not both",
            );
        }
        if raw.keys.provider != "aws-kms" {
            p.add(
                "keys.hmac_key_kms_blob",
                "needs keys.provider = \"aws-kms\"",
            );
        }
        match base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
            Ok(blob) if !blob.is_empty() => Some(blob),
            _ => {
                p.add(
                    "keys.hmac_key_kms_blob",
                    "is not a non-empty base64 KMS ciphertext",
                );
                None
            }
        }
    });
    if raw.keys.provider == "aws-kms"
        && raw.keys.hmac_key.is_none()
        && hmac_key_kms_blob.is_none()
        && [&raw.actions.default]
            .into_iter()
            .chain(raw.actions.types.values())
            .chain(raw.actions.rules.values())
            .chain(raw.actions.fields.iter().map(|f| &f.action))
            .any(|a| a == "tokenize")
    {
        p.add(
            "keys.hmac_key",
            "tokenize with keys.provider = \"aws-kms\" needs keys.hmac_key or keys.hmac_key_kms_blob",
        );
    }
    for (k, v) in &raw.keys.encryption_context {
        if k.is_empty() || v.is_empty() {
            p.add(
                format!("keys.encryption_context.{k}"),
                "keys and values must not be empty",
            );
        }
        if k == "log_group" {
            p.add(
                "keys.encryption_context.log_group",
                "is reserved: set keys.context_log_group = true instead",
            );
        }
    }
    let c = &raw.keys.cache;
    if c.max_age_secs == 0 {
        p.add("keys.cache.max_age_secs", "must be greater than 0");
    }
    if c.max_uses == 0 || c.max_uses > MAX_USES_PER_DATA_KEY {
        p.add(
            "keys.cache.max_uses",
            "must be between 1 and 4294967296 (2^32, the AES-GCM random-nonce bound)",
        );
    }
    if c.max_bytes == 0 {
        p.add("keys.cache.max_bytes", "must be greater than 0");
    }
    if c.capacity == 0 {
        p.add("keys.cache.capacity", "must be at least 1");
    }
    if !(c.refresh_at > 0.0 && c.refresh_at <= 1.0) {
        p.add("keys.cache.refresh_at", "must be in (0, 1]");
    }
    let cache = KeyCacheConfig {
        max_age: Duration::from_secs(c.max_age_secs),
        max_uses: c.max_uses,
        max_bytes: c.max_bytes,
        capacity: c.capacity,
        refresh_at: c.refresh_at,
    };

    let mut sinks = BTreeMap::new();
    if raw.sinks.is_empty() {
        p.add("sinks", "at least one sink is required");
    }
    for (name, sink) in &raw.sinks {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            p.add(
                format!("sinks.{name}"),
                "sink names may only hold letters, digits, `_` and `-`",
            );
        }
        let built = match sink {
            RawSink::Stdout(_) => SinkConfig::Stdout,
        };
        sinks.insert(name.clone(), built);
    }

    if !p.0.is_empty() {
        return Err(p.0);
    }
    // Every `None` above recorded a problem, so these are all present here.
    match (
        server_listen,
        admin_listen,
        engine.zip(detect),
        default_action,
        provider,
    ) {
        (
            Some(listen),
            Some(admin_listen),
            Some((engine, detect)),
            Some(default),
            Some(provider),
        ) => Ok(Config {
            state_dir: raw.state_dir.clone(),
            server: ServerConfig {
                listen,
                grace_period: Duration::from_secs(raw.server.grace_period_secs),
                drain_delay: Duration::from_secs(raw.server.drain_delay_secs),
                max_body_bytes,
                request_timeout: Duration::from_secs(raw.server.request_timeout_secs),
                tls: raw
                    .server
                    .tls
                    .as_ref()
                    .map(|t| (t.cert_file.clone(), t.key_file.clone())),
            },
            admin_listen,
            log: LogConfig { level, json },
            firehose,
            engine,
            detect,
            actions: ActionsConfig {
                default,
                types,
                rules,
                fields,
                mask_template: raw.actions.mask_template.clone(),
                partial_keep: raw.actions.partial_keep,
            },
            keys: KeysConfig {
                provider,
                hmac_key: raw.keys.hmac_key.clone(),
                hmac_key_kms_blob,
                encryption_context: raw.keys.encryption_context.clone(),
                context_log_group: raw.keys.context_log_group,
                cache,
            },
            sinks,
            raw,
        }),
        _ => Err(vec![ConfigProblem {
            key: "config".to_owned(),
            problem: "internal: a required value was missing without a recorded problem".to_owned(),
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::parse_embedded_default;

    fn default_raw() -> RawConfig {
        parse_embedded_default().unwrap()
    }

    fn keys(problems: &[ConfigProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.key.as_str()).collect()
    }

    #[test]
    fn embedded_default_is_valid() {
        let config = validate(default_raw()).unwrap();
        assert_eq!(config.actions.default, ActionName::Mask);
        assert!(config.server.listen.ip().is_loopback());
        assert!(config.admin_listen.ip().is_loopback());
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let mut raw = default_raw();
        raw.server.listen = "nowhere".into();
        raw.detect.engine = "fastest".into();
        raw.actions.default = "scramble".into();
        raw.actions.types.insert("SSN".into(), "shred".into());
        raw.actions.types.insert("PATIENT".into(), "mask".into());
        let problems = validate(raw).unwrap_err();
        let keys = keys(&problems);
        for expected in [
            "server.listen",
            "detect.engine",
            "actions.default",
            "actions.types.SSN",
            "actions.types.PATIENT",
        ] {
            assert!(keys.contains(&expected), "{expected} missing from {keys:?}");
        }
    }

    #[test]
    fn aws_kms_needs_a_key_id() {
        let mut raw = default_raw();
        raw.keys.provider = "aws-kms".into();
        let problems = validate(raw).unwrap_err();
        assert_eq!(keys(&problems), ["keys.key_id"]);
    }

    #[test]
    fn firehose_without_keys_needs_explicit_opt_out() {
        let mut raw = default_raw();
        let firehose = raw.sources.firehose.as_mut().unwrap();
        firehose.access_keys.clear();
        firehose.allow_unauthenticated = false;
        assert_eq!(
            keys(&validate(raw.clone()).unwrap_err()),
            ["sources.firehose.access_keys"]
        );
        raw.sources.firehose.as_mut().unwrap().allow_unauthenticated = true;
        assert!(validate(raw).is_ok());
    }

    #[test]
    fn empty_secret_reference_is_a_problem() {
        let mut raw = default_raw();
        raw.sources.firehose.as_mut().unwrap().access_keys = vec![SecretRef::new("env:")];
        assert_eq!(
            keys(&validate(raw).unwrap_err()),
            ["sources.firehose.access_keys[0]"]
        );
    }

    #[test]
    fn field_rules_and_rule_overrides_are_validated() {
        let mut raw = default_raw();
        raw.actions
            .rules
            .insert("ssn-dashed".into(), "partial".into());
        raw.actions.fields.push(crate::config::raw::RawFieldRule {
            path: "*.ssn".into(),
            action: "drop".into(),
            phi_type: Some("SSN".into()),
        });
        raw.actions.fields.push(crate::config::raw::RawFieldRule {
            path: "patient..x".into(),
            action: "burn".into(),
            phi_type: Some("PATIENT".into()),
        });
        let problems = validate(raw.clone()).unwrap_err();
        assert_eq!(
            keys(&problems),
            [
                "actions.fields[1].path",
                "actions.fields[1].action",
                "actions.fields[1].type"
            ]
        );
        raw.actions.fields.pop();
        let config = validate(raw).unwrap();
        assert_eq!(config.actions.rules["ssn-dashed"], ActionName::Partial);
        assert_eq!(config.actions.fields[0].path, ["*", "ssn"]);
        assert_eq!(config.actions.fields[0].phi_type, PhiType::Ssn);
    }

    #[test]
    fn key_cache_limits_are_bounded() {
        let mut raw = default_raw();
        raw.keys.cache.max_uses = MAX_USES_PER_DATA_KEY + 1;
        raw.keys.cache.max_age_secs = 0;
        raw.keys.cache.refresh_at = 1.5;
        let problems = validate(raw).unwrap_err();
        assert_eq!(
            keys(&problems),
            [
                "keys.cache.max_age_secs",
                "keys.cache.max_uses",
                "keys.cache.refresh_at"
            ]
        );
    }

    #[test]
    fn tokenize_with_aws_kms_needs_an_hmac_key() {
        let mut raw = default_raw();
        raw.keys.provider = "aws-kms".into();
        raw.keys.key_id = "alias/phiscrub".into();
        raw.actions.types.insert("SSN".into(), "tokenize".into());
        assert_eq!(keys(&validate(raw.clone()).unwrap_err()), ["keys.hmac_key"]);
        raw.keys.hmac_key = Some(SecretRef::new("env:PHISCRUB_HMAC_KEY"));
        assert!(validate(raw).is_ok());
    }

    #[test]
    fn no_sinks_is_a_problem() {
        let mut raw = default_raw();
        raw.sinks.clear();
        assert_eq!(keys(&validate(raw).unwrap_err()), ["sinks"]);
    }
}
