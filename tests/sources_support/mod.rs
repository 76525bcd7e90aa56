//! Helpers for the source tests: Firehose requests built from the spec and from the
//! `aws_lambda_events` types, gzip, and a reader for the daemon's stdout (the interim
//! stdout delivery writes one JSON object per scrubbed event).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::ChildStdout;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_lambda_events::cloudwatch_logs::{LogData, LogEntry};
use base64::Engine as _;

pub const KEY: &str = "test-access-key";

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A CloudWatch Logs DATA_MESSAGE built with the aws_lambda_events types.
pub fn cw_data_message(group: &str, messages: &[String]) -> Vec<u8> {
    let mut data = LogData::default();
    data.owner = "123456789012".into();
    data.log_group = group.into();
    data.log_stream = "stream-1".into();
    data.subscription_filters = vec!["to-phiscrub".into()];
    data.message_type = "DATA_MESSAGE".into();
    data.log_events = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut e = LogEntry::default();
            e.id = format!("3195310660696698337880902507980421114328961542429822156{i}");
            e.timestamp = 1_700_000_000_000 + i as i64;
            e.message = m.clone();
            e
        })
        .collect();
    serde_json::to_vec(&data).unwrap()
}

/// The control message exactly as CloudWatch Logs emits it (PROTOCOLS.md §1.1).
pub fn cw_control_message() -> Vec<u8> {
    br#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1510254469274,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#.to_vec()
}

/// A Firehose HTTP endpoint request body from raw record bytes.
pub fn firehose_body(request_id: &str, records: &[Vec<u8>]) -> Vec<u8> {
    firehose_body_b64(
        request_id,
        &records.iter().map(|r| b64(r)).collect::<Vec<_>>(),
    )
}

/// A body from already-encoded `data` strings.
pub fn firehose_body_b64(request_id: &str, data: &[String]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "requestId": request_id,
        "timestamp": 1_578_090_901_599_i64,
        "records": data.iter().map(|d| serde_json::json!({"data": d})).collect::<Vec<_>>(),
    }))
    .unwrap()
}

/// POSTs a Firehose request with the headers Firehose sends.
pub async fn post_firehose(
    url: &str,
    request_id: &str,
    key: Option<&str>,
    body: Vec<u8>,
    gzip_body: bool,
) -> (u16, serde_json::Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .post(url)
        .header("X-Amz-Firehose-Protocol-Version", "1.0")
        .header("X-Amz-Firehose-Request-Id", request_id)
        .header(
            "X-Amz-Firehose-Source-Arn",
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/phi-test",
        )
        .header("Content-Type", "application/json")
        .header("User-Agent", "Amazon Kinesis Data Firehose Agent/1.0");
    if let Some(key) = key {
        request = request.header("X-Amz-Firehose-Access-Key", key);
    }
    let body = if gzip_body {
        request = request.header("Content-Encoding", "gzip");
        gzip(&body)
    } else {
        body
    };
    let response = request.body(body).send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "Firehose accepts only application/json answers"
    );
    assert!(response.headers().get("content-encoding").is_none());
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body)
}

/// Collects the daemon's stdout lines as JSON.
pub struct Stdout(mpsc::Receiver<String>);

impl Stdout {
    pub fn capture(stdout: ChildStdout) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self(rx)
    }

    /// Waits for exactly `n` lines (then checks no more arrive shortly).
    pub fn take(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut lines = Vec::with_capacity(n);
        while lines.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .0
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("only {} of {n} events arrived", lines.len()));
            lines.push(serde_json::from_str(&line).unwrap());
        }
        self.assert_quiet();
        lines
    }

    /// Asserts nothing more arrives within a short while.
    pub fn assert_quiet(&self) {
        if let Ok(extra) = self.0.recv_timeout(Duration::from_millis(300)) {
            panic!("unexpected extra output: {} bytes", extra.len());
        }
    }
}

/// The value of one metric series from the Prometheus text, 0 if absent.
pub async fn metric(admin_url: &str, series: &str) -> f64 {
    let text = reqwest::get(admin_url).await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0.0)
}
