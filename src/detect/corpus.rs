//! A deterministic synthetic log corpus (seeded, no real PHI) for benchmarks, the engine
//! differential test and the quality report: ~98% ordinary ops lines (ISO timestamps,
//! UUIDs, trace ids, ARNs, 10.x upstream IPs, durations, JSON and text) and ~2% lines with
//! labelled PHI in text, JSON, logfmt, HL7-ish and clinical-note formats.

use super::PhiType;

/// A generated line and the PHI spans it contains.
#[derive(Debug, Clone)]
pub struct LabelledLine {
    /// The line (no newline).
    pub text: String,
    /// Labelled PHI spans (byte offsets).
    pub spans: Vec<(usize, usize, PhiType)>,
}

/// splitmix64: tiny, seedable, stable across platforms and crate versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
}

const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Aisha",
    "Wei",
    "Priya",
    "Dmitri",
    "Fatima",
    "Kevin",
    "Laura",
    "Brian",
    "Nancy",
    "Oluwaseun",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
    "Okafor",
    "Kowalski",
    "Chen",
    "Walsh",
    "Murphy",
    "Rivera",
    "Cooper",
];
const STREETS: &[&str] = &[
    "Elm",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
];
const SUFFIXES: &[&str] = &[
    "Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Lane", "Blvd", "Court",
];
const CITIES: &[(&str, &str)] = &[
    ("Springfield", "IL"),
    ("Columbus", "OH"),
    ("Austin", "TX"),
    ("Denver", "CO"),
    ("Portland", "OR"),
    ("Madison", "WI"),
    ("Albany", "NY"),
    ("Tampa", "FL"),
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const SERVICES: &[&str] = &[
    "checkout",
    "auth",
    "billing-api",
    "scheduler",
    "fhir-gateway",
    "ingest",
    "search",
    "notifier",
];
const PATHS: &[&str] = &[
    "/health",
    "/api/v1/orders",
    "/api/v2/appointments/search",
    "/metrics",
    "/api/v1/users/me",
    "/login",
    "/api/v2/patients/search",
    "/static/app.js",
];
const LEVELS: &[&str] = &["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];

struct Builder {
    text: String,
    spans: Vec<(usize, usize, PhiType)>,
}

impl Builder {
    fn new() -> Self {
        Self {
            text: String::with_capacity(256),
            spans: Vec::new(),
        }
    }
    fn s(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    fn phi(&mut self, s: &str, t: PhiType) -> &mut Self {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((start, self.text.len(), t));
        self
    }
    fn done(self) -> LabelledLine {
        LabelledLine {
            text: self.text,
            spans: self.spans,
        }
    }
}

fn ts(r: &mut Rng) -> String {
    format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + r.below(12),
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(1000)
    )
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12)
    )
}

fn ip10(r: &mut Rng) -> String {
    format!("10.{}.{}.{}", r.below(256), r.below(256), 1 + r.below(254))
}

