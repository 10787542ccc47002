"""Small text helpers the demo uses to spell and misspell things.

Folding accents, slugs, typos, gendered surnames, postcodes and street lines.
Shared by the people invention and the per-record dirt, so they live apart
from both.
"""

from __future__ import annotations

import random
import re
import unicodedata
from functools import cache

from steward.demo.contacts import STREET_ABBREVIATIONS

_SPECIAL = str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "đ": "d", "Đ": "D", "ı": "i"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


@cache
def fold(text: str) -> str:
    """Accents dropped (José -> Jose, Müller -> Muller, Łukasz -> Lukasz)."""
    text = text.translate(_SPECIAL)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@cache
def german_fold(text: str) -> str:
    """German transliteration (Müller -> Mueller), then accents dropped."""
    return fold(text.translate(_GERMAN))


@cache
def slug(text: str, german: bool = False) -> str:
    """Lower-case ASCII letters and digits only, as in email addresses and domains."""
    base = german_fold(text) if german else fold(text)
    return re.sub(r"[^a-z0-9]", "", base.lower())


@cache
def cp1252_safe(text: str) -> bool:
    try:
        text.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def weighted_choice(R: random.Random, pairs) -> str:
    """One label from (label, weight) pairs."""
    labels = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return R.choices(labels, weights)[0]


def add_typo(text: str, R: random.Random) -> str:
    """One adjacent swap or one dropped letter; never returns the input."""
    if len(text) < 3:
        return text + text[-1:]
    for _ in range(6):
        i = R.randrange(1, len(text) - 1)
        if R.random() < 0.5 and text[i] != text[i + 1]:
            out = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        else:
            out = text[:i] + text[i + 1:]
        if out != text and out.strip():
            return out
    return text + text[-1]


def gendered_surname(last: str, country: str, female: bool) -> str:
    """Polish surnames agree with gender: Kowalski / Kowalska."""
    if country != "PL":
        return last
    if female and last.endswith(("ski", "cki", "dzki")):
        return last[:-1] + "a"
    if not female and last.endswith(("ska", "cka", "dzka")):
        return last[:-1] + "i"
    return last


def make_postcode(country: str, prefix: str, R: random.Random) -> str:
    d = R.randrange
    if country == "DE":
        return f"{prefix}{d(1000):03d}"
    if country in ("FR", "ES"):
        return f"{prefix}0{d(1, 100):02d}"
    if country == "GB":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{prefix} {d(1, 10)}{letters[d(20)]}{letters[d(20)]}"
    if country == "US":
        return f"{prefix}{d(100):02d}"
    if country == "ID":
        return f"{prefix}{d(1000):03d}"
    if country == "IN":
        return f"{prefix}0{d(100):02d}"
    if country == "PL":
        return f"{prefix}-{d(1000):03d}"
    if country == "BR":
        return f"{prefix}{d(1000):03d}-{d(1000):03d}"
    if country == "NL":
        letters = "ABCEGHJKLMNPRTVWXZ"
        return f"{prefix}{d(100):02d} {letters[d(18)]}{letters[d(18)]}"
    raise ValueError(country)


def make_street_line(country: str, street: str, number: int, R: random.Random) -> str:
    if country == "FR":
        return f"{number} {street}" if R.random() < 0.8 else f"{number}, {street}"
    if country in ("GB", "US"):
        line = f"{number} {street}"
        if R.random() < 0.12:
            line = (f"Apt {R.randrange(1, 30)}{'ABCD'[R.randrange(4)]}, " if country == "US" else
                    f"Flat {R.randrange(1, 20)}, ") + line
        return line
    if country == "ES":
        return f"{street}, {number}" if R.random() < 0.6 else f"{street} {number}, {R.randrange(1, 9)}º {'ABCD'[R.randrange(4)]}"
    if country == "ID":
        return f"{street} No. {number}"
    if country == "IN":
        return f"{number}, {street}"
    if country == "PL":
        return f"{street} {number}" + (f"/{R.randrange(1, 60)}" if R.random() < 0.5 else "")
    if country == "BR":
        return f"{street}, {number}" + (f" - apto {R.randrange(11, 180)}" if R.random() < 0.35 else "")
    if country == "DE" and R.random() < 0.08:
        return f"{street} {number}{'abc'[R.randrange(3)]}"
    return f"{street} {number}"


def abbreviate_street(line: str) -> str:
    for long, short in STREET_ABBREVIATIONS:
        if long in line:
            return line.replace(long, short, 1)
    return line.upper()
