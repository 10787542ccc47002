"""Reading a SQL source: one read-only SELECT (or a table), in chunks, within the row limit."""

from __future__ import annotations

import pandas as pd

from steward.config import SourceConfig
from steward.config.urls import without_passwords
from steward.sources.csv_file import SourceError

__all__ = ["read_sql_source"]

CHUNK_ROWS = 100_000


def _one_select(query: str) -> str | None:
    """Why ``query`` is not one read-only statement (None if it is): a source reads, and a second
    statement after a ";" ("commit; drop table ...") would run outside any read-only guard."""
    text = query.strip().rstrip(";").strip()
    quote = None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in ("'", '"', "`"):
            quote = char
        elif char == ";":
            return "holds more than one statement (a ';' before the end); give one SELECT"
    first = text.split(None, 1)[0].casefold() if text else ""
    if first not in ("select", "with", "("):
        return f"starts with {first.upper() or 'nothing'!r}; a source query reads: SELECT or WITH ... SELECT"
    return None


def _read_only(conn) -> None:
    """Make the connection's next transactions read-only where the database can (a data-modifying
    CTE in one SELECT is then refused by the database itself). Session-wide, so it holds for the
    transaction the read begins after it; the engine is disposed after reading."""
    statement = {"postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                 "mysql": "SET SESSION TRANSACTION READ ONLY", "mariadb": "SET SESSION TRANSACTION READ ONLY",
                 "sqlite": "PRAGMA query_only = ON"}.get(conn.dialect.name)
    if statement:
        conn.exec_driver_sql(statement)
        conn.commit()  # (ends the transaction the statement began: the read begins its own)


class _TooMany(Exception):
    pass


def _chunks(cfg: SourceConfig, conn) -> pd.DataFrame:
    """The result, read ``CHUNK_ROWS`` at a time so that a result over ``max_rows`` stops early."""
    import sqlalchemy as sa

    if cfg.query:
        parts = pd.read_sql_query(sa.text(cfg.query), conn, chunksize=CHUNK_ROWS)
    else:
        parts = pd.read_sql_table(cfg.table, conn, chunksize=CHUNK_ROWS)
    frames, rows = [], 0
    for part in parts:
        frames.append(part)
        rows += len(part)
        if rows > cfg.limits.max_rows:
            raise _TooMany()
    if not frames:
        return pd.DataFrame()
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def read_sql_source(cfg: SourceConfig) -> pd.DataFrame:
    import sqlalchemy as sa

    if cfg.query:
        wrong = _one_select(cfg.query)
        if wrong:
            raise SourceError(f"{cfg.config_file}: source {cfg.name!r}: query {wrong}; nothing was run")
    engine = sa.create_engine(cfg.url)
    try:
        with engine.connect() as conn:
            _read_only(conn)
            with conn.begin() as transaction:
                frame = _chunks(cfg, conn)
                transaction.rollback()  # a source is read, never written
    except _TooMany:
        raise SourceError(f"{cfg.config_file}: source {cfg.name!r}: {cfg.location}: more than "
                          f"{cfg.limits.max_rows:,} rows, over {cfg.limits.raise_hint('max_rows')}") from None
    except Exception as exc:  # driver errors vary; name the source and re-raise
        # (a driver's message may quote the URL it was given: never its password)
        raise SourceError(f"{cfg.config_file}: source {cfg.name!r}: cannot read {cfg.location}: "
                          f"{without_passwords(str(exc), cfg.url)}") from None
    finally:
        engine.dispose()
    if frame.shape[1] > cfg.limits.max_columns:
        raise SourceError(f"{cfg.config_file}: source {cfg.name!r}: {cfg.location}: {frame.shape[1]:,} columns, "
                          f"over {cfg.limits.raise_hint('max_columns')}")
    frame.index = frame.index + 1  # 1-based row ordinal in the result set
    return frame
