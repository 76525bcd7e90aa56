#!/usr/bin/env python3
"""gen7.py -- blind, labelled, synthetic log-line evaluation set #7 for a PHI detector.

Standard library only.  Usage:  python3 gen7.py
Writes heldout7.jsonl next to this script, then self-checks every record and
exits non-zero on any failure.  The set is built twice in memory from
random.Random(7707) and the two builds (and the file written) must be identical.

Every line is assembled from literal pieces (str) and labelled pieces (P); the
byte offset of every labelled piece is recorded while the line is assembled.
The finished text is never searched for values.  Values are escaped for their
context (JSON, XML, SQL, URL, CSV, Redis, Ruby ...) before their offsets are
recorded, so each span covers the value exactly as it appears in the text.
"""
import datetime as dt
import json
import os
import random
import re
import sys
import unicodedata
from urllib.parse import quote, quote_plus

SEED = 7707
PHI_LINES = 24
FREE_LINES = 27
TYPES = ("NAME", "ADDRESS", "ZIP", "DATE", "AGE_OVER_89", "PHONE", "FAX", "EMAIL",
         "SSN", "MRN", "HEALTH_PLAN_ID", "ACCOUNT", "CREDIT_CARD", "LICENSE", "NPI",
         "VEHICLE", "DEVICE", "URL", "IP", "OTHER_ID")

# ---------------------------------------------------------------------------
# pieces, escaping and rendering
# ---------------------------------------------------------------------------


class P:
    """A labelled piece. text = the text as emitted; raw = the unescaped value
    (used for checksum validation); kind = optional checksum family."""
    __slots__ = ("text", "typ", "kind", "raw", "num")

    def __init__(self, text, typ, kind=None, raw=None, num=False):
        self.text = str(text)
        self.typ = typ
        self.kind = kind
        self.raw = self.text if raw is None else raw
        self.num = num

    def re(self, text):
        return P(text, self.typ, self.kind, self.raw, self.num)


class S(list):
    """A composite string (literals and labelled pieces) that is serialised as
    one string value by J()/R()/etc."""

    def __init__(self, *items):
        super().__init__(flat(items, []))


def flat(x, out):
    if isinstance(x, (str, P)):
        out.append(x)
    elif x is None:
        pass
    elif isinstance(x, (list, tuple)):
        for y in x:
            flat(y, out)
    else:
        raise TypeError("bad piece %r" % (x,))
    return out


def esc(items, fn):
    """Apply a character-wise escape function to every piece."""
    out = []
    for it in flat(items, []):
        if isinstance(it, P):
            out.append(it.re(fn(it.text)))
        else:
            out.append(fn(it))
    return out


def jesc(s, ascii_=False):
    return json.dumps(s, ensure_ascii=ascii_)[1:-1]


def jesc_a(s):
    return jesc(s, True)


def xesc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xattr(s):
    return xesc(s).replace('"', "&quot;")


def sqlq(s):
    return s.replace("'", "''")


def urlq(s):
    return quote(s, safe="")


def formq(s):
    return quote_plus(s, safe="")


def rbesc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def redis_esc(s):
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '\\"':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def J(obj, sep=(",", ":"), ascii_=False):
    """Serialise obj as JSON into a piece list.  P leaves become labelled JSON
    strings (or numbers when P.num), S leaves become one JSON string."""
    out = []
    fn = (lambda s: jesc(s, ascii_))

    def w(o):
        if isinstance(o, P):
            if o.num:
                out.append(o)
            else:
                out.append('"')
                out.append(o.re(fn(o.text)))
                out.append('"')
        elif isinstance(o, S):
            out.append('"')
            out.extend(esc(o, fn))
            out.append('"')
        elif isinstance(o, dict):
            out.append("{")
            first = True
            for k, v in o.items():
                if not first:
                    out.append(sep[0])
                first = False
                out.append(json.dumps(k, ensure_ascii=ascii_) + sep[1])
                w(v)
            out.append("}")
        elif isinstance(o, (list, tuple)):
            out.append("[")
            for i, v in enumerate(o):
                if i:
                    out.append(sep[0])
                w(v)
            out.append("]")
        else:
            out.append(json.dumps(o, ensure_ascii=ascii_))
    w(obj)
    return out


def JS(obj, **kw):
    """JSON serialised and then embedded as one string value (double encoding)."""
    return S(J(obj, **kw))


def RB(obj):
    """Ruby Hash#inspect (Ruby <= 3.3 style)."""
    out = []

    def w(o):
        if isinstance(o, P):
            out.append('"')
            out.append(o.re(rbesc(o.text)))
            out.append('"')
        elif isinstance(o, S):
            out.append('"')
            out.extend(esc(o, rbesc))
            out.append('"')
        elif isinstance(o, dict):
            out.append("{")
            for i, (k, v) in enumerate(o.items()):
                if i:
                    out.append(", ")
                out.append('"%s"=>' % rbesc(k))
                w(v)
            out.append("}")
        elif isinstance(o, (list, tuple)):
            out.append("[")
            for i, v in enumerate(o):
                if i:
                    out.append(", ")
                w(v)
            out.append("]")
        elif o is None:
            out.append("nil")
        elif isinstance(o, bool):
            out.append("true" if o else "false")
        elif isinstance(o, str):
            out.append('"' + rbesc(o) + '"')
        else:
            out.append(str(o))
    w(obj)
    return out


def pyrepr_piece(v, typ, kind=None):
    """A Python repr()'d string value: returns [quote, P, quote]."""
    r = repr(v)
    return [r[0], P(r[1:-1], typ, kind, raw=v), r[-1]]


def PY(obj):
    """Python dict/list repr with labelled leaves."""
    out = []

    def w(o):
        if isinstance(o, P):
            out.extend(pyrepr_piece(o.text, o.typ, o.kind))
        elif isinstance(o, dict):
            out.append("{")
            for i, (k, v) in enumerate(o.items()):
                if i:
                    out.append(", ")
                out.append(repr(k) + ": ")
                w(v)
            out.append("}")
        elif isinstance(o, (list, tuple)):
            out.append("[")
            for i, v in enumerate(o):
                if i:
                    out.append(", ")
                w(v)
            out.append("]")
        else:
            out.append(repr(o))
    w(obj)
    return out


def render(items):
    buf = bytearray()
    spans = []
    meta = []
    for it in flat(items, []):
        if isinstance(it, P):
            b = it.text.encode("utf-8")
            spans.append([len(buf), len(buf) + len(b), it.typ])
            meta.append(it)
            buf += b
        else:
            buf += it.encode("utf-8")
    return buf.decode("utf-8"), spans, meta


# ---------------------------------------------------------------------------
# checksums / validators
# ---------------------------------------------------------------------------


def luhn_cd(payload):
    s = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return str((10 - s % 10) % 10)


def luhn_ok(num):
    if not num.isdigit():
        return False
    s = 0
    for i, c in enumerate(reversed(num)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return s % 10 == 0


def digits_of(s):
    return "".join(c for c in s if c.isdigit() and c in "0123456789")


def npi_ok(s):
    d = digits_of(s)
    return len(d) == 10 and d[0] in "12" and luhn_ok("80840" + d)


VIN_TR = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9]))
VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_ALPH = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_cd(v):
    s = 0
    for i, c in enumerate(v):
        val = int(c) if c.isdigit() else VIN_TR[c]
        s += val * VIN_W[i]
    r = s % 11
    return "X" if r == 10 else str(r)


def vin_ok(v):
    return (len(v) == 17 and all(c in VIN_ALPH for c in v) and v[8] == vin_cd(v))


def ssn_ok(s):
    d = digits_of(s)
    if len(d) != 9:
        return False
    a, g, n = int(d[:3]), int(d[3:5]), int(d[5:])
    return 1 <= a <= 899 and a != 666 and g != 0 and n != 0


def dea_ok(s):
    if not re.fullmatch(r"[A-Z][A-Z9]\d{7}", s):
        return False
    d = [int(c) for c in s[2:]]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]


MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"
MBI_RE = re.compile("[1-9][%s][%s0-9][0-9][%s][%s0-9][0-9][%s][%s][0-9][0-9]" % ((MBI_ALPHA,) * 6))


def mbi_ok(s):
    return bool(MBI_RE.fullmatch(s.replace("-", "")))


def imei_ok(s):
    d = s.replace("-", "").replace(" ", "")
    return len(d) == 15 and luhn_ok(d)


def card_ok(s):
    d = s.replace("-", "").replace(" ", "")
    return 13 <= len(d) <= 19 and luhn_ok(d)


def pesel_ok(s):
    if not re.fullmatch(r"\d{11}", s):
        return False
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return (10 - sum(int(s[i]) * w[i] for i in range(10)) % 10) % 10 == int(s[10])


def cpf_ok(s):
    d = digits_of(s)
    if len(d) != 11 or len(set(d)) == 1:
        return False
    for n in (9, 10):
        t = sum(int(d[i]) * (n + 1 - i) for i in range(n))
        if (t * 10 % 11) % 10 != int(d[n]):
            return False
    return True


def nir_ok(s):
    d = s.replace(" ", "")
    if not re.fullmatch(r"[12]\d{14}", d):
        return False
    return 97 - int(d[:13]) % 97 == int(d[13:])


def kvnr_ok(s):
    if not re.fullmatch(r"[A-Z]\d{9}", s):
        return False
    nums = "%02d" % (ord(s[0]) - 64) + s[1:9]
    tot = 0
    for i, c in enumerate(nums):
        p = int(c) * (1 if i % 2 == 0 else 2)
        tot += p // 10 + p % 10
    return tot % 10 == int(s[9])


def cnid_ok(s):
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(s[i]) * w[i] for i in range(17)) % 11] == s[17]


def rrn_ok(s):
    d = s.replace("-", "")
    if not re.fullmatch(r"\d{13}", d):
        return False
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return (11 - sum(int(d[i]) * w[i] for i in range(12)) % 11) % 10 == int(d[12])


def saudi_ok(s):
    return bool(re.fullmatch(r"[12]\d{9}", s)) and luhn_ok(s)


def eid_ok(s):
    d = s.replace("-", "")
    return bool(re.fullmatch(r"784\d{12}", d)) and luhn_ok(d)


def cns_ok(s):
    d = s.replace(" ", "")
    return bool(re.fullmatch(r"[1-9]\d{14}", d)) and sum(int(d[i]) * (15 - i) for i in range(15)) % 11 == 0


def dni_ok(s):
    d = s.replace("-", "")
    return bool(re.fullmatch(r"\d{8}[A-Z]", d)) and "TRWAGMYFPDXBNJZSQVHLCKE"[int(d[:8]) % 23] == d[8]


KIND_CHECKS = {"vin": vin_ok, "dea": dea_ok, "mbi": mbi_ok, "imei": imei_ok, "pesel": pesel_ok,
               "cpf": cpf_ok, "nir": nir_ok, "kvnr": kvnr_ok, "cnid": cnid_ok, "rrn": rrn_ok,
               "saudi": saudi_ok, "eid": eid_ok, "cns": cns_ok, "dni": dni_ok}
TYPE_CHECKS = {"NPI": npi_ok, "SSN": ssn_ok, "CREDIT_CARD": card_ok}

# ---------------------------------------------------------------------------
# random helpers (R is (re)initialised by build())
# ---------------------------------------------------------------------------
R = random.Random(SEED)


def ri(a, b):
    return R.randint(a, b)


def ch(seq):
    return R.choice(seq)


def pr(p):
    return R.random() < p


def dg(n):
    return "".join(str(R.randint(0, 9)) for _ in range(n))


def dgnz(n):
    return str(R.randint(1, 9)) + dg(n - 1)


def hx(n, upper=False):
    s = "".join(R.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def alnum(n, alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"):
    return "".join(R.choice(alphabet) for _ in range(n))


def b62(n):
    return "".join(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def uuid4(upper=False):
    s = "%s-%s-4%s-%s%s-%s" % (hx(8), hx(4), hx(3), R.choice("89ab"), hx(3), hx(12))
    return s.upper() if upper else s


def fold(s):
    s = s.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    s = s.replace("đ", "d").replace("Đ", "D").replace("æ", "ae").replace("Æ", "AE")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def up(s):
    return fold(s).upper()


def pick_w(pairs):
    tot = sum(w for _, w in pairs)
    x = R.random() * tot
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]

# ---------------------------------------------------------------------------
# pools
# ---------------------------------------------------------------------------
FIRST_F = ["Maria", "Guadalupe", "Ximena", "Luz", "Itzel", "Carmen", "Dorothy", "Eleanor", "Gladys", "Beatrice",
           "Mabel", "Brittany", "Madison", "Harper", "Ngozi", "Folasade", "Amara", "Lakeisha", "Imani", "Tendai",
           "Priya", "Anjali", "Sunita", "Harpreet", "Fatima", "Mei-Ling", "Yuki", "Seo-yeon", "Linh", "Thuy",
           "Layla", "Noor", "Rania", "Katarzyna", "Oksana", "Zofia", "Aroha", "Ayelet", "Ingrid", "Anaïs",
           "Chloé", "Zoë", "Siobhan", "Marisol", "Yesenia", "Precious", "Keisha", "Hiroko", "Leilani", "Shanice",
           "Ruth", "Hazel", "Opal", "Wilhelmina", "Genevieve", "Esperanza", "Consuelo", "Nkechi", "Abena", "Dilnoza"]
FIRST_M = ["José", "Juan", "Santiago", "Alejandro", "Rafael", "Joaquín", "James", "Robert", "Harold", "Walter",
           "Everett", "Clifford", "Tyler", "Logan", "Kayden", "Oluwaseun", "Chidi", "Kwame", "Abebe", "DeShawn",
           "Jamal", "Rajesh", "Venkata", "Arjun", "Sandeep", "Mohammed", "Wei", "Hiroshi", "Min-jun", "Thanh",
           "Jian", "Haruto", "Ahmad", "Youssef", "Omar", "Tariq", "Dmitri", "Bogdan", "Milan", "Siosaia",
           "Keoni", "Tenzin", "Giuseppe", "Søren", "François", "Björn", "Lamar", "Darnell", "Emeka", "Kofi",
           "Tomasz", "Matías", "Ignacio", "Cornelius", "Augustine", "Thaddeus", "Eugene", "Naveen", "Farid", "Bao"]
MIDDLES = ["Ann", "Lee", "Marie", "James", "Elena", "Jose", "Rose", "Louise", "Kofi", "Ray", "Mae", "Dean",
           "Grace", "Alan", "Jean", "Luis", "Wayne", "Jo", "Lynn", "Amadou", "Rahul", "Kim", "Paul", "Ines"]
LASTS = ["Lopez", "Nguyen", "Okafor", "Adeyemi", "Haile", "Patel", "Chaudhry", "Venkataraman", "Kim", "Park",
         "Tanaka", "Watanabe", "Zhang", "Liu", "Tran", "Pham", "Kowalski", "Wiśniewski", "Novak", "Petrov",
         "Haddad", "Al-Rashid", "Khoury", "O'Neil", "O'Brien", "D'Angelo", "McAllister", "de la Cruz",
         "van der Berg", "De Luca", "St. Pierre", "Fitzgerald-Hughes", "Ramirez-Ortiz", "Yazzie", "Begay",
         "Tsosie", "Kealoha", "Fonoti", "Johansson", "Müller", "Schröder", "Dubois", "Lefèvre", "Rossi",
         "Esposito", "Abramowitz", "Goldberg", "Washington", "Whitfield", "Thibodeaux", "Boudreaux",
         "Nakamura", "Iyer", "Reddy", "Mensah", "Boateng", "Ndlovu", "Castillo", "Villanueva", "Bautista",
         "Santos", "Ferreira", "García", "Hernández", "Smith", "Johnson", "Brooks", "Yoon", "Baptiste",
         "Oyelaran", "Quispe", "Mahmoud", "Abdi", "Warsame", "Sandoval", "Delgado-Ruiz", "MacLeod", "Kaur",
         "Singh", "Ng", "Vo", "Hussain", "Begum", "Tuilagi", "Halvorsen", "Lindqvist", "Kovacs", "Horvath"]
SUFFIXES = ["Jr.", "Sr.", "II", "III", "IV"]
STREETS = ["Cedar", "Maple", "Juniper", "Willow Creek", "Old Mill", "Pecan", "Magnolia", "Sycamore", "Lakeview",
           "Mesquite", "Prairie Rose", "Harbor View", "Orchard", "Chestnut", "Bayou", "Cottonwood", "Saguaro",
           "Martin Luther King Jr", "Kamehameha", "Cesar Chavez", "Dogwood", "Briarwood", "Riverside", "Sunset",
           "Elm", "Hawthorne", "Quail Run", "Aspen Ridge", "Bluebonnet", "Live Oak", "Tamarack", "Pine Hollow"]
ST_SUFFIX = ["St", "Ave", "Rd", "Ln", "Dr", "Blvd", "Ct", "Way", "Pl", "Trl", "Cir", "Pkwy", "Hwy", "Street", "Avenue",
             "Road", "Lane", "Drive"]
DIRS = ["N", "S", "E", "W", "NE", "SW", "NW", "SE"]
CITIES = [("Tucson", "AZ", "857"), ("Dearborn", "MI", "481"), ("Laredo", "TX", "780"), ("Fargo", "ND", "581"),
          ("Bangor", "ME", "044"), ("Yakima", "WA", "989"), ("Gallup", "NM", "873"), ("Hilo", "HI", "967"),
          ("Macon", "GA", "312"), ("Lowell", "MA", "018"), ("Paterson", "NJ", "075"), ("Eau Claire", "WI", "547"),
          ("Baton Rouge", "LA", "708"), ("St. Louis", "MO", "631"), ("Winston-Salem", "NC", "271"),
          ("Coeur d'Alene", "ID", "838"), ("Kalamazoo", "MI", "490"), ("Bowling Green", "KY", "421"),
          ("Sioux Falls", "SD", "571"), ("Chula Vista", "CA", "919"), ("Flushing", "NY", "113"),
          ("Pueblo", "CO", "810"), ("Anchorage", "AK", "995"), ("Dover", "DE", "199"), ("Burlington", "VT", "054"),
          ("Lubbock", "TX", "794"), ("Pawtucket", "RI", "028"), ("Spokane", "WA", "992"), ("Toledo", "OH", "436"),
          ("Brownsville", "TX", "785"), ("Minot", "ND", "587"), ("Lafayette", "LA", "705"), ("Duluth", "MN", "558"),
          ("Rochester", "MN", "559"), ("Silver Spring", "MD", "209"), ("Camden", "NJ", "081"), ("Yuma", "AZ", "853"),
          ("Fort Wayne", "IN", "468"), ("Billings", "MT", "591"), ("Cheyenne", "WY", "820")]
UNITS = ["Apt 2F", "Apt 4B", "Unit 12", "#305", "Apt. 11C", "Unit B", "Lot 27", "Trlr 9", "Apt 1204", "#7",
         "Bldg 3 Apt 210", "Fl 2", "Rm 14", "Apt 3-R"]
AREA = ["212", "312", "415", "617", "713", "206", "303", "404", "505", "614", "702", "801", "919", "520",
        "313", "956", "701", "207", "509", "808", "478", "978", "973", "715", "225", "314", "336", "208",
        "269", "270", "605", "619", "718", "719", "907", "302", "802", "806", "401", "419", "347", "929"]
EMAIL_DOM = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com", "proton.me",
             "comcast.net", "att.net", "sbcglobal.net", "live.com", "msn.com", "ymail.com", "charter.net"]
DOC_FIRST = ["Anita", "Samuel", "Grace", "Oluwadamilare", "Hye-jin", "Rashid", "Elena", "Marcus", "Priyanka",
             "Tomás", "Naomi", "Viktor", "Aisha", "Benjamin", "Mariam", "Kenji", "Lucia", "Desmond", "Ifeoma", "Paul"]
DOC_LAST = ["Venkataraman", "Okonkwo", "Friedman", "Alvarez", "Chen", "Nakashima", "Obi", "Park", "Rosenthal",
            "Kaplan", "Mukherjee", "Osei", "Lindgren", "Haddad", "Petrossian", "Zielinski", "Moreau", "Achebe",
            "Gutierrez", "Sato", "Bhattacharya", "Murphy", "Drummond", "Vasquez", "Eze", "Tran"]
CREDS = ["MD", "DO", "NP", "PA-C", "FNP-C", "MD, PhD", "DNP", "MBBS"]
NURSE_CREDS = ["RN", "LPN", "RN, BSN", "CNA", "PharmD", "RPh", "MLS(ASCP)", "CMA"]
FACILITIES = [("Mercy Valley Medical Center", "1200 Medical Center Dr", "Suite 300"),
              ("Saguaro Family Health", "455 W Speedway Blvd", "Ste 110"),
              ("Northern Plains Clinic", "2001 S University Dr", "Bldg C"),
              ("Bayou Regional Hospital", "7700 Essen Ln", ""),
              ("Lakeshore Pediatrics", "310 E Erie St", "Floor 4"),
              ("Harborview Cardiology Associates", "98 Federal St", "Suite 700")]
PAYERS = ["AETNA", "BCBS OF ARIZONA", "UNITEDHEALTHCARE", "CIGNA", "HUMANA", "MEDICARE PART B", "MEDICAID MN",
          "KAISER PERMANENTE", "MOLINA HEALTHCARE", "WELLCARE", "AMBETTER", "TRICARE WEST"]
DRUGS = [("atorvastatin 20 mg tablet", "00093-7214-01"), ("metformin 500 mg tablet", "00378-0234-01"),
         ("lisinopril 10 mg tablet", "68180-0514-01"), ("apixaban 5 mg tablet", "00003-0894-21"),
         ("levothyroxine 50 mcg tablet", "00074-4552-90"), ("sertraline 50 mg tablet", "16729-0190-01"),
         ("amlodipine 5 mg tablet", "00093-7168-98"), ("oxycodone 5 mg tablet", "00406-0552-01"),
         ("insulin glargine 100 unit/mL pen", "00088-5020-05"), ("furosemide 40 mg tablet", "00054-4299-25"),
         ("gabapentin 300 mg capsule", "00228-2666-50"), ("albuterol HFA 90 mcg inhaler", "00173-0682-20")]
CITY_STATE_NAMES = {"AZ": "Arizona", "MI": "Michigan", "TX": "Texas", "ND": "North Dakota", "ME": "Maine",
                    "WA": "Washington", "NM": "New Mexico", "HI": "Hawaii", "GA": "Georgia", "MA": "Massachusetts",
                    "NJ": "New Jersey", "WI": "Wisconsin", "LA": "Louisiana", "MO": "Missouri",
                    "NC": "North Carolina", "ID": "Idaho", "KY": "Kentucky", "SD": "South Dakota",
                    "CA": "California", "NY": "New York", "CO": "Colorado", "AK": "Alaska", "DE": "Delaware",
                    "VT": "Vermont", "RI": "Rhode Island", "OH": "Ohio", "MN": "Minnesota", "MD": "Maryland",
                    "IN": "Indiana", "MT": "Montana", "WY": "Wyoming"}
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"]

# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------
T0 = dt.datetime(2024, 1, 2, 0, 0, 0)


def rts():
    """random event timestamp 2024-01-02 .. 2025-10-30"""
    return T0 + dt.timedelta(seconds=ri(0, 666 * 86400), microseconds=ri(0, 999999))


def iso_ms(t, z="Z"):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + z


def iso_us(t, z="Z"):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + z


def iso_s(t, z="Z"):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + z


def epoch(t):
    return int((t - dt.datetime(1970, 1, 1)).total_seconds())


def epoch_ms(t):
    return epoch(t) * 1000 + t.microsecond // 1000


def syslog_ts(t):
    return "%s %2d %s" % (MON[t.month - 1], t.day, t.strftime("%H:%M:%S"))


def tz_off():
    return ch(["-05:00", "-06:00", "-07:00", "-04:00", "-08:00", "-10:00"])


def ordinal(n):
    if 10 <= n % 100 <= 20:
        return "%dth" % n
    return "%d%s" % (n, {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))


def fd(d, st):
    y, m, dd = d.year, d.month, d.day
    return {
        "iso": "%04d-%02d-%02d" % (y, m, dd),
        "us": "%02d/%02d/%04d" % (m, dd, y),
        "usnz": "%d/%d/%04d" % (m, dd, y),
        "us2": "%02d/%02d/%02d" % (m, dd, y % 100),
        "us2nz": "%d/%d/%02d" % (m, dd, y % 100),
        "hl7": "%04d%02d%02d" % (y, m, dd),
        "mdy_long": "%s %d, %d" % (MONTH[m - 1], dd, y),
        "mdy_abbr": "%s %d, %d" % (MON[m - 1], dd, y),
        "mdy_ord": "%s %s, %d" % (MONTH[m - 1], ordinal(dd), y),
        "dmy_abbr": "%02d-%s-%04d" % (dd, MON[m - 1], y),
        "dmy_ABBR": "%02d-%s-%04d" % (dd, MON[m - 1].upper(), y),
        "dmy_ABBR2": "%02d-%s-%02d" % (dd, MON[m - 1].upper(), y % 100),
        "dmy_long": "%d %s %d" % (dd, MONTH[m - 1], y),
        "ord_of": "%s of %s %d" % (ordinal(dd), MONTH[m - 1], y),
        "eu_dot": "%02d.%02d.%04d" % (dd, m, y),
        "eu_slash": "%02d/%02d/%04d" % (dd, m, y),
        "mmddyyyy": "%02d%02d%04d" % (m, dd, y),
        "ymd_slash": "%04d/%02d/%02d" % (y, m, dd),
        "dmy_sp": "%02d %s %04d" % (dd, MON[m - 1], y),
        "ymd_dot": "%04d.%02d.%02d" % (y, m, dd),
        "md": "%d/%d" % (m, dd),
        "mon_d": "%s %d" % (MON[m - 1], dd),
        "month_ord": "%s %s" % (MONTH[m - 1], ordinal(dd)),
    }[st]


DOB_STYLES = ["iso", "us", "usnz", "us2", "us2nz", "mdy_long", "mdy_abbr", "dmy_abbr", "dmy_ABBR", "mdy_ord",
              "dmy_long", "eu_slash", "ymd_slash", "dmy_sp", "mmddyyyy", "ord_of"]


def fdany(d, styles=None):
    return fd(d, ch(styles or DOB_STYLES))


def age_at(dob, ref):
    return ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))


def rdate_near(t, back=30, fwd=0):
    return (t - dt.timedelta(days=ri(-fwd, back))).date()


class Doc:
    def __init__(self):
        self.first = ch(DOC_FIRST)
        self.last = ch(DOC_LAST)
        self.mi = ch("ABCDEFGHJKLMNPRSTW")
        self.cred = ch(CREDS)
        self.npi = npi()

    def hl7(self):
        return "%s^%s^%s" % (up(self.last), up(self.first), self.mi)


class Pt:
    def __init__(self, sex=None, old=None, minor=False, ref=None):
        self.sex = sex or ch("FM")
        self.first = ch(FIRST_F if self.sex == "F" else FIRST_M)
        self.middle = ch(MIDDLES) if pr(0.55) else ""
        self.mi = self.middle[:1]
        self.last = ch(LASTS)
        self.suffix = ch(SUFFIXES) if (self.sex == "M" and pr(0.08)) else ""
        self.ref = ref or rts()
        if old is None:
            old = pr(0.2)
        if minor:
            age = ri(0, 17)
        elif old:
            age = ri(90, 104)
        else:
            age = ch([ri(18, 89), ri(18, 89), ri(40, 89), ri(0, 89)])
        self.dob = (self.ref - dt.timedelta(days=int(age * 365.25) + ri(1, 360))).date()
        self.age = age_at(self.dob, self.ref.date())
        self.phone = phone10()
        self.cell = phone10()
        self.street, self.unit = street_unit()
        self.city, self.state, z3 = ch(CITIES)
        self.zip = z3 + dg(2)
        self.zip4 = dg(4)
        self.email = email_for(self.first, self.last, self.dob)
        self.ssn = ssn()
        self.mrn = mrn()

    def full(self):
        s = "%s %s" % (self.first, self.last)
        return s + (" " + self.suffix if self.suffix else "")

    def hl7(self):
        s = "%s^%s^%s" % (up(self.last), up(self.first), up(self.middle or ""))
        if self.suffix:
            s += "^" + self.suffix.upper().rstrip(".")
        return s.rstrip("^")

    def x12(self):
        s = "%s*%s" % (up(self.last), up(self.first))
        if self.mi or self.suffix:
            s += "*" + self.mi.upper()
        if self.suffix:
            s += "**" + self.suffix.upper().rstrip(".")
        return s

    def x12n(self):
        """NM103..NM107 name elements + the separators up to NM108"""
        s = self.x12()
        k = s.count("*") + 1
        return [N(s), "*" * (6 - k)]

    def name(self, st=None):
        f, l, m, mi = self.first, self.last, self.middle, self.mi
        sx = (" " + self.suffix) if self.suffix else ""
        st = st or ch(["fl", "fl", "fml", "lf", "lfm", "LF", "FL", "fmidl", "LFnc", "lf"])
        if st == "fl":
            return "%s %s%s" % (f, l, sx)
        if st == "fml":
            return "%s %s%s%s" % (f, (mi + ". ") if mi else "", l, sx)
        if st == "fmidl":
            return "%s %s%s%s" % (f, (m + " ") if m else "", l, sx)
        if st == "lf":
            return "%s%s, %s" % (l, sx, f)
        if st == "lfm":
            return "%s%s, %s%s" % (l, sx, f, (" " + mi) if mi else "")
        if st == "LF":
            return "%s, %s" % (up(l), up(f))
        if st == "FL":
            return "%s %s%s" % (up(f), up(l), sx.upper())
        if st == "LFnc":
            return "%s,%s" % (up(l), up(f))
        raise ValueError(st)


def street_unit():
    r = R.random()
    if r < 0.08:
        return ch(["PO Box %d" % ri(10, 9999), "P.O. Box %d" % ri(10, 999), "RR %d Box %d" % (ri(1, 9), ri(1, 400)),
                   "HC %d Box %d" % (ri(60, 80), ri(1, 300))]), ""
    num = str(ri(1, 29999)) if pr(0.6) else str(ri(1, 999))
    if pr(0.05):
        num += ch(["A", "B", " 1/2"])
    s = num + " "
    if pr(0.25):
        s += ch(DIRS) + " "
    s += ch(STREETS) + " " + ch(ST_SUFFIX)
    unit = ch(UNITS) if pr(0.35) else ""
    return s, unit


def phone10():
    ex = ri(201, 989)
    while ex % 100 == 11:
        ex = ri(201, 989)
    return ch(AREA) + str(ex) + dg(4)


def fph(d, st=None):
    a, e, l = d[:3], d[3:6], d[6:]
    st = st or ch(["paren", "dash", "dot", "e164", "e164sp", "plain", "1dash", "space", "paren_nosp", "dash", "paren"])
    return {"paren": "(%s) %s-%s" % (a, e, l), "paren_nosp": "(%s)%s-%s" % (a, e, l), "dash": "%s-%s-%s" % (a, e, l),
            "dot": "%s.%s.%s" % (a, e, l), "e164": "+1%s%s%s" % (a, e, l), "e164sp": "+1 %s %s %s" % (a, e, l),
            "plain": d, "1dash": "1-%s-%s-%s" % (a, e, l), "space": "%s %s %s" % (a, e, l),
            "e164dash": "+1-%s-%s-%s" % (a, e, l), "1paren": "1 (%s) %s-%s" % (a, e, l)}[st]


def fph_ext(d):
    return fph(d, ch(["paren", "dash"])) + ch([" x%d" % ri(2, 999), " ext. %d" % ri(10, 9999), " ext %d" % ri(2, 99)])


def org_phone():
    return "%s-%s-%s" % (ch(["800", "888", "877", "866"]), dg(3), dg(4))


def email_for(first, last, dob=None):
    f, l = fold(first).lower().replace(" ", "").replace("-", ""), fold(last).lower().replace(" ", "").replace("'", "").replace(".", "")
    yy = "%02d" % (dob.year % 100) if dob else dg(2)
    local = ch(["%s.%s" % (f, l), "%s%s%s" % (f[0], l, yy), "%s_%s" % (l, f), "%s%s" % (f, dg(3)),
                "%s.%s%s" % (f, l, yy), "%s%s" % (l, f[0]), "%s.%s.%s" % (f, l[:1], dg(2))])
    return local + "@" + ch(EMAIL_DOM)


def ssn():
    a = ri(1, 899)
    while a == 666:
        a = ri(1, 899)
    return "%03d%02d%04d" % (a, ri(1, 99), ri(1, 9999))


def fssn(s, st=None):
    st = st or ch(["dash", "dash", "plain", "space"])
    return {"dash": "%s-%s-%s" % (s[:3], s[3:5], s[5:]), "plain": s, "space": "%s %s %s" % (s[:3], s[3:5], s[5:])}[st]


def mrn():
    return ch(["E" + dgnz(7), dgnz(8), "MRN" + dg(7), "0" + dg(9), "Z" + dgnz(6), dgnz(7), "HM" + dg(8),
               "%s-%s" % (dgnz(3), dg(5)), "M" + dg(9)])


def npi():
    base = ch("12") + dg(8)
    return base + luhn_cd("80840" + base)


def dea(last="X"):
    pre = ch("ABFGM") + (up(last)[0] if last and up(last)[0].isalpha() else "9")
    d = [ri(0, 9) for _ in range(6)]
    c = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return pre + "".join(map(str, d)) + str(c)


def mbi(dashes=False):
    A = MBI_ALPHA
    AN = A + "0123456789"
    s = ch("123456789") + ch(A) + ch(AN) + ch("0123456789") + ch(A) + ch(AN) + ch("0123456789") + ch(A) + ch(A) + dg(2)
    return "%s-%s-%s" % (s[:4], s[4:7], s[7:]) if dashes else s


def member_id():
    return ch(["W" + dg(9), alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + dg(9), "XEH" + dg(9) + "01", dgnz(9) + "00",
               "ZGP" + dg(9), "MCD" + dg(8), "H" + dg(8) + "01", "U" + dg(8), dg(11)])


def account():
    return ch(["A" + dg(9), dgnz(10), "HAR" + dg(8), "%s-%s" % (dgnz(4), dg(6)), "GA" + dg(7), dgnz(8)])


def csn():
    return dgnz(10)


def visit_no():
    return ch(["V" + dg(10), dgnz(9), "ENC" + dg(8), "%s%s" % (dgnz(2), dg(8))])


def accession():
    return ch(["%s-%s-%06d" % (ch(["24", "25"]), ch(["CH", "HE", "MB", "CT", "MR", "US", "SP"]), ri(1, 999999)),
               "A" + dg(9), "%s%s" % (ch(["CT", "MR", "XR", "US"]), dg(8)), "S%s-%d" % (dg(2), ri(1000, 99999))])


def rxno():
    return ch(["RX" + dg(7), dgnz(7), "%s-%02d" % (dgnz(7), ri(0, 11)), "6" + dg(6)])


def claim_id():
    return ch(["CLM" + dg(9), dgnz(11), "%s%s" % (dg(2), dg(11)), "24" + dg(10), "PCN" + dg(8)])


