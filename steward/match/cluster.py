"""Clusters from scored pairs, without chaining different people together.

Plain connected components would join A and C whenever A~B and B~C, even when A
and C clearly contradict each other (different dates of birth, different first
names). Here every component of three or more records is checked: all pairs
inside it are scored, contradicting pairs become cannot-link constraints, and
the component is rebuilt greedily from its strongest links, never joining two
groups that a constraint separates. Reviewer decisions enter the same way:
approved pairs are must-links (applied first), rejected pairs cannot-links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from steward.match.blocking import pairs_within_groups

log = logging.getLogger("steward.match")

# Two records contradict each other when their own comparison says they are
# almost surely different people (e.g. different first names and dates of birth,
# despite a shared surname). Single fields are not enough on their own: sources
# do mistype a date of birth.
DEFAULT_CONTRADICTIONS: dict = {"below_probability": 0.01}
MODEL_RULES = ("below_probability", "below_evidence", "below_match_weight")  # rules that read the model's weights, not levels
# Components are checked pair by pair up to this size (n^2 pairs); larger ones are first cut into
# pieces this size by their strongest links (``_cut_oversized``). No person has 200 records: a
# component that large is a chain of people, through shared offices, switchboards and namesakes.
MAX_COMPONENT_FOR_ALL_PAIRS = 200


def connected_clusters(n_records: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cluster label per record (0..k-1); records without links are singletons."""
    if n_records == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n_records, n_records))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def contradictions(scored: pd.DataFrame, rules: dict) -> np.ndarray:
    """Pairs whose evidence says 'two different people'.

    ``rules``: ``below_match_weight`` (the pair's match weight is below it: ``below_evidence``,
    bits of the comparisons without the prior, as ``resolve_cannot_link`` turns it into a match
    weight), ``below_probability`` (the pair's own match probability is below it; with a small
    prior, a sparse pair of one person is below it too), ``<comparison>: [levels]`` (any of those levels is decisive on its own) and/or
    ``all_of: [{<comparison>: [levels], ...}, ...]`` (decisive when every comparison of one
    entry is at one of its levels: namesakes whose birth date, e-mail and phone all differ)."""
    flag = np.zeros(len(scored), dtype=bool)
    if "below_probability" in rules:
        flag |= scored["match_probability"].to_numpy() < float(rules["below_probability"])
    if "below_evidence" in rules:
        raise ValueError("cannot_link.below_evidence needs the model's prior: pass the rules through "
                         "resolve_cannot_link first")
    if "below_match_weight" in rules:
        flag |= scored["match_weight"].to_numpy(dtype=np.float64) < float(rules["below_match_weight"])
    for comparison, levels in rules.items():
        if comparison in MODEL_RULES + ("all_of",):
            continue
        flag |= _at_levels(scored, comparison, levels)
    for together in rules.get("all_of") or []:
        every = np.ones(len(scored), dtype=bool)
        for comparison, levels in together.items():
            every &= _at_levels(scored, comparison, levels)
        flag |= every
    return flag


def level_contradictions(scored: pd.DataFrame, rules: dict | None) -> np.ndarray:
    """``contradictions`` by the rules' comparison levels alone, without ``below_probability`` or
    ``below_evidence``: what the rules say of a pair whatever the model's m and u (the review
    queue leaves these pairs out; the training guard judges a fit by them)."""
    levels = {k: v for k, v in (rules or {}).items() if k not in MODEL_RULES}
    return contradictions(scored, levels) if levels else np.zeros(len(scored), dtype=bool)


def resolve_cannot_link(rules: dict | None, prior_weight: float) -> dict | None:
    """``rules`` with ``below_evidence`` (bits without the prior) as ``below_match_weight``: the
    match weight is the prior's weight plus the comparisons', and every engine has it per pair."""
    if not rules or "below_evidence" not in rules:
        return rules
    out = {k: v for k, v in rules.items() if k != "below_evidence"}
    out["below_match_weight"] = prior_weight + float(rules["below_evidence"])
    return out


def _at_levels(scored: pd.DataFrame, comparison: str, levels: list[str]) -> np.ndarray:
    column = f"{comparison}_level"
    if column not in scored.columns:
        return np.zeros(len(scored), dtype=bool)
    return scored[column].astype(str).isin(levels).to_numpy()


