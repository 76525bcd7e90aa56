//! Gzip, recognised by its magic bytes and always decompressed under a byte cap.
//!
//! `MultiGzDecoder` because Firehose-to-S3 objects are concatenated gzip members (see
//! PROTOCOLS.md §1.2); reading through `take(cap + 1)` means a bomb stops after `cap + 1`
//! bytes of output however small its input.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::DecodeError;

/// The two bytes every gzip member starts with.
pub const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `bytes` starts with the gzip magic.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// Decompresses `input` into `out` (cleared first), failing once the output would exceed
/// `cap` bytes. `what` names the bound in the error.
pub fn gunzip_into(
    input: &[u8],
    cap: usize,
    what: &'static str,
    limit_shown: usize,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    out.clear();
    let cap_plus_one = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut reader = MultiGzDecoder::new(input).take(cap_plus_one);
    match reader.read_to_end(out) {
        Ok(_) if out.len() > cap => {
            out.clear();
            Err(DecodeError::TooLarge {
                what,
                limit: limit_shown,
            })
        }
        Ok(_) => Ok(()),
        Err(err) => {
            out.clear();
            Err(match err.kind() {
                std::io::ErrorKind::UnexpectedEof => DecodeError::GzipTruncated,
                _ => DecodeError::GzipCorrupt,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn round_trips_and_concatenated_members_join() {
        let mut both = gzip(b"hello ");
        both.extend(gzip(b"world"));
        let mut out = Vec::new();
        gunzip_into(&both, 100, "x", 100, &mut out).unwrap();
        assert_eq!(out, b"hello world");
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![0u8; 10 * 1024 * 1024]);
        assert!(bomb.len() < 20_000);
        let mut out = Vec::new();
        let err = gunzip_into(
            &bomb,
            1024 * 1024,
            "decompressed record",
            1024 * 1024,
            &mut out,
        )
        .unwrap_err();
        assert_eq!(
            err,
            DecodeError::TooLarge {
                what: "decompressed record",
                limit: 1024 * 1024
            }
        );
        assert!(out.capacity() <= 4 * 1024 * 1024, "{}", out.capacity());
    }

    #[test]
    fn truncated_and_corrupt_are_told_apart() {
        let whole = gzip(b"some log line that is long enough to matter");
        let mut out = Vec::new();
        assert_eq!(
            gunzip_into(&whole[..whole.len() - 6], 1000, "x", 1000, &mut out),
            Err(DecodeError::GzipTruncated)
        );
        let mut corrupt = whole.clone();
        corrupt[12] ^= 0xff;
        corrupt[13] ^= 0xff;
        assert!(gunzip_into(&corrupt, 1000, "x", 1000, &mut out).is_err());
    }
}
