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
    /// Seconds between canary runs after the one at start-up (the canary scrubs synthetic
    /// PHI through the live policy and turns `/ready` 503 if any survives).
    #[serde(default = "default_canary_interval_secs")]
    pub canary_interval_secs: u64,
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
    /// `[sources.transform]`: the Firehose data transformation over HTTP.
    #[serde(default)]
    pub transform: Option<RawTransformSource>,
    /// `[sources.http_logs]`: NDJSON / JSON arrays on `POST /v1/logs` (Fluent Bit `http`).
    #[serde(default)]
    pub http_logs: Option<RawHttpLogsSource>,
    /// `[sources.stdin]`: lines on standard input.
    #[serde(default)]
    pub stdin: Option<RawStdinSource>,
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
    /// Route of the endpoint.
    #[serde(default = "default_firehose_path")]
    pub path: String,
    /// `auto`, `cloudwatch` (subscription messages only) or `lines` (message extraction on).
    #[serde(default = "default_record_format")]
    pub record_format: String,
    /// Most records per request; at least 10,000 (Firehose sends up to 10,000 and treats
    /// the 413 for more as a permanent failure).
    #[serde(default = "default_max_records")]
    pub max_records: usize,
    /// Largest record after base64 (Firehose: 1,024,000).
    #[serde(default = "default_max_record_bytes")]
    pub max_record_bytes: usize,
    /// Largest record after gunzip (gzip bombs stop here).
    #[serde(default = "default_max_decompressed_record_bytes")]
    pub max_decompressed_record_bytes: usize,
    /// Largest total after gunzip per request.
    #[serde(default = "default_max_decompressed_request_bytes")]
    pub max_decompressed_request_bytes: usize,
    /// How long a delivered request id is remembered, so a retry is not delivered twice.
    #[serde(default = "default_dedup_window_secs")]
    pub dedup_window_secs: u64,
    /// Most request ids remembered at once.
    #[serde(default = "default_dedup_max_entries")]
    pub dedup_max_entries: usize,
}

/// `[sources.transform]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransformSource {
    /// Serve the HTTP variant (`false` drops the route; `phiscrub lambda` still uses the
    /// section's settings).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Route of the HTTP variant.
    #[serde(default = "default_transform_path")]
    pub path: String,
    /// Bearer token required on the HTTP variant; required when `server.listen` is not
    /// loopback unless `allow_unauthenticated`.
    #[serde(default)]
    pub bearer_token: Option<SecretRef>,
    /// Accept requests without a token on a non-loopback listener. Must be set explicitly.
    #[serde(default)]
    pub allow_unauthenticated: bool,
    /// `cloudwatch` (re-gzipped subscription message; text lines become NDJSON) or `ndjson`.
    #[serde(default = "default_transform_output")]
    pub output: String,
    /// `auto`, `cloudwatch` or `lines`.
    #[serde(default = "default_record_format")]
    pub record_format: String,
    /// Largest response (Lambda: 6 MB); records that do not fit are `ProcessingFailed`.
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    /// Largest record after base64.
    #[serde(default = "default_max_record_bytes")]
    pub max_record_bytes: usize,
    /// Largest record after gunzip.
    #[serde(default = "default_max_decompressed_record_bytes")]
    pub max_decompressed_record_bytes: usize,
    /// Largest total after gunzip per invocation.
    #[serde(default = "default_max_decompressed_request_bytes")]
    pub max_decompressed_request_bytes: usize,
}

/// `[sources.http_logs]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttpLogsSource {
    /// Serve the route (`false` turns the embedded default's source off).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Route.
    #[serde(default = "default_http_logs_path")]
    pub path: String,
    /// Bearer token (`Authorization: Bearer …`); required when `server.listen` is not
    /// loopback unless `allow_unauthenticated`.
    #[serde(default)]
    pub bearer_token: Option<SecretRef>,
    /// Accept requests without a token on a non-loopback listener. Must be set explicitly.
    #[serde(default)]
    pub allow_unauthenticated: bool,
    /// Most events per request.
    #[serde(default = "default_max_records")]
    pub max_events: usize,
    /// Largest request body after gunzip.
    #[serde(default = "default_max_decompressed_record_bytes")]
    pub max_decompressed_bytes: usize,
    /// Seconds a client is told to wait (`Retry-After`) on backpressure.
    #[serde(default = "default_retry_after_secs")]
    pub retry_after_secs: u64,
}

