"""Erasure requests that stick: a suppression list of hashed identifiers.

People who asked to be forgotten are listed (``rules/erasure.yaml`` says where)
only as keyed hashes of their identifiers -- email, phone, name + date of birth --
never in clear text. Every run hashes the same identifiers of the normalised
records, and any record that matches is removed together with the whole cluster
it belongs to (the person's other records, including those that match only
through clustering). The removed records are reported without any of their
values, so nothing is lost and nothing personal is kept. Because matching is on
identifiers, not record ids, a source that exports the person again under new ids
is caught again.

Hash: HMAC-SHA256 keyed with a per-installation salt (an environment variable,
never in rules/) over ``"<kind>:<normalised value>"``, 64 lower-case hex digits.
The normalised values are the pipeline's own match keys (steward.normalise.stage), so a
request and a record agree however either was typed:

* ``email``: ``email_key`` from steward.normalise.fields.normalise_emails
  (" John.Doe@Gmail.com " -> "johndoe@gmail.com")
* ``phone``: ``phone_e164`` from steward.normalise.fields.normalise_phones
* ``name_dob``: both names folded by steward.normalise.fields.german_folded, in
  alphabetical order, then the ISO date of birth, joined with "|"
  ("Jürgen Müller", 1980-04-02 -> "jurgen|muller|1980-04-02")

Everything here is a function of its arguments (the salt is passed in; only
``ErasureConfig.salt`` reads the environment), vectorised over distinct values.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from steward.config import ConfigError, resolve_sqlite_url
from steward.normalise.fields import german_folded, normalise_countries, normalise_emails, normalise_phones, parse_dates
from steward.sources.load import QUARANTINE_COLUMNS, empty_quarantine

log = logging.getLogger("steward.privacy.erasure")

KINDS = ("email", "phone", "name_dob")
LIST_COLUMNS = ["hash", "kind", "requested_at", "reference", "salt_id"]
REQUIRED_LIST_COLUMNS = ("hash", "kind")
DEFAULT_LIST = "data/erasure_list.csv"
DEFAULT_SALT_ENV = "STEWARD_ERASURE_SALT"
HASH_COLUMNS = {"email": "email_hash", "phone": "phone_hash", "name_dob": "name_dob_hash"}
# Normalised contact columns the hashes are made from (steward.normalise.stage.normalise_contacts).
CONTACT_KEY_COLUMNS = ["email_key", "phone_e164", "first_name_folded", "last_name_folded", "dob"]
# What the quarantine's ``field`` column says for each way a record was matched.
MATCH_FIELDS = {"email": "email", "phone": "phone", "name_dob": "first_name,last_name,date_of_birth",
                "cluster": "cluster"}

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX8 = re.compile(r"^[0-9a-f]{8}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMAIL_TOKEN = re.compile(r"[^\s,;:\"'<>()\[\]]+@[^\s,;:\"'<>()\[\]]+")
_PHONE_TOKEN = re.compile(r"(?:\+|00)\d[\d \-/.()]{5,}\d")
_SALT_ID_MESSAGE = "steward-erasure-salt-id"
# Row errors listed in one message before "... and N more".
_MAX_LISTED_ERRORS = 10


class ErasureListError(ConfigError):
    """The erasure list cannot be used; the message names the file (or table) and row."""


# --------------------------------------------------------------------------
# configuration (rules/erasure.yaml; read by steward.config.Project.erasure)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ErasureConfig:
    config_file: Path
    list_path: Path | None = None  # CSV file, absolute once parsed
    url: str | None = None  # SQLAlchemy URL of a table with the same columns
    table: str | None = None
    salt_env: str = DEFAULT_SALT_ENV
    identifiers: tuple[str, ...] = KINDS
    required: bool = False  # a missing list/table stops the run instead of erasing nobody

    def salt(self, environ: Mapping[str, str] | None = None) -> str:
        """The installation's salt from the environment ('' when unset)."""
        return (os.environ if environ is None else environ).get(self.salt_env, "")


