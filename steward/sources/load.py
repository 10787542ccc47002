"""Sources mapped onto the canonical schema: one source read (``raw``: CSV, Excel, SQL, within
its limits), its columns renamed, names and addresses split, dates parsed, consent values mapped.

Nothing is dropped silently: a row that cannot be used goes to the quarantine
frame with the file, the row number, the field and the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from steward.config import ColumnMapping, SourceConfig
from steward.normalise.dates import infer_date_format, parse_dates
from steward.normalise.names import split_full_names
from steward.sources.addresses import ADDRESS_PARTS, split_full_addresses
from steward.sources.check import (
    Problem,
    consent_value_problems,
    date_problems,
    matched_to_header,
    missing_column_problems,
    raise_errors,
    wrong_preset_problems,
)
from steward.sources.csv_file import SourceError, header_of
from steward.sources.raw import read_raw
from steward.normalise.opt_in import normalise_opt_in
from steward.normalise.values import strip_spreadsheet_marker
from steward.schema import (
    CANONICAL_COLUMNS,
    CONSENT_FLAG_COLUMNS,
    DATE_COLUMNS,
    IDENTIFYING_COLUMNS,
    RECORD_COLUMNS,
    TIMESTAMP_COLUMNS,
)

log = logging.getLogger("steward.sources.load")

QUARANTINE_COLUMNS = ["source", "location", "row", "field", "reason", "raw"]
ISO_TIMESTAMP = "%Y-%m-%dT%H:%M:%S"
ISO_DATE = "%Y-%m-%d"


@dataclass
class LoadedSource:
    records: pd.DataFrame  # canonical columns + source_row + extras
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS
    raw_row_count: int
    problems: list[Problem] = field(default_factory=list)  # warnings the data raised about the settings


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped strings, None for empty. Timestamps from Excel/SQL become ISO text."""

    def convert(value):
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        return text or None

    return series.map(convert).astype(object)


# numpy writes these two in C (a million exported timestamps: seconds of strftime calls otherwise)
_NUMPY_UNITS = {ISO_DATE: "D", ISO_TIMESTAMP: "s"}


def _written(values: pd.Series, out_format: str) -> np.ndarray:
    """Parsed dates (datetime64, NaT for none) as ``out_format`` text, None for NaT."""
    stamps = values.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(stamps)
    unit = _NUMPY_UNITS.get(out_format)
    if unit is not None:
        text = np.datetime_as_string(stamps, unit=unit).astype(object)
    else:
        text = np.array([pd.Timestamp(ts).strftime(out_format) if not gone else None
                         for ts, gone in zip(stamps, missing)], dtype=object)
    text[missing] = None
    return text


# An offset after a time of day (14:22+02:00, 14:22 UTC): "2024-03-05" ends in "-05" but is a date.
_OFFSET_AFTER_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$")


def _in_utc(parsed: pd.DataFrame, distinct: pd.Series, timezone: str) -> pd.Series:
    """Timestamps written without an offset, read as local time of ``timezone`` and turned into
    UTC (values with an offset were turned into UTC when parsed). A wall-clock time that occurs
    twice when the clocks go back is read as the first (summer time); one skipped when they go
    forward is moved forward: both stay dates, none is dropped."""
    values = parsed["value"]
    local = ~distinct.astype(str).str.contains(_OFFSET_AFTER_TIME) & values.notna()
    if local.any():
        shifted = (pd.to_datetime(values[local]).dt.tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
                   .dt.tz_convert("UTC").dt.tz_localize(None))
        values = values.astype(object)
        values[local] = shifted
    return values


