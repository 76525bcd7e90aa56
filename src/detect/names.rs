//! The names dictionary: US Census 1990 first names and the 20,000 most frequent surnames
//! (`data/names/`, derived by `scripts/derive-names`), held in hash sets and looked up per
//! candidate word. Keeping the dictionary out of any automaton keeps start-up fast
//! (PERFORMANCE.md: a 25,000-name Hyperscan database took 25 s to compile) and costs nothing
//! on lines without capitalised word pairs.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: names are short, so a simple multiplicative hash beats SipHash here.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvSet = HashSet<Box<[u8]>, BuildHasherDefault<Fnv>>;

const FIRST: &str = include_str!("../../data/names/first.txt");
const LAST: &str = include_str!("../../data/names/last.txt");

/// First names that are also everyday English (or log) words: they never start a
/// dictionary pair on their own ("Max Retries", "Will Power"); cues still find them.
const COMMON_FIRST: &[&str] = &[
    "MAX",
    "WILL",
    "BILL",
    "MARK",
    "CHASE",
    "GRANT",
    "PAGE",
    "ROSE",
    "MAY",
    "JUNE",
    "APRIL",
    "ART",
    "GUY",
    "RAY",
    "JACK",
    "CASE",
    "DALE",
    "DEAN",
    "DON",
    "FAITH",
    "HOPE",
    "JOY",
    "SKY",
    "SUMMER",
    "SUNNY",
    "LANCE",
    "PAT",
    "SUE",
    "SANDY",
    "RUSTY",
    "FRANK",
    "EARL",
    "GLEN",
    "HEATH",
    "HUNTER",
    "ANGEL",
    "PENNY",
    "GINGER",
    "HOLLY",
    "IVY",
    "IRIS",
    "LILY",
    "VIOLET",
    "STAR",
    "CRYSTAL",
    "AMBER",
    "PEARL",
    "RUBY",
    "JEWEL",
    "DESTINY",
    "ROYAL",
    "HONOR",
    "MILES",
    "REED",
    "ROD",
    "CLIFF",
    "ROCKY",
    "WADE",
    "COLT",
    "BUCK",
    "BOB",
    "DREW",
    "GENE",
    "HERB",
    "CARY",
    "SPRING",
    "AUTUMN",
    "DAWN",
    "EVE",
    "CHRISTIAN",
    "NORMAL",
    "NORMA",
    "KING",
    "PRINCE",
    "PARIS",
    "CHINA",
    "JADE",
    "ASIA",
    "GAY",
    "LOVE",
    "MERCY",
    "PATIENCE",
    "TRUE",
    "ACE",
    "BRANDY",
    "CANDY",
    "CHARITY",
    "CHERRY",
    "CLEMENT",
    "DELL",
    "DUSTY",
    "ERNEST",
    "FLOYD",
    "FOREST",
    "GALE",
    "GLORY",
    "HARMONY",
    "HOMER",
    "JERSEY",
    "KIT",
    "LEVEL",
    "LONG",
    "MASON",
    "MAJOR",
    "NOBLE",
    "OCEAN",
    "PARKER",
    "PIERCE",
    "PRESTON",
    "QUEEN",
    "RANDOM",
    "RIVER",
    "ROBIN",
    "SAGE",
    "SCOUT",
    "SHELBY",
    "SONNY",
    "STORM",
    "TANNER",
    "TRUMAN",
    "TY",
    "VAN",
    "WINTER",
    "WORTH",
    "YOUNG",
    "BLUE",
    "BUNNY",
    "CODY",
    "CARMEN",
    "DATE",
    "DENVER",
    "DORA",
    "ELSE",
    "ERROR",
    "FAY",
    "HAL",
    "JEAN",
    "KEY",
    "LACY",
    "LINK",
    "LOUIS",
    "MAGIC",
    "NICK",
    "NODE",
    "OTTO",
    "PEPPER",
    "RED",
    "ROUTE",
    "RUSS",
    "SHAD",
    "SOL",
    "STEWART",
    "TED",
    "TOM",
    "VAL",
    "VERY",
    "WARD",
    "WILLIE",
    "JOB",
    "HEAD",
    "TRACE",
    "LOG",
    "SET",
];

