//! TLS on the ingest listener: Firehose delivers only to HTTPS endpoints, so a daemon
//! reached without an ALB terminates TLS itself. Tested with a self-signed certificate
//! generated here (rcgen) and a client that trusts only that certificate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "sources_support/mod.rs"]
mod sources_support;

use std::process::Command;

use common::Daemon;

fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let cert_path = dir.join("ingest.crt");
    let key_path = dir.join("ingest.key");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    (cert_path, key_path, cert.pem())
}

#[tokio::test]
async fn firehose_over_tls_is_acknowledged_and_plain_http_is_refused() {
    let pki = tempfile::tempdir().unwrap();
    let (cert, key, cert_pem) = self_signed(pki.path());
    let daemon = Daemon::start(&format!(
        "[server.tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\n",
        cert.display(),
        key.display()
    ));
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let body = sources_support::firehose_body("tls-1", &[b"synthetic tls line".to_vec()]);
    let url = format!("https://localhost:{}/firehose", daemon.ingest.port());
    let response = client
        .post(&url)
        .header("X-Amz-Firehose-Request-Id", "tls-1")
        .header("X-Amz-Firehose-Access-Key", sources_support::KEY)
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["requestId"], "tls-1");

    // The same port does not speak plain HTTP.
    let plain = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/firehose",
            daemon.ingest.port()
        ))
        .body(body)
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

#[test]
fn a_missing_certificate_stops_start_up_naming_the_key() {
    let state = tempfile::tempdir().unwrap();
    let config = state.path().join("tls.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[server.tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\n",
            common::base_config(state.path()),
            state.path().join("absent.crt").display(),
            state.path().join("absent.key").display()
        ),
    )
    .unwrap();
    let out = Command::new(common::phiscrub_bin())
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("server.tls.cert_file"), "{stderr}");
    assert!(!stderr.contains("phiscrub serving"), "{stderr}");
}