def _format_dates(values: pd.Series, fmt: str | None, out_format: str,
                  timezone: str | None = None) -> tuple[pd.Series, pd.Series]:
    """(dates as ``out_format`` text, issue per value). Each distinct value is parsed and written
    once (birth dates, sign-up days and exported timestamps repeat: 194k values, ~60k distinct)."""
    try:
        codes, distinct = pd.factorize(values)  # missing values: -1
    except TypeError:  # unhashable cells: value by value
        codes, distinct = np.arange(len(values)), values.to_numpy(dtype=object)
    parsed = parse_dates(pd.Series(distinct, dtype=object), fmt)
    if timezone:
        parsed["value"] = _in_utc(parsed, pd.Series(distinct, dtype=object), timezone)
    text = np.append(_written(parsed["value"], out_format), None)  # (code -1 = the last entry)
    issue = np.append(parsed["issue"].to_numpy(dtype=object), "missing")  # (code -1 = the last entry)
    return (pd.Series(text[codes], index=values.index, dtype=object),
            pd.Series(issue[codes], index=values.index, dtype=object))


def _read_undeclared_dates(out: pd.DataFrame, column: str, original: pd.Series, issue: pd.Series,
                           cfg: SourceConfig) -> pd.Series:
    """Dates of a source that declares no ``date_format``: the values ISO 8601 did not read are read
    with the format they settle (``infer_date_format``), per source (one canonical file may hold
    several, each with its own convention). Values whose day/month order nothing settles are
    marked ``ambiguous_date`` and reported; their text stays in the record's ``date_issues``."""
    issue = issue.copy()
    failed = ~issue.isin(["", "missing"])
    if not failed.any():
        return issue
    for source, rows in out.index[failed.to_numpy()].groupby(out.loc[failed, "source"].astype(str)).items():
        guess = infer_date_format(original[rows])
        if guess.fmt is not None:
            text, fixed = _format_dates(original[rows], guess.fmt, ISO_DATE)
            good = (fixed == "").to_numpy()
            out.loc[rows[good], column] = text[good].to_numpy()
            issue.loc[rows[good]] = ""
            log.info("%s: source %r declares no date_format; %s read as %s (%d of %d distinct values)",
                     cfg.location, source, column, guess.fmt, guess.read, guess.candidates)
        elif guess.ambiguous:
            _, fits = _format_dates(original[rows], guess.tied[0], ISO_DATE)
            issue.loc[rows[(fits == "").to_numpy()]] = "ambiguous_date"
            log.warning("%s: source %r: %d distinct %s values fit both %s (e.g. %s); they are kept as "
                        "invalid dates: declare date_format for this source", cfg.location, source,
                        guess.candidates, column, " and ".join(guess.tied), ", ".join(guess.examples))
    return issue


def _generated_ids(raw: pd.DataFrame, text: pd.DataFrame, mapping: ColumnMapping) -> pd.Series:
    """Ids for a source without one, from the content of the named columns (every column for
    ``*``): the same row gets the same id in every run; identical rows share one and the repeat is
    quarantined as a duplicate, like any repeated id."""
    columns = sorted(map(str, raw.columns)) if mapping.generate_from == ("*",) else list(mapping.generate_from)
    if not len(text):
        return pd.Series(dtype=object)
    # The filled (column, value) pairs in column-name order: a column added empty, or the columns
    # reordered, leaves every id as it was.
    cells = text[columns].to_numpy(dtype=object)
    rows = ["\x1e".join(f"{c}\x1f{v}" for c, v in zip(columns, row) if v is not None) for row in cells]
    return pd.Series(["gen-" + hashlib.sha1(r.encode("utf-8")).hexdigest()[:16] for r in rows],
                     index=text.index, dtype=object)


def _field(text: pd.DataFrame, mapping: ColumnMapping) -> pd.Series:
    """The values of one mapped field: the first filled of its columns, a constant, or the
    present/absent reading of a column."""
    if mapping.constant is not None:
        return pd.Series(mapping.constant, index=text.index, dtype=object)
    columns = [c for c in mapping.columns if c in text]
    if not columns:  # a preset's column this file does not have (reported by the check)
        return pd.Series(None, index=text.index, dtype=object)
    values = text[columns[0]]
    for other in columns[1:]:
        values = values.where(values.notna(), text[other])
    if mapping.present is not None:
        return pd.Series(np.where(values.notna(), mapping.present, mapping.absent), index=text.index, dtype=object)
    return values


