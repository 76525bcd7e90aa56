//! `[sources.stdin]`: one event per line of standard input, for sidecar pipes and local
//! runs.
//!
//! Lines are bounded (`max_line_bytes`; longer lines are quarantined by their head and the
//! rest skipped) and batched (`batch_lines`, or whatever arrived within 100 ms). stdin
//! cannot be told to retry, so delivery backpressure is waited out with backoff: the
//! pipe's own buffer then pushes back on the writer.
//!
//! stdin is read on a detached thread of its own ([`ThreadStdin`]), not with
//! `tokio::io::stdin`: tokio reads it on its blocking pool, a read that waits for input
//! cannot be cancelled, and dropping the runtime waits for it, so a sidecar whose writer
//! keeps the pipe open would never exit after SIGTERM.

use std::io::Read as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader, ReadBuf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::config::validate::StdinSourceConfig;
use crate::event::{Event, EventMeta};
use crate::pipeline::{DeliverError, Pipeline, scrub_drain};
use crate::quarantine::QuarantineReason;
use crate::shutdown::Shutdown;

/// The metric label of this source.
pub const SOURCE: &str = "stdin";

const IDLE_FLUSH: Duration = Duration::from_millis(100);

/// One line read by [`LineReader`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A complete line without its `\n` (or `\r\n`).
    Text(Vec<u8>),
    /// A line longer than the bound: only its first `max_line_bytes` bytes.
    Oversize(Vec<u8>),
}

/// Reads bounded lines; cancel-safe (partial lines survive a cancelled `next`), so it can
/// be raced against a timer.
pub struct LineReader<R> {
    inner: BufReader<R>,
    line: Vec<u8>,
    oversize: bool,
    max: usize,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    /// Lines of at most `max` bytes from `reader`.
    pub fn new(reader: R, max: usize) -> Self {
        Self {
            inner: BufReader::new(reader),
            line: Vec::new(),
            oversize: false,
            max,
        }
    }

    fn take(&mut self) -> Line {
        let mut line = std::mem::take(&mut self.line);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if std::mem::take(&mut self.oversize) {
            Line::Oversize(line)
        } else {
            Line::Text(line)
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = self.max.saturating_sub(self.line.len());
        if bytes.len() > room {
            self.oversize = true;
        }
        self.line.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// The next line, or `None` at end of input.
    pub async fn next(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            let buf = self.inner.fill_buf().await?;
            if buf.is_empty() {
                return Ok((!self.line.is_empty() || self.oversize).then(|| self.take()));
            }
            if let Some(pos) = memchr::memchr(b'\n', buf) {
                let head = buf[..pos].to_vec();
                self.inner.consume(pos + 1);
                self.append(&head);
                return Ok(Some(self.take()));
            }
            let chunk = buf.to_vec();
            self.inner.consume(chunk.len());
            self.append(&chunk);
        }
    }
}

/// The process's stdin, read by a detached thread in chunks handed over a bounded channel
/// (so a slow pipeline still pushes back on the writer). The thread ends at EOF, on a read
/// error, or when this reader is dropped and its next chunk has nowhere to go; the process
/// never waits for it.
pub struct ThreadStdin {
    chunks: mpsc::Receiver<std::io::Result<Bytes>>,
    pending: Bytes,
}

impl ThreadStdin {
    const CHUNK: usize = 64 * 1024;

    /// Starts the reading thread.
    pub fn start() -> std::io::Result<Self> {
        let (sender, chunks) = mpsc::channel(4);
        std::thread::Builder::new()
            .name("phiscrub-stdin".to_owned())
            .spawn(move || {
                let mut stdin = std::io::stdin().lock();
                let mut buf = vec![0; Self::CHUNK];
                loop {
                    let chunk = match stdin.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => Ok(Bytes::copy_from_slice(&buf[..n])),
                        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(err) => Err(err),
                    };
                    let failed = chunk.is_err();
                    if sender.blocking_send(chunk).is_err() || failed {
                        break;
                    }
                }
            })?;
        Ok(Self {
            chunks,
            pending: Bytes::new(),
        })
    }
}

impl AsyncRead for ThreadStdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.pending.is_empty() {
            match self.chunks.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                // The sender is gone: end of input.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Err(err)),
                Poll::Ready(Some(Ok(chunk))) => self.pending = chunk,
            }
        }
        let n = buf.remaining().min(self.pending.len());
        let head = self.pending.split_to(n);
        buf.put_slice(&head);
        Poll::Ready(Ok(()))
    }
}

