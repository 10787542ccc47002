"""The true world behind the exports: people, households, employers, addresses, phones, life events.

Faker is called only to fill per-locale pools once (names, streets, companies, job titles); people
are then drawn from the pools with numpy, so the cost of Faker does not grow with the data size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from . import tables as T
from .noise import ascii_local, wpick
from .places import PATTERNS, ROLE_LOCAL, Address, Company, Draw, Emails, Numbers, Places, slug, work_local

SPAN_DAYS = 5022.0  # 2012-01-01 .. 2025-10-01: the period the sources' records were created in
REF_YEAR = 2025

@dataclass(slots=True)
class Person:
    pid: int
    loc: str
    cc: str
    gender: str
    style: str  # western / mono / indo / malay / chinese / indian
    first: str
    last: str
    middle: str = ""
    suffix: str = ""  # generational: Jr, Sr, III, Jnr, jun. ...
    degree: str = ""  # Indonesian academic title (S.Kom) or German "Dr."
    english: str = ""  # English name of a Chinese Malaysian
    nick: str = ""  # the short form this person goes by, if any
    nick_habit: bool = False
    dob: tuple = (1980, 1, 1)
    n_records: int = 1
    household: int = -1
    addr: Address | None = None
    addr2: Address | None = None
    move_t: float = 1e9
    company: int = -1
    title: str = ""
    work_email: str = ""
    office: tuple | None = None
    company2: int = -1
    title2: str = ""
    work_email2: str = ""
    office2: tuple | None = None
    job_t: float = 1e9
    last2: str = ""
    marry_t: float = 1e9
    email: str = ""  # own personal address
    family_email: str = ""  # household inbox shared with others
    mobile: tuple | None = None
    landline: tuple | None = None
    relation: list = field(default_factory=list)  # twin / father_son / namesake
    plan: list = field(default_factory=list)  # [(source, created_day, updated_day)]


@dataclass
class World:
    people: list[Person]
    companies: list[Company]
    household_size: dict[int, int]


# ------------------------------------------------------------------------------------------ pools

def _faker(loc: str, seed: int):
    from faker import Faker

    fake = Faker(T.FAKER_LOCALE[loc])
    fake.seed_instance(seed)
    return fake


def _weighted(pairs, r: random.Random, k: int) -> list:
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return r.choices(values, weights=weights, k=k)


FR_COMPOUND_M = ["Jean-Pierre", "Jean-Luc", "Jean-Marc", "Jean-François", "Jean-Baptiste", "Jean-Claude",
                 "Pierre-Yves", "Jean-Michel", "Jean-Paul"]
FR_COMPOUND_F = ["Marie-Claire", "Marie-Christine", "Anne-Sophie", "Marie-Hélène", "Anne-Marie", "Marie-France"]


@dataclass
class Pools:
    first_m: list[str]
    first_f: list[str]
    last: list[str]
    streets: list[str]
    companies: list[str]
    jobs: list[str]


def build_pools(loc: str, seed: int, n_companies: int) -> Pools:
    fake = _faker(loc, seed)
    r = random.Random(seed)
    if loc == "ms_MY":
        first_m, first_f, last = [], [], []  # drawn per style in people()
    else:
        first_m = [fake.first_name_male() for _ in range(3000)]
        first_f = [fake.first_name_female() for _ in range(3000)]
        last = [fake.last_name() for _ in range(4000)]
        if loc == "fr_FR":
            first_m += r.choices(FR_COMPOUND_M, k=240)
            first_f += r.choices(FR_COMPOUND_F, k=160)
    if loc in ("en_GB", "en_US"):
        suffixes = T.GB_STREET_SUFFIXES if loc == "en_GB" else T.US_STREET_SUFFIXES
        words = T.ENGLISH_STREET_WORDS + [fake.last_name() for _ in range(300)]
        if loc == "en_US":
            words += [f"{i}{'th' if 10 <= i % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(i % 10, 'th')}"
                      for i in range(1, 60)]
        streets = [f"{r.choice(words)} {s}" for s in _weighted(suffixes, r, 3000)]
    else:
        streets = [fake.street_name() for _ in range(3000)]
    if loc == "ms_MY":
        companies = []
        for _ in range(n_companies):
            head = (" ".join(r.sample(T.MY_COMPANY_WORDS, 2)) if r.random() < 0.6
                    else r.choice([s for s, _ in T.MY_CHINESE_SURNAMES]) + " " + r.choice(["Brothers", "& Sons", "Bros"]))
            kind, legal = r.choice(T.MY_COMPANY_KINDS), r.choice(T.MY_LEGAL)
            companies.append(f"{head} {kind}" + ("" if legal == kind else f" {legal}"))
        gb = _faker("en_GB", seed + 1)
        jobs = [gb.job() for _ in range(600)]
    else:
        companies = [fake.company() for _ in range(n_companies)]
        jobs = [fake.job() for _ in range(600)]
    # one job title per line, as a form would hold it
    jobs = [j.split("\n")[0] for j in jobs]
    return Pools(first_m, first_f, last, streets, companies, jobs)
# ---------------------------------------------------------------------------------------- people

def _dob(r: random.Random, year: int) -> tuple:
    year = min(max(year, 1935), 2006)
    month = r.randint(1, 12)
    day = r.randint(1, 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else 28)
    return (year, month, day)


def _my_name(style: str, gender: str, r: random.Random) -> tuple[str, str, str]:
    """(first, last, english) of a Malaysian person."""
    if style == "malay":
        first = r.choice(T.MY_MALAY_M if gender == "M" else T.MY_MALAY_F)
        if gender == "M" and r.random() < 0.3:
            first = r.choices(list(T.MY_MALAY_WEIGHT_M), weights=list(T.MY_MALAY_WEIGHT_M.values()))[0] + (
                " " + r.choice(T.MY_MALAY_M[3:]) if r.random() < 0.7 else "")
        father = r.choice(T.MY_MALAY_M)
        return first, ("bin " if gender == "M" else "binti ") + father, ""
    if style == "chinese":
        surname = wpick(T.MY_CHINESE_SURNAMES, r)
        a, b = r.sample(T.MY_CHINESE_SYLLABLES, 2)
        english = r.choice(T.MY_ENGLISH_M if gender == "M" else T.MY_ENGLISH_F) if r.random() < 0.35 else ""
        return f"{a} {b}", surname, english
    first = r.choice(T.MY_INDIAN_M if gender == "M" else T.MY_INDIAN_F)
    return first, ("a/l " if gender == "M" else "a/p ") + r.choice(T.MY_INDIAN_FATHERS), ""


def _nick(first: str, r: random.Random) -> str:
    options = T.NICKNAMES.get(first)
    return r.choice(options) if options else ""


SON_SUFFIX = {"en_US": [("Jr", "Sr"), ("Jr", "Sr"), ("II", ""), ("III", "II")], "en_GB": [("Jnr", "Snr"), ("Jr", "Sr")],
              "de_DE": [("jun.", "sen.")]}


def build_world(n: int, seed: int, echo=None) -> World:
    rng = np.random.default_rng([seed, 16])
    r = random.Random(seed * 1_000_003 + 16)
    loc_idx = rng.choice(len(T.LOCALES), size=n, p=np.array(T.LOCALE_WEIGHTS) / sum(T.LOCALE_WEIGHTS))
    genders = np.where(rng.random(n) < 0.5, "F", "M")
    years = np.clip(np.round(rng.normal(1979, 14, size=n)), 1937, 2006).astype(int)
    n_records = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.44, 0.16, 0.18, 0.17, 0.05])
    employed_draw = rng.random(n)

    per_loc = np.bincount(loc_idx, minlength=len(T.LOCALES))
    pools: dict[str, Pools] = {}
    for k, loc in enumerate(T.LOCALES):
        n_comp = max(30, int(per_loc[k] * 0.68 / 7))
        pools[loc] = build_pools(loc, seed * 31 + k, n_comp)

    people: list[Person] = []
    draws = {}
    for k, loc in enumerate(T.LOCALES):
        pl = pools[loc]
        cnt = int(per_loc[k]) + 64
        if loc != "ms_MY":
            draws[loc] = (Draw(rng, len(pl.first_m), cnt), Draw(rng, len(pl.first_f), cnt), Draw(rng, len(pl.last), cnt))
    for pid in range(n):
        loc = T.LOCALES[loc_idx[pid]]
        g = str(genders[pid])
        p = Person(pid, loc, T.COUNTRY[loc], g, "western", "", "")
        _name(p, pools, draws, r)
        p.dob = _dob(r, int(years[pid]))
        p.n_records = int(n_records[pid])
        people.append(p)

    # ---- relations: father/son, twins, namesakes (B-sides overwrite other people's attributes)
    order = rng.permutation(n).tolist()
    taken: set[int] = set()

    def next_free(pred=lambda q: True) -> int | None:
        while order:
            i = order.pop()
            if i not in taken and pred(people[i]):
                taken.add(i)
                return i
        return None

    forced_households: list[list[int]] = []
    fs_pairs = max(2, round(0.003 * n))
    for _ in range(fs_pairs):
        father = next_free(lambda q: q.gender == "M" and q.loc in SON_SUFFIX and q.style == "western"
                           and q.dob[0] <= 1972)
        son = next_free(lambda q: q.gender == "M")
        if father is None or son is None:
            break
        f, s = people[father], people[son]
        _become(s, f)
        s.first, s.last, s.middle = f.first, f.last, f.middle if r.random() < 0.5 else s.middle
        s.dob = _dob(r, f.dob[0] + r.randint(22, 35))
        s.nick, s.nick_habit = f.nick, False
        jr, sr = r.choice(SON_SUFFIX[f.loc])
        s.suffix, f.suffix = jr, sr
        f.relation.append("father_son")
        s.relation.append("father_son")
        forced_households.append([father, son])
    twin_pairs = max(1, round(0.002 * n))
    for _ in range(twin_pairs):
        a = next_free(lambda q: q.dob[0] >= 1950)
        b = next_free()
        if a is None or b is None:
            break
        ta, tb = people[a], people[b]
        _become(tb, ta)
        tb.gender = r.choice(["M", "F"])
        while True:
            if ta.loc == "ms_MY":
                tb.first, _, tb.english = _my_name(ta.style, tb.gender, r)
            else:
                _name(tb, pools, draws, r)
            if tb.first != ta.first:
                break
        tb.style = ta.style
        tb.last = ta.last if ta.style not in ("malay", "indian") else _patronym_for(tb, ta)
        tb.dob = ta.dob
        ta.relation.append("twin")
        tb.relation.append("twin")
        forced_households.append([a, b])
    namesake_pairs = max(2, round(0.005 * n))
    namesake_b: dict[int, int] = {}
    for _ in range(namesake_pairs):
        a = next_free(lambda q: q.style in ("western", "malay", "chinese") and q.last)
        b = next_free()
        if a is None or b is None:
            break
        na, nb = people[a], people[b]
        _become(nb, na)
        nb.gender, nb.first, nb.last, nb.middle, nb.english = na.gender, na.first, na.last, "", ""
        nb.nick = na.nick
        nb.dob = _dob(r, na.dob[0] + r.choice([-1, 1]) * r.randint(3, 30))
        na.relation.append("namesake")
        nb.relation.append("namesake")
        namesake_b[b] = a

    # ---- households and homes
    places = Places(pools, r)
    numbers = Numbers(r)
    emails = Emails(r)
    household_size: dict[int, int] = {}
    households: list[list[int]] = list(forced_households)
    for b, a in namesake_b.items():  # both sides were taken out of the pool: each gets a home of its own
        households.append([a])
        households.append([b])
    rest = [i for i in rng.permutation(n).tolist() if i not in taken]
    by_loc: dict[str, list[int]] = {}
    for i in rest:
        by_loc.setdefault(people[i].loc, []).append(i)
    for loc in T.LOCALES:
        members = by_loc.get(loc, [])
        sizes = rng.choice([1, 2, 3, 4], size=len(members) + 1, p=[0.80, 0.15, 0.04, 0.01]).tolist()
        pos = 0
        for size in sizes:
            if pos >= len(members):
                break
            households.append(members[pos:pos + size])
            pos += size
    landline_rate = {"GB": 0.55, "US": 0.35, "DE": 0.65, "FR": 0.55, "ID": 0.2, "MY": 0.3}
    for hid, members in enumerate(households):
        head = people[members[0]]
        home = places.address(head.loc)
        line = numbers.landline(home, us_areas=places.us_areas(home)) if r.random() < landline_rate[head.cc] else None
        family = ""
        if len(members) > 1 and r.random() < 0.12:
            family = _family_inbox(head, emails, r)
        for j, i in enumerate(members):
            p = people[i]
            if j and "twin" not in p.relation and "father_son" not in p.relation:
                _household_member(p, head, j, r)
            p.household, p.addr, p.landline = hid, home, line
            if family and r.random() < 0.8:
                p.family_email = family
        household_size[hid] = len(members)
    # namesake A's city is only known after its household: move each B into A's city now
    for b, a in namesake_b.items():
        pb, pa = people[b], people[a]
        if pb.addr.city != pa.addr.city:
            pb.addr = places.address(pa.loc, _city_index(pa.addr.city, pa.loc))
            if pb.landline:
                pb.landline = numbers.landline(pb.addr, us_areas=places.us_areas(pb.addr))

    # ---- personal details that depend on the final names
    for p in people:
        if p.style == "western" and p.loc in ("en_GB", "en_US") and r.random() < 0.35:
            p.middle = p.middle or r.choice(pools[p.loc].first_m if p.gender == "M" else pools[p.loc].first_f)
        elif p.style == "western" and p.loc in ("de_DE", "fr_FR") and r.random() < 0.1:
            p.middle = p.middle or r.choice(pools[p.loc].first_m if p.gender == "M" else pools[p.loc].first_f)
        if not p.suffix and p.gender == "M" and r.random() < {"en_US": 0.04, "en_GB": 0.005}.get(p.loc, 0.0):
            p.suffix = r.choice(["Jr", "Jr", "III", "II", "Sr"])
        if p.loc == "id_ID" and r.random() < 0.15:
            p.degree = r.choice(T.ID_DEGREES)
        elif p.loc == "de_DE" and r.random() < 0.04:
            p.degree = "Dr."
        if not p.nick:
            p.nick = _nick(p.first, r)
        p.nick_habit = bool(p.nick) and r.random() < 0.35
        p.email = emails.personal(p)
        if p.family_email and r.random() < 0.5:  # the household inbox is their only personal address
            p.email = p.family_email
        if r.random() < 0.96:
            p.mobile = numbers.mobile(p.cc, places.us_areas(p.addr) or _any_us_areas(r) if p.cc == "US" else None)

    # ---- employers
    companies: list[Company] = []
    comp_by_loc: dict[str, list[int]] = {}
    for loc in T.LOCALES:
        ids = []
        seen_domains: set[str] = set()
        for name in pools[loc].companies:
            addr = places.address(loc)
            dom = slug(name, r)
            base = dom
            k = 1
            while dom in seen_domains:
                k += 1
                dom = f"{base}{k}"
            seen_domains.add(dom)
            domain = dom + r.choice(T.DOMAIN_TLD[loc])
            board = numbers.switchboard(addr, us_areas=places.us_areas(addr))
            pattern = wpick(PATTERNS, r)
            companies.append(Company(loc, name, domain, pattern, board, addr, r.choice(ROLE_LOCAL[loc])))
            ids.append(len(companies) - 1)
        comp_by_loc[loc] = ids
    zipf_w = {loc: (1.0 / (np.arange(len(ids)) + 4.0) ** 0.9) for loc, ids in comp_by_loc.items()}
    for loc in zipf_w:
        zipf_w[loc] /= zipf_w[loc].sum()
    comp_draws = {loc: iter(rng.choice(len(ids), size=int(per_loc[k]) * 2 + 10, p=zipf_w[loc]).tolist())
                  for k, (loc, ids) in enumerate(comp_by_loc.items())}

    def job(p: Person, avoid: int = -1) -> tuple:
        while True:
            c = comp_by_loc[p.loc][next(comp_draws[p.loc])]
            if c != avoid:
                break
        comp = companies[c]
        comp.employees += 1
        title = r.choice(pools[p.loc].jobs)
        local = work_local(comp.pattern, p.first, p.last)
        email = emails.unique(local, comp.domain)
        office = numbers.direct(comp.switchboard) if r.random() < 0.45 else None
        return c, title, email, office

    for pid, p in enumerate(people):
        age = REF_YEAR - p.dob[0]
        if employed_draw[pid] < (0.72 if age < 66 else 0.1):
            p.company, p.title, p.work_email, p.office = job(p)

    # ---- which sources hold each person, and when
    from .sources import plan_sources

    for p in people:
        p.plan = plan_sources(p, r)

    # ---- life events between records: moves, job changes, marriages (exact counts, so every run has them)
    multi = [p for p in people if len(p.plan) >= 2]

    def event_time(p: Person) -> float:
        times = sorted(u for _, _, u in p.plan)
        i = r.randrange(len(times) - 1)
        return r.uniform(times[i], times[i + 1])

    def pick(cands: list[Person], rate: float) -> list[Person]:
        k = min(len(cands), max(1, round(rate * len(cands)))) if cands else 0
        return r.sample(cands, k)

    for p in pick(multi, 0.15):
        p.move_t = event_time(p)
        same_city = r.random() < 0.6
        p.addr2 = places.address(p.loc, _city_index(p.addr.city, p.loc) if same_city else None)
    for p in pick([p for p in multi if p.company >= 0], 0.15):
        p.job_t = event_time(p)
        p.company2, p.title2, p.work_email2, p.office2 = job(p, avoid=p.company)
    for p in pick([p for p in multi if p.gender == "F" and p.style == "western" and p.dob[0] >= 1970
                   and not p.relation], 0.06):
        p.marry_t = event_time(p)
        while True:
            p.last2 = r.choice(pools[p.loc].last)
            if p.last2 != p.last:
                break
    return World(people, companies, household_size)


def _any_us_areas(r: random.Random) -> list[str]:
    return r.choice(T.CITIES["en_US"])[4]


def _city_index(city: str, loc: str) -> int | None:
    for i, row in enumerate(T.CITIES[loc]):
        if row[0] == city:
            return i
    return None


def _name(p: Person, pools: dict[str, Pools], draws: dict, r: random.Random) -> None:
    loc = p.loc
    if loc == "ms_MY":
        p.style = r.choices(["malay", "chinese", "indian"], weights=[0.6, 0.25, 0.15])[0]
        p.first, p.last, p.english = _my_name(p.style, p.gender, r)
        return
    pl = pools[loc]
    fm, ff, ln = draws[loc]
    p.first = pl.first_m[fm.next()] if p.gender == "M" else pl.first_f[ff.next()]
    p.last = pl.last[ln.next()]
    p.style = "western"
    if loc != "id_ID" and r.random() < 0.04:  # double-barrelled surname
        other = pl.last[ln.next()]
        if other != p.last and "-" not in p.last + other:
            p.last = f"{p.last}-{other}"
    if loc == "id_ID":
        p.style = "indo"
        if r.random() < 0.15:
            p.style, p.last = "mono", ""


def _become(b: Person, a: Person) -> None:
    """Make ``b`` a person of ``a``'s locale and naming style (before its own details are drawn)."""
    b.loc, b.cc, b.style = a.loc, a.cc, a.style
    b.english, b.middle, b.suffix, b.nick = "", "", "", ""


