"""Steps 4-5 of a nightly run (see steward.incremental): the pairs touching rematched records,
the affected region of the match graph, the stored pairs re-weighted or carried over, and
clustering the region again while everyone outside keeps their cluster."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings
from steward.frames import pairs_within, renumbered
from steward.match.blocking import block_codes, oversized_keys, parse_rules
from steward.match.cluster import cluster_records, graph_components, safe_clusters
from steward.match.incremental_blocking import pairs_touching
from steward.match.model import MatchModel, level_scores
from steward.incremental.changes import RunChanges
from steward.incremental.snapshot import MatchSnapshot

def fresh_pairs(contacts: pd.DataFrame, rematch: np.ndarray, matching: MatchingSettings,
                blocks: list | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(candidate pairs touching a rematched record, blocking keys skipped in this run)."""
    rules, max_block = parse_rules(matching)
    blocks = blocks if blocks is not None else block_codes(contacts, rules)
    return pairs_touching(blocks, rematch, max_block), oversized_keys(contacts, blocks, max_block)


def snapshot_positions(rows: np.ndarray, kept_records: int) -> np.ndarray:
    """For each row of the snapshot's contacts, the record's position in this run (-1: gone)."""
    out = np.full(kept_records, -1, dtype=np.int64)
    here = np.flatnonzero((rows >= 0) & (rows < kept_records))
    out[rows[here]] = here
    return out


def stored_row_flags(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray,
                      kept_records: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of the snapshot's contacts (a million flags, so that each stored pair then needs
    only byte-sized gathers): (position in this run or -1, still here and not rematched, in the
    affected region)."""
    here = snapshot_positions(rows, kept_records)
    present = here >= 0
    steady = np.zeros(kept_records, dtype=bool)
    steady[present] = ~rematch[here[present]]
    inside = np.zeros(kept_records, dtype=bool)
    inside[present] = region[here[present]]
    return here, steady, inside


def affected_region(rematch: np.ndarray, rows: np.ndarray, removed_rows: np.ndarray, membership: pd.DataFrame,
                    scored: pd.DataFrame, match_threshold: float,
                    must_link: pd.DataFrame | None = None) -> np.ndarray:
    """The records whose graph component a change can reach: rematched records, every member of
    an old component that held a rematched or removed record, and every member of an old
    component a pair scored now links to at or above the threshold. Closed under the match
    graph (stored links never leave an old component), so its components are this run's
    components, and everyone outside keeps their component and cluster."""
    seeds = rematch.copy()
    edges = scored["match_probability"].to_numpy() >= match_threshold
    for side in ("left", "right"):
        seeds[scored[side].to_numpy(np.int64)[edges]] = True
    if must_link is not None and len(must_link):
        ml, mr = must_link["left"].to_numpy(np.int64), must_link["right"].to_numpy(np.int64)
        touching = seeds[ml] | seeds[mr]
        seeds[ml[touching]] = True
        seeds[mr[touching]] = True
    component = membership["component"].to_numpy(np.int64)
    known = rows >= 0
    old = np.full(len(rows), -1, dtype=np.int64)
    old[known] = component[rows[known]]
    marked = np.zeros(int(component.max()) + 1 if len(component) else 0, dtype=bool)
    marked[old[seeds & known]] = True
    marked[component[removed_rows]] = True
    region = seeds.copy()
    region[known] |= marked[old[known]]
    return region


def with_stored_scores(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray, snapshot: MatchSnapshot,
                       scored_now: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """The pairs the affected region needs: the pairs scored now plus every stored pair between
    two records of ``region`` that are not rematched (their records and the model are what
    scored them last time), weights recomputed from the stored levels. Stored pairs outside
    the region stay in the snapshot untouched (``build_snapshot`` carries them over)."""
    here, steady, inside = stored_row_flags(rematch, region, rows, snapshot.kept_records)
    wanted = steady & inside
    stored = snapshot.scored
    old_left, old_right = stored["left"].to_numpy(), stored["right"].to_numpy()
    rows_kept = np.flatnonzero(wanted[old_left] & wanted[old_right])
    left, right = here[old_left[rows_kept]], here[old_right[rows_kept]]
    # Column by column: stored codes become this run's dtypes, weights follow from the levels,
    # and each column is concatenated with the fresh pairs' once (no intermediate frames).
    kept = {"left": np.minimum(left, right), "right": np.maximum(left, right)}
    for column in stored.columns:
        if column not in kept:
            kept[column] = stored[column].to_numpy()[rows_kept]
    kept.update(level_scores({c.name: kept[f"{c.name}_level"] for c in model.comparisons}, len(rows_kept), model))
    out = {}
    for column in scored_now.columns:
        now = scored_now[column]
        if isinstance(now.dtype, pd.CategoricalDtype):
            codes = np.concatenate([np.asarray(kept[column]).astype(now.cat.codes.dtype), now.cat.codes.to_numpy()])
            out[column] = pd.Categorical.from_codes(codes, dtype=now.dtype)
        else:
            out[column] = np.concatenate([np.asarray(kept[column]).astype(now.dtype), now.to_numpy()])
    return pd.DataFrame(out)


def carried_pairs(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray, kept_records: int,
                  left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored pairs (``left``/``right``: rows of the snapshot's contacts) that this run keeps as
    they were: both records still here, neither rematched, not both in the affected region.
    Returns (which stored pairs, their left and right positions in this run)."""
    here, steady, inside = stored_row_flags(rematch, region, rows, kept_records)
    # One byte per record (bit 0 steady, bit 1 inside): two gathers per pair instead of four
    # (tens of millions of stored pairs).
    flags = steady.astype(np.uint8) | (inside.astype(np.uint8) << 1)
    both = flags[left] & flags[right]
    keep = (both & 1).astype(bool) & ~(both & 2).astype(bool)
    return keep, here[left[keep]], here[right[keep]]


