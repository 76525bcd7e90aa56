//! The `file` sink, built from config by `Forwarder::build` as `serve` builds it: NDJSON
//! (one JSON object per line, each line ending in `\n`, ndjson.org) appended to the file,
//! never truncating what is there, in order, and still appending after a restart (a new
//! forwarder on the same file and the same disk queue).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::sync::Arc;
use std::time::Duration;

use forward_support::{RecordingQuarantine, event, wait_until};
use phiscrub::forward::Forwarder;
use phiscrub::telemetry::Metrics;

fn lines(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "every line ends in a newline"
    );
    text.lines().map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_sink_appends_ndjson_in_order_and_keeps_appending_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scrubbed.ndjson");
    std::fs::write(&out, "{\"message\":\"written before phiscrub\"}\n").unwrap();
    let config_path = dir.path().join("phiscrub.toml");
    std::fs::write(
        &config_path,
        format!(
            r#"state_dir = "{}"
[sinks.out]
type = "stdout"
enabled = false
[sinks.archive]
type = "file"
path = "{}"
[sinks.archive.batch]
max_events = 16
max_age_ms = 20
"#,
            dir.path().display(),
            out.display()
        ),
    )
    .unwrap();
    let config = phiscrub::config::load(Some(&config_path)).unwrap();
    let metrics = Metrics::new("portable").unwrap();

    let mut expected = vec!["written before phiscrub".to_owned()];
    for (round, range) in [(0, 0..50), (1, 50..120)] {
        let quarantine = Arc::new(RecordingQuarantine::default());
        let (deliver, handle) = Forwarder::build(&config, &metrics, quarantine.clone())
            .await
            .unwrap();
        let events: Vec<_> = range.clone().map(|i| event("stream-a", i)).collect();
        expected.extend(
            events
                .iter()
                .map(|e| String::from_utf8(e.message.to_vec()).unwrap()),
        );
        for chunk in events.chunks(9) {
            deliver.submit(chunk.to_vec()).await.unwrap();
        }
        assert!(
            wait_until(Duration::from_secs(10), || lines(&out).len()
                >= expected.len())
            .await,
            "round {round}: {} of {} lines",
            lines(&out).len(),
            expected.len()
        );
        assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
        assert!(quarantine.records.lock().unwrap().is_empty());
    }
    let written: Vec<serde_json::Value> = lines(&out)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<String> = written
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages, expected, "appended, in order, nothing twice");
    assert_eq!(written[1]["log_stream"], "stream-a");
    assert_eq!(written[1]["event_id"], "stream-a-0");
    assert_eq!(written[1]["source"], "firehose");
}
