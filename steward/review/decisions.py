"""Reviewer decisions on merge suggestions and golden records.

Sales ops decide on the grey-zone pairs of the latest run (the review queue):
approve (same person) or reject (different people). They can also confirm a
whole golden record, or split records off one (unmerge). Every decision is
stored with the reviewer, the time, the note and the score at decision time; that
table is the merge audit log, and every later run turns it into hard links:
approved/confirmed = must-link, rejected/split = cannot-link. Links name records
by ``contact_key`` (source:record_id), not by score, so they hold after the
model or the thresholds change.

A request is checked as a whole before anything is stored: one unknown or stale
id refuses the request, with every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from steward.errors import StewardError
from steward.schema import contact_key
from steward.state.store import REVIEW_DECISIONS, REVIEW_QUEUE, StateStore

DECISION_COLUMNS = ["decision_id", "decided_at", "reviewer", "note", "action", "pair_id", "left_key", "right_key",
                    "golden_id", "match_probability", "explanation"]
QUEUE_COLUMNS = ["pair_id", "a_contact_key", "b_contact_key", "match_probability", "explanation"]
MUST_LINK_ACTIONS = ("approve", "confirm")
CANNOT_LINK_ACTIONS = ("reject", "split")


class ReviewError(StewardError, ValueError):
    """A review request that cannot be applied; nothing was stored."""


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass
class ReviewRequest:
    reviewer: str
    note: str = ""
    approve: list[str] = field(default_factory=list)  # pair ids from the review queue
    reject: list[str] = field(default_factory=list)
    confirm: list[str] = field(default_factory=list)  # golden ids: all their records are one person
    split: list[dict] = field(default_factory=list)  # {golden_id, records: [contact keys]}: these are someone else

    @property
    def empty(self) -> bool:
        return not (self.approve or self.reject or self.confirm or self.split)


def queue_pair_id(pair_id: str, queued: pd.Index) -> str:
    """``pair_id`` as the queue spells it: blanks trimmed, and the two records in the queue's order
    (``b~a`` is the pair ``a~b``)."""
    pid = str(pair_id).strip()
    if pid in queued or "~" not in pid:
        return pid
    a, _, b = pid.partition("~")
    flipped = f"{b.strip()}~{a.strip()}"
    return flipped if flipped in queued else f"{a.strip()}~{b.strip()}"


def _nearest(pair_id: str, queued: pd.Index) -> str:
    """"; did you mean '<id>'?" with the queued pair id closest to a mistyped one, or a pointer to
    where the ids are when none is close."""
    if not len(queued):
        return " (the queue is empty: nothing awaits review)"
    best = process.extractOne(pair_id, [str(q) for q in queued], scorer=fuzz.ratio, score_cutoff=60)
    if best:
        return f"; did you mean {best[0]!r}?"
    return f" ({len(queued)} pairs wait; use the Approve / Reject links of merge_suggestions)"


def decisions_for(request: ReviewRequest, queue: pd.DataFrame, crosswalk: pd.DataFrame,
                  decided_at: str | None = None, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate a request against the current review queue and golden crosswalk.

    Returns the decision rows to store (without ``decision_id``); raises
    ReviewError listing every problem when any id is unknown or stale."""
    problems: list[str] = []
    if not (request.reviewer or "").strip():
        problems.append("reviewer is required: say who decided")
    if request.empty:
        problems.append("nothing to decide: give approve, reject, confirm or split")
    by_pair = queue.set_index("pair_id") if len(queue) else pd.DataFrame(columns=QUEUE_COLUMNS).set_index("pair_id")
    # Ids as a person pastes them: blanks around them and either record first are the same pair.
    # (and one id given twice, in either spelling, is one decision)
    request = replace(request, approve=list(dict.fromkeys(queue_pair_id(p, by_pair.index) for p in request.approve)),
                      reject=list(dict.fromkeys(queue_pair_id(p, by_pair.index) for p in request.reject)))
    earlier = {}
    if previous is not None and len(previous):
        for row in previous.sort_values("decision_id").itertuples(index=False):
            earlier[row.pair_id] = f"{row.action} by {row.reviewer} at {row.decided_at}"
    both = sorted(set(request.approve) & set(request.reject))
    if both:
        problems.append(f"pair id(s) both approved and rejected: {both}")
    for pid in [*request.approve, *request.reject]:
        if pid not in by_pair.index and pid in earlier:
            # A link from a queue opened before another decision: the pair is settled already.
            problems.append(f"pair id {pid!r} was decided already ({earlier[pid]}) and left the queue")
        elif pid not in by_pair.index:
            problems.append(f"unknown pair id {pid!r}: not in the review queue{_nearest(pid, by_pair.index)}")
    if "contact_key" not in crosswalk.columns and len(crosswalk):
        crosswalk = crosswalk.assign(contact_key=contact_key(crosswalk))
    members = crosswalk.groupby("golden_id")["contact_key"].apply(sorted).to_dict() if len(crosswalk) else {}
    for gid in request.confirm:
        if gid not in members:
            problems.append(f"unknown golden id {gid!r} to confirm: not in the current golden records")
        elif len(members[gid]) < 2:
            problems.append(f"golden id {gid!r} has a single record: nothing to confirm")
    for item in request.split:
        gid, records = item.get("golden_id"), list(item.get("records") or [])
        if gid not in members:
            problems.append(f"unknown golden id {gid!r} to split: not in the current golden records")
            continue
        strangers = sorted(set(records) - set(members[gid]))
        if strangers:
            problems.append(f"split {gid}: record(s) {strangers} are not members (members: {members[gid]})")
        if not records or set(records) >= set(members[gid]):
            problems.append(f"split {gid}: name some but not all of its records {members[gid]}")
    if problems:
        # One line: it is what the reviewer reads first, in the run's failure and at the terminal.
        raise ReviewError("review request refused, nothing was applied: " + "; ".join(problems))

    at = decided_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = []
    for action, ids in (("approve", request.approve), ("reject", request.reject)):
        for pid in ids:
            entry = by_pair.loc[pid]
            left, right = pair_key(str(entry["a_contact_key"]), str(entry["b_contact_key"]))
            rows.append({"action": action, "pair_id": pid, "left_key": left, "right_key": right, "golden_id": None,
                         "match_probability": float(entry["match_probability"]),
                         "explanation": str(entry.get("explanation", ""))})
    for gid in request.confirm:
        keys = members[gid]
        # A chain is enough: must-links are transitive.
        for a, b in zip(keys[:-1], keys[1:]):
            rows.append({"action": "confirm", "pair_id": f"{a}~{b}", "left_key": a, "right_key": b, "golden_id": gid,
                         "match_probability": np.nan, "explanation": f"golden record {gid} confirmed as one person"})
    for item in request.split:
        gid, split_off = item["golden_id"], sorted(set(item["records"]))
        rest = [k for k in members[gid] if k not in split_off]
        for a in split_off:
            for b in rest:
                left, right = pair_key(a, b)
                rows.append({"action": "split", "pair_id": f"{left}~{right}", "left_key": left, "right_key": right,
                             "golden_id": gid, "match_probability": np.nan,
                             "explanation": f"split off golden record {gid}"})
        for a, b in zip(split_off[:-1], split_off[1:]):
            # The records split off stay together: they were named as one other person.
            rows.append({"action": "confirm", "pair_id": f"{a}~{b}", "left_key": a, "right_key": b, "golden_id": gid,
                         "match_probability": np.nan, "explanation": f"split off golden record {gid} together"})
    out = pd.DataFrame(rows)
    out.insert(0, "decided_at", at)
    out.insert(1, "reviewer", request.reviewer.strip())
    out.insert(2, "note", request.note or "")
    return out


