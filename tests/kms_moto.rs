//! The aws-kms provider against a real KMS API: moto server on loopback. These tests fail
//! (never skip) when moto cannot start; `scripts/bootstrap` installs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)]

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use aws_sdk_kms::config::{BehaviorVersion, Credentials, Region};
use phiscrub::config::{ActionName, KeyProviderChoice, KeysConfig};
use phiscrub::detect::PhiType;
use phiscrub::event::{Event, EventMeta};
use phiscrub::keys::{KeyService, KeyUses, KmsProvider};
use phiscrub::scrub::{LiteralFinder, Revealer, Scrubber};

const SSN: &str = "078-05-1120";

struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(common::tool("moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server must start (run scripts/bootstrap)");
    let mut moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(status)) = moto.child.try_wait() {
            panic!("moto_server exited at start-up: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

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

/// Creates a symmetric key in moto; returns its id.
fn create_key(url: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let out = client(url).create_key().send().await.unwrap();
        out.key_metadata().unwrap().key_id().to_owned()
    })
}

fn kms_encrypt(url: &str, key_id: &str, plaintext: &[u8], context: &[(&str, &str)]) -> Vec<u8> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut req = client(url)
            .encrypt()
            .key_id(key_id)
            .plaintext(aws_sdk_kms::primitives::Blob::new(plaintext.to_vec()));
        for (k, v) in context {
            req = req.encryption_context(*k, *v);
        }
        req.send()
            .await
            .unwrap()
            .ciphertext_blob()
            .unwrap()
            .as_ref()
            .to_vec()
    })
}

fn keys_config(key_id: &str) -> KeysConfig {
    let mut raw = phiscrub::config::load::parse_embedded_default().unwrap();
    raw.keys.provider = "aws-kms".into();
    raw.keys.key_id = key_id.into();
    let config = phiscrub::config::validate(raw).unwrap().keys;
    assert_eq!(
        config.provider,
        KeyProviderChoice::AwsKms {
            key_id: key_id.into()
        }
    );
    config
}

fn service(url: &str, config: &KeysConfig) -> Arc<KeyService> {
    let dir = tempfile::tempdir().unwrap();
    let key_id = match &config.provider {
        KeyProviderChoice::AwsKms { key_id } => key_id.clone(),
        KeyProviderChoice::Local => unreachable!(),
    };
    let kms = KmsProvider::with_client(client(url), &key_id).unwrap();
    Arc::new(KeyService::build_with_kms(config, dir.path(), KeyUses::DATA_KEYS, None, kms).unwrap())
}

fn scrubber(keys: Arc<KeyService>) -> Scrubber {
    Scrubber::new(
        Box::new(LiteralFinder::new([(SSN, PhiType::Ssn)]).unwrap()),
        Arc::new(phiscrub::actions::Policy::uniform(ActionName::Encrypt)),
        keys,
    )
}

fn event(text: &str) -> Event {
    Event::new(text.to_owned(), EventMeta::default())
}

#[test]
fn kms_envelope_round_trip_and_wrong_context_is_rejected() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let config = keys_config(&key_id);
    let keys = service(&moto.url, &config);
    let mut s = scrubber(keys.clone());
    let inputs = [
        format!("ERROR ssn={SSN} retry"),
        format!(r#"{{"ssn": "{SSN}", "n": 1}}"#),
    ];
    let mut revealer = Revealer::new(keys.clone());
    for input in &inputs {
        let out = s.scrub(&event(input)).unwrap();
        assert!(memchr::memmem::find(&out.message, SSN.as_bytes()).is_none());
        assert!(memchr::memmem::find(&out.message, b"v1.kms.").is_some());
        let mut back = Vec::new();
        let rep = revealer.reveal_line(&out.message, &mut back);
        assert!(rep.failed.is_empty(), "{:?}", rep.failed);
        assert_eq!(back, input.as_bytes());
    }
    assert_eq!(keys.stats().generate_calls.load(Ordering::Relaxed), 1);

    let mut wrong = config.clone();
    wrong
        .encryption_context
        .insert("app".into(), "somebody-else".into());
    let out = s.scrub(&event(&inputs[0])).unwrap();
    let mut back = Vec::new();
    let rep = Revealer::new(service(&moto.url, &wrong)).reveal_line(&out.message, &mut back);
    assert_eq!(rep.revealed, 0);
    assert_eq!(
        rep.failed,
        ["the data key could not be unwrapped: wrong encryption context, wrong key, or modified"]
    );
    assert_eq!(back, out.message.as_ref());
}

