"""The validate stage: run Great Expectations 1.x suites stored as JSON in
``expectations/`` against a DataFrame, entirely in memory (ephemeral context,
no GX project on disk, no analytics)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

log = logging.getLogger("steward.validate")

# GX would otherwise try to send usage analytics over the network.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class ValidationReport:
    suite: str
    success: bool
    results: pd.DataFrame  # expectation, column, success, unexpected_count, unexpected_percent, sample, rows, tolerance

    @property
    def failed(self) -> pd.DataFrame:
        return self.results[~self.results["success"]]

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: all {len(self.results)} expectations passed"
        lines = [f"{self.suite}: {len(self.failed)} of {len(self.results)} expectations failed"]
        for row in self.failed.itertuples():
            where = f" ({row.rows})" if getattr(row, "rows", "") else ""
            allowed = f", allowed {row.tolerance}" if getattr(row, "tolerance", "") else ""
            lines.append(f"  - {row.expectation} on {row.column or '(table)'}: {row.unexpected_count} unexpected "
                         f"({row.unexpected_percent:g} %{allowed}), e.g. {row.sample}{where}")
        return "\n".join(lines)


def load_suite(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            suite = json.load(fh)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{path}: expectation suite not found") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from exc
    if "expectations" not in suite:
        raise ValueError(f"{path}: a suite needs an 'expectations' list")
    suite.setdefault("name", path.stem)
    return suite


# The columns that name a row in a report of unexpected values, first found wins.
ROW_ID_COLUMNS = ("golden_id", "contact_key", "record_id")


def _with_row_tolerance(expectations: list[dict], frame: pd.DataFrame, default: int | None) -> tuple[list[dict], dict]:
    """Expectations whose ``mostly`` rate also admits ``meta.tolerate_rows`` rows (or the suite's
    default): at 30 records one bad value is 3.3 % and would fail a 97 % rate, at 3M records 5 rows
    are nothing. The rate that applies is the looser of the two. Returns (expectations, the
    tolerance said per (type, column))."""
    out, said = [], {}
    for expectation in expectations:
        kwargs = dict(expectation.get("kwargs", {}))
        tolerate = (expectation.get("meta") or {}).get("tolerate_rows", default)
        column = kwargs.get("column")
        # GX applies `mostly` to the values that are there (nulls are not unexpected).
        rows = int(frame[column].notna().sum()) if column in frame.columns else len(frame)
        if "mostly" in kwargs and tolerate and rows:
            by_count = max(0.0, 1.0 - float(tolerate) / rows)
            said[(expectation.get("type"), kwargs.get("column", ""))] = f"{(1 - float(kwargs['mostly'])) * 100:g} % or {int(tolerate)} rows"
            kwargs["mostly"] = min(float(kwargs["mostly"]), by_count)
        out.append({**expectation, "kwargs": kwargs})
    return out, said


def validate_frame(frame: pd.DataFrame, suite_path: Path) -> ValidationReport:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    suite_json = load_suite(suite_path)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_definition = (
        context.data_sources.add_pandas("steward")
        .add_dataframe_asset(suite_json["name"])
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    expectations, tolerances = _with_row_tolerance(suite_json["expectations"], frame,
                                                   (suite_json.get("meta") or {}).get("tolerate_rows"))
    suite = gx.ExpectationSuite(name=suite_json["name"], expectations=expectations, meta=suite_json.get("meta"))
    # GX chokes on pandas extension types (Categorical, nullable ints): hand it plain objects.
    plain = frame.astype(object).where(frame.notna(), None)
    id_column = next((c for c in ROW_ID_COLUMNS if c in plain.columns), None)
    result_format = {"result_format": "SUMMARY", **({"unexpected_index_column_names": [id_column]} if id_column else {})}
    result = batch_definition.get_batch(batch_parameters={"dataframe": plain}).validate(suite, result_format=result_format)
    rows = []
    for r in result.results:
        config = r.expectation_config
        details = r.result or {}
        rows.append(
            {
                "expectation": config.type,
                "column": config.kwargs.get("column", ""),
                "success": bool(r.success),
                "unexpected_count": int(details.get("unexpected_count") or 0),
                "unexpected_percent": round(float(details.get("unexpected_percent") or 0.0), 3),
                "sample": ", ".join(map(repr, (details.get("partial_unexpected_list") or [])[:5]))
                or str(details.get("observed_value", "")),
                "rows": _row_ids(details, id_column),
                "tolerance": tolerances.get((config.type, config.kwargs.get("column", "")), ""),
            }
        )
    report = ValidationReport(suite_json["name"], bool(result.success), pd.DataFrame(rows))
    log.info(report.summary())
    return report


def _row_ids(details: dict, id_column: str | None) -> str:
    """'golden_id G1, G7 …' for the first unexpected rows GX names."""
    found = [str(item.get(id_column)) for item in (details.get("partial_unexpected_index_list") or [])
             if isinstance(item, dict) and id_column in item][:5]
    return f"{id_column} {', '.join(found)}" if found else ""


def validate_sources(contacts: pd.DataFrame, suite_path: Path) -> pd.DataFrame:
    """Run one suite on every source's records; one row per (source, expectation)."""
    frames = []
    for source, records in contacts.groupby("source", sort=True):
        report = validate_frame(records.reset_index(drop=True), suite_path)
        frames.append(report.results.assign(source=source, suite=report.suite))
    if not frames:
        return pd.DataFrame(columns=["source", "suite", "expectation", "column", "success", "unexpected_count",
                                     "unexpected_percent", "sample"])
    out = pd.concat(frames, ignore_index=True)
    return out[["source", "suite", *[c for c in out.columns if c not in ("source", "suite")]]]
