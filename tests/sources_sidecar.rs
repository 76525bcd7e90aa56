//! Sidecar inputs: `POST /v1/logs` with the bodies Fluent Bit's `http` output sends
//! (`json_lines` and `json`), its bearer token and backpressure answer, and
//! `[sources.stdin]` lines, against the real daemon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod sources_support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{Daemon, base_config, phiscrub_bin};
use phiscrub::config::validate::HttpLogsSourceConfig;
use phiscrub::pipeline::{MemoryDeliver, Pipeline, WorkerPool};
use phiscrub::quarantine::MemoryQuarantine;
use phiscrub::scrub::detector::ScrubSetup;
use phiscrub::sources::auth::AccessKeys;
use phiscrub::sources::http_logs::HttpLogsSource;
use phiscrub::telemetry::Metrics;
use sources_support::*;

fn start(env: &[(&str, &str)]) -> (Daemon, Stdout) {
    let mut daemon = Daemon::start_with_env("", env);
    let stdout = Stdout::capture(daemon.child.stdout.take().unwrap());
    (daemon, stdout)
}

#[tokio::test]
async fn http_logs_json_lines_and_json_arrays_are_scrubbed() {
    let (daemon, stdout) = start(&[]);
    let client = reqwest::Client::new();
    let ndjson = "{\"date\":1700000000.1,\"log\":\"ssn 123-45-6789\"}\n{\"date\":1700000000.2,\"log\":\"ok\"}\n";
    let response = client
        .post(daemon.ingest_url("/v1/logs"))
        .header("content-type", "application/x-ndjson")
        .body(ndjson)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let events = stdout.take(2);
    assert_eq!(events[0]["source"], "http_logs");
    let first = events[0]["message"].as_str().unwrap();
    assert!(
        !first.contains("123-45-6789") && first.contains("[SSN]"),
        "{first}"
    );

    let array = r#"[{"date":1700000000.3,"log":"mail jane@example.org"},{"date":1700000000.4,"log":"fine"}]"#;
    let response = client
        .post(daemon.ingest_url("/v1/logs"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gzip(array.as_bytes()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["accepted"], 2);
    let events = stdout.take(2);
    assert!(events[0]["message"].as_str().unwrap().contains("[EMAIL]"));
    assert!(events[1]["message"].as_str().unwrap().contains("fine"));

    let response = client
        .post(daemon.ingest_url("/v1/logs"))
        .body("[{\"broken\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn http_logs_bearer_token_is_enforced_when_configured() {
    let (daemon, stdout) = start(&[(
        "PHISCRUB__SOURCES__HTTP_LOGS__BEARER_TOKEN",
        "sidecar-token",
    )]);
    let client = reqwest::Client::new();
    for auth in [None, Some("Bearer wrong"), Some("sidecar-token")] {
        let mut request = client.post(daemon.ingest_url("/v1/logs")).body("line\n");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        assert_eq!(request.send().await.unwrap().status(), 401, "{auth:?}");
    }
    let response = client
        .post(daemon.ingest_url("/v1/logs"))
        .header("authorization", "Bearer sidecar-token")
        .body("line\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stdout.take(1);
}

#[tokio::test]
async fn http_logs_backpressure_is_503_with_retry_after() {
    let pool = WorkerPool::start(
        1,
        2,
        Duration::from_secs(1),
        // The real policy scrubber on the embedded default config (mask everything).
        phiscrub::pipeline::scrubber::policy_scrubber_factory(
            ScrubSetup::build(&phiscrub::config::load(None).unwrap(), None, None).unwrap(),
        ),
    )
    .unwrap();
    let deliver = Arc::new(MemoryDeliver::new(1));
    let pipeline = Pipeline {
        pool: Arc::new(pool),
        deliver: deliver.clone(),
        quarantine: Arc::new(MemoryQuarantine::new(1 << 20)),
        metrics: Metrics::new("test").unwrap(),
    };
    let config = HttpLogsSourceConfig {
        path: "/v1/logs".into(),
        bearer_token: None,
        max_events: 100,
        max_decompressed_bytes: 1 << 20,
        retry_after: Duration::from_secs(3),
    };
    let router =
        HttpLogsSource::new(&config, AccessKeys::new(&[], true), pipeline).router("/v1/logs");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/v1/logs"))
        .body("one\ntwo\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "3");
    assert!(deliver.is_empty());
}

#[test]
fn stdin_lines_are_scrubbed_and_delivered() {
    let state = tempfile::tempdir().unwrap();
    let config = state.path().join("stdin.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[sources.stdin]\nmax_line_bytes = 64\nbatch_lines = 2\n",
            base_config(state.path())
        ),
    )
    .unwrap();
    let mut child = Command::new(phiscrub_bin())
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = Stdout::capture(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"first ssn 123-45-6789\r\nsecond\nthird (617) 555-0134\n")
        .unwrap();
    stdin
        .write_all(format!("{}\nlast\n", "x".repeat(200)).as_bytes())
        .unwrap();
    drop(stdin);
    let events = stdout.take(4);
    let messages: Vec<_> = events
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["first ssn [SSN]", "second", "third [PHONE]", "last"]
    );
    assert!(events.iter().all(|e| e["source"] == "stdin"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn sigterm_with_stdin_still_open_exits_cleanly() {
    let state = tempfile::tempdir().unwrap();
    let config = state.path().join("stdin.toml");
    std::fs::write(
        &config,
        format!("{}\n[sources.stdin]\n", base_config(state.path())),
    )
    .unwrap();
    let mut child = Command::new(phiscrub_bin())
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _stdin_kept_open = child.stdin.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    assert!(
        lines.any(|l| l.unwrap().contains("phiscrub serving")),
        "daemon did not start"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(8);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "daemon hung on exit with stdin open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