_CONFIG_KEYS = {"list", "table", "url", "salt_env", "identifiers", "required"}


def parse_erasure_config(data: Mapping[str, Any], project_root: Path, config_file: Path) -> ErasureConfig:
    """Validate rules/erasure.yaml (``data`` = its parsed mapping; {} for the defaults)."""
    unknown = sorted(set(data) - _CONFIG_KEYS)
    if unknown:
        # A misspelt 'list' would otherwise quietly erase nobody.
        raise ConfigError(f"{config_file}: unknown key(s) {unknown}; allowed: {sorted(_CONFIG_KEYS)}")
    raw_list = data.get("list", DEFAULT_LIST)
    if raw_list in (None, False, ""):
        list_path = None
    elif isinstance(raw_list, str):
        list_path = (Path(project_root) / raw_list).resolve()
    else:
        raise ConfigError(f"{config_file}: list: expected a file path relative to the project directory, got {raw_list!r}")
    table, url = data.get("table"), data.get("url")
    if bool(table) != bool(url):
        raise ConfigError(f"{config_file}: {'url' if table else 'table'}: 'table' and 'url' go together")
    for key, value in (("table", table), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{config_file}: {key}: expected text, got {value!r}")
    salt_env = data.get("salt_env", DEFAULT_SALT_ENV)
    if not isinstance(salt_env, str) or not _ENV_NAME.match(salt_env):
        raise ConfigError(f"{config_file}: salt_env: expected an environment variable name, got {salt_env!r}")
    identifiers = data.get("identifiers", list(KINDS))
    if isinstance(identifiers, str):
        identifiers = [identifiers]
    if not isinstance(identifiers, list) or not identifiers or any(i not in KINDS for i in identifiers):
        raise ConfigError(f"{config_file}: identifiers: give one or more of {list(KINDS)}, got {identifiers!r}")
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise ConfigError(f"{config_file}: required: expected true or false, got {required!r}")
    if list_path is None and not table and required:
        raise ConfigError(f"{config_file}: required: true but neither 'list' nor 'table' is set")
    return ErasureConfig(
        config_file=Path(config_file),
        list_path=list_path,
        url=resolve_sqlite_url(os.path.expandvars(url), Path(project_root)) if url else None,
        table=table or None,
        salt_env=salt_env,
        identifiers=tuple(dict.fromkeys(identifiers)),
        required=required,
    )


# --------------------------------------------------------------------------
# hashing
# --------------------------------------------------------------------------

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


def _raw_identifier_keys(raw: pd.DataFrame) -> pd.DataFrame:
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


# --------------------------------------------------------------------------
# making requests
# --------------------------------------------------------------------------

def _is_given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def erasure_request_rows(*, email: str | None = None, phone: str | None = None, country: str | None = None,
                         first_name: str | None = None, last_name: str | None = None,
                         date_of_birth: str | dt.date | None = None, reference: str | None = None,
                         salt: str, requested_at: dt.datetime | None = None) -> pd.DataFrame:
    """The list rows (LIST_COLUMNS) for one person's request; nothing is written.

    Each identifier given must normalise (a mistyped email or a national phone number
    without ``country`` is an error, not a silent no-op). A name only counts together
    with the date of birth: a name alone would erase every namesake. ``reference`` is
    the ticket number and must not repeat any of the identifiers."""
    if _is_given(first_name) != _is_given(last_name) or (_is_given(first_name) != _is_given(date_of_birth)):
        raise ValueError("first_name, last_name and date_of_birth identify a person only together: give all three")
    if not any(_is_given(v) for v in (email, phone, first_name)):
        raise ValueError("give at least one identifier: email, phone, or first_name + last_name + date_of_birth")
    _check_reference(reference, email=email, phone=phone, names=(first_name, last_name), date_of_birth=date_of_birth)
    if isinstance(date_of_birth, (dt.date, dt.datetime)):
        date_of_birth = date_of_birth.strftime("%Y-%m-%d")
    raw = pd.DataFrame([{"email": email, "phone": phone, "country": country, "first_name": first_name,
                         "last_name": last_name, "date_of_birth": date_of_birth}], dtype=object)
    keys = _raw_identifier_keys(raw).iloc[0]
    problems = {
        "email": "email: not a valid email address",
        "phone": "phone: not a valid phone number" + ("" if _is_given(country) else
                                                       " (a national number needs country=...)"),
        "name_dob": "date_of_birth: expected an ISO date YYYY-MM-DD (or the names fold to nothing)",
    }
    given = {"email": _is_given(email), "phone": _is_given(phone), "name_dob": _is_given(first_name)}
    bad = [problems[k] for k in KINDS if given[k] and pd.isna(keys[k])]
    if bad:
        # The values themselves stay out of the message: it may end up in a log.
        raise ValueError("erasure request: " + "; ".join(bad))
    # A naive requested_at is local time; the list stores UTC.
    stamp = (requested_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    rows = [
        {"hash": hash_identifier(k, keys[k], salt=salt), "kind": k,
         "requested_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "reference": (reference or "").strip(),
         "salt_id": salt_id(salt)}
        for k in KINDS if given[k]
    ]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def _check_reference(reference: str | None, *, email: Any, phone: Any, names: tuple[Any, Any],
                     date_of_birth: Any) -> None:
    """The reference ends up in quarantine reasons and the audit: refuse one that
    repeats the person's identifiers (the message does not echo them)."""
    if not _is_given(reference):
        return
    text = str(reference).casefold()
    leaks = "@" in text
    if _is_given(email):
        local = str(email).strip().casefold().partition("@")[0]
        leaks |= len(local) >= 3 and local in text
    if _is_given(phone):
        tail = re.sub(r"\D", "", str(phone))[-6:]
        leaks |= len(tail) == 6 and tail in re.sub(r"\D", "", text)
    for name in names:
        if _is_given(name):
            # Whole words only: "Tom" must not reject the reference "custom-42".
            leaks |= re.search(rf"\b{re.escape(str(name).strip().casefold())}\b", text) is not None
    if _is_given(date_of_birth):
        leaks |= str(date_of_birth)[:10] in text
    if leaks:
        raise ValueError("reference: must be a ticket or case number, not an identifier of the person "
                         "(the list never holds clear text)")


def add_erasure_request(path: str | os.PathLike, *, email: str | None = None, phone: str | None = None,
                        country: str | None = None, first_name: str | None = None, last_name: str | None = None,
                        date_of_birth: str | dt.date | None = None, reference: str | None = None,
                        salt: str, requested_at: dt.datetime | None = None) -> pd.DataFrame:
    """Append one person's hashed identifiers to the CSV list at ``path`` (created with
    its header if missing). Returns the request's rows with ``added`` = False for hashes
    already on the list (they are not written twice).

    Refuses to add to a list made with a different salt: a mixed list would match
    only half its entries under either salt."""
    path = Path(path)
    rows = erasure_request_rows(email=email, phone=phone, country=country, first_name=first_name,
                                last_name=last_name, date_of_birth=date_of_birth, reference=reference,
                                salt=salt, requested_at=requested_at)
    existing = _read_list_csv(path) if path.is_file() else _empty_list()
    if len(existing):
        _validate_list(existing, str(path), salt=salt)
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


# --------------------------------------------------------------------------
# reading the list
# --------------------------------------------------------------------------

def _empty_list() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in [*LIST_COLUMNS, "location", "row"]})