/// The names dictionary.
#[derive(Debug)]
pub struct Names {
    first: FnvSet,
    last: FnvSet,
    common_first: FnvSet,
}

fn set_from(text: &str) -> FnvSet {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.as_bytes().to_ascii_uppercase().into_boxed_slice())
        .collect()
}

impl Names {
    /// Loads the embedded dictionary.
    pub fn load() -> Self {
        Self {
            first: set_from(FIRST),
            last: set_from(LAST),
            common_first: COMMON_FIRST
                .iter()
                .map(|w| w.as_bytes().to_vec().into_boxed_slice())
                .collect(),
        }
    }

    /// Upper-cases `word` into `buf`, dropping apostrophes: the Census lists spell
    /// `O'Brien` as `OBRIEN`.
    /// Latin-1 letters (`José`, `Muñoz`, `GARCÍA`) fold to their ASCII base letter, as the
    /// lists spell them.
    fn upper<'a>(word: &[u8], buf: &'a mut [u8; 32]) -> Option<&'a [u8]> {
        let mut n = 0;
        let mut i = 0;
        while i < word.len() {
            let b = word[i];
            i += 1;
            let folded = match (b, word.get(i)) {
                (b'\'', _) => continue,
                (0xC3, Some(&next @ 0x80..=0xBF)) => {
                    i += 1;
                    latin1_base(next)
                }
                _ => b.to_ascii_uppercase(),
            };
            *buf.get_mut(n)? = folded;
            n += 1;
        }
        Some(&buf[..n])
    }

    /// Looks `word` up whole, then (for `Smith-Jones`) each hyphenated part.
    fn lookup(set: &FnvSet, word: &[u8]) -> bool {
        let mut buf = [0u8; 32];
        if Self::upper(word, &mut buf).is_some_and(|w| set.contains(w)) {
            return true;
        }
        word.contains(&b'-')
            && word.split(|b| *b == b'-').any(|part| {
                part.len() >= 2 && Self::upper(part, &mut buf).is_some_and(|w| set.contains(w))
            })
    }

    /// Whether `word` (any case) is a first name.
    pub fn is_first(&self, word: &[u8]) -> bool {
        Self::lookup(&self.first, word)
    }

    /// Whether `word` (any case) is a surname.
    pub fn is_last(&self, word: &[u8]) -> bool {
        Self::lookup(&self.last, word)
    }

    /// Whether `word` is a first name that is not also a common word (`Max`, `Will`): a
    /// first name that counts as evidence on its own.
    pub fn is_uncommon_first(&self, word: &[u8]) -> bool {
        self.is_first(word) && !self.is_common_first(word)
    }

    /// Whether `word` is a first name that is also a common word.
    pub fn is_common_first(&self, word: &[u8]) -> bool {
        let mut buf = [0u8; 32];
        Self::upper(word, &mut buf).is_some_and(|w| self.common_first.contains(w))
    }

    /// Whether `span` reads as a person's name (cue- and key-led names): every word is
    /// Title-case or upper-case, and the first word is a first name, or the last a surname,
    /// or (`Last, First`) the first a surname and the second a first name.
    pub fn any_name(&self, span: &[u8]) -> bool {
        self.dictionary_name(&name_words(span), span)
    }

    /// [`Names::any_name`] over the words of `span` already split by [`name_words`].
    fn dictionary_name(&self, words: &[&[u8]], span: &[u8]) -> bool {
        if words.is_empty() || !words.iter().all(|w| name_cased(w)) {
            return false;
        }
        let full: Vec<&&[u8]> = words.iter().filter(|w| w.len() >= 2).collect();
        let (Some(first), Some(last)) = (full.first(), full.last()) else {
            return false;
        };
        // `Grace Memorial Scheduling`: an organisation word inside the span (a last word
        // like `Church` is also a surname).
        let inner = &full[..full.len() - 1];
        if full.len() > 1 && (is_place_head(last) || inner.iter().any(|w| is_org_word(w))) {
            return false;
        }
        let comma = span.contains(&b',');
        self.is_uncommon_first(first)
            || self.is_last(last) && (full.len() > 1 || self.is_first(last) || !comma)
            // `LAST, First` after a cue: the surname carries it (first names outside the
            // 1990 lists, e.g. `GREEN, Lakshmi`, are common).
            || (comma && self.is_last(first) && full.len() > 1)
            // `Okoro, Elizabeth`: the first name after the comma carries it.
            || (comma && full.len() == 2 && self.is_uncommon_first(last))
    }

    /// Whether `span`, written right after a strong person cue (`patient`, `pt`, `seen
    /// by`, `next of kin`, a `patient=` key), reads as a name even outside the 1990
    /// dictionary: two to four Title-case or upper-case words, `Last, First` or none of them
    /// an everyday word of application logs (`Patient Portal Login`, `patient Search
    /// Completed`). Names from every culture reach hospital logs; the cue carries the
    /// evidence here, the dictionary only for weaker cues.
    pub fn name_shape(&self, span: &[u8]) -> bool {
        self.shaped(span, 2..=4)
    }

    /// [`Names::name_shape`] for one part of a name under a `given` / `family` key
    /// (`"given": "Xiu"`): one to three name-cased words that are not everyday log words.
    pub fn name_part_shape(&self, span: &[u8]) -> bool {
        self.shaped(span, 1..=3)
    }

    fn shaped(&self, span: &[u8], words_allowed: std::ops::RangeInclusive<usize>) -> bool {
        let words = name_words(span);
        if self.dictionary_name(&words, span) {
            return true;
        }
        let full = words.iter().filter(|w| w.len() >= 2).count();
        words_allowed.contains(&full)
            && words.iter().all(|w| name_cased(w))
            && self.no_log_words(&words)
    }

    /// Whether `span` is two name-cased words, none of them an everyday log word or an
    /// organisation's (`Patient Record`, `Application Start`, `ACME CORP` are not people
    /// even where the dictionary knows `Record` or `Start` as surnames).
    pub fn plain_pair(&self, span: &[u8]) -> bool {
        let words = name_words(span);
        words.len() == 2 && self.plain_words(&words)
    }

    /// Whether `span` is two to four name-cased words (initials aside), none of them an
    /// everyday log word or an organisation's, whatever the dictionary says.
    pub fn plain_name(&self, span: &[u8]) -> bool {
        let words = name_words(span);
        let full = words.iter().filter(|w| w.len() >= 2).count();
        (2..=4).contains(&full) && self.plain_words(&words)
    }

    /// Every word name-cased and none a log or organisation word.
    fn plain_words(&self, words: &[&[u8]]) -> bool {
        words.iter().all(|w| name_cased(w) && !is_org_word(w)) && self.no_log_words(words)
    }

    fn no_log_words(&self, words: &[&[u8]]) -> bool {
        let mut buf = [0u8; 32];
        !words.iter().any(|w| {
            let Some(u) = Self::upper(w, &mut buf) else {
                return true;
            };
            // Past participles and abstract nouns (`Record Updated`, `Education Materials`,
            // `Triage Station`) are log words unless the dictionary knows them as names
            // (Ahmed, Sanders).
            NOT_NAMES.binary_search(&u).is_ok()
                || (u.len() >= 5
                    && WORD_ENDINGS.iter().any(|e| u.ends_with(e))
                    && !self.is_first(w)
                    && !self.is_last(w))
        })
    }
}

