//! The ECS task definitions configure phiscrub through `PHISCRUB__*` variables only; this
//! runs `phiscrub check-config` with exactly those variables (placeholders filled in, the
//! state dir moved to a temp dir) so a validation rule can never silently break a deploy.
//! It also pins the rule that motivated it: on a non-loopback listener, the token-less
//! `/v1/logs` and `/firehose/transform` routes are refused (exit 64, naming the key)
//! unless turned off, given a token, or explicitly opened.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::phiscrub_bin;

const ECS_SERVICE: &str = "deploy/ecs/service-task-definition.json";
const ECS_SIDECAR: &str = "deploy/ecs/sidecar-task-definition.json";

/// The `PHISCRUB__*` environment of the task definition's phiscrub container.
fn phiscrub_env(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let td: serde_json::Value = serde_json::from_str(&text).unwrap();
    let container = td["containerDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "phiscrub")
        .unwrap();
    container["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let value = e["value"]
                .as_str()
                .unwrap()
                .replace(
                    "${KMS_KEY_ARN}",
                    "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000",
                )
                .replace("${SPLUNK_HEC_ENDPOINT}", "https://splunk.example:8088");
            assert!(!value.contains("${"), "unfilled placeholder in {value}");
            (e["name"].as_str().unwrap().to_owned(), value)
        })
        .collect()
}

fn check_config(env: &[(String, String)]) -> Output {
    let state = tempfile::tempdir().unwrap();
    Command::new(phiscrub_bin())
        .arg("check-config")
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("PHISCRUB__STATE_DIR", state.path())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn ecs_task_definition_environments_pass_check_config() {
    for path in [ECS_SERVICE, ECS_SIDECAR] {
        let out = check_config(&phiscrub_env(path));
        assert_eq!(out.status.code(), Some(0), "{path}: {}", stderr(&out));
    }
}

#[test]
fn open_http_routes_on_a_non_loopback_listener_exit_64_naming_the_keys() {
    let env: Vec<_> = phiscrub_env(ECS_SERVICE)
        .into_iter()
        .filter(|(name, _)| !name.ends_with("__ENABLED"))
        .collect();
    assert!(
        env.iter()
            .any(|(name, value)| name == "PHISCRUB__SERVER__LISTEN" && value.starts_with("0.0.0.0")),
        "the service listens on every interface"
    );
    let out = check_config(&env);
    assert_eq!(out.status.code(), Some(64));
    let text = stderr(&out);
    assert!(text.contains("sources.http_logs.bearer_token"), "{text}");
    assert!(text.contains("sources.transform.bearer_token"), "{text}");

    for opened in [
        (
            "PHISCRUB__SOURCES__HTTP_LOGS__ALLOW_UNAUTHENTICATED",
            "true",
        ),
        (
            "PHISCRUB__SOURCES__HTTP_LOGS__BEARER_TOKEN",
            "env:LOGS_TOKEN",
        ),
    ] {
        let mut env = env.clone();
        env.push((opened.0.to_owned(), opened.1.to_owned()));
        let out = check_config(&env);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(64), "{text}");
        assert!(!text.contains("sources.http_logs"), "{opened:?}: {text}");
        assert!(text.contains("sources.transform.bearer_token"), "{text}");
    }
}
