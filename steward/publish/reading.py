"""Reading the CRM inside the publish transaction: a table's rows, all of them or
those of some golden ids, as text (for comparing with what is to be published)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from steward.publish.tables import COLUMNS_TABLE, ID_CHUNK
from steward.publish.text import stored_text


def select_all(conn: sa.Connection, table: sa.Table) -> pd.DataFrame:
    """Every row, as text (str or None)."""
    result = conn.execute(sa.select(table))
    columns = list(result.keys())
    rows = result.cursor.fetchall()  # straight from the driver: text needs no SQLAlchemy row processing
    result.close()
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)
    return stored_text(frame.astype(object))


def select_ids(conn: sa.Connection, table: sa.Table, ids: list[str], merged_into: bool = False) -> pd.DataFrame:
    """The rows of these golden ids (and, with ``merged_into``, rows merged into them), as text."""
    frames = []
    for start in range(0, max(len(ids), 1), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
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
    return stored_text(frame.astype(object)) if len(frame) else frame


def select_recorded_names(conn: sa.Connection) -> dict[str, dict[str, str]]:
    """steward_columns as table -> {source name as stored: published column}."""
    table = sa.table(COLUMNS_TABLE, sa.column("table_name"), sa.column("source_name"), sa.column("column_name"))
    out: dict[str, dict[str, str]] = {}
    for table_name, source, column in conn.execute(sa.select(table.c.table_name, table.c.source_name,
                                                             table.c.column_name)).all():
        out.setdefault(table_name, {})[source] = column
    return out