def order_id():
    return ch(["ORD" + dg(8), dgnz(9), "%s%s" % (alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ"), dg(7))])


def imei():
    b = ch(["35", "86", "01", "49", "35"]) + dg(12)
    return b + luhn_cd(b)


def card():
    t = ch(["visa", "mc", "amex", "disc"])
    if t == "visa":
        b = "4" + dg(14)
    elif t == "mc":
        b = "5" + str(ri(1, 5)) + dg(13)
    elif t == "amex":
        b = "3" + ch("47") + dg(12)
    else:
        b = "6011" + dg(11)
    return b + luhn_cd(b)


def fcard(c):
    if len(c) == 15:
        return ch([c, "%s %s %s" % (c[:4], c[4:10], c[10:])])
    return ch([c, " ".join(c[i:i + 4] for i in range(0, 16, 4)), "-".join(c[i:i + 4] for i in range(0, 16, 4))])


def vin():
    wmi = ch(["1HG", "1FT", "2T1", "3VW", "5YJ", "JHM", "KMH", "WBA", "1G1", "4T1", "1C4", "5NP", "JTD", "2HG"])
    v = wmi + "".join(ch(VIN_ALPH) for _ in range(5)) + "0" + ch("JKLMNPRS") + ch(VIN_ALPH) + dg(6)
    return v[:8] + vin_cd(v) + v[9:]


def plate():
    return ch(["%d%s%03d" % (ri(1, 9), alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ"), ri(0, 999)),
               "%s-%04d" % (alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ"), ri(0, 9999)),
               "%s %04d" % (alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ"), ri(0, 9999)),
               "%s%s%s" % (alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ"), dg(1), alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ"))])


def dl(state=None):
    state = state or ch(["CA", "NY", "TX", "FL", "IL", "WA", "PA", "MI", "AZ", "NJ"])
    L = ch("ABCDEFGHJKLMNPRSTWZ")
    v = {"CA": L + dg(7), "NY": ch([dg(9), "%s %s %s" % (dg(3), dg(3), dg(3))]), "TX": dgnz(8),
         "FL": "%s%s-%s-%s-%s-%s" % (L, dg(3), dg(3), dg(2), dg(3), dg(1)), "IL": "%s%s-%s-%s" % (L, dg(3), dg(4), dg(4)),
         "WA": "WDL" + alnum(9), "PA": dg(8), "MI": "%s %s %s %s %s" % (L, dg(3), dg(3), dg(3), dg(3)),
         "AZ": L + dg(8), "NJ": L + dg(14)}.get(state, L + dg(8))
    return v, state


def pub_ip():
    while True:
        a = ch([24, 47, 50, 63, 64, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96, 97, 98, 99, 104, 107, 108,
                162, 166, 173, 174, 184, 204, 207, 208, 209])
        ip = "%d.%d.%d.%d" % (a, ri(0, 255), ri(0, 255), ri(1, 254))
        return ip


def pub_ip6():
    return "%s:%x:%x:%x:%x:%x:%x:%x" % (ch(["2600", "2601", "2603", "2607", "2a02", "2604"]), ri(0, 0xffff),
                                        ri(0, 0xffff), ri(0, 0xffff), ri(0, 0xffff), ri(0, 0xffff),
                                        ri(0, 0xffff), ri(1, 0xffff))


def priv_ip():
    return ch(["10.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254)),
               "172.%d.%d.%d" % (ri(16, 31), ri(0, 255), ri(1, 254)),
               "192.168.%d.%d" % (ri(0, 255), ri(1, 254))])


def mac():
    return ":".join("%02X" % ri(0, 255) for _ in range(6))


def pod(app):
    return "%s-%s-%s" % (app, hx(ri(9, 10)), alnum(5, "bcdfghjklmnpqrstvwxz2456789"))


def aws_acct():
    return dgnz(12)


def semver():
    return "%d.%d.%d" % (ri(0, 9), ri(0, 40), ri(0, 30))


def sha(n=40):
    return hx(n)


UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
       "Mozilla/5.0 (Linux; Android 14; SM-S918U) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.178 Mobile Safari/537.36",
       "MyHealthApp/5.12.1 (iPhone; iOS 17.4; Scale/3.00)", "okhttp/4.12.0",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"]

# shorthand labelled-piece constructors


def N(v):
    return P(v, "NAME")


def D(v):
    return P(v, "DATE")


def Ph(v):
    return P(v, "PHONE")


def A(v):
    return P(v, "ADDRESS")


def Z(v):
    return P(v, "ZIP")


def M(v):
    return P(v, "MRN")


def O(v):
    return P(v, "OTHER_ID")


def H(v, kind=None):
    return P(v, "HEALTH_PLAN_ID", kind)


def AC(v):
    return P(v, "ACCOUNT")


def E(v):
    return P(v, "EMAIL")


def IP(v):
    return P(v, "IP")


def SS(v):
    return P(v, "SSN")


def NP(v):
    return P(v, "NPI")


def U(v):
    return P(v, "URL")


def AGE(v):
    return P(v, "AGE_OVER_89")


def age_piece(age, fmt="{}"):
    """age text; labelled only when >= 90"""
    s = fmt.format(age)
    return AGE(s) if age >= 90 else s


def dob_piece(p, styles=None):
    return D(fdany(p.dob, styles))


def addr_line(p, sep=", "):
    """street + unit on the same line = one span"""
    return A(p.street + (sep + p.unit if p.unit else ""))


def zip_piece(p, plus4=None):
    if plus4 is None:
        plus4 = pr(0.25)
    return Z(p.zip + ("-" + p.zip4 if plus4 else ""))


def city_line(p, zsep=" "):
    return [A(p.city), ", ", p.state, zsep, zip_piece(p)]

# ---------------------------------------------------------------------------
# template registry
# ---------------------------------------------------------------------------
TEMPLATES = []


def tpl(name, phi):
    def deco(fn):
        TEMPLATES.append((name, phi, fn))
        return fn
    return deco


def td(**kw):
    return dt.timedelta(**kw)


# ---------------------------------------------------------------------------
# HL7 v2 helpers
# ---------------------------------------------------------------------------
HL7_FACS = ["UHS", "MVMC", "SFH", "NPC", "BRH", "LSP", "HCA_W", "STJ"]


def hseg():
    return ch(["\\r", "\\r", "<CR>", "\\x0d", "\\n", "<0x0D>"])


def seg(name, *fields):
    fl = list(fields)
    while fl and (fl[-1] == "" or fl[-1] is None):
        fl.pop()
    out = [name]
    for f in fl:
        out.append("|")
        out.append("" if f is None else f)
    return out


def hts(t, secs=True):
    return t.strftime("%Y%m%d%H%M%S" if secs else "%Y%m%d%H%M")


def msh(t, typ, sa, sf, ra, rf, ver="2.5.1", ctrl=None):
    ctrl = ctrl or ch([dg(10), "MSG" + dg(8), hx(16, True)])
    return "MSH|^~\\&|%s|%s|%s|%s|%s||%s|%s|P|%s" % (sa, sf, ra, rf, hts(t), typ, ctrl, ver)


def xcn(doc, deg=True):
    return [NP(doc.npi), "^", N(doc.hl7()), "^^^%s^^NPI" % (doc.cred.split(",")[0] if deg else "")]


def staff_xcn(p_or_name):
    return [ch(["E", "U", "T"]) + dg(5), "^", N(p_or_name)]


def xad(p):
    return [A(p.street), "^", A(p.unit) if p.unit else "", "^", A(p.city), "^", p.state, "^", zip_piece(p), "^USA^H"]


def xtn(digits, use="PRN", equip="PH"):
    st = ch(["paren_nosp", "paren_nosp", "dash", "plain"])
    return [Ph(fph(digits, st)), "^%s^%s" % (use, equip)]


def pid_seg(p, fac, acct=None, ssn_=False, dl_=None, email=False, mother=None, extra_cx=None, cell=False,
            dob_time=None, fax=False):
    cx = [M(p.mrn), "^^^%s^MR" % fac]
    if extra_cx:
        cx += ["~"] + extra_cx
    dob = fd(p.dob, "hl7") + (dob_time if dob_time is not None else ("0000" if pr(0.15) else ""))
    phones = xtn(p.phone)
    if cell:
        phones += ["~"] + xtn(p.cell, "PRN", "CP")
    if fax:
        phones += ["~"] + [P(fph(phone10(), "paren_nosp"), "FAX"), "^PRN^FX"]
    if email:
        phones += ["~^NET^Internet^", E(p.email)]
    race = ch(["2106-3^White^CDCREC", "2054-5^Black or African American^CDCREC", "2028-9^Asian^CDCREC",
               "1002-5^American Indian or Alaska Native^CDCREC", "2131-1^Other Race^CDCREC", ""])
    return seg("PID", "1", "", cx, "", N(p.hl7()), N(mother) if mother else "", D(dob), p.sex, "", race, xad(p), "",
               phones, "", ch(["ENG^English^HL70296", "SPA^Spanish^HL70296", "VIE^Vietnamese^HL70296", ""]),
               ch(["M", "S", "W", "D", ""]), "", [AC(acct), "^^^%s^AN" % fac] if acct else "",
               SS(fssn(p.ssn, "dash")) if ssn_ else "",
               [P(dl_[0], "LICENSE"), "^", dl_[1]] if dl_ else "")


def pv1_seg(cls, loc, attending=None, vn=None, admit=None, referring=None, hosp_svc=""):
    f = [""] * 45
    f[0] = "1"
    f[1] = cls
    f[2] = loc
    if attending:
        f[6] = xcn(attending)
    if referring:
        f[7] = xcn(referring)
    f[9] = hosp_svc
    if vn:
        f[18] = O(vn)
    if admit:
        f[43] = D(admit)
    return seg("PV1", *f)


def join_segs(segs, sep):
    out = []
    for i, s in enumerate(segs):
        if i:
            out.append(sep)
        out.append(s)
    return out


def hl7_prefix(t, chan):
    return ch([
        "%s INFO  [%s] Received message: " % (t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000), chan),
        "[%s] %s - inbound payload=" % (iso_ms(t), chan),
        "%s %s DEBUG hl7.listener - " % (t.strftime("%Y-%m-%dT%H:%M:%S"), chan),
        "",
    ])


LAB_TESTS = [("2823-3", "Potassium", "mmol/L", "3.5-5.1", ["6.4", "2.7", "5.9"], ["HH", "LL", "H"]),
             ("2345-7", "Glucose", "mg/dL", "70-99", ["412", "38", "142"], ["HH", "LL", "H"]),
             ("6301-6", "INR", "", "0.9-1.1", ["5.8", "4.2", "1.0"], ["HH", "H", "N"]),
             ("718-7", "Hemoglobin", "g/dL", "12.0-16.0", ["6.1", "7.4", "13.2"], ["LL", "L", "N"]),
             ("2524-7", "Lactate", "mmol/L", "0.5-2.2", ["4.8", "2.9", "1.1"], ["HH", "H", "N"]),
             ("10839-9", "Troponin I", "ng/mL", "<0.04", ["2.31", "0.09", "0.01"], ["HH", "H", "N"])]


@tpl("hl7_clinical/oru_r01_nte", True)
def t_oru():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    doc = Doc()
    sep = hseg()
    coll = t - td(hours=ri(1, 30), minutes=ri(0, 59))
    recv = coll + td(minutes=ri(5, 90))
    obs = recv + td(minutes=ri(10, 200))
    code, name, unit, rng, vals, flags = ch(LAB_TESTS)
    k = ri(0, 2)
    ordn, acc = order_id(), accession()
    tech = Pt()
    rn = Pt()
    segs = [msh(t, "ORU^R01^ORU_R01", ch(["SUNQUEST", "BEAKER", "SOFTLAB", "COPATH"]), fac + "LAB", "EPIC", fac),
            pid_seg(p, fac, acct=account() if pr(0.5) else None, ssn_=pr(0.2)),
            pv1_seg(ch(["O", "E", "I"]), "LAB^^^" + fac, attending=doc if pr(0.6) else None,
                    vn=visit_no() if pr(0.6) else None),
            seg("ORC", "RE", [O(ordn), "^EPIC"], [O(acc), "^LAB"], "", "CM", "", "", "", "", "", "", xcn(doc)),
            seg("OBR", "1", [O(ordn), "^EPIC"], [O(acc), "^LAB"], "%s^%s^LN" % (code, name), "", "",
                D(hts(coll, False)), "", "", "", "", "", "", D(hts(recv, False)), "", xcn(doc), "", "", "", "", "",
                D(hts(obs, False)), "", "", "LAB", "F"),
            seg("OBX", "1", "NM", "%s^%s^LN" % (code, name), "", vals[k], unit, rng, flags[k], "", "", "F", "", "",
                D(hts(obs)), "", [ch(["MT", "T"]) + dg(4), "^", N(tech.hl7())])]
    notes = []
    if flags[k] in ("HH", "LL") or pr(0.5):
        notes.append(S("Critical value called to and read back by ",
                       N(ch([rn.name("fl"), rn.name("lf"), "%s. %s" % (rn.first[0], rn.last)])),
                       ch([", RN", " RN", ""]), " on ", D(fd(obs.date(), ch(["md", "us2", "us2nz", "us"]))),
                       " at %s." % obs.strftime("%H%M")))
    if pr(0.45):
        notes.append(S("Previous result ", D(fd(rdate_near(coll, 200, 0), ch(["us", "usnz", "md", "iso"]))), ": ",
                       vals[(k + 1) % 3], " ", unit))
    if pr(0.35):
        notes.append(S("Pt requests callback at ", Ph(fph(p.cell)), " re: results."))
    if pr(0.3):
        notes.append(S("Specimen recollected per Dr. ", N(doc.last), "; first tube hemolyzed."))
    if not notes:
        notes.append(S("Result verified by ", N(tech.name("fl")), ", ", ch(NURSE_CREDS[-2:]), "."))
    for i, nt in enumerate(notes):
        segs.append(seg("NTE", str(i + 1), "L", list(nt)))
    return [hl7_prefix(t, ch(["LabResultsIn", "ORU_Inbound", "lab-results"])), join_segs(segs, sep)]


@tpl("hl7_clinical/mdm_t02", True)
def t_mdm():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    doc = Doc()
    sep = hseg()
    clerk = Pt()
    trans = Pt()
    act = t - td(days=ri(0, 4), hours=ri(0, 10))
    dtype = ch([("DS", "Discharge Summary", "18842-5"), ("HP", "History and Physical", "34117-2"),
                ("CN", "Consultation Note", "11488-4"), ("OP", "Operative Report", "11504-8"),
                ("PN", "Progress Note", "11506-3")])
    docno = ch(["DOC", "TX", ""]) + dg(9)
    admit = act.date() - td(days=ri(1, 9))
    sents = [[ch(["Patient ", "Pt ", ""]), N(p.name(ch(["fl", "fml", "lf"]))), " is a ",
              age_piece(p.age, ch(["{}-year-old", "{} y/o", "{} yo"])), " ", ("female" if p.sex == "F" else "male"),
              " admitted ", D(fd(admit, ch(["us", "usnz", "mdy_abbr", "md"]))), " with ",
              ch(["acute on chronic systolic heart failure", "community-acquired pneumonia", "left hip fracture",
                  "DKA", "COPD exacerbation", "NSTEMI", "cellulitis of the right lower extremity"]), "."],
             ["Discharged ", D(fd(act.date(), ch(["us", "usnz", "mdy_long", "iso"]))), " to ",
              ch(["home with home health", "SNF", "home", "daughter's home"]), "."]]
    if pr(0.5):
        rel = Pt()
        sents.append(["Contact ", ch(["daughter", "son", "wife", "husband", "niece"]), " ", N(rel.name("fl")), " at ",
                      Ph(fph(rel.phone)), "."])
    if pr(0.4):
        sents.append(["Follow up with Dr. ", N(doc.last), " on ", D(fd(act.date() + td(days=ri(5, 21)), "usnz")), "."])
    body = []
    for i, s in enumerate(sents):
        if i:
            body.append("\\.br\\")
        body.append(s)
    fname = [N("%s_%s" % (up(p.last).replace(" ", "").replace("'", ""), up(p.first))), "_%s_" % dtype[0],
             D(fd(act.date(), "hl7")), ".%s" % ch(["rtf", "doc", "txt"])]
    segs = [msh(t, "MDM^T02^MDM_T02", ch(["DICTATION", "NUANCE", "3MHDM", "MMODAL"]), fac, "EPIC", fac, "2.3.1"),
            seg("EVN", "T02", hts(t), "", "", [staff_xcn(clerk.hl7())]),
            pid_seg(p, fac),
            pv1_seg("I", "%s^%d^%s^%s" % (ch(["4W", "5E", "ICU", "MS3", "TELE"]), ri(100, 499), ch("AB"), fac),
                    attending=doc, vn=visit_no() if pr(0.7) else None),
            seg("TXA", "1", "%s^%s" % (dtype[0], dtype[1]), "TX", D(hts(act, False)), xcn(doc), "", "", "", "", "",
                [ch(["T", "MT"]) + dg(4), "^", N(trans.hl7())] if pr(0.5) else "", docno, "", "", "", fname, "AU",
                "", "", "AV"),
            seg("OBX", "1", "TX", "%s^%s^LN" % (dtype[2], dtype[1]), "", body, "", "", "", "", "", "F")]
    return [hl7_prefix(t, ch(["MDM_Inbound", "Transcription", "docs-in"])), join_segs(segs, sep)]


VACCINES = [("08", "Hep B, adolescent or pediatric", "MSD", "Merck"), ("20", "DTaP", "PMC", "Sanofi Pasteur"),
            ("10", "IPV", "PMC", "Sanofi Pasteur"), ("03", "MMR", "MSD", "Merck"), ("21", "varicella", "MSD", "Merck"),
            ("133", "PCV13", "PFR", "Pfizer"), ("116", "rotavirus, pentavalent", "MSD", "Merck"),
            ("150", "Influenza, injectable, quadrivalent, preservative free", "SKB", "GlaxoSmithKline"),
            ("208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", "PFR", "Pfizer")]


@tpl("hl7_clinical/vxu_v04", True)
def t_vxu():
    p = Pt(minor=True)
    t = p.ref
    fac = ch(HL7_FACS)
    mom = Pt(sex="F", old=False)
    mom.last = p.last if pr(0.7) else mom.last
    mom.street, mom.unit, mom.city, mom.state, mom.zip = p.street, p.unit, p.city, p.state, p.zip
    doc = Doc()
    sep = hseg()
    cvx, vname, mvx, mfr = ch(VACCINES)
    adm = t - td(days=ri(0, 3), hours=ri(0, 8))
    lot = alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + dg(4) + ch(["", alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ")])
    lot_exp = (t + td(days=ri(60, 700))).date()
    vfc = ch(["V02^VFC eligible - Medicaid/Medicaid Managed Care", "V03^VFC eligible - Uninsured",
              "V01^Not VFC eligible", "V04^VFC eligible - American Indian/Alaska Native"])
    extra = [O(dgnz(8)), "^^^%sIIS^SR" % p.state]
    if vfc.startswith("V02") and pr(0.7):
        extra += ["~", H(ch(["MCD" + dg(8), dgnz(9), "A" + dg(8) + "A"])), "^^^%s^MA" % p.state]
    vis_pub = dt.date(ch([2019, 2021, 2022, 2023]), ri(1, 12), ri(1, 28))
    segs = [msh(t, "VXU^V04^VXU_V04", ch(["EPIC", "ECW", "ATHENA", "NEXTGEN"]), fac, "%sIIS" % p.state, "%sDOH" % p.state),
            pid_seg(p, fac, mother=mom.hl7().split("^")[0] + "^" + up(mom.first) if pr(0.6) else None,
                    extra_cx=extra, dob_time=""),
            seg("PD1", "", "", "", "", "", "", "", "", "", "", "02^Reminder/Recall - any method^HL70215", "", "",
                "", "", "A"),
            seg("NK1", "1", N(mom.hl7()), "MTH^Mother^HL70063", xad(mom), xtn(mom.cell, "PRN", "CP")),
            seg("ORC", "RE", "", [O(order_id()), "^%s" % fac], "", "", "", "", "", "", "", "", xcn(doc)),
            seg("RXA", "0", "1", D(hts(adm, False)), D(hts(adm, False)), "%s^%s^CVX" % (cvx, vname),
                ch(["0.5", "0.3", "0.25", "1"]), "mL^milliliters^UCUM", "", "00^New immunization record^NIP001",
                [ch(["RN", "MA"]) + dg(4), "^", N(Pt().hl7())], "^^^%s" % fac, "", "", "", "", lot,
                fd(lot_exp, "hl7"), "%s^%s^MVX" % (mvx, mfr), "", "", "CP", "A"),
            seg("RXR", "C28161^Intramuscular^NCIT", ch(["LD^Left Deltoid^HL70163", "RT^Right Thigh^HL70163",
                                                        "LT^Left Thigh^HL70163"])),
            seg("OBX", "1", "CE", "64994-7^Vaccine funding program eligibility category^LN", "1", vfc + "^HL70064",
                "", "", "", "", "", "F", "", "", D(fd(adm.date(), "hl7")), "", "", "VXC40^Eligibility captured at the immunization level^CDCPHINVS"),
            seg("OBX", "2", "DT", "29768-9^Date vaccine information statement published^LN", "2", fd(vis_pub, "hl7"),
                "", "", "", "", "", "F"),
            seg("OBX", "3", "DT", "29769-7^Date vaccine information statement presented^LN", "2",
                D(fd(adm.date(), "hl7")), "", "", "", "", "", "F")]
    return [hl7_prefix(t, ch(["IIS_Outbound", "VXU_Sender", "immunization-feed"])), join_segs(segs, sep)]


@tpl("hl7_patient_admin/siu_s12", True)
def t_siu():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    doc = Doc()
    sep = hseg()
    start = (t + td(days=ri(1, 60))).replace(hour=ri(7, 16), minute=ch([0, 15, 30, 45]), second=0, microsecond=0)
    dur = ch([15, 20, 30, 40, 60])
    end = start + td(minutes=dur)
    sched = Pt()
    reason = ch(["ROUTINE^Routine", "FOLLOWUP^Follow-up", "NEWPT^New patient", "POSTOP^Post-op check",
                 "TELE^Telehealth visit", "ANNUAL^Annual wellness visit"])
    appt_id = ch([dgnz(8), "APT" + dg(8), dgnz(6)])
    segs = [msh(t, "SIU^S12^SIU_S12", ch(["CADENCE", "EPIC", "ALLSCRIPTS", "ATHENA"]), fac, "PRACTICEMGMT", fac, "2.4"),
            seg("SCH", [O(appt_id), "^%s" % ch(["EPIC", "CAD"])], [O(dgnz(9)), "^%s" % ch(["PM", "EXT"])], "", "", "",
                "", reason, ch(["OFFICE", "TELEHEALTH", "PROCEDURE"]), str(dur), "MIN",
                ["^^%d^" % dur, D(hts(start, False)), "^", D(hts(end, False))], "", "", "", "",
                staff_xcn(sched.hl7()) if pr(0.6) else "", "(%s)%s-%s^WPN^PH" % (ch(AREA), dg(3), dg(4)), "", "",
                "", "", "", "", "", "Booked"),
            pid_seg(p, fac, cell=pr(0.4), email=pr(0.3)),
            pv1_seg("O", "%s^^^%s" % (ch(["CARD", "FM", "ORTHO", "ENDO", "GI"]), fac), attending=doc,
                    vn=csn() if pr(0.5) else None),
            seg("RGS", "1", "A"),
            seg("AIS", "1", "A", ch(["99213^OFFICE/OUTPATIENT VISIT EST^CPT", "99204^NEW PATIENT VISIT^CPT",
                                     "G0439^ANNUAL WELLNESS VISIT^HCPCS"]), D(hts(start)), "", "", str(dur), "MIN"),
            seg("AIL", "1", "A", "%s^^^%s" % (ch(["CARD CLINIC", "MAIN FM", "ORTHO WEST"]), fac)),
            seg("AIP", "1", "A", xcn(doc), "ATT^Attending")]
    return [hl7_prefix(t, ch(["Scheduling_In", "SIU_Router", "cadence-feed"])), join_segs(segs, sep)]


@tpl("hl7_patient_admin/dft_p03", True)
def t_dft():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    doc = Doc()
    sep = hseg()
    svc = t.date() - td(days=ri(0, 6))
    cpt = ch([("99214", "OFFICE VISIT EST LVL 4", "150.00"), ("93000", "ELECTROCARDIOGRAM COMPLETE", "48.00"),
              ("36415", "ROUTINE VENIPUNCTURE", "12.00"), ("71046", "X-RAY CHEST 2 VIEWS", "96.00"),
              ("20610", "ARTHROCENTESIS MAJOR JOINT", "210.00"), ("J1885", "KETOROLAC INJ 15MG", "8.50")])
    dx = ch(["I10^Essential hypertension", "E11.9^Type 2 diabetes mellitus without complications",
             "M17.11^Unilateral primary osteoarthritis, right knee", "J44.1^COPD with acute exacerbation",
             "R07.9^Chest pain, unspecified"])
    segs = [msh(t, "DFT^P03^DFT_P03", ch(["EPIC", "CERNER", "MEDITECH"]), fac, "PB", fac, "2.5"),
            seg("EVN", "P03", hts(t)),
            pid_seg(p, fac, acct=account(), ssn_=pr(0.3)),
            pv1_seg(ch(["O", "E"]), "%s^^^%s" % (ch(["ED", "CLINIC", "RAD"]), fac), attending=doc,
                    vn=visit_no(), admit=hts(t - td(hours=ri(1, 40)), False) if pr(0.5) else None),
            seg("FT1", "1", "", "B" + dg(6), D(fd(svc, "hl7") + ("" if pr(0.6) else "0000")), "", "CG",
                "%s^%s^CPT4" % (cpt[0], cpt[1]), "", "", "1", cpt[2], "", ch(["300100", "ED", "4410"]),
                ch(["AETNA01", "BCBS_AZ", "MCR_B", ""]), "", "", "", "", dx.split("^")[0] + "^^I10", xcn(doc), xcn(doc),
                "", [O(order_id()), "^%s" % fac] if pr(0.5) else ""),
            seg("DG1", "1", "", dx + "^I10", "", "", "F")]
    return [hl7_prefix(t, ch(["Charges_Out", "DFT_Sender", "pb-charges"])), join_segs(segs, sep)]


@tpl("hl7_patient_admin/adt_a08_a31", True)
def t_a08():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    sep = hseg()
    clerk = Pt()
    kind = ch(["A08", "A08", "A31"])
    rel = Pt()
    doc = Doc()
    segs = [msh(t, "ADT^%s^%s" % (kind, "ADT_A01" if kind == "A08" else "ADT_A05"), ch(["EPIC", "CERNER", "MEDITECH", "EMPI"]),
                fac, ch(["RIS", "LIS", "EMPI", "HIE"]), fac, "2.5.1"),
            seg("EVN", kind, hts(t), "", ch(["", "01", "03"]), [staff_xcn(clerk.hl7()), "^^^^^^%s" % fac] if pr(0.7) else ""),
            pid_seg(p, fac, acct=account() if pr(0.5) else None, ssn_=pr(0.55), dl_=dl(p.state if pr(0.3) else None) if pr(0.35) else None,
                    email=pr(0.4), cell=pr(0.5), fax=pr(0.2)),
            seg("PD1", "", "", "%s^^%s" % (ch(["Saguaro Family Health", "Lakeshore Pediatrics", "Northern Plains Clinic"]), dg(4)),
                xcn(doc)) if pr(0.5) else None,
            seg("NK1", "1", N(rel.hl7()), ch(["SPO^Spouse^HL70063", "CHD^Child^HL70063", "SIS^Sister^HL70063",
                                              "FND^Friend^HL70063"]),
                xad(rel) if pr(0.4) else "", xtn(rel.cell, "PRN", "CP"), "", "EC^Emergency Contact^HL70131") if pr(0.6) else None,
            pv1_seg("N", "") if kind == "A31" else pv1_seg(ch(["I", "O", "E"]), "%s^%d^A^%s" % (ch(["4W", "ED", "L&D"]), ri(1, 40), fac),
                                                          attending=doc, vn=visit_no(), admit=hts(t - td(hours=ri(2, 90)), False))]
    segs = [s for s in segs if s is not None]
    return [hl7_prefix(t, ch(["ADT_Router", "EMPI_Updates", "adt-out"])), join_segs(segs, sep)]


@tpl("hl7_patient_admin/mfn_m05", False)
def t_mfn():
    t = rts()
    fac = ch(HL7_FACS)
    fname, fstreet, fsuite = ch(FACILITIES)
    city, st, z3 = ch(CITIES)
    sep = hseg()
    unit = ch(["4W", "5E", "ICU", "MS3", "TELE", "PACU", "NICU"])
    room = ri(100, 499)
    segs = [msh(t, "MFN^M05^MFN_M05", "EPIC", fac, ch(["LIS", "RIS", "PHARM"]), fac, "2.5.1"),
            seg("MFI", "LOC^Location Master File^HL70175", "", "UPD", "", "", "AL"),
            seg("MFE", ch(["MAD", "MUP", "MDC"]), dg(8), hts(t), "%s^%d^%s^%s" % (unit, room, ch("AB"), fac), "PL"),
            seg("LOC", "%s^%d^%s^%s" % (unit, room, ch("AB"), fac), "%s Room %d" % (unit, room), ch(["N", "C", "D"]),
                fname, "%s^%s^%s^%s^%s%s" % (fstreet, fsuite, city, st, z3, dg(2)),
                "(%s)%s-%s^WPN^PH" % (ch(AREA), dg(3), dg(4))),
            seg("LCH", "%s^%d^%s^%s" % (unit, room, ch("AB"), fac), "", "", "IFO^Infection Control^HL70324",
                ch(["Y", "N"]) + "^" + ch(["Negative pressure", "Standard"]))]
    return [hl7_prefix(t, ch(["MFN_Location", "master-files"])), join_segs(segs, sep)]



# ---------------------------------------------------------------------------
# interface engines
# ---------------------------------------------------------------------------
CL_THREADS = ["ib_adt_epic", "ob_lab_sunq", "adt_xlate", "ob_rad_pacs", "ib_orders", "ob_hie_adt", "ib_res_beaker"]


def cl_prefix(t, mod=None, lvl="INFO"):
    mod = mod or ch(["pd  :PDTR", "tps :tps ", "xlt :xlat", "msg :Msg ", "pti :sche"])
    return "[%s:%s/0:%15s:%s] " % (mod, lvl, ch(CL_THREADS), t.strftime("%m/%d/%Y %H:%M:%S"))


@tpl("cloverleaf/smat_trace", True)
def t_cloverleaf():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    v = ri(0, 4)
    if v == 0:
        return [cl_prefix(t, "tps :tps "), "tps_kill_a08: killing A08 for MRN ", M(p.mrn), " (", N(p.hl7()),
                ") - no active encounter in encounter_xref.tbl"]
    if v == 1:
        sep = ch(["\\r", "\\x0d", "<cr>"])
        return [cl_prefix(t, "msg :Msg "), "Msg: {", msh(t, "ADT^A04^ADT_A01", "EPIC", fac, "SUNQUEST", fac, "2.3"), sep,
                "EVN|A04|", hts(t), sep, pid_seg(p, fac, acct=account() if pr(0.5) else None, ssn_=pr(0.3)), sep,
                "PV1|1|O|LAB^^^", fac, "} (", str(ri(300, 1900)), " bytes)"]
    if v == 2:
        return [cl_prefix(t, "xlt :xlat", "ERR "), "Xlate '", ch(["ADT_2_LAB.xlt", "A04_to_RIS.xlt", "ORM_epic_pacs.xlt"]),
                "' error: PID.3.1 value '", M(p.mrn), "' not found in table mrn_map.tbl for patient ", N(p.hl7()),
                " DOB ", D(fd(p.dob, "hl7")), " - message sent to error db"]
    if v == 3:
        return [cl_prefix(t, "tps :tps "), "Routing ", M(p.mrn), " ", N(p.name("LFnc")), " acct ", AC(account()),
                " -> ", ch(["ob_lab_sunq", "ob_rad_pacs", "ob_hie_adt"]), " (trxid ", ch(["ADT_A04", "ADT_A08", "ADT_A03"]), ")"]
    return [cl_prefix(t, "pd  :PDTR", "WARN"), "Resend from error db: msgId ", dg(10), " MRN=", M(p.mrn), " DOB=",
            D(fd(p.dob, "hl7")), " visit=", O(visit_no()), " state=14 (retry ", str(ri(1, 5)), "/5)"]


@tpl("cloverleaf/process_log", False)
def t_cloverleaf_free():
    t = rts()
    return [cl_prefix(t, ch(["pd  :PDTR", "pti :sche", "tps :tps "]), ch(["INFO", "WARN", "ERR "])), ch([
        "Thread '%s' state change: %s -> up" % (ch(CL_THREADS), ch(["opening", "down", "error"])),
        "Connection to %s:%d refused; retrying in %d secs" % (priv_ip(), ri(5000, 6999), ch([15, 30, 60])),
        "Recovery database: %d msgs; error database: %d msgs" % (ri(0, 40), ri(0, 900)),
        "hcienginerun started for process %s, pid %d" % (ch(["adt_pr", "lab_pr", "rad_pr"]), ri(2000, 65000)),
        "Site '%s' process '%s' started by hci" % (ch(["adt_site", "lab_site", "rad_site"]), ch(["adt_pr", "lab_pr"])),
        "Outbound queue depth %d exceeds alert threshold %d" % (ri(501, 9000), 500),
        "TCL proc tps_ack_parse loaded from $HCISITEDIR/tclprocs (md5 %s)" % hx(32)])]


def cp_ts(t):
    h = t.hour % 12 or 12
    return "%d/%d/%d %d:%02d:%02d %s" % (t.month, t.day, t.year, h, t.minute, t.second, "AM" if t.hour < 12 else "PM")


CP_CONN = ["ADT_EPIC_IN", "LAB_RESULTS_IN", "RAD_ORDERS_OUT", "HIE_ADT_OUT", "PHARM_RDE_OUT", "BILLING_DFT_IN"]


@tpl("corepoint/action_log", True)
def t_corepoint():
    p = Pt()
    t = p.ref
    v = ri(0, 3)
    pre = "%s | %s | %s | " % (cp_ts(t), ch(CP_CONN), ch(["Inbound", "Outbound", "Action List"]))
    if v == 0:
        return [pre, "Info | Message ", dg(7), " received (ADT^", ch(["A04", "A08", "A03"]), ") Patient: ",
                N(p.name(ch(["LF", "lfm"]))), "  MRN: ", M(p.mrn), "  Acct: ", AC(account())]
    if v == 1:
        return [pre, "Error | Step 'Validate PID' failed: PID.19 value '", SS(fssn(p.ssn, ch(["dash", "plain"]))),
                "' does not match patient ", M(p.mrn), " in EMPI (", N(p.hl7()), ")"]
    if v == 2:
        doc = Doc()
        return [pre, "Info | Map 'ORM_to_RIS' PID.5 '", N(p.hl7()), "' PID.7 '", D(fd(p.dob, "hl7")), "' ORC.12 '",
                NP(doc.npi), "^", N(doc.hl7()), "' -> accession ", O(accession())]
    return [pre, "Warning | Duplicate suppressed for MRN ", M(p.mrn), " visit ", O(visit_no()), " admit ",
            D(hts(p.ref - td(hours=ri(1, 48)), False)), " (hash ", hx(12), ")"]


@tpl("corepoint/connection", False)
def t_corepoint_free():
    t = rts()
    return ["%s | %s | Connection | %s | " % (cp_ts(t), ch(CP_CONN), ch(["Info", "Warning", "Error"])), ch([
        "Connection to %s:%d lost; reconnect attempt %d of 10" % (priv_ip(), ri(5000, 6999), ri(1, 10)),
        "Disk queue depth %s (oldest message age %dm)" % ("{:,}".format(ri(10, 40000)), ri(1, 300)),
        "License check OK: %d of %d connections in use" % (ri(10, 60), 64),
        "Listener started on port %d (MLLP, TLS 1.2)" % ri(5000, 6999),
        "ACK timeout after %d ms; message %s requeued" % (ri(5000, 30000), dg(7)),
        "Service restarted by CORP\\svc_corepoint (build %s)" % ch(["2023.1.3.21", "2022.2.0.118"])])]


@tpl("iguana/channel_log", True)
def t_iguana():
    p = Pt()
    t = p.ref
    chan = ch(["ADT to Lab", "Lab Results In", "HIE Feed", "Rx Refill API", "Portal Sync"])
    pre = "%s  [%s]  [%s]  %s  " % (t.strftime("%Y/%m/%d %H:%M:%S"), chan, ch(["Translator", "From LLP", "To HTTPS"]),
                                     ch(["Info", "Info", "Warning", "Error"]))
    v = ri(0, 3)
    if v == 0:
        return [pre, "Patient ", N(up(p.last) + " " + up(p.first)), " (MRN ", M(p.mrn), ", DOB ", D(fd(p.dob, "iso")),
                ") queued for ", ch(["lab", "HIE", "billing"])]
    if v == 1:
        return [pre, "trace: {LastName=\"", N(p.last), "\", FirstName=\"", N(p.first), "\", Dob=\"", D(fd(p.dob, "hl7")),
                "\", Phone=\"", Ph(fph(p.phone)), "\", Zip=\"", Z(p.zip), "\"}"]
    if v == 2:
        body = {"mrn": M(p.mrn), "name": {"family": N(p.last), "given": N(p.first)}, "birthDate": D(fd(p.dob, "iso")),
                "email": E(p.email), "source": "IGUANA"}
        return [pre, "POST https://api.%s.com/v2/patients/upsert status=%d body=" % (
            ch(["carecoord", "partnerhie", "rxhub"]), ch([200, 201, 409, 500])), J(body)]
    return [pre, "Filter: skipping A08 for ", N(p.hl7()), " (MRN=", M(p.mrn), ", Acct=", AC(account()),
            ") - test patient flag not set, no demographic change"]


@tpl("iguana/service", False)
def t_iguana_free():
    t = rts()
    return ["%s  [Iguana]  [Service]  %s  " % (t.strftime("%Y/%m/%d %H:%M:%S"), ch(["Info", "Warning"])), ch([
        "Iguana %s (build %d) starting on port %d" % (ch(["6.1.5", "6.1.4", "5.6.22"]), ri(100000, 999999), 6543),
        "Channel 'Lab Results In' stopped: LLP listener port %d closed" % ri(5000, 6999),
        "License expires %s (%d days)" % ((t + td(days=ri(30, 700))).strftime("%Y-%m-%d"), ri(30, 700)),
        "Log directory /opt/iguana/logs usage %d%% (%s GB free)" % (ri(40, 95), ri(2, 80)),
        "Queue for 'HIE Feed' at %d messages; throttling" % ri(1000, 90000),
        "Component 'To HTTPS' reconnected to %s:443 after %dms" % (ch(["api.partnerhie.com", "10.20.4.18"]), ri(50, 9000))])]


@tpl("healthshare/ens_trace", True)
def t_healthshare():
    p = Pt()
    t = p.ref
    fac = ch(HL7_FACS)
    pre = "%s %s [%s] Session %d Hdr %d: " % (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000),
                                              ch(["Info", "Trace", "Warning"]),
                                              ch(["HS.Gateway.HL7.InboundService", "HS.Hub.Push.Evaluator",
                                                  "HS.Gateway.SDA3.InboundProcess", "HS.IHE.PIX.Manager.Process"]),
                                              ri(1000000, 99999999), ri(1000000, 99999999))
    v = ri(0, 2)
    if v == 0:
        return [pre, "Received EnsLib.HL7.Message ADT_", ch(["A01", "A04", "A08"]), " for MRN ", M(p.mrn),
                "^^^%s^MR (%s" % (fac, ch(["PV1.19=", "visit "])), O(visit_no()), ")"]
    if v == 1:
        xml = ["<Patient><Name><FamilyName>", N(xesc(p.last)), "</FamilyName><GivenName>", N(xesc(p.first)),
               "</GivenName></Name><BirthTime>", D(fd(p.dob, "iso") + "T00:00:00"),
               "</BirthTime><PatientNumbers><PatientNumber><Number>", M(p.mrn),
               "</Number><Organization><Code>%s</Code></Organization><NumberType>MRN</NumberType></PatientNumber>" % fac]
        if pr(0.4):
            xml += ["<PatientNumber><Number>", SS(fssn(p.ssn)), "</Number><NumberType>SSN</NumberType></PatientNumber>"]
        xml += ["</PatientNumbers><Addresses><Address><Street>", A(xesc(p.street + ("; " + p.unit if p.unit else ""))),
                "</Street><City><Code>", A(xesc(up(p.city))), "</Code></City><State><Code>%s</Code></State><Zip><Code>" % p.state,
                Z(p.zip), "</Code></Zip></Address></Addresses><ContactInfo><HomePhoneNumber>", Ph(fph(p.phone, "paren_nosp")),
                "</HomePhoneNumber>"]
        if pr(0.5):
            xml += ["<EmailAddress>", E(p.email), "</EmailAddress>"]
        xml += ["</ContactInfo></Patient>"]
        return [pre, "SDA3 container: ", xml]
    return [pre, "HSPI linked MPIID ", M("1000" + dg(5)), " to MRN ", M(p.mrn), " (%s) score=%.1f name=\"" % (fac, R.uniform(14, 25)),
            N(p.name("LFnc")), "\" dob=", D(fd(p.dob, "iso")), " sex=", p.sex]


@tpl("healthshare/iris_messages", False)
def t_iris_free():
    t = rts()
    return ["%s:%03d (%d) %d [%s] " % (t.strftime("%m/%d/%y-%H:%M:%S"), t.microsecond // 1000, ri(1000, 99999), ri(0, 2),
                                        ch(["Utility.Event", "Generic.Event", "SYSTEM MONITOR", "WRNDMN"])), ch([
        "Journal File Compression: Process %d compressed /iris/mgr/journal/%s.%03d" % (ri(1000, 99999), t.strftime("%Y%m%d"), ri(1, 20)),
        "Backup.General.ExternalFreeze: System suspended",
        "Backup.General.ExternalThaw: System resumed",
        "DBLatency(/iris/mgr/hsregistry/) Alert: Latency %dms exceeds threshold" % ri(100, 2000),
        "Mirror: Backup failover member HSMIR02 connected (journal at %d)" % ri(10 ** 8, 10 ** 9),
        "Started %d background jobs for namespace HSEDGE1" % ri(2, 40),
        "License Usage: %d of %d (%.0f%%)" % (ri(100, 900), 1000, R.uniform(10, 90)),
        "Write daemon: %d buffers written in %dms" % (ri(100, 90000), ri(10, 4000))])]


# ---------------------------------------------------------------------------
# X12 005010
# ---------------------------------------------------------------------------


def isa(t, snd, rcv, ctrl, usage="P"):
    return "ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*%s*%s*^*00501*%s*0*%s*:~" % (
        snd, rcv, t.strftime("%y%m%d"), t.strftime("%H%M"), ctrl, usage)


def x12_prefix(t, tx):
    return ch(["[edi-gateway] %s OUTBOUND %s file=%s_%s.x12 " % (iso_s(t), tx, tx, t.strftime("%Y%m%d%H%M%S")),
               "%s INFO  EdiWriter - %s payload: " % (t.strftime("%Y-%m-%d %H:%M:%S"), tx),
               "%s clearinghouse.sftp put %s_%s.txt -> " % (iso_ms(t), tx, dg(6)), ""])


def zip9(p):
    return Z(p.zip + p.zip4 if pr(0.8) else p.zip)


def x12_sub(p, qual="IL", mem=None):
    out = ["NM1*%s*1*" % qual, p.x12n(), "MI*", H(mem or member_id()), "~N3*", A(up(p.street))]
    if p.unit:
        out += ["*", A(up(p.unit))]
    out += ["~N4*", A(up(p.city)), "*%s*" % p.state, zip9(p), "~DMG*D8*", D(fd(p.dob, "hl7")), "*%s~" % p.sex]
    return out


def x12_env_end(n_seg, ctrl, gs):
    return "SE*%d*0001~GE*1*%d~IEA*1*%s~" % (n_seg, gs, ctrl)


@tpl("x12_claims/c837", True)
def t_837():
    p = Pt()
    t = p.ref
    inst = pr(0.4)
    doc = Doc()
    ctrl = dg(9)
    gs = ri(1, 99999)
    fname, fstreet, _ = ch(FACILITIES)
    fcity, fst, fz = ch(CITIES)
    payer = ch(PAYERS)
    dos = t.date() - td(days=ri(1, 20))
    out = [x12_prefix(t, "837I" if inst else "837P"), isa(t, "SUBMITTER" + dg(3), ch(["CLAIMSCH", "AVAILITY", "OPTUMEDI"]), ctrl),
           "GS*HC*SUB%s*RCV%s*%s*%s*%d*X*%s~" % (dg(4), dg(4), t.strftime("%Y%m%d"), t.strftime("%H%M"), gs,
                                               "005010X223A2" if inst else "005010X222A1"),
           "ST*837*0001*%s~BHT*0019*00*%s*%s*%s*CH~" % ("005010X223A2" if inst else "005010X222A1", dg(8),
                                                      t.strftime("%Y%m%d"), t.strftime("%H%M")),
           "NM1*41*2*%s*****46*%s~PER*IC*EDI DEPT*TE*%s~" % (up(fname), dg(7), org_phone().replace("-", "")),
           "NM1*40*2*%s*****46*%s~HL*1**20*1~" % (payer, dg(5)),
           "NM1*85*2*%s*****XX*" % up(fname), NP(npi()), "~N3*%s~N4*%s*%s*%s%s~REF*EI*%s~" % (
               up(fstreet), up(fcity), fst, fz, dg(6), dg(9))]
    dep = pr(0.3)
    if dep:
        sub = Pt(old=False)
        sub.last = p.last if pr(0.7) else sub.last
        out += ["HL*2*1*22*1~SBR*P**%s******CI~" % ch(["GRP" + dg(5), dg(6), ""]), x12_sub(sub),
                "NM1*PR*2*%s*****PI*%s~HL*3*2*23*0~PAT*%s~" % (payer, dg(5), ch(["19", "01"])),
                ["NM1*QC*1*", N(p.x12()), "~N3*", A(up(p.street)), "~N4*", A(up(p.city)), "*%s*" % p.state, zip9(p),
                 "~DMG*D8*", D(fd(p.dob, "hl7")), "*%s~" % p.sex]]
    else:
        out += ["HL*2*1*22*0~SBR*P*18*%s******%s~" % (ch(["GRP" + dg(5), dg(6), ""]), ch(["CI", "MB", "MC"])),
                x12_sub(p, mem=mbi() if pr(0.25) else None), "NM1*PR*2*%s*****PI*%s~" % (payer, dg(5))]
    amt = "%d.%02d" % (ri(40, 9000), ri(0, 99))
    out += ["CLM*", O(claim_id()), "*%s***%s*Y*A*Y*Y~" % (amt, "11:A:1" if inst else "11:B:1")]
    if inst:
        adm = dt.datetime.combine(dos - td(days=ri(0, 5)), dt.time(ri(0, 23), ri(0, 59)))
        out += ["DTP*434*RD8*", D(fd(adm.date(), "hl7")), "-", D(fd(dos, "hl7")), "~DTP*435*DT*",
                D(adm.strftime("%Y%m%d%H%M")), "~CL1*1*7*01~"]
    else:
        if pr(0.5):
            out += ["DTP*431*D8*", D(fd(dos - td(days=ri(1, 60)), "hl7")), "~"]
    if pr(0.3):
        out += ["REF*G1*", O("PA" + dg(8)), "~"]
    out += ["HI*ABK:%s~" % ch(["E119", "I10", "M1711", "J441", "R0789", "N179"]),
            "NM1*%s*1*" % ("71" if inst else "82"), N("%s*%s" % (up(doc.last), up(doc.first))), "****XX*", NP(doc.npi), "~LX*1~"]
    if inst:
        out += ["SV2*0450*HC:99284*%s*UN*1~" % amt]
    else:
        out += ["SV1*HC:%s*%s***UN*1***1~" % (ch(["99214", "99213", "93000", "20610"]), amt)]
    out += ["DTP*472*D8*", D(fd(dos, "hl7")), "~", x12_env_end(ri(28, 44), ctrl, gs)]
    return out


@tpl("x12_claims/r835", True)
def t_835():
    p = Pt()
    t = p.ref
    ctrl = dg(9)
    gs = ri(1, 99999)
    payer = ch(PAYERS)
    fname, fstreet, _ = ch(FACILITIES)
    doc = Doc()
    dos = t.date() - td(days=ri(14, 60))
    chg = ri(40, 3000)
    paid = round(chg * R.uniform(0.3, 0.9), 2)
    pres = round(min(chg - paid, R.uniform(0, 60)), 2)
    out = [x12_prefix(t, "835"), isa(t, ch(["PAYERERA", "CMSERA", "BCBSERA"]), "RECEIVER" + dg(3), ctrl),
           "GS*HP*%s*%s*%s*%s*%d*X*005010X221A1~ST*835*0001~" % ("PAY" + dg(4), "RCV" + dg(4), t.strftime("%Y%m%d"),
                                                               t.strftime("%H%M"), gs),
           "BPR*I*%.2f*C*ACH*CCP*01*%s*DA*%s*1%s**01*%s*DA*%s*%s~" % (paid, dg(9), dg(10), dg(9), dg(9), dg(10),
                                                                  t.strftime("%Y%m%d")),
           "TRN*1*%s*1%s~DTM*405*%s~N1*PR*%s~PER*BL*PROVIDER SERVICES*TE*%s~" % (dg(12), dg(9), t.strftime("%Y%m%d"), payer,
                                                                                  org_phone().replace("-", "")),
           "N1*PE*%s*XX*" % up(fname), NP(npi()), "~LX*1~CLP*", O(claim_id()), "*1*%d*%.2f*%.2f*12*" % (chg, paid, pres),
           O(dg(14)), "*11*1~NM1*QC*1*", p.x12n(), "MI*", H(mbi() if pr(0.3) else member_id())]
    out += ["~NM1*82*1*", N("%s*%s" % (up(doc.last), up(doc.first))), "****XX*", NP(doc.npi), "~"]
    if pr(0.6):
        out += ["DTM*232*", D(fd(dos, "hl7")), "~DTM*233*", D(fd(dos + td(days=ri(0, 3)), "hl7")), "~"]
    out += ["SVC*HC:%s*%d*%.2f**1~DTM*472*" % (ch(["99214", "99213", "71046", "80053"]), chg, paid), D(fd(dos, "hl7")),
            "~CAS*PR*2*%.2f~CAS*CO*45*%.2f~AMT*B6*%.2f~" % (pres, chg - paid - pres, paid + pres),
            x12_env_end(ri(18, 30), ctrl, gs)]
    return out


@tpl("x12_claims/s276_277", True)
def t_276():
    p = Pt()
    t = p.ref
    ctrl = dg(9)
    gs = ri(1, 99999)
    payer = ch(PAYERS)
    fname = ch(FACILITIES)[0]
    dos = t.date() - td(days=ri(14, 90))
    is277 = pr(0.5)
    out = [x12_prefix(t, "277" if is277 else "276"), isa(t, "SUBMITTER" + dg(3), ch(["CLAIMSCH", "AVAILITY"]), ctrl),
           "GS*%s*S%s*R%s*%s*%s*%d*X*%s~ST*%s*0001*%s~" % ("HN" if is277 else "HR", dg(4), dg(4), t.strftime("%Y%m%d"),
                                                           t.strftime("%H%M"), gs,
                                                           "005010X212", "277" if is277 else "276", "005010X212"),
           "BHT*0010*%s*%s*%s*%s%s~" % ("08" if is277 else "13", dg(9), t.strftime("%Y%m%d"), t.strftime("%H%M"),
                                        "*DG" if is277 else ""),
           "HL*1**20*1~NM1*PR*2*%s*****PI*%s~HL*2*1*21*1~NM1*41*2*%s*****46*%s~" % (payer, dg(5), up(fname), dg(7)),
           "HL*3*2*19*1~NM1*1P*2*%s*****XX*" % up(fname), NP(npi()), "~HL*4*3*22*0~"]
    if not is277:
        out += ["DMG*D8*", D(fd(p.dob, "hl7")), "*%s~" % p.sex]
    out += ["NM1*IL*1*", p.x12n(), "MI*", H(member_id()), "~TRN*%s*%s~" % ("2" if is277 else "1", dg(10))]
    if is277:
        out += ["STC*%s*%s**%d*%.2f~" % (ch(["A1:20", "A2:20", "P1:20", "F1:65", "A7:21"]), t.strftime("%Y%m%d"),
                                         ri(40, 900), R.uniform(10, 500)),
                "REF*1K*", O(dg(13)), "~"]
    out += ["REF*EJ*", AC(account()), "~"]
    if not is277:
        out += ["AMT*T3*%d~" % ri(40, 900)]
    out += ["DTP*472*RD8*", D(fd(dos, "hl7")), "-", D(fd(dos + td(days=ri(0, 4)), "hl7")), "~",
            x12_env_end(ri(14, 22), ctrl, gs)]
    return out


@tpl("x12_claims/ack_999", False)
def t_999():
    t = rts()
    ctrl = dg(9)
    gs = ri(1, 99999)
    st = ri(1, 9999)
    acc = ch(["A", "A", "E", "R"])
    return [x12_prefix(t, "999"), isa(t, ch(["CLAIMSCH", "AVAILITY", "OPTUMEDI"]), "SUBMITTER" + dg(3), ctrl),
            "GS*FA*R%s*S%s*%s*%s*%d*X*005010X231A1~ST*999*0001*005010X231A1~AK1*HC*%d*005010X222A1~" % (
                dg(4), dg(4), t.strftime("%Y%m%d"), t.strftime("%H%M"), gs, ri(1, 99999)),
            "AK2*837*%04d*005010X222A1~" % st,
            "" if acc == "A" else "IK3*%s*%d**8~IK4*%d*%d*7~" % (ch(["NM1", "DMG", "CLM", "N4"]), ri(5, 60), ri(1, 9), ri(66, 1250)),
            "IK5*%s%s~AK9*%s*1*1*%d~" % (acc, "" if acc == "A" else "*5", acc, 1 if acc == "A" else 0),
            x12_env_end(6 if acc == "A" else 8, ctrl, gs)]


@tpl("x12_auth/r278", True)
def t_278():
    p = Pt()
    t = p.ref
    ctrl = dg(9)
    gs = ri(1, 99999)
    doc = Doc()
    resp = pr(0.45)
    frm = t.date() + td(days=ri(1, 20))
    out = [x12_prefix(t, "278"), isa(t, "SUBMITTER" + dg(3), ch(["UMPORTAL", "AVAILITY", "EVICORE"]), ctrl),
           "GS*HI*S%s*R%s*%s*%s*%d*X*005010X217~ST*278*0001*005010X217~BHT*0007*%s*%s*%s*%s~" % (
               dg(4), dg(4), t.strftime("%Y%m%d"), t.strftime("%H%M"), gs, "11" if resp else "13", dg(10),
               t.strftime("%Y%m%d"), t.strftime("%H%M")),
           "HL*1**20*1~NM1*X3*2*%s*****PI*%s~HL*2*1*21*1~NM1*1P*1*" % (ch(["EVICORE HEALTHCARE", "CARELON", "AIM SPECIALTY"]), dg(5)),
           N("%s*%s" % (up(doc.last), up(doc.first))), "****XX*", NP(doc.npi), "~HL*3*2*22*1~NM1*IL*1*", p.x12n(),
           "MI*", H(member_id()), "~DMG*D8*", D(fd(p.dob, "hl7")), "*%s~HL*4*3*EV*1~" % p.sex,
           "TRN*%s*%s*9%s~" % ("2" if resp else "1", dg(12), dg(9)),
           "UM*HS*I*2*11:B**%s~" % ch(["Y", ""])]
    if resp:
        out += ["HCR*A1*", O(ch(["A" + dg(9), dg(12), "PA%s" % dg(10)])), "~"]
    out += ["DTP*472*RD8*", D(fd(frm, "hl7")), "-", D(fd(frm + td(days=ch([30, 60, 90, 180])), "hl7")),
            "~HI*ABK:%s~HL*5*4*SS*0~SV1*HC:%s*%d***UN*1~" % (ch(["M5416", "M1711", "G4733", "C50911"]),
                                                          ch(["72148", "73721", "95810", "77067", "E0601"]), ri(200, 4000)),
            x12_env_end(ri(15, 22), ctrl, gs)]
    return out


# ---------------------------------------------------------------------------
# NCPDP Telecommunication D.0
# ---------------------------------------------------------------------------


@tpl("ncpdp_d0/b1_request", True)
def t_ncpdp():
    p = Pt()
    t = p.ref
    fs, gsp, rs = ch([("\\x1c", "\\x1d", "\\x1e"), ("<FS>", "<GS>", "<RS>"), ("{FS}", "{GS}", "{SS}")])
    bin_ = ch(["610014", "004336", "610502", "003858", "015581"])
    pcn = ch(["ADV", "MEDDADV", "9999", "CTRXMEDD", "A4"])
    phnpi = npi()
    dos = t.date()
    drug, ndc = ch(DRUGS)
    doc = Doc()
    hdr = [bin_, "D0B1", "%-10s" % pcn, "1", "01", NP(phnpi), " " * 5, D(fd(dos, "hl7")), "%-10s" % ("SW" + dg(8))]
    ins = [rs, fs, "AM04", fs, "C2", H(member_id()), fs, "C1", ch(["RX" + dg(4), dg(6), "GRP" + dg(3)]), fs, "C3",
           ch(["001", "01", "002"]), fs, "C6", ch(["1", "2", "3"])]
    if pr(0.5):
        ins += [fs, "CC", N(up(p.first)), fs, "CD", N(up(p.last))]
    pat = [rs, fs, "AM01", fs, "C4", D(fd(p.dob, "hl7")), fs, "C5", "2" if p.sex == "F" else "1", fs, "CA",
           N(up(p.first)), fs, "CB", N(up(p.last))]
    if pr(0.6):
        pat += [fs, "CM", A(up(p.street)), fs, "CN", A(up(p.city)), fs, "CO", p.state, fs, "CP", Z(p.zip)]
    if pr(0.6):
        pat += [fs, "CQ", Ph(p.phone)]
    clm = [gsp, rs, fs, "AM07", fs, "EM1", fs, "D2", O(dgnz(7) if pr(0.5) else "0" + dgnz(11)), fs, "E103", fs, "D7",
           ndc.replace("-", ""), fs, "E7", "%d000" % ch([30, 60, 90]), fs, "D3", "%02d" % ri(0, 5), fs, "D5",
           str(ch([30, 90])), fs, "D61", fs, "D8", "0", fs, "DE", D(fd(dos - td(days=ri(0, 200)), "hl7")), fs, "DF",
           str(ri(0, 11))]
    prs = [rs, fs, "AM03", fs, "EZ01", fs, "DB", NP(doc.npi), fs, "DR", N(up(doc.last))]
    pre = ch(["%s NCPDP REQ > " % t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
              "[switch-gw] %s txn=%s B1 request: " % (iso_ms(t), hx(12)), ""])
    return [pre, hdr, ins, pat, prs if pr(0.6) else "", clm]


@tpl("ncpdp_d0/switch_stats", False)
def t_ncpdp_free():
    t = rts()
    return ["%s INFO [switch] " % t.strftime("%Y-%m-%d %H:%M:%S"), ch([
        "BIN=%s PCN=%s window=5m claims=%d paid=%d rejected=%d (M/I Cardholder ID: %d, Refill Too Soon: %d) p95=%dms" % (
            ch(["610014", "004336", "610502"]), ch(["ADV", "MEDDADV", "9999"]), ri(200, 5000), ri(100, 4000),
            ri(0, 300), ri(0, 40), ri(0, 90), ri(90, 900)),
        "Processor 004336 reversal queue drained: %d B2 transactions in %.1fs" % (ri(1, 90), R.uniform(0.2, 30)),
        "Heartbeat to %s:%d OK (rtt %dms)" % (ch(["switch.relayhealth.example", "10.40.2.15"]), ri(7000, 9000), ri(5, 90)),
        "Payer sheet v%s loaded for BIN %s (%d fields, %d segments)" % (semver(), dg(6), ri(40, 120), ri(6, 14)),
        "Daily reconciliation %s: %d submitted, %d matched, %d orphan responses" % (
            (t - td(days=1)).strftime("%Y-%m-%d"), ri(1000, 9000), ri(1000, 9000), ri(0, 12))])]



# ---------------------------------------------------------------------------
# FHIR / SMART / identity
# ---------------------------------------------------------------------------


def fhir_pid():
    return ch(["e" + b62(21) + "3", dgnz(8), uuid4(), "e" + b62(10) + "." + b62(12) + "3", "T" + b62(10) + "-" + b62(14)])


def fhir_host():
    return ch(["https://fhir.mercyvalley.org/api/FHIR/R4", "https://ehr-api.saguarohealth.org/fhir/r4",
               "https://fhir-myrecord.northernplains.org/R4", "https://api.bayouregional.org/fhir/R4"])


def coding(system, code, display):
    return {"coding": [{"system": system, "code": code, "display": display}]}


def fhir_patient(p, pid):
    ident = [{"use": "usual", "type": coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
              "system": "urn:oid:1.2.840.114350.1.13.%d.2.7.5.737384.14" % ri(100, 999), "value": M(p.mrn)}]
    if pr(0.35):
        ident.append({"system": "http://hl7.org/fhir/sid/us-ssn", "value": SS(fssn(p.ssn, "dash"))})
    if pr(0.25):
        ident.append({"system": "http://hl7.org/fhir/sid/us-mbi", "value": H(mbi(), "mbi")})
    if pr(0.15):
        num, st = dl(p.state)
        ident.append({"system": "urn:oid:2.16.840.1.113883.4.3.%d" % ri(1, 56), "value": P(num, "LICENSE")})
    given = [N(p.first)] + ([N(p.middle)] if p.middle else [])
    name = {"use": "official", "family": N(p.last), "given": given}
    if p.suffix:
        name["suffix"] = [p.suffix]
    tel = [{"system": "phone", "value": Ph(fph(p.phone)), "use": ch(["home", "mobile"])}]
    if pr(0.1):
        tel.append({"system": "fax", "value": P(fph(phone10()), "FAX"), "use": "home"})
    if pr(0.5):
        tel.append({"system": "email", "value": E(p.email)})
    addr = {"use": "home", "line": [A(p.street)] + ([A(p.unit)] if p.unit else []), "city": A(p.city),
            "state": p.state, "postalCode": zip_piece(p), "country": "US"}
    res = {"resourceType": "Patient", "id": M(pid),
           "meta": {"versionId": str(ri(1, 30)), "lastUpdated": iso_ms(p.ref, "+00:00")},
           "extension": [{"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", "valueCode": p.sex}],
           "identifier": ident, "active": True, "name": [name], "telecom": tel,
           "gender": "female" if p.sex == "F" else "male", "birthDate": D(fd(p.dob, "iso")), "address": [addr]}
    if pr(0.4):
        rel = Pt()
        res["contact"] = [{"relationship": [coding("http://terminology.hl7.org/CodeSystem/v2-0131", "N", "Next-of-Kin")],
                           "name": {"family": N(rel.last), "given": [N(rel.first)]},
                           "telecom": [{"system": "phone", "value": Ph(fph(rel.cell))}]}]
    if pr(0.4):
        doc = Doc()
        res["generalPractitioner"] = [{"reference": "Practitioner/" + fhir_pid(), "display": N("%s %s" % (doc.first, doc.last))}]
    return res


@tpl("fhir_bulk/ndjson", True)
def t_fhir_ndjson():
    p = Pt()
    t = p.ref
    pid = fhir_pid()
    v = ri(0, 4)
    if v <= 1:
        return J(fhir_patient(p, pid))
    doc = Doc()
    subj = {"reference": S("Patient/", M(pid))}
    if pr(0.6):
        subj["display"] = N(p.name(ch(["fl", "lf"])))
    if v == 4:
        kind, model, serial = ch([("CGM", "Dexcom G7 sensor", alnum(12, "0123456789ABCDEFGHJKLMNPRSTUVWXYZ")),
                                  ("Insulin pump", "t:slim X2 insulin pump", dg(8)), ("Insulin pump", "MiniMed 780G", "NG" + dg(7) + ch("HKT")),
                                  ("CPAP", "AirSense 11 AutoSet", "2317" + dg(7)), ("Glucometer", "Contour Next One", alnum(10))])
        return J({"resourceType": "Device", "id": "dev-" + hx(12), "status": "active",
                  "deviceName": [{"name": model, "type": "user-friendly-name"}], "type": {"text": kind},
                  "serialNumber": P(serial, "DEVICE"), "lotNumber": alnum(8), "manufactureDate": "%d-%02d" % (ri(2021, 2024), ri(1, 12)),
                  "patient": {"reference": S("Patient/", M(pid))}, "note": [{"text": "Home device registered via patient portal"}]})
    if v == 2:
        drug, ndc = ch(DRUGS)
        auth = t - td(days=ri(0, 40), hours=ri(0, 8))
        res = {"resourceType": "MedicationRequest", "id": "mr-" + hx(16),
               "identifier": [{"use": "official", "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.798268", "value": O(rxno())}],
               "status": ch(["active", "completed", "stopped"]), "intent": "order",
               "medicationCodeableConcept": {"text": drug}, "subject": subj,
               "encounter": {"reference": S("Encounter/", O(csn()))},
               "authoredOn": D(auth.strftime("%Y-%m-%dT%H:%M:%S") + tz_off()),
               "requester": {"reference": "Practitioner/" + fhir_pid(), "display": N("%s %s" % (doc.first, doc.last))},
               "dosageInstruction": [{"text": ch(["Take 1 tablet by mouth daily", "Take 1 tablet by mouth twice daily with meals",
                                                  "Inject 20 units under the skin nightly"])}],
               "dispenseRequest": {"validityPeriod": {"start": D(fd(auth.date(), "iso")),
                                                      "end": D(fd(auth.date() + td(days=365), "iso"))},
                                   "numberOfRepeatsAllowed": ri(0, 11), "quantity": {"value": ch([30, 90]), "unit": "tablet"}}}
        return J(res)
    eff = t - td(hours=ri(2, 90))
    res = {"resourceType": "DiagnosticReport", "id": "dr-" + hx(12), "status": "final",
           "identifier": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.3.798268.800", "value": O(accession())}],
           "category": [coding("http://terminology.hl7.org/CodeSystem/v2-0074", ch(["LAB", "RAD", "CT"]), "Laboratory")],
           "code": coding("http://loinc.org", ch(["24323-8", "57021-8", "24627-2"]), ch(["Comprehensive metabolic panel", "CBC W Auto Differential panel", "Chest CT"])),
           "subject": subj, "encounter": {"reference": S("Encounter/", O(csn()))},
           "effectiveDateTime": D(eff.strftime("%Y-%m-%dT%H:%M:%SZ")), "issued": D(iso_ms(eff + td(hours=ri(1, 20)), "Z")),
           "performer": [{"display": N("%s, %s" % (doc.last, doc.first))}],
           "conclusion": ch([S("No acute findings."), S("Critical value called to ", N(Pt().name("fl")), ", RN at ", eff.strftime("%H%M"), "."),
                             S("Result reviewed with patient by phone on ", D(fd(eff.date(), "usnz")), "."), S("Stable compared with ", D(fd(eff.date() - td(days=ri(30, 700)), "us")), ".")])}
    return J(res)


@tpl("fhir_bulk/export_status", False)
def t_fhir_bulk_free():
    t = rts()
    host = fhir_host()
    grp = ch(["e3iabhmS8rsueyz7vaimuiaSmfGvi.QwjVXJANlPOgR83", uuid4(), "diabetes-registry-2024"])
    job = hx(32)
    out = [{"type": ty, "url": "%s/BulkData/%s/%s_%d.ndjson" % (host, job, ty, i), "count": ri(10, 90000)}
           for i, ty in enumerate(R.sample(["Patient", "Observation", "Condition", "MedicationRequest", "Encounter"], ri(1, 4)))]
    return J({"transactionTime": iso_ms(t, "+00:00"),
              "request": "%s/Group/%s/$export?_type=Patient,Observation&_since=%s" % (host, grp, (t - td(days=ri(1, 90))).strftime("%Y-%m-%dT00:00:00Z")),
              "requiresAccessToken": True, "output": out, "error": [], "extension": {"jobId": job, "elapsedSeconds": ri(20, 9000)}})


@tpl("fhir_api/appointment", True)
def t_fhir_appt():
    p = Pt()
    t = p.ref
    pid = fhir_pid()
    host = fhir_host()
    start = (t + td(days=ri(1, 45))).replace(hour=ri(7, 16), minute=ch([0, 20, 40]), second=0, microsecond=0)
    tz = tz_off()
    v = ri(0, 2)
    pre = "%s INFO  [http-nio-8080-exec-%d] fhir.access - " % (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000), ri(1, 40))
    if v == 0:
        return [pre, "GET ", U("%s/Appointment?patient=%s&date=ge%s" % (host, pid, fd(start.date(), "iso"))), " 200 ",
                str(ri(5, 400)), "ms"]
    if v == 1:
        return [pre, "Path[/R4] Source[] Operation[search-type Appointment] UA[%s] Params[?patient=" % ch(["Cadence-Sync/2.3", "okhttp/4.12.0"]),
                M(pid), "&date=ge", D(fd(start.date(), "iso")),
                "&status=booked] ResponseEncoding[JSON]"]
    doc = Doc()
    res = {"resourceType": "Appointment", "status": "booked",
           "identifier": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8", "value": O(csn())}],
           "serviceType": [coding("http://snomed.info/sct", ch(["394814009", "394579002", "394802001"]),
                                  ch(["General practice", "Cardiology", "General medicine"]))],
           "description": ch(["Follow-up", "New patient visit", "Telehealth follow-up"]),
           "start": D(start.strftime("%Y-%m-%dT%H:%M:%S") + tz), "end": D((start + td(minutes=ch([20, 30, 40]))).strftime("%Y-%m-%dT%H:%M:%S") + tz),
           "minutesDuration": ch([20, 30, 40]),
           "participant": [{"actor": {"reference": S("Patient/", M(pid)), "display": N(p.name(ch(["fl", "lf"])))}, "status": "accepted"},
                           {"actor": {"reference": "Practitioner/" + fhir_pid(), "display": N("%s %s" % (doc.first, doc.last))}, "status": "accepted"},
                           {"actor": {"reference": "Location/" + dg(6), "display": ch(FACILITIES)[0]}, "status": "accepted"}]}
    if pr(0.4):
        res["comment"] = S("Pt prefers text reminders at ", Ph(fph(p.cell)))
    return [pre, "POST /R4/Appointment 201 body=", J(res)]


@tpl("fhir_api/claim_eob", True)
def t_fhir_eob():
    p = Pt()
    t = p.ref
    pid = fhir_pid()
    doc = Doc()
    dos = t.date() - td(days=ri(10, 90))
    rt = ch(["ExplanationOfBenefit", "Claim"])
    res = {"resourceType": rt, "id": hx(8) + "-" + hx(4), "status": "active", "use": "claim",
           "type": coding("http://terminology.hl7.org/CodeSystem/claim-type", ch(["professional", "institutional", "pharmacy"]), "Claim type"),
           "identifier": [{"system": "https://bluebutton.cms.gov/resources/variables/clm_id", "value": O(claim_id())}],
           "patient": {"reference": S("Patient/", M(pid))},
           "billablePeriod": {"start": D(fd(dos, "iso")), "end": D(fd(dos + td(days=ri(0, 4)), "iso"))},
           "created": iso_s(t, "+00:00"), "insurer": {"display": ch(PAYERS).title()},
           "provider": {"identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": NP(doc.npi)},
                        "display": N("%s %s" % (doc.first, doc.last))},
           "insurance": [{"focal": True, "coverage": {"identifier": {"system": "urn:oid:2.16.840.1.113883.4.927", "value": H(mbi(), "mbi") if pr(0.4) else H(member_id())}}}],
           "item": [{"sequence": 1, "productOrService": coding("http://www.ama-assn.org/go/cpt", ch(["99214", "99213", "93000"]), "Office visit"),
                     "servicedDate": D(fd(dos, "iso")), "net": {"value": round(R.uniform(40, 900), 2), "currency": "USD"}}]}
    if rt == "ExplanationOfBenefit":
        res["outcome"] = "complete"
        res["payment"] = {"amount": {"value": round(R.uniform(10, 600), 2), "currency": "USD"}}
    return J(res)


@tpl("smart_launch/launch", True)
def t_smart():
    p = Pt()
    t = p.ref
    pid = fhir_pid()
    iss = fhir_host()
    v = ri(0, 2)
    pre = "%s %s smart-launcher: " % (iso_ms(t), ch(["info", "debug"]))
    if v == 0:
        return [pre, "EHR launch resolved iss=%s launch=%s client_id=%s patient=" % (iss, hx(24), uuid4()), M(pid),
                " encounter=", O(ch([csn(), "e" + b62(20) + "3"])), " fhirUser=Practitioner/", fhir_pid()]
    if v == 1:
        tok = {"access_token": "[REDACTED]", "token_type": "Bearer", "expires_in": 3600,
               "scope": "launch openid fhirUser patient/Patient.read patient/Observation.read", "patient": M(pid),
               "encounter": O(csn()), "need_patient_banner": True, "smart_style_url": iss.rsplit("/", 2)[0] + "/style/smart-v1.json",
               "id_token": "[REDACTED]", "state": hx(16)}
        return [pre, "token response: ", J(tok)]
    return [pre, "fetching ", U("%s/Patient/%s" % (iss, pid)), " (", U("%s/Observation?patient=%s&category=vital-signs" % (iss, pid)),
            " queued) status=200 ms=%d" % ri(40, 900)]


@tpl("smart_launch/wellknown", False)
def t_smart_free():
    t = rts()
    iss = fhir_host()
    base = iss.rsplit("/", 2)[0]
    cfg = {"authorization_endpoint": base + "/oauth2/authorize", "token_endpoint": base + "/oauth2/token",
           "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
           "scopes_supported": ["openid", "fhirUser", "launch", "patient/*.read", "offline_access"],
           "capabilities": ["launch-ehr", "launch-standalone", "client-public", "context-ehr-patient", "sso-openid-connect"],
           "code_challenge_methods_supported": ["S256"]}
    return ["%s info smart-launcher: GET %s/.well-known/smart-configuration 200 (%dms) " % (iso_ms(t), iss, ri(20, 300)), J(cfg)]


def java_map(pairs):
    out = ["{"]
    for i, (k, v) in enumerate(pairs):
        if i:
            out.append(", ")
        out.append(k + "=")
        out.append(v)
    out.append("}")
    return out


@tpl("oidc/id_token", True)
def t_oidc():
    p = Pt()
    t = p.ref
    iss = ch(["https://login.mercyvalley.org/realms/patients", "https://auth.saguarohealth.org", "https://id.northernplains.org/oauth2/default"])
    sub = uuid4()
    if pr(0.5):
        pairs = [("sub", sub), ("name", N(p.name("fl"))), ("given_name", N(p.first)), ("family_name", N(p.last)),
                 ("birthdate", D(fd(p.dob, "iso"))), ("email", E(p.email)), ("email_verified", "true")]
        if pr(0.6):
            pairs.append(("phone_number", Ph(fph(p.cell, "e164"))))
        if pr(0.5):
            pairs.append(("address", java_map([("street_address", addr_line(p)), ("locality", A(p.city)),
                                               ("region", p.state), ("postal_code", Z(p.zip)), ("country", "US")])))
        if pr(0.4):
            pairs.append(("mrn", M(p.mrn)))
        pairs += [("iss", iss), ("aud", "[portal-web]"), ("exp", str(epoch(t) + 300)), ("iat", str(epoch(t)))]
        return ["%s DEBUG %d --- [nio-8443-exec-%d] o.s.s.o.c.oidc.authentication.OidcIdTokenValidator : Decoded id_token claims: " % (
            t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000), ri(1, 99), ri(1, 20)), java_map(pairs)]
    claims = {"iss": iss, "sub": sub, "aud": "portal-mobile", "exp": epoch(t) + 300, "iat": epoch(t),
              "name": N(p.name("fl")), "given_name": N(p.first), "family_name": N(p.last), "email": E(p.email),
              "birthdate": D(fd(p.dob, "iso"))}
    if pr(0.5):
        claims["fhirUser"] = S("Patient/", M(fhir_pid()))
    if pr(0.5):
        claims["phone_number"] = Ph(fph(p.cell, "e164"))
    return ['{"level":"debug","time":"%s","msg":"id_token verified","claims":' % iso_ms(t), J(claims), "}"]


@tpl("oidc/jwks", False)
def t_oidc_free():
    t = rts()
    host = ch(["login.mercyvalley.org", "auth.saguarohealth.org", "id.northernplains.org"])
    return ["%s INFO  o.s.s.oauth2.jwt.NimbusJwtDecoder : " % t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], ch([
        "Refreshing JWKS from https://%s/.well-known/jwks.json: %d keys (kid=%s, alg=RS256)" % (host, ri(1, 4), b62(43)),
        "JWT rejected: token expired at %s (clock skew 60s)" % iso_s(t - td(minutes=ri(1, 90))),
        "Discovery document https://%s/.well-known/openid-configuration cached for 3600s" % host,
        "Signing certificate for kid=%s expires %s" % (hx(8), (t + td(days=ri(10, 400))).strftime("%Y-%m-%d"))])]


@tpl("okta/user_auth", True)
def t_okta():
    p = Pt()
    t = p.ref
    ev = ch([("user.session.start", "User login to Okta"), ("user.authentication.auth_via_mfa", "Authentication of user via MFA"),
             ("user.account.update_profile", "Update user profile for Okta"), ("user.mfa.factor.activate", "Activate factor for user")])
    ip = pub_ip()
    body = {"actor": {"id": "00u" + b62(17), "type": "User", "alternateId": E(p.email), "displayName": N(p.name("fl")),
                      "detailEntry": None},
            "client": {"userAgent": {"rawUserAgent": ch(UAS), "os": ch(["Mac OS X", "iOS", "Windows 10", "Android"]),
                                     "browser": ch(["CHROME", "SAFARI", "MOBILE_SAFARI", "FIREFOX"])},
                       "zone": "null", "device": ch(["Computer", "Mobile"]), "id": None, "ipAddress": IP(ip),
                       "geographicalContext": {"country": "United States"}},
            "authenticationContext": {"authenticationProvider": None, "credentialProvider": None, "credentialType": None,
                                      "issuer": None, "interface": None, "authenticationStep": 0,
                                      "externalSessionId": "102" + b62(22)},
            "displayMessage": ev[1], "eventType": ev[0], "outcome": {"result": ch(["SUCCESS", "SUCCESS", "FAILURE"]), "reason": None},
            "published": iso_ms(t), "securityContext": {"asNumber": ri(7000, 30000), "asOrg": ch(["comcast", "verizon", "t-mobile usa", "charter communications"]),
                                                        "isp": ch(["comcast cable", "verizon", "t-mobile"]), "domain": ch(["comcast.net", "verizon.net", "."]), "isProxy": False},
            "severity": "INFO", "debugContext": {"debugData": {"requestId": b62(27), "requestUri": "/idp/idx/challenge/answer",
                                                               "url": "/idp/idx/challenge/answer?", "threatSuspected": "false"}},
            "legacyEventType": None, "transaction": {"type": "WEB", "id": b62(27), "detail": {}}, "uuid": uuid4(), "version": "0",
            "request": {"ipChain": [{"ip": IP(ip), "version": "V4", "source": None}]},
            "target": [{"id": "00u" + b62(17), "type": "User", "alternateId": E(p.email), "displayName": N(p.name("fl"))}]}
    if ev[0] == "user.account.update_profile":
        body["debugContext"]["debugData"]["changedAttributes"] = "mobilePhone,streetAddress"
        body["target"][0]["detailEntry"] = {"mobilePhone": Ph(fph(p.cell, "e164")), "streetAddress": addr_line(p)}
    return J(body)


@tpl("okta/policy_eval", False)
def t_okta_free():
    t = rts()
    return J({"actor": {"id": "0oa" + b62(17), "type": "PublicClientApp", "alternateId": "svc-scim-provisioner", "displayName": "SCIM Provisioner"},
              "client": {"ipAddress": priv_ip(), "zone": "Corp-Egress", "device": "Unknown"},
              "displayMessage": ch(["Evaluation of sign-on policy", "Rate limit warning", "Sync user profiles"]),
              "eventType": ch(["policy.evaluate_sign_on", "system.org.rate_limit.warning", "system.import.complete"]),
              "outcome": {"result": ch(["ALLOW", "SUCCESS", "SKIPPED"])}, "published": iso_ms(t), "severity": ch(["INFO", "WARN"]),
              "debugContext": {"debugData": {"requestId": b62(27), "rateLimitBucketUri": "/api/v1/users", "rateLimitSecondsToReset": ri(1, 60)}},
              "uuid": uuid4(), "version": "0", "target": [{"id": "rst" + b62(17), "type": "PolicyRule", "displayName": "Staff MFA - Managed devices"}]})


@tpl("auth0/tenant_log", True)
def t_auth0():
    p = Pt()
    t = p.ref
    ty = ch([("s", "Success Login"), ("ss", "Success Signup"), ("fp", "Wrong email or password."), ("gd_send_sms", "Guardian - SMS sent")])
    log = {"date": iso_ms(t), "type": ty[0], "description": ty[1], "connection": "Username-Password-Authentication",
           "connection_id": "con_" + b62(16), "client_id": b62(32), "client_name": ch(["Patient Portal", "MyHealth iOS", "Bill Pay"]),
           "ip": IP(ch([pub_ip(), pub_ip(), pub_ip6()])), "user_agent": ch(["Chrome 122.0.0 / Mac OS X 10.15.7", "Mobile Safari 17.3.0 / iOS 17.3.1",
                                                                               "Chrome Mobile 121.0.6167 / Android 14.0.0"]),
           "details": {"prompts": [], "initiatedAt": epoch_ms(t) - ri(1000, 90000), "completedAt": epoch_ms(t), "elapsedTime": ri(1000, 90000)},
           "hostname": ch(["mercyvalley.us.auth0.com", "login.saguarohealth.org"]), "user_id": "auth0|" + hx(24),
           "user_name": E(p.email), "strategy": "auth0", "strategy_type": "database", "log_id": "900" + dg(53)}
    if ty[0] == "ss":
        log["details"]["body"] = {"email": E(p.email), "user_metadata": {"first_name": N(p.first), "last_name": N(p.last),
                                                                         "dob": D(fdany(p.dob, ["us", "iso", "usnz"])),
                                                                         "mobile": Ph(fph(p.cell))}}
    if ty[0] == "gd_send_sms":
        log["details"]["to"] = Ph(fph(p.cell, "e164"))
    return J(log)


# ---------------------------------------------------------------------------
# AWS edge and audit logs
# ---------------------------------------------------------------------------
REGIONS = ["us-east-1", "us-east-2", "us-west-2"]


@tpl("cloudtrail/s3_data", True)
def t_cloudtrail():
    p = Pt()
    t = p.ref
    acct = aws_acct()
    bucket = ch(["acme-ehr-exports-prod", "mvmc-radiology-archive", "saguaro-scanned-docs", "np-claims-attachments"])
    kind = ri(0, 2)
    dte = t.date() - td(days=ri(0, 400))
    lname = up(p.last).replace(" ", "").replace("'", "").replace(".", "")
    if kind == 0:
        key = ["radiology/%s/" % ch(["ct", "mr", "xr", "us"]), M(p.mrn), "/", N("%s_%s" % (lname, up(p.first))), "_",
               D(fd(p.dob, "hl7")), "_%s.dcm" % ch(["CT_CHEST", "MR_KNEE_L", "XR_HAND_R"])]
    elif kind == 1:
        key = ["scanned/intake/dos=", D(fd(dte, "iso")), "/", M(p.mrn), "-", N("%s-%s" % (p.last.replace(" ", "-"), p.first)),
               "-insurance-card.pdf"]
    else:
        key = ["claims/attachments/", O(claim_id()), "/", M(p.mrn), "_", D(fd(dte, "hl7")), "_op_note.pdf"]
    role = ch(["ehr-export-role", "doc-ingest-lambda", "radiology-sync"])
    ev = ch(["GetObject", "PutObject", "DeleteObject", "HeadObject"])
    body = {"eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "principalId": "AROA%s:%s" % (alnum(17), ch(["i-0" + hx(16), "botocore-session-" + dg(10)])),
                             "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role, "i-0" + hx(16)), "accountId": acct,
                             "accessKeyId": "ASIA" + alnum(16)},
            "eventTime": iso_s(t), "eventSource": "s3.amazonaws.com", "eventName": ev, "awsRegion": ch(REGIONS),
            "sourceIPAddress": priv_ip() if pr(0.6) else "%s.amazonaws.com" % ch(["lambda", "ec2"]),
            "userAgent": "[aws-sdk-java/2.21.%d Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.9]" % ri(1, 40),
            "requestParameters": {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, ch(REGIONS)), "key": S(key)},
            "responseElements": None,
            "additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                    "bytesTransferredIn": 0 if ev != "PutObject" else ri(1000, 9000000),
                                    "bytesTransferredOut": ri(1000, 9000000) if ev == "GetObject" else 0,
                                    "x-amz-id-2": b62(60)},
            "requestID": alnum(16), "eventID": uuid4(), "readOnly": ev in ("GetObject", "HeadObject"),
            "resources": [{"type": "AWS::S3::Object", "ARN": S("arn:aws:s3:::%s/" % bucket, key)},
                          {"accountId": acct, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}],
            "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": acct, "eventCategory": "Data"}
    return J(body)


