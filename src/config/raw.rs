//! The config file's shape, exactly as serde reads it (the "raw" stage).
//!
//! Every struct denies unknown fields: a typo such as `acitons` in a PHI policy must stop
//! the daemon rather than silently weaken what it scrubs. Nothing here checks values; that
//! is [`super::validate`]'s job, so that all problems are reported at once, each with its
//! key path.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::secret::SecretRef;

/// The whole config file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Folder for queues, quarantine and the local key.
    pub state_dir: PathBuf,
    /// The ingest listener.
    pub server: RawServer,
    /// The admin listener (/live, /ready, /metrics).
    pub admin: RawAdmin,
    /// Our own logs.
    #[serde(default)]
    pub log: RawLog,
    /// Where logs come from.
    #[serde(default)]
    pub sources: RawSources,
    /// What counts as PHI.
    #[serde(default)]
    pub detect: RawDetect,
    /// What replaces PHI.
    #[serde(default)]
    pub actions: RawActions,
    /// Key material for tokenize and encrypt.
    #[serde(default)]
    pub keys: RawKeys,
    /// Where scrubbed logs go, by sink name.
    #[serde(default)]
    pub sinks: BTreeMap<String, RawSink>,
    /// Where records that cannot be scrubbed or delivered are kept.
    #[serde(default)]
    pub quarantine: RawQuarantine,
}

/// `[server]`: the ingest listener.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    /// Address to bind, `host:port`; port 0 picks a free port.
    pub listen: String,
    /// Seconds between SIGTERM and a forced exit.
    #[serde(default = "default_grace_period_secs")]
    pub grace_period_secs: u64,
    /// Seconds between `/ready` turning 503 and the ingest listener closing, so that a load
    /// balancer polling `/ready` stops routing here before connections are refused.
    #[serde(default)]
    pub drain_delay_secs: u64,
    /// Largest request body accepted, in bytes (compressed, as received).
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: u64,
    /// Seconds a request may take before it is answered 503.
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// Optional TLS on the ingest listener.
    #[serde(default)]
    pub tls: Option<RawTls>,
}

/// `[server.tls]`: PEM certificate chain and private key.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// PEM file with the certificate chain.
    pub cert_file: PathBuf,
    /// PEM file with the private key.
    pub key_file: PathBuf,
}

/// `[admin]`: the admin listener.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdmin {
    /// Address to bind, `host:port`; port 0 picks a free port.
    pub listen: String,
}

/// `[log]`: phiscrub's own logs (never payload bytes).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    /// `error`, `warn`, `info`, `debug` or `trace`; `RUST_LOG` wins when set.
    #[serde(default = "default_log_level")]
    pub level: String,
    /// `json` (default, one object per line on stderr) or `text`.
    #[serde(default = "default_log_format")]
    pub format: String,
}

impl Default for RawLog {
    fn default() -> Self {
        Self {
            level: default_log_level(),
            format: default_log_format(),
        }
    }
}

/// `[sources]`: every input is optional; an absent section is not started.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSources {
    /// `[sources.firehose]`: the Amazon Data Firehose HTTP endpoint.
    #[serde(default)]
    pub firehose: Option<RawFirehoseSource>,
}

/// `[sources.firehose]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFirehoseSource {
    /// Accepted access keys (several, for rotation).
    #[serde(default)]
    pub access_keys: Vec<SecretRef>,
    /// Accept requests without an access key. Must be set explicitly.
    #[serde(default)]
    pub allow_unauthenticated: bool,
}

/// `[detect]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDetect {
    /// `auto`, `hyperscan` or `portable`.
    #[serde(default = "default_engine")]
    pub engine: String,
    /// Built-in rule ids to switch off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Custom rules (same fields as `rules/*.toml`).
    #[serde(default)]
    pub rules: Vec<crate::detect::RuleSpec>,
    /// CIDRs whose IPs are never PHI (absent: RFC 1918, loopback, link-local, ULA).
    #[serde(default)]
    pub ip_allow: Option<Vec<String>>,
    /// `contextual` (default), `all` or `none`.
    #[serde(default = "default_date_policy")]
    pub date_policy: String,
    /// Longest line scanned; longer lines fail closed.
    #[serde(default = "default_max_line_bytes")]
    pub max_line_bytes: u64,
}

impl Default for RawDetect {
    fn default() -> Self {
        Self {
            engine: default_engine(),
            disable: Vec::new(),
            rules: Vec::new(),
            ip_allow: None,
            date_policy: default_date_policy(),
            max_line_bytes: default_max_line_bytes(),
        }
    }
}

fn default_date_policy() -> String {
    "contextual".to_owned()
}

fn default_max_line_bytes() -> u64 {
    crate::detect::DEFAULT_MAX_LINE_BYTES as u64
}

/// `[actions]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawActions {
    /// The action for every PHI type without an override.
    #[serde(default = "default_action")]
    pub default: String,
    /// Per-type overrides, e.g. `SSN = "encrypt"`.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Per-rule overrides by rule id, e.g. `"ssn-dashed" = "partial"`; win over `types`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// JSON key-path rules, tried first, first match wins.
    #[serde(default)]
    pub fields: Vec<RawFieldRule>,
    /// `mask` replacement; `{type}` is replaced by the PHI type name.
    #[serde(default = "default_mask_template")]
    pub mask_template: String,
    /// `partial`: how many trailing letters and digits stay visible.
    #[serde(default = "default_partial_keep")]
    pub partial_keep: usize,
}

