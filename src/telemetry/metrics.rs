//! Every metric phiscrub exports, defined in one place on our own registry.
//!
//! Names follow Prometheus conventions (`phiscrub_` prefix, base units, `_total` for
//! counters). Label values come only from bounded sets fixed by code or config (source
//! and sink names, PHI types, rule ids, reason enums), never from payload data, so a log
//! line can neither leak through a label nor blow up cardinality.

use crate::quarantine::QuarantineReason;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// Handles to every metric, cheap to clone (each is an `Arc` inside).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Records received, by source.
    pub received_records: IntCounterVec,
    /// Bytes received (as sent on the wire), by source.
    pub received_bytes: IntCounterVec,
    /// Requests answered, by source and outcome (`ok`, `unauthorized`, `bad_request`, …).
    pub requests: IntCounterVec,
    /// Records that failed to decode, by source and reason.
    pub decode_failures: IntCounterVec,
    /// Findings, by PHI type and rule id.
    pub findings: IntCounterVec,
    /// Actions applied, by action and PHI type.
    pub actions: IntCounterVec,
    /// Records quarantined, by reason.
    pub quarantined_records: IntCounterVec,
    /// Records dropped on purpose (e.g. control messages), by reason.
    pub dropped_records: IntCounterVec,
    /// Firehose transformation records answered, by result (`ok`, `dropped`,
    /// `processing_failed`).
    pub transform_records: IntCounterVec,
    /// Events delivered, by sink.
    pub sink_sent: IntCounterVec,
    /// Delivery attempts that failed, by sink and kind (`transient`, `permanent`).
    pub sink_failed: IntCounterVec,
    /// Retries, by sink.
    pub sink_retried: IntCounterVec,
    /// Events waiting in each sink's queue.
    pub queue_depth: IntGaugeVec,
    /// Bytes waiting in each sink's queue.
    pub queue_bytes: IntGaugeVec,
    /// Age of the oldest queued event, by sink, in seconds.
    pub queue_oldest_age: IntGaugeVec,
    /// Scan time per event batch, in seconds.
    pub scan_duration: Histogram,
    /// Scan time per megabyte of message bytes, per batch (the inverse of scan
    /// throughput, so dashboards can watch MB/s per core without knowing batch sizes).
    pub scan_seconds_per_megabyte: Histogram,
    /// Ingest request latency, by source, in seconds.
    pub request_duration: HistogramVec,
    /// KMS calls, by operation and outcome.
    pub kms_calls: IntCounterVec,
    /// Data-key cache lookups, by result (`hit`, `miss`).
    pub data_key_cache: IntCounterVec,
    /// 1 when the built-in canary found surviving PHI, else 0.
    pub canary_failed: IntGauge,
    /// Always 1; the labels carry version and engine.
    pub build_info: IntGaugeVec,
}

/// The `kind` label values of `phiscrub_sink_failed_total`.
pub const SINK_FAILURE_KINDS: [&str; 2] = ["transient", "permanent"];

/// Every quarantine reason, exported at 0 from start-up so that quarantine rates exist
/// before the first record is quarantined.
const QUARANTINE_REASONS: [QuarantineReason; 5] = [
    QuarantineReason::DecodeFailed,
    QuarantineReason::Oversize,
    QuarantineReason::ScanFailed,
    QuarantineReason::ActionFailed,
    QuarantineReason::SinkRejected,
];

/// A metric could not be registered (a duplicate name: a programming error).
#[derive(Debug, thiserror::Error)]
#[error("metric registration failed: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

