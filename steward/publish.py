"""The publish stage: write golden records and the crosswalk to the CRM database
through SQLAlchemy, all tables in one transaction, so a failure leaves the CRM as
it was. The embedded default is a SQLite file under ``data/`` (no server)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa

log = logging.getLogger("steward.publish")

GOLDEN_TABLE = "golden_contacts"
CROSSWALK_TABLE = "golden_crosswalk"
PUBLISH_LOG_TABLE = "publish_log"
LINEAGE_TABLE = "golden_lineage"


def crm_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite autocommits DDL (DROP/CREATE) outside the transaction; take control of
        # BEGIN so table replacement is atomic as well (SQLAlchemy's documented recipe).
        @sa.event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class PublishSummary:
    golden_rows: int
    crosswalk_rows: int
    inserted: int
    updated: int
    removed: int
    unchanged: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    # Everything is published as text (or NULL): identical input gives identical rows.
    return frame.astype(object).where(frame.notna(), None).map(lambda v: None if v is None else str(v))


def read_table(url: str, table: str) -> pd.DataFrame | None:
    engine = crm_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table):
                return None
            return pd.read_sql_table(table, conn)
    finally:
        engine.dispose()


def _diff(previous: pd.DataFrame | None, current: pd.DataFrame) -> tuple[int, int, int, int]:
    if previous is None or previous.empty:
        return len(current), 0, 0, 0
    prev = previous.set_index("golden_id")
    cur = current.set_index("golden_id")
    common = cur.index.intersection(prev.index)
    columns = [c for c in cur.columns if c in prev.columns]
    same = (
        prev.loc[common, columns].fillna("\0").astype(str).eq(cur.loc[common, columns].fillna("\0").astype(str)).all(axis=1)
        if len(columns) == len(cur.columns) == len(prev.columns)
        else pd.Series(False, index=common)
    )
    inserted = len(cur.index.difference(prev.index))
    removed = len(prev.index.difference(cur.index))
    return inserted, int((~same).sum()), removed, int(same.sum())


def publish(golden: pd.DataFrame, crosswalk: pd.DataFrame, url: str,
            lineage: pd.DataFrame | None = None) -> PublishSummary:
    """Replace the CRM's golden tables (and the field lineage beside them) atomically and log what changed."""
    golden_text = _as_text_frame(golden)
    crosswalk_text = _as_text_frame(crosswalk)
    previous = read_table(url, GOLDEN_TABLE)
    inserted, updated, removed, unchanged = _diff(previous, golden_text)
    summary = PublishSummary(len(golden_text), len(crosswalk_text), inserted, updated, removed, unchanged)
    engine = crm_engine(url)
    try:
        with engine.begin() as conn:
            golden_text.to_sql(GOLDEN_TABLE, conn, if_exists="replace", index=False, chunksize=10_000)
            crosswalk_text.to_sql(CROSSWALK_TABLE, conn, if_exists="replace", index=False, chunksize=10_000)
            if lineage is not None:
                _as_text_frame(lineage).to_sql(LINEAGE_TABLE, conn, if_exists="replace", index=False, chunksize=10_000)
            pd.DataFrame(
                [{"published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **summary.as_dict()}]
            ).to_sql(PUBLISH_LOG_TABLE, conn, if_exists="append", index=False)
    finally:
        engine.dispose()
    log.info("published %d golden records to %s (%s)", len(golden_text), engine.url.render_as_string(hide_password=True), summary)
    return summary
