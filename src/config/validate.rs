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
}

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
            actions: ActionsConfig { default, types },
            keys: KeysConfig { provider },
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
    fn no_sinks_is_a_problem() {
        let mut raw = default_raw();
        raw.sinks.clear();
        assert_eq!(keys(&validate(raw).unwrap_err()), ["sinks"]);
    }
}
