//! `phiscrub scan`: detection only. Reads log lines on stdin (streamed, any bytes), writes
//! one JSON object per finding: `{"line":N,"start":B,"end":B,"type":"SSN","rule":"id"}`
//! (0-based line, byte offsets in the raw line). The format is a contract with evaluation
//! tools. A trailing `\r` is not scanned; offsets stay relative to the raw line start.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE};
use crate::detect::{Detector, EngineChoice};

/// Arguments of `phiscrub scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Config file.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Engine: auto, hyperscan or portable (overrides `detect.engine`).
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<EngineChoice>,
}

/// Builds the detector from the config (+ the `--engine` override); `Err` is exit 64.
pub fn build_detector(
    config: &ConfigArg,
    engine: Option<EngineChoice>,
) -> Result<Arc<Detector>, ExitCode> {
    let Some(config) = super::load_config(config) else {
        return Err(ExitCode::from(EXIT_USAGE));
    };
    let mut detect = config.detect;
    if let Some(engine) = engine {
        detect.engine = engine;
    }
    match Detector::build(&detect) {
        Ok(d) => {
            eprintln!(
                "phiscrub: detection engine {} ({} rules)",
                d.engine_name(),
                d.rule_count()
            );
            Ok(Arc::new(d))
        }
        Err(err) => {
            eprintln!("phiscrub: detect: {err}");
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// Runs `phiscrub scan`.
pub fn run(args: &ScanArgs) -> ExitCode {
    let det = match build_detector(&args.config, args.engine) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match scan_stream(
        &det,
        stdin.lock(),
        BufWriter::with_capacity(1 << 16, stdout.lock()),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("phiscrub: scan: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}

/// Scans every line of `input`, writing findings to `output`.
pub fn scan_stream(
    det: &Arc<Detector>,
    mut input: impl BufRead,
    mut output: impl Write,
) -> anyhow::Result<()> {
    let mut scanner = det.scanner();
    let mut line = Vec::with_capacity(4096);
    let mut findings = Vec::new();
    let mut n: u64 = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let mut body: &[u8] = &line;
        if let Some(b) = body.strip_suffix(b"\n") {
            body = b;
        }
        if let Some(b) = body.strip_suffix(b"\r") {
            body = b;
        }
        scanner
            .scan_line(body, &mut findings)
            .map_err(|e| anyhow::anyhow!("line {n}: {e}"))?;
        for f in &findings {
            writeln!(
                output,
                "{{\"line\":{n},\"start\":{},\"end\":{},\"type\":\"{}\",\"rule\":{}}}",
                f.start,
                f.end,
                f.phi_type.as_str(),
                serde_json::to_string(det.rule_id(f.rule))?
            )?;
        }
        n += 1;
    }
    output.flush()?;
    Ok(())
}
