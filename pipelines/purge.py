"""Erasure in Dagster's own storage (issue 19, P2): the run history's event logs, the compute
logs and the stored step outputs of the embedded instance (``DAGSTER_HOME``: ``history/``,
``storage/``).

The steps a run materialises are stored by Dagster, not by the engine, and the run history is
Dagster's too: once a person is erased, every copy of their values there is redacted by the run
that suppressed them (assets/publish.py ``erasure_purge``), with their records in hand:
- event logs (``history/**/*.db``, SQLite): table rows and text lines holding the person, in
  every earlier run's metadata, check results and log messages, redacted in place; the files are
  then vacuumed, so no free page keeps the old text;
- compute logs (``storage/<run id>/compute_logs``): lines redacted;
- stored step outputs (``storage/<asset>``): the suppressed records' values blanked (rows stay,
  so positions other outputs refer to stay right; rows are found by their record key, never by a
  value somebody else may share; quarantined lines, which have no key, by the person's values
  matched whole).
A Dagster instance on PostgreSQL/MySQL storage is not reached: its operators purge it (README)."""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from steward.privacy.redact import Needles, redact_json, redact_text

log = logging.getLogger("steward.privacy.erasure")

# Columns that identify a record without saying anything about the person: they stay, so
# stored outputs keep their shape and their rows their keys.
_KEY_COLUMNS = frozenset({"contact_key", "record_id", "source", "source_row", "a_contact_key", "b_contact_key",
                          "cluster", "golden_id", "row", "location", "field"})


@dataclass
class PurgeSummary:
    events_redacted: int = 0
    databases_vacuumed: int = 0
    log_lines_redacted: int = 0
    outputs_blanked: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict:
        return {"events_redacted": self.events_redacted, "databases_vacuumed": self.databases_vacuumed,
                "log_lines_redacted": self.log_lines_redacted, "outputs_blanked": dict(self.outputs_blanked),
                "failed": list(self.failed)}


# -- event logs --------------------------------------------------------------------------------------------

# The columns of Dagster's SQLite storage that hold serialised events (JSON); everything else there
# (event types, step keys, tags, run bodies) is structure and not touched.
_EVENT_COLUMNS = {"event_logs": "event", "asset_keys": "last_materialization",
                  "asset_check_executions": "evaluation_event"}


def _redacted_cell(value, needles: Needles) -> tuple[str | None, int]:
    if not isinstance(value, str) or value[:1] != "{":
        return None, 0
    try:
        document = json.loads(value)  # (parsed: Dagster escapes non-ASCII characters in the text)
    except ValueError:
        return None, 0
    document, hits = redact_json(document, needles)
    return (json.dumps(document), hits) if hits else (None, 0)


def _purge_database(path: Path, needles: Needles, summary: PurgeSummary) -> None:
    conn = sqlite3.connect(path, timeout=30)
    try:
        changed = 0
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        for table, column in _EVENT_COLUMNS.items():
            if table not in tables:
                continue
            updates = []
            for rowid, value in conn.execute(f'select rowid, "{column}" from "{table}"'):
                new, hits = _redacted_cell(value, needles)
                if hits:
                    updates.append((new, rowid))
                    changed += hits
            if updates:
                conn.executemany(f'update "{table}" set "{column}" = ? where rowid = ?', updates)
        conn.commit()
        if changed:
            # Deleted text stays in free pages until the file is rebuilt.
            conn.execute("VACUUM")
            summary.databases_vacuumed += 1
        summary.events_redacted += changed
    finally:
        conn.close()


def purge_event_logs(home: Path, needles: Needles, summary: PurgeSummary, only_run: str | None = None,
                     attempts: int = 5) -> None:
    """Every SQLite database of the run history, or (``only_run``) that run's own and the
    index of asset events."""
    for path in sorted((home / "history").rglob("*.db")):
        if only_run is not None and path.stem not in {only_run, "index"}:
            continue
        for attempt in range(attempts):
            try:
                _purge_database(path, needles, summary)
                break
            except sqlite3.OperationalError as exc:  # another process writing: wait and retry
                if attempt == attempts - 1:
                    summary.failed.append(f"{path.name}: {exc}")
                time.sleep(0.5 * (attempt + 1))


def purge_compute_logs(storage: Path, needles: Needles, summary: PurgeSummary) -> None:
    for path in storage.glob("*/compute_logs/*"):
        if path.suffix not in {".out", ".err"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        new, hits = redact_text(text, needles)
        if hits:
            path.write_text(new, encoding="utf-8")
            summary.log_lines_redacted += hits


# -- stored step outputs -----------------------------------------------------------------------------------

def _rows_of(frame: pd.DataFrame, keys: set[str], needles: Needles) -> np.ndarray:
    """The suppressed records' rows: by their key where the frame has one (never by value: a
    value can be somebody else's too); rows without a key (quarantined lines) by the person's
    values, matched whole."""
    if "contact_key" in frame.columns:
        return frame["contact_key"].astype(str).isin(keys).to_numpy()
    if {"source", "record_id"} <= set(frame.columns):
        return (frame["source"].astype(str) + ":" + frame["record_id"].astype(str)).isin(keys).to_numpy()
    hit = np.zeros(len(frame), dtype=bool)
    if needles and len(frame):
        text_columns = [c for c in frame.columns if frame[c].dtype == object and str(c) not in _KEY_COLUMNS]
        for column in text_columns:
            hit |= frame[column].map(lambda v: isinstance(v, str) and needles.found_in(v)).to_numpy(dtype=bool)
    return hit


def _blanked(frame: pd.DataFrame, keys: set[str], needles: Needles) -> tuple[pd.DataFrame, int]:
    hit = _rows_of(frame, keys, needles)
    if not hit.any():
        return frame, 0
    frame = frame.copy()
    for column in frame.columns:
        if str(column) in _KEY_COLUMNS or frame[column].dtype.kind in "biuf":
            continue
        frame[column] = frame[column].astype(object)
        frame.loc[hit, column] = None
    return frame, int(hit.sum())


def _blank_object(value, keys: set[str], needles: Needles) -> tuple[object, int]:
    if isinstance(value, pd.DataFrame):
        return _blanked(value, keys, needles)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        total, changes = 0, {}
        for f in dataclasses.fields(value):
            inner = getattr(value, f.name)
            if isinstance(inner, pd.DataFrame):
                new, n = _blanked(inner, keys, needles)
                if n:
                    changes[f.name], total = new, total + n
        return (dataclasses.replace(value, **changes), total) if changes else (value, 0)
    return value, 0


def blank_stored_outputs(storage: Path, keys: set[str], needles: Needles, summary: PurgeSummary,
                         names: list[str]) -> None:
    """The stored outputs ``names`` (``storage/<asset>``: the ones that hold source records) with
    the suppressed records' values blanked."""
    for name in names:
        path = storage / name
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)
        except Exception:  # not a pickle of ours: nothing here to blank
            continue
        new, n = _blank_object(value, keys, needles)
        if n:
            with open(path, "wb") as fh:
                pickle.dump(new, fh, protocol=pickle.HIGHEST_PROTOCOL)
            summary.outputs_blanked[name] = n
