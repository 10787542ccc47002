"""Where people live and how they are reached: addresses, phone numbers, e-mail addresses, employers' domains."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import tables as T
from .noise import Weighted, ascii_local, fold, wpick

if TYPE_CHECKING:
    from .population import Person, Pools


@dataclass(slots=True)
class Address:
    loc: str
    cc: str
    number: str
    street: str
    unit: str
    city: str
    postcode: str
    region: str
    region_code: str
    area: str  # landline area code of the city (without trunk 0)
    sub_len: int


@dataclass(slots=True)
class Company:
    loc: str
    name: str
    domain: str
    pattern: str
    switchboard: tuple
    addr: Address
    role_local: str
    employees: int = 0


# ---------------------------------------------------------------------------------------- helpers

class Numbers:
    """Unique phone numbers per country."""

    def __init__(self, r: random.Random):
        self.r = r
        self.used: set[tuple] = set()

    def _digits(self, n: int, first: str = "23456789") -> str:
        r = self.r
        return r.choice(first) + f"{r.randrange(10 ** (n - 1)):0{n - 1}d}"

    def _sub(self, cc: str, area: str, n: int, first: str = "23456789") -> str:
        """A subscriber number of ``n`` digits in a range that is in use."""
        leads = T.SUBSCRIBER_LEADS.get((cc, area))
        lead = self.r.choice(leads) if leads else self.r.choice(first)
        rest = n - len(lead)
        return lead + (f"{self.r.randrange(10 ** rest):0{rest}d}" if rest > 0 else "")

    def _take(self, cc, area, sub, kind):
        key = (cc, area, sub)
        if key in self.used:
            return None
        self.used.add(key)
        return (cc, area, sub, kind)

    def mobile(self, cc: str, us_areas: list[str] | None = None) -> tuple:
        r = self.r
        while True:
            if cc == "US":
                area, sub = r.choice(us_areas), self._us_sub()
            elif cc == "FR":
                area = r.choice(T.MOBILE["FR"][0])
                sub = self._sub(cc, area, 9 - len(area), "0123456789")
            elif cc == "MY":
                area = r.choice(T.MOBILE["MY"][0])
                sub = self._sub(cc, area, 8 if area == "11" else 7)
            else:
                prefixes, lengths = T.MOBILE[cc]
                area = r.choice(prefixes)
                sub = self._sub(cc, area, r.choice(lengths), "0123456789")
            got = self._take(cc, area, sub, "mobile")
            if got:
                return got

    def _us_sub(self) -> str:
        while True:
            exch = self._digits(3)
            if exch[1:] != "11" and exch != "555":
                return exch + self._digits(4, "0123456789")

    def landline(self, addr: Address, kind: str = "landline", us_areas=None) -> tuple:
        while True:
            if addr.cc == "US":
                area, sub = self.r.choice(us_areas), self._us_sub()
            else:
                area = addr.area
                sub = self._sub(addr.cc, area, addr.sub_len)
            got = self._take(addr.cc, area, sub, kind)
            if got:
                return got

    def switchboard(self, addr: Address, us_areas=None) -> tuple:
        while True:
            base = self.landline(addr, "switchboard", us_areas)
            cc, area, sub, _ = base
            sub = sub[:-3] + self.r.choice(["000", "100", "500", "200"])
            got = self._take(cc, area, sub, "switchboard")
            if got:
                return got

    def direct(self, board: tuple) -> tuple:
        cc, area, sub, _ = board
        while True:
            got = self._take(cc, area, sub[:-3] + f"{self.r.randrange(1, 1000):03d}", "office")
            if got:
                return got


def _postcode(spec, r: random.Random) -> str:
    kind = spec[0]
    if kind == "gb":
        _, prefixes, lo, hi = spec
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{r.choice(prefixes)}{r.randint(lo, hi)} {r.randint(0, 9)}{r.choice(letters)}{r.choice(letters)}"
    if kind == "zip3":
        return r.choice(spec[1]) + f"{r.randint(1, 99):02d}"
    if kind == "range":
        return f"{r.randint(spec[1], spec[2]):05d}"
    return r.choice(spec[1])


class Places:
    def __init__(self, pools: dict[str, Pools], r: random.Random):
        self.pools = pools
        self.r = r
        self.city_pick = {loc: Weighted([(i, row[2]) for i, row in enumerate(T.CITIES[loc])]) for loc in T.LOCALES}

    def city_index(self, loc: str) -> int:
        return self.city_pick[loc].pick(self.r)

    def address(self, loc: str, city_i: int | None = None) -> Address:
        r = self.r
        if city_i is None:
            city_i = self.city_index(loc)
        row = T.CITIES[loc][city_i]
        street = r.choice(self.pools[loc].streets)
        unit = ""
        if loc == "en_GB":
            number = str(r.choice([r.randint(1, 40), r.randint(1, 40), r.randint(1, 250)]))
            if r.random() < 0.15:
                unit = f"Flat {r.randint(1, 30)}{r.choice(['', '', 'A', 'B'])}"
        elif loc == "en_US":
            number = str(r.choice([r.randint(1, 999), r.randint(100, 9999), r.randint(1000, 19999)]))
            if r.random() < 0.2:
                unit = r.choice(["Apt ", "Apt. ", "Unit ", "#", "Suite "]) + f"{r.randint(1, 40)}{r.choice(['', 'A', 'B', 'C'])}"
        elif loc == "de_DE":
            number = str(r.randint(1, 120)) + (r.choice("abc") if r.random() < 0.07 else "")
        elif loc == "fr_FR":
            number = str(r.randint(1, 150)) + (r.choice([" bis", " ter"]) if r.random() < 0.04 else "")
        elif loc == "id_ID":
            number = str(r.randint(1, 200))
            if r.random() < 0.35:
                unit = f"RT {r.randint(1, 15):02d}/RW {r.randint(1, 12):02d}"
        else:
            number = str(r.randint(1, 120))
            if r.random() < 0.2:
                unit = f"No. {r.randint(1, 30)}-{r.randint(1, 12)}"
                number = ""
        if loc == "en_US":
            city, region, _, spec, _areas, code = row
            area, sub_len = "", 7
        else:
            city, region, _, spec, area, sub_len = row
            code = ""
        return Address(loc, T.COUNTRY[loc], number, street, unit, city, _postcode(spec, r), region, code, area,
                       sub_len)

    def us_areas(self, addr: Address) -> list[str] | None:
        if addr.cc != "US":
            return None
        for row in T.CITIES["en_US"]:
            if row[0] == addr.city:
                return row[4]
        return None


def street_line(a: Address, unit: bool = True, comma: bool = False) -> str:
    """The address line the way the locale writes it."""
    loc = a.loc
    if loc == "en_GB":
        line = f"{a.number} {a.street}"
        return f"{a.unit}, {line}" if unit and a.unit else line
    if loc == "en_US":
        line = f"{a.number} {a.street}"
        return f"{line} {a.unit}" if unit and a.unit else line
    if loc == "de_DE":
        return f"{a.street} {a.number}"
    if loc == "fr_FR":
        return f"{a.number}{',' if comma else ''} {a.street}"
    if loc == "id_ID":
        line = f"{a.street} No. {a.number}"
        return f"{line} {a.unit}" if unit and a.unit else line
    if a.unit:
        return f"{a.unit}, {a.street}" if unit else a.street
    return f"{a.number}, {a.street}"


class Draw:
    """Integers in [0, high) drawn from numpy in blocks."""

    def __init__(self, rng: np.random.Generator, high: int, block: int):
        self.rng, self.high, self.block = rng, high, max(block, 64)
        self.buf: list[int] = []

    def next(self) -> int:
        if not self.buf:
            self.buf = self.rng.integers(0, self.high, self.block).tolist()[::-1]
        return self.buf.pop()


def slug(name: str, r: random.Random) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", fold(name, german=True)) if w]
    drop = {"ltd", "plc", "inc", "llc", "group", "and", "sons", "gmbh", "kg", "ag", "co", "kgaa", "gbr", "ohg",
            "sarl", "sa", "sas", "s", "a", "et", "fils", "pt", "cv", "ud", "tbk", "persero", "perum", "pd", "sdn",
            "bhd", "berhad", "mbh", "e", "v", "ev", "the", "limited", "enterprise"}
    core = [w.lower() for w in words if w.lower() not in drop] or [w.lower() for w in words] or ["company"]
    if len(core) > 1 and (len(core[0]) < 5 or r.random() < 0.3):
        return core[0] + r.choice(["", "-"]) + core[1]
    return core[0]


ROLE_LOCAL = {"en_GB": ["accounts", "info", "office", "enquiries"], "en_US": ["accounts", "info", "billing", "office"],
              "de_DE": ["buchhaltung", "info", "rechnung", "office"], "fr_FR": ["comptabilite", "contact", "info"],
              "id_ID": ["finance", "info", "admin"], "ms_MY": ["accounts", "finance", "admin", "info"]}
PATTERNS = [("first.last", 45), ("f.last", 18), ("firstl", 8), ("first", 5), ("first_last", 8), ("last.first", 6),
            ("flast", 10)]


def work_local(pattern: str, first: str, last: str) -> str:
    f, ln = ascii_local(first), ascii_local(last.replace("bin ", "").replace("binti ", "").replace("a/l ", "")
                                            .replace("a/p ", ""))
    if not ln or ln == f:  # a mononym: the one name is the mailbox
        return f
    if pattern == "first.last":
        return f"{f}.{ln}"
    if pattern == "f.last":
        return f"{f[:1]}.{ln}"
    if pattern == "firstl":
        return f"{f}{ln[:1]}"
    if pattern == "first":
        return f
    if pattern == "first_last":
        return f"{f}_{ln}"
    if pattern == "last.first":
        return f"{ln}.{f}"
    return f"{f[:1]}{ln}"


class Emails:
    def __init__(self, r: random.Random):
        self.r = r
        self.used: set[str] = set()

    def unique(self, local: str, domain: str) -> str:
        local = local.strip("._") or "mail"
        addr = f"{local}@{domain}"
        n = 1
        while addr in self.used:
            n += 1
            addr = f"{local}{n}@{domain}"
        self.used.add(addr)
        return addr

    def personal(self, p: Person) -> str:
        r = self.r
        domain = wpick(T.FREE_DOMAINS[p.loc], r)
        first = p.english if (p.english and r.random() < 0.5) else p.first
        f = ascii_local(first.split(" ")[0] if r.random() < 0.5 else first)
        last = p.last
        for conn in ("bin ", "binti ", "a/l ", "a/p "):
            last = last.replace(conn, "")
        ln = ascii_local(last)
        yy = f"{p.dob[0] % 100:02d}"
        x = r.random()
        if not ln:
            local = f + (yy if x < 0.5 else str(r.randint(1, 999)))
        elif x < 0.28:
            local = f"{f}.{ln}"
        elif x < 0.40:
            local = f"{f}{ln}"
        elif x < 0.50:
            local = f"{f[:1]}{ln}" if r.random() < 0.6 else f"{f[:1]}.{ln}"
        elif x < 0.56:
            local = f"{f}_{ln}"
        elif x < 0.68:
            local = f"{f}{r.choice([yy, str(r.randint(1, 99)), str(r.randint(100, 9999))])}"
        elif x < 0.84:
            local = f"{f}.{ln}{r.choice([yy, str(r.randint(1, 99))])}"
        elif x < 0.89:
            local = f"{ln}.{f}"
        elif x < 0.94:
            local = f"{f}{ln[:1]}{r.randint(1, 99)}"
        else:
            local = f"{r.choice(T.WORD_HANDLES)}{r.choice([f[:3], ''])}{r.randint(1, 999)}"
        return self.unique(local, domain)
