//! The durable quarantine: one file per record in a folder, encrypted with AES-256-GCM.
//!
//! A file per record keeps the store trivially crash-safe (write to a temp file, fsync,
//! rename, fsync the folder) and lets `phiscrub quarantine list|replay` work while the
//! daemon runs (no database lock to contend for).
//!
//! File layout: `PHQ1` magic, a little-endian u32 header length, the header (JSON, in the
//! clear: id, time, reason, source name, key id, payload size, and with AWS KMS the
//! wrapped data key — nothing from the payload or its log metadata), a 12-byte random
//! nonce, then AES-256-GCM ciphertext of
//! `u32 meta length | meta JSON | payload`, with the header as associated data so it
//! cannot be altered without detection.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use serde::{Deserialize, Serialize};

use super::{AtRestKey, Quarantine, QuarantineError, QuarantineReason};
use crate::event::EventMeta;
use crate::queue::now_ms;

const MAGIC: &[u8; 4] = b"PHQ1";
const EXTENSION: &str = "phq";

/// What `list` shows of a record: never its payload or log metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEntry {
    /// Record id (the file's stem).
    pub id: String,
    /// When it was quarantined (ms since the epoch).
    pub time_ms: i64,
    /// Why.
    pub reason: QuarantineReason,
    /// The configured source that produced the event.
    pub source: String,
    /// The at-rest key that encrypts it.
    pub key_id: String,
    /// Payload size in bytes.
    pub bytes: usize,
}

/// The stored header: what `list` shows plus the wrapped data key (base64), if any.
#[derive(Serialize, Deserialize)]
struct Header {
    #[serde(flatten)]
    entry: QuarantineEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wrapped_key: Option<String>,
}

/// The encrypted, bounded quarantine folder.
pub struct QuarantineStore {
    dir: PathBuf,
    key: Arc<dyn AtRestKey>,
    max_bytes: u64,
    used: Mutex<u64>,
    counter: AtomicU64,
}

fn err(what: &str, path: &Path, e: impl std::fmt::Display) -> QuarantineError {
    QuarantineError(format!("{what} {}: {e}", path.display()))
}

impl QuarantineStore {
    /// Opens (or creates) the folder and counts what is in it.
    pub fn open(
        dir: &Path,
        key: Arc<dyn AtRestKey>,
        max_bytes: u64,
    ) -> Result<Self, QuarantineError> {
        std::fs::create_dir_all(dir).map_err(|e| err("create", dir, e))?;
        let mut used = 0;
        for entry in std::fs::read_dir(dir).map_err(|e| err("read", dir, e))? {
            let entry = entry.map_err(|e| err("read", dir, e))?;
            let path = entry.path();
            if path.extension().is_some_and(|x| x == EXTENSION) {
                used += entry.metadata().map(|m| m.len()).unwrap_or(0);
            } else if path.extension().is_some_and(|x| x == "tmp") {
                // A write torn by a crash: never renamed, so never acknowledged.
                let _ = std::fs::remove_file(&path);
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            key,
            max_bytes,
            used: Mutex::new(used),
            counter: AtomicU64::new(0),
        })
    }

    /// Opens the store a validated config describes, with the at-rest key of the
    /// configured key provider: the key file `state_dir/quarantine.key` for `local`, KMS
    /// envelope encryption for `aws-kms` (see [`super::key`]).
    pub fn from_config(config: &crate::config::Config) -> Result<Self, QuarantineError> {
        use crate::config::validate::KeyProviderChoice;
        let key: Arc<dyn AtRestKey> = match &config.keys.provider {
            KeyProviderChoice::Local => Arc::new(super::KeyFile::open_or_create(
                &config.state_dir.join("quarantine.key"),
            )?),
            KeyProviderChoice::AwsKms { key_id } => {
                Arc::new(super::KmsKey::new(key_id, &config.keys.encryption_context)?)
            }
        };
        Self::open(&config.quarantine.dir, key, config.quarantine.max_bytes)
    }

