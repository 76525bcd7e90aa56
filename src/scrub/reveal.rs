//! `reveal`: puts encrypted values back. Finds the event's data-key envelope, unwraps it
//! (KMS `Decrypt` under the configured encryption context, or the local keyring), then
//! decrypts every `enc` token that names that key.
//!
//! Failures are per token: a modified token, a token made under another key, or an
//! envelope that KMS refuses (wrong context) leave those tokens in place and are
//! reported; they never abort the run. When every token of a line is revealed, the
//! envelope is removed too, so the output is the scrubber's input byte for byte.

use std::collections::HashMap;
use std::sync::Arc;

use crate::actions::{Form, next_enc_token, open_token};
use crate::keys::{DataKey, KeyError, KeyService};

use super::{DATA_KEY_FIELD, DATA_KEY_MEMBER};

/// What happened to one line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineReveal {
    /// Tokens decrypted.
    pub revealed: usize,
    /// Tokens that could not be decrypted, with why (no payload).
    pub failed: Vec<String>,
}

/// Where the envelope sits in a line: the bytes to cut and the envelope text.
struct Located<'a> {
    cut: (usize, usize),
    envelope: &'a str,
}

fn locate_envelope(line: &[u8]) -> Option<Located<'_>> {
    // Text: a trailing ` phiscrub_dk=<envelope>`.
    let text_marker = DATA_KEY_FIELD.as_bytes();
    if let Some(at) = memchr::memmem::rfind(line, text_marker) {
        let env = &line[at + text_marker.len()..];
        if !env.is_empty()
            && env
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b))
        {
            return Some(Located {
                cut: (at, line.len()),
                envelope: std::str::from_utf8(env).ok()?,
            });
        }
    }
    // JSON: a last top-level member `"_phiscrub":{"dk":"<envelope>"}` before `}`.
    let member = format!("\"{DATA_KEY_MEMBER}\":{{\"dk\":\"");
    let at = memchr::memmem::rfind(line, member.as_bytes())?;
    let env_start = at + member.len();
    let env_len = line[env_start..].iter().position(|b| *b == b'"')?;
    let env_end = env_start + env_len;
    let after = &line[env_end..];
    if !after.starts_with(b"\"}}") || !after[3..].iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let start = if at > 0 && line[at - 1] == b',' {
        at - 1
    } else {
        at
    };
    Some(Located {
        cut: (start, env_end + 2),
        envelope: std::str::from_utf8(&line[env_start..env_end]).ok()?,
    })
}

/// Reveals scrubbed lines; caches unwrapped data keys per envelope for the run.
pub struct Revealer {
    keys: Arc<KeyService>,
    opened: HashMap<String, Result<Arc<DataKey>, String>>,
    aad: Vec<u8>,
    sealed: Vec<u8>,
    plain: Vec<u8>,
    data_keys_used: usize,
}

impl std::fmt::Debug for Revealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revealer").finish_non_exhaustive()
    }
}

impl Revealer {
    /// A revealer using `keys` (same provider and encryption context as the scrubber).
    pub fn new(keys: Arc<KeyService>) -> Self {
        Self {
            keys,
            opened: HashMap::new(),
            aad: Vec::new(),
            sealed: Vec::new(),
            plain: Vec::new(),
            data_keys_used: 0,
        }
    }

    /// Distinct data keys unwrapped so far.
    pub fn data_keys_used(&self) -> usize {
        self.data_keys_used
    }

    fn open(&mut self, envelope: &str) -> Result<Arc<DataKey>, String> {
        if let Some(result) = self.opened.get(envelope) {
            return result.clone();
        }
        let result = self
            .keys
            .open_envelope(envelope)
            .map(Arc::new)
            .map_err(|e| e.to_string());
        if result.is_ok() {
            self.data_keys_used += 1;
        }
        self.opened.insert(envelope.to_owned(), result.clone());
        result
    }

    /// Writes `line` with every token it can decrypt restored to `out` (no newline).
    pub fn reveal_line(&mut self, line: &[u8], out: &mut Vec<u8>) -> LineReveal {
        let mut report = LineReveal::default();
        let located = locate_envelope(line);
        let key = located.as_ref().map(|l| self.open(l.envelope));
        let cut = located.as_ref().map(|l| l.cut);
        let start_len = out.len();
        let mut pos = 0;
        let mut from = 0;
        while let Some(token) = next_enc_token(line, from) {
            from = token.end;
            if cut.is_some_and(|(s, e)| token.start >= s && token.start < e) {
                continue;
            }
            let key = match &key {
                None => {
                    report
                        .failed
                        .push("no data key (phiscrub_dk) in the line".to_owned());
                    continue;
                }
                Some(Err(err)) => {
                    report.failed.push(err.clone());
                    continue;
                }
                Some(Ok(key)) => key,
            };
            if token.key_ref != key.key_ref() {
                report
                    .failed
                    .push("token names a data key that is not in this line".to_owned());
                continue;
            }
            let form = match open_token(
                key,
                &token,
                &mut self.aad,
                &mut self.sealed,
                &mut self.plain,
            ) {
                Ok(form) => form,
                Err(err) => {
                    report.failed.push(err.to_string());
                    continue;
                }
            };
            let (s, e) = match form {
                Form::InPlace => (token.start, token.end),
                Form::Quoted => {
                    if token.start == 0
                        || line[token.start - 1] != b'"'
                        || line.get(token.end) != Some(&b'"')
                    {
                        report.failed.push(KeyError::Open.to_string());
                        continue;
                    }
                    (token.start - 1, token.end + 1)
                }
            };
            if s < pos {
                report.failed.push("overlapping tokens".to_owned());
                continue;
            }
            out.extend_from_slice(&line[pos..s]);
            out.extend_from_slice(&self.plain);
            zeroize::Zeroize::zeroize(&mut self.plain);
            pos = e;
            report.revealed += 1;
        }
        // The envelope goes only when this line's tokens were all revealed: a line
        // without tokens keeps a `phiscrub_dk=`-looking tail it may have had as input.
        match cut {
            Some((s, e)) if report.revealed > 0 && report.failed.is_empty() && s >= pos => {
                out.extend_from_slice(&line[pos..s]);
                out.extend_from_slice(&line[e..]);
            }
            _ => out.extend_from_slice(&line[pos..]),
        }
        debug_assert!(out.len() >= start_len);
        report
    }
}
