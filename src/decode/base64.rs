//! Base64 as Firehose and Lambda events carry it: the standard alphabet, padding optional
//! (producers differ), decoded into a caller-owned buffer so workers reuse one allocation.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::DecodeError;

/// Standard alphabet; accepts input with or without `=` padding.
pub const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard alphabet with padding, for what we emit.
pub const STANDARD: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Decodes `text` into `out` (cleared first). `max_bytes` bounds the decoded size and is
/// checked before any work, from the encoded length.
pub fn decode_into(text: &[u8], max_bytes: usize, out: &mut Vec<u8>) -> Result<(), DecodeError> {
    out.clear();
    let estimated = text.len() / 4 * 3 + 3;
    if estimated > max_bytes.saturating_add(3) {
        return Err(DecodeError::TooLarge {
            what: "record",
            limit: max_bytes,
        });
    }
    LENIENT.decode_vec(text, out).map_err(|err| {
        let offset = match err {
            base64::DecodeError::InvalidByte(offset, _)
            | base64::DecodeError::InvalidLastSymbol(offset, _) => offset,
            base64::DecodeError::InvalidLength(len) => len,
            base64::DecodeError::InvalidPadding => text.len(),
        };
        DecodeError::Base64 { offset }
    })?;
    if out.len() > max_bytes {
        return Err(DecodeError::TooLarge {
            what: "record",
            limit: max_bytes,
        });
    }
    Ok(())
}

/// Encodes `bytes` as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_optional() {
        let mut out = Vec::new();
        decode_into(b"aGVsbG8=", 100, &mut out).unwrap();
        assert_eq!(out, b"hello");
        decode_into(b"aGVsbG8", 100, &mut out).unwrap();
        assert_eq!(out, b"hello");
    }

    #[test]
    fn bad_symbol_reports_its_offset_not_the_input() {
        let err = decode_into(b"aGV$bG8=", 100, &mut Vec::new()).unwrap_err();
        assert_eq!(err, DecodeError::Base64 { offset: 3 });
    }

    #[test]
    fn oversize_is_refused_before_decoding() {
        let text = "A".repeat(4000);
        let err = decode_into(text.as_bytes(), 1000, &mut Vec::new()).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { what: "record", .. }));
    }
}