/// The ASCII upper-case base letter of the Latin-1 letter whose UTF-8 encoding is `0xC3`
/// then `second` (`é` → `E`, `Ñ` → `N`); `×`, `÷` and letters with no ASCII base stay
/// non-ASCII, so they match no dictionary entry.
fn latin1_base(second: u8) -> u8 {
    // U+00C0..U+00FF, upper and lower case share a base.
    const BASES: &[u8; 32] = b"AAAAAA\xC6CEEEEIIIIDNOOOOO\xD7OUUUUY\xDES";
    let base = BASES[usize::from(second & 0x1F)];
    // `ÿ` shares its index with `ß`.
    if second == 0xBF { b'Y' } else { base }
}

/// A byte that can continue a name word: an ASCII letter or any byte of a UTF-8 sequence
/// (`José`, `Nguyễn`).
pub fn name_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80
}

/// The word starts with a capital: ASCII or Latin-1 (`Ángel`, `Óscar`).
pub fn starts_upper(w: &[u8]) -> bool {
    match w {
        [first, ..] if first.is_ascii_uppercase() => true,
        [0xC3, second, ..] => (0x80..=0x9E).contains(second) && *second != 0x97,
        _ => false,
    }
}

/// The words of a candidate name: letters (UTF-8 ones too), apostrophes, hyphens and
/// dots, a trailing dot dropped (`J.`), lower-case particles (`van`, `de`) left out.
fn name_words(span: &[u8]) -> Vec<&[u8]> {
    span.split(|b| !name_byte(*b) && *b != b'\'' && *b != b'-' && *b != b'.')
        .map(|w| w.strip_suffix(b".").unwrap_or(w))
        .filter(|w| !w.is_empty() && !is_particle(w))
        .collect()
}

