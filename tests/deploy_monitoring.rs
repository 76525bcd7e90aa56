//! The monitoring we ship (deploy/prometheus/alerts.yml, its promtool unit tests, and the
//! Grafana dashboard deploy/grafana/phiscrub.json) checked with the real tools and against
//! the real daemon: rules pass `promtool check rules` and `promtool test rules`, every
//! dashboard query parses as PromQL, and every metric name either file uses is one the
//! daemon really exports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploy_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Daemon, get, tool};
use prometheus::core::Collector;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(command: &mut Command) -> Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every `phiscrub_*` metric name in `text`, histogram series names folded into their
/// family (`x_bucket`, `x_sum`, `x_count` → `x` where `x` is a histogram).
fn metric_names(text: &str, histograms: &BTreeSet<String>) -> BTreeSet<String> {
    let re = regex::Regex::new(r"phiscrub_[a-z0-9_]+").unwrap();
    re.find_iter(text)
        .map(|m| family(m.as_str(), histograms))
        .collect()
}

fn family(name: &str, histograms: &BTreeSet<String>) -> String {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && histograms.contains(base)
        {
            return base.to_owned();
        }
    }
    name.to_owned()
}

/// The families a registry built by the daemon's own code defines, whether or not a
/// series exists yet (labelled families appear in /metrics on first use). Each public
/// handle of `Metrics` is listed; a renamed or removed one fails to compile here.
fn registered_families() -> (BTreeSet<String>, BTreeSet<String>) {
    let m = phiscrub::telemetry::Metrics::new("test").unwrap();
    let collectors: Vec<&dyn Collector> = vec![
        &m.received_records,
        &m.received_bytes,
        &m.requests,
        &m.decode_failures,
        &m.findings,
        &m.actions,
        &m.quarantined_records,
        &m.dropped_records,
        &m.sink_sent,
        &m.sink_failed,
        &m.sink_retried,
        &m.queue_depth,
        &m.queue_bytes,
        &m.queue_oldest_age,
        &m.scan_duration,
        &m.scan_seconds_per_megabyte,
        &m.request_duration,
        &m.kms_calls,
        &m.data_key_cache,
        &m.canary_failed,
        &m.build_info,
    ];
    let mut families = BTreeSet::new();
    let mut histograms = BTreeSet::new();
    for collector in collectors {
        // A vector's family carries its name and type even before its first series.
        for family in collector.collect() {
            let name = format!("phiscrub_{}", family.name());
            if family.get_field_type() == prometheus::proto::MetricType::HISTOGRAM {
                histograms.insert(name.clone());
            }
            families.insert(name);
        }
    }
    (families, histograms)
}

/// Family names present in a scrape (from its `# TYPE` lines), with their types.
fn scraped_families(body: &str) -> Vec<(String, String)> {
    body.lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            (
                parts.next().unwrap().to_owned(),
                parts.next().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The dashboard's query expressions with Grafana's variables given concrete values.
fn dashboard_queries() -> Vec<(String, String)> {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/phiscrub.json")).unwrap();
    let mut queries = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().unwrap();
            let concrete = expr
                .replace("$__rate_interval", "5m")
                .replace("$job", ".*")
                .replace("$instance", ".*");
            queries.push((panel["title"].as_str().unwrap().to_owned(), concrete));
        }
    }
    queries
}

