"""One function per source: which fields it keeps and in which conventions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from steward.schema import CANONICAL_COLUMNS

from . import data as D
from .population import DAY, TODAY
from .records import SOURCES, S
from .render import (
    Labels,
    U,
    abbreviate,
    context,
    country_text,
    fmt_date,
    postcode_variant,
    render_email,
    render_names,
    render_phone,
    timestamps,
    ymd,
)

# date-of-birth: (format, share of records that carry one); sources not listed carry none
DOB = {"sales_crm": ("dmy", 0.15), "webshop": ("iso", 0.35), "newsletter": ("dmy_dots", 0.15),
       "events": ("mdy", 0.4)}
OPT_IN = {"sales_crm": (0.35, 0.25), "webshop": (0.45, 0.55), "newsletter": (0.9, 0.1), "helpdesk": (0.05, 0.05),
          "billing": (0.0, 0.2), "events": (0.3, 0.2)}
ABBREV = {"sales_crm": 0.3, "webshop": 0.35, "billing": 0.4}
START = np.datetime64("2014-01-01", "s")
END = np.datetime64("2026-12-03T18:00:00", "s")


def build_source(rng: np.random.Generator, p, r, source: str):
    """(canonical frame without record ids, person index per row, Labels)."""
    rows = np.flatnonzero(r.src == S[source])
    c = context(p, r, rows)
    n = c.n
    lab = Labels(n)
    out = {col: np.full(n, "", dtype=object) for col in CANONICAL_COLUMNS}
    out["source"][:] = source
    out["first_name"], out["last_name"] = render_names(rng, c, source, lab)
    out["email"] = render_email(rng, c, source, lab)
    out["phone"] = render_phone(rng, c, source, lab)
    _company(rng, c, source, out, lab)
    _address(rng, c, source, out, lab)
    _dob(rng, c, source, out, lab)
    _times(rng, p, c, source, out)
    _damage(rng, c, source, out, lab)
    _person_labels(p, c, source, out, lab)
    return pd.DataFrame(out), c.pid, lab


def _company(rng, c, source, out, lab) -> None:
    n = c.n
    u = U(rng, n)
    show = {"sales_crm": 0.97, "webshop": 0.0, "newsletter": 0.0, "helpdesk": 0.35, "billing": 0.15,
            "events": 0.95}[source]
    has = c.employed & (u < show)
    short = has & (U(rng, n) < {"sales_crm": 0.15, "events": 0.4, "helpdesk": 0.4}.get(source, 0.1))
    out["company"][has] = c.company[has]
    out["company"][short] = c.company_core[short]
    lab.add(short, "company_variation")
    titled = c.employed & (U(rng, n) < {"sales_crm": 0.8, "events": 0.7, "helpdesk": 0.05}.get(source, 0.0))
    out["job_title"][titled] = c.job[titled]
    if source == "events":
        out["company"] = np.array([x.upper() for x in out["company"]], dtype=object)
    c.shows_company = has


def _address(rng, c, source, out, lab) -> None:
    n = c.n
    u = U(rng, n)
    if source == "sales_crm":
        office = c.employed & (u < 0.65)
        city_only = (c.employed & ~office & (u < 0.95)) | (~c.employed & (u < 0.5))
        line = np.where(office, c.office_addr, "")
        city = np.where(office | (city_only & c.employed), c.office_city, np.where(city_only, c.city, ""))
        pc = np.where(office, c.office_postcode, "")
        region = np.where(office & (U(rng, n) < 0.6), c.office_region, "")
        country = np.where(city != "", country_text(c.iso, "name", rng), "")
        home = city_only & ~c.employed
    elif source in ("webshop", "billing"):
        work = c.employed & (u < (0.06 if source == "webshop" else 0.15))
        keep = U(rng, n) < (0.97 if source == "webshop" else 0.85)
        line = np.where(work, c.office_addr, np.where(keep, c.addr, ""))
        city = np.where(work, c.office_city, np.where(keep, c.city, ""))
        pc = np.where(work, c.office_postcode, np.where(keep, c.postcode, ""))
        shows_region = np.isin(c.iso, ["US", "ES", "MY", "ID"]) | (U(rng, n) < 0.1)
        region = np.where(shows_region, np.where(work, c.office_region, np.where(keep, c.region, "")), "")
        country = np.where(work | keep, country_text(c.iso, "iso2", rng), "")
        home = keep & ~work
        lab.add(work, "work_address")  # shipped to / billed at the office
        out["company"][work] = c.company[work]
    elif source == "newsletter":
        line = city = pc = region = np.full(n, "", dtype=object)
        country = np.where(u < 0.4, c.iso, "").astype(object)
        home = np.zeros(n, dtype=bool)
    elif source == "helpdesk":
        home = u < 0.15
        line, pc, region = (np.full(n, "", dtype=object) for _ in range(3))
        city = np.where(home, c.city, "").astype(object)
        country = np.where(U(rng, n) < 0.5, country_text(c.iso, "name", rng), "")
    else:  # events: city and country of the office (or home), no street
        city = np.where(c.employed, c.office_city, c.city).astype(object)
        city[U(rng, n) < 0.1] = ""
        line, pc, region = (np.full(n, "", dtype=object) for _ in range(3))
        country = country_text(c.iso, "iso3", rng)
        home = ~c.employed & (city != "")
    line, city, pc, region = (np.asarray(x, dtype=object).copy() for x in (line, city, pc, region))
    # street-type abbreviations and postcode spellings
    ab = (line != "") & (U(rng, n) < ABBREV.get(source, 0.15))
    v = U(rng, n)
    changed = np.array([abbreviate(x, lo, w) for x, lo, w in zip(line[ab], c.loc[ab], v[ab])], dtype=object)
    diff = changed != line[ab]
    line[ab] = changed
    lab.add(np.flatnonzero(ab)[diff], "address_variation")
    pv = (pc != "") & (U(rng, n) < {"sales_crm": 0.3, "webshop": 0.12, "billing": 0.25}.get(source, 0.1))
    v = U(rng, n)
    changed = np.array([postcode_variant(x, iso, w) for x, iso, w in zip(pc[pv], c.iso[pv], v[pv])], dtype=object)
    diff = changed != pc[pv]
    pc[pv] = changed
    lab.add(np.flatnonzero(pv)[diff], "postcode_format")
    out["address_line1"], out["city"], out["postcode"], out["region"] = line, city, pc, region
    out["country"] = np.asarray(country, dtype=object)
    c.shows_home = home & ((line != "") | (city != ""))


def _dob(rng, c, source, out, lab) -> None:
    if source not in DOB:
        return
    fmt, share = DOB[source]
    n = c.n
    has = U(rng, n) < share
    y, m, d = ymd(c.dob)
    y, m, d = y.copy(), m.copy(), d.copy()
    ty = has & (U(rng, n) < 0.015 + 0.1 * c.dup)
    kind = rng.integers(0, 4, n)
    swap = ty & (kind == 0) & (d <= 12) & (d != m)
    m[swap], d[swap] = d[swap], m[swap]
    trans = ty & (kind == 1) & ((y // 10) % 10 != y % 10)
    y[trans] = (y[trans] // 100) * 100 + (y[trans] % 10) * 10 + (y[trans] // 10) % 10
    off = ty & ~swap & ~trans
    d[off] = np.where(d[off] < 28, d[off] + 1, d[off] - 1)
    text = fmt_date(y, m, d, fmt)
    out["date_of_birth"] = np.where(has, text, "").astype(object)
    lab.add(ty, "dob_typo")
    ph = has & (U(rng, n) < 0.004)
    out["date_of_birth"][ph] = fmt_date(np.full(ph.sum(), 1900), np.ones(ph.sum(), int), np.ones(ph.sum(), int), fmt)
    lab.add(ph, "placeholder_value")


def _times(rng, p, c, source, out) -> None:
    n = c.n
    changed = p.job_change[c.pid] | p.moved[c.pid] | p.married[c.pid] | p.multi_email[c.pid]
    after = c.new_job | c.new_home | c.new_name | c.alt
    cut = p.change_day[c.pid].astype("datetime64[s]")
    lo = np.where(changed & after, cut, START)
    hi = np.where(changed & ~after, cut, END - np.timedelta64(86400, "s"))
    span = (hi - lo).astype(np.int64)
    created = lo + (U(rng, n) * span).astype(np.int64).astype("timedelta64[s]")
    upd_span = (END - created).astype(np.int64)
    updated = created + (U(rng, n) ** 2 * upd_span).astype(np.int64).astype("timedelta64[s]")
    out["created_at"] = timestamps(created)
    out["updated_at"] = timestamps(updated)
    yes, no = OPT_IN[source]
    u = U(rng, n)
    out["email_opt_in"] = np.where(u < yes, "yes", np.where(u < yes + no, "no", "")).astype(object)


def _damage(rng, c, source, out, lab) -> None:
    n = c.n
    # a field left empty (more often on a second, hastily keyed record)
    fields = ["phone", "last_name", "address_line1", "city", "postcode", "company", "first_name"]
    if source not in ("webshop", "newsletter", "billing"):
        fields.append("email")
    miss = U(rng, n) < 0.035 + 0.15 * c.dup
    pick = rng.integers(0, len(fields), n)
    hit = np.zeros(n, dtype=bool)
    for k, f in enumerate(fields):
        m = miss & (pick == k) & (out[f] != "")
        out[f][m] = ""
        hit |= m
    if source == "newsletter":
        u = U(rng, n)
        drop_last = u < 0.15
        drop_all = u > 0.92
        had_name = (out["first_name"] != "") | (out["last_name"] != "")
        hit |= (drop_last & (out["last_name"] != "")) | (drop_all & had_name)
        out["last_name"][drop_last | drop_all] = ""
        out["first_name"][drop_all] = ""
    lab.add(hit, "missing_field")
    # placeholders ("n/a", test@test.com) where the form demanded something
    ph = U(rng, n) < 0.008
    which = rng.integers(0, 3, n)
    em = ph & (which == 0) & (source not in ("newsletter",))
    out["email"][em] = _pick(rng, D.PLACEHOLDER_EMAILS, em.sum())
    phn = ph & (which == 1)
    out["phone"][phn] = _pick(rng, D.PLACEHOLDER_PHONES, phn.sum())
    nm = ph & (which == 2) & (out["first_name"] != "")
    out["last_name"][nm] = _pick(rng, D.PLACEHOLDER_NAMES, nm.sum())
    lab.add(em | phn | nm, "placeholder_value")


def _pick(rng, options: list[str], k: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), k)]


def _person_labels(p, c, source, out, lab) -> None:
    lab.add(c.dup, "intra_source_duplicate")
    shows_work = (out["company"] != "") | (c.email_kind == 1) | (c.phone_kind == 3)
    lab.add(c.new_job & shows_work, "job_change")
    shows_home = c.shows_home | ((c.phone_kind >= 1) & (c.phone_kind <= 2))
    lab.add(c.new_home & shows_home, "moved")
    lab.add(c.new_name, "married_name")
    for cls in ("twin", "father_son", "namesake", "household", "colleague_same_surname"):
        lab.add(p.rel_class[cls][c.pid], cls)


__all__ = ["DAY", "SOURCES", "TODAY", "build_source"]
