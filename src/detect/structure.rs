//! Structural decoders: formats whose values carry their meaning by *position*, by a
//! *sibling* field or by a *parent* rather than by a key written next to the value. HL7 v2
//! segments (`PID|…|` field numbers), ASTM E1394 instrument records (`<STX>4P|2|…`), ASC
//! X12 segments (`NM1*IL*1*…~`), SQL `INSERT …
//! (cols) VALUES (…)`, CSV rows announced with their header (`header: a,b,c …: 1,2,3`),
//! FHIR-style `{"system": ".../mrn", "value": "…"}` identifiers, JSON name parts under a
//! name key and XML elements all reduce to one mechanism: an *implicit key* for a value span. The
//! scanner then applies the ordinary key-led rules (`rules/keys.toml`) to it, so a `dob`
//! column, a PID-7 field and a `"dob":` JSON key are screened by the same rule.
//!
//! Everything here is a byte walk over the line with caller-owned buffers: nothing is
//! allocated per line.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Where an implicit key's name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyName {
    /// A canonical key (one of the spellings in `rules/keys.toml`).
    Fixed(&'static str),
    /// A column name in the line itself (`start..end`).
    Column(u32, u32),
}

/// One implicit key/value pair found in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Implicit {
    /// The key.
    pub key: KeyName,
    /// Value start (inclusive).
    pub start: u32,
    /// Value end (exclusive).
    pub end: u32,
}

impl Implicit {
    /// A value at `start..end` under a canonical key.
    pub(crate) fn fixed(key: &'static str, start: usize, end: usize) -> Self {
        Implicit {
            key: KeyName::Fixed(key),
            start: start as u32,
            end: end as u32,
        }
    }
}

/// A decoder whose marker word the line holds (`insert into`, `header`): bits of the
/// `markers` argument of [`Structure::find`].
pub const SQL_INSERT: u8 = 1;
/// See [`SQL_INSERT`].
pub const CSV_HEADER: u8 = 2;
/// See [`SQL_INSERT`]: a JSON `"system"` member (FHIR identifiers).
pub const JSON_SYSTEM: u8 = 4;
/// See [`SQL_INSERT`]: a JSON key ending in `name` (`"family_name"`, `"lastName"`).
pub const JSON_NAME: u8 = 8;
/// See [`SQL_INSERT`]: a FHIR `"display"` (naming the resource its sibling `reference`,
/// or its parent key, points at).
pub const JSON_REFERENCE: u8 = 16;
/// See [`SQL_INSERT`]: a FHIR `"period"`, age quantity (`"valueAge"`) or `"resourceType"`.
pub const JSON_PERIOD_AGE: u8 = 32;
/// See [`SQL_INSERT`]: a DICOM patient / study tag (`(0010,0020)`, `"00100020"`).
pub const DICOM: u8 = 128;
/// See [`SQL_INSERT`]: an NCPDP field separator (the FS byte, or `<FS>` / `\x1c` written
/// out by a logger).
pub const NCPDP: u8 = 64;

/// The words that announce the marker-gated decoders. The detector adds them to its
/// literal pass, so one scan finds them instead of a substring search per decoder per line.
pub const MARKER_WORDS: [(&str, u8); 28] = [
    ("insert into", SQL_INSERT),
    ("header", CSV_HEADER),
    ("columns", CSV_HEADER),
    ("cols", CSV_HEADER),
    ("fields", CSV_HEADER),
    ("\"system\"", JSON_SYSTEM),
    ("ame\"", JSON_NAME),
    ("\"display\"", JSON_REFERENCE),
    ("eriod\"", JSON_PERIOD_AGE),
    // Not `age"`: every `"message"` key ends so.
    ("\"age\"", JSON_PERIOD_AGE),
    ("valueage\"", JSON_PERIOD_AGE),
    ("\"appointment\"", JSON_PERIOD_AGE),
    ("\"resourcetype\"", JSON_PERIOD_AGE),
    ("\u{1c}", NCPDP),
    ("<fs>", NCPDP),
    ("{fs}", NCPDP),
    ("<rs>", NCPDP),
    ("{ss}", NCPDP),
    ("\\x1c", NCPDP),
    ("\\u001c", NCPDP),
    // Segments written with spaces for separators: `AM01 C4=19480226 CA=LAYLA`.
    ("am01 ", NCPDP),
    ("am04 ", NCPDP),
    ("(0010,", DICOM),
    ("(0008,", DICOM),
    ("(0032,", DICOM),
    ("\"0010", DICOM),
    ("\"0008", DICOM),
    ("\"0032", DICOM),
];

/// Reusable buffers for the decoders.
#[derive(Debug, Default)]
pub struct Structure {
    /// The pairs found in the last line.
    pub found: Vec<Implicit>,
    /// Spans the structure says hold no PHI (an X12 envelope's creation date): shape rules
    /// do not fire inside them.
    pub quiet: Vec<(u32, u32)>,
    cols: Vec<(u32, u32)>,
}

impl Structure {
    /// Decodes every supported structure in `hay`; results are in `self.found`. `markers`
    /// says which marker words ([`MARKER_WORDS`], any case) the line holds.
    pub fn find(&mut self, hay: &[u8], markers: u8) {
        self.found.clear();
        self.quiet.clear();
        if markers & (SQL_INSERT | CSV_HEADER) != 0 && memchr::memchr(b',', hay).is_some() {
            if markers & SQL_INSERT != 0 {
                sql_insert(hay, &mut self.cols, &mut self.found);
            }
            if markers & CSV_HEADER != 0 {
                csv_with_header(hay, &mut self.cols, &mut self.found);
            }
        }
        let json_markers = JSON_SYSTEM | JSON_NAME | JSON_REFERENCE | JSON_PERIOD_AGE;
        if markers & json_markers != 0 && memchr::memchr(b'{', hay).is_some() {
            // The line's (first) FHIR resource type, looked up once for every decoder: a
            // line holding `"resourceType"` carries the JSON_PERIOD_AGE marker.
            let resource = if markers & JSON_PERIOD_AGE != 0 {
                json_member(hay, 0, hay.len(), b"resourceType")
            } else {
                None
            };
            if markers & JSON_SYSTEM != 0 {
                json_identifier_system(hay, resource, &mut self.found);
            }
            if markers & JSON_NAME != 0 {
                json_name_parts(hay, &mut self.found);
            }
            if markers & JSON_REFERENCE != 0 {
                json_reference_display(hay, &mut self.found);
            }
            if markers & JSON_PERIOD_AGE != 0 {
                json_period_and_age(hay, resource, &mut self.found);
                fhir_patient_id(hay, resource, &mut self.found);
            }
        }
        if markers & NCPDP != 0 {
            ncpdp(hay, &mut self.found);
            ncpdp_spaced(hay, &mut self.found);
        }
        if markers & DICOM != 0 {
            dicom(hay, &mut self.found);
        }
        // One pass for the three delimiters; most lines hold none of them.
        if memchr::memchr3(b'|', b'<', b'~', hay).is_none() {
            return;
        }
        if memchr::memchr(b'|', hay).is_some() {
            hl7(hay, &mut self.found, &mut self.quiet);
            astm(hay, &mut self.found);
        }
        if memchr::memchr(b'<', hay).is_some() {
            xml_elements(hay, &mut self.found, &mut self.quiet);
        }
        if memchr::memchr(b'~', hay).is_some() && memchr::memchr(b'*', hay).is_some() {
            x12(hay, &mut self.found, &mut self.quiet);
        }
    }
}

// ---------------------------------------------------------------------------------------
// HL7 v2

/// What one HL7 component position means: (segment, field, component, key). Components
/// are 1-based as in the standard. Only fields that hold PHI in the v2.x tables are listed.
const HL7_MAP: &[(&[u8; 3], u8, u8, &str)] = &[
    // PID: patient identification.
    (b"PID", 2, 1, "mrn"),
    (b"PID", 3, 1, "mrn"),
    (b"PID", 4, 1, "mrn"),
    (b"PID", 5, 1, "last name"),
    (b"PID", 5, 2, "first name"),
    (b"PID", 5, 3, "middle name"),
    (b"PID", 6, 1, "last name"),
    (b"PID", 6, 2, "first name"),
    (b"PID", 7, 1, "dob"),
    (b"PID", 9, 1, "last name"),
    (b"PID", 9, 2, "first name"),
    (b"PID", 11, 1, "address"),
    (b"PID", 11, 2, "address"),
    (b"PID", 11, 3, "city"),
    (b"PID", 11, 5, "zip"),
    (b"PID", 13, 1, "phone"),
    (b"PID", 13, 4, "email"),
    (b"PID", 14, 1, "phone"),
    (b"PID", 18, 1, "account number"),
    (b"PID", 19, 1, "ssn"),
    (b"PID", 20, 1, "drivers license"),
    (b"PID", 29, 1, "date of death"),
    // NK1: next of kin.
    (b"NK1", 2, 1, "last name"),
    (b"NK1", 2, 2, "first name"),
    (b"NK1", 4, 1, "address"),
    (b"NK1", 4, 2, "address"),
    (b"NK1", 4, 3, "city"),
    (b"NK1", 4, 5, "zip"),
    (b"NK1", 5, 1, "phone"),
    (b"NK1", 6, 1, "phone"),
    // PV1: visit. Attending / referring / consulting / admitting doctor: XCN (id, family,
    // given); the id is an NPI when it has the NPI shape.
    (b"PV1", 7, 1, "npi"),
    (b"PV1", 7, 2, "last name"),
    (b"PV1", 7, 3, "first name"),
    (b"PV1", 8, 1, "npi"),
    (b"PV1", 8, 2, "last name"),
    (b"PV1", 8, 3, "first name"),
    (b"PV1", 9, 1, "npi"),
    (b"PV1", 9, 2, "last name"),
    (b"PV1", 9, 3, "first name"),
    (b"PV1", 17, 1, "npi"),
    (b"PV1", 17, 2, "last name"),
    (b"PV1", 17, 3, "first name"),
    (b"PV1", 19, 1, "account number"),
    (b"PV1", 44, 1, "admit date"),
    (b"PV1", 45, 1, "discharge date"),
    // Field 46 is a balance in the standard, but exports that miscount by one put the
    // discharge time there: only an HL7 timestamp is taken (see `hl7_shape_ok`).
    (b"PV1", 46, 1, "discharge date"),
    // GT1: guarantor.
    (b"GT1", 2, 1, "account number"),
    (b"GT1", 3, 1, "last name"),
    (b"GT1", 3, 2, "first name"),
    (b"GT1", 5, 1, "address"),
    (b"GT1", 5, 3, "city"),
    (b"GT1", 5, 5, "zip"),
    (b"GT1", 6, 1, "phone"),
    (b"GT1", 7, 1, "phone"),
    (b"GT1", 8, 1, "dob"),
    (b"GT1", 12, 1, "ssn"),
    // IN1: insurance.
    (b"IN1", 16, 1, "last name"),
    (b"IN1", 16, 2, "first name"),
    (b"IN1", 18, 1, "dob"),
    (b"IN1", 19, 1, "address"),
    (b"IN1", 19, 3, "city"),
    (b"IN1", 19, 5, "zip"),
    // 35 is the plan code in the standard; exports that miscount put the policy number
    // there: only an id with digits is taken (see `hl7_shape_ok`).
    (b"IN1", 35, 1, "policy number"),
    (b"IN1", 36, 1, "policy number"),
    (b"IN1", 49, 1, "member id"),
    // ORC: common order. 2/3 placer/filler order numbers, 9 transaction time, 14 call-back
    // phone, 15 effective.
    (b"ORC", 2, 1, "placer order number"),
    (b"ORC", 3, 1, "filler order number"),
    // ORC-7 quantity/timing: component 4 is when the ordered service starts.
    (b"ORC", 7, 4, "service date"),
    (b"ORC", 9, 1, "service date"),
    (b"ORC", 14, 1, "phone"),
    (b"ORC", 15, 1, "service date"),
    // OBR: observation request. 2/3 order numbers, 6/7/8 requested / observed times,
    // 14 specimen received, 17 call-back phone, 22 result time.
    // SPM: specimen id, collection and receipt times.
    (b"SPM", 2, 1, "specimen id"),
    (b"SPM", 17, 1, "collection date"),
    (b"SPM", 17, 2, "collection date"),
    (b"SPM", 18, 1, "collection date"),
    // RXA: vaccine administration start and end (3/4); 16 and 22 are quiet below.
    (b"RXA", 3, 1, "service date"),
    (b"RXA", 4, 1, "service date"),
    // RXE / RXD: prescription number (RXE-15, RXD-7), prescriber's DEA (RXE-13).
    (b"RXE", 13, 1, "dea"),
    (b"RXE", 15, 1, "rx number"),
    (b"RXD", 7, 1, "rx number"),
    (b"OBR", 2, 1, "placer order number"),
    (b"OBR", 3, 1, "filler order number"),
    (b"OBR", 6, 1, "service date"),
    (b"OBR", 7, 1, "service date"),
    (b"OBR", 8, 1, "service date"),
    (b"OBR", 14, 1, "service date"),
    (b"OBR", 17, 1, "phone"),
    (b"OBR", 22, 1, "service date"),
    // OBX: observation. 14 observation time, 19 analysis time.
    (b"OBX", 14, 1, "service date"),
    (b"OBX", 19, 1, "service date"),
    // ROL: role. 5/6 role begin / end, 12 phone.
    (b"ROL", 5, 1, "service date"),
    (b"ROL", 6, 1, "service date"),
    (b"ROL", 12, 1, "phone"),
    // AL1 / DG1 / PR1: allergy identified, diagnosis and procedure times.
    (b"AL1", 6, 1, "onset date"),
    (b"DG1", 5, 1, "service date"),
    (b"PR1", 5, 1, "procedure date"),
    // PV2: expected admit / discharge.
    (b"PV2", 8, 1, "admit date"),
    (b"PV2", 9, 1, "discharge date"),
    // IN2: insured employee id, SSN, Medicare / Medicaid numbers.
    (b"IN2", 1, 1, "member id"),
    (b"IN2", 2, 1, "ssn"),
    (b"IN2", 6, 1, "member id"),
    (b"IN2", 8, 1, "member id"),
    // SCH: appointment. 1/2 placer / filler appointment ids, 11 timing (TQ: start and end
    // in components 4 and 5). Field 10 is duration units in the standard; exports that
    // miscount by one put the timing there: only HL7 timestamps are taken.
    (b"SCH", 1, 1, "placer appointment id"),
    (b"SCH", 2, 1, "filler appointment id"),
    (b"SCH", 10, 4, "service date"),
    (b"SCH", 10, 5, "service date"),
    (b"SCH", 11, 4, "service date"),
    (b"SCH", 11, 5, "service date"),
    // AIS / AIG / AIL / AIP: appointment resources; 4 is the start date/time.
    (b"AIS", 4, 1, "service date"),
    (b"AIG", 8, 1, "service date"),
    (b"AIL", 6, 1, "service date"),
    (b"AIP", 6, 1, "service date"),
    // TXA: document. 4 activity, 6 origination, 7 transcription times; 12 unique document
    // number.
    (b"TXA", 4, 1, "service date"),
    (b"TXA", 6, 1, "service date"),
    (b"TXA", 7, 1, "service date"),
    (b"TXA", 12, 1, "unique document number"),
    // FT1: financial transaction. 4 transaction date (a date of service).
    (b"FT1", 4, 1, "service date"),
    // MRG: merge (prior identifiers).
    (b"MRG", 1, 1, "mrn"),
    (b"MRG", 3, 1, "account number"),
    (b"MRG", 7, 1, "last name"),
    (b"MRG", 7, 2, "first name"),
];

