//! The command line: parses arguments with clap, runs the chosen command, and maps every
//! outcome to the documented exit codes (0 ok, 64 bad usage or invalid config, 1 runtime
//! failure).

mod check_config;
mod lambda;
mod quarantine;
pub mod reveal;
mod rules;
mod scan;
pub mod scrub;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Exit code for bad usage or an invalid config (BSD `EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;
/// Exit code for a failure at run time.
pub const EXIT_RUNTIME: u8 = 1;

#[cfg(feature = "hyperscan")]
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PHISCRUB_GIT_COMMIT"),
    "; engines: hyperscan, portable)"
);
#[cfg(not(feature = "hyperscan"))]
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("PHISCRUB_GIT_COMMIT"),
    "; engines: portable)"
);

/// Keeps protected health information out of log streams.
#[derive(Debug, Parser)]
#[command(name = "phiscrub", version = LONG_VERSION, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The `--config` option every command shares.
#[derive(Debug, Clone, Args)]
pub struct ConfigArg {
    /// Config file (TOML, YAML or JSON) layered over the embedded default.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// phiscrub's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: sources, pipeline, sinks and the admin port.
    Serve(ConfigArg),
    /// Validate the config and print the effective config with secrets elided.
    CheckConfig(ConfigArg),
    /// Lambda custom runtime for the Firehose transformation (reads AWS_LAMBDA_RUNTIME_API).
    Lambda(ConfigArg),
    /// Detection only: findings on stdin's lines as JSON lines.
    Scan(scan::ScanArgs),
    /// List the detection rules (id, type, description, example).
    Rules(rules::RulesArgs),
    /// Scrub standard input to standard output with the configured policy.
    Scrub(scrub::ScrubArgs),
    /// Decrypt the enc tokens of scrubbed lines on stdin (needs kms:Decrypt); audited.
    Reveal(ConfigArg),
    /// Inspect quarantined records, or replay sink-rejected ones after a fix.
    Quarantine(quarantine::QuarantineArgs),
}

/// The file name the Lambda `provided.al2023` runtime executes.
const LAMBDA_BOOTSTRAP: &str = "bootstrap";

/// The arguments with `lambda` filled in where the process is evidently the Lambda
/// runtime: started as `bootstrap` (how the deployment zip names the binary) with no
/// subcommand, or started with no arguments at all while `AWS_LAMBDA_RUNTIME_API` is set.
/// Lambda runs `bootstrap` without arguments, so without this the function would print
/// the help and fail its init.
pub fn with_implied_command(mut args: Vec<OsString>, runtime_api_set: bool) -> Vec<OsString> {
    let as_bootstrap = args
        .first()
        .and_then(|argv0| Path::new(argv0).file_name())
        .is_some_and(|name| name == LAMBDA_BOOTSTRAP);
    let first = args.get(1).and_then(|a| a.to_str());
    let no_subcommand = match first {
        None => true,
        Some("-h" | "--help" | "-V" | "--version") => false,
        Some(option) => option.starts_with('-'),
    };
    if (as_bootstrap && no_subcommand) || (args.len() == 1 && runtime_api_set) {
        args.insert(1, OsString::from("lambda"));
    }
    args
}

/// Parses the process arguments, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    let args = with_implied_command(
        std::env::args_os().collect(),
        std::env::var_os(crate::sources::lambda::RUNTIME_API_ENV).is_some(),
    );
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_USAGE } else { 0 };
            // Printing the clap message is the whole point here (help, version or usage).
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    run(cli)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => serve(&args),
        Command::CheckConfig(args) => check_config::run(&args),
        Command::Lambda(args) => lambda::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Scrub(args) => scrub::run(&args),
        Command::Reveal(args) => reveal::run(&args),
        Command::Quarantine(args) => quarantine::run(&args),
    }
}

/// Loads the config or prints why not; `None` means "exit 64".
fn load_config(args: &ConfigArg) -> Option<crate::config::Config> {
    match crate::config::load(args.config.as_deref()) {
        Ok(config) => Some(config),
        Err(err) => {
            eprintln!("phiscrub: {err}");
            None
        }
    }
}

/// Which Tokio runtime a command needs.
#[derive(Debug, Clone, Copy)]
pub enum RuntimeKind {
    /// Worker threads (daemons).
    MultiThread,
    /// The calling thread only (one-shot commands).
    CurrentThread,
}

/// Builds a Tokio runtime for a command, or the exit code after telling the user why not.
pub fn async_runtime(kind: RuntimeKind) -> Result<tokio::runtime::Runtime, ExitCode> {
    let mut builder = match kind {
        RuntimeKind::MultiThread => tokio::runtime::Builder::new_multi_thread(),
        RuntimeKind::CurrentThread => tokio::runtime::Builder::new_current_thread(),
    };
    builder.enable_all().build().map_err(|err| {
        eprintln!("phiscrub: cannot start the async runtime: {err}");
        ExitCode::from(EXIT_RUNTIME)
    })
}

fn serve(args: &ConfigArg) -> ExitCode {
    let Some(config) = load_config(args) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let runtime = match async_runtime(RuntimeKind::MultiThread) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let served = runtime.block_on(crate::app::serve(config));
    // `serve` returned after draining everything. What can still run is a blocking read
    // of stdin that never ends while the writer keeps the pipe open; dropping the runtime
    // would wait for it forever, so give blocking threads a moment and exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "phiscrub stopped with an error");
            eprintln!("phiscrub: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn implied(args: &[&str], runtime_api_set: bool) -> Vec<String> {
        with_implied_command(args.iter().map(OsString::from).collect(), runtime_api_set)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn bootstrap_without_a_subcommand_runs_lambda() {
        assert_eq!(
            implied(&["/var/task/bootstrap"], false),
            ["/var/task/bootstrap", "lambda"]
        );
        assert_eq!(
            implied(&["bootstrap", "--config", "c.toml"], false),
            ["bootstrap", "lambda", "--config", "c.toml"]
        );
    }

    #[test]
    fn bootstrap_with_a_subcommand_or_help_is_left_alone() {
        assert_eq!(
            implied(&["bootstrap", "check-config"], true),
            ["bootstrap", "check-config"]
        );
        assert_eq!(
            implied(&["bootstrap", "--help"], false),
            ["bootstrap", "--help"]
        );
        assert_eq!(implied(&["bootstrap", "-V"], false), ["bootstrap", "-V"]);
    }

    #[test]
    fn no_arguments_under_the_runtime_api_runs_lambda() {
        assert_eq!(implied(&["phiscrub"], true), ["phiscrub", "lambda"]);
        assert_eq!(implied(&["phiscrub"], false), ["phiscrub"]);
        assert_eq!(
            implied(&["phiscrub", "--config", "c"], true),
            ["phiscrub", "--config", "c"]
        );
        assert_eq!(
            implied(&["/usr/bin/phiscrub-bootstrap"], false),
            ["/usr/bin/phiscrub-bootstrap"]
        );
    }
}