@tpl("cloudtrail/assume_role", False)
def t_cloudtrail_free():
    t = rts()
    acct = aws_acct()
    role = ch(["ehr-export-role", "ci-deploy", "OrganizationAccountAccessRole", "datadog-integration"])
    return J({"eventVersion": "1.08", "userIdentity": {"type": "AWSService", "invokedBy": ch(["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"])},
              "eventTime": iso_s(t), "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "awsRegion": ch(REGIONS),
              "sourceIPAddress": ch(["lambda.amazonaws.com", "ec2.amazonaws.com"]), "userAgent": ch(["lambda.amazonaws.com", "ec2.amazonaws.com"]),
              "requestParameters": {"roleArn": "arn:aws:iam::%s:role/%s" % (acct, role), "roleSessionName": "i-0" + hx(16), "durationSeconds": ch([900, 3600])},
              "responseElements": {"credentials": {"accessKeyId": "ASIA" + alnum(16), "sessionToken": "IQoJb3JpZ2luX2Vj" + b62(40),
                                                   "expiration": (t + td(hours=1)).strftime("%b %d, %Y, %I:%M:%S %p")}},
              "requestID": uuid4(), "eventID": uuid4(), "readOnly": True,
              "resources": [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::%s:role/%s" % (acct, role)}],
              "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": acct,
              "sharedEventID": uuid4(), "eventCategory": "Management"})


def portal_host():
    return ch(["portal.mercyvalley.org", "mychart.saguarohealth.org", "my.northernplains.org", "patient.bayouregional.org"])


@tpl("aws_waf/waf_json", True)
def t_waf():
    p = Pt()
    t = p.ref
    acct = aws_acct()
    ip = pub_ip()
    host = portal_host()
    v = ri(0, 2)
    if v == 0:
        uri = ["/api/v1/patients/", M(p.mrn), "/documents"]
        args = ["lastName=", N(urlq(p.last)), "&dob=", D(urlq(fdany(p.dob, ["us", "iso", "usnz"])))]
        rule, ctype, loc = "AWS-AWSManagedRulesSQLiRuleSet", "SQL_INJECTION", "QUERY_STRING"
    elif v == 1:
        uri = ["/scheduling/confirm"]
        args = ["appt=", O(csn()), "&phone=", Ph(urlq(fph(p.cell))), "&name=", N(formq(p.name("fl")))]
        rule, ctype, loc = "AWS-AWSManagedRulesCommonRuleSet", "XSS", "QUERY_STRING"
    else:
        uri = ["/billing/pay"]
        args = ["acct=", AC(account()), "&email=", E(urlq(p.email))]
        rule, ctype, loc = "RateLimit-Portal-Login", "RATE_BASED", "HEADER"
    body = {"timestamp": epoch_ms(t), "formatVersion": 1,
            "webaclId": "arn:aws:wafv2:%s:%s:regional/webacl/portal-acl/%s" % (ch(REGIONS), acct, uuid4()),
            "terminatingRuleId": rule, "terminatingRuleType": "MANAGED_RULE_GROUP" if "AWS-" in rule else "RATE_BASED",
            "action": ch(["BLOCK", "BLOCK", "COUNT"]),
            "terminatingRuleMatchDetails": [{"conditionType": ctype, "location": loc, "matchedData": ["'", "OR"] if ctype == "SQL_INJECTION" else ["<"]}] if ctype != "RATE_BASED" else [],
            "httpSourceName": "ALB", "httpSourceId": "%s-app/portal-alb/%s" % (acct, hx(16)), "ruleGroupList": [],
            "rateBasedRuleList": [], "nonTerminatingMatchingRules": [], "requestHeadersInserted": None, "responseCodeSent": None,
            "httpRequest": {"clientIp": IP(ip), "country": "US",
                            "headers": [{"name": "Host", "value": host}, {"name": "User-Agent", "value": ch(UAS)},
                                        {"name": "X-Forwarded-For", "value": IP(ip)}],
                            "uri": S(uri), "args": S(args), "httpVersion": "HTTP/2.0", "httpMethod": ch(["GET", "POST"]),
                            "requestId": "1-%s-%s" % (hx(8), hx(24))},
            "labels": [{"name": "awswaf:managed:aws:core-rule-set:CrossSiteScripting_QueryArguments"}] if ctype == "XSS" else []}
    return J(body)


@tpl("aws_waf/rate_rule", False)
def t_waf_free():
    t = rts()
    acct = aws_acct()
    return J({"timestamp": epoch_ms(t), "formatVersion": 1,
              "webaclId": "arn:aws:wafv2:%s:%s:regional/webacl/portal-acl/%s" % (ch(REGIONS), acct, uuid4()),
              "terminatingRuleId": ch(["AWS-AWSManagedRulesKnownBadInputsRuleSet", "AWS-AWSManagedRulesAmazonIpReputationList", "Default_Action"]),
              "terminatingRuleType": "MANAGED_RULE_GROUP", "action": ch(["BLOCK", "ALLOW"]),
              "httpSourceName": "ALB", "httpSourceId": "%s-app/portal-alb/%s" % (acct, hx(16)),
              "httpRequest": {"clientIp": "%d.%d.%d.%d" % (ch([45, 185, 193, 89]), ri(0, 255), ri(0, 255), ri(1, 254)), "country": ch(["NL", "RU", "CN", "BR", "VN"]),
                              "headers": [{"name": "Host", "value": portal_host()}, {"name": "User-Agent", "value": ch(["zgrab/0.x", "python-requests/2.31.0", "Mozilla/5.0 zgrab", "masscan/1.3"])}],
                              "uri": ch(["/wp-login.php", "/.env", "/actuator/gateway/routes", "/cgi-bin/luci/;stok=/locale", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"]),
                              "args": "", "httpVersion": "HTTP/1.1", "httpMethod": ch(["GET", "POST"]), "requestId": "1-%s-%s" % (hx(8), hx(24))},
              "labels": [{"name": "awswaf:managed:aws:amazon-ip-list:AWSManagedIPReputationList"}]})


def alb_line(t, client, target, req, ua, status=200, host=None):
    acct = aws_acct()
    host = host or portal_host()
    return ["%s %s app/portal-prod/%s " % (ch(["https", "h2"]), iso_us(t), hx(16)), client, ":%d %s:%d %.3f %.3f %.3f %d %d %d %d \"" % (
        ri(1024, 65535), target, 8080, R.uniform(0, 0.002), R.uniform(0.001, 1.5), 0.0, status, status, ri(200, 3000), ri(200, 90000)),
            req, "\" \"%s\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:%s:%s:targetgroup/portal-api/%s \"Root=1-%s-%s\" \"%s\" \"arn:aws:acm:%s:%s:certificate/%s\" 0 %s \"forward\" \"-\" \"-\" \"%s:8080\" \"%d\" \"-\" \"-\" TID_%s" % (
                ua, ch(REGIONS), acct, hx(16), hx(8), hx(24), host, ch(REGIONS), acct, uuid4(), iso_us(t - td(milliseconds=ri(1, 900))), target, status, hx(32))]


@tpl("alb/access", True)
def t_alb():
    p = Pt()
    t = p.ref
    host = portal_host()
    v = ri(0, 3)
    if v == 0:
        req = ["GET ", U("https://%s:443/api/v2/patients/%s/visits?from=%s" % (host, p.mrn, fd(t.date() - td(days=ri(30, 400)), "iso"))), " HTTP/2.0"]
    elif v == 1:
        req = ["GET https://%s:443/api/v2/search?" % host, "last=", N(urlq(p.last)), "&first=", N(urlq(p.first)), "&dob=",
               D(urlq(fdany(p.dob, ["iso", "us", "hl7"]))), " HTTP/2.0"]
    elif v == 2:
        req = ["POST https://%s:443/api/v2/messages/send HTTP/2.0" % host]
    else:
        req = ["GET ", U("https://%s:443/api/v2/documents/download?mrn=%s&doc=%s" % (host, p.mrn, hx(12))), " HTTP/1.1"]
    ip = IP(pub_ip6()) if pr(0.15) else IP(pub_ip())
    return alb_line(t, ip, priv_ip(), req, ch(UAS), ch([200, 200, 200, 304, 404, 500]), host)


@tpl("alb/health", False)
def t_alb_free():
    t = rts()
    tgt = priv_ip()
    req = ch(["GET http://%s:8080/actuator/health HTTP/1.1" % tgt, "GET https://api-internal.mercyvalley.org:443/status HTTP/1.1",
              "GET https://%s:443/static/js/main.%s.js HTTP/2.0" % (portal_host(), hx(8))])
    return alb_line(t, priv_ip(), tgt, req, ch(["ELB-HealthChecker/2.0", "Datadog/Synthetics", "kube-probe/1.29", "curl/8.5.0"]),
                    ch([200, 200, 503]))


def cf_line(t, cip, host, stem, status, referer, ua, query, edge=None):
    edge = edge or ch(["IAD89-C1", "DFW56-P3", "SEA19-C2", "ORD58-P7", "LAX3-C4", "ATL59-P1"])
    return ["%s\t%s\t%s\t%d\t" % (t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"), edge, ri(300, 90000)), cip,
            "\tGET\td%s.cloudfront.net\t" % alnum(13, "abcdefghijklmnopqrstuvwxyz0123456789"), stem, "\t%d\t" % status, referer,
            "\t%s\t" % ua, query, "\t-\t%s\t%s==\t%s\thttps\t%d\t%.3f\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\t%s\tHTTP/2.0\t-\t-\t%d\t%.3f\t%s\t%s\t%d\t-\t-" % (
                ch(["Miss", "Hit", "RefreshHit"]), b62(54), host, ri(60, 900), R.uniform(0.001, 0.9), ch(["Miss", "Hit"]),
                ri(1024, 65535), R.uniform(0.001, 0.5), ch(["Miss", "Hit"]), ch(["application/json", "text/html", "application/pdf"]), ri(100, 90000))]


def cf_enc(s):
    """CloudFront log encoding of an already URL-encoded query value (% -> %25)"""
    return s.replace("%", "%25")


@tpl("cloudfront/std_log", True)
def t_cf():
    p = Pt()
    t = p.ref
    host = portal_host()
    ua = ch(UAS).replace(" ", "%20")
    v = ri(0, 2)
    ip = IP(pub_ip())
    if v == 0:
        stem = ["/api/appointments/", O(csn())]
        q = ["patient=", M(p.mrn), "&lastName=", N(cf_enc(formq(p.last))), "&dob=", D(cf_enc(urlq(fdany(p.dob, ["us", "iso"]))))]
        ref = "https://%s/appointments" % host
    elif v == 1:
        stem = ["/reports/lab/", M(p.mrn), "/", D(fd(t.date() - td(days=ri(1, 60)), "iso")), ".pdf"]
        q = ["Expires=%d&Signature=%s&Key-Pair-Id=K%s" % (epoch(t) + 300, b62(40), alnum(13))]
        ref = "-"
    else:
        stem = ["/api/intake"]
        q = ["email=", E(cf_enc(urlq(p.email))), "&phone=", Ph(cf_enc(urlq(fph(p.cell)))), "&zip=", Z(p.zip)]
        ref = [U("https://%s/intake?mrn=%s" % (host, p.mrn))] if pr(0.5) else "https://%s/intake" % host
    return cf_line(t, ip, host, stem, ch([200, 200, 206, 403]), ref, ua, q)


@tpl("cloudfront/static", False)
def t_cf_free():
    t = rts()
    host = ch(["www.mercyvalley.org", "www.saguarohealth.org", "careers.northernplains.org"])
    bot = ch([("66.249.%d.%d" % (ri(64, 95), ri(1, 254)), "Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html)"),
              ("40.77.%d.%d" % (ri(160, 191), ri(1, 254)), "Mozilla/5.0%20(compatible;%20bingbot/2.0;%20+http://www.bing.com/bingbot.htm)"),
              ("%s" % priv_ip(), "Amazon%20CloudFront"), ("52.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254)), "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)")])
    stem = ch(["/locations/tucson-main-campus", "/static/css/site.%s.css" % hx(8), "/careers/nursing", "/robots.txt",
               "/images/hero-%d.webp" % ri(1, 20), "/find-a-doctor"])
    return cf_line(t, bot[0], host, stem, ch([200, 304, 301]), "-", bot[1], ch(["-", "utm_source=google", "v=%s" % hx(6)]))


@tpl("vpc_flow/flow", False)
def t_vpc():
    t = rts()
    acct = aws_acct()
    s = epoch(t)
    src, dst = priv_ip(), ch([priv_ip(), priv_ip(), "52.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254))])
    if pr(0.5):
        return "2 %s eni-%s %s %s %d %d %d %d %d %d %d %s OK" % (acct, hx(17), src, dst, ri(1024, 65535), ch([443, 5432, 6379, 2575, 8080]),
                                                               ch([6, 6, 17]), ri(1, 900), ri(60, 900000), s, s + 60, ch(["ACCEPT", "ACCEPT", "REJECT"]))
    return "5 %s eni-%s vpc-%s subnet-%s i-0%s %s %s %d %d 6 %d %d %d %d %s OK %s %s %s ingress 19" % (
        acct, hx(17), hx(17), hx(17), hx(16), src, dst, ri(1024, 65535), ch([443, 5432, 2575]), ri(1, 900), ri(60, 900000),
        s, s + 60, ch(["ACCEPT", "REJECT"]), ch(REGIONS), ch(["use1-az1", "use1-az4", "usw2-az2"]), ch(["-", "S3", "AMAZON"]))



# ---------------------------------------------------------------------------
# application / APM logs
# ---------------------------------------------------------------------------
SERVICES = ["scheduling-api", "intake-svc", "claims-api", "portal-bff", "rx-refill", "eligibility-svc", "referral-api", "billing-worker"]


def logfmt_val(v):
    """returns (prefix, escaped, suffix) for a logfmt/logrus value"""
    if v and all(c.isalnum() and ord(c) < 128 or c in "-._/@^+:" for c in v):
        return "", v, ""
    return '"', v.replace("\\", "\\\\").replace('"', '\\"'), '"'


def lf(key, v, typ=None, kind=None):
    a, b, c = logfmt_val(v)
    return [" %s=%s" % (key, a), P(b, typ, kind, raw=v) if typ else b, c]


@tpl("datadog/apm_log", True)
def t_dd():
    p = Pt()
    t = p.ref
    svc = ch(SERVICES)
    v = ri(0, 3)
    if v == 0:
        msg = S("Eligibility lookup failed for member ", H(member_id()), " (DOB ", D(fdany(p.dob, ["us", "iso", "usnz"])), "): payer timeout")
    elif v == 1:
        msg = S("Appointment reminder queued for ", N(p.name(ch(["fl", "lf"]))), " at ", Ph(fph(p.cell)))
    elif v == 2:
        msg = S("Refill request RX ", O(rxno()), " created for patient ", M(p.mrn))
    else:
        msg = S("Password reset requested for ", E(p.email))
    body = {"timestamp": iso_ms(t), "status": ch(["info", "warn", "error"]), "service": svc, "host": "ip-%s" % priv_ip().replace(".", "-"),
            "logger": {"name": "com.acme.%s.%s" % (svc.split("-")[0], ch(["Handler", "Service", "Client"])), "thread_name": "http-nio-8080-exec-%d" % ri(1, 50)},
            "message": msg, "dd": {"trace_id": str(ri(10 ** 18, 9 * 10 ** 18)), "span_id": str(ri(10 ** 18, 9 * 10 ** 18)),
                                   "env": ch(["prod", "production"]), "version": semver(), "service": svc}}
    if pr(0.5):
        body["network"] = {"client": {"ip": IP(pub_ip())}}
    if pr(0.3):
        body["usr"] = {"email": E(p.email), "id": hx(24)}
    if pr(0.3):
        body["http"] = {"url": U("https://%s/api/patients/%s/summary" % (portal_host(), p.mrn)), "method": "GET", "status_code": ch([200, 502, 504])}
    return J(body)


@tpl("datadog/agent", False)
def t_dd_free():
    t = rts()
    return ["%s UTC | %s | %s | " % (t.strftime("%Y-%m-%d %H:%M:%S"), ch(["CORE", "TRACE", "PROCESS"]), ch(["INFO", "WARN", "ERROR"])), ch([
        "(pkg/collector/runner/runner.go:327 in work) | check:disk | Done running check",
        "(pkg/forwarder/transaction/transaction.go:366 in internalProcess) | Successfully posted payload to \"https://7-52-0-app.agent.datadoghq.com/api/v1/check_run\"",
        "(pkg/trace/writer/trace.go:%d in flush) | Flushed traces to the API; time: %dms, bytes: %d" % (ri(100, 400), ri(5, 900), ri(1000, 900000)),
        "(pkg/collector/python/datadog_agent.go:126 in LogMessage) | postgres:%s | (postgres.py:%d) | Unable to collect statement metrics: permission denied for view pg_stat_statements" % (hx(16), ri(100, 900)),
        "(comp/core/config/setup.go:%d in LoadDatadogCustom) | Agent %s started, hostname ip-%s" % (ri(100, 900), semver(), priv_ip().replace(".", "-")),
        "(pkg/logs/launchers/file/launcher.go:%d in scan) | Container log file /var/log/pods/default_%s/app/0.log rotated" % (ri(100, 500), pod(ch(SERVICES)))])]


def otel_attr(k, v):
    if isinstance(v, int) and not isinstance(v, bool):
        return {"key": k, "value": {"intValue": str(v)}}
    return {"key": k, "value": {"stringValue": v}}


@tpl("otel/otlp_log", True)
def t_otel():
    p = Pt()
    t = p.ref
    svc = ch(SERVICES)
    start = (t + td(days=ri(1, 40))).replace(hour=ri(7, 17), minute=ch([0, 15, 30, 45]), second=0, microsecond=0)
    ev = ri(0, 2)
    if ev == 0:
        body = "appointment booked"
        attrs = [otel_attr("patient.mrn", M(p.mrn)), otel_attr("patient.name", N(p.name("fl"))),
                 otel_attr("appointment.start", D(start.strftime("%Y-%m-%dT%H:%M:%S") + tz_off())), otel_attr("appointment.id", O(csn()))]
    elif ev == 1:
        body = "coverage verified"
        attrs = [otel_attr("member.id", H(member_id())), otel_attr("member.dob", D(fd(p.dob, "iso"))),
                 otel_attr("payer", ch(PAYERS)), otel_attr("http.status_code", 200)]
    else:
        body = "sms delivery failed"
        attrs = [otel_attr("recipient", Ph(fph(p.cell, "e164"))), otel_attr("patient.mrn", M(p.mrn)),
                 otel_attr("error.type", "30006"), otel_attr("retry", ri(1, 3))]
    if pr(0.3):
        attrs.append(otel_attr("client.address", IP(pub_ip())))
    doc = {"resourceLogs": [{"resource": {"attributes": [otel_attr("service.name", svc), otel_attr("service.version", semver()),
                                                           otel_attr("k8s.pod.name", pod(svc)), otel_attr("k8s.namespace.name", "clinical")]},
                             "scopeLogs": [{"scope": {"name": "com.acme.%s" % svc.split("-")[0], "version": semver()},
                                            "logRecords": [{"timeUnixNano": str(epoch_ms(t) * 1000000 + ri(0, 999999)),
                                                            "observedTimeUnixNano": str(epoch_ms(t) * 1000000 + ri(1000000, 9000000)),
                                                            "severityNumber": 9, "severityText": "INFO", "body": {"stringValue": body},
                                                            "attributes": attrs, "traceId": hx(32), "spanId": hx(16)}]}]}]}
    return J(doc)


@tpl("otel/collector", False)
def t_otel_free():
    t = rts()
    return [iso_ms(t), "\t", ch(["info", "warn", "error"]), "\t", ch([
        "exporterhelper/queue_sender.go:90\tExporting failed. Will retry the request after interval.\t{\"kind\": \"exporter\", \"data_type\": \"logs\", \"name\": \"otlphttp\", \"error\": \"failed to make an HTTP request: context deadline exceeded\", \"interval\": \"%.1fs\"}" % R.uniform(1, 30),
        "service@v0.%d.0/service.go:%d\tEverything is ready. Begin running and processing data.\t{\"kind\": \"service\"}" % (ri(90, 110), ri(100, 300)),
        "memorylimiter/memorylimiter.go:%d\tMemory usage is above soft limit. Forcing a GC.\t{\"kind\": \"processor\", \"name\": \"memory_limiter\", \"cur_mem_mib\": %d}" % (ri(100, 400), ri(400, 2000)),
        "batchprocessor@v0.%d.0/batch_processor.go:%d\tSender failed\t{\"kind\": \"processor\", \"name\": \"batch\", \"error\": \"sending queue is full\"}" % (ri(90, 110), ri(100, 300)),
        "k8sattributesprocessor@v0.%d.0/processor.go:%d\tevaluating pod identifier\t{\"kind\": \"processor\", \"value\": [{\"Source\": {\"From\": \"connection\", \"Name\": \"\"}, \"Value\": \"%s\"}]}" % (ri(90, 110), ri(100, 200), priv_ip())])]


@tpl("go_log/zap_logrus", True)
def t_go():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    if v == 0:
        fields = {"mrn": M(p.mrn), "patient": {"name": N(p.name(ch(["fl", "FL"]))), "dob": D(fd(p.dob, "iso"))},
                  "phone": Ph(fph(p.cell, ch(["e164", "dash"]))), "requestId": uuid4()}
        if pr(0.3):
            fields["insurance"] = {"memberId": H(member_id()), "payer": ch(PAYERS)}
        return J(dict([("level", ch(["info", "warn", "error"])), ("ts", round(epoch(t) + t.microsecond / 1e6, 6)),
                       ("caller", "intake/handler.go:%d" % ri(40, 400)), ("msg", ch(["intake form submitted", "duplicate patient suspected"]))] + list(fields.items())))
    if v == 1:
        fields = {"mrn": M(p.mrn), "name": N(p.name("lf")), "zip": Z(p.zip)}
        if pr(0.5):
            fields["email"] = E(p.email)
        return ["%s\t%s\t%s\t%s\t" % (t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + ch(["-0500", "-0700", "-0600"]),
                                      ch(["INFO", "WARN", "DEBUG"]), "portal/sync.go:%d" % ri(40, 400), ch(["profile synced", "address normalized"])),
                J(fields, sep=(", ", ": "))]
    out = ['time="%s" level=%s msg="address validation failed"' % (t.strftime("%Y-%m-%dT%H:%M:%S") + tz_off(), ch(["warning", "error", "info"]))]
    out += lf("city", p.city, "ADDRESS")
    out += lf("mrn", p.mrn, "MRN")
    out += lf("street", p.street + (" " + p.unit if p.unit else ""), "ADDRESS")
    out += lf("zip", p.zip, "ZIP")
    return out


@tpl("go_log/zerolog", False)
def t_go_free():
    t = rts()
    return J({"level": ch(["info", "debug", "warn"]), "service": ch(["billing-batch", "fee-schedule-sync", "edi-poller"]),
              "time": iso_s(t, tz_off()), "rows": ri(0, 90000), "duration_ms": ri(1, 90000),
              "batch_id": "%s-%03d" % (t.strftime("%Y%m%d"), ri(1, 40)), "git_sha": hx(7), "pod": pod("billing-batch"),
              "message": ch(["batch complete", "polling sftp", "fee schedule refreshed", "no files found"])})


@tpl("rails/request", True)
def t_rails():
    p = Pt()
    t = p.ref
    rid = uuid4()
    ip = pub_ip()
    v = ri(0, 2)
    tag = "[%s] " % rid if pr(0.6) else ""
    if v == 0:
        return ["I, [%s #%d]  INFO -- : %sStarted %s \"/patients/" % (t.strftime("%Y-%m-%dT%H:%M:%S.%f"), ri(1, 99), tag, ch(["GET", "POST", "PATCH"])),
                M(p.mrn), "/%s\" for " % ch(["appointments", "messages", "statements", "appointments/new"]), IP(ip),
                " at %s" % (t.strftime("%Y-%m-%d %H:%M:%S ") + ch(["-0500", "-0700", "-0600"]))]
    start = (t + td(days=ri(1, 40))).replace(hour=ri(7, 17), minute=ch([0, 30]))
    params = {"authenticity_token": "[FILTERED]",
              "appointment": {"patient_name": N(p.name(ch(["fl", "fml"]))), "dob": D(fdany(p.dob, ["us", "usnz", "iso"])),
                              "phone": Ph(fph(p.cell)), "reason": ch(["follow up bp", "knee pain", "med refill", "annual physical"]),
                              "starts_at": D(start.strftime("%Y-%m-%d %H:%M"))},
              "commit": "Request appointment", "patient_id": M(p.mrn)}
    if pr(0.3):
        params["appointment"]["insurance_member_id"] = H(member_id())
    if v == 1:
        return ["I, [%s #%d]  INFO -- : %s  Parameters: " % (t.strftime("%Y-%m-%dT%H:%M:%S.%f"), ri(1, 99), tag), RB(params)]
    return ["method=POST path=/patients/", M(p.mrn), "/appointments format=html controller=AppointmentsController action=create status=%d duration=%.2f view=%.2f db=%.2f remote_ip=" % (
        ch([302, 422, 200]), R.uniform(10, 900), R.uniform(0, 200), R.uniform(0, 90)), IP(ip), " request_id=%s params=" % rid, RB(params)]


@tpl("rails/active_job", False)
def t_rails_free():
    t = rts()
    job = ch(["ReminderBatchJob", "StatementPdfJob", "FeeScheduleImportJob", "EligibilityRefreshJob"])
    jid = uuid4()
    return ["I, [%s #%d]  INFO -- : [ActiveJob] [%s] [%s] " % (t.strftime("%Y-%m-%dT%H:%M:%S.%f"), ri(1, 99), job, jid), ch([
        "Performing %s (Job ID: %s) from Sidekiq(default) enqueued at %s" % (job, jid, iso_s(t - td(seconds=ri(1, 600)))),
        "Performed %s (Job ID: %s) from Sidekiq(default) in %.2fms" % (job, jid, R.uniform(5, 90000)),
        "  Batch %d/%d processed %d records" % (ri(1, 9), 10, ri(10, 5000)),
        "Retrying %s (Job ID: %s) after %d attempts in %d seconds, due to a Net::ReadTimeout (Net::ReadTimeout)." % (job, jid, ri(1, 5), ri(3, 600))])]


@tpl("fastapi/pydantic_uvicorn", True)
def t_fastapi():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    if v == 0:
        return ["INFO:     ", IP(pub_ip()), ":%d - \"GET /v1/patients/search?last_name=" % ri(1024, 65535), N(formq(p.last)), "&dob=",
                D(urlq(fdany(p.dob, ["iso", "us"]))), " HTTP/1.1\" %s" % ch(["200 OK", "422 Unprocessable Entity", "404 Not Found"])]
    if v == 1:
        errs = []
        if pr(0.6):
            errs.append({"type": "string_pattern_mismatch", "loc": ["body", "phone"], "msg": "String should match pattern '^\\+?[1-9]\\d{9,14}$'",
                         "input": Ph(fph_ext(p.cell) if pr(0.5) else fph(p.cell, ch(["paren", "dot", "space"]))), "ctx": {"pattern": "^\\+?[1-9]\\d{9,14}$"}})
        if pr(0.6) or not errs:
            errs.append({"type": "date_from_datetime_parsing", "loc": ["body", "date_of_birth"],
                         "msg": "Input should be a valid date or datetime, invalid character in year",
                         "input": D(fdany(p.dob, ["us2", "us2nz", "mdy_abbr", "dmy_long"]))})
        if pr(0.3):
            errs.append({"type": "string_too_short", "loc": ["body", "zip"], "msg": "String should have at least 5 characters",
                         "input": Z(p.zip + "-" + p.zip4), "ctx": {"min_length": 5}})
        return ['{"time": "%s", "level": "WARNING", "logger": "app.errors", "path": "/v1/intake", "detail": ' % t.strftime("%Y-%m-%d %H:%M:%S,%f")[:-3],
                J(errs, sep=(", ", ": ")), "}"]
    field = ch(["ssn", "email", "member_id"])
    if field == "ssn":
        val = pyrepr_piece(fssn(p.ssn, "plain"), "SSN")
        msg = "String should match pattern '^\\\\d{3}-\\\\d{2}-\\\\d{4}$' [type=string_pattern_mismatch, input_value="
    elif field == "email":
        val = pyrepr_piece(p.email.upper(), "EMAIL")
        msg = "value is not a valid email address: The part after the @-sign is not valid [type=value_error, input_value="
    else:
        val = pyrepr_piece(member_id().lower(), "HEALTH_PLAN_ID")
        msg = "String should match pattern '^[A-Z0-9]{9,14}$' [type=string_pattern_mismatch, input_value="
    return ['{"event": "validation failed", "level": "error", "timestamp": "%s", "exc_info": "pydantic_core._pydantic_core.ValidationError: 1 validation error for PatientIn\\n%s\\n  %s' % (
        iso_ms(t), field, msg), val, ', input_type=str]\\n    For further information visit https://errors.pydantic.dev/2.6/v/string_pattern_mismatch"}']


@tpl("fastapi/startup", False)
def t_fastapi_free():
    t = rts()
    return ch([["INFO:     Started server process [%d]" % ri(1, 99)], ["INFO:     Waiting for application startup."],
               ["INFO:     Application startup complete."], ["INFO:     app version %s (build %s, commit %s)" % (semver(), (t - td(days=ri(1, 90))).strftime("%Y-%m-%dT%H:%M:%SZ"), hx(7))], ["INFO:     Uvicorn running on http://0.0.0.0:%d (Press CTRL+C to quit)" % ch([8000, 8080, 80])],
               ["INFO:     %s:%d - \"GET /healthz HTTP/1.1\" 200 OK" % (priv_ip(), ri(1024, 65535))],
               ["INFO:     %s:%d - \"GET /metrics HTTP/1.1\" 200 OK" % (priv_ip(), ri(1024, 65535))],
               ['{"time": "%s", "level": "INFO", "logger": "app.db", "msg": "connection pool ready", "size": %d, "dsn": "postgresql://app@%s:5432/intake"}' % (
                   t.strftime("%Y-%m-%d %H:%M:%S,%f")[:-3], ri(5, 40), priv_ip())],
               ["WARNING:  Invalid HTTP request received."]])


@tpl("django/request_log", True)
def t_django():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    ts = t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)
    if v == 0:
        args = ["args=("] + pyrepr_piece(p.last, "NAME") + [", "] + pyrepr_piece(fd(p.dob, "iso"), "DATE") + [")"]
        return ["DEBUG %s utils %d %d (%.3f) SELECT \"patients_patient\".\"id\", \"patients_patient\".\"mrn\" FROM \"patients_patient\" WHERE (\"patients_patient\".\"last_name\" = '" % (
            ts, ri(10, 900), ri(10 ** 14, 10 ** 15), R.uniform(0.001, 0.3)), N(sqlq(p.last)),
                "' AND \"patients_patient\".\"birth_date\" = '", D(fd(p.dob, "iso")), "'::date) LIMIT 21; ", args + ["; alias=default"]]
    if v == 1:
        return ["WARNING %s log %d %d Not Found: /patients/" % (ts, ri(10, 900), ri(10 ** 14, 10 ** 15)), M(p.mrn),
                "/records/", D(fd(t.date() - td(days=ri(1, 300)), "iso")), "/"]
    data = {"first_name": P(p.first, "NAME"), "last_name": P(p.last, "NAME"), "dob": P(fdany(p.dob, ["us", "iso", "us2"]), "DATE"),
            "phone": P(fph(p.cell, ch(["dot", "plain", "space"])), "PHONE"), "referring_npi": P(npi(), "NPI")}
    errs = {"phone": ["Enter a valid phone number (e.g. +12125552368)."], "referring_npi": ["NPI not found in NPPES registry."]}
    return ["INFO %s views %d %d ReferralForm invalid: " % (ts, ri(10, 900), ri(10 ** 14, 10 ** 15)), PY(errs), " data=", PY(data)]


@tpl("django/gunicorn", False)
def t_django_free():
    t = rts()
    ts = t.strftime("[%Y-%m-%d %H:%M:%S +0000]")
    return ch([["%s [%d] [INFO] Booting worker with pid: %d" % (ts, ri(1, 9), ri(7, 900))],
               ["%s [%d] [CRITICAL] WORKER TIMEOUT (pid:%d)" % (ts, ri(1, 9), ri(7, 900))],
               ["%s [%d] [INFO] Listening at: http://0.0.0.0:8000 (%d)" % (ts, ri(1, 9), ri(1, 9))],
               ["%s - - [%s] \"GET /health/ HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\"" % (priv_ip(), t.strftime("%d/%b/%Y:%H:%M:%S +0000"))],
               ["%s [%d] [INFO] Using worker: gthread" % (ts, ri(1, 9))],
               ["Applying referrals.%04d_%s... OK" % (ri(1, 80), ch(["add_referral_status", "alter_patient_phone", "auto_20240311_1422"]))]])


@tpl("spring/validation", True)
def t_spring():
    p = Pt()
    t = p.ref
    field, typ, val, rule = ch([
        ("memberId", "HEALTH_PLAN_ID", member_id().lower(), "must match \"^[A-Z0-9]{9,14}$\""),
        ("dateOfBirth", "DATE", fdany(p.dob, ["us", "dmy_abbr", "usnz"]), "must match \"^\\d{4}-\\d{2}-\\d{2}$\""),
        ("phone", "PHONE", fph_ext(p.cell), "must match \"^\\+?[0-9]{10,15}$\""),
        ("email", "EMAIL", p.email, "must not be a free webmail domain"),
        ("postalCode", "ZIP", p.zip + p.zip4, "size must be between 5 and 5"),
        ("ssn", "SSN", fssn(p.ssn, "space"), "must match \"^\\d{3}-\\d{2}-\\d{4}$\""),
        ("lastName", "NAME", p.last + " " + p.first, "must match \"^[A-Za-z' -]{1,35}$\"")])
    obj = ch(["referralRequest", "patientRegistration", "coverageUpdate"])
    pre = "%s  WARN %d --- [%s] [nio-8080-exec-%d] .w.s.m.s.DefaultHandlerExceptionResolver : " % (
        t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + tz_off(), ri(1, 9), ch(SERVICES), ri(1, 50))
    return [pre, "Resolved [org.springframework.web.bind.MethodArgumentNotValidException: Validation failed for argument [0] in public org.springframework.http.ResponseEntity<com.acme.api.ApiResponse> com.acme.api.%sController.create(com.acme.api.%s): [Field error in object '%s' on field '%s': rejected value [" % (
        obj[0].upper() + obj[1:].replace("Request", "").replace("Registration", "").replace("Update", ""), obj[0].upper() + obj[1:], obj, field),
            P(val, typ), "]; codes [Pattern.%s.%s,Pattern.%s,Pattern.java.lang.String,Pattern]; arguments [org.springframework.context.support.DefaultMessageSourceResolvable: codes [%s.%s,%s]; arguments []; default message [%s]]; default message [%s]] ]" % (
                obj, field, field, obj, field, field, field, rule)]


@tpl("spring/actuator", False)
def t_spring_free():
    t = rts()
    pre = "%s  INFO %d --- [%s] [           main] " % (t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + tz_off(), ri(1, 9), ch(SERVICES))
    return [pre, ch([
        "o.s.b.a.e.web.EndpointLinksResolver      : Exposing %d endpoint(s) beneath base path '/actuator'" % ri(2, 8),
        "o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port %d (http) with context path ''" % ch([8080, 8081]),
        "c.a.r.ReferralApplication                : Started ReferralApplication in %.3f seconds (process running for %.3f)" % (R.uniform(3, 20), R.uniform(4, 22)),
        "o.s.b.a.h.HealthEndpointSupport          : Health contributor db (db) took %dms to respond: {\"status\":\"UP\",\"details\":{\"database\":\"PostgreSQL\",\"validationQuery\":\"isValid()\"}}" % ri(1, 900),
        "o.s.b.a.l.ConditionEvaluationReportLogger : Error starting ApplicationContext. To display the condition evaluation report re-run your application with 'debug' enabled.",
        "c.a.r.ReferralApplication                : The following 1 profile is active: \"prod\""])]


@tpl("dotnet/ilogger", True)
def t_dotnet():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    cat = ch(["Acme.Portal.Controllers.MessagesController", "Acme.Intake.Services.RegistrationService", "Acme.Billing.StatementService"])
    if v == 0:
        return ["%s: %s[%d] " % (ch(["info", "warn"]), cat, ri(1000, 1999)), ch([
            ["Secure message sent to patient ", M(p.mrn), " (", N(p.name("fl")), ")"],
            ["Statement for guarantor ", N(p.name("lf")), " account ", AC(account()), " mailed to ", addr_line(p), ", ", A(p.city)],
            ["Registration completed for ", N(p.name("fl")), ", DOB ", D(fd(p.dob, ch(["usnz", "us"]))), " (", E(p.email), ")"]])]
    if v == 1:
        nm = p.name("fl")
        state = {"Message": S("Secure message sent to patient ", M(p.mrn), " (", N(nm), ")"), "PatientId": M(p.mrn), "PatientName": N(nm),
                 "{OriginalFormat}": "Secure message sent to patient {PatientId} ({PatientName})"}
        return J({"Timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%07d" % (t.microsecond * 10) + tz_off(), "EventId": ri(1000, 1999),
                  "LogLevel": "Information", "Category": cat, "Message": S("Secure message sent to patient ", M(p.mrn), " (", N(nm), ")"),
                  "State": state})
    fails = []
    if pr(0.6):
        fails.append({"PropertyName": "Ssn", "ErrorMessage": "'Ssn' is not in the correct format.", "AttemptedValue": SS(fssn(p.ssn, ch(["plain", "space"]))),
                      "CustomState": None, "Severity": 0, "ErrorCode": "RegularExpressionValidator", "FormattedMessagePlaceholderValues": {"PropertyName": "Ssn"}})
    if pr(0.6) or not fails:
        fails.append({"PropertyName": "DateOfBirth", "ErrorMessage": "'Date Of Birth' must be less than '%d/%d/%d 12:00:00 AM'." % (t.month, t.day, t.year),
                      "AttemptedValue": D(fd(p.dob, "iso") + "T00:00:00"),
                      "CustomState": None, "Severity": 0, "ErrorCode": "LessThanValidator"})
    if pr(0.3):
        fails.append({"PropertyName": "Guarantor.Phone", "ErrorMessage": "'Phone' is not in the correct format.", "AttemptedValue": Ph(fph_ext(p.phone)),
                      "CustomState": None, "Severity": 0, "ErrorCode": "RegularExpressionValidator"})
    return ["fail: Acme.Intake.Filters.ValidationFilter[0] Validation failed for RegisterPatientCommand: ", J(fails)]


@tpl("dotnet/startup", False)
def t_dotnet_free():
    return [ch(["info: Microsoft.Hosting.Lifetime[14] Now listening on: http://[::]:%d" % ch([8080, 5000]),
                "info: Microsoft.Hosting.Lifetime[0] Application started. Press Ctrl+C to shut down.",
                "info: Microsoft.Hosting.Lifetime[0] Hosting environment: Production",
                "info: Microsoft.Hosting.Lifetime[0] Content root path: /app",
                "warn: Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository[60] Storing keys in a directory '/root/.aspnet/DataProtection-Keys' that may not be persisted outside of the container.",
                "info: Microsoft.EntityFrameworkCore.Migrations[20405] No migrations were applied. The database is already up to date.",
                "warn: Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware[3] Failed to determine the https port for redirect.",
                "info: Acme.Intake.Workers.OutboxPublisher[2001] Published %d outbox messages in %dms" % (ri(0, 500), ri(1, 9000))])]


@tpl("laravel/monolog", True)
def t_laravel():
    p = Pt()
    t = p.ref
    ts = "[%s] production." % t.strftime("%Y-%m-%d %H:%M:%S")
    v = ri(0, 2)
    if v == 0:
        now = t.strftime("%Y-%m-%d %H:%M:%S")
        return [ts, "ERROR: SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry '", E(p.email),
                "' for key 'patients_email_unique' (Connection: mysql, SQL: insert into `patients` (`first_name`, `last_name`, `dob`, `email`, `updated_at`, `created_at`) values (",
                N(p.first), ", ", N(p.last), ", ", D(fd(p.dob, "iso")), ", ", E(p.email), ", %s, %s)) " % (now, now),
                '{"userId":%d,"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 23000): SQLSTATE[23000] at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:%d)"}' % (ri(1, 400), ri(700, 830))]
    if v == 1:
        appt = (t + td(days=ri(1, 30))).replace(hour=ri(7, 17), minute=ch([0, 30]), second=0)
        ctx = {"patient_id": P(p.mrn, "MRN", num=p.mrn.isdigit() and p.mrn[0] != "0"), "phone": Ph(fph(p.cell, "e164")),
               "appointment_at": D(appt.strftime("%Y-%m-%d %H:%M:%S")), "provider": S("Dr. ", N(Doc().last))}
        return [ts, "INFO: Appointment reminder sent ", J(ctx), " []"]
    ctx = {"card_last4": dg(4), "amount": round(R.uniform(10, 900), 2), "guarantor": N(p.name("fl")), "account": AC(account())}
    if pr(0.85):
        ctx["card"] = P(fcard(card()), "CREDIT_CARD")
        ctx["exp"] = "%02d/%02d" % (ri(1, 12), ri(25, 30))
    return [ts, "WARNING: Payment declined ", J(ctx), " {\"url\":\"/billing/pay\",\"ip\":\"", IP(pub_ip()), "\",\"http_method\":\"POST\"}"]


@tpl("laravel/queue", False)
def t_laravel_free():
    t = rts()
    job = ch(["App\\Jobs\\SyncFeeSchedule", "App\\Jobs\\PruneAuditLog", "App\\Jobs\\SendDailyDigest", "App\\Jobs\\RefreshPayerList"])
    return ch([["  %s %s %s RUNNING" % (t.strftime("%Y-%m-%d %H:%M:%S"), job, "." * ri(10, 40))],
               ["  %s %s %s %s DONE" % (t.strftime("%Y-%m-%d %H:%M:%S"), job, "." * ri(10, 30), "{:,.2f}ms".format(R.uniform(5, 90000)))],
               ["[%s] production.INFO: Horizon supervisor supervisor-1 started {\"queues\":\"default,notifications\",\"processes\":%d} []" % (t.strftime("%Y-%m-%d %H:%M:%S"), ri(1, 20))],
               ["[%s] production.NOTICE: Scheduler ran: php artisan schedule:run (%d tasks) [] []" % (t.strftime("%Y-%m-%d %H:%M:%S"), ri(0, 12))]])


@tpl("node/pino", True)
def t_node():
    p = Pt()
    t = p.ref
    host = pod("portal-web")
    ip = pub_ip()
    v = ri(0, 2)
    if v == 0:
        return J({"level": 30, "time": epoch_ms(t), "pid": ri(1, 99), "hostname": host, "reqId": "req-%s" % b62(4),
                  "req": {"method": "GET", "url": S("/api/patients/", M(p.mrn), "/messages?since=", D(fd(t.date() - td(days=ri(1, 90)), "iso"))),
                          "remoteAddress": S(ch(["::ffff:", ""]), IP(ip)), "remotePort": ri(1024, 65535)},
                  "res": {"statusCode": ch([200, 304, 403])}, "responseTime": ri(2, 900), "msg": "request completed"})
    if v == 1:
        ph = fph_ext(p.cell) if pr(0.5) else fph(p.cell, "dot")
        det = [{"message": S('"phone" with value "', Ph(ph), '" fails to match the required pattern: /^\\+?[0-9]{10,15}$/'), "path": ["phone"],
                "type": "string.pattern.base", "context": {"regex": {}, "value": Ph(ph), "label": "phone", "key": "phone"}}]
        orig = {"firstName": N(p.first), "lastName": N(p.last), "dateOfBirth": D(fdany(p.dob, ["us", "iso"])), "phone": Ph(ph)}
        return J({"level": 40, "time": epoch_ms(t), "pid": ri(1, 99), "hostname": host,
                  "err": {"type": "ValidationError", "message": S('"phone" with value "', Ph(ph), '" fails to match the required pattern: /^\\+?[0-9]{10,15}$/'),
                          "stack": "ValidationError: \"phone\" with value ... \n    at Object.exports.process (/app/node_modules/joi/lib/errors.js:193:16)",
                          "details": det, "_original": orig}, "msg": "intake validation failed"})
    return J({"level": 50, "time": epoch_ms(t), "pid": ri(1, 99), "hostname": host,
              "msg": S("failed to send verification email to ", E(p.email), " for patient ", M(p.mrn)),
              "err": {"type": "Error", "message": "Mail command failed: 550 5.1.1 mailbox unavailable", "code": "EENVELOPE"}})


@tpl("node/bunyan", False)
def t_node_free():
    t = rts()
    return J({"name": ch(["scheduler", "slot-cache", "notifier"]), "hostname": pod("scheduler"), "pid": ri(1, 99), "level": ch([30, 30, 40, 50]),
              "msg": ch(["slot cache rebuilt", "redis reconnecting", "cron tick", "config reloaded"]), "slots": ri(0, 9000),
              "durationMs": ri(1, 9000), "time": iso_ms(t), "v": 0})



# ---------------------------------------------------------------------------
# data stores / messaging
# ---------------------------------------------------------------------------


def rq(v, typ=None, kind=None):
    """a quoted Redis MONITOR argument"""
    e = redis_esc(v)
    return ['"', P(e, typ, kind, raw=v) if typ else e, '"']


@tpl("redis/monitor", True)
def t_redis():
    p = Pt()
    t = p.ref
    pre = "%d.%06d [0 %s:%d] " % (epoch(t), t.microsecond, priv_ip(), ri(30000, 65000))
    v = ri(0, 3)
    if v == 0:
        out = [pre, '"HSET" "patient:', M(redis_esc(p.mrn)), '" "name" '] + rq(p.name("fl"), "NAME") + [' "dob" '] + rq(fd(p.dob, "iso"), "DATE")
        if pr(0.6):
            out += [' "phone" '] + rq(fph(p.cell, "e164"), "PHONE")
        return out
    if v == 1:
        inner = J({"mrn": M(p.mrn), "name": N(p.name("fl")), "email": E(p.email), "roles": ["patient"], "proxyFor": []})
        return [pre, '"SETEX" "sess:%s" "1800" "' % b62(32), esc(inner, redis_esc), '"']
    if v == 2:
        appt = t.date() + td(days=ri(1, 30))
        return [pre, '"GET" "appt:reminder:', M(p.mrn), ':', D(fd(appt, "iso")), '"']
    return [pre, '"ZADD" "waitlist:%s" "%d" "' % (ch(["cardiology", "derm", "ortho", "gi"]), epoch(t)), M(p.mrn), '|',
            N(redis_esc(p.name("LFnc"))), '|', Ph(p.cell), '"']


@tpl("redis/server_log", False)
def t_redis_free():
    t = rts()
    return ["%d:%s %s %s " % (ri(1, 99), ch(["M", "S", "C"]), t.strftime("%d %b %Y %H:%M:%S.") + "%03d" % (t.microsecond // 1000), ch(["*", "#", "-"])), ch([
        "Background saving started by pid %d" % ri(100, 9000), "DB saved on disk", "Background saving terminated with success",
        "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.",
        "Connecting to MASTER %s:6379" % priv_ip(), "MASTER <-> REPLICA sync: Finished with success",
        "%d changes in %d seconds. Saving..." % (ri(1, 10000), ch([60, 300, 3600])), "Server initialized",
        "Redis version=7.2.%d, bits=64, commit=00000000, modified=0, pid=%d, just started" % (ri(0, 5), ri(1, 99))])]


@tpl("kafka_connect/dlq", True)
def t_kconnect():
    p = Pt()
    t = p.ref
    topic = ch(["ehr.adt.patients", "ehr.public.patients", "portal.registrations"])
    conn = ch(["patient-sink", "hie-sink", "crm-sink"])
    if pr(0.5):
        val = ["Struct{mrn=", M(p.mrn), ",last_name=", N(p.last), ",first_name=", N(p.first), ",birth_date=", D(fd(p.dob, "iso"))]
        if pr(0.5):
            val += [",phone=", Ph(fph(p.phone, "plain"))]
        if pr(0.4):
            val += [",ssn=", SS(fssn(p.ssn, "plain"))]
        val += [",updated_at=%d}" % epoch_ms(t)]
        return ["[%s] ERROR [%s|task-%d] Error encountered in task %s-%d. Executing stage 'TASK_PUT' with class 'io.confluent.connect.jdbc.sink.JdbcSinkTask', where consumed record is {topic='%s', partition=%d, offset=%d, timestamp=%d, timestampType=CreateTime}. SinkRecord{kafkaOffset=%d, timestampType=CreateTime, originalTopic=%s} ConnectRecord{topic='%s', kafkaPartition=%d, key=" % (
            t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000), conn, ri(0, 5), conn, ri(0, 5), topic, ri(0, 11), ri(10 ** 5, 10 ** 8), epoch_ms(t),
            ri(10 ** 5, 10 ** 8), topic, topic, ri(0, 11)), M(p.mrn), ", keySchema=Schema{STRING}, value=", val,
                ", valueSchema=Schema{ehr.patients.Value:STRUCT}, timestamp=%d, headers=ConnectHeaders(headers=)} (org.apache.kafka.connect.runtime.errors.LogReporter)" % epoch_ms(t)]
    body = {"mrn": M(p.mrn), "name": {"last": N(p.last), "first": N(p.first)}, "dob": D(fd(p.dob, "hl7")), "address": {"line1": addr_line(p), "city": A(p.city), "state": p.state, "zip": Z(p.zip)}}
    return ["%% Headers: [__connect.errors.topic=%s, __connect.errors.partition=%d, __connect.errors.offset=%d, __connect.errors.connector.name=%s, __connect.errors.exception.class.name=org.apache.kafka.connect.errors.DataException, __connect.errors.exception.message=Failed to deserialize data for topic %s to Avro: Unknown magic byte!] Key: " % (
        topic, ri(0, 11), ri(10 ** 5, 10 ** 8), conn, topic), M(p.mrn), " Value: ", J(body)]


@tpl("kafka_connect/worker", False)
def t_kconnect_free():
    t = rts()
    return ["[%s] INFO " % (t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)), ch([
        "[Worker clientId=connect-1, groupId=connect-cluster] Finished starting connectors and tasks (org.apache.kafka.connect.runtime.distributed.DistributedHerder:%d)" % ri(1000, 2000),
        "[patient-sink|task-%d] Committing offsets asynchronously using sequence number %d: {ehr.adt.patients-%d=OffsetAndMetadata{offset=%d, leaderEpoch=null, metadata=''}} (org.apache.kafka.connect.runtime.WorkerSinkTask:%d)" % (ri(0, 4), ri(1, 90000), ri(0, 11), ri(10 ** 5, 10 ** 8), ri(300, 400)),
        "Kafka version: 3.6.%d (org.apache.kafka.common.utils.AppInfoParser:119)" % ri(0, 2),
        "[Worker clientId=connect-1, groupId=connect-cluster] Rebalance started (org.apache.kafka.connect.runtime.distributed.WorkerCoordinator:%d)" % ri(200, 300),
        "[Producer clientId=connector-dlq-producer-patient-sink-0] Cluster ID: %s (org.apache.kafka.clients.Metadata:287)" % b62(22)])]


@tpl("rabbitmq/dead_letter", True)
def t_rabbit():
    p = Pt()
    t = p.ref
    q = ch(["rx.refill.requests", "portal.messages.outbound", "appt.reminders"])
    body = {"rxNumber": O(rxno()), "patient": {"mrn": M(p.mrn), "name": N(p.name(ch(["fl", "lf"]))), "phone": Ph(fph(p.cell))},
            "pharmacy": ch(["CVS #%d" % ri(1000, 9999), "Walgreens #%05d" % ri(1, 19999), "Mercy Outpatient Pharmacy"]),
            "requestedAt": iso_s(t)}
    if pr(0.3):
        body["patient"]["dob"] = D(fd(p.dob, "iso"))
    if pr(0.5):
        return ["%s WARN  [dlq-consumer] Dead-lettered message from queue '%s' (reason=%s, count=%d, exchange='rx', routing-keys=['refill.create']) properties={content_type: application/json, correlation_id: %s, message_id: %s} body=" % (
            t.strftime("%Y-%m-%d %H:%M:%S"), q, ch(["rejected", "expired", "maxlen"]), ri(1, 5), uuid4(), uuid4()), J(body)]
    return J([{"payload_bytes": ri(200, 900), "redelivered": False, "exchange": "", "routing_key": q + ".dlq", "message_count": ri(0, 400),
               "properties": {"delivery_mode": 2, "headers": {"x-death": [{"count": ri(1, 5), "reason": ch(["rejected", "expired"]), "queue": q,
                                                                             "time": epoch(t), "exchange": "", "routing-keys": [q]}]},
                              "content_type": "application/json"},
               "payload": JS(body), "payload_encoding": "string"}])


@tpl("rabbitmq/node", False)
def t_rabbit_free():
    t = rts()
    a, b = priv_ip(), priv_ip()
    pid = "<0.%d.0>" % ri(100, 99999)
    return ["%s+00:00 [%s] %s " % (t.strftime("%Y-%m-%d %H:%M:%S.%f"), ch(["info", "warning", "error"]), pid), ch([
        "accepting AMQP connection %s:%d -> %s:5672" % (a, ri(30000, 65000), b),
        "connection %s:%d -> %s:5672: user 'svc_rx' authenticated and granted access to vhost '/pharmacy'" % (a, ri(30000, 65000), b),
        "closing AMQP connection %s:%d -> %s:5672, vhost: '/pharmacy', user: 'svc_rx'" % (a, ri(30000, 65000), b),
        "Server startup complete; %d plugins started." % ri(3, 9),
        "memory resource limit alarm set on node 'rabbit@rmq-%d'." % ri(0, 2),
        "Queue 'rx.refill.requests' in vhost '/pharmacy': leader on node 'rabbit@rmq-%d' (quorum, %d members)" % (ri(0, 2), 3)])]


@tpl("debezium/change_event", True)
def t_debezium():
    p = Pt()
    t = p.ref
    op = ch(["c", "u", "u", "d"])

    def row(q, phone):
        r = {"id": ri(1000, 9999999), "mrn": M(q.mrn), "first_name": N(q.first), "last_name": N(q.last),
             "birth_date": D(fd(q.dob, "iso")), "phone": Ph(phone), "address_line1": A(q.street), "city": A(q.city),
             "state": q.state, "postal_code": Z(q.zip)}
        if pr(0.3):
            r["ssn"] = SS(fssn(q.ssn, "plain"))
        r["created_at"] = iso_us(t - td(days=ri(1, 900)))
        return r
    before = row(p, fph(p.phone, "dash")) if op in ("u", "d") else None
    after = None
    if op in ("c", "u"):
        after = row(p, fph(p.cell if op == "u" else p.phone, "dash"))
    body = {"before": before, "after": after,
            "source": {"version": "2.5.%d.Final" % ri(0, 4), "connector": "postgresql", "name": "ehr", "ts_ms": epoch_ms(t),
                       "snapshot": "false", "db": "ehr", "sequence": '["%d","%d"]' % (ri(10 ** 8, 10 ** 9), ri(10 ** 8, 10 ** 9)),
                       "schema": "public", "table": "patients", "txId": ri(10 ** 5, 10 ** 7), "lsn": ri(10 ** 8, 10 ** 10), "xmin": None},
            "op": op, "ts_ms": epoch_ms(t) + ri(1, 900), "transaction": None}
    return J(body)


@tpl("debezium/snapshot", False)
def t_debezium_free():
    t = rts()
    return ["%s INFO   Postgres|ehr|snapshot  " % (t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)), ch([
        "Snapshot step %d - %s   [io.debezium.relational.RelationalSnapshotChangeEventSource]" % (ri(1, 8), ch(["Determining captured tables", "Snapshotting data", "Finalizing"])),
        "Exported %d records for table 'public.fee_schedule' after 00:00:%02d.%03d   [io.debezium.relational.RelationalSnapshotChangeEventSource]" % (ri(100, 900000), ri(0, 59), ri(0, 999)),
        "Creating replication slot with command CREATE_REPLICATION_SLOT \"debezium_ehr\"  LOGICAL pgoutput   [io.debezium.connector.postgresql.connection.PostgresReplicationConnection]",
        "Obtained valid replication slot ReplicationSlot [active=false, latestFlushedLsn=LSN{%X/%X}, catalogXmin=%d]   [io.debezium.connector.postgresql.connection.PostgresConnection]" % (ri(0, 255), ri(0, 2 ** 31), ri(1000, 900000)),
        "Snapshot completed   [io.debezium.pipeline.ChangeEventSourceCoordinator]"])]


@tpl("oracle/unified_audit", True)
def t_oracle():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    if v == 0:
        sql = ["UPDATE patients SET phone = '", Ph(fph(p.cell, "dash")), "', addr_line1 = '", A(sqlq(p.street)), "' WHERE mrn = '", M(p.mrn), "'"]
    elif v == 1:
        sql = ["SELECT mrn, ssn FROM ehr.patients WHERE last_name = '", N(sqlq(up(p.last))), "' AND birth_dt = TO_DATE('",
               D(fd(p.dob, "dmy_ABBR")), "','DD-MON-YYYY')"]
    else:
        sql = ["INSERT INTO ehr.guarantors (acct_no, name, ssn) VALUES ('", AC(account()), "', '", N(sqlq(p.name("LFnc"))), "', '",
               SS(fssn(p.ssn, "dash")), "')"]
    return ["%s %s journal: Oracle Unified Audit[%d]: LENGTH: '%d' TYPE:\"4\" DBID:\"%d\" SESID:\"%d\" CLIENTID:\"\" ENTRYID:\"%d\" STMTID:\"%d\" DBUSER:\"%s\" CURUSER:\"%s\" ACTION:\"%d\" RETCODE:\"0\" SCHEMA:\"EHR\" OBJNAME:\"%s\" PDB_GUID:\"%s\" SQL_TEXT:\"" % (
        syslog_ts(t), ch(["ehrdb01", "ehrdb02"]), ri(1000, 99999), ri(300, 900), ri(10 ** 9, 4 * 10 ** 9), ri(10 ** 5, 10 ** 7), ri(1, 90),
        ri(1, 400), ch(["EHR_APP", "REPORTING", "ETL_USER"]), "EHR_APP", ch([2, 3, 6]), ch(["PATIENTS", "GUARANTORS"]), hx(32, True)), sql, "\""]


@tpl("oracle/alert_log", False)
def t_oracle_free():
    t = rts()
    return [t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "-05:00 ", ch([
        "Thread 1 advanced to log sequence %d (LGWR switch),  current SCN: %d" % (ri(1000, 99999), ri(10 ** 8, 10 ** 10)),
        "ORA-01555: snapshot too old: rollback segment number %d with name \"_SYSSMU%d_%d$\" too small" % (ri(1, 20), ri(1, 20), ri(10 ** 8, 4 * 10 ** 9)),
        "Completed checkpoint up to RBA [0x%x.2.10], SCN: %d" % (ri(1000, 99999), ri(10 ** 8, 10 ** 10)),
        "Resize operation completed for file# %d, fname +DATA/EHRCDB/DATAFILE/users.%d.%d, old size %dK, new size %dK" % (ri(1, 40), ri(200, 300), ri(10 ** 8, 10 ** 9), ri(10 ** 5, 10 ** 7), ri(10 ** 5, 10 ** 7)),
        "TABLE SYS.WRP$_REPORTS: ADDED INTERVAL PARTITION SYS_P%d (%d) VALUES LESS THAN (TO_DATE(' %s 01:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN'))" % (ri(1000, 9999), ri(1000, 9999), (t + td(days=1)).strftime("%Y-%m-%d")),
        "Archived Log entry %d added for B-%d.T-1.S-%d ID 0x%x LAD:1" % (ri(1000, 99999), ri(10 ** 8, 10 ** 9), ri(1000, 99999), ri(10 ** 6, 10 ** 9))])]


@tpl("sqlserver/errorlog", True)
def t_mssql():
    p = Pt()
    t = p.ref
    pre = "%s%02d spid%d      " % (t.strftime("%Y-%m-%d %H:%M:%S."), t.microsecond // 10000, ri(51, 400))
    v = ri(0, 3)
    if v == 0:
        return [pre, "System.Data.SqlClient.SqlException (0x80131904): Violation of UNIQUE KEY constraint 'UQ_Member_Ssn'. Cannot insert duplicate key in object 'dbo.Member'. The duplicate key value is (",
                SS(fssn(p.ssn, ch(["dash", "plain"]))), ")."]
    if v == 1:
        return [pre, "Violation of PRIMARY KEY constraint 'PK_PatientIdentity'. Cannot insert duplicate key in object 'dbo.PatientIdentity'. The duplicate key value is (",
                N(p.last), ", ", N(p.first), ", ", D(fd(p.dob, "iso")), ")."]
    if v == 2:
        long_addr = p.street + " " + (p.unit or ch(["Apartment 2", "Building 4 Unit 11"]))
        return [pre, "Msg 2628, Level 16, State 1, Procedure usp_UpsertPatientAddress, Line %d String or binary data would be truncated in table 'EHR.dbo.PatientAddress', column 'AddressLine1'. Truncated value: '" % ri(20, 300),
                A(sqlq(long_addr[:30].rstrip())), "'."]
    return [pre, "Cannot insert the value NULL into column 'GuarantorId', table 'Billing.dbo.Account'; column does not allow nulls. INSERT fails. Parameters: @AccountNo='",
            AC(account()), "', @PatientMRN='", M(p.mrn), "', @GuarantorName='", N(sqlq(p.name("lf"))), "'"]


@tpl("sqlserver/agent", False)
def t_mssql_free():
    t = rts()
    pre = "%s%02d " % (t.strftime("%Y-%m-%d %H:%M:%S."), t.microsecond // 10000)
    return [pre, ch([
        "Backup      Database backed up. Database: EHR, creation date(time): 2019/06/01(10:12:33), pages dumped: %d, first LSN: %d:%d:1, last LSN: %d:%d:1, number of dump devices: 1, device information: (FILE=1, TYPE=DISK: {'\\\\backup01\\sql\\EHR_FULL_%s.bak'})." % (
            ri(10 ** 5, 10 ** 7), ri(100, 999), ri(100, 9999), ri(100, 999), ri(100, 9999), t.strftime("%Y%m%d")),
        "Logon       Login failed for user 'CORP\\svc_reporting'. Reason: Password did not match that for the login provided. [CLIENT: %s]" % priv_ip(),
        "spid%ds     DBCC CHECKDB (EHR) WITH no_infomsgs executed by CORP\\sqlagent found 0 errors and repaired 0 errors. Elapsed time: 0 hours %d minutes %d seconds." % (ri(20, 90), ri(0, 59), ri(0, 59)),
        "Server      SQL Server is now ready for client connections. This is an informational message; no user action is required.",
        "spid%d      Setting database option RECOVERY to FULL for database 'Billing'." % ri(51, 200),
        "[298] SQLServer Error: 18456, Login failed for user 'NT SERVICE\\SQLSERVERAGENT'. [SQLSTATE 28000]"])]


# ---------------------------------------------------------------------------
# CI / infra (PHI-free)
# ---------------------------------------------------------------------------


@tpl("ci/github_actions", False)
def t_gha():
    t = rts()
    ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%07d" % (t.microsecond * 10) + "Z "
    return [ts, ch([
        "##[group]Run actions/checkout@v4", "##[endgroup]",
        "Successfully built %s" % hx(12), "Successfully tagged 1234.dkr.ecr.us-east-1.amazonaws.com/portal-api:%s" % hx(7),
        "added %d packages, and audited %d packages in %ds" % (ri(100, 2000), ri(100, 2000), ri(5, 90)),
        "Tests:       %d passed, %d total" % (ri(100, 900), ri(100, 900)),
        "##[error]Process completed with exit code %d." % ch([1, 2, 137]),
        "Run aws ecs update-service --cluster prod --service portal-api --force-new-deployment",
        "LABEL maintainer=\"devops@mercyvalley.org\" org.opencontainers.image.revision=\"%s\"" % hx(40),
        "Cache restored successfully from key: node-cache-Linux-x64-npm-%s" % hx(64),
        "Uploading artifact 'coverage-report' (%d files, %s bytes)" % (ri(10, 900), "{:,}".format(ri(10 ** 4, 10 ** 8)))])]


@tpl("ci/jenkins", False)
def t_jenkins():
    t = rts()
    return ch([["[Pipeline] stage"], ["[Pipeline] { (Build)"], ["[Pipeline] sh"],
               ["+ mvn -B -DskipTests=false clean verify -Drevision=%s" % semver()],
               ["[INFO] Tests run: %d, Failures: %d, Errors: 0, Skipped: %d, Time elapsed: %.3f s - in com.acme.claims.ClaimBuilderTest" % (ri(5, 90), ri(0, 2), ri(0, 5), R.uniform(0.1, 30))],
               ["[INFO] BUILD SUCCESS"], ["Finished: %s" % ch(["SUCCESS", "FAILURE", "UNSTABLE"])],
               ["Started by timer"], ["Running on agent-%s in /var/lib/jenkins/workspace/claims-api_main" % hx(5)],
               ["[%s] Sending e-mails to: build-alerts@mercyvalley.org" % t.strftime("%H:%M:%S")],
               ["Checking out Revision %s (refs/remotes/origin/main)" % hx(40)]])


@tpl("ci/terraform", False)
def t_terraform():
    return ch([["aws_s3_bucket.ehr_exports: Modifications complete after %ds [id=acme-ehr-exports-prod]" % ri(1, 20)],
               ["# aws_db_instance.ehr will be updated in-place"],
               ["Plan: %d to add, %d to change, %d to destroy." % (ri(0, 20), ri(0, 20), ri(0, 5))],
               ["module.vpc.aws_subnet.private[%d]: Creation complete after %ds [id=subnet-0%s]" % (ri(0, 3), ri(1, 9), hx(16))],
               ["aws_iam_role_policy_attachment.lambda_logs: Destroying... [id=ehr-ingest-%s]" % dg(14)],
               ["      ~ engine_version = \"15.4\" -> \"15.6\""],
               ["Apply complete! Resources: %d added, %d changed, %d destroyed." % (ri(0, 20), ri(0, 20), ri(0, 5))],
               ["Acquiring state lock. This may take a few moments..."],
               ["      + cidr_block = \"10.%d.%d.0/24\"" % (ri(0, 255), ri(0, 255))],
               ["module.eks.aws_eks_node_group.this[\"clinical\"]: Still modifying... [id=prod:clinical-%s, %dm%ds elapsed]" % (dg(14), ri(0, 20), ri(0, 59))]])


# ---------------------------------------------------------------------------
# pharmacy, lab, imaging, telehealth
# ---------------------------------------------------------------------------


@tpl("pharmacy_robot/dispense", True)
def t_robot():
    p = Pt()
    t = p.ref
    drug, ndc = ch(DRUGS)
    rph = Pt()
    v = ri(0, 2)
    if v == 0:
        return ["%s [VIAL-FILL] Cell %d (NDC %s %s) filled %d for Rx# " % (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000), ri(1, 240), ndc, up(drug), ch([30, 60, 90])),
                O(rxno()), " Pt: ", N(p.name("LF")), "  DOB: ", D(fd(p.dob, "us")), " Label printed (LBL-%d) Bin %04d" % (ri(1, 4), ri(1, 999))]
    if v == 1:
        adm = t.date() + td(days=ri(0, 6))
        return ["%s PACKAGER pouch %d/%d Admin " % (t.strftime("%m/%d/%Y %H:%M:%S"), ri(1, 28), 28), D(fd(adm, "us2")), " %s Patient=" % ch(["0800", "1200", "2100"]),
                N(up(p.last).replace(" ", "") + "," + up(p.first)), " Facility=%s Room %d%s Meds=%d" % (ch(["SUNRISE SNF", "ROSEWOOD ALF", "ST. JUDE LTC"]), ri(100, 340), ch("AB"), ri(2, 9))]
    return ["%s ScriptPro|VERIFY|Rx=" % t.strftime("%Y%m%d%H%M%S"), O(rxno()), "|Patient=", N(p.name(ch(["LFnc", "lf"]))), "|NDC=%s|Qty=%d|RPh=" % (ndc.replace("-", ""), ch([30, 90])),
            N("%s. %s" % (rph.first[0], rph.last)), "|Status=VERIFIED|Filled=", D(fd(t.date(), "us"))]


@tpl("pharmacy_robot/maintenance", False)
def t_robot_free():
    t = rts()
    drug, ndc = ch(DRUGS)
    return ["%s [%s] " % (t.strftime("%Y-%m-%d %H:%M:%S"), ch(["MAINT", "INVENTORY", "DOOR", "CALIB"])), ch([
        "Calibration check OK: scale %d drift %.2fg" % (ri(1, 4), R.uniform(0, 0.1)),
        "Canister %d (NDC %s %s) low: %d remaining" % (ri(1, 240), ndc, up(drug), ri(0, 60)),
        "Door %d opened by technician tech%02d" % (ri(1, 6), ri(1, 30)),
        "Cycle count variance cell %d: expected %d counted %d" % (ri(1, 240), ri(10, 500), ri(10, 500)),
        "Firmware %s installed on vial filler VF-%d; reboot required" % (semver(), ri(1, 3)),
        "Daily fill summary: %d vials, %d pouches, %d exceptions" % (ri(100, 3000), ri(0, 9000), ri(0, 40)),
        "Purchase order PO-%s-%05d received from %s: %d line items, invoice %s" % (t.strftime("%Y"), ri(1, 99999), ch(["McKesson", "Cardinal Health", "AmerisourceBergen"]), ri(1, 60), "INV" + dg(8)),
        "Replenishment order #%d for NDC %s (%d bottles) submitted" % (ri(100000, 999999), ndc, ri(1, 24))])]


def astm_frame(fn, text):
    """returns (checksum) of an ASTM E1381 frame: fn + text + CR + ETX"""
    s = (str(fn) + text + "\r\x03").encode("latin-1", "replace")
    return "%02X" % (sum(s) % 256)


def astm_line(t, direction, fn, pieces):
    text, _, _ = render(pieces)
    return [t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000), " %s <STX>%d" % (direction, fn), pieces,
            "<CR><ETX>%s<CR><LF>" % astm_frame(fn, text)]


@tpl("astm/e1394", True)
def t_astm():
    p = Pt()
    t = p.ref
    fn = ri(1, 7)
    v = ri(0, 2)
    doc = Doc()
    if v == 0:
        rec = ["P|%d|" % ri(1, 3), M(p.mrn), "|", M("L" + dg(8)) if pr(0.3) else "", "||", N(p.hl7()), "||", D(fd(p.dob, "hl7")), "|", p.sex]
        if pr(0.5):
            rec += ["||", A(up(p.street)), "^", A(up(p.city)), "^", p.state, "^", Z(p.zip), "||", Ph(fph(p.phone, "paren_nosp"))]
        else:
            rec += ["||||"]
        rec += ["|", N(doc.hl7())]
    elif v == 1:
        coll = t - td(minutes=ri(10, 300))
        rec = ["O|1|", O(accession()), "||^^^%s|R|" % ch(["GLU", "K", "CREA", "TNI", "HBA1C", "TSH"]), D(hts(coll)), "|", D(hts(coll)),
               "|||||||", D(hts(coll + td(minutes=ri(5, 60)))), "|%s" % ch(["SERUM", "PLASMA", "WB"])]
    elif pr(0.3):
        rec = ["C|1|L|Pt ", N(p.name("LFnc")), " MRN ", M(p.mrn), "|G"]
    else:
        done = t - td(minutes=ri(1, 60))
        rec = ["R|%d|^^^%s|%s|%s|%s|%s||F||%s|" % (ri(1, 9), ch(["GLU", "K", "NA", "CREA"]), ch(["142", "4.1", "0.92", "6.8"]), ch(["mg/dL", "mmol/L"]),
                                                 ch(["70^99", "3.5^5.1", ""]), ch(["H", "N", "L", "HH"]), ch(["tech01", "auto", "mls3"])),
               D(hts(done - td(minutes=ri(5, 30)))), "|", D(hts(done)), "|%s" % ch(["cobas8000^e801", "ARCHITECT^c16000", "AU5800"])]
    return astm_line(t, ch(["RX", "<-"]), fn, rec)


@tpl("astm/link_trace", False)
def t_astm_free():
    t = rts()
    fn = ri(1, 7)
    ts = t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)
    v = ri(0, 3)
    if v == 0:
        return ["%s %s %s" % (ts, ch(["TX", "RX"]), ch(["<ENQ>", "<ACK>", "<EOT>", "<NAK>"]))]
    if v == 1:
        txt = "H|\\^&|||%s|||||host|RSUPL^BATCH|P|1|%s" % (ch(["cobas6000^1.0", "ARCHITECT^9.45^F3453010007^H1P1O1R1C1Q1L1", "AU5800^2.1"]), hts(t))
        return astm_line(t, "RX", fn, [txt])
    if v == 2:
        return astm_line(t, "RX", fn, ["L|1|%s" % ch(["N", "F", "Q"])])
    return ["%s link: COM3 9600 8N1 %s; %d frames, %d retransmits, checksum errors %d" % (ts, ch(["opened", "idle 300s", "reset by host"]), ri(0, 9000), ri(0, 40), ri(0, 5))]



def dcm_line(tag, vr, value_pieces, kw):
    text, _, _ = render(value_pieces)
    n = len(text.encode("utf-8"))
    n += n % 2
    pad = max(1, 40 - len(text) - 2)
    return ["(%s) %s [" % (tag, vr), value_pieces, "]" + " " * pad + "# %3d, 1 %s" % (n, kw)]


@tpl("dicom/dcmdump", True)
def t_dcmdump():
    p = Pt(old=pr(0.3))
    t = p.ref
    doc = Doc()
    sdate = t.date() - td(days=ri(0, 30))
    v = ri(0, 2)
    if v == 0:
        opts = [("0010,0010", "PN", [N(p.hl7())], "PatientName"), ("0010,0020", "LO", [M(p.mrn)], "PatientID"),
                ("0010,0030", "DA", [D(fd(p.dob, "hl7"))], "PatientBirthDate"), ("0008,0050", "SH", [O(accession())], "AccessionNumber"),
                ("0008,0020", "DA", [D(fd(sdate, "hl7"))], "StudyDate"), ("0008,0090", "PN", [N(doc.hl7())], "ReferringPhysicianName"),
                ("0010,1040", "LO", [A(up(p.street)), "^^", A(up(p.city)), "^%s^" % p.state, Z(p.zip)], "PatientAddress"),
                ("0010,2154", "SH", [Ph(fph(p.phone, ch(["paren_nosp", "plain"])))], "PatientTelephoneNumbers"),
                ("0010,1000", "LO", [M(ch(["A", "R"]) + dg(8))], "OtherPatientIDs"),
                ("0008,1050", "PN", [N(Doc().hl7())], "PerformingPhysicianName")]
        if p.age >= 90:
            opts.append(("0010,1010", "AS", [AGE("%03dY" % p.age)], "PatientAge"))
        tag, vr, val, kw = ch(opts)
        return dcm_line(tag, vr, val, kw)
    if v == 1:
        opts = [("0010, 0010", "Patient's Name", "PN", N(p.hl7())), ("0010, 0020", "Patient ID", "LO", M(p.mrn)),
                ("0010, 0030", "Patient's Birth Date", "DA", D(fd(p.dob, "hl7"))), ("0008, 0050", "Accession Number", "SH", O(accession())),
                ("0008, 0020", "Study Date", "DA", D(fd(sdate, "hl7"))), ("0008, 0090", "Referring Physician's Name", "PN", N(doc.hl7()))]
        if p.age >= 90:
            opts.append(("0010, 1010", "Patient's Age", "AS", AGE("%03dY" % p.age)))
        tag, nm, vr, val = ch(opts)
        return ["(%s) %-35s %s: '" % (tag, nm, vr), val, "'"]
    return ["%s INFO  [org.dcm4chee.arc.store.impl.StoreServiceImpl] (EE-ManagedExecutorService-default-Thread-%d) %s->%s(%d): Stored %s instance of Study[uid=1.2.840.113619.2.%d.%d.%d] PatientID=[" % (
        t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000), ri(1, 40), ch(["CT_SCANNER1", "MR_3T_WEST", "US_ER2", "CR_PORT1"]), "DCM4CHEE", ri(100, 9999),
        ch(["CT", "MR", "US", "CR"]), ri(10, 99), ri(10 ** 6, 10 ** 8), ri(10 ** 6, 10 ** 9)), M(p.mrn), "] PatientName=[", N(p.hl7()), "] StudyDate=[",
            D(fd(sdate, "hl7")), "] AccessionNumber=[", O(accession()), "]"]


@tpl("dicom/mwl_cfind", True)
def t_mwl():
    p = Pt()
    t = p.ref
    sps = (t + td(days=ri(0, 14))).replace(hour=ri(6, 19), minute=ch([0, 15, 30, 45]), second=0)
    rad = Doc()
    mod, desc = ch([("MR", "MRI KNEE W/O CONTRAST"), ("CT", "CT CHEST W CONTRAST"), ("US", "US ABDOMEN COMPLETE"), ("MG", "MAMMO SCREENING BILAT TOMO"), ("XA", "CARDIAC CATH LEFT HEART")])
    fields = [("ScheduledProcedureStepStartDate", [D(sps.strftime("%Y%m%d"))]), ("ScheduledProcedureStepStartTime", [sps.strftime("%H%M%S")]),
              ("Modality", [mod]), ("ScheduledPerformingPhysicianName", [N(rad.hl7())] if pr(0.6) else [""]),
              ("ScheduledStationAETitle", [ch(["MR_3T_WEST", "CT_SCANNER1", "US_ER2"])]),
              ("PatientName", [N(p.hl7())]), ("PatientID", [M(p.mrn)]), ("PatientBirthDate", [D(fd(p.dob, "hl7"))]), ("PatientSex", [p.sex]),
              ("AccessionNumber", [O(accession())]), ("RequestedProcedureID", [O("RP" + dg(7))]),
              ("RequestedProcedureDescription", [desc])]
    if pr(0.3):
        fields.append(("PatientWeight", ["%d" % ri(40, 140)]))
    out = ["%s INFO  - MWLSCP<-%s(%d): C-FIND-RSP[pcid=1, status=ff00H] " % (t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000),
                                                                           ch(["MR_3T_WEST", "CT_SCANNER1", "US_ER2"]), ri(1, 9999))]
    for i, (k, v) in enumerate(fields):
        out += [("" if i == 0 else " ") + k + "=", v]
    return out


@tpl("dicom/association", False)
def t_dicom_free():
    t = rts()
    ae = ch(["CT_SCANNER1", "MR_3T_WEST", "US_ER2", "CR_PORT1", "WORKSTATION7"])
    return ["%s INFO  - " % (t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000)), ch([
        "%s(%d) << A-ASSOCIATE-RQ from %s (%s:104) calledAET=PACSARCH: accepted, %d/%d presentation contexts" % (ae, ri(1, 9999), ae, priv_ip(), ri(1, 14), 14),
        "%s(%d) >> C-ECHO-RSP[pcid=1, status=0H]" % (ae, ri(1, 9999)),
        "%s(%d) << A-RELEASE-RQ" % (ae, ri(1, 9999)),
        "Storage commitment N-EVENT-REPORT sent to %s: %d instances committed" % (ae, ri(1, 3000)),
        "Purged %d studies from storage ONLINE_2 (free space %d GB)" % (ri(1, 400), ri(100, 9000)),
        "Transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000 Lossless) negotiated with %s" % ae])]


