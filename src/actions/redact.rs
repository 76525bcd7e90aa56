//! `mask` and `partial`: replacements computed from the type name and the value alone.

use crate::detect::PhiType;

/// A parsed mask template: literal parts around `{type}` placeholders.
#[derive(Debug, Clone)]
pub struct MaskTemplate {
    parts: Vec<String>,
}

impl MaskTemplate {
    /// Parses a template such as `[{type}]`.
    pub fn new(template: &str) -> Self {
        Self {
            parts: template.split("{type}").map(str::to_owned).collect(),
        }
    }

    /// Writes the mask for `phi_type`.
    pub fn render(&self, phi_type: PhiType, out: &mut Vec<u8>) {
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(phi_type.as_str().as_bytes());
            }
            out.extend_from_slice(part.as_bytes());
        }
    }
}

/// Writes `value` with every letter and digit replaced by `*` except the last `keep`
/// ones, and at most half of them, so that short values are never mostly revealed
/// (`123-45-6789` with keep 4 → `***-**-6789`). Separators stay; every non-ASCII
/// character becomes one `*`.
pub fn partial(value: &[u8], keep: usize, out: &mut Vec<u8>) {
    let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    let keep = keep.min(alnum / 2);
    let hide = alnum - keep;
    let mut seen = 0;
    for &b in value {
        if b.is_ascii_alphanumeric() {
            seen += 1;
            out.push(if seen > hide { b } else { b'*' });
        } else if b < 0x80 {
            out.push(b);
        } else if b >= 0xC0 {
            // A UTF-8 lead byte: one `*` per character (continuation bytes are skipped).
            out.push(b'*');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_uses_the_template() {
        let mut out = Vec::new();
        MaskTemplate::new("[{type}]").render(PhiType::Ssn, &mut out);
        MaskTemplate::new("<redacted {type}/{type}>").render(PhiType::Email, &mut out);
        assert_eq!(out, b"[SSN]<redacted EMAIL/EMAIL>");
    }

    #[test]
    fn partial_keeps_the_tail() {
        let mut out = Vec::new();
        partial(b"123-45-6789", 4, &mut out);
        assert_eq!(out, b"***-**-6789");
    }

    #[test]
    fn partial_never_reveals_more_than_half() {
        let mut out = Vec::new();
        partial(b"12345", 4, &mut out);
        assert_eq!(out, b"***45");
        out.clear();
        partial("Zoë".as_bytes(), 4, &mut out);
        assert_eq!(out, b"*o*");
    }
}
