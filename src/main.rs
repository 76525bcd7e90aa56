//! The `phiscrub` binary: parses the command line and maps the outcome to an exit code.
//! Everything else lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    phiscrub::cli::main()
}
