"""The normalise stage: canonical records in, canonical records plus normalised
values, match keys and issue codes out. Originals are never overwritten.

Two kinds of derived value, kept apart:
  * match keys (``*_key``, ``*_folded``): case, accents and punctuation folded away, so
    that Renée and RENEE compare equal. For matching only; never published.
  * published values (``*_clean``, ``email_clean``, ``phone_e164``, ``country_code``): each
    field as a person writes it, what a golden record takes (steward/merge/golden.py):
    spelling and accents kept, spreadsheet artefacts ('08007, 4.15555E+9) removed."""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd

from steward.normalise.company import company_key
from steward.normalise.country import normalise_countries
from steward.normalise.email import normalise_emails, published_emails
from steward.normalise.holders import people_holding
from steward.normalise.names import german_folded, name_key
from steward.normalise.nicknames import nickname_key
from steward.normalise.person_names import parse_names
from steward.normalise.phone import PHONE_ISSUE_REASONS, SCIENTIFIC_NOTATION, normalise_phones, phone_texts
from steward.normalise.postcode import postcode_key
from steward.normalise.values import clean_text
from steward.schema import contact_key

log = logging.getLogger("steward.normalise")

# Text fields published as written, each with a ``<field>_clean`` column (``clean_text``).
CLEAN_TEXT_FIELDS = ["first_name", "last_name", "company", "job_title", "address_line1", "city", "postcode", "region"]

# Columns add_match_keys derives from all records together (everything else a
# normalised contact holds depends on its own source record only).
CROSS_RECORD_COLUMNS = ["phone_shared", "email_shared", "email_match_key", "phone_match_key", "address_match_key",
                        "email_local_part", "phone_holders", "email_holders", "address_holders"]