#[test]
fn alert_rules_pass_promtool_check_rules() {
    let out = run(Command::new(tool("promtool"))
        .args(["check", "rules"])
        .arg(repo("deploy/prometheus/alerts.yml")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("SUCCESS: 7 rules found"), "{stdout}");
}

#[test]
fn alert_rules_pass_their_promtool_unit_tests() {
    let out = run(Command::new(tool("promtool"))
        .args(["test", "rules", "alerts_test.yml"])
        .current_dir(repo("deploy/prometheus")));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SUCCESS"));
}

#[test]
fn every_alert_rule_is_unit_tested_firing_and_silent() {
    let rules = read("deploy/prometheus/alerts.yml");
    let tests = read("deploy/prometheus/alerts_test.yml");
    let alert = regex::Regex::new(r"(?m)^\s*- alert: (\w+)").unwrap();
    let names: Vec<&str> = alert
        .captures_iter(&rules)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in names {
        let firing = format!("alertname: {name}\n        exp_alerts:\n          - exp_labels:");
        let silent = format!("alertname: {name}\n        exp_alerts: []");
        assert!(tests.contains(&firing), "{name} has no test where it fires");
        assert!(
            tests.contains(&silent),
            "{name} has no test where it stays silent"
        );
    }
}

#[test]
fn grafana_dashboard_is_well_formed() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/phiscrub.json")).unwrap();
    assert_eq!(dashboard["uid"], "phiscrub");
    let variables: Vec<&str> = dashboard["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(variables, ["datasource", "job", "instance"]);

    let mut ids = BTreeSet::new();
    let mut cells = BTreeSet::new();
    let mut titles = BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        let id = panel["id"].as_u64().unwrap();
        assert!(ids.insert(id), "duplicate panel id {id}");
        let grid = &panel["gridPos"];
        let (x, y, w, h) = (
            grid["x"].as_u64().unwrap(),
            grid["y"].as_u64().unwrap(),
            grid["w"].as_u64().unwrap(),
            grid["h"].as_u64().unwrap(),
        );
        assert!(x + w <= 24, "panel {id} is wider than the grid");
        for cx in x..x + w {
            for cy in y..y + h {
                assert!(cells.insert((cx, cy)), "panel {id} overlaps another panel");
            }
        }
        if panel["type"] == "row" {
            continue;
        }
        assert!(titles.insert(panel["title"].as_str().unwrap().to_owned()));
        assert_eq!(panel["datasource"]["uid"], "${datasource}");
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "panel {id} has no query");
        for target in targets {
            let expr = target["expr"].as_str().unwrap();
            assert!(
                expr.contains(r#"job=~"$job", instance=~"$instance""#),
                "panel {id} ignores the job/instance selectors: {expr}"
            );
        }
    }
    // What the operations issue asks the dashboard to show.
    for wanted in [
        "Records in by source",
        "Events out by sink",
        "Findings by PHI type",
        "Quarantined by reason",
        "Dropped by reason",
        "Sink failures by sink and kind",
        "Queue depth by sink",
        "Oldest queued event by sink",
        "Request latency p50 / p99 by source",
        "KMS errors by operation",
    ] {
        assert!(titles.contains(wanted), "no panel {wanted:?}");
    }
}

#[test]
fn grafana_queries_parse_as_promql() {
    // promtool has no bare query parser; recording rules are parsed with the real PromQL
    // parser by `promtool check rules`, so each query becomes one.
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    let queries = dashboard_queries();
    for (i, (_, expr)) in queries.iter().enumerate() {
        rules.push_str(&format!(
            "      - record: dashboard:query_{i}\n        expr: {}\n",
            serde_json::to_string(expr).unwrap()
        ));
    }
    let path = dir.path().join("dashboard_rules.yml");
    std::fs::write(&path, rules).unwrap();
    let out = run(Command::new(tool("promtool"))
        .args(["check", "rules"])
        .arg(&path));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("SUCCESS: {} rules found", queries.len())),
        "{stdout}"
    );
}