/// An ops line (no PHI).
pub fn ops_line(r: &mut Rng) -> String {
    let svc = *r.pick(SERVICES);
    let path = *r.pick(PATHS);
    let lvl = *r.pick(LEVELS);
    match r.below(8) {
        0 => format!(
            "{{\"ts\":\"{}\",\"level\":\"{}\",\"service\":\"{svc}\",\"trace_id\":\"{}\",\"span_id\":\"{}\",\"msg\":\"request completed\",\"method\":\"GET\",\"path\":\"{path}\",\"status\":{},\"duration_ms\":{},\"bytes\":{},\"upstream\":\"{}:{}\"}}",
            ts(r),
            lvl.to_lowercase(),
            r.hex(32),
            r.hex(16),
            r.pick(&[200, 200, 201, 204, 304, 404, 500, 503]),
            r.below(900),
            r.below(200_000),
            ip10(r),
            8000 + r.below(1000)
        ),
        1 => format!(
            "{} {lvl} [{svc}] request_id={} method=POST path={path} status={} latency={}ms client={} user_agent=\"Mozilla/5.0 (X11; Linux x86_64) Chrome/119.0.{}.{}\"",
            ts(r),
            uuid(r),
            r.pick(&[200, 201, 400, 401, 502]),
            r.below(3000),
            ip10(r),
            r.below(9000),
            r.below(300)
        ),
        2 => format!(
            "{} {lvl} arn:aws:lambda:us-east-1:{}:function:{svc}-handler RequestId: {} Duration: {}.{} ms Billed Duration: {} ms Memory Size: 512 MB Max Memory Used: {} MB",
            ts(r),
            r.digits(12),
            uuid(r),
            r.below(2000),
            r.below(100),
            r.below(2000),
            60 + r.below(400)
        ),
        3 => format!(
            "{} pod/{svc}-{}-{} container={svc} restarts={} node=ip-10-0-{}-{}.ec2.internal image=registry.example.com/{svc}:v1.{}.{} sha256:{}",
            ts(r),
            r.hex(9),
            r.hex(5),
            r.below(5),
            r.below(255),
            r.below(255),
            r.below(40),
            r.below(20),
            r.hex(64)
        ),
        4 => format!(
            "<134>1 {} host-{} {svc} {} - - connection from {} port {} closed after {}s, {} bytes sent, build 2026.{}.{}",
            ts(r),
            r.below(99),
            1000 + r.below(60000),
            ip10(r),
            1024 + r.below(60000),
            r.below(600),
            r.below(10_000_000),
            r.below(12),
            r.below(30)
        ),
        5 => format!(
            "{{\"time\":\"{}\",\"kind\":\"cron\",\"job\":\"{svc}-nightly\",\"attempt\":{},\"next_run\":\"2026-12-01T02:00:00Z\",\"cert_expires\":\"2027-0{}-1{}\",\"version\":\"3.{}.{}\",\"account_id\":\"{}\",\"region\":\"us-west-2\"}}",
            ts(r),
            r.below(5),
            1 + r.below(9),
            r.below(10),
            r.below(30),
            r.below(100),
            r.digits(12)
        ),
        6 => format!(
            "{} {lvl} {svc}: retrying upstream call attempt={} backoff={}ms max_retries=5 timeout=30s err=\"connection reset by peer\" peer={}:443",
            ts(r),
            r.below(5),
            100 * r.below(30),
            ip10(r)
        ),
        _ => format!(
            "{} {lvl} {svc} GC pause {}.{}ms heap={}MB/{}MB goroutines={} queue_depth={} shard={} offset={}",
            ts(r),
            r.below(50),
            r.below(1000),
            r.below(2048),
            2048 + r.below(2048),
            r.below(5000),
            r.below(10_000),
            r.below(64),
            r.below(100_000_000)
        ),
    }
}

fn valid_ssn(r: &mut Rng) -> String {
    loop {
        let area = 1 + r.below(899);
        if area != 666 {
            return format!("{area:03}-{:02}-{:04}", 1 + r.below(99), 1 + r.below(9999));
        }
    }
}

fn phone(r: &mut Rng) -> String {
    let a = 200 + r.below(800);
    let e = 200 + r.below(800);
    let n = r.below(10_000);
    match r.below(4) {
        0 => format!("({a}) {e}-{n:04}"),
        1 => format!("{a}-{e}-{n:04}"),
        2 => format!("+1 {a}.{e}.{n:04}"),
        _ => format!("{a}.{e}.{n:04}"),
    }
}

fn dob(r: &mut Rng) -> String {
    let y = 1925 + r.below(80);
    let m = 1 + r.below(12);
    let d = 1 + r.below(28);
    match r.below(5) {
        0 => format!("{m:02}/{d:02}/{y}"),
        1 => format!("{y}-{m:02}-{d:02}"),
        2 => format!("{} {d}, {y}", MONTHS[(m - 1) as usize]),
        3 => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        _ => format!("{m}/{d}/{}", y % 100),
    }
}

fn luhn_complete(r: &mut Rng, prefix: &str, len: usize) -> String {
    let mut ds: Vec<u32> = prefix.bytes().map(|b| u32::from(b - b'0')).collect();
    while ds.len() < len - 1 {
        ds.push(r.below(10) as u32);
    }
    for check in 0..10 {
        let mut all = ds.clone();
        all.push(check);
        if super::validators::luhn(&all) {
            return all.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        }
    }
    unreachable!("one of ten check digits always satisfies Luhn")
}

