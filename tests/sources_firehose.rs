//! The Firehose HTTP endpoint against the real daemon: requests built from the spec
//! (PROTOCOLS.md §2) and with the `aws_lambda_events` types, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod sources_support;

use common::Daemon;
use sources_support::*;

fn start(extra: &str) -> (Daemon, Stdout) {
    start_env(extra, &[])
}

fn start_env(extra: &str, env: &[(&str, &str)]) -> (Daemon, Stdout) {
    let mut daemon = Daemon::start_with_env(extra, env);
    let stdout = Stdout::capture(daemon.child.stdout.take().unwrap());
    (daemon, stdout)
}

fn phi_lines(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "patient checkin id={i} ssn=123-45-67{:02} email=pat{i}@example.org",
                i % 100
            )
        })
        .collect()
}

#[tokio::test]
async fn firehose_gzip_cloudwatch_with_phi_is_acked_and_every_event_scrubbed() {
    let (daemon, stdout) = start("");
    let records = vec![
        gzip(&cw_data_message("/ecs/patient-api", &phi_lines(3))),
        gzip(&cw_data_message("/ecs/billing", &phi_lines(2))),
    ];
    let (status, body) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "ed4acda5-034f-9f42-bba1-f29aea6d7d8f",
        Some(KEY),
        firehose_body("ed4acda5-034f-9f42-bba1-f29aea6d7d8f", &records),
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["requestId"], "ed4acda5-034f-9f42-bba1-f29aea6d7d8f");
    assert!(
        body["timestamp"].is_i64(),
        "timestamp must be a JSON integer: {body}"
    );
    assert!(body.get("errorMessage").is_none());
    let events = stdout.take(5);
    for event in &events {
        let message = event["message"].as_str().unwrap();
        assert!(!message.contains("123-45-67"), "SSN survived: {event}");
        assert!(!message.contains("@example.org"), "email survived: {event}");
        assert!(
            message.contains("[SSN]") && message.contains("[EMAIL]"),
            "{event}"
        );
        assert_eq!(event["source"], "firehose");
        assert_eq!(event["owner"], "123456789012");
        assert_eq!(event["log_stream"], "stream-1");
        assert!(event["event_id"].as_str().unwrap().len() > 50);
        assert!(event["timestamp"].as_i64().unwrap() >= 1_700_000_000_000);
    }
    let groups: Vec<_> = events
        .iter()
        .map(|e| e["log_group"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups.iter().filter(|g| **g == "/ecs/patient-api").count(),
        3
    );
    assert_eq!(groups.iter().filter(|g| **g == "/ecs/billing").count(), 2);
}

#[tokio::test]
async fn firehose_plain_body_plain_records_and_extracted_lines_are_accepted() {
    let (daemon, stdout) = start("");
    let records = vec![
        cw_data_message("/plain", &phi_lines(1)),
        b"extracted line one ssn 123-45-6789\nextracted line two\n".to_vec(),
    ];
    let (status, body) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "plain-1",
        Some(KEY),
        firehose_body("plain-1", &records),
        false,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = stdout.take(3);
    assert_eq!(events[0]["log_group"], "/plain");
    assert_eq!(events[1]["message"], "extracted line one ssn [SSN]");
    assert_eq!(events[2]["message"], "extracted line two");
    assert_eq!(events[1]["timestamp"], 1_578_090_901_599_i64);
}

