//! The Firehose transformation contract (PROTOCOLS.md §3) over HTTP against the real
//! daemon, and as a Lambda custom runtime (`phiscrub lambda`) against an in-test Runtime
//! API server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod sources_support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_lambda_events::firehose::{KinesisFirehoseEvent, KinesisFirehoseEventRecord};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine as _;
use common::{Daemon, phiscrub_bin};
use sources_support::*;

const FIXTURE: &[u8] = include_bytes!("fixtures/firehose-transform-cloudwatch-sample.json");

fn unb64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

async fn transform(daemon: &Daemon, body: Vec<u8>) -> serde_json::Value {
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose/transform"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn fixture_record_ids() -> Vec<String> {
    let event: serde_json::Value = serde_json::from_slice(FIXTURE).unwrap();
    event["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recordId"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks the shared fixture's answer: same ids in order, 1 Dropped, 3 Ok whose data
/// are gzip subscription messages of 3 events with the input's ids and timestamps.
fn assert_fixture_answer(answer: &serde_json::Value) {
    let input: serde_json::Value = serde_json::from_slice(FIXTURE).unwrap();
    let records = answer["records"].as_array().unwrap();
    let ids: Vec<_> = records
        .iter()
        .map(|r| r["recordId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, fixture_record_ids());
    assert_eq!(records[0]["result"], "Dropped");
    let mut events = 0;
    for (record, original) in records[1..]
        .iter()
        .zip(&input["records"].as_array().unwrap()[1..])
    {
        assert_eq!(record["result"], "Ok", "{record}");
        let out: serde_json::Value =
            serde_json::from_slice(&gunzip(&unb64(record["data"].as_str().unwrap()))).unwrap();
        let inp: serde_json::Value =
            serde_json::from_slice(&gunzip(&unb64(original["data"].as_str().unwrap()))).unwrap();
        assert_eq!(out["messageType"], "DATA_MESSAGE");
        assert_eq!(out["logGroup"], inp["logGroup"]);
        assert_eq!(out["logStream"], inp["logStream"]);
        assert_eq!(out["owner"], "263868185958");
        let (o, i) = (
            out["logEvents"].as_array().unwrap(),
            inp["logEvents"].as_array().unwrap(),
        );
        assert_eq!(o.len(), 3);
        for (o, i) in o.iter().zip(i) {
            assert_eq!(o["id"], i["id"]);
            assert_eq!(o["timestamp"], i["timestamp"]);
            assert!(o["message"].is_string());
        }
        events += o.len();
    }
    assert_eq!(events, 9);
}

#[tokio::test]
async fn transform_shared_fixture_is_one_dropped_and_three_ok_with_the_same_record_ids() {
    let daemon = Daemon::start("");
    for _ in 0..2 {
        let answer = transform(&daemon, FIXTURE.to_vec()).await;
        assert_fixture_answer(&answer);
    }
}

fn firehose_event(datas: &[Vec<u8>]) -> Vec<u8> {
    let mut event = KinesisFirehoseEvent::default();
    event.invocation_id = Some("inv-1".into());
    event.delivery_stream_arn =
        Some("arn:aws:firehose:us-east-1:123456789012:deliverystream/phi".into());
    event.region = Some("us-east-1".into());
    event.records = datas
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut r = KinesisFirehoseEventRecord::default();
            r.record_id = Some(format!(
                "4957873408644225903749749298062023384040017339048211251{i}"
            ));
            *r.data = d.clone();
            r
        })
        .collect();
    serde_json::to_vec(&event).unwrap()
}

#[tokio::test]
async fn transform_scrubs_phi_and_answers_every_record_once() {
    let daemon = Daemon::start("");
    let phi = gzip(&cw_data_message(
        "/ecs/patient-api",
        &[
            "admit ssn 123-45-6789".to_owned(),
            "call (617) 555-0134".to_owned(),
        ],
    ));
    let mut truncated = gzip(&cw_data_message("/t", &["x".repeat(500)]));
    truncated.truncate(truncated.len() / 2);
    let body = firehose_event(&[
        phi,
        gzip(&cw_control_message()),
        truncated,
        b"plain line with jane@example.org\n".to_vec(),
    ]);
    let answer = transform(&daemon, body).await;
    let records = answer["records"].as_array().unwrap();
    let results: Vec<_> = records
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["Ok", "Dropped", "ProcessingFailed", "Ok"]);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(
            r["recordId"],
            format!("4957873408644225903749749298062023384040017339048211251{i}")
        );
    }
    assert!(
        records[2].get("data").is_none(),
        "failed records carry no data"
    );
    let msg: serde_json::Value =
        serde_json::from_slice(&gunzip(&unb64(records[0]["data"].as_str().unwrap()))).unwrap();
    assert_eq!(msg["logEvents"][0]["message"], "admit ssn [SSN]");
    assert_eq!(msg["logEvents"][1]["message"], "call [PHONE]");
    assert_eq!(msg["subscriptionFilters"][0], "to-phiscrub");
    let plain = unb64(records[3]["data"].as_str().unwrap());
    assert_eq!(plain, b"plain line with [EMAIL]\n");
}

