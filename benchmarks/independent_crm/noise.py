"""Small text corruptions: typos on real keyboards, accent folding, initials."""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from itertools import accumulate

_ROWS = {
    "qwerty": ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"],
    "qwertz": ["1234567890", "qwertzuiopü", "asdfghjklöä", "yxcvbnm"],
    "azerty": ["1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"],
}


def _neighbours(rows: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            near = []
            for dr in (-1, 0, 1):
                rr = r + dr
                if 0 <= rr < len(rows):
                    for dc in (-1, 0, 1):
                        cc = c + dc
                        if (dr or dc) and 0 <= cc < len(rows[rr]):
                            near.append(rows[rr][cc])
            out[ch] = "".join(near)
    return out


NEIGHBOURS = {name: _neighbours(rows) for name, rows in _ROWS.items()}
LAYOUT = {"de_DE": "qwertz", "fr_FR": "azerty"}

TYPO_KINDS = ("transpose", "drop", "slip", "double")


def typo(word: str, r: random.Random, layout: str = "qwerty") -> str:
    """``word`` with one typing error (never returns ``word`` itself when it has 2+ letters)."""
    if len(word) < 2:
        return word
    near = NEIGHBOURS[layout]
    for _ in range(6):
        kind = r.choice(TYPO_KINDS)
        # errors are rarer on the first letter
        i = r.randrange(1, len(word)) if r.random() < 0.9 else 0
        if kind == "transpose":
            i = min(i, len(word) - 2)
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif kind == "drop":
            out = word[:i] + word[i + 1:]
        elif kind == "double":
            out = word[:i + 1] + word[i] + word[i + 1:]
        else:
            ch = word[i]
            options = near.get(ch.lower(), "")
            if not options or not ch.isalpha():
                continue
            new = r.choice(options)
            out = word[:i] + (new.upper() if ch.isupper() else new) + word[i + 1:]
        if out != word and out.strip():
            return out
    return word[:-1]


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def fold(text: str, german: bool = False) -> str:
    """ASCII form of ``text``: 'Müller' -> 'Mueller' (german) or 'Muller'; 'Hélène' -> 'Helene'."""
    if german:
        text = text.translate(_GERMAN)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def is_ascii(text: str) -> bool:
    return text.isascii()


def ascii_local(text: str) -> str:
    """E-mail local-part form of a name: folded, lower-case, letters and digits only."""
    return "".join(ch for ch in fold(text, german=True).lower() if ch.isalnum())


def initial(name: str) -> str:
    return name[:1].upper() if name else ""


def digit_typo(digits: str, r: random.Random) -> str:
    """One wrong or swapped digit in a formatted number (formatting kept)."""
    pos = [i for i, ch in enumerate(digits) if ch.isdigit()]
    if len(pos) < 4:
        return digits
    pos = pos[2:]  # leave country/trunk prefixes alone
    chars = list(digits)
    if r.random() < 0.5 and len(pos) >= 2:
        k = r.randrange(len(pos) - 1)
        a, b = pos[k], pos[k + 1]
        if chars[a] != chars[b]:
            chars[a], chars[b] = chars[b], chars[a]
            return "".join(chars)
    k = r.choice(pos)
    chars[k] = r.choice([d for d in "0123456789" if d != chars[k]])
    return "".join(chars)


class Weighted:
    """A weighted choice with its cumulative weights computed once (random.choices rebuilds them per call)."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, r: random.Random):
        return self.values[bisect(self.cum, r.random() * self.total)]


_WEIGHTED: dict[int, tuple] = {}


def wpick(pairs, r: random.Random):
    """Weighted pick from a module-level constant list of (value, weight) pairs (cached by identity)."""
    got = _WEIGHTED.get(id(pairs))
    if got is None or got[0] is not pairs:
        got = _WEIGHTED[id(pairs)] = (pairs, Weighted(pairs))
    return got[1].pick(r)