/// A line with PHI, labelled.
pub fn phi_line(r: &mut Rng) -> LabelledLine {
    let first = *r.pick(FIRST);
    let last = *r.pick(LAST);
    let mut b = Builder::new();
    let t = ts(r);
    let svc = *r.pick(SERVICES);
    match r.below(10) {
        0 => {
            b.s(&format!("{t} INFO {svc} admitted patient "))
                .phi(&format!("{first} {last}"), PhiType::Name);
            b.s(" DOB: ")
                .phi(&dob(r), PhiType::Date)
                .s(" MRN: ")
                .phi(&r.digits(8), PhiType::Mrn);
        }
        1 => {
            b.s(&format!(
                "{{\"ts\":\"{t}\",\"level\":\"info\",\"event\":\"registration\",\"first_name\":\""
            ))
            .phi(first, PhiType::Name)
            .s("\",\"last_name\":\"")
            .phi(last, PhiType::Name)
            .s("\",\"ssn\":\"")
            .phi(&valid_ssn(r), PhiType::Ssn)
            .s("\",\"phone\":\"")
            .phi(&phone(r), PhiType::Phone)
            .s("\",\"trace_id\":\"")
            .s(&r.hex(32))
            .s("\"}");
        }
        2 => {
            let email = format!(
                "{}.{}@example.org",
                first.to_lowercase(),
                last.to_lowercase()
            );
            b.s(&format!("{t} WARN {svc} password reset sent to "))
                .phi(&email, PhiType::Email);
            b.s(" from ")
                .phi(&format!("203.0.113.{}", 1 + r.below(254)), PhiType::Ip);
        }
        3 => {
            let (city, st) = *r.pick(CITIES);
            let addr = format!(
                "{} {} {}",
                1 + r.below(9999),
                r.pick(STREETS),
                r.pick(SUFFIXES)
            );
            b.s(&format!("{t} INFO {svc} address updated for member "))
                .phi(&format!("{first} {last}"), PhiType::Name);
            b.s(": ").phi(&addr, PhiType::Address).s(", ").phi(
                &format!("{city}, {st} {:05}", 10000 + r.below(89999)),
                PhiType::Address,
            );
        }
        4 => {
            b.s(&format!(
                "MSH|^~\\&|EPIC|HOSP|||{}||ADT^A01|{}|P|2.5 PID|1||",
                t.replace(['-', ':', 'T'], "")
                    .get(..14)
                    .unwrap_or("20260101000000"),
                r.digits(6)
            ))
            .phi(&r.digits(7), PhiType::Mrn)
            .s("^^^HOSP^MR||")
            .phi(
                &format!("{}^{}", last.to_uppercase(), first.to_uppercase()),
                PhiType::Name,
            )
            .s("||")
            .phi(
                &format!(
                    "{}{:02}{:02}",
                    1930 + r.below(70),
                    1 + r.below(12),
                    1 + r.below(28)
                ),
                PhiType::Date,
            )
            .s("|F");
        }
        5 => {
            let card = luhn_complete(r, "4", 16);
            b.s(&format!("{t} ERROR payment declined card="))
                .phi(&card, PhiType::CreditCard);
            b.s(&format!(" amount=42.17 order={}", uuid(r)));
        }
        6 => {
            b.s(&format!("{t} INFO note: "))
                .phi(&format!("{} y/o", 90 + r.below(15)), PhiType::AgeOver89);
            b.s(" female seen by Dr. ").phi(
                &format!("{} {}", r.pick(FIRST), r.pick(LAST)),
                PhiType::Name,
            );
            b.s(", discharged ").phi(&dob(r), PhiType::Date);
        }
        7 => {
            b.s(&format!(
                "ts={t} level=info msg=\"eligibility check\" member_id="
            ))
            .phi(&format!("W{}", r.digits(9)), PhiType::HealthPlanId)
            .s(" npi=")
            .phi(&luhn_npi(r), PhiType::Npi)
            .s(&format!(" latency_ms={}", r.below(900)));
        }
        8 => {
            b.s(&format!(
                "{t} INFO GET https://portal.example.org/api/patients/"
            ))
            .phi(&r.digits(6), PhiType::Url)
            .s(&format!(" 200 {}ms", r.below(500)));
            // The whole URL path is the labelled span.
            let l = b.spans.len() - 1;
            let start = b.text.find("https://").unwrap_or(0);
            b.spans[l].0 = start;
        }
        _ => {
            b.s(&format!("{t} INFO fax results to "))
                .phi(&phone(r), PhiType::Fax);
            b.s(" attn ").phi(&format!("{first} {last}"), PhiType::Name);
            b.s(", cell ").phi(&phone(r), PhiType::Phone);
        }
    }
    b.done()
}

fn luhn_npi(r: &mut Rng) -> String {
    loop {
        let body = format!("1{}", r.digits(8));
        for check in 0..10 {
            let cand = format!("{body}{check}");
            if super::validators::Validator::Npi.check(cand.as_bytes()) {
                return cand;
            }
        }
    }
}

/// `n` labelled lines, ~2% with PHI, from `seed`.
pub fn labelled(seed: u64, n: usize) -> Vec<LabelledLine> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| {
            if r.below(50) == 0 {
                phi_line(&mut r)
            } else {
                LabelledLine {
                    text: ops_line(&mut r),
                    spans: Vec::new(),
                }
            }
        })
        .collect()
}

/// About `bytes` of corpus text (newline-separated), from `seed`.
pub fn text(seed: u64, bytes: usize) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 512);
    while out.len() < bytes {
        if r.below(50) == 0 {
            out.push_str(&phi_line(&mut r).text);
        } else {
            out.push_str(&ops_line(&mut r));
        }
        out.push('\n');
    }
    out
}
