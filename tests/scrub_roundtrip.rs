//! Round trips through the scrub and reveal commands with the local key provider:
//! `scrub_stream` (the body of `phiscrub scrub`) with known synthetic findings, then the
//! real `phiscrub reveal` binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use phiscrub::cli::scrub::{InputFormat, scrub_stream};
use phiscrub::config::ActionName;
use phiscrub::detect::PhiType;
use phiscrub::scrub::{LiteralFinder, Scrubber};

const SSN: &str = "078-05-1120";
const MRN: &str = "MRN00424242";
const EMAIL: &str = "jane.roe@example.com";
const NAME: &str = "Jane Roe";

fn finder() -> Box<LiteralFinder> {
    Box::new(
        LiteralFinder::new([
            (SSN, PhiType::Ssn),
            (MRN, PhiType::Mrn),
            (EMAIL, PhiType::Email),
            (NAME, PhiType::Name),
        ])
        .unwrap(),
    )
}

struct Setup {
    dir: tempfile::TempDir,
    config_path: std::path::PathBuf,
}

fn setup(extra: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("phiscrub.toml");
    std::fs::write(
        &config_path,
        format!(
            "{}\n{extra}",
            common::base_config(&dir.path().join("state"))
        ),
    )
    .unwrap();
    Setup { dir, config_path }
}

fn scrub(setup: &Setup, input: &[u8], format: InputFormat) -> (Vec<u8>, String) {
    let config = phiscrub::config::load(Some(&setup.config_path)).unwrap();
    let (policy, keys) = phiscrub::cli::scrub::build_policy_and_keys(&config).unwrap();
    let mut scrubber = Scrubber::new(finder(), policy, keys);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    scrub_stream(
        &mut scrubber,
        format.reader().as_mut(),
        &mut &input[..],
        &mut out,
        &mut errors,
    )
    .unwrap();
    (out, String::from_utf8(errors).unwrap())
}

