//! Where the quarantine's at-rest key comes from.
//!
//! [`AtRestKey`] is the seam: today [`KeyFile`] keeps a random AES-256 key in a 0600 file
//! under `state_dir`; when the key provider (`crate::keys`, local or AWS KMS) lands, an
//! implementation backed by it replaces the file without touching the store.

use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::QuarantineError;

/// Supplies the 256-bit key that encrypts quarantined records.
pub trait AtRestKey: Send + Sync {
    /// A short, non-secret name of the key (stored with each record, for rotation).
    fn key_id(&self) -> &str;
    /// The key material.
    fn key(&self) -> Result<Zeroizing<[u8; 32]>, QuarantineError>;
}

/// A random key in a file readable only by its owner, created on first use.
pub struct KeyFile {
    path: PathBuf,
    id: String,
}

impl KeyFile {
    /// Uses `path`, creating it (mode 0600, 32 random bytes) when missing; refuses a key
    /// file that group or others can read.
    pub fn open_or_create(path: &Path) -> Result<Self, QuarantineError> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let fail = |what: &str, e: std::io::Error| {
            QuarantineError(format!("{what} {}: {e}", path.display()))
        };
        if !path.exists() {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail("create folder for", e))?;
            }
            let mut key = Zeroizing::new([0u8; 32]);
            rand::Rng::fill(&mut rand::rngs::OsRng, &mut key[..]);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(mut file) => {
                    file.write_all(&key[..]).map_err(|e| fail("write", e))?;
                    file.sync_all().map_err(|e| fail("sync", e))?;
                    tracing::info!(path = %path.display(), "created the quarantine key file");
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(fail("create", e)),
            }
        }
        let mode = std::fs::metadata(path)
            .map_err(|e| fail("stat", e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(QuarantineError(format!(
                "{} is readable by group or others (mode {:o}); chmod 600 it",
                path.display(),
                mode & 0o777
            )));
        }
        let key = Self {
            path: path.to_owned(),
            id: "local-file-v1".to_owned(),
        };
        key.key()?;
        Ok(key)
    }
}

impl AtRestKey for KeyFile {
    fn key_id(&self) -> &str {
        &self.id
    }

    fn key(&self) -> Result<Zeroizing<[u8; 32]>, QuarantineError> {
        let bytes = Zeroizing::new(
            std::fs::read(&self.path)
                .map_err(|e| QuarantineError(format!("read {}: {e}", self.path.display())))?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(QuarantineError(format!(
                "{} must hold exactly 32 bytes",
                self.path.display()
            )));
        }
        key.copy_from_slice(&bytes);
        Ok(key)
    }
}
