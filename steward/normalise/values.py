"""Value handling every field normaliser shares: what counts as missing, how any
scalar becomes text, and the distinct-value machinery (factorize once, apply once
per distinct value, spread the results back per row).

Separate from the normalisers because they all depend on it and it depends on
none of them. Real CRM columns repeat values a lot, so every normaliser works on
distinct values: ``factorize`` finds them (pandas in C for plain strings),
``apply_each`` runs a per-value function defensively, ``take``/``take_columns``
spread the results back with numpy. Every public function of the normalisers
keeps the input's index and length and never modifies its input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from anyascii import anyascii

_NULL_TOKENS = frozenset({"", "nan", "none", "null", "n/a", "#n/a", "nat", "<na>", "<nan>"})


def as_series(values: Any) -> pd.Series:
    """``values`` as a Series: a Series as it is, a DataFrame's first column, a
    sequence as an object Series, a scalar as a one-value Series."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame):
        return values.iloc[:, 0] if values.shape[1] else pd.Series([], dtype=object)
    if values is None:
        return pd.Series([], dtype=object)
    try:
        return pd.Series(list(values) if not isinstance(values, (str, bytes)) else [values], dtype=object)
    except TypeError:  # not iterable: one value
        return pd.Series([values], dtype=object)


def is_missing(v: Any) -> bool:
    """None, NaN/NaT/NA, or a string that only says "nothing" ('', 'n/a', 'null' ...)."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip().casefold() in _NULL_TOKENS
    try:
        r = pd.isna(v)
    except Exception:  # pd.isna calls an arbitrary object's __array__, which may raise anything
        return False
    return bool(r) if isinstance(r, (bool, np.bool_)) else False


def to_text(v: Any) -> str:
    """Best-effort string form of a scalar; integral floats lose their '.0'."""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isfinite(f) and f.is_integer() and abs(f) < 1e18:
            return str(int(f))
        return repr(f)
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def clean_unicode(s: str) -> str:
    """NFKC, drop lone surrogates and control/format characters."""
    if s.isascii() and s.isprintable():
        return s  # fast path: printable ASCII is already NFKC and clean
    s = unicodedata.normalize("NFKC", s.encode("utf-8", "replace").decode("utf-8"))
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in s)


def translit_fold(s: str) -> str:
    """clean_unicode, casefolded and transliterated to ASCII (Müller -> muller, Łukasz -> lukasz)."""
    s = clean_unicode(s).strip().casefold()
    s = anyascii(s).casefold()
    return s


# --------------------------------------------------------------------------
# values as a person writes them (what a golden record publishes)
# --------------------------------------------------------------------------

# Excel's text marker: a cell typed as '08007 (to keep the leading zero, or to stop Excel
# reading a phone number as a formula) is exported with the apostrophe by many tools. It is
# never data, except for the Dutch contractions 't and 's that begin names ('t Hart,
# 's-Gravesande), which are kept. ="08007" is the same trick written as a formula.
_SPREADSHEET_MARKER_RE = re.compile(r"^\s*'(?![tTsS](?:[\s-]|$))")
_SPREADSHEET_FORMULA_RE = re.compile(r'^\s*="([^"]*)"\s*$')
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b"), None)  # byte-order marks and zero-width spaces
_WHITESPACE_RE = re.compile(r"\s+")


def strip_spreadsheet_marker(s: str) -> str:
    """``s`` without Excel's text marker: ``'08007`` -> ``08007``, ``="08007"`` -> ``08007``
    (``'t Hart`` keeps its apostrophe)."""
    if "'" not in s and '="' not in s:
        return s
    m = _SPREADSHEET_FORMULA_RE.match(s)
    if m:
        return m.group(1)
    return _SPREADSHEET_MARKER_RE.sub("", s, count=1)


# What a person's text field may hold to say "nothing": unlike the parsers' null tokens, "Nan",
# "Null", "None" and "Nat" are names people have (and publish).
_TEXT_NOTHING = frozenset({"", "n/a", "#n/a", "<na>", "<nan>"})


def clean_text_value(v: Any) -> str | None:
    """A text field as a person writes it, for publishing: the spreadsheet marker off, Unicode
    composed (NFC: an "é" typed as e + accent is one letter), control characters and runs of
    blanks made one space, trimmed; None when nothing (or only a null token such as "n/a") is
    left. Spelling, case and accents are kept: folding them is for match keys only."""
    if v is None or (not isinstance(v, str) and is_missing(v)):
        return None
    s = to_text(v)
    t = strip_spreadsheet_marker(s)
    if not (t.isascii() and t.isprintable()):
        t = unicodedata.normalize("NFC", t.translate(_INVISIBLE))
        t = "".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in t)
    t = _WHITESPACE_RE.sub(" ", t).strip()
    if t.casefold() in _TEXT_NOTHING:
        return None
    return s if t == s else t


def clean_text(values: Any) -> pd.Series:
    """``clean_text_value`` per value (once per distinct value), index and name kept."""
    s = as_series(values)
    return object_series(map_values(s, clean_text_value, None), s)


# Latin letters that are not a base letter plus a combining accent, spelled without one.
_FOLDED_LETTERS = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
                   "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"}
_LETTER_FOLDS = str.maketrans(_FOLDED_LETTERS)