#[test]
fn data_key_cache_respects_max_uses_and_max_bytes() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let mut config = keys_config(&key_id);
    config.cache.max_uses = 100;
    config.cache.refresh_at = 1.0;
    let keys = service(&moto.url, &config);
    let mut s = scrubber(keys.clone());
    for _ in 0..1000 {
        s.scrub(&event(SSN)).unwrap();
    }
    assert_eq!(keys.stats().generate_calls.load(Ordering::Relaxed), 10);

    let mut config = keys_config(&key_id);
    config.cache.max_bytes = (SSN.len() as u64 + 1) * 50; // + the form byte
    config.cache.refresh_at = 1.0;
    let keys = service(&moto.url, &config);
    let mut s = scrubber(keys.clone());
    for _ in 0..500 {
        s.scrub(&event(SSN)).unwrap();
    }
    assert_eq!(keys.stats().generate_calls.load(Ordering::Relaxed), 10);
}

#[test]
fn data_keys_are_refreshed_ahead_of_expiry_without_blocking_workers() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let mut config = keys_config(&key_id);
    config.cache.max_age = Duration::from_secs(2);
    config.cache.refresh_at = 0.5;
    let keys = service(&moto.url, &config);
    let mut s = scrubber(keys.clone());
    let start = Instant::now();
    let mut refs = std::collections::BTreeSet::new();
    while start.elapsed() < Duration::from_millis(4500) {
        let out = s.scrub(&event(SSN)).unwrap();
        let text = String::from_utf8(out.message.to_vec()).unwrap();
        refs.insert(text.split(':').nth(3).unwrap().to_owned());
        std::thread::sleep(Duration::from_millis(10));
    }
    let stats = keys.stats();
    // Only the very first key was fetched while a worker waited; every later key was
    // fetched in the background before its predecessor expired.
    assert_eq!(stats.cache_misses.load(Ordering::Relaxed), 1);
    assert!(stats.refreshes.load(Ordering::Relaxed) >= 2);
    assert!(refs.len() >= 3, "keys rotated: {}", refs.len());
}

#[test]
fn kms_unreachable_fails_closed_and_is_retryable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let keys = service(&url, &keys_config("alias/none"));
    let mut s = scrubber(keys);
    let err = s.scrub(&event(&format!("ssn {SSN}"))).unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.reason(), "key_unavailable");
    assert!(!err.to_string().contains(SSN));
}

#[test]
fn hmac_key_can_be_a_kms_encrypted_blob() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let blob = kms_encrypt(&moto.url, &key_id, &[7u8; 32], &[("app", "phiscrub")]);
    let mut config = keys_config(&key_id);
    config.hmac_key_kms_blob = Some(blob);
    let dir = tempfile::tempdir().unwrap();
    let build = |config: &KeysConfig| {
        let kms = KmsProvider::with_client(client(&moto.url), &key_id).unwrap();
        KeyService::build_with_kms(config, dir.path(), KeyUses::ALL, None, kms)
    };
    let keys = Arc::new(build(&config).unwrap());
    let mut s = Scrubber::new(
        Box::new(LiteralFinder::new([(SSN, PhiType::Ssn)]).unwrap()),
        Arc::new(phiscrub::actions::Policy::uniform(ActionName::Tokenize)),
        keys,
    );
    let a = s.scrub(&event(SSN)).unwrap().message;
    let b = s.scrub(&event(SSN)).unwrap().message;
    assert_eq!(a, b);
    assert!(a.starts_with(b"[SSN:tok_"));
    // Under another context the blob does not decrypt: start-up fails.
    config
        .encryption_context
        .insert("app".into(), "other".into());
    assert!(build(&config).is_err());
}