/// Starts reading the process's stdin until EOF or shutdown.
pub fn spawn(config: StdinSourceConfig, pipeline: Pipeline, shutdown: Shutdown) -> JoinHandle<()> {
    tokio::spawn(async move {
        let stdin = match ThreadStdin::start() {
            Ok(stdin) => stdin,
            Err(err) => {
                tracing::error!(error = %err, "cannot start the stdin reader; stdin source stops");
                return;
            }
        };
        let reader = LineReader::new(stdin, config.max_line_bytes);
        run(reader, config.batch_lines, pipeline, shutdown).await;
    })
}

/// Reads lines from `reader`, delivering them in batches, until EOF or shutdown.
pub async fn run<R: AsyncRead + Unpin>(
    mut reader: LineReader<R>,
    batch_lines: usize,
    pipeline: Pipeline,
    shutdown: Shutdown,
) {
    let base = EventMeta {
        source: SOURCE.to_owned(),
        ..EventMeta::default()
    };
    let mut eof = false;
    while !eof && !shutdown.is_triggered() {
        let mut batch = Vec::new();
        loop {
            let next = tokio::select! {
                () = shutdown.wait() => break,
                next = tokio::time::timeout(IDLE_FLUSH, reader.next()) => next,
            };
            match next {
                Err(_) if batch.is_empty() => {}
                Err(_) => break,
                Ok(Ok(Some(line))) => {
                    batch.push(line);
                    if batch.len() >= batch_lines {
                        break;
                    }
                }
                Ok(Ok(None)) => {
                    eof = true;
                    break;
                }
                Ok(Err(err)) => {
                    tracing::error!(error = %err, "cannot read stdin; stdin source stops");
                    eof = true;
                    break;
                }
            }
        }
        if !batch.is_empty() {
            deliver_batch(batch, &base, &pipeline, &shutdown).await;
        }
    }
    tracing::info!("stdin source stopped");
}

async fn deliver_batch(
    batch: Vec<Line>,
    base: &EventMeta,
    pipeline: &Pipeline,
    shutdown: &Shutdown,
) {
    let metrics = &pipeline.metrics;
    metrics
        .received_records
        .with_label_values(&[SOURCE])
        .inc_by(batch.len() as u64);
    let mut events = Vec::with_capacity(batch.len());
    for line in batch {
        match line {
            Line::Text(text) if text.is_empty() => {}
            Line::Text(text) => events.push(Event::new(text, base.clone())),
            Line::Oversize(head) => {
                metrics
                    .quarantined_records
                    .with_label_values(&[QuarantineReason::Oversize.as_str()])
                    .inc();
                if let Err(err) =
                    pipeline
                        .quarantine
                        .quarantine(&head, QuarantineReason::Oversize, base)
                {
                    tracing::error!(error = %err, "cannot quarantine an oversize stdin line; it is lost");
                }
            }
        }
    }
    let mut backoff = Duration::from_millis(50);
    let mut pending = Some(events);
    while let Some(events) = pending.take() {
        if events.is_empty() {
            return;
        }
        let quarantine = std::sync::Arc::clone(&pipeline.quarantine);
        let job_metrics = metrics.clone();
        let kept = events.clone();
        let scrubbed = pipeline
            .pool
            .run(move |state| {
                state.events.clear();
                state.events.extend(events);
                let mut out = Vec::with_capacity(state.events.len());
                scrub_drain(state, &*quarantine, &job_metrics, &mut out).map(|_| out)
            })
            .await;
        let result = match scrubbed {
            Ok(Ok(out)) => pipeline.deliver.submit(out).await,
            Ok(Err(qerr)) => Err(DeliverError::Unavailable(qerr.to_string())),
            Err(perr) => Err(DeliverError::Backpressure(perr.to_string())),
        };
        if let Err(err) = result {
            if shutdown.is_triggered() {
                tracing::error!(error = %err, lines = kept.len(), "stdin batch not delivered before shutdown");
                return;
            }
            tracing::warn!(error = %err, "stdin batch not accepted; retrying");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
            pending = Some(kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_bounded_and_crlf_trimmed() {
        let input: &[u8] = b"one\r\ntoolongline\nlast";
        let mut reader = LineReader::new(input, 5);
        assert_eq!(
            reader.next().await.unwrap(),
            Some(Line::Text(b"one".to_vec()))
        );
        assert_eq!(
            reader.next().await.unwrap(),
            Some(Line::Oversize(b"toolo".to_vec()))
        );
        assert_eq!(
            reader.next().await.unwrap(),
            Some(Line::Text(b"last".to_vec()))
        );
        assert_eq!(reader.next().await.unwrap(), None);
    }
}
