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

Hostile input (issue 19): a source's column names of any text are published under safe
names recorded in ``steward_columns`` (``names``), the extra columns of a source too wide
for a table in one ``extras_json`` column; a golden record holding a value no CRM can store
(NUL) is left out of the publish with a reason (``refusals``, ``PublishSummary.refused_rows``);
a database failure is a ``CrmError`` naming the CRM without its password.

This module is the entry point (``publish``, ``read_table``). The tables and the schema
step are in ``tables``, the engine and the lock in ``connection``, the comparison that
plans the golden writes in ``plan``, the chunked writes in ``writer``, text conversion
in ``text``, reads inside the transaction in ``reading``, published column names in
``names`` and refused values in ``refusals``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa

from steward.config.urls import shown_url
from steward.publish.connection import begin_immediate, crm_engine, publish_lock
from steward.publish.errors import PublishError, crm_failure
from steward.publish.names import TableNames, plan_names, published_frame
from steward.publish.plan import merge_targets, plan_golden, same_content
from steward.publish.reading import select_all, select_ids, select_recorded_names
from steward.publish.refusals import RefusedRow, refused_ids
from steward.publish.tables import (COLUMNS_TABLE, COLUMNS_TABLE_COLUMNS, CROSSWALK_TABLE, EXTRAS_COLUMN,
                                    GOLDEN_TABLE, ID_LENGTH, LINEAGE_TABLE, LOG_COLUMNS, PUBLISH_LOG_TABLE,
                                    STATUS_COLUMNS, check_names, ensure_schema)
from steward.publish.text import as_text_frame, with_columns
from steward.publish.writer import PublishObserver, Writer

log = logging.getLogger(__name__)


@dataclass
class PublishSummary:
    """What one publish did, as counted in its publish_log row."""

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
    # Golden records left out of this publish, one entry per value that kept them out (str(): one line).
    refused_rows: list[RefusedRow] = field(default_factory=list)
    # golden_contacts' source column name -> published column, where they differ (``extras_json``:
    # stored as a key there); the CRM's steward_columns table holds every one.
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        """Golden records left out of this publish (counted in publish_log.refused)."""
        return len({r.golden_id for r in self.refused_rows})

    def as_dict(self) -> dict[str, int]:
        """The counts (refused_rows and renamed are not counts)."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


@dataclass(frozen=True)
class _Batch:
    """What one publish writes, as text (str or None), checked and cut to the delta."""

    golden: pd.DataFrame
    crosswalk: pd.DataFrame
    lineage: pd.DataFrame | None  # None: the lineage table is left alone
    merges: dict[str, str]  # golden id -> the id it was merged into
    erased: set[str] | None  # None: erasure unknown (ids with no records left are deleted)
    delta: list[str] | None  # only these golden ids are read and written (None: all)
    refused: frozenset[str] = frozenset()  # golden ids left out: their rows in the CRM stay as they are
    refusals: tuple[RefusedRow, ...] = ()
    names: dict[str, TableNames] | None = None  # once planned: how each table's columns are published


def publish(golden: pd.DataFrame, crosswalk: pd.DataFrame, url: str, lineage: pd.DataFrame | None = None,
            id_events: pd.DataFrame | None = None, erased_ids: Iterable[str] | None = None,
            only_ids: Iterable[str] | None = None, *, observer: PublishObserver | None = None) -> PublishSummary:
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
    alone. ``golden``/``crosswalk``/``lineage`` may still be the whole tables.

    ``observer`` watches the data transaction's writes (``PublishObserver``); the pipeline
    passes none.

    Column names are published as ``steward.publish.names`` maps them (``summary.renamed``);
    golden records holding a value no CRM can store are left out (``summary.refused_rows``,
    also logged). A database failure raises ``CrmError``, naming the CRM without its password."""
    batch = _prepare(golden, crosswalk, lineage, id_events, erased_ids, only_ids)
    started = time.perf_counter()
    engine = _engine(url)
    try:
        with _connect(engine, url) as conn, publish_lock(conn):
            begin_immediate(conn)
            # Step 1: schema, additive only (MariaDB/MySQL commit each statement on their own).
            with conn.begin():
                batch = _published(batch, _plan_names(conn, batch))
                tables = ensure_schema(conn, _wanted_tables(batch))
            ddl_s = time.perf_counter() - started
            # Step 2: data, one transaction of DML.
            with conn.begin():
                summary = _write_data(conn, tables, batch, observer)
    except (sa.exc.SQLAlchemyError, _driver_error(engine)) as exc:
        failure = crm_failure(url, "the publish failed and was rolled back", exc)
        raise failure from failure.cause
    finally:
        engine.dispose()
    log.info("published %d golden records to %s in %.1f s (schema %.1f s): %s", len(batch.golden),
             shown_url(url), time.perf_counter() - started, ddl_s, summary)
    return summary


