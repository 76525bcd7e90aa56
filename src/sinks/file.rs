//! `file`: NDJSON appended to a file, fsynced per batch so "delivered" means on disk.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use super::{SendFuture, SendOutcome, Sink, SinkError, encode};
use crate::event::Event;

/// Appends NDJSON lines to a file.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    file: tokio::sync::Mutex<Option<tokio::fs::File>>,
}

impl FileSink {
    /// A sink appending to `path` (created when missing, on first send).
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: tokio::sync::Mutex::new(None),
        }
    }
}

impl Sink for FileSink {
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut body = Vec::with_capacity(events.len() * 256);
            encode::ndjson(events, &mut body);
            let mut guard = self.file.lock().await;
            if guard.is_none() {
                let file = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .await
                    .map_err(|e| {
                        SinkError::transient(format!("open {}: {e}", self.path.display()))
                    })?;
                *guard = Some(file);
            }
            let Some(file) = guard.as_mut() else {
                return Err(SinkError::transient("file not open"));
            };
            let written = async {
                file.write_all(&body).await?;
                file.sync_data().await
            }
            .await;
            if let Err(e) = written {
                // Reopen next time: the handle may be broken (e.g. the disk was replaced).
                *guard = None;
                return Err(SinkError::transient(format!(
                    "write {}: {e}",
                    self.path.display()
                )));
            }
            Ok(SendOutcome::delivered())
        })
    }
}
