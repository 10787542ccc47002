"""Consent flags: whatever a source writes for opt-in -> 'yes' / 'no' / 'unknown'.

A room of its own because consent is the one field where reading a value
wrongly is a compliance problem: a value nobody mapped is 'unknown', never a
guess. Sources either use the common vocabulary (yes/ja/oui/subscribed/1 ...)
or declare their own value map.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from steward.normalise.values import as_series, clean_unicode, is_missing, map_values, object_series, to_text

_OPT_YES = frozenset({
    "yes", "y", "true", "t", "1", "subscribed", "opted in", "opt in", "optin", "ja", "j", "oui", "si",
    "consent", "consented", "granted", "on", "x",
})
_OPT_NO = frozenset({
    "no", "n", "false", "f", "0", "unsubscribed", "opted out", "opt out", "optout", "nein", "non",
    "declined", "denied", "refused", "off", "not subscribed",
})
_OPT_SEP_RE = re.compile(r"[\s_\-]+")


def _opt_text(v: Any) -> str:
    return clean_unicode(to_text(v)).strip().casefold()


def _opt_default_one(v: Any) -> str:
    if v is None or (not isinstance(v, str) and is_missing(v)):
        return "unknown"
    t = _OPT_SEP_RE.sub(" ", _opt_text(v)).strip()
    if t in _OPT_YES:
        return "yes"
    if t in _OPT_NO:
        return "no"
    return "unknown"


def normalise_opt_in(values: pd.Series, value_map: dict[str, str] | None = None) -> pd.Series:
    """Consent -> 'yes'/'no'/'unknown'. With ``value_map`` (keys compared
    stripped+casefolded; targets 'yes'/'no'/'unknown' or anything the default
    vocabulary understands) unmapped values -> 'unknown'."""
    s = as_series(values)
    if value_map is None:
        return object_series(map_values(s, _opt_default_one, "unknown"), s)
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    try:
        items = list(value_map.items())
    except (AttributeError, TypeError):  # not a mapping: nothing is mapped
        items = []
    for k, target in items:
        try:
            t = _opt_text(target)
            t = t if t in ("yes", "no", "unknown") else _opt_default_one(target)
            kt = _opt_text(k) if not is_missing(k) or isinstance(k, str) else ""
            exact[kt] = t
            loose.setdefault(_OPT_SEP_RE.sub(" ", kt).strip(), t)
        except Exception:  # a key or target of a hand-written map whose str() fails: that entry is skipped
            continue

    def one(v: Any) -> str:
        if v is None or (not isinstance(v, str) and is_missing(v)):
            return exact.get("", "unknown")
        t = _opt_text(v)
        if t in exact:
            return exact[t]
        return loose.get(_OPT_SEP_RE.sub(" ", t).strip(), "unknown")

    return object_series(map_values(s, one, "unknown"), s)
