"""Phone numbers: E.164, extension, line type and issue codes, with phonenumbers.

A room of its own because reading a phone number depends on the record's
country (the region a national number is dialled in) and on the ways sources
mangle numbers (Excel dropping the '+' or a leading zero, '(0)' inside an
international number, extensions written in several languages).

Speed (benchmarks/normalise_1m.py): a number is looked up in phonenumbers'
metadata once (``number_facts``: ``number_type`` doubles as the validity check),
and many distinct (number, region) pairs are parsed in worker processes.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from steward.normalise.values import (
    aligned_list,
    as_series,
    clean_text_value,
    clean_unicode,
    factorize_pairs,
    is_missing,
    map_values,
    object_series,
    strip_spreadsheet_marker,
    take_columns,
    to_text,
)
from steward.normalise.workers import apply_distinct

_EXT_RE = re.compile(
    r"\s*[,;]?\s*(?:ext\.?|extn\.?|extension|x|#|durchwahl|dw\.?|poste|app\.?)\s*[:.]?\s*(\d{1,7})\s*$",
    re.IGNORECASE,
)
_EXT_HINT_RE = re.compile(r"[A-Za-z#]")
_TRUNK_IN_INTL_RE = re.compile(r"\(\s*0\s*\)")
_NON_DIGIT_RE = re.compile(r"\D")

# A number a spreadsheet showed in scientific notation (4.15555E+9, 4,15555E+09) and that was
# exported as shown: only the digits before the E are left, the rest are zeros or gone. No
# reading can bring them back, so it is never published as a phone nor "fixed" into one.
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:[.,]\d*)?\s*[eE]\s*\+?\d+$")
SCIENTIFIC_NOTATION = "scientific_notation"

_PHONE_DEFAULT = (None, None, "unknown", "unparseable")
PHONE_COLUMNS = ["phone_e164", "phone_ext", "phone_type", "phone_issue"]
# What each phone_issue code means, in the words the audit and a steward read.
PHONE_ISSUE_REASONS = {
    "missing": "no phone number",
    "unparseable": "not a phone number",
    "invalid": "not a valid number for its country",
    "possible_not_valid": "the length of a number, but not one in use",
    "no_region": "a national number without a country to dial it in",
    SCIENTIFIC_NOTATION: "phone in scientific notation: digits lost in a spreadsheet",
}

_PHONE_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)
_TYPE_NAMES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.UNKNOWN: "unknown",
}


def _region_or_none(v: Any) -> str | None:
    if v is None or is_missing(v) or not isinstance(v, str):
        return None
    r = v.strip().upper()
    if r == "UK":
        r = "GB"
    return r if r in _PHONE_REGIONS else None


# number_facts per number, per process (each worker process keeps its own)
_NUMBER_FACTS: dict = {}


def clear_number_facts() -> None:
    """Forget the cached number facts (benchmarks time normalisers from cold)."""
    _NUMBER_FACTS.clear()


def number_facts(n: phonenumbers.PhoneNumber) -> tuple:
    """(number_type, E.164) of a parsed number, cached per number: the same
    number written in different ways is looked up once.

    number_type() is UNKNOWN exactly when is_valid_number() is False (both
    check the number against its own region's metadata), so one call does
    the work of two. Both depend only on the country code and the national
    significant number, which make the cache key."""
    key = (n.country_code, n.national_number, n.italian_leading_zero, n.number_of_leading_zeros)
    try:
        return _NUMBER_FACTS[key]
    except KeyError:
        pass
    ntype = phonenumbers.number_type(n)
    e164 = None
    if ntype != PhoneNumberType.UNKNOWN:
        e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
    if len(_NUMBER_FACTS) >= 1_000_000:
        _NUMBER_FACTS.clear()
    _NUMBER_FACTS[key] = (ntype, e164)
    return ntype, e164


def _phone_one(raw: Any, region: str | None) -> tuple:
    if is_missing(raw):
        return (None, None, "unknown", "missing")
    if isinstance(raw, (bool, np.bool_)):
        return (None, None, "unknown", "unparseable")
    s = strip_spreadsheet_marker(clean_unicode(to_text(raw))).strip()
    if not s:
        return (None, None, "unknown", "missing")
    if len(s) > 100:
        return (None, None, "unknown", "unparseable")
    if _SCIENTIFIC_RE.match(s):
        return (None, None, "unknown", SCIENTIFIC_NOTATION)
    ext = None
    # every extension marker has a letter or '#': skip the (slow, unanchored)
    # search for plain numbers; non-ASCII text always gets the full search
    m = _EXT_RE.search(s) if (not s.isascii() or _EXT_HINT_RE.search(s)) else None
    if m and _NON_DIGIT_RE.sub("", s[: m.start()]):
        ext = m.group(1)
        s = s[: m.start()].strip()
    s = s.replace("\u2011", "-").replace("\u2013", "-").replace("\u2212", "-")
    digits = _NON_DIGIT_RE.sub("", s)
    if not digits:
        return (None, ext, "unknown", "unparseable")
    intl = s.lstrip().startswith("+") or digits.startswith("00")
    if intl:
        s = _TRUNK_IN_INTL_RE.sub(" ", s)
        digits = _NON_DIGIT_RE.sub("", s)

    attempts: list[tuple[str, str | None]] = []
    if s.startswith("+"):
        attempts.append((s, None))
    else:
        if region and len(digits) >= 10 and not digits.startswith("0"):
            cc = str(phonenumbers.country_code_for_region(region))
            if cc != "0" and digits.startswith(cc):
                # '4917...' with region DE: an international number whose '+'
                # was lost (numeric Excel cell) -- try that reading first
                attempts.append(("+" + digits, None))
        if region:
            attempts.append((s, region))
        if digits.startswith("00") and not digits.startswith("000"):
            attempts.append(("+" + digits[2:], None))
        if len(digits) >= 10 and not digits.startswith("0"):
            attempts.append(("+" + digits, None))  # e.g. Excel dropped the '+'
    if not attempts:
        return (None, ext, "unknown", "no_region")

    possible = None
    parsed_any = False
    for text, reg in attempts:
        try:
            n = phonenumbers.parse(text, reg)
        except NumberParseException:
            continue
        except Exception:  # phonenumbers on arbitrary text: one reading failing oddly must not stop the others
            continue
        parsed_any = True
        ntype, e164 = number_facts(n)
        if ntype != PhoneNumberType.UNKNOWN:
            return (e164, ext or (n.extension or None), _TYPE_NAMES.get(ntype, "other"), "")
        if possible is None and phonenumbers.is_possible_number(n):
            possible = n
    if possible is not None:
        return (None, ext or (possible.extension or None), "unknown", "possible_not_valid")
    if parsed_any:
        return (None, ext, "unknown", "invalid")
    return (None, ext, "unknown", "unparseable")


def _phone_pair(item: tuple) -> tuple:
    """_phone_one of a (raw, region) pair; runs in workers."""
    return _phone_one(item[0], item[1])


def normalise_phones(
    phones: pd.Series,
    countries: pd.Series | None = None,
    default_region: str | None = None,
) -> pd.DataFrame:
    """Parse phone numbers to E.164.

    ``countries`` (ISO-2 per record, may be None) wins over ``default_region``.
    Columns: ``phone_e164`` (only for numbers phonenumbers considers valid),
    ``phone_ext``, ``phone_type`` ('mobile'/'fixed'/'fixed_or_mobile'/'other'/
    'unknown') and ``phone_issue`` ('' / 'missing' / 'unparseable' / 'invalid' /
    'possible_not_valid' / 'no_region' / 'scientific_notation'; ``PHONE_ISSUE_REASONS``
    says what each means). Excel's text marker ('0171 ...) is read past.
    """
    s = as_series(phones)
    default = _region_or_none(default_region)
    if countries is not None:
        regions = map_values(aligned_list(countries, s), _region_or_none, None)
        if default is not None:
            regions[pd.isna(regions)] = default
    else:
        regions = np.full(len(s), default, dtype=object)
    pairs, codes = factorize_pairs(s, regions)
    cols = take_columns(apply_distinct("phone", _phone_pair, pairs, _PHONE_DEFAULT), codes, 4)
    return pd.DataFrame(dict(zip(PHONE_COLUMNS, cols)), index=s.index)


def _phone_text_one(v: Any) -> str | None:
    text = clean_text_value(v)
    if text is None or _SCIENTIFIC_RE.match(text):
        return None
    return text


def phone_texts(phones: pd.Series) -> pd.Series:
    """Each phone as its source wrote it (``clean_text_value``: the spreadsheet marker off), for
    a golden record whose numbers are all invalid; None for a number in scientific notation,
    whose digits are lost (never published)."""
    s = as_series(phones)
    return object_series(map_values(s, _phone_text_one, None), s)
