//! Shared-secret checks for the ingest routes: Firehose access keys (a list, for rotation)
//! and bearer tokens, compared in constant time.
//!
//! Both sides are hashed with SHA-256 first, so the comparison is over equal-length
//! digests and leaks neither content nor length; every configured key is compared on
//! every request (no early exit), so timing does not reveal which key matched either.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::config::SecretRef;
use crate::config::secret::{SecretError, SecretSource};

/// File under `state_dir` holding the generated Firehose access key.
pub const GENERATED_KEY_FILE: &str = "firehose-access-key";

/// Why credentials could not be prepared at start-up.
#[derive(Debug, thiserror::Error)]
pub enum AuthBuildError {
    /// A secret reference could not be resolved.
    #[error("{key}: {source}")]
    Secret {
        /// The config key.
        key: String,
        /// Why.
        source: SecretError,
    },
    /// The generated key file could not be written or read.
    #[error("cannot use generated access key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The outcome of a credential check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOutcome {
    /// A configured key matched, or none is required and none was sent.
    Allowed,
    /// No key was presented and one is required.
    Missing,
    /// A key was presented and matched none.
    Invalid,
}

/// Accepted secrets, kept only as digests.
#[derive(Clone)]
pub struct AccessKeys {
    digests: Vec<[u8; 32]>,
    allow_missing: bool,
}

impl std::fmt::Debug for AccessKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeys")
            .field("keys", &self.digests.len())
            .field("allow_missing", &self.allow_missing)
            .finish()
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl AccessKeys {
    /// Accepts any of `keys`; a request without a key passes only if `allow_missing`.
    pub fn new(keys: &[SecretString], allow_missing: bool) -> Self {
        Self {
            digests: keys
                .iter()
                .map(|k| digest(k.expose_secret().as_bytes()))
                .collect(),
            allow_missing,
        }
    }

    /// Checks a presented key (`None` when the header was absent).
    pub fn check(&self, presented: Option<&[u8]>) -> AuthOutcome {
        let Some(presented) = presented else {
            return if self.allow_missing {
                AuthOutcome::Allowed
            } else {
                AuthOutcome::Missing
            };
        };
        let wanted = digest(presented);
        let matched = self
            .digests
            .iter()
            .fold(Choice::from(0), |acc, d| acc | d.ct_eq(&wanted));
        if bool::from(matched) {
            AuthOutcome::Allowed
        } else {
            AuthOutcome::Invalid
        }
    }
}

/// Resolves the Firehose access keys. An `env:` reference whose variable is unset falls
/// back to a random key generated into `state_dir` (mode 0600) on first run, reused after,
/// and logged by path (never by value), so the embedded default runs without setup yet is
/// never open.
pub fn resolve_firehose_keys(
    refs: &[SecretRef],
    state_dir: &Path,
) -> Result<Vec<SecretString>, AuthBuildError> {
    let mut keys = Vec::with_capacity(refs.len());
    for (i, reference) in refs.iter().enumerate() {
        match reference.resolve() {
            Ok(key) => keys.push(key),
            Err(SecretError::EnvMissing(name))
                if matches!(reference.source(), Ok(SecretSource::Env(_))) =>
            {
                let path = state_dir.join(GENERATED_KEY_FILE);
                let key = generated_key(&path)?;
                tracing::warn!(
                    variable = %name,
                    key_file = %path.display(),
                    "firehose access key variable is unset; using the generated key in key_file"
                );
                keys.push(key);
            }
            Err(source) => {
                return Err(AuthBuildError::Secret {
                    key: format!("sources.firehose.access_keys[{i}]"),
                    source,
                });
            }
        }
    }
    Ok(keys)
}

fn generated_key(path: &Path) -> Result<SecretString, AuthBuildError> {
    let io = |source| AuthBuildError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(io)?;
        let key = text.trim_end_matches(['\n', '\r']).to_owned();
        if !key.is_empty() {
            return Ok(SecretString::from(key));
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let bytes: [u8; 32] = rand::random();
    let key = data_encoding::HEXLOWER.encode(&bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(key.as_bytes()).map_err(io)?;
    file.write_all(b"\n").map_err(io)?;
    Ok(SecretString::from(key))
}

/// Resolves an optional bearer token.
pub fn resolve_token(
    key: &str,
    token: Option<&SecretRef>,
) -> Result<Option<SecretString>, AuthBuildError> {
    token
        .map(|t| {
            t.resolve().map_err(|source| AuthBuildError::Secret {
                key: key.to_owned(),
                source,
            })
        })
        .transpose()
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: Option<&[u8]>) -> Option<&[u8]> {
    let value = header?;
    let prefix = b"Bearer ";
    (value.len() > prefix.len() && value[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &value[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str], allow_missing: bool) -> AccessKeys {
        let secrets: Vec<SecretString> = list.iter().map(|k| SecretString::from(*k)).collect();
        AccessKeys::new(&secrets, allow_missing)
    }

    #[test]
    fn any_configured_key_is_accepted_for_rotation() {
        let k = keys(&["old", "new"], false);
        assert_eq!(k.check(Some(b"old")), AuthOutcome::Allowed);
        assert_eq!(k.check(Some(b"new")), AuthOutcome::Allowed);
        assert_eq!(k.check(Some(b"ne")), AuthOutcome::Invalid);
        assert_eq!(k.check(None), AuthOutcome::Missing);
        assert!(!format!("{k:?}").contains("old"));
    }

    #[test]
    fn missing_key_passes_only_when_explicitly_allowed() {
        let k = keys(&["a"], true);
        assert_eq!(k.check(None), AuthOutcome::Allowed);
        assert_eq!(k.check(Some(b"b")), AuthOutcome::Invalid);
        assert_eq!(keys(&[], false).check(None), AuthOutcome::Missing);
        assert_eq!(keys(&[], true).check(None), AuthOutcome::Allowed);
    }

    #[test]
    fn unset_env_key_generates_a_private_key_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let refs = [SecretRef::new("env:PHISCRUB_TEST_SURELY_UNSET_KEY_VAR")];
        let first = resolve_firehose_keys(&refs, dir.path()).unwrap();
        let again = resolve_firehose_keys(&refs, dir.path()).unwrap();
        assert_eq!(first[0].expose_secret(), again[0].expose_secret());
        assert_eq!(first[0].expose_secret().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(GENERATED_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn bearer_prefix_is_case_insensitive() {
        assert_eq!(bearer(Some(b"Bearer abc")), Some(&b"abc"[..]));
        assert_eq!(bearer(Some(b"bearer abc")), Some(&b"abc"[..]));
        assert_eq!(bearer(Some(b"Basic abc")), None);
        assert_eq!(bearer(None), None);
    }
}