/// Endings of English verbs and nouns that names outside the dictionary rarely have.
const WORD_ENDINGS: &[&[u8]] = &[
    b"ED", b"ING", b"TION", b"SION", b"MENT", b"NESS", b"ITY", b"ICS", b"ALS", b"ERS", b"ORS",
    b"ABLE", b"IBLE", b"IZE", b"ISE",
];

/// Capitalised words of application logs that follow "patient" but are no name (sorted,
/// upper case): FHIR resource and UI names, states, actions.
const NOT_NAMES: &[&[u8]] = &[
    b"ACCESS",
    b"ACCOUNT",
    b"ACTIVE",
    b"ADMIN",
    b"ADMISSION",
    b"ALERT",
    b"ALERTS",
    b"ALLERGY",
    b"ALPHA",
    b"AND",
    b"API",
    b"APP",
    b"APPOINTMENT",
    b"ARCHIVE",
    b"ARRIVAL",
    b"AUDIT",
    b"AUTH",
    b"BADGE",
    b"BALANCE",
    b"BANNER",
    b"BATCH",
    b"BED",
    b"BETA",
    b"BILLING",
    b"BUCKET",
    b"BUNDLE",
    b"BUTTON",
    b"CACHE",
    b"CARD",
    b"CARDS",
    b"CARE",
    b"CASE",
    b"CENSUS",
    b"CENTER",
    b"CENTRE",
    b"CHANNEL",
    b"CHARGE",
    b"CHART",
    b"CHECK",
    b"CHECKIN",
    b"CHECKOUT",
    b"CLAIM",
    b"CLIENT",
    b"CLINIC",
    b"CLOSED",
    b"CLUSTER",
    b"COMPLETE",
    b"COMPLETED",
    b"CONDITION",
    b"CONFIG",
    b"CONSENT",
    b"CONTEXT",
    b"COUNT",
    b"COVERAGE",
    b"CREATE",
    b"CREATED",
    b"DASHBOARD",
    b"DATA",
    b"DEFAULT",
    b"DELETE",
    b"DELETED",
    b"DEMO",
    b"DEPARTMENT",
    b"DEPARTURE",
    b"DESK",
    b"DETAIL",
    b"DETAILS",
    b"DEVICE",
    b"DIRECTORY",
    b"DISCHARGE",
    b"DOCUMENT",
    b"DONE",
    b"DUPLICATE",
    b"EDIT",
    b"ELIGIBILITY",
    b"EMAIL",
    b"EMERGENCY",
    b"ENCOUNTER",
    b"ERROR",
    b"EVENT",
    b"EVENTS",
    b"EXPORT",
    b"FAILED",
    b"FAX",
    b"FILE",
    b"FLOW",
    b"FORM",
    b"FOUND",
    b"FRONT",
    b"GATEWAY",
    b"GROUP",
    b"HANDLER",
    b"HEADER",
    b"HEALTH",
    b"HISTORY",
    b"HOME",
    b"HOSPITAL",
    b"HOST",
    b"ID",
    b"IDENTITY",
    b"IMAGE",
    b"IMPORT",
    b"INACTIVE",
    b"INDEX",
    b"INFO",
    b"INSURANCE",
    b"INTAKE",
    b"INVALID",
    b"INVOICE",
    b"JOB",
    b"KEY",
    b"LAB",
    b"LABEL",
    b"LABELS",
    b"LABS",
    b"LEGACY",
    b"LIST",
    b"LOAD",
    b"LOADED",
    b"LOG",
    b"LOGIN",
    b"LOGOUT",
    b"LOGS",
    b"LOOKUP",
    b"MAIN",
    b"MANAGER",
    b"MATCH",
    b"MATCHING",
    b"MEDICATION",
    b"MENU",
    b"MERGE",
    b"MERGED",
    b"MESSAGE",
    b"METRIC",
    b"METRICS",
    b"MISSING",
    b"MOBILE",
    b"MODULE",
    b"NEW",
    b"NODE",
    b"NOT",
    b"NOTE",
    b"NOTES",
    b"NOTIFICATION",
    b"NOTIFICATIONS",
    b"NULL",
    b"NURSE",
    b"OBSERVATION",
    b"OF",
    b"OFFICE",
    b"OFFLINE",
    b"OK",
    b"ONLINE",
    b"OPEN",
    b"ORDER",
    b"ORDERS",
    b"PAGE",
    b"PANEL",
    b"PATIENT",
    b"PATIENTS",
    b"PAYMENT",
    b"PENDING",
    b"PHARMACY",
    b"PHONE",
    b"PHOTO",
    b"PLAN",
    b"POD",
    b"PORT",
    b"PORTAL",
    b"PREFERENCES",
    b"PRIMARY",
    b"PRIOR",
    b"PROCEDURE",
    b"PROFILE",
    b"PROXY",
    b"QUERY",
    b"QUESTIONNAIRE",
    b"QUEUE",
    b"RADIOLOGY",
    b"READ",
    b"READY",
    b"RECORD",
    b"RECORDS",
    b"REFERRAL",
    b"REFRESH",
    b"REGION",
    b"REGISTRATION",
    b"REGISTRY",
    b"REPORT",
    b"REQUEST",
    b"RESOURCE",
    b"RESPONSE",
    b"RESULT",
    b"RESULTS",
    b"ROOM",
    b"ROSTER",
    b"ROUTER",
    b"SAVE",
    b"SAVED",
    b"SCAN",
    b"SCHEDULE",
    b"SCREEN",
    b"SEARCH",
    b"SECONDARY",
    b"SECRET",
    b"SERVICE",
    b"SESSION",
    b"SETTINGS",
    b"SIGNATURE",
    b"SLOT",
    b"SMS",
    b"STARTED",
    b"STATEMENT",
    b"STATION",
    b"STATUS",
    b"STOPPED",
    b"STORAGE",
    b"STORE",
    b"STREAM",
    b"SUMMARY",
    b"SURVEY",
    b"SYNC",
    b"SYSTEM",
    b"TAB",
    b"TABLE",
    b"TASK",
    b"TEST",
    b"THE",
    b"TIMEOUT",
    b"TOKEN",
    b"TOPIC",
    b"TRACE",
    b"TRANSFER",
    b"TRIAGE",
    b"TYPE",
    b"UNIT",
    b"UNKNOWN",
    b"UPDATE",
    b"UPDATED",
    b"UPLOAD",
    b"USER",
    b"VALID",
    b"VALIDATION",
    b"VIEW",
    b"VISIT",
    b"VITALS",
    b"WAITING",
    b"WAITLIST",
    b"WARD",
    b"WEB",
    b"WHERE",
    b"WIDGET",
    b"WORKER",
    b"WORKFLOW",
    b"WRISTBAND",
    b"ZONE",
];