def _read_list_csv(path: Path) -> pd.DataFrame:
    """Every cell as text, with the file line number in ``row`` (header = line 1).

    The csv module reads it (lists are small) because it knows line numbers."""
    where = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header: list[str] | None = None
            rows: list[list[str]] = []
            lines: list[int] = []
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue  # blank lines are harmless
                if header is None:
                    header = [cell.strip().lower() for cell in row]
                    _check_header(header, f"{where}: row {reader.line_num}")
                    continue
                if len(row) != len(header):
                    raise ErasureListError(f"{where}: row {reader.line_num}: expected {len(header)} fields "
                                           f"({', '.join(header)}), found {len(row)}")
                rows.append(row)
                lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise ErasureListError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise ErasureListError(f"{where}: row {reader.line_num}: malformed CSV: {exc}") from exc
    if header is None:
        return _empty_list()
    frame = pd.DataFrame(rows, columns=header, dtype=object).reindex(columns=LIST_COLUMNS).fillna("")
    frame["location"] = where
    frame["row"] = np.asarray(lines, dtype=np.int64)
    return frame


def _check_header(header: list[str], where: str) -> None:
    """``where`` names the file and header row (or the table)."""
    unknown = [c for c in header if c not in LIST_COLUMNS]
    if unknown:
        # Stops a "name" or "email" column from ever creeping into the list.
        raise ErasureListError(f"{where}: unknown column(s) {unknown}; the list holds only "
                               f"{LIST_COLUMNS} (never clear-text identifiers)")
    missing = [c for c in REQUIRED_LIST_COLUMNS if c not in header]
    if missing:
        raise ErasureListError(f"{where}: missing column(s) {missing}; expected {LIST_COLUMNS}")
    if len(set(header)) != len(header):
        raise ErasureListError(f"{where}: a column appears twice: {header}")


