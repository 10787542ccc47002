"""Person names: match keys, German-folded keys, and splitting a full name.

A room of its own because names are compared by folded text rather than by a
reference table: transliterated, punctuation gone, honorifics and suffixes
dropped (``name_key``); umlaut spellings folded too (``german_folded``). The
nickname table, which maps given names onto each other, builds on these keys
in ``nicknames``. Street and city text are keyed the same way.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from nameparser import HumanName

from steward.normalise.values import (
    apply_each,
    as_series,
    clean_unicode,
    factorize,
    is_missing,
    map_values,
    object_series,
    take_columns,
    to_text,
    translit_fold,
)

_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "m", "sir", "madam", "dame"}
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "jun", "sen"})
_APOSTROPHES_RE = re.compile(r"['\u2019\u2018`\u00b4\u02bc]")
_NAME_JUNK_RE = re.compile(r"[^0-9a-z\- ]+")
_SPACES_RE = re.compile(r"\s+")
_HYPHEN_RE = re.compile(r"\s*-[\s\-]*")


def name_key_of(v: Any) -> str | None:
    """name_key of one value."""
    if is_missing(v):
        return None
    s = translit_fold(to_text(v))
    s = _APOSTROPHES_RE.sub("", s)
    s = _NAME_JUNK_RE.sub(" ", s)
    s = _HYPHEN_RE.sub("-", s)
    s = _SPACES_RE.sub(" ", s).strip(" -")
    if not s:
        return None
    tokens = s.split(" ")
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in _NAME_SUFFIXES:
        tokens.pop()
    s = " ".join(tokens).strip(" -")
    return s or None


def name_key(values: pd.Series) -> pd.Series:
    """Matching key for a name: NFKC, casefold, transliterated, punctuation
    removed (inner spaces/hyphens kept), leading honorifics and trailing
    suffixes dropped (never the only token); empty -> None."""
    s = as_series(values)
    return object_series(map_values(s, name_key_of, None), s)


_GERMAN_FOLDS = (("ue", "u"), ("oe", "o"), ("ae", "a"), ("ss", "s"))


def _german_fold_one(v: Any) -> str | None:
    k = name_key_of(v)
    if k is None:
        return None
    for a, b in _GERMAN_FOLDS:
        k = k.replace(a, b)
    return k or None


def german_folded(values: pd.Series) -> pd.Series:
    """name_key plus ue->u, oe->o, ae->a, ss->s (Mueller/Müller/Muller -> muller)."""
    s = as_series(values)
    return object_series(map_values(s, _german_fold_one, None), s)


def _split_name_one(v: Any) -> tuple:
    if is_missing(v):
        return (None, None)
    s = _SPACES_RE.sub(" ", clean_unicode(to_text(v))).strip()
    if not s or len(s) > 500:
        return (None, None) if not s else (s[:500], None)
    h = HumanName(s)
    first = (h.first or "").strip() or None
    last = (h.last or "").strip() or None
    if first is None and last is None:
        # nameparser put everything into title/suffix ("Dr"), keep the text
        return (s, None)
    return (first, last)


def split_full_names(full_names: pd.Series) -> pd.DataFrame:
    """Split a single full-name column into first_name / last_name with
    nameparser ('Last, First', titles and suffixes handled; middle names are
    dropped)."""
    s = as_series(full_names)
    uniq, codes = factorize(s)
    cols = take_columns(apply_each(_split_name_one, uniq, (None, None)), codes, 2)
    return pd.DataFrame({"first_name": cols[0], "last_name": cols[1]}, index=s.index)
