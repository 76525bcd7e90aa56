//! `stdout`: NDJSON on standard output, for the embedded default and sidecars whose
//! log collector reads our stdout.

use tokio::io::AsyncWriteExt;

use super::{SendFuture, SendOutcome, Sink, SinkError, encode};
use crate::event::Event;

/// Writes NDJSON lines to standard output.
#[derive(Debug, Default)]
pub struct StdoutSink {
    out: tokio::sync::Mutex<Option<tokio::io::Stdout>>,
}

impl StdoutSink {
    /// A sink on this process's stdout.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Sink for StdoutSink {
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut body = Vec::with_capacity(events.len() * 256);
            encode::ndjson(events, &mut body);
            let mut out = self.out.lock().await;
            let stdout = out.get_or_insert_with(tokio::io::stdout);
            stdout
                .write_all(&body)
                .await
                .map_err(|e| SinkError::transient(format!("stdout write: {e}")))?;
            stdout
                .flush()
                .await
                .map_err(|e| SinkError::transient(format!("stdout flush: {e}")))?;
            Ok(SendOutcome::delivered())
        })
    }
}