#[tokio::test]
async fn transform_ndjson_output_is_one_scrubbed_event_per_line() {
    let daemon = Daemon::start_with_env("", &[("PHISCRUB__SOURCES__TRANSFORM__OUTPUT", "ndjson")]);
    let body = firehose_event(&[gzip(&cw_data_message(
        "/g",
        &["ssn 123-45-6789".to_owned(), "fine".to_owned()],
    ))]);
    let answer = transform(&daemon, body).await;
    let data = unb64(answer["records"][0]["data"].as_str().unwrap());
    let lines: Vec<serde_json::Value> = data
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["message"], "ssn [SSN]");
    assert_eq!(lines[0]["log_group"], "/g");
    assert_eq!(lines[1]["message"], "fine");
}

#[tokio::test]
async fn transform_response_stays_under_the_size_limit() {
    let daemon = Daemon::start_with_env(
        "",
        &[("PHISCRUB__SOURCES__TRANSFORM__MAX_RESPONSE_BYTES", "4000")],
    );
    let datas: Vec<Vec<u8>> = (0..6)
        .map(|i| format!("{i}{}", "z".repeat(900)).into_bytes())
        .collect();
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose/transform"))
        .body(firehose_event(&datas))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.len() <= 4000, "{} bytes", bytes.len());
    let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let results: Vec<_> = answer["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(results.len(), 6);
    let ok = results.iter().filter(|r| *r == "Ok").count();
    assert!((2..6).contains(&ok), "{results:?}");
    assert!(
        results[ok..].iter().all(|r| r == "ProcessingFailed"),
        "{results:?}"
    );
}

#[tokio::test]
async fn transform_bad_event_is_400() {
    let daemon = Daemon::start("");
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose/transform"))
        .body("ssn 123-45-6789")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let text = response.text().await.unwrap();
    assert!(!text.contains("123-45-6789"), "{text}");
}

/// What the fake Runtime API saw.
#[derive(Default)]
struct RuntimeLog {
    queue: Vec<(String, Vec<u8>)>,
    responses: Vec<(String, Vec<u8>)>,
    errors: Vec<(String, String, serde_json::Value)>,
}

type Shared = Arc<Mutex<RuntimeLog>>;