@tpl("telehealth/zoom_webhook", True)
def t_zoom():
    p = Pt()
    t = p.ref
    doc = Doc()
    start = t.replace(minute=ch([0, 15, 30, 45]), second=0, microsecond=0)
    ev = ch(["meeting.participant_joined", "meeting.created", "meeting.participant_joined", "meeting.participant_phone_callout_ringing"])
    topic = ch([S("Telehealth - ", N(p.name("lf")), " (MRN ", M(p.mrn), ")"), S("Video visit: ", N(p.name("fl")), " w/ Dr. ", N(doc.last)),
                S("F/U ", N(p.name("LF")), " ", D(fd(start.date(), "md")))])
    obj = {"uuid": b62(22) + "==", "id": dgnz(11), "host_id": b62(22), "topic": topic, "type": 2,
           "start_time": D(iso_s(start)), "timezone": ch(["America/Chicago", "America/Phoenix", "America/New_York"]), "duration": ch([15, 20, 30])}
    if ev == "meeting.participant_joined":
        obj["participant"] = {"user_id": dg(8), "user_name": N(p.name("fl")), "id": "", "participant_uuid": uuid4(), "join_time": iso_s(t + td(minutes=ri(0, 9))),
                              "email": E(p.email) if pr(0.5) else "", "registrant_id": "", "participant_user_id": "", "customer_key": M(p.mrn)}
    elif ev == "meeting.participant_phone_callout_ringing":
        obj["participant"] = {"invitee_name": N(p.name("fl")), "phone_number": Ph(fph(p.cell, "e164")[1:]), "from_number": org_phone().replace("-", "")}
    else:
        obj["agenda"] = S("Pt DOB ", D(fd(p.dob, "us")), "; callback ", Ph(fph(p.cell)))
    return J({"event": ev, "payload": {"account_id": b62(22), "object": obj}, "event_ts": epoch_ms(t)})