    fn cipher(key: &[u8; 32]) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key[..]))
    }

    fn path(&self, id: &str) -> Result<PathBuf, QuarantineError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(QuarantineError(format!(
                "`{id}` is not a quarantine record id"
            )));
        }
        Ok(self.dir.join(format!("{id}.{EXTENSION}")))
    }

    /// Stores one record; returns its id.
    pub fn put(
        &self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<String, QuarantineError> {
        let time_ms = now_ms();
        let nonce: [u8; 12] = rand::random();
        let id = format!(
            "{time_ms:013}-{:06}-{:08x}",
            self.counter.fetch_add(1, Ordering::Relaxed) % 1_000_000,
            rand::random::<u32>()
        );
        let (key, wrapped) = self.key.seal_key()?;
        let header = serde_json::to_vec(&Header {
            entry: QuarantineEntry {
                id: id.clone(),
                time_ms,
                reason,
                source: meta.source.clone(),
                key_id: self.key.key_id().to_owned(),
                bytes: payload.len(),
            },
            wrapped_key: wrapped.map(|w| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(w)
            }),
        })
        .map_err(|e| QuarantineError(e.to_string()))?;
        let meta_json = serde_json::to_vec(meta).map_err(|e| QuarantineError(e.to_string()))?;
        let mut plain =
            zeroize::Zeroizing::new(Vec::with_capacity(4 + meta_json.len() + payload.len()));
        plain.extend_from_slice(
            &u32::try_from(meta_json.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        plain.extend_from_slice(&meta_json);
        plain.extend_from_slice(payload);
        let sealed = Self::cipher(&key)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &header,
                },
            )
            .map_err(|_| QuarantineError("encryption failed".to_owned()))?;
        let mut file = Vec::with_capacity(8 + header.len() + 12 + sealed.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(
            &u32::try_from(header.len())
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        file.extend_from_slice(&header);
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&sealed);

        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if *used + file.len() as u64 > self.max_bytes {
            return Err(QuarantineError(format!(
                "quarantine full ({} of {} bytes)",
                *used, self.max_bytes
            )));
        }
        let path = self.path(&id)?;
        let tmp = path.with_extension("tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(|e| err("create", &tmp, e))?;
            f.write_all(&file).map_err(|e| err("write", &tmp, e))?;
            f.sync_all().map_err(|e| err("sync", &tmp, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| err("rename", &path, e))?;
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        *used += file.len() as u64;
        Ok(id)
    }

    fn read_file(&self, path: &Path) -> Result<(Header, Vec<u8>, Vec<u8>), QuarantineError> {
        let file = std::fs::read(path).map_err(|e| err("read", path, e))?;
        let bad = || err("parse", path, "not a quarantine record");
        if file.len() < 8 || &file[..4] != MAGIC {
            return Err(bad());
        }
        let header_len = u32::from_le_bytes(file[4..8].try_into().map_err(|_| bad())?) as usize;
        let header_end = 8usize.checked_add(header_len).ok_or_else(bad)?;
        if file.len() < header_end + 12 {
            return Err(bad());
        }
        let header = file[8..header_end].to_vec();
        let parsed: Header = serde_json::from_slice(&header).map_err(|_| bad())?;
        Ok((parsed, header, file[header_end..].to_vec()))
    }

    /// Every record, oldest first (headers only; nothing is decrypted).
    pub fn list(&self) -> Result<Vec<QuarantineEntry>, QuarantineError> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| err("read", &self.dir, e))? {
            let path = entry.map_err(|e| err("read", &self.dir, e))?.path();
            if path.extension().is_some_and(|x| x == EXTENSION) {
                entries.push(self.read_file(&path)?.0.entry);
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(entries)
    }

    /// Decrypts one record: its payload and metadata.
    pub fn read(&self, id: &str) -> Result<(QuarantineEntry, EventMeta, Vec<u8>), QuarantineError> {
        let path = self.path(id)?;
        let (parsed, header, rest) = self.read_file(&path)?;
        let entry = parsed.entry;
        let wrapped = match parsed.wrapped_key {
            Some(b64) => {
                use base64::Engine as _;
                Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|_| err("parse", &path, "wrapped key is not base64"))?,
                )
            }
            None => None,
        };
        let key = self.key.open_key(wrapped.as_deref())?;
        let (nonce, sealed) = rest.split_at(12);
        let plain = zeroize::Zeroizing::new(
            Self::cipher(&key)
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: &header,
                    },
                )
                .map_err(|_| {
                    err(
                        "decrypt",
                        &path,
                        "authentication failed (wrong key or tampered)",
                    )
                })?,
        );
        let bad = || err("parse", &path, "bad plaintext layout");
        let meta_len = u32::from_le_bytes(
            plain
                .get(..4)
                .ok_or_else(bad)?
                .try_into()
                .map_err(|_| bad())?,
        ) as usize;
        let meta_end = 4usize
            .checked_add(meta_len)
            .filter(|&e| e <= plain.len())
            .ok_or_else(bad)?;
        let meta: EventMeta = serde_json::from_slice(&plain[4..meta_end]).map_err(|_| bad())?;
        Ok((entry, meta, plain[meta_end..].to_vec()))
    }

    /// Deletes one record (after a successful replay).
    pub fn remove(&self, id: &str) -> Result<(), QuarantineError> {
        let path = self.path(id)?;
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        std::fs::remove_file(&path).map_err(|e| err("remove", &path, e))?;
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(len);
        Ok(())
    }
}

