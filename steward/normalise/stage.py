"""The normalise stage: canonical records in, canonical records plus normalised
values, match keys and issue codes out. Originals are never overwritten."""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from steward.normalise.company import company_key
from steward.normalise.country import normalise_countries
from steward.normalise.email import normalise_emails
from steward.normalise.names import german_folded, name_key
from steward.normalise.nicknames import nickname_key
from steward.normalise.phone import normalise_phones
from steward.normalise.postcode import postcode_key
from steward.schema import contact_key

log = logging.getLogger("steward.normalise")

# A phone or email shared by this many distinct people (by name) is a switchboard,
# a household line or a shared inbox: it is not evidence that two records are one person.
SHARED_IDENTIFIER_MIN_PEOPLE = 3
# First names less similar than this (Jaro-Winkler, after nickname mapping) are
# different people: Christian vs Anne-Marie, not George vs Geroge.
HOUSEHOLD_NAME_SIMILARITY = 0.8
# More distinct holders than this: treated as shared without comparing every pair.
HOUSEHOLD_MAX_HOLDERS = 12


def shared_values(values: pd.Series, people: pd.Series, min_people: int) -> pd.Series:
    """Boolean mask: the value is held by at least ``min_people`` distinct people."""
    present = values.notna() & people.notna()
    distinct = (
        pd.DataFrame({"value": values[present], "person": people[present]})
        .drop_duplicates()
        .groupby("value")["person"]
        .size()
    )
    shared = set(distinct.index[distinct >= min_people])
    return values.isin(shared) & values.notna()


def household_values(values: pd.Series, given_names: pd.Series, last_names: pd.Series,
                      births: pd.Series | None = None) -> pd.Series:
    """Boolean mask: the value is held by people with clearly different first names.

    A shared family inbox (smithfamily@...) or a household landline carries no
    evidence that its holders are one person. Nickname variants (Bob/Robert),
    typos (Geroge/George) and first/last swapped between sources do not count
    as different people, and neither do holders born on the same day (one person
    whose first name a source got wrong is likelier than twins). Vectorised: holders of the same value are paired with a
    self-merge (groups are small; a value with many holders is "shared" anyway).
    """
    present = values.notna() & given_names.notna()
    born = births[present].fillna("") if births is not None else ""
    holders = pd.DataFrame(
        {"value": values[present], "given": given_names[present], "last": last_names[present].fillna(""), "born": born}
    ).drop_duplicates()
    holders = holders[holders.duplicated("value", keep=False)]
    if holders.empty:
        return pd.Series(False, index=values.index)
    counts = holders.groupby("value")["given"].transform("size")
    crowded = set(holders.loc[counts > HOUSEHOLD_MAX_HOLDERS, "value"])
    small = holders[counts <= HOUSEHOLD_MAX_HOLDERS].reset_index(drop=True)
    small["i"] = np.arange(len(small))
    pairs = small.merge(small, on="value", suffixes=("_a", "_b"))
    pairs = pairs[pairs["i_a"] < pairs["i_b"]]
    swapped = (pairs["given_a"] == pairs["last_b"]) | (pairs["given_b"] == pairs["last_a"])
    similarity = process.cpdist(pairs["given_a"].tolist(), pairs["given_b"].tolist(),
                                scorer=JaroWinkler.normalized_similarity, workers=1) if len(pairs) else np.zeros(0)
    same_birthday = ((pairs["born_a"] == pairs["born_b"]) & (pairs["born_a"] != "")).to_numpy()
    different = (similarity < HOUSEHOLD_NAME_SIMILARITY) & ~swapped.to_numpy() & ~same_birthday
    household = set(pairs.loc[different, "value"]) | crowded
    return values.isin(household) & values.notna()