# Legal forms that end a company's name and no person's: a "name" field holding "Café SARL" or
# "Nordlicht GmbH" (Stripe's Name, a form's "Full name") is a company. Short or ambiguous forms
# (SA, AB, Co: also surnames and initials) are left out on purpose.
_LEGAL_FORMS = frozenset({
    "gmbh", "mbh", "ag", "kg", "ohg", "sarl", "sàrl", "sasu", "eurl", "llc", "ltd", "limited", "inc",
    "incorporated", "corp", "corporation", "plc", "llp", "bv", "nv", "srl", "spa", "slu", "pty", "oy", "oyj",
    "aps", "gbr", "kgaa",
})
_LEGAL_FORM_SUFFIX = re.compile(r"(?:^|[\s,])([^\W\d_][\w.&]*)\s*$")


def _companies_out_of_names(out: pd.DataFrame, text: pd.DataFrame, cfg: SourceConfig) -> None:
    """A full_name that is a company's name ("Café SARL") goes to company when the record has none,
    instead of becoming first name "Café", last name "Sarl" (which then collides with the real
    person's record through the e-mail they share). The text is kept either way."""
    mapping = cfg.columns.get("full_name")
    if mapping is None or mapping.column is None:
        return
    names = _field(text, mapping).copy()
    last = names.str.extract(_LEGAL_FORM_SUFFIX, expand=False).str.replace(".", "", regex=False).str.casefold()
    company = last.isin(_LEGAL_FORMS) & out["company"].isna() & out["first_name"].isna() & out["last_name"].isna()
    if company.any():
        out.loc[company, "company"] = names[company]
        text.loc[company, mapping.column] = None
        log.warning("%s: %d full names end in a legal form and are read as the company: %s", cfg.location,
                    int(company.sum()), ", ".join(names[company].head(5)))


def _extra_columns(raw: pd.DataFrame, text: pd.DataFrame, cfg: SourceConfig,
                   problems: list[Problem]) -> dict[str, pd.Series]:
    """Columns kept beside the canonical ones: every unmapped column, and the further columns of a
    field (a second phone), under ``extra_`` + their name or the name ``extra_columns`` gives them;
    ``drop`` there is the only way a column is left out."""
    # Only a column whose text a canonical field carries as it is leaves the extras; one read for
    # "filled or not" (present:) or for generated ids keeps its content here.
    primary = {m.column for m in cfg.columns.values()
               if m.column and m.present is None and m.constant is None and not m.generate_from}
    extras: dict[str, pd.Series] = {}
    named_by: dict[str, str] = {}
    for column in raw.columns:
        if column in primary:
            continue
        target = cfg.extra_columns.get(column, column)
        if target == "drop":
            continue
        # Unknown columns are kept under an ``extra_`` prefix so they travel through
        # every stage without ever colliding with pipeline columns.
        name = f"extra_{target}"
        if name in extras:  # (a problem, so that steward check lists it beside the others)
            problems.append(Problem("error", f"{cfg.where}.extra_columns", f"columns {named_by[name]!r} and "
                                    f"{column!r} of {cfg.location} would both be kept as {name!r}; give them "
                                    "different names"))
            continue
        extras[name], named_by[name] = text[column], column
    return extras


