#!/usr/bin/env python3
"""gen6.py - writes the labelled synthetic PHI evaluation set heldout6.jsonl.

Standard library only.  Deterministic: random.Random(6607).  Every record is
built by concatenating literal pieces and labelled pieces while tracking the
UTF-8 byte offset, so spans are exact by construction; a self-check at the end
re-verifies every span and exits non-zero on any failure.
"""
import calendar
import datetime as _dt
import json
import os
import random
import sys
import unicodedata
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "heldout6.jsonl")
SEED = 6607
N_PHI = 24      # lines per PHI-bearing template
N_FREE = 27     # lines per PHI-free template

TYPES = {"NAME", "ADDRESS", "ZIP", "DATE", "AGE_OVER_89", "PHONE", "FAX", "EMAIL",
         "SSN", "MRN", "HEALTH_PLAN_ID", "ACCOUNT", "CREDIT_CARD", "LICENSE", "NPI",
         "VEHICLE", "DEVICE", "URL", "IP", "OTHER_ID"}

R = random.Random(SEED)
NOW = _dt.datetime(2024, 3, 1)


# ----------------------------------------------------------------------------
# builder
# ----------------------------------------------------------------------------
class S:
    """A composite string value: literal pieces and (value, TYPE) pieces."""
    __slots__ = ("items",)

    def __init__(self, *items):
        self.items = items


class Raw:
    """Raw text inserted verbatim by the JSON emitter."""
    __slots__ = ("s",)

    def __init__(self, s):
        self.s = s


class EJ:
    """A JSON value that is a string holding serialised JSON of obj."""
    __slots__ = ("obj", "sep")

    def __init__(self, obj, sep=(",", ":")):
        self.obj = obj
        self.sep = sep


class B:
    def __init__(self):
        self.parts = []
        self.n = 0
        self.spans = []

    def _t(self, x):
        self.parts.append(x)
        self.n += len(x.encode("utf-8"))

    def __call__(self, *items):
        for it in items:
            if isinstance(it, tuple):
                v, t = it
                v = str(v)
                if t is None:
                    self._t(v)
                else:
                    st = self.n
                    self._t(v)
                    self.spans.append([st, self.n, t, v])
            elif isinstance(it, S):
                self(*it.items)
            elif isinstance(it, list):
                self(*it)
            elif it is None:
                continue
            else:
                self._t(it)
        return self

    def text(self):
        return "".join(self.parts)


def jenc(s, esc=0, ascii=False):
    x = json.dumps(s, ensure_ascii=ascii)[1:-1]
    for _ in range(esc):
        x = json.dumps(x, ensure_ascii=ascii)[1:-1]
    return x


def jquote(esc, ascii=False):
    return '"' if esc == 0 else jenc('"', esc - 1, ascii)


def jemit(b, o, sep=(",", ":"), esc=0, ascii=False):
    q = jquote(esc, ascii)
    if isinstance(o, dict):
        b("{")
        for i, (k, v) in enumerate(o.items()):
            if i:
                b(sep[0])
            b(q + jenc(k, esc, ascii) + q + sep[1])
            jemit(b, v, sep, esc, ascii)
        b("}")
    elif isinstance(o, list):
        b("[")
        for i, v in enumerate(o):
            if i:
                b(sep[0])
            jemit(b, v, sep, esc, ascii)
        b("]")
    elif isinstance(o, tuple):
        v, t = o
        if isinstance(v, str):
            b(q, (jenc(v, esc, ascii), t), q)
        else:
            b((json.dumps(v), t))
    elif isinstance(o, S):
        b(q)
        for it in o.items:
            if isinstance(it, tuple):
                b((jenc(str(it[0]), esc, ascii), it[1]))
            else:
                b(jenc(it, esc, ascii))
        b(q)
    elif isinstance(o, EJ):
        b(q)
        jemit(b, o.obj, o.sep, esc + 1, ascii)
        b(q)
    elif isinstance(o, Raw):
        b(o.s)
    elif isinstance(o, str):
        b(q + jenc(o, esc, ascii) + q)
    else:
        b(json.dumps(o))


def J(b, o, sep=(",", ":"), ascii=False):
    jemit(b, o, sep, 0, ascii)


# ----------------------------------------------------------------------------
# small random helpers
# ----------------------------------------------------------------------------
def ch(seq):
    return R.choice(seq)


def ri(a, c):
    return R.randint(a, c)


def rr():
    return R.random()


def dg(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def hx(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def HX(n):
    return hx(n).upper()


def al(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    return "".join(R.choice(alphabet) for _ in range(n))


def an(n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(R.choice(alphabet) for _ in range(n))


def b62(n):
    return an(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def uid():
    return "%s-%s-4%s-%s%s-%s" % (hx(8), hx(4), hx(3), ch("89ab"), hx(3), hx(12))


def UID():
    return uid().upper()


def fold(s):
    s = s.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def U(s):
    return fold(s).upper()


def uq(s, plus=False):
    if plus:
        return quote(s, safe="").replace("%20", "+")
    return quote(s, safe="")


def xe(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xa(s):
    return xe(s).replace('"', "&quot;")


def sqlq(s):
    return s.replace("'", "''")


def myq(s):
    return s.replace("'", "\\'")


# ----------------------------------------------------------------------------
# time helpers (log timestamps are NOT PHI)
# ----------------------------------------------------------------------------
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MONTH = ("January February March April May June July August September October "
         "November December").split()
DOW = "Mon Tue Wed Thu Fri Sat Sun".split()
DAYNAME = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def new_now():
    return _dt.datetime(2024, 3, 1) + _dt.timedelta(seconds=ri(0, 118 * 86400),
                                                   microseconds=ri(0, 999999))


def T(delta_s=0):
    return NOW + _dt.timedelta(seconds=delta_s)


def iso_ms(t=None, z="Z"):
    t = t or NOW
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (t.microsecond // 1000) + z


def iso_us(t=None, z="Z"):
    t = t or NOW
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d" % t.microsecond + z


def iso_7(t=None):
    t = t or NOW
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d%dZ" % (t.microsecond, ri(0, 9))


def iso_s(t=None, z="Z"):
    t = t or NOW
    return t.strftime("%Y-%m-%dT%H:%M:%S") + z


def sp_ms(t=None, sep="."):
    t = t or NOW
    return t.strftime("%Y-%m-%d %H:%M:%S") + sep + "%03d" % (t.microsecond // 1000)


def sp_s(t=None):
    t = t or NOW
    return t.strftime("%Y-%m-%d %H:%M:%S")


def clf(t=None):
    t = t or NOW
    return "%02d/%s/%d:%s +0000" % (t.day, MON[t.month - 1], t.year, t.strftime("%H:%M:%S"))


def epoch(t=None):
    t = t or NOW
    return calendar.timegm(t.timetuple())


def epoch_ms(t=None):
    t = t or NOW
    return epoch(t) * 1000 + t.microsecond // 1000


def hl7ts(t=None):
    t = t or NOW
    return t.strftime("%Y%m%d%H%M%S")


def fd(d, style="iso"):
    y, m, dd = d.year, d.month, d.day
    if style == "iso":
        return "%04d-%02d-%02d" % (y, m, dd)
    if style == "us":
        return "%02d/%02d/%04d" % (m, dd, y)
    if style == "us_nz":
        return "%d/%d/%d" % (m, dd, y)
    if style == "us_yy":
        return "%02d/%02d/%02d" % (m, dd, y % 100)
    if style == "us_nz_yy":
        return "%d/%d/%02d" % (m, dd, y % 100)
    if style == "compact":
        return "%04d%02d%02d" % (y, m, dd)
    if style == "dmon":
        return "%02d-%s-%04d" % (dd, MON[m - 1], y)
    if style == "DMON":
        return ("%02d-%s-%04d" % (dd, MON[m - 1], y)).upper()
    if style == "long":
        return "%s %d, %d" % (MONTH[m - 1], dd, y)
    if style == "mdy":
        return "%s %d, %d" % (MON[m - 1], dd, y)
    if style == "dot":
        return "%02d.%02d.%04d" % (dd, m, y)
    if style == "dmy":
        return "%02d/%02d/%04d" % (dd, m, y)
    if style == "dmy_dash":
        return "%02d-%02d-%04d" % (dd, m, y)
    if style == "dash_us":
        return "%02d-%02d-%04d" % (m, dd, y)
    if style == "dmon_sp":
        return "%d %s %d" % (dd, MON[m - 1], y)
    if style == "slash_iso":
        return "%04d/%02d/%02d" % (y, m, dd)
    raise ValueError(style)


DOB_STYLES = ["iso", "us", "us_nz", "compact", "dmon", "long", "mdy", "us_yy", "dash_us"]


def svc_date(back=45, fwd=0):
    return (NOW + _dt.timedelta(days=ri(-back, fwd))).date()


def svc_dt(back=45, fwd=0, hours=(7, 18)):
    d = svc_date(back, fwd)
    return _dt.datetime(d.year, d.month, d.day, ri(*hours), ch([0, 5, 10, 15, 20, 30, 40, 45, 50]), 0)


def appt_dt():
    d = svc_date(-1, 40)
    if d <= NOW.date():
        d = NOW.date() + _dt.timedelta(days=ri(1, 30))
    return _dt.datetime(d.year, d.month, d.day, ri(7, 16), ch([0, 15, 20, 30, 40, 45]), 0)


def hhmm_ampm(t):
    h = t.hour % 12 or 12
    return "%d:%02d %s" % (h, t.minute, "AM" if t.hour < 12 else "PM")


def age_of(dob, ref=None):
    ref = ref or NOW
    if isinstance(ref, _dt.datetime):
        ref = ref.date()
    a = ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))
    return a


def age_item(a, fmt="%d"):
    """age text as an item; labelled only when >= 90."""
    s = fmt % a
    return (s, "AGE_OVER_89" if a >= 90 else None)


# ----------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------
GIVEN = {
    "anglo": {
        "F": ["Mary", "Jennifer", "Linda", "Patricia", "Elizabeth", "Susan", "Jessica", "Sarah",
              "Karen", "Nancy", "Margaret", "Emily", "Hannah", "Abigail", "Dorothy", "Ruth",
              "Evelyn", "Mildred", "Shirley", "Kathleen", "Megan", "Ashley", "Brittany", "Heather",
              "Amanda", "Rebecca", "Mary Ann", "Betty Jo", "Sue Ellen", "Peggy", "Doris", "Hazel"],
        "M": ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph",
              "Thomas", "Charles", "Christopher", "Daniel", "Matthew", "Harold", "Walter", "Eugene",
              "Billy Ray", "John Paul", "Tyler", "Cody", "Brandon", "Earl", "Clarence", "Wade"]},
    "hispanic": {
        "F": ["Maria", "Guadalupe", "Rosa", "Carmen", "Ana", "Lucia", "Sofia", "Valentina",
              "Ximena", "Yesenia", "Marisol", "Alejandra", "Maria Elena", "Ana Sofia", "Dolores",
              "Beatriz", "Maria de los Angeles", "Esperanza", "Yolanda", "Consuelo"],
        "M": ["Jose", "Juan", "Luis", "Carlos", "Jesus", "Miguel", "Francisco", "Alejandro",
              "Juan Carlos", "Jose Luis", "Guillermo", "Rafael", "Santiago", "Mateo", "Ramon",
              "Héctor", "Joaquin"]},
    "afam": {
        "F": ["Latoya", "Keisha", "Imani", "Aaliyah", "Shaniqua", "Tamika", "Ebony", "Jasmine",
              "Ayanna", "Destiny", "Precious", "Lakisha", "Denise", "Gloria", "Ja'Nya", "Octavia"],
        "M": ["DeShawn", "Tyrone", "Jamal", "Marcus", "Darnell", "Terrell", "Andre", "Malik",
              "Reginald", "Cedric", "Jaylen", "DaQuan", "Leroy", "D'Andre", "Alphonso"]},
    "sasian": {
        "F": ["Priya", "Anjali", "Sunita", "Lakshmi", "Deepa", "Kavya", "Aishwarya", "Pooja",
              "Neha", "Meenakshi", "Harpreet", "Gurpreet", "Sai Lakshmi", "Farzana"],
        "M": ["Rajesh", "Arjun", "Vikram", "Sanjay", "Amit", "Rahul", "Ravi", "Harjit",
              "Venkata Ramana", "Srinivas", "Aditya", "Mohammed Imran", "Sandeep"]},
    "easian": {
        "F": ["Mei", "Xiu Ying", "Hui", "Yuki", "Sakura", "Ji-woo", "Min-ji", "Seo-yeon", "Thao",
              "Linh", "Ngoc Anh", "Hana", "Li Na", "Kyoko", "Mai"],
        "M": ["Wei", "Jian", "Hiroshi", "Takeshi", "Kenji", "Min-jun", "Ji-ho", "Sung-min", "Minh",
              "Duc", "Huy", "Tuan", "Zhi Hao", "Kazuo"]},
    "arabic": {
        "F": ["Fatima", "Aisha", "Layla", "Noor", "Mariam", "Yasmin", "Huda", "Samira", "Rania"],
        "M": ["Mohammed", "Ahmed", "Omar", "Khalid", "Youssef", "Hassan", "Ibrahim", "Tariq",
              "Karim", "Abdul Rahman"]},
    "slavic": {
        "F": ["Olga", "Svetlana", "Natalia", "Irina", "Katarzyna", "Agnieszka", "Oksana", "Tatiana",
              "Milena", "Zofia", "Halyna"],
        "M": ["Dmitri", "Sergei", "Vladimir", "Aleksandr", "Piotr", "Tomasz", "Pavel", "Bogdan",
              "Nikola", "Miroslav", "Wojciech"]},
    "african": {
        "F": ["Chiamaka", "Ngozi", "Adaeze", "Abebech", "Amara", "Folasade", "Wanjiru"],
        "M": ["Chidi", "Oluwaseun", "Kwame", "Tesfaye", "Emeka", "Kofi", "Babajide"]},
    "other": {
        "F": ["Leilani", "Malia", "Ingrid", "Giulia", "Francesca", "Siobhan", "Anneliese", "Winona"],
        "M": ["Kai", "Lars", "Giovanni", "Pieter", "Declan", "Hans-Peter", "Jean-Luc", "Tahoma"]},
}
SUR = {
    "anglo": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
              "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Thompson", "White", "Harris",
              "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Baker",
              "Adams", "Nelson", "Campbell", "Mitchell", "O'Brien", "O'Connor", "McDonald",
              "MacLeod", "St. John", "Fitzgerald", "Smith-Jones", "Hughes-Parker", "Van Buren"],
    "hispanic": ["Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez",
                 "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Reyes",
                 "Cruz", "Morales", "Ortiz", "Gutierrez", "Chavez", "de la Cruz", "del Rosario",
                 "De Leon", "Garcia-Lopez", "Ruiz-Mendoza", "Villaseñor", "Nuñez", "Peña",
                 "de los Santos"],
    "afam": ["Washington", "Jefferson", "Jackson", "Robinson", "Freeman", "Banks", "Booker",
             "Mosley", "Gaines", "Dorsey", "Pruitt", "Coleman", "Battle", "Okoye-Johnson"],
    "sasian": ["Patel", "Shah", "Kumar", "Singh", "Sharma", "Gupta", "Reddy", "Rao", "Iyer",
               "Nair", "Chatterjee", "Desai", "Mehta", "Venkataraman", "Subramanian", "Kaur",
               "Chowdhury", "Siddiqui"],
    "easian": ["Nguyen", "Tran", "Le", "Pham", "Kim", "Lee", "Park", "Choi", "Chen", "Wang",
               "Li", "Zhang", "Liu", "Huang", "Tanaka", "Sato", "Yamamoto", "Nakamura", "Wong",
               "Chan", "Ng", "Vo"],
    "arabic": ["Al-Sayed", "Haddad", "Khoury", "Hussein", "Abdullah", "El-Amin", "Mansour",
               "Nasser", "Saleh", "Al-Rashid", "Abu-Bakr", "bin Hamad"],
    "slavic": ["Ivanov", "Petrova", "Kowalski", "Nowak", "Wiśniewski", "Kovačević", "Novak",
               "Horvath", "Sokolov", "Shevchenko", "Zielinska", "Popescu"],
    "african": ["Okafor", "Adeyemi", "Mensah", "Okonkwo", "Tesfaye", "Bekele", "N'Diaye",
                "Diallo", "Osei", "Mwangi"],
    "other": ["Van der Berg", "van Dijk", "D'Angelo", "DiMaggio", "Rossi", "Esposito", "Müller",
              "Schmidt", "Le Blanc", "Thibodeaux", "Kealoha", "Begay", "Yazzie", "MacArthur"],
}
ORIGINS = list(GIVEN.keys())
ORIGIN_W = (["anglo"] * 6 + ["hispanic"] * 5 + ["afam"] * 3 + ["sasian"] * 2 + ["easian"] * 3 +
            ["arabic"] * 1 + ["slavic"] * 1 + ["african"] * 1 + ["other"] * 1)
ACC = {"Maria": "María", "Jose": "José", "Sofia": "Sofía", "Lucia": "Lucía", "Jesus": "Jesús",
       "Ramon": "Ramón", "Joaquin": "Joaquín", "Ramirez": "Ramírez", "Perez": "Pérez",
       "Hernandez": "Hernández", "Martinez": "Martínez", "Gomez": "Gómez", "Diaz": "Díaz",
       "Rodriguez": "Rodríguez", "Gonzalez": "González", "Sanchez": "Sánchez",
       "Gutierrez": "Gutiérrez", "Maria Elena": "María Elena", "Ana Sofia": "Ana Sofía"}

STREETS = ["Maple", "Oak", "Elm", "Cedar", "Pine", "Kedzie", "Western", "Cicero", "Pulaski",
           "Halsted", "Lincoln", "Washington", "Jefferson", "Martin Luther King Jr", "Cesar Chavez",
           "Peachtree", "Bayshore", "Lakeview", "Sunset", "Highland", "Park", "Church", "Mill",
           "Ridge", "Hillcrest", "Fulton", "Division", "Chestnut", "Magnolia", "Willow Creek",
           "Old Mill", "Country Club", "Rio Grande", "Mission", "Las Palmas", "Briarwood",
           "Dogwood", "Sycamore", "Juniper", "St. Charles", "Frederick Douglass", "Pleasant Valley",
           "Kings", "Cottage Grove", "Ashland", "Euclid", "Broadway", "5th", "42nd", "118th"]
STYPES = ["St", "Ave", "Blvd", "Rd", "Dr", "Ln", "Ct", "Way", "Pkwy", "Ter", "Pl", "Cir",
          "Street", "Avenue", "Road", "Drive"]
UNITS = ["Apt 3B", "Apt 12", "Apt. 4", "Unit 7", "#305", "Apt 2F", "Unit B", "Lot 17", "Apt 1104",
         "Fl 2", "Apt G", "#12C"]
CITIES = [("Chicago", "IL", "606", ["312", "773", "872"]), ("Evanston", "IL", "602", ["847"]),
          ("Houston", "TX", "770", ["713", "832", "281"]), ("San Antonio", "TX", "782", ["210"]),
          ("Phoenix", "AZ", "850", ["602", "480"]), ("Atlanta", "GA", "303", ["404", "678"]),
          ("Brooklyn", "NY", "112", ["718", "347"]), ("Flushing", "NY", "113", ["718", "929"]),
          ("Boston", "MA", "021", ["617", "857"]), ("Seattle", "WA", "981", ["206"]),
          ("Portland", "OR", "972", ["503", "971"]), ("Denver", "CO", "802", ["303", "720"]),
          ("Minneapolis", "MN", "554", ["612"]), ("Detroit", "MI", "482", ["313"]),
          ("Dearborn", "MI", "481", ["313"]), ("Cleveland", "OH", "441", ["216"]),
          ("Pittsburgh", "PA", "152", ["412"]), ("Philadelphia", "PA", "191", ["215", "267"]),
          ("Miami", "FL", "331", ["305", "786"]), ("Orlando", "FL", "328", ["407"]),
          ("Charlotte", "NC", "282", ["704", "980"]), ("Winston-Salem", "NC", "271", ["336"]),
          ("Nashville", "TN", "372", ["615"]), ("Memphis", "TN", "381", ["901"]),
          ("Los Angeles", "CA", "900", ["213", "323"]), ("Fresno", "CA", "937", ["559"]),
          ("San Jose", "CA", "951", ["408"]), ("Oakland", "CA", "946", ["510"]),
          ("Albuquerque", "NM", "871", ["505"]), ("Sugar Land", "TX", "774", ["281"]),
          ("Edison", "NJ", "088", ["732"]), ("Fort Lee", "NJ", "070", ["201"]),
          ("Baton Rouge", "LA", "708", ["225"]), ("St. Louis", "MO", "631", ["314"]),
          ("Salt Lake City", "UT", "841", ["801"]), ("Anchorage", "AK", "995", ["907"]),
          ("Honolulu", "HI", "968", ["808"]), ("El Paso", "TX", "799", ["915"]),
          ("Coeur d'Alene", "ID", "838", ["208"]), ("Ann Arbor", "MI", "481", ["734"])]


class Person:
    pass


def phone10(area=None):
    area = area or ch(["312", "773", "847", "630", "708", "617", "212", "718", "415", "510",
                       "206", "713", "832", "404", "305", "602", "303", "214", "503", "612",
                       "919", "704", "615", "313", "216", "412", "215", "202", "818", "408"])
    if rr() < 0.3:
        return area + "555" + "01" + dg(2)
    ex = str(ri(2, 9)) + dg(2)
    if ex[1:] == "11":
        ex = ex[0] + "21"
    return area + ex + dg(4)


def fphone(d, style=None):
    style = style or ch(["paren", "dash", "dot", "plain", "e164", "plus_paren", "plus_dash",
                         "one_dash", "space", "paren_nospace"])
    a, e, n = d[:3], d[3:6], d[6:]
    return {"paren": "(%s) %s-%s" % (a, e, n), "dash": "%s-%s-%s" % (a, e, n),
            "dot": "%s.%s.%s" % (a, e, n), "plain": d, "e164": "+1" + d,
            "plus_paren": "+1 (%s) %s-%s" % (a, e, n), "plus_dash": "+1-%s-%s-%s" % (a, e, n),
            "one_dash": "1-%s-%s-%s" % (a, e, n), "space": "%s %s %s" % (a, e, n),
            "paren_nospace": "(%s)%s-%s" % (a, e, n), "plus_space": "+1 %s %s %s" % (a, e, n)}[style]


def ssn9():
    while True:
        a = ri(1, 899)
        if a != 666:
            break
    return "%03d%02d%04d" % (a, ri(1, 99), ri(1, 9999))


def fssn(s, style=None):
    style = style or ch(["dash", "dash", "dash", "plain", "space"])
    if style == "dash":
        return "%s-%s-%s" % (s[:3], s[3:5], s[5:])
    if style == "space":
        return "%s %s %s" % (s[:3], s[3:5], s[5:])
    return s


def rand_dob(old=False):
    if old:
        lo = _dt.date(1923, 6, 1)
        hi = _dt.date(NOW.year - 90, NOW.month, 1) - _dt.timedelta(days=2)
    else:
        y = ch([ri(1936, 2021), ri(1940, 1975), ri(1950, 1995), ri(1936, 1960)])
        lo, hi = _dt.date(y, 1, 1), _dt.date(y, 12, 31)
    d = lo + _dt.timedelta(days=ri(0, (hi - lo).days))
    if not old and age_of(d) >= 90:
        d = d.replace(year=d.year + 3)
    return d


def mk_email(first, last, dob):
    f = fold(first).lower().replace("'", "").replace(" ", "").replace("-", "")
    l = fold(last).lower().replace("'", "").replace(" ", "").replace("-", "").replace(".", "")
    yy = "%02d" % (dob.year % 100)
    local = ch(["%s.%s" % (f, l), "%s%s" % (f[0], l), "%s%s%s" % (f, l, yy), "%s.%s%d" % (l, f, ri(1, 99)),
                "%s_%s" % (f, l), "%s%d" % (f, ri(10, 9999)), "%s.%s%s" % (f, l[0], yy),
                "%s%s%d" % (f[0], l, dob.year)])
    dom = ch(["gmail.com"] * 6 + ["yahoo.com"] * 2 + ["hotmail.com", "outlook.com", "icloud.com", "aol.com",
              "comcast.net", "att.net", "sbcglobal.net", "msn.com", "protonmail.com", "verizon.net"])
    return local + "@" + dom


def person(sex=None, old=None, origin=None):
    p = Person()
    o = origin or ch(ORIGIN_W)
    p.origin = o
    p.sex = sex or ch("FM")
    p.first = ch(GIVEN[o][p.sex])
    p.last = ch(SUR[o] if rr() < 0.85 else SUR[ch(ORIGINS)])
    if rr() < 0.05 and "-" not in p.last and " " not in p.last:
        p.last = p.last + "-" + ch(SUR[ch(ORIGINS)]).split()[-1].replace("'", "")
    p.middle = ch(GIVEN[ch(ORIGINS)][p.sex]).split()[0] if rr() < 0.5 else ""
    p.middle = p.middle.replace("'", "")
    if o == "hispanic" and rr() < 0.4:
        p.first = ACC.get(p.first, p.first)
        p.last = ACC.get(p.last, p.last)
    if old is None:
        old = rr() < 0.06
    p.dob = rand_dob(old)
    p.age = age_of(p.dob)
    city, st, z3, areas = ch(CITIES)
    p.city, p.state = city, st
    p.zip = z3 + dg(2)
    p.zip4 = dg(4)
    p.phone = phone10(ch(areas) if rr() < 0.7 else None)
    p.phone2 = phone10(ch(areas))
    num = str(ri(1, 19999)) if rr() < 0.85 else str(ri(20000, 99999))
    pre = ch(["N ", "S ", "E ", "W ", "", "", "", "", "NE ", ""])
    p.street = "%s %s%s %s" % (num, pre, ch(STREETS), ch(STYPES))
    r = rr()
    if r < 0.04:
        p.street = ch(["PO Box ", "P.O. Box ", "PO BOX "]) + str(ri(1, 9999))
    elif r < 0.06:
        p.street = "RR %d Box %d" % (ri(1, 9), ri(1, 400))
    p.unit = ch(UNITS) if rr() < 0.35 and "Box" not in p.street and "BOX" not in p.street else ""
    p.email = mk_email(p.first, p.last, p.dob)
    p.ssn = ssn9()
    p.mi = p.middle[:1]
    return p


def nm(p, style="full"):
    f, l, m = p.first, p.last, p.mi
    if style == "full":
        return f + (" " + m + "." if m and rr() < 0.4 else "") + " " + l
    if style == "fl":
        return f + " " + l
    if style == "lf":
        return l + ", " + f + (" " + m if m and rr() < 0.5 else "")
    if style == "LF":
        return U(l) + ", " + U(f) + (" " + m if m and rr() < 0.5 else "")
    if style == "FL":
        return U(f) + " " + U(l)
    if style == "lower":
        return fold(f).lower() + " " + fold(l).lower()
    if style == "hl7":
        return U(l) + "^" + U(f) + ("^" + m if m else "")
    if style == "hl7_2":
        return U(l) + "^" + U(f)
    if style == "x12":
        return U(l) + "*" + U(f) + ("*" + m if m else "")
    raise ValueError(style)


def ucase(s, p=0.5):
    return U(s) if rr() < p else s


# ----------------------------------------------------------------------------
# identifiers
# ----------------------------------------------------------------------------
def luhn_cd(payload):
    tot = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return str((10 - tot % 10) % 10)


def luhn_ok(num):
    return luhn_cd(num[:-1]) == num[-1]


def npi():
    base = ch("1111112") + dg(8)
    return base + luhn_cd("80840" + base)


def card():
    kind = ch(["visa", "visa", "mc", "amex", "disc"])
    if kind == "visa":
        p = "4" + dg(14)
    elif kind == "mc":
        p = str(ri(51, 55)) + dg(13)
    elif kind == "amex":
        p = ch(["34", "37"]) + dg(12)
    else:
        p = "6011" + dg(11)
    return kind, p + luhn_cd(p)


def fcard(n):
    if len(n) == 15:
        return ch([n, "%s %s %s" % (n[:4], n[4:10], n[10:])])
    return ch([n, " ".join(n[i:i + 4] for i in range(0, 16, 4)), "-".join(n[i:i + 4] for i in range(0, 16, 4))])


MBI_A = "ACDEFGHJKMNPQRTUVWXY"


def mbi(dashes=None):
    N = "0123456789"
    AN = MBI_A + N
    c = [ch("123456789"), ch(MBI_A), ch(AN), ch(N), ch(MBI_A), ch(AN), ch(N), ch(MBI_A), ch(MBI_A),
         ch(N), ch(N)]
    s = "".join(c)
    if dashes is None:
        dashes = rr() < 0.2
    return s[:4] + "-" + s[4:7] + "-" + s[7:] if dashes else s


VIN_T = {c: v for c, v in zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9])}
VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_C = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin_val(c):
    return int(c) if c.isdigit() else VIN_T[c]


def vin():
    v = ch(["1HG", "1FT", "2T1", "3VW", "5YJ", "1G1", "JTD", "KM8", "WBA", "1C4", "4T1", "5N1", "1FA", "2HG"])
    v += al(5, VIN_C) + "0" + ch("FGHJKLMNPR") + al(1, VIN_C) + dg(6)
    s = sum(vin_val(c) * w for c, w in zip(v, VIN_W)) % 11
    return v[:8] + ("X" if s == 10 else str(s)) + v[9:]


def vin_ok(v):
    s = sum(vin_val(c) * w for c, w in zip(v, VIN_W)) % 11
    return v[8] == ("X" if s == 10 else str(s))


def dea(last):
    l2 = U(last)[:1]
    if not l2.isalpha():
        l2 = "9"
    d = [ri(0, 9) for _ in range(6)]
    c = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return ch("ABFGM") + l2 + "".join(map(str, d)) + str(c)


def state_lic(st):
    return ch(["%s%s" % (ch(["A", "G", "C"]), dg(5)), "036.%s" % dg(6), "MD%s" % dg(6), "%s-%s" % (st, dg(7)),
               "RN%s" % dg(7), "%d" % ri(100000, 9999999)])


def dl(st):
    if st == "IL":
        return "%s%s-%s-%s" % (al(1), dg(3), dg(4), dg(4))
    if st == "CA":
        return al(1) + dg(7)
    if st == "NY":
        return dg(9)
    if st == "FL":
        return "%s%s-%s-%s-%s-%s" % (al(1), dg(3), dg(3), dg(2), dg(3), dg(1))
    if st == "TX":
        return dg(8)
    return al(1) + dg(ri(7, 8))


def plate():
    return ch(["%s %s" % (al(3), dg(4)), "%s%s%s" % (dg(1), al(3), dg(3)), "%s-%s" % (al(3), dg(4)),
               "%s %s" % (dg(3), al(3))])


def imei():
    p = ch(["35", "35", "86", "01", "99"]) + dg(12)
    return p + luhn_cd(p)


def mac(sep=":", upper=True):
    s = sep.join(hx(2) for _ in range(6))
    return s.upper() if upper else s


def device_serial():
    return ch([lambda: "NG" + dg(7) + "H", lambda: dg(3) + "Q" + dg(5), lambda: "8G" + al(4, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"),
               lambda: "SN" + dg(8), lambda: "R58N" + al(6, VIN_C), lambda: "PJN" + dg(6) + "S",
               lambda: "RNB" + dg(6) + "S", lambda: dg(11), lambda: "OP" + dg(7) + "-" + al(2)])()


def mrn(style=None):
    style = style or ch(["E7", "N8", "MRN", "M9", "10", "N7", "DASH"])
    return {"E7": lambda: "E" + dg(7), "N8": lambda: "00" + dg(6), "MRN": lambda: "MRN" + dg(8),
            "M9": lambda: "M" + dg(9), "10": lambda: "1" + dg(9), "N7": lambda: str(ri(1000000, 9999999)),
            "DASH": lambda: "%s-%s-%s" % (dg(3), dg(2), dg(3))}[style]()


PAYERS = [("Blue Cross Blue Shield of Illinois", "BCBSIL", "00621"), ("Aetna", "AETNA", "60054"),
          ("UnitedHealthcare", "UHC", "87726"), ("Cigna", "CIGNA", "62308"), ("Humana", "HUMANA", "61101"),
          ("Medicare Part B", "MEDICARE", "00952"), ("Illinois Medicaid", "IAMHS", "IL_MCD"),
          ("Molina Healthcare", "MOLINA", "20554"), ("Kaiser Permanente", "KP", "94134"),
          ("Anthem Blue Cross", "ANTHEM", "47198"), ("Ambetter", "AMBETTER", "68069")]


def member_id(code=None):
    code = code or ch(PAYERS)[1]
    if code in ("BCBSIL", "ANTHEM"):
        return al(3) + dg(9)
    if code == "AETNA":
        return "W" + dg(9)
    if code == "UHC":
        return dg(9) + ch(["", "01", "00"])
    if code == "CIGNA":
        return "U" + dg(8) + "01"
    if code == "HUMANA":
        return "H" + dg(8)
    if code == "MEDICARE":
        return mbi(False)
    if code == "IAMHS":
        return dg(9)
    if code == "MOLINA":
        return "1" + dg(10)
    if code == "KP":
        return dg(8)
    return "U" + dg(9)


def acct():
    return ch([lambda: "4" + dg(8), lambda: "HAR" + dg(8), lambda: "A" + dg(9), lambda: dg(10),
               lambda: "G" + dg(8), lambda: "PA" + dg(7)])()


def visit_no():
    return ch([lambda: "V" + dg(9), lambda: "1" + dg(9), lambda: "ENC" + dg(8), lambda: "FIN" + dg(8),
               lambda: dg(12)])()


def claim_no():
    return ch([lambda: "CLM%d%03d%06d" % (NOW.year, ri(1, 365), ri(1, 999999)), lambda: "2%d%03d%s" % (NOW.year % 100, ri(1, 365), dg(8)),
               lambda: dg(13), lambda: "E" + dg(11)])()


def rx_no():
    return ch([lambda: dg(7), lambda: "RX" + dg(7), lambda: dg(6) + "-" + dg(2)])()


def order_no():
    return ch([lambda: "ORD" + dg(7), lambda: dg(9), lambda: "O" + dg(8)])()


def accession():
    return ch([lambda: "A%02d-%07d" % (NOW.year % 100, ri(1, 9999999)),
               lambda: "S%02d-%03d-%05d" % (NOW.year % 100, ri(1, 365), ri(1, 99999)),
               lambda: "%02d%s" % (NOW.year % 100, dg(8)), lambda: "CH" + dg(8)])()


def auth_no():
    return ch([lambda: "PA" + dg(9), lambda: "AUTH-%d-%07d" % (NOW.year, ri(1, 9999999)), lambda: dg(11)])()


def case_no():
    return ch([lambda: "CASE-" + dg(8), lambda: "C" + dg(9), lambda: "SR-" + dg(7)])()


PUB_FIRST = [24, 50, 67, 68, 69, 71, 73, 75, 76, 96, 97, 98, 99, 107, 108, 136, 162, 166, 174, 184,
             198, 206, 209, 47, 70, 72, 104, 173]


def patient_ip():
    if rr() < 0.15:
        return "2601:%s:%s:%s:%s:%s:%s:%s" % (hx(3), hx(4).lstrip("0") or "0", hx(4), hx(4).lstrip("0") or "0",
                                              hx(4), hx(3), hx(4))
    return "%d.%d.%d.%d" % (ch(PUB_FIRST), ri(0, 255), ri(0, 255), ri(1, 254))


def server_ip():
    r = rr()
    if r < 0.6:
        return "10.%d.%d.%d" % (ri(0, 63), ri(0, 255), ri(1, 254))
    if r < 0.85:
        return "172.%d.%d.%d" % (ri(16, 31), ri(0, 255), ri(1, 254))
    return "192.168.%d.%d" % (ri(0, 20), ri(1, 254))


def ec2host(ip=None):
    ip = ip or "10.%d.%d.%d" % (ri(0, 63), ri(0, 255), ri(1, 254))
    return "ip-" + ip.replace(".", "-") + ".ec2.internal"


FACILITIES = [
    ("Lakeside Regional Medical Center", "LRMC", "1200 W Harrison St", "Chicago", "IL", "60612", "3125550100"),
    ("Northshore Family Clinic", "NSFC", "2650 Ridge Ave", "Evanston", "IL", "60201", "8475550120"),
    ("St. Vincent's Hospital", "SVH", "2001 W 86th St", "Indianapolis", "IN", "46260", "3175550190"),
    ("Mercy General Hospital", "MGH", "4001 J St", "Sacramento", "CA", "95819", "9165550133"),
    ("Bayview Pediatrics", "BVP", "450 Sutter St Ste 1200", "San Francisco", "CA", "94108", "4155550142"),
    ("Riverside Community Health Center", "RCHC", "1807 E Pecan St", "San Antonio", "TX", "78205", "2105550177"),
    ("Peachtree Dialysis Center", "PTDC", "3200 Peachtree Rd NE", "Atlanta", "GA", "30305", "4045550160"),
    ("Cascade Orthopedics", "CASO", "1101 Madison St", "Seattle", "WA", "98104", "2065550111"),
    ("Lakeside Family Medicine - Wicker Park", "LFMWP", "1535 N Milwaukee Ave", "Chicago", "IL", "60622", "7735550148"),
]
PHARMACIES = ["Walgreens #04821", "CVS Pharmacy #8812", "Walmart Pharmacy 10-2231", "Rite Aid #05517",
              "Kroger Pharmacy #413", "Costco Pharmacy #1042", "Lakeside Outpatient Pharmacy"]
DRUGS = [("atorvastatin 20 mg tablet", "00071015523"), ("metformin 500 mg tablet", "00093721201"),
         ("lisinopril 10 mg tablet", "68180051301"), ("amlodipine 5 mg tablet", "00069152030"),
         ("levothyroxine 50 mcg tablet", "00074455190"), ("sertraline 50 mg tablet", "16729000301"),
         ("apixaban 5 mg tablet", "00003089421"), ("albuterol HFA 90 mcg/act inhaler", "00173068220"),
         ("insulin glargine 100 unit/mL pen", "00088221905"), ("oxycodone 5 mg tablet", "00406055201"),
         ("furosemide 40 mg tablet", "00054429731"), ("gabapentin 300 mg capsule", "00228263611")]
LABS = [("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", "70-99", (60, 310)),
        ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "4.0-5.6", (4.5, 12.5)),
        ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "0.57-1.00", (0.5, 4.2)),
        ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "12.0-15.5", (7.1, 17.0)),
        ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "3.4-10.8", (2.1, 19.9)),
        ("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", "3.5-5.2", (2.9, 6.1)),
        ("33762-6", "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma", "pg/mL", "0-125", (20, 9000))]