def read_table(url: str, table: str) -> pd.DataFrame | None:
    """The whole table as pandas reads it, or None when the CRM has no such table."""
    engine = _engine(url)
    try:
        with _connect(engine, url) as conn:
            if not sa.inspect(conn).has_table(table):
                return None
            return pd.read_sql_table(table, conn)
    except (sa.exc.SQLAlchemyError, _driver_error(engine)) as exc:
        failure = crm_failure(url, f"cannot read {table}", exc)
        raise failure from failure.cause
    finally:
        engine.dispose()


def _engine(url: str) -> sa.Engine:
    try:
        return crm_engine(url)
    except Exception as exc:  # a URL SQLAlchemy cannot read, a driver that is not installed, a bad port...
        failure = crm_failure(url, "cannot open the CRM database (check the URL)", exc)
        raise failure from failure.cause


def _connect(engine: sa.Engine, url: str) -> sa.Connection:
    try:
        return engine.connect()
    except Exception as exc:  # drivers raise more than DBAPI errors on bad options (a missing CA file...)
        failure = crm_failure(url, "cannot connect", exc)
        raise failure from failure.cause


def _driver_error(engine: sa.Engine) -> type[BaseException]:
    """The driver's own base error: COPY on PostgreSQL talks to psycopg directly."""
    error = getattr(engine.dialect.loaded_dbapi, "Error", None)
    return error if isinstance(error, type) else sa.exc.SQLAlchemyError


def _plan_names(conn: sa.Connection, batch: _Batch) -> dict[str, TableNames]:
    """How each table's columns are published, from the CRM's steward_columns and its tables."""
    inspector = sa.inspect(conn)
    recorded = select_recorded_names(conn) if inspector.has_table(COLUMNS_TABLE) else {}
    frames = {GOLDEN_TABLE: batch.golden, CROSSWALK_TABLE: batch.crosswalk, LINEAGE_TABLE: batch.lineage}
    out = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        existing = [c["name"] for c in inspector.get_columns(name)] if inspector.has_table(name) else []
        out[name] = plan_names(name, list(frame.columns), existing, recorded.get(name, {}))
        if "golden_id" in frame.columns and out[name].columns.get("golden_id") != "golden_id":
            # Rows are keyed and deleted by golden_id: only a hand-edited steward_columns row gets here.
            raise PublishError(f"{COLUMNS_TABLE}: {name}.golden_id must be published as golden_id, not "
                               f"{out[name].columns.get('golden_id', EXTRAS_COLUMN)!r}")
    return out


def _published(batch: _Batch, names: dict[str, TableNames]) -> _Batch:
    """The batch under its published column names, extras folded into extras_json."""
    lineage = published_frame(batch.lineage, names[LINEAGE_TABLE]) if batch.lineage is not None else None
    return replace(batch, golden=published_frame(batch.golden, names[GOLDEN_TABLE]),
                   crosswalk=published_frame(batch.crosswalk, names[CROSSWALK_TABLE]), lineage=lineage, names=names)


def _wanted_tables(batch: _Batch) -> dict[str, list[str]]:
    golden_columns = ["golden_id", *[c for c in batch.golden.columns if c != "golden_id"], *STATUS_COLUMNS]
    wanted = {GOLDEN_TABLE: golden_columns, CROSSWALK_TABLE: list(batch.crosswalk.columns),
              PUBLISH_LOG_TABLE: LOG_COLUMNS, COLUMNS_TABLE: COLUMNS_TABLE_COLUMNS}
    if batch.lineage is not None:
        wanted[LINEAGE_TABLE] = list(batch.lineage.columns)
    for name, columns in wanted.items():
        check_names(name, columns)
    return wanted


def _prepare(golden: pd.DataFrame, crosswalk: pd.DataFrame, lineage: pd.DataFrame | None,
             id_events: pd.DataFrame | None, erased_ids: Iterable[str] | None,
             only_ids: Iterable[str] | None) -> _Batch:
    """The publish's input as text, cut to the delta and checked before anything is written."""
    erased = {str(i) for i in erased_ids} if erased_ids is not None else None
    delta = None
    if only_ids is not None:
        delta = sorted({str(i) for i in only_ids} | (erased or set()))
        golden = golden[golden["golden_id"].astype(str).isin(delta)]
        crosswalk = crosswalk[crosswalk["golden_id"].astype(str).isin(delta)]
        if lineage is not None:
            lineage = lineage[lineage["golden_id"].astype(str).isin(delta)]
    golden_text = as_text_frame(golden)
    _validate(golden_text, erased or set())
    crosswalk_text = as_text_frame(crosswalk)
    lineage_text = as_text_frame(lineage) if lineage is not None else None
    merges = merge_targets(id_events)
    ignored = set(merges) & set(golden_text["golden_id"])
    if ignored:
        log.warning("%d merged_into event(s) for ids that are published: ignored, e.g. %s", len(ignored),
                    sorted(ignored)[:3])
        merges = {k: v for k, v in merges.items() if k not in ignored}
    refused, refusals = refused_ids({GOLDEN_TABLE: golden_text, CROSSWALK_TABLE: crosswalk_text,
                                     LINEAGE_TABLE: lineage_text})
    if refused:
        for refusal in refusals[:20]:
            log.warning("not published: %s", refusal)
        log.warning("%d golden record(s) left out of this publish (%d value(s) a CRM cannot store)", len(refused),
                    len(refusals))
        golden_text, crosswalk_text = _without(golden_text, refused), _without(crosswalk_text, refused)
        lineage_text = _without(lineage_text, refused) if lineage_text is not None else None
        delta = [i for i in delta if i not in refused] if delta is not None else None
    return _Batch(golden=golden_text, crosswalk=crosswalk_text, lineage=lineage_text, merges=merges, erased=erased,
                  delta=delta, refused=frozenset(refused), refusals=tuple(refusals))


