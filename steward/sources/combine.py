"""All configured sources loaded into one table of records and one quarantine."""

from __future__ import annotations

import pandas as pd

from steward.config import SourceConfig
from steward.progress import report
from steward.schema import RECORD_COLUMNS
from steward.sources.check import extra_column_collisions, raise_errors
from steward.sources.load import LoadedSource, SourceError, empty_quarantine, load_source


def combine_sources(loaded: list[LoadedSource]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records and quarantines of all sources, one table each. SourceError when two sources
    carry extra columns whose names differ only in case (no SQL table can hold both)."""
    extras = {str(item.records["source"].iloc[0]): [c for c in item.records.columns if c.startswith("extra_")]
              for item in loaded if not item.records.empty}
    raise_errors(extra_column_collisions(extras), SourceError)
    records = [item.records for item in loaded if not item.records.empty]
    quarantine = [item.quarantine for item in loaded if not item.quarantine.empty]
    all_records = pd.concat(records, ignore_index=True) if records else _no_records(loaded)
    all_quarantine = pd.concat(quarantine, ignore_index=True) if quarantine else empty_quarantine()
    return all_records, all_quarantine


def _no_records(loaded: list[LoadedSource]) -> pd.DataFrame:
    """Zero records with the columns loaded records have: a night on which every source exported
    only its header reads zero records instead of failing on a missing column."""
    columns = list(dict.fromkeys([*RECORD_COLUMNS, "date_issues", "source_default_country", "source_row",
                                  *(c for item in loaded for c in item.records.columns)]))
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame


def load_all(sources: dict[str, SourceConfig]) -> tuple[pd.DataFrame, pd.DataFrame]:
    loaded = []
    for cfg in sources.values():
        loaded.append(load_source(cfg))
        report("load sources", len(loaded), len(sources), "sources")
    return combine_sources(loaded)
