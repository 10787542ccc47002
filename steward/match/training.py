"""Unsupervised estimation of the match model's parameters.

- u (how often each level happens between *different* people) is measured on
  random record pairs of one country (``training.u_within``): almost all random
  pairs are non-matches.
- m (how often each level happens for the *same* person) is estimated by
  expectation-maximisation per training session, as Splink does: over the pairs
  agreeing exactly on some comparisons (names; birth date; e-mail; phone), for the
  comparisons the session does not block on; then the prior by EM with m and u fixed.

EM runs over the distinct comparison patterns (one row per combination of
levels, with a count), so its cost does not grow with the number of pairs.
Term-frequency adjustment is applied at prediction time only, as Splink does.

EM assumes the fields disagree independently. That holds where errors are
typos and dropped values, and breaks on contact data with households and
namesakes: family members share a surname, an address, a postcode and a city, and
one EM over all candidate pairs explains that as "the same person". Sessions keep
the fields that move together apart. With ``estimate: auto`` (the default) the fit
is still checked: if more than ``max_contradiction_share`` of the merges it adds
(pairs it merges and the configured model does not) are pairs the cannot-link rules
(``clustering.cannot_link``) call different people, the fit is rejected, the
configured values are used and the reason is logged and kept in ``fitted``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from steward.match.cluster import level_contradictions
from steward.match.comparisons import MOVED, without_moves
from steward.match.model import PROB_FLOOR, MatchModel, records_for, comparison_levels, reweighted
from steward.progress import report

log = logging.getLogger("steward.match")


def _level_chunks(records: pd.DataFrame, left_idx: np.ndarray, right_idx: np.ndarray, model: MatchModel,
                  chunk_size: int):
    """Comparison levels (name -> level index per pair) chunk by chunk."""
    for start in range(0, len(left_idx), chunk_size):
        left = records.iloc[left_idx[start: start + chunk_size]].reset_index(drop=True)
        right = records.iloc[right_idx[start: start + chunk_size]].reset_index(drop=True)
        yield without_moves(comparison_levels(left, right, model), model.comparisons)


def _level_frame(records: pd.DataFrame, left_idx: np.ndarray, right_idx: np.ndarray, model: MatchModel,
                 chunk_size: int = 250_000) -> pd.DataFrame:
    parts = [pd.DataFrame(levels) for levels in _level_chunks(records, left_idx, right_idx, model, chunk_size)]
    if not parts:
        return pd.DataFrame({c.name: pd.Series(dtype=np.int8) for c in model.comparisons})
    return pd.concat(parts, ignore_index=True)


def pattern_counts(records: pd.DataFrame, left_idx: np.ndarray, right_idx: np.ndarray, model: MatchModel,
                   chunk_size: int = 500_000) -> pd.DataFrame:
    """How many pairs fall into each combination of comparison levels (one column per
    comparison, plus ``count``). Chunk by chunk, each pattern as one mixed-radix integer:
    memory stays at one chunk's levels whatever the number of pairs."""
    return _count_patterns(_level_chunks(records, left_idx, right_idx, model, chunk_size), model)


