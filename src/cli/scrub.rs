//! `phiscrub scrub`: standard input to standard output with the same policy as `serve`.
//!
//! Line formats plug in through [`EventReader`]: each turns bytes from stdin into events
//! and says how their messages are read (`text`, `ndjson`, `auto`). A record that cannot
//! be scrubbed is never written: it is reported on stderr by line number and reason (no
//! content) and the command exits 1.
//!
//! The ingest formats (`cloudwatch`, `firehose`) read one whole document and go through
//! the Firehose transformation handler ([`crate::sources::transform::TransformHandler`]),
//! the one `POST /firehose/transform` and `phiscrub lambda` use, so what the command
//! prints is byte for byte what the deployed transformation would answer. A subscription
//! payload is handed to it as a one-record transformation event. A Firehose HTTP endpoint
//! delivery request has no transformation answer: its records are decoded as the
//! endpoint decodes them and its scrubbed events written as the NDJSON sinks write them.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE, load_config};
use crate::actions::Policy;
use crate::config::Config;
use crate::config::validate::{TransformOutput, TransformSourceConfig};
use crate::decode;
use crate::decode::firehose::{RecordFormat, TransformResult};
use crate::detect::EngineChoice;
use crate::event::{Event, EventMeta};
use crate::keys::{KeyService, KeyUses};
use crate::scrub::{FindPhi, MessageKind, Scrubber};
use crate::sources::transform::TransformHandler;

/// Arguments of `phiscrub scrub`.
#[derive(Debug, Clone, Args)]
pub struct ScrubArgs {
    /// Config file.
    #[command(flatten)]
    pub config: ConfigArg,
    /// How stdin is framed and read.
    #[arg(long, value_enum, default_value_t = ScrubFormat::Auto)]
    pub format: ScrubFormat,
    /// With --format cloudwatch: how the scrubbed subscription message is written
    /// [default: auto].
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub output: Option<CloudwatchOutput>,
    /// Detection engine (overrides detect.engine): auto, hyperscan or portable.
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<EngineChoice>,
}

/// The `--format` values of `phiscrub scrub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScrubFormat {
    /// One event per line; JSON where a line is a JSON document, else text.
    Auto,
    /// One text event per line.
    Text,
    /// One JSON document per line; other lines are errors.
    Ndjson,
    /// All of stdin is ONE CloudWatch Logs subscription payload (gzip, JSON, base64 or
    /// the Lambda `{"awslogs":{"data":…}}` envelope); writes the subscription message
    /// with every log event scrubbed (see --output).
    Cloudwatch,
    /// All of stdin is ONE Firehose document. A transformation event ({invocationId,
    /// records:[{recordId, data}]}) gets the transformation response exactly as
    /// `phiscrub lambda` and POST /firehose/transform answer it; an HTTP endpoint delivery
    /// request ({requestId, records:[{data}]}, plain or gzip) gets one JSON line per
    /// scrubbed event, as the NDJSON sinks write them.
    Firehose,
}

impl ScrubFormat {
    /// The line framing of a line format; `None` for the document formats.
    pub fn lines(self) -> Option<InputFormat> {
        match self {
            Self::Auto => Some(InputFormat::Auto),
            Self::Text => Some(InputFormat::Text),
            Self::Ndjson => Some(InputFormat::Ndjson),
            Self::Cloudwatch | Self::Firehose => None,
        }
    }
}

/// How `--format cloudwatch` writes the scrubbed subscription message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudwatchOutput {
    /// Gzip when the input was raw gzip bytes (exactly the bytes the transformation puts
    /// in a record), else JSON.
    Auto,
    /// Subscription JSON followed by a newline, whatever the input was.
    Json,
    /// Gzip of the subscription JSON, whatever the input was.
    Gzip,
}

/// The line framings of `phiscrub scrub` (`auto`, `text`, `ndjson`).
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

/// Builds the scrubber for the line-oriented paths, or the exit code after saying why:
/// key material failing is a runtime error, a detection config that does not build is a
/// usage error.
fn build_scrubber(config: &Config, engine: Option<EngineChoice>) -> Result<Scrubber, ExitCode> {
    let (policy, keys) = build_policy_and_keys(config).map_err(|err| {
        eprintln!("phiscrub: keys: {err}");
        ExitCode::from(EXIT_RUNTIME)
    })?;
    let finder = build_finder(config, engine).map_err(|err| {
        eprintln!("phiscrub: detect: {err}");
        ExitCode::from(EXIT_USAGE)
    })?;
    Ok(Scrubber::new(finder, policy, keys))
}

/// Runs the command.
pub fn run(args: &ScrubArgs) -> ExitCode {
    if args.output.is_some() && args.format != ScrubFormat::Cloudwatch {
        eprintln!("phiscrub: --output applies to --format cloudwatch only");
        return ExitCode::from(EXIT_USAGE);
    }
    let Some(config) = load_config(&args.config) else {
        return ExitCode::from(EXIT_USAGE);
    };
    crate::telemetry::logging::init(&config.log.level, config.log.json);
    match args.format.lines() {
        Some(format) => run_lines(args, &config, format),
        None => {
            let mut config = config;
            if let Some(engine) = args.engine {
                config.detect.engine = engine;
                config.engine = engine;
            }
            run_document(
                &config,
                args.format,
                args.output.unwrap_or(CloudwatchOutput::Auto),
            )
        }
    }
}