CONDS = [("44054006", "Diabetes mellitus type 2", "E11.9"), ("38341003", "Hypertensive disorder", "I10"),
         ("195967001", "Asthma", "J45.909"), ("84114007", "Heart failure", "I50.9"),
         ("13645005", "Chronic obstructive lung disease", "J44.9"), ("35489007", "Depressive disorder", "F32.A"),
         ("49436004", "Atrial fibrillation", "I48.91"), ("709044004", "Chronic kidney disease", "N18.9"),
         ("230690007", "Cerebrovascular accident", "I63.9"), ("396275006", "Osteoarthritis", "M19.90")]
CPTS = [("99213", "OFFICE O/P EST LOW 20 MIN"), ("99214", "OFFICE O/P EST MOD 30 MIN"), ("80053", "COMPREHEN METABOLIC PANEL"),
        ("85025", "COMPLETE CBC W/AUTO DIFF WBC"), ("93000", "ELECTROCARDIOGRAM COMPLETE"), ("71046", "X-RAY EXAM CHEST 2 VIEWS"),
        ("83036", "HEMOGLOBIN GLYCOSYLATED A1C"), ("G0439", "PPPS, SUBSEQ VISIT")]
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
SVC_USERS = ["svc-etl", "svc-mirth", "svc_integration", "airflow", "jenkins", "root", "postgres", "ehr_app",
             "svc-reporting", "svc-fhir", "svc_claims_batch", "deploy", "ansible", "svc-hl7"]
SYS_MAILS = ["noreply@lakesidehealth.org", "alerts@lakesidehealth.org", "it-oncall@lakesidehealth.org",
             "no-reply@notify.lakesidehealth.org", "billing-notifications@lakesidehealth.org",
             "pagerduty@lakeside-health.pagerduty.com", "postmaster@mail.lakesidehealth.org",
             "dmarc-reports@lakesidehealth.org", "records@direct.northshoreortho.com"]


def clin():
    c = person(old=False)
    c.npi = npi()
    c.dea = dea(c.last)
    c.cred = ch(["MD", "MD", "DO", "NP", "PA-C", "MD", "FNP-BC"])
    c.lic = state_lic(c.state)
    return c


def fac():
    return ch(FACILITIES)


def fac_phone(f, style=None):
    return fphone(f[6], style)


# ----------------------------------------------------------------------------
# template registry
# ----------------------------------------------------------------------------
TEMPLATES = []


def tpl(name, phi):
    def deco(f):
        TEMPLATES.append((name, phi, f))
        return f
    return deco


NS = ["prod-claims", "prod-intake", "prod-records", "prod-portal", "prod-integration", "prod-rx", "prod-sched"]
APPS = ["claims-worker", "intake-api", "fax-ocr", "hl7-router", "portal-web", "eligibility-svc", "rx-gateway",
        "chart-indexer", "mirth-connect", "scheduler-api", "fhir-facade", "notify-sms"]
K8S_SFX = "bcdfghjklmnpqrstvwxz2456789"


def podname(app):
    return "%s-%s-%s" % (app, an(ri(8, 10), "bcdf0123456789"), an(5, K8S_SFX))


def nodename():
    return ch([lambda: ec2host(), lambda: "aks-nodepool1-%s-vmss%s" % (dg(8), an(6, "0123456789abcdef")),
               lambda: "gke-prod-pool-1-%s-%s" % (hx(8), an(4, "abcdefghijklmnopqrstuvwxyz0123456789"))])()


def ver():
    return "%d.%d.%d" % (ri(1, 4), ri(0, 30), ri(0, 20))


def ua_browser():
    return ch(["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
               "Mozilla/5.0 (Linux; Android 14; SM-S918U) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.178 Mobile Safari/537.36",
               "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2.1 Safari/605.1.15",
               "LakesideHealth/5.12.1 (com.lakeside.mychart; build:5121; iOS 17.3.1) Alamofire/5.8.1",
               "okhttp/4.12.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"])


PORTAL_HOSTS = ["portal.lakesidehealth.org", "mychart.lakesidehealth.org", "members.prairieplan.com",
                "api.lakesidehealth.org", "pay.lakesidehealth.org"]


# ---------------------------------------------------------------- k8s events
@tpl("k8s_event/exporter_json", False)
def t_k8s_event_json(b):
    ns, app = ch(NS), ch(APPS)
    pod, node = podname(app), nodename()
    c = app.split("-")[0]
    img = "%s/%s:%s" % (ECR, app, ver())
    podip = "10.%d.%d.%d" % (ri(40, 47), ri(0, 255), ri(2, 254))
    opts = [
        ("Scheduled", "Normal", "Successfully assigned %s/%s to %s" % (ns, pod, node), "default-scheduler"),
        ("Pulled", "Normal", 'Successfully pulled image "%s" in %.3fs (%.3fs including waiting)' % (img, rr() * 3, rr() * 5 + 3), "kubelet"),
        ("Pulling", "Normal", 'Pulling image "%s"' % img, "kubelet"),
        ("Created", "Normal", "Created container %s" % c, "kubelet"),
        ("Started", "Normal", "Started container %s" % c, "kubelet"),
        ("BackOff", "Warning", "Back-off restarting failed container %s in pod %s_%s(%s)" % (c, pod, ns, uid()), "kubelet"),
        ("Unhealthy", "Warning", 'Readiness probe failed: Get "http://%s:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' % podip, "kubelet"),
        ("FailedScheduling", "Warning", "0/%d nodes are available: %d Insufficient memory, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/%d nodes are available: 3 Preemption is not helpful for scheduling." % (12, ri(2, 9), 12), "default-scheduler"),
        ("Killing", "Normal", "Stopping container %s" % c, "kubelet"),
        ("OOMKilled", "Warning", "Memory cgroup out of memory: Killed process %d (java) total-vm:%dkB, anon-rss:%dkB" % (ri(100, 99999), ri(4000000, 9000000), ri(1000000, 4000000)), "kernel-monitor"),
    ]
    reason, typ, msg, comp = ch(opts)
    cnt = ri(1, 40) if typ == "Warning" else 1
    t0 = T(-ri(0, 3600) if cnt > 1 else 0)
    obj = {"metadata": {"name": "%s.%s" % (pod, hx(16)), "namespace": ns, "uid": uid(),
                        "resourceVersion": dg(8), "creationTimestamp": iso_s(t0)},
           "involvedObject": {"kind": "Pod", "namespace": ns, "name": pod, "uid": uid(), "apiVersion": "v1",
                              "resourceVersion": dg(8), "fieldPath": "spec.containers{%s}" % c},
           "reason": reason, "message": msg, "source": {"component": comp, "host": node},
           "firstTimestamp": iso_s(t0), "lastTimestamp": iso_s(), "count": cnt, "type": typ,
           "eventTime": None, "reportingComponent": comp if comp != "kubelet" else "", "reportingInstance": node if comp == "kubelet" else ""}
    if rr() < 0.4:
        b(iso_ms(), " ", ch(["INFO", "info"]), " event ")
    J(b, obj)


# ---------------------------------------------------------------- k8s audit
def sa_user(ns):
    return "system:serviceaccount:%s:%s" % (ns, ch(["reprocess-operator", "runbook-automation", "argocd-application-controller", "records-batch"]))


@tpl("k8s_audit/job_create", True)
def t_k8s_audit_job(b):
    ns = ch(["prod-records", "prod-integration", "prod-claims"])
    p = person()
    m = mrn(ch(["E7", "M9", "MRN"]))
    pre = ch(["reprocess", "chart-export", "merge-fix", "resend-ccd", "backfill-labs"])
    suf = an(5, K8S_SFX)
    name = S(pre + "-", (m.lower(), "MRN"), "-" + suf)
    style = rr()
    if style < 0.5:
        args = [S("--mrn=", (m, "MRN")), S("--dob=", (fd(p.dob, "iso"), "DATE"))]
    else:
        args = ["--mrn", (m, "MRN"), "--dob", (fd(p.dob, "iso"), "DATE")]
    if rr() < 0.4:
        args.append(S("--encounter=", (visit_no(), "OTHER_ID")))
    if rr() < 0.3:
        args.append(S("--patient-name=", (nm(p, "hl7_2"), "NAME")))
    args.append("--dry-run=%s" % ch(["false", "true"]))
    user = sa_user(ns)
    obj = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request", "auditID": uid(),
           "stage": "ResponseComplete",
           "requestURI": "/apis/batch/v1/namespaces/%s/jobs?fieldManager=kubectl-create&fieldValidation=Strict" % ns,
           "verb": "create",
           "user": {"username": user, "uid": uid(), "groups": ["system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"]},
           "sourceIPs": [server_ip()], "userAgent": "kubectl/v1.28.4 (linux/amd64) kubernetes/bae2c62",
           "objectRef": {"resource": "jobs", "namespace": ns, "name": name, "apiGroup": "batch", "apiVersion": "v1"},
           "responseStatus": {"metadata": {}, "code": 201},
           "requestObject": {"kind": "Job", "apiVersion": "batch/v1",
                             "metadata": {"name": name, "namespace": ns, "creationTimestamp": None,
                                          "labels": {"app.kubernetes.io/name": pre, "triggered-by": "ops-runbook"}},
                             "spec": {"backoffLimit": 2, "ttlSecondsAfterFinished": 3600,
                                      "template": {"metadata": {"creationTimestamp": None},
                                                   "spec": {"containers": [{"name": pre, "image": "%s/%s:%s" % (ECR, pre, ver()), "args": args, "resources": {}}],
                                                            "restartPolicy": "Never", "serviceAccountName": "records-batch"}}},
                             "status": {}},
           "requestReceivedTimestamp": iso_us(), "stageTimestamp": iso_us(T(0.02)),
           "annotations": {"authorization.k8s.io/decision": "allow",
                           "authorization.k8s.io/reason": 'RBAC: allowed by ClusterRoleBinding "ops-batch-runners" of ClusterRole "batch-admin" to ServiceAccount "%s/%s"' % (user.split(":")[-1], ns)}}
    J(b, obj)


@tpl("k8s_audit/metadata_event", False)
def t_k8s_audit_meta(b):
    ns = ch(NS + ["kube-system"])
    r = rr()
    if r < 0.35:
        verb, res, uri = "get", "configmaps", "/api/v1/namespaces/%s/configmaps/%s-config" % (ns, ch(APPS))
        user = "system:serviceaccount:%s:%s" % (ns, ch(APPS))
    elif r < 0.6:
        verb, res, uri = "update", "leases", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s" % ch(["kube-scheduler", "kube-controller-manager", "cluster-autoscaler"])
        user = "system:%s" % ch(["kube-scheduler", "kube-controller-manager"])
        ns = "kube-system"
    elif r < 0.8:
        verb, res, uri = "list", "secrets", "/api/v1/namespaces/%s/secrets?limit=500&resourceVersion=0" % ns
        user = "system:serviceaccount:external-secrets:external-secrets"
    else:
        node = ec2host()
        verb, res, uri = "patch", "nodes", "/api/v1/nodes/%s/status?timeout=10s" % node
        user = "system:node:" + node
    code = ch([200, 200, 200, 200, 201, 404, 403, 409])
    obj = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": uid(), "stage": "ResponseComplete",
           "requestURI": uri, "verb": verb, "user": {"username": user, "groups": ["system:authenticated"]},
           "sourceIPs": [server_ip()], "userAgent": ch(["kube-scheduler/v1.28.4 (linux/amd64) kubernetes/bae2c62/leader-election",
                                                        "external-secrets/v0.9.11", "kubelet/v1.28.4 (linux/amd64) kubernetes/bae2c62",
                                                        "Go-http-client/2.0"]),
           "objectRef": {"resource": res, "namespace": ns, "apiVersion": "v1"},
           "responseStatus": {"metadata": {}, "code": code},
           "requestReceivedTimestamp": iso_us(), "stageTimestamp": iso_us(T(0.004)),
           "annotations": {"authorization.k8s.io/decision": "allow" if code != 403 else "forbid",
                           "authorization.k8s.io/reason": "" if code == 403 else 'RBAC: allowed by ClusterRoleBinding "system:%s" of ClusterRole "system:%s"' % (res, res)}}
    J(b, obj)


# ---------------------------------------------------------------- envoy
def phi_path(p, kind=None):
    """returns item list of a request path carrying patient identifiers"""
    m = mrn()
    kind = kind if kind is not None else ri(0, 6)
    if kind == 0:
        return ["/api/v1/patients/", (m, "MRN"), "/", ch(["appointments", "summary", "medications", "statements", "documents"])]
    if kind == 1:
        return ["/portal/messages?patientId=", (m, "MRN"), "&page=%d" % ri(1, 5)]
    if kind == 2:
        return ["/api/v2/members/", (member_id(), "HEALTH_PLAN_ID"), "/claims/", (claim_no(), "OTHER_ID")]
    if kind == 3:
        return ["/api/v1/patients/search?lastName=", (uq(p.last), "NAME"), "&dob=", (fd(p.dob, "iso"), "DATE")]
    if kind == 4:
        return ["/fhir/r4/Patient?identifier=urn:oid:1.2.840.114350.1.13.48.2.7.5.737384.14%7C", (m, "MRN"), "&_format=json"]
    if kind == 5:
        return ["/api/v1/rx/refills/", (rx_no(), "OTHER_ID"), "?mrn=", (m, "MRN")]
    return ["/api/v1/billing/accounts/", (acct(), "ACCOUNT"), "/balance"]


@tpl("envoy/access_default", True)
def t_envoy(b):
    p = person()
    ip = patient_ip()
    meth = ch(["GET", "GET", "GET", "POST", "PUT"])
    code = ch([200, 200, 200, 201, 204, 304, 400, 401, 404, 500, 503])
    flags = "-" if code < 500 else ch(["UF", "URX", "UT", "-"])
    b("[", iso_ms(), '] "', meth, " ", phi_path(p), " HTTP/%s\" %d %s %d %d %d %s \"" % (
        ch(["1.1", "2"]), code, flags, ri(0, 4000) if meth != "GET" else 0, ri(0, 90000), ri(2, 3000), ch(["-", str(ri(1, 2900))])))
    b((ip, "IP"))
    if rr() < 0.6:
        b(",%s" % server_ip())
    b('" "', ua_browser(), '" "', uid(), '" "', ch(PORTAL_HOSTS), '" "', server_ip(), ':%d"' % ch([8080, 8443, 3000, 9000]))


@tpl("envoy/healthcheck", False)
def t_envoy_hc(b):
    path, uagent = ch([("/healthz", "kube-probe/1.28"), ("/ready", "kube-probe/1.28"), ("/metrics", "Prometheus/2.48.1"),
                       ("/stats/prometheus", "Prometheus/2.48.1"), ("/livez", "kube-probe/1.27"),
                       ("/actuator/health", "ELB-HealthChecker/2.0"), ("/grpc.health.v1.Health/Check", "grpc-go/1.60.1")])
    code = ch([200, 200, 200, 200, 503])
    b("[%s] \"%s %s HTTP/%s\" %d %s 0 %d %d %d \"%s\" \"%s\" \"%s\" \"%s\" \"%s:%d\"" % (
        iso_ms(), "POST" if "grpc" in path else "GET", path, "2" if "grpc" in path else "1.1", code, "-" if code == 200 else "UH",
        ri(2, 9000), ri(0, 12), ri(0, 10), ch(["-", server_ip()]), uagent, uid(), "%s:%d" % (server_ip(), 8080), "127.0.0.1", ch([8080, 9901, 15020])))


# ---------------------------------------------------------------- istio
@tpl("istio/mesh_internal_json", False)
def t_istio(b):
    src, dst = ch(APPS), ch(APPS)
    ns = ch(NS)
    grpc_m = ch(["/claims.v1.ClaimService/GetBatch", "/eligibility.v1.EligibilityService/Ping", "/grpc.health.v1.Health/Check",
                 "/rx.v1.RefillService/ListPending", "/api/internal/v1/cache/warm", "/api/internal/v1/jobs/status"])
    code = ch([200, 200, 200, 503, 0])
    d = {"authority": "%s.%s.svc.cluster.local:8080" % (dst, ns), "bytes_received": ri(0, 900), "bytes_sent": ri(0, 40000),
         "connection_termination_details": None, "downstream_local_address": "%s:8080" % server_ip(),
         "downstream_remote_address": "%s:%d" % (server_ip(), ri(30000, 60000)), "duration": ri(1, 2000),
         "method": "POST" if grpc_m.count(".") >= 1 and grpc_m.startswith("/") and "/api/" not in grpc_m else "GET",
         "path": grpc_m, "protocol": "HTTP/2", "request_id": uid(),
         "requested_server_name": "outbound_.8080_._.%s.%s.svc.cluster.local" % (dst, ns),
         "response_code": code, "response_code_details": "via_upstream" if code else "upstream_reset_before_response_started{connection_termination}",
         "response_flags": "-" if code == 200 else ch(["UF", "UC", "URX"]), "route_name": "default",
         "start_time": iso_ms(), "upstream_cluster": "outbound|8080||%s.%s.svc.cluster.local" % (dst, ns),
         "upstream_host": "%s:8080" % server_ip(), "upstream_local_address": "%s:%d" % (server_ip(), ri(30000, 60000)),
         "upstream_service_time": str(ri(1, 1900)), "upstream_transport_failure_reason": None,
         "user_agent": ch(["grpc-java-netty/1.61.0", "grpc-go/1.60.1", "Go-http-client/1.1", "envoy"]),
         "x_forwarded_for": None}
    J(b, d)


# ---------------------------------------------------------------- nginx json
@tpl("nginx_json/portal_query", True)
def t_nginx(b):
    p = person()
    ip = patient_ip()
    host = ch(PORTAL_HOSTS)
    k = ri(0, 5)
    plus = rr() < 0.5
    if k == 0:
        req = S("GET /scheduling/api/slots?patient_last=", (uq(p.last, plus), "NAME"), "&patient_first=", (uq(p.first, plus), "NAME"),
                "&dob=", (uq(fd(p.dob, "us")), "DATE"), "&zip=", (p.zip, "ZIP"), " HTTP/2.0")
    elif k == 1:
        req = S("GET /portal/api/v1/account/lookup?email=", (uq(p.email), "EMAIL"), "&channel=web HTTP/1.1")
    elif k == 2:
        req = S("POST /billing/pay?acct=", (acct(), "ACCOUNT"), "&amt=%d.%02d&name=" % (ri(10, 900), ri(0, 99)), (uq(nm(p, "fl"), plus), "NAME"), " HTTP/2.0")
    elif k == 3:
        req = S("GET /pharmacy/refill?rx=", (rx_no(), "OTHER_ID"), "&dob=", (fd(p.dob, "compact"), "DATE"), "&phone=", (p.phone, "PHONE"), " HTTP/1.1")
    elif k == 4:
        req = S("GET /records/api/v2/patients/", (mrn(), "MRN"), "/documents?type=discharge_summary HTTP/2.0")
    else:
        req = S("GET /find-care/api/intake?first=", (uq(p.first, plus), "NAME"), "&last=", (uq(p.last, plus), "NAME"),
                "&ssn4=", p.ssn[-4:], "&dob=", (uq(fd(p.dob, ch(["us", "iso"]))), "DATE"), " HTTP/2.0")
    behind_lb = rr() < 0.5
    ref = "-"
    if rr() < 0.35:
        m2 = mrn()
        ref = S(("https://%s/chart/%s/summary" % (host, m2), "URL"))
    d = {"time_local": clf(), "remote_addr": server_ip() if behind_lb else (ip, "IP"), "remote_user": "",
         "request": req, "status": ch(["200", "200", "200", "302", "400", "404", "499", "502"]),
         "body_bytes_sent": str(ri(0, 90000)), "request_time": "%.3f" % (rr() * 2), "http_referrer": ref,
         "http_user_agent": ua_browser(), "http_x_forwarded_for": (ip, "IP") if behind_lb else "",
         "upstream_addr": "%s:8080" % server_ip(), "upstream_response_time": "%.3f" % (rr() * 2), "request_id": hx(32)}
    J(b, d, sep=ch([(",", ":"), (", ", ": ")]))


