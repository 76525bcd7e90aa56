//! `phiscrub scan` and `phiscrub rules` as a user runs them: the JSON-lines contract, CRLF,
//! invalid UTF-8, both engines agreeing, custom rules from config, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiscrub"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("phiscrub starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("phiscrub exits")
}

const INPUT: &[u8] = b"patient John Smith DOB: 03/14/1962\r\n\
2026-11-23T10:00:01Z INFO GET /health 200 12ms upstream 10.0.3.4:8080\n\
\xff\xfe junk then ssn 219-09-9999\n\
{\"first_name\":\"Jane\",\"note\":\"call \\\"(217) 555-0123\\\"\"}\n";

#[test]
fn scan_prints_one_json_object_per_finding_with_raw_byte_offsets() {
    let out = run(&["scan", "--engine", "portable"], INPUT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"line":0,"start":8,"end":18,"type":"NAME","rule":"name.cue"}"#
    );
    assert_eq!(
        lines[1],
        r#"{"line":0,"start":24,"end":34,"type":"DATE","rule":"key.date"}"#
    );
    // Line 1 is an ops line: nothing. Line 2 has invalid UTF-8 before the SSN.
    assert_eq!(
        lines[2],
        r#"{"line":2,"start":17,"end":28,"type":"SSN","rule":"ssn.dashed"}"#
    );
    assert!(
        lines[3].starts_with(r#"{"line":3,"start":15,"end":19,"type":"NAME""#),
        "{}",
        lines[3]
    );
    assert!(lines[4].contains(r#""type":"PHONE""#), "{}", lines[4]);
    assert_eq!(lines.len(), 5, "{text}");
}

#[test]
fn scan_engines_print_identical_output() {
    if !cfg!(feature = "hyperscan") {
        return;
    }
    let a = run(&["scan", "--engine", "portable"], INPUT);
    let b = run(&["scan", "--engine", "hyperscan"], INPUT);
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert!(String::from_utf8_lossy(&b.stderr).contains("engine hyperscan"));
}

#[test]
fn scan_applies_custom_rules_from_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        r#"
[[detect.rules]]
id = "acme.mrn"
type = "MRN"
description = "ACME MRN"
pattern = '\b(ACM\d{7})\b'
examples = ["ACM1234567"]
"#,
    )
    .expect("write config");
    let out = run(
        &["scan", "--config", path.to_str().expect("utf-8 path")],
        b"chart ACM1234567 opened\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"{"line":0,"start":6,"end":16,"type":"MRN","rule":"acme.mrn"}"#
    );
}

#[test]
fn scan_bad_engine_or_bad_rule_is_usage_error_64() {
    let out = run(&["scan", "--engine", "gpu"], b"");
    assert_eq!(out.status.code(), Some(64));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[[detect.rules]]\nid = \"x\"\ntype = \"NOPE\"\npattern = \"a\"\n",
    )
    .expect("write");
    let out = run(
        &["scan", "--config", path.to_str().expect("utf-8 path")],
        b"",
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("detect.rules[0]"));
}

#[test]
fn scan_line_over_the_limit_fails_closed_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[detect]\nmax_line_bytes = 2048\n").expect("write");
    let long = vec![b'a'; 5000];
    let out = run(
        &["scan", "--config", path.to_str().expect("utf-8 path")],
        &long,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_line_bytes"));
}

#[test]
fn rules_lists_the_catalog_as_table_and_json() {
    let out = run(&["rules"], b"");
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("ssn.dashed") && table.contains("SSN"));
    let out = run(&["rules", "--json"], b"");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules = json.as_array().expect("array");
    assert!(rules.len() > 40);
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "name.pair" && r["type"] == "NAME")
    );
}