def _read_list_table(url: str, table: str) -> pd.DataFrame | None:
    """The table as text with 1-based result rows in ``row``; None if the table does not exist.

    An unreachable database is an error, never "nobody erased"."""
    import sqlalchemy as sa

    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    where = f"{shown} ({table})"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table):
                return None
            frame = pd.read_sql_table(table, conn)
    except Exception as exc:  # driver errors vary; name the table and re-raise
        raise ErasureListError(f"erasure list {where}: cannot read: {exc}") from exc
    finally:
        engine.dispose()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    _check_header(list(frame.columns), f"{where}: columns")
    frame = frame.reindex(columns=LIST_COLUMNS).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    frame["location"] = where
    frame["row"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame


def _validate_list(frame: pd.DataFrame, where: str, *, salt: str | None) -> pd.DataFrame:
    """Cleaned list (hash/kind/salt_id lower-cased, blanks stripped); ErasureListError
    naming every bad row otherwise. Bad hashes are not echoed: they may be clear text."""
    out = frame.copy()
    for column in LIST_COLUMNS:
        out[column] = out[column].fillna("").astype(str).str.strip()
    for column in ("hash", "kind", "salt_id"):
        out[column] = out[column].str.lower()
    stamps = pd.to_datetime(out["requested_at"].where(out["requested_at"] != ""), format="ISO8601",
                            errors="coerce", utc=True)
    checks = [
        (~out["hash"].str.match(_HEX64), lambda r: "hash: not a SHA-256 hex digest (64 hex digits); "
                                                   "never put clear-text identifiers in this list"),
        (~out["kind"].isin(KINDS), lambda r: f"kind: expected one of {list(KINDS)}, got {r['kind']!r}"),
        ((out["requested_at"] != "") & stamps.isna(),
         lambda r: f"requested_at: expected an ISO 8601 date or timestamp, got {r['requested_at']!r}"),
        ((out["salt_id"] != "") & ~out["salt_id"].str.match(_HEX8),
         lambda r: f"salt_id: expected 8 hex digits, got {r['salt_id']!r}"),
    ]
    if salt is not None:
        current = salt_id(salt)
        checks.append(((out["salt_id"] != "") & out["salt_id"].str.match(_HEX8) & (out["salt_id"] != current),
                       lambda r: "made with a different salt than the one set now (salt_id "
                                 f"{r['salt_id']}, the current salt gives {current}): set the salt the list "
                                 "was made with, or these people would be published again"))
    errors: list[tuple[int, str]] = []
    for bad, message in checks:
        errors += [(int(r["row"]), message(r)) for _, r in out[bad].iterrows()]
    if errors:
        errors.sort(key=lambda e: e[0])
        shown = "; ".join(f"row {row}: {msg}" for row, msg in errors[:_MAX_LISTED_ERRORS])
        more = f"; ... and {len(errors) - _MAX_LISTED_ERRORS} more" if len(errors) > _MAX_LISTED_ERRORS else ""
        raise ErasureListError(f"{where}: {shown}{more}")
    leaky = out["reference"].str.contains("@", regex=False)
    if leaky.any():
        log.warning("%s: row(s) %s: the reference looks like an email address; the list must hold no clear text",
                    where, ", ".join(map(str, out.loc[leaky, "row"].tolist())))
    return out


def load_erasure_list(config: ErasureConfig, project_root: str | os.PathLike | None = None, *,
                      salt: str | None = None) -> pd.DataFrame:
    """The erasure list: hash, kind, requested_at, reference, salt_id, location, row.

    Reads the CSV file and/or the table ``config`` names; a missing one means nobody
    on it (unless ``config.required``). ``salt`` (default: ``config.salt()`` from the
    environment) must be the one the entries were made with. Entries of kinds not in
    ``config.identifiers`` are dropped. ``project_root`` resolves a relative list path."""
    salt = config.salt() if salt is None else salt
    parts: list[pd.DataFrame] = []
    if config.list_path is not None:
        path = Path(config.list_path)
        if not path.is_absolute():
            path = Path(project_root or ".") / path
        if path.is_file():
            parts.append(_validate_list(_read_list_csv(path), str(path), salt=salt))
        elif config.required:
            raise ErasureListError(f"{config.config_file}: list: {path} does not exist, and required: true "
                                   "(a missing list would publish people who asked to be erased)")
        else:
            log.info("no erasure list at %s: nobody is erased", path)
    if config.table and config.url:
        frame = _read_list_table(config.url, config.table)
        if frame is not None:
            parts.append(_validate_list(frame, str(frame["location"].iloc[0]) if len(frame) else config.table,
                                        salt=salt))
        elif config.required:
            raise ErasureListError(f"{config.config_file}: table: {config.table} does not exist, and required: true")
        else:
            log.info("no erasure table %s: nobody on it is erased", config.table)
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_list()
    out = pd.concat(parts, ignore_index=True)
    inert = ~out["kind"].isin(config.identifiers)
    if inert.any():
        log.warning("erasure list: %d entries of kind(s) %s ignored (not in 'identifiers' of %s)",
                    int(inert.sum()), sorted(set(out.loc[inert, "kind"])), config.config_file)
        out = out[~inert].reset_index(drop=True)
    if salt == "" and len(out):
        log.warning("erasure list hashes are unsalted ($%s is empty): anyone holding the list can test whether "
                    "a known email or phone number is on it", config.salt_env)
    return out


# --------------------------------------------------------------------------
# matching and suppression
# --------------------------------------------------------------------------

def _join_sorted(values: pd.DataFrame, by: str, column: str, sep: str) -> pd.Series:
    """Distinct non-empty values of ``column`` per ``by``, sorted and joined."""
    distinct = values.loc[values[column] != "", [by, column]].drop_duplicates().sort_values([by, column])
    return distinct.groupby(by)[column].agg(sep.join)


def erasure_matches(contacts: pd.DataFrame, erasure_list: pd.DataFrame, *, salt: str) -> pd.DataFrame:
    """Per normalised record (same index): ``erased`` (an identifier is on the list),
    ``matched_by`` ('email;phone', '' if none) and ``reference`` (tickets, ', '-joined)."""
    n = len(contacts)
    out = pd.DataFrame({"erased": np.zeros(n, dtype=bool), "matched_by": "", "reference": ""}, index=contacts.index)
    if n == 0 or erasure_list is None or erasure_list.empty:
        return out
    listed = erasure_list[["hash", "kind", "reference"]].astype(str)
    # Only the kinds the list holds are hashed; isin per kind, then only hits are joined.
    hashes = identifier_hashes(contacts, salt=salt, kinds=tuple(k for k in KINDS if (listed["kind"] == k).any()))
    parts = []
    for kind, column in HASH_COLUMNS.items():
        if column not in hashes.columns:
            continue
        hit = hashes[column].isin(set(listed.loc[listed["kind"] == kind, "hash"])).to_numpy()
        if hit.any():
            parts.append(pd.DataFrame({"pos": np.flatnonzero(hit), "kind": kind,
                                       "hash": hashes[column].to_numpy()[hit]}))
    if not parts:
        return out
    hits = pd.concat(parts, ignore_index=True).merge(listed, on=["hash", "kind"])
    if hits.empty:
        return out
    matched_by = _join_sorted(hits, "pos", "kind", ";")
    references = _join_sorted(hits, "pos", "reference", ", ")
    positions = np.sort(hits["pos"].unique())
    out.iloc[positions, out.columns.get_loc("erased")] = True
    out.iloc[positions, out.columns.get_loc("matched_by")] = matched_by.reindex(positions).to_numpy()
    out.iloc[positions, out.columns.get_loc("reference")] = references.reindex(positions).fillna("").to_numpy()
    # Shared identifiers (household inbox, switchboard) erase every holder: say so.
    for kind, flag in (("email", "email_shared"), ("phone", "phone_shared")):
        if flag in contacts.columns:
            via = hits.loc[hits["kind"] == kind, "pos"].unique()
            shared = int(np.asarray(contacts[flag].fillna(False), dtype=bool)[via].sum()) if len(via) else 0
            if shared:
                log.warning("erasure list: %d record(s) matched through a %s several people share; "
                            "they are erased too", shared, kind)
    return out


def erased_records(contacts: pd.DataFrame, erasure_list: pd.DataFrame, *, salt: str) -> pd.Series:
    """Boolean per normalised record: one of its identifiers is on the erasure list."""
    return erasure_matches(contacts, erasure_list, salt=salt)["erased"]


SUPPRESSED_COLUMNS = ["source", "record_id", "contact_key", "row", "cluster", "matched_by", "reference", "reason"]


def suppress(contacts: pd.DataFrame, clusters: pd.DataFrame | None,
             erased: pd.Series | pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """(kept_mask, suppressed): every cluster holding an erased record goes entirely.

    ``clusters`` is aligned to ``contacts`` (its ``cluster`` column; None = every record
    alone). ``erased`` is a boolean mask or the frame from ``erasure_matches`` (which
    also carries the ticket references). ``kept_mask`` has the contacts' index.
    ``suppressed`` (SUPPRESSED_COLUMNS) holds ids and reasons only, no personal data:
    ``matched_by`` is 'email', 'phone;name_dob', ... or 'cluster' for records that are
    the erased person's only through clustering."""
    n = len(contacts)
    if isinstance(erased, pd.DataFrame):
        flags = np.asarray(erased["erased"], dtype=bool)
        matched_by = erased["matched_by"].fillna("").astype(str).to_numpy()
        references = erased["reference"].fillna("").astype(str).to_numpy()
    else:
        flags = np.asarray(erased, dtype=bool)
        matched_by = np.where(flags, "identifier", "")
        references = np.full(n, "", dtype=object)
    labels = np.arange(n, dtype=np.int64) if clusters is None else np.asarray(clusters["cluster"], dtype=np.int64)
    if len(flags) != n or len(labels) != n:
        raise ValueError(f"suppress: contacts ({n}), clusters ({len(labels)}) and erased ({len(flags)}) "
                         "must be aligned row for row")
    gone = np.isin(labels, np.unique(labels[flags]))
    kept = pd.Series(~gone, index=contacts.index, name="kept")
    if not gone.any():
        return kept, pd.DataFrame({c: pd.Series(dtype="object") for c in SUPPRESSED_COLUMNS})

    frame = pd.DataFrame({
        "source": contacts["source"].to_numpy()[gone],
        "record_id": contacts["record_id"].to_numpy()[gone],
        "contact_key": (contacts["contact_key"].to_numpy()[gone] if "contact_key" in contacts.columns else
                        (contacts["source"].astype(str) + ":" + contacts["record_id"].astype(str)).to_numpy()[gone]),
        "row": (contacts["source_row"].to_numpy()[gone] if "source_row" in contacts.columns
                else np.full(int(gone.sum()), None, dtype=object)),
        "cluster": labels[gone],
        "matched_by": np.where(flags[gone], matched_by[gone], "cluster"),
        "direct_reference": references[gone],
    })
    # A record erased through its cluster carries the references of the matched records in it.
    cluster_refs = _join_sorted(frame.assign(direct_reference=frame["direct_reference"].str.split(", "))
                                .explode("direct_reference").fillna({"direct_reference": ""}),
                                "cluster", "direct_reference", ", ")
    frame["reference"] = frame["cluster"].map(cluster_refs).fillna("")
    how = frame["matched_by"].str.replace(";", ", ", regex=False).where(
        frame["matched_by"] != "cluster", "same person as an erased record")
    ticket = frame["reference"].where(frame["reference"] == "", " " + frame["reference"])
    frame["reason"] = "erasure request" + ticket + " (" + how + ")"
    frame = frame[SUPPRESSED_COLUMNS].sort_values(["source", "record_id"], kind="stable").reset_index(drop=True)
    log.info("erasure: %d records of %d people suppressed (%d matched directly)",
             len(frame), frame["cluster"].nunique(), int(flags.sum()))
    return kept, frame


def apply_erasure(contacts: pd.DataFrame, clusters: pd.DataFrame | None, erasure_list: pd.DataFrame, *,
                  salt: str) -> tuple[pd.Series, pd.DataFrame]:
    """erasure_matches + suppress in one call: (kept_mask, suppressed)."""
    return suppress(contacts, clusters, erasure_matches(contacts, erasure_list, salt=salt))


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
    keys = _raw_identifier_keys(raw_frame)
    hits = pd.concat(
        [pd.DataFrame({"pos": [pos for pos, _ in candidates], "kind": kind,
                       "hash": hash_values(keys[kind], kind, salt=salt).to_numpy()}) for kind in KINDS],
        ignore_index=True,
    ).dropna(subset=["hash"]).merge(erasure_list[["hash", "kind", "reference"]].astype(str), on=["hash", "kind"])
    if hits.empty:
        return out, 0
    references = _join_sorted(hits, "pos", "reference", ", ")
    positions = np.sort(hits["pos"].unique())
    tickets = references.reindex(positions).fillna("")
    note = " [values removed: erasure request" + tickets.where(tickets == "", " " + tickets) + "]"
    raw_col, reason_col = out.columns.get_loc("raw"), out.columns.get_loc("reason")
    out.iloc[positions, raw_col] = ""
    out.iloc[positions, reason_col] = (out["reason"].iloc[positions].fillna("").astype(str) + note).to_numpy()
    return out, len(positions)


def erasure_summary(suppressed: pd.DataFrame, erasure_list: pd.DataFrame | None = None) -> dict[str, Any]:
    """Counts for the audit and UI metadata (no personal data)."""
    direct = int((suppressed["matched_by"] != "cluster").sum())
    return {
        "list_entries": len(erasure_list) if erasure_list is not None else None,
        "suppressed_records": len(suppressed),
        "suppressed_people": int(suppressed["cluster"].nunique()),
        "matched_directly": direct,
        "matched_through_cluster": len(suppressed) - direct,
        "by_source": {str(k): int(v) for k, v in suppressed["source"].value_counts().sort_index().items()},
    }
