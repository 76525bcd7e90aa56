//! The wrapped data key as it travels with an event, and the encryption context it is
//! bound to.
//!
//! Encoded form (what follows `phiscrub_dk=` on a text line, or the `_phiscrub.dk` member
//! of a JSON event): `v1.<provider>.<base64url wrapped key>[.<base64url log group>]`.
//! Only the variable part of the encryption context (the log group, when
//! `keys.context_log_group` is on) travels; the fixed part comes from `reveal`'s config,
//! so a reveal with a different context fails, as KMS enforces.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::KeyError;

/// Which provider wrapped a data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// The local key-encryption key file.
    Local,
    /// AWS KMS.
    AwsKms,
}

impl ProviderKind {
    fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Local => "local",
            ProviderKind::AwsKms => "kms",
        }
    }
}

/// A wrapped data key and the variable part of its encryption context.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The provider that wrapped it.
    pub provider: ProviderKind,
    /// The wrapped key (KMS `CiphertextBlob`, or the local keyring's blob).
    pub blob: Vec<u8>,
    /// The log group in the encryption context, when bound to one.
    pub log_group: Option<String>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("provider", &self.provider)
            .field("blob_len", &self.blob.len())
            .finish_non_exhaustive()
    }
}

impl Envelope {
    /// The encoded form.
    pub fn encode(&self) -> String {
        let mut s = format!(
            "v1.{}.{}",
            self.provider.as_str(),
            URL_SAFE_NO_PAD.encode(&self.blob)
        );
        if let Some(group) = &self.log_group {
            s.push('.');
            s.push_str(&URL_SAFE_NO_PAD.encode(group.as_bytes()));
        }
        s
    }

    /// Parses the encoded form.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        let mut parts = s.split('.');
        if parts.next() != Some("v1") {
            return Err(KeyError::BadEnvelope("unknown version"));
        }
        let provider = match parts.next() {
            Some("local") => ProviderKind::Local,
            Some("kms") => ProviderKind::AwsKms,
            _ => return Err(KeyError::BadEnvelope("unknown provider")),
        };
        let blob = parts
            .next()
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .filter(|b| !b.is_empty())
            .ok_or(KeyError::BadEnvelope("wrapped key is not base64url"))?;
        let log_group = match parts.next() {
            None => None,
            Some(g) => Some(
                URL_SAFE_NO_PAD
                    .decode(g)
                    .ok()
                    .and_then(|g| String::from_utf8(g).ok())
                    .ok_or(KeyError::BadEnvelope("log group is not base64url UTF-8"))?,
            ),
        };
        if parts.next().is_some() {
            return Err(KeyError::BadEnvelope("trailing fields"));
        }
        Ok(Self {
            provider,
            blob,
            log_group,
        })
    }
}

/// The full encryption context for a data key: the configured map plus `log_group`.
pub fn full_context(
    base: &BTreeMap<String, String>,
    log_group: Option<&str>,
) -> BTreeMap<String, String> {
    let mut context = base.clone();
    if let Some(group) = log_group {
        context.insert("log_group".to_owned(), group.to_owned());
    }
    context
}

/// Serialises a context as the AWS Encryption SDK does for AAD: a u16 pair count, then
/// each pair sorted by key as (u16 length, key, u16 length, value), big-endian.
pub fn serialize_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(context.len() as u16).to_be_bytes());
    for (k, v) in context {
        out.extend_from_slice(&(k.len() as u16).to_be_bytes());
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(&(v.len() as u16).to_be_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_round_trip() {
        for log_group in [None, Some("/aws/lambda/intake".to_owned())] {
            let env = Envelope {
                provider: ProviderKind::AwsKms,
                blob: vec![1, 2, 3, 250],
                log_group,
            };
            assert_eq!(Envelope::parse(&env.encode()).unwrap(), env);
        }
    }

    #[test]
    fn malformed_envelopes_are_errors() {
        for bad in [
            "",
            "v2.kms.AQID",
            "v1.gcp.AQID",
            "v1.kms.",
            "v1.kms.AQID.@@",
            "v1.kms.AQID.YQ.x",
        ] {
            assert!(Envelope::parse(bad).is_err(), "{bad}");
        }
    }
}