@tpl("nginx_json/lb_probe", False)
def t_nginx_probe(b):
    path, uagent, rip = ch([
        ("GET /healthz HTTP/1.1", "ELB-HealthChecker/2.0", None), ("GET /nginx_status HTTP/1.1", "Datadog Agent/7.50.3", "127.0.0.1"),
        ("GET /static/js/main.%s.chunk.js HTTP/1.1" % hx(8), "Amazon CloudFront", "130.176.%d.%d" % (ri(0, 255), ri(1, 254))),
        ("GET /robots.txt HTTP/1.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "66.249.%d.%d" % (ri(64, 79), ri(1, 254))),
        ("GET /.well-known/acme-challenge/%s HTTP/1.1" % b62(43), "Mozilla/5.0 (compatible; Let's Encrypt validation server; +https://www.letsencrypt.org)", "23.178.112.%d" % ri(1, 254)),
        ("HEAD / HTTP/1.1", "Amazon-Route53-Health-Check-Service (ref %s; report http://amzn.to/1vsZADi)" % uid(), "54.%d.%d.%d" % (ri(0, 255), ri(0, 255), ri(1, 254)))])
    d = {"time_local": clf(), "remote_addr": rip or server_ip(), "remote_user": "", "request": path,
         "status": ch(["200", "200", "304", "404"]), "body_bytes_sent": str(ri(0, 250000)), "request_time": "%.3f" % (rr() / 10),
         "http_referrer": "-", "http_user_agent": uagent, "http_x_forwarded_for": "", "upstream_addr": ch(["-", "%s:8080" % server_ip()]),
         "upstream_response_time": ch(["-", "%.3f" % (rr() / 10)]), "request_id": hx(32)}
    J(b, d, sep=ch([(",", ":"), (", ", ": ")]))


# ---------------------------------------------------------------- postgres
def pg_prefix():
    return "%s UTC [%d] %s@%s " % (sp_ms(), ri(1000, 99999), ch(["ehr_app", "claims_rw", "svc_integration", "intake"]),
                                   ch(["ehr_prod", "claims", "intake", "scheduling"]))


@tpl("postgres/statement_log", True)
def t_pg(b):
    p = person()
    k = ri(0, 6)
    b(pg_prefix())
    if k == 0:
        b("DETAIL:  parameters: $1 = '", (mrn(), "MRN"), "', $2 = '", (fd(p.dob, "iso"), "DATE"), "'")
    elif k == 1:
        b("DETAIL:  parameters: $1 = '", (sqlq(p.last), "NAME"), "', $2 = '", (sqlq(p.first), "NAME"), "', $3 = '",
          (fd(p.dob, "iso"), "DATE"), "', $4 = NULL, $5 = '%d'" % ri(1, 50))
    elif k == 2:
        b("DETAIL:  parameters: $1 = '", (fphone(p.phone), "PHONE"), "', $2 = '", (p.email, "EMAIL"), "', $3 = '", (mrn(), "MRN"), "'")
    elif k == 3:
        b("LOG:  statement: UPDATE patient SET home_phone = '", (fphone(p.phone, "dash"), "PHONE"), "', updated_at = now() WHERE mrn = '",
          (mrn(), "MRN"), "'")
    elif k == 4:
        b("LOG:  duration: %.3f ms  statement: SELECT c.* FROM claims.claim c WHERE c.member_id = '" % (rr() * 3000 + 500),
          (member_id(), "HEALTH_PLAN_ID"), "' AND c.claim_no = '", (claim_no(), "OTHER_ID"), "'")
    elif k == 5:
        b('DETAIL:  Key (ssn)=(', (fssn(p.ssn, "dash"), "SSN"), ") already exists.")
    else:
        b("DETAIL:  Failing row contains (%s, " % uid(), (mrn(), "MRN"), ", ", (p.last, "NAME"), ", ", (p.first, "NAME"), ", null, %s, " % p.sex,
          (p.zip, "ZIP"), ", %s)." % iso_us(z="+00"))


@tpl("postgres/maintenance", False)
def t_pg_maint(b):
    k = ri(0, 5)
    b("%s UTC [%d] " % (sp_ms(), ri(20, 99999)))
    if k == 0:
        w = ri(100, 90000)
        b("LOG:  checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, %d removed, %d recycled; write=%.3f s, sync=%.3f s, total=%.3f s; sync files=%d, longest=%.3f s, average=%.3f s; distance=%d kB, estimate=%d kB; lsn=%X/%08X, redo lsn=%X/%08X" % (
            w, rr() * 40, ri(0, 3), ri(0, 9), rr() * 270, rr() / 10, rr() * 270, ri(10, 900), rr() / 100, rr() / 1000, ri(1000, 900000), ri(1000, 900000), ri(1, 90), ri(0, 2**32 - 1), ri(1, 90), ri(0, 2**32 - 1)))
    elif k == 1:
        b('LOG:  automatic vacuum of table "ehr_prod.public.%s": index scans: 1\\n\\tpages: 0 removed, %d remain, %d scanned (%.2f%% of total)' % (
            ch(["patient_encounter", "audit_event", "claim_line", "order_result"]), ri(1000, 900000), ri(10, 9000), rr() * 10))
    elif k == 2:
        b("%s@%s LOG:  connection authorized: user=%s database=%s application_name=PostgreSQL JDBC Driver SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)" % (
            ch(SVC_USERS[:8]), "ehr_prod", ch(SVC_USERS[:8]), "ehr_prod"))
    elif k == 3:
        b("%s@%s LOG:  disconnection: session time: 0:%02d:%02d.%03d user=%s database=ehr_prod host=%s port=%d" % (
            "ehr_app", "ehr_prod", ri(0, 59), ri(0, 59), ri(0, 999), "ehr_app", server_ip(), ri(30000, 65000)))
    elif k == 4:
        b('LOG:  temporary file: path "base/pgsql_tmp/pgsql_tmp%d.%d", size %d' % (ri(1000, 99999), ri(0, 9), ri(1, 900) * 1048576))
    else:
        b("LOG:  could not receive data from client: Connection reset by peer")


# ---------------------------------------------------------------- mysql
@tpl("mysql/general_log", True)
def t_mysql(b):
    p = person()
    b(iso_us(), "\t%6d Query\t" % ri(5, 99999))
    k = ri(0, 4)
    if k == 0:
        b("INSERT INTO patients (mrn, first_name, last_name, dob, sex, ssn, phone) VALUES ('", (mrn(), "MRN"), "', '",
          (myq(p.first), "NAME"), "', '", (myq(p.last), "NAME"), "', '", (fd(p.dob, "iso"), "DATE"), "', '%s', '" % p.sex,
          (fssn(p.ssn), "SSN"), "', '", (fphone(p.phone, ch(["plain", "dash", "paren"])), "PHONE"), "')")
    elif k == 1:
        b("UPDATE patient_contact SET email='", (p.email, "EMAIL"), "', mobile='", (fphone(p.phone, "plain"), "PHONE"),
          "', modified_by='", ch(SVC_USERS), "' WHERE patient_id = (SELECT id FROM patients WHERE mrn='", (mrn(), "MRN"), "')")
    elif k == 2:
        b("SELECT m.member_id, m.plan_code, m.eff_date FROM members m WHERE m.member_id='", (member_id(), "HEALTH_PLAN_ID"),
          "' AND m.dob='", (fd(p.dob, "iso"), "DATE"), "' LIMIT 1")
    elif k == 3:
        g = person()
        b("INSERT INTO guarantor (acct_no, name, addr1, city, state, zip, phone) VALUES ('", (acct(), "ACCOUNT"), "', '",
          (myq(nm(g, "lf")), "NAME"), "', '", (myq(g.street), "ADDRESS"), "', '", (myq(g.city), "ADDRESS"), "', '%s', '" % g.state,
          (g.zip, "ZIP"), "', '", (fphone(g.phone, "dash"), "PHONE"), "')")
    else:
        b("SELECT * FROM appointments WHERE patient_mrn = '", (mrn(), "MRN"), "' AND appt_date = '", (fd(appt_dt().date(), "iso"), "DATE"), "'")


@tpl("mysql/slow_log_header", False)
def t_mysql_slow(b):
    k = ri(0, 6)
    if k == 0:
        b("# Time: %s" % iso_us())
    elif k == 1:
        ip = server_ip()
        b("# User@Host: %s[%s] @ %s [%s]  Id: %d" % ("ehr_app", "ehr_app", ec2host(ip) if ip.startswith("10.") else "", ip, ri(10, 999999)))
    elif k == 2:
        b("# Query_time: %.6f  Lock_time: %.6f Rows_sent: %d  Rows_examined: %d" % (rr() * 30 + 2, rr() / 1000, ri(0, 500), ri(10000, 9000000)))
    elif k == 3:
        b("SET timestamp=%d;" % epoch())
    elif k == 4:
        b("SELECT COUNT(*) FROM claim_line WHERE batch_id = %d AND status_cd IN ('P','D');" % ri(1000, 99999))
    elif k == 5:
        b("# administrator command: Ping;")
    else:
        b("use %s;" % ch(["ehr", "claims", "scheduling", "billing"]))


# ---------------------------------------------------------------- mongodb
@tpl("mongodb/slow_query", True)
def t_mongo(b):
    p = person()
    k = ri(0, 4)
    ns = "ehr.patients"
    if k == 0:
        typ = "command"
        cmd = {"find": "patients", "filter": {"lastName": (p.last, "NAME"), "dob": {"$date": (fd(p.dob, "iso") + "T00:00:00.000Z", "DATE")}},
               "limit": 20, "lsid": {"id": {"$uuid": uid()}}, "$db": "ehr"}
        plan = "IXSCAN { lastName: 1, dob: 1 }"
    elif k == 1:
        typ = "command"
        cmd = {"find": "patients", "filter": {"mrn": (mrn(), "MRN")}, "projection": {"_id": 0, "mrn": 1, "name": 1},
               "limit": 1, "singleBatch": True, "lsid": {"id": {"$uuid": uid()}}, "$db": "ehr"}
        plan = "IXSCAN { mrn: 1 }"
    elif k == 2:
        typ = "update"
        cmd = {"q": {"_id": {"$oid": hx(24)}}, "u": {"$set": {"contact.phone": (fphone(p.phone, ch(["e164", "plain"])), "PHONE"),
                                                              "contact.email": (p.email, "EMAIL"), "address.line1": (p.street, "ADDRESS"),
                                                              "address.zip": (p.zip, "ZIP")}}, "multi": False, "upsert": False}
        plan = "IDHACK"
    elif k == 3:
        typ = "command"
        ns = "claims.claims"
        cmd = {"aggregate": "claims", "pipeline": [{"$match": {"claimNumber": (claim_no(), "OTHER_ID")}}, {"$unwind": "$lines"}],
               "cursor": {}, "lsid": {"id": {"$uuid": uid()}}, "$db": "claims"}
        plan = "IXSCAN { claimNumber: 1 }"
    else:
        typ = "command"
        cmd = {"find": "patients", "filter": {"ssn": (fssn(p.ssn), "SSN")}, "limit": 1, "lsid": {"id": {"$uuid": uid()}}, "$db": "ehr"}
        plan = "COLLSCAN"
    attr = {"type": typ, "ns": ns, "appName": ch(["intake-api", "portal-bff", "claims-loader", "MongoDB Compass"]), "command": cmd,
            "planSummary": plan, "keysExamined": ri(0, 50), "docsExamined": ri(1, 900000) if plan == "COLLSCAN" else ri(0, 20),
            "cursorExhausted": True, "numYields": ri(0, 900), "nreturned": ri(0, 3), "queryHash": HX(8), "planCacheKey": HX(8),
            "reslen": ri(200, 9000), "locks": {"Global": {"acquireCount": {"r": ri(1, 900)}}},
            "storage": {}, "remote": "%s:%d" % (server_ip(), ri(30000, 65000)), "protocol": "op_msg", "durationMillis": ri(100, 9000)}
    J(b, {"t": {"$date": iso_ms(z="+00:00")}, "s": "I", "c": "COMMAND" if typ == "command" else "WRITE", "id": 51803,
          "ctx": "conn%d" % ri(100, 99999), "msg": "Slow query", "attr": attr})


@tpl("mongodb/network", False)
def t_mongo_net(b):
    k = ri(0, 3)
    ip = "%s:%d" % (server_ip(), ri(30000, 65000))
    if k == 0:
        d = {"t": {"$date": iso_ms(z="+00:00")}, "s": "I", "c": "NETWORK", "id": 22943, "ctx": "listener", "msg": "Connection accepted",
             "attr": {"remote": ip, "uuid": {"uuid": {"$uuid": uid()}}, "connectionId": ri(100, 99999), "connectionCount": ri(10, 900)}}
    elif k == 1:
        d = {"t": {"$date": iso_ms(z="+00:00")}, "s": "I", "c": "NETWORK", "id": 51800, "ctx": "conn%d" % ri(100, 99999), "msg": "client metadata",
             "attr": {"remote": ip, "client": "conn%d" % ri(100, 99999), "negotiatedCompressors": [], "doc": {"driver": {"name": "nodejs", "version": "6.3.0"},
                      "platform": "Node.js v20.11.0, LE", "os": {"name": "linux", "architecture": "x64", "version": "5.10.205-195.807.amzn2.x86_64", "type": "Linux"}}}}
    elif k == 2:
        d = {"t": {"$date": iso_ms(z="+00:00")}, "s": "I", "c": "NETWORK", "id": 22944, "ctx": "conn%d" % ri(100, 99999), "msg": "Connection ended",
             "attr": {"remote": ip, "uuid": {"uuid": {"$uuid": uid()}}, "connectionId": ri(100, 99999), "connectionCount": ri(10, 900)}}
    else:
        d = {"t": {"$date": iso_ms(z="+00:00")}, "s": "I", "c": "REPL", "id": 21340, "ctx": "ReplCoord-%d" % ri(0, 9), "msg": "Replica set state transition",
             "attr": {"newState": "SECONDARY", "oldState": "STARTUP2"}}
    J(b, d)


# ---------------------------------------------------------------- elasticsearch
def es_query_obj(p):
    k = ri(0, 4)
    if k == 0:
        return {"query": {"bool": {"must": [{"match": {"full_name": {"query": (nm(p, "lower"), "NAME"), "operator": "and"}}},
                                            {"term": {"birth_date": (fd(p.dob, "iso"), "DATE")}}]}}, "size": 20}
    if k == 1:
        return {"query": {"term": {"mrn.keyword": {"value": (mrn(), "MRN"), "boost": 1.0}}}}
    if k == 2:
        return {"query": {"multi_match": {"query": (p.phone, "PHONE"), "fields": ["phone", "mobile", "work_phone"], "type": "best_fields"}}, "size": 10}
    if k == 3:
        return {"query": {"bool": {"filter": [{"match_phrase": {"address.line1": (p.street, "ADDRESS")}}, {"term": {"address.zip": (p.zip, "ZIP")}}]}}}
    return {"query": {"term": {"member_id": {"value": (member_id(), "HEALTH_PLAN_ID")}}}, "_source": {"includes": ["member_id", "plan"], "excludes": []}}


@tpl("elasticsearch/search_slowlog", True)
def t_es(b):
    p = person()
    node = "es-data-%d" % ri(0, 5)
    idx = ch(["patients-v3", "patient-search-2024.03", "members", "encounters-v2"])
    took = ri(500, 9000)
    q = es_query_obj(p)
    if rr() < 0.6:
        b("[%s][WARN ][i.s.s.query              ] [%s] [%s][%d] took[%.1fs], took_millis[%d], total_hits[%d hits], stats[], search_type[QUERY_THEN_FETCH], total_shards[%d], source[" % (
            sp_ms(sep=",").replace(" ", "T"), node, idx, ri(0, 4), took / 1000, took, ri(0, 5), ri(1, 10)))
        J(b, q)
        b("], id[%s]," % ch(["", uid()]))
    else:
        d = {"@timestamp": iso_ms(), "log.level": "WARN", "elasticsearch.slowlog.id": None, "elasticsearch.slowlog.message": "[%s][%d]" % (idx, ri(0, 4)),
             "elasticsearch.slowlog.search_type": "QUERY_THEN_FETCH", "elasticsearch.slowlog.source": EJ(q),
             "elasticsearch.slowlog.stats": "[]", "elasticsearch.slowlog.took": "%.1fs" % (took / 1000), "elasticsearch.slowlog.took_millis": took,
             "elasticsearch.slowlog.total_hits": "%d hits" % ri(0, 5), "elasticsearch.slowlog.total_shards": ri(1, 10),
             "ecs.version": "1.2.0", "service.name": "ES_ECS", "event.dataset": "elasticsearch.index_search_slowlog",
             "process.thread.name": "elasticsearch[%s][search][T#%d]" % (node, ri(1, 12)), "log.logger": "index.search.slowlog.query",
             "elasticsearch.cluster.name": "ehr-search-prod", "elasticsearch.node.name": node}
        J(b, d)


@tpl("elasticsearch/cluster", False)
def t_es_cluster(b):
    node = "es-%s-%d" % (ch(["data", "master"]), ri(0, 5))
    k = ri(0, 3)
    ts = sp_ms(sep=",").replace(" ", "T")
    if k == 0:
        b("[%s][WARN ][o.e.m.j.JvmGcMonitorService] [%s] [gc][%d] overhead, spent [%.1fs] collecting in the last [%.1fs]" % (ts, node, ri(1000, 999999), rr() * 2, rr() * 2 + 1))
    elif k == 1:
        b("[%s][INFO ][o.e.c.r.a.AllocationService] [%s] current.health=\"GREEN\" message=\"Cluster health status changed from [YELLOW] to [GREEN] (reason: [shards started [[claims-%s][%d]]]).\" previous.health=\"YELLOW\" reason=\"shards started [[claims-%s][%d]]\"" % (
            ts, node, NOW.strftime("%Y.%m.%d"), ri(0, 4), NOW.strftime("%Y.%m.%d"), ri(0, 4)))
    elif k == 2:
        b("[%s][INFO ][o.e.c.m.MetadataCreateIndexService] [%s] [audit-%s] creating index, cause [auto(bulk api)], templates [audit-template], shards [1]/[1]" % (ts, node, NOW.strftime("%Y.%m.%d")))
    else:
        b("[%s][WARN ][o.e.c.r.a.DiskThresholdMonitor] [%s] high disk watermark [90%%] exceeded on [%s][%s][/usr/share/elasticsearch/data] free: %.1fgb[%.1f%%], shards will be relocated away from this node" % (
            ts, node, b62(22), node, rr() * 40, rr() * 10))


# ---------------------------------------------------------------- graphql (Hasura)
@tpl("graphql/hasura_query_log", True)
def t_hasura(b):
    p = person()
    k = ri(0, 3)
    if k == 0:
        op = "PatientLookup"
        qtext = "query PatientLookup($lastName: String!, $dob: date!) { patients(where: {last_name: {_eq: $lastName}, dob: {_eq: $dob}}) { id mrn first_name } }"
        ln, dob = (p.last, "NAME"), (fd(p.dob, "iso"), "DATE")
        var = {"lastName": ln, "dob": dob}
        gen = {"postgres": {"prepared_arguments": ['{"x-hasura-role":"nurse"}', ln, dob],
                            "query": "SELECT coalesce(json_agg(\"root\"), '[]') AS \"root\" FROM (SELECT ... WHERE ((\"public\".\"patients\".\"last_name\") = (($2)::text)) AND ((\"public\".\"patients\".\"dob\") = (($3)::date))) AS \"_root\""}}
    elif k == 1:
        op = "UpdateContact"
        qtext = "mutation UpdateContact($id: uuid!, $phone: String, $email: String) { update_patient_contact_by_pk(pk_columns: {id: $id}, _set: {phone: $phone, email: $email}) { id } }"
        var = {"id": uid(), "phone": (fphone(p.phone, ch(["e164", "dash"])), "PHONE"), "email": (p.email, "EMAIL")}
        gen = None
    elif k == 2:
        op = "GetMemberClaims"
        qtext = "query GetMemberClaims($memberId: String!, $claimNumber: String) { claims(where: {member_id: {_eq: $memberId}, claim_number: {_eq: $claimNumber}}) { claim_number status paid_amount } }"
        var = {"memberId": (member_id(), "HEALTH_PLAN_ID"), "claimNumber": (claim_no(), "OTHER_ID")}
        gen = None
    else:
        op = "CreateAppointment"
        qtext = "mutation CreateAppointment($input: appointments_insert_input!) { insert_appointments_one(object: $input) { id } }"
        var = {"input": {"patient_mrn": (mrn(), "MRN"), "start_time": (appt_dt().strftime("%Y-%m-%dT%H:%M:00") + "-06:00", "DATE"),
                         "reason": ch(["follow-up", "annual wellness", "med refill", "new patient"]), "provider_id": ri(100, 999)}}
        gen = None
    det = {"kind": "database", "request_id": uid(), "query": {"operationName": op, "query": qtext, "variables": var}}
    if gen:
        det["generated_sql"] = gen
    J(b, {"type": "query-log", "timestamp": iso_ms(z="+0000"), "level": "info", "detail": det})


@tpl("graphql/hasura_http_log", False)
def t_hasura_http(b):
    op = ch(["IntrospectionQuery", "GetClinicSchedule", "ListProviders", "GetFeatureFlags", None])
    st = ch([200, 200, 200, 400])
    d = {"type": "http-log", "timestamp": iso_ms(z="+0000"), "level": "info" if st == 200 else "error",
         "detail": {"operation": {"query_execution_time": round(rr() / 10, 6), "user_vars": {"x-hasura-role": ch(["service", "admin", "scheduler"])},
                                  "error": None if st == 200 else {"path": "$.selectionSet.clinics", "error": "field 'clinics' not found in type: 'query_root'", "code": "validation-failed"},
                                  "request_id": uid(), "parameterized_query_hash": hx(40), "response_size": ri(40, 90000),
                                  "request_mode": "single", "query": {"operationName": op}},
                    "request_id": uid(), "http_info": {"status": st, "http_version": "HTTP/1.1", "url": "/v1/graphql", "ip": server_ip(),
                                                       "method": "POST", "content_encoding": None}}}
    J(b, d)


# ---------------------------------------------------------------- grpc
def spring_prefix(level="INFO", thread=None, logger="c.l.e.grpc.LoggingServerInterceptor"):
    thread = thread or ch(["ault-executor-%d" % ri(0, 9), "nio-8080-exec-%d" % ri(1, 10), "grpc-nio-worker-ELG-%d-%d" % (ri(1, 3), ri(1, 8))])
    return "%s %5s %d --- [%15s] %-40s : " % (sp_ms(), level, ri(1, 9), thread[-15:], logger)


@tpl("grpc/interceptor", True)
def t_grpc(b):
    p = person()
    peer = "/%s:%d" % (server_ip(), ri(30000, 65000))
    k = ri(0, 3)
    b(spring_prefix())
    if k == 0:
        b("--> eligibility.v1.EligibilityService/CheckCoverage peer=%s request={member_id: \"" % peer, (member_id(), "HEALTH_PLAN_ID"),
          "\" last_name: \"", (U(p.last), "NAME"), "\" first_name: \"", (U(p.first), "NAME"), "\" date_of_birth: \"",
          (fd(p.dob, "compact"), "DATE"), "\" service_type_code: \"30\"}")
    elif k == 1:
        b("--> patient.v2.PatientDirectory/GetPatient peer=%s request={mrn: \"" % peer, (mrn(), "MRN"), "\" include_contacts: true}")
    elif k == 2:
        b("--> rx.v1.RefillService/RequestRefill peer=%s request={rx_number: \"" % peer, (rx_no(), "OTHER_ID"), "\" patient_mrn: \"",
          (mrn(), "MRN"), "\" pharmacy_ncpdp: \"%s\"}" % dg(7))
    else:
        b("--> notify.v1.Notifier/SendSms peer=%s request={to: \"" % peer, (fphone(p.phone, "e164"), "PHONE"),
          "\" template_id: \"appt_reminder_v3\" vars { key: \"first_name\" value: \"", (p.first, "NAME"), "\" } vars { key: \"appt_time\" value: \"",
          (appt_dt().strftime("%Y-%m-%d %H:%M"), "DATE"), "\" }}")


# ---------------------------------------------------------------- hibernate
@tpl("hibernate/binding", True)
def t_hib_bind(b):
    p = person()
    k = ri(0, 11)
    sqlt, val = [
        ("VARCHAR", (p.last, "NAME")), ("VARCHAR", (p.first, "NAME")), ("DATE", (fd(p.dob, "iso"), "DATE")),
        ("TIMESTAMP", (fd(p.dob, "iso") + " 00:00:00.0", "DATE")), ("VARCHAR", (fssn(p.ssn), "SSN")),
        ("VARCHAR", (fphone(p.phone), "PHONE")), ("VARCHAR", (p.email, "EMAIL")), ("VARCHAR", (p.zip, "ZIP")),
        ("VARCHAR", (mrn(), "MRN")), ("VARCHAR", (member_id(), "HEALTH_PLAN_ID")), ("VARCHAR", (p.street, "ADDRESS")),
        ("VARCHAR", (card()[1], "CREDIT_CARD"))][k]
    n = ri(1, 9)
    if rr() < 0.55:
        b(spring_prefix("TRACE", "nio-8080-exec-%d" % ri(1, 10), "o.h.type.descriptor.sql.BasicBinder"),
          "binding parameter [%d] as [%s] - [" % (n, sqlt), val, "]")
    else:
        b("%s TRACE %d --- [ehr-api] [%15s] %-40s : binding parameter (%d:%s) <- [" % (
            iso_ms(z="-06:00"), ri(1, 9), "nio-8080-exec-%d" % ri(1, 10), "org.hibernate.orm.jdbc.bind", n, sqlt), val, "]")


@tpl("hibernate/entity_tostring", True)
def t_hib_tostring(b):
    p = person()
    m = mrn()
    lomb = rr() < 0.6
    b(spring_prefix(ch(["DEBUG", "INFO", "WARN"]), "nio-8080-exec-%d" % ri(1, 10), ch(["c.l.ehr.service.PatientService", "c.l.ehr.repo.PatientRepository", "c.l.intake.web.IntakeController"])))
    b(ch(["Saving ", "Loaded ", "Merging detached entity ", "Validation failed for "]))
    if lomb:
        b("Patient(id=null, mrn=", (m, "MRN"), ", firstName=", (p.first, "NAME"), ", lastName=", (p.last, "NAME"),
          ", birthDate=", (fd(p.dob, "iso"), "DATE"), ", sex=%s, ssn=" % p.sex, (fssn(p.ssn), "SSN"), ", phone=",
          (fphone(p.phone, ch(["dash", "paren", "plain"])), "PHONE"), ", address=Address(line1=", (p.street, "ADDRESS"), ", line2=")
        if p.unit:
            b((p.unit, "ADDRESS"))
        else:
            b("null")
        b(", city=", (p.city, "ADDRESS"), ", state=%s, zip=" % p.state, (p.zip, "ZIP"), "), insurance=null, version=%d)" % ri(0, 9))
    else:
        b("Patient{mrn='", (m, "MRN"), "', name='", (nm(p, "lf"), "NAME"), "', dob=", (fd(p.dob, "iso"), "DATE"), ", email='",
          (p.email, "EMAIL"), "', primaryPhone='", (fphone(p.phone), "PHONE"), "', status=ACTIVE, createdAt=%s}" % iso_ms(T(-ri(100, 9000000))))


@tpl("hibernate/sql_stmt", False)
def t_hib_sql(b):
    k = ri(0, 4)
    if k == 0:
        b("Hibernate: select p1_0.id,p1_0.birth_date,p1_0.first_name,p1_0.last_name,p1_0.mrn,p1_0.ssn from patient p1_0 where p1_0.mrn=?")
    elif k == 1:
        b("Hibernate: insert into appointment (created_at,patient_id,provider_npi,starts_at,status,id) values (?,?,?,?,?,default)")
    elif k == 2:
        b(spring_prefix("INFO", "main", "org.hibernate.Version"), "HHH000412: Hibernate ORM core version 6.4.%d.Final" % ri(0, 4))
    elif k == 3:
        b(spring_prefix("WARN", "nio-8080-exec-%d" % ri(1, 10), "o.h.engine.jdbc.spi.SqlExceptionHelper"),
          "SQL Error: 0, SQLState: 40001")
    else:
        b(spring_prefix("INFO", "main", "o.h.e.t.j.p.i.JtaPlatformInitiator"),
          "HHH000489: No JTA platform available (set 'hibernate.transaction.jta.platform' to enable JTA platform integration)")


# ---------------------------------------------------------------- serilog
@tpl("serilog/compact_json", True)
def t_serilog(b):
    p = person()
    c = clin()
    k = ri(0, 4)
    d = {"@t": iso_7(), }
    if k == 0:
        ap = appt_dt()
        d["@mt"] = "Appointment {AppointmentId} booked for {PatientName} ({Mrn}) at {SlotStart}"
        d["AppointmentId"] = (ri(100000, 9999999), "OTHER_ID")
        d["PatientName"] = (nm(p, "fl"), "NAME")
        d["Mrn"] = (mrn(), "MRN")
        d["SlotStart"] = (ap.strftime("%Y-%m-%dT%H:%M:%S") + ".0000000-06:00", "DATE")
    elif k == 1:
        d["@mt"] = "Eligibility check for member {MemberId} ({Dob}) returned {Status}"
        d["MemberId"] = (member_id(), "HEALTH_PLAN_ID")
        d["Dob"] = (fd(p.dob, "iso") + "T00:00:00.0000000", "DATE")
        d["Status"] = ch(["Active", "Inactive", "NotFound"])
    elif k == 2:
        d["@mt"] = "Sent reminder SMS to {Phone} for patient {Mrn}"
        d["Phone"] = (fphone(p.phone, "e164"), "PHONE")
        d["Mrn"] = (mrn(), "MRN")
    elif k == 3:
        d["@mt"] = "Updated demographics for {@Patient}"
        d["@l"] = ch(["Information", "Debug"])
        d["Patient"] = {"Mrn": (mrn(), "MRN"), "Name": (nm(p, "fl"), "NAME"), "BirthDate": (fd(p.dob, "iso") + "T00:00:00.0000000", "DATE"),
                        "Phone": (fphone(p.phone), "PHONE"), "PostalCode": (p.zip, "ZIP"), "$type": "PatientDto"}
    else:
        d["@mt"] = "Payment posted to account {AccountNumber} by {PayerName}, card ending {Last4}"
        d["@l"] = "Information"
        d["AccountNumber"] = (acct(), "ACCOUNT")
        d["PayerName"] = (nm(p, "fl"), "NAME")
        d["Last4"] = dg(4)
    if rr() < 0.3:
        d["@l"] = "Warning"
    d["SourceContext"] = ch(["Scheduling.Api.Controllers.AppointmentsController", "Billing.Worker.PaymentPoster", "Intake.Api.Services.DemographicsService",
                             "Eligibility.Client.X12Gateway", "Notify.Worker.SmsDispatcher"])
    if rr() < 0.6:
        d["RequestId"] = "0HN%s:%08X" % (b62(9).upper(), ri(1, 90))
        d["RequestPath"] = ch(["/api/appointments", "/api/payments", "/api/patients/demographics", "/api/eligibility"])
        d["ConnectionId"] = "0HN" + b62(9).upper()
    d["Application"] = ch(["Scheduling.Api", "Billing.Worker", "Intake.Api", "Eligibility.Worker"])
    d["MachineName"] = ch(["APP-PRD-01", "app-prd-02", "eligibility-worker-6f8d9"])
    J(b, d)


@tpl("serilog/hosting", False)
def t_serilog_host(b):
    k = ri(0, 4)
    if k == 0:
        d = {"@t": iso_7(), "@mt": "Now listening on: {address}", "address": ch(["http://[::]:8080", "https://[::]:8443", "http://0.0.0.0:5000"]),
             "EventId": {"Id": 14, "Name": "ListeningOnAddress"}, "SourceContext": "Microsoft.Hosting.Lifetime"}
    elif k == 1:
        d = {"@t": iso_7(), "@mt": "Hosting environment: {EnvName}", "EnvName": "Production", "SourceContext": "Microsoft.Hosting.Lifetime"}
    elif k == 2:
        d = {"@t": iso_7(), "@mt": "Executed DbCommand ({elapsed}ms) [Parameters=[{parameters}], CommandType='{commandType}', CommandTimeout='{commandTimeout}']{newLine}{commandText}",
             "elapsed": str(ri(1, 900)), "parameters": "@__mrn_0='?' (Size = 16), @__dob_1='?' (DbType = Date)", "commandType": "Text", "commandTimeout": 30,
             "newLine": "\n", "commandText": "SELECT TOP(1) [p].[Id], [p].[BirthDate], [p].[Mrn]\nFROM [Patients] AS [p]\nWHERE [p].[Mrn] = @__mrn_0 AND [p].[BirthDate] = @__dob_1",
             "EventId": {"Id": 20101, "Name": "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted"},
             "SourceContext": "Microsoft.EntityFrameworkCore.Database.Command"}
    elif k == 3:
        d = {"@t": iso_7(), "@mt": "Application started. Press Ctrl+C to shut down.", "SourceContext": "Microsoft.Hosting.Lifetime"}
    else:
        d = {"@t": iso_7(), "@mt": "Content root path: {ContentRoot}", "ContentRoot": "/app", "SourceContext": "Microsoft.Hosting.Lifetime"}
    d["Application"] = ch(["Scheduling.Api", "Billing.Worker", "Intake.Api"])
    J(b, d)


# ---------------------------------------------------------------- log4j2
@tpl("log4j2/json_layout", True)
def t_log4j2(b):
    p = person()
    c = clin()
    k = ri(0, 3)
    m = mrn()
    ctx = {}
    if k == 0:
        msg = S("Refill request accepted rxNumber=", (rx_no(), "OTHER_ID"), " patient=", (nm(p, "LF"), "NAME"), " dob=",
                (fd(p.dob, "us"), "DATE"), " pharmacy=" + ch(PHARMACIES))
        logger = "com.lakeside.pharmacy.RefillService"
    elif k == 1:
        pay = ch(PAYERS)
        msg = S("Prior auth ", (auth_no(), "OTHER_ID"), " submitted to %s for member " % pay[0], (member_id(pay[1]), "HEALTH_PLAN_ID"),
                " ordering=", (nm(c, "fl"), "NAME"), " NPI ", (c.npi, "NPI"))
        logger = "com.lakeside.um.PriorAuthClient"
    elif k == 2:
        cd = svc_dt(3)
        msg = S("Lab result posted accession=", (accession(), "OTHER_ID"), " mrn=", (m, "MRN"), " collected=",
                (cd.strftime("%Y-%m-%dT%H:%M:%S"), "DATE"), " loinc=%s" % ch(LABS)[0])
        logger = "com.lakeside.lab.ResultIngestor"
        if rr() < 0.6:
            ctx["mrn"] = (m, "MRN")
    else:
        msg = S("Claim ", (claim_no(), "OTHER_ID"), " denied CARC %s for patient " % ch(["CO-16", "CO-97", "PR-204", "CO-197"]),
                (nm(p, "fl"), "NAME"), " (acct ", (acct(), "ACCOUNT"), ")")
        logger = "com.lakeside.billing.RemitProcessor"
    ctx["traceId"] = hx(32)
    ctx["spanId"] = hx(16)
    d = {"instant": {"epochSecond": epoch(), "nanoOfSecond": NOW.microsecond * 1000}, "thread": ch(["http-nio-8080-exec-%d" % ri(1, 10), "kafka-consumer-%d" % ri(0, 3), "pool-2-thread-%d" % ri(1, 8)]),
         "level": ch(["INFO", "INFO", "WARN"]), "loggerName": logger, "message": msg, "endOfBatch": False,
         "loggerFqcn": "org.apache.logging.slf4j.Log4jLogger", "contextMap": ctx, "threadId": ri(20, 200), "threadPriority": 5}
    J(b, d)


@tpl("log4j2/hikari_pool", False)
def t_log4j2_pool(b):
    pool = "HikariPool-%d" % ri(1, 3)
    msg = ch(["%s - Pool stats (total=%d, active=%d, idle=%d, waiting=%d)" % (pool, 10, ri(0, 10), ri(0, 10), ri(0, 4)),
              "%s - Fill pool skipped, pool has sufficient level or currently being filled (queueing=0)." % pool,
              "%s - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=%d)" % (pool, ri(1, 40)),
              "%s - Thread starvation or clock leap detected (housekeeper delta=%dm%ds)." % (pool, ri(1, 5), ri(0, 59))])
    d = {"instant": {"epochSecond": epoch(), "nanoOfSecond": NOW.microsecond * 1000}, "thread": "%s housekeeper" % pool,
         "level": "WARN" if "timed out" in msg or "starvation" in msg else "DEBUG", "loggerName": "com.zaxxer.hikari.pool.HikariPool",
         "message": msg, "endOfBatch": False, "loggerFqcn": "org.apache.logging.slf4j.Log4jLogger", "contextMap": {},
         "threadId": ri(20, 200), "threadPriority": 5}
    J(b, d)


# ---------------------------------------------------------------- python logging
@tpl("pylog/extra_json", True)
def t_pylog(b):
    p = person(origin=ch(["hispanic", "hispanic", "slavic", "other", "anglo", "afam", "easian"]))
    k = ri(0, 3)
    d = {"asctime": sp_ms(sep=","), "name": ch(["intake.forms", "portal.registration", "sched.reminders", "billing.statements"]),
         "levelname": ch(["INFO", "INFO", "WARNING"])}
    if k == 0:
        d["message"] = "intake form submitted"
        d["patient_name"] = (nm(p, "fl"), "NAME")
        d["dob"] = (fd(p.dob, "iso"), "DATE")
        d["phone"] = (fphone(p.phone, "paren"), "PHONE")
        d["form_id"] = uid()
    elif k == 1:
        d["message"] = "registration: address normalised"
        d["mrn"] = (mrn(), "MRN")
        d["address"] = {"line1": (p.street, "ADDRESS"), "city": (p.city, "ADDRESS"), "state": p.state, "zip": (p.zip + "-" + p.zip4, "ZIP")}
        d["usps_dpv"] = ch(["Y", "S", "D"])
    elif k == 2:
        d["message"] = "reminder queued"
        d["first_name"] = (p.first, "NAME")
        d["last_name"] = (p.last, "NAME")
        d["email"] = (p.email, "EMAIL")
        d["appt"] = (appt_dt().strftime("%Y-%m-%d %H:%M"), "DATE")
    else:
        d["message"] = "statement generated"
        d["guarantor"] = (nm(p, "lf"), "NAME")
        d["account"] = (acct(), "ACCOUNT")
        d["balance_cents"] = ri(500, 900000)
    if rr() < 0.3:
        d["taskName"] = None
    J(b, d, sep=(", ", ": "), ascii=True)


@tpl("pylog/scheduler", False)
def t_pylog_sched(b):
    job = ch(["sync_slots", "purge_expired_sessions", "refresh_provider_directory", "rotate_fax_inbox", "send_daily_census"])
    nxt = T(3600).strftime("%Y-%m-%d %H:00:00")
    msg = ch(['[apscheduler.executors.default] Job "%s (trigger: cron[hour=\'*/1\'], next run at: %s UTC)" executed successfully' % (job, nxt),
              '[apscheduler.executors.default] Running job "%s (trigger: cron[hour=\'*/1\'], next run at: %s UTC)" (scheduled at %s UTC)' % (job, nxt, sp_s()),
              "[scheduler.jobs] Rescheduled %d slots for clinic %s" % (ri(1, 90), ch([f[1] for f in FACILITIES])),
              "[urllib3.connectionpool] Starting new HTTPS connection (1): %s:443" % ch(["api.lakesidehealth.org", "sts.amazonaws.com", "hooks.slack.com"]),
              "[botocore.credentials] Found credentials from IAM Role: %s" % ch(["ehr-worker-role", "sched-task-role"])])
    lvl = "INFO" if "Starting" not in msg else "DEBUG"
    b("%s %s %s" % (sp_ms(sep=","), lvl, msg))


# ---------------------------------------------------------------- celery
def celery_prefix(lvl, proc=None):
    proc = proc or ch(["ForkPoolWorker-%d" % ri(1, 8), "MainProcess"])
    return "[%s: %s/%s] " % (sp_ms(sep=","), lvl, proc)


@tpl("celery/task_log", True)
def t_celery(b):
    p = person()
    k = ri(0, 3)
    tid = uid()
    if k == 0:
        g = person()
        b(celery_prefix("ERROR", "ForkPoolWorker-%d" % ri(1, 8)), "Task billing.tasks.generate_statement[%s] raised unexpected: ValueError(\"guarantor address missing for account " % tid,
          (acct(), "ACCOUNT"), " (", (nm(g, "lf"), "NAME"), ")\")")
    elif k == 1:
        b(celery_prefix("INFO", "ForkPoolWorker-%d" % ri(1, 8)), "Task reminders.tasks.send_sms[%s] succeeded in %.3fs: {'to': '" % (tid, rr()),
          (fphone(p.phone, "e164"), "PHONE"), "', 'first_name': '", (p.first.replace("'", "\\'"), "NAME"), "', 'status': 'queued', 'sid': 'SM%s'}" % hx(32))
    elif k == 2:
        b(celery_prefix("WARNING", "ForkPoolWorker-%d" % ri(1, 8)), "Task eligibility.tasks.verify_member[%s] retry: Retry in %ds: TimeoutError('member " % (tid, ch([30, 60, 120])),
          (member_id(), "HEALTH_PLAN_ID"), " dob ", (fd(p.dob, "iso"), "DATE"), ": payer timeout')")
    else:
        m = mrn()
        b(celery_prefix("INFO", "ForkPoolWorker-%d" % ri(1, 8)), "Task records.tasks.export_ccd[%s] succeeded in %.2fs: {'mrn': '" % (tid, rr() * 20),
          (m, "MRN"), "', 'object_key': 'ccd-exports/", (m, "MRN"), "/summary.xml', 'bytes': %d}" % ri(9000, 900000))


@tpl("celery/worker", False)
def t_celery_worker(b):
    msg = ch(["Task etl.tasks.refresh_materialized_views[%s] succeeded in %.2fs: None" % (uid(), rr() * 60),
              "Connected to amqp://svc-celery:**@rabbitmq.prod.internal:5672//",
              "celery@worker-%s ready." % an(5, K8S_SFX), "mingle: all alone",
              "Task reports.tasks.nightly_census[%s] received" % uid(),
              "beat: Starting...", "Scheduler: Sending due task purge-expired-tokens (auth.tasks.purge_expired_tokens)"])
    lvl = "INFO"
    b(celery_prefix(lvl, "MainProcess" if "Task" not in msg else "ForkPoolWorker-%d" % ri(1, 8)), msg)


# ---------------------------------------------------------------- sidekiq
@tpl("sidekiq/retry_json", True)
def t_sidekiq(b):
    p = person()
    k = ri(0, 3)
    jid = hx(24)
    if k == 0:
        cls, args = "AppointmentReminderJob", [(fphone(p.phone, "e164"), "PHONE"), (p.first, "NAME"), (appt_dt().strftime("%Y-%m-%dT%H:%M:00-05:00"), "DATE")]
    elif k == 1:
        cls, args = "PatientStatementMailer", [(p.email, "EMAIL"), (acct(), "ACCOUNT"), ri(1000, 90000)]
    elif k == 2:
        cls, args = "LabResultNotifyJob", [(mrn(), "MRN"), (fphone(p.phone, "plain"), "PHONE"), "portal"]
    else:
        cls, args = "InsuranceCardOcrJob", [(member_id(), "HEALTH_PLAN_ID"), (nm(p, "LF"), "NAME"), "s3://lakeside-intake-uploads/cards/%s.jpg" % uid()]
    job = {"retry": True, "queue": ch(["default", "mailers", "notifications", "ocr"]), "class": cls, "args": args, "jid": jid,
           "created_at": round(epoch() - rr() * 100, 6), "enqueued_at": round(epoch() - rr(), 6),
           "error_message": ch(["Net::ReadTimeout with #<TCPSocket:(closed)>", "execution expired", "401 Unauthorized", "Twilio::REST::RestError: [HTTP 429] 20429 : Too Many Requests"]),
           "error_class": ch(["Net::ReadTimeout", "Timeout::Error", "Faraday::UnauthorizedError", "Twilio::REST::RestError"]),
           "failed_at": round(epoch() - rr() * 1000, 6), "retry_count": ri(0, 24)}
    b("%s pid=%d tid=%s class=%s jid=%s elapsed=%.3f WARN: " % (iso_ms(), ri(1, 99), an(4, "abcdefghijklmnopqrstuvwxyz0123456789"), cls, jid, rr() * 10))
    J(b, {"context": "Job raised exception", "job": job})


# ---------------------------------------------------------------- airflow
def af_prefix(src, lvl="INFO"):
    return "[%s, %s UTC] {%s} %s - " % (NOW.strftime("%Y-%m-%d"), NOW.strftime("%H:%M:%S"), src, lvl)


@tpl("airflow/task_log", True)
def t_airflow(b):
    p = person()
    k = ri(0, 3)
    if k == 0:
        b(af_prefix("python.py:201"), "Done. Returned value was: {'member_id': '", (member_id(), "HEALTH_PLAN_ID"), "', 'dob': '",
          (fd(p.dob, "iso"), "DATE"), "', 'status': '%s'}" % ch(["ELIGIBLE", "TERMED", "NOT_FOUND"]))
    elif k == 1:
        b(af_prefix("sql.py:418"), "Running statement: SELECT * FROM staging.patients WHERE mrn = '", (mrn(), "MRN"), "', parameters: None")
    elif k == 2:
        b(af_prefix("logging_mixin.py:188"), "Processing patient ", (nm(p, "LF"), "NAME"), " (MRN ", (mrn(), "MRN"), ") admitted ",
          (fd(svc_date(10), "iso"), "DATE"))
    else:
        b(af_prefix("taskinstance.py:2731", "ERROR"), "Task failed with exception: airflow.exceptions.AirflowException: SFTP upload rejected for file 837P_",
          (nm(p, "hl7_2").replace("^", "_"), "NAME"), "_", (fd(svc_date(20), "compact"), "DATE"), ".txt: 550 Permission denied")


@tpl("airflow/task_success", False)
def t_airflow_ok(b):
    dag = ch(["claims_837_nightly", "eligibility_834_load", "hl7_archive_compaction", "warehouse_refresh", "fax_inbox_sweep"])
    task = ch(["load_to_warehouse", "extract", "validate_counts", "upload_sftp", "notify_slack"])
    run = NOW.replace(hour=2, minute=0, second=0, microsecond=0)
    k = ri(0, 3)
    if k == 0:
        b(af_prefix("taskinstance.py:1138"), "Marking task as SUCCESS. dag_id=%s, task_id=%s, execution_date=%s, start_date=%s, end_date=%s" % (
            dag, task, run.strftime("%Y%m%dT%H%M%S"), T(-ri(60, 3000)).strftime("%Y%m%dT%H%M%S"), NOW.strftime("%Y%m%dT%H%M%S")))
    elif k == 1:
        b(af_prefix("local_task_job_runner.py:234"), "Task exited with return code %d" % ch([0, 0, 0, 1]))
    elif k == 2:
        b(af_prefix("taskinstance.py:2699"), "%d downstream tasks scheduled from follow-on schedule check" % ri(0, 6))
    else:
        b(af_prefix("standard_task_runner.py:60"), "Started process %d to run task" % ri(100, 99999))


# ---------------------------------------------------------------- spark
def spark_prefix(lvl, cls):
    return "%s %s %s: " % (NOW.strftime("%y/%m/%d %H:%M:%S"), lvl, cls)


@tpl("spark/bad_record", True)
def t_spark(b):
    p = person()
    k = ri(0, 3)
    if k == 0:
        b(spark_prefix("WARN", "BadRecordLogger"), "Malformed record in s3://lakeside-claims-raw/members/%s/part-%05d.csv: [" % (NOW.strftime("%Y/%m/%d"), ri(0, 200)),
          (member_id(), "HEALTH_PLAN_ID"), ",", (U(p.last), "NAME"), ",", (U(p.first), "NAME"), ",", (fd(p.dob, "compact"), "DATE"), ",%s," % p.sex, (p.zip, "ZIP"), ",,]")
    elif k == 1:
        b(spark_prefix("ERROR", "Executor"), "Exception in task %d.0 in stage %d.0 (TID %d): java.lang.NumberFormatException: For input string: \"" % (ri(0, 200), ri(1, 40), ri(1, 9000)),
          (fssn(p.ssn, "dash"), "SSN"), "\"")
    elif k == 2:
        b(spark_prefix("WARN", "DataQualityCheck"), "Row failed expectation 'dob_not_future': Row(member_id='", (member_id(), "HEALTH_PLAN_ID"),
          "', first_name='", (p.first.replace("'", "\\'"), "NAME"), "', last_name='", (p.last.replace("'", "\\'"), "NAME"), "', dob='",
          (fd(p.dob.replace(year=p.dob.year + 100) if p.dob.month * 100 + p.dob.day != 229 else p.dob, "iso"), "DATE"), "')")
    else:
        b(spark_prefix("ERROR", "TaskSetManager"), "Task %d in stage %d.0 failed 4 times; aborting job: org.apache.spark.api.python.PythonException: Traceback (most recent call last):\\n  File \"/mnt/yarn/usercache/hadoop/appcache/application_%d_%04d/normalize.py\", line 88, in parse_dob\\nValueError: time data '" % (
            ri(0, 200), ri(1, 40), epoch_ms() - ri(10**6, 10**8), ri(1, 999)), (fd(p.dob, "dmy"), "DATE"), "' does not match format '%Y-%m-%d' (column dob, patient_id ", (mrn(), "MRN"), ")")


@tpl("spark/executor", False)
def t_spark_exec(b):
    host = ec2host()
    k = ri(0, 3)
    if k == 0:
        b(spark_prefix("INFO", "BlockManagerInfo"), "Added broadcast_%d_piece0 in memory on %s:%d (size: %.1f KiB, free: %.1f GiB)" % (ri(1, 99), host, ri(30000, 45000), rr() * 90, rr() * 8))
    elif k == 1:
        b(spark_prefix("INFO", "DAGScheduler"), "Job %d finished: count at NativeMethodAccessorImpl.java:0, took %.6f s" % (ri(1, 90), rr() * 30))
    elif k == 2:
        b(spark_prefix("WARN", "YarnAllocator"), "Container container_%d_%04d_01_%06d on host: %s was preempted." % (epoch_ms() - 10**7, ri(1, 99), ri(1, 99), host))
    else:
        b(spark_prefix("ERROR", "YarnScheduler"), "Lost executor %d on %s: Container killed by YARN for exceeding physical memory limits. %.1f GB of 12 GB physical memory used. Consider boosting spark.executor.memoryOverhead." % (ri(1, 40), host, 12 + rr()))


# ---------------------------------------------------------------- snowflake / bigquery / athena
@tpl("snowflake/query_history", True)
def t_snowflake(b):
    p = person()
    k = ri(0, 3)
    if k == 0:
        q = S("SELECT * FROM CLINICAL.PUBLIC.PATIENT WHERE SSN = '", (fssn(p.ssn), "SSN"), "'")
    elif k == 1:
        q = S("SELECT MRN, DOB FROM CLINICAL.PUBLIC.PATIENT WHERE LAST_NAME = '", (sqlq(U(p.last)), "NAME"), "' AND FIRST_NAME = '", (sqlq(U(p.first)), "NAME"),
              "' AND DOB = '", (fd(p.dob, "iso"), "DATE"), "'")
    elif k == 2:
        q = S("UPDATE STAGING.MEMBER SET ADDRESS_LINE1 = '", (sqlq(U(p.street)), "ADDRESS"), "', ZIP = '", (p.zip, "ZIP"), "' WHERE MEMBER_ID = '",
              (member_id(), "HEALTH_PLAN_ID"), "'")
    else:
        q = S("DELETE FROM CLINICAL.PUBLIC.ENCOUNTER WHERE CSN = '", (visit_no(), "OTHER_ID"), "' AND PAT_MRN = '", (mrn(), "MRN"), "'")
    d = {"QUERY_ID": "01b%s-%s-%s-0000-%s" % (hx(5), dg(4), hx(4), hx(12)), "QUERY_TEXT": q, "DATABASE_NAME": "CLINICAL", "SCHEMA_NAME": "PUBLIC",
         "QUERY_TYPE": "SELECT" if k < 2 else ("UPDATE" if k == 2 else "DELETE"), "USER_NAME": ch(["SVC_TABLEAU", "SVC_DBT", "SVC_FIVETRAN", "ETL_LOADER"]),
         "ROLE_NAME": ch(["ANALYST_RO", "TRANSFORMER", "LOADER"]), "WAREHOUSE_NAME": ch(["BI_WH_M", "ETL_WH_L", "ADHOC_XS"]),
         "WAREHOUSE_SIZE": ch(["Medium", "Large", "X-Small"]), "EXECUTION_STATUS": ch(["SUCCESS", "SUCCESS", "FAIL"]),
         "START_TIME": sp_ms(T(-8 * 3600)) + " -0800", "END_TIME": sp_ms(T(-8 * 3600 + 2)) + " -0800",
         "TOTAL_ELAPSED_TIME": ri(50, 90000), "BYTES_SCANNED": ri(0, 10**9), "ROWS_PRODUCED": ri(0, 5)}
    J(b, d)


@tpl("bigquery/jobs", True)
def t_bq(b):
    p = person()
    k = ri(0, 2)
    if k == 0:
        d1 = svc_date(60)
        q = S("SELECT claim_id, paid_amt FROM `lakeside-analytics-prod.claims.medical` WHERE member_id = '", (member_id(), "HEALTH_PLAN_ID"),
              "' AND service_date = '", (fd(d1, "iso"), "DATE"), "'")
    elif k == 1:
        q = S("SELECT * FROM `lakeside-analytics-prod.ehr.patient_dim` WHERE patient_name = '", (nm(p, "lf").replace("'", "\\'"), "NAME"), "'")
    else:
        q = S("SELECT encounter_id FROM `lakeside-analytics-prod.ehr.encounters` WHERE mrn = '", (mrn(), "MRN"), "' AND admit_dt = DATE '",
              (fd(svc_date(90), "iso"), "DATE"), "'")
    d = {"creation_time": sp_ms(sep=".") + "000 UTC", "project_id": "lakeside-analytics-prod",
         "user_email": ch(["svc-looker@lakeside-analytics-prod.iam.gserviceaccount.com", "dbt-runner@lakeside-analytics-prod.iam.gserviceaccount.com",
                           "scheduled-queries@lakeside-analytics-prod.iam.gserviceaccount.com"]),
         "job_id": "bquxjob_%s_%s" % (hx(8), hx(11)), "job_type": "QUERY", "statement_type": "SELECT", "priority": "INTERACTIVE",
         "query": q, "state": "DONE", "total_bytes_processed": str(ri(10**4, 10**10)), "total_slot_ms": str(ri(100, 10**7)),
         "cache_hit": ch([True, False]), "reservation_id": None}
    J(b, d)


@tpl("athena/query_execution", False)
def t_athena(b):
    d8 = NOW.strftime("%Y/%m/%d")
    q = ch(["SELECT date_trunc('hour', from_iso8601_timestamp(time)) AS h, count(*) FROM alb_logs WHERE day = '%s' AND elb_status_code >= 500 GROUP BY 1" % d8,
            "MSCK REPAIR TABLE cloudtrail_logs", "SELECT count(*) FROM vpc_flow_logs WHERE action = 'REJECT' AND dstport = 22 AND day = '%s'" % d8,
            "ALTER TABLE waf_logs ADD IF NOT EXISTS PARTITION (day='%s') LOCATION 's3://lakeside-waf-logs/AWSLogs/123456789012/WAFLogs/us-east-1/portal-acl/%s/'" % (d8, d8)])
    st = ch(["SUCCEEDED", "SUCCEEDED", "FAILED", "CANCELLED"])
    qid = uid()
    d = {"QueryExecution": {"QueryExecutionId": qid, "Query": q, "StatementType": "DDL" if q.startswith(("MSCK", "ALTER")) else "DML",
                            "ResultConfiguration": {"OutputLocation": "s3://lakeside-athena-results/%s.csv" % qid},
                            "QueryExecutionContext": {"Database": "ops_logs", "Catalog": "AwsDataCatalog"},
                            "Status": {"State": st, "SubmissionDateTime": iso_us(z="+00:00").replace("T", "T"), "CompletionDateTime": iso_us(T(ri(1, 90)), z="+00:00")},
                            "Statistics": {"EngineExecutionTimeInMillis": ri(100, 90000), "DataScannedInBytes": ri(0, 10**10), "TotalExecutionTimeInMillis": ri(100, 90000)},
                            "WorkGroup": ch(["primary", "ops-analysts"]), "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}}}
    J(b, d, sep=ch([(",", ":"), (", ", ": ")]))


# ---------------------------------------------------------------- azure
@tpl("azure_activity/activity_log", False)
def t_az_activity(b):
    sub = UID()
    rg = ch(["RG-EHR-PROD", "RG-INTEGRATION-PROD", "RG-PORTAL-PROD"])
    res = ch(["MICROSOFT.SQL/SERVERS/SQL-EHR-PROD-EUS2/DATABASES/EHRDB", "MICROSOFT.WEB/SITES/LAKESIDE-PORTAL-PROD",
              "MICROSOFT.KEYVAULT/VAULTS/KV-INTEG-PROD", "MICROSOFT.STORAGE/STORAGEACCOUNTS/STFAXINBOXPROD"])
    op = res.split("/")[0] + "/" + res.split("/")[1] + "/WRITE"
    d = {"time": iso_7(), "resourceId": "/SUBSCRIPTIONS/%s/RESOURCEGROUPS/%s/PROVIDERS/%s" % (sub, rg, res), "operationName": op,
         "category": "Administrative", "resultType": ch(["Success", "Start", "Failure"]), "resultSignature": ch(["Succeeded.OK", "Started.", "Failed.Conflict"]),
         "durationMs": str(ri(0, 90000)), "callerIpAddress": ch([server_ip(), "20.%d.%d.%d" % (ri(36, 127), ri(0, 255), ri(1, 254))]),
         "correlationId": uid(), "identity": {"authorization": {"scope": "/subscriptions/%s/resourceGroups/%s" % (sub.lower(), rg.lower()), "action": op.title()},
                                              "claims": {"appid": uid(), "http://schemas.microsoft.com/identity/claims/objectidentifier": uid(),
                                                         "idtyp": "app", "ver": "1.0"}},
         "level": "Information", "location": ch(["eastus2", "centralus"]),
         "properties": {"statusCode": ch(["OK", "Created", "Conflict"]), "serviceRequestId": uid(), "eventCategory": "Administrative",
                        "entity": "/subscriptions/%s/resourceGroups/%s/providers/%s" % (sub.lower(), rg, res.title()), "message": op.title(),
                        "hierarchy": "%s/%s" % (uid(), sub.lower())}}
    J(b, d)


@tpl("azure_monitor/appservice_http", True)
def t_az_http(b):
    p = person()
    ip = patient_ip()
    host = ch(PORTAL_HOSTS)
    k = ri(0, 2)
    m = mrn()
    if k == 0:
        stem, qry = S("/api/patients/", (m, "MRN"), "/statements"), S("acct=", (acct(), "ACCOUNT"), "&year=%d" % NOW.year)
    elif k == 1:
        stem, qry = "/api/eligibility/check", S("memberId=", (member_id(), "HEALTH_PLAN_ID"), "&dob=", (fd(p.dob, "iso"), "DATE"))
    else:
        stem, qry = S("/api/appointments/", (str(ri(1000000, 9999999)), "OTHER_ID"), "/confirm"), S("phone=", (p.phone, "PHONE"))
    props = {"CsHost": host, "CIp": (ip, "IP"), "SPort": "443", "CsUriStem": stem, "CsUriQuery": qry, "CsMethod": ch(["GET", "POST"]),
             "TimeTaken": ri(5, 4000), "ScStatus": ch(["200", "200", "302", "404", "500"]), "Result": "Success", "CsBytes": str(ri(200, 4000)),
             "ScBytes": str(ri(200, 90000)), "UserAgent": ua_browser(), "Cookie": "--", "CsUsername": "",
             "Referer": S(("https://%s/patients/%s/billing" % (host, m), "URL")) if rr() < 0.3 else "", "ComputerName": "RD%s" % HX(12)}
    J(b, {"time": iso_7(), "resourceId": "/SUBSCRIPTIONS/%s/RESOURCEGROUPS/RG-PORTAL-PROD/PROVIDERS/MICROSOFT.WEB/SITES/LAKESIDE-PORTAL-PROD" % UID(),
          "category": "AppServiceHTTPLogs", "properties": props})


# ---------------------------------------------------------------- lambda
@tpl("lambda/platform", False)
def t_lambda_platform(b):
    rid = uid()
    k = ri(0, 3)
    if k == 0:
        d = rr() * 3000
        b("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t" % (rid, d, int(d) + 1, ch([128, 256, 512, 1024]), ri(60, 120)))
        if rr() < 0.4:
            b("Init Duration: %.2f ms\t" % (rr() * 900 + 100))
        if rr() < 0.4:
            b("\\nXRAY TraceId: 1-%s-%s\tSegmentId: %s\tSampled: true\t" % (hx(8), hx(24), hx(16)))
    elif k == 1:
        b("START RequestId: %s Version: %s" % (rid, ch(["$LATEST", str(ri(1, 90))])))
    elif k == 2:
        b("END RequestId: %s" % rid)
    else:
        b("INIT_START Runtime Version: %s\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:%s" % (ch(["python:3.11.v29", "nodejs:20.v19", "java:17.v21"]), hx(64)))


@tpl("lambda/app_log", True)
def t_lambda_app(b):
    p = person()
    rid = uid()
    k = ri(0, 2)
    if k == 0:
        b("%s\t%s\tINFO\tProcessing eligibility request " % (iso_ms(), rid))
        J(b, {"memberId": (member_id(), "HEALTH_PLAN_ID"), "firstName": (p.first, "NAME"), "lastName": (p.last, "NAME"),
              "dob": (fd(p.dob, "iso"), "DATE"), "payerId": ch(PAYERS)[2]})
    elif k == 1:
        m = mrn()
        b("[INFO]\t%s\t%s\tReceived event: " % (iso_ms(), rid))
        J(b, {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": iso_ms(), "eventName": "ObjectCreated:Put",
                           "s3": {"bucket": {"name": "lakeside-fax-inbound", "arn": "arn:aws:s3:::lakeside-fax-inbound"},
                                  "object": {"key": S("inbound/referrals/", (m, "MRN"), "/referral-%s.pdf" % hx(8)), "size": ri(20000, 900000), "eTag": hx(32)}}}]},
          sep=(", ", ": "))
    else:
        b("%s\t%s\tERROR\tInvoke Error \t" % (iso_ms(), rid))
        J(b, {"errorType": "ValidationError", "errorMessage": S("USPS address validation failed for patient ", (mrn(), "MRN"), ": ", (p.street, "ADDRESS"), ", ",
                                                                (p.city, "ADDRESS"), " ", p.state, " ", (p.zip, "ZIP")),
              "stack": ["ValidationError: USPS address validation failed", "    at normalize (/var/task/index.js:42:11)"]})


# ---------------------------------------------------------------- api gateway
@tpl("apigw/access_json", True)
def t_apigw(b):
    ip = patient_ip()
    k = ri(0, 2)
    if k == 0:
        mid = member_id()
        d = {"requestId": uid(), "ip": (ip, "IP"), "caller": "-", "user": "-", "requestTime": clf(), "httpMethod": "GET",
             "resourcePath": "/members/{memberId}/eligibility", "status": ch(["200", "200", "404", "429"]), "protocol": "HTTP/1.1",
             "responseLength": str(ri(80, 4000)), "path": S("/prod/members/", (mid, "HEALTH_PLAN_ID"), "/eligibility")}
    elif k == 1:
        m = mrn()
        d = {"requestId": b62(14) + "=", "ip": (ip, "IP"), "requestTime": clf(), "httpMethod": "POST", "routeKey": "POST /v1/patients/{mrn}/messages",
             "status": "201", "protocol": "HTTP/1.1", "responseLength": str(ri(30, 400)), "path": S("/v1/patients/", (m, "MRN"), "/messages"),
             "integrationError": "-", "integrationLatency": str(ri(5, 900))}
    else:
        d = {"requestId": uid(), "ip": (ip, "IP"), "requestTime": clf(), "httpMethod": "GET", "resourcePath": "/claims/{claimNumber}",
             "status": "200", "protocol": "HTTP/1.1", "responseLength": str(ri(80, 4000)), "path": S("/prod/claims/", (claim_no(), "OTHER_ID")),
             "userAgent": ua_browser()}
    J(b, d)


# ---------------------------------------------------------------- step functions
@tpl("stepfunctions/execution_started", True)
def t_sfn(b):
    p = person()
    k = ri(0, 1)
    if k == 0:
        inp = {"claimId": (claim_no(), "OTHER_ID"), "memberId": (member_id(), "HEALTH_PLAN_ID"),
               "patient": {"name": (nm(p, "fl"), "NAME"), "dob": (fd(p.dob, "iso"), "DATE")},
               "serviceDate": (fd(svc_date(30), "iso"), "DATE"), "billedAmount": round(rr() * 900 + 50, 2)}
        typ = "ExecutionStarted"
        det = {"input": EJ(inp), "inputDetails": {"truncated": False}, "roleArn": "arn:aws:iam::123456789012:role/sfn-claims-exec"}
        sm = "ClaimAdjudication"
    else:
        out = {"mrn": (mrn(), "MRN"), "referral": {"to": ch([f[0] for f in FACILITIES]), "faxStatus": "SENT"},
               "patientPhone": (fphone(p.phone, "e164"), "PHONE")}
        typ = "TaskStateExited"
        det = {"name": "SendReferralFax", "output": EJ(out), "outputDetails": {"truncated": False}}
        sm = "ReferralRouting"
    d = {"id": str(ri(1, 40)), "type": typ, "details": det, "previous_event_id": "0", "event_timestamp": str(epoch_ms()),
         "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:%s:%s" % (sm, uid())}
    J(b, d)


@tpl("stepfunctions/execution_succeeded", False)
def t_sfn_ok(b):
    bid = NOW.strftime("%Y%m%d") + "-%02d00" % ri(0, 23)
    out = {"batchId": bid, "recordsProcessed": ri(100, 90000), "status": "COMPLETE", "startedAt": iso_ms(T(-900))}
    d = {"id": str(ri(10, 90)), "type": ch(["ExecutionSucceeded", "ExecutionSucceeded", "ExecutionTimedOut"]),
         "details": {"output": EJ(out), "outputDetails": {"truncated": False}}, "previous_event_id": str(ri(5, 80)),
         "event_timestamp": str(epoch_ms()), "execution_arn": "arn:aws:states:us-east-1:123456789012:execution:%s:%s" % (ch(["Nightly837Export", "EligibilityBatch"]), uid())}
    J(b, d)


# ---------------------------------------------------------------- eventbridge
@tpl("eventbridge/appointment_event", True)
def t_eb(b):
    p = person()
    c = clin()
    f = fac()
    ap = appt_dt()
    det = {"appointmentId": "APT-%07d" % ri(1, 9999999), "patient": {"mrn": (mrn(), "MRN"), "firstName": (p.first, "NAME"), "lastName": (p.last, "NAME"),
                                                                    "mobile": (fphone(p.phone, "e164"), "PHONE")},
           "start": (ap.strftime("%Y-%m-%dT%H:%M:%S") + ch(["-06:00", "-05:00", "Z"]), "DATE"), "durationMin": ch([15, 20, 30, 40, 60]),
           "provider": {"npi": (c.npi, "NPI"), "name": (nm(c, "fl"), "NAME")}, "location": f[0]}
    det["appointmentId"] = (det["appointmentId"], "OTHER_ID")
    d = {"version": "0", "id": uid(), "detail-type": ch(["AppointmentBooked", "AppointmentRescheduled", "AppointmentCancelled"]),
         "source": "com.lakeside.scheduling", "account": "123456789012", "time": iso_s(), "region": "us-east-1", "resources": [], "detail": det}
    J(b, d)


@tpl("eventbridge/scheduled_event", False)
def t_eb_sched(b):
    if rr() < 0.6:
        d = {"version": "0", "id": uid(), "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012", "time": iso_s(NOW.replace(minute=0, second=0)),
             "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/%s" % ch(["nightly-837-export", "hourly-fax-sweep", "daily-census"])], "detail": {}}
    else:
        d = {"version": "0", "id": uid(), "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", "account": "123456789012",
             "time": iso_s(), "region": "us-east-1", "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-%s" % hx(17)],
             "detail": {"instance-id": "i-%s" % hx(17), "state": ch(["running", "stopping", "terminated"])}}
    J(b, d)