/// Fields that are a person (XCN: id, family, given, middle): ORC 10/11/12 entered-by,
/// verified-by, ordering provider; OBR 16 ordering provider, 28 result copies to; OBX 16
/// responsible observer; ROL 4 the role's person; DG1 16 diagnosing clinician; PR1 11/12
/// surgeon, anaesthetist; PD1 4 primary care provider; SCH 12/16/20 placer contact,
/// filler contact, entered by; AIP 3 the scheduled person; TXA 5/9/10/11/22 activity
/// provider, originator, authenticator, transcriptionist, authenticating person; FT1 20/21
/// performed by, ordered by. The id is an NPI when it has the NPI shape. A field of another
/// segment is read as a person too when it has the unmistakable shape (see
/// [`xcn_shaped`]).
const HL7_XCN_FIELDS: &[(&[u8; 3], u8)] = &[
    (b"ORC", 10),
    (b"ORC", 11),
    (b"ORC", 12),
    (b"OBR", 16),
    (b"OBR", 28),
    (b"OBX", 16),
    (b"ROL", 4),
    (b"DG1", 16),
    (b"PR1", 11),
    (b"PR1", 12),
    (b"PD1", 4),
    (b"SCH", 12),
    (b"SCH", 16),
    (b"SCH", 20),
    (b"AIP", 3),
    (b"TXA", 5),
    (b"TXA", 9),
    (b"TXA", 10),
    (b"TXA", 11),
    (b"TXA", 22),
    (b"FT1", 20),
    (b"FT1", 21),
];

/// The components of an XCN field and their keys.
const XCN_PARTS: [(u8, &str); 4] = [
    (1, "npi"),
    (2, "last name"),
    (3, "first name"),
    (4, "middle name"),
];

/// The segment id ending at `hay[i]` (the `|` after it), if a segment starts there: a
/// mapped segment anywhere, any other `[A-Z][A-Z0-9]{2}` only when `any_id` (the line holds
/// an `MSH|` header, so it is a message and not a pipe-delimited log).
fn is_segment_id(hay: &[u8], i: usize, any_id: bool) -> Option<[u8; 3]> {
    if i < 3
        || (i > 3 && hay[i - 4].is_ascii_alphanumeric() && !after_escaped_newline(&hay[..i - 3]))
    {
        return None;
    }
    let id = [hay[i - 3], hay[i - 2], hay[i - 1]];
    let mapped = is_known_segment(&id);
    let well_formed = id[0].is_ascii_uppercase()
        && id[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (mapped || (any_id && well_formed && &id != b"MSH")).then_some(id)
}

/// Segment separators a logger writes out as text instead of the CR byte (compared
/// ignoring case; `\r` and `\n` are matched exactly, since `\R\` and `\N\` are HL7
/// escape sequences).
const WRITTEN_SEPARATORS: [&[u8]; 10] = [
    b"\\x0d", b"\\x0a", b"\\u000d", b"\\u000a", b"<cr>", b"<lf>", b"<fs>", b"<0x0d>", b"<0x0a>",
    b"[cr]",
];

/// Whether a segment separator written out as text starts at `hay[j]`.
fn written_separator_at(hay: &[u8], j: usize) -> bool {
    let rest = &hay[j..];
    rest.starts_with(b"\\r")
        || rest.starts_with(b"\\n")
        || WRITTEN_SEPARATORS
            .iter()
            .any(|sep| starts_with_ci(rest, sep))
}

/// Whether `before` ends with a segment separator written out as text.
fn after_escaped_newline(before: &[u8]) -> bool {
    let ends_ci = |sep: &[u8]| {
        before.len() >= sep.len() && before[before.len() - sep.len()..].eq_ignore_ascii_case(sep)
    };
    before.ends_with(b"\\r")
        || before.ends_with(b"\\n")
        || WRITTEN_SEPARATORS.iter().any(|sep| ends_ci(sep))
}

/// Where a segment ends: CR/LF, a separator written out as text, MLLP's end block, or a
/// blank or punctuation right before a known segment id (`… PV1|`, `…>PID|`: a logger's
/// own rendering of CR that no list holds).
fn segment_end(hay: &[u8], from: usize) -> usize {
    let n = hay.len();
    let mut j = from;
    while j < n {
        match hay[j] {
            b'\r' | b'\n' | b'"' | 0x1c => return j,
            b'\\' | b'<' | b'[' if written_separator_at(hay, j) => return j,
            b if !b.is_ascii_alphanumeric()
                && !b"|^~&\\".contains(&b)
                && j + 4 < n
                && hay[j + 4] == b'|'
                && hay[j + 1].is_ascii_uppercase()
                && (matches!(b, b' ' | b'\t')
                    && hay[j + 2].is_ascii_alphanumeric()
                    && hay[j + 3].is_ascii_alphanumeric()
                    || is_known_segment(&hay[j + 1..j + 4])) =>
            {
                return j;
            }
            _ => j += 1,
        }
    }
    n
}

/// A segment id the decoder reads fields of.
fn is_known_segment(id: &[u8]) -> bool {
    HL7_MAP
        .iter()
        .map(|m| m.0)
        .chain(HL7_XCN_FIELDS.iter().map(|m| m.0))
        .any(|s| s[..] == *id)
}

/// Whether `hay` starts with `prefix`, ASCII case ignored.
pub(super) fn starts_with_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

static MSH: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"MSH|"));

/// HL7 fields that hold no PHI although their shapes look like it: when the event was
/// recorded (EVN-2), a vaccine lot's expiry (RXA-16), when the administration was keyed in
/// (RXA-22), and the insurance company's name, address and phone (IN1-4, IN1-5, IN1-7: a
/// payer's PO box and claims line, not the patient's). Shape rules stay out of them. (MSH
/// is not walked: its fields are the envelope's.)
const HL7_QUIET: [(&[u8; 3], u8); 6] = [
    (b"EVN", 2),
    (b"RXA", 16),
    (b"RXA", 22),
    (b"IN1", 4),
    (b"IN1", 5),
    (b"IN1", 7),
];

/// Segments of master-file messages that describe a place, not a person: a location's
/// name, address and phone (LOC, LDP, LCH, LRL, LCC) and the master-file header (MFI).
/// Shape rules stay out of them whole.
const HL7_QUIET_SEGMENTS: [&[u8; 3]; 6] = [b"LOC", b"LDP", b"LCH", b"LRL", b"LCC", b"MFI"];

fn hl7(hay: &[u8], out: &mut Vec<Implicit>, quiet: &mut Vec<(u32, u32)>) {
    let message = MSH.find(hay).is_some();
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'|', &hay[from..]) {
        let bar = from + off;
        from = bar + 1;
        // The header's own fields (`MSH|^~\&|EPIC|STJ|…`) are no segments: skip to its end.
        if bar >= 3 && hay[bar - 3..bar] == *b"MSH" {
            from = segment_end(hay, bar + 1).max(from);
            continue;
        }
        let Some(seg) = is_segment_id(hay, bar, message) else {
            continue;
        };
        let seg = &seg;
        let end = segment_end(hay, bar + 1);
        if HL7_QUIET_SEGMENTS.contains(&seg) {
            quiet.push((bar as u32 + 1, end as u32));
            from = end.max(from);
            continue;
        }
        for_each_field(hay, bar, end, |field, fs, fe| {
            if seg == b"QPD" && field == 3 {
                query_parameters(hay, fs, fe, out);
            }
            hl7_field(hay, seg, field, fs, fe, out);
            if HL7_QUIET.contains(&(seg, field)) {
                quiet.push((fs as u32, fe as u32));
            }
        });
        from = end.max(from);
    }
}

/// Calls `f(field, start, end)` for each `|`-separated field of the segment or record
/// whose id ends at the `|` at `bar` and which ends at `end`: field k spans between the
/// k-th and (k+1)-th `|` (HL7 v2 and ASTM E1394 count alike).
fn for_each_field(hay: &[u8], bar: usize, end: usize, mut f: impl FnMut(u8, usize, usize)) {
    let mut field = 1u8;
    let mut fs = bar + 1;
    while fs <= end {
        let fe = memchr::memchr(b'|', &hay[fs..end]).map_or(end, |o| fs + o);
        f(field, fs, fe);
        if fe >= end || field == u8::MAX {
            break;
        }
        field += 1;
        fs = fe + 1;
    }
}

/// A field or component number written in ASCII digits (`5` of `@PID.5.1`, `PID-5|`).
fn ascii_u8(digits: &[u8]) -> Option<u8> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// QPD-3 of an IHE PDQ query (`@PID.5.1.1^CRUZ~@PID.7^19571009`): each repetition names a
/// segment field (and component) and gives the value searched for, keyed as that field.
fn query_parameters(hay: &[u8], fs: usize, fe: usize, out: &mut Vec<Implicit>) {
    let mut rs = fs;
    while rs < fe {
        let re = memchr::memchr(b'~', &hay[rs..fe]).map_or(fe, |o| rs + o);
        let rep = &hay[rs..re];
        if let Some(caret) = memchr::memchr(b'^', rep)
            && rep.len() > 5
            && rep[0] == b'@'
            && rep[4] == b'.'
        {
            let seg: &[u8; 3] = rep[1..4].try_into().unwrap_or(b"???");
            let mut numbers = rep[5..caret].split(|&b| b == b'.').map(ascii_u8);
            let field = numbers.next().flatten();
            let comp = numbers.next().flatten().unwrap_or(1);
            let key = HL7_MAP
                .iter()
                .find(|m| m.0 == seg && Some(m.1) == field && m.2 == comp)
                .map(|m| m.3);
            if let Some(key) = key
                && rs + caret + 1 < re
            {
                out.push(Implicit::fixed(key, rs + caret + 1, re));
            }
        }
        rs = re + 1;
    }
}

/// Fields mapped for the sake of exports that miscount by one hold another kind of value
/// in the standard: take them only when the value has the shape of the shifted field.
fn hl7_shape_ok(seg: &[u8; 3], field: u8, value: &[u8]) -> bool {
    match (seg, field) {
        // An HL7 timestamp: YYYYMMDD[HHMM[SS]], not a balance such as `150.00`.
        (b"PV1", 46) => value.len() >= 8 && value[..8].iter().all(u8::is_ascii_digit),
        // A policy or member id, not a short plan code such as `PPO01`.
        (b"IN1", 35) => value.len() >= 6 && value.iter().any(u8::is_ascii_digit),
        (b"SCH", 10) => value.len() >= 8 && value[..8].iter().all(u8::is_ascii_digit),
        _ => true,
    }
}

/// Whether an HL7 field (its first repetition) has the shape of a person with an id
/// (XCN): `2711524019^O BRIAIN^WILL^^^DR^MD^^NPI`. An id of three or more digits, then a
/// family and a given name of letters (any script), spaces, apostrophes, hyphens and dots,
/// each word capitalised. Coded values (`34117-2^History and physical note^LN`,
/// `88304^SURGICAL PATHOLOGY^CPT`) end in a coding system where the given name would be.
fn xcn_shaped(field: &[u8]) -> bool {
    let rep = field.split(|&b| b == b'~').next().unwrap_or_default();
    let mut comps = rep.split(|&b| b == b'^');
    let (Some(id), Some(family), Some(given)) = (comps.next(), comps.next(), comps.next()) else {
        return false;
    };
    let name_part = |p: &[u8]| {
        p.len() >= 2
            && p.len() <= 40
            && p.iter().any(u8::is_ascii_alphabetic)
            && p.iter()
                .all(|&b| b.is_ascii_alphabetic() || b >= 0x80 || b" '-.".contains(&b))
            && p.split(|&b| b == b' ')
                .filter(|w| !w.is_empty())
                .all(|w| w[0].is_ascii_uppercase() || w[0] >= 0x80)
    };
    id.len() >= 3
        && id.len() <= 20
        && id.iter().all(u8::is_ascii_alphanumeric)
        && id.iter().filter(|b| b.is_ascii_digit()).count() >= 3
        && name_part(family)
        && name_part(given)
        && !CODING_SYSTEMS.iter().any(|c| given.eq_ignore_ascii_case(c))
}

/// Coding system ids that end a coded HL7 value (CE/CWE) where a person's given name would
/// stand.
const CODING_SYSTEMS: [&[u8]; 22] = [
    b"LN", b"LOINC", b"SCT", b"SNM", b"SNOMED", b"CPT", b"HCPCS", b"HCPT", b"NDC", b"RXNORM",
    b"CDCREC", b"UCUM", b"ICD", b"HL7", b"ISO", b"NCI", b"CVX", b"MVX", b"NUCC", b"DCM", b"ANS",
    b"L",
];