def _patronym_for(child: Person, parent_like: Person) -> str:
    conn, father = parent_like.last.split(" ", 1)
    if child.style == "malay":
        conn = "bin" if child.gender == "M" else "binti"
    else:
        conn = "a/l" if child.gender == "M" else "a/p"
    return f"{conn} {father}"


def _household_member(p: Person, head: Person, j: int, r: random.Random) -> None:
    """Spouse (j == 1, mostly) or adult child of ``head``: shared surname and plausible age."""
    spouse = j == 1 and r.random() < 0.75
    if spouse:
        p.dob = _dob(r, head.dob[0] + r.randint(-6, 6))
        if p.style == "western" and head.style == "western" and head.last and r.random() < 0.7:
            p.last = head.last
        return
    year = head.dob[0] + r.randint(22, 35)
    if year > 2006:
        year = head.dob[0] - r.randint(22, 30)  # then the head is the child: a parent living with them
    p.dob = _dob(r, year)
    if p.style in ("western", "chinese") and head.style == p.style and head.last:
        p.last = head.last
    elif p.style in ("malay", "indian") and head.style == p.style and head.gender == "M":
        conn = ("bin" if p.gender == "M" else "binti") if p.style == "malay" else ("a/l" if p.gender == "M" else "a/p")
        p.last = f"{conn} {head.first}"


def _family_inbox(head: Person, emails: Emails, r: random.Random) -> str:
    domain = wpick(T.FREE_DOMAINS[head.loc], r)
    last = head.last
    for conn in ("bin ", "binti ", "a/l ", "a/p "):
        last = last.replace(conn, "")
    ln = ascii_local(last) or ascii_local(head.first)
    local = r.choice([f"{ln}family", f"the{ln}s", f"{ln}.home", f"{ln}{r.randint(1, 99)}", f"fam.{ln}",
                      f"{ascii_local(head.first)}and{ln}"])
    return emails.unique(local, domain)