# ---------------------------------------------------------------- stripe
@tpl("stripe/charge_webhook", True)
def t_stripe(b):
    p = person()
    kind, _ = card()
    dos = svc_date(40)
    bd = {"address": {"city": (p.city, "ADDRESS"), "country": "US", "line1": (p.street, "ADDRESS"), "line2": (p.unit, "ADDRESS") if p.unit else None,
                      "postal_code": (p.zip, "ZIP"), "state": p.state},
          "email": (p.email, "EMAIL"), "name": (nm(p, "fl"), "NAME"), "phone": (fphone(p.phone, "e164"), "PHONE") if rr() < 0.7 else None}
    obj = {"id": "ch_3O%s" % b62(22), "object": "charge", "amount": ri(500, 90000), "amount_captured": 0, "currency": "usd",
           "billing_details": bd, "captured": True, "description": S("Copay - visit ", (fd(dos, "us"), "DATE")),
           "metadata": {"patient_account": (acct(), "ACCOUNT"), "mrn": (mrn(), "MRN")},
           "payment_method_details": {"card": {"brand": kind if kind != "mc" else "mastercard", "last4": dg(4), "exp_month": ri(1, 12), "exp_year": ri(2024, 2030), "funding": "credit"}, "type": "card"},
           "receipt_email": (p.email, "EMAIL"), "status": "succeeded"}
    d = {"id": "evt_3O%s" % b62(22), "object": "event", "api_version": "2023-10-16", "created": epoch(), "data": {"object": obj},
         "livemode": True, "pending_webhooks": 1, "request": {"id": "req_%s" % b62(14), "idempotency_key": uid()}, "type": ch(["charge.succeeded", "charge.updated"])}
    J(b, d)


# ---------------------------------------------------------------- twilio
@tpl("twilio/sms_callback", True)
def t_twilio(b):
    p = person()
    to = "+1" + p.phone
    frm = "+1" + ch(["8445550100", "8885550142", "3125550100"])
    k = ri(0, 2)
    if k == 0:
        b('Started POST "/webhooks/twilio/sms-status" for %s at %s +0000' % (ch(["3.80.12.44", "54.172.60.%d" % ri(1, 254), "34.203.250.%d" % ri(1, 254)]), sp_s()))
        b(' | Parameters: {"SmsSid"=>"SM%s", "SmsStatus"=>"%s", "MessageStatus"=>"%s", "To"=>"' % ((hx(32),) + (ch(["delivered", "undelivered", "sent"]),) * 2),
          (to, "PHONE"), '", "MessageSid"=>"SM%s", "AccountSid"=>"AC%s", "From"=>"%s", "ApiVersion"=>"2010-04-01"}' % (hx(32), hx(32), frm))
    elif k == 1:
        b("%s INFO twilio.status body=AccountSid=AC%s&ApiVersion=2010-04-01&ErrorCode=%s&From=%s&MessageSid=SM%s&MessageStatus=%s&SmsSid=SM%s&SmsStatus=%s&To=" % (
            iso_ms(), hx(32), ch(["30003", "30005", "30007", ""]), uq(frm), hx(32), "undelivered", hx(32), "undelivered"), (uq(to), "PHONE"))
    else:
        body_pieces = ch([["C - ", (uq(nm(p, "fl"), True), "NAME"), "+", (uq(fd(p.dob, "us_nz_yy")), "DATE")],
                          ["Yes+confirm.+This+is+", (uq(p.first, True), "NAME"), "+DOB+", (uq(fd(p.dob, "us")), "DATE")],
                          ["Reschedule+please+my+new+number+is+", (fphone(p.phone2, "plain"), "PHONE")]])
        if body_pieces[0] == "C - ":
            body_pieces[0] = "C+-+"
        b("%s INFO twilio.inbound POST /webhooks/twilio/sms body=ToCountry=US&ToState=IL&SmsMessageSid=SM%s&NumMedia=0&SmsSid=SM%s&FromState=%s&SmsStatus=received&Body=" % (
            iso_ms(), hx(32), hx(32), p.state), body_pieces, "&FromCity=", (uq(U(p.city), True), "ADDRESS"), "&From=", (uq(to), "PHONE"),
          "&FromZip=", (p.zip, "ZIP"), "&To=%s&NumSegments=1&AccountSid=AC%s&ApiVersion=2010-04-01" % (uq(frm), hx(32)))


# ---------------------------------------------------------------- sendgrid
@tpl("sendgrid/event_webhook", True)
def t_sendgrid(b):
    p = person()
    evs = []
    for _ in range(ri(1, 2)):
        ev = ch(["processed", "delivered", "open", "bounce", "click"])
        e = {"email": (p.email, "EMAIL"), "timestamp": epoch() - ri(0, 60), "smtp-id": "<%s.%s@ismtpd-%d>" % (hx(11), hx(3), ri(1, 999)),
             "event": ev, "category": [ch(["statement", "appt-reminder", "portal-invite", "lab-ready"])], "sg_event_id": b62(22),
             "sg_message_id": "%s.filter%04d.%d.%s.0" % (b62(22), ri(1, 9999), ri(1000, 99999), HX(9))}
        if ev == "open" or ev == "click":
            e["useragent"] = ua_browser()
            e["ip"] = (patient_ip(), "IP")
        if ev == "click":
            e["url"] = "https://portal.lakesidehealth.org/login?utm_source=sendgrid&utm_campaign=%s" % ch(["statement", "lab-ready"])
        if ev == "bounce":
            e["reason"] = "550 5.1.1 The email account that you tried to reach does not exist."
            e["status"] = "5.1.1"
            e["type"] = "bounce"
        if rr() < 0.6:
            e["patient_account"] = (acct(), "ACCOUNT")
        evs.append(e)
    J(b, evs)


@tpl("sendgrid/system_mailbox", False)
def t_sendgrid_sys(b):
    e = {"email": ch(SYS_MAILS[:6]), "timestamp": epoch(), "smtp-id": "<%s.%s@ismtpd-%d>" % (hx(11), hx(3), ri(1, 999)),
         "event": ch(["processed", "delivered", "deferred", "dropped"]), "category": [ch(["pagerduty-digest", "nightly-report", "dmarc", "cert-expiry"])],
         "sg_event_id": b62(22), "sg_message_id": "%s.filter%04d.%d.%s.0" % (b62(22), ri(1, 9999), ri(1000, 99999), HX(9))}
    if e["event"] == "deferred":
        e["response"] = "451 4.7.1 Please try again later"
        e["attempt"] = str(ri(1, 5))
    if e["event"] == "dropped":
        e["reason"] = "Bounced Address"
    J(b, [e])


# ---------------------------------------------------------------- HL7 v2 helpers
def seg(name, fields):
    fields = list(fields)
    while fields and (fields[-1] == "" or fields[-1] is None or fields[-1] == []):
        fields.pop()
    out = [name]
    for f in fields:
        out.append("|")
        if isinstance(f, list):
            out.extend(f)
        elif f is None:
            pass
        else:
            out.append(f)
    return out


def ctl_id():
    return ch(["MSG%08d" % ri(1, 99999999), dg(12), "%s%s" % (NOW.strftime("%Y%m%d%H%M%S"), dg(4)), HX(16)])


def msh(typ, sa, ra, ver="2.5.1", fcode=None):
    fcode = fcode or ch(FACILITIES)[1]
    return "MSH|^~\\&|%s|%s|%s|%s|%s||%s|%s|P|%s" % (sa, fcode, ra, fcode, hl7ts(), typ, ctl_id(), ver)


def xcn(c, with_npi=True, deg=True):
    name = U(c.last) + "^" + U(c.first)
    mid = c.mi and rr() < 0.4
    if mid:
        name += "^" + c.mi
    items = []
    if with_npi:
        items += [(c.npi, "NPI"), "^"]
    else:
        items += [str(ri(1000, 99999)), "^"]
    items.append((name, "NAME"))
    d = c.cred.split("-")[0] if deg else ""
    if d:
        items.append(("^^^" if mid else "^^^^") + d)
    if with_npi and rr() < 0.4:
        items.append(("" if d else ("^^^" if mid else "^^^^")) + "^^NPI")
    return items