#[tokio::test]
async fn firehose_common_attributes_are_kept_as_metadata() {
    let (daemon, stdout) = start("");
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose"))
        .header("X-Amz-Firehose-Request-Id", "attrs-1")
        .header("X-Amz-Firehose-Access-Key", KEY)
        .header(
            "X-Amz-Firehose-Common-Attributes",
            r#"{"commonAttributes":{"env":"prod","team":"claims"}}"#,
        )
        .body(firehose_body("attrs-1", &[b"one line".to_vec()]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let events = stdout.take(1);
    assert_eq!(events[0]["attributes"]["env"], "prod");
    assert_eq!(events[0]["attributes"]["team"], "claims");
}

#[tokio::test]
async fn firehose_control_message_is_counted_and_dropped() {
    let (daemon, stdout) = start("");
    let (status, _) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "control-1",
        Some(KEY),
        firehose_body("control-1", &[gzip(&cw_control_message())]),
        false,
    )
    .await;
    assert_eq!(status, 200);
    stdout.assert_quiet();
    let dropped = metric(
        &daemon.admin_url("/metrics"),
        "phiscrub_dropped_records_total{reason=\"control_message\"}",
    )
    .await;
    assert_eq!(dropped, 1.0);
}

#[tokio::test]
async fn firehose_wrong_or_missing_access_key_is_401() {
    let (daemon, stdout) = start("");
    let body = firehose_body("auth-1", &[b"ssn 123-45-6789".to_vec()]);
    for key in [Some("wrong-key"), Some(""), None] {
        let (status, answer) = post_firehose(
            &daemon.ingest_url("/firehose"),
            "auth-1",
            key,
            body.clone(),
            false,
        )
        .await;
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(answer["requestId"], "auth-1");
        assert!(answer["timestamp"].is_i64());
        assert!(
            answer["errorMessage"]
                .as_str()
                .unwrap()
                .contains("access key"),
            "{answer}"
        );
    }
    stdout.assert_quiet();
}

#[tokio::test]
async fn firehose_rotated_keys_are_all_accepted() {
    let (daemon, stdout) = start_env(
        "",
        &[(
            "PHISCRUB__SOURCES__FIREHOSE__ACCESS_KEYS",
            "old-key,new-key",
        )],
    );
    for key in ["old-key", "new-key"] {
        let (status, _) = post_firehose(
            &daemon.ingest_url("/firehose"),
            key,
            Some(key),
            firehose_body(key, &[b"line".to_vec()]),
            false,
        )
        .await;
        assert_eq!(status, 200);
    }
    stdout.take(2);
}

#[tokio::test]
async fn firehose_non_json_body_is_400() {
    let (daemon, _stdout) = start("");
    for body in [b"not json at all".to_vec(), b"{\"records\": 5}".to_vec()] {
        let (status, answer) = post_firehose(
            &daemon.ingest_url("/firehose"),
            "bad-1",
            Some(KEY),
            body,
            false,
        )
        .await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["requestId"], "bad-1");
        assert!(
            answer["errorMessage"]
                .as_str()
                .unwrap()
                .contains("not a valid Firehose request")
        );
    }
}

