"""Golden ids that stay stable across runs.

Cluster labels are arbitrary per run, so a golden id cannot come from the label;
and a hash of the smallest member key changes as soon as a smaller record joins.
Instead each run starts from the previous run's crosswalk (record -> golden id)
and the id registry, and decides per cluster:

- a cluster whose records had golden ids keeps the OLDEST of them (registry
  ``minted_at``, ties: the smallest id); the other ids it holds are recorded as
  ``merged_into`` the survivor;
- an id whose records now sit in several clusters (a split) stays with the cluster
  holding most of those records (ties: the cluster where its smallest record key
  went); every other cluster that only holds pieces of already-claimed ids mints a
  new id, recorded as ``split_from`` the id that lost most records to it;
- a cluster of records never seen before mints an id from its smallest record key
  (``golden_id_for``, so a first run gives the same ids as before); an id that
  exists in the registry, whatever its status, is never handed out again (salted);
- an id none of whose records is left is ``retired``.

Pure functions on DataFrames: persisting the crosswalk, registry and events
between runs is the caller's job (``steward/state/store.py``). Cost is a few merges,
group-bys and sorts, O(n log n) in records; only newly minted ids are hashed one
by one (as before), and only colliding ones are salted in a loop.

Timestamps (``minted_at``, ``changed_at``, ``at``) are ISO 8601 strings in UTC
and compared as text; write them all in the same form.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import NamedTuple

import numpy as np
import pandas as pd

from steward.schema import contact_key

REGISTRY_COLUMNS = ["golden_id", "minted_at", "status", "merged_into", "split_from", "changed_at"]
EVENT_COLUMNS = ["golden_id", "event", "other_id", "at", "detail"]
ACTIVE, MERGED, RETIRED = "active", "merged", "retired"
MERGED_INTO, SPLIT_FROM, RETIRED_EVENT = "merged_into", "split_from", "retired"


def golden_id_for(smallest_contact_key: str) -> str:
    """Deterministic id from the cluster's smallest member key: same input, same id."""
    return "G" + hashlib.sha1(smallest_contact_key.encode("utf-8")).hexdigest()[:15].upper()


class IdAssignment(NamedTuple):
    ids: pd.Series  # cluster label -> golden_id, one per cluster
    events: pd.DataFrame  # EVENT_COLUMNS: what happened to ids in this run
    registry: pd.DataFrame  # REGISTRY_COLUMNS: every id ever minted, updated for this run


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def empty_registry() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in REGISTRY_COLUMNS})


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})


def _previous_map(previous: pd.DataFrame | None) -> pd.DataFrame:
    """contact_key -> golden_id of the previous run. Takes a frame with ``contact_key``
    or the published crosswalk's ``source, record_id``."""
    if previous is None or previous.empty:
        return pd.DataFrame({"contact_key": pd.Series(dtype=object), "golden_id": pd.Series(dtype=object)})
    if "contact_key" in previous.columns:
        keys = previous["contact_key"].astype(str)
    elif {"source", "record_id"} <= set(previous.columns):
        keys = contact_key(previous)
    else:
        raise ValueError("previous crosswalk needs contact_key or source + record_id, and golden_id")
    out = pd.DataFrame({"contact_key": keys.to_numpy(), "golden_id": previous["golden_id"].to_numpy()})
    out = out[out["golden_id"].notna()]
    out["golden_id"] = out["golden_id"].astype(str)
    if out["contact_key"].duplicated().any():
        # A record listed twice (should not happen) keeps one id, the same one every time.
        out = out.sort_values(["contact_key", "golden_id"], kind="mergesort").drop_duplicates("contact_key")
    return out