def map_to_canonical(raw: pd.DataFrame, cfg: SourceConfig,
                     problems: list[Problem] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rename mapped columns, split full names and addresses, parse dates, map consent values.
    What the data says about the settings (missing columns, unmapped consent values, dates that do
    not fit) is appended to ``problems``; without that list, errors raise SourceError."""
    header = [str(c) for c in raw.columns]
    cfg = matched_to_header(header, cfg)
    found = missing_column_problems(header, cfg) + wrong_preset_problems(header, cfg)
    if problems is None:
        raise_errors(found, SourceError)
    if any(p.severity == "error" for p in found):
        problems.extend(found)
        return pd.DataFrame(), empty_quarantine()
    text = raw.apply(_as_text) if len(raw) else raw.astype(object)
    found += consent_value_problems(text, cfg)
    out = pd.DataFrame(index=raw.index)
    id_mapping = cfg.columns["record_id"]
    out["record_id"] = _generated_ids(raw, text, id_mapping) if id_mapping.generate_from else _field(text, id_mapping)
    # Excel's text marker ('0042) is not part of the id: '0042 and 0042 are one record.
    out["record_id"] = out["record_id"].map(
        lambda v: (strip_spreadsheet_marker(v).strip() or None) if isinstance(v, str) else v)
    if id_mapping.generate_from:
        log.info("%s: source %r has no id column; %d record ids generated from the content of %s", cfg.location,
                 cfg.name, len(out), "every column" if id_mapping.generate_from == ("*",) else list(id_mapping.columns))
    # Canonical files may carry several sources in one file: a ``source`` column wins.
    source_col = cfg.columns.get("source")
    out["source"] = _field(text, source_col).fillna(cfg.name) if source_col else cfg.name
    for canonical in RECORD_COLUMNS:
        if canonical in ("record_id", "source"):
            continue
        mapping: ColumnMapping | None = cfg.columns.get(canonical)
        out[canonical] = _field(text, mapping) if mapping else None

    _companies_out_of_names(out, text, cfg)
    for composite, split, parts in (("full_name", split_full_names, ("first_name", "last_name")),
                                    ("full_address", split_full_addresses, ADDRESS_PARTS)):
        mapping = cfg.columns.get(composite)
        if mapping is None:
            continue
        pieces = split(_field(text, mapping))
        pieces.index = out.index
        # A part the source maps on its own wins; the split fills the rest.
        for part in parts:
            out[part] = out[part].where(out[part].notna(), pieces[part])

    # Opt-ins and double-opt-in flags alike become yes/no/unknown; a column the
    # source does not have is "unknown" (which is neither consent nor confirmation).
    for column in CONSENT_FLAG_COLUMNS:
        mapping = cfg.columns.get(column)
        out[column] = (normalise_opt_in(out[column], mapping.values if mapping.present is None else None)
                       if mapping else pd.Series("unknown", index=out.index))

    issues = pd.Series("", index=out.index, dtype=object)
    for column in DATE_COLUMNS + TIMESTAMP_COLUMNS:
        if out[column].notna().any():
            fmt = cfg.date_format if column in DATE_COLUMNS else cfg.timestamp_format
            out_fmt = ISO_DATE if column in DATE_COLUMNS else ISO_TIMESTAMP
            original = out[column]
            zone = cfg.timezone if column in TIMESTAMP_COLUMNS else None
            out[column], issue = _format_dates(original, fmt, out_fmt, zone)
            if column in DATE_COLUMNS and fmt is None:
                issue = _read_undeclared_dates(out, column, original, issue, cfg)
            found += date_problems(column, fmt, original, issue, cfg)
            bad = (issue != "") & (issue != "missing")
            # Keep the original text inside the issue so nothing is lost.
            note = column + ":" + issue.astype(str) + "(" + original.astype(str) + ")"
            issues = issues.where(~bad, issues.where(issues == "", issues + ";") + note)
    out["date_issues"] = issues
    out["source_default_country"] = cfg.default_country
    out["source_row"] = raw.index.astype("int64")
    for name, values in _extra_columns(raw, text, cfg, found).items():
        out[name] = values
    if problems is None:
        raise_errors(found, SourceError)
        for problem in found:
            log.warning("%s", problem)
    else:
        problems.extend(found)
    return out, empty_quarantine()


def _quarantine_rows(frame: pd.DataFrame, mask: pd.Series, cfg: SourceConfig, field: str, reasons) -> pd.DataFrame:
    bad = frame[mask]
    if bad.empty:
        return empty_quarantine()
    raw = bad.drop(columns=["source_default_country"], errors="ignore").apply(
        lambda row: json.dumps({k: v for k, v in row.items() if v is not None}, default=str, ensure_ascii=False),
        axis=1,
    )
    return pd.DataFrame(
        {
            "source": cfg.name,
            "location": cfg.location,
            "row": bad["source_row"].astype("int64").to_numpy(),
            "field": field,
            "reason": reasons if isinstance(reasons, str) else list(reasons),
            "raw": raw.to_numpy(),
        }
    )


def split_unusable(records: pd.DataFrame, cfg: SourceConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move rows without an id, with a repeated id, or with nothing to identify a person to quarantine."""
    parts = []
    no_id = records["record_id"].isna()
    parts.append(_quarantine_rows(records, no_id, cfg, "record_id", "missing record_id"))
    keep = ~no_id

    duplicated = records.duplicated(["source", "record_id"], keep="first") & keep
    if duplicated.any():
        first_row = records[keep & ~duplicated].set_index(["source", "record_id"])["source_row"]
        reasons = [
            f"duplicate record_id {rid!r} in source {src!r} (first seen at row {first_row.get((src, rid))})"
            for src, rid in records.loc[duplicated, ["source", "record_id"]].itertuples(index=False)
        ]
        parts.append(_quarantine_rows(records, duplicated, cfg, "record_id", reasons))
        keep &= ~duplicated

    nothing = records[IDENTIFYING_COLUMNS].isna().all(axis=1) & keep
    parts.append(
        _quarantine_rows(records, nothing, cfg, ",".join(IDENTIFYING_COLUMNS), "no name, email or phone to identify a person")
    )
    keep &= ~nothing
    quarantine = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts
    ) else empty_quarantine()
    return records[keep].reset_index(drop=True), quarantine


