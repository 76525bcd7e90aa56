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

use super::raw::{RawConfig, RawSink, RawSinkCommon, RawSources, RawSyslogSink};
use super::secret::SecretRef;
use crate::decode::DecodeLimits;
use crate::decode::firehose::RecordFormat;
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
    /// Time between canary runs after the one at start-up.
    pub canary_interval: Duration,
    /// Our own logs.
    pub log: LogConfig,
    /// The Firehose HTTP endpoint, when configured.
    pub firehose: Option<FirehoseSourceConfig>,
    /// The Firehose transformation over HTTP (and its settings for `phiscrub lambda`).
    pub transform: Option<TransformSourceConfig>,
    /// `POST /v1/logs`, when configured.
    pub http_logs: Option<HttpLogsSourceConfig>,
    /// Lines on standard input, when configured.
    pub stdin: Option<StdinSourceConfig>,
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
    /// Routing, batch, retry and buffer options by sink name (same keys as `sinks`).
    pub delivery: BTreeMap<String, DeliveryConfig>,
    /// The quarantine store.
    pub quarantine: QuarantineConfig,
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
    /// Route of the endpoint.
    pub path: String,
    /// How records are interpreted.
    pub record_format: RecordFormat,
    /// Decoding bounds.
    pub limits: DecodeLimits,
    /// How long delivered request ids are remembered.
    pub dedup_window: Duration,
    /// Most request ids remembered.
    pub dedup_max_entries: usize,
}

/// What an `Ok` transformation record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransformOutput {
    /// A subscription message (re-gzipped when the input was gzip) around the scrubbed
    /// log events; text-line records become NDJSON.
    Cloudwatch,
    /// NDJSON of the scrubbed events, one object per line.
    Ndjson,
}

/// Validated `[sources.transform]`.
#[derive(Debug, Clone)]
pub struct TransformSourceConfig {
    /// Whether `serve` mounts the HTTP variant (`enabled`); `phiscrub lambda` uses the
    /// other settings either way.
    pub serve_http: bool,
    /// Route of the HTTP variant.
    pub path: String,
    /// Bearer token for the HTTP variant.
    pub bearer_token: Option<SecretRef>,
    /// Re-encoding of `Ok` records.
    pub output: TransformOutput,
    /// How records are interpreted.
    pub record_format: RecordFormat,
    /// Largest response body.
    pub max_response_bytes: usize,
    /// Decoding bounds.
    pub limits: DecodeLimits,
}

impl Default for TransformSourceConfig {
    /// The documented defaults (used by `phiscrub lambda` when the section is absent).
    fn default() -> Self {
        let limits = DecodeLimits::default();
        Self {
            serve_http: true,
            path: "/firehose/transform".to_owned(),
            bearer_token: None,
            output: TransformOutput::Cloudwatch,
            record_format: RecordFormat::Auto,
            max_response_bytes: 6_000_000,
            limits: DecodeLimits {
                max_records: usize::MAX,
                ..limits
            },
        }
    }
}

/// Validated `[sources.http_logs]`.
#[derive(Debug, Clone)]
pub struct HttpLogsSourceConfig {
    /// Route.
    pub path: String,
    /// Bearer token, when required.
    pub bearer_token: Option<SecretRef>,
    /// Most events per request.
    pub max_events: usize,
    /// Largest body after gunzip.
    pub max_decompressed_bytes: usize,
    /// `Retry-After` on backpressure.
    pub retry_after: Duration,
}

/// Validated `[sources.stdin]`.
#[derive(Debug, Clone)]
pub struct StdinSourceConfig {
    /// Longest accepted line.
    pub max_line_bytes: usize,
    /// Lines per delivered batch.
    pub batch_lines: usize,
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

/// A validated sink: its protocol and the protocol's options. The options every sink
/// shares (routing, batch, retry, buffer) are in [`Config::delivery`] under the same name.
#[derive(Debug, Clone)]
pub enum SinkConfig {
    /// NDJSON on standard output.
    Stdout,
    /// NDJSON appended to a file.
    File {
        /// The file.
        path: PathBuf,
    },
    /// HTTP POST.
    Http(HttpSinkConfig),
    /// Splunk HEC.
    SplunkHec(SplunkHecSinkConfig),
    /// Syslog.
    Syslog(SyslogSinkConfig),
    /// Firehose PutRecordBatch.
    Firehose(AwsStreamSinkConfig),
    /// CloudWatch Logs PutLogEvents.
    CloudwatchLogs(CloudwatchLogsSinkConfig),
}

/// Body shape of the `http` sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpFormat {
    /// One JSON object per line.
    Ndjson,
    /// One JSON array of objects.
    JsonArray,
}

