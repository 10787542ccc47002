"""The publish stage: golden records, the crosswalk, the field lineage and a publish
log written to the CRM database through SQLAlchemy (embedded default: a SQLite file
under ``data/``; PostgreSQL and MariaDB/MySQL as well).

Crash safety, on every backend, in two steps:

1. **Schema, additive only.** Tables are created if missing (``golden_contacts``
   with ``golden_id`` as primary key) and new columns are added with ``ALTER TABLE
   ... ADD COLUMN``. Nothing is dropped or rewritten, so it does not matter that
   MariaDB commits DDL implicitly: a crash after this step leaves every row as it
   was (at most an empty new column).
2. **Data, one transaction of DML only.** ``golden_contacts`` is compared with what
   is there, by golden id and content: new ids are inserted, changed rows updated,
   unchanged rows not written at all (a rerun on the same input writes 0 golden
   rows). Ids that are no longer published are never silently dropped: an id merged
   into another (``id_events``) keeps its row with ``status='merged'`` and
   ``merged_into`` the surviving id; an id none of whose records is left is marked
   ``status='retired'``; only erased people (``erased_ids``) are deleted, together
   with any row merged into them. (A caller that passes no ``erased_ids`` cannot tell
   the two apart: then ids with no records left are deleted, as before.)
   ``golden_crosswalk`` and ``golden_lineage`` are replaced in content (``DELETE`` +
   ``INSERT``, never ``DROP``) when they differ, and a ``publish_log`` row with the
   counts is appended. A crash or a killed process anywhere in this step rolls all
   of it back.

Concurrent publishes to the same CRM are serialised (PostgreSQL advisory lock,
MariaDB/MySQL ``GET_LOCK``, SQLite ``BEGIN IMMEDIATE``).

Test hook: ``STEWARD_PUBLISH_PAUSE_AFTER_ROWS=N`` makes a publish stop inside the
data transaction once it has written N rows, touch the file named by
``STEWARD_PUBLISH_PAUSE_SIGNAL`` (if set) and sleep ``STEWARD_PUBLISH_PAUSE_SECONDS``
(default 3600), so a test can kill it midway.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

log = logging.getLogger("steward.publish.crm")

GOLDEN_TABLE = "golden_contacts"
CROSSWALK_TABLE = "golden_crosswalk"
PUBLISH_LOG_TABLE = "publish_log"
LINEAGE_TABLE = "golden_lineage"

# Row status in golden_contacts (the same words as steward.merge.identity's registry).
ACTIVE, MERGED, RETIRED = "active", "merged", "retired"
# Columns publish keeps in golden_contacts beside the golden record's own.
STATUS_COLUMNS = ["status", "merged_into", "published_at"]
# publish_log: one row per publish, in the same transaction as the data.
LOG_COLUMNS = ["published_at", "golden_rows", "crosswalk_rows", "lineage_rows", "inserted", "updated", "unchanged",
               "merged", "retired", "deleted", "removed"]

ID_LENGTH = 128  # golden ids are VARCHAR(128): a primary key on MariaDB/MySQL cannot be TEXT
NAME_LENGTH = 63  # PostgreSQL truncates longer identifiers (MySQL: 64)
CHUNK_ROWS = 5_000  # rows per executemany
DELETE_CHUNK = 500  # ids per DELETE ... WHERE golden_id IN (...)

PAUSE_AFTER_ROWS_ENV = "STEWARD_PUBLISH_PAUSE_AFTER_ROWS"
PAUSE_SIGNAL_ENV = "STEWARD_PUBLISH_PAUSE_SIGNAL"
PAUSE_SECONDS_ENV = "STEWARD_PUBLISH_PAUSE_SECONDS"

_BEGIN_IMMEDIATE = "steward_begin_immediate"
_LOCK_NAME = "crm_steward_publish"
_LOCK_TIMEOUT_S = 600


def crm_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite autocommits DDL outside the transaction and begins transactions lazily;
        # take control of BEGIN so DDL is transactional too (SQLAlchemy's documented recipe).
        @sa.event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            # A publish takes the write lock up front, so two publishes queue instead of
            # one failing halfway with "database is locked".
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_BEGIN_IMMEDIATE) else "BEGIN")

    return engine


@dataclass
class PublishSummary:
    golden_rows: int  # golden records in this publish (all active afterwards)
    crosswalk_rows: int
    inserted: int  # new golden ids
    updated: int  # golden rows whose content changed (including ids active again)
    removed: int  # merged + retired + deleted: ids no longer active after this publish
    unchanged: int  # golden rows already there as they are (not written)
    merged: int = 0  # rows marked status='merged' (or pointed at a new survivor)
    retired: int = 0  # rows marked status='retired': no records left, not erased
    deleted: int = 0  # rows deleted: erased people (all ids with no records left when erased_ids is None)
    lineage_rows: int = 0  # 0 when no lineage was given (the table is then left alone)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


# --- text conversion ------------------------------------------------------------------


def _text_values(series: pd.Series) -> np.ndarray:
    """The column as an object array of str or None: everything is published as text, so
    identical input gives identical rows whatever dtype a column came in."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = _text_values(pd.Series(series.cat.categories))
        codes = series.cat.codes.to_numpy()
        out = np.empty(len(series), dtype=object)
        known = codes >= 0
        out[known] = categories[codes[known]]
        return out
    values = series.to_numpy(dtype=object)
    if not len(values):
        return values
    missing = pd.isna(values)
    if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")):
        out = values.copy()
    else:
        out = np.array([v if type(v) is str else str(v) for v in values], dtype=object)
    out[missing] = None
    return out


