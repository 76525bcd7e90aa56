//! Every forwarding example config passes `phiscrub check-config`, and
//! `forward-http.toml` takes the siem endpoint from `PHISCRUB__SINKS__SIEM__ENDPOINT`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn check(example: &str, env: &[(&str, &str)]) -> (bool, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("config/examples")
        .join(example);
    let mut command = Command::new(env!("CARGO_BIN_EXE_phiscrub"));
    command.args(["check-config", "--config"]).arg(&path);
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn every_forwarding_example_is_valid() {
    for example in [
        "forward-splunk-hec.toml",
        "forward-syslog-tls.toml",
        "forward-firehose.toml",
        "forward-cloudwatch-logs.toml",
        "forward-file.toml",
        "forward-stdout.toml",
    ] {
        let (ok, text) = check(example, &[]);
        assert!(ok, "{example}: {text}");
        if example == "forward-splunk-hec.toml" {
            assert!(
                text.contains("token = \"<redacted>\""),
                "secrets are never printed: {text}"
            );
        }
    }
}

#[test]
fn forward_http_takes_its_endpoint_from_the_environment() {
    let (ok, text) = check(
        "forward-http.toml",
        &[(
            "PHISCRUB__SINKS__SIEM__ENDPOINT",
            "https://siem.example/ingest",
        )],
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("endpoint = \"https://siem.example/ingest\""),
        "{text}"
    );
    assert!(
        text.contains("enabled = false"),
        "the default stdout sink is off: {text}"
    );
    let (ok, text) = check("forward-http.toml", &[]);
    assert!(
        !ok,
        "without the endpoint variable the config is incomplete"
    );
    assert!(text.contains("endpoint"), "{text}");
}