/// Authorization of the `http` sink.
#[derive(Debug, Clone)]
pub enum HttpAuth {
    /// None.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(SecretRef),
    /// `Authorization: Basic …`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: SecretRef,
    },
}

/// Validated `type = "http"`.
#[derive(Debug, Clone)]
pub struct HttpSinkConfig {
    /// URL (http or https).
    pub endpoint: String,
    /// Body shape.
    pub format: HttpFormat,
    /// gzip the body.
    pub gzip: bool,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Authorization.
    pub auth: HttpAuth,
    /// Extra CA file.
    pub tls_ca_file: Option<PathBuf>,
    /// Per-request time limit.
    pub timeout: Duration,
}

/// Event metadata a sink can map into its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaField {
    /// The phiscrub source.
    Source,
    /// The AWS account.
    Owner,
    /// The log group.
    LogGroup,
    /// The log stream.
    LogStream,
    /// The event id.
    EventId,
}

impl std::str::FromStr for MetaField {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "source" => Self::Source,
            "owner" => Self::Owner,
            "log_group" => Self::LogGroup,
            "log_stream" => Self::LogStream,
            "event_id" => Self::EventId,
            other => {
                return Err(format!(
                    "unknown metadata `{other}` (expected source, owner, log_group, log_stream or event_id)"
                ));
            }
        })
    }
}

impl MetaField {
    /// The value of this field in `meta`, if present.
    pub fn get(self, meta: &crate::event::EventMeta) -> Option<&str> {
        match self {
            Self::Source => Some(meta.source.as_str()),
            Self::Owner => meta.owner.as_deref(),
            Self::LogGroup => meta.log_group.as_deref(),
            Self::LogStream => meta.log_stream.as_deref(),
            Self::EventId => meta.event_id.as_deref(),
        }
    }
}

/// Validated `type = "splunk_hec"`.
#[derive(Debug, Clone)]
pub struct SplunkHecSinkConfig {
    /// Base URL (scheme, host, port).
    pub endpoint: String,
    /// HEC token.
    pub token: SecretRef,
    /// Index, if set.
    pub index: Option<String>,
    /// Sourcetype.
    pub sourcetype: String,
    /// Fixed `source`, else the log group.
    pub source: Option<String>,
    /// Fixed `host`, else the log stream.
    pub host: Option<String>,
    /// Indexed fields from metadata.
    pub fields: Vec<(String, MetaField)>,
    /// gzip the body.
    pub gzip: bool,
    /// Indexer acknowledgement: poll interval and give-up time, when on.
    pub ack: Option<(Duration, Duration)>,
    /// Extra CA file.
    pub tls_ca_file: Option<PathBuf>,
    /// Per-request time limit.
    pub timeout: Duration,
}

/// Syslog transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyslogTransport {
    /// RFC 5425 TLS with octet counting.
    Tls,
    /// Plain TCP with octet counting (RFC 6587).
    Tcp,
    /// One datagram per message (RFC 5426).
    Udp,
}

/// Validated `type = "syslog"`.
#[derive(Debug, Clone)]
pub struct SyslogSinkConfig {
    /// Receiver host.
    pub host: String,
    /// Receiver port.
    pub port: u16,
    /// Transport.
    pub transport: SyslogTransport,
    /// CA file for the receiver's certificate; `None`: system roots.
    pub tls_ca_file: Option<PathBuf>,
    /// Client certificate and key files.
    pub tls_client_cert: Option<(PathBuf, PathBuf)>,
    /// Name verified in the receiver's certificate.
    pub tls_server_name: String,
    /// Facility number (0–23).
    pub facility: u8,
    /// Severity number (0–7).
    pub severity: u8,
    /// APP-NAME.
    pub app_name: String,
    /// HOSTNAME, if fixed.
    pub hostname: Option<String>,
}

/// Validated `type = "firehose"`.
#[derive(Debug, Clone)]
pub struct AwsStreamSinkConfig {
    /// Delivery stream.
    pub delivery_stream: String,
    /// Region override.
    pub region: Option<String>,
    /// Endpoint override.
    pub endpoint_url: Option<String>,
}

/// Validated `type = "cloudwatch_logs"`.
#[derive(Debug, Clone)]
pub struct CloudwatchLogsSinkConfig {
    /// Log group.
    pub log_group: String,
    /// Log stream.
    pub log_stream: String,
    /// Create missing group/stream.
    pub create_missing: bool,
    /// Region override.
    pub region: Option<String>,
    /// Endpoint override.
    pub endpoint_url: Option<String>,
}

