//! Headerless delimited rows of a person's record (`E851…|W891…|YOUNG|CODY|19670507|…`,
//! `"E2912040","Pham, Hiroshi","11/18/1970",…,"Phoenix","AZ","85019"`): an ETL job that
//! logs the row it rejected writes no header, so no column names say what a cell holds.
//! The cells' *shapes* and *neighbours* say it instead, once the row is known to be about
//! a person: a surname cell next to a first-name cell (one of them in the names dictionary,
//! or neither when the row holds a birth date), or a quoted `Last, First` cell, together
//! with a date or an identifier cell. Then dates, identifiers, the city before a state code
//! and the ZIP after it get an implicit key and go through the ordinary key-led rules, like
//! a column under a header would. File and object names built the same way
//! (`LAST_FIRST_19420509.dcm`) are read by their `_`/`-` separated parts.
//!
//! Fixed-width rows (`DW702231022    BEGUM    ANAIS    20080421F356 SUNSET LN …`) are
//! read the same way, their cells cut at runs of blanks and where fields filled to their
//! width run into each other.
//!
//! Only lines with at least [`MIN_CELLS`] cells of one delimiter are split, into a
//! caller-owned buffer; dictionary lookups and date checks (which allocate) run only on
//! rows whose shapes already hold a date or id cell and adjacent letter cells.

use super::names::{Names, is_state_code};
use super::structure::Implicit;
use super::validators::Validator;

/// Fewer cells than this is a log message with a few commas, not a record.
const MIN_CELLS: usize = 6;

/// The longest cell taken for a value: longer ones are free text.
const MAX_CELL: usize = 64;

/// What the shape of one cell says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// A quoted `Last, First` (or `Last, First M`) cell that reads as a name.
    FullName,
    /// One to three name-cased words that are no everyday log word (a name part, or a city).
    Word,
    /// A date that exists, in a numeric notation.
    Date,
    /// Letters, digits and dashes with at least five digits: an identifier.
    Id,
    /// A US state code.
    State,
    /// Letters (and blanks, dashes, apostrophes, dots) only: a name part, a city or a word,
    /// told apart by [`words_cell`].
    Letters,
    /// Letters with a comma: perhaps a quoted `Last, First`, told by [`full_name_cell`].
    LettersComma,
    /// Anything else (amounts, codes, flags, free text, empty cells).
    Other,
}

