"""Postcodes: a compact upper-case key, with the leading zeros numeric sources lost put back.

A room of its own because a postcode's shape depends on its country: with the
record's country, all-digit postcodes of fixed-length countries are padded
again (Excel turns DE 01067 into 1067) and US ZIP+4 is cut to the ZIP.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from steward.normalise.values import (
    aligned_list,
    apply_each,
    as_series,
    factorize_pairs,
    is_missing,
    map_values,
    object_series,
    take,
    to_text,
    translit_fold,
)

_POSTCODE_JUNK_RE = re.compile(r"[^0-9A-Z]+")
# countries whose postcodes are all digits of a fixed length: numeric sources
# (Excel) drop leading zeros, which are restored here
_NUMERIC_POSTCODE_LEN = {
    "DE": 5, "FR": 5, "ES": 5, "IT": 5, "US": 5, "FI": 5, "MY": 5, "ID": 5, "MX": 5, "TR": 5,
    "HR": 5, "EE": 5, "UA": 5, "TH": 5, "KR": 5, "SA": 5,
    "AT": 4, "CH": 4, "BE": 4, "DK": 4, "NO": 4, "AU": 4, "ZA": 4, "PH": 4, "HU": 4, "BG": 4,
    "LU": 4, "SI": 4, "CY": 4, "NZ": 4,
}


def _postcode_one(v: Any, country: str | None) -> str | None:
    if is_missing(v) or isinstance(v, (bool, np.bool_)):
        return None
    text = to_text(v)
    if len(text) > 100:
        text = text[:100]
    s = _POSTCODE_JUNK_RE.sub("", translit_fold(text).upper())
    if not s:
        return None
    if country:
        want = _NUMERIC_POSTCODE_LEN.get(country)
        if country == "US" and s.isdigit() and len(s) == 9:
            s = s[:5]  # ZIP+4 -> ZIP
        if want and s.isdigit() and len(s) < want:
            s = s.zfill(want)
    return s


def postcode_key(postcodes: pd.Series, countries: pd.Series | None = None) -> pd.Series:
    """Upper-case, spaces/dashes/punctuation removed ('sw1a 1aa' ->
    'SW1A1AA', '00-950' -> '00950'); None for empty. With ``countries``
    (ISO-2), all-digit postcodes that lost leading zeros are zero-padded
    (DE 1067 -> 01067) and US ZIP+4 is cut to the 5-digit ZIP."""
    s = as_series(postcodes)
    if countries is None:
        return object_series(map_values(s, lambda v: _postcode_one(v, None), None), s)
    country = map_values(aligned_list(countries, s), _postcode_country, None)
    pairs, codes = factorize_pairs(s, country)
    return object_series(take(apply_each(_postcode_pair, pairs, None), codes), s)


def _postcode_country(cv: Any) -> str | None:
    return cv.strip().upper() if isinstance(cv, str) else None


def _postcode_pair(item: tuple) -> str | None:
    return _postcode_one(item[0], item[1])