async fn next(State(log): State<Shared>) -> axum::response::Response {
    use axum::response::IntoResponse;
    loop {
        let item = {
            let mut log = log.lock().unwrap();
            (!log.queue.is_empty()).then(|| log.queue.remove(0))
        };
        if let Some((id, body)) = item {
            return (
                [
                    ("lambda-runtime-aws-request-id", id),
                    ("lambda-runtime-deadline-ms", "4102444800000".to_owned()),
                    (
                        "lambda-runtime-invoked-function-arn",
                        "arn:aws:lambda:us-east-1:123456789012:function:phiscrub".to_owned(),
                    ),
                ],
                body,
            )
                .into_response();
        }
        // No invocation: block like the real API does.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn response(
    State(log): State<Shared>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> StatusCode {
    log.lock().unwrap().responses.push((id, body.to_vec()));
    StatusCode::ACCEPTED
}

async fn error(
    State(log): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let kind = headers
        .get("lambda-runtime-function-error-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    log.lock()
        .unwrap()
        .errors
        .push((id, kind, serde_json::from_slice(&body).unwrap()));
    StatusCode::ACCEPTED
}

async fn init_error(
    State(log): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    error(State(log), Path("init".to_owned()), headers, body).await
}

async fn runtime_api(queue: Vec<(String, Vec<u8>)>) -> (String, Shared) {
    let log: Shared = Arc::new(Mutex::new(RuntimeLog {
        queue,
        ..RuntimeLog::default()
    }));
    let app = axum::Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr.to_string(), log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_runtime_loop_answers_each_invocation_through_the_runtime_api() {
    let (api, log) = runtime_api(vec![
        ("req-1".into(), FIXTURE.to_vec()),
        ("req-2".into(), b"not an event".to_vec()),
        ("req-3".into(), FIXTURE.to_vec()),
    ])
    .await;
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(phiscrub_bin())
        .arg("lambda")
        .env("AWS_LAMBDA_RUNTIME_API", &api)
        .env("PHISCRUB__STATE_DIR", state.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        {
            let log = log.lock().unwrap();
            if log.responses.len() == 2 && log.errors.len() == 1 {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "runtime did not answer every invocation"
        );
        assert!(child.try_wait().unwrap().is_none(), "runtime exited early");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = log.lock().unwrap();
    let ids: Vec<_> = log.responses.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["req-1", "req-3"]);
    for (_, body) in &log.responses {
        assert_fixture_answer(&serde_json::from_slice(body).unwrap());
    }
    let (id, kind, body) = &log.errors[0];
    assert_eq!(id, "req-2");
    assert_eq!(kind, "Runtime.HandlerError");
    assert_eq!(body["errorType"], "Runtime.HandlerError");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("not a Firehose transformation event")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_invalid_config_is_reported_as_an_init_error() {
    let (api, log) = runtime_api(Vec::new()).await;
    let status = tokio::task::spawn_blocking(move || {
        Command::new(phiscrub_bin())
            .arg("lambda")
            .env("AWS_LAMBDA_RUNTIME_API", &api)
            .env("PHISCRUB__DETECT__ENGINE", "fastest")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(64));
    let log = log.lock().unwrap();
    assert_eq!(log.errors.len(), 1);
    let (id, kind, body) = &log.errors[0];
    assert_eq!((id.as_str(), kind.as_str()), ("init", "Runtime.InitError"));
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("detect.engine")
    );
}

/// Starts `program` with `args` against a fake Runtime API holding one invocation of the
/// shared fixture and checks that it is answered: the process ran the Lambda runtime.
async fn assert_runs_the_lambda_runtime(program: &std::path::Path, args: &[&str]) {
    let (api, log) = runtime_api(vec![("req-boot".into(), FIXTURE.to_vec())]).await;
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(program)
        .args(args)
        .env("AWS_LAMBDA_RUNTIME_API", &api)
        .env("PHISCRUB__STATE_DIR", state.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while log.lock().unwrap().responses.is_empty() {
        assert!(Instant::now() < deadline, "the invocation was not answered");
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{} exited with {status} instead of serving",
                program.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = log.lock().unwrap();
    assert!(log.errors.is_empty(), "no init or invocation error");
    assert_eq!(log.responses.len(), 1);
    assert_eq!(log.responses[0].0, "req-boot");
    assert_fixture_answer(&serde_json::from_slice(&log.responses[0].1).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_binary_named_bootstrap_without_arguments_runs_the_runtime() {
    // The deployment zip names the binary `bootstrap` and Lambda runs it with no arguments.
    let dir = tempfile::tempdir().unwrap();
    let bootstrap = dir.path().join("bootstrap");
    std::os::unix::fs::symlink(phiscrub_bin(), &bootstrap).unwrap();
    assert_runs_the_lambda_runtime(&bootstrap, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_binary_without_arguments_under_the_runtime_api_runs_the_runtime() {
    assert_runs_the_lambda_runtime(std::path::Path::new(phiscrub_bin()), &[]).await;
}