/// `[sources.stdin]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawStdinSource {
    /// Longest line; longer lines are quarantined.
    #[serde(default = "default_stdin_max_line_bytes")]
    pub max_line_bytes: usize,
    /// Lines per delivered batch.
    #[serde(default = "default_stdin_batch")]
    pub batch_lines: usize,
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
    /// NDJSON appended to a file.
    File(RawFileSink),
    /// NDJSON or a JSON array POSTed to an HTTP endpoint.
    Http(RawHttpSink),
    /// Splunk HTTP Event Collector.
    SplunkHec(RawSplunkHecSink),
    /// Syslog (RFC 5424) over TLS, TCP or UDP.
    Syslog(RawSyslogSink),
    /// Amazon Data Firehose `PutRecordBatch`.
    Firehose(RawFirehoseSink),
    /// CloudWatch Logs `PutLogEvents`.
    CloudwatchLogs(RawCloudwatchLogsSink),
}

/// Options every sink has, borrowed from its section.
#[derive(Debug, Clone, Copy)]
pub struct RawSinkCommon<'a> {
    /// `false` turns the sink off (e.g. the embedded default's stdout sink).
    pub enabled: bool,
    /// Log-group globs to include (empty: every event).
    pub include_log_groups: &'a [String],
    /// Log-group globs to exclude (wins over include).
    pub exclude_log_groups: &'a [String],
    /// Batching.
    pub batch: &'a RawBatch,
    /// Retry and backoff.
    pub retry: &'a RawRetry,
    /// The queue in front of the sink.
    pub buffer: &'a RawBuffer,
}

/// Declares a sink section struct with the options every sink shares.
macro_rules! raw_sink {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// `false` turns the sink off, e.g. the embedded default's `[sinks.out]`
            /// when another file adds its own sinks (layers merge, they cannot delete).
            #[serde(default = "default_true")]
            pub enabled: bool,
            /// Only events whose log group matches one of these globs (default: all).
            #[serde(default)]
            pub include_log_groups: Vec<String>,
            /// Never events whose log group matches one of these globs.
            #[serde(default)]
            pub exclude_log_groups: Vec<String>,
            /// `[sinks.<name>.batch]`.
            #[serde(default)]
            pub batch: RawBatch,
            /// `[sinks.<name>.retry]`.
            #[serde(default)]
            pub retry: RawRetry,
            /// `[sinks.<name>.buffer]`.
            #[serde(default)]
            pub buffer: RawBuffer,
        }

        impl $name {
            /// The shared options.
            pub fn common(&self) -> RawSinkCommon<'_> {
                RawSinkCommon {
                    enabled: self.enabled,
                    include_log_groups: &self.include_log_groups,
                    exclude_log_groups: &self.exclude_log_groups,
                    batch: &self.batch,
                    retry: &self.retry,
                    buffer: &self.buffer,
                }
            }
        }
    };
}

impl RawSink {
    /// The options every sink shares.
    pub fn common(&self) -> RawSinkCommon<'_> {
        match self {
            Self::Stdout(s) => s.common(),
            Self::File(s) => s.common(),
            Self::Http(s) => s.common(),
            Self::SplunkHec(s) => s.common(),
            Self::Syslog(s) => s.common(),
            Self::Firehose(s) => s.common(),
            Self::CloudwatchLogs(s) => s.common(),
        }
    }
}

raw_sink! {
    /// `type = "stdout"`.
    RawStdoutSink {}
}

raw_sink! {
    /// `type = "file"`.
    RawFileSink {
        /// The file to append to.
        path: PathBuf,
    }
}

raw_sink! {
    /// `type = "http"`.
    RawHttpSink {
        /// The URL to POST to.
        endpoint: String,
        /// `ndjson` (default) or `json_array`.
        #[serde(default = "default_http_format")]
        format: String,
        /// `gzip` (default) or `none`.
        #[serde(default = "default_compression")]
        compression: String,
        /// Extra request headers.
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// `Authorization: Bearer <token>`.
        #[serde(default)]
        bearer_token: Option<SecretRef>,
        /// Basic auth user (with `password`).
        #[serde(default)]
        username: Option<String>,
        /// Basic auth password.
        #[serde(default)]
        password: Option<SecretRef>,
        /// Extra CA certificates (PEM) to trust besides the system roots.
        #[serde(default)]
        tls_ca_file: Option<PathBuf>,
        /// Per-request time limit.
        #[serde(default = "default_sink_timeout_secs")]
        timeout_secs: u64,
    }
}

