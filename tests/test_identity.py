"""Golden ids stable across runs (steward/merge/identity.py): keep, merge, split, mint, retire."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.merge.identity import (
    ACTIVE,
    EVENT_COLUMNS,
    MERGED,
    REGISTRY_COLUMNS,
    RETIRED,
    assign_golden_ids,
    golden_id_for,
)

T1, T2, T3 = "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00"


def _members(groups: dict[int, list[str]]) -> pd.DataFrame:
    rows = [(key, label) for label, keys in groups.items() for key in keys]
    return pd.DataFrame(rows, columns=["contact_key", "cluster"])


def _crosswalk(members: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"contact_key": members["contact_key"], "golden_id": members["cluster"].map(ids).to_numpy()})


def _run(groups, previous=None, registry=None, at=T2):
    members = _members(groups)
    ids, events, reg = assign_golden_ids(members, previous, registry, at)
    return members, ids, events, reg


def _first(groups):
    members, ids, events, reg = _run(groups, at=T1)
    return _crosswalk(members, ids), ids, reg


def _status(reg: pd.DataFrame, gid: str) -> dict:
    return reg.set_index("golden_id").loc[gid].to_dict()


def test_first_run_ids_are_the_hash_of_the_smallest_key():
    members, ids, events, reg = _run({7: ["s:b", "s:a"], 3: ["t:z"]}, at=T1)
    assert ids.to_dict() == {3: golden_id_for("t:z"), 7: golden_id_for("s:a")}
    assert events.empty and list(events.columns) == EVENT_COLUMNS
    assert list(reg.columns) == REGISTRY_COLUMNS
    assert set(reg["status"]) == {ACTIVE} and set(reg["minted_at"]) == {T1}
    assert sorted(reg["golden_id"]) == sorted(ids)


def test_empty_previous_state_is_a_first_run():
    empty_xw = pd.DataFrame({"contact_key": pd.Series(dtype=object), "golden_id": pd.Series(dtype=object)})
    empty_reg = pd.DataFrame({c: pd.Series(dtype=object) for c in REGISTRY_COLUMNS})
    _, ids, _, _ = _run({0: ["s:a"]}, empty_xw, empty_reg)
    _, again, _, _ = _run({0: ["s:a"]}, None, None)
    assert ids.equals(again)


def test_new_people_leave_existing_ids_alone():
    previous, old_ids, reg = _first({0: ["shop:5", "crm:9"], 1: ["shop:7"]})
    # New records sort before the old ones and labels are reshuffled: ids must not care.
    _, ids, events, reg2 = _run({4: ["shop:5", "crm:9"], 0: ["aaa:1"], 2: ["shop:7"], 3: ["aaa:2", "aaa:3"]},
                                previous, reg)
    assert ids[4] == old_ids[0] and ids[2] == old_ids[1]
    assert ids[0] == golden_id_for("aaa:1") and ids[3] == golden_id_for("aaa:2")
    assert events.empty
    assert _status(reg2, ids[0])["minted_at"] == T2 and _status(reg2, ids[4])["minted_at"] == T1


def test_a_smaller_key_joining_keeps_the_id():
    previous, old_ids, reg = _first({0: ["shop:5", "shop:6"]})
    _, ids, events, _ = _run({0: ["aaa:0", "shop:5", "shop:6"]}, previous, reg)
    assert ids[0] == old_ids[0] != golden_id_for("aaa:0")
    assert events.empty


def test_merge_keeps_the_oldest_id_and_records_the_other():
    # b was minted first, a later (a's key is smaller, so "smallest key" would pick a).
    _, id_b, _, reg = _run({0: ["s:b1", "s:b2"]}, at=T1)
    members_b = _members({0: ["s:b1", "s:b2"]})
    prev_b = _crosswalk(members_b, id_b)
    members, ids, _, reg = _run({0: ["s:b1", "s:b2"], 1: ["s:a1"]}, prev_b, reg, at=T2)
    previous = _crosswalk(members, ids)
    old_a, old_b = ids[1], ids[0]
    assert old_a == golden_id_for("s:a1")

    _, merged, events, reg3 = _run({5: ["s:a1", "s:b1", "s:b2"]}, previous, reg, at=T3)
    assert merged[5] == old_b  # the older id survives
    assert events.to_dict("records") == [
        {"golden_id": old_a, "event": "merged_into", "other_id": old_b, "at": T3,
         "detail": "1 record(s) joined the older id"}]
    assert _status(reg3, old_a)["status"] == MERGED and _status(reg3, old_a)["merged_into"] == old_b
    assert _status(reg3, old_b)["status"] == ACTIVE


def test_merge_of_ids_minted_together_keeps_the_smallest_id():
    previous, old, reg = _first({0: ["s:1"], 1: ["s:2"], 2: ["s:3"]})
    _, ids, events, reg2 = _run({0: ["s:1", "s:2", "s:3"]}, previous, reg)
    assert ids[0] == min(old)
    assert sorted(events["golden_id"]) == sorted(set(old) - {min(old)})
    assert set(events["event"]) == {"merged_into"} and set(events["other_id"]) == {min(old)}


def test_split_keeps_the_id_with_the_larger_part_and_mints_a_new_one():
    previous, old, reg = _first({0: ["s:a", "s:b", "s:c"]})
    _, ids, events, reg2 = _run({1: ["s:a"], 2: ["s:b", "s:c"]}, previous, reg)
    assert ids[2] == old[0]  # two of the three records stayed together
    new = ids[1]
    assert new not in set(old) and new == golden_id_for("s:a#1")  # s:a's own hash is the old id
    assert events.to_dict("records") == [
        {"golden_id": new, "event": "split_from", "other_id": old[0], "at": T2, "detail": "1 of 3 record(s) split off"}]
    assert _status(reg2, new)["split_from"] == old[0] and _status(reg2, new)["status"] == ACTIVE
    assert _status(reg2, old[0])["status"] == ACTIVE


def test_split_tie_goes_to_the_part_with_the_smallest_key():
    previous, old, reg = _first({0: ["s:b", "s:a"]})
    _, ids, events, _ = _run({8: ["s:b"], 9: ["s:a"]}, previous, reg)
    assert ids[9] == old[0]
    assert events["event"].tolist() == ["split_from"] and events["golden_id"].tolist() == [ids[8]]


def test_merge_and_split_at_once():
    # x = {1,2,3}, y = {4}; now {1,2,4} and {3}: x survives in the first (older, larger),
    # y merges into it, {3} splits off with a new id.
    _, x_ids, _, reg = _run({0: ["s:1", "s:2", "s:3"]}, at=T1)
    prev = _crosswalk(_members({0: ["s:1", "s:2", "s:3"]}), x_ids)
    members, ids, _, reg = _run({0: ["s:1", "s:2", "s:3"], 1: ["s:4"]}, prev, reg, at=T2)
    previous = _crosswalk(members, ids)
    x, y = ids[0], ids[1]
    _, now, events, reg3 = _run({0: ["s:1", "s:2", "s:4"], 1: ["s:3"]}, previous, reg, at=T3)
    assert now[0] == x and now[1] not in {x, y}
    got = events.set_index("event")
    assert got.loc["merged_into", "golden_id"] == y and got.loc["merged_into", "other_id"] == x
    assert got.loc["split_from", "golden_id"] == now[1] and got.loc["split_from", "other_id"] == x


def test_a_minted_id_never_reuses_a_registry_id():
    previous, old, reg = _first({0: ["s:a"], 1: ["s:b"]})
    # s:b disappears: its id is retired ...
    _, ids, events, reg2 = _run({0: ["s:a"]}, previous, reg)
    retired_id = old[1]
    assert events.to_dict("records") == [
        {"golden_id": retired_id, "event": "retired", "other_id": None, "at": T2, "detail": "no records left"}]
    assert _status(reg2, retired_id)["status"] == RETIRED
    # ... and when s:b comes back alone its hash is taken: a salted id, the same every rerun.
    previous2 = _crosswalk(_members({0: ["s:a"]}), ids)
    _, ids3, _, reg3 = _run({0: ["s:a"], 1: ["s:b"]}, previous2, reg2, at=T3)
    assert ids3[1] != retired_id and ids3[1] not in set(reg2["golden_id"])
    assert ids3[1] == golden_id_for("s:b#1")
    _, again, _, _ = _run({1: ["s:a"], 0: ["s:b"]}, previous2, reg2, at=T3)
    assert again[0] == ids3[1]
    assert _status(reg3, retired_id)["status"] == RETIRED


def test_previous_crosswalk_may_name_records_by_source_and_record_id():
    previous, old, reg = _first({0: ["shop:1", "crm:2"]})
    published = pd.DataFrame({"source": ["crm", "shop"], "record_id": ["2", "1"], "golden_id": [old[0]] * 2})
    _, ids, _, _ = _run({3: ["crm:2", "shop:1", "new:0"]}, published, reg)
    assert ids[3] == old[0]


def test_earlier_merges_point_at_the_latest_survivor():
    _, a, _, reg = _run({0: ["s:a"]}, at=T1)
    members, ids, _, reg = _run({0: ["s:a"], 1: ["s:b"], 2: ["s:c"]}, _crosswalk(_members({0: ["s:a"]}), a), reg, T2)
    prev = _crosswalk(members, ids)
    # b merges into c (both minted at T2; c's id may be smaller or larger, so order them)
    lo, hi = sorted([ids[1], ids[2]])
    m2, ids2, _, reg = _run({0: ["s:a"], 1: ["s:b", "s:c"]}, prev, reg, T3)
    assert ids2[1] == lo
    # then that survivor merges into a (oldest): hi must now point at a, too.
    _, ids3, events, reg = _run({0: ["s:a", "s:b", "s:c"]}, _crosswalk(m2, ids2), reg, "2026-04-01T00:00:00+00:00")
    assert ids3[0] == a[0]
    assert _status(reg, lo)["merged_into"] == a[0] and _status(reg, hi)["merged_into"] == a[0]


def test_unknown_minted_at_counts_as_oldest():
    previous = pd.DataFrame({"contact_key": ["s:1", "s:2"], "golden_id": ["GZZZ", "GAAA"]})
    registry = pd.DataFrame({"golden_id": ["GAAA"], "minted_at": [T1], "status": [ACTIVE]})
    _, ids, events, reg = _run({0: ["s:1", "s:2"]}, previous, registry)
    assert ids[0] == "GZZZ"  # predates the registry
    assert events["golden_id"].tolist() == ["GAAA"]
    assert _status(reg, "GZZZ")["status"] == ACTIVE


def test_deterministic_under_row_order_and_cluster_labels():
    previous, _, reg = _first({0: ["s:1", "s:2", "s:3"], 1: ["s:4"], 2: ["s:5", "s:6"]})
    groups = {0: ["s:1", "s:4"], 1: ["s:2", "s:3"], 2: ["s:5"], 3: ["s:6", "n:1"], 4: ["n:2"]}
    members, ids, events, reg2 = _run(groups, previous, reg)
    relabelled = {label + 100: keys for label, keys in groups.items()}
    m2 = _members(relabelled).sample(frac=1, random_state=3)
    ids2, events2, reg3 = assign_golden_ids(m2, previous.sample(frac=1, random_state=4),
                                            reg.sample(frac=1, random_state=5), T2)
    assert {k: ids[k - 100] for k in ids2.index} == ids2.to_dict()
    pd.testing.assert_frame_equal(events, events2)
    pd.testing.assert_frame_equal(reg2, reg3)


# --------------------------------------------------------------------------
# property: under any re-clustering, ids are accounted for and never shared
# --------------------------------------------------------------------------

KEYS = [f"s:{i:02d}" for i in range(14)]
ROUND = st.dictionaries(st.sampled_from(KEYS), st.integers(0, 5), min_size=1)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROUND, min_size=2, max_size=4))
def test_every_previous_id_is_kept_once_merged_or_retired(rounds):
    previous, registry, seen = None, None, set()
    for n, assignment in enumerate(rounds):
        members = pd.DataFrame({"contact_key": list(assignment), "cluster": list(assignment.values())})
        at = f"2026-01-{n + 1:02d}T00:00:00+00:00"
        ids, events, reg = assign_golden_ids(members, previous, registry, at)
        # one id per cluster, no id for two clusters
        assert ids.index.is_unique and set(ids.index) == set(members["cluster"]) and ids.is_unique
        status = reg.set_index("golden_id")
        assert status.index.is_unique
        # the active ids are exactly the ids in use
        assert set(status.index[status["status"] == ACTIVE]) == set(ids)
        if previous is not None:
            for gid in set(previous["golden_id"]):
                kept = int((ids == gid).sum())
                state = status.loc[gid]
                assert kept == 1 or state["status"] in (MERGED, RETIRED)
                assert kept <= 1
                if state["status"] == MERGED:
                    assert state["merged_into"] in set(ids)  # one hop to a live id
            fresh = set(ids) - seen
            assert all(status.loc[g, "minted_at"] == at for g in fresh)
            assert set(events.loc[events["event"] == "split_from", "golden_id"]) <= fresh
        seen |= set(ids)
        assert set(status.index) == seen  # every id ever handed out stays in the registry
        previous, registry = _crosswalk(members, ids), reg


# --------------------------------------------------------------------------
# acceptance: a new source file of only new people leaves existing ids alone
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split_demo(tmp_path_factory, repo_root):
    from steward.config import load_project
    from steward.demo import demo_sources, generate_demo_data
    from steward.run import load_all

    tmp = tmp_path_factory.mktemp("identity_demo")
    paths = generate_demo_data(tmp, entities=200, seed=11)
    records, quarantine = load_all(demo_sources(tmp))
    truth = pd.read_csv(paths["ground_truth"], dtype=str)
    entity = records.merge(truth, on=["source", "record_id"], how="left")["entity_id"].to_numpy()
    people = np.unique(entity[pd.notna(entity)])
    newcomers = set(np.random.default_rng(0).choice(people, size=len(people) // 4, replace=False))
    is_new = pd.Series(entity).isin(newcomers).to_numpy()
    old = records[~is_new].reset_index(drop=True)
    moved = records[is_new]
    new = moved.assign(source="new_people", record_id=moved["source"] + "-" + moved["record_id"]).reset_index(drop=True)
    return old, new, quarantine, load_project(repo_root)


def test_new_source_with_only_new_people_keeps_every_existing_id(split_demo):
    from steward.merge.golden import Survivorship, build_golden_records
    from .conftest import run_dedupe

    old, new, quarantine, project = split_demo
    rules = Survivorship(project.survivorship())
    first, _ = run_dedupe(old, quarantine.iloc[:0], project.matching(), project.survivorship(), keep_snapshot=False)
    run1 = build_golden_records(first.contacts, first.clusters, rules, run_at=T1)
    assert set(run1.id_registry["status"]) == {ACTIVE}

    both = pd.concat([old, new], ignore_index=True)
    second, _ = run_dedupe(both, quarantine.iloc[:0], project.matching(), project.survivorship(),
                           keep_snapshot=False)
    run2 = build_golden_records(second.contacts, second.clusters, rules, previous=run1.crosswalk,
                                registry=run1.id_registry, run_at=T2)

    before = run1.crosswalk.set_index(["source", "record_id"])["golden_id"]
    after = run2.crosswalk.set_index(["source", "record_id"])["golden_id"]
    # Ids must not change for people whose records the matcher grouped the same way again
    # (adding data may legitimately re-cluster a few, e.g. a newcomer bridging two people).
    def group_of(ids: pd.Series) -> pd.Series:  # record -> all (old) records sharing its id
        keys = pd.Series(ids.index.map(":".join), index=ids.index)
        return ids.map(keys.groupby(ids.to_numpy()).agg(lambda k: "|".join(sorted(k))))

    after_old = after.loc[before.index]
    same_grouping = group_of(before) == group_of(after_old)
    assert same_grouping.mean() > 0.97
    assert (after_old[same_grouping] == before[same_grouping]).all()
    assert set(before) <= set(after) | set(run2.id_events["golden_id"])
    # newcomers alone in their cluster got ids nobody had
    new_only = after.xs("new_people", level="source")
    assert not set(new_only) & (set(before) - set(after_old))