@tpl("telehealth/room_metrics", False)
def t_zoom_free():
    t = rts()
    return ["%s telehealth-qos " % iso_ms(t), ch([
        "room=%s participants=%d bitrate_kbps=%d rtt_ms=%d packet_loss=%.1f%% codec=VP8" % (ch(["cardio-clinic-3", "peds-room-12", "bh-suite-b"]), ri(1, 4), ri(200, 3000), ri(10, 400), R.uniform(0, 8)),
        "sfu=%s region=us-west-2 active_rooms=%d cpu=%d%%" % (pod("sfu"), ri(0, 400), ri(5, 99)),
        "TURN allocation failed for relay %s:3478 (timeout); falling back to TCP/443" % priv_ip(),
        "webhook meeting.ended accepted in %dms (queue depth %d)" % (ri(1, 900), ri(0, 90)),
        "recording %s uploaded to s3://telehealth-recordings-prod/rec/%s/ (%d MB, kms key %s)" % (uuid4(), hx(12), ri(10, 900), uuid4())])]


@tpl("portal_audit/access", True)
def t_portal():
    p = Pt()
    t = p.ref
    ip = pub_ip()
    login = (fold(p.first)[0] + fold(p.last).replace(" ", "").replace("'", "")).lower()[:10] + dg(2)
    act = ch(["VIEW_TEST_RESULT", "DOWNLOAD_CCD", "SEND_MESSAGE", "VIEW_BILLING_STATEMENT", "PROXY_SWITCH", "UPDATE_DEMOGRAPHICS"])
    if act == "PROXY_SWITCH":
        child = Pt(minor=True)
        child.last = p.last
        body = ["user=%s wprId=%s action=%s proxyUser=\"" % (login, dg(7), act), N(p.name("fl")), "\" patient=", M(child.mrn), " (",
                N(child.name("LF")), ") dob=", D(fd(child.dob, "us"))]
    elif act == "UPDATE_DEMOGRAPHICS":
        body = ["user=%s wprId=%s action=%s patient=" % (login, dg(7), act), M(p.mrn), " field=%s old=\"" % ch(["HomePhone", "MobilePhone"]),
                Ph(fph(p.phone)), "\" new=\"", Ph(fph(p.cell)), "\""]
    else:
        body = ["user=%s wprId=%s action=%s patient=" % (login, dg(7), act), M(p.mrn), " (", N(p.name(ch(["LF", "lfm"]))), ")"]
        if act == "VIEW_TEST_RESULT":
            body += [" resultId=", O(order_id()), " collected=", D(fd(t.date() - td(days=ri(0, 30)), "iso"))]
    if pr(0.5):
        return ["%s.%03d AUDIT " % (t.strftime("%Y-%m-%d %H:%M:%S"), t.microsecond // 1000), body, " ip=", IP(ip), " ua=\"%s\"" % ch(UAS)]
    text = S(body)
    return J({"ts": iso_ms(t), "category": "PORTAL_AUDIT", "event": act, "detail": text, "clientIp": IP(ip), "sessionId": hx(32)})


@tpl("epcs/audit", True)
def t_epcs():
    p = Pt()
    t = p.ref
    doc = Doc()
    drug = ch(["oxycodone 5 mg tablet", "hydrocodone-acetaminophen 5-325 mg tablet", "lorazepam 0.5 mg tablet", "methylphenidate ER 36 mg tablet",
               "buprenorphine-naloxone 8-2 mg film", "tramadol 50 mg tablet"])
    sched = ch(["II", "II", "IV", "III"])
    ev = ch(["SIGN_AND_TRANSMIT", "SIGN_AND_TRANSMIT", "DEA_REGISTRATION_CHECK", "LOGICAL_ACCESS_GRANT"])
    pre = "%s EPCS-AUDIT event=%s result=%s " % (t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + tz_off(), ev, ch(["SUCCESS", "SUCCESS", "FAILURE"]))
    if ev == "SIGN_AND_TRANSMIT":
        return [pre, "prescriber=\"", N("%s %s" % (doc.first, doc.last)), ", %s\" npi=" % doc.cred.split(",")[0], NP(doc.npi), " dea=",
                P(dea(doc.last), "LICENSE", "dea"), " 2fa=TOKEN(hard) token_serial=HT-%05d rx_id=" % ri(1, 99999), O(rxno()), " patient=\"",
                N(p.name(ch(["LF", "lf"]))), "\" dob=", D(fd(p.dob, "us")), " drug=\"%s\" qty=%d refills=0 schedule=%s pharmacy_ncpdp=%s written=" % (
                    drug, ch([10, 20, 30, 60]), sched, dg(7)), D(fd(t.date(), "iso"))]
    if ev == "DEA_REGISTRATION_CHECK":
        return [pre, "prescriber=\"", N("%s, %s" % (doc.last, doc.first)), "\" dea=", P(dea(doc.last), "LICENSE", "dea"),
                " schedules=2,2N,3,3N,4,5 state=%s expires=%s source=CSOS" % (ch(["AZ", "MN", "TX"]), (t + td(days=ri(30, 900))).strftime("%Y-%m-%d"))]
    appr = Doc()
    return [pre, "grantee=\"", N("%s %s" % (doc.first, doc.last)), "\" grantee_dea=", P(dea(doc.last), "LICENSE", "dea"), " approver1=\"",
            N("%s %s" % (appr.first, appr.last)), "\" approver2=\"", N(Pt().name("fl")), "\" role=EPCS_PRESCRIBER idp=IAL2"]


@tpl("fax_cover/prior_auth", True)
def t_fax():
    p = Pt()
    t = p.ref
    doc = Doc()
    proc = ch(["MRI lumbar spine w/o contrast (72148)", "CT abdomen/pelvis w contrast (74177)", "Sleep study, in-lab (95810)",
               "CPAP E0601", "Humira 40 mg/0.4 mL pen", "Ozempic 1 mg pen", "Total knee arthroplasty (27447)"])
    sep = ch([" | ", " / ", "; "])
    fields = [["PRIOR AUTHORIZATION REQUEST"], ["Patient: ", N(p.name(ch(["fml", "lf", "FL"])))], ["DOB: ", D(fdany(p.dob, ["us2nz", "us", "usnz", "mdy_abbr"]))],
              ["Member ID: ", H(member_id())], ["Requested: ", proc], ["Ordering: Dr. ", N(doc.last), " NPI ", NP(doc.npi)],
              ["Clinic fax %s" % fph(phone10(), "paren")]]
    if pr(0.4):
        fields.append(["Pt phone: ", Ph(fph(p.phone))])
    if pr(0.4):
        fields.append([ch(["Pt Fax: ", "Patient fax: ", "Pt fax # "]), P(fph(phone10(), ch(["dash", "paren", "dot"])), "FAX")])
    if pr(0.5):
        fields.append(["Ref#: ", O("PA-%s-%05d" % (t.strftime("%y"), ri(1, 99999)))])
    if pr(0.3):
        fields.append(["DOS: ", D(fd(t.date() + td(days=ri(3, 30)), "usnz"))])
    body = []
    for i, f in enumerate(fields):
        if i:
            body.append(sep)
        body.append(f)
    return ["FAXJOB %d queued to %s (%s) pages=%d cover=\"" % (ri(10000, 99999), "+1 (%s) %s-%s" % (ch(["800", "888", "866"]), dg(3), dg(4)),
                                                               ch(["Payer PA Dept", "eviCore intake", "UM Fax"]), ri(2, 14)), body, "\""]


@tpl("claim_scrubber/edit", True)
def t_scrub():
    p = Pt()
    t = p.ref
    doc = Doc()
    dos = t.date() - td(days=ri(1, 30))
    base = ["CLM ", O(claim_id()), " | PT: ", N(p.name(ch(["LF", "lfm"]))), " | DOB ", D(fd(p.dob, "us")), " | DOS ", D(fd(dos, "us"))]
    edit = ch([
        ["EDIT E0412 (Severity: Error) Subscriber DOB does not match eligibility (payer ", D(fd(p.dob + td(days=ri(1, 40)), "us")), ")"],
        ["EDIT N0217 NCCI PTP edit 99214/20610: modifier 25 required"],
        ["EDIT M1003 Medicare MBI ", H(mbi(), "mbi"), " not on file for DOS"],
        ["EDIT P0044 Rendering NPI ", NP(doc.npi), " (", N("%s, %s" % (up(doc.last), up(doc.first))), ") not enrolled with payer"],
        ["EDIT A0900 Subscriber address ZIP ", Z(p.zip), " does not match city ", A(up(p.city))]])
    mem = [" | MBR ", H(member_id())] if pr(0.6) else []
    return [base, mem, " | ", edit]


@tpl("claim_scrubber/batch_summary", False)
def t_scrub_free():
    t = rts()
    n = ri(200, 4000)
    c = ri(n // 2, n)
    return ["Batch %s-%02d scrubbed: %s claims, %s clean (%.1f%%), %d with edits; top edits: E0412 (%d), N0217 (%d), P0044 (%d); elapsed 00:%02d:%02d" % (
        t.strftime("%Y%m%d"), ri(1, 9), "{:,}".format(n), "{:,}".format(c), 100.0 * c / n, n - c, ri(0, 90), ri(0, 90), ri(0, 40), ri(0, 59), ri(0, 59))]


SPOKEN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SP_ORD = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
          "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty first",
          "twenty second", "twenty third", "twenty fourth", "twenty fifth", "twenty sixth", "twenty seventh", "twenty eighth",
          "twenty ninth", "thirtieth", "thirty first"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spoken_2d(n):
    if n < 10:
        return "oh " + SPOKEN[n]
    if n < 20:
        return ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"][n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + SPOKEN[n % 10])


def spoken_dob(d):
    yr = ("nineteen " if d.year < 2000 else "two thousand ") + (spoken_2d(d.year % 100) if d.year < 2000 else SPOKEN[d.year % 100] if d.year % 100 < 10 else spoken_2d(d.year % 100))
    return ch(["%s %s %s" % (MONTH[d.month - 1].lower(), SP_ORD[d.day], yr), "%s %s %s" % (MONTH[d.month - 1].lower(), SP_ORD[d.day], spoken_2d(d.year % 100))])


@tpl("ivr/call_flow", True)
def t_ivr():
    p = Pt()
    t = p.ref
    call = "%04d-%04d" % (ri(0, 9999), ri(0, 9999))
    pre = "%s CALL %s ANI=" % (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000), call)
    ani = Ph(fph(p.cell, ch(["e164", "plain"])))
    dnis = " DNIS=1%s%s%s " % (ch(["800", "888", "877"]), dg(3), dg(4))
    v = ri(0, 3)
    if v == 0:
        dtmf = " ".join(fd(p.dob, "mmddyyyy"))
        return [pre, ani, dnis, "node=AuthDOB input=\"", D(dtmf), "\" mode=DTMF result=MATCH mrn=", M(p.mrn), " next=RxRefillMenu"]
    if v == 1:
        return [pre, ani, dnis, "node=AuthDOB asr=\"my date of birth is ", D(spoken_dob(p.dob)), "\" conf=%.2f result=%s" % (R.uniform(0.4, 0.99), ch(["MATCH", "NOMATCH", "MATCH"]))]
    if v == 2:
        cb = phone10()
        return [pre, ani, dnis, "node=CallbackNumber asr=\"", Ph(" ".join(SPOKEN[int(c)] for c in cb)), "\" conf=%.2f normalized=" % R.uniform(0.5, 0.99),
                Ph(fph(cb, "e164"))]
    if pr(0.6):
        c = card()
        return [pre, ani, dnis, "node=PayBill acct=", AC(account()), " dtmf_card=\"", P(c, "CREDIT_CARD"), "\" exp=%02d%02d result=%s amount=%.2f" % (
            ri(1, 12), ri(25, 30), ch(["APPROVED", "DECLINED"]), R.uniform(10, 900))]
    return [pre, ani, dnis, "node=Greeting cnam=\"", N(up(p.last) + " " + up(p.first)), "\" lookup=", ch(["HIT", "HIT", "MISS"]), " acct=", AC(account()),
            " balance=%.2f" % R.uniform(0, 900)]


@tpl("ivr/trunk", False)
def t_ivr_free():
    t = rts()
    return ["%s " % (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)), ch([
        "Trunk group TG-%02d utilization %d/%d channels, ASR %.1f%%, PDD avg %.1fs" % (ri(1, 9), ri(0, 120), 120, R.uniform(80, 99.9), R.uniform(0.5, 4)),
        "OPTIONS ping to sbc%d.carrier.example:5061 200 OK %dms" % (ri(1, 3), ri(5, 90)),
        "Prompt cache refreshed: %d prompts (en-US, es-US) from s3://ivr-prompts-prod/%s" % (ri(50, 400), semver()),
        "Queue Pharmacy_Refills: %d waiting, longest %ds, %d agents ready" % (ri(0, 30), ri(0, 900), ri(0, 25)),
        "After-hours schedule active (Holiday: %s)" % ch(["Thanksgiving", "New Year's Day", "Independence Day"]),
        "Main line 1-%s routed to node MainMenu (call volume %d/hr)" % (org_phone(), ri(10, 900))])]


@tpl("salesforce/debug_log", True)
def t_sfdc():
    p = Pt()
    t = p.ref
    acct_id = "001" + b62(12) + alnum(3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    pre = "%s (%d)|" % (t.strftime("%H:%M:%S.") + "%03d" % (t.microsecond // 1000), ri(10 ** 6, 10 ** 10))
    v = ri(0, 2)
    if v == 0:
        return [pre, "USER_DEBUG|[%d]|DEBUG|Patient lookup: Account:{Id=" % ri(10, 300), M(acct_id), ", Name=", N(p.name("fl")), ", PersonBirthdate=",
                D(fd(p.dob, "iso") + " 00:00:00"), ", PersonMobilePhone=", Ph(fph(p.cell, "paren")), ", HealthCloudGA__MedicalRecordNumber__c=", M(p.mrn),
                ", PersonMailingStreet=", addr_line(p, " "), ", PersonMailingCity=", A(p.city), ", PersonMailingPostalCode=", Z(p.zip), "}"]
    if v == 1:
        return [pre, "SOQL_EXECUTE_BEGIN|[%d]|Aggregations:0|SELECT Id, Name FROM Account WHERE PersonBirthdate = " % ri(10, 300), D(fd(p.dob, "iso")),
                " AND LastName = '", N(p.last.replace("'", "\\'")), "' AND IsPersonAccount = true LIMIT 1"]
    cp = {"attributes": {"type": "CarePlan__c"}, "Patient__c": M(acct_id), "Name": S("Care plan - ", N(p.name("fl"))),
          "Start_Date__c": D(fd(t.date(), "iso")), "Care_Coordinator__c": "005" + b62(15)}
    return [pre, "VARIABLE_ASSIGNMENT|[%d]|carePlan|" % ri(10, 300), J(cp), "|0x%s" % hx(8)]


@tpl("helpdesk/zendesk", True)
def t_zendesk():
    p = Pt()
    t = p.ref
    visit = t.date() - td(days=ri(3, 60))
    tid = ri(10000, 999999)
    desc = ch([S("Hi, this is ", N(p.name("fl")), " (DOB ", D(fd(p.dob, "us2nz")), "). I was charged twice for my visit on ",
                 D(fd(visit, ch(["month_ord", "mon_d", "md"]))), ". Please call me at ", Ph(fph(p.cell)), "."),
               S("I can't log into the portal. My MRN is ", M(p.mrn), " and my email is ", E(p.email), "."),
               S("Please update my address to ", addr_line(p), ", ", A(p.city), ", ", p.state, " ", zip_piece(p), ". Thanks, ", N(p.first)),
               S("Autopay failed on my card ", P(fcard(card()), "CREDIT_CARD"), " for account ", AC(account()), ". - ", N(p.name("fl"))),
               S("My ", ch(["CPAP", "insulin pump", "CGM receiver"]), " (serial ", P(ch(["2317" + dg(7), "NG" + dg(7) + ch("HKT"), "PM" + dg(8)]), "DEVICE"),
                 ") stopped syncing to the portal. MRN ", M(p.mrn), ".")])
    return J({"ticket": {"id": P(str(tid), "OTHER_ID", num=True),
                         "subject": ch(["Billing question", "Portal login help", "Address change", "Statement question"]),
                         "description": desc, "status": "new", "priority": ch(["normal", "high"]),
                         "requester": {"name": N(p.name("fl")), "email": E(p.email), "phone": Ph(fph(p.cell, "e164"))},
                         "custom_fields": [{"id": 360001234567, "value": M(p.mrn) if pr(0.5) else None}, {"id": 360009876543, "value": "billing"}],
                         "tags": ["portal", "billing"], "via": {"channel": ch(["web", "email", "mobile"])}, "created_at": iso_s(t)}})



@tpl("chatops/slack_alert", True)
def t_slack():
    p = Pt()
    t = p.ref
    doc = Doc()
    ehr = ch(["https://ehr.mercyvalley.org/chart", "https://epic-hyperspace.saguarohealth.org/patient", "https://cerner.bayouregional.org/powerchart/pt"])
    coll = t - td(minutes=ri(10, 200))
    v = ri(0, 2)
    if v == 0:
        text = [":rotating_light: Critical %s for *" % ch(["K+ 6.8", "Trop I 2.31", "Lactate 4.9", "Hgb 6.1", "Glucose 38"]), N(p.name("LF")),
                "* (MRN <", U("%s/%s" % (ehr, p.mrn)), "|", M(p.mrn), ">) collected ", D(fd(coll.date(), "md")), " %s - notify Dr. " % coll.strftime("%H:%M"),
                N(doc.last), " x%d" % ri(2000, 7999)]
        bot = "LabAlertBot"
    elif v == 1:
        text = [":bed: Bed %s-%02d assigned to " % (ch(["4W", "5E", "ICU", "TELE"]), ri(1, 40)), N(p.name(ch(["LF", "lf"]))), " (",
                age_piece(p.age, ch(["{} y/o", "{}yo", "{} YO"])), " %s) from ED, adm " % p.sex, D(fd(t.date(), ch(["md", "us2nz"]))), " - acct ", AC(account())]
        bot = "BedBoardBot"
    else:
        text = [":warning: Sepsis BPA fired for ", M(p.mrn), " / ", N(p.name("fl")), " DOB ", D(fd(p.dob, "us")), " - lactate pending, SIRS %d/4" % ri(2, 4)]
        bot = "SepsisWatch"
    payload = {"channel": "C0" + alnum(9), "username": bot, "icon_emoji": ":hospital:", "text": S(text),
               "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": S(text)}}], "unfurl_links": False}
    return ["%s slack-notifier POST https://slack.com/api/chat.postMessage payload=" % iso_ms(t), J(payload)]


@tpl("chatops/teams_deploy", False)
def t_teams_free():
    t = rts()
    svc = ch(SERVICES)
    return J({"@type": "MessageCard", "@context": "http://schema.org/extensions", "themeColor": ch(["2EB886", "D70000"]),
              "summary": "Deploy %s" % ch(["succeeded", "failed"]),
              "sections": [{"activityTitle": "%s v%s deployed to %s" % (svc, semver(), ch(["prod", "staging"])),
                            "activitySubtitle": iso_s(t),
                            "facts": [{"name": "Commit", "value": hx(7)}, {"name": "Duration", "value": "%dm%02ds" % (ri(0, 20), ri(0, 59))},
                                      {"name": "Pipeline", "value": "#%d" % ri(100, 9999)}, {"name": "Triggered by", "value": "github-actions[bot]"}],
                            "markdown": True}],
              "potentialAction": [{"@type": "OpenUri", "name": "View run", "targets": [{"os": "default", "uri": "https://github.com/acme-health/%s/actions/runs/%d" % (svc, ri(10 ** 9, 10 ** 10))}]}]})


MAIL_DOMAINS = ["mercyvalley.org", "saguarohealth.org", "northernplains.org", "bayouregional.org"]


@tpl("mail/headers", True)
def t_mail_hdr():
    p = Pt()
    t = p.ref
    qid = alnum(11, "BCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz0123456789")
    dom = ch(MAIL_DOMAINS)
    pre = "%s mx%d milter-phi[%d]: %s: " % (syslog_ts(t), ri(1, 3), ri(1000, 9999), qid)
    v = ri(0, 3)
    if v == 0:
        return [pre, "header From: \"", N(p.name(ch(["fl", "LF"]))), "\" <", E(p.email), "> To: referrals@%s" % dom]
    if v == 1:
        return [pre, "header Subject: Re: Referral for ", N(p.name("fl")), " DOB ", D(fdany(p.dob, ["us", "usnz", "iso"])), " action=quarantine rule=PHI-outbound"]
    if v == 2:
        return [pre, "header X-Originating-IP: [", IP(pub_ip()), "] Received: from mail-%s.google.com (mail-%s.google.com [209.85.%d.%d])" % (
            ch(["ot1-f54", "yw1-f173", "pj1-f41"]), ch(["ot1-f54", "yw1-f173", "pj1-f41"]), ri(128, 255), ri(1, 254))]
    return [pre, "header To: \"", N(p.name("fl")), "\" <", E(p.email), ">, Subject: Your lab results from ", D(fd(t.date() - td(days=ri(1, 9)), "mdy_abbr")),
            " are ready"]


@tpl("mail/postfix", True)
def t_postfix():
    p = Pt()
    t = p.ref
    qid = alnum(11, "BCDFGHJKLMNPQRSTVWXZ0123456789")
    dom = ch(MAIL_DOMAINS)
    host = ch(["mx1", "relay2", "smtp-out1"])
    v = ri(0, 2)
    if v == 0:
        return ["%s %s postfix/smtp[%d]: %s: to=<" % (syslog_ts(t), host, ri(1000, 99999), qid), E(p.email),
                ">, relay=%s[%d.%d.%d.%d]:25, delay=%.1f, delays=%.2f/0/%.2f/%.2f, dsn=%s, status=%s" % (
                    ch(["gmail-smtp-in.l.google.com", "mx.aol.com", "mx1.hotmail.com"]), ch([142, 172, 74]), ri(0, 255), ri(0, 255), ri(1, 254),
                    R.uniform(0.1, 9), R.uniform(0, 1), R.uniform(0, 1), R.uniform(0, 2), ch(["2.0.0", "2.0.0", "5.1.1", "4.2.2"]),
                    ch(["sent (250 2.0.0 OK  %d %s - gsmtp)" % (epoch(t), b62(20)), "bounced (host said: 550 5.1.1 user unknown)", "deferred (mailbox full)"]))]
    if v == 1:
        appt = t.date() + td(days=ri(1, 30))
        return ["%s %s postfix/cleanup[%d]: %s: message-id=<appt-reminder-" % (syslog_ts(t), host, ri(1000, 99999), qid), M(p.mrn.lower()), "-",
                D(fd(appt, "hl7")), "@%s>" % dom]
    return ["%s %s postfix/cleanup[%d]: %s: warning: header Subject: Your appointment on " % (syslog_ts(t), host, ri(1000, 99999), qid),
            D(fd(t.date() + td(days=ri(1, 30)), ch(["month_ord", "mdy_long", "mon_d"]))), " with Dr. ", N(Doc().last), " from local; from=<noreply@%s> to=<" % dom,
            E(p.email), "> proto=ESMTP helo=<app01.internal>"]


@tpl("mail/exim", False)
def t_exim_free():
    t = rts()
    mid = "%s-%s-%s" % (alnum(6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), alnum(6), alnum(2))
    dom = ch(MAIL_DOMAINS)
    return ["%s %s " % (t.strftime("%Y-%m-%d %H:%M:%S"), mid), ch([
        "<= noreply@%s H=app01.internal [%s] P=esmtp S=%d id=%s@%s" % (dom, priv_ip(), ri(1000, 90000), hx(16), dom),
        "=> it-alerts@%s R=dnslookup T=remote_smtp H=mx1.%s [%s] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 Ok: queued\"" % (dom, dom, priv_ip()),
        "Completed", "Start queue run: pid=%d" % ri(1000, 99999), "End queue run: pid=%d" % ri(1000, 99999),
        "SMTP connection from [%s]:%d (TCP/IP connection count = %d)" % (priv_ip(), ri(1024, 65535), ri(1, 40)),
        "== postmaster@%s R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host" % dom])]


@tpl("device_syslog/infusion_pump", True)
def t_pump():
    p = Pt()
    t = p.ref
    rn = Pt()
    drug = ch(["heparin 25,000 units/250 mL", "norepinephrine 8 mg/250 mL", "insulin regular 100 units/100 mL", "vancomycin 1.25 g/250 mL",
               "propofol 1000 mg/100 mL", "morphine PCA 1 mg/mL"])
    pcu = "%d-%d" % (ri(1000, 9999), ri(1000, 9999))
    loc = "%s-%d-%s" % (ch(["4W", "5E", "ICU", "PCU"]), ri(100, 499), ch("AB"))
    out = ["<134>1 %s pump-gw%02d %s %d INFUSION - PCU=%s Module=%s Event=%s Drug=\"%s\" Rate=%.1f mL/h PatientID=" % (
        iso_ms(t), ri(1, 4), ch(["AlarisGW", "SigmaGW", "PlumHub"]), ri(1000, 9999), pcu, ch("ABCD"),
        ch(["InfusionStarted", "RateChange", "OcclusionAlarm", "BolusDelivered", "InfusionStopped"]), drug, R.uniform(1, 250)), M(p.mrn)]
    if pr(0.5):
        out += [" PatientName=\"", N(p.name("LFnc")), "\""]
    out += [" Location=%s Clinician=%s " % (loc, ch(["RN", "RN", "LPN"])), N(rn.last)]
    if pr(0.3):
        out += [" Wt=%.1fkg DOB=" % R.uniform(40, 140), D(fd(p.dob, "hl7"))]
    return out


@tpl("device_syslog/bedside_monitor", True)
def t_monitor():
    p = Pt(old=pr(0.35))
    t = p.ref
    adm = t.date() - td(days=ri(0, 12))
    bed = "%s-%02d" % (ch(["4W", "ICU", "TELE", "CCU", "MICU"]), ri(1, 40))
    alarm = ch(["HR HIGH %d bpm" % ri(130, 190), "SpO2 LOW %d%%" % ri(72, 88), "ST-II ELEV %.1f mm" % R.uniform(1, 4), "APNEA %ds" % ri(20, 60),
                "NBP SYS HIGH %d mmHg" % ri(180, 230), "VTACH", "LEADS OFF"])
    out = ["%s cic-%02d monitor[%d]: BED %s ALARM %s pt=\"" % (syslog_ts(t), ri(1, 6), ri(100, 9999), bed, alarm), N(p.name(ch(["LF", "LFnc"]))),
           "\" mrn=", M(p.mrn), " adm=", D(fd(adm, ch(["us", "usnz"])))]
    if p.age >= 90 or pr(0.5):
        out += [" age=", age_piece(p.age, "{}Y")]
    out += [" sev=%s" % ch(["CRITICAL", "WARNING", "ADVISORY"])]
    return out


@tpl("device_syslog/ventilator", False)
def t_vent_free():
    t = rts()
    return "<134>1 %s vent-gw%02d %s - - - SN=%s SW=%s Mode=%s Vt=%d RR=%d PEEP=%d FiO2=%d%% Ppeak=%d alarm=%s bed=%s-%02d" % (
        iso_s(t), ri(1, 3), ch(["PB980", "Servo-u", "Hamilton-C6"]), ch(["35B", "42A", "HC6"]) + dg(7), semver(),
        ch(["A/C VC", "PRVC", "PSV", "SIMV"]), ri(300, 600), ri(10, 28), ri(5, 14), ri(21, 100), ri(14, 40), ch(["NONE", "NONE", "HIGH_PRESSURE", "LOW_MINUTE_VOL"]),
        ch(["ICU", "MICU", "CCU"]), ri(1, 30))


@tpl("rpm/telemetry", True)
def t_rpm():
    p = Pt(old=pr(0.3))
    t = p.ref
    v = ri(0, 3)
    if v == 0:
        return J({"imei": P(imei(), "DEVICE", "imei"), "ts": epoch(t), "deviceId": "BT105-%s" % dg(6),
                  "values": {"systolic": ri(100, 190), "diastolic": ri(55, 110), "pulse": ri(45, 120), "irregular": pr(0.1), "unit": 1},
                  "batteryVoltage": ri(4000, 6200), "signalStrength": ri(10, 99), "rssi": -ri(50, 110)})
    if v == 1:
        tx = ch(["8" + alnum(5), "4" + alnum(5)])
        return ["%s INFO rpm-ingest: cgm upload transmitter=" % iso_ms(t), P(tx, "DEVICE"), " patient=", M(p.mrn), " readings=%d last_egv=%d mg/dL trend=%s" % (
            ri(12, 288), ri(40, 400), ch(["flat", "singleUp", "doubleDown", "fortyFiveDown"]))]
    if v == 2:
        serial = ch(["2317%s" % dg(7), "2219%s" % dg(7), "J%s%s" % (dg(10), alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ"))])
        return J({"event": "cpap.session", "device": {"model": ch(["AirSense 11 AutoSet", "AirSense 10 AutoSet", "DreamStation 2"]), "serial": P(serial, "DEVICE")},
                  "patient": {"mrn": M(p.mrn), "name": N(p.name("fl"))}, "session": {"date": D(fd(t.date() - td(days=1), "iso")), "usageMinutes": ri(0, 600),
                                                                                    "ahi": round(R.uniform(0.5, 25), 1), "leak95": round(R.uniform(2, 40), 1)}})
    return ["%s rpm-gateway: paired glucometer mac=" % iso_s(t), P(mac(), "DEVICE"), " model=%s to patient " % ch(["Contour Next One", "Accu-Chek Guide", "OneTouch Verify Reflect"]),
            N(p.name("fl")), " (", M(p.mrn), ", ", age_piece(p.age, "{}y"), ") enrolled ", D(fd(t.date(), "iso"))]


@tpl("pbm/claim", True)
def t_pbm():
    p = Pt()
    t = p.ref
    drug, ndc = ch(DRUGS)
    doc = Doc()
    fill = t.date()
    f = ["PBMCLM", t.strftime("%Y-%m-%dT%H:%M:%S"), "BIN=%s" % ch(["004336", "610014", "003858"]), "PCN=%s" % ch(["ADV", "MEDDADV", "A4"]),
         "GRP=%s" % ch(["RX" + dg(4), dg(6)]), ["CARDHOLDER=", H(member_id())], "PERSON=%02d" % ri(1, 4),
         ["PT=", N(up(p.last).replace(" ", "") + "," + up(p.first))], ["DOB=", D(fd(p.dob, "hl7"))], ["RX=", O(rxno())], ["FILL=", D(fd(fill, "iso"))],
         "NDC=%s" % ndc.replace("-", ""), "QTY=%d" % ch([30, 60, 90]), "DS=%d" % ch([30, 90]), ["PRESCRIBER_NPI=", NP(doc.npi)],
         ["PHARM_NPI=", NP(npi())], "STATUS=%s" % ch(["P", "P", "R"]), "PATPAY=%.2f" % R.uniform(0, 90), "PLANPAY=%.2f" % R.uniform(1, 900)]
    out = []
    for i, x in enumerate(f):
        if i:
            out.append("|")
        out.append(x)
    if pr(0.3):
        out += ["|REJ=79 Refill Too Soon (last fill ", D(fd(fill - td(days=ri(5, 20)), "us")), ")"]
    return out


@tpl("insurance/auto_fnol", True)
def t_fnol():
    p = Pt()
    t = p.ref
    loss = t.date() - td(days=ri(0, 10))
    dln, dls = dl()
    v = vin()
    yr = 2010 + "ABCDEFGHJKLMNPRSTVWXY".index(v[9]) if v[9] in "ABCDEFGHJKLMNPRSTVWXY" else 2018
    car = {"1HG": "Honda Accord", "1FT": "Ford F-150", "2T1": "Toyota Corolla", "3VW": "Volkswagen Jetta", "5YJ": "Tesla Model 3",
           "JHM": "Honda Fit", "KMH": "Hyundai Elantra", "WBA": "BMW 330i", "1G1": "Chevrolet Malibu", "4T1": "Toyota Camry",
           "1C4": "Jeep Grand Cherokee", "5NP": "Hyundai Sonata", "JTD": "Toyota Prius", "2HG": "Honda Civic"}[v[:3]]
    inj = ch(["neck pain, transported to ED", "fractured left wrist", "no injuries reported", "concussion, admitted overnight", "laceration to forehead, 6 sutures"])
    body = {"claimNumber": O("AU-%s-%06d" % (t.strftime("%y"), ri(1, 999999))), "policyNumber": AC("PA" + dg(9)), "lossDate": D(fd(loss, "iso")),
            "reportedAt": iso_s(t),
            "claimant": {"name": N(p.name("fl")), "dob": D(fd(p.dob, "iso")), "phone": Ph(fph(p.cell)), "driversLicense": {"number": P(dln, "LICENSE"), "state": dls},
                         "address": {"line1": addr_line(p), "city": A(p.city), "state": p.state, "zip": Z(p.zip)}},
            "vehicle": {"vin": P(v, "VEHICLE", "vin"), "year": yr, "makeModel": car, "plate": P(plate(), "VEHICLE"), "plateState": p.state},
            "injury": {"description": inj, "treatingFacility": ch(FACILITIES)[0]}}
    return ["%s INFO fnol-intake - FNOL received: " % iso_ms(t), J(body)]


@tpl("insurance/wc_froi", True)
def t_froi():
    p = Pt(old=False)
    t = p.ref
    inj = t.date() - td(days=ri(1, 20))
    emp = ch(["Desert Sun Logistics LLC", "Prairie Wind Foods Inc", "Gulf Coast Roofing Co", "Northstar Warehouse Partners"])
    parts = ["FROI|%s|EMPLOYER=%s|FEIN=%s|EMPLOYEE=" % (ch(["00", "02", "04"]), emp, "%s-%s" % (dg(2), dg(7))), N(p.name("LFnc")), "|SSN=",
             SS(fssn(p.ssn, ch(["plain", "dash"]))), "|DOB=", D(fd(p.dob, "hl7")), "|ADDR=", addr_line(p), "|CITY=", A(up(p.city)), "|ST=%s|ZIP=" % p.state, Z(p.zip),
             "|DOI=", D(fd(inj, "hl7")), "|NATURE=%s|BODY_PART=%s" % (ch(["52 Strain", "10 Contusion", "40 Laceration", "28 Fracture"]), ch(["42 Lower back", "34 Wrist", "53 Knee", "31 Upper arm"])),
             "|CLAIM=", O("WC%s" % dg(9)), "|TREATING=", N("%s %s" % (ch(DOC_FIRST), ch(DOC_LAST)))]
    return parts



# ---------------------------------------------------------------------------
# clinical notes in other languages
# ---------------------------------------------------------------------------


def join_sents(sents, sep=" "):
    out = []
    for i, s in enumerate(sents):
        if i:
            out.append(sep)
        out.append(s)
    return out


def pick_sents(first, rest, k_min=2, k_max=5):
    k = min(len(rest), ri(k_min, k_max))
    idx = sorted(R.sample(range(len(rest)), k))
    return [first] + [rest[i] for i in idx]


def local_dob(old=None):
    ref = rts()
    if old is None:
        old = pr(0.3)
    age = ri(90, 103) if old else ri(1, 89)
    dob = (ref - td(days=int(age * 365.25) + ri(1, 360))).date()
    return ref, dob, age_at(dob, ref.date())


ES_F = ["María José", "Carmen", "Josefa", "Dolores", "Pilar", "Lucía", "Rocío", "Ainhoa", "Montserrat", "Inmaculada", "Remedios"]
ES_M = ["Antonio", "Manuel", "Francisco", "Javier", "Íñigo", "Jordi", "José Luis", "Ramón", "Joaquín", "Álvaro"]
ES_L = ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Jiménez", "Ruiz", "Hernández",
        "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Serrano", "Núñez",
        "de la Fuente", "del Río", "Iglesias", "Castro", "Ortega", "Sanz"]
ES_CITY = [("Madrid", "28"), ("Sevilla", "41"), ("Valencia", "46"), ("Zaragoza", "50"), ("Bilbao", "48"), ("Málaga", "29"),
           ("Granada", "18"), ("Valladolid", "47"), ("Córdoba", "14"), ("Murcia", "30")]
ES_MES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]


def dni():
    n = ri(10000000, 99999999)
    return "%d%s" % (n, "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23])


@tpl("note_i18n_eu/es", True)
def t_es():
    ref, dob, age = local_dob()
    fem = pr(0.6)
    nom = ch(ES_F if fem else ES_M)
    ap1, ap2 = ch(ES_L), ch(ES_L)
    full = ch(["%s %s %s" % (nom, ap1, ap2), "%s %s, %s" % (ap1.upper(), ap2.upper(), nom.upper()), "%s %s" % (nom, ap1)])
    city, cp2 = ch(ES_CITY)
    cp = cp2 + "%03d" % ri(1, 80)
    via = ch(["C/ %s, %d, %dº %s" % (ch(["Mayor", "Real", "San Bernardo", "Alcalá", "Goya"]), ri(1, 200), ri(1, 8), ch("ABCD")),
              "Avda. de la %s %d, %dº izda." % (ch(["Constitución", "Paz", "Libertad"]), ri(1, 300), ri(1, 9)),
              "Plaza de %s %d, bajo" % (ch(["España", "la Merced", "San Juan"]), ri(1, 40)), "Camino de %s s/n" % ch(["Ronda", "Santiago", "los Molinos"])])
    mov = "6%02d %03d %03d" % (ri(0, 99), ri(0, 999), ri(0, 999))
    ing = ref.date() - td(days=ri(0, 10))
    fdob = ch(["%d de %s de %d" % (dob.day, ES_MES[dob.month - 1], dob.year), fd(dob, "eu_slash"), "%02d-%02d-%02d" % (dob.day, dob.month, dob.year % 100)])
    hija = "%s %s %s" % (ch(ES_F), ap1 if pr(0.5) else ch(ES_L), ch(ES_L))
    first = ["Paciente: ", N(full), ", ", age_piece(age, "{} años"), "."]
    rest = [["DNI ", P(dni(), "OTHER_ID", "dni"), "."], ["Fecha de nacimiento: ", D(fdob), "."], ["NHC ", M(dg(7)), "."],
            ["Domicilio: ", A(via), ", ", Z(cp), " ", A(city), "."], ["Teléfono de contacto: ", Ph(ch([mov, "+34 " + mov, "9%d %03d %02d %02d" % (ri(1, 8), ri(0, 999), ri(0, 99), ri(0, 99))])),
                                                                     " (", ch(["hija", "hijo", "esposo", "sobrina"]), ", ", N(hija), ")."],
            ["Ingresa el ", D(ch(["%d de %s" % (ing.day, ES_MES[ing.month - 1]), fd(ing, "eu_slash"), "%d/%d" % (ing.day, ing.month)])), " por ",
             ch(["disnea de esfuerzo", "caída en domicilio con fractura de cadera", "descompensación diabética", "neumonía adquirida en la comunidad"]), "."],
            ["NASS ", H("%02d/%08d/%02d" % (ri(1, 52), ri(0, 99999999), ri(0, 99))), "."],
            ["Control en consultas externas con la Dra. ", N(ch(ES_L)), " el ", D("%d de %s" % ((ing + td(days=30)).day, ES_MES[(ing + td(days=30)).month - 1])), "."]]
    return [ch(["", "NOTA DE EVOLUCIÓN: ", "[HCE] ", "Informe de alta - "]), join_sents(pick_sents(first, rest))]


FR_F = ["Jeanne", "Marie-Thérèse", "Geneviève", "Aurélie", "Mathilde", "Camille", "Hélène", "Simone", "Odette", "Yvette"]
FR_M = ["Jean-Pierre", "François", "Bernard", "Théo", "Gérard", "Lucien", "Marcel", "Raymond", "Étienne", "Joël"]
FR_L = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre", "Mercier",
        "Dupont", "Lambert", "Bonnet", "Le Gall", "Le Goff", "de Villiers", "Saint-Martin", "Fournier", "Girard", "Rousseau"]
FR_CITY = [("Lyon", "6900"), ("Marseille", "1300"), ("Toulouse", "3100"), ("Nantes", "4400"), ("Lille", "5900"), ("Bordeaux", "3300"),
           ("Strasbourg", "6700"), ("Rennes", "3500"), ("Nice", "0600"), ("Montpellier", "3400")]
FR_MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


def nir(sex, dob):
    base = "%d%02d%02d%02d%03d%03d" % (2 if sex == "F" else 1, dob.year % 100, dob.month, ri(1, 95), ri(1, 990), ri(1, 999))
    key = 97 - int(base) % 97
    s = base + "%02d" % key
    return "%s %s %s %s %s %s %s" % (s[0], s[1:3], s[3:5], s[5:7], s[7:10], s[10:13], s[13:]) if pr(0.7) else s


@tpl("note_i18n_eu/fr", True)
def t_fr():
    ref, dob, age = local_dob()
    fem = pr(0.6)
    pre = ch(FR_F if fem else FR_M)
    nom = ch(FR_L)
    city, cp4 = ch(FR_CITY)
    cp = cp4 + str(ri(0, 9))
    tel = "0%d %02d %02d %02d %02d" % (ch([6, 7, 1, 4]), ri(0, 99), ri(0, 99), ri(0, 99), ri(0, 99))
    adm = ref.date() - td(days=ri(0, 12))
    fdob = ch(["%d %s %d" % (dob.day, FR_MOIS[dob.month - 1], dob.year), fd(dob, "eu_slash")])
    conf = "%s %s" % (ch(FR_F + FR_M), ch(FR_L))
    first = [ch(["Mme ", "Madame "]) if fem else ch(["M. ", "Monsieur "]), N("%s %s" % (pre, nom.upper())), ", ", "née" if fem else "né", " le ", D(fdob), " (",
             age_piece(age, "{} ans"), ")."]
    rest = [["NIR : ", P(nir("F" if fem else "M", dob), "OTHER_ID", "nir"), "."],
            ["Adresse : ", A(ch(["%d, rue des %s" % (ri(1, 150), ch(["Lilas", "Tilleuls", "Écoles", "Peupliers"])), "%d bis avenue Jean Jaurès" % ri(1, 200),
                                 "Résidence Les Pins, bât. %s, %d allée des Cerisiers" % (ch("ABC"), ri(1, 60))])), ", ", Z(cp), " ", A(city), "."],
            ["Tél : ", Ph(ch([tel, "+33 " + tel[1:], tel.replace(" ", ".")])), "."], ["IPP ", M(dg(9)), ", NDA ", O(dg(9)), "."],
            [ch(["Hospitalisée", "Admise"]) if fem else ch(["Hospitalisé", "Admis"]), " le ", D(ch([fd(adm, "eu_slash"), "%d %s" % (adm.day, FR_MOIS[adm.month - 1])])),
             " pour ", ch(["chute à domicile", "décompensation cardiaque", "pneumopathie", "AVC ischémique"]), "."],
            ["Personne de confiance : ", N(conf), " (", ch(["fille", "fils", "époux", "nièce"]), "), ", Ph("06 %02d %02d %02d %02d" % (ri(0, 99), ri(0, 99), ri(0, 99), ri(0, 99))), "."],
            ["Médecin traitant : Dr ", N(ch(FR_L)), "."]]
    return [ch(["", "CR d'hospitalisation - ", "Observation médicale : "]), join_sents(pick_sents(first, rest))]


DE_F = ["Ursula", "Hildegard", "Brigitte", "Renate", "Leonie", "Gisela", "Ingeborg", "Waltraud", "Anneliese", "Sabine"]
DE_M = ["Jürgen", "Günter", "Wolfgang", "Karl-Heinz", "Lukas", "Jörg", "Heinz", "Manfred", "Dieter", "Horst"]
DE_L = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch",
        "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Zimmermann", "Krüger", "Hartmann", "von Bülow", "Weiß", "Große"]
DE_CITY = [("München", "80"), ("Berlin", "10"), ("Hamburg", "20"), ("Köln", "50"), ("Frankfurt am Main", "60"), ("Stuttgart", "70"),
           ("Düsseldorf", "40"), ("Leipzig", "04"), ("Dresden", "01"), ("Nürnberg", "90")]
DE_MON = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]