raw_sink! {
    /// `type = "splunk_hec"`.
    RawSplunkHecSink {
        /// Base URL of the collector, e.g. `https://splunk:8088`.
        endpoint: String,
        /// The HEC token.
        token: SecretRef,
        /// Target index (empty: the token's default).
        #[serde(default)]
        index: Option<String>,
        /// `sourcetype` (default `phiscrub`).
        #[serde(default)]
        sourcetype: Option<String>,
        /// `source`; default: the event's log group.
        #[serde(default)]
        source: Option<String>,
        /// `host`; default: the event's log stream.
        #[serde(default)]
        host: Option<String>,
        /// Indexed fields: HEC field name → metadata name (`source`, `owner`, `log_group`,
        /// `log_stream`, `event_id`).
        #[serde(default)]
        fields: BTreeMap<String, String>,
        /// `gzip` (default) or `none`.
        #[serde(default = "default_compression")]
        compression: String,
        /// Use indexer acknowledgement: delivered means acked by the indexer.
        #[serde(default)]
        ack: bool,
        /// Milliseconds between ack polls.
        #[serde(default = "default_ack_poll_ms")]
        ack_poll_ms: u64,
        /// Seconds to wait for an ack before sending the batch again.
        #[serde(default = "default_ack_timeout_secs")]
        ack_timeout_secs: u64,
        /// Extra CA certificates (PEM) to trust besides the system roots.
        #[serde(default)]
        tls_ca_file: Option<PathBuf>,
        /// Per-request time limit.
        #[serde(default = "default_sink_timeout_secs")]
        timeout_secs: u64,
    }
}

raw_sink! {
    /// `type = "syslog"`.
    RawSyslogSink {
        /// Receiver `host:port` (6514 for TLS).
        address: String,
        /// `tls` (default), `tcp` or `udp`.
        #[serde(default = "default_syslog_transport")]
        transport: String,
        /// CA certificates (PEM) that sign the receiver's certificate; default: system roots.
        #[serde(default)]
        tls_ca_file: Option<PathBuf>,
        /// Client certificate chain (PEM), for receivers that authenticate senders.
        #[serde(default)]
        tls_client_cert_file: Option<PathBuf>,
        /// Client private key (PEM).
        #[serde(default)]
        tls_client_key_file: Option<PathBuf>,
        /// Name to verify in the receiver's certificate; default: the host of `address`.
        #[serde(default)]
        tls_server_name: Option<String>,
        /// Facility name (`user`, `local0`…`local7`, …); default `local0`.
        #[serde(default = "default_syslog_facility")]
        facility: String,
        /// Severity name (`emerg`…`debug`); default `info`.
        #[serde(default = "default_syslog_severity")]
        severity: String,
        /// APP-NAME; default `phiscrub`.
        #[serde(default = "default_app_name")]
        app_name: String,
        /// HOSTNAME; default: this machine's host name.
        #[serde(default)]
        hostname: Option<String>,
    }
}

raw_sink! {
    /// `type = "firehose"`.
    RawFirehoseSink {
        /// The delivery stream name.
        delivery_stream: String,
        /// AWS region (default: the SDK's environment).
        #[serde(default)]
        region: Option<String>,
        /// Endpoint override (tests, VPC endpoints); default: the SDK's environment.
        #[serde(default)]
        endpoint_url: Option<String>,
    }
}

raw_sink! {
    /// `type = "cloudwatch_logs"`.
    RawCloudwatchLogsSink {
        /// Target log group.
        log_group: String,
        /// Target log stream.
        log_stream: String,
        /// Create the group and stream when missing.
        #[serde(default = "default_true")]
        create_missing: bool,
        /// AWS region (default: the SDK's environment).
        #[serde(default)]
        region: Option<String>,
        /// Endpoint override (tests, VPC endpoints); default: the SDK's environment.
        #[serde(default)]
        endpoint_url: Option<String>,
    }
}

/// `[sinks.<name>.batch]`: a batch is sent when any bound is reached.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    /// Events per batch (the protocol's limit applies too).
    #[serde(default = "default_batch_events")]
    pub max_events: usize,
    /// Stored bytes per batch (the protocol's limit applies too).
    #[serde(default = "default_batch_bytes")]
    pub max_bytes: usize,
    /// Milliseconds the oldest event may wait for a fuller batch.
    #[serde(default = "default_batch_age_ms")]
    pub max_age_ms: u64,
}

