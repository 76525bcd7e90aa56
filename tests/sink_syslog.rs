//! The `syslog` sink against a real rsyslog over TLS (RFC 5425, octet counting), started
//! by the test on loopback with a CA and certificates generated here (rcgen); and over
//! plain TCP (RFC 6587 octet counting, rsyslog `imtcp` without a stream driver) and UDP
//! (RFC 5426, one message per datagram, rsyslog `imudp`).
//!
//! rsyslog writes each received message with the `%rawmsg%` property, i.e. the bytes of
//! the frame after the octet count, so the test can compare them byte for byte with what
//! the sink formatted. The tests fail (not skip) when rsyslogd or its gtls driver is
//! missing: `scripts/bootstrap` installs `rsyslog` and `rsyslog-gnutls`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod forward_support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use forward_support::*;
use phiscrub::config::validate::{SyslogSinkConfig, SyslogTransport};
use phiscrub::forward::{Forwarder, LogGroupFilter, SinkSpec};
use phiscrub::queue::{DiskQueue, FsyncPolicy, Queue};
use phiscrub::sinks::syslog::SyslogSink;
use phiscrub::telemetry::Metrics;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

struct Pki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
}

fn write_pki(dir: &Path, prefix: &str) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("phiscrub test CA {prefix}"));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let leaf = |names: Vec<String>, usage: ExtendedKeyUsagePurpose, cn: &str| {
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![usage];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = leaf(
        vec!["localhost".into(), "127.0.0.1".into()],
        ExtendedKeyUsagePurpose::ServerAuth,
        "localhost",
    );
    let (client_cert, client_key) = leaf(
        vec!["phiscrub-client".into()],
        ExtendedKeyUsagePurpose::ClientAuth,
        "phiscrub-client",
    );
    let path = |name: &str| dir.join(format!("{prefix}-{name}"));
    let pki = Pki {
        ca: path("ca.pem"),
        server_cert: path("server.pem"),
        server_key: path("server-key.pem"),
        client_cert: path("client.pem"),
        client_key: path("client-key.pem"),
    };
    std::fs::write(&pki.ca, ca.pem()).unwrap();
    std::fs::write(&pki.server_cert, server_cert).unwrap();
    std::fs::write(&pki.server_key, server_key).unwrap();
    std::fs::write(&pki.client_cert, client_cert).unwrap();
    std::fs::write(&pki.client_key, client_key).unwrap();
    pki
}

fn rsyslogd() -> PathBuf {
    ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("rsyslogd is not installed: run scripts/bootstrap (rsyslog, rsyslog-gnutls)")
}

struct Rsyslog {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts rsyslogd with imtcp over gtls; `auth_mode` is `anon` or `x509/certvalid`
/// (the latter requires our client certificate).
fn start_rsyslog(dir: &Path, pki: &Pki, auth_mode: &str) -> Rsyslog {
    let port = free_port();
    let out = dir.join("received.log");
    let work = dir.join("rsyslog-work");
    std::fs::create_dir_all(&work).unwrap();
    let conf = dir.join("rsyslog.conf");
    std::fs::write(
        &conf,
        format!(
            r#"global(
  workDirectory="{work}"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="{ca}"
  defaultNetstreamDriverCertFile="{cert}"
  defaultNetstreamDriverKeyFile="{key}"
  maxMessageSize="64k"
)
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="{auth_mode}")
input(type="imtcp" port="{port}" address="127.0.0.1")
template(name="raw" type="string" string="%rawmsg%\n")
action(type="omfile" file="{out}" template="raw")
"#,
            work = work.display(),
            ca = pki.ca.display(),
            cert = pki.server_cert.display(),
            key = pki.server_key.display(),
            out = out.display(),
        ),
    )
    .unwrap();
    let child = Command::new(rsyslogd())
        .arg("-n")
        .arg("-f")
        .arg(&conf)
        .arg("-i")
        .arg(dir.join("rsyslogd.pid"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("rsyslogd.stderr")).unwrap())
        .spawn()
        .expect("rsyslogd failed to start");
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "rsyslogd did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Rsyslog { child, port, out }
}

