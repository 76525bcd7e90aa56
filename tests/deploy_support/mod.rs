//! Traffic for the deployment tests: one Firehose HTTP endpoint request (PROTOCOLS.md §2)
//! that exercises the metrics the dashboard and alerts read — records with synthetic PHI,
//! an ordinary line, an undecodable record and a CloudWatch Logs control message.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use base64::Engine as _;

/// The access key `tests/common`'s base config gives the Firehose source.
pub const ACCESS_KEY: &str = "test-access-key";

/// Records in [`send_firehose_traffic`]'s request.
pub const RECORDS: usize = 4;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// POSTs one Firehose request of [`RECORDS`] records to `ingest` and asserts it was
/// accepted (200). All PHI in it is synthetic.
pub async fn send_firehose_traffic(ingest_url: &str) {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let control = gzip(
        br#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1510254469274,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#,
    );
    let records = [
        b64(b"checkin patient ssn=123-45-6789 email=synthetic.patient@example.org"),
        b64(b"GET /health 200 3ms"),
        "%%% not base64 %%%".to_owned(),
        b64(&control),
    ];
    assert_eq!(records.len(), RECORDS);
    let body = serde_json::json!({
        "requestId": "deploy-test-1",
        "timestamp": 1_578_090_901_599_i64,
        "records": records.iter().map(|d| serde_json::json!({"data": d})).collect::<Vec<_>>(),
    });
    let response = reqwest::Client::new()
        .post(ingest_url)
        .header("X-Amz-Firehose-Protocol-Version", "1.0")
        .header("X-Amz-Firehose-Request-Id", "deploy-test-1")
        .header(
            "X-Amz-Firehose-Source-Arn",
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/deploy-test",
        )
        .header("X-Amz-Firehose-Access-Key", ACCESS_KEY)
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let answer = response.text().await.unwrap();
    assert_eq!(status, 200, "{answer}");
}
