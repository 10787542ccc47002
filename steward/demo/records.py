"""One record: decide what is wrong with it, keep it recognisable, render it.

The dirt every export shares (email, phone and name variants, missing fields)
and the rule that a person's records keep enough intact identifiers to be
matched. The export modules only decide their own layout on top of this.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from steward.demo.contacts import EMAIL_TAGS, EMAIL_TYPO_DOMAINS, PLUS_ADDRESSING
from steward.demo.exports import REFERENCE_DATE
from steward.demo.names import NICKNAMES
from steward.demo.people import People
from steward.demo.text import add_typo, cp1252_safe, fold, german_fold

EMAIL_MESS = {
    "webshop": {"case": .06, "space": .04, "gmail": .05, "tag": .06, "typo": .04, "missing": .04},
    "events": {"case": .08, "space": .06, "gmail": .04, "tag": .04, "typo": .03, "missing": .03},
    "support": {"case": .08, "space": .04, "gmail": .04, "tag": .04, "typo": .05, "work": .10, "missing": .05},
    "legacy_crm": {"case": .12, "space": .03, "gmail": .02, "tag": .02, "typo": .04, "work": .10, "missing": .06},
}
PHONE_MESS = {
    "webshop": {"landline": .05, "missing": .07},
    "events": {"missing": .05},
    "support": {"work": .10, "switchboard": .05, "missing": .08},
    "legacy_crm": {"work": .20, "switchboard": .08, "landline": .05, "missing": .10},
}
NAME_MESS = {
    "webshop": {"upper": .03, "lower": .03, "accent": .05, "translit": .02, "nick": .05, "typo": .04, "swap": .02,
                "first_missing": .02},
    "events": {"upper": .04, "accent": .05, "nick": .07, "typo": .03, "swap": .03},
    "support": {"upper": .04, "lower": .08, "accent": .08, "translit": .02, "nick": .06, "typo": .05, "swap": .03,
                "first_missing": .04},
    "legacy_crm": {"accent": .06, "translit": .03, "nick": .04, "typo": .04, "swap": .03, "first_missing": .03},
}
EMAIL_INTACT = {"ok", "case", "space", "gmail", "tag"}  # a decent normaliser undoes these
NAME_INTACT = {"ok", "upper", "lower", "accent"}
# Identifiers each source carries: E email, P phone, ND name+dob, NL name+postcode/city.
IDENTIFIERS = {"webshop": ("E", "P", "ND", "NL"), "events": ("E", "P"), "support": ("E", "P", "NL"),
               "legacy_crm": ("E", "P", "ND", "NL")}


def _draw(R: random.Random, table: dict[str, float]) -> str:
    u = R.random()
    for kind, p in table.items():
        if u < p:
            return kind
        u -= p
    return "ok"


def decide(src: str, i: int, dup: bool, P: People, R: random.Random) -> dict:
    """The variant each field of one record gets: {"email", "phone", "name", "dob", "loc": kind}."""
    k = {"email": _draw(R, EMAIL_MESS[src]), "phone": _draw(R, PHONE_MESS[src]), "name": _draw(R, NAME_MESS[src])}
    k["phone"] = {"ok": "mobile"}.get(k["phone"], k["phone"])
    # Variants that need something the person does not have fall back to the plain value.
    if k["email"] == "gmail" and not P.email[i].endswith(("@gmail.com", "@googlemail.com")):
        k["email"] = "tag"
    if k["email"] == "tag" and not P.email[i].endswith(PLUS_ADDRESSING):
        k["email"] = "case"
    if k["email"] == "work" and (P.work_email[i] is None or P.work_email[i] == P.email[i]):
        k["email"] = "ok"
    if P.partner[i] is not None and k["email"] not in ("ok", "case", "space"):
        k["email"] = "ok"  # keep the shared household inbox visible
    if dup and src == "webshop" and k["email"] in ("ok", "case", "space"):
        k["email"] = R.choice(("tag", "gmail", "case"))  # a second shop account needs another address
        if k["email"] == "gmail" and not P.email[i].endswith(("@gmail.com", "@googlemail.com")):
            k["email"] = "tag"
        if k["email"] == "tag" and not P.email[i].endswith(PLUS_ADDRESSING):
            k["email"] = "case"
    if k["phone"] == "work" and P.work_phone[i] is None:
        k["phone"] = "mobile"
    if k["phone"] == "switchboard" and P.company[i] is None:
        k["phone"] = "mobile"
    if k["phone"] == "landline" and P.landline[i] is None:
        k["phone"] = "mobile"
    if P.landline[i] is not None and src in ("webshop", "legacy_crm") and R.random() < 0.35:
        k["phone"] = "landline"
    forced = set()
    if P.switchboard_user[i] and src in ("support", "legacy_crm"):
        k["phone"] = "switchboard"
        forced.add("P")
    if k["name"] == "nick" and P.first[i] not in NICKNAMES:
        k["name"] = "ok"
    if k["name"] == "accent" and fold(P.first[i] + P.last[i]) == P.first[i] + P.last[i]:
        k["name"] = "ok"
    if k["name"] == "translit" and german_fold(P.first[i] + P.last[i]) == fold(P.first[i] + P.last[i]):
        k["name"] = "ok"
    if src == "support" and k["name"] in ("ok", "upper", "lower") and not cp1252_safe(P.first[i] + P.last[i]):
        # cp1252 cannot hold Ł/ś/ą: most support agents typed it without accents, the rest became "?"
        k["name"] = "accent" if R.random() < 0.7 else "qmark"
    k["dob"] = "ok"
    if src == "webshop" and R.random() > 0.45:
        k["dob"] = "missing"
    if src == "legacy_crm":
        u = R.random()
        k["dob"] = "missing" if u < 0.3 else ("swapped" if u < 0.33 and P.dob[i][2] <= 12 and P.dob[i][2] != P.dob[i][1]
                                              else "ok")
    k["loc"] = "ok"
    if src == "webshop":
        k["loc"] = _draw(R, {"missing": .05, "zip_only": .03, "city_only": .03})
    elif src == "support":
        k["loc"] = "missing" if R.random() < 0.18 else "ok"
    elif src == "legacy_crm":
        k["loc"] = "stale" if P.moved[i] else ("missing" if R.random() < 0.08 else "ok")
    if k["loc"] == "stale":
        forced.add("NL")

    # Every record of a person with more than one record keeps at least two intact
    # identifiers, one of them the person's anchor (email or phone), so any two of
    # their records share at least one identifier.
    need = 2 if P.records[i] > 1 else 0
    if need:
        if P.anchor[i] == "E" and k["email"] not in EMAIL_INTACT:
            k["email"] = "ok"
        elif P.anchor[i] == "P" and k["phone"] != "mobile":
            k["phone"] = "mobile"
    ids = IDENTIFIERS[src]
    while True:
        name_ok = k["name"] in NAME_INTACT
        flags = {"E": k["email"] in EMAIL_INTACT, "P": k["phone"] == "mobile",
                 "ND": name_ok and k["dob"] == "ok", "NL": name_ok and k["loc"] != "missing" and k["loc"] != "stale"}
        broken = [x for x in ids if not flags[x]]
        if len(ids) - len(broken) >= min(need, len(ids)):
            break
        preferred = [x for x in broken if x not in forced] or broken
        fix = R.choice(preferred)
        if fix == "E":
            k["email"] = "ok"
        elif fix == "P":
            k["phone"] = "mobile"
        else:
            if not name_ok:
                k["name"] = "ok" if src != "support" or cp1252_safe(P.first[i] + P.last[i]) else "accent"
            if fix == "ND":
                k["dob"] = "ok"
            elif k["loc"] in ("missing", "stale"):
                k["loc"] = "ok"
    return k


def render_email(i: int, kind: str, P: People, R: random.Random, src: str) -> str | None:
    """Person ``i``'s email as ``decide`` chose to spell it in ``src``."""
    email = P.email[i]
    if kind == "missing":
        return None
    if kind == "work":
        stale = src == "legacy_crm" and P.old_work_email[i] is not None
        return P.old_work_email[i] if stale else P.work_email[i]
    local, _, domain = email.partition("@")
    if kind == "case":
        choice = R.randrange(3)
        if choice == 0:
            return email.upper()
        if choice == 1:
            return ".".join(part[:1].upper() + part[1:] for part in local.split(".")) + "@" + domain.capitalize()
        return local + "@" + domain.upper()
    if kind == "space":
        return R.choice((" " + email, email + " ", "  " + email + " "))
    if kind == "gmail":
        if R.random() < 0.5 or "." not in local:
            domain = "googlemail.com" if domain == "gmail.com" else "gmail.com"
        if "." in local:
            local = local.replace(".", "") if R.random() < 0.6 else local
        elif len(local) > 3:
            cut = R.randrange(1, len(local) - 1)
            local = local[:cut] + "." + local[cut:]
        return f"{local}@{domain}"
    if kind == "tag":
        return f"{local}+{R.choice(EMAIL_TAGS)}@{domain}"
    if kind == "typo":
        if domain in EMAIL_TYPO_DOMAINS:
            return f"{local}@{R.choice(EMAIL_TYPO_DOMAINS[domain])}"
        name, _, tld = domain.rpartition(".")
        return f"{local}@{add_typo(name, R)}.{tld}"
    return email


