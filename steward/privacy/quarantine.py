"""Erased people in the quarantine: suppressed records become entries without values,
and quarantined raw lines that hold an erased identifier are blanked.

Either way the input row stays accounted for while nothing of the person is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from steward.config.erasure import KINDS
from steward.privacy.hashing import hash_values, raw_identifier_keys
from steward.privacy.redact import Needles
from steward.privacy.suppression import join_sorted
from steward.sources.load import QUARANTINE_COLUMNS, empty_quarantine

__all__ = ["MATCH_FIELDS", "scrub_quarantine", "to_quarantine"]

# What the quarantine's ``field`` column says for each way a record was matched.
MATCH_FIELDS = {"email": "email", "phone": "phone", "name_dob": "first_name,last_name,date_of_birth",
                "cluster": "cluster"}

_EMAIL_TOKEN = re.compile(r"[^\s,;:\"'<>()\[\]]+@[^\s,;:\"'<>()\[\]]+")
_PHONE_TOKEN = re.compile(r"(?:\+|00)\d[\d \-/.()]{5,}\d")


def to_quarantine(suppressed: pd.DataFrame, locations: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Suppressed records as quarantine entries (QUARANTINE_COLUMNS) with an empty ``raw``:
    the record is accounted for, its values are not kept. ``locations`` maps source
    name to where it was read from (SourceConfig.location)."""
    if suppressed.empty:
        return empty_quarantine()
    return pd.DataFrame({
        "source": suppressed["source"].to_numpy(),
        "location": suppressed["source"].map(dict(locations or {})).fillna("").to_numpy(),
        "row": suppressed["row"].to_numpy(),
        "field": suppressed["matched_by"].map(
            lambda m: ",".join(dict.fromkeys(MATCH_FIELDS.get(k, k) for k in m.split(";")))).to_numpy(),
        "reason": suppressed["reason"].to_numpy(),
        "raw": "",
    }, columns=QUARANTINE_COLUMNS)


def _raw_values(raw: str) -> list[dict[str, Any]]:
    """Identifier candidates in one quarantine ``raw``: the record itself when it is the
    JSON of a canonical record, else every email / international phone token of the line."""
    try:
        record = json.loads(raw)
    except (TypeError, ValueError):
        record = None
    if isinstance(record, dict):
        return [{k: record.get(k) for k in ("email", "phone", "country", "first_name", "last_name", "date_of_birth")}]
    text = str(raw)
    return ([{"email": t} for t in _EMAIL_TOKEN.findall(text)] +
            [{"phone": t} for t in _PHONE_TOKEN.findall(text)])


def scrub_quarantine(quarantine: pd.DataFrame, erasure_list: pd.DataFrame, *, salt: str,
                     default_countries: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, int]:
    """Blank the ``raw`` of quarantine entries that hold an erased identifier (a duplicate
    record id, a malformed line of an erased person); the entry itself stays, so the
    input row is still accounted for. Returns (quarantine, entries scrubbed).

    Best effort by design: a malformed line has no columns to trust, so only its email
    addresses and international phone numbers are recognised. ``default_countries``
    (source name -> SourceConfig.default_country) reads national phone numbers of
    records without a country, as normalisation does."""
    out = quarantine.copy()
    if out.empty or erasure_list is None or erasure_list.empty:
        return out, 0
    candidates = [(pos, values) for pos, raw in enumerate(out["raw"].fillna("").astype(str))
                  for values in _raw_values(raw)]
    if not candidates:
        return out, 0
    raw_frame = pd.DataFrame([values for _, values in candidates], dtype=object)
    if default_countries and "source" in out.columns:
        sources = out["source"].to_numpy()[[pos for pos, _ in candidates]]
        raw_frame["default_country"] = pd.Series(sources, index=raw_frame.index).map(dict(default_countries))
    keys = raw_identifier_keys(raw_frame)
    hits = pd.concat(
        [pd.DataFrame({"pos": [pos for pos, _ in candidates], "kind": kind,
                       "hash": hash_values(keys[kind], kind, salt=salt).to_numpy()}) for kind in KINDS],
        ignore_index=True,
    ).dropna(subset=["hash"]).merge(erasure_list[["hash", "kind", "reference"]].astype(str), on=["hash", "kind"])
    if hits.empty:
        return out, 0
    references = join_sorted(hits, "pos", "reference", ", ")
    positions = np.sort(hits["pos"].unique())
    tickets = references.reindex(positions).fillna("")
    note = " [values removed: erasure request" + tickets.where(tickets == "", " " + tickets) + "]"
    raw_col, reason_col = out.columns.get_loc("raw"), out.columns.get_loc("reason")
    out.iloc[positions, raw_col] = ""
    out.iloc[positions, reason_col] = (out["reason"].iloc[positions].fillna("").astype(str) + note).to_numpy()
    return out, len(positions)


def scrub_by_records(quarantine: pd.DataFrame, erased: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Blank the ``raw`` of entries holding a value of an erased person's records (``erased``: the
    suppressed records, normalised): their other addresses, phone numbers in any layout, their name
    beside any of these. Catches what the list's identifiers alone do not (a line holding only the
    phone number the person's cluster brought)."""
    needles = Needles.of_records(erased) if len(erased) else Needles()
    out = quarantine.copy()
    if out.empty or not needles:
        return out, 0
    raw_hit = out["raw"].fillna("").astype(str).map(needles.found_in).to_numpy(dtype=bool)
    # A reason may quote the value it refused (a control character in a name).
    reason_hit = out["reason"].fillna("").astype(str).map(needles.found_in).to_numpy(dtype=bool)
    hit = raw_hit | reason_hit
    if not hit.any():
        return out, 0
    out.loc[hit, "raw"] = ""
    # The values a reason quotes go too, the person's or not: the line is theirs.
    out.loc[hit, "reason"] = (out.loc[hit, "reason"].fillna("").astype(str).map(needles.replaced)
                              .str.replace(r"'[^']*'|\"[^\"]*\"", "'[erased]'", regex=True)
                              + " [values removed: erased person]")
    return out, int(hit.sum())