/// Starts rsyslogd with plain `imtcp` or `imudp` (no TLS) on loopback.
fn start_rsyslog_plain(dir: &Path, udp: bool) -> Rsyslog {
    let port = if udp {
        std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    } else {
        free_port()
    };
    let out = dir.join("received.log");
    let work = dir.join("rsyslog-work");
    std::fs::create_dir_all(&work).unwrap();
    let conf = dir.join("rsyslog.conf");
    let input = if udp {
        format!(
            "module(load=\"imudp\")\ninput(type=\"imudp\" port=\"{port}\" address=\"127.0.0.1\")"
        )
    } else {
        format!(
            "module(load=\"imtcp\")\ninput(type=\"imtcp\" port=\"{port}\" address=\"127.0.0.1\")"
        )
    };
    std::fs::write(
        &conf,
        format!(
            r#"global(workDirectory="{work}" maxMessageSize="64k")
{input}
template(name="raw" type="string" string="%rawmsg%\n")
if ($rawmsg contains "phiscrub-probe") then {{
  action(type="omfile" file="{probe}" template="raw")
  stop
}}
action(type="omfile" file="{out}" template="raw")
"#,
            work = work.display(),
            probe = dir.join("probe.log").display(),
            out = out.display(),
        ),
    )
    .unwrap();
    let child = Command::new(rsyslogd())
        .arg("-n")
        .arg("-f")
        .arg(&conf)
        .arg("-i")
        .arg(dir.join("rsyslogd.pid"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("rsyslogd.stderr")).unwrap())
        .spawn()
        .expect("rsyslogd failed to start");
    let deadline = Instant::now() + Duration::from_secs(15);
    if udp {
        // UDP has no handshake: probe until a probe datagram shows up in its own file
        // (the config routes probes there and nowhere else).
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        while received(&dir.join("probe.log")).is_empty() {
            assert!(
                Instant::now() < deadline,
                "rsyslogd did not take UDP on {port}"
            );
            probe
                .send_to(b"<134>1 - - - - - - phiscrub-probe", ("127.0.0.1", port))
                .unwrap();
            std::thread::sleep(Duration::from_millis(100));
        }
    } else {
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "rsyslogd did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Rsyslog { child, port, out }
}

fn plain_config(port: u16, transport: SyslogTransport) -> SyslogSinkConfig {
    SyslogSinkConfig {
        host: "127.0.0.1".into(),
        port,
        transport,
        tls_ca_file: None,
        tls_client_cert: None,
        tls_server_name: "localhost".into(),
        facility: 16,
        severity: 6,
        app_name: "phiscrub".into(),
        hostname: Some("test-host".into()),
    }
}

fn sink_config(port: u16, pki: &Pki, client_cert: bool) -> SyslogSinkConfig {
    SyslogSinkConfig {
        host: "127.0.0.1".into(),
        port,
        transport: SyslogTransport::Tls,
        tls_ca_file: Some(pki.ca.clone()),
        tls_client_cert: client_cert.then(|| (pki.client_cert.clone(), pki.client_key.clone())),
        tls_server_name: "localhost".into(),
        facility: 16,
        severity: 6,
        app_name: "phiscrub".into(),
        hostname: Some("test-host".into()),
    }
}

fn received(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

async fn run_delivery(rsyslog: &Rsyslog, config: SyslogSinkConfig, dir: &Path) {
    let sink = Arc::new(SyslogSink::new(&config).unwrap());
    let events: Vec<_> = (0..200)
        .map(|i| {
            let mut e = event(if i % 2 == 0 { "a" } else { "b" }, i);
            if i == 3 {
                // Structured-data escaping and a long message must survive too.
                e.meta.log_group = Some("/odd]\"group\\x".into());
                e.message = format!("long {} end", "y".repeat(4000)).into();
            }
            e
        })
        .collect();
    let expected: Vec<String> = events
        .iter()
        .map(|e| {
            let mut out = Vec::new();
            sink.format(e, &mut out);
            String::from_utf8(out).unwrap()
        })
        .collect();
    let metrics = Metrics::new("portable").unwrap();
    let queue =
        Arc::new(DiskQueue::open(&dir.join("q.redb"), 16 << 20, FsyncPolicy::PerRequest).unwrap());
    let (deliver, handle) = Forwarder::start(
        vec![SinkSpec {
            name: "syslog".into(),
            filter: LogGroupFilter::all(),
            queue,
            sink,
            policy: fast_policy(),
        }],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    for chunk in events.chunks(25) {
        deliver.submit(chunk.to_vec()).await.unwrap();
    }
    assert!(
        wait_until(Duration::from_secs(20), || received(&rsyslog.out).len()
            >= expected.len())
        .await,
        "rsyslog got {} of {}",
        received(&rsyslog.out).len(),
        expected.len()
    );
    assert_eq!(
        received(&rsyslog.out),
        expected,
        "every event arrives exactly as sent, in order"
    );
    assert!(handle.shutdown(Duration::from_secs(5)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_over_tls_receives_every_event_exactly_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "main");
    let rsyslog = start_rsyslog(dir.path(), &pki, "anon");
    run_delivery(&rsyslog, sink_config(rsyslog.port, &pki, false), dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_over_plain_tcp_receives_every_event_exactly_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let rsyslog = start_rsyslog_plain(dir.path(), false);
    run_delivery(
        &rsyslog,
        plain_config(rsyslog.port, SyslogTransport::Tcp),
        dir.path(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_over_udp_receives_every_event_exactly_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let rsyslog = start_rsyslog_plain(dir.path(), true);
    run_delivery(
        &rsyslog,
        plain_config(rsyslog.port, SyslogTransport::Udp),
        dir.path(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_requiring_a_client_certificate_accepts_ours() {
    let dir = tempfile::tempdir().unwrap();
    let pki = write_pki(dir.path(), "mtls");
    let rsyslog = start_rsyslog(dir.path(), &pki, "x509/certvalid");
    run_delivery(&rsyslog, sink_config(rsyslog.port, &pki, true), dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_with_an_untrusted_certificate_gets_nothing_and_events_stay_queued() {
    let dir = tempfile::tempdir().unwrap();
    let server_pki = write_pki(dir.path(), "server");
    let other_pki = write_pki(dir.path(), "other");
    let rsyslog = start_rsyslog(dir.path(), &server_pki, "anon");
    // The sink trusts a different CA: the handshake must fail, nothing may be sent.
    let sink = Arc::new(SyslogSink::new(&sink_config(rsyslog.port, &other_pki, false)).unwrap());
    let queue = Arc::new(
        DiskQueue::open(&dir.path().join("q.redb"), 1 << 20, FsyncPolicy::PerRequest).unwrap(),
    );
    let metrics = Metrics::new("portable").unwrap();
    let (deliver, handle) = Forwarder::start(
        vec![SinkSpec {
            name: "syslog".into(),
            filter: LogGroupFilter::all(),
            queue: queue.clone(),
            sink,
            policy: fast_policy(),
        }],
        &metrics,
        Arc::new(RecordingQuarantine::default()),
    );
    deliver
        .submit((0..5).map(|i| event("a", i)).collect())
        .await
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(5), || {
            metric(
                &metrics.render(),
                "phiscrub_sink_failed_total{kind=\"transient\",sink=\"syslog\"}",
            )
            .is_some_and(|v| v >= 2.0)
        })
        .await
    );
    assert!(received(&rsyslog.out).is_empty());
    assert_eq!(queue.stats().events, 5);
    handle.shutdown(Duration::from_millis(200)).await;
}