#[tokio::test]
async fn dashboard_and_alerts_use_only_metrics_the_daemon_exports() {
    let (registered, histograms) = registered_families();
    let daemon = Daemon::start("");
    let (status, body) = get(&daemon.admin_url("/metrics")).await;
    assert_eq!(status, 200);
    let live = scraped_families(&body);
    let live_names: BTreeSet<String> = live.iter().map(|(name, _)| name.clone()).collect();
    // The live registry is the one the library defines.
    for name in &live_names {
        assert!(
            registered.contains(name),
            "{name} is exported but not defined"
        );
    }
    let live_histograms: BTreeSet<String> = live
        .iter()
        .filter(|(_, kind)| kind == "histogram")
        .map(|(name, _)| name.clone())
        .collect();
    assert!(
        live_histograms.is_subset(&histograms),
        "{live_histograms:?}"
    );

    let dashboard = read("deploy/grafana/phiscrub.json");
    let alerts = read("deploy/prometheus/alerts.yml");
    let used: BTreeSet<String> = metric_names(&dashboard, &histograms)
        .union(&metric_names(&alerts, &histograms))
        .cloned()
        .collect();
    for name in &used {
        assert!(
            registered.contains(name),
            "{name} is used by the dashboard or alerts but the daemon defines no such metric"
        );
    }

    // The alerts compare rates with 0 and gauges with thresholds, so every series they read
    // must exist from start-up (the configured source and sink, every quarantine reason),
    // not only after the first event. KMS call series appear with the first KMS call, and
    // the KMS alert only needs them then.
    let first_use_only = ["phiscrub_kms_calls_total"];
    for name in metric_names(&alerts, &histograms) {
        if first_use_only.contains(&name.as_str()) {
            continue;
        }
        assert!(
            live_names.contains(&name),
            "{name} is read by an alert but a fresh daemon does not export it:\n{body}"
        );
    }
    for series in [
        "phiscrub_received_records_total{source=\"firehose\"} 0",
        "phiscrub_queue_depth_events{sink=\"out\"} 0",
        "phiscrub_queue_oldest_event_age_seconds{sink=\"out\"} 0",
        "phiscrub_quarantined_records_total{reason=\"decode_failed\"} 0",
        "phiscrub_canary_failed 0",
    ] {
        assert!(body.contains(series), "{series} missing:\n{body}");
    }

    // After real traffic, every family the dashboard reads is exported, but for those that
    // need something this daemon does not have.
    deploy_support::send_firehose_traffic(&daemon.ingest_url("/firehose")).await;
    let (_, body) = get(&daemon.admin_url("/metrics")).await;
    let live_names: BTreeSet<String> = scraped_families(&body)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let not_exported_here = [
        // Only with keys.provider = "aws-kms" and the encrypt action.
        "phiscrub_kms_calls_total",
        "phiscrub_data_key_cache_lookups_total",
        // Not yet counted: the interim pipeline that `serve` builds (app.rs build_pipeline)
        // does not record findings and actions. Take these two off this list once it does.
        "phiscrub_findings_total",
        "phiscrub_actions_total",
    ];
    for name in metric_names(&dashboard, &histograms) {
        if not_exported_here.contains(&name.as_str()) {
            continue;
        }
        assert!(
            live_names.contains(&name),
            "the dashboard reads {name}, but the daemon does not export it after traffic:\n{body}"
        );
    }
    let received = format!(
        "phiscrub_received_records_total{{source=\"firehose\"}} {}",
        deploy_support::RECORDS
    );
    for series in [
        received.as_str(),
        "phiscrub_requests_total{outcome=\"ok\",source=\"firehose\"} 1",
        "phiscrub_request_duration_seconds_count{source=\"firehose\"} 1",
    ] {
        assert!(body.contains(series), "{series} missing:\n{body}");
    }
}

#[test]
fn every_alert_links_a_runbook_section_that_exists() {
    let rules = read("deploy/prometheus/alerts.yml");
    let docs = read("docs/operations.md");
    // GitHub's heading anchors: lower case, spaces to dashes.
    let anchors: BTreeSet<String> = docs
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .map(|heading| heading.trim().to_lowercase().replace(' ', "-"))
        .collect();
    let runbook = regex::Regex::new(r"runbook: docs/operations\.md#([a-z-]+)").unwrap();
    let linked: Vec<&str> = runbook
        .captures_iter(&rules)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(linked.len(), 7, "every rule links a runbook");
    for anchor in linked {
        assert!(
            anchors.contains(anchor),
            "docs/operations.md has no section #{anchor}"
        );
    }
}