def _registry(registry: pd.DataFrame | None, previous_ids: pd.Series) -> pd.DataFrame:
    """The registry with every id of the previous crosswalk in it. Ids the registry does
    not know predate it: minted_at unknown, which counts as oldest."""
    reg = empty_registry() if registry is None or registry.empty else registry.copy()
    for column in REGISTRY_COLUMNS:
        if column not in reg.columns:
            reg[column] = None
    reg = reg[REGISTRY_COLUMNS + [c for c in reg.columns if c not in REGISTRY_COLUMNS]]
    reg["golden_id"] = reg["golden_id"].astype(str)
    reg = reg.drop_duplicates("golden_id", keep="last")
    missing = pd.Index(previous_ids.unique()).difference(pd.Index(reg["golden_id"]))
    if len(missing):
        added = pd.DataFrame({"golden_id": missing.to_numpy(dtype=object), "status": ACTIVE})
        reg = pd.concat([reg, added.reindex(columns=reg.columns)], ignore_index=True)
    return reg.reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], columns: list[str] | None) -> pd.DataFrame:
    # Empty pieces are left out: pandas warns about (and may mistype) empty frames in concat.
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns or []})
    return pd.concat(frames, ignore_index=True)


def _mint(smallest_keys: pd.Series, taken: pd.Index) -> pd.Series:
    """golden_id_for each key; an id already taken (registry, previous run, this run) is
    salted with ``#1``, ``#2`` ... until it is free, in key order, so reruns agree."""
    minted = pd.Series([golden_id_for(k) for k in smallest_keys.to_numpy()], index=smallest_keys.index, dtype=object)
    clash = minted.isin(taken) | minted.duplicated(keep=False)
    if clash.any():
        used = set(taken) | set(minted[~clash])
        for label in smallest_keys[clash].sort_values(kind="mergesort").index:
            key, salt, candidate = smallest_keys[label], 0, minted[label]
            while candidate in used:
                salt += 1
                candidate = golden_id_for(f"{key}#{salt}")
            minted[label] = candidate
            used.add(candidate)
    return minted