fn reveal_bin(setup: &Setup, input: &[u8], env: &[(&str, &str)]) -> (i32, Vec<u8>, String) {
    let mut command = Command::new(common::phiscrub_bin());
    command
        .args(["reveal", "--config"])
        .arg(&setup.config_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn input() -> Vec<u8> {
    let mut input = Vec::new();
    writeln!(
        input,
        "2026-11-23T10:00:00Z ERROR intake failed for {NAME} ssn={SSN} mrn={MRN}"
    )
    .unwrap();
    writeln!(input, "GET /health 200 1ms").unwrap();
    writeln!(
        input,
        r#"{{"level":"warn", "patient": {{"name":"{NAME}","contact":"{EMAIL}"}}, "n": 42, "note":"ssn\u003a {SSN}"}}"#
    )
    .unwrap();
    input.extend_from_slice(b"bytes \xff\xfe then ");
    input.extend_from_slice(MRN.as_bytes());
    input.extend_from_slice(b"\n");
    write!(input, "last line without newline {EMAIL}").unwrap();
    input
}

fn assert_no_phi(out: &[u8]) {
    for secret in [SSN, MRN, EMAIL, NAME] {
        assert!(
            memchr::memmem::find(out, secret.as_bytes()).is_none(),
            "{secret} survived"
        );
    }
}

#[test]
fn scrub_with_encrypt_then_reveal_binary_restores_the_input_exactly() {
    let setup = setup("[actions]\ndefault = \"encrypt\"\n");
    let input = input();
    let (scrubbed, errors) = scrub(&setup, &input, InputFormat::Auto);
    assert_eq!(errors, "");
    assert_no_phi(&scrubbed);
    // The JSON line stays valid JSON, with the data key as its last member.
    let json_line = scrubbed.split(|b| *b == b'\n').nth(2).unwrap();
    let value: serde_json::Value = serde_json::from_slice(json_line).unwrap();
    assert!(
        value["_phiscrub"]["dk"]
            .as_str()
            .unwrap()
            .starts_with("v1.local.")
    );
    let (code, revealed, stderr) = reveal_bin(&setup, &scrubbed, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(revealed, input);
    // One audit record: counts and key id, no plaintext.
    let audit: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    assert_eq!(audit["audit"], "phiscrub.reveal");
    assert_eq!(audit["tokens_revealed"], 8);
    assert_eq!(audit["tokens_failed"], 0);
    assert!(audit["key_id"].as_str().unwrap().starts_with("local:"));
    assert!(!stderr.contains(SSN) && !stderr.contains(EMAIL));
}

#[test]
fn reveal_with_a_wrong_encryption_context_fails_with_a_clear_error() {
    let setup = setup("[actions]\ndefault = \"encrypt\"\n");
    let input = format!("ssn={SSN}\n");
    let (scrubbed, _) = scrub(&setup, input.as_bytes(), InputFormat::Text);
    let (code, revealed, stderr) = reveal_bin(
        &setup,
        &scrubbed,
        &[("PHISCRUB__KEYS__ENCRYPTION_CONTEXT__APP", "not-phiscrub")],
    );
    assert_eq!(code, 1);
    assert_eq!(revealed, scrubbed, "nothing is revealed");
    assert!(
        stderr.contains("line 1: token not revealed: the data key could not be unwrapped: wrong encryption context"),
        "{stderr}"
    );
}

#[test]
fn reveal_of_a_modified_token_is_an_error_for_that_token_only() {
    let setup = setup("[actions]\ndefault = \"encrypt\"\n");
    let (scrubbed, _) = scrub(
        &setup,
        format!("{SSN} {MRN}\n").as_bytes(),
        InputFormat::Text,
    );
    let text = String::from_utf8(scrubbed).unwrap();
    let at = text.find("[MRN:enc:v1:").unwrap() + 25;
    let mut tampered = text.into_bytes();
    tampered[at] = if tampered[at] == b'x' { b'y' } else { b'x' };
    let (code, revealed, stderr) = reveal_bin(&setup, &tampered, &[]);
    assert_eq!(code, 1);
    let revealed = String::from_utf8(revealed).unwrap();
    assert!(revealed.starts_with(SSN), "{revealed}");
    assert!(revealed.contains("[MRN:enc:v1:") && !revealed.contains(MRN));
    assert!(stderr.contains("failed authentication"), "{stderr}");
}

#[test]
fn scrub_with_the_default_policy_masks_every_value() {
    let setup = setup("");
    let (scrubbed, errors) = scrub(&setup, &input(), InputFormat::Auto);
    assert_eq!(errors, "");
    assert_no_phi(&scrubbed);
    let text = String::from_utf8_lossy(&scrubbed);
    assert!(text.starts_with("2026-11-23T10:00:00Z ERROR intake failed for [NAME] ssn=[SSN] mrn=[MRN]\nGET /health 200 1ms\n"), "{text}");
    assert!(!text.contains("phiscrub_dk"), "mask needs no data key");
    // A mask-only policy creates no key files.
    assert!(!setup.dir.path().join("state/keys").exists());
}

#[test]
fn ndjson_format_withholds_lines_that_are_not_json() {
    let setup = setup("");
    let (scrubbed, errors) = scrub(
        &setup,
        format!("{{\"a\":\"{SSN}\"}}\nplain {SSN}\n").as_bytes(),
        InputFormat::Ndjson,
    );
    assert_eq!(scrubbed, b"{\"a\":\"[SSN]\"}\n");
    assert!(
        errors.contains("event 2 withheld (invalid_json)"),
        "{errors}"
    );
    assert!(!errors.contains(SSN));
}

#[test]
fn tokenize_config_example_gives_stable_tokens_across_runs() {
    let setup = setup("[actions]\ndefault = \"tokenize\"\n");
    let line = format!("{EMAIL} {SSN}\n");
    let (a, _) = scrub(&setup, line.as_bytes(), InputFormat::Text);
    let (b, _) = scrub(&setup, line.as_bytes(), InputFormat::Text);
    assert_eq!(a, b);
    assert!(String::from_utf8(a).unwrap().starts_with("[EMAIL:tok_"));
}

fn run_bin(args: &[&str], config: &std::path::Path, input: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(common::phiscrub_bin())
        .args(args)
        .arg("--config")
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every canary line (synthetic PHI of every built-in type), as text and inside JSON.
fn canary_input() -> (Vec<u8>, Vec<&'static str>) {
    let mut input = Vec::new();
    let mut values = Vec::new();
    for canary in phiscrub::canary::CANARY_LINES {
        writeln!(input, "{}", canary.line).unwrap();
        writeln!(
            input,
            "{}",
            serde_json::json!({"level": "error", "msg": canary.line, "n": 1})
        )
        .unwrap();
        values.push(canary.value);
    }
    input.extend_from_slice(b"GET /api/v1/health 200 2ms\n");
    (input, values)
}

#[test]
fn scrub_binary_leaves_none_of_the_phi_values_in_its_output() {
    let setup = setup("");
    let (input, values) = canary_input();
    for format in ["auto", "text"] {
        let (code, out, stderr) =
            run_bin(&["scrub", "--format", format], &setup.config_path, &input);
        assert_eq!(code, 0, "{stderr}");
        for value in &values {
            assert!(
                memchr::memmem::find(&out, value.as_bytes()).is_none(),
                "{value} survived ({format})"
            );
        }
        assert!(out.ends_with(b"GET /api/v1/health 200 2ms\n"));
    }
}

/// `out` with every encryption token and wrapped data key removed: random ciphertext in
/// base64url can hold a short value such as an age ("97") by chance, which is not a leak.
fn without_enc_tokens(out: &[u8]) -> Vec<u8> {
    let token = regex::bytes::Regex::new(
        r"\[[A-Z_0-9]+:enc:v1:[^\]\s]+\]|phiscrub_dk=\S+|\x22dk\x22:\x22[^\x22]+\x22",
    )
    .unwrap();
    token.replace_all(out, &b""[..]).into_owned()
}

#[test]
fn scrub_binary_with_encrypt_then_reveal_restores_the_input_exactly() {
    let setup = setup("[actions]\ndefault = \"encrypt\"\n");
    let (input, values) = canary_input();
    let (code, scrubbed, stderr) = run_bin(&["scrub"], &setup.config_path, &input);
    assert_eq!(code, 0, "{stderr}");
    let outside_tokens = without_enc_tokens(&scrubbed);
    assert!(
        outside_tokens.len() < scrubbed.len(),
        "no enc tokens at all"
    );
    for value in &values {
        assert!(
            memchr::memmem::find(&outside_tokens, value.as_bytes()).is_none(),
            "{value} survived"
        );
    }
    let (code, revealed, stderr) = run_bin(&["reveal"], &setup.config_path, &scrubbed);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(revealed, input);
}

#[test]
fn example_configs_are_valid_and_choose_their_policy() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples");
    for (file, action) in [
        ("tokenize.toml", ActionName::Tokenize),
        ("encrypt-local.toml", ActionName::Encrypt),
        ("encrypt-aws-kms.toml", ActionName::Encrypt),
    ] {
        let config = phiscrub::config::load(Some(&root.join(file)))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(config.actions.default, action, "{file}");
    }
}

#[test]
fn encrypt_local_example_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples/encrypt-local.toml");
    // The example's own text, with state_dir pointed at a temp folder.
    let text = std::fs::read_to_string(&example).unwrap().replace(
        "./phiscrub-state",
        &dir.path().join("state").display().to_string(),
    );
    let config_path = dir.path().join("encrypt-local.toml");
    std::fs::write(&config_path, text).unwrap();
    let setup = Setup { dir, config_path };
    let input = input();
    let (scrubbed, errors) = scrub(&setup, &input, InputFormat::Auto);
    assert_eq!(errors, "");
    assert_no_phi(&scrubbed);
    let (code, revealed, stderr) = reveal_bin(&setup, &scrubbed, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(revealed, input);
}