def normalise_contacts(records: pd.DataFrame, check_deliverability: bool = False,
                       nickname_file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Add normalised columns to canonical records (one row per source record).

    ``check_deliverability`` looks email domains up in DNS (rules/normalise.yaml; off
    by default: no network). ``nickname_file`` is the project's rules/nicknames.csv."""
    return add_match_keys(normalise_record_fields(records, check_deliverability, nickname_file))


def normalise_record_fields(records: pd.DataFrame, check_deliverability: bool = False,
                            nickname_file: str | os.PathLike | None = None) -> pd.DataFrame:
    """The per-record part of normalisation: each output row depends on its own input row only."""
    out = records.reset_index(drop=True).copy()
    out.insert(0, "contact_key", contact_key(out))
    # Each text field as a person writes it (Excel's ' marker off, blanks tidied, accents kept):
    # what golden records publish, and what the keys below are derived from.
    for field in CLEAN_TEXT_FIELDS:
        if field in out.columns:
            out[f"{field}_clean"] = clean_text(out[field])

    out["country_code"] = normalise_countries(out["country"])
    # The record's own country decides how to read its phone; the source default
    # only applies when the record has none.
    region = out["country_code"].where(out["country_code"].notna(), out.get("source_default_country"))

    emails = normalise_emails(out["email"], check_deliverability=check_deliverability)
    phones = normalise_phones(out["phone"], region, None)
    out = pd.concat([out, emails.set_axis(out.index), phones.set_axis(out.index)], axis=1)
    out["email_clean"] = published_emails(out["email_norm"])
    # (None for a number in scientific notation: its digits are gone, phone_issue says so.)
    out["phone_clean"] = phone_texts(out["phone"])
    lost = out["phone_issue"] == SCIENTIFIC_NOTATION
    if lost.any():
        log.warning("%d records: %s (phone_issue %s); such numbers are never published",
                    int(lost.sum()), PHONE_ISSUE_REASONS[SCIENTIFIC_NOTATION], SCIENTIFIC_NOTATION)

    # Titles, generational suffixes, degrees, "Last, First" and whole names in one field are
    # parsed out first (new columns; the fields as the source wrote them stay as they are).
    parsed = parse_names(out["first_name_clean"], out["last_name_clean"]).set_axis(out.index)
    out = pd.concat([out, parsed], axis=1)
    out["first_name_key"] = name_key(out["first_name_parsed"])
    out["last_name_key"] = name_key(out["last_name_parsed"])
    out["last_name_folded"] = german_folded(out["last_name_parsed"])
    out["first_name_folded"] = german_folded(out["first_name_parsed"])
    out["given_name_canonical"] = nickname_key(out["first_name_key"], nickname_file=nickname_file)
    # Order-free full-name key: catches first/last swapped between sources.
    first, last = out["first_name_folded"], out["last_name_folded"]
    both = first.notna() & last.notna()
    lo = np.where(first.fillna("") <= last.fillna(""), first.fillna(""), last.fillna(""))
    hi = np.where(first.fillna("") <= last.fillna(""), last.fillna(""), first.fillna(""))
    out["name_pair_key"] = pd.Series(np.char.add(np.char.add(lo.astype(str), "|"), hi.astype(str)), index=out.index).where(both)

    out["company_key"] = company_key(out["company_clean"])
    out["postcode_key"] = postcode_key(out["postcode_clean"], out["country_code"])
    out["city_key"] = name_key(out["city_clean"])
    # Street lines compare as folded text ("12 Main St." ~ "12 main street" by token overlap).
    out["address_key"] = name_key(out["address_line1_clean"])
    # Address parts for blocking and comparison: the house number, and the street name
    # with spaces and numbers removed ("52 fiskenscrescent" ~ "124 fisken crescent").
    out["street_number"] = out["address_key"].str.extract(r"(\d+)", expand=False)
    street_letters = out["address_key"].str.replace(r"[^a-z]", "", regex=True)
    out["street_key"] = street_letters.where(street_letters.str.len() >= 3)
    out["street_prefix"] = out["street_key"].str[:5]
    out["dob"] = out["date_of_birth"].where(out["date_of_birth"].notna())
    # First letters of both names: still shared when each name has a typo further in.
    out["name_prefix_key"] = (out["first_name_folded"].str[:3] + "|" + out["last_name_folded"].str[:3]).where(both)
    return out


def _holders(frame: pd.DataFrame, column: str) -> pd.Series:
    return people_holding(frame[column], frame["first_name_folded"], frame["given_name_canonical"],
                          frame["last_name_folded"], frame["dob"])


def _phone_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(phone_shared, phone_match_key, phone_holders): every valid phone is a match key; how many
    people hold it decides how much agreeing on it counts (the phone comparison's ``shared`` level)."""
    holders = _holders(frame, "phone_e164")
    return holders > 1, frame["phone_e164"], holders


def _email_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(email_shared, email_match_key, email_local_part, email_holders): personal addresses match
    (a role address such as info@ names a job, not a person); shared ones count for less."""
    holders = _holders(frame, "email_key")
    match_key = frame["email_key"].where(frame["email_is_personal"])
    return holders > 1, match_key, match_key.str.split("@").str[0], holders


def add_match_keys(out: pd.DataFrame) -> pd.DataFrame:
    """The cross-record part of normalisation: how many people hold each e-mail, phone and street
    address (switchboards, family inboxes, households), so that agreeing on a shared one counts
    for less than on a personal one. Nothing is blanked: the evidence is weighed in the model.

    Depends on every holder of a value at once; an incremental run recomputes it only for
    the holders of values that changed hands (``refresh_match_keys``)."""
    out = out.drop(columns=[c for c in CROSS_RECORD_COLUMNS if c in out.columns])
    phone_shared, phone_match_key, phone_holders = _phone_keys(out)
    email_shared, email_match_key, email_local_part, email_holders = _email_keys(out)
    out["phone_shared"] = phone_shared
    out["email_shared"] = email_shared
    out["email_match_key"] = email_match_key
    out["phone_match_key"] = phone_match_key
    out["address_match_key"] = out["address_key"]
    out["email_local_part"] = email_local_part
    out["phone_holders"] = phone_holders
    out["email_holders"] = email_holders
    out["address_holders"] = _holders(out, "address_key")
    log.info(
        "normalised %d records: %d invalid emails, %d invalid phones, %d shared phones",
        len(out),
        int((~out["email_issue"].isin(["", "missing"])).sum()),
        int((~out["phone_issue"].isin(["", "missing"])).sum()),
        int(out["phone_shared"].sum()),
    )
    return out


# The identifier columns whose holders decide the cross-record columns.
SHARED_VALUE_COLUMNS = ("phone_e164", "email_key", "address_key")


def refresh_match_keys(out: pd.DataFrame, fresh: np.ndarray, stale: dict[str, object]) -> np.ndarray:
    """``add_match_keys`` where it can have moved, in place: ``out`` holds every record with
    the cross-record columns of the last run, except rows ``fresh`` (new or edited records).
    A value's flags depend only on the records holding it, so they are recomputed for every
    holder of a value that a fresh row holds or that ``stale`` names (per column of
    SHARED_VALUE_COLUMNS: values edited records and removed records held before).
    Returns the rows whose cross-record columns were recomputed."""
    def holders(column: str) -> np.ndarray:
        values = out[column]
        affected = pd.Index(values[fresh].dropna().unique()).append(pd.Index(pd.Series(stale.get(column, [])).dropna()))
        return values.isin(affected.unique()).to_numpy() & values.notna().to_numpy() | fresh

    phone_rows, email_rows, address_rows = (holders(c) for c in SHARED_VALUE_COLUMNS)

    def assign(column: str, rows: np.ndarray, values: pd.Series) -> None:
        target = out[column].to_numpy(copy=True)
        target[rows] = values.to_numpy(dtype=target.dtype)
        out[column] = target

    for column, values in zip(("phone_shared", "phone_match_key", "phone_holders"), _phone_keys(out.loc[phone_rows])):
        assign(column, phone_rows, values)
    for column, values in zip(("email_shared", "email_match_key", "email_local_part", "email_holders"),
                              _email_keys(out.loc[email_rows])):
        assign(column, email_rows, values)
    assign("address_match_key", address_rows, out.loc[address_rows, "address_key"])
    assign("address_holders", address_rows, _holders(out.loc[address_rows], "address_key"))
    return phone_rows | email_rows | address_rows