/// Finds the person-record row in `hay`, if any, and pushes its cells' implicit keys to
/// `out`. `cells` is scratch.
pub fn find(names: &Names, hay: &[u8], cells: &mut Vec<(u32, u32)>, out: &mut Vec<Implicit>) {
    // A JSON document is not a row (its commas separate members): most lines of a JSON
    // log stop here.
    if matches!(hay.trim_ascii_start().first(), Some(b'{' | b'[')) {
        return;
    }
    let Some(delim) = delimiter(hay) else {
        return;
    };
    let fixed = delim == BLANKS;
    if fixed {
        split_fixed(hay, cells);
    } else {
        split(hay, delim, cells);
    }
    if cells.len() < MIN_CELLS {
        return;
    }
    // At most 32 cells are classified: a record row is rarely wider, and the bit sets below
    // stay one word.
    let n = cells.len().min(32);
    let cell = |i: usize| -> &[u8] {
        let (s, e) = cells[i];
        &hay[s as usize..e as usize]
    };
    // Shapes first, with no dictionary lookup: most rows (metrics, inventory) stop here.
    let mut kinds = [Cell::Other; 32];
    for (i, k) in kinds.iter_mut().enumerate().take(n) {
        *k = classify(cell(i));
    }
    let kinds = &mut kinds[..n];
    let support = kinds.iter().any(|k| matches!(k, Cell::Date | Cell::Id));
    let letters = |k: Cell| matches!(k, Cell::Letters | Cell::LettersComma);
    if !support
        || !(0..n).any(|i| {
            kinds[i] == Cell::LettersComma
                || (i + 1 < n && letters(kinds[i]) && letters(kinds[i + 1]))
        })
    {
        return;
    }
    for (i, k) in kinds.iter_mut().enumerate() {
        *k = match *k {
            Cell::Letters => words_cell(names, cell(i)),
            Cell::LettersComma => full_name_cell(names, cell(i)),
            k => k,
        };
    }
    let kinds = &*kinds;
    // A date a living person was born on (1900–2005): with it, two adjacent name-shaped
    // cells are a name even when the dictionary knows neither (`OKONJO|ADAEZE`); inventory
    // and metrics rows carry this year's dates, not these.
    // A date followed by a sex code (`20080421|F`, `20080421F` in a fixed-width row) is a
    // birth date whatever its year: a child's record.
    let sex_code = |v: &[u8]| matches!(v.trim_ascii(), [b'M' | b'F' | b'U' | b'X']);
    let birth_year = (0..n).any(|i| {
        kinds[i] == Cell::Date
            && (Validator::DateHistoric.check(cell(i)) || (i + 1 < n && sex_code(cell(i + 1))))
    });
    // The person: a full-name cell, or a surname / first-name pair of adjacent word cells.
    let mut name_cells = 0u64;
    for i in 0..n {
        if kinds[i] == Cell::FullName {
            name_cells |= 1 << i;
        }
        if i + 1 < n
            && kinds[i] == Cell::Word
            && kinds[i + 1] == Cell::Word
            && (names_pair(names, cell(i), cell(i + 1)) || birth_year)
            && !(i + 2 < n && kinds[i + 2] == Cell::State)
        {
            name_cells |= 0b11 << i;
        }
    }
    if name_cells == 0 {
        return;
    }
    let mut first_id = true;
    let mut first_date = true;
    for i in 0..n {
        let (s, e) = (cells[i].0 as usize, cells[i].1 as usize);
        let key = if name_cells & (1 << i) != 0 {
            match kinds[i] {
                Cell::FullName => "patient name",
                // The first of a pair is the surname in claim and roster exports (`LAST,FIRST`);
                // both keys screen the value the same way.
                _ if name_cells & (1 << (i + 1)) != 0
                    && (i == 0 || name_cells & (1 << (i - 1)) == 0) =>
                {
                    "last name"
                }
                _ => "first name",
            }
        } else {
            match kinds[i] {
                _ if i > 0 && kinds[i - 1] == Cell::State && zip_shaped(cell(i)) => "zip",
                // A fixed-width row's ZIP, phone and dates run together
                // (`468180053404976770320250401` after the state code): one identifier-like
                // run, too long for an id cell.
                Cell::Other if fixed && cell(i).iter().all(u8::is_ascii_digit) => "claim id",
                // A middle initial after the first name (`ABEBE  M20050225…`).
                _ if i > 0
                    && name_cells & (1 << (i - 1)) != 0
                    && matches!(cell(i).trim_ascii(), [b'A'..=b'Z']) =>
                {
                    "middle name"
                }
                Cell::Other if street_shaped(cell(i)) => "address",
                Cell::Date if first_date => {
                    first_date = false;
                    "dob"
                }
                Cell::Date => "service date",
                Cell::Id if npi_shaped(cell(i)) => "npi",
                Cell::Id if first_id => {
                    first_id = false;
                    "patient id"
                }
                Cell::Id => "claim id",
                Cell::Word | Cell::Letters if i + 1 < n && kinds[i + 1] == Cell::State => "city",
                _ => continue,
            }
        };
        out.push(Implicit::fixed(key, s, e));
    }
}

/// Stands for "two or more blanks" as a row's delimiter: a fixed-width export
/// (`DW702231022    BEGUM               ANAIS           20080421F356 SUNSET LN …`).
const BLANKS: u8 = b' ';