def accent_fold(s: str) -> str:
    """Case and Latin accents off (Renée, RENEE, renee -> renee; Søren -> soren). Other
    scripts stay as they are, and so do spellings (Mueller is not Müller)."""
    if s.isascii():
        return s.casefold()
    decomposed = unicodedata.normalize("NFD", s.translate(_LETTER_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def accent_count(s: str) -> int:
    """How many letters of ``s`` carry an accent (Renée: 1, Renee: 0): of two spellings that
    ``accent_fold`` makes equal, the one with more holds more of what the person wrote."""
    if s.isascii():
        return 0
    return sum(1 for ch in unicodedata.normalize("NFC", s) if not ch.isascii() and (
        ch in _FOLDED_LETTERS or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", ch))))


def join_issues(issues: Iterable[str]) -> str:
    """Issue codes joined with ';', empty ones left out ('' = no issue)."""
    return ";".join(i for i in issues if i)


# --------------------------------------------------------------------------
# distinct values
# --------------------------------------------------------------------------

def _cache_key(v: Any) -> Hashable:
    if v is None:
        return ("none",)
    # values are arbitrary objects: their __hash__ and __repr__ are foreign code
    # that may raise anything; each failure only means a coarser key
    try:
        if isinstance(v, float) and v != v:
            return ("nan",)
        hash(v)
        return (type(v), v)
    except Exception:
        try:
            return ("repr", type(v).__name__, repr(v))
        except Exception:
            return ("id", id(v))


def _object_array(values: Any) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype=object)
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.astype(object, copy=False)
    values = list(values)
    return np.fromiter(values, dtype=object, count=len(values))


def factorize(values: Any) -> tuple[list, np.ndarray]:
    """Distinct values (in order of first appearance) and, per row, the index
    of its distinct value -- 1, 1.0 and True are different values, unhashable
    values are told apart by repr.

    Columns of plain strings (the usual case) are factorised by pandas in C;
    anything else goes through a dict of cache keys."""
    arr = _object_array(values)
    n = len(arr)
    if n == 0:
        return [], np.empty(0, dtype=np.intp)
    # The C path is only a shortcut: if pandas fails on some odd value, the
    # general loop below gives the same codes.
    try:
        fast = pd.api.types.infer_dtype(arr, skipna=True) == "string"
    except Exception:
        fast = False
    if fast:
        try:
            codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        except Exception:
            fast = False
    if fast:
        uniq = list(uniques)
        codes = np.asarray(codes, dtype=np.intp)
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            # None / NaN / pd.NA / NaT: distinct kinds of missing stay distinct
            seen: dict = {}
            for i in missing.tolist():
                v = arr[i]
                k = _cache_key(v)
                j = seen.get(k)
                if j is None:
                    j = seen[k] = len(uniq)
                    uniq.append(v)
                codes[i] = j
        return uniq, codes
    seen = {}
    uniq = []
    codes = np.empty(n, dtype=np.intp)
    for i, v in enumerate(arr.tolist()):
        k = _cache_key(v)
        try:
            j = seen[k]
        except KeyError:
            j = seen[k] = len(uniq)
            uniq.append(v)
        except Exception:  # pathological __eq__/__hash__: its own slot
            j = len(uniq)
            uniq.append(v)
        codes[i] = j
    return uniq, codes


def factorize_pairs(a: Any, b: Any) -> tuple[list[tuple], np.ndarray]:
    """Like factorize, for the row-wise pairs (a[i], b[i])."""
    ua, ca = factorize(a)
    ub, cb = factorize(b)
    if not len(ca):
        return [], ca
    combined = ca.astype(np.int64) * max(len(ub), 1) + cb
    codes, keys = pd.factorize(combined)
    width = max(len(ub), 1)
    pairs = [(ua[k // width], ub[k % width]) for k in keys.tolist()]
    return pairs, np.asarray(codes, dtype=np.intp)


def apply_each(func: Callable[[Any], Any], values: list, default: Any) -> list:
    """func(v) for each value; ``default`` where it raises.

    This is what makes "no normaliser raises on any input" true: the per-value
    functions run third-party parsers (email-validator, phonenumbers, nameparser
    ...) on whatever a source file held, and a value none of them can read gets
    the normaliser's documented default (None plus an issue code)."""
    out = []
    append = out.append
    for v in values:
        try:
            append(func(v))
        except Exception:
            append(default)
    return out


def take(results: list, codes: np.ndarray) -> np.ndarray:
    """Per-row object array of results[codes] (results may be tuples)."""
    arr = np.empty(len(results), dtype=object)
    for j, r in enumerate(results):
        arr[j] = r
    return arr[codes]


def take_columns(results: list, codes: np.ndarray, ncols: int) -> list[np.ndarray]:
    """Per-row object arrays, one per field of the result tuples."""
    if not results:
        return [np.empty(len(codes), dtype=object) for _ in range(ncols)]
    return [np.fromiter(col, dtype=object, count=len(results))[codes] for col in zip(*results)]


def map_values(values: Any, func: Callable[[Any], Any], default: Any) -> np.ndarray:
    """func applied once per distinct value (exceptions -> default), per row."""
    uniq, codes = factorize(values)
    return take(apply_each(func, uniq, default), codes)


def object_series(values: np.ndarray, s: pd.Series) -> pd.Series:
    """``values`` as an object Series with the index and name of ``s``."""
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def aligned_list(other: Any, s: pd.Series) -> list:
    """Values of ``other`` per row of ``s``: by label when both indexes are
    unique and differ, else by position (padded with None)."""
    try:
        o = as_series(other)
        if not o.index.equals(s.index) and o.index.is_unique and s.index.is_unique:
            return o.reindex(s.index).astype(object).where(lambda x: x.notna(), None).tolist()
        vals = o.tolist()
    except (TypeError, ValueError):  # labels pandas cannot compare or reindex by: go by position
        try:
            vals = list(other)
        except TypeError:
            vals = []
    if len(vals) != len(s):
        vals = (vals + [None] * len(s))[: len(s)]
    return vals
