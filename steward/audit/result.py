"""The audit's result: the field, source and problem tables with the overall figures,
and their JSON form (what audit.json holds and the next audit's trend reads back)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from steward.config.quality import DIMENSIONS

FIELD_COLUMNS = ["source", "field", "weight", "records", "collected", "present", "completeness", "valid", "validity",
                 "unique", "uniqueness", "consistency_checked", "consistent", "consistency", "fresh", "timeliness",
                 "score"]
SOURCE_COLUMNS = ["source", "records", "quarantined", "completeness", "validity", "uniqueness", "consistency",
                  "timeliness", "score", "duplicates_within", "duplicates_across"]
PROBLEM_COLUMNS = ["source", "field", "issue", "dimension", "count", "share", "weight", "example_record_ids"]
EXPECTATION_COLUMNS = ["source", "suite", "expectation", "column", "success", "unexpected_count",
                       "unexpected_percent"]
OVERALL_KEYS = ["score", "records", "quarantined", "sources", "golden_records", "estimated_duplicates",
                "duplicate_rate", "duplicates_across", *DIMENSIONS, "worst", "suppressed_records", "suppressed_people"]

INT_FIELD_COLUMNS = ["records", "present", "valid", "unique", "consistency_checked", "consistent", "fresh"]
RATE_DIGITS = 4


def json_scalar(v: Any) -> Any:
    """A JSON-safe Python scalar (NaN/NaT -> None)."""
    if v is None:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, (pd.Timestamp, datetime, date)):
        return None if pd.isna(v) else v.isoformat()
    if isinstance(v, dict):
        return {str(k): json_scalar(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_scalar(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v if isinstance(v, (str, int)) else str(v)


def _frame_records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]
    return [{c: json_scalar(v) for c, v in zip(cols, row)} for row in frame[cols].itertuples(index=False, name=None)]


def _records_frame(rows: list[dict], columns: list[str], ints=(), floats=(), bools=()) -> pd.DataFrame:
    extra = [c for r in rows for c in r if c not in columns]
    cols = columns + list(dict.fromkeys(extra))
    frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in floats:
        if c in frame:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    for c in ints:
        if c in frame:
            frame[c] = frame[c].astype("int64") if frame[c].notna().all() else frame[c].astype("Int64")
    for c in bools:
        if c in frame and frame[c].notna().all():
            frame[c] = frame[c].astype(bool)
    return frame


_FIELD_FLOATS = ["weight", "completeness", "validity", "uniqueness", "consistency", "timeliness", "score"]
_SOURCE_FLOATS = ["completeness", "validity", "uniqueness", "consistency", "timeliness", "score"]
_SOURCE_INTS = ["records", "quarantined", "duplicates_within", "duplicates_across"]


@dataclass
class AuditResult:
    """One audit: ``fields`` (FIELD_COLUMNS), ``sources`` (SOURCE_COLUMNS, last row ``ALL``),
    ``overall`` (OVERALL_KEYS), ``top_problems`` (PROBLEM_COLUMNS) and the GX results."""

    as_of: str
    fields: pd.DataFrame
    sources: pd.DataFrame
    overall: dict
    top_problems: pd.DataFrame
    expectations: pd.DataFrame
    generated_at: str = ""
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Every figure, JSON-serialisable (no NaN: None), stable key order."""
        overall = {k: json_scalar(self.overall.get(k)) for k in OVERALL_KEYS if k in self.overall}
        overall.update({k: json_scalar(v) for k, v in self.overall.items() if k not in overall})
        return {
            "version": 1,
            "as_of": self.as_of,
            "generated_at": self.generated_at,
            "overall": overall,
            "sources": _frame_records(self.sources, SOURCE_COLUMNS),
            "fields": _frame_records(self.fields, FIELD_COLUMNS),
            "top_problems": _frame_records(self.top_problems, PROBLEM_COLUMNS),
            "expectations": _frame_records(self.expectations, EXPECTATION_COLUMNS),
            "settings": json_scalar(self.settings),
        }

    @classmethod
    def from_dict(cls, d: dict) -> AuditResult:
        return cls(
            as_of=d["as_of"],
            fields=_records_frame(d.get("fields", []), FIELD_COLUMNS, ints=INT_FIELD_COLUMNS, floats=_FIELD_FLOATS,
                                  bools=["collected"]),
            sources=_records_frame(d.get("sources", []), SOURCE_COLUMNS, ints=_SOURCE_INTS, floats=_SOURCE_FLOATS),
            overall=dict(d.get("overall", {})),
            top_problems=_records_frame(d.get("top_problems", []), PROBLEM_COLUMNS, ints=["count"],
                                        floats=["share", "weight"]),
            expectations=_records_frame(d.get("expectations", []), EXPECTATION_COLUMNS, ints=["unexpected_count"],
                                        floats=["unexpected_percent"], bools=["success"]),
            generated_at=d.get("generated_at", ""),
            settings=dict(d.get("settings") or {}),
        )