/// Where a sink's queue lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferKind {
    /// `state_dir/queues/<sink>.redb`.
    Disk,
    /// In memory, lost on exit.
    Memory,
}

/// The options every sink shares.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Log-group globs to include (empty: all).
    pub include_log_groups: Vec<String>,
    /// Log-group globs to exclude.
    pub exclude_log_groups: Vec<String>,
    /// Events per batch.
    pub batch_max_events: usize,
    /// Bytes per batch.
    pub batch_max_bytes: usize,
    /// How long the oldest event waits for a fuller batch.
    pub batch_max_age: Duration,
    /// First backoff ceiling.
    pub initial_backoff: Duration,
    /// Backoff cap.
    pub max_backoff: Duration,
    /// Queue kind.
    pub buffer: BufferKind,
    /// Queue bound in bytes.
    pub buffer_max_bytes: u64,
    /// Commit policy of a disk queue.
    pub fsync: crate::queue::FsyncPolicy,
}

/// Validated `[quarantine]`.
#[derive(Debug, Clone)]
pub struct QuarantineConfig {
    /// Folder of the store.
    pub dir: PathBuf,
    /// Bound in bytes.
    pub max_bytes: u64,
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
    if let (Some(s), Some(a)) = (server_listen, admin_listen)
        && s == a
        && s.port() != 0
    {
        p.add("admin.listen", "must differ from server.listen");
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

    let (firehose, transform, http_logs, stdin) =
        validate_sources(&raw.sources, server_listen, &mut p);

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
    let mut delivery = BTreeMap::new();
    if !raw.sinks.values().any(|s| s.common().enabled) {
        p.add("sinks", "at least one sink is required");
    }
    for (name, sink) in raw.sinks.iter().filter(|(_, s)| s.common().enabled) {
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
        if let Some(built) = sink_config(&mut p, name, sink) {
            sinks.insert(name.clone(), built);
        }
        delivery.insert(name.clone(), delivery_config(&mut p, name, sink));
    }
    if raw.admin.canary_interval_secs == 0 {
        p.add("admin.canary_interval_secs", "must be at least 1");
    }
    if raw.quarantine.max_bytes == 0 {
        p.add("quarantine.max_bytes", "must be greater than 0");
    }
    let quarantine = QuarantineConfig {
        dir: raw
            .quarantine
            .dir
            .clone()
            .unwrap_or_else(|| raw.state_dir.join("quarantine")),
        max_bytes: raw.quarantine.max_bytes,
    };

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
            canary_interval: Duration::from_secs(raw.admin.canary_interval_secs),
            log: LogConfig { level, json },
            firehose,
            transform,
            http_logs,
            stdin,
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
            delivery,
            quarantine,
            raw,
        }),
        _ => Err(vec![ConfigProblem {
            key: "config".to_owned(),
            problem: "internal: a required value was missing without a recorded problem".to_owned(),
        }]),
    }
}

fn url(p: &mut Problems, key: &str, value: &str) -> Option<String> {
    match reqwest::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Some(value.to_owned())
        }
        _ => {
            p.add(key, format!("`{value}` is not an http(s) URL"));
            None
        }
    }
}

fn compression(p: &mut Problems, key: &str, value: &str) -> bool {
    match value {
        "gzip" => true,
        "none" => false,
        other => {
            p.add(
                key,
                format!("unknown compression `{other}` (expected gzip or none)"),
            );
            false
        }
    }
}

fn required(p: &mut Problems, key: &str, value: &str) {
    if value.trim().is_empty() {
        p.add(key, "must not be empty");
    }
}

