//! `keys.provider = "local"`: an AES-256 key-encryption key (KEK) in a file under
//! `state_dir`, wrapping data keys the way the AWS Encryption SDK's raw AES keyring does
//! (AES-256-GCM, random 96-bit IV, the serialised encryption context as AAD).
//!
//! The file is created with mode 0600 on first run, with a loud log line: a key on the
//! same disk as the data protects against a SIEM reader, not against the host. Use
//! `aws-kms` in production.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::KeyError;
use super::envelope::serialize_context;

/// Magic prefix of a locally wrapped data key.
const MAGIC: &[u8; 4] = b"PSK1";
/// Bytes of the KEK id in a wrapped key.
const KEK_ID_LEN: usize = 4;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The local key-encryption key.
pub struct LocalKek {
    cipher: Aes256Gcm,
    id: [u8; KEK_ID_LEN],
    path: PathBuf,
}

impl std::fmt::Debug for LocalKek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKek")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Reads a 32-byte secret file, creating it (0600, in a 0700 folder) when missing.
/// Returns the key and whether it was created.
pub fn load_or_create_key_file(path: &Path) -> Result<(Zeroizing<[u8; 32]>, bool), KeyError> {
    let io = |source| KeyError::KeyFile {
        path: path.to_owned(),
        source,
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let key: [u8; 32] =
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::KeyFileLength {
                        path: path.to_owned(),
                    })?;
            Ok((Zeroizing::new(key), false))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                create_private_dir(dir).map_err(io)?;
            }
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(key.as_mut_slice());
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(key.as_slice()).map_err(io)?;
                    file.sync_all().map_err(io)?;
                    Ok((key, true))
                }
                // Another process created it first: use theirs.
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    load_or_create_key_file(path)
                }
                Err(err) => Err(io(err)),
            }
        }
        Err(err) => Err(io(err)),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

impl LocalKek {
    /// The KEK file under `state_dir`.
    pub fn path_in(state_dir: &Path) -> PathBuf {
        state_dir.join("keys").join("local-kek.bin")
    }

    /// Loads the KEK, creating it on first run with a loud warning.
    pub fn load_or_create(state_dir: &Path) -> Result<Self, KeyError> {
        let path = Self::path_in(state_dir);
        let (key, created) = load_or_create_key_file(&path)?;
        if created {
            tracing::warn!(
                path = %path.display(),
                "LOCAL USE ONLY: generated a local key-encryption key for encrypt actions; \
                 anyone who can read this file can decrypt enc tokens. Use keys.provider = \
                 \"aws-kms\" in production"
            );
        }
        let digest = Sha256::digest(key.as_slice());
        let mut id = [0u8; KEK_ID_LEN];
        id.copy_from_slice(&digest[..KEK_ID_LEN]);
        Ok(Self {
            cipher: Aes256Gcm::new(key.as_slice().into()),
            id,
            path,
        })
    }

    /// A short, non-secret id of this KEK (hex), for audit records.
    pub fn id_hex(&self) -> String {
        self.id.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A fresh random data key and its wrapped form under `context`.
    pub fn generate(
        &self,
        context: &BTreeMap<String, String>,
    ) -> Result<(Zeroizing<[u8; 32]>, Vec<u8>), KeyError> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut_slice());
        let mut iv = [0u8; IV_LEN];
        rand::rngs::OsRng.fill_bytes(&mut iv);
        let mut blob = Vec::with_capacity(MAGIC.len() + KEK_ID_LEN + IV_LEN + 32 + TAG_LEN);
        blob.extend_from_slice(MAGIC);
        blob.extend_from_slice(&self.id);
        blob.extend_from_slice(&iv);
        let start = blob.len();
        blob.extend_from_slice(key.as_slice());
        let tag = self
            .cipher
            .encrypt_in_place_detached(
                Nonce::from_slice(&iv),
                &serialize_context(context),
                &mut blob[start..],
            )
            .map_err(|_| KeyError::Seal)?;
        blob.extend_from_slice(&tag);
        Ok((key, blob))
    }

    /// Unwraps a data key; fails for another KEK, a different context or a modified blob.
    pub fn decrypt(
        &self,
        blob: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let header = MAGIC.len() + KEK_ID_LEN + IV_LEN;
        if blob.len() != header + 32 + TAG_LEN || &blob[..MAGIC.len()] != MAGIC {
            return Err(KeyError::BadEnvelope("not a locally wrapped key"));
        }
        if blob[MAGIC.len()..MAGIC.len() + KEK_ID_LEN] != self.id {
            return Err(KeyError::WrongKek);
        }
        let iv = &blob[MAGIC.len() + KEK_ID_LEN..header];
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&blob[header..header + 32]);
        self.cipher
            .decrypt_in_place_detached(
                Nonce::from_slice(iv),
                &serialize_context(context),
                key.as_mut_slice(),
                Tag::from_slice(&blob[header + 32..]),
            )
            .map_err(|_| KeyError::UnwrapRejected)?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn kek_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = LocalKek::load_or_create(dir.path()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(LocalKek::path_in(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = LocalKek::load_or_create(dir.path()).unwrap();
        assert_eq!(a.id, b.id);
        let context = ctx(&[("app", "phiscrub")]);
        let (key, blob) = a.generate(&context).unwrap();
        assert_eq!(*b.decrypt(&blob, &context).unwrap(), *key);
    }

    #[test]
    fn wrong_context_or_tampered_blob_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let kek = LocalKek::load_or_create(dir.path()).unwrap();
        let context = ctx(&[("app", "phiscrub")]);
        let (_, mut blob) = kek.generate(&context).unwrap();
        assert!(matches!(
            kek.decrypt(&blob, &ctx(&[("app", "other")])),
            Err(KeyError::UnwrapRejected)
        ));
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert!(matches!(
            kek.decrypt(&blob, &context),
            Err(KeyError::UnwrapRejected)
        ));
    }

    #[test]
    fn another_kek_is_named_as_such() {
        let a = LocalKek::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        let b = LocalKek::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        let context = ctx(&[]);
        let (_, blob) = a.generate(&context).unwrap();
        assert!(matches!(
            b.decrypt(&blob, &context),
            Err(KeyError::WrongKek)
        ));
    }
}