/// The delimiter with at least `MIN_CELLS - 1` occurrences: comma, pipe or tab, counted
/// in one pass over the line; else [`BLANKS`] when runs of two or more blanks split the
/// line into at least `MIN_CELLS - 1` cells.
fn delimiter(hay: &[u8]) -> Option<u8> {
    delimiter_char(hay).or_else(|| {
        let mut runs = 0;
        let mut last_end = 0;
        for at in memchr::memmem::find_iter(hay, b"  ") {
            if at >= last_end {
                runs += 1;
                if runs == MIN_CELLS - 2 {
                    return Some(BLANKS);
                }
            }
            last_end = at + 2;
            while last_end < hay.len() && hay[last_end] == b' ' {
                last_end += 1;
            }
        }
        None
    })
}

fn delimiter_char(hay: &[u8]) -> Option<u8> {
    let mut counts = [0usize; 3];
    for at in memchr::memchr3_iter(b',', b'|', b'\t', hay) {
        let slot = match hay[at] {
            b',' => 0,
            b'|' => 1,
            _ => 2,
        };
        counts[slot] += 1;
        if counts[slot] == MIN_CELLS - 1 {
            return Some(hay[at]);
        }
    }
    None
}

/// Splits the row into cells (quotes removed). The first cell starts after the last blank
/// before the first delimiter (a log prefix such as `bad record: ` is not part of it) and
/// the last cell ends at the first blank (a trailing message is not part of it). Stops
/// (leaving too few cells) at a byte no record cell holds: `=`, braces, `[`, `^`, `<`
/// (key=value pairs, JSON, HL7, XML).
fn split(hay: &[u8], delim: u8, cells: &mut Vec<(u32, u32)>) {
    cells.clear();
    let Some(first_delim) = memchr::memchr(delim, hay) else {
        return;
    };
    let mut i = hay[..first_delim]
        .iter()
        .rposition(|b| b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    // A quoted first cell holding a blank (`"Pham, Hiroshi"`) starts at its quote.
    if let Some(q) = hay[..first_delim].iter().rposition(|&b| b == b'"')
        && hay[..q].iter().filter(|&&b| b == b'"').count() % 2 == 1
    {
        i = hay[..q].iter().rposition(|&b| b == b'"').unwrap_or(i);
    }
    let n = hay.len();
    loop {
        let quoted = i < n && hay[i] == b'"';
        let (s, e, next) = if quoted {
            let Some(close) = memchr::memchr(b'"', &hay[i + 1..]) else {
                cells.clear();
                return;
            };
            (i + 1, i + 1 + close, i + 2 + close)
        } else {
            let end = hay[i..]
                .iter()
                .position(|&b| b == delim)
                .map_or(n, |p| i + p);
            (i, end, end)
        };
        if holds_markup(&hay[s..e]) {
            cells.clear();
            return;
        }
        if next < n && hay[next] == delim {
            cells.push((s as u32, e as u32));
            i = next + 1;
        } else {
            // The last cell: cut at the first blank unless it was quoted.
            let e = if quoted {
                e
            } else {
                hay[s..e]
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .map_or(e, |p| s + p)
            };
            cells.push((s as u32, e as u32));
            return;
        }
    }
}

/// Whether a cell holds a byte no record cell holds: `=`, braces, `[`, `^`, `<` (key=value
/// pairs, JSON, HL7, XML). A row with such a cell is no record.
fn holds_markup(cell: &[u8]) -> bool {
    cell.iter()
        .any(|b| matches!(b, b'=' | b'{' | b'}' | b'[' | b'^' | b'<'))
}

/// Splits a fixed-width row at runs of two or more blanks. The first cell starts after the
/// last blank before the first run (a log prefix is not part of it). A field filled to its
/// width runs into its neighbour (`20080421F356 SUNSET LN`: date, sex, street;
/// `IN468180053…`: state, ZIP and phone): see [`push_fixed_cell`].
fn split_fixed(hay: &[u8], cells: &mut Vec<(u32, u32)>) {
    cells.clear();
    let Some(first_run) = memchr::memmem::find(hay, b"  ") else {
        return;
    };
    let n = hay.len();
    let mut i = hay[..first_run]
        .iter()
        .rposition(|b| b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    while i < n {
        let end = memchr::memmem::find(&hay[i..], b"  ").map_or(n, |p| i + p);
        let mut e = end;
        while e > i && hay[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
        if holds_markup(&hay[i..e]) {
            cells.clear();
            return;
        }
        if e > i {
            push_fixed_cell(hay, i, e, cells);
        }
        i = end;
        while i < n && hay[i] == b' ' {
            i += 1;
        }
    }
}

/// Pushes one fixed-width cell, split where [`split_fixed`] says fields were glued: at a
/// letter directly against a digit when the digit run is eight or more long (a date, or
/// several fields of digits) or the letter run is a single letter (a sex code or middle
/// initial). `EPO10`, `A12` and other short codes stay whole.
fn push_fixed_cell(hay: &[u8], s: usize, e: usize, cells: &mut Vec<(u32, u32)>) {
    let kind = |b: u8| {
        if b.is_ascii_digit() {
            1u8
        } else if b.is_ascii_alphabetic() {
            2
        } else {
            0
        }
    };
    let mut from = s;
    for p in s + 1..e {
        let (a, b) = (kind(hay[p - 1]), kind(hay[p]));
        if a == 0 || b == 0 || a == b {
            continue;
        }
        // The same-kind runs ending at `p` and starting there.
        let left = hay[s..p]
            .iter()
            .rev()
            .take_while(|&&c| kind(c) == a)
            .count();
        let right = hay[p..e].iter().take_while(|&&c| kind(c) == b).count();
        let (digits, letters) = if a == 1 { (left, right) } else { (right, left) };
        let state = letters == 2
            && digits >= 5
            && if a == 1 {
                is_state_code(&hay[p..p + 2])
            } else {
                is_state_code(&hay[p - 2..p])
            };
        if digits >= 8 || letters == 1 || state {
            cells.push((from as u32, p as u32));
            from = p;
        }
    }
    cells.push((from as u32, e as u32));
}

/// `356 SUNSET LN`, `27520 Bayou Ave Apt 4`: a house number, a blank and a word.
fn street_shaped(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    let digits = v.iter().take_while(|b| b.is_ascii_digit()).count();
    (1..=6).contains(&digits)
        && v.get(digits) == Some(&b' ')
        && v.get(digits + 1).is_some_and(u8::is_ascii_alphabetic)
        && v.len() <= MAX_CELL
}

/// The cell's kind by shape alone (no dictionary lookup).
fn classify(raw: &[u8]) -> Cell {
    let v = raw.trim_ascii();
    if v.is_empty() || v.len() > MAX_CELL {
        return Cell::Other;
    }
    if is_state_code(v) {
        return Cell::State;
    }
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        let letters_only = v
            .iter()
            .all(|&b| super::names::name_byte(b) || matches!(b, b' ' | b',' | b'-' | b'\'' | b'.'));
        return match (letters_only, v.contains(&b',')) {
            (false, _) => Cell::Other,
            (true, false) => Cell::Letters,
            (true, true) => Cell::LettersComma,
        };
    }
    if date_shaped(v) && Validator::Date.check(v) {
        return Cell::Date;
    }
    if digits >= 5
        && v.len() >= 6
        && v.len() <= 20
        && v[0].is_ascii_alphanumeric()
        && v.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        return Cell::Id;
    }
    Cell::Other
}

/// A letters-only cell is a [`Cell::Word`] when it holds one to three name-shaped words
/// that are no everyday log word; it stays [`Cell::Letters`] otherwise.
fn words_cell(names: &Names, v: &[u8]) -> Cell {
    let v = v.trim_ascii();
    if word_count(v) <= 3 && names.name_part_shape(v) {
        Cell::Word
    } else {
        Cell::Letters
    }
}

/// `Last, First M` in one quoted cell: a shape no other cell of a record has, so names
/// outside the dictionary count (`Osei, Wanjiru`, `bin Hamad, Hassan`), but not
/// `Springfield, IL`.
fn full_name_cell(names: &Names, v: &[u8]) -> Cell {
    let v = v.trim_ascii();
    let Some(comma) = memchr::memchr(b',', v) else {
        return Cell::Other;
    };
    let (last, first) = (v[..comma].trim_ascii(), v[comma + 1..].trim_ascii());
    let parts_ok = (1..=3).contains(&word_count(last))
        && (1..=3).contains(&word_count(first))
        && !is_state_code(first);
    if parts_ok && (names.any_name(v) || names.name_shape(v)) {
        Cell::FullName
    } else {
        Cell::Other
    }
}

fn word_count(w: &[u8]) -> usize {
    w.split(|&b| b == b' ').filter(|w| !w.is_empty()).count()
}

/// Two adjacent word cells (already name-shaped, no everyday log word) that read as
/// `LAST,FIRST` or `FIRST,LAST` by the names dictionary (the first word of a two-word cell
/// is looked up).
fn names_pair(names: &Names, a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (first_word(a), first_word(b));
    // `LAST,FIRST` (the export order of claims and rosters) needs one of the two in the
    // dictionary: first names from every culture reach these files, and the 1990 lists
    // know few of them. `FIRST,LAST` needs both.
    names.is_last(a)
        || names.is_uncommon_first(b)
        || (names.is_uncommon_first(a) && names.is_last(b))
}

/// The first blank-separated word of a trimmed cell.
fn first_word(w: &[u8]) -> &[u8] {
    let w = w.trim_ascii();
    w.split(|&c| c == b' ').next().unwrap_or(w)
}

/// `19670507`, `11/18/1970`, `1970-11-18`, `3/4/62`: digits and one kind of separator.
fn date_shaped(v: &[u8]) -> bool {
    if v.len() == 8 && v.iter().all(u8::is_ascii_digit) {
        return matches!(&v[..2], b"19" | b"20");
    }
    let sep = v.iter().copied().find(|b| !b.is_ascii_digit());
    let Some(sep) = sep.filter(|s| matches!(s, b'/' | b'-' | b'.')) else {
        return false;
    };
    let mut parts = 0;
    for p in v.split(|&b| b == sep) {
        if p.is_empty() || p.len() > 4 || !p.iter().all(u8::is_ascii_digit) {
            return false;
        }
        parts += 1;
    }
    parts == 3 && (6..=10).contains(&v.len())
}

/// Ten digits passing the NPI check digit (Luhn over `80840` + the number).
fn npi_shaped(v: &[u8]) -> bool {
    v.len() == 10 && v.iter().all(u8::is_ascii_digit) && Validator::Npi.check(v)
}

/// `85019` or `85019-9742`.
fn zip_shaped(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    let five = |p: &[u8]| p.len() == 5 && p.iter().all(u8::is_ascii_digit);
    match v.len() {
        5 => five(v),
        10 => five(&v[..5]) && v[5] == b'-' && v[6..].iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// File and object names built from a person's identity: `MAHMOUD_EMEKA_19420509_CT.dcm`,
// `2660408-Zhang-Farid-insurance-card.pdf`, `radiology/ct/M0295493/…`.

/// The most parts of one file name that are looked at.
const MAX_PARTS: usize = 16;

/// Finds file or object names in `hay` that are made of a person's name parts next to a
/// birth date or an identifier, and pushes their implicit keys. Looked at only around an
/// underscore glued to a digit (`EMEKA_19420509`) or a dash between a digit and a capital
/// (`2660408-Zhang`, `Zhang-19420509`): most lines hold neither.
pub fn file_names(names: &Names, hay: &[u8], out: &mut Vec<Implicit>) {
    let mut last_segment = usize::MAX;
    for at in memchr::memchr2_iter(b'_', b'-', hay) {
        let before = if at > 0 { hay[at - 1] } else { b' ' };
        let after = hay.get(at + 1).copied().unwrap_or(b' ');
        let candidate = if hay[at] == b'_' {
            before.is_ascii_digit() || after.is_ascii_digit()
        } else {
            (before.is_ascii_digit() && after.is_ascii_uppercase())
                || (before.is_ascii_uppercase() && after.is_ascii_digit())
        };
        if !candidate {
            continue;
        }
        let (s, e) = segment_around(hay, at);
        if s != last_segment {
            last_segment = s;
            file_name(names, hay, s, e, out);
        }
    }
}

/// The path segment or file name (extension excluded) around `at`.
fn segment_around(hay: &[u8], at: usize) -> (usize, usize) {
    let stop = |b: u8| {
        b.is_ascii_whitespace()
            || matches!(
                b,
                b'/' | b'"'
                    | b'\''
                    | b'='
                    | b':'
                    | b'\\'
                    | b'('
                    | b')'
                    | b','
                    | b'['
                    | b']'
                    | b'&'
                    | b'?'
                    | b'.'
                    | b';'
                    | b'|'
                    | b'<'
                    | b'>'
                    | b'{'
                    | b'}'
            )
    };
    let s = hay[..at]
        .iter()
        .rposition(|&b| stop(b))
        .map_or(0, |p| p + 1);
    let e = hay[at..]
        .iter()
        .position(|&b| stop(b))
        .map_or(hay.len(), |p| at + p);
    (s, e)
}

/// What one `_`/`-` separated part of a file name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Eight digits that are a birth date (1900–2005).
    BirthDate,
    /// Five or more digits, perhaps with letters: an identifier.
    Id,
    /// A name-cased word (`ZHANG`, `Farid`, `Zoë`).
    Word,
    Other,
}

fn file_name(names: &Names, hay: &[u8], s: usize, e: usize, out: &mut Vec<Implicit>) {
    let mut parts = [(0usize, 0usize); MAX_PARTS];
    let mut n = 0;
    let mut p = s;
    while p < e && n < MAX_PARTS {
        let q = hay[p..e]
            .iter()
            .position(|&b| b == b'_' || b == b'-')
            .map_or(e, |o| p + o);
        parts[n] = (p, q);
        n += 1;
        p = q + 1;
    }
    if n < 3 {
        return;
    }
    let mut kinds = [Part::Other; MAX_PARTS];
    for (k, &(ps, pe)) in kinds.iter_mut().zip(&parts[..n]) {
        *k = part_kind(&hay[ps..pe]);
    }
    let word = |k: usize| -> &[u8] { &hay[parts[k].0..parts[k].1] };
    for k in 0..n {
        if !matches!(kinds[k], Part::BirthDate | Part::Id) {
            continue;
        }
        // The name: the words right before (`LAST_FIRST_19420509`), or for an id the
        // words right after (`2660408-Zhang-Farid-card`).
        let before = (k.saturating_sub(3)..k)
            .rev()
            .take_while(|&j| kinds[j] == Part::Word)
            .count();
        let after = if kinds[k] == Part::Id {
            (k + 1..n.min(k + 4))
                .take_while(|&j| kinds[j] == Part::Word)
                .count()
        } else {
            0
        };
        let run = if before >= 2 {
            k - before..k
        } else if after >= 2 {
            k + 1..k + 1 + after
        } else {
            continue;
        };
        let shaped = run.clone().all(|j| names.name_part_shape(word(j)));
        let known = run
            .clone()
            .any(|j| names.is_last(word(j)) || names.is_uncommon_first(word(j)));
        // A birth date next to them is evidence enough (`BEGUM_ABEBE_19311003`); an id
        // alone needs the dictionary to know one of the words.
        if !shaped || !(known || kinds[k] == Part::BirthDate) {
            continue;
        }
        for j in run.clone() {
            let key = if j == run.start {
                "last name"
            } else {
                "first name"
            };
            out.push(Implicit::fixed(key, parts[j].0, parts[j].1));
        }
        let key = if kinds[k] == Part::BirthDate {
            "dob"
        } else {
            "patient id"
        };
        out.push(Implicit::fixed(key, parts[k].0, parts[k].1));
        // The folder holding a person's files is often named by their record number
        // (`radiology/ct/M029549392/MAHMOUD_EMEKA_…`).
        if s > 0 && hay[s - 1] == b'/' {
            let ps = hay[..s - 1]
                .iter()
                .rposition(|&b| b == b'/' || b == b'"' || b.is_ascii_whitespace())
                .map_or(0, |o| o + 1);
            if part_kind(&hay[ps..s - 1]) == Part::Id {
                out.push(Implicit::fixed("patient id", ps, s - 1));
            }
        }
        return;
    }
}

fn part_kind(v: &[u8]) -> Part {
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        let cased = v.first().is_some_and(|b| b.is_ascii_uppercase())
            && v.len() >= 2
            && v.iter().all(|&b| super::names::name_byte(b) || b == b'\'');
        return if cased { Part::Word } else { Part::Other };
    }
    // Eight digits that make a date are a date: a birth date, or a run or build date.
    if digits == 8 && v.len() == 8 && Validator::Date.check(v) {
        return if Validator::DateHistoric.check(v) {
            Part::BirthDate
        } else {
            Part::Other
        };
    }
    if digits >= 5 && v.len() <= 20 && v.iter().all(u8::is_ascii_alphanumeric) {
        return Part::Id;
    }
    Part::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, value text) of each implicit key in `out`.
    fn pairs(line: &str, out: &[Implicit]) -> Vec<(String, String)> {
        out.iter()
            .map(|imp| {
                let super::super::structure::KeyName::Fixed(k) = imp.key else {
                    panic!("record keys are fixed")
                };
                (
                    k.to_string(),
                    line[imp.start as usize..imp.end as usize].to_string(),
                )
            })
            .collect()
    }

    fn keys(line: &str) -> Vec<(String, String)> {
        let names = Names::load();
        let mut cells = Vec::new();
        let mut out = Vec::new();
        find(&names, line.as_bytes(), &mut cells, &mut out);
        pairs(line, &out)
    }

    #[test]
    fn a_claim_row_without_header_keys_its_cells_by_shape() {
        let got = keys(
            "rejected: CLM2024340535673|H85214782|TORRES|JUAN CARLOS|19641130|20240506|71046|I50.9|1234567893|2852.30|PEND",
        );
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(has("last name", "TORRES"), "{got:?}");
        assert!(has("first name", "JUAN CARLOS"), "{got:?}");
        assert!(has("dob", "19641130"), "{got:?}");
        assert!(has("service date", "20240506"), "{got:?}");
        assert!(has("patient id", "CLM2024340535673"), "{got:?}");
        assert!(has("claim id", "H85214782"), "{got:?}");
        assert!(has("npi", "1234567893"), "{got:?}");
        // Codes, amounts and statuses stay unkeyed.
        assert!(
            !got.iter()
                .any(|(_, v)| v == "71046" || v == "2852.30" || v == "PEND")
        );
    }

    #[test]
    fn a_quoted_roster_row_keys_its_city_and_zip_around_the_state() {
        let got = keys(
            r#""E2912040","Pham, Hiroshi","11/18/1970","9174 NE Church St","Phoenix","AZ","85019-9742","(206) 502-4732",,Y"#,
        );
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(has("patient name", "Pham, Hiroshi"), "{got:?}");
        assert!(has("city", "Phoenix"), "{got:?}");
        assert!(has("zip", "85019-9742"), "{got:?}");
        assert!(has("dob", "11/18/1970"), "{got:?}");
        assert!(has("patient id", "E2912040"), "{got:?}");
    }

    #[test]
    fn a_fixed_width_row_is_split_at_blank_runs_and_glued_fields() {
        // Synthetic values. Fields filled to their width run into their neighbours: the
        // id into the surname, the middle initial into the birth date, the date and sex
        // code into the street, the state into the ZIP, phone and coverage dates.
        let got = keys(
            "DXEH16581764601SINGH               EMEKA          M19390905M9625 BLUEBONNET ROAD          MINOT               ND58781    97825143222024070120241231HMO01 DEP",
        );
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(has("patient id", "16581764601"), "{got:?}");
        assert!(has("last name", "SINGH"), "{got:?}");
        assert!(has("first name", "EMEKA"), "{got:?}");
        assert!(has("middle name", "M"), "{got:?}");
        assert!(has("dob", "19390905"), "{got:?}");
        assert!(has("address", "9625 BLUEBONNET ROAD"), "{got:?}");
        assert!(has("city", "MINOT"), "{got:?}");
        assert!(has("zip", "58781"), "{got:?}");
        assert!(has("claim id", "97825143222024070120241231"), "{got:?}");
        assert!(
            !got.iter().any(|(_, v)| v == "HMO01" || v == "DEP"),
            "{got:?}"
        );
        // A child's row: the date is this century's, the sex code after it says birth date.
        let got = keys(
            "DW702231022    BEGUM               ANAIS           20080421F356 SUNSET LN                 FORT WAYNE          IN468180053404976770320250401        MCDAZ DEP",
        );
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(
            has("dob", "20080421") && has("first name", "ANAIS"),
            "{got:?}"
        );
        // Aligned ops tables are no person's row.
        for line in [
            "portal-api-7d9f8b6c5d-x2lqp           1/1     Running   0          5d2h    10.42.1.17     ip-10-0-3-4.ec2.internal",
            "postgres   12345  0.3  1.2 2345678 98765 ?      Ss   20240101   1:23 postgres: writer process",
            "ACCT00012345   SMITHFIELD          FOODS           20240101A  123 MAIN ST       OMAHA        NE68102    4025551234",
        ] {
            assert!(keys(line).is_empty(), "{line}: {:?}", keys(line));
        }
    }

    fn file_keys(line: &str) -> Vec<(String, String)> {
        let names = Names::load();
        let mut out = Vec::new();
        file_names(&names, line.as_bytes(), &mut out);
        pairs(line, &out)
    }

    #[test]
    fn file_names_made_of_a_persons_identity() {
        let got =
            file_keys(r#"{"key":"radiology/ct/M029549392/GARCIA_MARIA_19420509_CT_CHEST.dcm"}"#);
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(has("last name", "GARCIA"), "{got:?}");
        assert!(has("first name", "MARIA"), "{got:?}");
        assert!(has("dob", "19420509"), "{got:?}");
        assert!(has("patient id", "M029549392"), "{got:?}");
        assert!(
            !got.iter().any(|(_, v)| v == "CT" || v == "CHEST"),
            "{got:?}"
        );
        let got = file_keys("uploaded scanned/intake/HM2660408-Nguyen-Farid-insurance-card.pdf ok");
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        assert!(
            has("last name", "Nguyen") && has("first name", "Farid"),
            "{got:?}"
        );
        assert!(has("patient id", "HM2660408"), "{got:?}");
        // Builds, releases and pods carry no one's name.
        for line in [
            "artifact build_20240301_1234567.tar.gz",
            "pod ehr-api-7f9c8d6b5-xk2lp restarted",
            "backup snapshot_DB_MAIN_20240301.sql",
            "file report_Q1_2024_0012345.pdf",
            "id 5f3e-ABCD-1234-DEADBEEF0123",
        ] {
            assert!(file_keys(line).is_empty(), "{line}: {:?}", file_keys(line));
        }
    }

    #[test]
    fn rows_about_no_person_are_left_alone() {
        for line in [
            // Metrics and inventory rows: no name pair.
            "2024-03-01,us-east-1,i-0abc123def456,RUNNING,1234567,0.53,ok",
            "SKU-100234,Widget,Blue,20240301,19.99,12,warehouse-7",
            // Names but nothing else about them: a list of people in prose.
            "on call: Maria,Garcia,Team,Alpha,Bravo,Charlie",
            // key=value pairs are not cells.
            "a=1,b=2,first=Maria,last=Garcia,dob=19700101,x=9",
            // Too few cells.
            "GARCIA,MARIA,19700101,E2912040",
        ] {
            assert!(keys(line).is_empty(), "{line}: {:?}", keys(line));
        }
    }
}
