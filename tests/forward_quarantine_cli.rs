//! `phiscrub quarantine list|replay` on a real quarantine store and a real HTTP receiver.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::process::Command;

use forward_support::*;
use phiscrub::event::EventMeta;
use phiscrub::quarantine::{QuarantineReason, QuarantineStore};

fn run(args: &[&str], config: &std::path::Path) -> (bool, Vec<serde_json::Value>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_phiscrub"))
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (output.status.success(), lines, stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_shows_reasons_without_content_and_replay_sends_only_scrubbed_records() {
    let receiver = start_receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("phiscrub.toml");
    std::fs::write(
        &config_path,
        format!(
            r#"state_dir = "{}"
[sinks.out]
type = "stdout"
[sinks.siem]
type = "http"
endpoint = "{}"
"#,
            dir.path().display(),
            receiver.url()
        ),
    )
    .unwrap();
    let config = phiscrub::config::load(Some(&config_path)).unwrap();
    let store = QuarantineStore::from_config(&config).unwrap();
    let meta = EventMeta {
        source: "firehose".into(),
        log_group: Some("/test/app".into()),
        ..EventMeta::default()
    };
    store
        .put(
            b"scrubbed [SSN] line one",
            QuarantineReason::SinkRejected,
            &meta,
        )
        .unwrap();
    store
        .put(
            b"raw undecodable 078-05-1120",
            QuarantineReason::DecodeFailed,
            &meta,
        )
        .unwrap();
    store
        .put(
            b"scrubbed [NAME] line two",
            QuarantineReason::SinkRejected,
            &meta,
        )
        .unwrap();
    drop(store);

    let (ok, listed, text) = run(&["quarantine", "list"], &config_path);
    assert!(ok);
    assert_eq!(listed.len(), 3);
    let reasons: Vec<_> = listed
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["sink_rejected", "decode_failed", "sink_rejected"]);
    assert!(
        !text.contains("078-05-1120") && !text.contains("[SSN]") && !text.contains("/test/app")
    );

    let (ok, outcomes, _) = run(&["quarantine", "replay", "--sink", "siem"], &config_path);
    assert!(ok, "{outcomes:?}");
    let kinds: Vec<_> = outcomes
        .iter()
        .map(|o| o["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["replayed", "skipped", "replayed"]);
    let messages: Vec<_> = receiver
        .received()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        messages,
        ["scrubbed [SSN] line one", "scrubbed [NAME] line two"]
    );

    let (_, left, _) = run(&["quarantine", "list"], &config_path);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["reason"], "decode_failed");
}
