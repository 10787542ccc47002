"""Identifier hashing: the keyed hash of an email, a phone or a name + date of birth.

People who asked to be forgotten are listed only as these hashes, never in clear
text; every run hashes the same identifiers of the normalised records and compares.

Hash: HMAC-SHA256 keyed with a per-installation salt (an environment variable,
never in rules/) over ``"<kind>:<normalised value>"``, 64 lower-case hex digits.
The normalised values are the pipeline's own match keys (steward.normalise.stage), so a
request and a record agree however either was typed:

* ``email``: ``email_key`` from steward.normalise.email.normalise_emails
  (" John.Doe@Gmail.com " -> "johndoe@gmail.com")
* ``phone``: ``phone_e164`` from steward.normalise.phone.normalise_phones
* ``name_dob``: both names folded by steward.normalise.names.german_folded, in
  alphabetical order, then the ISO date of birth, joined with "|"
  ("Jürgen Müller", 1980-04-02 -> "jurgen|muller|1980-04-02")

Everything here is a function of its arguments (the salt is passed in; only
``ErasureConfig.salt`` reads the environment), vectorised over distinct values.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

from steward.config.erasure import KINDS
from steward.normalise.country import normalise_countries
from steward.normalise.dates import parse_dates
from steward.normalise.email import normalise_emails
from steward.normalise.names import german_folded
from steward.normalise.phone import normalise_phones

__all__ = ["CONTACT_KEY_COLUMNS", "HASH_COLUMNS", "hash_identifier", "hash_values", "identifier_hashes",
           "pre_plus_tag_keys",
           "raw_identifier_keys", "salt_id"]

HASH_COLUMNS = {"email": "email_hash", "phone": "phone_hash", "name_dob": "name_dob_hash"}
# Normalised contact columns the hashes are made from (steward.normalise.stage.normalise_contacts).
CONTACT_KEY_COLUMNS = ["email_key", "phone_e164", "first_name_folded", "last_name_folded", "dob"]

_SALT_ID_MESSAGE = "steward-erasure-salt-id"


def hash_identifier(kind: str, value: str, *, salt: str) -> str:
    """HMAC-SHA256(salt, "<kind>:<value>") as 64 lower-case hex digits.

    The kind is part of the message so an email can never collide with a phone."""
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {list(KINDS)}")
    return hmac.new(salt.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def salt_id(salt: str) -> str:
    """8 hex digits that tell which salt a list entry was made with (not the salt itself).

    Stored with each entry so a run under a different salt -- e.g. a Dagster daemon
    started without the variable -- is refused instead of letting everyone back in."""
    return hmac.new(salt.encode(), _SALT_ID_MESSAGE.encode(), hashlib.sha256).hexdigest()[:8]


def _hmac_many(kind: str, values: list, salt: str) -> list[str | None]:
    """hash_identifier for many values: HMAC's padded-key states are hashed once and
    copied per value (same digests, about 3x faster than hmac.new each time; a million
    records carry two million distinct identifiers)."""
    key = salt.encode()
    if len(key) > 64:  # SHA-256 block size; longer keys are hashed first (RFC 2104)
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner0 = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer0 = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    inner0.update(f"{kind}:".encode())
    out: list[str | None] = []
    for value in values:
        text = str(value)
        if not text.strip():
            out.append(None)
            continue
        inner = inner0.copy()
        inner.update(text.encode())
        outer = outer0.copy()
        outer.update(inner.digest())
        out.append(outer.hexdigest())
    return out


def hash_values(values: pd.Series, kind: str, *, salt: str) -> pd.Series:
    """Hash of each normalised value (None where missing or blank), one HMAC per distinct value."""
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {list(KINDS)}")
    codes, uniques = pd.factorize(values)
    digests = np.array(_hmac_many(kind, list(uniques), salt) + [None], dtype=object)
    return pd.Series(digests[codes], index=values.index, dtype=object)  # code -1 (missing) -> None


def _name_dob_keys(first_folded: pd.Series, last_folded: pd.Series, dob: pd.Series) -> pd.Series:
    """'a|b|YYYY-MM-DD' with the two folded names in alphabetical order (sources swap
    first and last names); None unless both names and the date are there."""
    first, last = first_folded.fillna("").astype(str), last_folded.fillna("").astype(str)
    date = dob.fillna("").astype(str).str.slice(0, 10)
    lo = first.where(first <= last, last)
    hi = last.where(first <= last, first)
    keys = lo + "|" + hi + "|" + date
    return keys.where((first != "") & (last != "") & (date != "")).astype(object)


def pre_plus_tag_keys(email_norm: pd.Series, email_key: pd.Series) -> pd.Series:
    """The e-mail key as it was made before 2026-12-04 for addresses with a +tag: the tag kept
    (then dropped only on a list of providers). Erasure entries of those days are hashes of it.
    None where the address has no tag (the key is the same then)."""
    norm = email_norm.where(email_norm.notna(), "").astype(str)
    local = norm.str.rsplit("@", n=1).str[0].str.lower()
    domain = email_key.where(email_key.notna(), "").astype(str).str.rsplit("@", n=1).str[-1]
    tagged = local.str.contains("+", regex=False) & email_key.notna() & (norm != "")
    return (local + "@" + domain).where(tagged).astype(object)


def identifier_hashes(contacts: pd.DataFrame, *, salt: str, kinds: tuple[str, ...] = KINDS) -> pd.DataFrame:
    """Per normalised record (same index): email_hash, phone_hash, name_dob_hash (None where
    missing); only the columns of ``kinds`` (hashing is the costly part: ~1M distinct
    values take seconds)."""
    missing = [c for c in CONTACT_KEY_COLUMNS if c not in contacts.columns]
    if missing:
        raise ValueError(
            f"identifier_hashes needs normalised contacts (steward.normalise.stage.normalise_contacts); missing columns {missing}"
        )
    keys = {
        "email": lambda: contacts["email_key"],
        "phone": lambda: contacts["phone_e164"],
        "name_dob": lambda: _name_dob_keys(contacts["first_name_folded"], contacts["last_name_folded"], contacts["dob"]),
    }
    return pd.DataFrame({HASH_COLUMNS[k]: hash_values(keys[k](), k, salt=salt) for k in KINDS if k in kinds},
                        index=contacts.index)


def raw_identifier_keys(raw: pd.DataFrame) -> pd.DataFrame:
    """Normalised keys of raw values (columns email, phone, country, default_country,
    first_name, last_name, date_of_birth; any may be missing), exactly as
    steward.normalise.stage.normalise_contacts makes them. Column per kind; missing where a
    value is missing or does not normalise."""
    def col(name: str) -> pd.Series:
        return raw[name] if name in raw.columns else pd.Series(None, index=raw.index, dtype=object)

    # The record's own country reads its phone; the source default only when it has none.
    country = normalise_countries(col("country"))
    region = country.where(country.notna(), col("default_country"))
    dob = parse_dates(col("date_of_birth"), None)["value"]  # ISO 8601 only: a date is never guessed
    dob_iso = dob.map(lambda ts: ts.strftime("%Y-%m-%d") if pd.notna(ts) else None).astype(object)
    return pd.DataFrame({
        "email": normalise_emails(col("email"))["email_key"].to_numpy(),
        "phone": normalise_phones(col("phone"), region)["phone_e164"].to_numpy(),
        "name_dob": _name_dob_keys(german_folded(col("first_name")), german_folded(col("last_name")),
                                   dob_iso).to_numpy(),
    }, index=raw.index)