fn sink_config(p: &mut Problems, name: &str, sink: &RawSink) -> Option<SinkConfig> {
    let k = |field: &str| format!("sinks.{name}.{field}");
    Some(match sink {
        RawSink::Stdout(_) => SinkConfig::Stdout,
        RawSink::File(f) => {
            if f.path.as_os_str().is_empty() {
                p.add(k("path"), "must not be empty");
            }
            SinkConfig::File {
                path: f.path.clone(),
            }
        }
        RawSink::Http(h) => {
            let endpoint = url(p, &k("endpoint"), &h.endpoint);
            let format = match h.format.as_str() {
                "ndjson" => HttpFormat::Ndjson,
                "json_array" => HttpFormat::JsonArray,
                other => {
                    p.add(
                        k("format"),
                        format!("unknown format `{other}` (expected ndjson or json_array)"),
                    );
                    HttpFormat::Ndjson
                }
            };
            let gzip = compression(p, &k("compression"), &h.compression);
            let auth = match (&h.bearer_token, &h.username, &h.password) {
                (None, None, None) => HttpAuth::None,
                (Some(token), None, None) => {
                    p.secret(&k("bearer_token"), token);
                    HttpAuth::Bearer(token.clone())
                }
                (None, Some(user), Some(password)) => {
                    p.secret(&k("password"), password);
                    HttpAuth::Basic {
                        username: user.clone(),
                        password: password.clone(),
                    }
                }
                _ => {
                    p.add(
                        k("bearer_token"),
                        "give either bearer_token, or username and password",
                    );
                    HttpAuth::None
                }
            };
            for header in h.headers.keys() {
                if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
                    p.add(k(&format!("headers.{header}")), "not a valid header name");
                }
            }
            if h.timeout_secs == 0 {
                p.add(k("timeout_secs"), "must be greater than 0");
            }
            SinkConfig::Http(HttpSinkConfig {
                endpoint: endpoint?,
                format,
                gzip,
                headers: h
                    .headers
                    .iter()
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect(),
                auth,
                tls_ca_file: h.tls_ca_file.clone(),
                timeout: Duration::from_secs(h.timeout_secs),
            })
        }
        RawSink::SplunkHec(h) => {
            let endpoint = url(p, &k("endpoint"), &h.endpoint);
            p.secret(&k("token"), &h.token);
            let gzip = compression(p, &k("compression"), &h.compression);
            let mut fields = Vec::new();
            for (field, meta) in &h.fields {
                if let Some(m) = p.parsed::<MetaField, _>(&k(&format!("fields.{field}")), meta) {
                    fields.push((field.clone(), m));
                }
            }
            if h.ack && (h.ack_poll_ms == 0 || h.ack_timeout_secs == 0) {
                p.add(
                    k("ack_poll_ms"),
                    "ack_poll_ms and ack_timeout_secs must be greater than 0",
                );
            }
            if h.timeout_secs == 0 {
                p.add(k("timeout_secs"), "must be greater than 0");
            }
            SinkConfig::SplunkHec(SplunkHecSinkConfig {
                endpoint: endpoint?.trim_end_matches('/').to_owned(),
                token: h.token.clone(),
                index: h.index.clone().filter(|i| !i.is_empty()),
                sourcetype: h
                    .sourcetype
                    .clone()
                    .unwrap_or_else(|| "phiscrub".to_owned()),
                source: h.source.clone(),
                host: h.host.clone(),
                fields,
                gzip,
                ack: h.ack.then(|| {
                    (
                        Duration::from_millis(h.ack_poll_ms),
                        Duration::from_secs(h.ack_timeout_secs),
                    )
                }),
                tls_ca_file: h.tls_ca_file.clone(),
                timeout: Duration::from_secs(h.timeout_secs),
            })
        }
        RawSink::Syslog(s) => SinkConfig::Syslog(syslog_config(p, name, s)?),
        RawSink::Firehose(f) => {
            required(p, &k("delivery_stream"), &f.delivery_stream);
            if let Some(e) = &f.endpoint_url {
                url(p, &k("endpoint_url"), e);
            }
            SinkConfig::Firehose(AwsStreamSinkConfig {
                delivery_stream: f.delivery_stream.clone(),
                region: f.region.clone(),
                endpoint_url: f.endpoint_url.clone(),
            })
        }
        RawSink::CloudwatchLogs(c) => {
            required(p, &k("log_group"), &c.log_group);
            required(p, &k("log_stream"), &c.log_stream);
            if c.log_stream.contains(':') || c.log_stream.contains('*') {
                p.add(k("log_stream"), "must not contain `:` or `*`");
            }
            if let Some(e) = &c.endpoint_url {
                url(p, &k("endpoint_url"), e);
            }
            SinkConfig::CloudwatchLogs(CloudwatchLogsSinkConfig {
                log_group: c.log_group.clone(),
                log_stream: c.log_stream.clone(),
                create_missing: c.create_missing,
                region: c.region.clone(),
                endpoint_url: c.endpoint_url.clone(),
            })
        }
    })
}

const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];
const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

