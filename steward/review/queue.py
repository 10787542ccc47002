"""The review queue: grey-zone pairs a person decides, best first, the two records side by side
with the evidence in words. Built from scored pairs here; a nightly run merges tonight's few
suggestions into the carried queue without sorting a million pair ids again."""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from steward.frames import column_values, frame_to_arrow, renumbered, stacked
from steward.match.cluster import level_contradictions
from steward.match.model import MatchModel, classify, explanation_texts

log = logging.getLogger("steward.review")

SIDE_BY_SIDE = ["contact_key", "first_name", "last_name", "email", "phone", "company", "city", "date_of_birth"]


def merge_suggestions(scored: pd.DataFrame, contacts: pd.DataFrame, model: MatchModel,
                      decided: set[str] | None = None, clusters: pd.DataFrame | None = None,
                      positions: bool = False) -> pd.DataFrame:
    """Grey-zone pairs, best first, the two records side by side with the evidence in words.

    The pair id is ``<key>~<key>`` with the smaller contact key first, so the same two
    records have the same id in every run; pairs already decided by a reviewer are left
    out, and so are pairs already in one cluster (through other records): approving
    them would change nothing. ``positions``: also the two records' rows in ``contacts``
    (``_a_pos``/``_b_pos``, for the snapshot; see ``suggestions_for_run``)."""
    grey = scored[classify(scored, model) == "review"]
    # Pairs the cannot-link rules call two people (a family inbox, namesakes) are not a question,
    # nor pairs the rules' ``not_for_review`` entries describe (household members and colleagues:
    # different first names, and only where they live or work agrees).
    clustering = model.clustering or {}
    grey = grey[~level_contradictions(grey, clustering.get("cannot_link"))]
    if clustering.get("not_for_review"):
        grey = grey[~level_contradictions(grey, {"all_of": clustering["not_for_review"]})]
    keys = contacts["contact_key"].to_numpy()
    a_keys, b_keys = keys[grey["left"].to_numpy()], keys[grey["right"].to_numpy()]
    swap = a_keys > b_keys
    first = np.where(swap, grey["right"].to_numpy(), grey["left"].to_numpy())
    second = np.where(swap, grey["left"].to_numpy(), grey["right"].to_numpy())
    grey = grey.assign(left=first, right=second)
    pair_ids = pd.Series(keys[first], index=grey.index) + "~" + pd.Series(keys[second], index=grey.index)
    is_decided = pair_ids.isin(decided).to_numpy() if decided else np.zeros(len(grey), dtype=bool)
    sizes = None
    if clusters is not None:
        labels = clusters["cluster"].to_numpy()
        apart = labels[grey["left"].to_numpy()] != labels[grey["right"].to_numpy()]
        grey, pair_ids, is_decided = grey[apart], pair_ids[apart], is_decided[apart]
        grey = _one_per_golden_pair(grey.assign(_decided=is_decided), labels)
        pair_ids, is_decided = pair_ids.loc[grey.index], grey.pop("_decided").to_numpy()
        sizes = np.bincount(labels, minlength=int(labels.max()) + 1 if len(labels) else 0)
    grey, pair_ids = grey[~is_decided], pair_ids[~is_decided]
    # Best first, ties by pair id: the same queue order whichever way the pairs were found.
    order = np.lexsort((pair_ids.to_numpy(dtype=str), -grey["match_probability"].round(4).to_numpy()))
    grey, pair_ids = grey.iloc[order], pair_ids.iloc[order]
    side = renumbered(contacts[SIDE_BY_SIDE])
    left = renumbered(side.iloc[grey["left"].to_numpy()].add_prefix("a_"))
    right = renumbered(side.iloc[grey["right"].to_numpy()].add_prefix("b_"))
    grey = renumbered(grey.copy(deep=False))
    out = pd.concat([left, right], axis=1)
    out.insert(0, "pair_id", pair_ids.to_numpy())
    out.insert(1, "match_probability", grey["match_probability"].round(4))
    out["explanation"] = explanation_texts(grey, model)
    if sizes is not None:
        # How many records each side's golden record holds, and how many record pairs between the
        # two this one suggestion stands for: a decision settles all of them.
        out["a_records"] = sizes[labels[grey["left"].to_numpy()]]
        out["b_records"] = sizes[labels[grey["right"].to_numpy()]]
        out["record_pairs"] = grey["record_pairs"].to_numpy()
    if positions:
        out["_a_pos"], out["_b_pos"] = grey["left"].to_numpy(np.int64), grey["right"].to_numpy(np.int64)
    return out



