"""Names as each source writes them: short forms, initials, titles, suffixes, patronymics, mononyms, typos."""

from __future__ import annotations

import random

from . import tables as T
from .noise import fold, typo
from .population import Person


class Cfg:
    def __init__(self, **kw):
        self.__dict__.update(kw)


NAME = {
    "crm": Cfg(english=0.25, nick=0.03, nick_habit=0.45, middle=0.12, initial=0.025, honorific=0.02, suffix=0.6,
               degree=0.45, typo=0.025, swap=0.008, fold=0.03, hyphen=0.15),
    "webshop": Cfg(english=0.55, nick=0.06, nick_habit=0.7, middle=0.06, initial=0.015, honorific=0.015,
                   suffix=0.35, degree=0.2, typo=0.035, swap=0.015, fold=0.08, hyphen=0.2),
    "events": Cfg(english=0.5, nick=0.05, nick_habit=0.7, middle=0.06, initial=0.02, honorific=0.025, suffix=0.3,
                  degree=0.3, typo=0.03, swap=0.03, fold=0.55, hyphen=0.3),
    "support": Cfg(english=0.6, nick=0.06, nick_habit=0.75, middle=0.10, initial=0.03, honorific=0.05, suffix=0.35,
                   degree=0.15, typo=0.04, swap=0.0, fold=0.1, hyphen=0.2),
    "billing": Cfg(english=0.2, nick=0.01, nick_habit=0.2, middle=0.08, initial=0.22, honorific=0.02, suffix=0.5,
                   degree=0.5, typo=0.02, swap=0.005, fold=0.25, hyphen=0.15),
}


def _given_name(p: Person, src: str, r: random.Random, tags: list[str]) -> str:
    c = NAME[src]
    first = p.first
    if p.english and r.random() < c.english:
        first = p.english
        tags.append("nickname")
    elif p.nick and r.random() < (c.nick_habit if p.nick_habit else c.nick):
        first = p.nick
        tags.append("nickname")
    if "-" in first and r.random() < c.hyphen:
        first = first.replace("-", " ")
        tags.append("hyphen_variant")
    if p.middle and r.random() < c.middle:
        first = f"{first} {p.middle}" if r.random() < 0.5 else f"{first} {p.middle[0]}."
        tags.append("middle_name")
    if r.random() < c.initial and p.first:
        parts = p.first.replace("-", " -").split()
        if p.middle and r.random() < 0.5:
            a, b = p.first[0], p.middle[0]
            first = r.choice([f"{a}.{b}.", f"{a}. {b}.", f"{a}.{b}"])
            tags.append("dotted_initials")
        elif len(parts) > 1:
            letters = [w.lstrip("-")[:1] for w in parts]
            joiner = "-" if "-" in p.first else ""
            first = (joiner.join(f"{x}." for x in letters) if r.random() < 0.8 else " ".join(f"{x}." for x in letters))
            tags.append("dotted_initials")
        else:
            first = p.first[0] + ("." if r.random() < 0.7 else "")
            tags.append("initial_first_name")
    if r.random() < c.honorific:
        h = "Dr." if p.degree == "Dr." else r.choice(T.HONORIFICS[p.loc][p.gender])
        first = f"{h} {first}"
        tags.append("honorific_in_first_name")
    return first


def _patronymic(first: str, last: str, src: str, r: random.Random, tags: list[str]) -> tuple[str, str]:
    conn, father = last.split(" ", 1)
    x = r.random()
    keep = {"crm": 0.55, "webshop": 0.4, "events": 0.4, "support": 0.5, "billing": 0.5}[src]
    if x < keep:
        return first, last
    tags.append("patronymic_variant")
    x = r.random()
    if x < 0.35:
        return first, father
    if x < 0.55:
        return first, f"{conn.capitalize() if conn[0] == 'b' else conn.upper()} {father}"
    if x < 0.75:
        short = {"bin": ["B.", "b."], "binti": ["Bt.", "bt", "Bte"], "a/l": ["s/o", "A/L"], "a/p": ["d/o", "A/P"]}
        return first, f"{r.choice(short[conn])} {father}"
    return f"{first} {conn} {father}", ""


