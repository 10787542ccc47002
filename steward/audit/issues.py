"""Value checks, each run once per distinct value: free text (placeholders, digits,
encoding damage), dates the loader flagged, phone number regions and postcodes
against their country's pattern. Each returns one issue code per record."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from steward.config.quality import DATE_FIELDS
from steward.audit.values import distinct, lift, stripped_text

_LETTER = r"[^\W\d_]"
_DAMAGE = "[?\ufffd]"


def text_issues(codes: np.ndarray, uniq: pd.Series, placeholders: frozenset, forbid_digits: bool) -> np.ndarray:
    """Issue code per record for a free-text value ('' = fine; None where blank)."""
    text = stripped_text(uniq)
    issue = pd.Series("", index=text.index, dtype=object)
    issue[text.str.contains(_DAMAGE, regex=True)] = "encoding_damage"
    if forbid_digits:
        issue[text.str.contains(r"\d", regex=True)] = "contains_digits"
    issue[~text.str.contains(_LETTER, regex=True)] = "no_letter"
    issue[text.str.casefold().isin(placeholders)] = "placeholder"
    issue[text == ""] = None
    return lift(codes, issue.to_numpy(dtype=object), None)


def parse_timestamps(codes: np.ndarray, uniq: pd.Series) -> np.ndarray:
    """Canonical ISO dates/timestamps -> datetime64[ns] (NaT where missing/unparseable)."""
    if not len(uniq):
        return np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    parsed = pd.to_datetime(stripped_text(uniq), format="ISO8601", errors="coerce", utc=True)
    values = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return lift(codes, values, np.datetime64("NaT")).astype("datetime64[ns]")


_DATE_ISSUE_RE = {f: re.compile(re.escape(f) + r":([a-z_]+)\(") for f in DATE_FIELDS}


def date_issue_codes(codes: np.ndarray, uniq: pd.Series, column: str) -> np.ndarray:
    """The loader's issue code for ``column`` ('unparseable_date' ...), or None."""
    rx = _DATE_ISSUE_RE[column]
    found = [None if not isinstance(v, str) else (m.group(1) if (m := rx.search(v)) else None) for v in uniq]
    return lift(codes, np.asarray(found, dtype=object), None)


def _calling_code_table() -> tuple[dict[str, str], set[str]]:
    import phonenumbers

    single: dict[str, str] = {}
    multi: set[str] = set()
    for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        regions = [r for r in regions if r != "001"]
        if len(regions) == 1:
            single[str(cc)] = regions[0]
        elif regions:
            multi.add(str(cc))
    return single, multi


def phone_regions(e164: pd.Series) -> np.ndarray:
    """Region (ISO-2) of each E.164 number, None where missing.

    Calling codes used by one region only (+49 -> DE) are resolved by prefix;
    for shared ones (+1, +44, +7 ...) phonenumbers.region_code_for_number runs
    once per calling code + leading national digits (the area code for +1,
    six digits elsewhere), which is where those regions are told apart.
    """
    return phone_regions_of(*distinct(e164))


def phone_regions_of(codes: np.ndarray, uniq: pd.Series) -> np.ndarray:
    """``phone_regions`` of a factorised column (codes, distinct values)."""
    import phonenumbers

    if not len(uniq):
        return np.full(len(codes), None, dtype=object)
    text = stripped_text(uniq)
    single, multi = _calling_code_table()
    cc = pd.Series(None, index=text.index, dtype=object)
    for length in (1, 2, 3):
        prefix = text.str[1 : 1 + length]
        hit = cc.isna() & text.str.startswith("+") & (prefix.isin(set(single)) | prefix.isin(multi))
        cc[hit] = prefix[hit]
    region = cc.map(single).astype(object)
    shared = cc.isin(multi).to_numpy()
    if shared.any():
        sub = text[shared]
        sub_cc = cc[shared]
        national = np.where(sub_cc == "1", 3, 6)
        keys = [t[: 1 + len(c) + n] for t, c, n in zip(sub.tolist(), sub_cc.tolist(), national.tolist())]
        key_series = pd.Series(keys, index=sub.index)
        reps = key_series.drop_duplicates()
        lookup = {}
        for idx, key in reps.items():
            try:
                lookup[key] = phonenumbers.region_code_for_number(phonenumbers.parse(text[idx], None))
            except Exception:
                lookup[key] = None
        region[shared] = key_series.map(lookup).to_numpy(dtype=object)
    region = region.where(region.notna(), None)
    return lift(codes, region.to_numpy(dtype=object), None)


def postcode_issues(postcodes: tuple[np.ndarray, pd.Series], countries: tuple[np.ndarray, pd.Series],
                     cfg: dict) -> np.ndarray:
    """Issue code per record: '' valid, 'pattern_mismatch' / 'leading_zero_lost', None where blank.

    Takes the factorised postcode and country columns; works once per distinct pair."""
    p_codes, p_uniq = postcodes
    c_codes, c_uniq = countries
    if not len(p_uniq):
        return np.full(len(p_codes), None, dtype=object)
    width = len(c_uniq) + 1  # country code + 1; 0 = no country
    filled = p_codes >= 0
    pair = p_codes[filled].astype(np.int64) * width + (c_codes[filled] + 1)
    sub_codes, pair_uniq = pd.factorize(pair)
    codes = np.full(len(p_codes), -1, dtype=np.int64)
    codes[filled] = sub_codes
    pair_uniq = np.asarray(pair_uniq, dtype=np.int64)
    c_ext = np.append(np.asarray(c_uniq, dtype=object), "")  # index -1 -> no country
    pairs = pd.DataFrame({
        "p": stripped_text(p_uniq).to_numpy(dtype=object)[pair_uniq // width],
        "c": c_ext[(pair_uniq % width) - 1],
    })
    value = pairs["p"].astype(str).str.upper()
    ok = np.zeros(len(pairs), dtype=bool)
    lost_zero = np.zeros(len(pairs), dtype=bool)
    handled = np.zeros(len(pairs), dtype=bool)
    for country, pattern in cfg["postcode_patterns"].items():
        sel = (pairs["c"] == country).to_numpy()
        if sel.any():
            v = value[sel]
            ok[sel] = v.str.fullmatch(pattern).fillna(False).astype(bool).to_numpy()
            # numeric postcodes that lost their leading zeros in a spreadsheet (DE 1067 for 01067)
            digits = v.str.fullmatch(r"\d{1,9}").fillna(False).astype(bool)
            for pad in (4, 5, 6):
                padded = v.str.zfill(pad).str.fullmatch(pattern).fillna(False).astype(bool)
                lost_zero[sel] |= (digits & padded & (v.str.len() < pad)).to_numpy()
            handled |= sel
    other = ~handled
    if other.any():
        ok[other] = value[other].str.fullmatch(cfg["generic_postcode_pattern"]).fillna(False).astype(bool).to_numpy()
    issue = pd.Series("", index=pairs.index, dtype=object)
    issue[~ok] = "pattern_mismatch"
    issue[~ok & lost_zero] = "leading_zero_lost"
    issue[value == ""] = None
    return lift(codes, issue.to_numpy(dtype=object), None)