fn counter(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> Result<IntCounterVec, MetricsError> {
    let metric = IntCounterVec::new(Opts::new(name, help), labels)?;
    registry.register(Box::new(metric.clone()))?;
    Ok(metric)
}

fn gauge(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> Result<IntGaugeVec, MetricsError> {
    let metric = IntGaugeVec::new(Opts::new(name, help), labels)?;
    registry.register(Box::new(metric.clone()))?;
    Ok(metric)
}

impl Metrics {
    /// Registers every metric on a fresh registry and sets build info.
    pub fn new(engine: &str) -> Result<Self, MetricsError> {
        let registry = Registry::new_custom(Some("phiscrub".to_owned()), None)?;
        let r = &registry;
        let scan_duration = Histogram::with_opts(
            HistogramOpts::new("scan_duration_seconds", "Time to scan one batch of events.")
                .buckets(prometheus::exponential_buckets(0.000_01, 4.0, 10)?),
        )?;
        r.register(Box::new(scan_duration.clone()))?;
        let scan_seconds_per_megabyte = Histogram::with_opts(
            HistogramOpts::new(
                "scan_seconds_per_megabyte",
                "Scrub time per megabyte (10^6 bytes) of message bytes, observed per batch.",
            )
            // 0.5 ms/MB (2 GB/s) up to ~1 s/MB (1 MB/s).
            .buckets(prometheus::exponential_buckets(0.000_5, 2.0, 12)?),
        )?;
        r.register(Box::new(scan_seconds_per_megabyte.clone()))?;
        let request_duration = HistogramVec::new(
            HistogramOpts::new(
                "request_duration_seconds",
                "Time from receiving an ingest request to answering it.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["source"],
        )?;
        r.register(Box::new(request_duration.clone()))?;
        let canary_failed = IntGauge::new(
            "canary_failed",
            "1 when synthetic PHI survived the active policy at the last canary run.",
        )?;
        r.register(Box::new(canary_failed.clone()))?;
        let metrics = Self {
            received_records: counter(
                r,
                "received_records_total",
                "Records received.",
                &["source"],
            )?,
            received_bytes: counter(
                r,
                "received_bytes_total",
                "Bytes received on the wire.",
                &["source"],
            )?,
            requests: counter(
                r,
                "requests_total",
                "Ingest requests answered, by outcome.",
                &["source", "outcome"],
            )?,
            decode_failures: counter(
                r,
                "decode_failures_total",
                "Records that failed to decode.",
                &["source", "reason"],
            )?,
            findings: counter(r, "findings_total", "PHI findings.", &["type", "rule"])?,
            actions: counter(
                r,
                "actions_total",
                "Scrub actions applied.",
                &["action", "type"],
            )?,
            quarantined_records: counter(
                r,
                "quarantined_records_total",
                "Records quarantined.",
                &["reason"],
            )?,
            dropped_records: counter(
                r,
                "dropped_records_total",
                "Records dropped on purpose.",
                &["reason"],
            )?,
            transform_records: counter(
                r,
                "transform_records_total",
                "Firehose transformation records answered, by result.",
                &["result"],
            )?,
            sink_sent: counter(r, "sink_sent_events_total", "Events delivered.", &["sink"])?,
            sink_failed: counter(
                r,
                "sink_failed_total",
                "Failed delivery attempts.",
                &["sink", "kind"],
            )?,
            sink_retried: counter(r, "sink_retried_total", "Delivery retries.", &["sink"])?,
            queue_depth: gauge(
                r,
                "queue_depth_events",
                "Events waiting in the sink queue.",
                &["sink"],
            )?,
            queue_bytes: gauge(
                r,
                "queue_bytes",
                "Bytes waiting in the sink queue.",
                &["sink"],
            )?,
            queue_oldest_age: gauge(
                r,
                "queue_oldest_event_age_seconds",
                "Age of the oldest queued event.",
                &["sink"],
            )?,
            scan_duration,
            scan_seconds_per_megabyte,
            request_duration,
            kms_calls: counter(
                r,
                "kms_calls_total",
                "KMS calls.",
                &["operation", "outcome"],
            )?,
            data_key_cache: counter(
                r,
                "data_key_cache_lookups_total",
                "Data-key cache lookups.",
                &["result"],
            )?,
            canary_failed,
            build_info: gauge(
                r,
                "build_info",
                "Build information; always 1.",
                &["version", "engine"],
            )?,
            registry,
        };
        for reason in QUARANTINE_REASONS {
            metrics
                .quarantined_records
                .with_label_values(&[reason.as_str()]);
        }
        metrics
            .build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), engine])
            .set(1);
        Ok(metrics)
    }

    /// Exports every per-source series at 0, so that a quiet source reads as a rate of 0
    /// rather than no data (alerts such as "no traffic" compare against 0). Call once per
    /// configured source, with the source's fixed name.
    pub fn declare_source(&self, source: &str) {
        self.received_records.with_label_values(&[source]);
        self.received_bytes.with_label_values(&[source]);
        self.request_duration.with_label_values(&[source]);
    }

    /// Exports every per-sink series at 0 (see [`Metrics::declare_source`]). Call once per
    /// configured sink, with the sink's name from the config.
    pub fn declare_sink(&self, sink: &str) {
        self.sink_sent.with_label_values(&[sink]);
        for kind in SINK_FAILURE_KINDS {
            self.sink_failed.with_label_values(&[sink, kind]);
        }
        self.sink_retried.with_label_values(&[sink]);
        self.queue_depth.with_label_values(&[sink]);
        self.queue_bytes.with_label_values(&[sink]);
        self.queue_oldest_age.with_label_values(&[sink]);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        // Encoding into a Vec only fails on invalid metric names, which `new` rules out.
        if TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus::core::Collector;

    /// Every label name phiscrub may use, with the bounded set its values come from. None
    /// of these sets is fed by payload bytes, request ids, log groups or stream names; a
    /// new label goes here only after checking that, with its bound written down.
    const BOUNDED_LABELS: &[(&str, &str)] = &[
        ("source", "source names fixed by code (firehose, ...)"),
        (
            "outcome",
            "request and KMS outcome enums fixed by code (ok, ...)",
        ),
        (
            "reason",
            "decode-failure, quarantine and drop reason enums fixed by code",
        ),
        ("type", "the canonical PHI types (detect::PhiType)"),
        (
            "rule",
            "rule ids of the built-in rule files and the operator's config",
        ),
        (
            "action",
            "the action enum (mask, partial, tokenize, encrypt, drop, ...)",
        ),
        ("sink", "sink names from the operator's config"),
        ("kind", "SINK_FAILURE_KINDS"),
        ("operation", "KMS operation names fixed by code"),
        (
            "result",
            "data-key cache result (hit | miss) or transformation result (ok | dropped | processing_failed)",
        ),
        ("version", "CARGO_PKG_VERSION at build time"),
        (
            "engine",
            "the detection engine running (hyperscan | portable)",
        ),
    ];

    /// Every collector in `Metrics`. The exhaustive destructuring makes adding a field
    /// without listing it here a compile error, so no metric escapes the label checks.
    fn collectors(metrics: &Metrics) -> Vec<(&'static str, &dyn Collector)> {
        let Metrics {
            registry: _,
            received_records,
            received_bytes,
            requests,
            decode_failures,
            findings,
            actions,
            quarantined_records,
            dropped_records,
            transform_records,
            sink_sent,
            sink_failed,
            sink_retried,
            queue_depth,
            queue_bytes,
            queue_oldest_age,
            scan_duration,
            scan_seconds_per_megabyte,
            request_duration,
            kms_calls,
            data_key_cache,
            canary_failed,
            build_info,
        } = metrics;
        vec![
            ("received_records", received_records),
            ("received_bytes", received_bytes),
            ("requests", requests),
            ("decode_failures", decode_failures),
            ("findings", findings),
            ("actions", actions),
            ("quarantined_records", quarantined_records),
            ("dropped_records", dropped_records),
            ("transform_records", transform_records),
            ("sink_sent", sink_sent),
            ("sink_failed", sink_failed),
            ("sink_retried", sink_retried),
            ("queue_depth", queue_depth),
            ("queue_bytes", queue_bytes),
            ("queue_oldest_age", queue_oldest_age),
            ("scan_duration", scan_duration),
            ("scan_seconds_per_megabyte", scan_seconds_per_megabyte),
            ("request_duration", request_duration),
            ("kms_calls", kms_calls),
            ("data_key_cache", data_key_cache),
            ("canary_failed", canary_failed),
            ("build_info", build_info),
        ]
    }

    #[test]
    fn every_label_name_is_on_the_bounded_allow_list() {
        let metrics = Metrics::new("portable").unwrap();
        for (field, collector) in collectors(&metrics) {
            for desc in collector.desc() {
                assert!(
                    desc.const_label_pairs.is_empty(),
                    "{field}: constant labels bypass the allow-list"
                );
                for label in &desc.variable_labels {
                    assert!(
                        BOUNDED_LABELS.iter().any(|(name, _)| name == label),
                        "{field} ({}) uses label {label:?}, which is not on the bounded \
                         allow-list: check that its values cannot come from payload data, \
                         then add it to BOUNDED_LABELS with its bound",
                        desc.fq_name
                    );
                }
            }
        }
    }

    #[test]
    fn allow_list_names_no_label_that_could_carry_payload_data() {
        // Labels whose natural values are payload-derived or unbounded.
        for forbidden in [
            "message",
            "log_group",
            "log_stream",
            "request_id",
            "owner",
            "path",
            "url",
            "host",
            "user",
            "patient",
            "value",
            "match",
            "error",
        ] {
            assert!(
                BOUNDED_LABELS.iter().all(|(name, _)| *name != forbidden),
                "{forbidden} must never be a label"
            );
        }
        for (name, bound) in BOUNDED_LABELS {
            assert!(!bound.is_empty(), "label {name} has no documented bound");
        }
    }

    #[test]
    fn fresh_registry_exports_quarantine_reasons_at_zero() {
        let metrics = Metrics::new("portable").unwrap();
        let text = metrics.render();
        for reason in QUARANTINE_REASONS {
            // A new QuarantineReason variant breaks this match: add it to QUARANTINE_REASONS.
            match reason {
                QuarantineReason::DecodeFailed
                | QuarantineReason::Oversize
                | QuarantineReason::ScanFailed
                | QuarantineReason::ActionFailed
                | QuarantineReason::SinkRejected => {}
            }
            let line = format!(
                "phiscrub_quarantined_records_total{{reason=\"{}\"}} 0",
                reason.as_str()
            );
            assert!(text.contains(&line), "{line} missing:\n{text}");
        }
    }

    #[test]
    fn declared_sources_and_sinks_are_exported_at_zero() {
        let metrics = Metrics::new("portable").unwrap();
        metrics.declare_source("firehose");
        metrics.declare_sink("splunk");
        let text = metrics.render();
        for line in [
            "phiscrub_received_records_total{source=\"firehose\"} 0",
            "phiscrub_received_bytes_total{source=\"firehose\"} 0",
            "phiscrub_request_duration_seconds_count{source=\"firehose\"} 0",
            "phiscrub_sink_sent_events_total{sink=\"splunk\"} 0",
            "phiscrub_sink_failed_total{kind=\"permanent\",sink=\"splunk\"} 0",
            "phiscrub_sink_failed_total{kind=\"transient\",sink=\"splunk\"} 0",
            "phiscrub_sink_retried_total{sink=\"splunk\"} 0",
            "phiscrub_queue_depth_events{sink=\"splunk\"} 0",
            "phiscrub_queue_bytes{sink=\"splunk\"} 0",
            "phiscrub_queue_oldest_event_age_seconds{sink=\"splunk\"} 0",
        ] {
            assert!(text.contains(line), "{line} missing:\n{text}");
        }
    }

    #[test]
    fn build_info_carries_version_and_engine() {
        let metrics = Metrics::new("portable").unwrap();
        let text = metrics.render();
        assert!(
            text.contains("phiscrub_build_info{engine=\"portable\",version=\""),
            "{text}"
        );
    }
}
