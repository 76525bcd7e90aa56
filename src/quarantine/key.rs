//! Where the quarantine's at-rest key comes from, following the configured key provider.
//!
//! [`AtRestKey`] is the seam between the store and the key provider:
//! - `keys.provider = "local"`: [`KeyFile`], a random AES-256 key in a 0600 file under
//!   `state_dir` (local use; the key sits next to the ciphertext).
//! - `keys.provider = "aws-kms"`: [`KmsKey`], envelope encryption. A data key from KMS
//!   `GenerateDataKey` under phiscrub's encryption context plus
//!   `log_group=phiscrub:quarantine` encrypts records; its wrapped form (`CiphertextBlob`) is stored in each
//!   record's authenticated header and unwrapped with KMS `Decrypt` on read. Nothing that
//!   can decrypt a record is ever on disk.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::QuarantineError;
use crate::keys::KmsProvider;

/// A record key and, when the provider wraps one per data key, its wrapped form.
pub type SealingKey = (Zeroizing<[u8; 32]>, Option<Vec<u8>>);

/// Supplies the 256-bit keys that encrypt quarantined records.
pub trait AtRestKey: Send + Sync {
    /// A short, non-secret name of the key (stored with each record, for rotation).
    fn key_id(&self) -> &str;
    /// The key for a new record, and its wrapped form to store in the record's header
    /// (`None` when the key is not wrapped per record, as for the key file).
    fn seal_key(&self) -> Result<SealingKey, QuarantineError>;
    /// The key of an existing record, from the wrapped key in its header.
    fn open_key(&self, wrapped: Option<&[u8]>) -> Result<Zeroizing<[u8; 32]>, QuarantineError>;
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

    fn seal_key(&self) -> Result<SealingKey, QuarantineError> {
        Ok((self.key()?, None))
    }

    fn open_key(&self, wrapped: Option<&[u8]>) -> Result<Zeroizing<[u8; 32]>, QuarantineError> {
        if wrapped.is_some() {
            return Err(QuarantineError(
                "the record's key is wrapped by AWS KMS; set keys.provider = \"aws-kms\" \
                 with the key that wrapped it"
                    .to_owned(),
            ));
        }
        self.key()
    }
}

impl KeyFile {
    /// The key material.
    pub fn key(&self) -> Result<Zeroizing<[u8; 32]>, QuarantineError> {
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

/// Records encrypted with one KMS data key before a new one is generated (AES-GCM with
/// random nonces stays far below its 2^32 bound; a new key also limits what one leaked
/// data key exposes).
const RECORDS_PER_DATA_KEY: u64 = 1 << 20;

/// The encryption-context entry that keeps quarantine data keys apart from the data keys
/// of `enc` tokens (a key unwrapped for `reveal` never opens the quarantine, and the
/// reverse). It reuses the `log_group` context key because the shipped KMS key policies
/// allow only the keys `app` and `log_group` (`kms:EncryptionContextKeys`); the value
/// cannot be a real log group, as CloudWatch Logs group names never contain `:`.
pub const QUARANTINE_CONTEXT: (&str, &str) = ("log_group", "phiscrub:quarantine");

/// A data key in use: the key, its wrapped form and how many records it sealed.
struct CurrentKey {
    key: Zeroizing<[u8; 32]>,
    wrapped: Vec<u8>,
    uses: u64,
}

/// Envelope encryption with AWS KMS: see the module docs.
pub struct KmsKey {
    kms: KmsProvider,
    context: BTreeMap<String, String>,
    id: String,
    /// The current data key.
    current: Mutex<Option<CurrentKey>>,
    /// Unwrapped keys by wrapped key, so a replay calls `Decrypt` once per data key.
    opened: Mutex<HashMap<Vec<u8>, Zeroizing<[u8; 32]>>>,
}

/// Runs a blocking KMS call on a fresh thread: the provider blocks on its own runtime,
/// which it refuses to do from a thread inside an async runtime (the forwarder's delivery
/// tasks, `spawn_blocking`, the replay CLI). Calls are rare: one per data key.
fn off_runtime<T: Send>(call: impl FnOnce() -> T + Send) -> Result<T, QuarantineError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("phiscrub-quarantine-kms".to_owned())
            .spawn_scoped(scope, call)
            .map_err(|e| QuarantineError(format!("cannot start a thread for KMS: {e}")))?
            .join()
            .map_err(|_| QuarantineError("the KMS call panicked".to_owned()))
    })
}

impl KmsKey {
    /// A KMS client from the SDK's default chain (credentials, region, endpoint) for
    /// `key_id`, binding data keys to `context` plus [`QUARANTINE_CONTEXT`].
    pub fn new(key_id: &str, context: &BTreeMap<String, String>) -> Result<Self, QuarantineError> {
        let kms = off_runtime(|| KmsProvider::new(key_id))?
            .map_err(|e| QuarantineError(format!("quarantine key: {e}")))?;
        Ok(Self::with_provider(kms, context))
    }

    /// Uses a provider built by the caller (explicit client, as tests against moto do).
    pub fn with_provider(kms: KmsProvider, context: &BTreeMap<String, String>) -> Self {
        let mut context = context.clone();
        context.insert(
            QUARANTINE_CONTEXT.0.to_owned(),
            QUARANTINE_CONTEXT.1.to_owned(),
        );
        Self {
            id: format!("aws-kms:{}", kms.key_id()),
            kms,
            context,
            current: Mutex::new(None),
            opened: Mutex::new(HashMap::new()),
        }
    }
}

impl AtRestKey for KmsKey {
    fn key_id(&self) -> &str {
        &self.id
    }

    fn seal_key(&self) -> Result<SealingKey, QuarantineError> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current
            .as_ref()
            .is_none_or(|c| c.uses >= RECORDS_PER_DATA_KEY)
        {
            // Fail closed: without a data key nothing is written (the caller refuses the
            // batch so that it is retried, or keeps the event queued).
            let (key, wrapped) = off_runtime(|| self.kms.generate(&self.context))?
                .map_err(|e| QuarantineError(format!("quarantine data key: {e}")))?;
            *current = Some(CurrentKey {
                key,
                wrapped,
                uses: 0,
            });
        }
        let current = current
            .as_mut()
            .ok_or_else(|| QuarantineError("no quarantine data key".to_owned()))?;
        current.uses += 1;
        Ok((current.key.clone(), Some(current.wrapped.clone())))
    }

    fn open_key(&self, wrapped: Option<&[u8]>) -> Result<Zeroizing<[u8; 32]>, QuarantineError> {
        let Some(wrapped) = wrapped else {
            return Err(QuarantineError(
                "the record was encrypted with a local key file, not AWS KMS; open it with \
                 keys.provider = \"local\" and the same state_dir"
                    .to_owned(),
            ));
        };
        let mut opened = self.opened.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(key) = opened.get(wrapped) {
            return Ok(key.clone());
        }
        let key = off_runtime(|| self.kms.decrypt(wrapped, &self.context))?
            .map_err(|e| QuarantineError(format!("unwrap the record's data key: {e}")))?;
        opened.insert(wrapped.to_vec(), key.clone());
        Ok(key)
    }
}