RACES = ["2106-3^White^CDCREC", "2054-5^Black or African American^CDCREC", "2028-9^Asian^CDCREC", "2131-1^Other Race^CDCREC", ""]


def hl7_addr(p, up=None):
    up = rr() < 0.5 if up is None else up
    f = (lambda s: U(s)) if up else (lambda s: s)
    items = [(f(p.street), "ADDRESS"), "^"]
    if p.unit:
        items.append((f(p.unit), "ADDRESS"))
    items += ["^", (f(p.city), "ADDRESS"), "^%s^" % p.state, ((p.zip + "-" + p.zip4) if rr() < 0.2 else p.zip, "ZIP"), "^USA^H"]
    return items


def pid_seg(p, m, fcode, ssn_=False, acct_=None, phone=True, addr=True, email=False, dl_=False, maiden=False, fax=False, ssn_rep=False):
    F = [""] * 20
    F[0] = "1"
    F[2] = [(m, "MRN"), "^^^%s^MR" % fcode]
    if ssn_rep:
        F[2] += ["~", (p.ssn, "SSN"), "^^^SSA^SS"]
    F[4] = [(nm(p, "hl7"), "NAME"), "^^^^L" if p.mi else "^^^^^L"]
    if maiden:
        F[5] = [(U(ch(SUR[ch(ORIGINS)])), "NAME")]
    F[6] = [(fd(p.dob, "compact"), "DATE")]
    F[7] = p.sex
    F[9] = ch(RACES)
    if addr:
        F[10] = hl7_addr(p)
    if phone:
        F[12] = [(fphone(p.phone, ch(["paren_nospace", "dash", "plain", "paren"])), "PHONE"), "^PRN^PH"]
        if email:
            F[12] += ["~^NET^Internet^", (p.email, "EMAIL")]
        if fax:
            F[12] += ["~", (fphone(p.phone2, "paren_nospace"), "FAX"), "^PRN^FX"]
    F[14] = ch(["eng^English^HL70296", "spa^Spanish^HL70296", "vie^Vietnamese^HL70296", ""])
    F[15] = ch(["M", "S", "W", "D", ""])
    if acct_:
        F[17] = [(acct_, "ACCOUNT"), "^^^%s^AN" % fcode]
    if ssn_:
        F[18] = [(fssn(p.ssn, ch(["plain", "dash"])), "SSN")]
    if dl_:
        F[19] = [(dl(p.state), "LICENSE"), "^%s" % p.state]
    return seg("PID", F)


def pv1_seg(cls, loc, att, visit=None, admit=None, disch=None, svc="MED"):
    F = [""] * 45
    F[0] = "1"
    F[1] = cls
    F[2] = loc
    F[6] = xcn(att)
    F[9] = svc
    if visit:
        F[18] = [(visit, "OTHER_ID")]
    if admit:
        F[43] = [(admit, "DATE")]
    if disch:
        F[44] = [(disch, "DATE")]
    return seg("PV1", F)


def hl7_emit(b, segs, prefix=None):
    sep = ch(["\\r", "\\r", "\\r", "<CR>", "\\n", "\\x0d"])
    if prefix is None:
        prefix = ch(["", "", "Inbound HL7: ",
                     "%s INFO  [mllp-listener-%d] RECV %d bytes from %s:%d: " % (iso_ms(), ri(1, 8), ri(400, 4000), server_ip(), ri(30000, 65000)),
                     "[%s] DEBUG hl7.router - message=" % sp_ms(sep=",")])
    b(prefix)
    mllp = rr() < 0.15
    if mllp:
        b("<VT>")
    for i, sg in enumerate(segs):
        if i:
            b(sep)
        b(sg)
    if mllp:
        b("<FS><CR>")


def loc(fcode):
    return "%s^%s^%s^%s" % (ch(["4W", "5E", "ICU", "ED", "3N", "L&D"]), ri(100, 599), ch("ABCD"), fcode)


# ---------------------------------------------------------------- mirth / rhapsody
CHANNELS = ["ADT_Inbound", "Lab_Results_Out", "ORM_To_PACS", "Epic_ADT_Normalizer", "RDE_To_Pyxis", "CCD_Export", "Fax_To_HL7"]


def mirth_prefix(lvl, thread=None, logger=None):
    ch_ = ch(CHANNELS)
    thread = thread or "%s %s Thread %d" % (ch_, ch(["JavaScript Transformer", "Source: JavaScript Reader", "Destination 1", "Filter"]), ri(1, 4))
    return "%-5s %s [%s] %s: " % (lvl, sp_ms(sep=","), thread, logger or ch(["transformer", "filter", "js-connector", "preprocessor"]))


@tpl("mirth/channel_log", True)
def t_mirth(b):
    p = person()
    m = mrn()
    k = ri(0, 3)
    b(mirth_prefix("INFO"))
    if k == 0:
        b("MRN ", (m, "MRN"), " ", (nm(p, "hl7"), "NAME"), " DOB ", (fd(p.dob, "compact"), "DATE"), " -> routed to %s" % ch(["EPIC_ADT", "CERNER_ADT", "EMPI_FEED"]))
    elif k == 1:
        b("skipping duplicate ORU for accession ", (accession(), "OTHER_ID"), " (", (nm(p, "LF"), "NAME"), ")")
    elif k == 2:
        url = "https://fhir.lakeside.local/r4/Patient/%s" % m
        b("Posted patient ", (m, "MRN"), " to ", (url, "URL"), " status=%d" % ch([200, 201, 412]))
    else:
        adm = svc_dt(5)
        b("Patient ", (nm(p, "LF"), "NAME"), " acct ", (acct(), "ACCOUNT"), " admitted ", (adm.strftime("%Y%m%d%H%M"), "DATE"), " to %s" % loc("LRMC").replace("^", "-"))


@tpl("mirth/error_raw", True)
def t_mirth_err(b):
    p = person()
    c = clin()
    fcode = fac()[1]
    b("ERROR %s [%s Destination 1 Thread 1] com.mirth.connect.connectors.tcp.TcpDispatcher: Error sending message (TCP Sender \"To LIS\" on channel %s). java.net.SocketTimeoutException: Read timed out RAW: " % (
        sp_ms(sep=","), ch(CHANNELS), uid()))
    segs = [msh("ORU^R01^ORU_R01", "LIS", "EPIC", fcode=fcode).split("\x00"), pid_seg(p, mrn(), fcode, acct_=acct() if rr() < 0.5 else None)]
    lab = ch(LABS)
    coll = svc_dt(3)
    segs.append(seg("OBR", ["1", [(order_no(), "OTHER_ID"), "^EPIC"], [(accession(), "OTHER_ID"), "^LAB"], "%s^%s^LN" % (lab[0], lab[1]), "", "",
                            [(coll.strftime("%Y%m%d%H%M"), "DATE")], "", "", "", "", "", "", "", "", xcn(c)]))
    lo, hi = lab[4]
    segs.append(seg("OBX", ["1", "NM", "%s^%s^LN" % (lab[0], lab[1]), "", "%.1f" % (lo + rr() * (hi - lo)), lab[2], lab[3], ch(["N", "H", "L", ""]), "", "", "F"]))
    hl7_emit(b, segs, prefix="")


@tpl("mirth/deployed", False)
def t_mirth_dep(b):
    k = ri(0, 3)
    chn = ch(CHANNELS)
    if k == 0:
        b("INFO  %s [Main Server Thread] com.mirth.connect.server.controllers.DonkeyEngineController: Channel %s (%s) deployed in %dms" % (sp_ms(sep=","), chn, uid(), ri(40, 4000)))
    elif k == 1:
        b("INFO  %s [Main Server Thread] com.mirth.connect.server.Mirth: Mirth Connect 4.4.%d (Built on %s) server successfully started." % (
            sp_ms(sep=","), ri(0, 2), ch(["August 15, 2023", "January 9, 2024"])))
    elif k == 2:
        b("WARN  %s [%s Queue Thread] com.mirth.connect.donkey.server.queue.DestinationQueue: Channel %s has %d queued messages on destination 1" % (sp_ms(sep=","), chn, chn, ri(1, 9000)))
    else:
        b("INFO  %s [pool-%d-thread-%d] com.mirth.connect.server.controllers.DefaultChannelController: Pruned %d messages from channel %s older than 30 days" % (
            sp_ms(sep=","), ri(1, 9), ri(1, 9), ri(100, 900000), chn))


@tpl("rhapsody/route", False)
def t_rhapsody(b):
    k = ri(0, 3)
    pre = "%s %-5s [%s] " % (sp_ms(sep=","), ch(["INFO", "WARN"]), ch(["Route Thread %d" % ri(1, 12), "Comms Point Monitor", "Engine"]))
    if k == 0:
        b(pre, "Route '%s' processed message %d from input '%s' in %dms" % (ch(["ADT Normalise", "ORU Split", "SIU to FHIR"]), ri(10**6, 10**8), ch(["Epic ADT In", "Lab TCP In"]), ri(1, 900)))
    elif k == 1:
        b(pre, "Communication point '%s' state changed from %s to %s" % (ch(["LIS TCP Out", "PACS HL7 Out", "HIE SOAP Out"]), "STARTING", ch(["RUNNING", "ERROR"])))
    elif k == 2:
        b(pre, "Message %d moved to Error Queue: filter 'Reject test facility' returned false (MSH-4=%s)" % (ri(10**6, 10**8), ch(["TESTLAB", "ZZTEST"])))
    else:
        b(pre, "Engine stats: %d messages/min, %d in error queue, %d in held queue, heap %d MB/%d MB" % (ri(10, 9000), ri(0, 90), ri(0, 40), ri(500, 4000), 4096))


# ---------------------------------------------------------------- HL7 messages
@tpl("hl7_order/oml_o21", True)
def t_oml(b):
    p = person()
    c = clin()
    f = fac()
    plc = order_no()
    cpt = ch(CPTS)
    segs = [[msh("OML^O21^OML_O21", "EPIC", "SUNQUEST", fcode=f[1])], pid_seg(p, mrn(), f[1], acct_=acct() if rr() < 0.4 else None, email=rr() < 0.2, fax=rr() < 0.2),
            pv1_seg("O", "%s^^^%s" % (ch(["FMCLINIC", "CARDIO", "WPFM"]), f[1]), c, visit=visit_no() if rr() < 0.7 else None),
            seg("ORC", ["NW", [(plc, "OTHER_ID"), "^EPIC"], "", "", "", "", "", "", "", "", "", xcn(c)])]
    obs = svc_dt(0, 3)
    segs.append(seg("OBR", ["1", [(plc, "OTHER_ID"), "^EPIC"], "", "%s^%s^CPT" % cpt, ch(["R", "S"]), "", [(obs.strftime("%Y%m%d%H%M%S"), "DATE")],
                            "", "", "", ch(["L", "O"]), "", ch(["", "r/o DKA", "annual labs", "CHF f/u"]), "", "", xcn(c)]))
    if rr() < 0.5:
        cd = ch(CONDS)
        segs.append(seg("DG1", ["1", "", "%s^%s^I10" % (cd[2], cd[1])]))
    hl7_emit(b, segs)


@tpl("hl7_order/rde_o11", True)
def t_rde(b):
    p = person()
    c = clin()
    ph = clin()
    f = fac()
    drug = ch(DRUGS)
    plc = order_no()
    written = svc_dt(2)
    segs = [[msh("RDE^O11^RDE_O11", "EPIC", ch(["PYXIS", "OMNICELL", "WILLOW"]), fcode=f[1])], pid_seg(p, mrn(), f[1], phone=rr() < 0.5),
            seg("ORC", ["NW", [(plc, "OTHER_ID"), "^EPIC"], "", "", "", "", "", "", [(written.strftime("%Y%m%d%H%M%S"), "DATE")], "", "", xcn(c)])]
    rxe = [""] * 15
    rxe[0] = "1^%s^HL70335" % ch(["BID", "DAILY", "TID", "Q6H", "QHS"])
    rxe[1] = "%s^%s^NDC" % (drug[1], drug[0])
    rxe[2] = str(ch([1, 1, 2, 5, 10]))
    rxe[4] = ch(["TAB", "mg", "CAP", "PUFF", "UNIT"])
    rxe[6] = ch(["Take 1 tablet by mouth twice daily with meals", "Take 1 tablet by mouth daily", "Inhale 2 puffs every 6 hours as needed"])
    rxe[8] = "G"
    rxe[9] = str(ch([30, 60, 90]))
    rxe[11] = str(ri(0, 5))
    rxe[12] = [(c.dea, "LICENSE")]
    rxe[13] = [str(ri(1000, 99999)), "^", (U(ph.last) + "^" + U(ph.first), "NAME"), "^^^^RPH"]
    rxe[14] = [(rx_no(), "OTHER_ID")]
    segs.append(seg("RXE", rxe))
    segs.append(["RXR|PO^Oral^HL70162"])
    hl7_emit(b, segs)


@tpl("hl7_lab/oul_r22", True)
def t_oul(b):
    p = person()
    c = clin()
    f = fac()
    coll = svc_dt(4)
    recv = coll + _dt.timedelta(minutes=ri(10, 180))
    spm = [""] * 18
    spm[0] = "1"
    spm[1] = [(accession(), "OTHER_ID"), "^LAB"]
    spm[3] = ch(["BLD^Blood^HL70487", "SER^Serum^HL70487", "UR^Urine^HL70487"])
    spm[16] = [(coll.strftime("%Y%m%d%H%M%S"), "DATE")]
    spm[17] = [(recv.strftime("%Y%m%d%H%M%S"), "DATE")]
    segs = [[msh("OUL^R22^OUL_R22", "SUNQUEST", "EPIC", fcode=f[1])], pid_seg(p, mrn(), f[1], phone=rr() < 0.4, addr=rr() < 0.5), seg("SPM", spm)]
    lab = ch(LABS)
    segs.append(seg("OBR", ["1", [(order_no(), "OTHER_ID"), "^EPIC"], "", "%s^%s^LN" % (lab[0], lab[1]), "", "", [(coll.strftime("%Y%m%d%H%M%S"), "DATE")],
                            "", "", "", "", "", "", "", "", xcn(c)]))
    for i in range(ri(1, 3)):
        lab = ch(LABS)
        lo, hi = lab[4]
        obx = ["%d" % (i + 1), "NM", "%s^%s^LN" % (lab[0], lab[1]), "", "%.1f" % (lo + rr() * (hi - lo)), lab[2], lab[3], ch(["N", "H", "L", ""]), "", "", "F", "", "",
               [(recv.strftime("%Y%m%d%H%M"), "DATE")]]
        if rr() < 0.3:
            tech = clin()
            obx += ["", [str(ri(1000, 9999)), "^", (U(tech.last) + "^" + U(tech.first), "NAME"), "^^^^MLS"]]
        segs.append(seg("OBX", obx))
    hl7_emit(b, segs)


@tpl("hl7_adt_merge/a40", True)
def t_a40(b):
    p = person()
    f = fac()
    clerk = clin()
    evn = ["A40", hl7ts(), "", "", ""]
    if rr() < 0.6:
        evn[4] = [str(ri(1000, 9999)), "^", (U(clerk.last) + "^" + U(clerk.first), "NAME")]
    else:
        evn[4] = ch(["REGCLK12", "HIMMERGE", "EMPI_AUTO"])
    prior = mrn()
    segs = [[msh("ADT^A40^ADT_A39", "EPIC", "EMPI", fcode=f[1])], seg("EVN", evn), pid_seg(p, mrn(), f[1], ssn_=rr() < 0.4, acct_=acct() if rr() < 0.5 else None)]
    if rr() < 0.4:
        segs.append(["PD1|||%s^^%s" % (f[0], f[1])])
    mrg = [[(prior, "MRN"), "^^^%s^MR" % f[1]], "", [(acct(), "ACCOUNT")] if rr() < 0.6 else "", "", "", ""]
    if rr() < 0.7:
        mrg.append([(nm(p, ch(["hl7", "hl7_2"])), "NAME")])
    segs.append(seg("MRG", mrg))
    hl7_emit(b, segs)


@tpl("hl7_fin/bar_p01", True)
def t_bar(b):
    p = person()
    g = person(sex="M" if p.sex == "F" else "F")
    g.last = p.last
    c = clin()
    f = fac()
    a = acct()
    adm = svc_dt(30)
    dis = adm + _dt.timedelta(days=ri(1, 9), hours=ri(1, 8))
    segs = [[msh("BAR^P01^BAR_P01", "EPIC", "SOARIAN", fcode=f[1])], ["EVN|P01|%s" % hl7ts()],
            pid_seg(p, mrn(), f[1], ssn_=True, acct_=a, dl_=rr() < 0.3),
            pv1_seg("I", loc(f[1]), c, visit=visit_no(), admit=adm.strftime("%Y%m%d%H%M"), disch=dis.strftime("%Y%m%d%H%M"))]
    selfins = rr() < 0.5
    ins = p if selfins else g
    gt = ["1", [(ch(["G", ""]) + dg(8), "ACCOUNT")], [(nm(g, "hl7"), "NAME")], "", hl7_addr(p, up=True),
          [(fphone(g.phone, "paren_nospace"), "PHONE")], "", [(fd(g.dob, "compact"), "DATE")], g.sex, "P", "SPO^Spouse^HL70063", [(g.ssn, "SSN")]]
    segs.append(seg("GT1", gt))
    pay = ch(PAYERS)
    in1 = [""] * 36
    in1[0] = "1"
    in1[1] = "%sPPO^%s PPO" % (pay[1], pay[1])
    in1[2] = pay[2]
    in1[3] = U(pay[0])
    pf = fac()
    in1[4] = "PO BOX %d^^%s^%s^%s" % (ri(100, 99999), U(pf[3]), pf[4], pf[5])
    in1[6] = fphone("800555" + dg(4), "paren_nospace")
    in1[7] = "GRP%05d" % ri(1, 99999)
    in1[8] = ch(["ACME CORP", "CITY OF CHICAGO", "STATE EMPLOYEES", "LAKESIDE HEALTH EMPLOYEES"])
    in1[11] = [(fd(_dt.date(NOW.year, 1, 1), "compact"), "DATE")]
    in1[12] = [(fd(_dt.date(NOW.year, 12, 31), "compact"), "DATE")] if rr() < 0.5 else ""
    in1[15] = [(nm(ins, "hl7"), "NAME")]
    in1[16] = "SEL^Self^HL70063" if selfins else "SPO^Spouse^HL70063"
    in1[17] = [(fd(ins.dob, "compact"), "DATE")]
    in1[35] = [(member_id(pay[1]), "HEALTH_PLAN_ID")]
    segs.append(seg("IN1", in1))
    hl7_emit(b, segs)


@tpl("hl7_query/qbp_q22", True)
def t_qbp(b):
    p = person()
    f = fac()
    qt = "Q%d" % ri(10000, 99999999)
    if rr() < 0.6:
        qpd = ["IHE PDQ Query^IHE PDQ Query^IHE", qt,
               ["@PID.5.1.1^", (U(p.last), "NAME"), "~@PID.5.2^", (U(p.first), "NAME"), "~@PID.7^", (fd(p.dob, "compact"), "DATE"), "~@PID.8^%s" % p.sex] +
               (["~@PID.11.5^", (p.zip, "ZIP")] if rr() < 0.5 else [])]
    else:
        qpd = ["IHE PDQ Query^IHE PDQ Query^IHE", qt, ["@PID.3.1^", (mrn(), "MRN"), "~@PID.3.4.2^1.2.840.114350.1.13.48.2.7.5.737384.14~@PID.3.4.3^ISO"]]
    if rr() < 0.55:
        segs = [[msh("QBP^Q22^QBP_Q21", "PORTAL", "EMPI", ver="2.5", fcode=f[1])], seg("QPD", qpd), ["RCP|I|%d^RD" % ch([1, 5, 10])]]
    else:
        segs = [[msh("RSP^K22^RSP_K21", "EMPI", "PORTAL", ver="2.5", fcode=f[1])], ["MSA|AA|%s" % ctl_id()], ["QAK|%s|OK|IHE PDQ Query^IHE PDQ Query^IHE|1|1|0" % qt],
                seg("QPD", qpd), pid_seg(p, mrn(), f[1], email=rr() < 0.3)]
    hl7_emit(b, segs)


@tpl("hl7_ack/ack", False)
def t_ack(b):
    f = fac()
    code = ch(["AA", "AA", "AA", "AE", "AR"])
    trig = ch(["A01", "A04", "A08", "R01", "O21", "S12"])
    segs = [[msh("ACK^%s^ACK" % trig, ch(["LIS", "EMPI", "PACS"]), "EPIC", fcode=f[1])], ["MSA|%s|%s" % (code, ctl_id())]]
    if code != "AA":
        segs.append(["ERR|^^^%s|%s|%s" % (ch(["207&Application internal error&HL70357", "101&Required field missing&HL70357", "102&Data type error&HL70357"]),
                                          ch(["PID^1^7", "OBR^1^4", ""]), "E")])
    hl7_emit(b, segs)


# ---------------------------------------------------------------- X12
def isa(snd, rcv, ctl):
    return "ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*%s*%s*^*00501*%09d*0*P*:~" % (snd, rcv, NOW.strftime("%y%m%d"), NOW.strftime("%H%M"), ctl)


def x12_name(p, qual, idq, idv, idt):
    n = nm(p, "x12")
    items = ["NM1*%s*1*" % qual, (n, "NAME"), ("***" if p.mi else "****") + idq + "*", (idv, idt), "~"]
    return items


@tpl("x12_elig/270", True)
def t_270(b):
    p = person()
    c = clin()
    pay = ch(PAYERS)
    ctl = ri(1, 999999999)
    snd = ch(["LAKESIDE", "NSFC01", "RCHC"])
    body = [["ST*270*0001*005010X279A1~"], ["BHT*0022*13*%s*%s*%s~" % (dg(9), NOW.strftime("%Y%m%d"), NOW.strftime("%H%M"))],
            ["HL*1**20*1~"], ["NM1*PR*2*%s*****PI*%s~" % (U(pay[0]), pay[2])], ["HL*2*1*21*1~"], x12_name(c, "1P", "XX", c.npi, "NPI"),
            ["HL*3*2*22*0~"], ["TRN*1*%s-%s*9%s~" % (dg(5), dg(6), dg(9))], x12_name(p, "IL", "MI", member_id(pay[1]), "HEALTH_PLAN_ID"),
            ["DMG*D8*", (fd(p.dob, "compact"), "DATE"), "*%s~" % p.sex], ["DTP*291*D8*", (fd(svc_date(0, 14), "compact"), "DATE"), "~"],
            ["EQ*%s~" % ch(["30", "30", "1", "33", "47", "98"])]]
    pre = ch(["", "", "%s INFO  [x12-gateway] outbound 270 -> %s: " % (iso_ms(), pay[1])])
    b(pre, isa(snd, "CLEARHOUSE", ctl), "GS*HS*%s*CLEARHOUSE*%s*%s*%d*X*005010X279A1~" % (snd, NOW.strftime("%Y%m%d"), NOW.strftime("%H%M"), ctl % 100000))
    for s in body:
        b(s)
    b("SE*%d*0001~GE*1*%d~IEA*1*%09d~" % (len(body) + 1, ctl % 100000, ctl))


@tpl("x12_elig/271", True)
def t_271(b):
    p = person()
    c = clin()
    pay = ch(PAYERS)
    ctl = ri(1, 999999999)
    rcv = ch(["LAKESIDE", "NSFC01", "RCHC"])
    up = lambda s: U(s)
    body = [["ST*271*0001*005010X279A1~"], ["BHT*0022*11*%s*%s*%s~" % (dg(9), NOW.strftime("%Y%m%d"), NOW.strftime("%H%M"))],
            ["HL*1**20*1~"], ["NM1*PR*2*%s*****PI*%s~" % (U(pay[0]), pay[2])], ["HL*2*1*21*1~"], x12_name(c, "1P", "XX", c.npi, "NPI"),
            ["HL*3*2*22*0~"], ["TRN*2*%s-%s*9%s~" % (dg(5), dg(6), dg(9))], x12_name(p, "IL", "MI", member_id(pay[1]), "HEALTH_PLAN_ID")]
    n3 = ["N3*", (up(p.street), "ADDRESS")]
    if p.unit:
        n3 += ["*", (up(p.unit), "ADDRESS")]
    body.append(n3 + ["~"])
    body.append(["N4*", (up(p.city), "ADDRESS"), "*%s*" % p.state, (p.zip + (p.zip4 if rr() < 0.6 else ""), "ZIP"), "~"])
    body.append(["DMG*D8*", (fd(p.dob, "compact"), "DATE"), "*%s~" % p.sex])
    body.append(["DTP*346*D8*", (fd(_dt.date(NOW.year, ch([1, 1, 1, 4, 7]), 1), "compact"), "DATE"), "~"])
    body.append(["EB*1*IND*30**%s~" % ch(["PPO PLUS", "HMO SELECT", "MEDICARE PART B", "CHOICE POS II"])])
    body.append(["EB*C*IND*30***23*%d~" % ch([500, 1000, 1500, 3000])])
    body.append(["EB*B*IND*98***27*%d*****Y~" % ch([20, 25, 30, 40])])
    if rr() < 0.4:
        body.append(["MSG*%s~" % ch(["PLAN REQUIRES REFERRAL FOR SPECIALIST", "CALL 1-800-555-0101 FOR PRIOR AUTH"])])
    b(isa("CLEARHOUSE", rcv, ctl), "GS*HB*CLEARHOUSE*%s*%s*%s*%d*X*005010X279A1~" % (rcv, NOW.strftime("%Y%m%d"), NOW.strftime("%H%M"), ctl % 100000))
    for s in body:
        b(s)
    b("SE*%d*0001~GE*1*%d~IEA*1*%09d~" % (len(body) + 1, ctl % 100000, ctl))


@tpl("x12_envelope/ta1", False)
def t_ta1(b):
    ctl = ri(1, 999999999)
    k = ri(0, 1)
    if k == 0:
        b(isa("CLEARHOUSE", "LAKESIDE", ri(1, 999999999)), "TA1*%09d*%s*%s*%s*%s~IEA*0*%09d~" % (
            ctl, NOW.strftime("%y%m%d"), NOW.strftime("%H%M"), ch(["A", "A", "E", "R"]), ch(["000", "000", "006", "022"]), ctl))
    else:
        b("%s INFO  [x12-gateway] interchange %09d from %s accepted (TA1 A/000): %d functional groups, %d transaction sets, %d bytes" % (
            iso_ms(), ctl, ch(["CLEARHOUSE", "AVAILITY", "OPTUM"]), ri(1, 4), ri(1, 900), ri(1000, 9000000)))


# ---------------------------------------------------------------- NCPDP SCRIPT
def ncpdp_header(to_q, frm_q, extra=""):
    return "<Header><To Qualifier=\"%s\">%s</To><From Qualifier=\"%s\">%s</From><MessageID>%s</MessageID>%s<SentTime>%s</SentTime>" % (
        to_q, dg(7), frm_q, dg(7), hx(32), extra, iso_ms()[:-2] + "Z")


def ncpdp_patient(b, p):
    b("<Patient><HumanPatient><Name><LastName>", (xe(p.last), "NAME"), "</LastName><FirstName>", (xe(p.first), "NAME"), "</FirstName>")
    if p.middle and rr() < 0.4:
        b("<MiddleName>", (p.middle, "NAME"), "</MiddleName>")
    b("</Name><Gender>%s</Gender><DateOfBirth><Date>" % p.sex, (fd(p.dob, "iso"), "DATE"), "</Date></DateOfBirth>")
    if rr() < 0.8:
        b("<Address><AddressLine1>", (xe(p.street), "ADDRESS"), "</AddressLine1>")
        if p.unit:
            b("<AddressLine2>", (p.unit, "ADDRESS"), "</AddressLine2>")
        b("<City>", (xe(p.city), "ADDRESS"), "</City><StateProvince>%s</StateProvince><PostalCode>" % p.state, (p.zip, "ZIP"), "</PostalCode><CountryCode>US</CountryCode></Address>")
    if rr() < 0.7:
        b("<CommunicationNumbers><PrimaryTelephone><Number>", (p.phone, "PHONE"), "</Number></PrimaryTelephone></CommunicationNumbers>")
    b("</HumanPatient></Patient>")


def ncpdp_prescriber(b, c):
    b("<Prescriber><NonVeterinarian><Identification><NPI>", (c.npi, "NPI"), "</NPI>")
    if rr() < 0.7:
        b("<DEANumber>", (c.dea, "LICENSE"), "</DEANumber>")
    b("</Identification><Name><LastName>", (xe(c.last), "NAME"), "</LastName><FirstName>", (xe(c.first), "NAME"), "</FirstName></Name>")
    f = fac()
    b("<Address><AddressLine1>%s</AddressLine1><City>%s</City><StateProvince>%s</StateProvince><PostalCode>%s</PostalCode><CountryCode>US</CountryCode></Address>" % (
        xe(f[2]), xe(f[3]), f[4], f[5]))
    b("<CommunicationNumbers><PrimaryTelephone><Number>%s</Number></PrimaryTelephone></CommunicationNumbers></NonVeterinarian></Prescriber>" % f[6])


def ncpdp_pharmacy(b):
    ph = ch(PHARMACIES)
    b("<Pharmacy><Identification><NCPDPID>%s</NCPDPID></Identification><BusinessName>%s</BusinessName></Pharmacy>" % (dg(7), xe(ph)))


MSG_OPEN = '<Message DatatypesVersion="20170715" TransportVersion="20170715" TransactionDomain="SCRIPT" TransactionVersion="20170715" StructuresVersion="20170715" ECLVersion="20170715">'


@tpl("ncpdp_script/newrx", True)
def t_newrx(b):
    p = person()
    c = clin()
    drug = ch(DRUGS)
    b(ch(["", "", "%s DEBUG [surescripts-out] POST /ncpdp/script body=" % iso_ms()]))
    b(MSG_OPEN, ncpdp_header("P", "C", ""), "<PrescriberOrderNumber>", (order_no(), "OTHER_ID"), "</PrescriberOrderNumber></Header><Body><NewRx>")
    ncpdp_pharmacy(b)
    ncpdp_patient(b, p)
    ncpdp_prescriber(b, c)
    b("<MedicationPrescribed><DrugDescription>%s</DrugDescription><DrugCoded><ProductCode><Code>%s</Code><Qualifier>ND</Qualifier></ProductCode></DrugCoded>" % (drug[0], drug[1]))
    b("<Quantity><Value>%d</Value><CodeListQualifier>38</CodeListQualifier><QuantityUnitOfMeasure><Code>C48542</Code></QuantityUnitOfMeasure></Quantity>" % ch([30, 60, 90]))
    b("<WrittenDate><Date>", (fd(svc_date(1), "iso"), "DATE"), "</Date></WrittenDate><Substitutions>0</Substitutions><NumberOfRefills>%d</NumberOfRefills>" % ri(0, 5))
    b("<Sig><SigText>%s</SigText></Sig></MedicationPrescribed></NewRx></Body></Message>" % ch(["Take 1 tablet by mouth daily", "Take 1 tablet by mouth twice daily", "Inhale 2 puffs q4-6h prn wheeze"]))


@tpl("ncpdp_script/rxfill", True)
def t_rxfill(b):
    p = person()
    c = clin()
    rph = clin()
    drug = ch(DRUGS)
    w = svc_date(30)
    fill = w + _dt.timedelta(days=ri(0, 5))
    b(MSG_OPEN, ncpdp_header("C", "P", "<RelatesToMessageID>%s</RelatesToMessageID>" % hx(32)), "<RxReferenceNumber>", (rx_no(), "OTHER_ID"),
      "</RxReferenceNumber><PrescriberOrderNumber>", (order_no(), "OTHER_ID"), "</PrescriberOrderNumber></Header><Body><RxFill>")
    b("<FillStatus><%s/></FillStatus>" % ch(["Dispensed", "PartiallyDispensed", "NotDispensed"]))
    ncpdp_patient(b, p)
    ncpdp_pharmacy(b)
    if rr() < 0.5:
        b("<Pharmacist><Name><LastName>", (xe(rph.last), "NAME"), "</LastName><FirstName>", (xe(rph.first), "NAME"), "</FirstName></Name></Pharmacist>")
    ncpdp_prescriber(b, c)
    b("<MedicationDispensed><DrugDescription>%s</DrugDescription><DrugCoded><ProductCode><Code>%s</Code><Qualifier>ND</Qualifier></ProductCode></DrugCoded>" % (drug[0], drug[1]))
    b("<Quantity><Value>%d</Value></Quantity><DaysSupply>%d</DaysSupply><WrittenDate><Date>" % (ch([30, 60, 90]), ch([30, 90])), (fd(w, "iso"), "DATE"),
      "</Date></WrittenDate><LastFillDate><Date>", (fd(fill, "iso"), "DATE"), "</Date></LastFillDate></MedicationDispensed></RxFill></Body></Message>")


@tpl("ncpdp_script/status", False)
def t_ncpdp_status(b):
    k = ri(0, 2)
    b(MSG_OPEN, ncpdp_header("C", ch(["P", "ZZZ"]), "<RelatesToMessageID>%s</RelatesToMessageID>" % hx(32)), "</Header><Body>")
    if k == 0:
        b("<Status><Code>%s</Code></Status>" % ch(["000", "010"]))
    elif k == 1:
        b("<Verify><VerifyStatus><Code>010</Code></VerifyStatus></Verify>")
    else:
        b("<Error><Code>%s</Code><DescriptionCode>%s</DescriptionCode><Description>%s</Description></Error>" % (
            ch(["600", "601", "900"]), ch(["008", "220", "1000"]), ch(["Communication problem - try again later", "Receiver unable to process", "Transaction rejected"])))
    b("</Body></Message>")


# ---------------------------------------------------------------- IHE XDS / PDQ
OID_PT = "1.2.840.114350.1.13.48.2.7.5.737384.14"