def kvnr():
    L = ch("ABCDEFGHIJKLMNOPRSTUVWZ")
    body = dgnz(8)
    nums = "%02d" % (ord(L) - 64) + body
    tot = 0
    for i, c in enumerate(nums):
        p_ = int(c) * (1 if i % 2 == 0 else 2)
        tot += p_ // 10 + p_ % 10
    return L + body + str(tot % 10)


@tpl("note_i18n_eu/de", True)
def t_de():
    ref, dob, age = local_dob()
    fem = pr(0.55)
    vn = ch(DE_F if fem else DE_M)
    nn = ch(DE_L)
    city, plz2 = ch(DE_CITY)
    plz = plz2 + "%03d" % ri(1, 999)
    auf = ref.date() - td(days=ri(0, 14))
    first = [ch(["Pat.: ", "Patient: ", ("Frau " if fem else "Herr ")]), N(ch(["%s, %s" % (nn, vn), "%s %s" % (vn, nn)])), ", geb. ",
             D(ch([fd(dob, "eu_dot"), "%d. %s %d" % (dob.day, DE_MON[dob.month - 1], dob.year)])), " (", age_piece(age, ch(["{} J.", "{} Jahre"])), ")"]
    rest = [["Anschrift: ", A(ch(["%s %d%s" % (ch(["Hauptstraße", "Bahnhofstr.", "Am Lindenhof", "Gartenweg", "Schillerstraße"]), ri(1, 120), ch(["", "a", "b"])),
                                  "%s %d, %d. OG" % (ch(["Goethestraße", "Lindenallee"]), ri(1, 90), ri(1, 5))])), ", ", Z(plz), " ", A(city)],
            ["Tel.: ", Ph(ch(["01%d %07d" % (ch([51, 52, 60, 70, 71, 76]), ri(0, 9999999)), "+49 1%d %07d" % (ch([51, 60, 71]), ri(0, 9999999)),
                              "(0%d) %07d" % (ch([30, 89, 40, 221]), ri(0, 9999999))]))],
            ["KVNR ", H(kvnr(), "kvnr"), " (", ch(["AOK Bayern", "TK", "Barmer", "DAK-Gesundheit", "IKK classic"]), ")"],
            ["Aufnahme am ", D(fd(auf, "eu_dot")), " wg. ", ch(["Synkope", "dekompensierter Herzinsuffizienz", "Oberschenkelhalsfraktur re.", "Pneumonie"])],
            ["Fallnr. ", O(dg(10)), ", PID ", M(dg(8))],
            ["Angehörige: ", ch(["Tochter", "Sohn", "Ehefrau", "Ehemann"]), " ", N("%s %s" % (ch(DE_F + DE_M), nn)), ", Tel. ", Ph("0%d %07d" % (ch([171, 176, 160]), ri(0, 9999999)))],
            ["Hausarzt: Dr. med. ", N(ch(DE_L))]]
    return [ch(["", "Arztbrief: ", "Epikrise - "]), join_sents(pick_sents(first, rest), "; ")]


