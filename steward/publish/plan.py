"""Planning the data step: which golden rows to insert, update or mark (merged into a
survivor, retired) and which to delete (erased people), by golden id and content;
and whether a replaced-in-content table (crosswalk, lineage) differs at all."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.publish.tables import ACTIVE, MERGED, RETIRED, STATUS_COLUMNS
from steward.publish.text import text_values, with_columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoldenPlan:
    """The golden_contacts writes of one publish, with the counts the summary reports."""

    inserts: pd.DataFrame  # new golden ids
    upserts: pd.DataFrame  # changed content, or a status to mark (merged, retired)
    deletes: list[str]  # golden ids of erased people (and rows merged into them)
    counts: dict[str, int]  # inserted, updated, unchanged, merged, retired, deleted


def _changed(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Row-wise: does any column differ? (Both sides are str or None, never NaN.)"""
    out = np.zeros(len(a), dtype=bool)
    for column in a.columns:
        out |= np.not_equal(a[column].to_numpy(dtype=object), b[column].to_numpy(dtype=object))
    return out


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """Each row's hash, sorted: equal for the same rows in any order."""
    if frame.empty:
        return np.empty(0, dtype=np.uint64)
    return np.sort(pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy())


def same_content(existing: pd.DataFrame, wanted: pd.DataFrame) -> bool:
    """The same rows in any order (columns in the same order). Rows usually come back in the
    order they were written, which is checked first; otherwise compare multisets of row hashes."""
    if len(existing) != len(wanted):
        return False
    if not _changed(existing.reset_index(drop=True), wanted.reset_index(drop=True)).any():
        return True
    return bool(np.array_equal(_row_hashes(existing), _row_hashes(wanted)))


def merge_targets(id_events: pd.DataFrame | None) -> dict[str, str]:
    """golden_id -> the id it was merged into, from merged_into events (the latest per id)."""
    if id_events is None or len(id_events) == 0:
        return {}
    missing = {"golden_id", "event", "other_id"} - set(id_events.columns)
    if missing:
        raise ValueError(f"id_events needs the columns golden_id, event, other_id (missing: {sorted(missing)})")
    merged = id_events[id_events["event"] == "merged_into"]
    if "at" in merged.columns:
        merged = merged.sort_values("at", kind="mergesort", na_position="first")
    merged = merged[merged["other_id"].notna()]
    return dict(zip(text_values(merged["golden_id"]), text_values(merged["other_id"])))


def _resolve(target: str, redirect: dict[str, str]) -> str:
    """Follow merges within this publish (A into B, B into C) to the id that survives."""
    seen = {target}
    while target in redirect and redirect[target] not in seen:
        target = redirect[target]
        seen.add(target)
    return target


def plan_golden(existing: pd.DataFrame, wanted: pd.DataFrame, columns: list[str], merges: dict[str, str],
                erased: set[str] | None, now: str) -> GoldenPlan:
    """Which golden rows to insert, upsert (changed content or status) and delete, with counts.
    ``erased=None``: erasure unknown, so ids with no records left are deleted, not retired."""
    data_columns = [c for c in columns if c not in ("golden_id", *STATUS_COLUMNS)]
    compare = [*data_columns, "status", "merged_into"]
    existing = with_columns(existing, columns).set_index("golden_id", drop=False)
    wanted = with_columns(wanted, columns).set_index("golden_id", drop=False)
    wanted["status"], wanted["merged_into"], wanted["published_at"] = ACTIVE, None, now

    new_ids = wanted.index.difference(existing.index, sort=False)
    common = wanted.index.intersection(existing.index, sort=False)
    changed = _changed(wanted.loc[common, compare], existing.loc[common, compare])
    updates = wanted.loc[common[changed]]

    # Rows no longer published. Erased people go, with every row merged into them.
    gone = existing.loc[existing.index.difference(wanted.index, sort=False)]
    if erased is None:
        # The caller does not say who was erased: an id with no records left may be an erased
        # person, so it is deleted (as before issue 6), never kept as 'retired' with their data.
        live = ~gone["status"].isin([MERGED, RETIRED]) & ~gone.index.isin(list(merges))
        doomed = set(gone.index[live.to_numpy()])
    else:
        doomed = set(gone.index) & erased
    pointing = gone.loc[gone["status"].eq(MERGED), "merged_into"]
    grew = True
    while grew:
        more = set(pointing[pointing.isin(doomed)].index) - doomed
        doomed |= more
        grew = bool(more)
    gone = gone.loc[~gone.index.isin(doomed)]
    # Ids merged away in this run, or merged earlier into one merged now: point at the survivor.
    status = gone["status"].to_numpy(dtype=object)
    old_target = gone["merged_into"].to_numpy(dtype=object)
    new_status, new_target = status.copy(), old_target.copy()
    for i, gid in enumerate(gone.index):
        if gid in merges:
            new_status[i], new_target[i] = MERGED, _resolve(merges[gid], merges)
        elif status[i] == MERGED and old_target[i] in merges:
            new_target[i] = _resolve(old_target[i], merges)
        elif status[i] not in (MERGED, RETIRED):
            new_status[i] = RETIRED
    moved = (new_status != status) | (new_target != old_target)
    marked = gone.loc[moved].copy()
    marked["status"], marked["merged_into"], marked["published_at"] = new_status[moved], new_target[moved], now
    unknown = sorted(set(marked.loc[marked["status"] == MERGED, "merged_into"]) - set(wanted.index))
    if unknown:
        log.warning("%d golden id(s) merged into ids not published now, e.g. %s", len(unknown), unknown[:3])
    counts = {
        "inserted": len(new_ids),
        "updated": int(changed.sum()),
        "unchanged": int((~changed).sum()),
        "merged": int((marked["status"] == MERGED).sum()),
        "retired": int((marked["status"] == RETIRED).sum()),
        "deleted": len(doomed),
    }
    return GoldenPlan(inserts=wanted.loc[new_ids], upserts=pd.concat([updates, marked]), deletes=sorted(doomed),
                      counts=counts)
