//! `phiscrub scrub --format cloudwatch|firehose` run as the real binary: a subscription
//! payload comes back as the scrubbed subscription message (gzip exactly when it went in
//! gzip, unless `--output` says otherwise), and a transformation event comes back as the
//! transformation response the daemon's `POST /firehose/transform` gives, byte for byte;
//! an HTTP endpoint delivery request comes back as its scrubbed events, one JSON line each.
//! Undecodable input fails closed: never written in the clear, exit 1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod sources_support;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use base64::Engine as _;
use common::{Daemon, phiscrub_bin};
use sources_support::{b64, cw_control_message, cw_data_message, gzip};

const FIXTURE: &[u8] = include_bytes!("fixtures/firehose-transform-cloudwatch-sample.json");

/// Synthetic PHI values (never real people); none may survive scrubbing.
const PHI: [&str; 3] = ["123-45-6789", "jane.roe@example.org", "617-555-0123"];

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn scrub(args: &[&str], input: &[u8]) -> Run {
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(phiscrub_bin())
        .arg("scrub")
        .args(args)
        .env("PHISCRUB__STATE_DIR", state.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A run that stops early (bad usage) closes stdin: the write may then fail.
    let writer = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: output.stdout,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

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

fn assert_no_phi(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for value in PHI {
        assert!(!text.contains(value), "{value} survived in {text}");
    }
}

fn phi_message() -> Vec<u8> {
    cw_data_message(
        "/ecs/patient-api",
        &[
            format!("admit ssn {}", PHI[0]),
            format!("mail {} or call {}", PHI[1], PHI[2]),
            "heartbeat ok".to_owned(),
        ],
    )
}

fn transformation_event(datas: &[Vec<u8>]) -> Vec<u8> {
    let records: Vec<_> = datas
        .iter()
        .enumerate()
        .map(|(i, d)| {
            serde_json::json!({
                "recordId": format!("4957873408644225903749749298062023384040017339048211251{i}"),
                "approximateArrivalTimestamp": 1_700_000_000_000_i64,
                "data": b64(d),
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "invocationId": "inv-cli",
        "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/phi",
        "region": "us-east-1",
        "records": records,
    }))
    .unwrap()
}

fn record_ids(event: &[u8]) -> Vec<String> {
    let event: serde_json::Value = serde_json::from_slice(event).unwrap();
    event["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recordId"].as_str().unwrap().to_owned())
        .collect()
}

fn answer(run: &Run) -> serde_json::Value {
    assert!(run.stdout.ends_with(b"\n"), "one JSON line");
    serde_json::from_slice(&run.stdout).unwrap()
}

fn results(answer: &serde_json::Value) -> Vec<(String, String)> {
    answer["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["recordId"].as_str().unwrap().to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn scrub_firehose_format_answers_the_shared_fixture_with_every_record_id_once() {
    let run = scrub(&["--format", "firehose"], FIXTURE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answer = answer(&run);
    let results = results(&answer);
    let ids: Vec<_> = results.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, record_ids(FIXTURE), "every recordId once, in order");
    let kinds: Vec<_> = results.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(kinds, ["Dropped", "Ok", "Ok", "Ok"]);
    let mut events = 0;
    for record in &answer["records"].as_array().unwrap()[1..] {
        let message: serde_json::Value =
            serde_json::from_slice(&gunzip(&unb64(record["data"].as_str().unwrap()))).unwrap();
        assert_eq!(message["messageType"], "DATA_MESSAGE");
        events += message["logEvents"].as_array().unwrap().len();
    }
    assert_eq!(events, 9);
}

#[test]
fn scrub_firehose_format_scrubs_phi_and_fails_undecodable_records_closed() {
    let mut truncated = gzip(&phi_message());
    truncated.truncate(truncated.len() / 2);
    let event = transformation_event(&[
        gzip(&phi_message()),
        gzip(&cw_control_message()),
        truncated,
        // Raw zlib is neither gzip nor text: it would bypass the scanner, so it fails.
        {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
            z.write_all(&phi_message()).unwrap();
            z.finish().unwrap()
        },
        format!("plain line for {}\n", PHI[1]).into_bytes(),
    ]);
    let run = scrub(&["--format", "firehose"], &event);
    assert_eq!(run.code, 1, "a ProcessingFailed record makes the run fail");
    let answer = answer(&run);
    let results = results(&answer);
    let ids: Vec<_> = results.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, record_ids(&event));
    let kinds: Vec<_> = results.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Ok",
            "Dropped",
            "ProcessingFailed",
            "ProcessingFailed",
            "Ok"
        ]
    );
    let records = answer["records"].as_array().unwrap();
    for failed in &records[2..4] {
        assert!(failed.get("data").is_none(), "failed records carry no data");
    }
    let message: serde_json::Value =
        serde_json::from_slice(&gunzip(&unb64(records[0]["data"].as_str().unwrap()))).unwrap();
    let messages: Vec<_> = message["logEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "admit ssn [SSN]",
            "mail [EMAIL] or call [PHONE]",
            "heartbeat ok"
        ]
    );
    assert_no_phi(&gunzip(&unb64(records[0]["data"].as_str().unwrap())));
    assert_eq!(
        unb64(records[4]["data"].as_str().unwrap()),
        b"plain line for [EMAIL]\n"
    );
    assert_no_phi(&run.stdout);
    assert_no_phi(run.stderr.as_bytes());
    assert!(
        run.stderr.contains("2 of 5 records ProcessingFailed")
            && run.stderr.contains(&ids[2])
            && run.stderr.contains(&ids[3]),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrub_firehose_format_answers_byte_for_byte_like_post_firehose_transform() {
    let event = transformation_event(&[
        gzip(&phi_message()),
        gzip(&cw_control_message()),
        b"not gzip \x1f\x8b and not text \xff".to_vec(),
    ]);
    let daemon = Daemon::start("");
    let http = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose/transform"))
        .header("content-type", "application/json")
        .body(event.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(http.status(), 200);
    let http = http.bytes().await.unwrap();
    let run = tokio::task::spawn_blocking(move || scrub(&["--format", "firehose"], &event))
        .await
        .unwrap();
    assert_eq!(run.stdout, [&http[..], b"\n"].concat());
}

#[test]
fn scrub_firehose_format_delivery_request_writes_each_scrubbed_event_and_withholds_bad_records() {
    let body = sources_support::firehose_body_b64(
        "req-1",
        &[
            b64(&gzip(&phi_message())),
            b64(&gzip(&cw_control_message())),
            format!("!!not base64 {}", PHI[0]),
        ],
    );
    for input in [body.clone(), gzip(&body)] {
        let run = scrub(&["--format", "firehose"], &input);
        assert_eq!(run.code, 1, "a withheld record makes the run fail");
        let events: Vec<serde_json::Value> = run
            .stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        let messages: Vec<_> = events
            .iter()
            .map(|e| e["message"].as_str().unwrap())
            .collect();
        assert_eq!(
            messages,
            [
                "admit ssn [SSN]",
                "mail [EMAIL] or call [PHONE]",
                "heartbeat ok"
            ]
        );
        assert!(events.iter().all(|e| e["source"] == "firehose"));
        assert_eq!(events[0]["log_group"], "/ecs/patient-api");
        assert!(
            run.stderr.contains("record 2 withheld (base64)"),
            "{}",
            run.stderr
        );
        assert_no_phi(&run.stdout);
        assert_no_phi(run.stderr.as_bytes());
    }
}

#[test]
fn scrub_firehose_format_rejects_a_document_that_is_not_firehose() {
    let run = scrub(&["--format", "firehose"], PHI[0].as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("not a Firehose transformation event"),
        "{}",
        run.stderr
    );
    assert_no_phi(run.stderr.as_bytes());
}

fn assert_scrubbed_message(json: &[u8]) {
    let message: serde_json::Value = serde_json::from_slice(json).unwrap();
    let original: serde_json::Value = serde_json::from_slice(&phi_message()).unwrap();
    assert_eq!(message["logGroup"], "/ecs/patient-api");
    assert_eq!(
        message["subscriptionFilters"],
        original["subscriptionFilters"]
    );
    let events = message["logEvents"].as_array().unwrap();
    let originals = original["logEvents"].as_array().unwrap();
    assert_eq!(events.len(), 3, "every log event, once");
    for (event, original) in events.iter().zip(originals) {
        assert_eq!(event["id"], original["id"]);
        assert_eq!(event["timestamp"], original["timestamp"]);
    }
    assert_eq!(events[0]["message"], "admit ssn [SSN]");
    assert_no_phi(json);
}

#[test]
fn scrub_cloudwatch_format_writes_gzip_for_gzip_input_and_json_for_json_input() {
    let run = scrub(&["--format", "cloudwatch"], &gzip(&phi_message()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with(&[0x1f, 0x8b]), "gzip in, gzip out");
    assert_scrubbed_message(&gunzip(&run.stdout));

    let run = scrub(&["--format", "cloudwatch"], &phi_message());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with(b"}\n"));
    assert_scrubbed_message(&run.stdout);
}

#[test]
fn scrub_cloudwatch_format_output_option_overrides_the_input_encoding() {
    let run = scrub(
        &["--format", "cloudwatch", "--output", "json"],
        &gzip(&phi_message()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_scrubbed_message(&run.stdout);

    let run = scrub(
        &["--format", "cloudwatch", "--output", "gzip"],
        &phi_message(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_scrubbed_message(&gunzip(&run.stdout));
}

#[test]
fn scrub_cloudwatch_format_reads_the_lambda_envelope_and_base64() {
    let lambda = format!(
        r#"{{"awslogs":{{"data":"{}"}}}}"#,
        b64(&gzip(&phi_message()))
    );
    let run = scrub(
        &["--format", "cloudwatch", "--output", "json"],
        lambda.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_scrubbed_message(&run.stdout);

    let run = scrub(
        &["--format", "cloudwatch", "--output", "json"],
        format!("{}\n", b64(&phi_message())).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_scrubbed_message(&run.stdout);
}

#[test]
fn scrub_cloudwatch_format_undecodable_payload_writes_nothing_and_exits_1() {
    let mut truncated = gzip(&phi_message());
    truncated.truncate(truncated.len() - 12);
    for input in [truncated, b"{\"messageType\": 123-45-6789".to_vec()] {
        let run = scrub(&["--format", "cloudwatch"], &input);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing written in the clear");
        assert!(run.stderr.contains("nothing written"), "{}", run.stderr);
        assert_no_phi(run.stderr.as_bytes());
    }
}

#[test]
fn scrub_cloudwatch_format_control_message_writes_nothing_and_succeeds() {
    let run = scrub(&["--format", "cloudwatch"], &gzip(&cw_control_message()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("control messages"), "{}", run.stderr);
}

#[test]
fn scrub_output_option_with_a_line_format_is_bad_usage() {
    let run = scrub(&["--format", "text", "--output", "json"], b"x\n");
    assert_eq!(run.code, 64);
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
}
