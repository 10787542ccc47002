"""Dates: parsed with the source's explicit format, or one the values themselves settle.

A room of its own because a date column is parsed as a whole (pandas, one
vectorised call per group of strings) with the format the source declares
(ISO 8601 when none), and a value that fails is told apart: missing,
unparseable (not the format's shape) or impossible (31/02, the future, before
1900). Day/month order is never guessed: ``infer_date_format`` proposes a format
only when the values decide it (a day above 12 settles day-first against
month-first; dots, slashes and dashes are read as written), and says when they
do not (every value fits both orders).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from steward.normalise.values import as_series, clean_unicode, is_missing, to_text

_MIN_YEAR = 1900
_FMT_DIRECTIVES = {
    "d": r"\d{1,2}", "m": r"\d{1,2}", "H": r"\d{1,2}", "I": r"\d{1,2}", "M": r"\d{1,2}",
    "S": r"\d{1,2}", "Y": r"\d{1,4}", "y": r"\d{2}", "f": r"\d{1,9}", "j": r"\d{1,3}",
    "b": r"[^\W\d_]+\.?", "B": r"[^\W\d_]+", "a": r"[^\W\d_]+\.?", "A": r"[^\W\d_]+",
    "p": r"[APap]\.?[Mm]\.?", "z": r"(?:Z|[+-]\d{2}:?\d{2})", "Z": r"[A-Za-z]{1,5}",
    "%": "%", "U": r"\d{1,2}", "W": r"\d{1,2}", "w": r"\d", "u": r"\d", "V": r"\d{1,2}", "G": r"\d{4}",
}
_ISO_SHAPE_RE = re.compile(r"\d{1,4}-?\d{1,2}-?\d{1,2}(?:[T ].*)?")


@lru_cache(maxsize=64)
def _fmt_shape(fmt: str | None) -> re.Pattern:
    if fmt is None:
        return _ISO_SHAPE_RE
    out = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            d = fmt[i + 1]
            if d == "-" and i + 2 < len(fmt):  # %-d (glibc)
                d = fmt[i + 2]
                i += 1
            out.append(_FMT_DIRECTIVES.get(d, r".+?"))
            i += 2
        elif ch.isspace():
            out.append(r"\s+")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(r"(?!)")


def _to_naive_ts(v: Any) -> pd.Timestamp:
    ts = pd.Timestamp(v)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


_TZ_SUFFIX_RE = re.compile(r"\d(?:\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))$")


# What pandas raises for a format it cannot use even with errors="coerce"
# ('%Q', '%-d': ValueError; a directive twice, '%z%z': re.error).
_FORMAT_ERRORS = (ValueError, TypeError, OverflowError, re.error)


def _parse_group(strs: list[str], fmt: str | None) -> list:
    """Vectorised parse of one homogeneous group -> naive (UTC) Timestamps/NaT."""
    f = fmt if fmt else "ISO8601"
    try:
        p = pd.to_datetime(pd.Series(strs, dtype=object), format=f, errors="coerce", utc=True, cache=True)
        return list(p.dt.tz_localize(None))
    except _FORMAT_ERRORS:
        out = []
        for t in strs:
            try:
                ts = pd.to_datetime(t, format=f, errors="coerce", utc=True)
                out.append(pd.NaT if pd.isna(ts) else ts.tz_localize(None))
            except _FORMAT_ERRORS:
                out.append(pd.NaT)
        return out


def _parse_strings(strs: list[str], fmt: str | None) -> list:
    # strings with and without a UTC offset are parsed separately: pandas
    # would otherwise apply one string's offset to its naive neighbours
    aware = [bool(_TZ_SUFFIX_RE.search(t)) for t in strs]
    result: list = [pd.NaT] * len(strs)
    for flag in (False, True):
        idx = [i for i, a in enumerate(aware) if a is flag]
        if idx:
            for i, ts in zip(idx, _parse_group([strs[i] for i in idx], fmt)):
                result[i] = ts
    return result


def parse_dates(values: pd.Series, fmt: str | None) -> pd.DataFrame:
    """Parse dates with an explicit strptime ``fmt`` (ISO 8601 only when None;
    never guesses day/month order).

    Columns: ``value`` (naive Timestamp, tz-aware input converted to UTC; NaT
    whenever ``issue`` is not '') and ``issue`` ('' / 'missing' /
    'unparseable_date' / 'impossible_date' -- a value that has the shape of
    the format but is not a real date (31/02, month 13), lies in the future or
    before 1900). datetime/date/Timestamp objects are taken as-is.
    """
    s = as_series(values)
    n = len(s)
    vals: list = [pd.NaT] * n
    issues: list = [""] * n
    str_pos: list[int] = []
    str_vals: list[str] = []
    for i, v in enumerate(s.tolist()):
        try:
            if is_missing(v):
                issues[i] = "missing"
            elif isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date, np.datetime64)):
                try:
                    vals[i] = _to_naive_ts(v)
                    if vals[i] is pd.NaT:
                        issues[i] = "missing"
                except (ValueError, TypeError, OverflowError):  # OutOfBoundsDatetime is a ValueError
                    issues[i] = "impossible_date"
            elif isinstance(v, (bool, np.bool_)):
                issues[i] = "unparseable_date"
            else:
                t = clean_unicode(to_text(v)).strip()
                if not t:
                    issues[i] = "missing"
                elif len(t) > 100:
                    issues[i] = "unparseable_date"
                else:
                    str_pos.append(i)
                    str_vals.append(t)
        except Exception:  # str() of an arbitrary object may raise anything: not a date
            issues[i] = "unparseable_date"

    if str_vals:
        parsed = _parse_strings(str_vals, fmt)
        shape = _fmt_shape(fmt)
        for i, t, ts in zip(str_pos, str_vals, parsed):
            if ts is pd.NaT or pd.isna(ts):
                ok_shape = shape.fullmatch(t) is not None
                issues[i] = "impossible_date" if ok_shape else "unparseable_date"
            else:
                vals[i] = ts

    now = pd.Timestamp.now(tz="UTC").tz_localize(None) + pd.Timedelta(days=1)
    for i in range(n):
        ts = vals[i]
        if issues[i] == "" and ts is not pd.NaT:
            try:
                if ts.year < _MIN_YEAR or ts > now:
                    issues[i] = "impossible_date"
            except (TypeError, ValueError, OverflowError):  # not comparable with today: not a real date
                issues[i] = "impossible_date"
        if issues[i]:
            vals[i] = pd.NaT
    try:
        col = pd.Series(pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce").values, index=s.index)
    except (ValueError, TypeError, OverflowError):
        col = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if col.dtype == object:
        col = col.astype("datetime64[ns]")
    return pd.DataFrame({"value": col, "issue": pd.Series(issues, index=s.index, dtype=object)})


# The formats a date column without a declared format may be written in. Four-digit years only:
# for a two-digit year the century would be a guess. Dotted dates are day first (where they are
# written, month-first dots are not).
INFERABLE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d")
# A format is taken only when it reads at least this share of the values ISO 8601 does not
# (the rest are reported as invalid dates, as with a declared format).
INFER_MIN_SHARE = 0.9


@dataclass(frozen=True)
class DateFormatGuess:
    """What the values of one date column say about their format. ``fmt``: the format to read the
    values ISO 8601 does not (None: they need none, or no format reads enough of them, or the
    values do not decide between ``tied`` formats: day/month order undecidable). ``read``: how
    many of the ``candidates`` (distinct non-ISO values) ``fmt`` or the best tied format reads."""

    fmt: str | None
    read: int = 0
    candidates: int = 0
    tied: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.tied) > 1


def infer_date_format(values: pd.Series) -> DateFormatGuess:
    """The format the non-ISO values of one source's date column are written in, when they settle it."""
    text = as_series(values).dropna().astype(str).str.strip()
    distinct = pd.Series(text[text != ""].unique(), dtype=object)
    if distinct.empty:
        return DateFormatGuess(None)
    other = distinct[(parse_dates(distinct, None)["issue"] != "").to_numpy()].reset_index(drop=True)
    if other.empty:
        return DateFormatGuess(None)
    examples = tuple(other.head(3))
    read = {fmt: int((parse_dates(other, fmt)["issue"] == "").sum()) for fmt in INFERABLE_FORMATS}
    best = max(read.values())
    if best < INFER_MIN_SHARE * len(other):
        return DateFormatGuess(None, best, len(other), examples=examples)
    tied = tuple(fmt for fmt, count in read.items() if count == best)
    return DateFormatGuess(tied[0] if len(tied) == 1 else None, best, len(other), tied, examples)
