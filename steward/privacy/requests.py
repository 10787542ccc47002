"""Making erasure requests: one person's identifiers checked, hashed into erasure list
rows and appended to the CSV list (``steward erase``). Nothing in clear text is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from steward.config.erasure import KINDS
from steward.privacy.erasure_list import LIST_COLUMNS, empty_list, read_list_csv, validate_list
from steward.privacy.hashing import hash_identifier, raw_identifier_keys, salt_id

__all__ = ["ErasureRequest", "add_erasure_request", "erasure_request_rows"]


@dataclass(frozen=True)
class ErasureRequest:
    """One person's identifiers as the request gives them (any may be missing).

    ``country`` reads a national phone number; ``reference`` is the ticket or case
    number, never an identifier of the person."""

    email: str | None = None
    phone: str | None = None
    country: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | dt.date | None = None
    reference: str | None = None


def _is_given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def erasure_request_rows(request: ErasureRequest, *, salt: str,
                         requested_at: dt.datetime | None = None) -> pd.DataFrame:
    """The list rows (LIST_COLUMNS) for one person's request; nothing is written.

    Each identifier given must normalise (a mistyped email or a national phone number
    without ``country`` is an error, not a silent no-op). A name only counts together
    with the date of birth: a name alone would erase every namesake. ``reference`` is
    the ticket number and must not repeat any of the identifiers."""
    r = request
    if _is_given(r.first_name) != _is_given(r.last_name) or (_is_given(r.first_name) != _is_given(r.date_of_birth)):
        raise ValueError("first_name, last_name and date_of_birth identify a person only together: give all three")
    if not any(_is_given(v) for v in (r.email, r.phone, r.first_name)):
        raise ValueError("give at least one identifier: email, phone, or first_name + last_name + date_of_birth")
    _check_reference(r)
    date_of_birth = r.date_of_birth
    if isinstance(date_of_birth, (dt.date, dt.datetime)):
        date_of_birth = date_of_birth.strftime("%Y-%m-%d")
    raw = pd.DataFrame([{"email": r.email, "phone": r.phone, "country": r.country, "first_name": r.first_name,
                         "last_name": r.last_name, "date_of_birth": date_of_birth}], dtype=object)
    keys = raw_identifier_keys(raw).iloc[0]
    problems = {
        "email": "email: not a valid email address",
        "phone": "phone: not a valid phone number" + ("" if _is_given(r.country) else
                                                       " (a national number needs country=...)"),
        "name_dob": "date_of_birth: expected an ISO date YYYY-MM-DD (or the names fold to nothing)",
    }
    given = {"email": _is_given(r.email), "phone": _is_given(r.phone), "name_dob": _is_given(r.first_name)}
    bad = [problems[k] for k in KINDS if given[k] and pd.isna(keys[k])]
    if bad:
        # The values themselves stay out of the message: it may end up in a log.
        raise ValueError("erasure request: " + "; ".join(bad))
    # A naive requested_at is local time; the list stores UTC.
    stamp = (requested_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    rows = [
        {"hash": hash_identifier(k, keys[k], salt=salt), "kind": k,
         "requested_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "reference": (r.reference or "").strip(),
         "salt_id": salt_id(salt)}
        for k in KINDS if given[k]
    ]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def _check_reference(request: ErasureRequest) -> None:
    """The reference ends up in quarantine reasons and the audit: refuse one that
    repeats the person's identifiers (the message does not echo them)."""
    if not _is_given(request.reference):
        return
    text = str(request.reference).casefold()
    leaks = "@" in text
    if _is_given(request.email):
        local = str(request.email).strip().casefold().partition("@")[0]
        leaks |= len(local) >= 3 and local in text
    if _is_given(request.phone):
        tail = re.sub(r"\D", "", str(request.phone))[-6:]
        leaks |= len(tail) == 6 and tail in re.sub(r"\D", "", text)
    for name in (request.first_name, request.last_name):
        if _is_given(name):
            # Whole words only: "Tom" must not reject the reference "custom-42".
            leaks |= re.search(rf"\b{re.escape(str(name).strip().casefold())}\b", text) is not None
    if _is_given(request.date_of_birth):
        leaks |= str(request.date_of_birth)[:10] in text
    if leaks:
        raise ValueError("reference: must be a ticket or case number, not an identifier of the person "
                         "(the list never holds clear text)")


def add_erasure_request(path: str | os.PathLike, request: ErasureRequest, *, salt: str,
                        requested_at: dt.datetime | None = None) -> pd.DataFrame:
    """Append one person's hashed identifiers to the CSV list at ``path`` (created with
    its header if missing). Returns the request's rows with ``added`` = False for hashes
    already on the list (they are not written twice).

    Refuses to add to a list made with a different salt: a mixed list would match
    only half its entries under either salt."""
    path = Path(path)
    rows = erasure_request_rows(request, salt=salt, requested_at=requested_at)
    existing = read_list_csv(path) if path.is_file() else empty_list()
    if len(existing):
        validate_list(existing, str(path), salt=salt)
    rows["added"] = ~rows["hash"].isin(set(existing["hash"].str.strip().str.lower()))
    new = rows.loc[rows["added"], LIST_COLUMNS]
    if len(new):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Column order of an existing file is kept (a steward may have reordered it).
        header = _header_of(path) if path.is_file() else None
        if header is not None:
            _ensure_trailing_newline(path)
        with open(path, "a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            if header is None:
                writer.writerow(LIST_COLUMNS)
            writer.writerows(new.reindex(columns=header or LIST_COLUMNS).fillna("").itertuples(index=False, name=None))
    return rows


def _ensure_trailing_newline(path: Path) -> None:
    # A steward's editor may have left the last line unterminated; appending would glue rows.
    with open(path, "rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) not in (b"\n", b"\r"):
            fh.write(b"\n")


def _header_of(path: Path) -> list[str] | None:
    """The list file's column names; None when it has no header row yet."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            if any(cell.strip() for cell in row):
                return [cell.strip().lower() for cell in row]
    return None