def inspect_source(cfg: SourceConfig) -> tuple[LoadedSource | None, list[Problem]]:
    """Read one source and map it, collecting every problem the data shows in its settings
    (``steward check``); the source is None when it has errors."""
    problems: list[Problem] = []
    try:
        raw, bad_lines = read_raw(cfg)
    except (SourceError, OSError, ValueError) as exc:
        return None, [Problem("error", cfg.where, str(exc))]
    canonical, _ = map_to_canonical(raw, cfg, problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    records, quarantine = split_unusable(canonical, cfg)
    if bad_lines:
        quarantine = pd.concat([pd.DataFrame(bad_lines, columns=QUARANTINE_COLUMNS), quarantine], ignore_index=True)
    raw_rows = len(raw) + len(bad_lines)
    return LoadedSource(records=records, quarantine=quarantine, raw_row_count=raw_rows, problems=problems), problems


def load_source(cfg: SourceConfig) -> LoadedSource:
    """Read one source and map it onto the canonical schema; SourceError listing every error the
    data shows in the settings (warnings are logged and kept on the result)."""
    loaded, problems = inspect_source(cfg)
    raise_errors(problems, SourceError)
    assert loaded is not None
    for problem in problems:
        log.warning("%s", problem)
    log.info("%s: read %d rows from %s, %d quarantined", cfg.name, loaded.raw_row_count, cfg.location,
             len(loaded.quarantine))
    return loaded


def canonical_csv_sources(paths: list[Path]) -> list[SourceConfig]:
    """Source configs for CSV files already in the canonical columns (``steward dedupe``)."""
    configs = []
    for path in paths:
        path = Path(path).resolve()
        if not path.is_file():
            raise SourceError(f"{path}: file not found")
        header = header_of(path)  # (in the encoding the file is read in: UTF-16, latin-1 ...)
        if not header:
            raise SourceError(f"{path}: the file is empty: no header line")
        if "record_id" not in header:
            raise SourceError(f"{path}: no 'record_id' column; expected the canonical columns {CANONICAL_COLUMNS}")
        name = "".join(ch if ch.isalnum() else "_" for ch in path.stem)
        same = next((c for c in configs if c.name == name), None)
        if same is not None:  # one would replace the other, and its file be read in silence
            raise SourceError(f"{same.path} and {path} would both be source {name!r} (the name comes from the file "
                              "name): rename one file")
        configs.append(
            SourceConfig(
                name=name,
                kind="csv",
                path=path,
                encoding=None,
                timestamp_format=None,
                columns={c: ColumnMapping(c) for c in RECORD_COLUMNS if c in header},
                config_file=path,
            )
        )
    return configs