fn run_lines(args: &ScrubArgs, config: &Config, format: InputFormat) -> ExitCode {
    let mut scrubber = match build_scrubber(config, args.engine) {
        Ok(scrubber) => scrubber,
        Err(code) => return code,
    };
    let mut reader = format.reader();
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

/// The record id a subscription payload gets when it is handed to the transformation.
const PAYLOAD_RECORD_ID: &str = "stdin";

/// What a document run printed, and whether everything in it was scrubbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocumentOutcome {
    /// Everything written is scrubbed and nothing was withheld.
    Complete,
    /// Something could not be scrubbed (it was withheld, never written in the clear).
    Failed,
}

/// `--format cloudwatch|firehose`: reads all of stdin (at most `server.max_body_bytes`)
/// and runs it through the transformation handler.
fn run_document(config: &Config, format: ScrubFormat, output: CloudwatchOutput) -> ExitCode {
    let cap = config.server.max_body_bytes;
    let mut input = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut input);
    if let Err(err) = read {
        eprintln!("phiscrub: reading input: {err}");
        return ExitCode::from(EXIT_RUNTIME);
    }
    if input.len() > cap {
        eprintln!("phiscrub: input exceeds server.max_body_bytes ({cap} bytes)");
        return ExitCode::from(EXIT_RUNTIME);
    }
    let runtime = match super::async_runtime(super::RuntimeKind::CurrentThread) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    if format == ScrubFormat::Firehose {
        let limits = config
            .firehose
            .as_ref()
            .map(|f| f.limits)
            .unwrap_or_default();
        if let Some(body) = delivery_request_body(&input, &limits) {
            return run_delivery_request(config, &body);
        }
    }
    let mut transform = config.transform.clone().unwrap_or_default();
    if format == ScrubFormat::Cloudwatch {
        // The format promises a subscription message back; the response-size limit is
        // Lambda's, not ours; and a direct payload is not bound by Firehose's record size.
        transform.output = TransformOutput::Cloudwatch;
        transform.record_format = RecordFormat::Cloudwatch;
        transform.max_response_bytes = usize::MAX / 2;
        transform.limits.max_record_bytes = transform
            .limits
            .max_record_bytes
            .max(transform.limits.max_decompressed_record_bytes);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let outcome = runtime.block_on(async {
        let handler = super::lambda::build_handler(config, &transform)
            .await
            .map_err(|e| format!("scrubber: {e}"))?;
        match format {
            ScrubFormat::Cloudwatch => {
                cloudwatch_document(&handler, &input, &transform, output, &mut out).await
            }
            _ => firehose_document(&handler, input, &mut out).await,
        }
    });
    let flushed = out.flush();
    match (outcome, flushed) {
        (Ok(DocumentOutcome::Complete), Ok(())) => ExitCode::SUCCESS,
        (Ok(DocumentOutcome::Failed), Ok(())) => ExitCode::from(EXIT_RUNTIME),
        (Err(message), _) => {
            eprintln!("phiscrub: {message}");
            ExitCode::from(EXIT_RUNTIME)
        }
        (_, Err(err)) => {
            eprintln!("phiscrub: writing output: {err}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}

/// One subscription payload → the scrubbed subscription message.
async fn cloudwatch_document(
    handler: &TransformHandler,
    input: &[u8],
    transform: &TransformSourceConfig,
    output: CloudwatchOutput,
    out: &mut dyn Write,
) -> Result<DocumentOutcome, String> {
    let record = decode::cloudwatch::payload_record(input, transform.limits.max_record_bytes)
        .map_err(|e| format!("not a CloudWatch Logs subscription payload: {e}"))?;
    let input_gzip = decode::gzip::is_gzip(&record);
    let event = serde_json::json!({
        "invocationId": "phiscrub-scrub",
        "records": [{"recordId": PAYLOAD_RECORD_ID, "data": decode::base64::encode(&record)}],
    });
    let event = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
    let response = handler
        .handle(bytes::Bytes::from(event))
        .await
        .map_err(|e| e.to_string())?;
    let Some(answer) = response.records.into_iter().next() else {
        return Err("the transformation answered no record".to_owned());
    };
    match (answer.result, answer.data) {
        (TransformResult::Ok, Some(data)) => {
            let mut scrubbed = Vec::new();
            decode::base64::decode_into(data.as_bytes(), usize::MAX / 2, &mut scrubbed)
                .map_err(|e| format!("re-reading the scrubbed message: {e}"))?;
            let gzip = match output {
                CloudwatchOutput::Auto => input_gzip,
                CloudwatchOutput::Json => false,
                CloudwatchOutput::Gzip => true,
            };
            write_message(&scrubbed, gzip, out).map_err(|e| format!("writing output: {e}"))?;
            Ok(DocumentOutcome::Complete)
        }
        (TransformResult::Dropped, _) => {
            eprintln!("phiscrub: the payload holds only control messages; nothing to write");
            Ok(DocumentOutcome::Complete)
        }
        (TransformResult::Ok | TransformResult::ProcessingFailed, _) => {
            eprintln!(
                "phiscrub: the payload could not be decoded or scrubbed (the log above says why); nothing written"
            );
            Ok(DocumentOutcome::Failed)
        }
    }
}

/// Writes the handler's message (gzip exactly when the input was) as `gzip` asks: JSON
/// gets a trailing newline for the terminal, gzip is written as is.
fn write_message(message: &[u8], gzip: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match (gzip, decode::gzip::is_gzip(message)) {
        (true, true) => out.write_all(message),
        (true, false) => {
            let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::new(6));
            encoder.write_all(message)?;
            encoder.finish().map(drop)
        }
        (false, true) => {
            let mut json = Vec::new();
            flate2::read::MultiGzDecoder::new(message).read_to_end(&mut json)?;
            out.write_all(&json)?;
            out.write_all(b"\n")
        }
        (false, false) => {
            out.write_all(message)?;
            out.write_all(b"\n")
        }
    }
}

/// The (gunzipped) body when `input` is a Firehose HTTP endpoint delivery request
/// (`{requestId, records:[{data}]}`, plain or gzip), else `None`.
fn delivery_request_body<'a>(
    input: &'a [u8],
    limits: &decode::DecodeLimits,
) -> Option<std::borrow::Cow<'a, [u8]>> {
    let body = if decode::gzip::is_gzip(input) {
        let cap = limits.max_decompressed_request_bytes;
        let mut body = Vec::new();
        decode::gzip::gunzip_into(input, cap, "decompressed request", cap, &mut body).ok()?;
        std::borrow::Cow::Owned(body)
    } else {
        std::borrow::Cow::Borrowed(input)
    };
    serde_json::from_slice::<decode::firehose::FirehoseRequest<'_>>(&body)
        .is_ok()
        .then_some(body)
}

/// A delivery request → one line per scrubbed event in the JSON form the NDJSON sinks
/// write (what `serve` would deliver from the request). Its records decode with
/// `[sources.firehose]`'s record format and limits; a record that does not decode, or
/// an event that cannot be scrubbed, is withheld and reported by index.
fn run_delivery_request(config: &Config, body: &[u8]) -> ExitCode {
    let (format, limits) = config
        .firehose
        .as_ref()
        .map(|f| (f.record_format, f.limits))
        .unwrap_or_default();
    let found = match decode::firehose::events_from_document(body, format, &limits) {
        Ok(found) => found,
        Err(err) => {
            eprintln!("phiscrub: {err}");
            return ExitCode::from(EXIT_RUNTIME);
        }
    };
    let mut scrubber = match build_scrubber(config, None) {
        Ok(scrubber) => scrubber,
        Err(code) => return code,
    };
    let mut withheld = 0;
    for (index, err) in &found.failed_records {
        withheld += 1;
        eprintln!(
            "phiscrub: record {index} withheld ({}): {err}",
            err.reason()
        );
    }
    let mut line = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (number, event) in found.events.iter().enumerate() {
        match scrubber.scrub(event) {
            Ok(scrubbed) => {
                line.clear();
                let event = Event {
                    message: scrubbed.message,
                    meta: event.meta.clone(),
                };
                crate::sinks::encode::ndjson(std::slice::from_ref(&event), &mut line);
                if let Err(err) = out.write_all(&line) {
                    eprintln!("phiscrub: writing output: {err}");
                    return ExitCode::from(EXIT_RUNTIME);
                }
            }
            Err(err) => {
                withheld += 1;
                eprintln!(
                    "phiscrub: event {} withheld ({}): {err}",
                    number + 1,
                    err.reason()
                );
            }
        }
    }
    if let Err(err) = out.flush() {
        eprintln!("phiscrub: writing output: {err}");
        return ExitCode::from(EXIT_RUNTIME);
    }
    if withheld == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("phiscrub: {withheld} records or events withheld");
        ExitCode::from(EXIT_RUNTIME)
    }
}

/// One transformation event → the transformation response, one JSON line.
async fn firehose_document(
    handler: &TransformHandler,
    input: Vec<u8>,
    out: &mut dyn Write,
) -> Result<DocumentOutcome, String> {
    let response = handler
        .handle(bytes::Bytes::from(input))
        .await
        .map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&response).map_err(|e| e.to_string())?;
    out.write_all(&body)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| format!("writing output: {e}"))?;
    let failed: Vec<&str> = response
        .records
        .iter()
        .filter(|r| r.result == TransformResult::ProcessingFailed)
        .map(|r| r.record_id.as_str())
        .collect();
    if failed.is_empty() {
        return Ok(DocumentOutcome::Complete);
    }
    // Record ids are Firehose's, not payload: naming them lets the user find the record.
    eprintln!(
        "phiscrub: {} of {} records ProcessingFailed (withheld): {}",
        failed.len(),
        response.records.len(),
        failed.join(", ")
    );
    Ok(DocumentOutcome::Failed)
}