# -- 5. clusters -------------------------------------------------------------------------------------

@dataclass
class ClusterUpdate:
    clusters: pd.DataFrame  # cluster_records() frame for every record
    components: np.ndarray  # graph component per record (for the next snapshot)
    reclustered: np.ndarray  # bool per record: clustered again in this run (the affected region)
    refused: pd.DataFrame


def incremental_clusters(contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel, changes: RunChanges,
                         membership: pd.DataFrame, must_link: pd.DataFrame | None = None,
                         cannot_link: pd.DataFrame | None = None) -> ClusterUpdate:
    """``scored``: the region's pairs (``with_stored_scores``). Only the affected region is
    clustered; its components are renumbered after the old ones."""
    n = len(contacts)
    rematch = changes.rematched()
    rows, removed_rows = changes.snapshot_rows()
    region = affected_region(rematch, rows, removed_rows, membership, scored, model.match_threshold, must_link)
    members = np.flatnonzero(region)
    # The sub-problem: the affected region, renumbered 0..len(members)-1.
    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    sub_scored = pairs_within(scored, region)

    def _local_links(links):
        if links is None or not len(links):
            return None
        both = region[links["left"].to_numpy()] & region[links["right"].to_numpy()]
        return pd.DataFrame({"left": local[links["left"].to_numpy()[both]],
                             "right": local[links["right"].to_numpy()[both]]})

    sub_must, sub_cannot = _local_links(must_link), _local_links(cannot_link)
    sub_contacts = renumbered(contacts.iloc[members])
    sub_components = graph_components(len(members), sub_scored, model.match_threshold, sub_must, sub_cannot)
    sub_labels, refused = safe_clusters(
        len(members), sub_scored, model.match_threshold,
        score_pairs_fn=lambda pairs: model.predict(sub_contacts, pairs),
        contradiction_rules=model.contradiction_rules,
        must_link=sub_must, cannot_link=sub_cannot,
    )
    outside = np.flatnonzero(~region)
    old_rows = rows[outside]
    if (old_rows < 0).any():  # cannot happen: new records are rematched, hence in the region
        raise RuntimeError("incremental clustering: a record outside the affected region has no old cluster")
    labels = np.empty(n, dtype=np.int64)
    components = np.empty(n, dtype=np.int64)
    labels[outside] = membership["cluster"].to_numpy(np.int64)[old_rows]
    components[outside] = membership["component"].to_numpy(np.int64)[old_rows]
    labels[members] = sub_labels + (labels[outside].max() + 1 if len(outside) else 0)
    components[members] = sub_components + (int(membership["component"].max()) + 1 if len(membership) else 0)
    _, dense = np.unique(labels, return_inverse=True)
    if len(refused):
        refused = refused.assign(left=members[refused["left"].to_numpy(dtype=np.int64)],
                                 right=members[refused["right"].to_numpy(dtype=np.int64)])
    return ClusterUpdate(cluster_records(contacts, dense), components, region, refused)

