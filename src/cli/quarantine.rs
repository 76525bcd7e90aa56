//! `phiscrub quarantine list|replay`: inspect what was quarantined and why, and send
//! sink-rejected events again once the sink (or its config) is fixed.
//!
//! `list` prints one JSON object per record with its id, time, reason, source and size —
//! never its content. `replay` only replays `sink_rejected` records: those hold events
//! that were already scrubbed. Every other reason means the record was never scrubbed
//! (it failed to decode or scan), so sending it anywhere would forward PHI in the clear;
//! such records are listed as skipped.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE, load_config};
use crate::event::Event;
use crate::quarantine::{QuarantineReason, QuarantineStore};

/// `phiscrub quarantine …`.
#[derive(Debug, Args)]
pub struct QuarantineArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: QuarantineCommand,
}

/// The quarantine subcommands.
#[derive(Debug, Subcommand)]
pub enum QuarantineCommand {
    /// List quarantined records (id, time, reason, source, size; never the content).
    List(ConfigArg),
    /// Send sink-rejected records to a configured sink again; each delivered record is
    /// removed from the quarantine.
    Replay(ReplayArgs),
}

/// `phiscrub quarantine replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Config file.
    #[command(flatten)]
    pub config: ConfigArg,
    /// The configured sink (`[sinks.<name>]`) to send to.
    #[arg(long)]
    pub sink: String,
    /// Only these record ids (repeatable); default: every sink-rejected record.
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
}

/// Runs the command.
pub fn run(args: &QuarantineArgs) -> ExitCode {
    match &args.command {
        QuarantineCommand::List(config) => list(config),
        QuarantineCommand::Replay(replay_args) => replay(replay_args),
    }
}

fn open(config: &crate::config::Config) -> Option<QuarantineStore> {
    match QuarantineStore::from_config(config) {
        Ok(store) => Some(store),
        Err(err) => {
            eprintln!("phiscrub: {err}");
            None
        }
    }
}

fn list(args: &ConfigArg) -> ExitCode {
    let Some(config) = load_config(args) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let Some(store) = open(&config) else {
        return ExitCode::from(EXIT_RUNTIME);
    };
    match store.list() {
        Ok(entries) => {
            for entry in entries {
                if let Ok(line) = serde_json::to_string(&entry) {
                    println!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("phiscrub: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}

fn outcome(id: &str, outcome: &str, detail: &str) {
    println!(
        "{}",
        serde_json::json!({ "id": id, "outcome": outcome, "detail": detail })
    );
}

fn replay(args: &ReplayArgs) -> ExitCode {
    let Some(config) = load_config(&args.config) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let Some(sink_config) = config.sinks.get(&args.sink) else {
        eprintln!("phiscrub: no sink named `{}` in the config", args.sink);
        return ExitCode::from(EXIT_USAGE);
    };
    let Some(store) = open(&config) else {
        return ExitCode::from(EXIT_RUNTIME);
    };
    let runtime = match super::async_runtime(super::RuntimeKind::CurrentThread) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let sink = match crate::sinks::build(&args.sink, sink_config).await {
            Ok(sink) => sink,
            Err(err) => {
                eprintln!("phiscrub: sink {}: {err}", args.sink);
                return ExitCode::from(EXIT_RUNTIME);
            }
        };
        let entries = match store.list() {
            Ok(entries) => entries,
            Err(err) => {
                eprintln!("phiscrub: {err}");
                return ExitCode::from(EXIT_RUNTIME);
            }
        };
        let mut all_ok = true;
        for entry in entries {
            if !args.ids.is_empty() && !args.ids.contains(&entry.id) {
                continue;
            }
            if entry.reason != QuarantineReason::SinkRejected {
                outcome(
                    &entry.id,
                    "skipped",
                    "never scrubbed: replaying it could forward PHI",
                );
                continue;
            }
            let (_, meta, payload) = match store.read(&entry.id) {
                Ok(record) => record,
                Err(err) => {
                    all_ok = false;
                    outcome(&entry.id, "failed", &err.to_string());
                    continue;
                }
            };
            let event = [Event::new(payload, meta)];
            let mut result = Err(crate::sinks::SinkError::transient("not sent"));
            for attempt in 0..3u32 {
                result = sink.send(&event).await;
                match &result {
                    Err(crate::sinks::SinkError::Transient { .. }) => {
                        tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
                    }
                    _ => break,
                }
            }
            match result {
                Ok(o) if o.rejected.is_empty() && o.retry.is_empty() => {
                    match store.remove(&entry.id) {
                        Ok(()) => outcome(&entry.id, "replayed", ""),
                        Err(err) => {
                            all_ok = false;
                            outcome(&entry.id, "replayed_not_removed", &err.to_string());
                        }
                    }
                }
                Ok(_) => {
                    all_ok = false;
                    outcome(&entry.id, "rejected", "the sink rejected it again");
                }
                Err(err) => {
                    all_ok = false;
                    outcome(&entry.id, "failed", &err.to_string());
                }
            }
        }
        if all_ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_RUNTIME)
        }
    })
}
