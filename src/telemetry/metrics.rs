//! Every metric phiscrub exports, defined in one place on our own registry.
//!
//! Names follow Prometheus conventions (`phiscrub_` prefix, base units, `_total` for
//! counters). Label values come only from bounded sets fixed by code or config (source
//! and sink names, PHI types, rule ids, reason enums), never from payload data, so a log
//! line can neither leak through a label nor blow up cardinality.

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
        metrics
            .build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), engine])
            .set(1);
        Ok(metrics)
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