# Columns add_match_keys derives from all records together (everything else a
# normalised contact holds depends on its own source record only).
CROSS_RECORD_COLUMNS = ["phone_shared", "email_shared", "email_match_key", "phone_match_key", "address_match_key",
                        "email_local_part"]


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

    out["country_code"] = normalise_countries(out["country"])
    # The record's own country decides how to read its phone; the source default
    # only applies when the record has none.
    region = out["country_code"].where(out["country_code"].notna(), out.get("source_default_country"))

    emails = normalise_emails(out["email"], check_deliverability=check_deliverability)
    phones = normalise_phones(out["phone"], region, None)
    out = pd.concat([out, emails.set_axis(out.index), phones.set_axis(out.index)], axis=1)

    out["first_name_key"] = name_key(out["first_name"])
    out["last_name_key"] = name_key(out["last_name"])
    out["last_name_folded"] = german_folded(out["last_name"])
    out["first_name_folded"] = german_folded(out["first_name"])
    out["given_name_canonical"] = nickname_key(out["first_name_key"], nickname_file=nickname_file)
    # Order-free full-name key: catches first/last swapped between sources.
    first, last = out["first_name_folded"], out["last_name_folded"]
    both = first.notna() & last.notna()
    lo = np.where(first.fillna("") <= last.fillna(""), first.fillna(""), last.fillna(""))
    hi = np.where(first.fillna("") <= last.fillna(""), last.fillna(""), first.fillna(""))
    out["name_pair_key"] = pd.Series(np.char.add(np.char.add(lo.astype(str), "|"), hi.astype(str)), index=out.index).where(both)

    out["company_key"] = company_key(out["company"])
    out["postcode_key"] = postcode_key(out["postcode"], out["country_code"])
    out["city_key"] = name_key(out["city"])
    # Street lines compare as folded text ("12 Main St." ~ "12 main street" by token overlap).
    out["address_key"] = name_key(out["address_line1"])
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


def _person(frame: pd.DataFrame) -> pd.Series:
    person = frame["first_name_folded"].fillna("") + " " + frame["last_name_folded"].fillna("")
    return person.where(person.str.strip() != "")


def _phone_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(phone_shared, phone_match_key): a phone held by several people or a household is no match key."""
    shared = shared_values(frame["phone_e164"], _person(frame), SHARED_IDENTIFIER_MIN_PEOPLE) | household_values(
        frame["phone_e164"], frame["given_name_canonical"], frame["last_name_folded"], frame["dob"])
    return shared, frame["phone_e164"].where(~shared)


def _email_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(email_shared, email_match_key, email_local_part): only personal, unshared addresses match."""
    shared = shared_values(frame["email_key"], _person(frame), SHARED_IDENTIFIER_MIN_PEOPLE) | household_values(
        frame["email_key"], frame["given_name_canonical"], frame["last_name_folded"], frame["dob"])
    match_key = frame["email_key"].where(frame["email_is_personal"] & ~shared)
    return shared, match_key, match_key.str.split("@").str[0]


def _address_match_key(frame: pd.DataFrame) -> pd.Series:
    # A street address shared by people with different first names is a household:
    # living together is not being the same person.
    household = household_values(frame["address_key"], frame["given_name_canonical"], frame["last_name_folded"],
                                  frame["dob"])
    return frame["address_key"].where(~household)


def add_match_keys(out: pd.DataFrame) -> pd.DataFrame:
    """The cross-record part of normalisation: identifiers shared by several people
    (switchboards, family inboxes, households) are flagged and blanked in the match keys.

    Depends on every holder of a value at once; an incremental run recomputes it only for
    the holders of values that changed hands (``refresh_match_keys``)."""
    out = out.drop(columns=[c for c in CROSS_RECORD_COLUMNS if c in out.columns])
    # Keys used for matching: identifiers that cannot tell people apart are blanked.
    phone_shared, phone_match_key = _phone_keys(out)
    email_shared, email_match_key, email_local_part = _email_keys(out)
    out["phone_shared"] = phone_shared
    out["email_shared"] = email_shared
    out["email_match_key"] = email_match_key
    out["phone_match_key"] = phone_match_key
    out["address_match_key"] = _address_match_key(out)
    out["email_local_part"] = email_local_part
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

    for column, values in zip(("phone_shared", "phone_match_key"), _phone_keys(out.loc[phone_rows])):
        assign(column, phone_rows, values)
    for column, values in zip(("email_shared", "email_match_key", "email_local_part"), _email_keys(out.loc[email_rows])):
        assign(column, email_rows, values)
    assign("address_match_key", address_rows, _address_match_key(out.loc[address_rows]))
    return phone_rows | email_rows | address_rows