def _stored_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from the CRM: text columns are str or None already (no NaN), so only
    columns of other types (tables from older versions) need converting."""
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            frame[column] = _text_values(frame[column])
    return frame


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: _text_values(frame[c]) for c in frame.columns}, index=range(len(frame)), dtype=object)


def _reindex(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The text frame with exactly these columns, missing ones all None (never NaN)."""
    return pd.DataFrame({c: frame[c].to_numpy(dtype=object) if c in frame.columns
                         else np.full(len(frame), None, dtype=object) for c in columns}, index=frame.index, dtype=object)


# --- reading ----------------------------------------------------------------------------


def read_table(url: str, table: str) -> pd.DataFrame | None:
    engine = crm_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table):
                return None
            return pd.read_sql_table(table, conn)
    finally:
        engine.dispose()


def _select_all(conn: sa.Connection, table: sa.Table) -> pd.DataFrame:
    """Every row, as text (str or None)."""
    result = conn.execute(sa.select(table))
    columns = list(result.keys())
    rows = result.cursor.fetchall()  # straight from the driver: text needs no SQLAlchemy row processing
    result.close()
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)
    return _stored_text(frame.astype(object))


# --- schema (step 1) -------------------------------------------------------------------


def _id_type() -> sa.types.TypeEngine:
    # Binary collation on MariaDB/MySQL: golden ids differing in case are different ids.
    return sa.String(ID_LENGTH).with_variant(
        mysql.VARCHAR(ID_LENGTH, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def _column_type(table: str, column: str) -> sa.types.TypeEngine:
    if column in ("golden_id", "merged_into"):
        return _id_type()
    if table == GOLDEN_TABLE and column == "status":
        return sa.String(16)
    if column == "published_at":
        return sa.String(40)
    if table == PUBLISH_LOG_TABLE:
        return sa.BigInteger()
    return sa.Text()


def _table(name: str, columns: Iterable[str]) -> sa.Table:
    cols = []
    for c in columns:
        kw = {}
        if name == GOLDEN_TABLE and c == "golden_id":
            kw = {"primary_key": True, "nullable": False}
        elif name == GOLDEN_TABLE and c == "status":
            kw = {"server_default": ACTIVE}
        cols.append(sa.Column(c, _column_type(name, c), **kw))
    # utf8mb4 whatever the database's default character set (names in any script).
    return sa.Table(name, sa.MetaData(), *cols, mysql_charset="utf8mb4", mariadb_charset="utf8mb4")


def _check_names(what: str, columns: list[str]) -> None:
    bad = [c for c in columns if not isinstance(c, str) or not c or len(c) > NAME_LENGTH]
    if bad:
        raise ValueError(f"{what}: column names must be non-empty text of at most {NAME_LENGTH} characters: {bad}")
    if len({c.lower() for c in columns}) != len(columns):
        raise ValueError(f"{what}: duplicate column names (case-insensitively): {columns}")


def _has_unique_golden_id(inspector, table: str) -> bool:
    if inspector.get_pk_constraint(table).get("constrained_columns") == ["golden_id"]:
        return True
    return any(ix.get("unique") and ix.get("column_names") == ["golden_id"] for ix in inspector.get_indexes(table)) or any(
        uc.get("column_names") == ["golden_id"] for uc in inspector.get_unique_constraints(table))


def _ensure_table(conn: sa.Connection, name: str, columns: list[str]) -> list[str]:
    """Create the table if missing, add missing columns; return the table's columns afterwards."""
    conn.execute(sa.schema.CreateTable(_table(name, columns), if_not_exists=True))
    inspector = sa.inspect(conn)
    existing = [c["name"] for c in inspector.get_columns(name)]
    have = {c.lower() for c in existing}
    quote = conn.dialect.identifier_preparer.quote
    for column in columns:
        if column.lower() in have:
            continue
        col = _table(name, [column]).c[column]
        ddl = f"ALTER TABLE {quote(name)} ADD COLUMN {quote(column)} {col.type.compile(dialect=conn.dialect)}"
        if col.server_default is not None:
            ddl += f" DEFAULT '{ACTIVE}'"
        conn.exec_driver_sql(ddl)
        existing.append(column)
        log.info("added column %s.%s", name, column)
    if name == GOLDEN_TABLE and not _has_unique_golden_id(inspector, name):
        _add_golden_key(conn)
    return existing


def _add_golden_key(conn: sa.Connection) -> None:
    """A golden_contacts table from before upserts (no key): give golden_id its primary
    key (a unique index on SQLite, which cannot add one). One statement each, data unchanged."""
    dialect = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    table = quote(GOLDEN_TABLE)
    if dialect == "sqlite":
        conn.exec_driver_sql(f"CREATE UNIQUE INDEX IF NOT EXISTS {quote('ux_' + GOLDEN_TABLE + '_golden_id')} "
                             f"ON {table} (golden_id)")
    elif dialect in ("mysql", "mariadb"):
        conn.exec_driver_sql(f"ALTER TABLE {table} MODIFY golden_id VARCHAR({ID_LENGTH}) CHARACTER SET utf8mb4 "
                             f"COLLATE utf8mb4_bin NOT NULL, ADD PRIMARY KEY (golden_id)")
    else:
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN golden_id SET NOT NULL, ADD PRIMARY KEY (golden_id)")
    log.info("%s: golden_id is now its key", GOLDEN_TABLE)


# --- locking ----------------------------------------------------------------------------


@contextmanager
def _publish_lock(conn: sa.Connection) -> Iterator[None]:
    """One publish at a time per CRM database/schema; released when the session ends, so a
    killed publish does not leave it behind."""
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        key = "CONCAT(:name, '.', LEFT(MD5(COALESCE(DATABASE(), '')), 16))"  # lock names: at most 64 characters
        got = conn.execute(sa.text(f"SELECT GET_LOCK({key}, :timeout)"),
                           {"name": _LOCK_NAME, "timeout": _LOCK_TIMEOUT_S}).scalar()
        conn.commit()
        if got != 1:
            raise RuntimeError(f"another publish to this CRM has been running for over {_LOCK_TIMEOUT_S} s")
        try:
            yield
        finally:
            _release(conn, f"SELECT RELEASE_LOCK({key})")
    elif dialect == "postgresql":
        key = "hashtext(:name || '.' || COALESCE(current_schema(), ''))"
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(_LOCK_TIMEOUT_S)}s'")
        try:
            conn.execute(sa.text(f"SELECT pg_advisory_lock({key})"), {"name": _LOCK_NAME})
        except sa.exc.OperationalError as exc:
            raise RuntimeError(f"another publish to this CRM has been running for over {_LOCK_TIMEOUT_S} s") from exc
        conn.commit()
        try:
            yield
        finally:
            _release(conn, f"SELECT pg_advisory_unlock({key})")
    else:
        yield  # SQLite: BEGIN IMMEDIATE (crm_engine) serialises each transaction


def _release(conn: sa.Connection, sql: str) -> None:
    # The lock also goes when the session ends; a failure here must not hide the publish's own error.
    if conn.closed or conn.invalidated:
        return
    try:
        conn.rollback()
        conn.execute(sa.text(sql), {"name": _LOCK_NAME})
        conn.commit()
    except sa.exc.DBAPIError as exc:
        log.warning("could not release the publish lock (%s); it goes with the connection", exc)


# --- data (step 2) ----------------------------------------------------------------------


class _Writer:
    """Runs the writes of the data transaction in chunks, counting rows (for the pause hook)."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.written = 0
        pause = os.environ.get(PAUSE_AFTER_ROWS_ENV)
        self.pause_after = int(pause) if pause else None

    def _chunks(self, rows: list) -> Iterator[list]:
        start = 0
        while start < len(rows):
            size = CHUNK_ROWS
            if self.pause_after is not None and self.written < self.pause_after:
                size = min(size, self.pause_after - self.written)
            yield rows[start:start + size]
            start += size

    def _wrote(self, n: int) -> None:
        before = self.written
        self.written += n
        if self.pause_after is not None and before < self.pause_after <= self.written:
            self._pause()

    def _pause(self) -> None:
        log.warning("%s=%d: pausing inside the publish transaction after %d rows",
                    PAUSE_AFTER_ROWS_ENV, self.pause_after, self.written)
        signal = os.environ.get(PAUSE_SIGNAL_ENV)
        if signal:  # written whole, then renamed: a watcher never reads it half-written
            Path(f"{signal}.tmp").write_text(f"{os.getpid()} {self.written}\n")
            os.replace(f"{signal}.tmp", signal)
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "3600")))

    def execute_many(self, statement, rows: list[dict]) -> None:
        for chunk in self._chunks(rows):
            self.conn.execute(statement, chunk)
            self._wrote(len(chunk))

    def insert(self, table: sa.Table, frame: pd.DataFrame) -> None:
        """Plain INSERT of many rows: COPY on PostgreSQL (psycopg), otherwise the driver's
        executemany with tuples (pymysql turns it into multi-row INSERTs)."""
        columns = list(frame.columns)
        rows = list(zip(*(frame[c].to_numpy(dtype=object) for c in columns)))
        quote = self.conn.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        if self.conn.dialect.name == "postgresql" and self.conn.dialect.driver == "psycopg":
            cursor = self.conn.connection.driver_connection.cursor()
            sql = f"COPY {quote(table.name)} ({names}) FROM STDIN"
            for chunk in self._chunks(rows):
                with cursor.copy(sql) as copy:
                    for row in chunk:
                        copy.write_row(row)
                self._wrote(len(chunk))
            cursor.close()
            return
        marker = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([marker] * len(columns))})"
        if marker == "%s":
            sql = sql.replace("%", "%%").replace("%%s", "%s")  # a % in a name is not a placeholder
        for chunk in self._chunks(rows):
            self.conn.exec_driver_sql(sql, chunk)
            self._wrote(len(chunk))

    def delete_ids(self, table: sa.Table, ids: list[str]) -> None:
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = ids[start:start + DELETE_CHUNK]
            self.conn.execute(table.delete().where(table.c.golden_id.in_(chunk)))
            self._wrote(len(chunk))

    def delete_all(self, table: sa.Table) -> None:
        self._wrote(max(self.conn.execute(table.delete()).rowcount, 0))


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in zip(*(frame[c].to_numpy(dtype=object) for c in columns))]


def _upsert(conn: sa.Connection, table: sa.Table):
    """INSERT ... ON CONFLICT (golden_id) DO UPDATE, in each dialect's words: one statement
    that executemany batches well (MariaDB/MySQL drivers turn it into multi-row inserts)."""
    dialect = conn.dialect.name
    others = [c.name for c in table.columns if c.name != "golden_id"]
    if dialect in ("mysql", "mariadb"):
        stmt = mysql.insert(table)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in others})
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table)
    return stmt.on_conflict_do_update(index_elements=["golden_id"], set_={c: stmt.excluded[c] for c in others})


def _changed(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Row-wise: does any column differ? (Both sides are str or None, never NaN.)"""
    out = np.zeros(len(a), dtype=bool)
    for column in a.columns:
        out |= np.not_equal(a[column].to_numpy(dtype=object), b[column].to_numpy(dtype=object))
    return out


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.empty(0, dtype=np.uint64)
    return np.sort(pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy())


def _same_content(existing: pd.DataFrame, wanted: pd.DataFrame) -> bool:
    """The same rows in any order (columns in the same order). Rows usually come back in the
    order they were written, which is checked first; otherwise compare multisets of row hashes."""
    if len(existing) != len(wanted):
        return False
    if not _changed(existing.reset_index(drop=True), wanted.reset_index(drop=True)).any():
        return True
    return bool(np.array_equal(_row_hashes(existing), _row_hashes(wanted)))


def _merge_targets(id_events: pd.DataFrame | None) -> dict[str, str]:
    """golden_id -> the id it was merged into, from merged_into events (the latest per id)."""
    if id_events is None or len(id_events) == 0:
        return {}
    missing = {"golden_id", "event", "other_id"} - set(id_events.columns)
    if missing:
        raise ValueError(f"id_events needs the columns golden_id, event, other_id (missing: {sorted(missing)})")
    merged = id_events[id_events["event"] == "merged_into"]
    if "at" in merged.columns:
        merged = merged.sort_values("at", kind="mergesort", na_position="first")
    merged = merged[merged["other_id"].notna()]
    return dict(zip(_text_values(merged["golden_id"]), _text_values(merged["other_id"])))


def _resolve(target: str, redirect: dict[str, str]) -> str:
    """Follow merges within this publish (A into B, B into C) to the id that survives."""
    seen = {target}
    while target in redirect and redirect[target] not in seen:
        target = redirect[target]
        seen.add(target)
    return target


def _plan_golden(existing: pd.DataFrame, wanted: pd.DataFrame, columns: list[str], merges: dict[str, str],
                 erased: set[str] | None, now: str):
    """Which golden rows to insert, upsert (changed content or status) and delete, with counts.
    ``erased=None``: erasure unknown, so ids with no records left are deleted, not retired."""
    data_columns = [c for c in columns if c not in ("golden_id", *STATUS_COLUMNS)]
    compare = [*data_columns, "status", "merged_into"]
    existing = _reindex(existing, columns).set_index("golden_id", drop=False)
    wanted = _reindex(wanted, columns).set_index("golden_id", drop=False)
    wanted["status"], wanted["merged_into"], wanted["published_at"] = ACTIVE, None, now

    new_ids = wanted.index.difference(existing.index, sort=False)
    common = wanted.index.intersection(existing.index, sort=False)
    changed = _changed(wanted.loc[common, compare], existing.loc[common, compare])
    updates = wanted.loc[common[changed]]

    # Rows no longer published. Erased people go, with every row merged into them.
    gone = existing.loc[existing.index.difference(wanted.index, sort=False)]
    if erased is None:
        # The caller does not say who was erased: an id with no records left may be an erased
        # person, so it is deleted (as before issue 6), never kept as 'retired' with their data.
        live = ~gone["status"].isin([MERGED, RETIRED]) & ~gone.index.isin(list(merges))
        doomed = set(gone.index[live.to_numpy()])
    else:
        doomed = set(gone.index) & erased
    pointing = gone.loc[gone["status"].eq(MERGED), "merged_into"]
    grew = True
    while grew:
        more = set(pointing[pointing.isin(doomed)].index) - doomed
        doomed |= more
        grew = bool(more)
    gone = gone.loc[~gone.index.isin(doomed)]
    # Ids merged away in this run, or merged earlier into one merged now: point at the survivor.
    status = gone["status"].to_numpy(dtype=object)
    old_target = gone["merged_into"].to_numpy(dtype=object)
    new_status, new_target = status.copy(), old_target.copy()
    for i, gid in enumerate(gone.index):
        if gid in merges:
            new_status[i], new_target[i] = MERGED, _resolve(merges[gid], merges)
        elif status[i] == MERGED and old_target[i] in merges:
            new_target[i] = _resolve(old_target[i], merges)
        elif status[i] not in (MERGED, RETIRED):
            new_status[i] = RETIRED
    moved = (new_status != status) | (new_target != old_target)
    marked = gone.loc[moved].copy()
    marked["status"], marked["merged_into"], marked["published_at"] = new_status[moved], new_target[moved], now
    unknown = sorted(set(marked.loc[marked["status"] == MERGED, "merged_into"]) - set(wanted.index))
    if unknown:
        log.warning("%d golden id(s) merged into ids not published now, e.g. %s", len(unknown), unknown[:3])
    counts = {
        "inserted": len(new_ids),
        "updated": int(changed.sum()),
        "unchanged": int((~changed).sum()),
        "merged": int((marked["status"] == MERGED).sum()),
        "retired": int((marked["status"] == RETIRED).sum()),
        "deleted": len(doomed),
    }
    return wanted.loc[new_ids], pd.concat([updates, marked]), sorted(doomed), counts


def _validate(golden: pd.DataFrame, erased: set[str]) -> None:
    if "golden_id" not in golden.columns:
        raise ValueError("golden records need a golden_id column")
    ids = golden["golden_id"]
    if ids.isna().any():
        raise ValueError("golden records with no golden_id")
    if ids.duplicated().any():
        raise ValueError(f"duplicate golden ids: {sorted(ids[ids.duplicated()].unique())[:5]}")
    too_long = ids[ids.str.len() > ID_LENGTH]
    if len(too_long):
        raise ValueError(f"golden ids longer than {ID_LENGTH} characters: {list(too_long[:3])}")
    reserved = set(STATUS_COLUMNS) & set(golden.columns)
    if reserved:
        raise ValueError(f"golden records may not have the columns publish keeps itself: {sorted(reserved)}")
    both = erased & set(ids)
    if both:
        raise ValueError(f"golden ids both published and erased: {sorted(both)[:5]}")


def publish(golden: pd.DataFrame, crosswalk: pd.DataFrame, url: str, lineage: pd.DataFrame | None = None,
            id_events: pd.DataFrame | None = None, erased_ids: Iterable[str] | None = None,
            only_ids: Iterable[str] | None = None) -> PublishSummary:
    """Publish golden records (upsert by golden id), the crosswalk and the field lineage
    (replaced in content) to the CRM at ``url`` in one data transaction, and log the counts.

    ``id_events``: this run's golden-id events (``golden_id, event, other_id[, at, detail]``,
    as ``steward.merge.identity`` makes them); an id no longer published with a ``merged_into``
    event keeps its row, marked ``status='merged'`` with ``merged_into`` the survivor. Other
    ids no longer published are marked ``status='retired'``, provided ``erased_ids`` is given:
    the golden ids of erased people (may be empty), whose rows (and rows merged into them)
    are deleted. Without ``erased_ids`` (None) an id with no records left cannot be told
    from an erased person, so its row is deleted rather than retired. ``lineage=None``
    leaves the lineage table as it is.

    ``only_ids``: publish a delta (a nightly incremental run): only these golden ids (the
    ones the run rebuilt, minted, merged away, retired or erased) are read, compared and
    written, in golden_contacts, the crosswalk and the lineage; every other row is left
    alone. ``golden``/``crosswalk``/``lineage`` may still be the whole tables."""
    erased = {str(i) for i in erased_ids} if erased_ids is not None else None
    delta = None
    if only_ids is not None:
        delta = sorted({str(i) for i in only_ids} | (erased or set()))
        golden = golden[golden["golden_id"].astype(str).isin(delta)]
        crosswalk = crosswalk[crosswalk["golden_id"].astype(str).isin(delta)]
        if lineage is not None:
            lineage = lineage[lineage["golden_id"].astype(str).isin(delta)]
    golden_text = _as_text_frame(golden)
    _validate(golden_text, erased or set())
    crosswalk_text = _as_text_frame(crosswalk)
    lineage_text = _as_text_frame(lineage) if lineage is not None else None
    merges = _merge_targets(id_events)
    ignored = set(merges) & set(golden_text["golden_id"])
    if ignored:
        log.warning("%d merged_into event(s) for ids that are published: ignored, e.g. %s", len(ignored),
                    sorted(ignored)[:3])
        merges = {k: v for k, v in merges.items() if k not in ignored}
    golden_columns = ["golden_id", *[c for c in golden_text.columns if c != "golden_id"], *STATUS_COLUMNS]
    wanted_tables = {GOLDEN_TABLE: golden_columns, CROSSWALK_TABLE: list(crosswalk_text.columns),
                     PUBLISH_LOG_TABLE: LOG_COLUMNS}
    if lineage_text is not None:
        wanted_tables[LINEAGE_TABLE] = list(lineage_text.columns)
    for name, columns in wanted_tables.items():
        _check_names(name, columns)

    started = time.perf_counter()
    engine = crm_engine(url)
    try:
        with engine.connect() as conn, _publish_lock(conn):
            conn.execution_options(**{_BEGIN_IMMEDIATE: True})
            # Step 1: schema, additive only (MariaDB/MySQL commit each statement on their own).
            with conn.begin():
                tables = {name: _table(name, _ensure_table(conn, name, columns))
                          for name, columns in wanted_tables.items()}
                for name in (CROSSWALK_TABLE, LINEAGE_TABLE):
                    # Deltas delete and read these by golden id.
                    if name in tables and "golden_id" in tables[name].c:
                        sa.Index(f"ix_{name}_golden_id", tables[name].c.golden_id).create(conn, checkfirst=True)
            ddl_s = time.perf_counter() - started
            # Step 2: data, one transaction of DML.
            with conn.begin():
                summary = _write_data(conn, tables, golden_text, crosswalk_text, lineage_text, merges, erased, delta)
    finally:
        engine.dispose()
    log.info("published %d golden records to %s in %.1f s (schema %.1f s): %s", len(golden_text),
             engine.url.render_as_string(hide_password=True), time.perf_counter() - started, ddl_s, summary)
    return summary


def _select_ids(conn: sa.Connection, table: sa.Table, ids: list[str], merged_into: bool = False) -> pd.DataFrame:
    """The rows of these golden ids (and, with ``merged_into``, rows merged into them), as text."""
    frames = []
    for start in range(0, max(len(ids), 1), DELETE_CHUNK):
        chunk = ids[start:start + DELETE_CHUNK]
        where = table.c.golden_id.in_(chunk)
        if merged_into:
            where = where | table.c.merged_into.in_(chunk)
        result = conn.execute(sa.select(table).where(where))
        columns = list(result.keys())
        rows = result.cursor.fetchall()
        result.close()
        frames.append(pd.DataFrame.from_records(rows, columns=columns, coerce_float=False) if rows
                      else pd.DataFrame({c: pd.Series(dtype=object) for c in columns}))
    frame = pd.concat(frames, ignore_index=True).drop_duplicates("golden_id") if merged_into else \
        pd.concat(frames, ignore_index=True)
    return _stored_text(frame.astype(object)) if len(frame) else frame


def _write_data(conn: sa.Connection, tables: dict[str, sa.Table], golden: pd.DataFrame, crosswalk: pd.DataFrame,
                lineage: pd.DataFrame | None, merges: dict[str, str], erased: set[str] | None,
                delta: list[str] | None = None) -> PublishSummary:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if conn.dialect.name == "postgresql":
        # Plain sequential scans from the first page, so rows come back in the order they were
        # written (the cheap check in _same_content): synchronised scans may start anywhere and
        # parallel ones interleave.
        conn.exec_driver_sql("SET LOCAL synchronize_seqscans = off")
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    writer = _Writer(conn)
    table = tables[GOLDEN_TABLE]
    columns = [c.name for c in table.columns]
    existing = _select_all(conn, table) if delta is None else _select_ids(conn, table, delta, merged_into=True)
    inserts, upserts, deletes, counts = _plan_golden(existing, golden, columns, merges, erased, now)
    writer.delete_ids(table, deletes)
    writer.insert(table, inserts)
    writer.execute_many(_upsert(conn, table), _records(upserts))

    for name, frame in ((CROSSWALK_TABLE, crosswalk), (LINEAGE_TABLE, lineage)):
        if frame is None:
            continue
        target = tables[name]
        wanted = _reindex(frame, [c.name for c in target.columns])
        if delta is not None:
            # Only these ids' rows: replaced when they differ.
            if not _same_content(_select_ids(conn, target, delta), wanted):
                writer.delete_ids(target, delta)
                writer.insert(target, wanted)
            continue
        if not _same_content(_select_all(conn, target), wanted):
            writer.delete_all(target)
            writer.insert(target, wanted)

    summary = PublishSummary(
        golden_rows=len(golden), crosswalk_rows=len(crosswalk), inserted=counts["inserted"], updated=counts["updated"],
        removed=counts["merged"] + counts["retired"] + counts["deleted"], unchanged=counts["unchanged"],
        merged=counts["merged"], retired=counts["retired"], deleted=counts["deleted"],
        lineage_rows=len(lineage) if lineage is not None else 0)
    entry = {"published_at": now, **{k: v for k, v in summary.as_dict().items() if k in LOG_COLUMNS}}
    writer.execute_many(tables[PUBLISH_LOG_TABLE].insert(), [entry])
    return summary