def record_decisions(store: StateStore, request: ReviewRequest, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Validate against the stored review queue and append to the decisions log (one transaction)."""
    queue = store.read(REVIEW_QUEUE, QUEUE_COLUMNS)
    previous = store.read(REVIEW_DECISIONS, DECISION_COLUMNS)
    rows = decisions_for(request, queue, crosswalk, previous=previous)
    start = int(previous["decision_id"].max()) + 1 if len(previous) else 1
    rows.insert(0, "decision_id", np.arange(start, start + len(rows), dtype=np.int64))
    store.append(REVIEW_DECISIONS, rows[DECISION_COLUMNS])
    return rows[DECISION_COLUMNS]


def load_decisions(store: StateStore | None) -> pd.DataFrame:
    if store is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS})
    return store.read(REVIEW_DECISIONS, DECISION_COLUMNS)


def current_links(decisions: pd.DataFrame) -> pd.DataFrame:
    """The latest decision per record pair (a later decision overrides an earlier one)."""
    if decisions.empty:
        return pd.DataFrame(columns=["left_key", "right_key", "action"])
    ordered = decisions.sort_values("decision_id", kind="mergesort")
    return ordered.drop_duplicates(["left_key", "right_key"], keep="last")[["left_key", "right_key", "action"]]


def links_for(decisions: pd.DataFrame, contacts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(must_link, cannot_link) as row positions in ``contacts``.

    Decisions about records that are not in this run (deleted or erased) are skipped."""
    links = current_links(decisions)
    position = pd.Series(np.arange(len(contacts)), index=contacts["contact_key"].to_numpy())
    left = links["left_key"].map(position)
    right = links["right_key"].map(position)
    present = left.notna() & right.notna()
    frame = pd.DataFrame({"left": left[present].astype(np.int64), "right": right[present].astype(np.int64),
                          "action": links.loc[present, "action"]})
    must = frame[frame["action"].isin(MUST_LINK_ACTIONS)][["left", "right"]].reset_index(drop=True)
    cannot = frame[frame["action"].isin(CANNOT_LINK_ACTIONS)][["left", "right"]].reset_index(drop=True)
    return must, cannot


def decided_pair_ids(decisions: pd.DataFrame) -> set[str]:
    """Pairs somebody already decided on: they leave the review queue."""
    if decisions.empty:
        return set()
    return {f"{a}~{b}" for a, b in zip(decisions["left_key"], decisions["right_key"])} | set(decisions["pair_id"])
