"""A source as it is: its rows (index: the row number a person finds it at) with every cell as
the file or database gives it, and quarantine entries for what is no usable row.

What cannot be read at all (a missing, empty, corrupt or mislabelled file, one over a limit)
raises SourceError in one line naming the file; a row that cannot be used (a malformed line, an
unbalanced quote, a control character, a cell over ``limits.max_cell_bytes``) is quarantined with
its row number, field and reason. Nothing is cut or dropped without saying so.
"""

from __future__ import annotations

import pandas as pd

from steward.config import ConfigError, SourceConfig
from steward.sources.cells import CONTROL, cut, unusable_cells
from steward.sources.csv_file import SourceError, read_csv_file
from steward.sources.excel import read_excel_file
from steward.sources.sql import read_sql_source

__all__ = ["SourceError", "read_raw"]


def read_raw(cfg: SourceConfig) -> tuple[pd.DataFrame, list[dict]]:
    """The source as it is (index = row number), plus quarantine entries for unusable rows."""
    if cfg.kind == "csv":
        return read_csv_file(cfg)  # (which checks its cells knowing whether the file holds a control character)
    if cfg.kind == "excel":
        frame = read_excel_file(cfg)
    elif cfg.kind == "sql":
        frame = read_sql_source(cfg)
        bad = [str(c) for c in frame.columns if CONTROL.search(str(c))]
        if bad:
            raise SourceError(f"{cfg.config_file}: source {cfg.name!r}: {cfg.location}: column name {cut(bad[0], 60)!r} "
                              "holds a control character; rename it in the query")
    else:  # parse_sources already refuses unknown kinds; keep the error explicit anyway
        raise ConfigError(f"{cfg.config_file}: source {cfg.name!r}: unknown kind {cfg.kind!r}")
    return unusable_cells(frame, cfg.limits, (cfg.name, cfg.location))