def _without(frame: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    return frame[~frame["golden_id"].isin(ids)].reset_index(drop=True)


def _validate(golden: pd.DataFrame, erased: set[str]) -> None:
    """Refuse golden records the CRM could not key or that contradict the erasures."""
    if "golden_id" not in golden.columns:
        raise PublishError(f"{GOLDEN_TABLE}: golden records need a golden_id column")
    ids = golden["golden_id"]
    if ids.isna().any():
        raise PublishError(f"{GOLDEN_TABLE}: golden records with no golden_id")
    if ids.duplicated().any():
        raise PublishError(f"{GOLDEN_TABLE}: duplicate golden ids: {sorted(ids[ids.duplicated()].unique())[:5]}")
    too_long = ids[ids.str.len() > ID_LENGTH]
    if len(too_long):
        raise PublishError(f"{GOLDEN_TABLE}: golden ids longer than {ID_LENGTH} characters: {list(too_long[:3])}")
    reserved = {*STATUS_COLUMNS, EXTRAS_COLUMN} & set(golden.columns)
    if reserved:
        raise PublishError(f"{GOLDEN_TABLE}: golden records may not have the columns publish keeps itself: "
                           f"{sorted(reserved)}")
    both = erased & set(ids)
    if both:
        raise PublishError(f"{GOLDEN_TABLE}: golden ids both published and erased: {sorted(both)[:5]}")


def _write_data(conn: sa.Connection, tables: dict[str, sa.Table], batch: _Batch,
                observer: PublishObserver | None) -> PublishSummary:
    """Step 2, inside the data transaction: golden rows planned and written, crosswalk and
    lineage replaced where they differ, the publish_log row appended."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if conn.dialect.name == "postgresql":
        # Plain sequential scans from the first page, so rows come back in the order they were
        # written (the cheap check in same_content): synchronised scans may start anywhere and
        # parallel ones interleave.
        conn.exec_driver_sql("SET LOCAL synchronize_seqscans = off")
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    writer = Writer(conn, observer)
    delta = batch.delta
    table = tables[GOLDEN_TABLE]
    columns = [c.name for c in table.columns]
    existing = select_all(conn, table) if delta is None else select_ids(conn, table, delta, merged_into=True)
    if batch.refused:
        # Left out of this publish: their rows stay as they are (not retired, not rewritten).
        existing = existing[~existing["golden_id"].isin(batch.refused)]
    plan = plan_golden(existing, batch.golden, columns, batch.merges, batch.erased, now)
    writer.delete_ids(table, plan.deletes)
    writer.insert(table, plan.inserts)
    writer.upsert(table, plan.upserts)

    for name, frame in ((CROSSWALK_TABLE, batch.crosswalk), (LINEAGE_TABLE, batch.lineage)):
        if frame is None:
            continue
        target = tables[name]
        wanted = with_columns(frame, [c.name for c in target.columns])
        if delta is not None:
            # Only these ids' rows: replaced when they differ.
            if not same_content(select_ids(conn, target, delta), wanted):
                writer.delete_ids(target, delta)
                writer.insert(target, wanted)
            continue
        current = select_all(conn, target)
        if batch.refused:
            # The refused records' rows stay as the CRM has them.
            kept = current[current["golden_id"].isin(batch.refused)]
            wanted = pd.concat([wanted, with_columns(kept, list(wanted.columns))], ignore_index=True)
        if not same_content(current, wanted):
            writer.delete_all(target)
            writer.insert(target, wanted)

    counts = plan.counts
    summary = PublishSummary(
        golden_rows=len(batch.golden), crosswalk_rows=len(batch.crosswalk), inserted=counts["inserted"],
        updated=counts["updated"], removed=counts["merged"] + counts["retired"] + counts["deleted"],
        unchanged=counts["unchanged"], merged=counts["merged"], retired=counts["retired"], deleted=counts["deleted"],
        lineage_rows=len(batch.lineage) if batch.lineage is not None else 0, refused_rows=list(batch.refusals),
        renamed=batch.names[GOLDEN_TABLE].renamed if batch.names else {})
    entry = {"published_at": now, "refused": summary.refused,
             **{k: v for k, v in summary.as_dict().items() if k in LOG_COLUMNS}}
    writer.execute_many(tables[PUBLISH_LOG_TABLE].insert(), [entry])
    # The new name mappings, in the same transaction as the columns' data.
    records = [{**r, "published_at": now} for names in (batch.names or {}).values() for r in names.records]
    writer.execute_many(tables[COLUMNS_TABLE].insert(), records)
    return summary