impl Default for RawActions {
    fn default() -> Self {
        Self {
            default: default_action(),
            types: BTreeMap::new(),
            rules: BTreeMap::new(),
            fields: Vec::new(),
            mask_template: default_mask_template(),
            partial_keep: default_partial_keep(),
        }
    }
}

/// `[[actions.fields]]`: an action for every value under a JSON key path.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFieldRule {
    /// Dotted key-path glob: `*` is one key, `**` any number, e.g. `*.ssn`, `patient.*`.
    pub path: String,
    /// The action for the whole value.
    pub action: String,
    /// The PHI type the value is reported and tokenized as (default `OTHER_ID`).
    #[serde(default, rename = "type")]
    pub phi_type: Option<String>,
}

/// `[keys]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    /// `local` or `aws-kms`.
    #[serde(default = "default_key_provider")]
    pub provider: String,
    /// KMS key id, ARN or alias (aws-kms only).
    #[serde(default)]
    pub key_id: String,
    /// HMAC key for `tokenize` (literal, `env:NAME` or `file:/path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_key: Option<SecretRef>,
    /// HMAC key for `tokenize` as a base64 KMS ciphertext, decrypted at start-up (aws-kms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_key_kms_blob: Option<String>,
    /// Encryption context (KMS AAD) binding data keys to phiscrub; never put PHI here.
    #[serde(default = "default_encryption_context")]
    pub encryption_context: BTreeMap<String, String>,
    /// Add the event's CloudWatch log group to the encryption context as `log_group`.
    #[serde(default)]
    pub context_log_group: bool,
    /// Data-key cache limits.
    #[serde(default)]
    pub cache: RawKeyCache,
}

impl Default for RawKeys {
    fn default() -> Self {
        Self {
            provider: default_key_provider(),
            key_id: String::new(),
            hmac_key: None,
            hmac_key_kms_blob: None,
            encryption_context: default_encryption_context(),
            context_log_group: false,
            cache: RawKeyCache::default(),
        }
    }
}

/// `[keys.cache]`: how long and how much one data key may be used.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeyCache {
    /// Seconds a data key is used for.
    #[serde(default = "default_cache_max_age_secs")]
    pub max_age_secs: u64,
    /// Values encrypted under one data key.
    #[serde(default = "default_cache_max_uses")]
    pub max_uses: u64,
    /// Plaintext bytes encrypted under one data key.
    #[serde(default = "default_cache_max_bytes")]
    pub max_bytes: u64,
    /// Distinct encryption contexts cached at once.
    #[serde(default = "default_cache_capacity")]
    pub capacity: usize,
    /// Fraction (0..1) of any limit after which a fresh key is fetched in the background.
    #[serde(default = "default_cache_refresh_at")]
    pub refresh_at: f64,
}

impl Default for RawKeyCache {
    fn default() -> Self {
        Self {
            max_age_secs: default_cache_max_age_secs(),
            max_uses: default_cache_max_uses(),
            max_bytes: default_cache_max_bytes(),
            capacity: default_cache_capacity(),
            refresh_at: default_cache_refresh_at(),
        }
    }
}

/// `[sinks.<name>]`, told apart by `type`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawSink {
    /// NDJSON on standard output.
    Stdout(RawStdoutSink),
}

/// `type = "stdout"`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawStdoutSink {}

/// `[quarantine]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuarantine {
    /// Upper bound on quarantine size on disk, in bytes.
    #[serde(default = "default_quarantine_max_bytes")]
    pub max_bytes: u64,
}

impl Default for RawQuarantine {
    fn default() -> Self {
        Self {
            max_bytes: default_quarantine_max_bytes(),
        }
    }
}

fn default_grace_period_secs() -> u64 {
    25
}
fn default_max_body_bytes() -> u64 {
    64 * 1024 * 1024
}
fn default_request_timeout_secs() -> u64 {
    30
}
fn default_log_level() -> String {
    "info".to_owned()
}
fn default_log_format() -> String {
    "json".to_owned()
}
fn default_engine() -> String {
    "auto".to_owned()
}
fn default_action() -> String {
    "mask".to_owned()
}
fn default_key_provider() -> String {
    "local".to_owned()
}
fn default_mask_template() -> String {
    "[{type}]".to_owned()
}
fn default_partial_keep() -> usize {
    4
}
fn default_encryption_context() -> BTreeMap<String, String> {
    BTreeMap::from([("app".to_owned(), "phiscrub".to_owned())])
}
fn default_cache_max_age_secs() -> u64 {
    300
}
fn default_cache_max_uses() -> u64 {
    1 << 20
}
fn default_cache_max_bytes() -> u64 {
    1 << 30
}
fn default_cache_capacity() -> usize {
    64
}
fn default_cache_refresh_at() -> f64 {
    0.8
}
fn default_quarantine_max_bytes() -> u64 {
    1024 * 1024 * 1024
}
