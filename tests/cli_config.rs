//! `phiscrub check-config` and the exit-code contract, on the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Output};

use common::phiscrub_bin;

fn check_config(toml: &str, env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phiscrub.toml");
    std::fs::write(&path, toml).unwrap();
    let mut command = Command::new(phiscrub_bin());
    command.args(["check-config", "--config"]).arg(&path);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn unknown_key_exits_64_and_names_the_key() {
    let out = check_config("[actions]\ndefualt = \"mask\"\n", &[]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("actions.defualt"), "{}", stderr(&out));
}

#[test]
fn invalid_value_exits_64_and_names_the_key() {
    let out = check_config("[server]\nlisten = \"not-an-address\"\n", &[]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("server.listen"), "{}", stderr(&out));
}

#[test]
fn valid_file_prints_the_effective_config_with_secrets_redacted() {
    let out = check_config(
        "[sources.firehose]\naccess_keys = [\"literal-super-secret\", \"env:SOME_KEY\"]\n[detect]\nengine = \"portable\"\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("engine = \"portable\""), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");
    assert!(!printed.contains("literal-super-secret"), "{printed}");
}

#[test]
fn environment_overrides_the_file() {
    let out = check_config(
        "[detect]\nengine = \"portable\"\n",
        &[
            ("PHISCRUB__DETECT__ENGINE", "auto"),
            ("PHISCRUB__SERVER__LISTEN", "127.0.0.1:18080"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("engine = \"auto\""), "{printed}");
    assert!(printed.contains("127.0.0.1:18080"), "{printed}");
}

#[test]
fn environment_typo_in_a_value_is_rejected() {
    let out = check_config("", &[("PHISCRUB__ACTIONS__DEFAULT", "maks")]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("actions.default"), "{}", stderr(&out));
}

#[test]
fn bad_usage_exits_64_and_help_exits_0() {
    let out = Command::new(phiscrub_bin())
        .arg("no-such-command")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["check-config", "--help"],
    ] {
        let out = Command::new(phiscrub_bin()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn version_names_commit_and_engines() {
    let out = Command::new(phiscrub_bin())
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("commit"), "{text}");
    assert!(text.contains("portable"), "{text}");
}
