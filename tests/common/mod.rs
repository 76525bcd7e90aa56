//! Test harness shared by the integration tests: starts the real `phiscrub` binary on
//! loopback with port 0, learns its bound addresses from its own start-up log line, and
//! stops it cleanly.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::zombie_processes
)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary under test.
pub fn phiscrub_bin() -> &'static str {
    env!("CARGO_BIN_EXE_phiscrub")
}

/// A running daemon. Killed on drop if still running.
pub struct Daemon {
    pub child: Child,
    pub admin: SocketAddr,
    pub ingest: SocketAddr,
    pub state_dir: tempfile::TempDir,
    /// Stderr lines (our JSON logs) after the start-up line.
    pub logs: mpsc::Receiver<String>,
    /// The environment it was started with (reused by `restart`).
    env: Vec<(String, String)>,
}

/// The base config every test layers its own over: port 0 everywhere, a temp state dir.
pub fn base_config(state_dir: &Path) -> String {
    format!(
        r#"state_dir = "{}"
[server]
listen = "127.0.0.1:0"
grace_period_secs = 10
[admin]
listen = "127.0.0.1:0"
[sources.firehose]
access_keys = ["test-access-key"]
"#,
        state_dir.display()
    )
}

impl Daemon {
    /// Starts `phiscrub serve` with the base config plus `extra` TOML.
    pub fn start(extra: &str) -> Daemon {
        Self::start_with_env(extra, &[])
    }

    /// Like `start`, with extra environment variables.
    pub fn start_with_env(extra: &str, env: &[(&str, &str)]) -> Daemon {
        let state_dir = tempfile::tempdir().unwrap();
        let config_path = state_dir.path().join("test-config.toml");
        std::fs::write(
            &config_path,
            format!("{}\n{extra}", base_config(state_dir.path())),
        )
        .unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (child, admin, ingest, logs) = spawn(&config_path, &env);
        Daemon {
            child,
            admin,
            ingest,
            state_dir,
            logs,
            env,
        }
    }

    /// Starts a new process on the same config and state_dir (queues, quarantine, keys)
    /// once the previous one has exited (e.g. after [`Daemon::kill9`]). Ports are new.
    pub fn restart(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_some(),
            "restart needs the previous process to have exited"
        );
        let config_path = self.state_dir.path().join("test-config.toml");
        let (child, admin, ingest, logs) = spawn(&config_path, &self.env);
        self.child = child;
        self.admin = admin;
        self.ingest = ingest;
        self.logs = logs;
    }

    /// SIGKILLs the process (no drain, no flush) and reaps it.
    pub fn kill9(&mut self) -> ExitStatus {
        self.signal("KILL");
        self.wait_exit(Duration::from_secs(10))
            .expect("a SIGKILLed process exits")
    }

    pub fn admin_url(&self, path: &str) -> String {
        format!("http://{}{}", self.admin, path)
    }

    pub fn ingest_url(&self, path: &str) -> String {
        format!("http://{}{}", self.ingest, path)
    }

    pub fn state_path(&self) -> PathBuf {
        self.state_dir.path().to_path_buf()
    }

    /// Sends a signal by name (`TERM`, `INT`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for exit up to `limit`; `None` if still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Spawns `phiscrub serve --config <path>` and waits for its "phiscrub serving" line.
fn spawn(
    config_path: &Path,
    env: &[(String, String)],
) -> (Child, SocketAddr, SocketAddr, mpsc::Receiver<String>) {
    let mut command = Command::new(phiscrub_bin());
    command
        .args(["serve", "--config"])
        .arg(config_path)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(remaining)
            .unwrap_or_else(|_| panic!("daemon did not report its addresses in time"));
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if value["message"] == "phiscrub serving" {
            let admin = value["admin_addr"].as_str().unwrap().parse().unwrap();
            let ingest = value["ingest_addr"].as_str().unwrap().parse().unwrap();
            return (child, admin, ingest, rx);
        }
    }
}

/// A blocking GET returning status and body.
pub async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Path to a tool installed by `scripts/bootstrap`: the venv first, then PATH.
pub fn tool(name: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".tools/venv/bin")
        .join(name);
    if venv.exists() {
        return venv;
    }
    which(name).unwrap_or_else(|| {
        panic!("{name} is not installed: run scripts/bootstrap (tests fail rather than skip)")
    })
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}
