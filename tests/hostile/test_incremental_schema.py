"""Issue 19, D2: a column added to or removed from a source export (kept as an ``extra_*``
column) gives a nightly run exactly what ``--full`` gives: golden records with the new column
for everyone (or without the removed one), same crosswalk, lineage and review queue. The
snapshot keeps the sources' columns; another set makes the run a full rebuild, said in the
run's mode (and logged), and the night after is incremental again."""

from __future__ import annotations


import pandas as pd
import pytest

from steward.demo import demo_sources, generate_demo_data
from steward.incremental.snapshot import MatchSnapshot
from steward.run import load_all

from ..conftest import run_dedupe
from .nights import assert_same_run, fixed_model_settings, stewardship_after

COLUMN = "Member Segment"


@pytest.fixture(scope="module")
def settings():
    return fixed_model_settings()


def _run(demo, settings, snapshot, previous=None, day="2026-12-01", keep_snapshot=True):
    matching, survivorship, consent = settings
    records, quarantine = load_all(demo_sources(demo))
    return run_dedupe(records, quarantine, matching, survivorship, snapshot, stewardship=stewardship_after(previous, day),
                      consent=consent, keep_snapshot=keep_snapshot)


def _assert_same(result, full):
    assert list(result.golden.columns) == list(full.golden.columns)
    assert_same_run(result, full)


def _edit_webshop(demo, change) -> None:
    path = demo / "webshop_customers.csv"
    export = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(export).to_csv(path, index=False)


def _with_segment(export: pd.DataFrame) -> pd.DataFrame:
    export[COLUMN] = ["gold" if i % 3 == 0 else "" for i in range(len(export))]
    export.loc[export.index[::29], "City"] = "Neustadt"  # and an ordinary edit or two
    return export


def test_a_column_added_at_a_source_is_published_as_a_full_rebuild_publishes_it(settings, tmp_path):
    demo, where = tmp_path / "demo", tmp_path / "steward_snapshot"
    generate_demo_data(demo, entities=120, seed=14)
    first, snapshot = _run(demo, settings, None)
    snapshot.save(where)

    _edit_webshop(demo, _with_segment)
    night, snapshot = _run(demo, settings, MatchSnapshot.load(where), first, day="2026-12-02")
    full, _ = _run(demo, settings, None, first, day="2026-12-02", keep_snapshot=False)
    assert f"extra_{COLUMN}" in full.golden.columns and (full.golden[f"extra_{COLUMN}"] == "gold").any()
    _assert_same(night, full)
    assert night.mode.startswith("full (the sources' columns changed") and f"extra_{COLUMN}" in night.mode
    snapshot.save(where)

    # Another night with the same columns: incremental again, and still the full rebuild's answer.
    _edit_webshop(demo, lambda export: export.assign(City=export["City"].where(export.index % 31 != 0, "Altstadt")))
    calm, _ = _run(demo, settings, MatchSnapshot.load(where), night, day="2026-12-03")
    assert calm.mode == "incremental"
    _assert_same(calm, _run(demo, settings, None, night, day="2026-12-03", keep_snapshot=False)[0])


def test_a_column_removed_at_a_source_leaves_the_golden_records_as_a_full_rebuild_does(settings, tmp_path):
    demo, where = tmp_path / "demo", tmp_path / "steward_snapshot"
    generate_demo_data(demo, entities=120, seed=15)
    _edit_webshop(demo, _with_segment)
    first, snapshot = _run(demo, settings, None)
    assert f"extra_{COLUMN}" in first.golden.columns
    snapshot.save(where)

    _edit_webshop(demo, lambda export: export.drop(columns=[COLUMN]))
    night, _ = _run(demo, settings, MatchSnapshot.load(where), first, day="2026-12-02")
    full, _ = _run(demo, settings, None, first, day="2026-12-02", keep_snapshot=False)
    assert f"extra_{COLUMN}" not in full.golden.columns
    _assert_same(night, full)