def assign_golden_ids(members: pd.DataFrame, previous: pd.DataFrame | None = None,
                      registry: pd.DataFrame | None = None, run_at: str | None = None,
                      reserved: pd.Index | None = None) -> IdAssignment:
    """Golden id per cluster, stable across runs (rules in the module docstring).

    ``members``: ``contact_key, cluster`` for every record of this run.
    ``previous``: the previous run's crosswalk (``contact_key`` or ``source, record_id``,
    plus ``golden_id``), or None/empty on a first run.
    ``registry``: ``golden_id, minted_at, status, merged_into, split_from, changed_at``
    as returned by the previous run, or None/empty.
    ``reserved``: ids in use elsewhere that must not be minted again (an incremental run
    passes the golden ids of the clusters it leaves alone).
    """
    run_at = run_at or now_utc()
    prev = _previous_map(previous)
    reg = _registry(registry, prev["golden_id"])
    prev_size = prev["golden_id"].value_counts()
    # Strings are ranked once; every later sort and min is on integers (pandas' groupby
    # min on strings falls back to a Python loop per group).
    keys = members["contact_key"].to_numpy(dtype=object)
    by_key = np.argsort(keys, kind="stable")
    key_rank = np.empty(len(keys), dtype=np.int64)
    key_rank[by_key] = np.arange(len(keys))
    m = pd.DataFrame({"contact_key": keys, "cluster": members["cluster"].to_numpy(), "key_rank": key_rank})
    # Age of every known id: oldest minted_at first (unknown = predates the registry), then smallest id.
    ages = reg[["golden_id", "minted_at"]].sort_values(["minted_at", "golden_id"], na_position="first", kind="mergesort")
    age_rank = pd.Series(np.arange(len(ages)), index=ages["golden_id"].to_numpy())

    # Which previous ids each cluster holds, with how many of their records.
    claims = m.merge(prev, on="contact_key", how="inner")
    per = (claims.groupby(["golden_id", "cluster"], sort=False)
           .agg(n=("key_rank", "size"), first_key=("key_rank", "min")).reset_index())
    per["age"] = per["golden_id"].map(age_rank).to_numpy()
    # Each id belongs to the cluster with most of its records (split tie: where its smallest
    # key went). A record is in one cluster, so (n, first_key) never ties within an id.
    owners = per.sort_values(["n", "first_key"], ascending=[False, True], kind="mergesort").drop_duplicates("golden_id")
    # Each cluster keeps the oldest id it owns.
    owners = owners.sort_values(["cluster", "age"], kind="mergesort")
    first_owned = ~owners["cluster"].duplicated().to_numpy()
    kept = owners[first_owned].set_index("cluster")["golden_id"]
    absorbed = owners[~first_owned][["golden_id", "cluster", "n"]]
    absorbed = absorbed.assign(survivor=absorbed["cluster"].map(kept).to_numpy())

    # Clusters without an id of their own mint one; from the smallest key, as on a first run.
    smallest = m.groupby("cluster")["key_rank"].min()
    smallest = pd.Series(keys[by_key[smallest.to_numpy()]], index=smallest.index)
    new_clusters = smallest.index.difference(kept.index)
    taken = pd.Index(reg["golden_id"]).append(pd.Index(prev["golden_id"].unique()))
    if reserved is not None:
        taken = taken.append(pd.Index(reserved))
    minted = _mint(smallest.loc[new_clusters], taken)
    ids = pd.concat([kept, minted]).sort_index()
    ids.index.name, ids.name = "cluster", "golden_id"

    # A new id in a cluster holding records of older ids is a split: name the id that
    # lost most records to it (tie: the oldest).
    split = per[per["cluster"].isin(new_clusters)]
    split = split.sort_values(["cluster", "n", "age"], ascending=[True, False, True],
                              kind="mergesort").drop_duplicates("cluster")
    split = split.assign(new_id=split["cluster"].map(minted).to_numpy())

    previous_live = pd.Index(prev["golden_id"].unique()).union(pd.Index(reg.loc[reg["status"] == ACTIVE, "golden_id"]))
    retired = previous_live.difference(pd.Index(kept.to_numpy())).difference(pd.Index(absorbed["golden_id"]))

    events = _concat([
        pd.DataFrame({"golden_id": absorbed["golden_id"].to_numpy(), "event": MERGED_INTO,
                      "other_id": absorbed["survivor"].to_numpy(),
                      "detail": absorbed["n"].astype(str).to_numpy() + " record(s) joined the older id"}),
        pd.DataFrame({"golden_id": split["new_id"].to_numpy(), "event": SPLIT_FROM,
                      "other_id": split["golden_id"].to_numpy(),
                      "detail": (split["n"].astype(str) + " of " + split["golden_id"].map(prev_size).astype(str)
                                 + " record(s) split off").to_numpy()}),
        pd.DataFrame({"golden_id": retired.to_numpy(dtype=object), "event": RETIRED_EVENT, "other_id": None,
                      "detail": "no records left"}),
    ], EVENT_COLUMNS)
    events["at"] = run_at
    events = events[EVENT_COLUMNS].sort_values(["event", "golden_id"], kind="mergesort", ignore_index=True)

    # Registry: status changes for the ids of the previous run, one row per new id.
    reg = reg.set_index("golden_id")
    merged_into = absorbed.set_index("golden_id")["survivor"]
    # Ids merged earlier into an id merged now point straight at the survivor (one hop).
    earlier = reg["status"].eq(MERGED) & reg["merged_into"].isin(merged_into.index)
    reg.loc[earlier, "merged_into"] = reg.loc[earlier, "merged_into"].map(merged_into)
    reg.loc[earlier, "changed_at"] = run_at
    revived = pd.Index(kept.to_numpy())[reg.loc[kept.to_numpy(), "status"].ne(ACTIVE).to_numpy()]
    if len(revived):
        reg.loc[revived, ["status", "merged_into", "changed_at"]] = [ACTIVE, None, run_at]
    reg.loc[merged_into.index, "status"] = MERGED
    reg.loc[merged_into.index, "merged_into"] = merged_into
    reg.loc[merged_into.index, "changed_at"] = run_at
    if len(retired):
        reg.loc[retired, ["status", "changed_at"]] = [RETIRED, run_at]
    new_rows = pd.DataFrame({"golden_id": minted.to_numpy(dtype=object), "minted_at": run_at, "status": ACTIVE,
                             "merged_into": None,
                             "split_from": minted.index.map(split.set_index("cluster")["golden_id"]).to_numpy(dtype=object),
                             "changed_at": run_at})
    reg = _concat([reg.reset_index(), new_rows.reindex(columns=["golden_id", *reg.columns])], REGISTRY_COLUMNS)
    reg = reg.sort_values("golden_id", kind="mergesort", ignore_index=True)
    reg = reg.astype({c: object for c in REGISTRY_COLUMNS}).where(reg.notna(), None)
    return IdAssignment(ids, events, reg)
