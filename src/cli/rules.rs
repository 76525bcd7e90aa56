//! `phiscrub rules`: the rule catalog (built-in plus config rules) as a table or JSON.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use super::{ConfigArg, EXIT_RUNTIME};

/// Arguments of `phiscrub rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Config file (its custom rules and disabled rules apply).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON (one array of {id, type, description, example, source}).
    #[arg(long)]
    pub json: bool,
}

/// Runs `phiscrub rules`.
pub fn run(args: &RulesArgs) -> ExitCode {
    let det = match super::scan::build_detector(
        &args.config,
        Some(crate::detect::EngineChoice::Portable),
    ) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let rules = det.rules();
    let mut out = std::io::stdout().lock();
    let result = if args.json {
        serde_json::to_writer_pretty(&mut out, &rules)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        let w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
        let t = rules
            .iter()
            .map(|r| r.phi_type.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut res = writeln!(out, "{:w$}  {:t$}  DESCRIPTION  (example)", "ID", "TYPE");
        for r in &rules {
            if res.is_ok() {
                res = writeln!(
                    out,
                    "{:w$}  {:t$}  {}  (e.g. {})",
                    r.id, r.phi_type, r.description, r.example
                );
            }
        }
        res
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `phiscrub rules | head` closing the pipe early is not a failure.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("phiscrub: rules: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}
