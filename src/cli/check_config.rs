//! `phiscrub check-config`: validate every layer and print the effective config as TOML,
//! with every secret shown as `<redacted>`.

use std::process::ExitCode;

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE, load_config};

/// Runs the command.
pub fn run(args: &ConfigArg) -> ExitCode {
    let Some(config) = load_config(args) else {
        return ExitCode::from(EXIT_USAGE);
    };
    match toml::to_string_pretty(&config.raw) {
        Ok(text) => {
            println!("# phiscrub effective config (valid); secrets are shown as <redacted>");
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("phiscrub: cannot print the config: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}
