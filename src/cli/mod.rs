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

use std::path::PathBuf;
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

/// Parses the process arguments, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(lambda_alias(std::env::args_os().collect())) {
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

/// The name AWS Lambda's custom runtimes (`provided.al2023`) execute, without arguments.
const LAMBDA_BOOTSTRAP: &str = "bootstrap";

/// Started as `bootstrap` with no arguments, as the Lambda zip ships the binary, phiscrub
/// runs its `lambda` command; any other invocation is left as it is.
fn lambda_alias(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let invoked_as_bootstrap = args.first().is_some_and(|arg0| {
        std::path::Path::new(arg0).file_name() == Some(LAMBDA_BOOTSTRAP.as_ref())
    });
    if invoked_as_bootstrap && args.len() == 1 {
        args.push("lambda".into());
    }
    args
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

fn serve(args: &ConfigArg) -> ExitCode {
    let Some(config) = load_config(args) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("phiscrub: cannot start the async runtime: {err}");
            return ExitCode::from(EXIT_RUNTIME);
        }
    };
    match runtime.block_on(crate::app::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "phiscrub stopped with an error");
            eprintln!("phiscrub: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}