def render_name(i: int, kind: str, P: People, R: random.Random) -> tuple[str | None, str]:
    """Person ``i``'s (first, last) as ``decide`` chose to spell them."""
    first, last = P.first[i], P.last[i]
    if kind == "upper":
        return first.upper(), last.upper()
    if kind == "lower":
        return first.lower(), last.lower()
    if kind in ("accent", "qmark"):
        return (fold(first), fold(last)) if kind == "accent" else (first, last)
    if kind == "translit":
        return german_fold(first), german_fold(last)
    if kind == "nick":
        return R.choice(NICKNAMES[first]), last
    if kind == "typo":
        return (add_typo(first, R), last) if R.random() < 0.5 else (first, add_typo(last, R))
    if kind == "swap":
        return last, first
    if kind == "first_missing":
        return None, last
    return first, last


def phone_for(i: int, kind: str, P: People):
    """The number (see ``phones``) behind the phone kind ``decide`` chose, or None."""
    if kind == "mobile":
        return P.mobile[i]
    if kind == "work":
        return P.work_phone[i]
    if kind == "landline":
        return P.landline[i]
    if kind == "switchboard":
        return P.companies[P.company[i]][4]
    return None


def draw_timestamps(rng: np.random.Generator, count: int, start: str, end: str,
                    updated_back: tuple[float, float] | None = None) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """``count`` (created, updated) pairs: created between start and end; updated between
    created and REFERENCE_DATE or, with ``updated_back=(low, high)``, that many years before
    REFERENCE_DATE (never before created): a system nobody has touched since."""
    lo, hi = pd.Timestamp(start).value // 10**9, pd.Timestamp(end).value // 10**9
    created = rng.integers(lo, hi, size=max(count, 0))
    ref = int(pd.Timestamp(REFERENCE_DATE).value // 10**9)
    if updated_back is None:
        updated = created + (rng.random(count) * (ref - created)).astype(np.int64)
    else:
        years = rng.uniform(updated_back[0], updated_back[1], size=count)
        updated = np.maximum(created, ref - (years * 365.25 * 86400).astype(np.int64))
    return pd.to_datetime(created, unit="s"), pd.to_datetime(updated, unit="s")
