"""Column names as the CRM gets them: any text a source uses as a column name (``%``, a
backtick, a newline, an emoji, 200 characters) is published under a safe name, and the
mapping is kept in the CRM's ``steward_columns`` table so every later publish, full or
incremental, finds the same column again.

The rules, for each table's columns:

1. A name ``steward_columns`` already maps keeps its published column (or its key in
   ``extras_json``): the mapping never changes once it is recorded.
2. A column the table already has under exactly this name (published before the mapping
   existed) keeps it, so existing CRMs and the programs reading them do not break; so does
   a name that is already safe (``[a-z_][a-z0-9_]*``, at most 63 characters, the shortest
   limit of the backends) and not taken, case-insensitively (MariaDB's names are).
3. Any other name gets a lower-case ASCII slug cut to fit, with ``_`` and 8 hex digits of
   its SHA-256: a function of the name alone, so stable across runs and CRMs, and the same
   column a publish killed before recording the name had added. (12, then 16 digits where
   that is taken: only a name made to look like another's gets there.)
4. An ``extra_`` column that would take golden_contacts past ``MAX_GOLDEN_COLUMNS`` is
   stored as a key of the one ``extras_json`` column instead (MariaDB's 8 KB in-row limit
   refuses ~200 text columns, PostgreSQL ~400 filled ones; their hard limits are 1,017 and
   1,600 columns). Which ones is decided once, in column order, and recorded.

Two source names are never folded into one column: a clash no hash tells apart is refused
with both names, before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.publish.errors import PublishError
from steward.publish.tables import EXTRAS_COLUMN, GOLDEN_TABLE, NAME_LENGTH, STATUS_COLUMNS

# The most columns golden_contacts gets; further extra_ columns go into extras_json. With
# every value 40 bytes (the most MariaDB keeps in the row), 190 text columns still fit its
# 8,126-byte row, 200 do not: 150 leaves room for the golden id and publish's own columns.
MAX_GOLDEN_COLUMNS = 150
EXTRA_PREFIX = "extra_"
_SAFE = re.compile(r"[a-z_][a-z0-9_]*\Z")
_HASH_DIGITS = 8
_PUBLISH = "(a column publish keeps itself)"


def hashed_name(name: str, digits: int = _HASH_DIGITS) -> str:
    """The name as a lower-case ASCII slug, cut to fit, with ``digits`` hex digits of its SHA-256."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")
    if not slug or slug[0].isdigit():
        slug = f"c_{slug}".rstrip("_")  # a name may not start with a digit everywhere
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    return f"{slug[:NAME_LENGTH - digits - 1].rstrip('_')}_{digest}"


def safe_name(name: str) -> str:
    """The column a source name is published under when nothing is recorded for it yet."""
    return name if _SAFE.match(name) and len(name) <= NAME_LENGTH else hashed_name(name)