def _one_per_golden_pair(grey: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """One suggestion per pair of golden records: the best record pair between them stands for
    the group (``record_pairs``: how many there are). Two golden records joined by three record
    pairs are one question, not three."""
    a, b = labels[grey["left"].to_numpy()], labels[grey["right"].to_numpy()]
    group = np.minimum(a, b).astype(np.int64) * (int(labels.max()) + 1 if len(labels) else 1) + np.maximum(a, b)
    order = np.lexsort((grey["right"].to_numpy(), grey["left"].to_numpy(), -grey["match_probability"].to_numpy(),
                        group))
    ranked = grey.iloc[order]
    first = np.r_[True, group[order][1:] != group[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    number = np.cumsum(first) - 1
    counts = np.bincount(number) if len(order) else np.zeros(0, dtype=np.int64)
    # A reviewer who decided any pair of the group decided the group.
    decided = np.bincount(number, weights=ranked["_decided"].to_numpy(dtype=np.float64)) > 0 if len(order) \
        else np.zeros(0, dtype=bool)
    return ranked[first].assign(record_pairs=counts, _decided=decided)


def queue_positions(frame: pd.DataFrame | pa.Table, name: str) -> np.ndarray:
    return column_values(frame, name).astype(np.int64, copy=False)



def carry_queue_as_arrow(stored: pa.Table, keep: np.ndarray, a_pos: np.ndarray, b_pos: np.ndarray,
                          fresh: pd.DataFrame, decided: set[str] | None) -> pa.Table:
    """The stored queue's rows ``keep`` (with this run's record positions) and tonight's ``fresh``
    suggestions as one Arrow table in queue order (probability down, then pair id)."""
    columns = [c for c in fresh.columns if not c.endswith("_pos")]
    carried = stored.filter(pa.array(keep)).select(columns).replace_schema_metadata(None)
    carried = carried.append_column("_a_pos", pa.array(a_pos, pa.int64())).append_column(
        "_b_pos", pa.array(b_pos, pa.int64()))
    if decided:
        carried = carried.filter(pc.invert(pc.is_in(carried["pair_id"], value_set=pa.array(sorted(decided), pa.string()))))
    tonight = frame_to_arrow(fresh[carried.column_names]).replace_schema_metadata(None)
    queue = pa.concat_tables([carried, tonight], promote_options="default")  # (an all-empty column: null type)
    # Both parts are in queue order already (the stored queue was): tonight's few are slotted in.
    ids = carried["pair_id"]
    order = merged_order(carried["match_probability"].to_numpy(), lambda lo, hi: ids.slice(lo, hi - lo).to_pylist(),
                         fresh["match_probability"].to_numpy(dtype=np.float64), fresh["pair_id"].to_numpy(dtype=object))
    if order is None:
        order = pc.sort_indices(queue, sort_keys=[("match_probability", "descending"), ("pair_id", "ascending")])
    return queue.take(order)


def queue_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["match_probability", "pair_id"], ascending=[False, True], kind="mergesort",
                             ignore_index=True)


def merge_queues(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two review queues, each in queue order (probability down, then pair id), as one queue
    in that order: the rows of ``second`` (tonight's few) are slotted into ``first`` (the
    carried ~million) by binary search instead of sorting a million pair ids again."""
    if not len(first) or not len(second):
        return queue_order(pd.concat([first, second], ignore_index=True))
    ids = first["pair_id"].to_numpy(dtype=object)
    order = merged_order(first["match_probability"].to_numpy(dtype=np.float64), lambda lo, hi: ids[lo:hi],
                         second["match_probability"].to_numpy(dtype=np.float64),
                         second["pair_id"].to_numpy(dtype=object))
    if order is None:  # not in queue order after all
        return queue_order(pd.concat([first, second], ignore_index=True))
    return renumbered(stacked([first, second]).take(order))


def merged_order(p1: np.ndarray, ids1, p2: np.ndarray, ids2: np.ndarray) -> np.ndarray | None:
    """The order of ``first`` + ``second`` (rows of second numbered after first's) in queue order,
    given each in queue order: probabilities ``p1``/``p2``, pair ids ``ids1(lo, hi)`` (first's
    ids in rows lo..hi, asked for only where probabilities tie) and ``ids2``. None when either
    is not in queue order."""
    d1, d2 = -p1, -p2
    if (np.diff(d1) < 0).any() or (np.diff(d2) < 0).any():
        return None
    lo, hi = np.searchsorted(d1, d2, "left"), np.searchsorted(d1, d2, "right")
    slot = lo.copy()
    tied: dict[tuple[int, int], object] = {}  # (scores are discrete: one run of equal ones serves many rows)
    for j in np.flatnonzero(hi > lo):  # same probability: by pair id among those
        span = (int(lo[j]), int(hi[j]))
        if span not in tied:
            tied[span] = ids1(*span)
        slot[j] = lo[j] + bisect.bisect_left(tied[span], ids2[j])
    # slot is non-decreasing (``second`` is in order): row j of second lands at slot[j] + j,
    # row i of first after the rows of second slotted at or before it.
    n1, n2 = len(p1), len(p2)
    order = np.empty(n1 + n2, dtype=np.int64)
    order[slot + np.arange(n2)] = n1 + np.arange(n2)
    ahead = np.searchsorted(slot, np.arange(n1), "right")
    order[np.arange(n1) + ahead] = np.arange(n1)
    return order


@dataclass
class ReviewQueue:
    """The review queue (``suggestions``: a DataFrame, or Arrow when carried over as Arrow) and each
    suggestion's two records as rows of the run's contacts (for the next snapshot)."""

    suggestions: pd.DataFrame | pa.Table
    positions: tuple[np.ndarray, np.ndarray]

    def frame(self) -> pd.DataFrame:
        return self.suggestions.to_pandas() if isinstance(self.suggestions, pa.Table) else self.suggestions


@dataclass
class CarriedQueue:
    """The stored queue (``_left``/``_right``: rows of the last snapshot's records) and which of its
    suggestions a run keeps with their records' positions in the run: (keep, a_pos, b_pos)."""

    stored: pd.DataFrame | pa.Table
    kept: tuple[np.ndarray, np.ndarray, np.ndarray]


def assemble_queue(fresh: pd.DataFrame, carried: CarriedQueue | None = None, decided: set[str] | None = None,
                   erased: pd.Index | None = None) -> ReviewQueue:
    """The run's queue: ``fresh`` suggestions (``merge_suggestions(..., positions=True)``) and the
    ``carried`` stored ones in queue order, without ``decided`` pairs and pairs touching
    ``erased`` records (erased people never reach a reviewer's screen).

    The queue stays Arrow when the stored one was (carried, merged and filtered as Arrow: a
    million suggestions are not turned into Python objects unless someone reads them)."""
    out = fresh
    if carried is not None:
        stored = carried.stored
        keep, a_pos, b_pos = carried.kept
        if isinstance(stored, pa.Table):
            try:
                out = carry_queue_as_arrow(stored, keep, a_pos, b_pos, fresh, decided)
            except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                log.info("review queue carried as pandas (%s)", exc)
                stored = stored.to_pandas()
        if not isinstance(stored, pa.Table):
            kept = renumbered(stored.loc[keep, [c for c in fresh.columns if not c.endswith("_pos")]])
            kept["_a_pos"], kept["_b_pos"] = a_pos, b_pos
            if decided:
                kept = kept[~kept["pair_id"].isin(decided)]
            out = merge_queues(kept, fresh)
    if erased is not None and len(erased):
        if isinstance(out, pa.Table):
            keys = pa.array(list(erased), pa.string())
            out = out.filter(pc.invert(pc.or_(pc.is_in(out["a_contact_key"], value_set=keys),
                                              pc.is_in(out["b_contact_key"], value_set=keys))))
        else:
            out = renumbered(out[~(out["a_contact_key"].isin(erased) | out["b_contact_key"].isin(erased))])
    if isinstance(out, pa.Table):
        at = (queue_positions(out, "_a_pos"), queue_positions(out, "_b_pos"))
        return ReviewQueue(out.drop_columns(["_a_pos", "_b_pos"]), at)
    at = (out.pop("_a_pos").to_numpy(), out.pop("_b_pos").to_numpy())
    return ReviewQueue(out, at)