/// Lower-case surname particles: `de la Cruz`, `van der Berg`, `bin Laden`.
pub fn is_particle(w: &[u8]) -> bool {
    const PARTICLES: [&[u8]; 14] = [
        b"van", b"von", b"der", b"den", b"de", b"del", b"della", b"la", b"le", b"da", b"di", b"du",
        b"bin", b"ter",
    ];
    w.first().is_some_and(u8::is_ascii_lowercase) && PARTICLES.contains(&w)
}

/// A capitalised word: `Smith` or `SMITH` (letters, `'` and `-` after the first).
fn word_at(hay: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < hay.len() && (name_byte(hay[j]) || hay[j] == b'\'' || hay[j] == b'-') {
        j += 1;
    }
    while j > i + 1 && matches!(hay[j - 1], b'\'' | b'-') {
        j -= 1;
    }
    j
}

/// `Thu`, `THURSDAY`, `sun`: a weekday, abbreviated or in full.
fn is_weekday(w: &[u8]) -> bool {
    const DAYS: [&[u8]; 7] = [
        b"monday",
        b"tuesday",
        b"wednesday",
        b"thursday",
        b"friday",
        b"saturday",
        b"sunday",
    ];
    DAYS.iter().any(|d| {
        (w.len() == 3 || w.len() == d.len())
            && w.len() <= d.len()
            && w.eq_ignore_ascii_case(&d[..w.len()])
    })
}