impl Default for RawBatch {
    fn default() -> Self {
        Self {
            max_events: default_batch_events(),
            max_bytes: default_batch_bytes(),
            max_age_ms: default_batch_age_ms(),
        }
    }
}

/// `[sinks.<name>.retry]`: exponential backoff with full jitter, capped.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// First backoff ceiling, in milliseconds.
    #[serde(default = "default_initial_backoff_ms")]
    pub initial_backoff_ms: u64,
    /// Largest backoff, in milliseconds.
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
}

impl Default for RawRetry {
    fn default() -> Self {
        Self {
            initial_backoff_ms: default_initial_backoff_ms(),
            max_backoff_ms: default_max_backoff_ms(),
        }
    }
}

/// `[sinks.<name>.buffer]`: the queue in front of the sink.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBuffer {
    /// `disk` (default, under `state_dir/queues/<sink>`) or `memory`.
    #[serde(default = "default_buffer_type", rename = "type")]
    pub kind: String,
    /// Bound in bytes; a full queue is backpressure (503 upstream).
    #[serde(default = "default_buffer_bytes")]
    pub max_bytes: u64,
    /// `per_request` (default: fsync before the upstream is answered) or `none`.
    #[serde(default = "default_fsync")]
    pub fsync: String,
}

impl Default for RawBuffer {
    fn default() -> Self {
        Self {
            kind: default_buffer_type(),
            max_bytes: default_buffer_bytes(),
            fsync: default_fsync(),
        }
    }
}

/// `[quarantine]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuarantine {
    /// Upper bound on quarantine size on disk, in bytes.
    #[serde(default = "default_quarantine_max_bytes")]
    pub max_bytes: u64,
    /// Folder of the store; default `state_dir/quarantine`.
    #[serde(default)]
    pub dir: Option<PathBuf>,
}

impl Default for RawQuarantine {
    fn default() -> Self {
        Self {
            max_bytes: default_quarantine_max_bytes(),
            dir: None,
        }
    }
}

fn default_canary_interval_secs() -> u64 {
    60
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
fn default_http_format() -> String {
    "ndjson".to_owned()
}
fn default_compression() -> String {
    "gzip".to_owned()
}
fn default_sink_timeout_secs() -> u64 {
    30
}
fn default_ack_poll_ms() -> u64 {
    1000
}
fn default_ack_timeout_secs() -> u64 {
    300
}
fn default_syslog_transport() -> String {
    "tls".to_owned()
}
fn default_syslog_facility() -> String {
    "local0".to_owned()
}
fn default_syslog_severity() -> String {
    "info".to_owned()
}
fn default_app_name() -> String {
    "phiscrub".to_owned()
}
fn default_true() -> bool {
    true
}
fn default_batch_events() -> usize {
    500
}
fn default_batch_bytes() -> usize {
    1024 * 1024
}
fn default_batch_age_ms() -> u64 {
    1000
}
fn default_initial_backoff_ms() -> u64 {
    100
}
fn default_max_backoff_ms() -> u64 {
    60_000
}
fn default_buffer_type() -> String {
    "disk".to_owned()
}
fn default_buffer_bytes() -> u64 {
    256 * 1024 * 1024
}
fn default_fsync() -> String {
    "per_request".to_owned()
}

fn default_firehose_path() -> String {
    "/firehose".to_owned()
}
fn default_transform_path() -> String {
    "/firehose/transform".to_owned()
}
fn default_http_logs_path() -> String {
    "/v1/logs".to_owned()
}
fn default_record_format() -> String {
    "auto".to_owned()
}
fn default_transform_output() -> String {
    "cloudwatch".to_owned()
}
fn default_max_records() -> usize {
    10_000
}
fn default_max_record_bytes() -> usize {
    1_024_000
}
fn default_max_decompressed_record_bytes() -> usize {
    32 * 1024 * 1024
}
fn default_max_decompressed_request_bytes() -> usize {
    256 * 1024 * 1024
}
fn default_dedup_window_secs() -> u64 {
    7200
}
fn default_dedup_max_entries() -> usize {
    100_000
}
fn default_max_response_bytes() -> usize {
    6_000_000
}
fn default_retry_after_secs() -> u64 {
    1
}
fn default_stdin_max_line_bytes() -> usize {
    1024 * 1024
}
fn default_stdin_batch() -> usize {
    512
}