PT_F = ["Maria das Graças", "Ana Beatriz", "Francisca", "Raimunda", "Letícia", "Conceição", "Antônia", "Luzia"]
PT_M = ["José Carlos", "João Pedro", "Antônio", "Luiz Fernando", "Thiago", "Sebastião", "Raimundo", "Benedito"]
PT_L = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro",
        "Carvalho", "Almeida", "da Silva", "dos Santos", "de Souza", "Nascimento", "Araújo", "Conceição"]
PT_CITY = [("São Paulo", "SP", "01"), ("Rio de Janeiro", "RJ", "20"), ("Belo Horizonte", "MG", "30"), ("Salvador", "BA", "40"),
           ("Recife", "PE", "50"), ("Fortaleza", "CE", "60"), ("Curitiba", "PR", "80"), ("Porto Alegre", "RS", "90"), ("Manaus", "AM", "69")]
PT_MES = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"]


def cpf():
    while True:
        d = [ri(0, 9) for _ in range(9)]
        if len(set(d)) > 1:
            break
    for n in (9, 10):
        t_ = sum(d[i] * (n + 1 - i) for i in range(n))
        d.append((t_ * 10 % 11) % 10)
    s = "".join(map(str, d))
    return "%s.%s.%s-%s" % (s[:3], s[3:6], s[6:9], s[9:]) if pr(0.8) else s


def cns():
    while True:
        d = [ch([7, 8, 9])] + [ri(0, 9) for _ in range(13)]
        s_ = sum(d[i] * (15 - i) for i in range(14))
        last = (11 - s_ % 11) % 11
        if last < 10:
            d.append(last)
            s = "".join(map(str, d))
            return "%s %s %s %s" % (s[:3], s[3:7], s[7:11], s[11:]) if pr(0.7) else s


@tpl("note_i18n_eu/pt", True)
def t_pt():
    ref, dob, age = local_dob()
    fem = pr(0.6)
    nome = "%s %s %s" % (ch(PT_F if fem else PT_M), ch(PT_L), ch(PT_L))
    city, uf, c2 = ch(PT_CITY)
    cep = "%s%03d-%03d" % (c2, ri(0, 999), ri(0, 999))
    cel = "(%02d) 9%04d-%04d" % (ri(11, 99), ri(0, 9999), ri(0, 9999))
    inter = ref.date() - td(days=ri(0, 10))
    first = ["Paciente: ", N(ch([nome, nome.upper()])), ", ", age_piece(age, "{} anos"), ", ", "nascida" if fem else "nascido", " em ",
             D(ch([fd(dob, "eu_slash"), "%d de %s de %d" % (dob.day, PT_MES[dob.month - 1], dob.year)])), "."]
    rest = [["CPF ", P(cpf(), "OTHER_ID", "cpf"), "; Cartão SUS ", H(cns(), "cns"), "."],
            ["Endereço: ", A(ch(["Rua das Flores, %d, apto %d" % (ri(1, 2000), ri(11, 1504)), "Av. Brasil, %d, bloco %s, ap. %d" % (ri(1, 3000), ch("ABC"), ri(101, 1204)),
                                 "Travessa São José, %d" % ri(1, 400)])), ", ", A(city), "/", uf, ", CEP ", Z(cep), "."],
            ["Tel.: ", Ph(ch([cel, "+55 " + cel.replace("(", "").replace(")", "")])), "."], ["Prontuário ", M(dg(8)), "."],
            [("Internada" if fem else "Internado"), " em ", D(ch([fd(inter, "eu_slash"), "%d/%d" % (inter.day, inter.month)])), " por ",
             ch(["insuficiência cardíaca descompensada", "queda da própria altura", "pneumonia", "crise hipertensiva"]), "."],
            ["Acompanhante: ", N("%s %s" % (ch(PT_F + PT_M), ch(PT_L))), " (", ch(["filha", "filho", "esposa", "neta"]), "), tel. ",
             Ph("(%02d) 9%04d-%04d" % (ri(11, 99), ri(0, 9999), ri(0, 9999))), "."]]
    return [ch(["", "Evolução médica: ", "Resumo de alta - "]), join_sents(pick_sents(first, rest))]


PL_F = ["Zofia", "Krystyna", "Jadwiga", "Małgorzata", "Wiesława", "Agnieszka", "Halina", "Danuta"]
PL_M = ["Stanisław", "Tadeusz", "Kazimierz", "Piotr", "Jerzy", "Zbigniew", "Mieczysław", "Andrzej"]
PL_L = [("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"), ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Mazur", "Mazur"),
        ("Grabowski", "Grabowska"), ("Krawczyk", "Krawczyk")]
PL_CITY = [("Warszawa", "0"), ("Kraków", "3"), ("Łódź", "9"), ("Wrocław", "5"), ("Poznań", "6"), ("Gdańsk", "8"), ("Lublin", "2"), ("Katowice", "4")]
PL_MIES = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"]


def pesel(dob, fem):
    m = dob.month + (20 if dob.year >= 2000 else 0)
    base = "%02d%02d%02d%03d%d" % (dob.year % 100, m, dob.day, ri(0, 999), ch([0, 2, 4, 6, 8]) if fem else ch([1, 3, 5, 7, 9]))
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return base + str((10 - sum(int(base[i]) * w[i] for i in range(10)) % 10) % 10)


def pl_lat(n):
    return "lata" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "lat"


@tpl("note_i18n_eu/pl", True)
def t_pl():
    ref, dob, age = local_dob()
    fem = pr(0.6)
    imie = ch(PL_F if fem else PL_M)
    nazw = ch(PL_L)[1 if fem else 0]
    city, k1 = ch(PL_CITY)
    kod = "%s%d-%03d" % (k1, ri(0, 9), ri(0, 999))
    przyj = ref.date() - td(days=ri(0, 10))
    first = [("Pacjentka: " if fem else "Pacjent: "), N(ch(["%s %s" % (imie, nazw), "%s %s" % (nazw.upper(), imie)])), ", ur. ",
             D(ch(["%d %s %d r." % (dob.day, PL_MIES[dob.month - 1], dob.year), fd(dob, "eu_dot")])), " (", age_piece(age, "{} " + pl_lat(age)), ")."]
    rest = [["PESEL ", P(pesel(dob, fem), "OTHER_ID", "pesel"), "."],
            ["Adres: ", A(ch(["ul. %s %d/%d" % (ch(["Długa", "Kwiatowa", "Polna", "Lipowa", "Słoneczna"]), ri(1, 120), ri(1, 60)),
                              "al. %s %d m. %d" % (ch(["Jerozolimskie", "Niepodległości", "Mickiewicza"]), ri(1, 200), ri(1, 90)),
                              "os. %s %d/%d" % (ch(["Tysiąclecia", "Piastów", "Kościuszkowskie"]), ri(1, 40), ri(1, 90))])), ", ", Z(kod), " ", A(city), "."],
            ["Tel. ", Ph(ch(["+48 %d %03d %03d" % (ri(500, 889), ri(0, 999), ri(0, 999)), "%d-%03d-%03d" % (ri(500, 889), ri(0, 999), ri(0, 999)),
                             "%d %03d %02d %02d" % (ch([22, 12, 42, 71]), ri(0, 999), ri(0, 99), ri(0, 99))])), "."],
            ["Nr historii choroby: ", M("%d/%d" % (ri(1, 99999), przyj.year)), "."],
            [("Przyjęta " if fem else "Przyjęty "), D(fd(przyj, "eu_dot")), " z powodu ", ch(["duszności", "upadku w domu", "zaostrzenia POChP", "udaru niedokrwiennego"]), "."],
            ["Osoba upoważniona: ", N("%s %s" % (ch(PL_F), ch(PL_L)[1])), " (", ch(["córka", "syn", "żona", "wnuczka"]), "), tel. ",
             Ph("%d %03d %03d" % (ri(500, 889), ri(0, 999), ri(0, 999))), "."]]
    return [ch(["", "Epikryza: ", "Karta informacyjna - "]), join_sents(pick_sents(first, rest))]


