//! One data key: an AES-256-GCM cipher, the wrapped form that travels with events, and
//! the use counters the cache limits are checked against.
//!
//! The plaintext key lives only inside the cipher's key schedule (the `aes` crate
//! zeroizes it on drop) and in a `Zeroizing` buffer while the cipher is built.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::KeyError;
use super::envelope::Envelope;
use crate::config::KeyCacheConfig;

/// AES-GCM nonce length (96 bits, the only length the ESDK and NIST recommend).
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// Length of a key reference in a token.
pub const KEY_REF_LEN: usize = 8;

/// A data key ready to encrypt or decrypt field values.
pub struct DataKey {
    key_ref: String,
    envelope: String,
    cipher: Aes256Gcm,
    created: Instant,
    uses: AtomicU64,
    bytes: AtomicU64,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("key_ref", &self.key_ref)
            .field("uses", &self.uses.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The short reference to an envelope that tokens carry: base64url of the first six
/// bytes of SHA-256 over the encoded envelope (8 characters).
pub fn key_ref_of(envelope: &str) -> String {
    let digest = Sha256::digest(envelope.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..6])
}

impl DataKey {
    /// Builds a data key from its plaintext and its envelope.
    pub fn new(plaintext: &Zeroizing<[u8; 32]>, envelope: &Envelope) -> Self {
        let envelope = envelope.encode();
        Self {
            key_ref: key_ref_of(&envelope),
            cipher: Aes256Gcm::new(plaintext.as_slice().into()),
            envelope,
            created: Instant::now(),
            uses: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// The reference tokens carry.
    pub fn key_ref(&self) -> &str {
        &self.key_ref
    }

    /// The encoded envelope (wrapped key + context) that travels with the event.
    pub fn envelope(&self) -> &str {
        &self.envelope
    }

    /// Values encrypted so far.
    pub fn uses(&self) -> u64 {
        self.uses.load(Ordering::Relaxed)
    }

    /// Whether the key is still inside every limit (age, uses, bytes).
    pub fn is_usable(&self, limits: &KeyCacheConfig) -> bool {
        self.created.elapsed() < limits.max_age
            && self.uses.load(Ordering::Relaxed) < limits.max_uses
            && self.bytes.load(Ordering::Relaxed) < limits.max_bytes
    }

    /// Whether the key has passed `refresh_at` of any limit, so a successor should be
    /// fetched in the background while this one keeps serving.
    pub fn wants_refresh(&self, limits: &KeyCacheConfig) -> bool {
        let f = limits.refresh_at;
        self.created.elapsed().as_secs_f64() >= limits.max_age.as_secs_f64() * f
            || self.uses.load(Ordering::Relaxed) as f64 >= limits.max_uses as f64 * f
            || self.bytes.load(Ordering::Relaxed) as f64 >= limits.max_bytes as f64 * f
    }

    /// Encrypts `plaintext` with a fresh random nonce, binding `aad`, and appends
    /// `nonce ‖ ciphertext ‖ tag` to `out`. Counts one use and the plaintext bytes.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), KeyError> {
        let uses = self.uses.fetch_add(1, Ordering::Relaxed);
        if uses >= crate::config::validate::MAX_USES_PER_DATA_KEY {
            return Err(KeyError::KeyExhausted);
        }
        self.bytes
            .fetch_add(plaintext.len() as u64, Ordering::Relaxed);
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        out.extend_from_slice(&nonce);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), aad, &mut out[start..])
            .map_err(|_| KeyError::Seal)?;
        out.extend_from_slice(&tag);
        Ok(())
    }

    /// Decrypts `nonce ‖ ciphertext ‖ tag` bound to `aad` into `out` (cleared first).
    pub fn open(&self, aad: &[u8], sealed: &[u8], out: &mut Vec<u8>) -> Result<(), KeyError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(KeyError::Open);
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        out.clear();
        out.extend_from_slice(ciphertext);
        self.cipher
            .decrypt_in_place_detached(Nonce::from_slice(nonce), aad, out, Tag::from_slice(tag))
            .map_err(|_| {
                out.clear();
                KeyError::Open
            })
    }
}
