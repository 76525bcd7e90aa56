//! `tokenize`: keyed, deterministic tokens, `[SSN:tok_<16 base32 chars>]`.
//!
//! The token is HMAC-SHA256(key, type ‖ 0x1F ‖ normalised value), base32, truncated to
//! 16 characters (80 bits). Unlike an unkeyed hash (what Vector and Fluent Bit offer),
//! an SSN token cannot be reversed by hashing all 10^9 SSNs without the key. The same
//! value under the same key always gives the same token, so SIEM joins keep working;
//! values are normalised first (digits only for numeric identifiers, lower case for
//! email) so that `123-45-6789` and `123456789` correlate.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::detect::PhiType;

/// Characters of base32 kept in a token.
pub const TOKEN_CHARS: usize = 16;

/// The HMAC key, pre-keyed (cloned per token, so the key schedule is computed once).
#[derive(Clone)]
pub struct Tokenizer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokenizer(<key redacted>)")
    }
}

impl Tokenizer {
    /// A tokenizer keyed with `key` (any length; HMAC pads or hashes it).
    pub fn new(key: &Zeroizing<Vec<u8>>) -> Self {
        Self {
            // HMAC accepts keys of any length, so this cannot fail.
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length"),
        }
    }

    /// Writes `[TYPE:tok_…]` for `value`; `scratch` is reused for normalisation.
    pub fn render(
        &self,
        phi_type: PhiType,
        value: &[u8],
        scratch: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) {
        scratch.clear();
        normalise(phi_type, value, scratch);
        let mut mac = self.mac.clone();
        mac.update(phi_type.as_str().as_bytes());
        mac.update(&[0x1F]);
        mac.update(scratch);
        let digest = mac.finalize().into_bytes();
        out.push(b'[');
        out.extend_from_slice(phi_type.as_str().as_bytes());
        out.extend_from_slice(b":tok_");
        // 10 bytes = exactly 16 base32 characters, no padding.
        let mut encoded = [0u8; TOKEN_CHARS];
        data_encoding::BASE32_NOPAD.encode_mut(&digest[..10], &mut encoded);
        out.extend(encoded.iter().map(u8::to_ascii_lowercase));
        out.push(b']');
    }
}

fn normalise(phi_type: PhiType, value: &[u8], out: &mut Vec<u8>) {
    match phi_type {
        PhiType::Ssn
        | PhiType::Phone
        | PhiType::Fax
        | PhiType::CreditCard
        | PhiType::Npi
        | PhiType::Zip => out.extend(value.iter().filter(|b| b.is_ascii_alphanumeric())),
        PhiType::Email => out.extend(value.iter().map(u8::to_ascii_lowercase)),
        _ => out.extend_from_slice(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(key: &[u8], t: PhiType, v: &str) -> String {
        let tok = Tokenizer::new(&Zeroizing::new(key.to_vec()));
        let mut out = Vec::new();
        tok.render(t, v.as_bytes(), &mut Vec::new(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tokens_are_deterministic_per_key_and_differ_across_keys() {
        let a = token(b"key-a", PhiType::Ssn, "123-45-6789");
        assert_eq!(a, token(b"key-a", PhiType::Ssn, "123-45-6789"));
        assert_ne!(a, token(b"key-b", PhiType::Ssn, "123-45-6789"));
        assert!(a.starts_with("[SSN:tok_") && a.ends_with(']'));
        assert_eq!(a.len(), "[SSN:tok_]".len() + TOKEN_CHARS);
    }

    #[test]
    fn formatting_does_not_break_correlation_but_type_does() {
        assert_eq!(
            token(b"k", PhiType::Ssn, "123-45-6789"),
            token(b"k", PhiType::Ssn, "123456789")
        );
        assert_eq!(
            token(b"k", PhiType::Email, "Ann@Example.org"),
            token(b"k", PhiType::Email, "ann@example.org")
        );
        assert_ne!(
            token(b"k", PhiType::Ssn, "123456789")[5..],
            token(b"k", PhiType::Mrn, "123456789")[5..]
        );
    }
}