#[test]
fn reveal_binary_finds_moto_through_aws_endpoint_url() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    // As the example config does: one data key per log group, bound into the context.
    let mut config = keys_config(&key_id);
    config.context_log_group = true;
    let keys = service(&moto.url, &config);
    let mut s = scrubber(keys);
    let input = format!("a {SSN} b\n{{\"x\":\"{SSN}\"}}\n");
    let mut scrubbed = Vec::new();
    for line in input.lines() {
        let meta = EventMeta {
            log_group: Some("/aws/lambda/intake".to_owned()),
            ..EventMeta::default()
        };
        let event = Event::new(line.to_owned(), meta);
        scrubbed.extend_from_slice(&s.scrub(&event).unwrap().message);
        scrubbed.push(b'\n');
    }
    // The shipped example, unchanged: key id from PHISCRUB__KEYS__KEY_ID, endpoint from
    // AWS_ENDPOINT_URL.
    let dir = tempfile::tempdir().unwrap();
    let config_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("config/examples/encrypt-aws-kms.toml");
    let run = |extra_env: &[(&str, &str)]| {
        let mut command = Command::new(common::phiscrub_bin());
        command
            .args(["reveal", "--config"])
            .arg(&config_path)
            .env("PHISCRUB__STATE_DIR", dir.path())
            .env("AWS_ENDPOINT_URL", &moto.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("PHISCRUB__KEYS__KEY_ID", &key_id)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        child.stdin.take().unwrap().write_all(&scrubbed).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(out.stdout, input.as_bytes());
    assert!(
        stderr.contains(&format!("\"key_id\":\"{key_id}\"")),
        "{stderr}"
    );
    assert!(stderr.contains("\"tokens_revealed\":2"), "{stderr}");

    let out = run(&[("PHISCRUB__KEYS__ENCRYPTION_CONTEXT__APP", "intruder")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("wrong encryption context"), "{stderr}");
    assert_eq!(out.stdout, scrubbed);
}

#[test]
fn scrub_and_reveal_binaries_round_trip_against_moto_with_the_example_config() {
    let moto = start_moto();
    let key_id = create_key(&moto.url);
    let dir = tempfile::tempdir().unwrap();
    let config_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("config/examples/encrypt-aws-kms.toml");
    let run = |command: &str, input: &[u8]| {
        let mut child = Command::new(common::phiscrub_bin())
            .args([command, "--config"])
            .arg(&config_path)
            .env("PHISCRUB__STATE_DIR", dir.path())
            .env("PHISCRUB__KEYS__KEY_ID", &key_id)
            .env("AWS_ENDPOINT_URL", &moto.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let input = format!(
        "ERROR eligibility failed patient ssn {SSN} callback (217) 555-0143\n{{\"level\":\"warn\",\"msg\":\"mail jane.canary@example.org\",\"ssn\":\"{SSN}\"}}\nGET /health 200 1ms\n"
    );
    let scrubbed = run("scrub", input.as_bytes());
    assert!(
        scrubbed.status.success(),
        "{}",
        String::from_utf8_lossy(&scrubbed.stderr)
    );
    for value in [SSN, "555-0143", "jane.canary@example.org"] {
        assert!(
            memchr::memmem::find(&scrubbed.stdout, value.as_bytes()).is_none(),
            "{value} survived"
        );
    }
    assert!(memchr::memmem::find(&scrubbed.stdout, b"phiscrub_dk=v1.kms.").is_some());
    let revealed = run("reveal", &scrubbed.stdout);
    assert!(
        revealed.status.success(),
        "{}",
        String::from_utf8_lossy(&revealed.stderr)
    );
    assert_eq!(revealed.stdout, input.as_bytes());
}
