//! The quarantine encrypted with the configured key provider when that is AWS KMS
//! (issue 5: "encrypted at rest with the configured key provider"), against moto:
//! envelope encryption with a `GenerateDataKey` data key bound to phiscrub's encryption
//! context plus `log_group=phiscrub:quarantine`, the wrapped key in each record's
//! authenticated header, `Decrypt` on read. moto enforces the encryption context on
//! `Decrypt` as KMS does, so a wrong context must fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod forward_support;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_kms::config::{Credentials, Region};
use forward_support::{start_moto, start_receiver, wait_until};
use phiscrub::event::EventMeta;
use phiscrub::keys::KmsProvider;
use phiscrub::quarantine::{KeyFile, KmsKey, QuarantineReason, QuarantineStore};

fn client(url: &str) -> aws_sdk_kms::Client {
    aws_sdk_kms::Client::from_conf(
        aws_sdk_kms::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .endpoint_url(url)
            .build(),
    )
}

fn create_key(url: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let out = client(url).create_key().send().await.unwrap();
        out.key_metadata().unwrap().key_id().to_owned()
    })
}

fn context(app: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("app".to_owned(), app.to_owned())])
}

fn kms_store(url: &str, key_id: &str, dir: &std::path::Path, app: &str) -> QuarantineStore {
    let kms = KmsProvider::with_client(client(url), key_id).unwrap();
    QuarantineStore::open(
        dir,
        Arc::new(KmsKey::with_provider(kms, &context(app))),
        1 << 20,
    )
    .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn records_are_sealed_with_a_kms_data_key_and_open_only_under_the_same_context() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let dir = tempfile::tempdir().unwrap();
    let qdir = dir.path().join("quarantine");
    let store = kms_store(&moto.url, &key_id, &qdir, "phiscrub");
    let meta = EventMeta {
        source: "firehose".into(),
        log_group: Some("/test/kms-group".into()),
        ..EventMeta::default()
    };
    let payloads = [
        b"synthetic rejected line one".to_vec(),
        b"synthetic rejected line two".to_vec(),
    ];
    let ids: Vec<String> = payloads
        .iter()
        .map(|p| store.put(p, QuarantineReason::SinkRejected, &meta).unwrap())
        .collect();

    // On disk: no payload, no log metadata; the header names the KMS key and carries the
    // wrapped data key (one data key for both records: one GenerateDataKey call).
    let mut wrapped = Vec::new();
    for entry in std::fs::read_dir(&qdir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!contains(&bytes, b"synthetic rejected"));
        assert!(!contains(&bytes, b"/test/kms-group"));
        let header_len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
        assert_eq!(header["key_id"], format!("aws-kms:{key_id}"));
        wrapped.push(header["wrapped_key"].as_str().unwrap().to_owned());
    }
    assert_eq!(wrapped.len(), 2);
    assert_eq!(wrapped[0], wrapped[1]);
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|e| e.key_id == format!("aws-kms:{key_id}"))
    );

    // The data key is bound to the configured context plus the quarantine's own entry:
    // the configured context alone (what `reveal` uses for enc tokens) cannot unwrap it.
    {
        use base64::Engine as _;
        let blob = base64::engine::general_purpose::STANDARD
            .decode(&wrapped[0])
            .unwrap();
        let kms = KmsProvider::with_client(client(&moto.url), &key_id).unwrap();
        assert!(kms.decrypt(&blob, &context("phiscrub")).is_err());
        let mut bound = context("phiscrub");
        bound.insert("log_group".into(), "phiscrub:quarantine".into());
        assert!(kms.decrypt(&blob, &bound).is_ok());
    }

    // A fresh store (another process: nothing cached) opens them through KMS Decrypt.
    drop(store);
    let reader = kms_store(&moto.url, &key_id, &qdir, "phiscrub");
    for (id, payload) in ids.iter().zip(&payloads) {
        let (entry, read_meta, read_payload) = reader.read(id).unwrap();
        assert_eq!(&read_payload, payload);
        assert_eq!(read_meta.log_group.as_deref(), Some("/test/kms-group"));
        assert_eq!(entry.reason, QuarantineReason::SinkRejected);
    }

    // The wrong encryption context: KMS refuses to unwrap; nothing is revealed.
    let wrong = kms_store(&moto.url, &key_id, &qdir, "someone-else");
    let err = wrong.read(&ids[0]).unwrap_err().to_string();
    assert!(err.contains("unwrap"), "{err}");
    assert!(!err.contains("synthetic"));

    // A local key file cannot open KMS-wrapped records, and says why.
    let local = QuarantineStore::open(
        &qdir,
        Arc::new(KeyFile::open_or_create(&dir.path().join("quarantine.key")).unwrap()),
        1 << 20,
    )
    .unwrap();
    let err = local.read(&ids[0]).unwrap_err().to_string();
    assert!(err.contains("aws-kms"), "{err}");
}

/// The daemon quarantines a rejected event with the KMS key of its config, and the
/// `quarantine` CLI lists and replays it through KMS, each process with its own client
/// from the SDK's standard chain (here: `AWS_ENDPOINT_URL` pointing at moto).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_the_quarantine_cli_use_the_configured_kms_key() {
    let moto = start_moto();
    let key_id = tokio::task::spawn_blocking({
        let url = moto.url.clone();
        move || create_key(&url)
    })
    .await
    .unwrap();
    let receiver = start_receiver().await;
    *receiver.state.poison.lock().unwrap() = Some("poison-marker".to_owned());
    let env = [
        ("AWS_ENDPOINT_URL", moto.url.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let daemon = common::Daemon::start_with_env(
        &format!(
            r#"
[keys]
provider = "aws-kms"
key_id = "{key_id}"
[sinks.out]
type = "stdout"
enabled = false
[sinks.siem]
type = "http"
endpoint = "{}"
[sinks.siem.batch]
max_age_ms = 20
"#,
            receiver.url()
        ),
        &env,
    );
    // One clean event and one the SIEM rejects, via the /v1/logs source.
    let client = reqwest::Client::new();
    let body = "{\"message\":\"clean line status=ok\"}\n{\"message\":\"bad line poison-marker\"}\n";
    let response = client
        .post(daemon.ingest_url("/v1/logs"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(wait_until(Duration::from_secs(20), || receiver.received().len() == 1).await);
    let config = daemon.state_path().join("test-config.toml");
    let cli = |args: &[&str]| {
        let mut command = Command::new(common::phiscrub_bin());
        command.args(args).arg("--config").arg(&config);
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let mut listed = String::new();
    assert!(
        wait_until(Duration::from_secs(10), || {
            listed = cli(&["quarantine", "list"]);
            !listed.is_empty()
        })
        .await
    );
    let entry: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(entry["key_id"], format!("aws-kms:{key_id}"));
    assert_eq!(entry["reason"], "sink_rejected");
    assert!(!listed.contains("poison-marker"));

    // The SIEM is fixed; replay decrypts through KMS and sends the event.
    *receiver.state.poison.lock().unwrap() = None;
    let replayed = cli(&["quarantine", "replay", "--sink", "siem"]);
    assert!(replayed.contains("\"replayed\""), "{replayed}");
    let messages: Vec<String> = receiver
        .received()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect();
    // /v1/logs forwards each NDJSON object as the event's message.
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("clean line status=ok"));
    assert!(messages[1].contains("bad line poison-marker"));
}
