"""The erasure list: the CSV file and/or database table of hashed identifiers,
read and checked row by row before a run trusts it.

Columns: LIST_COLUMNS (hash, kind, requested_at, reference, salt_id), never a
clear-text identifier. A list that cannot be used stops the run with
``ErasureListError`` naming the file (or table) and every bad row: an unreadable
list must never mean "nobody is erased".
"""

from __future__ import annotations

import csv
import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from steward.config.erasure import KINDS, ErasureConfig
from steward.errors import ConfigError
from steward.privacy.hashing import salt_id

__all__ = ["LIST_COLUMNS", "REQUIRED_LIST_COLUMNS", "ErasureListError", "empty_list", "load_erasure_list",
           "read_list_csv", "validate_list"]

# Every erasure module logs under the name the single module had, so log filters keep working.
log = logging.getLogger("steward.privacy.erasure")

LIST_COLUMNS = ["hash", "kind", "requested_at", "reference", "salt_id"]
REQUIRED_LIST_COLUMNS = ("hash", "kind")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX8 = re.compile(r"^[0-9a-f]{8}$")
# Row errors listed in one message before "... and N more".
_MAX_LISTED_ERRORS = 10


class ErasureListError(ConfigError):
    """The erasure list cannot be used; the message names the file (or table) and row."""


def empty_list() -> pd.DataFrame:
    """A list with nobody on it, in the columns ``load_erasure_list`` returns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in [*LIST_COLUMNS, "location", "row"]})


def read_list_csv(path: Path) -> pd.DataFrame:
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
        return empty_list()
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


def validate_list(frame: pd.DataFrame, where: str, *, salt: str | None) -> pd.DataFrame:
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
            parts.append(validate_list(read_list_csv(path), str(path), salt=salt))
        elif config.required:
            raise ErasureListError(f"{config.config_file}: list: {path} does not exist, and required: true "
                                   "(a missing list would publish people who asked to be erased)")
        else:
            log.info("no erasure list at %s: nobody is erased", path)
    if config.table and config.url:
        frame = _read_list_table(config.url, config.table)
        if frame is not None:
            parts.append(validate_list(frame, str(frame["location"].iloc[0]) if len(frame) else config.table,
                                        salt=salt))
        elif config.required:
            raise ErasureListError(f"{config.config_file}: table: {config.table} does not exist, and required: true")
        else:
            log.info("no erasure table %s: nobody on it is erased", config.table)
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_list()
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