impl Quarantine for QuarantineStore {
    fn quarantine(
        &self,
        payload: &[u8],
        reason: QuarantineReason,
        meta: &EventMeta,
    ) -> Result<(), QuarantineError> {
        self.put(payload, reason, meta).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarantine::KeyFile;

    fn store(dir: &Path, max: u64) -> QuarantineStore {
        let key = KeyFile::open_or_create(&dir.join("quarantine.key")).unwrap();
        QuarantineStore::open(&dir.join("q"), Arc::new(key), max).unwrap()
    }

    fn meta() -> EventMeta {
        EventMeta {
            source: "firehose".into(),
            log_group: Some("/patients/intake".into()),
            ..EventMeta::default()
        }
    }

    #[test]
    fn records_round_trip_and_nothing_is_stored_in_the_clear() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), 1 << 20);
        let id = s
            .put(
                b"SSN 123-45-6789 synthetic",
                QuarantineReason::ScanFailed,
                &meta(),
            )
            .unwrap();
        let raw = std::fs::read(dir.path().join("q").join(format!("{id}.phq"))).unwrap();
        let shown = String::from_utf8_lossy(&raw);
        assert!(
            !shown.contains("123-45-6789") && !shown.contains("/patients/intake"),
            "{shown}"
        );
        let listed = s.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].reason, QuarantineReason::ScanFailed);
        let (_, m, payload) = s.read(&id).unwrap();
        assert_eq!(payload, b"SSN 123-45-6789 synthetic");
        assert_eq!(m, meta());
        s.remove(&id).unwrap();
        assert!(s.list().unwrap().is_empty());
    }

    #[test]
    fn tampering_and_wrong_keys_are_detected() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), 1 << 20);
        let id = s
            .put(b"x", QuarantineReason::SinkRejected, &meta())
            .unwrap();
        let path = dir.path().join("q").join(format!("{id}.phq"));
        let mut raw = std::fs::read(&path).unwrap();
        let n = raw.len();
        raw[n - 1] ^= 1;
        std::fs::write(&path, &raw).unwrap();
        assert!(s.read(&id).is_err());
    }

    #[test]
    fn the_store_is_bounded_and_the_key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), 600);
        s.put(&[0u8; 100], QuarantineReason::Oversize, &meta())
            .unwrap();
        assert!(
            s.put(&[0u8; 400], QuarantineReason::Oversize, &meta())
                .is_err()
        );
        let key = dir.path().join("quarantine.key");
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(KeyFile::open_or_create(&key).is_err());
    }
}
