//! Streaming JSON scrubbing: one pass over the raw bytes, copying everything it does not
//! change, so key order, whitespace, number spelling and escapes survive exactly (which
//! is also what lets `reveal` restore an encrypted event byte for byte).
//!
//! Why not a DOM (`serde_json::Value`): it allocates per value, re-spells numbers and
//! escapes, and loses the exact input `reveal` must give back.
//!
//! Paths for key-path rules are the object keys from the root; array levels are
//! transparent (`patients[3].ssn` is `patients.ssn`). Object keys themselves are not
//! scanned (they are schema, and replacing one would change the document's shape).

use crate::actions::Form;
use crate::config::ActionName;
use crate::detect::PhiType;

use super::{Actor, DATA_KEY_MEMBER, MAX_JSON_DEPTH, ScrubError, spans};

/// Appends `bytes` escaped as JSON string content.
pub fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1F => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
            _ => out.push(b),
        }
    }
}

/// What the caller of a member value must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Keep,
    /// Remove the whole member (a `drop` action applied).
    DropMember,
}

/// Reusable buffers and per-document facts.
#[derive(Debug, Default)]
pub struct JsonState {
    path: Vec<String>,
    path_len: usize,
    decoded: Vec<u8>,
    map: Vec<usize>,
    /// Output offset of the top-level object's closing brace, and whether it has members.
    top_close: Option<(usize, bool)>,
    has_reserved: bool,
}

struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn err(&self, problem: &'static str) -> ScrubError {
        ScrubError::InvalidJson {
            offset: self.pos,
            problem,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn copy_ws(&mut self, out: &mut Vec<u8>) {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
        out.extend_from_slice(&self.input[start..self.pos]);
    }

    /// Consumes a string starting at `"`; returns the raw content span (without quotes).
    fn string_span(&mut self) -> Result<(usize, usize), ScrubError> {
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string"));
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            let rel = memchr::memchr3(b'"', b'\\', b'\n', &self.input[self.pos..])
                .ok_or_else(|| self.err("unterminated string"))?;
            self.pos += rel;
            match self.input[self.pos] {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    if self.input[start..end].iter().any(|b| *b < 0x20) {
                        return Err(self.err("control character in string"));
                    }
                    return Ok((start, end));
                }
                b'\\' => {
                    if self.pos + 1 >= self.input.len() {
                        return Err(self.err("unterminated escape"));
                    }
                    self.pos += 2;
                }
                _ => return Err(self.err("control character in string")),
            }
        }
    }

    /// Consumes a number; returns its raw span.
    fn number_span(&mut self) -> Result<(usize, usize), ScrubError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |c: &mut Self| {
            let s = c.pos;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.pos += 1;
            }
            c.pos > s
        };
        if !digits(self) {
            return Err(self.err("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        Ok((start, self.pos))
    }

    fn literal(&mut self) -> Result<(usize, usize), ScrubError> {
        let start = self.pos;
        for lit in [&b"true"[..], b"false", b"null"] {
            if self.input[self.pos..].starts_with(lit) {
                self.pos += lit.len();
                return Ok((start, self.pos));
            }
        }
        Err(self.err("unexpected character"))
    }

    /// Skips any value without output; returns its raw span.
    fn skip_value(&mut self, depth: usize) -> Result<(usize, usize), ScrubError> {
        if depth > MAX_JSON_DEPTH {
            return Err(ScrubError::TooDeep);
        }
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                self.string_span()?;
            }
            Some(b'{' | b'[') => {
                let close = if self.peek() == Some(b'{') {
                    b'}'
                } else {
                    b']'
                };
                let object = close == b'}';
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok((start, self.pos));
                }
                loop {
                    self.skip_ws();
                    if object {
                        self.string_span()?;
                        self.skip_ws();
                        if self.peek() != Some(b':') {
                            return Err(self.err("expected `:`"));
                        }
                        self.pos += 1;
                        self.skip_ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(c) if c == close => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.err("expected `,` or a closing bracket")),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number_span()?;
            }
            _ => {
                self.literal()?;
            }
        }
        Ok((start, self.pos))
    }
}

