//! A real Prometheus server (Debian's `prometheus`) started on loopback scrapes the real
//! daemon's admin port, sees the records a Firehose request brings, loads our alert rules
//! (and fires the right ones), and answers every Grafana dashboard query: what an
//! operator's monitoring stack will do, end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploy_support;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Daemon, tool};
use serde_json::Value;

/// A Prometheus server, killed on drop.
struct Prometheus {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
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

impl Prometheus {
    /// Starts Prometheus scraping `target` every second, with our alert rules loaded.
    fn start(target: &str) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/prometheus/alerts.yml");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {}\n\
             scrape_configs:\n  - job_name: phiscrub\n    static_configs:\n      - targets: ['{target}']\n",
            rules.display()
        );
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, config).unwrap();
        let port = free_port();
        let child = Command::new(tool("prometheus"))
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    async fn api(&self, path: &str, query: &[(&str, &str)]) -> Option<Value> {
        let url = reqwest::Url::parse_with_params(&format!("{}{path}", self.url), query).unwrap();
        let response = reqwest::get(url).await.ok()?;
        response.json().await.ok()
    }

    /// Runs an instant query, waiting (up to `limit`) until it returns at least one series.
    async fn wait_for(&self, promql: &str, limit: Duration) -> Vec<Value> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(body) = self.api("/api/v1/query", &[("query", promql)]).await {
                assert_ne!(body["status"], "error", "{promql}: {body}");
                if let Some(result) = body["data"]["result"].as_array()
                    && !result.is_empty()
                {
                    return result.clone();
                }
            }
            assert!(
                Instant::now() < deadline,
                "Prometheus returned nothing for {promql} within {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

#[tokio::test]
async fn prometheus_scrapes_the_daemon_and_evaluates_our_rules_and_dashboard() {
    let daemon = Daemon::start("");
    let prometheus = Prometheus::start(&daemon.admin.to_string());

    // The scrape works and carries our build info.
    let up = prometheus
        .wait_for(r#"up{job="phiscrub"} == 1"#, Duration::from_secs(30))
        .await;
    assert_eq!(up.len(), 1);
    let build = prometheus
        .wait_for("phiscrub_build_info", Duration::from_secs(10))
        .await;
    assert_eq!(build[0]["metric"]["version"], env!("CARGO_PKG_VERSION"));
    // The engine label names the engine actually running, one of those compiled in.
    let engine = build[0]["metric"]["engine"].as_str().unwrap();
    assert!(["hyperscan", "portable"].contains(&engine), "{engine}");
    assert_eq!(build[0]["value"][1], "1");

    // The configured Firehose source is there from start-up, so "no traffic" is a 0.
    let received = prometheus
        .wait_for(
            r#"phiscrub_received_records_total{job="phiscrub",source="firehose"}"#,
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(received[0]["value"][1], "0");

    // Prometheus loaded every alert rule and evaluates them without error. On a fresh
    // daemon with no traffic exactly one is under way: "no traffic" turns pending (its
    // `for` is 30 minutes), which it can only do because the source's series exists at 0.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rules = prometheus
            .api("/api/v1/rules", &[("type", "alert")])
            .await
            .unwrap();
        let all = rules["data"]["groups"][0]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let no_traffic_pending = all
            .iter()
            .any(|r| r["name"] == "PhiscrubNoTraffic" && r["state"] == "pending");
        if all.len() == 7 && no_traffic_pending {
            for rule in &all {
                assert_eq!(rule["health"], "ok", "{rule}");
                if rule["name"] != "PhiscrubNoTraffic" {
                    assert_eq!(rule["state"], "inactive", "{rule}");
                }
            }
            break;
        }
        assert!(
            Instant::now() < deadline,
            "rules not loaded, or no-traffic never pending: {rules}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Traffic: Prometheus sees the records, and the undecodable one among them sends the
    // quarantine alert pending (one record in four is far above its 0.1 %).
    deploy_support::send_firehose_traffic(&daemon.ingest_url("/firehose")).await;
    prometheus
        .wait_for(
            &format!(
                r#"phiscrub_received_records_total{{job="phiscrub",source="firehose"}} == {}"#,
                deploy_support::RECORDS
            ),
            Duration::from_secs(15),
        )
        .await;
    let alerts = prometheus
        .wait_for(
            r#"ALERTS{alertname="PhiscrubQuarantineRising",alertstate="pending"}"#,
            Duration::from_secs(15),
        )
        .await;
    assert_eq!(alerts[0]["metric"]["reason"], "decode_failed");
    assert_eq!(alerts[0]["metric"]["severity"], "warning");

    // The exposition after traffic (more families, histogram buckets in use) still passes
    // promtool's lint.
    let (_, body) = common::get(&daemon.admin_url("/metrics")).await;
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
        "promtool check metrics after traffic:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // Every dashboard query is valid for the real server.
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/grafana/phiscrub.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"]
                .as_str()
                .unwrap()
                .replace("$__rate_interval", "1m")
                .replace("$job", "phiscrub")
                .replace("$instance", ".*");
            let body = prometheus
                .api("/api/v1/query", &[("query", &expr)])
                .await
                .unwrap();
            assert_eq!(
                body["status"], "success",
                "{}: {expr}: {body}",
                panel["title"]
            );
        }
    }
    // The canary panel reads 0 from the live daemon.
    let canary = prometheus
        .wait_for(
            r#"max(phiscrub_canary_failed{job=~"phiscrub", instance=~".*"})"#,
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(canary[0]["value"][1], "0");
}