def _mononym(name: str, src: str, r: random.Random, tags: list[str]) -> tuple[str, str]:
    tags.append("mononym")
    x = r.random()
    if src == "crm":  # the CRM requires a last name: the one name goes there, or is repeated
        if x < 0.6:
            return "", name
        tags.append("placeholder_name")
        return (name, name) if x < 0.85 else (name, ".")
    if src == "webshop":
        if x < 0.35:
            tags.append("placeholder_name")
            return name, name
        if x < 0.55:
            tags.append("placeholder_name")
            return name, r.choice([".", "-", "NA", "x"])
        return name, ""
    if src == "events" and x < 0.3:
        tags.append("placeholder_name")
        return name, name
    return name, ""


def render_name(p: Person, src: str, t: float, r: random.Random, tags: list[str], seen: dict) -> tuple[str, str]:
    c = NAME[src]
    last = p.last
    if p.last2:
        if t >= p.marry_t:
            last = p.last2
            seen["new_last"] = True
        else:
            seen["old_last"] = True
    first = _given_name(p, src, r, tags)
    if "-" in last and p.style == "western" and r.random() < c.hyphen:
        last = last.replace("-", " ") if r.random() < 0.6 else last.split("-")[0]
        tags.append("hyphen_variant")
    if p.style in ("malay", "indian") and last:
        first, last = _patronymic(first, last, src, r, tags)
    if p.style == "mono":  # one name: honorific/initial forms stay with it
        first, last = _mononym(first, src, r, tags)
    if p.suffix and last and r.random() < c.suffix:
        s = p.suffix
        if s in ("Jr", "Sr") and r.random() < 0.5:
            last = f"{last}, {s}." if r.random() < 0.6 else f"{last} {s}."
        elif s in ("Jr", "Sr", "Jnr", "Snr") and r.random() < 0.3:
            last = f"{last}, {s}"
        else:
            last = f"{last} {s}"
        tags.append("suffix_in_last_name")
    if p.degree and p.degree != "Dr." and r.random() < c.degree:
        if last and last not in (".", "-", "NA", "x"):
            last = f"{last}, {p.degree}"
        else:
            first = f"{first}, {p.degree}"
        tags.append("academic_title")
    if r.random() < c.typo:
        which = [x for x in (0, 1) if len((first, last)[x]) >= 3 and (first, last)[x].replace(".", "").isalpha()]
        if which:
            k = r.choice(which)
            layout = {"de_DE": "qwertz", "fr_FR": "azerty"}.get(p.loc, "qwerty")
            if k == 0:
                first = typo(first, r, layout)
            else:
                last = typo(last, r, layout)
            tags.append("name_typo")
    if first and last and r.random() < c.swap * (5 if p.style == "chinese" else 1):
        first, last = last, first
        if src != "events" and r.random() < 0.5:
            first = first.upper()
        tags.append("surname_first")
    if not (first + last).isascii() and r.random() < c.fold:
        german = p.loc == "de_DE" and r.random() < 0.6
        first, last = fold(first, german), fold(last, german)
        tags.append("diacritics")
    return first, last


def case_webshop(s: str, mode: float) -> str:
    if mode < 0.12:
        return s.lower()
    if mode < 0.16:
        return s.upper()
    return s


LAST_NAME_TAGS = {"suffix_in_last_name", "academic_title", "patronymic_variant", "hyphen_variant", "name_typo",
                  "diacritics", "placeholder_name"}


def support_split(first: str, last: str, r: random.Random, tags: list[str]) -> tuple[str, str, bool]:
    """The help desk keeps one free-text name; the export splits it at the first space.
    Returns (first, last, whether the surname was left out)."""
    full = f"{first} {last}".strip()
    x = r.random()
    if 0.10 <= x < 0.15 and LAST_NAME_TAGS.intersection(tags):
        x = 0.15 + (x - 0.10) * 2  # only the first name typed: not for a record whose errors are in the surname
    typed_otherwise = first and last and x < 0.15
    if typed_otherwise and x < 0.07:
        full = f"{last}, {first}"
        tags.append("surname_first")
    elif typed_otherwise and x < 0.10:
        full = f"{last.upper()} {first}"
        tags.append("surname_first")
    elif typed_otherwise:
        full = first
        tags.append("missing_value")
    elif x < 0.25:
        full = full.lower()
    elif x < 0.28:
        full = full.upper()
    f, _, rest = full.partition(" ")
    if not typed_otherwise and (f.lower(), rest.lower()) != (first.lower(), last.lower()):
        tags.append("bad_name_split")
    return f, rest, bool(typed_otherwise) and x >= 0.10