def patterns_of(scored: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """``pattern_counts`` from pairs already scored (their ``<comparison>_level`` columns)."""
    return _count_patterns([without_moves({c.name: scored[f"{c.name}_level"].cat.codes.to_numpy()
                                           for c in model.comparisons}, model.comparisons)], model)


def _count_patterns(chunks, model: MatchModel) -> pd.DataFrame:
    """Pairs per level pattern, one row per pattern in mixed-radix order, over ``chunks`` of level
    codes (comparison -> code per pair)."""
    radix = np.array([len(c.levels) for c in model.comparisons], dtype=np.int64)
    place = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
    totals: dict[int, int] = {}
    for levels in chunks:
        code = np.zeros(len(next(iter(levels.values()))), dtype=np.int64)
        for comparison, p in zip(model.comparisons, place):
            code += np.asarray(levels[comparison.name]).astype(np.int64) * p
        values, counts = np.unique(code, return_counts=True)
        for value, count in zip(values.tolist(), counts.tolist()):
            totals[value] = totals.get(value, 0) + count
    codes = np.array(sorted(totals), dtype=np.int64)
    out = {c.name: ((codes // p) % r).astype(np.int8) for c, p, r in zip(model.comparisons, place, radix)}
    out["count"] = np.array([totals[c] for c in codes.tolist()], dtype=np.int64)
    return pd.DataFrame(out)


def random_pairs_within(strata: np.ndarray, n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(left, right, pairs there are): about ``n_pairs`` record pairs drawn uniformly from the pairs
    of records in the same stratum (seeded); all of them when there are no more."""
    order = np.argsort(strata, kind="stable")
    _, starts, sizes = np.unique(strata[order], return_index=True, return_counts=True)
    within = sizes.astype(np.int64) * (sizes - 1) // 2
    total = int(within.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    if total <= n_pairs:
        parts = [np.triu_indices(size, k=1) for size in sizes]
        left = np.concatenate([order[start + a] for start, (a, _) in zip(starts, parts)])
        right = np.concatenate([order[start + b] for start, (_, b) in zip(starts, parts)])
        return left, right, total
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(sizes), size=n_pairs, p=within / total)
    a = rng.integers(0, sizes[pick])
    b = rng.integers(0, sizes[pick] - 1)
    b = b + (b >= a)  # never pair a record with itself
    return order[starts[pick] + a], order[starts[pick] + b], total


MIN_U_PAIRS = 50  # random pairs comparable on a field, below which its u is not estimated


def estimate_u(records: pd.DataFrame, model: MatchModel, n_pairs: int, seed: int,
               strata: np.ndarray | None = None) -> tuple[dict, int, int, dict]:
    """u per level from random record pairs (seeded: same data, same estimate): (u, pairs sampled,
    pairs there are). ``strata``: pairs are drawn within a stratum only (records of one country:
    names, towns and number formats go with the country, and blocking compares records of
    different countries rarely; u from pairs across countries made two namesakes look rarer
    than they are). The last item: per comparison, how many sampled pairs could compare it."""
    strata = np.zeros(len(records), dtype=np.int64) if strata is None else strata
    left, right, total = random_pairs_within(strata, n_pairs, seed)
    levels = _level_frame(records, left, right, model)
    u, comparable = {}, {}
    for comparison in model.comparisons:
        counts = np.bincount(levels[comparison.name].to_numpy(), minlength=len(comparison.levels)).astype(np.float64)
        missing = comparison.silent_levels()
        present = counts.sum() - counts[missing].sum()
        comparable[comparison.name] = float(present)
        if present < MIN_U_PAIRS:
            # Too few random pairs where both sides can be compared (a field almost nobody has,
            # like a Jr/Sr suffix): no estimate, the configured u stays (it was u = 1 on every level).
            u[comparison.name] = np.array(model.u[comparison.name], dtype=np.float64)
            continue
        # A level never seen among random pairs is rare, not impossible: count it once.
        est = np.maximum(counts, 1.0) / present
        est[missing] = 1.0
        u[comparison.name] = est
    return u, len(left), total, comparable


# Above this share of true matches among random pairs, u is corrected for them (below it the
# correction changes no weight by more than a few hundredths of a bit).
U_CORRECTION_FROM_PRIOR = 1e-3


def u_without_matches(model: MatchModel, u: dict, m: dict, prior: float, comparable: dict,
                      kept: list[str]) -> dict:
    """u with the true matches among the random pairs taken out. u from random pairs assumes they
    are almost all different people; in a small export where each person has two or three
    records (369 records, 150 people: 3.7 % of all pairs are matches) the same e-mail agrees on
    2.4 % of random pairs, nearly all of them the person's own duplicates, and the weight of an
    exact e-mail fell to +5 bits. The agreement share among random pairs is
    prior·m + (1 − prior)·u, so u = (share − prior·m) / (1 − prior), floored at one pair."""
    corrected = {}
    for comparison in model.comparisons:
        name = comparison.name
        if name in kept or comparable.get(name, 0) < MIN_U_PAIRS:
            corrected[name] = u[name]
            continue
        silent = comparison.silent_levels()
        est = (u[name] - prior * np.asarray(m[name], dtype=np.float64)) / (1.0 - prior)
        est = np.maximum(est, 1.0 / comparable[name])
        talking = np.ones(len(est), dtype=bool)
        talking[silent] = False
        est[talking] = est[talking] / est[talking].sum()
        est[silent] = 1.0
        corrected[name] = est
    return corrected


def _pattern_weights(model: MatchModel, m: dict, u: dict, codes: dict, silent: dict,
                     left_out: frozenset[str]) -> np.ndarray:
    """Summed weight log2(m/u) of each level pattern over the comparisons not ``left_out``."""
    total = np.zeros(len(next(iter(codes.values()))))
    for comparison in model.comparisons:
        name = comparison.name
        if name in left_out:
            continue
        w = np.log2(np.clip(m[name], PROB_FLOOR, 1) / np.clip(u[name], PROB_FLOOR, 1))
        w[silent[name]] = 0.0
        w[comparison.weightless_levels()] = 0.0
        total += w[codes[name]]
    return total


def _prior_step(prior: float, weights: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, float]:
    """One E-step: (expected matches per pattern, the new prior)."""
    p = 1.0 / (1.0 + np.exp2(-(np.log2(prior / (1 - prior)) + weights)))
    expected = p * counts
    return expected, float(np.clip(expected.sum() / counts.sum(), PROB_FLOOR, 1 - PROB_FLOOR))


def estimate_m_em(patterns: pd.DataFrame, counts: np.ndarray, model: MatchModel, u: dict,
                  max_iterations: int = 40, tolerance: float = 1e-5,
                  fixed: frozenset[str] = frozenset()) -> tuple[dict, float, int]:
    """EM over distinct level patterns: returns (m per comparison, prior, iterations).

    ``fixed``: comparisons left out of the likelihood and not estimated (a session's blocked
    fields, which agree on every pair of it)."""
    m = {name: values.copy() for name, values in model.m.items()}
    prior = model.prior
    codes = {c.name: patterns[c.name].to_numpy() for c in model.comparisons}
    silent = {c.name: c.silent_levels() for c in model.comparisons}
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        report("fit (EM)", iterations, None, "iterations")
        expected, new_prior = _prior_step(prior, _pattern_weights(model, m, u, codes, silent, fixed), counts)
        change = abs(new_prior - prior)
        for comparison in model.comparisons:
            name = comparison.name
            if name in fixed:
                continue
            sums = np.bincount(codes[name], weights=expected, minlength=len(comparison.levels))
            sums[silent[name]] = 0.0
            total = sums.sum()
            if total <= 0:
                continue
            new_m = np.maximum(sums / total, PROB_FLOOR)
            new_m[silent[name]] = 1.0
            change = max(change, float(np.max(np.abs(new_m - m[name]))))
            m[name] = new_m
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, iterations


def estimate_prior_em(patterns: pd.DataFrame, counts: np.ndarray, model: MatchModel, m: dict, u: dict,
                      max_iterations: int = 40, tolerance: float = 1e-5) -> tuple[float, int]:
    """EM on the prior alone, every comparison's m and u given: (prior over the patterns' pairs,
    iterations)."""
    codes = {c.name: patterns[c.name].to_numpy() for c in model.comparisons}
    weights = _pattern_weights(model, m, u, codes, {c.name: c.silent_levels() for c in model.comparisons},
                               frozenset())
    prior, iterations = model.prior, 0
    for iterations in range(1, max_iterations + 1):
        report("fit (EM)", iterations, None, "iterations")
        _, new_prior = _prior_step(prior, weights, counts)
        change, prior = abs(new_prior - prior), new_prior
        if change < tolerance:
            break
    return prior, iterations


# Splink's approach: EM once per training session, each over the pairs that agree exactly on
# some fields (the session's "blocking rule"), estimating m for the *other* comparisons only.
# Pairs that agree on a person's name are mostly that person and a few namesakes; pairs that
# agree on an e-mail are mostly that person and a few family members: within a session the
# fields that correlate with the blocked ones (a household's shared surname and address) do
# not drive the fit, and each comparison's m is the mean over the sessions that estimated it.
MIN_SESSION_PAIRS = 50


def estimate_m_sessions(grouped: pd.DataFrame, model: MatchModel, u: dict, sessions, max_iterations: int,
                        tolerance: float) -> tuple[dict, list[dict]]:
    """m per comparison from EM per session (``sessions``: lists of comparison names whose
    level must be "exact"). Comparisons no session estimated keep the model's m."""
    names = {c.name: c for c in model.comparisons}
    counts = grouped["count"].to_numpy(dtype=np.float64)
    estimates: dict[str, list[np.ndarray]] = {}
    done = []
    for session in sessions:
        blocked = [name for name in session if name in names and "exact" in names[name].levels]
        if len(blocked) != len(session):
            raise ValueError(f"rules/matching.yaml: training.sessions: {list(session)} names a comparison "
                             f"without an 'exact' level or not in comparisons ({sorted(names)})")
        rows = np.ones(len(grouped), dtype=bool)
        for name in blocked:
            rows &= grouped[name].to_numpy() == names[name].levels.index("exact")
        n_pairs = float(counts[rows].sum())
        if n_pairs < MIN_SESSION_PAIRS:
            done.append({"blocked_on": blocked, "pairs": int(n_pairs), "skipped": "too few pairs"})
            continue
        m, prior, iterations = estimate_m_em(grouped[rows], counts[rows], model, u, max_iterations, tolerance,
                                             fixed=frozenset(blocked))
        for name in names:
            if name not in blocked:
                estimates.setdefault(name, []).append(m[name])
        done.append({"blocked_on": blocked, "pairs": int(n_pairs), "iterations": int(iterations),
                     "match_share": round(prior, 6)})
    m = {name: values.copy() for name, values in model.m.items()}
    for name, found in estimates.items():
        m[name] = np.mean(found, axis=0)
    return m, done


def m_from_labels(model: MatchModel, m: dict, labelled: dict[str, np.ndarray], strength: float) -> dict:
    """m blended with the levels of pairs a reviewer approved (``labelled``: comparison -> level
    code per approved pair), as Splink estimates m from pairwise labels: per comparison, the
    labelled pairs' level counts plus ``strength`` pseudo-pairs spread as the estimate ``m``
    spreads them. A few labels nudge the estimate; hundreds outweigh it. Silent levels (missing,
    neutral) keep 1, as in EM. Approved pairs are only matches: u stays from random pairs
    (rejected pairs are borderline namesakes, not a sample of non-matches)."""
    out = {}
    for comparison in model.comparisons:
        name = comparison.name
        codes = np.asarray(labelled.get(name, []), dtype=np.int64)
        silent = comparison.silent_levels()
        counts = np.bincount(codes, minlength=len(comparison.levels)).astype(np.float64)
        counts[silent] = 0.0
        estimate = np.array(m[name], dtype=np.float64)
        estimate[silent] = 0.0
        spread = estimate / estimate.sum() if estimate.sum() > 0 else estimate
        blended = counts + strength * spread
        total = blended.sum()
        new = blended / total if total > 0 else np.array(m[name], dtype=np.float64)
        new[silent] = 1.0
        out[name] = new
    return out


def label_levels(model: MatchModel, contacts: pd.DataFrame, approved: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Comparison level codes of the approved pairs (``left``/``right`` record positions)."""
    if approved is None or len(approved) == 0:
        return {}
    scored = model.predict(contacts, approved[["left", "right"]].astype(np.int64))
    return without_moves({c.name: scored[f"{c.name}_level"].cat.codes.to_numpy() for c in model.comparisons},
                         model.comparisons)


ESTIMATE_MODES = (True, False, "auto")
GUARD_SAMPLE_PAIRS = 200_000


def estimate_mode(settings: dict):
    mode = settings.get("estimate", "auto")
    if mode not in ESTIMATE_MODES:
        raise ValueError(f"rules/matching.yaml: training.estimate must be true, false or auto, not {mode!r}")
    return mode


def in_pair_sample(left: np.ndarray, right: np.ndarray, n_pairs: int, sample: int, seed: int) -> np.ndarray:
    """Whether each pair belongs to a seeded sample of about ``sample`` of ``n_pairs`` pairs (all of
    them when there are no more). Decided by a hash of the pair itself, not by its row: the same
    pairs are chosen whatever order or partition they come in (one machine, or Spark's partitions)."""
    left, right = np.asarray(left, dtype=np.uint64), np.asarray(right, dtype=np.uint64)
    if n_pairs <= sample:
        return np.ones(len(left), dtype=bool)
    with np.errstate(over="ignore"):  # splitmix64: wrap-around multiplication is the point
        z = left * np.uint64(0x9E3779B97F4A7C15) + right + np.uint64(seed) * np.uint64(0xD1B54A32D192ED03)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) < (sample / n_pairs) * 2.0**53


def contradiction_share(configured: MatchModel, fitted: MatchModel, contacts: pd.DataFrame, chosen: pd.DataFrame,
                        scored: pd.DataFrame | None = None) -> tuple[float, int, int]:
    """How often the fit's *new* merges are pairs the cannot-link rules call different people.

    New merges: pairs the fitted model merges and the configured model does not. The judge is
    ``clustering.cannot_link`` (its level rules: a family inbox with different first names,
    namesakes whose birth date, e-mail and phone all differ), not the configured m and u: the
    hand-set values are the fallback, not the referee. Where EM explains households and
    namesakes as one person, a share of its new merges are such pairs. Returns (share,
    contradicted, new merges) over ``chosen`` (a sample of the candidate pairs:
    ``in_pair_sample``); ``scored``: the configured model's scores of those pairs, row for row,
    when they are at hand.

    The guard judges the estimate, so it weighs pairs as the estimate saw them: each place on its
    own (``moves`` read as "different", as in ``without_moves``). Counting a move once changes
    which pairs *both* models merge; judged with it, the fit's share of contradicted new merges
    rose because the configured model merged the movers too, not because the fit changed."""
    configured, fitted = replace(configured, moved_when_exact=()), replace(fitted, moved_when_exact=())
    if scored is not None and configured.comparisons and any(MOVED in c.levels for c in configured.comparisons):
        codes = without_moves({c.name: scored[f"{c.name}_level"].cat.codes.to_numpy() for c in configured.comparisons},
                              configured.comparisons)
        plain = scored.copy()
        for c in configured.comparisons:
            plain[f"{c.name}_level"] = pd.Categorical.from_codes(codes[c.name], categories=list(c.levels))
        scored = reweighted(plain, configured)  # (None with term frequencies: both models score again)
    again = reweighted(scored, fitted) if scored is not None else None
    if again is not None:  # the configured model's levels are at hand: no comparing again
        configured_p = scored["match_probability"].to_numpy()
        levels = again
    else:
        levels = fitted.predict(contacts, chosen)
        configured_p = configured.predict(contacts, chosen)["match_probability"].to_numpy()
    fitted_p = levels["match_probability"].to_numpy()
    new = (fitted_p >= fitted.match_threshold) & (configured_p < configured.match_threshold)
    contradicted = int((new & level_contradictions(levels, (configured.clustering or {}).get("cannot_link"))).sum())
    return contradicted / max(int(new.sum()), 1), contradicted, int(new.sum())


def fit_model(model: MatchModel, contacts: pd.DataFrame, pairs: pd.DataFrame,
              scored: pd.DataFrame | None = None, approved: pd.DataFrame | None = None) -> MatchModel:
    """``scored``: ``pairs`` as ``model.predict`` scored them (aligned row for row): EM and the
    guard then take the comparison levels from it. ``approved``: pairs reviewers approved
    (left/right positions in ``contacts``), labels for m (``m_from_labels``)."""
    settings = model.training
    if estimate_mode(settings) is False or len(contacts) < 2 or len(pairs) == 0:
        return model
    seed = int(settings.get("seed", 42))
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    # EM learns m from the *mix* of level patterns; a few million pairs pin that mix down, so
    # on big data it runs on a seeded sample (prediction still scores every pair).
    em_rows = np.flatnonzero(in_pair_sample(left, right, len(pairs), int(settings.get("em_sample_pairs", 2_000_000)),
                                            seed))
    if scored is not None:  # (levels do not depend on term frequencies: only the weights do)
        grouped = patterns_of(scored.iloc[em_rows], model)
    else:
        grouped = pattern_counts(records_for(contacts, model), left[em_rows], right[em_rows], model)
    guard_rows = np.flatnonzero(in_pair_sample(left, right, len(pairs), GUARD_SAMPLE_PAIRS, seed))
    return fit_from_patterns(model, contacts, len(pairs), grouped, pairs.iloc[guard_rows],
                             scored.iloc[guard_rows] if scored is not None else None,
                             labelled=label_levels(model, contacts, approved))


def fit_from_patterns(model: MatchModel, contacts: pd.DataFrame, n_pairs: int, grouped: pd.DataFrame,
                      guard_pairs: pd.DataFrame, guard_scored: pd.DataFrame | None = None,
                      labelled: dict[str, np.ndarray] | None = None) -> MatchModel:
    """The fit from what any engine can count where the pairs are: ``grouped`` (pairs per level
    pattern over the EM sample, as ``patterns_of`` returns it), the number of candidate pairs and
    the guard's sample of pairs (with the configured model's scores of them, if at hand).
    u comes from random record pairs of ``contacts``; ``labelled`` (``label_levels``) blends
    reviewers' approvals into m."""
    settings = model.training
    mode = estimate_mode(settings)
    if mode is False or len(contacts) < 2 or n_pairs == 0:
        # No candidate pairs: nothing to learn m from (and u from random pairs alone would
        # not fit the configured m and prior).
        return model
    records = records_for(contacts, model)
    seed = int(settings.get("seed", 42))
    u_config = {name: values.copy() for name, values in model.u.items()}
    within = settings.get("u_within")
    strata = pd.factorize(contacts[within].fillna("").astype(str))[0] if within in contacts.columns else None
    u, sampled, comparable, comparable_per_field = estimate_u(
        records, model, int(settings.get("u_sample_pairs", 100_000)), seed, strata)
    kept = list(settings.get("keep_configured") or [])
    for name in kept:  # (before EM too: the other comparisons' m are estimated beside these values)
        if name not in u:
            raise ValueError(f"rules/matching.yaml: training.keep_configured names {name!r}, not a comparison "
                             f"({sorted(u)})")
        u[name] = np.array(u_config[name], dtype=np.float64)
    max_iterations, tolerance = int(settings.get("em_max_iterations", 40)), float(settings.get("em_tolerance", 1e-5))
    counts = grouped["count"].to_numpy(dtype=np.float64)
    n_labels = len(next(iter(labelled.values()))) if labelled else 0
    strength = float(settings.get("label_strength", 50))

    def m_and_prior(u: dict) -> tuple[dict, float, int, list, float]:
        sessions = settings.get("sessions")
        if sessions:
            m, report = estimate_m_sessions(grouped, model, u, sessions, max_iterations, tolerance)
            # The prior over candidate pairs, with m and u as estimated (EM on the prior alone).
            block_prior, iterations = estimate_prior_em(grouped, counts, model, m, u, max_iterations, tolerance)
        else:
            report = []
            m, block_prior, iterations = estimate_m_em(grouped, counts, model, u, max_iterations, tolerance)
        if n_labels:
            m = m_from_labels(model, m, labelled, strength)
        # EM's prior is the share of matches among *candidate* pairs. Weights from u are
        # relative to *random* pairs, so the score needs the prior over all pairs: the
        # expected number of matches (assuming blocking finds them) over all possible pairs.
        prior = float(np.clip(block_prior * n_pairs / max(comparable, 1), PROB_FLOOR, 1 - PROB_FLOOR))
        return m, block_prior, iterations, report, prior

    m, block_prior, iterations, session_report, prior = m_and_prior(u)
    u_corrected = prior > U_CORRECTION_FROM_PRIOR
    if u_corrected:  # a small, duplicate-rich set: random pairs hold many true matches
        u = u_without_matches(model, u, m, prior, comparable_per_field, kept)
        m, block_prior, iterations, session_report, prior = m_and_prior(u)
    # Comparisons whose evidence random pairs and EM cannot see keep their configured m and u:
    # Jr against Sr is a father and a son, a difference that shows among namesakes only (random
    # pairs almost never both carry a suffix, so u of "different" came out tiny and the level
    # counted *for* a match).
    for name in kept:
        m[name] = np.array(model.m[name], dtype=np.float64)
    # Levels the config pins (e.g. a trap EM cannot see) keep their configured values.
    for name, levels_pinned in (settings.get("keep_configured_u") or {}).items():
        comparison = next(c for c in model.comparisons if c.name == name)
        for level in levels_pinned:
            u[name][comparison.levels.index(level)] = u_config[name][comparison.levels.index(level)]
    fitted = {"u_sample_pairs": int(sampled), "em_pairs": int(grouped["count"].sum()), "em_patterns": int(len(grouped)),
              "em_iterations": int(iterations), "candidate_match_share": round(block_prior, 6),
              "prior_match_probability": float(f"{prior:.6g}")}
    if session_report:
        fitted["sessions"] = session_report
    if u_corrected:
        fitted["u_corrected_for_matches"] = True
    if n_labels:
        fitted["labels"] = {"approved_pairs": n_labels, "label_strength": strength}
    log.info("fitted match model: prior %.4f after %d EM iterations over %d patterns", prior, iterations, len(grouped))
    candidate = model.with_parameters(m, u, prior, fitted)
    if mode != "auto":
        return candidate
    limit = float(settings.get("max_contradiction_share", 0.05))
    share, contradicted, merges = contradiction_share(model, candidate, contacts, guard_pairs, scored=guard_scored)
    fitted["guard"] = {"contradicted_merges": contradicted, "new_merges": merges,
                       "share": round(share, 5), "limit": limit, "accepted": share <= limit}
    if share <= limit:
        return candidate.with_parameters(m, u, prior, fitted)
    log.warning(
        "estimated match model rejected: %d of the %d merges it adds (%.1f%%) are pairs the configured model calls "
        "different people (limit %.1f%%); the data's fields are not independent (households, namesakes?). "
        "Using the values in rules/matching.yaml.", contradicted, merges, 100 * share, 100 * limit,
    )
    return model.with_parameters(model.m, model.u, model.prior, {"guard": fitted["guard"], "rejected_fit": {
        k: v for k, v in fitted.items() if k != "guard"}})