/// Decodes JSON string content `raw` into `decoded`, recording for each decoded byte the
/// raw offset of the character or escape that produced it.
fn decode(raw: &[u8], decoded: &mut Vec<u8>, map: &mut Vec<usize>) -> Result<(), &'static str> {
    decoded.clear();
    map.clear();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            decoded.push(b);
            map.push(i);
            i += 1;
            continue;
        }
        let start = i;
        let esc = *raw.get(i + 1).ok_or("unterminated escape")?;
        i += 2;
        let c = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(raw.get(i..i + 4))?;
                i += 4;
                if (0xD800..0xDC00).contains(&hi) && raw.get(i..i + 2) == Some(b"\\u") {
                    let lo = hex4(raw.get(i + 2..i + 6))?;
                    if (0xDC00..0xE000).contains(&lo) {
                        i += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            .unwrap_or('\u{FFFD}')
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err("invalid escape"),
        };
        let mut buf = [0u8; 4];
        for &byte in c.encode_utf8(&mut buf).as_bytes() {
            decoded.push(byte);
            map.push(start);
        }
    }
    Ok(())
}

fn hex4(digits: Option<&[u8]>) -> Result<u32, &'static str> {
    let digits = digits.ok_or("short \\u escape")?;
    let s = std::str::from_utf8(digits).map_err(|_| "invalid \\u escape")?;
    u32::from_str_radix(s, 16).map_err(|_| "invalid \\u escape")
}

impl JsonState {
    /// Scrubs one JSON document into `out`.
    pub fn scrub(
        &mut self,
        actor: &mut Actor,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), ScrubError> {
        self.path_len = 0;
        self.top_close = None;
        self.has_reserved = false;
        let mut c = Cursor { input, pos: 0 };
        c.copy_ws(out);
        if c.peek().is_none() {
            return Err(c.err("empty document"));
        }
        self.value(actor, &mut c, out, 0, false)?;
        c.copy_ws(out);
        if c.pos != input.len() {
            return Err(c.err("trailing characters after the document"));
        }
        Ok(())
    }

    /// Checks that `input` is one JSON document, without output.
    pub fn validate(input: &[u8]) -> Result<(), ScrubError> {
        let mut c = Cursor { input, pos: 0 };
        c.skip_ws();
        c.skip_value(0)?;
        c.skip_ws();
        if c.pos != input.len() {
            return Err(c.err("trailing characters after the document"));
        }
        Ok(())
    }

    /// Adds `"_phiscrub":{"dk":"<envelope>"}` as the top-level object's last member.
    pub fn attach_data_key(&self, envelope: &str, out: &mut Vec<u8>) -> Result<(), ScrubError> {
        let Some((at, has_members)) = self.top_close else {
            return Err(ScrubError::NoRoomForDataKey);
        };
        if self.has_reserved {
            return Err(ScrubError::ReservedMember);
        }
        let mut member = Vec::with_capacity(envelope.len() + 32);
        if has_members {
            member.push(b',');
        }
        member.extend_from_slice(b"\"");
        member.extend_from_slice(DATA_KEY_MEMBER.as_bytes());
        member.extend_from_slice(b"\":{\"dk\":\"");
        member.extend_from_slice(envelope.as_bytes());
        member.extend_from_slice(b"\"}");
        out.splice(at..at, member);
        Ok(())
    }

    fn push_key(&mut self, key: &[u8]) {
        let key = String::from_utf8_lossy(key);
        if self.path.len() > self.path_len {
            self.path[self.path_len].clear();
            self.path[self.path_len].push_str(&key);
        } else {
            self.path.push(key.into_owned());
        }
        self.path_len += 1;
    }

    fn nearest_key(&self) -> Option<&str> {
        self.path_len.checked_sub(1).map(|i| self.path[i].as_str())
    }

    /// Scrubs one value. `member` tells whether it is an object member's value (only
    /// those can be dropped).
    fn value(
        &mut self,
        actor: &mut Actor,
        c: &mut Cursor<'_>,
        out: &mut Vec<u8>,
        depth: usize,
        member: bool,
    ) -> Result<Outcome, ScrubError> {
        if depth > MAX_JSON_DEPTH {
            return Err(ScrubError::TooDeep);
        }
        if member
            && actor.policy.has_field_rules()
            && let Some(rule) = actor.policy.field_rule(&self.path[..self.path_len])
        {
            let (action, phi_type) = (rule.action, rule.phi_type);
            return self.whole_value(actor, c, out, depth, action, phi_type);
        }
        match c.peek() {
            Some(b'{') => self.object(actor, c, out, depth),
            Some(b'[') => self.array(actor, c, out, depth),
            Some(b'"') => {
                let (s, e) = c.string_span()?;
                self.string(actor, c.input, s, e, out, member)
            }
            Some(b'-' | b'0'..=b'9') => {
                let (s, e) = c.number_span()?;
                self.number(actor, &c.input[s..e], out, member)
            }
            Some(_) => {
                let (s, e) = c.literal()?;
                out.extend_from_slice(&c.input[s..e]);
                Ok(Outcome::Keep)
            }
            None => Err(c.err("unexpected end of document")),
        }
    }

