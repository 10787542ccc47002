"""Connecting to the CRM: the engine (SQLite made transactional) and the lock that
lets one publish at a time write to a CRM (PostgreSQL advisory lock, MariaDB/MySQL
``GET_LOCK``, SQLite ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from steward.publish.errors import CrmError

log = logging.getLogger(__name__)

_BEGIN_IMMEDIATE = "steward_begin_immediate"
_LOCK_NAME = "crm_steward_publish"
LOCK_TIMEOUT_S = 600  # how long a publish waits for another one to finish


def crm_engine(url: str) -> sa.Engine:
    """An engine for the CRM at ``url`` (on SQLite with transactional DDL; on MariaDB/MySQL in
    strict mode, so a value too long for its column is an error, never cut without a word)."""
    engine = sa.create_engine(url)
    if engine.dialect.name in ("mysql", "mariadb"):
        @sa.event.listens_for(engine, "connect")
        def _strict(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')")
            cursor.close()

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


def begin_immediate(conn: sa.Connection) -> None:
    """On SQLite, this connection's transactions take the write lock when they begin."""
    conn.execution_options(**{_BEGIN_IMMEDIATE: True})


@contextmanager
def publish_lock(conn: sa.Connection) -> Iterator[None]:
    """One publish at a time per CRM database/schema; released when the session ends, so a
    killed publish does not leave it behind."""
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        key = "CONCAT(:name, '.', LEFT(MD5(COALESCE(DATABASE(), '')), 16))"  # lock names: at most 64 characters
        got = conn.execute(sa.text(f"SELECT GET_LOCK({key}, :timeout)"),
                           {"name": _LOCK_NAME, "timeout": LOCK_TIMEOUT_S}).scalar()
        conn.commit()
        if got != 1:
            raise CrmError(f"another publish to this CRM has been running for over {LOCK_TIMEOUT_S} s")
        try:
            yield
        finally:
            _release(conn, f"SELECT RELEASE_LOCK({key})")
    elif dialect == "postgresql":
        key = "hashtext(:name || '.' || COALESCE(current_schema(), ''))"
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_S)}s'")
        try:
            conn.execute(sa.text(f"SELECT pg_advisory_lock({key})"), {"name": _LOCK_NAME})
        except sa.exc.OperationalError as exc:
            raise CrmError(f"another publish to this CRM has been running for over {LOCK_TIMEOUT_S} s") from exc
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