/// `Smith`, `SMITH`, `O'Brien`, `Smith-Jones`, `McDonald`, `DaQuan`, `LeBlanc` (one inner
/// capital after a name prefix).
fn name_cased(w: &[u8]) -> bool {
    if w.len() == 1 {
        return w[0].is_ascii_uppercase();
    }
    if well_cased(w) {
        return true;
    }
    w.split(|b| *b == b'\'' || *b == b'-').all(|p| {
        p.is_empty()
            || well_cased(p)
            || NAME_PREFIXES.iter().any(|pre| {
                p.len() >= pre.len() + 3 && p.starts_with(pre) && well_cased(&p[pre.len()..])
            })
    })
}

/// Prefixes after which a name carries a second capital: `McDonald`, `MacLeod`,
/// `DeShawn`, `LaToya`, `DaQuan`, `DuBois`, `DiMaggio`, `LeBlanc`, `JaMarcus`, `VanBuren`.
const NAME_PREFIXES: [&[u8]; 11] = [
    b"Mc", b"Mac", b"De", b"La", b"Le", b"Da", b"Di", b"Du", b"Ja", b"Van", b"Von",
];

fn well_cased(w: &[u8]) -> bool {
    let tail = if w[0].is_ascii() {
        &w[1..]
    } else {
        &w[2.min(w.len())..]
    };
    starts_upper(w)
        && (tail.iter().all(|b| !b.is_ascii_uppercase())
            || tail.iter().all(|b| !b.is_ascii_lowercase()))
}

/// After a closing quote at `e` (a word that is a whole quoted cell), the start of the next
/// quoted cell (`', '`, `','`), when there is one.
fn quoted_next_cell(hay: &[u8], e: usize, q: u8) -> Option<usize> {
    let mut j = e + 1;
    if hay.get(j) != Some(&b',') {
        return None;
    }
    j += 1;
    while hay.get(j) == Some(&b' ') {
        j += 1;
    }
    (hay.get(j) == Some(&q)).then_some(j + 1)
}

/// Finds dictionary name pairs in `hay`: `First Last`, `First M. Last`, `Last, First` and
/// HL7 `LAST^FIRST`. Calls `found(start, end)` for each.
///
/// `capitals` has a bit set for each upper-case letter of `hay` that starts a word (from
/// the shape pass), so that only capitalised words are looked at.
/// The last word of a place's name, rarely a surname: `Marion County`, `Jordan Valley`,
/// `Bell Tower`, `Kingston Heights`.
const PLACE_HEADS: [&[u8]; 20] = [
    b"wing",
    b"pavilion",
    b"building",
    b"annex",
    b"county",
    b"valley",
    b"tower",
    b"towers",
    b"creek",
    b"heights",
    b"garden",
    b"gardens",
    b"plaza",
    b"station",
    b"campus",
    b"hospital",
    b"clinic",
    b"center",
    b"centre",
    b"pharmacy",
];

/// Words that continue a name into an organisation's: `… Medical Center`, `… Family
/// Practice`, `… Health`.
const ORG_WORDS: [&[u8]; 33] = [
    b"community",
    b"mortuary",
    b"funeral",
    b"dialysis",
    b"rehab",
    b"medical",
    b"center",
    b"centre",
    b"hospital",
    b"clinic",
    b"clinics",
    b"practice",
    b"family",
    b"health",
    b"healthcare",
    b"regional",
    b"memorial",
    b"pharmacy",
    b"laboratory",
    b"labs",
    b"associates",
    b"university",
    b"college",
    b"school",
    b"institute",
    b"foundation",
    b"church",
    b"campus",
    b"garage",
    b"urgent",
    b"surgical",
    b"hospice",
    b"rehabilitation",
];

