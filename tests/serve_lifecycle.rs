//! The daemon's process shell, tested on the real binary: health endpoints, metrics that
//! promtool accepts, and the SIGTERM sequence (not ready → drain → exit 0 in the grace
//! period).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Daemon, get, tool};

#[tokio::test]
async fn live_and_ready_answer_200_once_serving() {
    let daemon = Daemon::start("");
    assert_eq!(get(&daemon.admin_url("/live")).await.0, 200);
    assert_eq!(get(&daemon.admin_url("/ready")).await.0, 200);
}

#[tokio::test]
async fn metrics_pass_promtool_check_metrics() {
    let daemon = Daemon::start("");
    let (status, body) = get(&daemon.admin_url("/metrics")).await;
    assert_eq!(status, 200);
    assert!(body.contains("phiscrub_build_info{"), "{body}");
    assert!(body.contains("engine=\""), "{body}");

    let mut promtool = Command::new(tool("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn sigterm_turns_ready_503_then_exits_0_within_grace() {
    let mut daemon = Daemon::start_with_env("", &[("PHISCRUB__SERVER__DRAIN_DELAY_SECS", "2")]);
    assert_eq!(get(&daemon.admin_url("/ready")).await.0, 200);
    let sent = Instant::now();
    daemon.signal("TERM");

    // During the drain delay the admin port still answers, with /ready now 503.
    let mut saw_not_ready = false;
    while sent.elapsed() < Duration::from_millis(1500) {
        if let Ok(response) = reqwest::get(daemon.admin_url("/ready")).await
            && response.status().as_u16() == 503
        {
            saw_not_ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(saw_not_ready, "/ready never turned 503 after SIGTERM");
    assert_eq!(get(&daemon.admin_url("/live")).await.0, 200);

    let status = daemon
        .wait_exit(Duration::from_secs(10))
        .expect("daemon still running after the 10 s grace period");
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn sigint_also_shuts_down_cleanly() {
    let mut daemon = Daemon::start("");
    daemon.signal("INT");
    let status = daemon
        .wait_exit(Duration::from_secs(10))
        .expect("still running");
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn unknown_ingest_route_is_404() {
    let daemon = Daemon::start("");
    assert_eq!(get(&daemon.ingest_url("/nope")).await.0, 404);
}

/// The SSN rule ids of the built-in catalog, as `phiscrub rules --json` lists them.
fn builtin_ssn_rule_ids() -> Vec<String> {
    let out = Command::new(common::phiscrub_bin())
        .args(["rules", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = rules
        .iter()
        .filter(|r| r["type"] == "SSN")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!ids.is_empty(), "no SSN rules listed");
    ids
}

#[tokio::test]
async fn canary_passes_on_the_default_policy() {
    let daemon = Daemon::start("");
    let (_, body) = get(&daemon.admin_url("/metrics")).await;
    assert!(body.contains("\nphiscrub_canary_failed 0\n"), "{body}");
    assert_eq!(get(&daemon.admin_url("/ready")).await.0, 200);
}

#[tokio::test]
async fn canary_fails_readiness_when_ssn_rules_are_disabled_but_policy_scrubs_ssn() {
    // A plausible bad change: someone disables every SSN rule (say, chasing a false
    // positive) while the policy still says SSNs are masked. Clear SSNs would flow.
    let disable = builtin_ssn_rule_ids()
        .iter()
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let daemon = Daemon::start(&format!("[detect]\ndisable = [{disable}]\n"));
    assert_eq!(get(&daemon.admin_url("/live")).await.0, 200);
    assert_eq!(get(&daemon.admin_url("/ready")).await.0, 503);
    let (_, body) = get(&daemon.admin_url("/metrics")).await;
    assert!(body.contains("\nphiscrub_canary_failed 1\n"), "{body}");
}
