//! Secret values from config: literal, `env:NAME` or `file:/path`, resolved at build time
//! and never printed.
//!
//! A `SecretRef` is what the operator wrote; a [`secrecy::SecretString`] is what it
//! resolves to. Neither prints its content: `Debug`, `Display` and `Serialize` all give
//! `<redacted>`, so `check-config`, error messages and logs cannot leak a key.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// The text shown wherever a secret would otherwise be printed.
pub const REDACTED: &str = "<redacted>";

/// A secret as written in config.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretRef(String);

/// Where a secret's value comes from, as parsed from its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The value of an environment variable.
    Env(String),
    /// The content of a file, trailing newline trimmed.
    File(PathBuf),
    /// The value written inline in the config file.
    Literal,
}

/// Why a secret could not be resolved. Names the reference, never the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// `env:` with no variable name, or `file:` with no path.
    #[error("`{0}:` needs a name after the colon")]
    EmptyReference(&'static str),
    /// The referenced environment variable is not set.
    #[error("environment variable {0} is not set")]
    EnvMissing(String),
    /// The referenced file could not be read.
    #[error("cannot read secret file {path}: {source}")]
    File {
        /// The file that was named.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The secret resolved to an empty string.
    #[error("secret is empty")]
    Empty,
}

impl SecretRef {
    /// Wraps a reference string (used by tests and by code that builds configs).
    pub fn new(reference: impl Into<String>) -> Self {
        Self(reference.into())
    }

    /// Parses the reference without resolving it.
    pub fn source(&self) -> Result<SecretSource, SecretError> {
        if let Some(name) = self.0.strip_prefix("env:") {
            if name.is_empty() {
                return Err(SecretError::EmptyReference("env"));
            }
            Ok(SecretSource::Env(name.to_owned()))
        } else if let Some(path) = self.0.strip_prefix("file:") {
            if path.is_empty() {
                return Err(SecretError::EmptyReference("file"));
            }
            Ok(SecretSource::File(PathBuf::from(path)))
        } else if self.0.is_empty() {
            Err(SecretError::Empty)
        } else {
            Ok(SecretSource::Literal)
        }
    }

    /// Resolves the reference to its value.
    pub fn resolve(&self) -> Result<SecretString, SecretError> {
        let value = match self.source()? {
            SecretSource::Env(name) => match std::env::var(&name) {
                Ok(v) => v,
                Err(_) => return Err(SecretError::EnvMissing(name)),
            },
            SecretSource::File(path) => match std::fs::read_to_string(&path) {
                Ok(v) => v.trim_end_matches(['\n', '\r']).to_owned(),
                Err(source) => return Err(SecretError::File { path, source }),
            },
            SecretSource::Literal => self.0.clone(),
        };
        if value.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(SecretString::from(value))
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for SecretRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn env_reference_resolves_from_the_environment() {
        // PATH is always set in test processes; no need to mutate the environment.
        let secret = SecretRef::new("env:PATH").resolve().unwrap();
        assert_eq!(secret.expose_secret(), std::env::var("PATH").unwrap());
    }

    #[test]
    fn missing_env_variable_is_named_in_the_error() {
        let err = SecretRef::new("env:PHISCRUB_TEST_SURELY_UNSET_VAR")
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("PHISCRUB_TEST_SURELY_UNSET_VAR"));
    }

    #[test]
    fn file_reference_trims_the_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "s3cret\n").unwrap();
        let secret = SecretRef::new(format!("file:{}", path.display()))
            .resolve()
            .unwrap();
        assert_eq!(secret.expose_secret(), "s3cret");
    }

    #[test]
    fn secrets_never_print() {
        let secret = SecretRef::new("hunter2");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"<redacted>\"");
    }
}