fn syslog_config(p: &mut Problems, name: &str, s: &RawSyslogSink) -> Option<SyslogSinkConfig> {
    let k = |field: &str| format!("sinks.{name}.{field}");
    let (host, port) = match s.address.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => match port.parse::<u16>() {
            Ok(port) if port != 0 => (host.trim_matches(['[', ']']).to_owned(), port),
            _ => {
                p.add(k("address"), "the port must be 1–65535");
                return None;
            }
        },
        _ => {
            p.add(k("address"), format!("`{}` is not host:port", s.address));
            return None;
        }
    };
    let transport = match s.transport.as_str() {
        "tls" => SyslogTransport::Tls,
        "tcp" => SyslogTransport::Tcp,
        "udp" => SyslogTransport::Udp,
        other => {
            p.add(
                k("transport"),
                format!("unknown transport `{other}` (expected tls, tcp or udp)"),
            );
            SyslogTransport::Tls
        }
    };
    let tls_client_cert = match (&s.tls_client_cert_file, &s.tls_client_key_file) {
        (Some(c), Some(k)) => Some((c.clone(), k.clone())),
        (None, None) => None,
        _ => {
            p.add(
                k("tls_client_cert_file"),
                "tls_client_cert_file and tls_client_key_file go together",
            );
            None
        }
    };
    let facility = FACILITIES.iter().position(|f| *f == s.facility);
    if facility.is_none() {
        p.add(k("facility"), format!("unknown facility `{}`", s.facility));
    }
    let severity = SEVERITIES.iter().position(|f| *f == s.severity);
    if severity.is_none() {
        p.add(k("severity"), format!("unknown severity `{}`", s.severity));
    }
    let printable = |v: &str, max: usize| {
        !v.is_empty() && v.len() <= max && v.bytes().all(|b| (33..=126).contains(&b))
    };
    if !printable(&s.app_name, 48) {
        p.add(
            k("app_name"),
            "must be 1–48 printable ASCII characters without spaces",
        );
    }
    if let Some(h) = &s.hostname
        && !printable(h, 255)
    {
        p.add(
            k("hostname"),
            "must be 1–255 printable ASCII characters without spaces",
        );
    }
    Some(SyslogSinkConfig {
        tls_server_name: s.tls_server_name.clone().unwrap_or_else(|| host.clone()),
        host,
        port,
        transport,
        tls_ca_file: s.tls_ca_file.clone(),
        tls_client_cert,
        facility: u8::try_from(facility.unwrap_or(16)).unwrap_or(16),
        severity: u8::try_from(severity.unwrap_or(6)).unwrap_or(6),
        app_name: s.app_name.clone(),
        hostname: s.hostname.clone(),
    })
}

fn delivery_config(p: &mut Problems, name: &str, sink: &RawSink) -> DeliveryConfig {
    let k = |field: &str| format!("sinks.{name}.{field}");
    let RawSinkCommon {
        enabled: _,
        include_log_groups,
        exclude_log_groups,
        batch,
        retry,
        buffer,
    } = sink.common();
    for (field, globs) in [
        ("include_log_groups", include_log_groups),
        ("exclude_log_groups", exclude_log_groups),
    ] {
        for (i, glob) in globs.iter().enumerate() {
            if let Err(err) = globset::Glob::new(glob) {
                p.add(k(&format!("{field}[{i}]")), err.to_string());
            }
        }
    }
    if batch.max_events == 0 {
        p.add(k("batch.max_events"), "must be greater than 0");
    }
    if batch.max_bytes == 0 {
        p.add(k("batch.max_bytes"), "must be greater than 0");
    }
    if retry.initial_backoff_ms == 0 || retry.max_backoff_ms < retry.initial_backoff_ms {
        p.add(
            k("retry.max_backoff_ms"),
            "need 0 < initial_backoff_ms <= max_backoff_ms",
        );
    }
    let kind = match buffer.kind.as_str() {
        "disk" => BufferKind::Disk,
        "memory" => BufferKind::Memory,
        other => {
            p.add(
                k("buffer.type"),
                format!("unknown buffer `{other}` (expected disk or memory)"),
            );
            BufferKind::Disk
        }
    };
    if buffer.max_bytes == 0 {
        p.add(k("buffer.max_bytes"), "must be greater than 0");
    }
    let fsync = match buffer.fsync.as_str() {
        "per_request" => crate::queue::FsyncPolicy::PerRequest,
        "none" => crate::queue::FsyncPolicy::None,
        other => {
            p.add(
                k("buffer.fsync"),
                format!("unknown fsync policy `{other}` (expected per_request or none)"),
            );
            crate::queue::FsyncPolicy::PerRequest
        }
    };
    DeliveryConfig {
        include_log_groups: include_log_groups.to_vec(),
        exclude_log_groups: exclude_log_groups.to_vec(),
        batch_max_events: batch.max_events,
        batch_max_bytes: batch.max_bytes,
        batch_max_age: Duration::from_millis(batch.max_age_ms),
        initial_backoff: Duration::from_millis(retry.initial_backoff_ms),
        max_backoff: Duration::from_millis(retry.max_backoff_ms.max(1)),
        buffer: kind,
        buffer_max_bytes: buffer.max_bytes,
        fsync,
    }
}

