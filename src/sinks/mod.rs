//! Sinks: the protocol clients that hand scrubbed events to their destination.
//!
//! A sink only speaks its protocol and sorts every outcome into "delivered", "try again"
//! ([`SinkError::Transient`], optionally with the server's `Retry-After`) or "this event
//! will never be accepted" ([`SinkError::Permanent`] or per-event
//! [`SendOutcome::rejected`]). Batching, retry with backoff, the queue and the quarantine
//! are the forwarder's job (`crate::forward`), so every sink gets them the same way.
//!
//! Failures that are the operator's to fix (bad token, missing index, unknown stream) are
//! transient on purpose: the events are fine, so they wait in the queue (and the error is
//! logged and counted) instead of being quarantined.

pub mod aws;
pub mod cloudwatch_logs;
pub mod encode;
pub mod file;
pub mod firehose;
pub mod http;
pub mod splunk_hec;
pub mod stdout;
pub mod syslog;
pub mod tls;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::config::validate::SinkConfig;
use crate::event::Event;

/// Builds the sink a validated config describes (resolving its secrets and loading its
/// TLS files now, so that a problem stops start-up). Errors name the problem, never a
/// secret.
pub async fn build(name: &str, config: &SinkConfig) -> Result<Arc<dyn Sink>, String> {
    let _ = name;
    Ok(match config {
        SinkConfig::Stdout => Arc::new(stdout::StdoutSink::new()),
        SinkConfig::File { path } => Arc::new(file::FileSink::new(path)),
        SinkConfig::Http(c) => Arc::new(http::HttpSink::new(c)?),
        SinkConfig::SplunkHec(c) => Arc::new(splunk_hec::SplunkHecSink::new(c)?),
        SinkConfig::Syslog(c) => Arc::new(syslog::SyslogSink::new(c)?),
        SinkConfig::Firehose(c) => Arc::new(firehose::FirehoseSink::new(c).await),
        SinkConfig::CloudwatchLogs(c) => {
            Arc::new(cloudwatch_logs::CloudwatchLogsSink::new(c).await)
        }
    })
}

/// What happened to a batch that was (at least partly) accepted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    /// Indexes (into the batch) of events rejected for good, with a reason (no payload).
    pub rejected: Vec<(usize, String)>,
    /// Indexes of events that failed transiently and must be sent again (e.g. Firehose
    /// per-record failures).
    pub retry: Vec<usize>,
}

impl SendOutcome {
    /// Every event was delivered.
    pub fn delivered() -> Self {
        Self::default()
    }
}

/// Why a whole batch was not delivered. Never carries payload bytes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SinkError {
    /// Try again later (network error, 5xx, 429, busy, misconfiguration to be fixed).
    #[error("transient: {reason}")]
    Transient {
        /// What failed.
        reason: String,
        /// The server's requested wait, if it gave one.
        retry_after: Option<Duration>,
    },
    /// The destination refused the content; sending it again cannot succeed.
    #[error("permanent: {reason}")]
    Permanent {
        /// What the destination said (no payload).
        reason: String,
    },
}

impl SinkError {
    /// A transient error without a server-given delay.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    /// A permanent error.
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self::Permanent {
            reason: reason.into(),
        }
    }
}

/// The boxed future a sink returns, so sinks can be trait objects.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<SendOutcome, SinkError>> + Send + 'a>>;

/// The largest batch a sink's protocol accepts in one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Events per call.
    pub max_events: usize,
    /// Bytes per call (as the protocol counts them, approximately).
    pub max_bytes: usize,
}

impl BatchLimits {
    /// No protocol limit.
    pub const UNLIMITED: Self = Self {
        max_events: usize::MAX,
        max_bytes: usize::MAX,
    };
}

/// A destination for scrubbed events.
pub trait Sink: Send + Sync {
    /// Sends a batch, in order. Resolves `Ok` when the destination confirmed delivery of
    /// every event not listed in the outcome.
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a>;

    /// The protocol's batch limits; the forwarder never sends more in one call.
    fn limits(&self) -> BatchLimits {
        BatchLimits::UNLIMITED
    }
}

/// Parses an HTTP `Retry-After` header given in seconds (the HTTP-date form is rare for
/// APIs and is ignored: the backoff applies instead).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|secs| Duration::from_secs(secs.min(3600)))
}

/// Sorts an HTTP status of a whole request: 2xx ok, 408/429/5xx and the operator-fixable
/// 401/403/404 transient, every other 4xx permanent.
pub(crate) fn classify_status(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    what: &str,
) -> Result<(), SinkError> {
    if status.is_success() {
        return Ok(());
    }
    let code = status.as_u16();
    let reason = format!("{what} answered HTTP {code}");
    if matches!(code, 408 | 429 | 401 | 403 | 404) || status.is_server_error() {
        if matches!(code, 401 | 403 | 404) {
            tracing::error!(
                status = code,
                sink = what,
                "destination refused us: check the sink's endpoint and credentials"
            );
        }
        Err(SinkError::Transient {
            reason,
            retry_after: retry_after(headers),
        })
    } else {
        Err(SinkError::Permanent { reason })
    }
}
