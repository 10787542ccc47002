"""Fellegi-Sunter style scoring: each comparison level carries m and u
probabilities (from ``rules/matching.yaml``); a pair's match weight is the prior
log-odds plus log2(m/u) of every level it fell into.

``score_chunk`` is the hot path: a pure function of a chunk of candidate pairs
and the two aligned record frames, with no global state.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.matching.comparisons import MISSING, Comparison, build_comparison

log = logging.getLogger("steward.matching")


@dataclass
class MatchModel:
    comparisons: list[Comparison]
    weights: dict[str, np.ndarray]  # comparison name -> log2(m/u) per level
    prior: float  # probability that a candidate pair is a match before looking at it
    match_threshold: float  # at or above: merged automatically
    review_threshold: float  # between the two: a merge suggestion for review

    @classmethod
    def from_config(cls, config: dict) -> "MatchModel":
        comparisons, weights = [], {}
        for spec in config.get("comparisons") or []:
            comparison = build_comparison(spec)
            m, u = spec.get("m") or {}, spec.get("u") or {}
            level_weights = []
            for level in comparison.levels:
                if level == MISSING:
                    level_weights.append(0.0)  # no evidence either way
                    continue
                if level not in m or level not in u:
                    raise ValueError(
                        f"rules/matching.yaml: comparison {comparison.name!r} needs m and u for level {level!r}"
                    )
                level_weights.append(math.log2(float(m[level]) / float(u[level])))
            comparisons.append(comparison)
            weights[comparison.name] = np.array(level_weights, dtype=np.float32)
        if not comparisons:
            raise ValueError("rules/matching.yaml: at least one comparison is required")
        thresholds = config.get("thresholds") or {}
        match_t = float(thresholds.get("match", 0.95))
        review_t = float(thresholds.get("review", 0.5))
        if not 0 < review_t <= match_t < 1:
            raise ValueError("rules/matching.yaml: need 0 < thresholds.review <= thresholds.match < 1")
        return cls(comparisons, weights, float(config.get("prior_match_probability", 0.01)), match_t, review_t)

    @property
    def needed_columns(self) -> list[str]:
        cols: list[str] = []
        for comparison in self.comparisons:
            cols += [c for c in comparison.columns() if c not in cols]
        return cols

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))


def score_chunk(left: pd.DataFrame, right: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """Levels, weights and the match probability for aligned left/right records."""
    out: dict[str, object] = {}
    total = np.full(len(left), model.prior_weight, dtype=np.float64)
    for comparison in model.comparisons:
        level_index = comparison.compute(left, right)
        weight = model.weights[comparison.name][level_index]
        out[f"{comparison.name}_level"] = pd.Categorical.from_codes(level_index, categories=list(comparison.levels))
        out[f"{comparison.name}_weight"] = weight
        total += weight
    out["match_weight"] = total
    out["match_probability"] = 1.0 / (1.0 + np.exp2(-total))
    return pd.DataFrame(out)


def score_pairs(contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel, chunk_size: int = 250_000) -> pd.DataFrame:
    """Score candidate pairs chunk by chunk (memory stays bounded by the chunk size)."""
    columns = model.needed_columns
    missing = [c for c in columns if c not in contacts.columns]
    if missing:
        raise ValueError(f"rules/matching.yaml: comparisons use unknown column(s) {missing}")
    records = contacts[columns].reset_index(drop=True)
    chunks = []
    for start in range(0, len(pairs), chunk_size):
        chunk = pairs.iloc[start : start + chunk_size]
        left = records.iloc[chunk["left"].to_numpy()].reset_index(drop=True)
        right = records.iloc[chunk["right"].to_numpy()].reset_index(drop=True)
        scored = score_chunk(left, right, model)
        chunks.append(pd.concat([chunk.reset_index(drop=True), scored], axis=1))
        log.info("scored %d / %d pairs", min(start + chunk_size, len(pairs)), len(pairs))
    if not chunks:
        empty = score_chunk(records.iloc[:0], records.iloc[:0], model)
        return pd.concat([pairs.reset_index(drop=True), empty], axis=1)
    return pd.concat(chunks, ignore_index=True)


def classify(scored: pd.DataFrame, model: MatchModel) -> pd.Series:
    """'match' / 'review' / 'non_match' per scored pair."""
    p = scored["match_probability"].to_numpy()
    return pd.Series(
        np.select([p >= model.match_threshold, p >= model.review_threshold], ["match", "review"], "non_match"),
        index=scored.index,
    )


def explain_pair(row: pd.Series, model: MatchModel) -> list[dict]:
    """Field-by-field evidence for one scored pair, strongest first (a waterfall)."""
    steps = []
    for comparison in model.comparisons:
        level = str(row[f"{comparison.name}_level"])
        weight = float(row[f"{comparison.name}_weight"])
        steps.append({"field": comparison.name, "level": level, "weight": round(weight, 2), "why": comparison.explain(level)})
    steps.sort(key=lambda s: -abs(s["weight"]))
    return steps


def explanation_text(row: pd.Series, model: MatchModel, top: int = 4) -> str:
    """One line a sales-ops person can read: the strongest evidence for and against."""
    parts = []
    for step in explain_pair(row, model)[:top]:
        if step["weight"] == 0:
            continue
        sign = "+" if step["weight"] > 0 else "−"
        parts.append(f"{sign} {step['why']} ({step['weight']:+.1f})")
    return "; ".join(parts)