fn is_place_head(w: &[u8]) -> bool {
    PLACE_HEADS.iter().any(|p| w.eq_ignore_ascii_case(p))
}

/// Whether `w` is an upper-case USPS state or territory code.
pub(crate) fn is_state_code(w: &[u8]) -> bool {
    const STATES: &[u8] = b"AKALARAZCACOCTDCDEFLGAHIIAIDILINKSKYLAMAMDMEMIMNMOMSMTNCNDNENHNJNMNVNYOHOKORPAPRRISCSDTNTXUTVAVIVTWAWIWVWYGUASMP";
    w.len() == 2 && w.iter().all(u8::is_ascii_uppercase) && STATES.chunks(2).any(|c| c == w)
}

fn is_org_word(w: &[u8]) -> bool {
    ORG_WORDS.iter().any(|o| w.eq_ignore_ascii_case(o))
}

/// Whether the capitalised words after `e` run into an organisation or a place within
/// three words: `Martin Luther` + `King Jr. Community Hospital`, `Hoa` + `Wing`.
fn org_word_follows(hay: &[u8], mut e: usize) -> bool {
    for _ in 0..3 {
        if hay.get(e) != Some(&b' ') {
            return false;
        }
        let s = e + 1;
        let end = hay[s..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(hay.len(), |o| s + o);
        let word = &hay[s..end];
        if word.first().is_none_or(|b| !b.is_ascii_uppercase()) {
            return false;
        }
        if is_org_word(word) || is_place_head(word) {
            return true;
        }
        // `Jr.`, `St.`: an abbreviation's dot does not end the run.
        e = end + usize::from(hay.get(end) == Some(&b'.'));
    }
    false
}

pub fn find_pairs(
    names: &Names,
    hay: &[u8],
    capitals: super::bytemask::View<'_>,
    mut found: impl FnMut(usize, usize),
) {
    let n = hay.len();
    let mut i = 0;
    loop {
        i = super::bytemask::next_one(&capitals, i, n);
        if i >= n {
            break;
        }
        if i > 0 && (hay[i - 1].is_ascii_alphanumeric() || hay[i - 1] == b'_') {
            i += 1;
            continue;
        }
        let e1 = word_at(hay, i);
        let w1 = &hay[i..e1];
        if w1.len() < 2 || !name_cased(w1) || e1 >= n {
            i = e1.max(i + 1);
            continue;
        }
        // Separator: " ", ", ", "^", or " X. " (middle initial).
        let (sep_kind, mut j) = match hay[e1] {
            b' ' => (0, e1 + 1),
            b',' if e1 + 1 < n && hay[e1 + 1] == b' ' => (1, e1 + 2),
            b',' | b'\t' | b';' => (3, e1 + 1),
            b'^' => (2, e1 + 1),
            // Quoted cells: `'Ann', 'Lee'` (SQL VALUES) or `"Ann","Lee"` (JSON arrays).
            q @ (b'\'' | b'"') if i > 0 && hay[i - 1] == q => match quoted_next_cell(hay, e1, q) {
                Some(j) => (3, j),
                None => {
                    i = e1;
                    continue;
                }
            },
            _ => {
                i = e1;
                continue;
            }
        };
        if sep_kind == 0
            && j + 2 < n
            && hay[j].is_ascii_uppercase()
            && (hay[j + 1] == b'.' || hay[j + 1] == b' ')
            && hay[j + 2] == b' '
        {
            j += 3;
        } else if sep_kind == 0 && j + 1 < n && hay[j].is_ascii_uppercase() && hay[j + 1] == b' ' {
            j += 2;
        }
        if j >= n || !hay[j].is_ascii_uppercase() {
            i = e1;
            continue;
        }
        let e2 = word_at(hay, j);
        let w2 = &hay[j..e2];
        let cell_end_ok = !matches!(hay[e1], b'\'' | b'"') || hay.get(e2) == Some(&hay[e1]);
        if w2.len() < 2
            || !name_cased(w2)
            || !cell_end_ok
            || (e2 < n && (hay[e2].is_ascii_digit() || hay[e2] == b'_'))
        {
            i = e1;
            continue;
        }
        // `[Thu May 08 22:45:31 2025]` (Apache's error log): Thu and Sun are first names,
        // May and Jun surnames, but a weekday before a month is a date.
        if sep_kind == 0 && is_weekday(w1) && super::shape::is_month_word(w2) {
            i = e1;
            continue;
        }
        // `Cleveland;OH;44102` (a vCard or CSV address): a city and its state.
        if sep_kind == 3 && is_state_code(w2) {
            i = e2;
            continue;
        }
        // `Jordan Valley Medical Center`, `Bell Tower Family Practice`: a place or an
        // organisation, not a person.
        if sep_kind == 0 && (is_place_head(w2) || org_word_follows(hay, e2)) {
            i = e2;
            continue;
        }
        let single_quoted = hay[e1] == b'\'';
        // `approver="Ifeoma Kaplan"`, `"grantee": "Oluwadamilare Drummond"`: the whole
        // quoted value of a key is the two words, so one of them in the dictionary will do.
        let whole_value = sep_kind == 0
            && i >= 2
            && hay[i - 1] == b'"'
            && hay.get(e2) == Some(&b'"')
            && (matches!(hay[i - 2], b'=' | b':')
                || (i >= 3 && hay[i - 2] == b' ' && hay[i - 3] == b':'));
        let hit = match sep_kind {
            0 if whole_value => {
                (names.is_uncommon_first(w1) || names.is_last(w2) && !names.is_common_first(w1))
                    && names.plain_pair(&hay[i..e2])
            }
            // SQL VALUES cells: two adjacent single-quoted capitalised words, one of them
            // a dictionary name ('Oluwaseun', 'Kowalski').
            3 if single_quoted => {
                names.is_uncommon_first(w1)
                    || names.is_last(w2)
                    || names.is_last(w1)
                    || names.is_uncommon_first(w2)
            }
            0 => names.is_uncommon_first(w1) && names.is_last(w2),
            // CSV/TSV cells: First,Last or Last,First.
            3 => {
                (names.is_uncommon_first(w1) && names.is_last(w2))
                    || (names.is_last(w1) && names.is_uncommon_first(w2))
            }
            _ => names.is_last(w1) && names.is_uncommon_first(w2),
        };
        if hit {
            if matches!(hay[e1], b'\'' | b'"') {
                // Two quoted cells: two names, the quotes between them are not PHI.
                found(i, e1);
                found(j, e2);
            } else {
                found(i, e2);
            }
            i = e2;
        } else {
            i = e1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_letters_fold_to_the_dictionary_spelling() {
        let names = Names::load();
        assert!(names.is_first("José".as_bytes()));
        assert!(names.is_last("García".as_bytes()));
        assert!(names.is_last("MUÑOZ".as_bytes()));
        assert!(names.any_name("María Rodríguez".as_bytes()));
        assert!(names.name_shape("Nguyễn Thị Lan".as_bytes()));
        assert!(!names.is_last("Garcíx".as_bytes()));
        assert_eq!(word_at("Zoë Núñez".as_bytes(), 0), "Zoë".len());
        assert!(well_cased("Ángel".as_bytes()));
        assert!(!well_cased("ángel".as_bytes()));
    }

    #[test]
    fn not_names_are_sorted_for_binary_search() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn name_shape_takes_unlisted_names_and_leaves_log_words() {
        let names = Names::load();
        assert!(names.name_shape(b"Dmitri Okafor"));
        assert!(names.name_shape(b"Okonkwo, Chidi"));
        assert!(names.name_shape(b"Nguyen Thi Lan"));
        assert!(!names.name_shape(b"Portal Login"));
        assert!(!names.name_shape(b"Demographics Changed"));
        assert!(!names.name_shape(b"Education Materials Printed"));
        assert!(!names.name_shape(b"Okafor"));
    }
}