fn hl7_field(hay: &[u8], seg: &[u8; 3], field: u8, fs: usize, fe: usize, out: &mut Vec<Implicit>) {
    if fs >= fe {
        return;
    }
    let mut mapped = HL7_MAP
        .iter()
        .filter(|m| m.0 == seg && m.1 == field)
        .map(|&(_, _, comp, key)| (comp, key))
        .peekable();
    let listed = HL7_XCN_FIELDS.contains(&(seg, field));
    let person = listed || (mapped.peek().is_none() && xcn_shaped(&hay[fs..fe]));
    let parts = XCN_PARTS.iter().copied().filter(|_| person);
    for (comp, key) in mapped.chain(parts) {
        // Each repetition (`~`), then the component.
        let mut rs = fs;
        while rs <= fe {
            let re = memchr::memchr(b'~', &hay[rs..fe]).map_or(fe, |o| rs + o);
            if let Some((cs, ce)) = component(hay, rs, re, comp)
                && cs < ce
                && hl7_shape_ok(seg, field, &hay[cs..ce])
            {
                out.push(Implicit::fixed(key, cs, ce));
            }
            if re >= fe {
                break;
            }
            rs = re + 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// ASTM E1394 / CLSI LIS2-A2 (laboratory instruments): records of `|`-separated fields, each
// opened by a one-letter type (`P` patient, `O` order, `R` result), in a frame after
// `<STX>` and a frame digit (`<STX>4P|2|0800119334|L90387954||NGUYEN^GIUSEPPE||19361203|M`).

/// What one ASTM component position means: (record type, field, component, key). Field 1
/// is the sequence number after the type letter.
const ASTM_MAP: &[(u8, u8, u8, &str)] = &[
    // P: practice-, laboratory- and third patient id, name (last^first^middle), mother's
    // maiden name, birth date, address (street^city^state^zip), phone, attending physician.
    (b'P', 2, 1, "mrn"),
    (b'P', 3, 1, "mrn"),
    (b'P', 4, 1, "mrn"),
    (b'P', 5, 1, "last name"),
    (b'P', 5, 2, "first name"),
    (b'P', 5, 3, "middle name"),
    (b'P', 6, 1, "maiden name"),
    (b'P', 7, 1, "dob"),
    (b'P', 10, 1, "address"),
    (b'P', 10, 2, "city"),
    (b'P', 10, 4, "zip"),
    (b'P', 12, 1, "phone"),
    (b'P', 13, 1, "last name"),
    (b'P', 13, 2, "first name"),
    (b'P', 14, 1, "last name"),
    (b'P', 14, 2, "first name"),
    // O: specimen ids, requested, collection start and end, and received times.
    (b'O', 2, 1, "specimen id"),
    (b'O', 3, 1, "specimen id"),
    (b'O', 6, 1, "service date"),
    (b'O', 7, 1, "service date"),
    (b'O', 8, 1, "service date"),
    (b'O', 14, 1, "service date"),
    // R: when the test started and completed.
    (b'R', 11, 1, "service date"),
    (b'R', 12, 1, "service date"),
];

/// The record type of an ASTM record whose type letter sits right before the `|` at
/// `bar`: the letter opens the line or a frame (after a frame digit that follows `<STX>`,
/// the STX byte or a blank).
fn astm_record(hay: &[u8], bar: usize) -> Option<u8> {
    let kind = *hay.get(bar.checked_sub(1)?)?;
    if !matches!(kind, b'P' | b'O' | b'R') {
        return None;
    }
    let before = |k: usize| bar.checked_sub(k).map(|i| hay[i]);
    let frame_opened = |k: usize| matches!(before(k), None | Some(b'>' | 0x02 | b' ' | b'\t'));
    let framed = before(2).is_some_and(|d| (b'0'..=b'7').contains(&d)) && frame_opened(3);
    (framed || frame_opened(2)).then_some(kind)
}

fn astm(hay: &[u8], out: &mut Vec<Implicit>) {
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'|', &hay[from..]) {
        let bar = from + off;
        from = bar + 1;
        let Some(kind) = astm_record(hay, bar) else {
            continue;
        };
        let end = segment_end(hay, bar + 1);
        for_each_field(hay, bar, end, |field, fs, fe| {
            for &(_, _, comp, key) in ASTM_MAP.iter().filter(|m| m.0 == kind && m.1 == field) {
                if let Some((cs, ce)) = component(hay, fs, fe, comp)
                    && cs < ce
                {
                    out.push(Implicit::fixed(key, cs, ce));
                }
            }
        });
        from = end.max(from);
    }
}

/// Component `comp` (1-based, `^`-separated) of the field `hay[fs..fe]`; `None` when the
/// field has fewer components.
fn component(hay: &[u8], fs: usize, fe: usize, comp: u8) -> Option<(usize, usize)> {
    let mut cs = fs;
    for _ in 1..comp {
        cs += memchr::memchr(b'^', &hay[cs..fe])? + 1;
    }
    let ce = memchr::memchr(b'^', &hay[cs..fe]).map_or(fe, |o| cs + o);
    Some((cs, ce))
}

// ---------------------------------------------------------------------------------------
// NCPDP Telecommunication Standard (pharmacy claims, D.0): fields are a two-character
// field id and its value, each after a field separator (FS, 0x1C); segments start after a
// group / segment separator with `AM` and a two-digit segment id.

/// NCPDP field ids that hold PHI and the canonical key of their value.
const NCPDP_FIELDS: &[(&[u8; 2], &str)] = &[
    (b"C2", "member id"),    // 302-C2 cardholder id
    (b"C4", "dob"),          // 304-C4 date of birth
    (b"CA", "first name"),   // 310-CA patient first name
    (b"CB", "last name"),    // 311-CB patient last name
    (b"CC", "first name"),   // 312-CC cardholder first name
    (b"CD", "last name"),    // 313-CD cardholder last name
    (b"CM", "address"),      // 322-CM patient street address
    (b"CN", "city"),         // 323-CN patient city
    (b"CP", "zip"),          // 325-CP patient ZIP
    (b"CQ", "phone"),        // 326-CQ patient phone
    (b"CY", "mrn"),          // 332-CY patient id
    (b"D2", "rx number"),    // 402-D2 prescription / service reference number
    (b"DB", "npi"),          // 411-DB prescriber id
    (b"DE", "date written"), // 414-DE date prescription written
    (b"DR", "last name"),    // 427-DR prescriber last name
    (b"PM", "phone"),        // 498-PM prescriber phone
    (b"2E", "npi"),          // 421-2E primary care provider id
    (b"4X", "address"),      // 384-4X patient residence
];

/// Whether an NCPDP field `XX=` written after a space starts at `hay[i]` (the space).
fn ncpdp_spaced_field(hay: &[u8], i: usize) -> bool {
    hay[i] == b' '
        && i + 3 < hay.len()
        && hay[i + 3] == b'='
        && hay[i + 1..i + 3]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && hay[i + 1..i + 3].iter().any(u8::is_ascii_uppercase)
}

/// NCPDP fields written `XX=value` with spaces between them (`AM01 C4=19480226 CA=LAYLA
/// CM=12 OAK ST`): a value runs to the next ` XX=`, a separator, ` | ` or a segment.
fn ncpdp_spaced(hay: &[u8], out: &mut Vec<Implicit>) {
    let n = hay.len();
    let mut i = 0;
    while i < n {
        if !ncpdp_spaced_field(hay, i) {
            i += 1;
            continue;
        }
        let id = [hay[i + 1], hay[i + 2]];
        let vs = i + 4;
        let mut fe = vs;
        while fe < n
            && !ncpdp_spaced_field(hay, fe)
            && ncpdp_separator(hay, fe).is_none()
            && !(hay[fe] == b' '
                && (hay.get(fe + 1) == Some(&b'|') || ncpdp_segment_at(hay, fe + 1)))
        {
            fe += 1;
        }
        i = fe;
        if fe > vs
            && let Some(&(_, key)) = NCPDP_FIELDS.iter().find(|(f, _)| **f == id)
        {
            out.push(Implicit::fixed(key, vs, fe));
        }
    }
}

/// Whether an NCPDP segment id (`AM` and two digits) starts at `hay[i]`.
fn ncpdp_segment_at(hay: &[u8], i: usize) -> bool {
    hay[i..].starts_with(b"AM")
        && hay.get(i + 2).is_some_and(u8::is_ascii_digit)
        && hay.get(i + 3).is_some_and(u8::is_ascii_digit)
}

/// NCPDP separators (FS, GS, RS) as loggers write them out (`{SS}` is a switch's name
/// for the segment separator, RS).
const NCPDP_WRITTEN: [&[u8]; 14] = [
    b"<FS>", b"<GS>", b"<RS>", b"{FS}", b"{GS}", b"{RS}", b"{SS}", b"\\x1c", b"\\x1d", b"\\x1e",
    b"\\u001c", b"\\u001d", b"\\u001e", b"<SS>",
];

/// The length of a separator starting at `hay[i]`, if one does.
fn ncpdp_separator(hay: &[u8], i: usize) -> Option<usize> {
    match hay[i] {
        0x1c..=0x1e => Some(1),
        b'<' | b'\\' | b'{' => NCPDP_WRITTEN
            .iter()
            .find(|t| starts_with_ci(&hay[i..], t))
            .map(|t| t.len()),
        _ => None,
    }
}

/// The fixed-width request header of an NCPDP Telecommunication D.0 transaction: BIN
/// (6), version `D0`, transaction code (2), processor control number (10), transaction
/// count (1), service provider id qualifier (2), service provider id (15), date of
/// service (8), software vendor (10): `003858D0B1A4        1011082256367     20250605SW…`.
fn ncpdp_header(hay: &[u8], out: &mut Vec<Implicit>) {
    let Some(at) = memchr::memmem::find(hay, b"D0") else {
        return;
    };
    if at < 6 || !hay[at - 6..at].iter().all(u8::is_ascii_digit) {
        return;
    }
    let base = at - 6;
    let (qualifier, spid, dos) = (base + 21, base + 23, base + 38);
    if hay.len() < dos + 8
        || !hay[at + 2..at + 4].iter().all(u8::is_ascii_alphanumeric)
        || !hay[dos..dos + 8].iter().all(u8::is_ascii_digit)
    {
        return;
    }
    let id = &hay[spid..spid + 15];
    let id_end = spid + id.iter().position(|&b| b == b' ').unwrap_or(15);
    if id_end > spid {
        // Qualifier 01 says the service provider id is an NPI.
        let key = if &hay[qualifier..spid] == b"01" {
            "npi"
        } else {
            "service provider id"
        };
        out.push(Implicit::fixed(key, spid, id_end));
    }
    out.push(Implicit::fixed("service date", dos, dos + 8));
}

fn ncpdp(hay: &[u8], out: &mut Vec<Implicit>) {
    ncpdp_header(hay, out);
    let n = hay.len();
    let mut i = 0;
    while i < n {
        let Some(len) = ncpdp_separator(hay, i) else {
            i += 1;
            continue;
        };
        let fs = i + len;
        // The value runs to the next separator or to a segment written after a space
        // (`C1326485 AM01`).
        let mut fe = fs;
        while fe < n && ncpdp_separator(hay, fe).is_none() {
            if hay[fe] == b' ' && ncpdp_segment_at(hay, fe + 1) {
                break;
            }
            fe += 1;
        }
        i = fe;
        // Segments set apart by ` | ` in a log line: the bar is not part of the value.
        while fe > fs && matches!(hay[fe - 1], b' ' | b'|') {
            fe -= 1;
        }
        if fe < fs + 3 {
            continue;
        }
        let id = [hay[fs], hay[fs + 1]];
        // Some loggers write `CA=JOHN` for the standard's `CAJOHN`.
        let vs = fs + 2 + usize::from(hay[fs + 2] == b'=');
        if let Some(&(_, key)) = NCPDP_FIELDS.iter().find(|(f, _)| **f == id) {
            out.push(Implicit::fixed(key, vs, fe));
        }
    }
}

// ---------------------------------------------------------------------------------------
// DICOM attributes, as `dcmdump` prints them (`(0010,0020) LO [MR123]`) and in the DICOM
// JSON model (`"00100020": {"vr": "LO", "Value": ["MR123"]}`). A person name (PN) is
// `family^given^middle`.

/// DICOM tags (group then element, upper-case hex) that hold PHI, and their key. `None`:
/// a person name, split into its parts.
const DICOM_TAGS: &[(&[u8; 8], Option<&str>)] = &[
    (b"00100010", None),                   // PatientName
    (b"00100020", Some("mrn")),            // PatientID
    (b"00100030", Some("dob")),            // PatientBirthDate
    (b"00101000", Some("mrn")),            // OtherPatientIDs
    (b"00101001", None),                   // OtherPatientNames
    (b"00101010", Some("age")),            // PatientAge (`093Y`)
    (b"00101040", Some("address")),        // PatientAddress
    (b"00102154", Some("phone")),          // PatientTelephoneNumbers
    (b"00080050", Some("accession")),      // AccessionNumber
    (b"00080020", Some("service date")),   // StudyDate
    (b"00080021", Some("service date")),   // SeriesDate
    (b"00080022", Some("service date")),   // AcquisitionDate
    (b"00080023", Some("service date")),   // ContentDate
    (b"00080090", None),                   // ReferringPhysicianName
    (b"00081050", None),                   // PerformingPhysicianName
    (b"00081060", None),                   // NameOfPhysiciansReadingStudy
    (b"00081070", None),                   // OperatorsName
    (b"00321032", None),                   // RequestingPhysician
    (b"00380010", Some("account number")), // AdmissionID
];

/// The tag at `hay[i..]` (`(0010,0020)` or `"00100020"`), upper-cased, and the index after it.
fn dicom_tag(hay: &[u8], i: usize) -> Option<([u8; 8], usize)> {
    let (open, close) = (hay[i], if hay[i] == b'(' { b')' } else { b'"' });
    let hex = |b: &u8| b.is_ascii_hexdigit();
    let mut tag = [0u8; 8];
    let body = &hay[i + 1..];
    let end = if open == b'(' {
        if body.len() < 10
            || body[4] != b','
            || !body[..4].iter().all(hex)
            || !body[5..9].iter().all(hex)
        {
            return None;
        }
        tag[..4].copy_from_slice(&body[..4]);
        tag[4..].copy_from_slice(&body[5..9]);
        9
    } else {
        if body.len() < 9 || !body[..8].iter().all(hex) {
            return None;
        }
        tag.copy_from_slice(&body[..8]);
        8
    };
    if body[end] != close {
        return None;
    }
    tag.make_ascii_uppercase();
    Some((tag, i + 1 + end + 1))
}

/// The value span after a tag ending at `p`.
fn dicom_value(hay: &[u8], p: usize, json: bool) -> Option<(usize, usize)> {
    if json {
        let open = object_value_at(hay, p)?;
        let (_, oe) = enclosing_object(hay, open + 1);
        if let Some(v) = json_member(hay, open, oe, b"Alphabetic") {
            return Some(v);
        }
        // `"Value": ["…"]`: the first string of the array.
        let at = memchr::memmem::find(&hay[open..oe], b"\"Value\"")? + open + 7;
        let q = skip_ws(hay, at);
        let q = skip_ws(hay, q + usize::from(hay.get(q) == Some(&b':')));
        let q = skip_ws(hay, q + usize::from(hay.get(q) == Some(&b'[')));
        if hay.get(q) != Some(&b'"') {
            return None;
        }
        let e = memchr::memchr(b'"', &hay[q + 1..oe])? + q + 1;
        return Some((q + 1, e));
    }
    // ` LO [value]`
    let q = skip_ws(hay, p);
    let vr = hay.get(q..q + 2)?;
    if !vr.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let b = skip_ws(hay, q + 2);
    if hay.get(b) != Some(&b'[') {
        return None;
    }
    let e = memchr::memchr(b']', &hay[b + 1..])? + b + 1;
    Some((b + 1, e))
}

fn dicom(hay: &[u8], out: &mut Vec<Implicit>) {
    let mut i = 0;
    while let Some(o) = memchr::memchr2(b'(', b'"', &hay[i..]) {
        let at = i + o;
        i = at + 1;
        let Some((tag, p)) = dicom_tag(hay, at) else {
            continue;
        };
        let Some(&(_, key)) = DICOM_TAGS.iter().find(|(t, _)| **t == tag) else {
            continue;
        };
        let Some((vs, ve)) = dicom_value(hay, p, hay[at] == b'"') else {
            continue;
        };
        i = ve.max(i);
        let push = |out: &mut Vec<Implicit>, key: &'static str, s: usize, e: usize| {
            if s < e {
                out.push(Implicit::fixed(key, s, e));
            }
        };
        match key {
            // `093Y`: the number of years.
            Some("age") => {
                let digits = hay[vs..ve]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                push(out, "age", vs, vs + digits);
            }
            Some(key) => push(out, key, vs, ve),
            None => {
                let mut cs = vs;
                for part in ["last name", "first name", "middle name"] {
                    let ce = memchr::memchr(b'^', &hay[cs..ve]).map_or(ve, |o| cs + o);
                    push(out, part, cs, ce);
                    if ce >= ve {
                        break;
                    }
                    cs = ce + 1;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// SQL INSERT … (cols) VALUES (…), (…)

/// The first position at or after `from` where `needle` starts, ASCII case ignored.
pub(super) fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn skip_ws(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && hay[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Parses a parenthesised list of column names starting at `hay[i] == '('`; returns the
/// index after `)`.
fn column_list(hay: &[u8], i: usize, cols: &mut Vec<(u32, u32)>) -> Option<usize> {
    cols.clear();
    let mut p = i + 1;
    loop {
        p = skip_ws(hay, p);
        let q = hay.get(p).copied()?;
        let quoted = matches!(q, b'`' | b'"' | b'[');
        if quoted {
            p += 1;
        }
        let s = p;
        while p < hay.len() && (hay[p].is_ascii_alphanumeric() || hay[p] == b'_' || hay[p] == b'.')
        {
            p += 1;
        }
        if p == s {
            return None;
        }
        cols.push((s as u32, p as u32));
        if quoted && p < hay.len() && matches!(hay[p], b'`' | b'"' | b']') {
            p += 1;
        }
        p = skip_ws(hay, p);
        match hay.get(p)? {
            b',' => p += 1,
            b')' => return Some(p + 1),
            _ => return None,
        }
    }
}

/// One SQL literal starting at `p` (after whitespace): returns (value start, value end,
/// index after the literal).
fn sql_literal(hay: &[u8], p: usize) -> Option<(usize, usize, usize)> {
    let n = hay.len();
    let q = *hay.get(p)?;
    if q == b'\'' || q == b'"' {
        let mut j = p + 1;
        while j < n {
            if hay[j] == q {
                if j + 1 < n && hay[j + 1] == q {
                    j += 2;
                    continue;
                }
                return Some((p + 1, j, j + 1));
            }
            if hay[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        return None;
    }
    let mut j = p;
    while j < n && !matches!(hay[j], b',' | b')') {
        j += 1;
    }
    let mut e = j;
    while e > p && hay[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    Some((p, e, j))
}

fn sql_insert(hay: &[u8], cols: &mut Vec<(u32, u32)>, out: &mut Vec<Implicit>) {
    let mut from = 0;
    while let Some(ins) = find_ci(hay, from, b"insert into") {
        from = ins + 11;
        // Table name, then `(`.
        let Some(open) = memchr::memchr2(b'(', b'\n', &hay[from..]).map(|o| from + o) else {
            return;
        };
        if hay[open] != b'(' || find_ci(&hay[from..open], 0, b"values").is_some() {
            continue;
        }
        let Some(after) = column_list(hay, open, cols) else {
            continue;
        };
        let v = skip_ws(hay, after);
        if !(v + 6 <= hay.len() && hay[v..v + 6].eq_ignore_ascii_case(b"values")) {
            continue;
        }
        let mut p = skip_ws(hay, v + 6);
        // One or more tuples.
        while hay.get(p) == Some(&b'(') {
            p += 1;
            let mut k = 0;
            loop {
                p = skip_ws(hay, p);
                let Some((vs, ve, next)) = sql_literal(hay, p) else {
                    return;
                };
                if let Some(&(cs, ce)) = cols.get(k)
                    && vs < ve
                {
                    out.push(Implicit {
                        key: KeyName::Column(cs, ce),
                        start: vs as u32,
                        end: ve as u32,
                    });
                }
                k += 1;
                p = skip_ws(hay, next);
                match hay.get(p) {
                    Some(b',') => p += 1,
                    Some(b')') => {
                        p += 1;
                        break;
                    }
                    _ => return,
                }
            }
            p = skip_ws(hay, p);
            if hay.get(p) == Some(&b',') {
                p = skip_ws(hay, p + 1);
            }
        }
        from = p.max(from);
    }
}

// ---------------------------------------------------------------------------------------
// CSV rows announced with their header: `header: mrn,last,first,dob … : 1,Doe,Jane,…`

/// Words that announce a column list in a log message.
const HEADER_CUES: [&[u8]; 4] = [b"header", b"columns", b"cols", b"fields"];

/// Splits a comma-separated run starting at `p` into cells; stops at whitespace that is
/// not inside quotes, or at `)`, `;`, `|`. Returns the end.
fn csv_cells(hay: &[u8], p: usize, cells: &mut Vec<(u32, u32)>, names_only: bool) -> usize {
    cells.clear();
    let n = hay.len();
    let mut i = p;
    loop {
        let (s, e, next) = if i < n && hay[i] == b'"' {
            let mut j = i + 1;
            while j < n && hay[j] != b'"' {
                j += 1;
            }
            if j >= n {
                return i;
            }
            (i + 1, j, j + 1)
        } else {
            let mut j = i;
            while j < n {
                let b = hay[j];
                let stop = if names_only {
                    !(b.is_ascii_alphanumeric() || b == b'_')
                } else {
                    matches!(
                        b,
                        b',' | b' ' | b'\t' | b')' | b';' | b'|' | b'"' | b'\r' | b'\n'
                    )
                };
                if stop {
                    break;
                }
                j += 1;
            }
            (i, j, j)
        };
        cells.push((s as u32, e as u32));
        if next < n && hay[next] == b',' {
            i = next + 1;
            if names_only {
                i = skip_ws(hay, i);
            }
        } else {
            return next;
        }
    }
}

fn csv_with_header(hay: &[u8], cols: &mut Vec<(u32, u32)>, out: &mut Vec<Implicit>) {
    for cue in HEADER_CUES {
        let Some(at) = find_ci(hay, 0, cue) else {
            continue;
        };
        if at > 0 && hay[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut p = at + cue.len();
        p = skip_ws(hay, p);
        if p < hay.len() && matches!(hay[p], b':' | b'=') {
            p += 1;
        }
        p = skip_ws(hay, p);
        if p < hay.len() && matches!(hay[p], b'"' | b'\'' | b'[' | b'(') {
            p += 1;
        }
        let end = csv_cells(hay, p, cols, true);
        if cols.len() < 3 || cols.iter().any(|&(s, e)| s == e) {
            continue;
        }
        // The row: the next comma-separated run with the same number of cells, after a
        // separator (`): `, `; `, ` row=`, …).
        let mut q = end;
        let mut row_cells = 0;
        while q < hay.len() {
            // Next token start after a non-value byte.
            while q < hay.len()
                && !(hay[q].is_ascii_alphanumeric()
                    || hay[q] == b'"'
                    || hay[q] == b'+'
                    || hay[q] == b'(')
            {
                q += 1;
            }
            if q >= hay.len() {
                break;
            }
            let start = q;
            let count = count_cells(hay, start);
            if count == cols.len() {
                row_cells = count;
                q = start;
                break;
            }
            // Skip this token.
            while q < hay.len() && !hay[q].is_ascii_whitespace() {
                q += 1;
            }
        }
        if row_cells == 0 {
            continue;
        }
        // Re-split the row (cols holds the header; walk both).
        let mut i = q;
        let n = hay.len();
        for &(cs, ce) in cols.iter() {
            let (s, e, next) = if i < n && hay[i] == b'"' {
                let mut j = i + 1;
                while j < n && hay[j] != b'"' {
                    j += 1;
                }
                (i + 1, j.min(n), (j + 1).min(n))
            } else {
                let mut j = i;
                while j < n
                    && !matches!(
                        hay[j],
                        b',' | b' ' | b'\t' | b';' | b'|' | b'"' | b'\r' | b'\n'
                    )
                {
                    j += 1;
                }
                (i, j, j)
            };
            if s < e {
                out.push(Implicit {
                    key: KeyName::Column(cs, ce),
                    start: s as u32,
                    end: e as u32,
                });
            }
            if next < n && hay[next] == b',' {
                i = next + 1;
            } else {
                break;
            }
        }
        return;
    }
}

/// How many comma-separated cells (no spaces outside quotes) start at `p`.
fn count_cells(hay: &[u8], p: usize) -> usize {
    let n = hay.len();
    let mut i = p;
    let mut count = 0;
    loop {
        count += 1;
        if i < n && hay[i] == b'"' {
            let mut j = i + 1;
            while j < n && hay[j] != b'"' {
                j += 1;
            }
            i = (j + 1).min(n);
        } else {
            while i < n
                && !matches!(
                    hay[i],
                    b',' | b' ' | b'\t' | b';' | b'|' | b'"' | b'\r' | b'\n'
                )
            {
                i += 1;
            }
        }
        if i < n && hay[i] == b',' {
            i += 1;
        } else {
            return count;
        }
    }
}

// ---------------------------------------------------------------------------------------
// FHIR-style identifiers: the key context comes from a sibling discriminator.

/// `system` URIs / OIDs (lower-cased substrings) and the key their sibling `value` gets.
const SYSTEMS: &[(&[u8], &str)] = &[
    (b"2.16.840.1.113883.4.1", "ssn"),
    (b"us-ssn", "ssn"),
    (b"/ssn", "ssn"),
    (b"2.16.840.1.113883.4.6", "npi"),
    (b"/npi", "npi"),
    (b"us-npi", "npi"),
    (b"mrn", "mrn"),
    (b"medical-record", "mrn"),
    (b"medicalrecord", "mrn"),
    (b"/mr", "mrn"),
    (b"patient-id", "mrn"),
    (b"member", "member id"),
    (b"subscriber", "member id"),
    (b"medicare", "member id"),
    (b"mbi", "member id"),
    (b"medicaid", "member id"),
    (b"driver", "drivers license"),
    (b"account", "account number"),
];

/// The byte span of the JSON object enclosing `at` (between the nearest unbalanced `{`
/// before and `}` after, ignoring braces inside strings only approximately).
fn enclosing_object(hay: &[u8], at: usize) -> (usize, usize) {
    let mut depth = 0i32;
    let mut s = at;
    while s > 0 {
        s -= 1;
        match hay[s] {
            b'}' => depth += 1,
            b'{' if depth == 0 => break,
            b'{' => depth -= 1,
            _ => {}
        }
    }
    let mut depth = 0i32;
    let mut e = at;
    while e < hay.len() {
        match hay[e] {
            b'{' => depth += 1,
            b'}' if depth == 0 => break,
            b'}' => depth -= 1,
            _ => {}
        }
        e += 1;
    }
    (s, e)
}

/// The string (or number) value of `"key":` inside `hay[s..e]`.
fn json_member(hay: &[u8], s: usize, e: usize, key: &[u8]) -> Option<(usize, usize)> {
    let mut i = s;
    while i + key.len() + 2 < e {
        if hay[i] == b'"'
            && hay[i + 1..].starts_with(key)
            && hay.get(i + 1 + key.len()) == Some(&b'"')
        {
            let mut p = skip_ws(hay, i + 2 + key.len());
            if hay.get(p) != Some(&b':') {
                i += 1;
                continue;
            }
            p = skip_ws(hay, p + 1);
            if hay.get(p) == Some(&b'"') {
                let vs = p + 1;
                let mut j = vs;
                while j < e && hay[j] != b'"' {
                    if hay[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                return (j > vs && j <= e).then_some((vs, j));
            }
            let vs = p;
            let mut j = p;
            while j < e && (hay[j].is_ascii_alphanumeric() || hay[j] == b'-') {
                j += 1;
            }
            return (j > vs).then_some((vs, j));
        }
        i += 1;
    }
    None
}

/// Substring finders built once: `memmem::find` would build a searcher on every line.
static SYSTEM_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"system\""));
static NAME_KEY_END: LazyLock<[Finder<'static>; 2]> =
    LazyLock::new(|| [Finder::new(b"ame\""), Finder::new(b"AME\"")]);

/// HL7 table 0203 identifier type codes (`"type": {"coding": [{"system":
/// ".../v2-0203", "code": "MR"}]}`) and the key the identifier's `value` gets.
const ID_TYPE_CODES: &[(&[u8], &str)] = &[
    (b"MR", "mrn"),
    (b"MRT", "mrn"),
    (b"PI", "mrn"),
    (b"PT", "mrn"),
    (b"PN", "mrn"),
    (b"SS", "ssn"),
    (b"SB", "member id"),
    (b"DL", "drivers license"),
    (b"MB", "member id"),
    (b"MA", "member id"),
    (b"MC", "member id"),
    (b"SN", "member id"),
    (b"HC", "member id"),
    (b"JHN", "member id"),
    (b"NH", "member id"),
    (b"AN", "account number"),
    (b"NPI", "npi"),
    (b"MD", "license number"),
    (b"LN", "license number"),
    (b"DEA", "dea"),
];

/// For a `{"system": ".../v2-0203", "code": "MR"}` coding at `os..oe`: the `value` of the
/// identifier that holds it (`identifier → type → coding[] → this`) and its key.
fn identifier_by_type_code(
    hay: &[u8],
    os: usize,
    oe: usize,
) -> Option<(usize, usize, &'static str)> {
    let (cs, ce) = json_member(hay, os, oe, b"code")?;
    let code = &hay[cs..ce];
    let &(_, key) = ID_TYPE_CODES
        .iter()
        .find(|(c, _)| code.eq_ignore_ascii_case(c))?;
    // Up two objects: the `type` object, then the identifier.
    let (ts, _) = enclosing_object(hay, os);
    if hay.get(ts) != Some(&b'{') {
        return None;
    }
    let (is, ie) = enclosing_object(hay, ts);
    if hay.get(is) != Some(&b'{') {
        return None;
    }
    let (vs, ve) = json_member(hay, is, ie, b"value")?;
    Some((vs, ve, key))
}

/// `resource`: where the line's `"resourceType"` value lies, if it has one.
fn json_identifier_system(hay: &[u8], resource: Option<(usize, usize)>, out: &mut Vec<Implicit>) {
    let mut from = 0;
    while let Some(at) = SYSTEM_KEY.find(&hay[from..]).map(|o| from + o) {
        from = at + 8;
        let (os, oe) = enclosing_object(hay, at);
        let Some((ss, se)) = json_member(hay, os, oe, b"system") else {
            continue;
        };
        let sys = &hay[ss..se];
        // The member found must be this `"system"`, not one nested deeper.
        let this_member = ss > at + 8 && memchr::memchr(b'"', &hay[at + 8..ss - 1]).is_none();
        if sys.ends_with(b"v2-0203") && this_member {
            if let Some((vs, ve, key)) = identifier_by_type_code(hay, os, oe) {
                out.push(Implicit::fixed(key, vs, ve));
            }
            continue;
        }
        let known = SYSTEMS.iter().find(|(needle, _)| {
            sys.windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
        });
        // A system the table does not know, on a resource that is one patient's record:
        // its identifiers (encounter, claim, order, requisition numbers) name that record.
        let key = match known {
            Some(&(_, key)) => key,
            None if this_member => {
                match resource.and_then(|(s, e)| record_identifier_key(&hay[s..e])) {
                    Some(key) => key,
                    None => continue,
                }
            }
            None => continue,
        };
        if let Some((vs, ve)) = json_member(hay, os, oe, b"value") {
            out.push(Implicit::fixed(key, vs, ve));
        }
    }
}

/// FHIR resources each of which is one patient's record, and the key an identifier of an
/// unknown system means on them.
const PATIENT_RECORDS: [(&[u8], &str); 11] = [
    (b"Patient", "mrn"),
    (b"Encounter", "encounter number"),
    (b"Claim", "claim number"),
    (b"ClaimResponse", "claim number"),
    (b"ExplanationOfBenefit", "claim number"),
    (b"ServiceRequest", "order number"),
    (b"MedicationRequest", "prescription number"),
    (b"MedicationDispense", "prescription number"),
    (b"DiagnosticReport", "accession number"),
    (b"Specimen", "accession number"),
    (b"DocumentReference", "unique document number"),
];

/// The key for identifiers of unknown systems on a resource of type `resource`.
fn record_identifier_key(resource: &[u8]) -> Option<&'static str> {
    PATIENT_RECORDS
        .iter()
        .find(|(r, _)| resource == *r)
        .map(|&(_, key)| key)
}

/// A FHIR Patient's own logical id (`{"resourceType":"Patient","id":"pt-977893"}`): the
/// key every other resource uses to point at this person.
fn fhir_patient_id(hay: &[u8], resource: Option<(usize, usize)>, out: &mut Vec<Implicit>) {
    let Some((rs, re)) = resource else {
        return;
    };
    if &hay[rs..re] != b"Patient" {
        return;
    }
    let (os, oe) = enclosing_object(hay, rs);
    if let Some((vs, ve)) = json_member(hay, os, oe, b"id") {
        out.push(Implicit::fixed("patient resource id", vs, ve));
    }
}

// ---------------------------------------------------------------------------------------
// FHIR references, periods and ages: `{"reference": "Patient/123", "display": "Jane Doe"}`
// names a person; an encounter's `"period": {"start": …}` is a date of service; an age
// quantity (`"valueAge": {"value": 93, "unit": "a"}`) is an age.

static DISPLAY_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\"display\""));
static PERIOD_KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"eriod\""));
static AGE_KEY_END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"ge\""));

/// The JSON key whose closing quote is at `close`: the bytes after the quote before it.
fn key_closing_at(hay: &[u8], close: usize) -> &[u8] {
    let start = hay[..close]
        .iter()
        .rposition(|&b| b == b'"')
        .map_or(close, |q| q + 1);
    &hay[start..close]
}

/// Resource types whose references point at a person.
const PERSON_RESOURCES: [&[u8]; 4] = [b"Patient/", b"Practitioner/", b"RelatedPerson/", b"Person/"];

/// FHIR elements that refer to a person: a `display` under them is a name even without a
/// `reference` beside it (`"subject": {"display": "Jane Doe"}`).
const PERSON_ELEMENTS: [&[u8]; 15] = [
    b"subject",
    b"patient",
    b"requester",
    b"performer",
    b"author",
    b"subscriber",
    b"beneficiary",
    b"policyHolder",
    b"practitioner",
    b"recorder",
    b"asserter",
    b"informant",
    b"individual",
    b"enterer",
    b"attester",
];

/// Period elements that date a person's care (`"billablePeriod": {"start": …}`).
const PERIOD_ELEMENTS: [&[u8]; 6] = [
    b"period",
    b"billablePeriod",
    b"servicedPeriod",
    b"performedPeriod",
    b"effectivePeriod",
    b"onsetPeriod",
];

/// Resources whose `period` is not a date of a person's care (a plan's or an
/// organisation's validity).
const IMPERSONAL_PERIODS: [&[u8]; 8] = [
    b"Coverage",
    b"InsurancePlan",
    b"Organization",
    b"OrganizationAffiliation",
    b"Location",
    b"HealthcareService",
    b"Endpoint",
    b"Contract",
];

fn json_reference_display(hay: &[u8], out: &mut Vec<Implicit>) {
    let mut from = 0;
    while let Some(at) = DISPLAY_KEY.find(&hay[from..]).map(|o| from + o) {
        from = at + 9;
        let (os, oe) = enclosing_object(hay, at);
        if hay.get(os) != Some(&b'{') {
            continue;
        }
        // `Patient/123`, or a full URL `https://…/fhir/Patient/123`.
        let to_person = json_member(hay, os, oe, b"reference").is_some_and(|(rs, re)| {
            let reference = &hay[rs..re];
            PERSON_RESOURCES.iter().any(|p| {
                memchr::memmem::find_iter(reference, p).any(|i| i == 0 || reference[i - 1] == b'/')
            })
        });
        let under_person =
            || parent_key(hay, os).is_some_and(|(ks, ke)| PERSON_ELEMENTS.contains(&&hay[ks..ke]));
        if !(to_person || under_person()) {
            continue;
        }
        if let Some((vs, ve)) = json_member(hay, at, oe, b"display") {
            out.push(Implicit::fixed("full name", vs, ve));
        }
    }
}

fn json_period_and_age(hay: &[u8], resource: Option<(usize, usize)>, out: &mut Vec<Implicit>) {
    let resource = resource.map(|(s, e)| &hay[s..e]);
    let impersonal = resource.is_some_and(|r| IMPERSONAL_PERIODS.contains(&r));
    // An Appointment's own `start` and `end` are when one patient is seen.
    if resource == Some(b"Appointment") {
        for member in [&b"start"[..], b"end"] {
            if let Some((vs, ve)) = json_member(hay, 0, hay.len(), member) {
                out.push(Implicit::fixed("date of service", vs, ve));
            }
        }
    }
    let mut from = 0;
    while !impersonal && let Some(at) = PERIOD_KEY.find(&hay[from..]).map(|o| from + o) {
        from = at + 6;
        if !PERIOD_ELEMENTS.contains(&key_closing_at(hay, at + 5)) {
            continue;
        }
        let Some(open) = object_value_at(hay, at + 6) else {
            continue;
        };
        let (_, oe) = enclosing_object(hay, open + 1);
        for member in [&b"start"[..], b"end"] {
            if let Some((vs, ve)) = json_member(hay, open, oe, member) {
                out.push(Implicit::fixed("date of service", vs, ve));
            }
        }
    }
    // Age quantities: `"valueAge": {…}`, `"age": {…}`.
    let mut i = 0;
    while let Some(q) = AGE_KEY_END.find(&hay[i..]).map(|o| i + o) {
        i = q + 3;
        let key = key_closing_at(hay, q + 2);
        if !(key.eq_ignore_ascii_case(b"age") || key.eq_ignore_ascii_case(b"valueAge")) {
            continue;
        }
        let Some(open) = object_value_at(hay, q + 3) else {
            continue;
        };
        let (_, oe) = enclosing_object(hay, open + 1);
        if let Some((vs, ve)) = json_member(hay, open, oe, b"value") {
            out.push(Implicit::fixed("age", vs, ve));
        }
    }
}

/// The `{` of an object value after a key ending just before `p` (`"key": {`).
fn object_value_at(hay: &[u8], p: usize) -> Option<usize> {
    let p = skip_ws(hay, p);
    if hay.get(p) != Some(&b':') {
        return None;
    }
    let p = skip_ws(hay, p + 1);
    (hay.get(p) == Some(&b'{')).then_some(p)
}

// ---------------------------------------------------------------------------------------
// JSON name parts under a name-ish parent: `"name": [{"family": "Doe", "given": ["Jane"]}]`,
// `"patientName": {"first": "Jane", "last": "Doe"}`.

/// Name-part keys and the canonical key their value gets.
/// NEMSIS v3 elements (the US national EMS data standard) that hold a patient's
/// identity or the dates of their care, with the key each one means.
const NEMSIS_ELEMENTS: &[(&[u8], &str)] = &[
    (b"eRecord.01", "case number"),
    (b"eResponse.03", "case number"),
    (b"eResponse.04", "case number"),
    (b"ePatient.02", "last name"),
    (b"ePatient.03", "first name"),
    (b"ePatient.04", "middle name"),
    (b"ePatient.05", "address"),
    (b"ePatient.06", "city"),
    (b"ePatient.07", "county"),
    (b"ePatient.09", "zip"),
    (b"ePatient.12", "ssn"),
    (b"ePatient.15", "age"),
    (b"ePatient.17", "dob"),
    (b"ePatient.18", "phone"),
    (b"ePatient.19", "email"),
    (b"ePatient.21", "drivers license number"),
    (b"eTimes.03", "date of service"),
    (b"eTimes.05", "date of service"),
    (b"eTimes.06", "date of service"),
    (b"eTimes.07", "date of service"),
    (b"eTimes.09", "date of service"),
    (b"eTimes.11", "date of service"),
];

const NAME_PARTS: &[(&[u8], &str)] = &[
    (b"family", "last name"),
    (b"last", "last name"),
    (b"surname", "last name"),
    (b"given", "first name"),
    (b"first", "first name"),
    (b"middle", "middle name"),
    (b"text", "full name"),
    (b"full", "full name"),
];

/// The key whose value is the object opening at `open` (`{`), looking through an
/// enclosing array: `"name": [ {` or `"name": [ {…}, {`.
fn parent_key(hay: &[u8], open: usize) -> Option<(usize, usize)> {
    let mut i = open;
    let back_ws = |mut i: usize| {
        while i > 0 && hay[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        i
    };
    i = back_ws(i);
    if i > 0 && hay[i - 1] == b',' {
        // Inside an array after other elements: find its `[`.
        let mut depth = 0i32;
        while i > 0 {
            i -= 1;
            match hay[i] {
                b'}' | b']' => depth += 1,
                b'{' if depth > 0 => depth -= 1,
                b'[' if depth > 0 => depth -= 1,
                b'[' => break,
                b'{' => return None,
                _ => {}
            }
        }
        i = back_ws(i);
    } else if i > 0 && hay[i - 1] == b'[' {
        i = back_ws(i - 1);
    }
    if i == 0 || hay[i - 1] != b':' {
        return None;
    }
    i = back_ws(i - 1);
    if i == 0 || hay[i - 1] != b'"' {
        return None;
    }
    let ke = i - 1;
    let ks = hay[..ke].iter().rposition(|&b| b == b'"')? + 1;
    Some((ks, ke))
}

fn json_name_parts(hay: &[u8], out: &mut Vec<Implicit>) {
    if NAME_KEY_END.iter().all(|f| f.find(hay).is_none()) {
        return;
    }
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &hay[i..]).map(|o| i + o) {
        let ks = q + 1;
        let Some(ke) = memchr::memchr(b'"', &hay[ks..]).map(|o| ks + o) else {
            return;
        };
        i = ke + 1;
        let p = skip_ws(hay, ke + 1);
        if hay.get(p) != Some(&b':') {
            continue;
        }
        let key = &hay[ks..ke];
        let Some(&(_, canon)) = NAME_PARTS.iter().find(|(k, _)| key.eq_ignore_ascii_case(k)) else {
            continue;
        };
        let (os, _) = enclosing_object(hay, q);
        if hay.get(os) != Some(&b'{') {
            continue;
        }
        let Some((ps, pe)) = parent_key(hay, os) else {
            continue;
        };
        let parent = &hay[ps..pe];
        let named = parent.len() >= 4 && parent[parent.len() - 4..].eq_ignore_ascii_case(b"name")
            || parent.eq_ignore_ascii_case(b"names");
        if !named {
            continue;
        }
        // The value: a string, or an array of strings.
        let mut v = skip_ws(hay, p + 1);
        let in_array = hay.get(v) == Some(&b'[');
        if in_array {
            v = skip_ws(hay, v + 1);
        }
        while hay.get(v) == Some(&b'"') {
            let vs = v + 1;
            let Some(ve) = memchr::memchr(b'"', &hay[vs..]).map(|o| vs + o) else {
                return;
            };
            out.push(Implicit::fixed(canon, vs, ve));
            i = ve + 1;
            if !in_array {
                break;
            }
            v = skip_ws(hay, ve + 1);
            if hay.get(v) == Some(&b',') {
                v = skip_ws(hay, v + 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// XML elements: `<birthDate>1962-03-14</birthDate>` (the tag is the key),
// `<birthTime value="19620314"/>` (the tag keys its `value` attribute) and
// `<id root="2.16.840.1.113883.4.1" extension="…"/>` (the root OID keys its extension).

fn attr(tag: &[u8], name: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(o) = memchr::memmem::find(&tag[i..], name) {
        let at = i + o;
        i = at + name.len();
        if at == 0 || !tag[at - 1].is_ascii_whitespace() {
            continue;
        }
        let mut p = skip_ws(tag, i);
        if tag.get(p) != Some(&b'=') {
            continue;
        }
        p = skip_ws(tag, p + 1);
        let q = *tag.get(p)?;
        if q != b'"' && q != b'\'' {
            continue;
        }
        let vs = p + 1;
        let ve = tag[vs..].iter().position(|&b| b == q)? + vs;
        return Some((vs, ve));
    }
    None
}

/// Elements that describe an organisation or a clinician's practice (NCPDP SCRIPT
/// `<Pharmacy>`, `<Prescriber>`; CDA `<representedOrganization>`, `<custodian>`): their
/// address and telephone elements are the organisation's, not a person's.
fn is_organisation_element(local: &[u8]) -> bool {
    // Whole names; ENDINGS also covers `pharmacy` and `facility` on their own.
    const EXACT: [&[u8]; 6] = [
        b"prescriber",
        b"supervisor",
        b"custodian",
        b"practice",
        b"clinic",
        b"payer",
    ];
    const ENDINGS: [&[u8]; 4] = [b"organization", b"organisation", b"facility", b"pharmacy"];
    EXACT.iter().any(|e| local.eq_ignore_ascii_case(e))
        || ENDINGS.iter().any(|e| {
            local.len() >= e.len() && local[local.len() - e.len()..].eq_ignore_ascii_case(e)
        })
}

/// Address and telephone elements (`<addr>`, `<AddressLine1>`, `<PostalCode>`, `<telecom>`,
/// NCPDP's `<CommunicationNumbers>…<Number>`).
fn is_contact_element(local: &[u8]) -> bool {
    const PARTS: [&[u8]; 11] = [
        b"addr", b"street", b"line", b"city", b"state", b"postal", b"zip", b"telecom", b"phone",
        b"fax", b"email",
    ];
    local.eq_ignore_ascii_case(b"number")
        || PARTS
            .iter()
            .any(|p| local.windows(p.len()).any(|w| w.eq_ignore_ascii_case(p)))
}

/// Elements whose `<id extension="…">` children identify the patient (CDA
/// `recordTarget/patientRole`, HL7 v3 `<patient>`).
fn is_patient_element(local: &[u8]) -> bool {
    local.eq_ignore_ascii_case(b"patientRole") || local.eq_ignore_ascii_case(b"patient")
}

/// The key a `name="…"` (`Name=`, `key=`) attribute gives its element: IHE XDS
/// `<Slot name="sourcePatientId">`, Windows event `<Data Name="PatientName">`, `<entry
/// key="dob">`.
fn name_attribute(tag: &[u8]) -> Option<(usize, usize)> {
    [&b"name"[..], b"Name", b"key"]
        .iter()
        .find_map(|a| attr(tag, a))
        .filter(|(s, e)| s < e)
}

/// A text value written in HL7 v2 syntax inside XML (IHE XDS slot values): `PID-5|REYES^ANA`
/// is PID field 5, `ID^^^&OID&ISO` (CX) is its id under the element's key, and
/// `^Family^Given^…` (XCN without an id) a person's name. False when the value is none of
/// these.
fn xml_hl7_value(hay: &[u8], key: KeyName, vs: usize, ve: usize, out: &mut Vec<Implicit>) -> bool {
    let v = &hay[vs..ve];
    if v.len() > 5 && v.starts_with(b"PID-") {
        let digits = v[4..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && v.get(4 + digits) == Some(&b'|') {
            if let Some(field) = ascii_u8(&v[4..4 + digits]) {
                hl7_field(hay, b"PID", field, vs + 5 + digits, ve, out);
            }
            return true;
        }
    }
    let Some(caret) = memchr::memchr(b'^', v) else {
        return false;
    };
    if caret > 0 {
        if v[caret..].starts_with(b"^^^") {
            out.push(Implicit {
                key,
                start: vs as u32,
                end: (vs + caret) as u32,
            });
            return true;
        }
        return false;
    }
    let mut comps = v[1..].split(|&b| b == b'^');
    let (Some(family), Some(given)) = (comps.next(), comps.next()) else {
        return false;
    };
    let shaped = |p: &[u8]| {
        p.len() >= 2
            && p[0].is_ascii_uppercase()
            && p.iter()
                .all(|&b| super::names::name_byte(b) || b"'- ".contains(&b))
    };
    if !(shaped(family) && shaped(given)) {
        return false;
    }
    let fs = vs + 1;
    out.push(Implicit::fixed("last name", fs, fs + family.len()));
    let gs = fs + family.len() + 1;
    out.push(Implicit::fixed("first name", gs, gs + given.len()));
    true
}

/// The text span's key: the enclosing `name="…"` element's key if there is one, else the
/// element's own local name (or its canonical name-part / NEMSIS key).
fn xml_text_key(hay: &[u8], lt: usize, ns: usize, ne: usize, named: Option<NamedScope>) -> KeyName {
    if let Some(scope) = named {
        return KeyName::Column(scope.key.0, scope.key.1);
    }
    let local = &hay[ns..ne];
    let part = NEMSIS_ELEMENTS
        .iter()
        .find(|(k, _)| local == *k)
        .or_else(|| {
            NAME_PARTS
                .iter()
                .find(|(k, _)| local.eq_ignore_ascii_case(k))
                .filter(|_| xml_parent_is_name(hay, lt))
        });
    if let Some(&(_, canon)) = part {
        return KeyName::Fixed(canon);
    }
    if XML_VALUE_WRAPPERS
        .iter()
        .any(|w| local.eq_ignore_ascii_case(w))
        && let Some((ps, pe)) = xml_parent(hay, lt)
    {
        return KeyName::Column(ps as u32, pe as u32);
    }
    KeyName::Column(ns as u32, ne as u32)
}

/// An open element that keys the text inside it by its `name="…"` attribute.
#[derive(Clone, Copy)]
struct NamedScope {
    /// The attribute value's span.
    key: (u32, u32),
    /// The element's qualified name's span, to find its close tag.
    element: (usize, usize),
}

/// How many organisation and patient elements are open around the current position.
#[derive(Default)]
struct XmlScopes {
    organisation: u32,
    patient: u32,
}

impl XmlScopes {
    fn open(&mut self, local: &[u8]) {
        if is_organisation_element(local) {
            self.organisation += 1;
        } else if is_patient_element(local) {
            self.patient += 1;
        }
    }
    fn close(&mut self, local: &[u8]) {
        if is_organisation_element(local) {
            self.organisation = self.organisation.saturating_sub(1);
        } else if is_patient_element(local) {
            self.patient = self.patient.saturating_sub(1);
        }
    }
}

/// The local name (after any namespace prefix) of the element named `hay[s..e]`.
fn local_start(hay: &[u8], s: usize, e: usize) -> usize {
    hay[s..e]
        .iter()
        .rposition(|&b| b == b':')
        .map_or(s, |c| s + c + 1)
}

fn xml_elements(hay: &[u8], out: &mut Vec<Implicit>, quiet: &mut Vec<(u32, u32)>) {
    let n = hay.len();
    let mut i = 0;
    let mut scopes = XmlScopes::default();
    let mut named: Option<NamedScope> = None;
    while let Some(lt) = memchr::memchr(b'<', &hay[i..]).map(|o| i + o) {
        i = lt + 1;
        if hay.get(lt + 1) == Some(&b'/') {
            // A close tag: leave the scopes it ends.
            let cs = lt + 2;
            let ce = hay[cs..]
                .iter()
                .position(|&b| b == b'>' || b.is_ascii_whitespace())
                .map_or(n, |o| cs + o);
            scopes.close(&hay[local_start(hay, cs, ce)..ce]);
            if named.is_some_and(|s| hay[s.element.0..s.element.1] == hay[cs..ce]) {
                named = None;
            }
            continue;
        }
        if !hay.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut ne = lt + 1;
        while ne < n
            && (hay[ne].is_ascii_alphanumeric() || matches!(hay[ne], b'_' | b'-' | b'.' | b':'))
        {
            ne += 1;
        }
        let Some(gt) = memchr::memchr(b'>', &hay[ne..]).map(|o| ne + o) else {
            return;
        };
        let ns = local_start(hay, lt + 1, ne);
        let local = &hay[ns..ne];
        let tag = &hay[ne..gt];
        let self_closing = hay[gt - 1] == b'/';
        // An organisation's address and telephone: neither keyed nor claimed by shapes.
        if scopes.organisation > 0 && is_contact_element(local) {
            let end = if self_closing {
                gt
            } else {
                memchr::memchr(b'<', &hay[gt..]).map_or(n, |o| gt + o)
            };
            quiet.push((ne as u32, end as u32));
            i = end;
            continue;
        }
        let own_key = name_attribute(tag).map(|(s, e)| ((ne + s) as u32, (ne + e) as u32));
        if let Some((vs, ve)) = attr(tag, b"value") {
            out.push(Implicit {
                key: own_key.map_or(KeyName::Column(ns as u32, ne as u32), |(s, e)| {
                    KeyName::Column(s, e)
                }),
                start: (ne + vs) as u32,
                end: (ne + ve) as u32,
            });
        }
        if let Some((xs, xe)) = attr(tag, b"extension") {
            let system = attr(tag, b"root").and_then(|(rs, re)| {
                let root = &tag[rs..re];
                SYSTEMS.iter().find(|(needle, _)| {
                    root.windows(needle.len())
                        .any(|w| w.eq_ignore_ascii_case(needle))
                })
            });
            if let Some(&(_, key)) = system {
                out.push(Implicit::fixed(key, ne + xs, ne + xe));
            } else if scopes.patient > 0 && local.eq_ignore_ascii_case(b"id") {
                // recordTarget/patientRole/id: the patient's identifiers (C-CDA).
                out.push(Implicit::fixed("mrn", ne + xs, ne + xe));
            } else if local.eq_ignore_ascii_case(b"templateId") {
                // A template's version (`extension="2015-08-01"`) is not a date of care.
                quiet.push(((ne + xs) as u32, (ne + xe) as u32));
            }
        }
        if self_closing {
            i = gt + 1;
            continue;
        }
        scopes.open(local);
        if let Some(key) = own_key {
            named = Some(NamedScope {
                key,
                element: (lt + 1, ne),
            });
        }
        // Text content up to the matching close tag.
        let ts = gt + 1;
        let Some(te) = memchr::memchr(b'<', &hay[ts..]).map(|o| ts + o) else {
            return;
        };
        let close = &hay[te..];
        let name = &hay[lt + 1..ne];
        if te > ts
            && close.len() >= name.len() + 3
            && close[1] == b'/'
            && &close[2..2 + name.len()] == name
            && close[2 + name.len()] == b'>'
        {
            let key = xml_text_key(hay, lt, ns, ne, named);
            if !xml_hl7_value(hay, key, ts, te, out) {
                out.push(Implicit {
                    key,
                    start: ts as u32,
                    end: te as u32,
                });
            }
        }
        i = te;
    }
}

/// Whether the element enclosing the tag opening at `lt` is a `…name` element
/// (`<Name><Given>…`, `<patientName><family>…`).
fn xml_parent_is_name(hay: &[u8], lt: usize) -> bool {
    xml_parent(hay, lt).is_some_and(|(s, e)| {
        let name = &hay[s..e];
        name.len() >= 4 && name[name.len() - 4..].eq_ignore_ascii_case(b"name")
    })
}

/// Elements that only wrap a value whose meaning is their parent's (InterSystems SDA's
/// `<City><Code>BOWLING GREEN</Code></City>`, `<PatientNumber><Number>…`).
const XML_VALUE_WRAPPERS: [&[u8]; 5] = [b"Code", b"Value", b"Number", b"Text", b"Description"];

/// The name of the element enclosing the tag opening at `lt`.
fn xml_parent(hay: &[u8], lt: usize) -> Option<(usize, usize)> {
    let mut depth = 0u32;
    let mut i = lt;
    while let Some(o) = memchr::memrchr(b'<', &hay[..i]) {
        i = o;
        let Some(gt) = memchr::memchr(b'>', &hay[o..lt]).map(|g| o + g) else {
            continue;
        };
        if hay.get(o + 1) == Some(&b'/') {
            depth += 1;
            continue;
        }
        if hay[gt - 1] == b'/' || !hay.get(o + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        if depth > 0 {
            depth -= 1;
            continue;
        }
        let mut ne = o + 1;
        while ne < gt && (hay[ne].is_ascii_alphanumeric() || matches!(hay[ne], b'_' | b'-' | b':'))
        {
            ne += 1;
        }
        return Some((local_start(hay, o + 1, ne), ne));
    }
    None
}

// ---------------------------------------------------------------------------------------
// ASC X12 (270/271 eligibility, 837 claims): `NM1*IL*1*DOE*JANE****MI*W123~DMG*D8*19620314~`.

/// NM1-08 id qualifiers and the key of NM1-09.
fn x12_id_key(qual: &[u8]) -> Option<&'static str> {
    Some(match qual {
        b"XX" => "npi",
        b"34" => "ssn",
        b"MI" | b"II" | b"IL" | b"ZZ" => "member id",
        _ => return None,
    })
}

/// REF-01 qualifiers and the key of REF-02.
fn x12_ref_key(qual: &[u8]) -> Option<&'static str> {
    Some(match qual {
        b"SY" => "ssn",
        b"EA" => "mrn",
        b"1W" | b"IG" | b"6P" | b"HJ" | b"F6" | b"Q4" | b"0F" | b"1L" | b"23" | b"3H" => {
            "member id"
        }
        b"0B" => "license number",
        b"1K" | b"D9" | b"F8" => "claim number",
        b"G1" | b"9F" => "prior authorization number",
        b"EJ" => "patient account number",
        _ => return None,
    })
}

fn x12(hay: &[u8], out: &mut Vec<Implicit>, quiet: &mut Vec<(u32, u32)>) {
    let n = hay.len();
    let mut start = 0;
    while start < n {
        let end = memchr::memchr(b'~', &hay[start..]).map_or(n, |o| start + o);
        // The segment id starts the segment (after whitespace, or a line break written
        // out as `\n` by a logger) or, for the first segment in a message, follows a space.
        let mut s = skip_ws(hay, start);
        while s + 1 < end && hay[s] == b'\\' && matches!(hay[s + 1], b'r' | b'n') {
            s = skip_ws(hay, s + 2);
        }
        if start == 0 {
            // First segment: the id is the last word before its `*`.
            if let Some(star) = memchr::memchr(b'*', &hay[..end]) {
                s = hay[..star]
                    .iter()
                    .rposition(|b| !b.is_ascii_alphanumeric())
                    .map_or(0, |p| p + 1);
            }
        }
        x12_segment(hay, s, end, out, quiet);
        start = end + 1;
    }
}

fn x12_segment(
    hay: &[u8],
    s: usize,
    e: usize,
    out: &mut Vec<Implicit>,
    quiet: &mut Vec<(u32, u32)>,
) {
    let Some(star) = memchr::memchr(b'*', &hay[s..e]).map(|o| s + o) else {
        return;
    };
    let id = &hay[s..star];
    if !(2..=3).contains(&id.len())
        || !id
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return;
    }
    // Elements 1.. as (start, end); at most 18 are used (ASAP PAT-18).
    let mut el = [(0usize, 0usize); 19];
    let mut k = 1;
    let mut p = star + 1;
    while k < el.len() {
        let q = memchr::memchr(b'*', &hay[p..e]).map_or(e, |o| p + o);
        el[k] = (p, q);
        k += 1;
        if q >= e {
            break;
        }
        p = q + 1;
    }
    let count = k;
    let get = |i: usize| {
        if i < count {
            &hay[el[i].0..el[i].1]
        } else {
            &[][..]
        }
    };
    let mut emit = |i: usize, key: &'static str| {
        if i < count && el[i].0 < el[i].1 {
            out.push(Implicit::fixed(key, el[i].0, el[i].1));
        }
    };
    // When the interchange, group or transaction was created: not a date of care.
    let envelope_date = match id {
        b"ISA" => Some(9),
        b"GS" => Some(4),
        b"BHT" => Some(4),
        b"BGN" => Some(3),
        // ASAP transaction header: when the report file was created.
        b"TH" => Some(5),
        _ => None,
    };
    if let Some(i) = envelope_date
        && i < count
    {
        quiet.push((el[i].0 as u32, el[i].1 as u32));
    }
    match id {
        b"NM1" => {
            if get(2) == b"1" {
                emit(3, "last name");
                emit(4, "first name");
                emit(5, "middle name");
            }
            if let Some(key) = x12_id_key(get(8)) {
                emit(9, key);
            }
        }
        b"DMG" => emit(2, "dob"),
        b"N3" => {
            emit(1, "address");
            emit(2, "address");
        }
        b"N4" => {
            emit(1, "city");
            emit(3, "zip");
        }
        b"REF" => {
            if let Some(key) = x12_ref_key(get(1)) {
                emit(2, key);
            }
        }
        b"PER" => {
            for (q, v) in [(3, 4), (5, 6), (7, 8)] {
                match get(q) {
                    b"TE" | b"CP" | b"HP" | b"WP" => emit(v, "phone"),
                    b"FX" => emit(v, "fax"),
                    b"EM" => emit(v, "email"),
                    _ => {}
                }
            }
        }
        b"DTP" => {
            if matches!(
                get(1),
                b"472"
                    | b"435"
                    | b"096"
                    | b"434"
                    | b"050"
                    | b"304"
                    | b"431"
                    | b"232"
                    | b"233"
                    | b"291"
                    | b"307"
                    | b"356"
                    | b"357"
            ) {
                // `RD8` is a range, `CCYYMMDD-CCYYMMDD`: each end is a date.
                let (ds, de) = el[3.min(count.saturating_sub(1))];
                match (count > 3, memchr::memchr(b'-', &hay[ds..de])) {
                    (true, Some(dash)) if get(2) == b"RD8" => {
                        for (a, b) in [(ds, ds + dash), (ds + dash + 1, de)] {
                            out.push(Implicit::fixed("date of service", a, b));
                        }
                    }
                    _ => emit(3, "date of service"),
                }
            }
        }
        b"CLM" => emit(1, "patient account number"),
        // 835 claim payment: patient control number, payer claim control number.
        b"CLP" => {
            emit(1, "patient account number");
            emit(7, "claim number");
        }
        // Subscriber: insured group or policy number.
        b"SBR" => emit(3, "policy number"),
        // 837 patient information: PAT-06 is the date of death when PAT-05 says D8. The
        // ASAP prescription-monitoring PAT segment has the same id and many more elements.
        b"PAT" if count <= 10 && get(5) == b"D8" => emit(6, "date of death"),
        b"PAT" if count <= 10 => {}
        b"PAT" => asap_patient(&mut emit, get(2), get(5)),
        // ASAP dispensing record: prescription number, date written, date filled, date sold.
        b"DSP" => {
            emit(2, "rx number");
            emit(3, "date written");
            emit(5, "date of service");
            emit(17, "date of service");
        }
        // ASAP prescriber: NPI, DEA, state licence, name, phone.
        b"PRE" => {
            emit(1, "npi");
            emit(2, "dea");
            emit(4, "state license");
            emit(5, "last name");
            emit(6, "first name");
            emit(7, "middle name");
            emit(8, "phone");
        }
        // ASAP additional information: the person dropping off or picking up.
        b"AIR" => {
            emit(5, asap_id_key(get(4)).unwrap_or("person id"));
            emit(7, "last name");
            emit(8, "first name");
        }
        _ => {}
    }
}

/// ASAP (American Society for Automation in Pharmacy) 4.x `PAT` segment of a
/// prescription-monitoring report, by position: PAT-03 the patient's id (of the kind
/// PAT-02 names), PAT-05/06 an additional id, PAT-07..09 the name, PAT-12..16 the address,
/// PAT-17 the phone, PAT-18 the date of birth.
fn asap_patient(emit: &mut impl FnMut(usize, &'static str), id_kind: &[u8], other_kind: &[u8]) {
    emit(3, asap_id_key(id_kind).unwrap_or("patient id"));
    emit(6, asap_id_key(other_kind).unwrap_or("patient id"));
    emit(7, "last name");
    emit(8, "first name");
    emit(9, "middle name");
    for (i, key) in [
        (12, "address"),
        (13, "address"),
        (14, "city"),
        (16, "zip"),
        (17, "phone"),
        (18, "dob"),
    ] {
        emit(i, key);
    }
}

/// ASAP identification qualifiers (PAT-02, PAT-05, AIR-04) and the key of the id they
/// qualify: 06 driver's licence, 07 Social Security number; the others (military, state,
/// passport, tribal, system ids) are a person id.
fn asap_id_key(qual: &[u8]) -> Option<&'static str> {
    match qual {
        b"06" => Some("drivers license"),
        b"07" => Some("ssn"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(line: &str) -> Vec<(String, String)> {
        let mut s = Structure::default();
        let markers = MARKER_WORDS
            .iter()
            .filter(|(w, _)| find_ci(line.as_bytes(), 0, w.as_bytes()).is_some())
            .fold(0, |m, (_, bit)| m | bit);
        s.find(line.as_bytes(), markers);
        s.found
            .iter()
            .map(|f| {
                let key = match f.key {
                    KeyName::Fixed(k) => k.to_owned(),
                    KeyName::Column(a, b) => line[a as usize..b as usize].to_owned(),
                };
                (key, line[f.start as usize..f.end as usize].to_owned())
            })
            .collect()
    }

    fn has(p: &[(String, String)], k: &str, v: &str) -> bool {
        p.iter().any(|(a, b)| a == k && b == v)
    }

    #[test]
    fn astm_records_map_to_keys_by_position() {
        // Synthetic values, framed as an instrument driver logs them.
        let p = pairs(
            "RX <STX>7P|3|6506784|L48991396||WHITFIELD^ABENA^Q||19620628|F||18993 CEDAR WAY^LOWELL^MA^01825||(802)783-8963|OSEI^KENJI^K<CR><ETX>41<CR><LF>",
        );
        assert!(has(&p, "mrn", "6506784"));
        assert!(has(&p, "mrn", "L48991396"));
        assert!(has(&p, "last name", "WHITFIELD"));
        assert!(has(&p, "first name", "ABENA"));
        assert!(has(&p, "middle name", "Q"));
        assert!(has(&p, "dob", "19620628"));
        assert!(has(&p, "address", "18993 CEDAR WAY"));
        assert!(has(&p, "city", "LOWELL"));
        assert!(has(&p, "zip", "01825"));
        assert!(has(&p, "phone", "(802)783-8963"));
        assert!(has(&p, "last name", "OSEI"));
        let p = pairs(
            "<- <STX>3O|1|25-CT-372578||^^^CREA|R|20250419125600|20250419125600|||||||20250419134600|WB<CR>",
        );
        assert!(has(&p, "specimen id", "25-CT-372578"));
        assert!(has(&p, "service date", "20250419134600"));
        // The test code and priority are no one's; a word ending in P is no record type.
        assert!(!p.iter().any(|(_, v)| v == "CREA" || v == "R"));
        assert!(pairs("status=UP|2|3|4||5|6").is_empty());
    }

    #[test]
    fn hl7_fields_map_to_keys_by_position() {
        let p = pairs(
            "in PID|1||7788^^^HOSP^MR||DOE^JANE^Q||19620314|F|||12 OAK ST^^AUSTIN^TX^73301||(217)555-0123|||||AC-991|219-09-9999 PV1|1|I|||||1234567893^WU^AMY||||||||||||V88|||||||||||||||||||||||||202403140157|",
        );
        assert!(has(&p, "mrn", "7788"));
        assert!(has(&p, "last name", "DOE"));
        assert!(has(&p, "first name", "JANE"));
        assert!(has(&p, "dob", "19620314"));
        assert!(has(&p, "address", "12 OAK ST"));
        assert!(has(&p, "city", "AUSTIN"));
        assert!(has(&p, "zip", "73301"));
        assert!(has(&p, "phone", "(217)555-0123"));
        assert!(has(&p, "account number", "AC-991"));
        assert!(has(&p, "ssn", "219-09-9999"));
        assert!(has(&p, "npi", "1234567893"));
        assert!(has(&p, "last name", "WU"));
        assert!(has(&p, "account number", "V88"));
        assert!(has(&p, "admit date", "202403140157"));
        // MSH is not a mapped segment; a word ending in PID is not a segment id.
        assert!(pairs("MSH|^~\\&|LAB|HOSP").is_empty());
        assert!(pairs("RAPID|1||x").is_empty());
    }

    #[test]
    fn sql_insert_values_align_with_columns() {
        let p = pairs(
            "insert into patients (first_name, `last_name`, dob, zip) values ('Ann', 'O''Neil', '1950-01-02', 12345), ('Bo', 'Li', NULL, '02134')",
        );
        assert!(has(&p, "first_name", "Ann"));
        assert!(has(&p, "last_name", "O''Neil"));
        assert!(has(&p, "dob", "1950-01-02"));
        assert!(has(&p, "zip", "12345"));
        assert!(has(&p, "first_name", "Bo"));
        assert!(has(&p, "zip", "02134"));
        assert!(pairs("INSERT INTO t VALUES ('a', 'b')").is_empty());
    }

    #[test]
    fn csv_rows_align_with_an_announced_header() {
        let p = pairs("bad row 3 (header: id,last,first,dob): 991,Doe,Jane,03/14/1962 skipped");
        assert!(has(&p, "last", "Doe"));
        assert!(has(&p, "first", "Jane"));
        assert!(has(&p, "dob", "03/14/1962"));
        // A row with a different number of cells is not aligned.
        assert!(pairs("header: a,b,c then 1,2").is_empty());
    }

    #[test]
    fn json_name_parts_under_a_name_parent() {
        let p = pairs(
            r#"{"name":[{"use":"official","family":"Oyelaran","given":["Ann","Marie"]},{"family":"Lee"}],"patientName":{"first":"Bo","last":"Wu"},"addr":{"family":"inet"}}"#,
        );
        assert!(has(&p, "last name", "Oyelaran"));
        assert!(has(&p, "first name", "Ann"));
        assert!(has(&p, "first name", "Marie"));
        assert!(has(&p, "last name", "Lee"));
        assert!(has(&p, "first name", "Bo"));
        assert!(has(&p, "last name", "Wu"));
        assert!(!p.iter().any(|(_, v)| v == "inet"));
    }

    #[test]
    fn xml_elements_and_attributes_are_keys() {
        let p = pairs(
            r#"<patient><name><given>Ann</given><family>Lee</family></name><birthTime value="19620314"/><id root="2.16.840.1.113883.4.1" extension="219099999"/><status>ok</status></patient>"#,
        );
        assert!(has(&p, "first name", "Ann"));
        assert!(has(&p, "last name", "Lee"));
        assert!(has(&p, "birthTime", "19620314"));
        assert!(has(&p, "ssn", "219099999"));
        let p = pairs("<Device><Family>inet</Family></Device>");
        assert!(has(&p, "Family", "inet"));
    }

    #[test]
    fn fhir_record_identifiers_of_unknown_systems_and_patient_ids() {
        let p = pairs(
            r#"{"resourceType":"Encounter","id":"5819290","identifier":[{"system":"urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8","value":"115839037"}],"subject":{"reference":"Patient/pt-713466"}}"#,
        );
        assert!(has(&p, "encounter number", "115839037"));
        assert!(!p.iter().any(|(_, v)| v == "5819290"), "{p:?}");
        let p = pairs(
            r#"{"resourceType":"Patient","id":"pt-977893","meta":{"versionId":"3"},"gender":"female"}"#,
        );
        assert!(has(&p, "patient resource id", "pt-977893"));
        // An organisation's identifiers are not a patient's record.
        let p = pairs(
            r#"{"resourceType":"Organization","id":"7","identifier":[{"system":"urn:oid:2.16.840.1.113883.19.5","value":"ORG-55"}]}"#,
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn nemsis_elements_are_keyed_by_the_standard() {
        let p = pairs(
            "<PatientCareReport><eRecord.01>2023-9423802</eRecord.01><ePatient.02>Reyes</ePatient.02><ePatient.03>Heather</ePatient.03><ePatient.09>90011</ePatient.09><ePatient.17>1960-11-14</ePatient.17><eTimes.07>2023-10-07T08:04:13-05:00</eTimes.07><eVitals.06>181</eVitals.06></PatientCareReport>",
        );
        assert!(has(&p, "case number", "2023-9423802"));
        assert!(has(&p, "last name", "Reyes"));
        assert!(has(&p, "first name", "Heather"));
        assert!(has(&p, "zip", "90011"));
        assert!(has(&p, "dob", "1960-11-14"));
        assert!(has(&p, "date of service", "2023-10-07T08:04:13-05:00"));
        assert!(has(&p, "eVitals.06", "181"));
    }

    #[test]
    fn x12_segments_map_to_keys() {
        let p = pairs(
            "x12 out: ST*270*0001~NM1*IL*1*DOE*JANE*Q***MI*W123456789~REF*SY*219099999~N3*12 OAK ST~N4*AUSTIN*TX*73301~DMG*D8*19620314*F~NM1*1P*2*CLINIC*****XX*1234567893~SE*9*0001~",
        );
        assert!(has(&p, "last name", "DOE"));
        assert!(has(&p, "first name", "JANE"));
        assert!(has(&p, "member id", "W123456789"));
        assert!(has(&p, "ssn", "219099999"));
        assert!(has(&p, "address", "12 OAK ST"));
        assert!(has(&p, "city", "AUSTIN"));
        assert!(has(&p, "zip", "73301"));
        assert!(has(&p, "dob", "19620314"));
        assert!(has(&p, "npi", "1234567893"));
        assert!(!p.iter().any(|(_, v)| v == "CLINIC"));
    }

    #[test]
    fn hl7_query_parameters_specimens_and_prescriptions() {
        let p = pairs(
            "MSH|^~\\&|PORTAL|MGH|EMPI|MGH|20240420005647||QBP^Q22^QBP_Q21|1|P|2.5\\rQPD|IHE PDQ Query|Q88554640|@PID.5.1.1^CRUZ~@PID.5.2^YESENIA~@PID.7^19571009~@PID.11.5^60273\\rSPM|1|A24-4780989^LAB||SER^Serum|||||||||||||20240409111000|20240409130400\\rRXE|1^Q6H|00071015523^atorvastatin^NDC|1||mg||||G|30||1|MS3413731|40375^CHEN^LI NA|0628722<FS><CR>",
        );
        for (k, v) in [
            ("last name", "CRUZ"),
            ("first name", "YESENIA"),
            ("dob", "19571009"),
            ("zip", "60273"),
            ("specimen id", "A24-4780989"),
            ("collection date", "20240409111000"),
            ("collection date", "20240409130400"),
            ("dea", "MS3413731"),
            ("rx number", "0628722"),
        ] {
            assert!(has(&p, k, v), "{k} = {v} in {p:?}");
        }
    }

    #[test]
    fn xml_named_elements_scopes_and_hl7_values() {
        // IHE XDS slots key their values by the slot's name; CX values keep their id;
        // `PID-n|` values are PID fields; `^Family^Given` is a person.
        let p = pairs(
            r#"<rim:Slot name="sourcePatientId"><rim:ValueList><rim:Value>M050122482^^^&amp;1.2.3&amp;ISO</rim:Value></rim:ValueList></rim:Slot><rim:Slot name="sourcePatientInfo"><rim:ValueList><rim:Value>PID-5|REYES^LATOYA^D</rim:Value><rim:Value>PID-7|19770818</rim:Value></rim:ValueList></rim:Slot><rim:Slot name="authorPerson"><rim:ValueList><rim:Value>^Dorsey^Keisha^^^Dr</rim:Value></rim:ValueList></rim:Slot><EventData><Data Name="PatientName">ZIELINSKA, PIOTR</Data></EventData>"#,
        );
        for (k, v) in [
            ("sourcePatientId", "M050122482"),
            ("last name", "REYES"),
            ("dob", "19770818"),
            ("last name", "Dorsey"),
            ("first name", "Keisha"),
            ("PatientName", "ZIELINSKA, PIOTR"),
        ] {
            assert!(has(&p, k, v), "{k} = {v} in {p:?}");
        }
        // An organisation's address and telephone are quiet and unkeyed; the patient's
        // are keyed; a patientRole's id is the patient's; a template version is quiet.
        let line = r#"<templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/><Pharmacy><Address><PostalCode>98104</PostalCode></Address><CommunicationNumbers><PrimaryTelephone><Number>2065550111</Number></PrimaryTelephone></CommunicationNumbers></Pharmacy><Patient><Address><PostalCode>84160</PostalCode></Address></Patient><recordTarget><patientRole><id extension="1891150205" root="1.2.840.114350.1.13"/></patientRole></recordTarget>"#;
        let p = pairs(line);
        assert!(has(&p, "PostalCode", "84160"), "{p:?}");
        assert!(has(&p, "mrn", "1891150205"), "{p:?}");
        assert!(
            !p.iter().any(|(_, v)| v == "98104" || v == "2065550111"),
            "{p:?}"
        );
        let (_, quiet) = quiet_in(line);
        assert!(quiet.contains(&"2015-08-01"), "{quiet:?}");
        assert!(quiet.iter().any(|q| q.contains("2065550111")), "{quiet:?}");
    }

    #[test]
    fn asap_prescription_monitoring_segments_by_position() {
        // ASAP 4.2: PAT-02 07 says PAT-03 is an SSN; an 837 PAT (few elements) is not read so.
        let p = pairs(
            "pmp upload: TH*4.2*123456*01**20240303*223000*P~IS*7705551212*ACME RX~PAT**07*219099999****BRANDT*OLIVE*M***48 ELM CT**DAYTON*OH*45402*9375550143*19510704*F*01~DSP*00*RX7781290*20240226*0*20240301*0*01*00406052301*60*30*01*01**1234567893*RPH12345*01*20240302~PRE*1234567893*BK1234563**MD998877*OKAFOR*NNAMDI*C*9375550199~AIR****06*S12345678**PRATT*CALEB~PAT*19****D8*20240210~",
        );
        for (k, v) in [
            ("ssn", "219099999"),
            ("last name", "BRANDT"),
            ("first name", "OLIVE"),
            ("address", "48 ELM CT"),
            ("city", "DAYTON"),
            ("zip", "45402"),
            ("phone", "9375550143"),
            ("dob", "19510704"),
            ("rx number", "RX7781290"),
            ("date written", "20240226"),
            ("date of service", "20240301"),
            ("date of service", "20240302"),
            ("npi", "1234567893"),
            ("dea", "BK1234563"),
            ("last name", "OKAFOR"),
            ("drivers license", "S12345678"),
            ("last name", "PRATT"),
            ("date of death", "20240210"),
        ] {
            assert!(has(&p, k, v), "{k} = {v} in {p:?}");
        }
        assert!(!p.iter().any(|(_, v)| v == "F" || v == "ACME RX"));
    }

    #[test]
    fn hl7_scheduling_and_document_segments_are_read() {
        let p = pairs(
            "MSH|^~\\&|EPIC|H|MIRTH|B|20240505182727||SIU^S12^SIU_S12|M1|P|2.5\\rSCH|APT585419^H|APT585420^EPIC||||POSTOP^Post-op check|TELEHEALTH|20|MIN|^^20^20240428004631^20240428010631||2711524019^OKAFOR^ADA\\rTXA|1|OP^Operative Note|TX|20240312143957|1270348521^HUNTER^INGRID^^^^RN^^NPI|||||||DOC562881",
        );
        assert!(has(&p, "placer appointment id", "APT585419"));
        assert!(has(&p, "filler appointment id", "APT585420"));
        assert!(has(&p, "service date", "20240428004631"));
        assert!(has(&p, "service date", "20240428010631"));
        assert!(has(&p, "last name", "OKAFOR"));
        assert!(has(&p, "service date", "20240312143957"));
        assert!(has(&p, "npi", "1270348521"));
        assert!(has(&p, "first name", "INGRID"));
        assert!(has(&p, "unique document number", "DOC562881"));
        // MSH itself is the header: its applications and facilities are not people.
        assert!(!p.iter().any(|(_, v)| v == "EPIC" || v == "MIRTH"));
    }

    #[test]
    fn a_person_shaped_field_of_any_segment_is_a_person() {
        // ZPV is a site-defined segment; OBX-5 holds coded values that must stay.
        let p = pairs(
            "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\\rZPV|1|55102^NAKAMURA^HARUKI^^^DR\\rOBX|1|CE|34117-2^History and physical note^LN||88304^SURGICAL PATHOLOGY^CPT",
        );
        assert!(has(&p, "last name", "NAKAMURA"));
        assert!(has(&p, "first name", "HARUKI"));
        assert!(
            !p.iter()
                .any(|(_, v)| v.contains("PATHOLOGY") || v.contains("note"))
        );
        // Without an MSH header a pipe-delimited log line is not a message.
        let p = pairs("ZPV|1|55102^NAKAMURA^HARUKI");
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn ncpdp_fields_written_with_equals_signs_and_spaces() {
        for line in [
            "SPQ=01 DOS=20240314 | AM04<FS>C2=M70622579701<FS>CC=JOAO<FS>CD=TESFAYE | AM01<FS>C4=19760125<FS>CM=8876 CAMINO DEL CERRO AVE<FS>CP=57103",
            "SPQ=01 DOS=20240314 | AM04 C2=M70622579701 CC=JOAO CD=TESFAYE | AM01 C4=19760125 CM=8876 CAMINO DEL CERRO AVE CP=57103",
        ] {
            let p = pairs(line);
            assert!(has(&p, "member id", "M70622579701"), "{line}: {p:?}");
            assert!(has(&p, "first name", "JOAO"));
            assert!(has(&p, "last name", "TESFAYE"));
            assert!(has(&p, "dob", "19760125"));
            assert!(has(&p, "address", "8876 CAMINO DEL CERRO AVE"));
            assert!(has(&p, "zip", "57103"));
        }
    }

    /// The structure found in `line` and the texts of its quiet spans.
    fn quiet_in(line: &str) -> (Structure, Vec<&str>) {
        let mut s = Structure::default();
        s.find(line.as_bytes(), 0);
        let quiet = s
            .quiet
            .iter()
            .map(|&(a, b)| &line[a as usize..b as usize])
            .collect();
        (s, quiet)
    }

    #[test]
    fn hl7_event_times_and_lot_expiry_are_quiet() {
        let line = "MSH|^~\\&|EPIC|HCC|IRIS|ADHS|20250908075157||VXU^V04|28EH|P|2.5.1\rEVN|V04|20250908075100\rPID|1||48460706^^^MRN^MR||GARCIA^MIGUEL||19331216|U\rRXA|0|1|20240131010424||215^PCV 15^CVX|1.0|mL||00^New^NIP001|2300283498^QURESHI^NOOR^^^^^^NPI|^^^CLINIC||||AS6232|20241109|MOD^Moderna^MVX";
        assert_eq!(quiet_in(line).1, ["20250908075100", "20241109"]);
        let line = "MSH|^~\\&|EPIC|BVP|SOARIAN|BVP|20240303005936||BAR^P01|9266|P|2.5.1\rIN1|1|MCR^MEDICARE|00952|MEDICARE PART B|PO BOX 24077^^INDIANAPOLIS^IN^46260||(800)555-6938|GRP46419";
        assert_eq!(
            quiet_in(line).1,
            [
                "MEDICARE PART B",
                "PO BOX 24077^^INDIANAPOLIS^IN^46260",
                "(800)555-6938"
            ]
        );
    }

    #[test]
    fn x12_envelope_dates_are_quiet() {
        let line = "GS*HC*SND*RCV*20240301*1253*905*X*005010X222A1~ST*837*0001~BHT*0019*00*950643*20240222*1608*CH~DMG*D8*19620314*F~";
        let (s, quiet) = quiet_in(line);
        assert_eq!(quiet, ["20240301", "20240222"]);
        // The birth date is still keyed.
        assert!(
            s.found
                .iter()
                .any(|f| &line[f.start as usize..f.end as usize] == "19620314")
        );
    }

    #[test]
    fn identifier_values_take_their_key_from_their_type_code() {
        let p = pairs(
            r#"{"identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:1.2.3","value":"37200962"},{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"XX"}]},"value":"9"}]}"#,
        );
        assert!(has(&p, "mrn", "37200962"));
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn fhir_person_references_periods_and_ages_are_keyed() {
        let p = pairs(
            r#"{"resourceType":"Encounter","subject":{"reference":"Patient/1","display":"Iyer, Siobhan"},"serviceProvider":{"reference":"Organization/2","display":"General Hospital"},"period":{"start":"2020-08-01T15:14:00-05:00","end":"2020-08-03"},"extension":[{"valueAge":{"value":101,"unit":"a"}}]}"#,
        );
        assert!(has(&p, "full name", "Iyer, Siobhan"));
        assert!(!p.iter().any(|(_, v)| v == "General Hospital"));
        assert!(has(&p, "date of service", "2020-08-01T15:14:00-05:00"));
        assert!(has(&p, "date of service", "2020-08-03"));
        assert!(has(&p, "age", "101"));
        // A plan's validity period is not a date of care.
        let p = pairs(r#"{"resourceType":"Coverage","period":{"start":"2020-01-01"}}"#);
        assert!(p.is_empty());
    }

    #[test]
    fn ncpdp_request_header_by_position() {
        let line = "REQ > 003858D0B1A4        1011082256367     20250605SW70258226{SS}{FS}AM04{FS}C256021084988";
        let p = pairs(line);
        assert!(has(&p, "npi", "1082256367"), "{p:?}");
        assert!(has(&p, "service date", "20250605"), "{p:?}");
        assert!(has(&p, "member id", "56021084988"), "{p:?}");
    }

    #[test]
    fn ncpdp_fields_map_to_keys_with_any_written_separator() {
        for fs in ["\u{1c}", "<FS>", "\\x1c", "{FS}"] {
            let line = format!(
                "B1 610014D0B1 {fs}AM04{fs}C234270923152{fs}C1326485 AM01{fs}C419480226{fs}CALAYLA{fs}CBKHOURY{fs}CP90377 AM07{fs}D27380225"
            );
            let p = pairs(&line);
            assert!(has(&p, "member id", "34270923152"), "{fs}: {p:?}");
            assert!(has(&p, "dob", "19480226"));
            assert!(has(&p, "first name", "LAYLA"));
            assert!(has(&p, "last name", "KHOURY"));
            assert!(has(&p, "zip", "90377"));
            assert!(has(&p, "rx number", "7380225"));
            assert_eq!(p.len(), 6, "{p:?}");
        }
    }

    #[test]
    fn hl7_order_segments_after_written_out_separators() {
        let p = pairs(
            r"MSH|^~\&|A|B|C|D|20250609133231||OML^O21|Q1|P|2.5.1\x0dORC|NW|ORD5481833^EPIC|S24-34066^LAB||SC||||20230428034500|||1374010589^VAN DER BERG^PIETER^N||(319) 555-0157<CR>OBX|9|NM|2345-7^Glucose^LN||72.7|10*3/uL|70-99|N|||F|||20241221021400|LAB|1413177092^CHUKWU^FOLAKE",
        );
        assert!(has(&p, "placer order number", "ORD5481833"));
        assert!(has(&p, "filler order number", "S24-34066"));
        assert!(has(&p, "last name", "VAN DER BERG"));
        assert!(has(&p, "phone", "(319) 555-0157"));
        assert!(has(&p, "service date", "20241221021400"));
        assert!(has(&p, "first name", "FOLAKE"));
    }

    #[test]
    fn dicom_attributes_in_dump_and_json_form() {
        let p = pairs(
            "(0010,0020) LO [801687657] ; (0008,0090) PN [SALEH^NOUR] # 25 ; (0008,0080) LO [MAIN CAMPUS] ; (0010,1010) AS [093Y]",
        );
        assert!(has(&p, "mrn", "801687657"));
        assert!(has(&p, "last name", "SALEH"));
        assert!(has(&p, "first name", "NOUR"));
        assert!(has(&p, "age", "093"));
        assert_eq!(p.len(), 4, "{p:?}");
        let p = pairs(
            r#"{"00100020":{"vr":"LO","Value":["81-24411"]},"00081050":{"vr":"PN","Value":[{"Alphabetic":"DANG^QUOC BAO"}]},"00080020":{"vr":"DA","Value":["20240724"]}}"#,
        );
        assert!(has(&p, "mrn", "81-24411"));
        assert!(has(&p, "last name", "DANG"));
        assert!(has(&p, "first name", "QUOC BAO"));
        assert!(has(&p, "service date", "20240724"));
    }

    #[test]
    fn x12_remittance_and_date_ranges() {
        let p = pairs(
            "CLP*G04310121*22*4297*1258*25*12*2248755593512*11*1~SBR*P*18*GRP139773******CI~REF*G1*UM00873275~DTP*291*RD8*20250609-20250908~",
        );
        assert!(has(&p, "patient account number", "G04310121"));
        assert!(has(&p, "claim number", "2248755593512"));
        assert!(has(&p, "policy number", "GRP139773"));
        assert!(has(&p, "prior authorization number", "UM00873275"));
        assert!(has(&p, "date of service", "20250609"));
        assert!(has(&p, "date of service", "20250908"));
    }

    #[test]
    fn x12_segments_broken_by_escaped_newlines() {
        let p = pairs(r"HL*3*2*22*1~\nNM1*IL*1*HAN*YING****MI*69228587786~\nDMG*D8*19430208*F~");
        assert!(has(&p, "last name", "HAN"));
        assert!(has(&p, "dob", "19430208"));
    }

    #[test]
    fn hl7_fields_shifted_by_one_are_taken_only_with_their_shape() {
        let p =
            pairs("PV1|1|E|||||||||||||||||||||||||||||||||||||||||||202109131332|202109291707");
        assert!(has(&p, "discharge date", "202109291707"));
        let p = pairs("PV1|1|E||||||||||||||||||||||||||||||||||||||||||||150.00");
        assert!(p.is_empty());
    }

    #[test]
    fn identifier_values_take_their_key_from_the_system() {
        let p = pairs(
            r#"{"identifier":[{"system":"http://h.example.org/mrn","value":"A-7781"},{"system":"urn:oid:2.16.840.1.113883.4.1","value":"219099999"},{"system":"urn:x:order","value":"9"}]}"#,
        );
        assert!(has(&p, "mrn", "A-7781"));
        assert!(has(&p, "ssn", "219099999"));
        assert_eq!(p.len(), 2);
    }
}
