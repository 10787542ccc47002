"""Dates: parsed with the source's explicit format, never guessed.

A room of its own because a date column is parsed as a whole (pandas, one
vectorised call per group of strings) with the format the source declares
(ISO 8601 when none), and a value that fails is told apart: missing,
unparseable (not the format's shape) or impossible (31/02, the future, before
1900). Day/month order is never guessed.
"""

from __future__ import annotations

import datetime as _dt
import re
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
