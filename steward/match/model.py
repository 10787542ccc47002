"""Fellegi-Sunter scoring.

Every comparison level carries m = P(level | same person) and
u = P(level | different people); a pair's match weight is the prior log-odds
plus log2(m/u) of every level it fell into. m and u start from
``rules/matching.yaml`` and are re-estimated from the data itself without labels
(``MatchModel.fit``: u from random record pairs, m and the prior by EM over the
candidate pairs; see steward/match/training.py).

Term-frequency adjustment: for comparisons marked ``term_frequency: true`` an
exact agreement is weighted by how common the value is — u becomes the share of
records holding that value — so "Smith" = "Smith" counts less than
"Wojciechowska" = "Wojciechowska".

``score_chunk`` is the hot path: a pure function of aligned record chunks (the
left and right record of each pair) and the model; no global state, so it runs
unchanged inside Spark's ``applyInPandas``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings, parse_matching
from steward.frames import renumbered
from steward.progress import report
from steward.match.cluster import resolve_cannot_link
from steward.match.comparisons import DIFFERENT, MISSING, MOVED, Comparison, build_comparison, check_moves, counted_once
from steward.match.prepared import PairSide, prepare_text

log = logging.getLogger("steward.match")

PROB_FLOOR = 1e-6  # m and u are clipped into [floor, 1 - floor]: log2 of 0 is no evidence anyone can explain
TF_SUFFIX = "__tf"


@dataclass
class MatchModel:
    comparisons: list[Comparison]
    m: dict[str, np.ndarray]  # comparison name -> P(level | match) per level
    u: dict[str, np.ndarray]  # comparison name -> P(level | non-match) per level
    prior: float  # probability that a candidate pair is a match before looking at it
    match_threshold: float  # at or above: merged automatically
    review_threshold: float  # between the two: a merge suggestion for review
    term_frequency: dict[str, str] = field(default_factory=dict)  # comparison name -> column whose value frequency adjusts "exact"
    tf_minimum: float = 0.0001
    training: dict = field(default_factory=dict)
    clustering: dict = field(default_factory=dict)
    fitted: dict = field(default_factory=dict)  # what fit() did, for the UI and model.json
    # Comparisons of which one must agree exactly for a move to count once (rules/matching.yaml moves).
    moved_when_exact: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: MatchingSettings | Mapping) -> "MatchModel":
        """The configured model: rules/matching.yaml's settings (or the file's mapping)."""
        settings = parse_matching(config)
        comparisons, m_all, u_all, tf = [], {}, {}, {}
        moves = settings.moves
        for spec in settings.comparisons:
            options = dict(spec.options)
            if moves and spec.name in moves.places[1:]:
                options["counted_with"] = list(moves.places[:moves.places.index(spec.name)])
            comparison = build_comparison({"name": spec.name, "kind": spec.kind, **options})
            m_levels, u_levels = [], []
            for level in comparison.levels:
                if level == MISSING or level in comparison.neutral:
                    m_levels.append(1.0)  # placeholder: the missing level always weighs 0
                    u_levels.append(1.0)
                    continue
                if level == MOVED and level not in spec.m:  # (estimated; weighs nothing anyway)
                    m_levels.append(float(spec.m.get(DIFFERENT, 0.1)))
                    u_levels.append(float(spec.u.get(DIFFERENT, 0.9)))
                    continue
                if level not in spec.m or level not in spec.u:
                    raise ValueError(
                        f"rules/matching.yaml: comparison {comparison.name!r} needs m and u for level {level!r}"
                    )
                m_levels.append(float(spec.m[level]))
                u_levels.append(float(spec.u[level]))
            comparisons.append(comparison)
            m_all[comparison.name] = np.array(m_levels, dtype=np.float64)
            u_all[comparison.name] = np.array(u_levels, dtype=np.float64)
            if spec.term_frequency:
                tf[comparison.name] = comparison.columns()[0]
        if moves:
            check_moves(comparisons, moves.places, moves.when_exact)
        return cls(
            comparisons, m_all, u_all, float(settings.prior_match_probability), settings.thresholds.match,
            settings.thresholds.review, term_frequency=tf, training=dict(settings.training),
            clustering=dict(settings.clustering), moved_when_exact=moves.when_exact if moves else (),
        )

    # -- weights ---------------------------------------------------------------------------
    def level_weights(self, name: str) -> np.ndarray:
        comparison = next(c for c in self.comparisons if c.name == name)
        m = np.clip(self.m[name], PROB_FLOOR, 1 - PROB_FLOOR)
        u = np.clip(self.u[name], PROB_FLOOR, 1 - PROB_FLOOR)
        weights = np.log2(m / u)
        weights[comparison.weightless_levels()] = 0.0
        return weights.astype(np.float32)

    @property
    def needed_columns(self) -> list[str]:
        cols: list[str] = []
        for comparison in self.comparisons:
            cols += [c for c in comparison.columns() + comparison.number_columns() if c not in cols]
        cols += [column + TF_SUFFIX for column in dict.fromkeys(self.term_frequency.values())]
        return cols

    @property
    def needed_columns_base(self) -> list[str]:
        """Columns of the normalised contacts the comparisons read (without derived TF columns)."""
        return [c for c in self.needed_columns if not c.endswith(TF_SUFFIX)]

    @property
    def prior_weight(self) -> float:
        p = min(max(self.prior, PROB_FLOOR), 1 - PROB_FLOOR)
        return math.log2(p / (1 - p))

    @property
    def contradiction_rules(self) -> dict | None:
        """``clustering.cannot_link`` as ``safe_clusters`` reads it: ``below_evidence`` (bits
        without the prior) turned into a match weight with this model's prior."""
        return resolve_cannot_link((self.clustering or {}).get("cannot_link"), self.prior_weight)

    # -- scikit-learn style ----------------------------------------------------------------
    def predict(self, contacts: pd.DataFrame, pairs: pd.DataFrame, chunk_size: int = 250_000) -> pd.DataFrame:
        return score_pairs(contacts, pairs, self, chunk_size)

    def with_parameters(self, m: dict, u: dict, prior: float, fitted: dict) -> "MatchModel":
        return replace(self, m=m, u=u, prior=prior, fitted=fitted)

    def to_dict(self) -> dict:
        """Everything needed to explain a score later (written beside a run's outputs)."""
        return {
            "prior_match_probability": self.prior,
            "thresholds": {"match": self.match_threshold, "review": self.review_threshold},
            "term_frequency": self.term_frequency,
            "fitted": self.fitted,
            "comparisons": [
                {
                    "name": c.name,
                    "levels": list(c.levels),
                    "m": [round(float(x), 6) for x in self.m[c.name]],
                    "u": [round(float(x), 6) for x in self.u[c.name]],
                    "weights": [round(float(x), 3) for x in self.level_weights(c.name)],
                }
                for c in self.comparisons
            ],
        }

    def parameters_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.comparisons:
            weights = self.level_weights(c.name)
            for i, level in enumerate(c.levels):
                rows.append({"comparison": c.name, "level": level, "m": float(self.m[c.name][i]),
                             "u": float(self.u[c.name][i]), "weight": float(weights[i]), "meaning": c.explain(level)})
        return pd.DataFrame(rows)

    def load_parameters(self, saved: dict) -> "MatchModel":
        m = {c["name"]: np.array(c["m"], dtype=np.float64) for c in saved["comparisons"]}
        u = {c["name"]: np.array(c["u"], dtype=np.float64) for c in saved["comparisons"]}
        return self.with_parameters(m, u, float(saved["prior_match_probability"]), saved.get("fitted", {}))

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def add_term_frequencies(contacts: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """Add ``<column>__tf``: the share of records (with a value) holding this record's value.
    A frequency already there is kept: it was counted over all records, and these may be a few of
    them (one graph component, in a Spark task)."""
    out = contacts
    for column in dict.fromkeys(model.term_frequency.values()):
        if column + TF_SUFFIX in contacts.columns:
            continue
        values = contacts[column]
        freq = values.value_counts(normalize=True)
        out = out.assign(**{column + TF_SUFFIX: values.map(freq).astype(np.float64)})
    return out


def comparison_levels(left: pd.DataFrame, right: pd.DataFrame, model: MatchModel) -> dict[str, np.ndarray]:
    return counted_once({c.name: c.compute(left, right) for c in model.comparisons}, model.comparisons,
                        model.moved_when_exact)


def pair_weights(levels: dict[str, np.ndarray], left: pd.DataFrame, model: MatchModel) -> dict[str, np.ndarray]:
    """Per-comparison weights for each pair, with term-frequency adjustment of exact agreements."""
    weights = {}
    for comparison in model.comparisons:
        index = levels[comparison.name]
        w = model.level_weights(comparison.name)[index]
        column = model.term_frequency.get(comparison.name)
        if column is not None and "exact" in comparison.levels:
            exact = index == comparison.levels.index("exact")
            if exact.any():
                # Both sides hold the same value, so the left side's frequency is the value's.
                tf = left[column + TF_SUFFIX].to_numpy(dtype=np.float64)[exact]
                m_exact = min(max(model.m[comparison.name][comparison.levels.index("exact")], PROB_FLOOR), 1 - PROB_FLOOR)
                w = w.astype(np.float32, copy=True)
                w[exact] = np.log2(m_exact / np.maximum(np.nan_to_num(tf, nan=1.0), model.tf_minimum))
        weights[comparison.name] = w
    return weights


def same_parameters(a: MatchModel, b: MatchModel) -> bool:
    """Same prior, m and u: the two score every pair alike."""
    return a.prior == b.prior and set(a.m) == set(b.m) and all(
        np.array_equal(a.m[k], b.m[k]) and np.array_equal(a.u[k], b.u[k]) for k in a.m)


def reweighted(scored: pd.DataFrame, model: MatchModel) -> pd.DataFrame | None:
    """``scored`` (pairs with their ``<comparison>_level`` columns, from any model with the same
    comparisons) weighed with ``model``'s m, u and prior: levels depend on the comparisons only,
    so a re-estimated model need not compare the records again. The same numbers as
    ``score_chunk``. None with term-frequency adjustment (weights then depend on the values)."""
    if model.term_frequency:
        return None
    scores = level_scores({c.name: scored[f"{c.name}_level"].cat.codes.to_numpy() for c in model.comparisons},
                          len(scored), model)
    stale = [c for c in scored.columns if (c.endswith("_weight") or c == "match_probability") and c not in scores]
    if stale:
        raise KeyError(stale)
    # The other columns (pairs, levels) are shared with ``scored``, not copied, and the frame is
    # not consolidated: on millions of pairs two copies of every column were this stage's peak.
    return pd.DataFrame({c: scores[c] if c in scores else scored[c] for c in scored.columns},
                        index=scored.index, copy=False)


def level_scores(codes: dict[str, np.ndarray], n: int, model: MatchModel) -> dict[str, np.ndarray]:
    """``<comparison>_weight``, ``match_weight`` and ``match_probability`` of ``n`` pairs from their
    level codes (comparison -> code per pair), without term-frequency adjustment: the same
    numbers, added in the same order, as ``score_chunk``."""
    out: dict[str, np.ndarray] = {}
    total = np.full(n, model.prior_weight, dtype=np.float64)
    for comparison in model.comparisons:
        weights = model.level_weights(comparison.name)[np.asarray(codes[comparison.name], dtype=np.int64)]
        out[f"{comparison.name}_weight"] = weights
        total += weights
    out["match_weight"] = total
    out["match_probability"] = 1.0 / (1.0 + np.exp2(-total))
    return out


def score_chunk(left: pd.DataFrame, right: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """Levels, weights and the match probability for aligned left/right records."""
    levels = comparison_levels(left, right, model)
    weights = pair_weights(levels, left, model)
    out: dict[str, object] = {}
    total = np.full(len(left), model.prior_weight, dtype=np.float64)
    for comparison in model.comparisons:
        out[f"{comparison.name}_level"] = pd.Categorical.from_codes(levels[comparison.name], categories=list(comparison.levels))
        out[f"{comparison.name}_weight"] = weights[comparison.name]
        total += weights[comparison.name]
    out["match_weight"] = total
    out["match_probability"] = 1.0 / (1.0 + np.exp2(-total))
    return pd.DataFrame(out, copy=False)


def records_for(contacts: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    base = model.needed_columns_base
    missing = [c for c in base if c not in contacts.columns]
    if missing:
        raise ValueError(f"rules/matching.yaml: comparisons use unknown column(s) {missing}")
    counted = [c for c in model.needed_columns if c.endswith(TF_SUFFIX) and c in contacts.columns]
    # Records prepared before (Spark sends them so) keep their prepared columns: their text holds ''
    # for a missing value, and only ``__present`` still tells the two apart.
    prepared = [c for c in contacts.columns if "__" in c and c.split("__", 1)[0] in base and c not in counted]
    records = add_term_frequencies(renumbered(contacts[base + counted + prepared]), model)
    numbers = {c for comparison in model.comparisons for c in comparison.number_columns()}
    return prepare_text(records, [c for c in base if c not in numbers],
                        [f for c in model.comparisons for f in c.features()])


def record_arrays(records: pd.DataFrame) -> dict[str, np.ndarray]:
    return {column: records[column].to_numpy() for column in records.columns}


def score_pairs(contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel, chunk_size: int = 250_000) -> pd.DataFrame:
    """Score candidate pairs chunk by chunk into preallocated columns: memory is the result
    plus one chunk's working set (concatenating chunk frames would hold the result twice)."""
    records = records_for(contacts, model)
    n = len(pairs)
    template = score_chunk(records.iloc[:0], records.iloc[:0], model)
    columns: dict[str, np.ndarray] = {}
    for name in template.columns:
        dtype = template[name].dtype
        columns[name] = np.empty(n, dtype=np.int8 if isinstance(dtype, pd.CategoricalDtype) else dtype)
    left_idx, right_idx = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    arrays = record_arrays(records)
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        scored = score_chunk(PairSide(arrays, left_idx[start:stop]), PairSide(arrays, right_idx[start:stop]), model)
        for name in template.columns:
            values = scored[name]
            columns[name][start:stop] = values.cat.codes.to_numpy() if isinstance(values.dtype, pd.CategoricalDtype) \
                else values.to_numpy()
        report("score pairs", stop, n, "pairs")
    out = renumbered(pairs.copy(deep=False))
    scores = {}
    for name in template.columns:
        dtype = template[name].dtype
        scores[name] = pd.Categorical.from_codes(columns[name], dtype=dtype) \
            if isinstance(dtype, pd.CategoricalDtype) else columns[name]
    # (copy=False: not consolidated into one block per dtype, which copied every score column)
    return pd.concat([out, pd.DataFrame(scores, copy=False)], axis=1, copy=False)


def predict_among(contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """``model.predict(contacts, pairs)`` preparing only the records the pairs touch: clustering
    scores a few thousand extra pairs inside suspicious components, and preparing a million
    records for them cost seconds. Term frequencies are still counted over all ``contacts``."""
    left, right = pairs["left"].to_numpy(np.int64), pairs["right"].to_numpy(np.int64)
    rows = np.unique(np.concatenate([left, right]))
    counted = add_term_frequencies(contacts[model.needed_columns_base], model) if model.term_frequency else contacts
    scored = model.predict(counted.iloc[rows], pd.DataFrame({"left": np.searchsorted(rows, left),
                                                             "right": np.searchsorted(rows, right)}))
    scored["left"], scored["right"] = left, right
    return scored


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
        why = comparison.explain(level)
        if comparison.name in model.term_frequency and level == "exact":
            base = float(model.level_weights(comparison.name)[comparison.levels.index("exact")])
            if weight < base - 0.5:
                why += " (a common value, so it counts less)"
            elif weight > base + 0.5:
                why += " (a rare value, so it counts more)"
        steps.append({"field": comparison.name, "level": level, "weight": round(weight, 2), "why": why})
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


def explanation_texts(scored: pd.DataFrame, model: MatchModel, top: int = 4) -> list[str]:
    """``explanation_text`` for every scored pair, the same words, without a pandas row per pair
    (a nightly queue of 100,000 suggestions took half a minute row by row)."""
    if model.term_frequency:
        # Term-frequency notes depend on each pair's own weight: the row-by-row path says them.
        return [explanation_text(row, model, top) for _, row in scored.iterrows()]
    if len(scored) == 0:
        return []
    weights = np.column_stack([scored[f"{c.name}_weight"].to_numpy(dtype=np.float64) for c in model.comparisons])
    # Python's round(), as explain_pair does, so the figures agree to the last digit.
    rounded = np.array([round(x, 2) for x in weights.ravel().tolist()], dtype=np.float64).reshape(weights.shape)
    codes = np.column_stack([np.asarray(pd.Categorical(scored[f"{c.name}_level"], categories=list(c.levels)).codes)
                             for c in model.comparisons])
    why = [[c.explain(level) for level in c.levels] for c in model.comparisons]
    order = np.argsort(-np.abs(rounded), axis=1, kind="stable")[:, :top]
    texts = []
    for row_weights, row_codes, row_order in zip(rounded.tolist(), codes.tolist(), order.tolist()):
        parts = []
        for j in row_order:
            w = row_weights[j]
            if w == 0:
                continue
            parts.append(f"{'+' if w > 0 else '−'} {why[j][row_codes[j]]} ({w:+.1f})")
        texts.append("; ".join(parts))
    return texts
