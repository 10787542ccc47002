"""The Spark engine (local mode) against the local engine: the same candidate pairs, scores,
clusters and golden records on demo data. Under CI Java and pyspark must be there; elsewhere
their absence skips these tests with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


try:
    import pyspark  # noqa: F401
    HAVE_PYSPARK = True
except ImportError:
    HAVE_PYSPARK = False


@pytest.fixture(scope="module")
def spark():
    _need(HAVE_PYSPARK, "pyspark is not installed (pip install 'crm-steward[spark]')")
    _need(shutil.which("java") is not None, "no Java runtime on PATH (Spark needs Java 17+)")
    from steward.match.engines.spark import spark_session

    # Two cores and few shuffle partitions: a small test, not a cluster.
    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo_contacts(demo_dir, repo_root):
    from steward.config import load_project
    from steward.normalise.stage import normalise_contacts
    from steward.run import load_all
    from steward.sources.load import canonical_csv_sources

    project = load_project(repo_root)
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources(sorted((demo_dir / "canonical").glob("*.csv")))})
    return project, records, quarantine, normalise_contacts(records, **project.normalise_options())


def test_connected_components_equal_scipys(spark):
    from steward.match.engines.spark import connected_components

    rng = np.random.default_rng(3)
    n = 600
    a, b = rng.integers(0, n, 500), rng.integers(0, n, 500)
    chain = np.arange(1000, 1060)  # a long path: the case naive label propagation needs 60 rounds for
    a, b = np.r_[a, chain[:-1], 7], np.r_[b, chain[1:], 7]  # (and a self-loop)
    found = connected_components(spark.createDataFrame(pd.DataFrame({"a": a, "b": b}))).toPandas()
    size = 1100
    _, labels = scipy_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(size, size)), directed=False)
    smallest = pd.Series(np.arange(size)).groupby(labels).transform("min").to_numpy()
    nodes = found["node"].to_numpy()
    linked = a != b  # (a self-loop links nothing)
    assert sorted(nodes.tolist()) == sorted(set(a[linked].tolist()) | set(b[linked].tolist()))
    assert np.array_equal(found["component"].to_numpy(), smallest[nodes])
    assert found.loc[found["node"] == 1059, "component"].item() == 1000


def test_spark_engine_finds_scores_and_clusters_as_the_local_engine(spark, demo_contacts):
    from steward.match.engines.local import LocalEngine
    from steward.match.model import MatchModel
    from steward.match.engines.spark import SparkEngine

    project, _, _, contacts = demo_contacts
    matching = project.matching()
    matching["blocking"]["max_block_size"] = 4  # so that some keys are skipped (and reported) too
    local, distributed = LocalEngine(), SparkEngine(spark)
    model = MatchModel.from_config(matching)

    blocked, blocked_spark = local.candidate_pairs(contacts, matching), distributed.candidate_pairs(contacts, matching)
    assert len(blocked.pairs) > 500
    pd.testing.assert_frame_equal(blocked_spark.pairs, blocked.pairs)
    assert len(blocked.skipped_keys) > 0
    key = ["rule", "key", "records"]
    pd.testing.assert_frame_equal(blocked_spark.skipped_keys.sort_values(key, ignore_index=True)[key],
                                  blocked.skipped_keys.sort_values(key, ignore_index=True)[key])

    scored = local.score(contacts, blocked.pairs, model)
    scored_spark = distributed.score(contacts, blocked_spark.pairs, model)
    pd.testing.assert_frame_equal(scored_spark, scored)

    labels, refused, components = local.cluster(contacts, scored, model)
    labels_spark, refused_spark, components_spark = distributed.cluster(contacts, scored_spark, model)
    assert np.array_equal(labels_spark, labels)  # the same clusters, numbered the same way
    assert np.array_equal(components_spark, components)
    assert len(np.unique(labels)) < len(contacts)
    assert sorted(map(tuple, refused_spark[["left", "right"]].to_numpy().tolist())) == \
        sorted(map(tuple, refused[["left", "right"]].to_numpy().tolist()))

    # Reviewer decisions: an approved pair is joined whatever its score, a rejected one split, on both engines.
    big = np.flatnonzero(np.bincount(labels) >= 3)
    assert len(big), "the demo data has clusters of three or more records"
    members = np.flatnonzero(labels == big[0])
    lonely = np.flatnonzero(np.bincount(labels)[labels] == 1)[:2]
    cannot = pd.DataFrame({"left": [members[0]], "right": [members[1]]})
    must = pd.DataFrame({"left": [lonely[0]], "right": [lonely[1]]})
    decided = local.cluster(contacts, scored, model, must, cannot)
    decided_spark = distributed.cluster(contacts, scored_spark, model, must, cannot)
    assert np.array_equal(decided_spark[0], decided[0])
    assert decided[0][members[0]] != decided[0][members[1]]
    assert decided[0][lonely[0]] == decided[0][lonely[1]]
    distributed.close()


def test_dedupe_on_spark_gives_the_local_golden_records(spark, demo_contacts):
    from .conftest import run_dedupe
    from steward.match.engines.spark import SparkEngine

    project, records, quarantine, _ = demo_contacts
    args = (records, quarantine, project.matching(), project.survivorship())
    local, _ = run_dedupe(*args, normalise_options=project.normalise_options(), keep_snapshot=False)
    on_spark, _ = run_dedupe(*args, normalise_options=project.normalise_options(), engine=SparkEngine(spark),
                             keep_snapshot=False)
    assert np.array_equal(on_spark.clusters["cluster"].to_numpy(), local.clusters["cluster"].to_numpy())
    pd.testing.assert_frame_equal(on_spark.crosswalk, local.crosswalk)
    pd.testing.assert_frame_equal(on_spark.golden, local.golden)
    pd.testing.assert_frame_equal(on_spark.suggestions, local.suggestions)
    assert local.crosswalk["golden_id"].nunique() < len(local.crosswalk)


def test_cli_dedupe_engine_spark_writes_what_the_local_engine_writes(spark, demo_dir, repo_root, tmp_path):
    inputs = sorted((demo_dir / "canonical").glob("*.csv"))
    steward = [sys.executable, "-m", "steward.cli", "dedupe", "--project", str(repo_root)]
    for path in inputs:
        steward += ["-i", str(path)]
    local = subprocess.run(steward + ["-o", str(tmp_path / "local")], capture_output=True, text=True)
    assert local.returncode == 0, local.stderr
    on_spark = subprocess.run(steward + ["-o", str(tmp_path / "spark"), "--engine", "spark:local[2]"], capture_output=True, text=True)
    assert on_spark.returncode == 0, on_spark.stderr
    for name in ("crosswalk.csv", "golden_records.csv", "merge_suggestions.csv"):
        assert (tmp_path / "spark" / name).read_text() == (tmp_path / "local" / name).read_text(), name
    assert "golden records" in on_spark.stdout + on_spark.stderr

    wrong = subprocess.run(steward + ["-o", str(tmp_path / "x"), "--engine", "dask"], capture_output=True, text=True)
    assert wrong.returncode != 0
    assert "unknown engine 'dask'" in wrong.stdout + wrong.stderr


def test_dagster_assets_with_the_spark_engine_cluster_as_the_local_engine(spark, repo_root, tmp_path):
    import dagster as dg
    import yaml

    from pipelines.definitions import build_assets, build_resources
    from pipelines.resources import MatchEngine
    from steward.config import load_project

    clusters, engines = {}, {}
    for engine in ("local", "spark"):
        root = tmp_path / engine
        shutil.copytree(repo_root / "rules", root / "rules")
        shutil.copytree(repo_root / "expectations", root / "expectations")
        sources = yaml.safe_load((root / "rules" / "sources.yaml").read_text())
        sources["demo"] = {"out": "data/demo", "entities": 150, "seed": 5}
        (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
        project = load_project(root)
        resources = build_resources(project, f"sqlite:///{root / 'crm.sqlite'}")
        resources["match_engine"] = MatchEngine(engine=engine, spark_master="local[2]" if engine == "spark" else "")
        with dg.DagsterInstance.ephemeral() as instance:
            result = dg.materialize(build_assets(project), resources=resources, instance=instance,
                                    selection=(dg.AssetSelection.assets("contact_clusters").upstream()
                                               - dg.AssetSelection.assets("review_decisions")).required_multi_asset_neighbors())
        assert result.success
        clusters[engine] = result.output_for_node("contact_clusters")
        engines[engine] = [m for m in result.get_asset_materialization_events()
                           if m.asset_key == dg.AssetKey("candidate_pairs")][0].materialization.metadata["engine"].value
    assert engines == {"local": "local", "spark": "spark"}
    pd.testing.assert_frame_equal(clusters["spark"], clusters["local"])
    assert clusters["local"]["cluster"].nunique() < len(clusters["local"])


def test_term_frequencies_count_over_all_records_on_spark_too(spark, demo_contacts):
    """A rare first name weighs more: the frequency must be counted over every record, not over
    the few a Spark task (or a repaired component) holds."""
    from steward.match.engines.local import LocalEngine
    from steward.match.model import MatchModel
    from steward.match.engines.spark import SparkEngine

    project, _, _, contacts = demo_contacts
    matching = project.matching()
    for comparison in matching["comparisons"]:
        if comparison["name"] in ("first_name", "last_name"):
            comparison["term_frequency"] = True
    model = MatchModel.from_config(matching)
    assert model.term_frequency
    local, distributed = LocalEngine(), SparkEngine(spark)
    pairs = local.candidate_pairs(contacts, matching).pairs
    scored = local.score(contacts, pairs, model)
    scored_spark = distributed.score(contacts, pairs, model)
    pd.testing.assert_frame_equal(scored_spark, scored)
    assert scored["first_name_weight"].nunique() > len(model.comparisons[0].levels)  # weights vary with the name
    assert np.array_equal(distributed.cluster(contacts, scored_spark, model)[0], local.cluster(contacts, scored, model)[0])
    # The property the repair step relies on: records that carry their frequencies keep them.
    from steward.match.model import add_term_frequencies

    rows = np.unique(scored[["left", "right"]].to_numpy()[:40])
    some = add_term_frequencies(contacts, model).iloc[rows].reset_index(drop=True)
    inside = pd.DataFrame({"left": np.searchsorted(rows, scored["left"].to_numpy()[:40]),
                           "right": np.searchsorted(rows, scored["right"].to_numpy()[:40])})
    np.testing.assert_array_equal(model.predict(some, inside)["first_name_weight"].to_numpy(),
                                  scored["first_name_weight"].to_numpy()[:40])