type ValidatedSources = (
    Option<FirehoseSourceConfig>,
    Option<TransformSourceConfig>,
    Option<HttpLogsSourceConfig>,
    Option<StdinSourceConfig>,
);

/// Most records Firehose puts in one HTTP endpoint request (PROTOCOLS.md §2.1).
const FIREHOSE_MAX_RECORDS: usize = 10_000;

/// Checks `[sources.*]`. `listen` is the ingest address, when valid: off loopback, the
/// HTTP sources need a credential unless they say `allow_unauthenticated = true`.
fn validate_sources(
    raw: &RawSources,
    listen: Option<SocketAddr>,
    p: &mut Problems,
) -> ValidatedSources {
    fn positive(p: &mut Problems, key: &str, value: usize) {
        if value == 0 {
            p.add(key, "must be greater than 0");
        }
    }
    // Like the Firehose access key: anyone who can reach a non-loopback listener could
    // inject events into the SIEM or use the route as a scrub oracle, so an open route
    // must be asked for explicitly.
    let exposed = listen.filter(|addr| !addr.ip().is_loopback());
    let require_token = |p: &mut Problems, section: &str, token: bool, allow: bool| {
        if let (Some(addr), false, false) = (exposed, token, allow) {
            p.add(
                format!("sources.{section}.bearer_token"),
                format!(
                    "required because server.listen ({addr}) is not a loopback address; \
                     set a token, allow_unauthenticated = true to accept anyone who can \
                     reach it, or enabled = false"
                ),
            );
        }
    };
    let mut paths: Vec<(String, String)> = Vec::new();
    let mut route = |p: &mut Problems, key: &str, path: &str| {
        if !path.starts_with('/') || path.contains(['{', '}', '*', '?', '#']) {
            p.add(
                key,
                format!("`{path}` must be a literal path starting with `/`"),
            );
        } else if let Some((other, _)) = paths.iter().find(|(_, existing)| existing == path) {
            p.add(key, format!("`{path}` is already used by {other}"));
        }
        paths.push((key.to_owned(), path.to_owned()));
    };
    let firehose = raw.firehose.as_ref().map(|fh| {
        for (i, key) in fh.access_keys.iter().enumerate() {
            p.secret(&format!("sources.firehose.access_keys[{i}]"), key);
        }
        if fh.access_keys.is_empty() && !fh.allow_unauthenticated {
            p.add(
                "sources.firehose.access_keys",
                "at least one access key is required unless allow_unauthenticated = true",
            );
        }
        route(p, "sources.firehose.path", &fh.path);
        let record_format = p
            .parsed::<RecordFormat, _>("sources.firehose.record_format", &fh.record_format)
            .unwrap_or_default();
        if fh.max_records < FIREHOSE_MAX_RECORDS {
            // A request over the limit is answered 413, which Firehose treats as a
            // permanent failure: the batch is dropped, not even sent to its error bucket.
            p.add(
                "sources.firehose.max_records",
                format!(
                    "must be at least {FIREHOSE_MAX_RECORDS}: Firehose sends up to \
                     {FIREHOSE_MAX_RECORDS} records per request and drops a batch answered 413"
                ),
            );
        }
        positive(p, "sources.firehose.max_record_bytes", fh.max_record_bytes);
        positive(
            p,
            "sources.firehose.max_decompressed_record_bytes",
            fh.max_decompressed_record_bytes,
        );
        if fh.max_decompressed_request_bytes < fh.max_decompressed_record_bytes {
            p.add(
                "sources.firehose.max_decompressed_request_bytes",
                "must be at least max_decompressed_record_bytes",
            );
        }
        positive(
            p,
            "sources.firehose.dedup_max_entries",
            fh.dedup_max_entries,
        );
        FirehoseSourceConfig {
            access_keys: fh.access_keys.clone(),
            allow_unauthenticated: fh.allow_unauthenticated,
            path: fh.path.clone(),
            record_format,
            limits: DecodeLimits {
                max_record_bytes: fh.max_record_bytes,
                max_decompressed_record_bytes: fh.max_decompressed_record_bytes,
                max_decompressed_request_bytes: fh.max_decompressed_request_bytes,
                max_records: fh.max_records,
            },
            dedup_window: Duration::from_secs(fh.dedup_window_secs),
            dedup_max_entries: fh.dedup_max_entries,
        }
    });
    let transform = raw.transform.as_ref().map(|t| {
        if t.enabled {
            route(p, "sources.transform.path", &t.path);
            require_token(
                p,
                "transform",
                t.bearer_token.is_some(),
                t.allow_unauthenticated,
            );
        }
        if let Some(token) = &t.bearer_token {
            p.secret("sources.transform.bearer_token", token);
        }
        let output = match t.output.as_str() {
            "cloudwatch" => TransformOutput::Cloudwatch,
            "ndjson" => TransformOutput::Ndjson,
            other => {
                p.add(
                    "sources.transform.output",
                    format!("unknown output `{other}` (expected cloudwatch or ndjson)"),
                );
                TransformOutput::Cloudwatch
            }
        };
        let record_format = p
            .parsed::<RecordFormat, _>("sources.transform.record_format", &t.record_format)
            .unwrap_or_default();
        if t.max_response_bytes < 1024 || t.max_response_bytes > 6 * 1024 * 1024 {
            p.add(
                "sources.transform.max_response_bytes",
                "must be between 1024 and 6291456 (Lambda's response limit)",
            );
        }
        positive(p, "sources.transform.max_record_bytes", t.max_record_bytes);
        if t.max_decompressed_request_bytes < t.max_decompressed_record_bytes {
            p.add(
                "sources.transform.max_decompressed_request_bytes",
                "must be at least max_decompressed_record_bytes",
            );
        }
        TransformSourceConfig {
            serve_http: t.enabled,
            path: t.path.clone(),
            bearer_token: t.bearer_token.clone(),
            output,
            record_format,
            max_response_bytes: t.max_response_bytes,
            limits: DecodeLimits {
                max_record_bytes: t.max_record_bytes,
                max_decompressed_record_bytes: t.max_decompressed_record_bytes,
                max_decompressed_request_bytes: t.max_decompressed_request_bytes,
                max_records: usize::MAX,
            },
        }
    });
    let http_logs = raw.http_logs.as_ref().filter(|h| h.enabled).map(|h| {
        route(p, "sources.http_logs.path", &h.path);
        require_token(
            p,
            "http_logs",
            h.bearer_token.is_some(),
            h.allow_unauthenticated,
        );
        if let Some(token) = &h.bearer_token {
            p.secret("sources.http_logs.bearer_token", token);
        }
        positive(p, "sources.http_logs.max_events", h.max_events);
        positive(
            p,
            "sources.http_logs.max_decompressed_bytes",
            h.max_decompressed_bytes,
        );
        HttpLogsSourceConfig {
            path: h.path.clone(),
            bearer_token: h.bearer_token.clone(),
            max_events: h.max_events,
            max_decompressed_bytes: h.max_decompressed_bytes,
            retry_after: Duration::from_secs(h.retry_after_secs.max(1)),
        }
    });
    let stdin = raw.stdin.as_ref().map(|s| {
        positive(p, "sources.stdin.max_line_bytes", s.max_line_bytes);
        positive(p, "sources.stdin.batch_lines", s.batch_lines);
        StdinSourceConfig {
            max_line_bytes: s.max_line_bytes,
            batch_lines: s.batch_lines,
        }
    });
    (firehose, transform, http_logs, stdin)
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
    fn source_routes_must_be_distinct_literal_paths() {
        let mut raw = default_raw();
        raw.sources.firehose.as_mut().unwrap().path = "/v1/logs".into();
        raw.sources.transform.as_mut().unwrap().output = "xml".into();
        let problems = validate(raw).unwrap_err();
        let keys = keys(&problems);
        assert!(keys.contains(&"sources.http_logs.path"), "{keys:?}");
        assert!(keys.contains(&"sources.transform.output"), "{keys:?}");
    }

    #[test]
    fn firehose_limits_must_be_coherent() {
        let mut raw = default_raw();
        let fh = raw.sources.firehose.as_mut().unwrap();
        fh.record_format = "xml".into();
        fh.max_decompressed_request_bytes = 1;
        let keys_found = keys(&validate(raw).unwrap_err())
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        assert!(keys_found.contains(&"sources.firehose.record_format".to_owned()));
        assert!(keys_found.contains(&"sources.firehose.max_decompressed_request_bytes".to_owned()));
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

    fn with_sink(toml_text: &str) -> Result<Config, Vec<ConfigProblem>> {
        let mut raw = default_raw();
        let sinks: BTreeMap<String, RawSink> = toml::from_str(toml_text).unwrap();
        raw.sinks = sinks;
        validate(raw)
    }

    #[test]
    fn every_sink_type_validates() {
        let config = with_sink(
            r#"
            [f]
            type = "file"
            path = "/tmp/out.ndjson"
            [h]
            type = "http"
            endpoint = "https://siem.example/ingest"
            bearer_token = "env:TOKEN"
            include_log_groups = ["/aws/lambda/*"]
            [h.batch]
            max_events = 10
            [s]
            type = "splunk_hec"
            endpoint = "https://splunk.example:8088/"
            token = "env:HEC"
            ack = true
            fields = { group = "log_group" }
            [y]
            type = "syslog"
            address = "logs.example:6514"
            [fh]
            type = "firehose"
            delivery_stream = "to-siem"
            [cw]
            type = "cloudwatch_logs"
            log_group = "/phiscrub/clean"
            log_stream = "a"
            "#,
        )
        .unwrap();
        assert_eq!(config.sinks.len(), 6);
        assert_eq!(config.delivery["h"].batch_max_events, 10);
        let SinkConfig::SplunkHec(hec) = &config.sinks["s"] else {
            panic!("not hec")
        };
        assert_eq!(hec.endpoint, "https://splunk.example:8088");
        assert_eq!(hec.fields, vec![("group".to_owned(), MetaField::LogGroup)]);
        let SinkConfig::Syslog(sys) = &config.sinks["y"] else {
            panic!("not syslog")
        };
        assert_eq!((sys.port, sys.facility, sys.severity), (6514, 16, 6));
        assert_eq!(sys.tls_server_name, "logs.example");
    }

    #[test]
    fn sink_problems_name_their_keys() {
        let problems = with_sink(
            r#"
            [h]
            type = "http"
            endpoint = "ftp://x"
            format = "xml"
            include_log_groups = ["a[b"]
            [h.buffer]
            fsync = "sometimes"
            [y]
            type = "syslog"
            address = "nohost"
            "#,
        )
        .unwrap_err();
        let keys = keys(&problems);
        for expected in [
            "sinks.h.endpoint",
            "sinks.h.format",
            "sinks.h.include_log_groups[0]",
            "sinks.h.buffer.fsync",
            "sinks.y.address",
        ] {
            assert!(keys.contains(&expected), "{expected} missing from {keys:?}");
        }
    }

    #[test]
    fn unknown_sink_fields_are_rejected() {
        let err = toml::from_str::<BTreeMap<String, RawSink>>(
            "[h]\ntype = \"http\"\nendpoint = \"http://x\"\nendpiont = \"y\"\n",
        );
        assert!(err.is_err());
    }

    fn exposed_raw() -> RawConfig {
        let mut raw = default_raw();
        raw.server.listen = "0.0.0.0:8080".into();
        raw
    }

    #[test]
    fn open_http_sources_on_a_non_loopback_listener_are_refused_naming_the_key() {
        let problems = validate(exposed_raw()).unwrap_err();
        let keys = keys(&problems);
        assert!(keys.contains(&"sources.http_logs.bearer_token"), "{keys:?}");
        assert!(keys.contains(&"sources.transform.bearer_token"), "{keys:?}");
        assert!(
            problems
                .iter()
                .all(|p| p.problem.contains("allow_unauthenticated")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_token_an_explicit_opt_out_or_disabling_satisfies_a_non_loopback_listener() {
        let mut raw = exposed_raw();
        let t = raw.sources.transform.as_mut().unwrap();
        t.bearer_token = Some(SecretRef::new("file:/run/secrets/transform"));
        raw.sources
            .http_logs
            .as_mut()
            .unwrap()
            .allow_unauthenticated = true;
        validate(raw).unwrap();

        let mut raw = exposed_raw();
        raw.sources.transform.as_mut().unwrap().enabled = false;
        raw.sources.http_logs.as_mut().unwrap().enabled = false;
        let config = validate(raw).unwrap();
        assert!(config.http_logs.is_none());
        assert!(
            !config.transform.unwrap().serve_http,
            "lambda keeps the settings"
        );
    }

    #[test]
    fn loopback_listeners_need_no_token() {
        for listen in ["127.0.0.1:8080", "[::1]:8080"] {
            let mut raw = default_raw();
            raw.server.listen = listen.into();
            let config = validate(raw).unwrap();
            assert!(config.http_logs.unwrap().bearer_token.is_none());
        }
    }

    #[test]
    fn firehose_max_records_below_firehose_s_own_maximum_is_refused() {
        let mut raw = default_raw();
        raw.sources.firehose.as_mut().unwrap().max_records = 9_999;
        let problems = validate(raw).unwrap_err();
        assert_eq!(keys(&problems), ["sources.firehose.max_records"]);
        let mut raw = default_raw();
        raw.sources.firehose.as_mut().unwrap().max_records = 20_000;
        validate(raw).unwrap();
    }
}