#[tokio::test]
async fn firehose_bad_records_are_quarantined_and_the_rest_delivered() {
    let (daemon, stdout) = start("");
    let good = gzip(&cw_data_message("/good", &phi_lines(2)));
    let truncated = {
        let whole = gzip(&cw_data_message("/trunc", &phi_lines(50)));
        whole[..whole.len() / 2].to_vec()
    };
    let oversize = vec![b'a'; 1_024_001];
    let data = vec![
        b64(&good),
        "!!!not base64!!!".to_owned(),
        b64(&truncated),
        b64(&oversize),
        b64(&[0x78, 0xda, 0xff, 0xfe, 0x00]),
    ];
    let (status, body) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "mixed-1",
        Some(KEY),
        firehose_body_b64("mixed-1", &data),
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = stdout.take(2);
    assert!(events.iter().all(|e| e["log_group"] == "/good"));
    let url = daemon.admin_url("/metrics");
    for (reason, count) in [
        ("base64", 1.0),
        ("gzip_truncated", 1.0),
        ("too_large", 1.0),
        ("not_text", 1.0),
    ] {
        let series =
            format!("phiscrub_decode_failures_total{{reason=\"{reason}\",source=\"firehose\"}}");
        assert_eq!(metric(&url, &series).await, count, "{series}");
    }
    assert_eq!(
        metric(
            &url,
            "phiscrub_quarantined_records_total{reason=\"decode_failed\"}"
        )
        .await,
        3.0
    );
    assert_eq!(
        metric(
            &url,
            "phiscrub_quarantined_records_total{reason=\"oversize\"}"
        )
        .await,
        1.0
    );
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Many gzip members of 8 MiB of zeros each: ~8 KiB on the wire per member, 400 MiB
/// when inflated.
fn gzip_bomb(members: usize) -> Vec<u8> {
    let member = gzip(&vec![0u8; 8 * 1024 * 1024]);
    member.repeat(members)
}

#[tokio::test]
async fn firehose_gzip_bomb_record_is_quarantined_without_memory_blowup() {
    let (daemon, stdout) = start_env(
        "",
        &[(
            "PHISCRUB__SOURCES__FIREHOSE__MAX_DECOMPRESSED_RECORD_BYTES",
            "4194304",
        )],
    );
    let bomb = gzip_bomb(50);
    assert!(bomb.len() < 1_024_000, "{}", bomb.len());
    let good = gzip(&cw_data_message("/good", &phi_lines(1)));
    let (status, body) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "bomb-1",
        Some(KEY),
        firehose_body("bomb-1", &[bomb, good]),
        false,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    stdout.take(1);
    let series = "phiscrub_decode_failures_total{reason=\"too_large\",source=\"firehose\"}";
    assert_eq!(metric(&daemon.admin_url("/metrics"), series).await, 1.0);
    let peak = peak_rss_kib(daemon.child.id());
    assert!(peak < 150 * 1024, "peak RSS {peak} KiB for a 400 MiB bomb");
}

#[tokio::test]
async fn firehose_gzip_bomb_body_is_a_clear_413() {
    let (daemon, stdout) = start_env("", &[("PHISCRUB__SERVER__MAX_BODY_BYTES", "8388608")]);
    let bomb = gzip_bomb(40);
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose"))
        .header("X-Amz-Firehose-Request-Id", "bomb-body")
        .header("X-Amz-Firehose-Access-Key", KEY)
        .header("Content-Encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["requestId"], "bomb-body");
    let message = body["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("decompressed body exceeds the limit of 8388608 bytes"),
        "{message}"
    );
    stdout.assert_quiet();
    let peak = peak_rss_kib(daemon.child.id());
    assert!(peak < 150 * 1024, "peak RSS {peak} KiB");
}

#[tokio::test]
async fn firehose_ten_thousand_records_in_one_request() {
    let (daemon, stdout) = start("");
    let records: Vec<Vec<u8>> = (0..10_000)
        .map(|i| format!("record {i} phone 555-867-{:04}", i % 10_000).into_bytes())
        .collect();
    let (status, body) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "big-1",
        Some(KEY),
        firehose_body("big-1", &records),
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = stdout.take(10_000);
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event["message"], format!("record {i} phone [PHONE]"));
    }
    let (status, _) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "big-2",
        Some(KEY),
        firehose_body("big-2", &vec![b"x".to_vec(); 10_001]),
        false,
    )
    .await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn firehose_retry_with_same_request_id_is_200_without_redelivery() {
    let (daemon, stdout) = start("");
    let body = firehose_body("retry-1", &[gzip(&cw_data_message("/r", &phi_lines(2)))]);
    let url = daemon.ingest_url("/firehose");
    let (status, _) = post_firehose(&url, "retry-1", Some(KEY), body.clone(), true).await;
    assert_eq!(status, 200);
    stdout.take(2);
    let (status, answer) = post_firehose(&url, "retry-1", Some(KEY), body.clone(), true).await;
    assert_eq!(status, 200);
    assert_eq!(answer["requestId"], "retry-1");
    stdout.assert_quiet();
    // The same id with different records is a different batch: delivered.
    let other = firehose_body("retry-1", &[b"another line".to_vec()]);
    let (status, _) = post_firehose(&url, "retry-1", Some(KEY), other, false).await;
    assert_eq!(status, 200);
    stdout.take(1);
}

#[tokio::test]
async fn firehose_request_id_mismatch_and_unknown_protocol_are_400() {
    let (daemon, _stdout) = start("");
    let (status, _) = post_firehose(
        &daemon.ingest_url("/firehose"),
        "header-id",
        Some(KEY),
        firehose_body("body-id", &[b"x".to_vec()]),
        false,
    )
    .await;
    assert_eq!(status, 400);
    let response = reqwest::Client::new()
        .post(daemon.ingest_url("/firehose"))
        .header("X-Amz-Firehose-Protocol-Version", "2.0")
        .header("X-Amz-Firehose-Access-Key", KEY)
        .body(firehose_body("p", &[b"x".to_vec()]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}
