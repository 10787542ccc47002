"""Writing the data step's rows inside its transaction: plain inserts (COPY on
PostgreSQL), upserts by golden id and deletes, in chunks, counting the rows written
for whoever watches (a ``PublishObserver``; production has none)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from steward.publish.tables import ID_CHUNK

CHUNK_ROWS = 5_000  # rows per executemany


@dataclass(frozen=True)
class PublishObserver:
    """Watches the data transaction's writes: ``on_rows(total)`` runs after every write
    statement with the rows written so far, and no statement writes more than
    ``batch_rows`` rows (inserts and upserts), so the calls come at least that often.
    Nothing in the pipeline sets one; a test uses it to stop a publish at an exact row
    inside the transaction and kill it there."""

    on_rows: Callable[[int], None]
    batch_rows: int = CHUNK_ROWS


class Writer:
    """Runs the writes of the data transaction in chunks, counting rows."""

    def __init__(self, conn: sa.Connection, observer: PublishObserver | None = None):
        self.conn = conn
        self.written = 0
        self.observer = observer
        self.batch_rows = observer.batch_rows if observer is not None else CHUNK_ROWS

    def _chunks(self, rows: list) -> Iterator[list]:
        for start in range(0, len(rows), self.batch_rows):
            yield rows[start:start + self.batch_rows]

    def _wrote(self, n: int) -> None:
        self.written += n
        if self.observer is not None:
            self.observer.on_rows(self.written)

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

    def upsert(self, table: sa.Table, frame: pd.DataFrame) -> None:
        """INSERT or UPDATE by golden id, every row of the frame."""
        self.execute_many(_upsert_statement(self.conn, table), records(frame))

    def delete_ids(self, table: sa.Table, ids: list[str]) -> None:
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            self.conn.execute(table.delete().where(table.c.golden_id.in_(chunk)))
            self._wrote(len(chunk))

    def delete_all(self, table: sa.Table) -> None:
        self._wrote(max(self.conn.execute(table.delete()).rowcount, 0))


def records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts (the parameters of an executemany)."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in zip(*(frame[c].to_numpy(dtype=object) for c in columns))]


def _upsert_statement(conn: sa.Connection, table: sa.Table):
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
