//! `phiscrub scrub`: standard input to standard output with the same policy as `serve`.
//!
//! Input formats plug in through [`EventReader`]: each turns bytes from stdin into
//! events and says how their messages are read (`text`, `ndjson`, `auto`). The ingest
//! formats (`cloudwatch`, `firehose`) add a reader each. A record that cannot be scrubbed
//! is never written: it is reported on stderr by line number and reason (no content) and
//! the command exits 1.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE, load_config};
use crate::actions::Policy;
use crate::config::Config;
use crate::detect::EngineChoice;
use crate::event::{Event, EventMeta};
use crate::keys::{KeyService, KeyUses};
use crate::scrub::{FindPhi, MessageKind, Scrubber};

/// Arguments of `phiscrub scrub`.
#[derive(Debug, Clone, Args)]
pub struct ScrubArgs {
    /// Config file.
    #[command(flatten)]
    pub config: ConfigArg,
    /// How stdin is framed and read.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub format: InputFormat,
    /// Detection engine (overrides detect.engine): auto, hyperscan or portable.
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<EngineChoice>,
}

/// Input formats of `phiscrub scrub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// One event per line; JSON where a line is a JSON document, else text.
    Auto,
    /// One text event per line.
    Text,
    /// One JSON document per line; other lines are errors.
    Ndjson,
}

/// Why a reader could not produce the next event.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Reading stdin failed.
    #[error("reading input: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not in the format (names the position, never the content).
    #[error("{0}")]
    Format(String),
}

/// One event read from the input, and how to frame its output.
#[derive(Debug)]
pub struct ReadEvent {
    /// The event.
    pub event: Event,
    /// Whether the input record ended with a newline (written back after the output).
    pub newline: bool,
}

/// Turns input bytes into events; one implementation per `--format`.
pub trait EventReader {
    /// How the scrubber reads this format's messages.
    fn message_kind(&self) -> MessageKind;
    /// The next event, or `None` at the end of input.
    fn next_event(&mut self, input: &mut dyn BufRead) -> Result<Option<ReadEvent>, ReadError>;
}

/// Newline-delimited events (`auto`, `text`, `ndjson`).
#[derive(Debug)]
pub struct LineReader {
    kind: MessageKind,
    buf: Vec<u8>,
}

impl LineReader {
    /// A reader of lines scrubbed as `kind`.
    pub fn new(kind: MessageKind) -> Self {
        Self {
            kind,
            buf: Vec::new(),
        }
    }
}

impl EventReader for LineReader {
    fn message_kind(&self) -> MessageKind {
        self.kind
    }

    fn next_event(&mut self, input: &mut dyn BufRead) -> Result<Option<ReadEvent>, ReadError> {
        self.buf.clear();
        if input.read_until(b'\n', &mut self.buf)? == 0 {
            return Ok(None);
        }
        let newline = self.buf.last() == Some(&b'\n');
        if newline {
            self.buf.pop();
        }
        Ok(Some(ReadEvent {
            event: Event::new(
                bytes::Bytes::copy_from_slice(&self.buf),
                EventMeta {
                    source: "stdin".to_owned(),
                    ..EventMeta::default()
                },
            ),
            newline,
        }))
    }
}

impl InputFormat {
    /// The reader for this format.
    pub fn reader(self) -> Box<dyn EventReader> {
        match self {
            InputFormat::Auto => Box::new(LineReader::new(MessageKind::Auto)),
            InputFormat::Text => Box::new(LineReader::new(MessageKind::Text)),
            InputFormat::Ndjson => Box::new(LineReader::new(MessageKind::Json)),
        }
    }
}

/// What a scrub run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScrubSummary {
    /// Events read.
    pub events: u64,
    /// Findings in them.
    pub findings: u64,
    /// Events withheld because they could not be scrubbed.
    pub failed: u64,
}

/// Scrubs every event `reader` yields from `input` to `output`; failures go to `errors`
/// (event number and reason only).
pub fn scrub_stream(
    scrubber: &mut Scrubber,
    reader: &mut dyn EventReader,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<ScrubSummary, ReadError> {
    let mut summary = ScrubSummary::default();
    let kind = reader.message_kind();
    while let Some(read) = reader.next_event(input)? {
        summary.events += 1;
        match scrubber.scrub_as(&read.event, kind) {
            Ok(scrubbed) => {
                summary.findings += u64::from(scrubbed.findings.total());
                output.write_all(&scrubbed.message)?;
                if read.newline {
                    output.write_all(b"\n")?;
                }
            }
            Err(err) => {
                summary.failed += 1;
                writeln!(
                    errors,
                    "phiscrub: event {} withheld ({}): {err}",
                    summary.events,
                    err.reason()
                )?;
            }
        }
    }
    output.flush()?;
    Ok(summary)
}

/// Builds the scrubber's shared parts from config: policy and keys.
pub fn build_policy_and_keys(config: &Config) -> Result<(Arc<Policy>, Arc<KeyService>), String> {
    let policy = Arc::new(Policy::from_config(&config.actions));
    let keys = KeyService::build(
        &config.keys,
        &config.state_dir,
        KeyUses::for_policy(&policy),
        None,
    )
    .map_err(|e| e.to_string())?;
    Ok((policy, Arc::new(keys)))
}

/// Builds this binary's detector for `config`, as a [`FindPhi`].
pub fn build_finder(
    config: &Config,
    engine: Option<EngineChoice>,
) -> Result<Box<dyn FindPhi>, String> {
    crate::scrub::detector::build_finder(config, engine)
}

/// Runs the command.
pub fn run(args: &ScrubArgs) -> ExitCode {
    let Some(config) = load_config(&args.config) else {
        return ExitCode::from(EXIT_USAGE);
    };
    crate::telemetry::logging::init(&config.log.level, config.log.json);
    let (policy, keys) = match build_policy_and_keys(&config) {
        Ok(parts) => parts,
        Err(err) => {
            eprintln!("phiscrub: keys: {err}");
            return ExitCode::from(EXIT_RUNTIME);
        }
    };
    let finder = match build_finder(&config, args.engine) {
        Ok(finder) => finder,
        Err(err) => {
            eprintln!("phiscrub: detect: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut scrubber = Scrubber::new(finder, policy, keys);
    let mut reader = args.format.reader();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut output = std::io::BufWriter::new(stdout.lock());
    let mut errors = std::io::stderr();
    match scrub_stream(
        &mut scrubber,
        reader.as_mut(),
        &mut stdin.lock(),
        &mut output,
        &mut errors,
    ) {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(summary) => {
            eprintln!(
                "phiscrub: {} of {} events withheld",
                summary.failed, summary.events
            );
            ExitCode::from(EXIT_RUNTIME)
        }
        Err(err) => {
            eprintln!("phiscrub: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}