class _Groups:
    """Union-find over record ids with, per group, the records it must never join."""

    def __init__(self, members: Iterable[int]):
        self.parent = {m: m for m in members}
        self.members = {m: {m} for m in self.parent}
        self.forbidden: dict[int, set[int]] = {m: set() for m in self.parent}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.forbidden[self.find(a)].add(b)
        self.forbidden[self.find(b)].add(a)

    def union(self, a: int, b: int, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and (self.forbidden[ra] & self.members[rb] or self.forbidden[rb] & self.members[ra]):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.forbidden[ra] |= self.forbidden.pop(rb)
        return True


def graph_components(n_records: int, scored: pd.DataFrame, match_threshold: float,
                     must_link: pd.DataFrame | None = None, cannot_link: pd.DataFrame | None = None) -> np.ndarray:
    """Components of the match graph: pairs at or above the threshold, without reviewers'
    cannot-links, plus their must-links. ``safe_clusters`` repairs components from here;
    incremental runs keep them to know what a change can reach."""
    edges = scored["match_probability"].to_numpy() >= match_threshold
    left, right = scored["left"].to_numpy(np.int64)[edges], scored["right"].to_numpy(np.int64)[edges]
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    if cannot_link is not None and len(cannot_link):
        cl, cr = cannot_link["left"].to_numpy(np.int64), cannot_link["right"].to_numpy(np.int64)
        allowed = ~np.isin(lo * n_records + hi, np.minimum(cl, cr) * n_records + np.maximum(cl, cr))
        lo, hi = lo[allowed], hi[allowed]
    if must_link is not None and len(must_link):
        lo = np.concatenate([lo, must_link["left"].to_numpy(np.int64)])
        hi = np.concatenate([hi, must_link["right"].to_numpy(np.int64)])
    return connected_clusters(n_records, lo, hi)


def _seeded_groups(members: np.ndarray, forbidden: Iterable[tuple[int, int]], forced: pd.DataFrame) -> _Groups:
    """Union-find over ``members`` with the ``forbidden`` pairs among them kept apart and the
    reviewers' ``forced`` (must-link) pairs already joined: a reviewer's approval wins over
    automatic evidence."""
    groups = _Groups(members.tolist())
    for x, y in forbidden:
        if x in groups.parent and y in groups.parent:
            groups.forbid(x, y)
    for x, y in forced[["left", "right"]].astype(np.int64).itertuples(index=False):
        if x in groups.parent and y in groups.parent:
            groups.union(int(x), int(y), force=True)
    return groups


def _relabelled(labels: np.ndarray, members: np.ndarray, groups: _Groups) -> np.ndarray:
    """``labels`` with each group of ``members`` as a cluster of its own, numbered densely 0..k-1."""
    labels = labels.copy()
    next_label, roots = labels.max() + 1, {}
    for member in members.tolist():
        root = groups.find(member)
        if root not in roots:
            roots[root], next_label = next_label, next_label + 1
        labels[member] = roots[root]
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


def _cut_oversized(labels: np.ndarray, strong: pd.DataFrame, must_link: pd.DataFrame,
                   banned: set[tuple[int, int]], limit: int) -> tuple[np.ndarray, list[dict]]:
    """Components above ``limit`` records rebuilt from their strongest links, best first, never
    past ``limit`` records: each piece can then be checked pair by pair like any component.
    (labels, links refused for size). Reviewers' approvals join first, whatever the size."""
    sizes = np.bincount(labels)
    oversized = sizes > limit
    if not oversized.any():
        return labels, []
    members = np.flatnonzero(oversized[labels])
    groups = _seeded_groups(members, banned, must_link)
    inside = strong[oversized[labels[strong["left"].to_numpy(np.int64)]]]
    inside = inside.sort_values(["match_weight", "left", "right"], ascending=[False, True, True], kind="mergesort")
    refused = []
    for x, y in inside[["left", "right"]].astype(np.int64).itertuples(index=False):
        rx, ry = groups.find(int(x)), groups.find(int(y))
        if rx != ry and len(groups.members[rx]) + len(groups.members[ry]) > limit:
            refused.append({"left": int(x), "right": int(y),
                            "reason": f"would chain more than {limit} records into one golden record"})
            continue
        groups.union(int(x), int(y))
    pieces = len({groups.find(member) for member in members.tolist()})
    log.info("clustering cut %d components of more than %d records into %d pieces",
             int(oversized.sum()), limit, pieces)
    return _relabelled(labels, members, groups), refused


def _unscored_pairs(labels: np.ndarray, member_ids: np.ndarray, inside: pd.DataFrame,
                    n_records: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs within each component of ``member_ids`` (components up to
    MAX_COMPONENT_FOR_ALL_PAIRS records) that ``inside`` has not scored."""
    left, right = pairs_within_groups(labels, member_ids, MAX_COMPONENT_FOR_ALL_PAIRS)
    il, ir = inside["left"].to_numpy(np.int64), inside["right"].to_numpy(np.int64)
    known = np.minimum(il, ir) * n_records + np.maximum(il, ir)
    new = ~np.isin(left * n_records + right, known)
    return left[new], right[new]


def safe_clusters(
    n_records: int,
    scored: pd.DataFrame,
    match_threshold: float,
    score_pairs_fn=None,
    contradiction_rules: dict[str, list[str]] | None = None,
    must_link: pd.DataFrame | None = None,
    cannot_link: pd.DataFrame | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Cluster labels per record plus a table of the links that were refused.

    ``scored``: left, right, match_weight, match_probability and <comparison>_level columns.
    ``score_pairs_fn(pairs) -> scored frame`` scores extra pairs inside suspicious components.
    """
    rules = DEFAULT_CONTRADICTIONS if contradiction_rules is None else contradiction_rules
    must_link = must_link if must_link is not None else pd.DataFrame({"left": [], "right": []})
    cannot_link = cannot_link if cannot_link is not None else pd.DataFrame({"left": [], "right": []})
    banned = {(min(a, b), max(a, b)) for a, b in cannot_link[["left", "right"]].astype(int).itertuples(index=False)}

    labels = graph_components(n_records, scored, match_threshold, must_link, cannot_link)
    strong_pairs = scored[scored["match_probability"].to_numpy() >= match_threshold]
    labels, refused = _cut_oversized(labels, strong_pairs, must_link, banned, MAX_COMPONENT_FOR_ALL_PAIRS) \
        if len(labels) else (labels, [])
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    suspicious = np.flatnonzero(sizes >= 3)
    # A link that is itself a contradiction (a household: same inbox, different first names) is
    # refused wherever it is, two-record components included.
    direct = contradictions(strong_pairs, rules)
    if direct.any():
        suspicious = np.union1d(suspicious, labels[strong_pairs["left"].to_numpy(np.int64)[direct]])
    # Components touched by a reviewer's cannot-link must be rebuilt too.
    for a, b in banned:
        if labels[a] == labels[b]:
            suspicious = np.union1d(suspicious, [labels[a]])
    if len(suspicious) == 0:
        return labels, pd.DataFrame(refused, columns=["left", "right", "reason"])

    in_suspicious = np.isin(labels, suspicious)
    member_ids = np.flatnonzero(in_suspicious)
    inside = scored[in_suspicious[scored["left"].to_numpy()] & in_suspicious[scored["right"].to_numpy()]]
    # Every pair inside each suspicious component (bounded), scored once: pairs as int64 keys
    # (left * n + right, left < right) and numpy set operations, not a Python set of all pairs.
    extra_left, extra_right = _unscored_pairs(labels, member_ids, inside, n_records)
    if len(extra_left) and score_pairs_fn is not None:
        extra = score_pairs_fn(pd.DataFrame({"left": extra_left, "right": extra_right}, dtype=np.int64))
        inside = pd.concat([inside, extra], ignore_index=True)
    inside = inside[labels[inside["left"].to_numpy()] == labels[inside["right"].to_numpy()]]

    bad = contradictions(inside, rules)
    contradicting = inside.loc[bad, ["left", "right"]].astype(int).itertuples(index=False)
    groups = _seeded_groups(member_ids, [*contradicting, *banned], must_link)
    strong = inside[inside["match_probability"] >= match_threshold].sort_values(
        ["match_weight", "left", "right"], ascending=[False, True, True], kind="mergesort"
    )
    for x, y, weight in strong[["left", "right", "match_weight"]].itertuples(index=False):
        if not groups.union(int(x), int(y)):
            refused.append({"left": int(x), "right": int(y), "reason": "would join records that contradict each other"})

    if refused:
        log.info("clustering refused %d links that would chain different people", len(refused))
    return _relabelled(labels, member_ids, groups), pd.DataFrame(refused, columns=["left", "right", "reason"])


def cluster_records(contacts: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """contact_key, source, record_id, cluster, cluster_size for every record (labels aligned to contacts)."""
    out = contacts[["contact_key", "source", "record_id"]].copy()
    out["cluster"] = np.asarray(labels, dtype=np.int64)
    out["cluster_size"] = out.groupby("cluster")["cluster"].transform("size")
    return out
