"""The people behind the records: names, family ties, addresses, phones, employers.

Everything is drawn per locale from pools built once (Faker draws plus the lists
in ``data``) and then sampled by index with numpy, so the cost per person is a
handful of array operations and a few cheap string joins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker

from . import data as D
from .noise import slug

LOCS: list[str] = list(D.LOCALES)
L = {code: i for i, code in enumerate(LOCS)}
ISO2 = np.array([D.LOCALES[c][0] for c in LOCS], dtype=object)
TODAY = np.datetime64("2026-12-04", "D")
DAY = np.timedelta64(1, "D")
MALAY, CHINESE, INDIAN = 0, 1, 2


def zipf(n: int, s: float, offset: float) -> np.ndarray:
    w = 1.0 / (np.arange(n) + offset) ** s
    return w / w.sum()


class Pool:
    """Values with sampling weights."""

    def __init__(self, values, p=None):
        self.values = np.asarray(list(values), dtype=object)
        p = np.ones(len(self.values)) if p is None else np.asarray(p, dtype=float)
        self.p = p / p.sum()
        self._cdf = np.cumsum(self.p)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        idx = np.searchsorted(self._cdf, rng.random(n) * self._cdf[-1], side="right")
        return self.values[np.minimum(idx, len(self.values) - 1)]


def ranked(fixed: list[str], drawn: list[str], s: float, offset: float) -> Pool:
    """Names ranked common-first (the fixed list, then Faker's draws by how often they came up), Zipf weights."""
    order = list(dict.fromkeys(fixed))
    known = set(order)
    counts = pd.Series(drawn, dtype=object).value_counts(sort=False)
    counts = counts.sort_values(ascending=False, kind="stable")
    order += [n for n in counts.index if n not in known and n.strip()]
    return Pool(order, zipf(len(order), s, offset))


def weighted(pairs) -> Pool:
    return Pool([p[0] for p in pairs], [p[1] for p in pairs])


class LocalePools:
    def __init__(self, code: str, seed: int):
        self.code = code
        self.iso2 = D.LOCALES[code][0]
        cities = D.CITIES[code]
        self.city_name = np.array([c[0] for c in cities], dtype=object)
        self.city_region = np.array([c[1] for c in cities], dtype=object)
        self.city_p = np.array([c[2] for c in cities], dtype=float)
        self.city_p /= self.city_p.sum()
        self.city_areas = [c[3] for c in cities]
        self.city_pc = [c[4] for c in cities]
        self.providers = weighted(D.PROVIDERS[code])
        tm, tf = D.TITLES[code]
        self.titles = (Pool(tm, np.linspace(2, 1, len(tm))), Pool(tf, np.linspace(2, 1, len(tf))))
        jobs = list(D.JOB_TITLES) + D.LOCAL_JOB_TITLES.get(code, []) * 6
        self.jobs = Pool(jobs, zipf(len(jobs), 0.6, 3))
        fk = None if code == "ms_MY" else Faker(code)
        if fk is not None:
            fk.seed_instance(seed)
            n = 1500
            male = [fk.first_name_male() for _ in range(n)]
            female = [fk.first_name_female() for _ in range(n)]
            last = [fk.last_name() for _ in range(n)]
            self.male = ranked(D.MALE[code].split(), male, 0.9, 5)
            self.female = ranked(D.FEMALE[code].split(), female, 0.9, 5)
            fixed_last = D.SURNAMES[code].split("|") if code == "nl_NL" else D.SURNAMES[code].split()
            self.surname = ranked(fixed_last, last, 0.85, 8)
        else:
            self.my_given = {
                (MALAY, 0): Pool(D.MY_MALAY_MALE, zipf(len(D.MY_MALAY_MALE), 0.9, 3)),
                (MALAY, 1): Pool(D.MY_MALAY_FEMALE, zipf(len(D.MY_MALAY_FEMALE), 0.8, 3)),
                (INDIAN, 0): Pool(D.MY_INDIAN_MALE, zipf(len(D.MY_INDIAN_MALE), 0.8, 3)),
                (INDIAN, 1): Pool(D.MY_INDIAN_FEMALE, zipf(len(D.MY_INDIAN_FEMALE), 0.8, 3)),
            }
            self.my_family = {
                MALAY: Pool(D.MY_MALAY_MALE, zipf(len(D.MY_MALAY_MALE), 0.9, 3)),
                CHINESE: Pool(D.MY_CHINESE_SURNAMES, zipf(len(D.MY_CHINESE_SURNAMES), 1.0, 2)),
                INDIAN: Pool(D.MY_INDIAN_FATHERS, zipf(len(D.MY_INDIAN_FATHERS), 0.8, 3)),
            }
            self.my_english = (Pool(D.MY_CHINESE_ENGLISH_MALE), Pool(D.MY_CHINESE_ENGLISH_FEMALE))
            self.surname = self.my_family[CHINESE]
        self.streets = self._streets(fk)

    def _streets(self, fk) -> Pool:
        code = self.code
        if code in ("en_GB", "en_US", "de_DE"):
            parts, types = {"en_GB": (D.STREETS_GB_PARTS, D.STREETS_GB_TYPES),
                            "en_US": (D.STREETS_US_PARTS, D.STREETS_US_TYPES),
                            "de_DE": (D.STREETS_DE_PARTS, D.STREETS_DE_TYPES)}[code]
            pw = zipf(len(parts), 0.7, 3)
            names, ws = [], []
            for i, part in enumerate(parts):
                for t, tw in types:
                    names.append(f"{part}{t}" if code == "de_DE" and not t[0].isupper() else f"{part} {t}")
                    ws.append(pw[i] * tw)
            if code == "de_DE":
                extra = list(dict.fromkeys(fk.street_name() for _ in range(400)))
                names += extra
                ws += [min(ws) * 0.5] * len(extra)
            return Pool(names, ws)
        fixed = list(D.STREETS_FIXED[code])
        if code == "ms_MY":
            g = np.random.default_rng(len(fixed))
            extra = [f"Jalan {a} {b}/{c}" for a, b, c in zip(g.choice(["SS", "USJ", "PJU", "PJS", "SS", "BU"], 300),
                                                              g.integers(1, 26, 300), g.integers(1, 30, 300))]
            extra += [f"Jalan Taman {w}" for w in ["Melati", "Sri Muda", "Desa", "Bukit Indah", "Cempaka", "Permai"]]
        else:
            extra = [fk.street_name() for _ in range(500)]
        names = list(dict.fromkeys(fixed + extra))
        tail = len(names) - len(fixed)
        w = np.concatenate([zipf(len(fixed), 0.8, 3) * 0.5, np.full(tail, 0.5 / max(1, tail))])
        return Pool(names, w)


# ----------------------------------------------------------------------------- helpers


def rand_digits(rng: np.random.Generator, n: int, length: np.ndarray | int) -> np.ndarray:
    """Digit strings of the given length(s), first digit 2-9 (as real subscriber numbers)."""
    length = np.broadcast_to(np.asarray(length), (n,))
    out = np.empty(n, dtype=object)
    for ln in np.unique(length):
        m = length == ln
        vals = rng.integers(2 * 10 ** (ln - 1), 10 ** ln, m.sum())
        out[m] = vals.astype(str).astype(object)
    return out


def join(parts: list[np.ndarray], sep: str = " ") -> np.ndarray:
    return np.array([sep.join(p for p in row if p) for row in zip(*parts)], dtype=object)


def unique_fix(values: np.ndarray, fix, rng: np.random.Generator, protected: np.ndarray | None = None) -> np.ndarray:
    """Redraw (with ``fix(values, idx, rng)``) entries that repeat another until all are distinct. Protected entries
    are never redrawn (they may share a value among themselves); the others yield to them."""
    values = values.copy()
    order = np.arange(len(values)) if protected is None else np.argsort(~protected, kind="stable")
    for _ in range(60):
        dup = np.zeros(len(values), dtype=bool)
        dup[order] = pd.Series(values[order]).duplicated(keep="first").to_numpy()
        if protected is not None:
            dup &= ~protected
        idx = np.flatnonzero(dup & (values != ""))
        if len(idx) == 0:
            return values
        values[idx] = fix(values, idx, rng)
    raise RuntimeError("could not make values unique")


# ----------------------------------------------------------------------------- addresses and phones


def addresses(rng: np.random.Generator, pools: list[LocalePools], loc: np.ndarray, city: np.ndarray | None = None):
    """Home (or office) addresses: line, city, postcode, region, and the city index within its locale."""
    n = len(loc)
    line = np.empty(n, dtype=object)
    city_name = np.empty(n, dtype=object)
    pc = np.empty(n, dtype=object)
    region = np.empty(n, dtype=object)
    cidx = np.zeros(n, dtype=np.int32) if city is None else city.astype(np.int32).copy()
    for li, lp in enumerate(pools):
        m = np.flatnonzero(loc == li)
        if len(m) == 0:
            continue
        k = len(m)
        if city is None:
            cidx[m] = rng.choice(len(lp.city_name), k, p=lp.city_p)
        ci = cidx[m]
        city_name[m] = lp.city_name[ci]
        region[m] = lp.city_region[ci]
        street = lp.streets.draw(rng, k)
        no = np.minimum(rng.geometric(1 / 35, k), 480).astype(str)
        unit = rng.random(k)
        code = lp.code
        if code == "en_GB":
            flat = rng.integers(1, 30, k)
            line[m] = [f"Flat {f}, {nn} {s}" if u < 0.08 else f"{nn} {s}"
                       for s, nn, u, f in zip(street, no, unit, flat)]
            letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
            out = np.array([lp.city_pc[c][j % len(lp.city_pc[c])] for c, j in zip(ci, rng.integers(0, 10 ** 6, k))],
                           dtype=object)
            inward = (rng.integers(1, 10, k).astype(str).astype(object) + letters[rng.integers(0, 20, k)]
                      + letters[rng.integers(0, 20, k)])
            pc[m] = out + " " + inward
            continue
        if code == "en_US":
            apt = rng.integers(1, 40, k)
            line[m] = [f"{nn} {s} Apt {a}" if u < 0.1 else f"{nn} {s}" for s, nn, u, a in zip(street, no, unit, apt)]
        elif code == "de_DE":
            line[m] = [f"{s} {nn}a" if u < 0.05 else f"{s} {nn}" for s, nn, u in zip(street, no, unit)]
        elif code == "fr_FR":
            line[m] = [f"{nn} bis {s}" if u < 0.03 else f"{nn} {s}" for s, nn, u in zip(street, no, unit)]
        elif code == "nl_NL":
            line[m] = [f"{s} {nn}-{int(u * 100) % 3 + 1}" if u < 0.1 else f"{s} {nn}"
                       for s, nn, u in zip(street, no, unit)]
        elif code == "es_ES":
            floor = rng.integers(1, 9, k)
            door = np.array(list("ABCDI"))[rng.integers(0, 5, k)]
            line[m] = [f"{s}, {nn}, {f}º {d}" if u < 0.45 else f"{s}, {nn}"
                       for s, nn, u, f, d in zip(street, no, unit, floor, door)]
        elif code == "id_ID":
            line[m] = [f"{s} No. {nn}" for s, nn in zip(street, no)]
        else:  # ms_MY
            line[m] = [f"No. {nn}, {s}" if u < 0.4 else f"{nn}, {s}" for s, nn, u in zip(street, no, unit)]
        lo = np.array([lp.city_pc[c][0] for c in ci])
        hi = np.array([lp.city_pc[c][1] for c in ci])
        num = lo + (rng.random(k) * (hi - lo + 1)).astype(int)
        if code == "nl_NL":
            letters = np.array(list("ABCEGHJKLMNPRTVWXZ"))
            pc[m] = (num.astype(str).astype(object) + " " + letters[rng.integers(0, 18, k)]
                     + letters[rng.integers(0, 18, k)])
        else:
            pc[m] = np.char.zfill(num.astype(str), 5).astype(object)
    return line, city_name, pc, region, cidx


DE_MOBILE = ["151", "152", "157", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176", "177", "178",
             "179"]
ID_MOBILE = ["812", "813", "815", "821", "822", "852", "856", "857", "878", "896"]
MY_MOBILE = ["12", "13", "16", "17", "19", "11", "14", "18"]


def landlines(rng, pools, loc, cidx) -> np.ndarray:
    """'cc|area|subscriber' strings in the area of each city."""
    n = len(loc)
    out = np.empty(n, dtype=object)
    for li, lp in enumerate(pools):
        m = np.flatnonzero(loc == li)
        if len(m) == 0:
            continue
        iso = lp.iso2
        areas = np.array([lp.city_areas[c][j % len(lp.city_areas[c])] for c, j in
                          zip(cidx[m], rng.integers(0, 1000, len(m)))], dtype=object)
        alen = np.array([len(a) for a in areas])
        if iso in ("GB", "ID"):
            sl = 10 - alen
        elif iso == "US":
            sl = np.full(len(m), 7)
        elif iso == "DE":
            sl = np.where(alen == 2, rng.integers(7, 9, len(m)), 7)
        elif iso == "FR":
            sl = np.full(len(m), 8)
        elif iso in ("NL", "ES"):
            sl = 9 - alen
        else:  # MY
            sl = np.where(areas == "3", 8, np.where(alen == 1, 7, 6))
        out[m] = D.COUNTRY_CODE[iso] + "|" + areas + "|" + rand_digits(rng, len(m), sl)
    return out


def mobiles(rng, pools, loc, cidx) -> np.ndarray:
    n = len(loc)
    out = np.empty(n, dtype=object)
    for li, lp in enumerate(pools):
        m = np.flatnonzero(loc == li)
        k = len(m)
        if k == 0:
            continue
        iso = lp.iso2
        if iso == "GB":
            area = ("7" + rng.integers(300, 999, k).astype(str)).astype(object)
            sl = 6
        elif iso == "US":
            return_l = landlines(rng, pools, loc[m], cidx[m])
            out[m] = return_l
            continue
        elif iso == "DE":
            area = np.array(DE_MOBILE, dtype=object)[rng.integers(0, len(DE_MOBILE), k)]
            sl = rng.integers(7, 9, k)
        elif iso == "FR":
            area = np.where(rng.random(k) < 0.8, "6", "7").astype(object)
            sl = 8
        elif iso == "NL":
            area = np.full(k, "6", dtype=object)
            sl = 8
        elif iso == "ES":
            area = ("6" + rng.integers(0, 100, k).astype(str).astype(object)).astype(object)
            area = np.array([a if len(a) == 3 else a[0] + "0" + a[1] for a in area], dtype=object)
            sl = 6
        elif iso == "ID":
            area = np.array(ID_MOBILE, dtype=object)[rng.integers(0, len(ID_MOBILE), k)]
            sl = rng.integers(7, 9, k)
        else:
            area = np.array(MY_MOBILE, dtype=object)[rng.integers(0, len(MY_MOBILE), k)]
            sl = np.where(area == "11", 8, 7)
        out[m] = D.COUNTRY_CODE[iso] + "|" + area + "|" + rand_digits(rng, k, sl)
    return out


def redraw_tail(values: np.ndarray, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone with its last four digits redrawn."""
    tails = rng.integers(0, 10000, len(idx))
    return np.array([v[:-4] + f"{t:04d}" for v, t in zip(values[idx], tails)], dtype=object)


# ----------------------------------------------------------------------------- e-mail addresses

PERSONAL_PATTERNS = [("{first}.{last}", 24), ("{first}{last}", 14), ("{first}.{last}{yy}", 10),
                     ("{first}{last}{num}", 9), ("{f}{last}", 9), ("{first}_{last}", 5), ("{first}{yyyy}", 6),
                     ("{last}.{first}", 4), ("{first}.{l}", 3), ("{nick}{num}", 4), ("{first}{last}{yyyy}", 6),
                     ("{last}{f}", 3), ("{first}{num}", 3)]
_PP = [p for p, _ in PERSONAL_PATTERNS]
_PW = np.array([w for _, w in PERSONAL_PATTERNS], dtype=float) / sum(w for _, w in PERSONAL_PATTERNS)


def email_last(family: str, loc: int) -> str:
    if loc == L["es_ES"]:
        family = family.split(" ")[0]
    return slug(family.replace("bin ", "").replace("binti ", "").replace("a/l ", "").replace("a/p ", ""))


def personal_locals(rng, first, family, loc, year, nick) -> np.ndarray:
    n = len(first)
    pat = rng.choice(len(_PP), n, p=_PW)
    nums = rng.integers(1, 100, n)
    out = np.empty(n, dtype=object)
    for i, (fi, fa, lo, yr, ni, p, num) in enumerate(zip(first, family, loc, year, nick, pat, nums)):
        f = slug(fi) or "info"
        la = email_last(fa, lo)
        pattern = _PP[p]
        if not la and "{last}" in pattern or not la and "{l}" in pattern:
            pattern = "{first}{yyyy}" if num % 2 else "{first}{num}"
        out[i] = pattern.format(first=f, last=la, f=f[0], l=la[:1], yy=f"{yr % 100:02d}", yyyy=yr, num=num,
                                nick=slug(ni) or f)
    return out


def unique_emails(emails: np.ndarray, rng: np.random.Generator, protected: np.ndarray | None = None) -> np.ndarray:
    def fix(values, idx, g):
        nums = g.integers(1, 1000, len(idx))
        out = []
        for v, k in zip(values[idx], nums):
            local, dom = v.split("@", 1)
            out.append(f"{local}{k}@{dom}")
        return np.array(out, dtype=object)

    return unique_fix(emails, fix, rng, protected)
