"""String-level damage: accent folding, mojibake, typos, case changes.

Every function is pure: the randomness comes in as arguments (drawn with numpy
by the caller), so a run is reproducible from its seed.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numpy as np

from .data import KEYBOARD

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l"})


@cache
def fold(text: str) -> str:
    """Accents dropped: Müller -> Muller, Renée -> Renee."""
    text = text.translate(_SPECIAL)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def translit(text: str) -> str:
    """German-style transliteration, then folding: Müller -> Mueller, Groß -> Gross."""
    return fold(text.translate(_TRANSLIT))


@cache
def mojibake(text: str) -> str:
    """UTF-8 read as Latin-1/cp1252: Müller -> MÃ¼ller."""
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return text.encode("utf-8").decode("latin-1")


def has_accent(text: str) -> bool:
    return fold(text) != text


@cache
def slug(text: str) -> str:
    """Lower-case ASCII letters/digits only (for e-mail local parts and domains)."""
    return "".join(c for c in fold(text).lower() if c.isalnum())


def typo(text: str, op: int, u: float, v: float) -> str:
    """One keyboard slip in ``text``: 0 substitute (neighbour key), 1 delete, 2 insert (doubled or neighbour
    key), 3 transpose two adjacent characters. ``u`` picks the position, ``v`` the replacement."""
    n = len(text)
    if n < 2:
        return text + text if n == 1 else text
    i = min(int(u * n), n - 1)
    if op == 3 or (op == 1 and n < 3):
        i = min(i, n - 2)
        if text[i] == text[i + 1]:
            i = (i + 1) % (n - 1)
        if text[i] != text[i + 1]:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        op = 0
    if op == 1:
        return text[:i] + text[i + 1:]
    c = text[i]
    near = KEYBOARD.get(c.lower())
    if op == 2:
        add = c if (v < 0.5 or not near) else near[int(v * 7919) % len(near)]
        return text[:i] + (add.upper() if c.isupper() else add) + text[i:]
    if c.isdigit():
        d = str((int(c) + 1 + int(v * 8)) % 10)
        return text[:i] + d + text[i + 1:]
    if not near:
        # not a letter with known neighbours: swap with the next char instead, else drop
        j = (i + 1) % n
        if text[j] != c:
            a, b = min(i, j), max(i, j)
            return text[:a] + text[b] + text[a + 1:b] + text[a] + text[b + 1:]
        return text[:i] + text[i + 1:]
    new = near[int(v * 7919) % len(near)]
    return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1:]


def typo_digits(text: str, op: int, u: float, v: float) -> str:
    """A slip on the digits of a phone number (formatting characters are left alone)."""
    pos = [i for i, c in enumerate(text) if c.isdigit()]
    if len(pos) < 4:
        return text
    # keep the first three digits (country / trunk / area) mostly intact: people mistype the subscriber part
    pos = pos[3:]
    k = min(int(u * len(pos)), len(pos) - 1)
    i = pos[k]
    chars = list(text)
    if op == 3 and k + 1 < len(pos) and chars[pos[k + 1]] != chars[i]:
        j = pos[k + 1]
        chars[i], chars[j] = chars[j], chars[i]
    elif op == 1:
        del chars[i]
    elif op == 2:
        chars.insert(i, chars[i])
    else:
        chars[i] = str((int(chars[i]) + 1 + int(v * 8)) % 10)
    return "".join(chars)


def apply_typos(values: np.ndarray, rng: np.random.Generator, digits: bool = False) -> np.ndarray:
    """One typo in each of ``values`` (object array)."""
    n = len(values)
    ops = rng.integers(0, 4, n)
    us = rng.random(n)
    vs = rng.random(n)
    fn = typo_digits if digits else typo
    return np.array([fn(s, int(o), float(u), float(v)) for s, o, u, v in zip(values, ops, us, vs)], dtype=object)


def typo_email(email: str, op: int, u: float, v: float) -> str:
    """A slip in the local part or (rarely) the domain: jon.smith@, john.smtih@, john.smith@gmial.com."""
    if "@" not in email:
        return typo(email, op, u, v)
    local, domain = email.split("@", 1)
    if v < 0.2 and "." in domain:
        name, rest = domain.split(".", 1)
        return f"{local}@{typo(name, op, u, v * 5)}.{rest}"
    return f"{typo(local, op, u, v)}@{domain}"


def messy_case(text: str, mode: int) -> str:
    """0 lower, 1 upper, 2 first letter only, 3 swapped (caps lock), 4 random-ish per word."""
    if mode == 0:
        return text.lower()
    if mode == 1:
        return text.upper()
    if mode == 2:
        return text[:1].upper() + text[1:].lower()
    if mode == 3:
        return text.swapcase()
    return " ".join(w.upper() if i % 2 else w.lower() for i, w in enumerate(text.split(" ")))