def rim_slot(b, name, vals):
    b('<rim:Slot name="%s"><rim:ValueList>' % name)
    for v in vals:
        b("<rim:Value>", v, "</rim:Value>")
    b("</rim:ValueList></rim:Slot>")


@tpl("ihe_xds/register", True)
def t_xds(b):
    p = person()
    c = clin()
    m = mrn()
    cx = [(m, "MRN"), "^^^&amp;%s&amp;ISO" % OID_PT]
    b(ch(["", "%s DEBUG [XdsRepositoryService] ITI-41 ProvideAndRegisterDocumentSetRequest fragment: " % iso_ms(),
          "%s INFO  ihe.xds - registering DocumentEntry: " % sp_ms(sep=",")]))
    b('<rim:ExtrinsicObject id="Document01" mimeType="%s" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1" status="urn:oasis:names:tc:ebxml-regrep:StatusType:Approved">' % ch(["text/xml", "application/pdf"]))
    rim_slot(b, "creationTime", [hl7ts(T(-ri(60, 3600)))])
    rim_slot(b, "languageCode", ["en-US"])
    st = svc_dt(60)
    rim_slot(b, "serviceStartTime", [[(st.strftime("%Y%m%d%H%M"), "DATE")]])
    if rr() < 0.5:
        rim_slot(b, "serviceStopTime", [[((st + _dt.timedelta(hours=ri(1, 90))).strftime("%Y%m%d%H%M"), "DATE")]])
    rim_slot(b, "sourcePatientId", [cx])
    spi = [["PID-3|"] + cx, ["PID-5|", (nm(p, "hl7"), "NAME"), "^^^"], ["PID-7|", (fd(p.dob, "compact"), "DATE")], ["PID-8|%s" % p.sex]]
    if rr() < 0.6:
        spi.append(["PID-11|", (xe(p.street), "ADDRESS"), "^^", (xe(p.city), "ADDRESS"), "^%s^" % p.state, (p.zip, "ZIP"), "^USA"])
    rim_slot(b, "sourcePatientInfo", spi)
    b('<rim:Classification classificationScheme="urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d" classifiedObject="Document01" id="cl01" nodeRepresentation="">')
    rim_slot(b, "authorPerson", [["^", (xe(c.last) + "^" + xe(c.first), "NAME"), "^^^Dr^%s^^^&amp;2.16.840.1.113883.4.6&amp;ISO" % c.cred]])
    rim_slot(b, "authorInstitution", ["%s^^^^^^^^^1.2.840.114350.1.13.48" % xe(fac()[0])])
    b("</rim:Classification>")
    b('<rim:ExternalIdentifier id="ei01" registryObject="Document01" identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="', cx[0], cx[1],
      '"><rim:Name><rim:LocalizedString value="XDSDocumentEntry.patientId"/></rim:Name></rim:ExternalIdentifier></rim:ExtrinsicObject>')


@tpl("ihe_xds/pdq_v3_query", True)
def t_pdqv3(b):
    p = person()
    b(ch(["", "%s DEBUG [PDQv3Client] ITI-47 request: " % iso_ms()]))
    b('<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="%s"/><creationTime value="%s"/><interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201305UV02"/>' % (uid(), hl7ts()))
    b('<controlActProcess classCode="CACT" moodCode="EVN"><code code="PRPA_TE201305UV02" codeSystem="2.16.840.1.113883.1.6"/><queryByParameter><queryId root="1.2.840.114350.1.13.48.3.7" extension="%s"/><statusCode code="new"/><parameterList>' % dg(8))
    b('<livingSubjectAdministrativeGender><value code="%s"/><semanticsText>LivingSubject.administrativeGender</semanticsText></livingSubjectAdministrativeGender>' % p.sex)
    b('<livingSubjectBirthTime><value value="', (fd(p.dob, "compact"), "DATE"), '"/><semanticsText>LivingSubject.birthTime</semanticsText></livingSubjectBirthTime>')
    b("<livingSubjectName><value><given>", (xe(p.first), "NAME"), "</given><family>", (xe(p.last), "NAME"), "</family></value><semanticsText>LivingSubject.name</semanticsText></livingSubjectName>")
    if rr() < 0.5:
        b('<patientAddress><value><streetAddressLine>', (xe(p.street), "ADDRESS"), '</streetAddressLine><city>', (xe(p.city), "ADDRESS"), '</city><state>%s</state><postalCode>' % p.state,
          (p.zip, "ZIP"), '</postalCode></value><semanticsText>Patient.addr</semanticsText></patientAddress>')
    if rr() < 0.4:
        b('<patientTelecom><value value="tel:', (fphone(p.phone, "plus_dash"), "PHONE"), '"/><semanticsText>Patient.telecom</semanticsText></patientTelecom>')
    b("</parameterList></queryByParameter></controlActProcess></PRPA_IN201305UV02>")


@tpl("ihe_xds/registry_response", False)
def t_xds_resp(b):
    ok = rr() < 0.7
    b("%s INFO  [XdsRegistryService] ITI-42 response RelatesTo=urn:uuid:%s: " % (iso_ms(), uid()))
    if ok:
        b('<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"/>')
    else:
        b('<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:RegistryErrorList>'
          '<rs:RegistryError errorCode="%s" codeContext="%s" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error" location=""/></rs:RegistryErrorList></rs:RegistryResponse>' % (
              ch(["XDSRegistryMetadataError", "XDSUnknownPatientId", "XDSRepositoryBusy"]), ch(["Missing required slot: creationTime", "Patient ID not known to registry", "Repository busy, retry"])))


# ---------------------------------------------------------------- ATNA
@tpl("atna/patient_access", True)
def t_atna(b):
    p = person()
    staff = clin()
    m = mrn()
    if rr() < 0.5:
        b("<85>1 %s %s EHR %d IHE+RFC-3881 - " % (iso_ms(), ch(["ehr-prod-01", "ehr-prod-02.lakeside.local"]), ri(100, 99999)))
    act = ch(["R", "R", "U", "C"])
    b('<?xml version="1.0" encoding="UTF-8"?><AuditMessage><EventIdentification EventActionCode="%s" EventDateTime="%s" EventOutcomeIndicator="%s"><EventID csd-code="110110" codeSystemName="DCM" originalText="Patient Record"/></EventIdentification>' % (
        act, iso_ms(), ch(["0", "0", "4"])))
    b('<ActiveParticipant UserID="%s" AlternativeUserID="%d"' % (ch([fold(staff.first[0] + staff.last).lower().replace(" ", "").replace("'", ""), "E%05d" % ri(1, 99999)]), ri(1000, 9999)))
    if rr() < 0.6:
        b(' UserName="', (xa(nm(staff, "fl")), "NAME"), '"')
    b(' UserIsRequestor="true" NetworkAccessPointID="%s" NetworkAccessPointTypeCode="2"><RoleIDCode csd-code="%s" originalText="%s" codeSystemName="DCM"/></ActiveParticipant>' % (
        server_ip(), ch(["158965000", "309343006"]), ch(["Medical Practitioner", "Physician"])))
    b('<AuditSourceIdentification AuditSourceID="%s"><AuditSourceTypeCode csd-code="4"/></AuditSourceIdentification>' % ch(["EHR-PROD-01", "LRMC-EHR"]))
    b('<ParticipantObjectIdentification ParticipantObjectID="', (m, "MRN"), '^^^&amp;%s&amp;ISO" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1">' % OID_PT)
    b('<ParticipantObjectIDTypeCode csd-code="2" originalText="Patient Number" codeSystemName="RFC-3881"/>')
    if rr() < 0.7:
        b("<ParticipantObjectName>", (xe(nm(p, ch(["hl7_2", "LF"]))), "NAME"), "</ParticipantObjectName>")
    b("</ParticipantObjectIdentification></AuditMessage>")


@tpl("atna/user_login", False)
def t_atna_login(b):
    if rr() < 0.5:
        b("<85>1 %s %s %s %d IHE+RFC-3881 - " % (iso_ms(), ch(["mirth-prod-02", "xds-registry-01"]), ch(["MIRTH", "XDS"]), ri(100, 99999)))
    eid = ch([("110114", "User Authentication", "110122", "Login"), ("110100", "Application Activity", "110120", "Application Start"),
              ("110113", "Security Alert", "110132", "Use of a restricted function")])
    b('<?xml version="1.0" encoding="UTF-8"?><AuditMessage><EventIdentification EventActionCode="E" EventDateTime="%s" EventOutcomeIndicator="%s"><EventID csd-code="%s" codeSystemName="DCM" originalText="%s"/><EventTypeCode csd-code="%s" codeSystemName="DCM" originalText="%s"/></EventIdentification>' % (
        iso_ms(), ch(["0", "0", "4"]), eid[0], eid[1], eid[2], eid[3]))
    b('<ActiveParticipant UserID="%s" UserIsRequestor="true" NetworkAccessPointID="%s" NetworkAccessPointTypeCode="2"/>' % (ch(SVC_USERS), server_ip()))
    b('<AuditSourceIdentification AuditSourceID="%s"/></AuditMessage>' % ch(["MIRTH-PROD", "XDS-REGISTRY", "EHR-PROD-01"]))


# ---------------------------------------------------------------- Direct messaging
DIRECT_DOMS = ["direct.lakesidehealth.org", "direct.northshoreortho.com", "hisp.riversidechc.org", "direct.cascadeortho.net"]


@tpl("direct/hisp_delivery", True)
def t_direct(b):
    p = person()
    c = clin()
    m = mrn()
    frm = "%s.%s@%s" % (fold(c.first).lower().replace(" ", "").replace("'", ""), fold(c.last).lower().replace(" ", "").replace("'", ""), ch(DIRECT_DOMS))
    to = ch(["records@", "referrals@", "intake@", "himdept@"]) + ch(DIRECT_DOMS)
    b("%s INFO [HISP-SMTP-%d] o.n.direct.gateway.smtp.SmtpAgent - Processed outgoing message <%s.%d@lakeside.direct> from=" % (sp_ms(sep=","), ri(1, 9), NOW.strftime("%Y%m%d%H%M%S"), ri(1000, 99999)))
    b((frm, "EMAIL"), " to=[%s] subject=\"" % to)
    k = ri(0, 2)
    if k == 0:
        b("Referral - ", (nm(p, "LF"), "NAME"), " DOB ", (fd(p.dob, "us"), "DATE"))
    elif k == 1:
        b("Transition of Care: ", (nm(p, "fl"), "NAME"), " d/c ", (fd(svc_date(7), "us_nz"), "DATE"))
    else:
        b("Records request MRN ", (m, "MRN"))
    b("\" attachments=[CCD_", (m, "MRN"), ".xml%s] status=%s" % (ch(["", ", referral.pdf"]), ch(["SENT", "SENT", "QUEUED"])))


@tpl("direct/mdn", False)
def t_direct_mdn(b):
    k = ri(0, 2)
    if k == 0:
        b("%s INFO [HISP-SMTP-%d] o.n.direct.gateway.smtp.MDNProcessor - MDN received for message <%s.%d@lakeside.direct> from %s disposition=automatic-action/MDN-sent-automatically;%s" % (
            sp_ms(sep=","), ri(1, 9), NOW.strftime("%Y%m%d%H%M%S"), ri(1000, 99999), ch(["records@", "referrals@", "intake@"]) + ch(DIRECT_DOMS), ch(["processed", "dispatched", "failed"])))
    elif k == 1:
        b("%s WARN [cert-monitor] Certificate CN=%s serial=%s expires %s (%d days)" % (sp_ms(sep=","), ch(DIRECT_DOMS), HX(32), fd(svc_date(-30, 300), "iso"), ri(5, 300)))
    else:
        b("%s INFO [trust-bundle] Refreshed trust bundle 'DirectTrust Accredited' %d anchors, lastModified=%s" % (sp_ms(sep=","), ri(100, 900), iso_s(T(-ri(86400, 86400 * 30)))))


# ---------------------------------------------------------------- FHIR
FHIR_BASE = ["https://fhir.lakesidehealth.org/r4", "https://api.lakesidehealth.org/fhir/R4", "https://fhir.prairieplan.com/r4"]


def pat_id():
    return ch([mrn(), mrn(), "e" + b62(23), str(ri(100000, 99999999))])


def fhir_patient(p, m):
    given = [(x, "NAME") for x in p.first.split(" ")] if rr() < 0.5 else [(p.first, "NAME")]
    if p.middle and rr() < 0.5:
        given.append((p.middle, "NAME"))
    res = {"resourceType": "Patient",
           "identifier": [{"use": "usual", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                           "system": "urn:oid:" + OID_PT, "value": (m, "MRN")}],
           "active": True, "name": [{"use": "official", "family": (p.last, "NAME"), "given": given}],
           "telecom": [{"system": "phone", "value": (fphone(p.phone, ch(["paren", "dash", "e164"])), "PHONE"), "use": ch(["home", "mobile"])}],
           "gender": {"F": "female", "M": "male"}[p.sex], "birthDate": (fd(p.dob, "iso"), "DATE")}
    if rr() < 0.4:
        res["telecom"].append({"system": "email", "value": (p.email, "EMAIL")})
    if rr() < 0.3:
        res["identifier"].append({"system": "http://hl7.org/fhir/sid/us-ssn", "value": (fssn(p.ssn), "SSN")})
    line = [(p.street, "ADDRESS")] + ([(p.unit, "ADDRESS")] if p.unit else [])
    res["address"] = [{"use": "home", "line": line, "city": (p.city, "ADDRESS"), "state": p.state, "postalCode": (p.zip, "ZIP"), "country": "US"}]
    return res


@tpl("fhir_bundle/transaction", True)
def t_fhir_txn(b):
    p = person()
    m = mrn()
    fu = "urn:uuid:" + uid()
    e1 = {"fullUrl": fu, "resource": fhir_patient(p, m),
          "request": {"method": "POST", "url": "Patient", "ifNoneExist": S("identifier=urn:oid:%s|" % OID_PT, (m, "MRN"))}}
    ents = [e1]
    if rr() < 0.6:
        c = clin()
        st = svc_dt(2)
        enc = {"resourceType": "Encounter", "status": "in-progress", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": ch(["AMB", "IMP", "EMER"])},
               "identifier": [{"system": "urn:oid:1.2.840.114350.1.13.48.3.7.3.698084.8", "value": (visit_no(), "OTHER_ID")}],
               "subject": {"reference": fu}, "participant": [{"individual": {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + c.npi, "display": (nm(c, "fl"), "NAME")}}],
               "period": {"start": (st.strftime("%Y-%m-%dT%H:%M:%S") + "-06:00", "DATE")}}
        enc["participant"][0]["individual"]["reference"] = S("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|", (c.npi, "NPI"))
        ents.append({"fullUrl": "urn:uuid:" + uid(), "resource": enc, "request": {"method": "POST", "url": "Encounter"}})
    J(b, {"resourceType": "Bundle", "id": uid(), "type": "transaction", "timestamp": iso_ms(z="+00:00"), "entry": ents})


@tpl("fhir_bundle/subscription_notification", True)
def t_fhir_sub(b):
    p = person()
    base = ch(FHIR_BASE)
    enc = "enc-" + dg(8) if rr() < 0.6 else dg(9)
    pid = pat_id()
    n = ri(1, 9000)
    st = svc_dt(1)
    ss = {"resourceType": "SubscriptionStatus", "status": "active", "type": "event-notification", "eventsSinceSubscriptionStart": str(n),
          "notificationEvent": [{"eventNumber": str(n), "focus": {"reference": S("Encounter/", (enc, "OTHER_ID"))}}],
          "subscription": {"reference": base + "/Subscription/admission-feed"}, "topic": "http://hl7.org/SubscriptionTopic/encounter-start"}
    er = {"resourceType": "Encounter", "id": (enc, "OTHER_ID"), "status": "in-progress", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
          "subject": {"reference": S("Patient/", (pid, "MRN")), "display": (nm(p, "fl"), "NAME")},
          "period": {"start": (st.strftime("%Y-%m-%dT%H:%M:%S") + "-06:00", "DATE")}, "serviceProvider": {"display": fac()[0]}}
    d = {"resourceType": "Bundle", "id": uid(), "type": "history", "timestamp": iso_ms(z="+00:00"),
         "entry": [{"fullUrl": base + "/Subscription/admission-feed/$status", "resource": ss, "request": {"method": "GET", "url": "Subscription/admission-feed/$status"}, "response": {"status": "200"}},
                   {"fullUrl": ("%s/Encounter/%s" % (base, enc), "URL"), "resource": er, "request": {"method": "PUT", "url": S("Encounter/", (enc, "OTHER_ID"))}, "response": {"status": "201"}}]}
    J(b, d)


@tpl("fhir_bundle/capability", False)
def t_fhir_cap(b):
    if rr() < 0.5:
        b("%s INFO  [fhir-facade] GET /fhir/r4/metadata 200 application/fhir+json %d bytes %dms " % (iso_ms(), ri(20000, 90000), ri(2, 90)))
        J(b, {"resourceType": "CapabilityStatement", "status": "active", "date": iso_s(_dt.datetime(2024, ri(1, 2), ri(1, 28), 9)), "publisher": "Lakeside Health IT",
              "kind": "instance", "software": {"name": "HAPI FHIR Server", "version": "7.0.%d" % ri(0, 3), "releaseDate": fd(_dt.date(2024, 2, ri(1, 20)), "iso")},
              "implementation": {"description": "Lakeside FHIR facade", "url": ch(FHIR_BASE)}, "fhirVersion": "4.0.1", "format": ["json", "xml"]})
    else:
        J(b, {"resourceType": "OperationOutcome", "issue": [{"severity": ch(["error", "warning"]), "code": ch(["processing", "not-found", "throttled"]),
                                                              "diagnostics": ch(["HAPI-0389: Failed to call access method: java.lang.NullPointerException",
                                                                                 "HAPI-2001: Resource Observation/%s is not known" % uid(),
                                                                                 "Rate limit exceeded for client_id lakeside-analytics (600 req/min)"])}]})


@tpl("fhir_resource/observation", True)
def t_fhir_obs(b):
    p = person()
    c = clin()
    lab = ch(LABS)
    lo, hi = lab[4]
    eff = svc_dt(20)
    iss = eff + _dt.timedelta(hours=ri(1, 20), minutes=ri(0, 59))
    d = {"resourceType": "Observation", "id": uid(), "meta": {"lastUpdated": iso_ms(z="+00:00")}, "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
         "code": {"coding": [{"system": "http://loinc.org", "code": lab[0], "display": lab[1]}]},
         "subject": {"reference": S("Patient/", (pat_id(), "MRN")), "display": (nm(p, "fl"), "NAME")},
         "effectiveDateTime": (eff.strftime("%Y-%m-%dT%H:%M:%S") + "-06:00", "DATE"), "issued": (iss.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d-06:00" % ri(0, 999), "DATE"),
         "performer": [{"reference": S("Practitioner/", (c.npi, "NPI")), "display": S((nm(c, "fl"), "NAME"), ", " + c.cred)}],
         "valueQuantity": {"value": round(lo + rr() * (hi - lo), 1), "unit": lab[2], "system": "http://unitsofmeasure.org", "code": lab[2]}}
    if rr() < 0.35:
        d["category"][0]["coding"][0]["code"] = "vital-signs"
        d["code"] = {"coding": [{"system": "http://loinc.org", "code": "2339-0", "display": "Glucose [Mass/volume] in Blood"}]}
        sysname, disp, ser = ch([("urn:dexcom:transmitter", "Dexcom G6", lambda: "8G" + al(4, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")),
                                 ("urn:abbott:libre:sensor", "FreeStyle Libre 3", lambda: "0" + al(9, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")),
                                 ("urn:medtronic:pump-serial", "MiniMed 780G", lambda: "NG" + dg(7) + "H"),
                                 ("urn:omron:bp-monitor", "Omron BP7450", lambda: dg(8) + "LF")])
        d["device"] = {"identifier": {"system": sysname, "value": (ser(), "DEVICE")}, "display": disp}
    if rr() < 0.3:
        d["note"] = [{"text": S("Called ", (p.first, "NAME"), " at ", (fphone(p.phone), "PHONE"), " with result")}]
    J(b, d)


@tpl("fhir_resource/encounter", True)
def t_fhir_enc(b):
    p = person()
    c = clin()
    st = svc_dt(40)
    en = st + _dt.timedelta(days=ri(0, 6), hours=ri(1, 9))
    d = {"resourceType": "Encounter", "id": ch([uid(), "enc-" + dg(8)]), "status": "finished",
         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": ch(["IMP", "AMB", "EMER"])},
         "identifier": [{"use": "official", "system": "urn:oid:1.2.840.114350.1.13.48.3.7.3.698084.8", "value": (visit_no(), "OTHER_ID")}],
         "subject": {"reference": S("Patient/", (pat_id(), "MRN"))},
         "participant": [{"type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "ATND"}]}],
                          "individual": {"display": S("Dr. ", (nm(c, "fl"), "NAME"))}}],
         "period": {"start": (st.strftime("%Y-%m-%dT%H:%M:%S") + "-05:00", "DATE"), "end": (en.strftime("%Y-%m-%dT%H:%M:%S") + "-05:00", "DATE")},
         "hospitalization": {"dischargeDisposition": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/discharge-disposition", "code": ch(["home", "snf", "hh"])}]}},
         "location": [{"location": {"display": "%s %s" % (fac()[0], ch(["4 West", "ICU", "ED"]))}}], "serviceProvider": {"display": fac()[0]}}
    J(b, d)


@tpl("fhir_resource/coverage", True)
def t_fhir_cov(b):
    p = person(old=rr() < 0.2)
    pay = ch(PAYERS)
    mid = member_id(pay[1])
    pid = pat_id()
    d = {"resourceType": "Coverage", "id": uid(), "status": "active",
         "identifier": [{"system": "http://%s.com/member-id" % pay[1].lower(), "value": (mid, "HEALTH_PLAN_ID")}],
         "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": ch(["HIP", "EHCPOL", "SUBSIDIZ"])}]},
         "subscriber": {"reference": S("Patient/", (pid, "MRN"))}, "subscriberId": (mid, "HEALTH_PLAN_ID"),
         "beneficiary": {"reference": S("Patient/", (pid, "MRN")), "display": (nm(p, "fl"), "NAME")},
         "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
         "period": {"start": (fd(_dt.date(NOW.year, ch([1, 1, 4]), 1), "iso"), "DATE"), "end": (fd(_dt.date(NOW.year, 12, 31), "iso"), "DATE")},
         "payor": [{"display": pay[0]}],
         "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"}]}, "value": "GRP%05d" % ri(1, 99999),
                    "name": ch(["ACME CORP PPO", "STATE EMPLOYEES HMO", "INDIVIDUAL SILVER 70"])}]}
    J(b, d)


@tpl("fhir_resource/condition", True)
def t_fhir_cond(b):
    p = person()
    c = clin()
    cd = ch(CONDS)
    onset = svc_date(3000)
    d = {"resourceType": "Condition", "id": uid(),
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": cd[0], "display": cd[1]}, {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": cd[2]}], "text": cd[1]},
         "subject": {"reference": S("Patient/", (pat_id(), "MRN")), "display": (nm(p, "fl"), "NAME")},
         "onsetDateTime": (fd(onset, "iso"), "DATE"), "recordedDate": (fd(svc_date(10), "iso"), "DATE"),
         "recorder": {"reference": S("Practitioner/", (c.npi, "NPI")), "display": (nm(c, "fl"), "NAME")}}
    if rr() < 0.4:
        a = p.age
        d["note"] = [{"text": S("Pt is a ", age_item(a), "-year-old %s; dx confirmed by echo" % ("female" if p.sex == "F" else "male"))}]
        if a < 90 and rr() < 0.5:
            p2 = person(old=True)
            d["note"] = [{"text": S("Pt is a ", age_item(p2.age), "-year-old; lives with daughter")}]
    J(b, d)


# ---------------------------------------------------------------- C-CDA
@tpl("ccda/record_target", True)
def t_ccda(b):
    p = person(old=rr() < 0.15)
    m = mrn()
    b(ch(["", "", "%s DEBUG [ccda-builder] recordTarget=" % iso_ms()]))
    b('<recordTarget><patientRole><id extension="', (m, "MRN"), '" root="%s"/>' % OID_PT)
    if rr() < 0.3:
        b('<id extension="', (p.ssn, "SSN"), '" root="2.16.840.1.113883.4.1"/>')
    b('<addr use="HP"><streetAddressLine>', (xe(p.street), "ADDRESS"), "</streetAddressLine>")
    if p.unit:
        b("<streetAddressLine>", (p.unit, "ADDRESS"), "</streetAddressLine>")
    b("<city>", (xe(p.city), "ADDRESS"), "</city><state>%s</state><postalCode>" % p.state, (p.zip, "ZIP"), "</postalCode><country>US</country></addr>")
    b('<telecom value="tel:', (fphone(p.phone, ch(["plus_dash", "e164", "paren"])), "PHONE"), '" use="%s"/>' % ch(["HP", "MC"]))
    if rr() < 0.4:
        b('<telecom value="mailto:', (p.email, "EMAIL"), '"/>')
    b('<patient><name use="L">')
    for g in p.first.split(" "):
        b("<given>", (g, "NAME"), "</given>")
    if p.middle and rr() < 0.5:
        b("<given>", (p.middle, "NAME"), "</given>")
    b("<family>", (xe(p.last), "NAME"), "</family></name>")
    b('<administrativeGenderCode code="%s" codeSystem="2.16.840.1.113883.5.1" displayName="%s"/>' % (p.sex, {"F": "Female", "M": "Male"}[p.sex]))
    b('<birthTime value="', (fd(p.dob, "compact"), "DATE"), '"/>')
    b('<maritalStatusCode code="%s" codeSystem="2.16.840.1.113883.5.2"/>' % ch(["M", "S", "W"]))
    if rr() < 0.4:
        gd = person()
        b('<guardian><code code="%s" codeSystem="2.16.840.1.113883.5.111"/><telecom value="tel:' % ch(["DAU", "SON", "SPS"]), (fphone(gd.phone, "plus_dash"), "PHONE"),
          '" use="MC"/><guardianPerson><name><given>', (gd.first, "NAME"), "</given><family>", (xe(p.last), "NAME"), "</family></name></guardianPerson></guardian>")
    b('<languageCommunication><languageCode code="%s"/><preferenceInd value="true"/></languageCommunication></patient></patientRole></recordTarget>' % ch(["en", "es", "vi", "zh"]))


@tpl("ccda/document_header", False)
def t_ccda_hdr(b):
    f = fac()
    b('<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc"><realmCode code="US"/><typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>')
    b('<templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/><templateId root="2.16.840.1.113883.10.20.22.1.2" extension="2015-08-01"/>')
    b('<id root="%s"/><code code="34133-9" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Summarization of Episode Note"/><title>Continuity of Care Document</title>' % uid())
    if rr() < 0.6:
        b('<custodian><assignedCustodian><representedCustodianOrganization><id root="2.16.840.1.113883.19.5" extension="%s"/><name>%s</name><telecom value="tel:%s" use="WP"/>' % (
            f[1], xe(f[0]), fphone(f[6], "plus_dash")))
        b("<addr><streetAddressLine>%s</streetAddressLine><city>%s</city><state>%s</state><postalCode>%s</postalCode><country>US</country></addr></representedCustodianOrganization></assignedCustodian></custodian>" % (
            xe(f[2]), xe(f[3]), f[4], f[5]))
    else:
        b('<confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/><languageCode code="en-US"/><setId root="%s"/><versionNumber value="%d"/>' % (uid(), ri(1, 4)))


# ---------------------------------------------------------------- Amazon Connect / Lex / Comprehend
@tpl("amazon_connect/ctr", True)
def t_connect(b):
    p = person()
    cid = uid()
    t1 = T(ri(120, 1800))
    attrs = {}
    k = ri(0, 2)
    if k == 0:
        attrs = {"memberId": (member_id(), "HEALTH_PLAN_ID"), "dob": (fd(p.dob, "compact"), "DATE"), "authStatus": "VERIFIED", "intent": "EligibilityInquiry"}
    elif k == 1:
        attrs = {"callerName": (nm(p, "fl"), "NAME"), "mrn": (mrn(), "MRN"), "authStatus": ch(["VERIFIED", "FAILED"]), "intent": "RefillRequest", "rxNumber": (rx_no(), "OTHER_ID")}
    else:
        attrs = {"callbackNumber": (fphone(p.phone2, "e164"), "PHONE"), "intent": "ClaimStatus", "claimNumber": (claim_no(), "OTHER_ID"), "authStatus": "NOT_ATTEMPTED"}
    d = {"AWSAccountId": "123456789012", "AWSContactTraceRecordFormatVersion": "2017-03-10",
         "Agent": {"ARN": "arn:aws:connect:us-east-1:123456789012:instance/%s/agent/%s" % (uid(), uid()), "AfterContactWorkDuration": ri(0, 300),
                   "AgentInteractionDuration": ri(30, 1200), "ConnectedToAgentTimestamp": iso_s(T(ri(10, 100))), "Username": "agent%04d" % ri(1, 9999),
                   "RoutingProfile": {"Name": ch(["Tier1-Eligibility", "Pharmacy", "Claims"])}} if rr() < 0.7 else None,
         "Attributes": attrs, "Channel": "VOICE", "ContactId": cid,
         "CustomerEndpoint": {"Address": (fphone(p.phone, "e164"), "PHONE"), "Type": "TELEPHONE_NUMBER"},
         "DisconnectReason": ch(["CUSTOMER_DISCONNECT", "AGENT_DISCONNECT", "CONTACT_FLOW_DISCONNECT"]), "DisconnectTimestamp": iso_s(t1),
         "InitialContactId": None, "InitiationMethod": "INBOUND", "InitiationTimestamp": iso_s(),
         "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/%s" % uid(), "LastUpdateTimestamp": iso_s(T(ri(1800, 3000))),
         "Queue": {"ARN": "arn:aws:connect:us-east-1:123456789012:instance/%s/queue/%s" % (uid(), uid()), "Duration": ri(0, 900), "Name": ch(["MemberServices-Eligibility", "PharmacyRefills", "ClaimsStatus"])},
         "Recording": {"Location": "connect-recordings/%s/%s_%s_UTC.wav" % (NOW.strftime("%Y/%m/%d"), cid, NOW.strftime("%Y%m%dT%H:%M")), "Status": "AVAILABLE", "Type": "AUDIO"},
         "SystemEndpoint": {"Address": "+1" + ch(["8445550100", "8885550142"]), "Type": "TELEPHONE_NUMBER"}}
    J(b, d)


ONES = "zero one two three four five six seven eight nine".split()
ORD = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
       "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty first", "twenty second", "twenty third", "twenty fourth",
       "twenty fifth", "twenty sixth", "twenty seventh", "twenty eighth", "twenty ninth", "thirtieth", "thirty first"]
TENS = "zero ten twenty thirty forty fifty sixty seventy eighty ninety".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()


def words2(n):
    if n < 10:
        return "oh " + ONES[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])