ZH_NAMES = ["王秀英", "李建国", "张伟", "刘芳", "陈静", "杨丽", "赵敏", "黄海燕", "周志强", "吴淑珍", "徐桂兰", "孙玉梅", "马德华", "朱红",
            "胡秀兰", "郭建军", "林美玲", "何国强", "高玉兰", "欧阳娜", "司马俊", "诸葛明"]
ZH_CITY = [("北京市", "110105", "100"), ("上海市", "310101", "200"), ("广州市", "440103", "510"), ("深圳市", "440304", "518"),
           ("成都市", "510104", "610"), ("杭州市", "330102", "310"), ("武汉市", "420102", "430"), ("西安市", "610102", "710")]
ZH_ST = {"北京市": "朝阳区建国路%d号%d单元%d室", "上海市": "浦东新区世纪大道%d弄%d号%d室", "广州市": "天河区体育西路%d号%d栋%d房",
         "深圳市": "南山区科技园路%d号%d座%d室", "成都市": "锦江区春熙路%d号%d栋%d号", "杭州市": "西湖区文三路%d号%d幢%d室",
         "武汉市": "武昌区中南路%d号%d栋%d室", "西安市": "雁塔区长安南路%d号%d单元%d室"}


def cnid(area, dob):
    base = "%s%04d%02d%02d%03d" % (area, dob.year, dob.month, dob.day, ri(0, 999))
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base + "10X98765432"[sum(int(base[i]) * w[i] for i in range(17)) % 11]


@tpl("note_i18n_asia/zh", True)
def t_zh():
    ref, dob, age = local_dob()
    name = ch(ZH_NAMES)
    fem = pr(0.55)
    city, area, z3 = ch(ZH_CITY)
    st = ZH_ST[city] % (ri(1, 300), ri(1, 9), ri(101, 2905))
    mob = "1%d%d%08d" % (ch([3, 5, 8, 9]), ri(0, 9), ri(0, 99999999))
    adm = ref.date() - td(days=ri(0, 14))
    first = ["患者", N(name), "，", "女" if fem else "男", "，", age_piece(age, "{}岁"), "。"]
    rest = [["身份证号", P(cnid(area, dob), "OTHER_ID", "cnid"), "。"], ["出生日期：", D(ch(["%d年%d月%d日" % (dob.year, dob.month, dob.day), fd(dob, "iso")])), "。"],
            ["住址：", A(city), A(st), "，邮编", Z(z3 + "%03d" % ri(0, 999)), "。"],
            ["联系电话：", Ph(ch([mob, "%s %s %s" % (mob[:3], mob[3:7], mob[7:]), "+86 %s-%s-%s" % (mob[:3], mob[3:7], mob[7:])])), "（", ch(["女儿", "儿子", "配偶"]), N(ch(ZH_NAMES)), "）。"],
            ["住院号", M(dg(8)), "，于", D("%d年%d月%d日" % (adm.year, adm.month, adm.day) if pr(0.6) else "%d月%d日" % (adm.month, adm.day)), "入院。"],
            ["医保卡号", H(ch(["BJ", "SH", "GD"]) + dg(14)), "。"], ["主治医师：", N(ch(ZH_NAMES)), "。"]]
    return [ch(["", "【入院记录】", "出院小结："]), join_sents(pick_sents(first, rest), "")]


KO_NAMES = ["김민준", "이서연", "박지훈", "최영희", "정순자", "강동원", "조미경", "윤영수", "장은정", "임철수", "한옥순", "서정희", "권혜진", "황보영", "남궁민"]
KO_CITY = [("서울특별시", "0"), ("부산광역시", "4"), ("대구광역시", "4"), ("인천광역시", "2"), ("광주광역시", "6"), ("대전광역시", "3")]
KO_ST = ["강남구 테헤란로 %d, %d동 %d호", "해운대구 센텀중앙로 %d, %d동 %d호", "수성구 달구벌대로 %d, %d동 %d호", "남동구 구월로 %d, %d동 %d호"]


def rrn(dob, fem):
    g = (2 if fem else 1) if dob.year < 2000 else (4 if fem else 3)
    base = "%02d%02d%02d%d%05d" % (dob.year % 100, dob.month, dob.day, g, ri(0, 99999))
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    c = (11 - sum(int(base[i]) * w[i] for i in range(12)) % 11) % 10
    return base[:6] + "-" + base[6:] + str(c)


@tpl("note_i18n_asia/ko", True)
def t_ko():
    ref, dob, age = local_dob()
    fem = pr(0.55)
    city, z1 = ch(KO_CITY)
    st = ch(KO_ST) % (ri(1, 500), ri(101, 120), ri(101, 2504))
    adm = ref.date() - td(days=ri(0, 14))
    first = ["환자 ", N(ch(KO_NAMES)), "(", age_piece(age, "{}세"), ", ", "여" if fem else "남", ")"]
    rest = [["주민등록번호 ", P(rrn(dob, fem), "OTHER_ID", "rrn")], ["생년월일 ", D(ch(["%d년 %d월 %d일" % (dob.year, dob.month, dob.day), fd(dob, "ymd_dot")]))],
            ["주소: ", A(city), " ", A(st), " (", Z("%s%04d" % (z1, ri(0, 9999))), ")"],
            ["연락처 ", Ph(ch(["010-%04d-%04d" % (ri(0, 9999), ri(0, 9999)), "+82 10-%04d-%04d" % (ri(0, 9999), ri(0, 9999)), "02-%03d-%04d" % (ri(100, 999), ri(0, 9999))])),
             ", 보호자 ", N(ch(KO_NAMES)), "(", ch(["딸", "아들", "배우자"]), ") ", Ph("010-%04d-%04d" % (ri(0, 9999), ri(0, 9999)))],
            ["등록번호 ", M(dg(8)), ", ", D(ch([fd(adm, "ymd_dot"), "%d월 %d일" % (adm.month, adm.day)])), " 입원"], ["담당의 ", N(ch(KO_NAMES)), " 교수"]]
    return [ch(["", "[경과기록] ", "퇴원요약: "]), join_sents(pick_sents(first, rest), ", ")]


AR_FIRST_M = ["أحمد", "عبدالله", "محمد", "يوسف", "خالد", "سعد", "فهد", "إبراهيم"]
AR_FIRST_F = ["فاطمة", "نورة", "مريم", "سارة", "هيا", "لطيفة", "منيرة", "عائشة"]
AR_FAM = ["العتيبي", "الزهراني", "القحطاني", "الشمري", "الدوسري", "الحربي", "المطيري", "الغامدي", "السبيعي", "الشهري"]
AR_CITY = [("الرياض", "1"), ("جدة", "2"), ("الدمام", "3"), ("مكة المكرمة", "2"), ("المدينة المنورة", "4")]
AR_DIG = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def saudi_id():
    b = ch("12") + dg(8)
    return b + luhn_cd(b)


def emirates_id(dob):
    b = "784%04d%07d" % (dob.year, ri(0, 9999999))
    s = b + luhn_cd(b)
    return "%s-%s-%s-%s" % (s[:3], s[3:7], s[7:14], s[14])


@tpl("note_i18n_asia/ar", True)
def t_ar():
    ref, dob, age = local_dob()
    fem = pr(0.5)
    name = "%s %s %s" % (ch(AR_FIRST_F if fem else AR_FIRST_M), ch(AR_FIRST_M), ch(AR_FAM))
    uae = pr(0.3)
    ind = pr(0.2)
    tr = (lambda s: s.translate(AR_DIG)) if ind else (lambda s: s)
    adm = ref.date() - td(days=ri(0, 14))
    age_txt = tr(str(age)) + " " + ch(["سنة", "عامًا"])
    first = [("المريضة: " if fem else "المريض: "), N(name), "، العمر ", AGE(age_txt) if age >= 90 else age_txt]
    if uae:
        idp = ["رقم الهوية الإماراتية ", P(emirates_id(dob), "OTHER_ID", "eid")]
        city = ch(["دبي", "أبوظبي", "الشارقة"])
        addr = ["العنوان: ", A(ch(["شارع الشيخ زايد، برج %d، شقة %d" % (ri(1, 40), ri(101, 3505)), "منطقة البرشاء، فيلا %d" % ri(1, 300)])), "، ", A(city)]
        ph = "+971 5%d %03d %04d" % (ch([0, 2, 5, 6]), ri(0, 999), ri(0, 9999))
    else:
        idp = ["رقم الهوية ", P(saudi_id(), "OTHER_ID", "saudi")]
        city, z1 = ch(AR_CITY)
        addr = ["العنوان: ", A(ch(["حي النخيل، شارع الأمير سلطان %d" % ri(1, 90), "حي الروضة، طريق الملك فهد %d" % ri(1, 500)])), "، ", A(city), " ",
                Z(z1 + "%04d" % ri(0, 9999))]
        ph = ch(["05%d%07d" % (ri(0, 9), ri(0, 9999999)), "+966 5%d %03d %04d" % (ri(0, 9), ri(0, 999), ri(0, 9999))])
    rest = [idp, ["تاريخ الميلاد: ", D(tr(fd(dob, ch(["eu_slash", "ymd_slash"]))))], addr, ["الجوال: ", Ph(tr(ph) if ind and pr(0.5) else ph)],
            ["رقم الملف الطبي: ", M(dg(7))], ["تاريخ الدخول: ", D(tr(fd(adm, ch(["ymd_slash", "eu_slash"]))))], ["الطبيب المعالج: د. ", N("%s %s" % (ch(AR_FIRST_M + AR_FIRST_F), ch(AR_FAM)))]]
    return [ch(["", "ملخص الخروج: ", "ملاحظة طبية - "]), join_sents(pick_sents(first, rest), "، ")]


VI_NAMES = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Hoa", "Phạm Minh Tuấn", "Hoàng Thị Mai", "Huỳnh Văn Nam", "Phan Thị Thu",
            "Vũ Đức Anh", "Võ Thị Hạnh", "Đặng Văn Long", "Bùi Thị Ngọc", "Đỗ Quang Huy", "Ngô Thị Bích", "Dương Văn Phúc"]
VI_CITY = [("Hà Nội", "001"), ("TP. Hồ Chí Minh", "079"), ("Đà Nẵng", "048"), ("Hải Phòng", "031"), ("Cần Thơ", "092")]


@tpl("note_i18n_asia/vi", True)
def t_vi():
    ref, dob, age = local_dob()
    name = ch(VI_NAMES)
    fem = " Thị " in name
    city, prov = ch(VI_CITY)
    g = (1 if fem else 0) + (2 if dob.year >= 2000 else 0)
    cccd = "%s%d%02d%06d" % (prov, g, dob.year % 100, ri(0, 999999))
    bhyt = "%s%d%s%010d" % (ch(["HT", "GD", "DN", "CB", "TE", "BT"]), ri(1, 5), prov[1:], ri(0, 9999999999))
    adm = ref.date() - td(days=ri(0, 14))
    mob = "0%d%d%d %03d %03d" % (ch([9, 3, 8, 7]), ri(0, 9), ri(0, 9), ri(0, 999), ri(0, 999))
    first = ["Bệnh nhân: ", N(ch([name, name.upper()])), ", ", age_piece(age, "{} tuổi"), ", giới tính ", "Nữ" if fem else "Nam", "."]
    rest = [["Ngày sinh: ", D(ch([fd(dob, "eu_slash"), "ngày %d tháng %d năm %d" % (dob.day, dob.month, dob.year)])), "."], ["CCCD: ", O(cccd), "."],
            ["Địa chỉ: ", A(ch(["Số %d ngõ %d phố Huế, phường Phạm Đình Hổ" % (ri(1, 200), ri(1, 120)), "%d/%d Lê Văn Sỹ, phường %d" % (ri(1, 500), ri(1, 90), ri(1, 15)),
                                "Tổ %d, thôn Đông, xã Hòa Phước" % ri(1, 20)])), ", ", A(city), "."],
            ["SĐT: ", Ph(ch([mob, mob.replace(" ", ""), "+84 " + mob[1:]])), " (", ch(["con gái", "con trai", "vợ", "chồng"]), " ", N(ch(VI_NAMES)), ")."],
            ["Mã BHYT: ", H(bhyt), "."], ["Mã bệnh án: ", M(dg(8)), ", vào viện ngày ", D(ch([fd(adm, "eu_slash"), "%d/%d" % (adm.day, adm.month)])), "."]]
    return [ch(["", "TÓM TẮT BỆNH ÁN: ", "Phiếu khám - "]), join_sents(pick_sents(first, rest))]



# ---------------------------------------------------------------------------
# English clinical free text
# ---------------------------------------------------------------------------
CONDS = ["CHF", "HFrEF (EF 30%)", "AFib on apixaban", "DM2", "CKD 3b", "COPD on 2L home O2", "HTN", "HLD", "CAD s/p CABG", "dementia",
         "OSA on CPAP", "hypothyroidism", "PVD", "GERD", "BPH", "OA"]
REASONS = ["ADHF", "CAP", "UTI w/ sepsis", "mechanical fall w/ L hip fx", "COPD exacerbation", "NSTEMI", "GI bleed", "AKI", "syncope", "cellulitis RLE"]


def age_sex_token(p):
    a = p.age
    sx = p.sex
    kind = ri(0, 4)
    if kind == 0:
        return [age_piece(a, "{} YO" + sx)]
    if kind == 1:
        return [age_piece(a, "{}-year-old"), " " + ("female" if sx == "F" else "male")]
    if kind == 2:
        return [age_piece(a, "{} y/o"), " " + sx]
    if kind == 3:
        return [age_piece(a, "{}yo"), " " + sx]
    return [age_piece(a, "{} yo"), " " + ("woman" if sx == "F" else "man")]


@tpl("note_en_clin/discharge", True)
def t_dc():
    p = Pt(old=pr(0.45))
    t = p.ref
    adm = t.date() - td(days=ri(2, 12))
    doc = Doc()
    rel = Pt()
    first = [ch(["DC SUMMARY: ", "Discharge Summary - ", "D/C SUMMARY: ", ""]), age_sex_token(p), " w/ hx ", ", ".join(R.sample(CONDS, ri(2, 4))), ", adm ",
             D(fd(adm, ch(["md", "us2nz", "usnz", "mon_d"]))), " for ", ch(REASONS), "."]
    rest = [["Pt is ", N(p.name(ch(["fl", "lf", "fml"]))), " (MRN ", M(p.mrn), "), DOB ", D(fdany(p.dob, ["us", "usnz", "us2"])), "."],
            ["Hospital course c/b ", ch(["delirium", "hypokalemia", "AKI, resolved", "brief afib w/ RVR"]), "; ", ch(["diuresed 4L", "abx x7d", "PT/OT eval done"]), "."],
            ["F/u w/ Dr. ", N(doc.last), " in ", ch(["1-2 wks", "7-10 days", "2 wks"]), ", PCP appt ", D(fd(t.date() + td(days=ri(3, 20)), ch(["md", "us2nz"]))), "."],
            ["Pt's ", ch(["dtr", "son", "wife", "husband", "niece"]), " (", N(rel.name("fl")), ", ", Ph(fph(rel.cell)), ") to transport home."],
            ["Home: ", addr_line(p), ", ", A(p.city), "; lives w/ ", ch(["spouse", "dtr", "alone", "son and dtr-in-law"]), "."],
            ["DC'd ", D(fd(t.date(), ch(["md", "usnz", "us"]))), " to ", ch(["home w/ HH", "SNF", "home", "ALF", "inpatient rehab"]), "."],
            ["Code status DNR/DNI confirmed w/ HCPOA ", N(rel.name(ch(["fl", "lf"]))), "."],
            ["Meds rec'd w/ pharmacist ", N(Pt().name("fl")), ", PharmD."]]
    return join_sents(pick_sents(first, rest, 2, 5))


@tpl("note_en_clin/progress", True)
def t_prog():
    p = Pt(old=pr(0.4))
    t = p.ref
    doc = Doc()
    rel = Pt()
    first = ch([["Progress note ", D(fd(t.date(), ch(["us", "md", "iso"]))), " - ", N(p.name(ch(["LF", "lf", "fl"]))), ":"],
                ["HD#%d (" % ri(2, 9), D(fd(t.date(), "md")), ") ", N(p.name("lf")), ", ", age_sex_token(p), ":"],
                ["S/O/A/P for ", N(p.name("fl")), " (", M(p.mrn), "):"]])
    rest = [["S: pt reports ", ch(["improved SOB", "poor sleep", "R knee pain 6/10", "no CP overnight"]), ", seen w/ ", ch(["wife", "husband", "dtr", "son"]), " ",
             N(rel.name("fl")), " at bedside."],
            ["O: T %.1f HR %d BP %d/%d SpO2 %d%% on %s." % (R.uniform(36.2, 38.9), ri(55, 120), ri(90, 180), ri(50, 100), ri(86, 99), ch(["RA", "2L NC", "4L NC"]))],
            ["A/P: ", ch(REASONS), " - cont ", ch(["IV lasix", "ceftriaxone", "heparin gtt", "PT"]), "; spoke w/ Dr. ", N(doc.last), " (", ch(["cards", "nephro", "ortho", "GI"]), ")."],
            ["SW to call ", ch(["son", "dtr", "HCPOA"]), " ", N(rel.name(ch(["fl", "lf"]))), " @ ", Ph(fph(rel.cell, ch(["dash", "paren", "dot"]))), " re: dispo."],
            ["Pt lives at ", addr_line(p), " w/ ", ch(["spouse", "dtr", "roommate"]), "; ", ch(["2 steps to enter", "no stairs", "3rd floor walk-up"]), "."],
            ["Next INR check ", D(fd(t.date() + td(days=ri(2, 10)), ch(["md", "month_ord"]))), " at anticoag clinic (%s)." % org_phone()],
            ["Pt reports new cell ", Ph(fph(p.cell)), " - updated in chart."],
            ["Last colonoscopy ", D(ch(["%d/%d" % (ri(1, 12), t.year - ri(1, 9)), fd(t.date() - td(days=ri(400, 3000)), "us")])), " nl."]]
    return join_sents(pick_sents(first, rest, 2, 5))


# ---------------------------------------------------------------------------
# stack traces
# ---------------------------------------------------------------------------


@tpl("stacktrace/java", True)
def t_java():
    p = Pt()
    t = p.ref
    v = ri(0, 3)
    if v == 0:
        head = ["java.time.format.DateTimeParseException: Text '", D(fdany(p.dob, ["us", "usnz", "dmy_abbr", "us2"])), "' could not be parsed at index %d" % ri(0, 5)]
        frames = ["java.base/java.time.format.DateTimeFormatter.parseResolved0(DateTimeFormatter.java:2106)",
                  "java.base/java.time.LocalDate.parse(LocalDate.java:430)", "com.acme.intake.mapper.PatientMapper.toDob(PatientMapper.java:%d)" % ri(20, 200)]
    elif v == 1:
        head = ["java.lang.NumberFormatException: For input string: \"", Ph(fph(p.phone, ch(["dash", "paren", "dot"]))), "\""]
        frames = ["java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)",
                  "java.base/java.lang.Long.parseLong(Long.java:711)", "com.acme.notify.SmsRouter.normalize(SmsRouter.java:%d)" % ri(20, 200)]
    elif v == 2:
        head = ["com.acme.ehr.PatientNotFoundException: No patient found for MRN ", M(p.mrn), " / DOB ", D(fd(p.dob, "iso"))]
        frames = ["com.acme.ehr.PatientService.lookup(PatientService.java:%d)" % ri(20, 200), "com.acme.ehr.api.PatientController.get(PatientController.java:%d)" % ri(20, 90)]
    else:
        q = Pt()
        head = ["java.lang.IllegalStateException: Duplicate key ", M(p.mrn), " (attempted merging values Patient[mrn=", M(p.mrn), ", name=", N(p.name("fl")),
                "] and Patient[mrn=", M(p.mrn), ", name=", N(q.first + " " + p.last), "])"]
        frames = ["java.base/java.util.stream.Collectors.duplicateKeyException(Collectors.java:135)",
                  "java.base/java.util.stream.Collectors.lambda$uniqKeysMapAccumulator$1(Collectors.java:182)",
                  "com.acme.mpi.MergeJob.index(MergeJob.java:%d)" % ri(20, 200)]
    trace = S(head, "".join("\n\tat " + f for f in frames), "\n\t... %d common frames omitted" % ri(10, 90))
    return J({"@timestamp": iso_ms(t, tz_off()), "@version": "1", "message": ch(["Unhandled exception processing request", "Job step failed"]),
              "logger_name": ch(["c.a.e.api.GlobalExceptionHandler", "com.acme.batch.StepRunner"]), "thread_name": "http-nio-8080-exec-%d" % ri(1, 50),
              "level": "ERROR", "level_value": 40000, "stack_trace": trace})


@tpl("stacktrace/python", True)
def t_pytb():
    p = Pt()
    t = p.ref
    v = ri(0, 2)
    if v == 0:
        raw = fd(p.dob, ch(["eu_slash", "iso", "dmy_abbr"]))
        tail = ["ValueError: time data "] + pyrepr_piece(raw, "DATE") + [" does not match format '%m/%d/%Y'"]
        fr = ['  File "/app/intake/parse.py", line %d, in parse_dob\n    return datetime.strptime(raw, "%%m/%%d/%%Y")' % ri(20, 200),
              '  File "/usr/local/lib/python3.11/_strptime.py", line 568, in _strptime_datetime\n    tt, fraction, gmtoff_fraction = _strptime(data_string, format)']
    elif v == 1:
        tail = ["KeyError: "] + pyrepr_piece(p.mrn, "MRN")
        fr = ['  File "/app/reminders/send.py", line %d, in build_batch\n    pt = patients_by_mrn[row["mrn"]]' % ri(20, 200)]
    else:
        host = fhir_host()
        tail = ["requests.exceptions.HTTPError: 404 Client Error: Not Found for url: ",
                U("%s/Patient?identifier=urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14%%7C%s&birthdate=%s" % (host, p.mrn, fd(p.dob, "iso")))]
        fr = ['  File "/app/sync/fhir_client.py", line %d, in find_patient\n    resp.raise_for_status()' % ri(20, 200),
              '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status\n    raise HTTPError(http_error_msg, response=self)']
    tb = S("Traceback (most recent call last):\n", "\n".join(fr), "\n", tail)
    return J({"asctime": t.strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (t.microsecond // 1000), "levelname": "ERROR",
              "name": ch(["intake.worker", "reminders.job", "sync.fhir"]), "message": ch(["task failed", "unhandled exception"]), "exc_info": tb,
              "taskName": None, "process": ri(1, 999)})


@tpl("stacktrace/dotnet", False)
def t_dotnet_tb():
    t = rts()
    ex = ch([("System.TimeoutException: The operation has timed out.", "Acme.Integrations.PayerClient.SendAsync(HttpRequestMessage request) in /src/Payer/PayerClient.cs:line %d"),
             ("System.Net.Http.HttpRequestException: Connection refused (eligibility-svc:8080)", "Acme.Eligibility.Client.CheckAsync(CancellationToken ct) in /src/Eligibility/Client.cs:line %d"),
             ("Microsoft.Data.SqlClient.SqlException (0x80131904): Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation.",
              "Acme.Billing.Data.StatementRepository.GetBatchAsync(Int32 batchId) in /src/Billing/Data/StatementRepository.cs:line %d")])
    return J({"Timestamp": iso_ms(t), "Level": "Error", "MessageTemplate": "Unhandled exception in {Job}", "Properties": {"Job": ch(["StatementBatch", "PayerSync", "OutboxPublisher"])},
              "Exception": "%s\n   at %s\n   at Acme.Workers.JobRunner.RunAsync(IJob job) in /src/Workers/JobRunner.cs:line %d" % (ex[0], ex[1] % ri(20, 300), ri(20, 200))})


# ---------------------------------------------------------------------------
# exports, configs, logfmt, HTTP bodies
# ---------------------------------------------------------------------------


@tpl("export/tsv_rows", True)
def t_tsv():
    p = Pt()
    t = p.ref
    doc = Doc()
    last = t.date() - td(days=ri(1, 700))
    if pr(0.7):
        cells = [M(p.mrn), N(p.last), N(p.first), D(fd(p.dob, ch(["iso", "us"]))), p.sex, Ph(fph(p.phone, ch(["dash", "plain", "paren"]))), addr_line(p),
                 A(p.city), p.state, Z(p.zip), NP(doc.npi), D(fd(last, "iso"))]
        return join_sents(cells, "\t")
    hdr = "mrn,last_name,first_name,dob,zip"
    row = [M(p.mrn), ",", N(p.last), ",", N(p.first), ",", D(fd(p.dob, "iso")), ",", Z(p.zip)]
    return ["%s INFO export: uploading sample to sftp://partner.example/inbound/roster_%s.csv: \"%s\\n" % (iso_s(t), t.strftime("%Y%m%d"), hdr), row, "\\n...\" (%d rows)" % ri(100, 90000)]


def fw(val, width, typ=None, kind=None, right=False):
    v = val[:width]
    pad = " " * (width - len(v))
    if typ is None:
        return (pad + v) if right else (v + pad)
    return [pad, P(v, typ, kind)] if right else [P(v, typ, kind), pad]


@tpl("export/fixed_width", True)
def t_fixed():
    p = Pt()
    t = p.ref
    eff = dt.date(t.year, ch([1, 1, 4, 7]), 1)
    term = dt.date(t.year, 12, 31)
    street = up(p.street + (" " + p.unit if p.unit else ""))
    if len(street) > 30:
        street = up(p.street)[:30].rstrip()
    rec = ["D", fw(member_id(), 14, "HEALTH_PLAN_ID"), fw(up(p.last), 20, "NAME"), fw(up(p.first), 15, "NAME"),
           fw(p.mi.upper(), 1, "NAME") if p.mi else " ", D(fd(p.dob, "hl7")), p.sex, fw(street, 30, "ADDRESS"), fw(up(p.city), 20, "ADDRESS"),
           p.state, fw(p.zip + p.zip4 if pr(0.6) else p.zip, 9, "ZIP"), fw(p.phone, 10, "PHONE") if pr(0.7) else " " * 10,
           D(fd(eff, "hl7")), D(fd(term, "hl7")) if pr(0.5) else " " * 8, fw(ch(["HMO01", "PPO250", "MCDAZ", "EPO10"]), 6), fw(ch(["SUB", "DEP"]), 3)]
    return rec


@tpl("export/toml_config", False)
def t_toml():
    fname, fstreet, fsuite = ch(FACILITIES)
    city, st, z3 = ch(CITIES)
    return ch([["[server]"], ["port = %d" % ch([8080, 8443, 9000])], ["timeout = \"%ds\"" % ri(5, 120)], ["[database]"],
               ["host = \"ehr-db.internal\""], ["pool_size = %d" % ri(5, 50)], ["[clinic]"], ["name = \"%s\"" % fname],
               ["support_phone = \"+1-%s\"" % org_phone()], ["fax = \"(%s) %s-%s\"" % (ch(AREA), dg(3), dg(4))],
               ["address = \"%s%s, %s, %s %s%s\"" % (fstreet, (", " + fsuite) if fsuite else "", city, st, z3, dg(2))],
               ["npi_lookup_url = \"https://npiregistry.cms.hhs.gov/api/?version=2.1\""], ["log_level = \"%s\"" % ch(["info", "debug", "warn"])],
               ["[reminders]"], ["send_window = \"08:00-20:00\""], ["quiet_days = [\"2025-12-25\", \"2026-01-01\"]"], ["retention_days = %d" % ch([30, 90, 365, 2555])],
               ["cert_expiry_warn = \"%s\"" % (rts() + td(days=ri(30, 400))).strftime("%Y-%m-%d")]])


@tpl("logfmt/app", True)
def t_logfmt():
    p = Pt()
    t = p.ref
    out = ["ts=%s level=%s caller=%s msg=\"%s\"" % (iso_ms(t), ch(["info", "warn", "debug"]), ch(["refill.go:88", "notify.go:141", "intake.go:57"]),
                                                   ch(["refill request received", "reminder scheduled", "callback requested"]))]
    if pr(0.6):
        out += lf("rx", rxno(), "OTHER_ID")
    out += lf("patient_mrn", p.mrn, "MRN")
    if pr(0.7):
        out += lf("patient", p.name(ch(["fl", "lf"])), "NAME")
    if pr(0.4):
        out += lf("pharmacy", ch(["CVS #%d" % ri(1000, 9999), "Walgreens #%05d" % ri(1, 19999)]))
    if pr(0.6):
        out += lf("callback", fph(p.cell, ch(["e164", "dash", "paren"])), "PHONE")
    if pr(0.4):
        out += lf("dob", fd(p.dob, ch(["iso", "us"])), "DATE")
    if pr(0.3):
        out += lf("email", p.email, "EMAIL")
    out += [" trace_id=%s duration=%dms" % (hx(32), ri(1, 900))]
    return out


@tpl("logfmt/heroku_router", False)
def t_heroku():
    t = rts()
    return "%s heroku[router]: at=info method=%s path=\"%s\" host=portal-api.herokuapp.com request_id=%s fwd=\"%s\" dyno=web.%d connect=%dms service=%dms status=%d bytes=%d protocol=https" % (
        iso_us(t, "+00:00"), ch(["GET", "HEAD"]), ch(["/healthz", "/status", "/assets/app-%s.js" % hx(8), "/favicon.ico"]), uuid4(),
        ch(["52.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254)), priv_ip()]), ri(1, 4), ri(0, 5), ri(1, 900), ch([200, 200, 304, 503]), ri(100, 90000))


@tpl("http_body/form_body", True)
def t_form():
    p = Pt()
    t = p.ref
    if pr(0.5):
        bnd = "----WebKitFormBoundary" + b62(16)
        parts = [("first_name", N(p.first)), ("last_name", N(p.last)), ("dob", D(fdany(p.dob, ["iso", "us"]))), ("phone", Ph(fph(p.cell)))]
        if pr(0.5):
            parts.append(("member_id", H(member_id())))
        if pr(0.4):
            parts.append(("email", E(p.email)))
        body = []
        for k, v in parts:
            body += ["--%s\\r\\nContent-Disposition: form-data; name=\"%s\"\\r\\n\\r\\n" % (bnd, k), v, "\\r\\n"]
        lname = fold(p.last).upper().replace(" ", "").replace("'", "")
        body += ["--%s\\r\\nContent-Disposition: form-data; name=\"insurance_card\"; filename=\"" % bnd,
                 N("%s_%s" % (lname, fold(p.first).upper())), "_insurance_front.jpg\"\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n<binary %d bytes>\\r\\n--%s--" % (ri(40000, 900000), bnd)]
        return ["%s DEBUG [intake-api] POST /v1/intake content-type=multipart/form-data; boundary=%s body=" % (iso_ms(t), bnd), body]
    if pr(0.35):
        c = fcard(card())
        kv = [("account_no", AC(account())), ("amount", "%.2f" % R.uniform(10, 900)), ("name_on_card", N(formq(p.name(ch(["fl", "FL"]))))),
              ("card_number", P(formq(c), "CREDIT_CARD", raw=c)), ("exp_month", "%02d" % ri(1, 12)), ("exp_year", str(ri(2025, 2030))),
              ("billing_zip", Z(p.zip))]
        body = []
        for i, (k, v) in enumerate(kv):
            body += [("&" if i else "") + k + "=", v]
        return ["%s DEBUG [billpay-web] POST /billing/pay content-type=application/x-www-form-urlencoded body=" % iso_ms(t), body]
    kv = [("first_name", N(formq(p.first))), ("last_name", N(formq(p.last))), ("dob", D(formq(fdany(p.dob, ["us", "iso"])))),
          ("phone", Ph(formq(fph(p.cell, ch(["paren", "e164", "dash"]))))), ("address1", A(formq(p.street))), ("zip", Z(p.zip))]
    if p.unit:
        kv.insert(5, ("address2", A(formq(p.unit))))
    body = []
    for i, (k, v) in enumerate(kv):
        body += [("&" if i else "") + k + "=", v]
    return ["%s DEBUG [intake-api] POST /v1/intake content-type=application/x-www-form-urlencoded body=" % iso_ms(t), body, "&consent=on"]

# ---------------------------------------------------------------------------
# build, self-check, write
# ---------------------------------------------------------------------------
QUOTES = set("\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u300c\u300d")


def build():
    global R
    R = random.Random(SEED)
    recs = []
    for name, phi, fn in TEMPLATES:
        n = PHI_LINES if phi else FREE_LINES
        for _ in range(n):
            items = fn()
            text, spans, meta = render(items)
            recs.append((name, phi, text, spans, meta))
    order = list(range(len(recs)))
    R.shuffle(order)
    out = []
    for i, k in enumerate(order):
        name, phi, text, spans, meta = recs[k]
        out.append({"id": i + 1, "template": name, "text": text, "spans": spans, "_phi": phi, "_meta": meta})
    return out


def check(recs):
    errs = []
    names = set()
    for r in recs:
        rid = r["id"]
        text = r["text"]
        b = text.encode("utf-8")
        names.add(r["template"])
        if not re.fullmatch(r"[a-z0-9_]+/[a-z0-9_]+", r["template"]):
            errs.append((rid, "bad template name"))
        for bad in ("\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"):
            if bad in text:
                errs.append((rid, "raw line break %r" % bad))
        spans = r["spans"]
        if r["_phi"] and not spans:
            errs.append((rid, "PHI template without spans"))
        if not r["_phi"] and spans:
            errs.append((rid, "PHI-free template with spans"))
        prev = 0
        for (s, e, typ), m in zip(spans, r["_meta"]):
            if typ not in TYPES:
                errs.append((rid, "bad type %s" % typ))
            if not (0 <= s < e <= len(b)):
                errs.append((rid, "span out of range %d-%d" % (s, e)))
                continue
            if s < prev:
                errs.append((rid, "unsorted/overlapping span at %d" % s))
            prev = e
            try:
                v = b[s:e].decode("utf-8")
            except UnicodeDecodeError:
                errs.append((rid, "span not UTF-8 %d-%d" % (s, e)))
                continue
            if v != m.text:
                errs.append((rid, "span text %r != emitted %r" % (v, m.text)))
            if v != v.strip() or v[0] in QUOTES or v[-1] in QUOTES or v.endswith("\\"):
                errs.append((rid, "span has edge whitespace/quote %r" % v))
            chk = TYPE_CHECKS.get(typ)
            if chk and not chk(m.raw):
                errs.append((rid, "%s fails check: %r" % (typ, m.raw)))
            if m.kind:
                if m.kind not in KIND_CHECKS:
                    errs.append((rid, "unknown kind %s" % m.kind))
                elif not KIND_CHECKS[m.kind](m.raw):
                    errs.append((rid, "%s/%s fails check: %r" % (typ, m.kind, m.raw)))
            if typ == "VEHICLE" and m.kind is None and len(m.raw) == 17:
                errs.append((rid, "17-char vehicle id without vin kind %r" % m.raw))
            if typ == "AGE_OVER_89":
                mm = re.search(r"\d+", v)
                if not mm or int(mm.group()) < 90:
                    errs.append((rid, "age span not >= 90: %r" % v))
    ids = [r["id"] for r in recs]
    if ids != list(range(1, len(recs) + 1)):
        errs.append((0, "ids not sequential"))
    return errs


def dumps(recs):
    lines = []
    for r in recs:
        lines.append(json.dumps({"id": r["id"], "template": r["template"], "text": r["text"], "spans": r["spans"]},
                                ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "heldout7.jsonl")
    recs = build()
    data = dumps(recs)
    with open(path, "wb") as f:
        f.write(data)
    errs = check(recs)
    recs2 = build()
    data2 = dumps(recs2)
    if data2 != data:
        errs.append((0, "second in-memory build differs (non-deterministic)"))
    with open(path, "rb") as f:
        if f.read() != data:
            errs.append((0, "file on disk differs from build"))
    # re-check from the file itself (offsets are UTF-8 byte offsets into text)
    with open(path, "rb") as f:
        for ln, line in enumerate(f, 1):
            rec = json.loads(line)
            tb = rec["text"].encode("utf-8")
            for s, e, typ in rec["spans"]:
                if not (0 <= s < e <= len(tb)):
                    errs.append((rec["id"], "file span out of range"))
    counts = {}
    for r in recs:
        for _, _, typ in r["spans"]:
            counts[typ] = counts.get(typ, 0) + 1
    fams = sorted(set(n.split("/")[0] for n, _, _ in TEMPLATES))
    nphi = sum(1 for _, phi, _ in TEMPLATES if phi)
    print("lines=%d templates=%d (phi=%d free=%d) families=%d spans=%d" % (
        len(recs), len(TEMPLATES), nphi, len(TEMPLATES) - nphi, len(fams), sum(counts.values())))
    for k in TYPES:
        print("  %-15s %d" % (k, counts.get(k, 0)))
    if errs:
        for e in errs[:60]:
            print("FAIL id=%s: %s" % e, file=sys.stderr)
        print("%d self-check failures" % len(errs), file=sys.stderr)
        return 1
    print("self-check OK: %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
