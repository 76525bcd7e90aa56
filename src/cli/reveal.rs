//! `phiscrub reveal`: decrypts the `enc` tokens of scrubbed lines on stdin, for the
//! audited few who hold `kms:Decrypt` on the key.
//!
//! Every token that cannot be decrypted (wrong encryption context, another key,
//! modified) stays as it is and is reported on stderr by line; the run goes on. At the
//! end one audit record goes to stderr: time, principal where known, key id, counts; no
//! plaintext. Exit 0 when every token was revealed, 1 otherwise.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE, load_config};
use crate::keys::{KeyService, KeyUses};
use crate::scrub::Revealer;

/// What a reveal run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RevealSummary {
    /// Lines read.
    pub lines: u64,
    /// Tokens decrypted.
    pub revealed: u64,
    /// Tokens left in place.
    pub failed: u64,
}

/// Reveals every line of `input` to `output`; per-token failures go to `errors`.
pub fn reveal_stream(
    revealer: &mut Revealer,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    errors: &mut dyn Write,
) -> std::io::Result<RevealSummary> {
    let mut summary = RevealSummary::default();
    let mut line = Vec::new();
    let mut out = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        summary.lines += 1;
        let newline = line.last() == Some(&b'\n');
        if newline {
            line.pop();
        }
        out.clear();
        let report = revealer.reveal_line(&line, &mut out);
        summary.revealed += report.revealed as u64;
        summary.failed += report.failed.len() as u64;
        for problem in &report.failed {
            writeln!(
                errors,
                "phiscrub: line {}: token not revealed: {problem}",
                summary.lines
            )?;
        }
        output.write_all(&out)?;
        if newline {
            output.write_all(b"\n")?;
        }
        zeroize::Zeroize::zeroize(&mut out);
    }
    output.flush()?;
    Ok(summary)
}

/// The audit record for a run, one JSON object (no plaintext, no tokens).
pub fn audit_record(keys: &KeyService, summary: &RevealSummary, data_keys: usize) -> String {
    let principal = std::env::var("PHISCRUB_REVEAL_PRINCIPAL")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .ok();
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    serde_json::json!({
        "audit": "phiscrub.reveal",
        "time_ms": time,
        "principal": principal,
        "aws_profile": std::env::var("AWS_PROFILE").ok(),
        "key_id": keys.wrapping_key_id(),
        "data_keys": data_keys,
        "lines": summary.lines,
        "tokens_revealed": summary.revealed,
        "tokens_failed": summary.failed,
    })
    .to_string()
}

/// Runs the command.
pub fn run(args: &ConfigArg) -> ExitCode {
    let Some(config) = load_config(args) else {
        return ExitCode::from(EXIT_USAGE);
    };
    crate::telemetry::logging::init(&config.log.level, config.log.json);
    let keys = match KeyService::build(&config.keys, &config.state_dir, KeyUses::DATA_KEYS, None) {
        Ok(keys) => Arc::new(keys),
        Err(err) => {
            eprintln!("phiscrub: keys: {err}");
            return ExitCode::from(EXIT_RUNTIME);
        }
    };
    let mut revealer = Revealer::new(keys.clone());
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut output = std::io::BufWriter::new(stdout.lock());
    let mut errors = std::io::stderr();
    let result = reveal_stream(&mut revealer, &mut stdin.lock(), &mut output, &mut errors);
    match result {
        Ok(summary) => {
            eprintln!(
                "{}",
                audit_record(&keys, &summary, revealer.data_keys_used())
            );
            if summary.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_RUNTIME)
            }
        }
        Err(err) => {
            eprintln!("phiscrub: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}