def spoken_date(d):
    y = d.year
    ys = "two thousand " + ONES[y - 2000] if 2000 <= y < 2010 else words2(y // 100) + " " + (words2(y % 100) if y % 100 else "hundred")
    return "%s %s %s" % (MONTH[d.month - 1].lower(), ORD[d.day], ys)


@tpl("lex/transcript", True)
def t_lex(b):
    p = person()
    k = ri(0, 2)
    sid = uid()
    if k == 0:
        spoken = spoken_date(p.dob)
        said = S("my date of birth is ", (spoken, "DATE"))
        slots = {"DateOfBirth": {"value": {"originalValue": (spoken, "DATE"), "interpretedValue": (fd(p.dob, "iso"), "DATE"), "resolvedValues": [(fd(p.dob, "iso"), "DATE")]}}}
        intent = "VerifyIdentity"
    elif k == 1:
        nl = nm(p, "lower")
        said = S("yeah this is ", (nl, "NAME"), " calling about my prescription")
        slots = {"CallerName": {"value": {"originalValue": (nl, "NAME"), "interpretedValue": (nm(p, "fl"), "NAME"), "resolvedValues": []}}, "RxNumber": None}
        intent = "RefillRequest"
    else:
        spoken = " ".join(ONES[int(x)] for x in p.phone)
        said = S("you can reach me at ", (spoken, "PHONE"))
        slots = {"CallbackNumber": {"value": {"originalValue": (spoken, "PHONE"), "interpretedValue": (p.phone, "PHONE"), "resolvedValues": [(p.phone, "PHONE")]}}}
        intent = "RequestCallback"
    d = {"messageVersion": "2.0", "sessionId": sid, "inputMode": "Speech", "inputTranscript": said,
         "interpretations": [{"intent": {"name": intent, "slots": slots, "state": "InProgress", "confirmationState": "None"}, "nluConfidence": round(0.5 + rr() / 2, 2)}],
         "bot": {"name": "MemberServicesBot", "version": str(ri(1, 9)), "localeId": "en_US", "id": HX(10), "aliasId": HX(10)},
         "requestAttributes": {"x-amz-lex:channels:platform": "Connect"}, "timestamp": iso_ms()}
    J(b, d)


@tpl("comprehend_medical/detect_phi", True)
def t_cm(b):
    p = person(old=rr() < 0.35)
    c = clin()
    # build the analysed source sentence, then report entities with char offsets
    parts = [("Patient ", None), (nm(p, "fl"), "NAME", "NAME"), (", ", None), (str(p.age), "AGE", "AGE_OVER_89" if p.age >= 90 else None),
             (" y/o, seen ", None), (fd(svc_date(10), "us"), "DATE", "DATE"), (" by Dr. ", None), (nm(c, "fl"), "NAME", "NAME"),
             (". Call ", None), (fphone(p.phone, "paren"), "PHONE_OR_FAX", "PHONE"), (".", None)]
    off = 0
    ents = []
    for i, pt in enumerate(parts):
        if len(pt) == 3:
            ents.append({"Id": len(ents), "BeginOffset": off, "EndOffset": off + len(pt[0]), "Score": round(0.9 + rr() / 10, 4),
                         "Text": (pt[0], pt[2]), "Category": "PROTECTED_HEALTH_INFORMATION", "Type": pt[1], "Traits": []})
        off += len(pt[0])
    if rr() < 0.4:
        ents.insert(ri(0, len(ents)), {"Id": 99, "BeginOffset": 0, "EndOffset": 7, "Score": 0.41, "Text": "Patient", "Category": "PROTECTED_HEALTH_INFORMATION", "Type": "PROFESSION", "Traits": []})
    J(b, {"Entities": ents, "ModelVersion": "0.1.0"})


@tpl("comprehend_medical/detect_entities", False)
def t_cm_ent(b):
    drug = ch(DRUGS)[0].split(" ")
    cd = ch(CONDS)
    ents = [{"Id": 0, "BeginOffset": ri(0, 40), "EndOffset": ri(41, 60), "Score": round(0.9 + rr() / 10, 4), "Text": drug[0], "Category": "MEDICATION", "Type": "GENERIC_NAME",
             "Traits": [], "Attributes": [{"Type": "DOSAGE", "Score": 0.98, "RelationshipScore": 0.99, "Id": 1, "BeginOffset": 70, "EndOffset": 76, "Text": " ".join(drug[1:3]), "Category": "MEDICATION", "Traits": []}]},
            {"Id": 2, "BeginOffset": ri(80, 120), "EndOffset": ri(121, 160), "Score": round(0.8 + rr() / 5, 4), "Text": cd[1].lower(), "Category": "MEDICAL_CONDITION", "Type": "DX_NAME",
             "Traits": [{"Name": "DIAGNOSIS", "Score": 0.93}], "ICD10CMConcepts": [{"Code": cd[2], "Description": cd[1], "Score": 0.81}]}]
    J(b, {"Entities": ents, "UnmappedAttributes": [], "ModelVersion": "2.4.0"})


# ---------------------------------------------------------------- fax OCR
@tpl("fax_ocr/ocr_text", True)
def t_fax(b):
    p = person()
    c = clin()
    f = fac()
    b("%s INFO faxocr[%d]: job=%d page=%d/%d conf=%.2f text=\"" % (sp_s(), ri(100, 99999), ri(10000, 99999), 1, ri(1, 6), 0.7 + rr() / 4))
    b("FAX REFERRAL\\nTo: %s  Fax: %s\\n" % (f[0], fphone(phone10(), "dash")))
    b("Patient Name: ", (nm(p, "LF"), "NAME"), "   DOB: ", (fd(p.dob, ch(["us", "us_nz", "dash_us"])), "DATE"), "\\n")
    if rr() < 0.7:
        b("Address: ", (p.street, "ADDRESS"))
        if p.unit:
            b(" ", (p.unit, "ADDRESS"))
        b(", ", (p.city, "ADDRESS"), " %s " % p.state, (p.zip, "ZIP"), "\\n")
    b("Home Ph: ", (fphone(p.phone, "paren"), "PHONE"))
    if rr() < 0.3:
        b("  Pt Fax: ", (fphone(p.phone2, "paren"), "FAX"))
    b("\\n")
    pay = ch(PAYERS)
    b("Ins: %s  ID# " % pay[1], (member_id(pay[1]), "HEALTH_PLAN_ID"), "\\n")
    b("Reason: %s\\n" % ch(["chest pain r/o angina", "knee OA, eval for TKA", "abnl mammogram", "CKD stage 3 referral", "new onset a-fib"]))
    b("Referring: Dr. ", (nm(c, "fl"), "NAME"), " NPI ", (c.npi, "NPI"), "\"")


@tpl("fax_ocr/hylafax_recv", False)
def t_fax_recv(b):
    f = fac()
    k = ri(0, 2)
    if k == 0:
        b("%s %s FaxGetty[%d]: RECV FAX: JOB %d from \"%s\" <+1 %s>, %d pages, %d bps, 00:%02d:%02d, status OK" % (
            MON[NOW.month - 1], NOW.strftime("%d %H:%M:%S"), ri(100, 9999), ri(1000, 99999), U(f[0])[:20], fphone(f[6], "space"), ri(1, 12), ch([9600, 14400, 33600]), ri(0, 9), ri(0, 59)))
    elif k == 1:
        b("%s %s FaxQueuer[%d]: SEND FAX: JOB %d: FROM %s@fax-gw01 TO %s; completed (%d pages)" % (
            MON[NOW.month - 1], NOW.strftime("%d %H:%M:%S"), ri(100, 9999), ri(1000, 99999), ch(SVC_USERS[:3]), f[6], ri(1, 9)))
    else:
        b("%s %s FaxGetty[%d]: MODEM /dev/ttyIAX%d: ANSWER: FAX CONNECTION  DEVICE '/dev/ttyIAX%d'" % (MON[NOW.month - 1], NOW.strftime("%d %H:%M:%S"), ri(100, 9999), ri(0, 3), ri(0, 3)))


# ---------------------------------------------------------------- eligibility API
def t_elig_req(b):
    p = person()
    c = clin()
    pay = ch(PAYERS)
    body = {"controlNumber": dg(9), "tradingPartnerServiceId": pay[2],
            "provider": {"firstName": (c.first, "NAME"), "lastName": (c.last, "NAME"), "npi": (c.npi, "NPI")},
            "subscriber": {"memberId": (member_id(pay[1]), "HEALTH_PLAN_ID"), "firstName": (U(p.first), "NAME"), "lastName": (U(p.last), "NAME"),
                           "gender": p.sex, "dateOfBirth": (fd(p.dob, "compact"), "DATE")},
            "encounter": {"dateOfService": (fd(svc_date(0, 10), "compact"), "DATE"), "serviceTypeCodes": [ch(["30", "1", "47", "98"])]}}
    b("%s INFO  eligibility.client POST https://sandbox.apigw.changehealthcare.com/medicalnetwork/eligibility/v3 body=" % iso_ms())
    J(b, body)


def t_elig_resp(b):
    p = person()
    pay = ch(PAYERS)
    beg = _dt.date(NOW.year, ch([1, 1, 4]), 1)
    body = {"meta": {"senderId": "X%s" % dg(6), "traceId": uid(), "applicationMode": "production"}, "controlNumber": dg(9), "tradingPartnerServiceId": pay[2],
            "payer": {"name": U(pay[0]), "payorIdentification": pay[2]},
            "subscriber": {"memberId": (member_id(pay[1]), "HEALTH_PLAN_ID"), "firstName": (U(p.first), "NAME"), "lastName": (U(p.last), "NAME"),
                           "gender": p.sex, "dateOfBirth": (fd(p.dob, "compact"), "DATE"),
                           "address": {"address1": (U(p.street), "ADDRESS"), "city": (U(p.city), "ADDRESS"), "state": p.state, "postalCode": (p.zip + p.zip4, "ZIP")}},
            "planInformation": {"groupNumber": "GRP%05d" % ri(1, 99999), "groupDescription": ch(["ACME CORP", "STATE OF ILLINOIS", "INDIVIDUAL"])},
            "planDateInformation": {"planBegin": (fd(beg, "compact"), "DATE"), "eligibilityBegin": (fd(beg, "compact"), "DATE")},
            "planStatus": [{"statusCode": "1", "status": "Active Coverage", "planDetails": ch(["PPO", "HMO", "POS"]), "serviceTypeCodes": ["30"]}],
            "benefitsInformation": [{"code": "C", "name": "Deductible", "coverageLevelCode": "IND", "timeQualifier": "Calendar Year", "benefitAmount": str(ch([500, 1000, 2500]))}]}
    b("%s DEBUG eligibility.client response status=200 elapsed=%dms body=" % (iso_ms(), ri(200, 4000)))
    J(b, body)


@tpl("eligibility_api/exchange", True)
def t_elig(b):
    (t_elig_req if rr() < 0.5 else t_elig_resp)(b)


# ---------------------------------------------------------------- SMS reminders
@tpl("sms/appt_reminder", True)
def t_sms(b):
    p = person()
    c = clin()
    f = fac()
    ap = appt_dt()
    b("%s INFO sms-outbound to=" % iso_ms(), (fphone(p.phone, "e164"), "PHONE"), " from=+1%s segments=%d body=\"" % (ch(["8445550100", "8885550142"]), ri(1, 3)))
    first = p.first.split(" ")[0]
    if p.origin == "hispanic" and rr() < 0.5:
        b("Hola ", (first, "NAME"), ", le recordamos su cita con el Dr. ", (c.last, "NAME"), " el %s " % ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"][ap.weekday()],
          ("%d de %s" % (ap.day, ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"][ap.month - 1]), "DATE"),
          " a las %s en %s. Responda C para confirmar." % (hhmm_ampm(ap), f[0]))
    else:
        style = ri(0, 2)
        ds = [("%02d/%02d" % (ap.month, ap.day)), fd(ap.date(), "mdy").rsplit(",", 1)[0], "%d/%d" % (ap.month, ap.day)][style]
        b("Hi ", (first, "NAME"), ", this is %s reminding you of your appointment with Dr. " % f[0], (c.last, "NAME"), " on %s " % DOW[ap.weekday()], (ds, "DATE"),
          " at %s. Reply C to confirm, R to reschedule, STOP to opt out." % hhmm_ampm(ap))
    b("\"")


@tpl("sms/dlr_summary", False)
def t_sms_dlr(b):
    sub = ri(500, 9000)
    dlv = sub - ri(10, 400)
    b("%s sms-gateway DLR batch=%s-%02d00 campaign=%s submitted=%d delivered=%d failed=%d pending=%d carrier_errors={\"30003\":%d,\"30005\":%d,\"30007\":%d} from=+1%s" % (
        iso_s(), NOW.strftime("%Y%m%d"), ri(6, 20), ch(["appt_reminder_v3", "flu_shot_2024", "portal_invite"]), sub, dlv, ri(0, 200), ri(0, 90), ri(0, 60), ri(0, 40), ri(0, 20),
        ch(["8445550100", "8885550142"])))


# ---------------------------------------------------------------- EMS CAD
CAD_NATURE = ["FALL", "DIFF BREATHING", "CHEST PAIN", "UNRESP", "SICK PERSON", "STROKE SYMPTOMS", "LIFT ASSIST", "SEIZURE"]


@tpl("ems_cad/dispatch", True)
def t_cad(b):
    p = person(old=rr() < 0.45)
    rp = person()
    b("%s INC#" % NOW.strftime("%m/%d/%y %H:%M:%S"), ("%02d-%06d" % (NOW.year % 100, ri(1, 999999)), "OTHER_ID"), " P%d MEDICAL  " % ri(1, 3))
    b((U(p.street), "ADDRESS"))
    if p.unit:
        b(" ", (U(p.unit), "ADDRESS"))
    b(", ", (U(p.city), "ADDRESS"), "  XST: %s / %s  " % (U(ch(STREETS)) + " " + U(ch(STYPES[:6])), U(ch(STREETS)) + " " + U(ch(STYPES[:6]))))
    b(age_item(p.age), " YO%s %s  CB:" % (p.sex, ch(CAD_NATURE)), (fphone(rp.phone, ch(["paren_nospace", "dash", "plain"])), "PHONE"))
    if rr() < 0.7:
        rel = ch(["SON", "DAUGHTER", "SPOUSE", "NEIGHBOR", "CAREGIVER"])
        b("  RP: ", (U(p.last if rel in ("SON", "DAUGHTER", "SPOUSE") else rp.last) + ", " + U(rp.first), "NAME"), " (%s)" % rel)
    if rr() < 0.3:
        b("  MVC PT VEH: %d %s PLT " % (ri(2004, 2023), ch(["HONDA CIVIC", "TOYOTA CAMRY", "FORD F150", "CHEVY MALIBU", "NISSAN ROGUE"])), (plate().upper(), "VEHICLE"), " %s" % p.state)
        if rr() < 0.5:
            b(" VIN ", (vin(), "VEHICLE"))
    b("  UNITS: %s" % " ".join(sorted(set(ch(["M", "E", "T", "BC"]) + str(ri(1, 40)) for _ in range(ri(1, 3))))))


@tpl("ems_cad/unit_status", False)
def t_cad_unit(b):
    u = ch(["M", "E", "T", "BC", "R"]) + str(ri(1, 40))
    k = ri(0, 2)
    if k == 0:
        b("%s %s %s -> %s  STA %d  ODO %.1f  CREW: %d" % (NOW.strftime("%m/%d/%y %H:%M:%S"), u, ch(["ENRT", "ONSC", "TRAN", "AVL"]), ch(["AVL", "AIQ", "AOR"]), ri(1, 40), 20000 + rr() * 90000, ri(2, 4)))
    elif k == 1:
        f = fac()
        b("%s %s OOS MAINT  %s  ETA RTN %s" % (NOW.strftime("%m/%d/%y %H:%M:%S"), u, U(f[2]), T(ri(3600, 20000)).strftime("%H%M")))
    else:
        b("%s %s AT HOSP %s  WALL TIME %d MIN" % (NOW.strftime("%m/%d/%y %H:%M:%S"), u, fac()[1], ri(5, 180)))


# ---------------------------------------------------------------- Windows Event Log
def win_system(provider, guid, eid, level, task, opcode, kw, channel, computer, sid=None):
    return ("<System><Provider Name='%s' Guid='{%s}'/><EventID>%d</EventID><Version>0</Version><Level>%d</Level><Task>%d</Task><Opcode>%d</Opcode>"
            "<Keywords>%s</Keywords><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='%d' ThreadID='%d'/>"
            "<Channel>%s</Channel><Computer>%s</Computer>%s</System>") % (
        provider, guid, eid, level, task, opcode, kw, iso_7(), ri(10000, 9999999), ri(4, 9999), ri(4, 9999), channel, computer,
        "<Security UserID='%s'/>" % sid if sid else "<Security/>")


@tpl("windows_event/print_307", True)
def t_win_print(b):
    p = person()
    ws = "WS-%s-%02d" % (ch(["4WEST", "ED", "REG", "ONC", "PEDS"]), ri(1, 40))
    b("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>")
    b(win_system("Microsoft-Windows-PrintService", "747EF6FD-E535-4D16-B510-42C90F6873A1", 307, 4, 26, 11, "0x4000000000000840",
                 "Microsoft-Windows-PrintService/Operational", ws + ".lakeside.local", "S-1-5-21-%d-%d-%d-%d" % (ri(10**9, 4 * 10**9), ri(10**9, 4 * 10**9), ri(10**9, 4 * 10**9), ri(1000, 99999))))
    b("<UserData><DocumentPrinted xmlns='http://manifests.microsoft.com/win/2005/08/windows/printing/spooler/core/events'><Param1>%d</Param1><Param2>" % ri(1, 999))
    k = ri(0, 3)
    if k == 0:
        b("Face Sheet - ", (xe(nm(p, "LF")), "NAME"), " - MRN ", (mrn(), "MRN"))
    elif k == 1:
        b("Discharge Instructions ", (U(p.last).replace("'", "").replace(" ", "_") + "_" + U(p.first).replace(" ", "_"), "NAME"), " ", (fd(p.dob, "dash_us"), "DATE"), ".pdf")
    elif k == 2:
        b("Wristband ", (nm(p, "hl7_2").replace("^", " "), "NAME"), " DOB ", (fd(p.dob, "us"), "DATE"), " ", (mrn(), "MRN"))
    else:
        b("Lab Requisition - Acc ", (accession(), "OTHER_ID"), " - ", (xe(nm(p, "LF")), "NAME"))
    b("</Param2><Param3>%s</Param3><Param4>\\\\%s</Param4><Param5>%s</Param5><Param6>IP_%s</Param6><Param7>%d</Param7><Param8>%d</Param8></DocumentPrinted></UserData></Event>" % (
        ch(["jthompson", "mgarcia2", "svc-epicprint", "rn4821"]), ws, ch(["HP-4WEST-NURSE", "ZEBRA-ED-WRIST01", "LEX-REG-02"]), server_ip(), ri(10000, 900000), ri(1, 12)))


@tpl("windows_event/security_4624", False)
def t_win_4624(b):
    comp = ch(["EHR-APP-%02d" % ri(1, 9), "MIRTH-PRD-02", "SQL-EHR-PROD", "FAXSRV01"]) + ".lakeside.local"
    acct_ = ch(["svc-mirth", "svc-epicprint", "SQLSERVERAGENT", "svc_backup", "EHR-APP-01$", "ANONYMOUS LOGON"])
    b("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>")
    b(win_system("Microsoft-Windows-Security-Auditing", "54849625-5478-4994-A5BA-3E3B0328C30D", ch([4624, 4624, 4634, 4672]), 0, 12544, 0, "0x8020000000000000", "Security", comp))
    b("<EventData><Data Name='SubjectUserSid'>S-1-5-18</Data><Data Name='SubjectUserName'>%s$</Data><Data Name='SubjectDomainName'>LAKESIDE</Data>"
      "<Data Name='TargetUserName'>%s</Data><Data Name='TargetDomainName'>LAKESIDE</Data><Data Name='LogonType'>%d</Data><Data Name='LogonProcessName'>%s</Data>"
      "<Data Name='AuthenticationPackageName'>%s</Data><Data Name='WorkstationName'>%s</Data><Data Name='LogonGuid'>{%s}</Data><Data Name='IpAddress'>%s</Data><Data Name='IpPort'>%d</Data></EventData></Event>" % (
          comp.split(".")[0], acct_, ch([3, 5, 2, 10]), ch(["Kerberos", "NtLmSsp ", "Advapi  "]), ch(["Kerberos", "NTLM", "Negotiate"]), ch(["-", "JUMP-01", comp.split(".")[0]]),
          UID(), ch(["-", server_ip(), "::1"]), ri(0, 65000)))


# ---------------------------------------------------------------- Android logcat
def logcat_prefix(lvl, tag):
    pid = ri(1000, 32000)
    return "%s  %5d  %5d %s %s: " % (NOW.strftime("%m-%d %H:%M:%S.") + "%03d" % (NOW.microsecond // 1000), pid, pid + ri(0, 80), lvl, tag)


def t_logcat_dev(b):
    p = person()
    k = ri(0, 3)
    if k == 0:
        b(logcat_prefix("I", "DeviceRegistration"), "registered handset imei=", (imei(), "DEVICE"), " model=%s for member=" % ch(["SM-S918U", "Pixel 8", "moto g power 5G"]),
          (member_id(), "HEALTH_PLAN_ID"))
    elif k == 1:
        b(logcat_prefix("D", "PumpBridge"), "paired pump serial=", ("NG" + dg(7) + "H", "DEVICE"), " fw=%d.%02d for patient " % (ri(1, 9), ri(0, 99)), (mrn(), "MRN"))
    elif k == 2:
        b(logcat_prefix("I", "CgmService"), "transmitter ", ("8G" + al(4, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), "DEVICE"), " connected rssi=-%d bond=BONDED user=" % ri(40, 95),
          (p.email, "EMAIL"))
    else:
        b(logcat_prefix("D", "BluetoothGatt"), "connect() - device: ", (mac(), "DEVICE"), ", auto: false (glucometer %s, owner " % ch(["Contour Next One", "Accu-Chek Guide", "OneTouch Verio Reflect"]),
          (mrn(), "MRN"), ")")


def t_logcat_http(b):
    p = person()
    m = mrn()
    k = ri(0, 2)
    if k == 0:
        b(logcat_prefix("D", "OkHttp"), "--> GET ", ("https://api.lakesidehealth.org/v2/patients/%s/%s" % (m, ch(["medications", "appointments", "results?since=30d"])), "URL"))
    elif k == 1:
        b(logcat_prefix("D", "OkHttp"), "")
        J(b, {"firstName": (p.first, "NAME"), "lastName": (p.last, "NAME"), "dob": (fd(p.dob, "iso"), "DATE"), "mrn": (m, "MRN"), "preferredPharmacy": ch(PHARMACIES)})
    else:
        b(logcat_prefix("I", "PortalSession"), "signed in as ", (p.email, "EMAIL"), " patientId=", (m, "MRN"), " proxyFor=", (nm(person(), "fl"), "NAME"))


@tpl("logcat/app", True)
def t_logcat_app(b):
    (t_logcat_dev if rr() < 0.55 else t_logcat_http)(b)


@tpl("logcat/activity_manager", False)
def t_logcat_am(b):
    k = ri(0, 3)
    if k == 0:
        b(logcat_prefix("I", "ActivityManager"), "Start proc %d:com.lakeside.mychart/u0a%d for next-top-activity {com.lakeside.mychart/com.lakeside.mychart.MainActivity}" % (ri(1000, 32000), ri(100, 400)))
    elif k == 1:
        b(logcat_prefix("W", "System.err"), "java.net.SocketTimeoutException: timeout")
    elif k == 2:
        b(logcat_prefix("D", "OkHttp"), "<-- 200 https://api.lakesidehealth.org/v2/config (%dms, %d-byte body)" % (ri(20, 900), ri(100, 9000)))
    else:
        b(logcat_prefix("E", "AndroidRuntime"), "FATAL EXCEPTION: main Process: com.lakeside.mychart, PID: %d" % ri(1000, 32000))


# ---------------------------------------------------------------- iOS
@tpl("ios/unified", True)
def t_ios(b):
    p = person()
    m = mrn()
    k = ri(0, 2)
    tz = ch(["-0600", "-0500", "-0700", "-0800"])
    if rr() < 0.5:
        b("%s%s LakesideHealth[%d:%x] " % (NOW.strftime("%Y-%m-%d %H:%M:%S.%f"), tz, ri(100, 9999), ri(0x10000, 0xfffff)))
    else:
        b("%s%s  0x%x   Default     0x0                  %d   0    LakesideHealth: " % (NOW.strftime("%Y-%m-%d %H:%M:%S.%f"), tz, ri(0x10000, 0xfffff), ri(100, 9999)))
    if k == 0:
        b("[com.lakeside.health:sync] Uploaded %d HealthKit samples for patient " % ri(1, 90), (m, "MRN"), " (dob ", (fd(p.dob, "iso"), "DATE"), ")")
    elif k == 1:
        b("[com.lakeside.health:network] GET ", ("https://api.lakesidehealth.org/v2/patients/%s/appointments" % m, "URL"), " -> %d user=<private>" % ch([200, 200, 401]))
    else:
        b("[com.lakeside.health:profile] Saved emergency contact ", (nm(person(), "fl"), "NAME"), " phone ", (fphone(p.phone2, ch(["paren", "dash", "e164"])), "PHONE"),
          " for ", (p.email, "EMAIL"))


@tpl("ios/crash_header", False)
def t_ios_crash(b):
    k = ri(0, 5)
    if k == 0:
        b("Incident Identifier: %s" % UID())
    elif k == 1:
        b("Hardware Model:      %s" % ch(["iPhone15,2", "iPhone14,5", "iPhone16,1", "iPad13,18"]))
    elif k == 2:
        b("OS Version:          iPhone OS 17.%d.%d (21D%d)" % (ri(0, 4), ri(0, 2), ri(10, 99)))
    elif k == 3:
        b("Date/Time:           %s.%04d %s" % (sp_s(), ri(0, 9999), ch(["-0600", "-0500"])))
    elif k == 4:
        b("Exception Type:  EXC_CRASH (SIGABRT)  Triggered by Thread:  0  CrashReporter Key:   %s" % hx(40))
    else:
        b("%d   %-30s\t0x%016x %s + %d" % (ri(0, 30), ch(["libsystem_kernel.dylib", "LakesideHealth", "UIKitCore", "libswiftCore.dylib"]), ri(2**32, 2**36), ch(["__pthread_kill", "specialized PatientStore.load()", "-[UIApplication _run]"]), ri(4, 900)))


# ---------------------------------------------------------------- Sentry
@tpl("sentry/event", True)
def t_sentry(b):
    p = person()
    m = mrn()
    host = ch(PORTAL_HOSTS)
    st = "ST-%d-%07d" % (NOW.year, ri(1, 9999999))
    d = {"event_id": hx(32), "timestamp": round(epoch() + rr(), 3), "platform": "javascript", "level": "error", "logger": "",
         "transaction": "/patients/:mrn/billing", "release": "portal-web@%s" % ver(), "environment": "production",
         "request": {"url": ("https://%s/patients/%s/billing?statement=%s" % (host, m, st), "URL"), "method": "GET",
                     "headers": {"User-Agent": ua_browser(), "Referer": "https://%s/home" % host}},
         "user": {"id": (m, "MRN"), "email": (p.email, "EMAIL"), "ip_address": (patient_ip(), "IP")},
         "exception": {"values": [{"type": "TypeError", "value": "Cannot read properties of undefined (reading 'balance')",
                                   "stacktrace": {"frames": [{"filename": "app:///static/js/billing.%s.js" % hx(8), "function": "StatementView", "lineno": ri(1, 9000), "colno": ri(1, 200), "in_app": True}]}}]},
         "tags": {"browser": "Chrome 122.0.0", "os": "Windows 10", "url": ("https://%s/patients/%s/billing?statement=%s" % (host, m, st), "URL")},
         "sdk": {"name": "sentry.javascript.react", "version": "7.%d.0" % ri(80, 110)}}
    if rr() < 0.5:
        del d["tags"]["url"]
    J(b, d)


# ---------------------------------------------------------------- Logstash / Fluent Bit
def rb(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


@tpl("logstash/rubydebug", True)
def t_rubydebug(b):
    p = person()
    m = mrn()
    dob = fd(p.dob, "compact")
    name = nm(p, "hl7")
    f = fac()
    b('{ "@timestamp" => %s, "@version" => "1", "host" => { "name" => "%s" }, "message" => "PID|1||' % (iso_ms(), ch(["mirth-prod-02", "hl7-router-7d9f8"])),
      (m, "MRN"), "^^^%s^MR||" % f[1], (name, "NAME"), "||", (dob, "DATE"), '|%s", "hl7" => { "pid" => { "mrn" => "' % p.sex, (m, "MRN"),
      '", "dob" => "', (dob, "DATE"), '", "name" => "', (name, "NAME"), '" } }, "tags" => [ "hl7", "%s" ] }' % ch(["_grokparsefailure", "adt", "_dateparsefailure"]))


@tpl("logstash/pipeline", False)
def t_ls_pipeline(b):
    ts = sp_ms(sep=",").replace(" ", "T")
    b(ch(['[%s][INFO ][logstash.javapipeline    ][main] Pipeline started {"pipeline.id"=>"main"}' % ts,
          '[%s][WARN ][logstash.outputs.elasticsearch][main][%s] Retrying failed action {:status=>429, :action=>["index", {:_id=>nil, :_index=>"hl7-%s", :routing=>nil}, {}], :error=>{"type"=>"es_rejected_execution_exception"}}' % (ts, hx(64), NOW.strftime("%Y.%m.%d")),
          '[%s][INFO ][logstash.agent           ] Pipelines running {:count=>%d, :running_pipelines=>[:main, :hl7], :non_running_pipelines=>[]}' % (ts, 2),
          '[%s][INFO ][org.logstash.beats.Server][main][%s] Starting server on port: 5044' % (ts, hx(64))]))


@tpl("fluentbit/stdout", True)
def t_fluentbit(b):
    p = person()
    app = ch(["intake-api", "portal-bff", "sched-api"])
    pod = podname(app)
    ns = ch(NS)
    b("[%d] kube.var.log.containers.%s_%s_%s-%s.log: [%d.%09d, {" % (ri(0, 9), pod, ns, app, hx(64), epoch(), NOW.microsecond * 1000 + ri(0, 999)))
    b('"time"=>"%s", "stream"=>"stdout", "_p"=>"F", "log"=>"' % iso_us().replace("Z", "%03dZ" % ri(0, 999)))
    k = ri(0, 2)
    if k == 0:
        b('INFO intake submitted name=\\"', (nm(p, "fl"), "NAME"), '\\" dob=', (fd(p.dob, "iso"), "DATE"), " phone=", (fphone(p.phone, "dash"), "PHONE"))
    elif k == 1:
        b('{\\"level\\":\\"warn\\",\\"msg\\":\\"address mismatch\\",\\"mrn\\":\\"', (mrn(), "MRN"), '\\",\\"zip\\":\\"', (p.zip, "ZIP"), '\\"}')
    else:
        b("ERROR sched: slot conflict for patient ", (mrn(), "MRN"), " at ", (appt_dt().strftime("%Y-%m-%d %H:%M"), "DATE"))
    b('", "kubernetes"=>{"pod_name"=>"%s", "namespace_name"=>"%s", "host"=>"%s", "container_name"=>"%s"}}]' % (pod, ns, ec2host(), app))


@tpl("fluentbit/engine", False)
def t_fb_engine(b):
    ts = NOW.strftime("%Y/%m/%d %H:%M:%S")
    b(ch(["[%s] [ info] [output:es:es.0] worker #%d started" % (ts, ri(0, 3)),
          "[%s] [ warn] [engine] failed to flush chunk '1-%d.%09d.flb', retry in %d seconds: task_id=%d, input=tail.0 > output=es.0 (out_id=0)" % (ts, epoch(), ri(0, 999999999), ri(5, 60), ri(0, 40)),
          "[%s] [ info] [input:tail:tail.0] inotify_fs_add(): inode=%d watch_fd=%d name=/var/log/containers/%s_%s_%s-%s.log" % (ts, ri(10**5, 10**7), ri(1, 90), podname(ch(APPS)), ch(NS), ch(APPS), hx(64)),
          "[%s] [ info] [engine] started (pid=1)" % ts]))


# ---------------------------------------------------------------- CSV
@tpl("csv/header", False)
def t_csv_hdr(b):
    b(ch(["mrn,last_name,first_name,dob,sex,ssn,address1,city,state,zip,phone",
          '"MemberID","SubscriberFirst","SubscriberLast","DOB","Relationship","GroupNo","EffDate","TermDate"',
          "ClaimNo|MemberId|PatLast|PatFirst|DOB|FromDOS|ToDOS|CPT|ICD10|RenderingNPI|Billed|Status",
          "# exported %s rows=%d by %s" % (iso_s(T(-ri(3600, 30000))), ri(100, 900000), ch(SVC_USERS[:4])),
          "PATIENT_ID;NOM;PRENOM;DATE_NAISSANCE;CODE_POSTAL",
          "encounter_id,admit_dt,disch_dt,drg,los_days,payer_class"]))


@tpl("csv/claims_row", True)
def t_csv_claims(b):
    p = person()
    c = clin()
    cpt = ch(CPTS)
    cd = ch(CONDS)
    dos = svc_date(90)
    sep = ch([",", "|"])
    b((claim_no(), "OTHER_ID"), sep, (member_id(), "HEALTH_PLAN_ID"), sep, (U(p.last), "NAME"), sep, (U(p.first), "NAME"), sep, (fd(p.dob, "compact"), "DATE"), sep)
    b((fd(dos, "compact"), "DATE"), sep, (fd(dos, "compact"), "DATE"), sep, cpt[0], sep, cd[2], sep, (c.npi, "NPI"), sep, "%d.%02d" % (ri(40, 4000), ri(0, 99)), sep, ch(["PAID", "DENIED", "PEND"]))


@tpl("csv/roster_row", True)
def t_csv_roster(b):
    p = person()
    q = '"'
    addr = p.street + (", " + p.unit if p.unit else "")
    b(q, (mrn(), "MRN"), q, ",", q, (nm(p, "lf"), "NAME"), q, ",", q, (fd(p.dob, "us"), "DATE"), q, ",", q, (addr, "ADDRESS"), q, ",", q, (p.city, "ADDRESS"), q,
      ",%s%s%s," % (q, p.state, q), q, (p.zip + ("-" + p.zip4 if rr() < 0.4 else ""), "ZIP"), q, ",", q, (fphone(p.phone, "paren"), "PHONE"), q, ",")
    if rr() < 0.7:
        b(q, (p.email, "EMAIL"), q)
    b(",%s,%s" % (ch(["Y", "N", ""]), ch(["PCP-%03d" % ri(1, 400), ""])))


# ---------------------------------------------------------------- non-English notes / chat
def note_prefix(lang):
    return ch(["", "", "%s note_id=NT%08d lang=%s author_role=%s text=" % (iso_s(), ri(1, 99999999), lang, ch(["RN", "MD", "SW", "CM"])),
               "[%s] chat room=#%s from=u%05d: " % (NOW.strftime("%H:%M"), ch(["triage", "ward-4", "intake", "callcenter"]), ri(1, 99999))])


def old_p():
    return rr() < 0.35


def rnd_date_old_or_young(old):
    return rand_dob(old)


# Dutch
NL_F = ["Sanne", "Anouk", "Fleur", "Lotte", "Johanna", "Wilhelmina", "Emma", "Geertruida", "Femke"]
NL_M = ["Jan", "Pieter", "Hendrik", "Daan", "Willem", "Cornelis", "Gerrit", "Bram", "Sem"]
NL_S = ["de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "Smit", "de Jong", "van Dijk", "Mulder", "de Boer", "Vermeulen", "van der Meer", "Hoekstra"]


def nl_phone():
    return ch(["06-%s" % dg(8), "+31 6 %s %s" % (dg(4), dg(4)), "020-%s" % dg(7), "06 %s %s" % (dg(4), dg(4))])


@tpl("clinical_note_i18n/nl", True)
def t_nl(b):
    old = old_p()
    sex = ch("FM")
    first, last = ch(NL_F if sex == "F" else NL_M), ch(NL_S)
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("nl"))
    k = ri(0, 2)
    if k == 0:
        b("Pt. ", (first + " " + last, "NAME"), " (", age_item(age), " jr), geb. ", (fd(dob, "dmy_dash"), "DATE"), ", opgenomen op ", (fd(svc_date(5), ch(["dmy_dash", "dmy"])), "DATE"),
          " via SEH i.v.m. %s. Dochter " % ch(["pneumonie", "hartfalen", "valpartij", "delier", "COPD-exacerbatie"]), (ch(NL_F), "NAME"), " gebeld op ", (nl_phone(), "PHONE"), ".")
    elif k == 1:
        ud = svc_date(20)
        b("Mevr. " if sex == "F" else "Dhr. ", (last[0].upper() + last[1:], "NAME"), " belde terug over de uitslag van ", ("%d %s" % (ud.day, ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"][ud.month - 1]), "DATE"),
          "; verzoekt terugbellen op ", (nl_phone(), "PHONE"), ". Patiëntnummer ", (dg(8), "MRN"), ".")
    else:
        b("Overdracht: %s " % ("mevr." if sex == "F" else "dhr."), (first + " " + last, "NAME"), ", ", age_item(age), " jaar, woont ",
          ("%s %d%s" % (ch(["Kerkstraat", "Dorpsweg", "Prinsengracht", "Laan van Meerdervoort", "Hoofdstraat", "Molenweg"]), ri(1, 400), ch(["", "", "a", "-II", "B"])), "ADDRESS"),
          ", ", (ch(["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Zwolle"]), "ADDRESS"), ". Valrisico hoog, heup-OK gepland ", (fd(svc_date(-1, 10), "dmy_dash"), "DATE"), ".")


# Japanese
JA_S = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
JA_F = ["花子", "陽子", "美咲", "恵子", "幸子", "和子", "千代"]
JA_M = ["太郎", "健一", "誠", "浩", "翔太", "隆", "正雄"]


def ja_date(d, era=None):
    era = rr() < 0.4 if era is None else era
    y = d.year
    if era:
        if y >= 2019:
            e = "令和%d年" % (y - 2018)
        elif y >= 1989:
            e = "平成%d年" % (y - 1988)
        elif y >= 1926:
            e = "昭和%d年" % (y - 1925)
        else:
            e = "大正%d年" % (y - 1911)
        return "%s%d月%d日" % (e, d.month, d.day)
    return "%d年%d月%d日" % (y, d.month, d.day)


@tpl("clinical_note_i18n/ja", True)
def t_ja(b):
    old = old_p()
    sex = ch("FM")
    fam = ch(JA_S)
    name = fam + ch(["", " ", "　"]) + ch(JA_F if sex == "F" else JA_M)
    dob = rand_dob(old)
    age = age_of(dob)
    phone = ch(["090-%s-%s" % (dg(4), dg(4)), "03-%s-%s" % (dg(4), dg(4)), "080-%s-%s" % (dg(4), dg(4)), "06-%s-%s" % (dg(4), dg(4))])
    b(note_prefix("ja"))
    k = ri(0, 2)
    if k == 0:
        adm = svc_date(7)
        b((name, "NAME"), "様（", age_item(age), "歳・%s）" % ("女性" if sex == "F" else "男性"), ("%d月%d日" % (adm.month, adm.day), "DATE"),
          "入院。主訴：%s。緊急連絡先：長女 " % ch(["発熱", "呼吸困難", "胸痛", "転倒", "食欲不振"]), (fam + ch(JA_F), "NAME"), "（", (phone, "PHONE"), "）。")
    elif k == 1:
        b("患者ID：", (dg(10), "MRN"), "　", (name, "NAME"), "　生年月日：", (ja_date(dob), "DATE"), "　住所：",
          (ch(["東京都世田谷区桜丘", "大阪府大阪市北区梅田", "神奈川県横浜市港北区日吉", "愛知県名古屋市中区栄", "福岡県福岡市中央区天神"]) + "%d-%d-%d" % (ri(1, 9), ri(1, 30), ri(1, 20)), "ADDRESS"))
    else:
        d = svc_date(-1, 14)
        b("【申し送り】", (name, "NAME"), "さん、", age_item(age), "歳、転倒リスク高。", ("%d/%d" % (d.month, d.day), "DATE"), "にCT予定。")


# Hindi
HI_F = ["सुनीता", "प्रिया", "अनीता", "कविता", "लक्ष्मी", "गीता", "सरोज"]
HI_M = ["राजेश", "अमित", "सुरेश", "विजय", "रमेश", "अरुण", "मोहन"]
HI_S = ["शर्मा", "वर्मा", "पटेल", "कुमार", "सिंह", "गुप्ता", "यादव", "अग्रवाल"]


def in_phone():
    return ch(["+91 9%s %s" % (dg(4), dg(5)), "09%s%s" % (dg(4), dg(5)), "98%s-%s" % (dg(3), dg(5)), "+91-7%s" % dg(9)])


@tpl("clinical_note_i18n/hi", True)
def t_hi(b):
    old = old_p()
    sex = ch("FM")
    name = ch(HI_F if sex == "F" else HI_M) + " " + ch(HI_S)
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("hi"))
    k = ri(0, 2)
    if k == 0:
        b("मरीज़ ", (name, "NAME"), ", उम्र ", age_item(age), " वर्ष, जन्मतिथि ", (fd(dob, ch(["dmy", "dmy_dash"])), "DATE"), ", को ", (fd(svc_date(6), "dmy"), "DATE"),
          " को भर्ती किया गया। संपर्क: ", (in_phone(), "PHONE"))
    elif k == 1:
        b((name, "NAME"), " (UHID ", (dg(ri(8, 12)), "MRN"), ") का फॉलो-अप ", (fd(svc_date(-2, 20), "dmy"), "DATE"), " को है। पता: ",
          ("%d/%d %s" % (ri(1, 99), ri(1, 20), ch(["गांधी नगर", "शास्त्री नगर", "मालवीय नगर", "राजेंद्र नगर"])), "ADDRESS"), ", ", (ch(["जयपुर", "दिल्ली", "लखनऊ", "पटना", "इंदौर", "भोपाल"]), "ADDRESS"))
    else:
        b("डॉ. ", (ch(HI_M + HI_F) + " " + ch(HI_S), "NAME"), " ने ", (name, "NAME"), " को मेटफॉर्मिन 500 mg दिन में दो बार लिखा। बेटे ", (ch(HI_M), "NAME"), " का नंबर ", (in_phone(), "PHONE"))


# Russian
RU_SM = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Волков", "Морозов", "Лебедев"]
RU_F = ["Мария", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Галина"]
RU_M = ["Сергей", "Алексей", "Дмитрий", "Николай", "Владимир", "Михаил"]
RU_PF = ["Петровна", "Ивановна", "Сергеевна", "Николаевна", "Александровна"]
RU_PM = ["Петрович", "Иванович", "Сергеевич", "Николаевич", "Александрович"]


def ru_years(n):
    if 11 <= n % 100 <= 14:
        return "лет"
    return {1: "год", 2: "года", 3: "года", 4: "года"}.get(n % 10, "лет")


def ru_name(sex, initials=None):
    sur = ch(RU_SM) + ("а" if sex == "F" else "")
    g = ch(RU_F if sex == "F" else RU_M)
    pt = ch(RU_PF if sex == "F" else RU_PM)
    initials = rr() < 0.3 if initials is None else initials
    return "%s %s.%s." % (sur, g[0], pt[0]) if initials else "%s %s %s" % (sur, g, pt)


def ru_phone():
    return ch(["+7 (9%s) %s-%s-%s" % (dg(2), dg(3), dg(2), dg(2)), "8-9%s-%s-%s-%s" % (dg(2), dg(3), dg(2), dg(2)), "+79%s" % dg(9)])


@tpl("clinical_note_i18n/ru", True)
def t_ru(b):
    old = old_p()
    sex = ch("FM")
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("ru"))
    k = ri(0, 2)
    if k == 0:
        b("Пациентка " if sex == "F" else "Пациент ", (ru_name(sex), "NAME"), ", ", age_item(age), " %s, д.р. " % ru_years(age), (fd(dob, "dot"), "DATE"),
          ", поступила " if sex == "F" else ", поступил ", (fd(svc_date(5), "dot"), "DATE"), " с диагнозом %s. Тел.: " % ch(["пневмония", "ХСН", "ОНМК", "сахарный диабет 2 типа", "перелом шейки бедра"]),
          (ru_phone(), "PHONE"), ".")
    elif k == 1:
        b((ru_name(sex, False), "NAME"), ", полис ОМС ", (dg(16), "HEALTH_PLAN_ID"), ", СНИЛС ", ("%s-%s-%s %s" % (dg(3), dg(3), dg(3), dg(2)), "OTHER_ID"), ", адрес: г. ",
          (ch(["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург"]), "ADDRESS"), ", ",
          ("ул. %s, д. %d, кв. %d" % (ch(["Ленина", "Пушкина", "Гагарина", "Садовая", "Мира", "Советская"]), ri(1, 120), ri(1, 300)), "ADDRESS"), ".")
    else:
        b("Звонила дочь пациента, ", (ru_name("F", False).split(" ")[1] + " " + ru_name("F", False).split(" ")[2], "NAME"), ", просит перезвонить по номеру ", (ru_phone(), "PHONE"),
          ". Карта № ", ("%d/%02d" % (ri(1000, 99999), NOW.year % 100), "MRN"), ".")


# Turkish
TR_F = ["Ayşe", "Fatma", "Emine", "Zeynep", "Elif", "Hatice", "Meryem"]
TR_M = ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim"]
TR_S = ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan"]


def tr_gen_suffix(word):
    vow = [c for c in word.lower() if c in "aeıioöuü"]
    v = vow[-1] if vow else "e"
    s = {"a": "ın", "ı": "ın", "e": "in", "i": "in", "o": "un", "u": "un", "ö": "ün", "ü": "ün"}[v]
    if word[-1].lower() in "aeıioöuü":
        s = "n" + s
    return "'" + s


def tckn():
    d = [ri(1, 9)] + [ri(0, 9) for _ in range(8)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d.append(d10)
    d.append(sum(d) % 10)
    return "".join(map(str, d))


def tr_phone():
    return ch(["05%d%d %s %s %s" % (ri(3, 5), ri(0, 9), dg(3), dg(2), dg(2)), "+90 5%d%d %s %s %s" % (ri(3, 5), ri(0, 9), dg(3), dg(2), dg(2)), "05%s" % dg(9)])


@tpl("patient_chat_i18n/tr", True)
def t_tr(b):
    old = old_p()
    sex = ch("FM")
    sur = ch(TR_S)
    name = ch(TR_F if sex == "F" else TR_M) + " " + sur
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("tr"))
    k = ri(0, 2)
    if k == 0:
        b("Merhaba, ben ", (ch(TR_F) + " " + sur, "NAME"), ", ", (name, "NAME"), tr_gen_suffix(sur) + " kızıyım. %s " % ("Annem" if sex == "F" else "Babam"), age_item(age), " yaşında, ",
          (fd(dob, "dot"), "DATE"), " doğumlu. Randevusu ", (fd(svc_date(-1, 20), "dot"), "DATE"), " tarihinde. Beni ", (tr_phone(), "PHONE"), " numarasından arayabilir misiniz?")
    elif k == 1:
        b("Hasta ", (name, "NAME"), ", TC ", (tckn(), "OTHER_ID"), ", adres: ", ("%s Cad. No: %d D: %d" % (ch(["Atatürk", "İstiklal", "Bağdat", "Cumhuriyet", "Gazi"]), ri(1, 300), ri(1, 30)), "ADDRESS"),
          ", ", (ch(["Kadıköy/İstanbul", "Çankaya/Ankara", "Konak/İzmir", "Nilüfer/Bursa"]), "ADDRESS"), ". Kontrol ", (fd(svc_date(-1, 30), "dot"), "DATE"), ".")
    else:
        dsex = ch("FM")
        b("Dr. ", (ch(TR_F if dsex == "F" else TR_M) + " " + ch(TR_S), "NAME"), " %s, " % ("Hanım" if dsex == "F" else "Bey"), (name, "NAME"),
          " için reçete yenilenebilir mi? İlaç: metformin 1000 mg. Tel: ", (tr_phone(), "PHONE"))


# Hebrew
HE_F = ["שרה", "רחל", "מרים", "נועה", "אסתר", "חנה", "יעל"]
HE_M = ["דוד", "יוסף", "משה", "אברהם", "יצחק", "אליהו", "חיים"]
HE_S = ["כהן", "לוי", "מזרחי", "פרץ", "ביטון", "פרידמן", "גולדברג", "אזולאי"]


def il_id():
    d = [ri(0, 9) for _ in range(8)]
    s = 0
    for i, x in enumerate(d):
        y = x * (1 if i % 2 == 0 else 2)
        s += y // 10 + y % 10
    return "".join(map(str, d)) + str((10 - s % 10) % 10)


def il_phone():
    return ch(["05%d-%s" % (ri(0, 8), dg(7)), "05%d-%s-%s" % (ri(0, 8), dg(3), dg(4)), "+972-5%d-%s-%s" % (ri(0, 8), dg(3), dg(4)), "0%d-%s" % (ch([2, 3, 4, 8, 9]), dg(7))])


@tpl("patient_chat_i18n/he", True)
def t_he(b):
    old = old_p()
    sex = ch("FM")
    name = ch(HE_F if sex == "F" else HE_M) + " " + ch(HE_S)
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("he"))
    k = ri(0, 2)
    if k == 0:
        b("שלום, אני הבת של ", (name, "NAME"), ". %s " % ("אמא בת" if sex == "F" else "אבא בן"), age_item(age), ', ת"ז ', (il_id(), "OTHER_ID"),
          ", %s-" % ("נולדה ב" if sex == "F" else "נולד ב"), (fd(dob, ch(["dmy", "dot"])), "DATE"), ". אפשר לחזור אליי למספר ", (il_phone(), "PHONE"), "?")
    elif k == 1:
        b("המטופלת " if sex == "F" else "המטופל ", (name, "NAME"), " גרה ב" if sex == "F" else " גר ב", (ch(["תל אביב", "ירושלים", "חיפה", "באר שבע", "פתח תקווה", "נתניה"]), "ADDRESS"), ", ",
          ("%s %d%s" % (ch(["רחוב הרצל", "שדרות רוטשילד", "רחוב ויצמן", "רחוב ז'בוטינסקי"]), ri(1, 200), ch(["", " דירה %d" % ri(1, 40)])), "ADDRESS"),
          '. תור לד"ר ', (ch(HE_F + HE_M) + " " + ch(HE_S), "NAME"), " ב-", (fd(svc_date(-1, 30), "dmy"), "DATE"), ".")
    else:
        b("עדכון: ", (name, "NAME"), " שוחררה ב-" if sex == "F" else " שוחרר ב-", (fd(svc_date(5), "dmy"), "DATE"), ", טלפון בבית ", (il_phone(), "PHONE"), ".")


# Greek
EL_F = ["Μαρία", "Ελένη", "Αικατερίνη", "Σοφία", "Βασιλική", "Γεωργία"]
EL_M = ["Γεώργιος", "Δημήτριος", "Κωνσταντίνος", "Ιωάννης", "Νικόλαος", "Παναγιώτης"]
EL_S = [("Παπαδόπουλος", "Παπαδοπούλου"), ("Νικολάου", "Νικολάου"), ("Γεωργίου", "Γεωργίου"), ("Οικονόμου", "Οικονόμου"),
        ("Βασιλείου", "Βασιλείου"), ("Παπαδάκης", "Παπαδάκη"), ("Αντωνίου", "Αντωνίου"), ("Καραγιάννης", "Καραγιάννη")]


def amka(dob):
    p = "%02d%02d%02d" % (dob.day, dob.month, dob.year % 100) + dg(4)
    return p + luhn_cd(p)


def gr_phone():
    return ch(["69%d %s %s" % (ri(0, 9), dg(3), dg(4)), "+30 69%d%s" % (ri(0, 9), dg(7)), "210 %s" % dg(7), "+30 2310 %s" % dg(6)])


@tpl("patient_chat_i18n/el", True)
def t_el(b):
    old = old_p()
    sex = ch("FM")
    sur = ch(EL_S)[1 if sex == "F" else 0]
    name = ch(EL_F if sex == "F" else EL_M) + " " + sur
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("el"))
    k = ri(0, 2)
    if k == 0:
        b("Καλησπέρα, είμαι η κόρη %s ασθενούς " % ("της" if sex == "F" else "του"), (name, "NAME"), ", ", age_item(age), " ετών, ΑΜΚΑ ", (amka(dob), "OTHER_ID"),
          ". Μπορείτε να με καλέσετε στο ", (gr_phone(), "PHONE"), ";")
    elif k == 1:
        b("Ασθενής ", (name, "NAME"), ", γενν. ", (fd(dob, "dmy"), "DATE"), ", διεύθυνση ", ("%s %d" % (ch(["Ερμού", "Πατησίων", "Εγνατίας", "Αγίου Δημητρίου"]), ri(1, 250)), "ADDRESS"),
          ", ", (ch(["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα"]), "ADDRESS"), ". Ραντεβού ", (fd(svc_date(-1, 30), "dmy"), "DATE"), ".")
    else:
        b("Ο γιατρός ", (ch(EL_M) + " " + ch(EL_S)[0], "NAME"), " ζήτησε νέες εξετάσεις για %s ασθενή: " % ("την" if sex == "F" else "τον"), (name, "NAME"), " (αρ. μητρώου ", (dg(7), "MRN"), ").")


# Swedish
SV_F = ["Anna", "Karin", "Ingrid", "Elin", "Maja", "Birgitta", "Margareta"]
SV_M = ["Erik", "Lars", "Sven", "Björn", "Karl", "Nils", "Gustav"]
SV_S = ["Lindqvist", "Johansson", "Andersson", "Nilsson", "Bergström", "Karlsson", "Sjöberg", "Lundgren", "Eriksson"]


def pnr(dob):
    p = "%02d%02d%02d" % (dob.year % 100, dob.month, dob.day) + dg(3)
    # Swedish Luhn: weights 2,1,2,1... from the left over 9 digits
    s = 0
    for i, c in enumerate(p):
        y = int(c) * (2 if i % 2 == 0 else 1)
        s += y // 10 + y % 10
    cd = (10 - s % 10) % 10
    sep = "+" if age_of(dob) >= 100 else "-"
    full = rr() < 0.4
    return ("%04d%s" % (dob.year, p[2:6]) + "-" + p[6:] + str(cd)) if full else (p[:6] + sep + p[6:] + str(cd))


def se_phone():
    return ch(["070-%s %s %s" % (dg(3), dg(2), dg(2)), "+46 70 %s %s %s" % (dg(3), dg(2), dg(2)), "08-%s %s %s" % (dg(3), dg(2), dg(2)), "073%s" % dg(7)])


@tpl("patient_chat_i18n/sv", True)
def t_sv(b):
    old = old_p()
    sex = ch("FM")
    name = ch(SV_F if sex == "F" else SV_M) + " " + ch(SV_S)
    dob = rand_dob(old)
    age = age_of(dob)
    b(note_prefix("sv"))
    k = ri(0, 2)
    if k == 0:
        ap = appt_dt()
        b("Hej! Jag ringer för min %s " % ("mamma" if sex == "F" else "pappa"), (name, "NAME"), ", ", age_item(age), " år, pnr ", (pnr(dob), "OTHER_ID"),
          ". %s har tid " % ("Hon" if sex == "F" else "Han"), (fd(ap.date(), "iso"), "DATE"), " kl %02d:%02d. Ring mig på " % (ap.hour, ap.minute), (se_phone(), "PHONE"), ".")
    elif k == 1:
        b("Pat. ", (name, "NAME"), ", f. ", (fd(dob, "iso"), "DATE"), ", bor ", ("%s %d%s" % (ch(["Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan"]), ri(1, 90), ch(["", " lgh %d" % ri(1001, 1405)])), "ADDRESS"),
          ", ", (ch(["Uppsala", "Göteborg", "Malmö", "Västerås", "Örebro", "Stockholm"]), "ADDRESS"), ". Inskriven ", (fd(svc_date(6), "iso"), "DATE"),
          " pga %s." % ch(["pneumoni", "hjärtsvikt", "fall i hemmet", "förvirring"]))
    else:
        b("Dr ", (ch(SV_F + SV_M) + " " + ch(SV_S), "NAME"), " har förnyat receptet för ", (name, "NAME"), ". Uthämtas på Apoteket Hjärtat.")


@tpl("i18n_system/notice", False)
def t_i18n_sys(b):
    n = ri(100, 90000)
    host = ch(["db-prod-02", "mirth-prod-01", "fax-gw01", "ehr-app-03"])
    b(ch(["%s INFO Nachtelijke batch voltooid: %s records verwerkt in 00:%02d:%02d op %s" % (iso_s(), "{:,}".format(n).replace(",", "."), ri(0, 59), ri(0, 59), host),
          "%s バックアップが完了しました（%s、所要時間 %d分、サーバー %s）" % (iso_s(), NOW.strftime("%Y-%m-%d 02:00"), ri(3, 90), host),
          "%s Резервное копирование завершено: %d записей, сервер %s, версия %s" % (iso_s(), n, host, ver()),
          "%s Yedekleme tamamlandı: %d kayıt, sunucu %s" % (iso_s(), n, host),
          "%s Säkerhetskopiering klar: %d poster, server %s, nästa körning %s" % (iso_s(), n, host, T(86400).strftime("%Y-%m-%d 02:00")),
          "%s Η εργασία συγχρονισμού ολοκληρώθηκε: %d εγγραφές (%s)" % (iso_s(), n, host),
          "%s הגיבוי הושלם בהצלחה: %d רשומות, שרת %s" % (iso_s(), n, host),
          "%s बैकअप पूरा हुआ: %d रिकॉर्ड, सर्वर %s" % (iso_s(), n, host),
          "%s Wartungsfenster: Dienst %s wird am %s neu gestartet" % (iso_s(), host, T(86400 * ri(1, 7)).strftime("%d.%m.%Y um 22:00"))]))


# ---------------------------------------------------------------- English free text
DX_EN = ["CHF exacerbation", "community-acquired pneumonia", "UTI with delirium", "hip fracture s/p fall", "COPD exacerbation", "DKA", "syncope", "cellulitis"]


@tpl("note_en/nurse_note", True)
def t_nurse(b):
    p = person(old=rr() < 0.4)
    rel = person()
    c = clin()
    k = ri(0, 2)
    b(ch(["", "%s NOTE [RN] " % sp_s(), "Nursing Progress Note: "]))
    if k == 0:
        adm = svc_date(6)
        b("%02d%02d Pt " % (ri(0, 23), ch([0, 15, 30, 45])), (nm(p, "fl"), "NAME"), " (", (mrn(), "MRN"), "), ", age_item(p.age), " y/o %s admitted " % p.sex, ((("%d/%d" % (adm.month, adm.day)) if rr() < 0.5 else fd(adm, "us_nz")), "DATE"),
          " for %s. %s " % (ch(DX_EN), ch(["Daughter", "Son", "Husband", "Wife", "Niece"])), (rel.first, "NAME"), " at bedside, contact ", (fphone(rel.phone, ch(["dash", "dot", "paren"])), "PHONE"), ". Fall precautions in place.")
    elif k == 1:
        dc = svc_date(-1, 3)
        b("Spoke with pt's %s " % ch(["daughter", "son", "spouse", "POA"]), (nm(rel, "fl"), "NAME"), " (", (fphone(rel.phone), "PHONE"), ") re: discharge planning; pt to go home ",
          (fd(dc, ch(["us_nz", "mdy"])), "DATE"), " with HH services to ", (p.street, "ADDRESS"))
        if p.unit:
            b(" ", (p.unit, "ADDRESS"))
        b(", ", (p.city, "ADDRESS"), ". Meds reconciled.")
    else:
        b("Pt is a ", age_item(p.age), "-year-old %s w/ hx of %s seen by Dr. " % ("female" if p.sex == "F" else "male", ch(DX_EN)), (c.last, "NAME"), " on ",
          (fd(svc_date(30), ch(["us", "mdy", "long"])), "DATE"), ". Denies CP/SOB. VSS.")


@tpl("note_en/call_center", True)
def t_callcenter(b):
    p = person()
    k = ri(0, 1)
    b(ch(["", "%s CRM note agent=agent%04d: " % (iso_s(), ri(1, 9999)), "Call Notes - "]))
    if k == 0:
        b("Caller ", (nm(p, "fl"), "NAME"), " (self) called re: EOB for DOS ", (fd(svc_date(60), "us"), "DATE"), ". Verified DOB ", (fd(p.dob, ch(["us", "us_nz"])), "DATE"),
          " and member ID ", (member_id(), "HEALTH_PLAN_ID"), ". Requested address change to ", (p.street, "ADDRESS"))
        if p.unit:
            b(" ", (p.unit, "ADDRESS"))
        b(", ", (p.city, "ADDRESS"), ", %s " % p.state, (p.zip, "ZIP"), ". Callback # ", (fphone(p.phone, ch(["dot", "dash", "paren"])), "PHONE"), ". Ref# ", (case_no(), "OTHER_ID"), ". SSN ending %s verified." % p.ssn[-4:])
        if rr() < 0.4:
            b(" Photo ID: %s DL " % p.state, (dl(p.state), "LICENSE"), ".")
    else:
        r = person()
        b((nm(r, "fl"), "NAME"), " calling on behalf of %s " % ch(["mother", "father", "aunt", "grandmother"]), (nm(p, "fl"), "NAME"), " (DOB ", (fd(p.dob, "us"), "DATE"),
          "); has HIPAA auth on file. Asked about PA ", (auth_no(), "OTHER_ID"), " for MRI. Told 5-7 business days. Card on file ", (fcard(card()[1]), "CREDIT_CARD"), " charged $", "%d.00 copay." % ch([20, 25, 40, 50]))


@tpl("note_en/support_ticket", True)
def t_ticket(b):
    p = person()
    m = mrn()
    host = ch(PORTAL_HOSTS[:2])
    b("ZD-", (str(ri(100000, 999999)), "OTHER_ID"), " [%s] " % ch(["P2", "P3"]))
    k = ri(0, 2)
    if k == 0:
        b("Portal user ", (p.email, "EMAIL"), " unable to view results from ", (fd(svc_date(20), "us"), "DATE"), "; account linked to MRN ", (m, "MRN"), ". Admin link: ",
          ("https://%s/admin/patients/%s" % (host, m), "URL"), " - escalated to Tier 2.")
    elif k == 1:
        v = vin()
        b("Parking validation failed for patient ", (nm(p, "fl"), "NAME"), ": plate ", (plate(), "VEHICLE"), " (%s), VIN " % p.state, (v, "VEHICLE"),
          " on file from valet form; last login from ", (patient_ip(), "IP"), ".")
    else:
        b("Home CPAP not syncing for ", (nm(p, "fl"), "NAME"), " (MRN ", (m, "MRN"), "): ResMed AirSense 11 SN ", (dg(11), "DEVICE"), ", modem IMEI ",
          (imei(), "DEVICE"), ". Patient reachable at ", (fphone(p.phone, ch(["dash", "paren"])), "PHONE"), ". Vendor case opened with ResMed (vendor ref RMD-%s)." % dg(7))


@tpl("note_en/ops_ticket", False)
def t_ops(b):
    b(ch(["INC%07d - Mirth channel %s stalled on mirth-prod-02 (%s) since %02d:%02d CST; %s messages queued. Restarted service as svc-mirth; queue drained by %02d:%02d. RCA: disk full on /var/log. Contact: it-oncall@lakesidehealth.org ext %d." % (
              ri(1, 9999999), ch(CHANNELS), server_ip(), ri(0, 5), ri(0, 59), "{:,}".format(ri(100, 90000)), ri(5, 8), ri(0, 59), ri(1000, 9999)),
          "CHG%07d - Rotate TLS cert for api.lakesidehealth.org (expires %s). Window %s 22:00-23:00 CT. Implementer: svc-deploy via Jenkins build #%d." % (
              ri(1, 9999999), fd(svc_date(-10, 60), "iso"), fd(svc_date(-1, 7), "iso"), ri(100, 9999)),
          "PRB%07d - Intermittent 502s from ALB to portal-web pods (10.42.x.x) between %s and %s UTC; correlated with node ip-10-42-3-17 memory pressure. Upgraded to m6i.2xlarge." % (
              ri(1, 9999999), T(-7200).strftime("%H:%M"), NOW.strftime("%H:%M")),
          "RITM%07d - Create service account svc-reporting-ro for Tableau; owner: BI team (bi-team@lakesidehealth.org); access: CLINICAL_RO role." % ri(1, 9999999)]))


# ----------------------------------------------------------------------------
# generation, self-check, output
# ----------------------------------------------------------------------------
def build():
    global R, NOW
    R = random.Random(SEED)
    recs = []
    for name, phi, f in TEMPLATES:
        for _ in range(N_PHI if phi else N_FREE):
            NOW = new_now()
            b = B()
            f(b)
            recs.append((name, phi, b.text(), b.spans))
    R.shuffle(recs)
    out = []
    for i, (name, phi, text, spans) in enumerate(recs):
        out.append({"id": i + 1, "template": name, "text": text, "spans": [[s, e, t] for s, e, t, _ in spans], "_exp": [v for _, _, _, v in spans], "_phi": phi})
    return out


QUOTES = set("\"'`\u201c\u201d\u2018\u2019")


def check(recs):
    errs = []
    for r in recs:
        t = r["text"]
        if "\n" in t or "\r" in t or len(t.splitlines()) != 1:
            errs.append((r["id"], "raw newline / line separator in text"))
        bt = t.encode("utf-8")
        prev = 0
        for (s, e, ty), exp in zip(r["spans"], r["_exp"]):
            if ty not in TYPES:
                errs.append((r["id"], "bad type %s" % ty))
            if not (0 <= s < e <= len(bt)):
                errs.append((r["id"], "span out of range %r" % ([s, e],)))
                continue
            if s < prev:
                errs.append((r["id"], "spans unsorted/overlapping at %d" % s))
            prev = e
            try:
                seg_ = bt[s:e].decode("utf-8")
            except UnicodeDecodeError:
                errs.append((r["id"], "span not on utf-8 boundary %r" % ([s, e],)))
                continue
            if seg_ != exp:
                errs.append((r["id"], "span text %r != expected %r" % (seg_, exp)))
            if seg_ != seg_.strip() or seg_[0] in QUOTES or seg_[-1] in QUOTES or seg_[-1] == "\\":
                errs.append((r["id"], "span has edge whitespace/quote: %r" % seg_))
            if ty == "NPI" and not (len(seg_) == 10 and seg_.isdigit() and luhn_ok("80840" + seg_)):
                errs.append((r["id"], "invalid NPI %r" % seg_))
            if ty == "CREDIT_CARD":
                dd = "".join(c for c in seg_ if c.isdigit())
                if not luhn_ok(dd):
                    errs.append((r["id"], "card fails Luhn %r" % seg_))
            if ty == "VEHICLE" and len(seg_) == 17 and not vin_ok(seg_):
                errs.append((r["id"], "VIN check digit %r" % seg_))
            if ty == "DEVICE" and len(seg_) == 15 and seg_.isdigit() and not luhn_ok(seg_):
                errs.append((r["id"], "IMEI Luhn %r" % seg_))
            if ty == "SSN":
                dd = "".join(c for c in seg_ if c.isdigit())
                a, g, sr = int(dd[:3]), int(dd[3:5]), int(dd[5:])
                if len(dd) != 9 or a == 0 or a == 666 or a >= 900 or g == 0 or sr == 0:
                    errs.append((r["id"], "bad SSN %r" % seg_))
            if ty == "LICENSE" and len(seg_) == 9 and seg_[:2].isalpha() and seg_[2:].isdigit():
                d = [int(c) for c in seg_[2:]]
                if (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 != d[6]:
                    errs.append((r["id"], "DEA check %r" % seg_))
            if ty == "HEALTH_PLAN_ID" and len(seg_.replace("-", "")) == 11 and seg_[0] in "123456789" and seg_[1] in MBI_A:
                m = seg_.replace("-", "")
                if not (m[3].isdigit() and m[4] in MBI_A and m[6].isdigit() and m[7] in MBI_A and m[8] in MBI_A and m[9:].isdigit()):
                    errs.append((r["id"], "MBI format %r" % seg_))
    ids = [r["id"] for r in recs]
    if ids != list(range(1, len(recs) + 1)):
        errs.append((0, "ids not sequential"))
    return errs


def serialise(recs):
    return "".join(json.dumps({"id": r["id"], "template": r["template"], "text": r["text"], "spans": r["spans"]}, ensure_ascii=False) + "\n" for r in recs)


def main():
    names = [t[0] for t in TEMPLATES]
    if len(set(names)) != len(names):
        print("duplicate template names", file=sys.stderr)
        return 2
    recs = build()
    data = serialise(recs)
    errs = check(recs)
    # every line must round-trip as JSON
    for ln in data.splitlines():
        o = json.loads(ln)
        if set(o) != {"id", "template", "text", "spans"}:
            errs.append((o.get("id"), "bad keys"))
    # PHI templates must carry PHI on every line; PHI-free ones none
    for r in recs:
        if r["_phi"] and not r["spans"]:
            errs.append((r["id"], "PHI template line without spans: " + r["template"]))
        if not r["_phi"] and r["spans"]:
            errs.append((r["id"], "PHI-free template line with spans: " + r["template"]))
    # determinism: rebuild in-process and compare bytes
    if serialise(build()) != data:
        errs.append((0, "non-deterministic output"))
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(data)
    if errs:
        for e in errs[:50]:
            print("SELF-CHECK FAIL id=%s: %s" % e, file=sys.stderr)
        print("%d self-check failures" % len(errs), file=sys.stderr)
        return 1
    fams = sorted(set(n.split("/")[0] for n in names))
    cnt = {}
    for r in recs:
        for s in r["spans"]:
            cnt[s[2]] = cnt.get(s[2], 0) + 1
    free = sum(1 for r in recs if not r["spans"])
    print("wrote %s: %d lines, %d templates (%d PHI, %d PHI-free), %d families, %d PHI-free lines" % (
        OUT, len(recs), len(names), sum(1 for t in TEMPLATES if t[1]), sum(1 for t in TEMPLATES if not t[1]), len(fams), free))
    for k in sorted(cnt):
        print("  %-15s %d" % (k, cnt[k]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