    fn object(
        &mut self,
        actor: &mut Actor,
        c: &mut Cursor<'_>,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<Outcome, ScrubError> {
        c.pos += 1;
        out.push(b'{');
        let mut wrote_any = false;
        let mut first = true;
        loop {
            let mark = out.len();
            if !first && wrote_any {
                out.push(b',');
            }
            c.copy_ws(out);
            if first && c.peek() == Some(b'}') {
                break;
            }
            first = false;
            let (ks, ke) = c.string_span()?;
            if depth == 0 && &c.input[ks..ke] == DATA_KEY_MEMBER.as_bytes() {
                self.has_reserved = true;
            }
            out.push(b'"');
            out.extend_from_slice(&c.input[ks..ke]);
            out.push(b'"');
            c.copy_ws(out);
            if c.peek() != Some(b':') {
                return Err(c.err("expected `:`"));
            }
            c.pos += 1;
            out.push(b':');
            c.copy_ws(out);
            let raw_key = &c.input[ks..ke];
            if memchr::memchr(b'\\', raw_key).is_some() {
                decode(raw_key, &mut self.decoded, &mut self.map).map_err(|p| c.err(p))?;
                let key = std::mem::take(&mut self.decoded);
                self.push_key(&key);
                self.decoded = key;
            } else {
                self.push_key(raw_key);
            }
            let outcome = self.value(actor, c, out, depth + 1, true);
            self.path_len -= 1;
            let outcome = outcome?;
            c.copy_ws(out);
            if outcome == Outcome::DropMember {
                out.truncate(mark);
            } else {
                wrote_any = true;
            }
            match c.peek() {
                Some(b',') => c.pos += 1,
                Some(b'}') => break,
                _ => return Err(c.err("expected `,` or `}`")),
            }
        }
        c.pos += 1;
        if depth == 0 {
            self.top_close = Some((out.len(), wrote_any));
        }
        out.push(b'}');
        Ok(Outcome::Keep)
    }

    fn array(
        &mut self,
        actor: &mut Actor,
        c: &mut Cursor<'_>,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<Outcome, ScrubError> {
        c.pos += 1;
        out.push(b'[');
        c.copy_ws(out);
        if c.peek() == Some(b']') {
            c.pos += 1;
            out.push(b']');
            return Ok(Outcome::Keep);
        }
        loop {
            c.copy_ws(out);
            self.value(actor, c, out, depth + 1, false)?;
            c.copy_ws(out);
            match c.peek() {
                Some(b',') => {
                    c.pos += 1;
                    out.push(b',');
                }
                Some(b']') => {
                    c.pos += 1;
                    out.push(b']');
                    return Ok(Outcome::Keep);
                }
                _ => return Err(c.err("expected `,` or `]`")),
            }
        }
    }

    /// A value under a key-path rule: the whole value gets the rule's action.
    fn whole_value(
        &mut self,
        actor: &mut Actor,
        c: &mut Cursor<'_>,
        out: &mut Vec<u8>,
        depth: usize,
        action: ActionName,
        phi_type: PhiType,
    ) -> Result<Outcome, ScrubError> {
        let is_string = c.peek() == Some(b'"');
        let (s, e) = c.skip_value(depth)?;
        actor.counts.add(phi_type);
        if action == ActionName::Drop {
            actor.changed = true;
            actor.event_actions.push((ActionName::Drop, phi_type));
            return Ok(Outcome::DropMember);
        }
        out.push(b'"');
        if is_string {
            let raw = &c.input[s + 1..e - 1];
            decode(raw, &mut self.decoded, &mut self.map).map_err(|p| c.err(p))?;
            let value = std::mem::take(&mut self.decoded);
            let result = actor.render(action, phi_type, &value, raw, Form::InPlace, true, out);
            self.decoded = value;
            result?;
        } else {
            let raw = &c.input[s..e];
            actor.render(action, phi_type, raw, raw, Form::Quoted, true, out)?;
        }
        out.push(b'"');
        Ok(Outcome::Keep)
    }

