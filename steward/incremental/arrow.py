"""Frames that may be Arrow tables: a nightly run splices million-row golden tables, crosswalk,
lineage and review queue as Arrow and writes them to the next snapshot as Arrow; only a
consumer that reads them as pandas pays for turning millions of values into Python objects.
Also the Arrow IPC writing and zero-copy reading the snapshot files use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather


def arrow_backed(name: str) -> property:
    """A property ``name`` over the dataclass field ``<name>_data``, which may hold an Arrow table:
    it reads as a DataFrame, converted on first read and kept. ``<name>_data`` gives what is held
    without converting it."""
    held = f"{name}_data"

    def read(self):
        value = getattr(self, held)
        if isinstance(value, pa.Table):
            value = value.to_pandas()
            setattr(self, held, value)
        return value

    def write(self, value) -> None:
        setattr(self, held, value)

    return property(read, write, doc=f"``{held}`` as a DataFrame (converted from Arrow on first read).")


def is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def write_arrow(table: pa.Table, path: Path, numeric: bool = False) -> None:
    """Arrow IPC, uncompressed. ``numeric``: all-number tables (the pairs, record rows) go in one
    record batch, so that read memory-mapped each column is a numpy view of the file (no copy)."""
    numeric = numeric and all(is_number(t) for t in table.schema.types)
    feather.write_feather(table.combine_chunks() if numeric else table, path, compression="uncompressed",
                          chunksize=max(len(table), 1) if numeric else None)


def numpy_views(table: pa.Table) -> dict[str, np.ndarray] | None:
    """Zero-copy numpy views of a memory-mapped all-numeric, one-batch table without nulls
    (read-only: nothing writes into stored pairs); None when the table is not like that."""
    if not table.num_columns or table.num_rows == 0:
        return None
    if any(column.num_chunks != 1 or column.null_count or not is_number(column.type) for column in table.columns):
        return None
    return {name: table.column(name).chunk(0).to_numpy() for name in table.column_names}
