//! `encrypt`: the `enc` token, `[SSN:enc:v1:<key ref>:<base64url(nonce‖ciphertext‖tag)>]`.
//!
//! The sealed plaintext is one *form* byte followed by the exact input bytes the token
//! replaced, so `reveal` restores the input byte for byte: form 0 means "put the bytes
//! where the token is"; form 1 means "the token was wrapped in JSON quotes that were not
//! in the input (a number, object or other non-string value was replaced by a string);
//! remove them too". The AAD binds the token's type and key reference, so a token cannot
//! be relabelled or moved to another data key without failing authentication.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::detect::PhiType;
use crate::keys::{DataKey, KeyError};

/// The token's version tag.
pub const TOKEN_VERSION: &str = "v1";
/// The marker that follows the type in an `enc` token.
pub const ENC_MARKER: &[u8] = b":enc:v1:";

/// How a revealed value goes back in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The token stands exactly where the bytes were.
    InPlace = 0,
    /// The token is inside JSON quotes that the scrubber added.
    Quoted = 1,
}

impl Form {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(Form::InPlace),
            1 => Some(Form::Quoted),
            _ => None,
        }
    }
}

/// The AAD for a token: type and key reference.
pub fn token_aad(phi_type: PhiType, key_ref: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(b"phiscrub:enc:v1:");
    out.extend_from_slice(phi_type.as_str().as_bytes());
    out.push(b':');
    out.extend_from_slice(key_ref.as_bytes());
}

/// Reusable buffers for building tokens.
#[derive(Debug, Default)]
pub struct EncryptScratch {
    aad: Vec<u8>,
    plain: Vec<u8>,
    sealed: Vec<u8>,
}

/// Writes the `enc` token for `raw` to `out`.
pub fn render_encrypt(
    key: &DataKey,
    phi_type: PhiType,
    raw: &[u8],
    form: Form,
    scratch: &mut EncryptScratch,
    out: &mut Vec<u8>,
) -> Result<(), KeyError> {
    token_aad(phi_type, key.key_ref(), &mut scratch.aad);
    scratch.plain.clear();
    scratch.plain.push(form as u8);
    scratch.plain.extend_from_slice(raw);
    scratch.sealed.clear();
    key.seal(&scratch.aad, &scratch.plain, &mut scratch.sealed)?;
    out.push(b'[');
    out.extend_from_slice(phi_type.as_str().as_bytes());
    out.extend_from_slice(ENC_MARKER);
    out.extend_from_slice(key.key_ref().as_bytes());
    out.push(b':');
    let start = out.len();
    let encoded_len = base64::encoded_len(scratch.sealed.len(), false).ok_or(KeyError::Seal)?;
    out.resize(start + encoded_len, 0);
    URL_SAFE_NO_PAD
        .encode_slice(&scratch.sealed, &mut out[start..])
        .map_err(|_| KeyError::Seal)?;
    out.push(b']');
    // Plaintext bytes must not linger in a reused buffer.
    zeroize::Zeroize::zeroize(&mut scratch.plain);
    Ok(())
}

/// A parsed `enc` token found in scrubbed text.
#[derive(Debug, Clone, Copy)]
pub struct EncToken<'a> {
    /// Byte offset of `[`.
    pub start: usize,
    /// One past `]`.
    pub end: usize,
    /// The type it claims.
    pub phi_type: PhiType,
    /// The data key it names.
    pub key_ref: &'a str,
    /// base64url of nonce‖ciphertext‖tag.
    pub sealed_b64: &'a [u8],
}

/// Finds the next syntactically valid `enc` token at or after `from`.
pub fn next_enc_token(line: &[u8], mut from: usize) -> Option<EncToken<'_>> {
    let finder = memchr::memmem::Finder::new(ENC_MARKER);
    while let Some(rel) = finder.find(&line[from..]) {
        let marker = from + rel;
        from = marker + ENC_MARKER.len();
        // Type: uppercase letters, digits and `_` back to `[`.
        let mut start = marker;
        while start > 0
            && (line[start - 1].is_ascii_uppercase()
                || line[start - 1] == b'_'
                || line[start - 1].is_ascii_digit())
        {
            start -= 1;
        }
        if start == 0 || line[start - 1] != b'[' {
            continue;
        }
        let Some(phi_type) = std::str::from_utf8(&line[start..marker])
            .ok()
            .and_then(|t| t.parse::<PhiType>().ok())
        else {
            continue;
        };
        let rest = &line[from..];
        let Some(colon) = memchr::memchr(b':', rest) else {
            continue;
        };
        let Ok(key_ref) = std::str::from_utf8(&rest[..colon]) else {
            continue;
        };
        let b64 = &rest[colon + 1..];
        let len = b64
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
            .count();
        if b64.get(len) != Some(&b']') || len == 0 {
            continue;
        }
        return Some(EncToken {
            start: start - 1,
            end: from + colon + 1 + len + 1,
            phi_type,
            key_ref,
            sealed_b64: &b64[..len],
        });
    }
    None
}

/// Decrypts a token with `key`; returns the form and writes the original bytes to `out`.
pub fn open_token(
    key: &DataKey,
    token: &EncToken<'_>,
    aad: &mut Vec<u8>,
    sealed: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<Form, KeyError> {
    sealed.clear();
    *sealed = URL_SAFE_NO_PAD
        .decode(token.sealed_b64)
        .map_err(|_| KeyError::Open)?;
    token_aad(token.phi_type, token.key_ref, aad);
    key.open(aad, sealed, out)?;
    let form = out
        .first()
        .copied()
        .and_then(Form::from_byte)
        .ok_or(KeyError::Open)?;
    out.remove(0);
    Ok(form)
}