    fn string(
        &mut self,
        actor: &mut Actor,
        input: &[u8],
        s: usize,
        e: usize,
        out: &mut Vec<u8>,
        member: bool,
    ) -> Result<Outcome, ScrubError> {
        let raw = &input[s..e];
        let escaped = memchr::memchr(b'\\', raw).is_some();
        if escaped {
            decode(raw, &mut self.decoded, &mut self.map)
                .map_err(|problem| ScrubError::InvalidJson { offset: s, problem })?;
        }
        let value: &[u8] = if escaped { &self.decoded } else { raw };
        actor.findings.clear();
        let looks_like_json = matches!(
            value.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        );
        if looks_like_json {
            actor.finder.find_in_line(value, &mut actor.findings)?;
        } else {
            let key = self.nearest_key();
            actor
                .finder
                .find_in_value(key, value, &mut actor.findings)?;
        }
        if actor.findings.is_empty() {
            out.push(b'"');
            out.extend_from_slice(raw);
            out.push(b'"');
            return Ok(Outcome::Keep);
        }
        actor.record_findings();
        spans::normalize(&mut actor.findings, value)?;
        if member
            && actor
                .findings
                .iter()
                .any(|f| actor.action_for(f) == ActionName::Drop)
        {
            let phi_type = actor.findings[0].phi_type;
            actor.changed = true;
            actor.event_actions.push((ActionName::Drop, phi_type));
            return Ok(Outcome::DropMember);
        }
        let findings = std::mem::take(&mut actor.findings);
        let value = if escaped {
            std::mem::take(&mut self.decoded)
        } else {
            Vec::new()
        };
        let decoded: &[u8] = if escaped { &value } else { raw };
        let raw_at = |i: usize| -> usize {
            if !escaped {
                i
            } else if i >= self.map.len() {
                raw.len()
            } else {
                self.map[i]
            }
        };
        out.push(b'"');
        let mut pos = 0;
        let mut result = Ok(());
        for f in &findings {
            let (rs, re) = (raw_at(f.start), raw_at(f.end));
            out.extend_from_slice(&raw[pos..rs]);
            let action = actor.action_for(f);
            result = actor.render(
                action,
                f.phi_type,
                &decoded[f.start..f.end],
                &raw[rs..re],
                Form::InPlace,
                true,
                out,
            );
            if result.is_err() {
                break;
            }
            pos = re;
        }
        out.extend_from_slice(&raw[pos..]);
        out.push(b'"');
        actor.findings = findings;
        if escaped {
            self.decoded = value;
        }
        result.map(|()| Outcome::Keep)
    }

    fn number(
        &mut self,
        actor: &mut Actor,
        raw: &[u8],
        out: &mut Vec<u8>,
        member: bool,
    ) -> Result<Outcome, ScrubError> {
        actor.findings.clear();
        let key = self.nearest_key();
        actor.finder.find_in_value(key, raw, &mut actor.findings)?;
        if actor.findings.is_empty() {
            out.extend_from_slice(raw);
            return Ok(Outcome::Keep);
        }
        actor.record_findings();
        spans::normalize(&mut actor.findings, raw)?;
        // Part of a number cannot be replaced and stay a number: the whole value becomes
        // a string under the first finding's action.
        let first = actor.findings[0];
        let action = actor.action_for(&first);
        if action == ActionName::Drop && member {
            actor.changed = true;
            actor.event_actions.push((ActionName::Drop, first.phi_type));
            return Ok(Outcome::DropMember);
        }
        out.push(b'"');
        actor.render(action, first.phi_type, raw, raw, Form::Quoted, true, out)?;
        out.push(b'"');
        Ok(Outcome::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_maps_every_byte_to_its_escape() {
        let mut d = Vec::new();
        let mut m = Vec::new();
        decode(br#"a\n\u00e9\ud83d\ude00b"#, &mut d, &mut m).unwrap();
        assert_eq!(d, "a\né😀b".as_bytes());
        assert_eq!(m, [0, 1, 3, 3, 9, 9, 9, 9, 21]);
    }

    #[test]
    fn escape_into_keeps_strings_valid() {
        let mut out = Vec::new();
        escape_into(b"a\"b\\c\x01", &mut out);
        assert_eq!(out, br#"a\"b\\c\u0001"#);
    }
}