def stored_name(name: str) -> str:
    """The source name as steward_columns can hold it on every backend (PostgreSQL takes no NUL,
    no database a lone surrogate); such names are rare enough to be spelt escaped."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _writable(name: str) -> bool:
    """A legacy column name the writes can use as it is (no driver placeholder, no quote of MariaDB's)."""
    return (len(name) <= NAME_LENGTH and name.isprintable() and not {"%", "`", '"'} & set(name)
            and all(ord(ch) < 0x10000 for ch in name))


@dataclass(frozen=True)
class TableNames:
    """How one table's frame columns are published."""

    table: str
    columns: dict[str, str]  # frame column -> published column (the ones stored as columns)
    packed: list[str]  # frame columns stored as keys of extras_json, in order
    records: list[dict]  # new steward_columns rows (table_name, source_name, column_name)

    @property
    def published(self) -> list[str]:
        names = list(self.columns.values())
        return [*names, EXTRAS_COLUMN] if self.packed and EXTRAS_COLUMN not in names else names

    @property
    def renamed(self) -> dict[str, str]:
        """Source name -> published column (``extras_json`` for packed ones), where they differ."""
        out = {s: c for s, c in self.columns.items() if s != c}
        return {**out, **{s: EXTRAS_COLUMN for s in self.packed}}


class _Owners:
    """Published column names (case-insensitively: MariaDB's are) and the source name holding each."""

    def __init__(self, table: str):
        self.table = table
        self.by_lower: dict[str, str] = {}
        self.unclaimed: set[str] = set()  # columns the table has that nothing recorded, not taken yet

    def free(self, column: str, key: str) -> bool:
        return self.by_lower.get(column.lower(), key) == key

    def take(self, column: str, key: str) -> None:
        if not self.free(column, key) and column.lower() not in self.unclaimed:
            raise PublishError(f"{self.table}: columns {self.by_lower[column.lower()]!r} and {key!r} would both be "
                               f"published as {column!r}; rename one (extra_columns in the source's rules)")
        self.by_lower[column.lower()] = key
        self.unclaimed.discard(column.lower())


def plan_names(table: str, frame_columns: list[str], existing: list[str], recorded: dict[str, str]) -> TableNames:
    """The published name of each of ``frame_columns``, given the table's ``existing`` columns and
    the ``recorded`` mapping (stored source name -> column) of this table in steward_columns."""
    bad = [c for c in frame_columns if not isinstance(c, str)]
    if bad:
        raise PublishError(f"{table}: column names must be text, not {bad[:3]}")
    keys = [stored_name(c) for c in frame_columns]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise PublishError(f"{table}: the same column name twice: {twice[:3]}")
    owners = _Owners(table)
    golden = table == GOLDEN_TABLE
    if golden:
        for column in (*STATUS_COLUMNS, EXTRAS_COLUMN):
            owners.by_lower[column] = _PUBLISH  # a source column never takes them
    for key, column in recorded.items():
        if column != EXTRAS_COLUMN:
            owners.by_lower.setdefault(column.lower(), key)
    mapped = set(recorded.values())
    for column in existing:
        if column not in mapped and column.lower() not in owners.by_lower:
            owners.by_lower[column.lower()] = stored_name(column)  # published before the mapping...
            owners.unclaimed.add(column.lower())  # ...or added by a publish killed before it recorded the name
    chosen = {source: recorded[key] for source, key in zip(frame_columns, keys) if key in recorded}
    new = [(source, key) for source, key in zip(frame_columns, keys) if source not in chosen]
    # Names kept as they are first, then the hashed ones: who gets a name does not hang on column order.
    for source, key in new:
        if (source in existing and _writable(source) or safe_name(source) == source) and owners.free(source, key):
            owners.take(source, key)
            chosen[source] = source
    for source, key in new:
        if source not in chosen:
            # A longer hash where a shorter one is taken (only a name made to look like another's gets
            # there). A column of this name nothing recorded was added for this source by a killed publish.
            column = next((c for c in (hashed_name(source, d) for d in (_HASH_DIGITS, 12, 16))
                           if owners.free(c, key) or c.lower() in owners.unclaimed), hashed_name(source))
            owners.take(column, key)
            chosen[source] = column
    # Extra columns past the budget go into extras_json, in column order.
    have = {c.lower() for c in (*existing, *mapped, *(STATUS_COLUMNS if golden else ()))} - {EXTRAS_COLUMN}
    records = []
    for source, key in new:
        column = chosen[source]
        if column.lower() not in have:
            if golden and source.startswith(EXTRA_PREFIX) and len(have) + 1 >= MAX_GOLDEN_COLUMNS:  # +1: extras_json
                column = chosen[source] = EXTRAS_COLUMN
            else:
                have.add(column.lower())
        records.append({"table_name": table, "source_name": key, "column_name": column})
    packed = [s for s in frame_columns if chosen[s] == EXTRAS_COLUMN]
    columns = {s: chosen[s] for s in frame_columns if chosen[s] != EXTRAS_COLUMN}
    return TableNames(table=table, columns=columns, packed=packed, records=records)


def pack_extras(frame: pd.DataFrame, packed: list[str]) -> np.ndarray:
    """The packed columns of each row as one JSON object (keys sorted, empty values left out;
    None when all are empty): the same values give the same text, so a rerun writes nothing."""
    keys = sorted(packed)
    columns = [frame[k].to_numpy(dtype=object) for k in keys]
    out = np.empty(len(frame), dtype=object)
    for i, values in enumerate(zip(*columns)):
        row = {k: v for k, v in zip(keys, values) if v is not None}
        out[i] = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if row else None
    return out


def published_frame(frame: pd.DataFrame, names: TableNames) -> pd.DataFrame:
    """The text frame under its published column names, packed columns folded into extras_json."""
    out = pd.DataFrame({names.columns[c]: frame[c].to_numpy(dtype=object) for c in names.columns},
                       index=frame.index, dtype=object)
    if names.packed:
        out[EXTRAS_COLUMN] = pack_extras(frame, names.packed)
    return out
