"""Companies: a match key with legal forms and punctuation stripped.

A room of its own because company names need their own vocabulary: legal forms
of many countries ('GmbH & Co. KG', 'Sp. z o.o.', 'PT ... Tbk'), removed with
cleanco and then a token table, so that 'Acme GmbH' and 'ACME' share a key.
"""

from __future__ import annotations

import re
from typing import Any

import cleanco
import pandas as pd
from anyascii import anyascii

from steward.normalise.values import as_series, clean_unicode, is_missing, map_values, object_series, to_text

_LEGAL_FORMS_LIST = [
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "gmbh", "mbh", "ag", "sa",
    "sas", "sarl", "sa rl", "bv", "nv", "pt", "tbk", "co", "corp", "corporation", "company", "kg",
    "kgaa", "ohg", "gbr", "ug", "ev", "spa", "srl", "sl", "sp z oo", "sp zoo", "spzoo", "sdn bhd",
    "bhd", "pty ltd", "pty", "pte ltd", "pte", "pvt ltd", "pvt", "private limited", "oy", "oyj", "ab",
    "aps", "as", "asa", "kft", "sro", "se", "kk", "sa de cv", "ek", "cv", "persero",
    "gmbh co kg", "gmbh co", "ag co kg", "co ltd", "corp ltd", "s a", "s l", "l l c", "b v", "n v",
    "s p a", "s r l", "s a s",
]
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted({tuple(f.split()) for f in _LEGAL_FORMS_LIST}, key=len, reverse=True)
)
_LEADING_FORMS = frozenset({"pt", "cv", "the"})
_COMPANY_DROP_TOKENS = frozenset({"and", "und"})
_COMPANY_DELETE_RE = re.compile(r"['\u2019\u2018`\u00b4.]")
_COMPANY_JUNK_RE = re.compile(r"[^0-9a-z]+")


def _company_tokens(text: str) -> list[str]:
    t = text.casefold().replace("&", " ")
    t = _COMPANY_DELETE_RE.sub("", t)
    t = _COMPANY_JUNK_RE.sub(" ", t)
    return [w for w in t.split() if w not in _COMPANY_DROP_TOKENS]


def _company_one(v: Any) -> str | None:
    if is_missing(v):
        return None
    raw = anyascii(clean_unicode(to_text(v))).strip()
    if not raw:
        return None
    base = raw
    if len(raw) <= 300:
        # raw is ASCII here, and cleanco's basename only edits the tokens of a
        # string: it does not raise on any text
        b = cleanco.basename(raw)
        if isinstance(b, str) and b.strip():
            base = b

    toks = _company_tokens(base) or _company_tokens(raw)
    if not toks:
        return None
    changed = True
    while changed and len(toks) > 1:
        changed = False
        if toks[0] in _LEADING_FORMS and len(toks) > 1:
            toks = toks[1:]
            changed = True
            continue
        for form in _LEGAL_FORMS:
            n = len(form)
            if len(toks) > n and tuple(toks[-n:]) == form:
                toks = toks[:-n]
                changed = True
                break
    return " ".join(toks) or None


def company_key(values: pd.Series) -> pd.Series:
    """Company match key: transliterated, lower-case, punctuation removed,
    legal forms stripped ('PT Maju Jaya Tbk' -> 'maju jaya',
    'Acme GmbH & Co. KG' -> 'acme')."""
    s = as_series(values)
    return object_series(map_values(s, _company_one, None), s)
