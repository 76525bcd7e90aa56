//! The `firehose` sink delivers to moto's Firehose (PutRecordBatch), read back through
//! moto's API: moto writes a delivery stream's records to its S3 destination, which the
//! test lists and reads with boto3 (moto's venv) against the same moto server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_firehose::types::{BufferingHints, ExtendedS3DestinationConfiguration};
use forward_support::*;
use phiscrub::forward::{Forwarder, LogGroupFilter, SinkSpec};
use phiscrub::queue::{DiskQueue, FsyncPolicy};
use phiscrub::sinks::firehose::FirehoseSink;
use phiscrub::telemetry::Metrics;

/// Runs a boto3 snippet against moto with test credentials (moto's own Python client,
/// installed in the same venv) and returns its stdout.
fn boto3(moto: &str, script: &str) -> String {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin/python");
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(format!(
            "import boto3, sys\ns3 = boto3.client('s3', endpoint_url='{moto}', region_name='us-east-1', \
             aws_access_key_id='testing', aws_secret_access_key='testing')\n{script}"
        ))
        .output()
        .expect("venv python");
    assert!(
        output.status.success(),
        "boto3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every line of every object in the bucket, objects in key order.
fn s3_lines(moto: &str, bucket: &str) -> Vec<serde_json::Value> {
    let text = boto3(
        moto,
        &format!(
            "keys = sorted(o['Key'] for o in s3.list_objects_v2(Bucket='{bucket}').get('Contents', []))\n\
             for k in keys: sys.stdout.write(s3.get_object(Bucket='{bucket}', Key=k)['Body'].read().decode())"
        ),
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firehose_sink_delivers_every_event_to_moto() {
    let moto = start_moto();
    let sdk = moto_sdk_config(&moto.url);
    let bucket = "phiscrub-clean";
    boto3(&moto.url, &format!("s3.create_bucket(Bucket='{bucket}')"));
    let client = aws_sdk_firehose::Client::new(&sdk);
    client
        .create_delivery_stream()
        .delivery_stream_name("to-siem")
        .extended_s3_destination_configuration(
            ExtendedS3DestinationConfiguration::builder()
                .role_arn("arn:aws:iam::123456789012:role/firehose")
                .bucket_arn(format!("arn:aws:s3:::{bucket}"))
                .buffering_hints(
                    BufferingHints::builder()
                        .interval_in_seconds(60)
                        .size_in_mbs(1)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let metrics = Metrics::new("portable").unwrap();
    let mut policy = fast_policy();
    policy.max_events = 1000; // above Firehose's 500: the sink's limit must win
    let (deliver, handle) = Forwarder::start(
        vec![SinkSpec {
            name: "firehose".into(),
            filter: LogGroupFilter::all(),
            queue: Arc::new(
                DiskQueue::open(
                    &dir.path().join("q.redb"),
                    64 << 20,
                    FsyncPolicy::PerRequest,
                )
                .unwrap(),
            ),
            sink: Arc::new(FirehoseSink::with_client(client, "to-siem")),
            policy,
        }],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    let total = 1200;
    for chunk in (0..total).collect::<Vec<_>>().chunks(400) {
        deliver
            .submit(chunk.iter().map(|&i| event("fh", i)).collect())
            .await
            .unwrap();
    }
    assert!(
        wait_until(Duration::from_secs(30), || {
            metric(
                &metrics.render(),
                "phiscrub_sink_sent_events_total{sink=\"firehose\"}",
            ) == Some(total as f64)
        })
        .await,
        "not every event was accepted by Firehose"
    );
    let lines = s3_lines(&moto.url, bucket);
    let mut ids: Vec<String> = lines
        .iter()
        .map(|l| l["event_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), total, "each event exactly once");
    ids.sort_by_key(|id| id.rsplit('-').next().unwrap().parse::<usize>().unwrap());
    assert_eq!(
        ids,
        (0..total).map(|i| format!("fh-{i}")).collect::<Vec<_>>()
    );
    let first = lines.iter().find(|l| l["event_id"] == "fh-0").unwrap();
    assert_eq!(first["message"], "fh event 0 user=[NAME] status=ok");
    assert_eq!(first["log_group"], "/test/app");
    assert_eq!(first["timestamp"], 1_700_000_000_000i64);
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}

/// moto always answers `FailedPutCount: 0`, so partial failures are tested against a
/// small fake speaking Firehose's awsJson1_1 protocol: its first answer fails every
/// other record with `ServiceUnavailableException`; later answers accept everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firehose_partial_failures_resend_only_the_failed_records_in_order() {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use base64::Engine as _;
    use std::sync::Mutex;

    type Calls = Arc<Mutex<Vec<Vec<String>>>>;
    async fn put(
        State(calls): State<Calls>,
        headers: HeaderMap,
        body: Bytes,
    ) -> (HeaderMap, String) {
        assert_eq!(headers["x-amz-target"], "Firehose_20150804.PutRecordBatch");
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let ids: Vec<String> = request["Records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(r["Data"].as_str().unwrap())
                    .unwrap();
                let line: serde_json::Value = serde_json::from_slice(&data).unwrap();
                line["event_id"].as_str().unwrap().to_owned()
            })
            .collect();
        let first = {
            let mut calls = calls.lock().unwrap();
            calls.push(ids.clone());
            calls.len() == 1
        };
        let responses: Vec<serde_json::Value> = (0..ids.len())
            .map(|i| {
                if first && i % 2 == 1 {
                    serde_json::json!({"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "slow down"})
                } else {
                    serde_json::json!({"RecordId": format!("r{i}")})
                }
            })
            .collect();
        let failed = responses
            .iter()
            .filter(|r| r.get("ErrorCode").is_some())
            .count();
        let mut out = HeaderMap::new();
        out.insert(
            "content-type",
            "application/x-amz-json-1.1".parse().unwrap(),
        );
        (
            out,
            serde_json::json!({"FailedPutCount": failed, "Encrypted": false, "RequestResponses": responses}).to_string(),
        )
    }
    let calls: Calls = Arc::default();
    let app = axum::Router::new()
        .route("/", axum::routing::post(put))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = aws_sdk_firehose::Client::new(&moto_sdk_config(&url));
    let metrics = Metrics::new("portable").unwrap();
    let (deliver, handle) = Forwarder::start(
        vec![SinkSpec {
            name: "firehose".into(),
            filter: LogGroupFilter::all(),
            queue: Arc::new(phiscrub::queue::MemoryQueue::new(1 << 20)),
            sink: Arc::new(FirehoseSink::with_client(client, "to-siem")),
            policy: fast_policy(),
        }],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    deliver
        .submit((0..6).map(|i| event("fh", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || {
            metric(
                &metrics.render(),
                "phiscrub_sink_sent_events_total{sink=\"firehose\"}",
            ) == Some(6.0)
        })
        .await
    );
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0],
        (0..6).map(|i| format!("fh-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(calls[1], ["fh-1", "fh-3", "fh-5"]);
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}
