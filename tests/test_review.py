"""Review decisions: validated as a whole, stored as the merge audit log, honoured by
every later run (engine directly, and the Dagster jobs through dagster.materialize)."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest
import yaml

from pipelines.definitions import build_assets, build_resources
from pipelines.jobs import NIGHTLY_SELECTION, REVIEW_SELECTION
from steward.config import load_project
from steward.review.decisions import (
    ReviewError,
    ReviewRequest,
    decisions_for,
    links_for,
    load_decisions,
    record_decisions,
)
from steward.state.store import REVIEW_QUEUE, StateStore, default_state_url

QUEUE = pd.DataFrame({
    "pair_id": ["a:1~b:2", "a:3~b:4"],
    "a_contact_key": ["a:1", "a:3"],
    "b_contact_key": ["b:2", "b:4"],
    "match_probability": [0.98, 0.96],
    "explanation": ["+ same phone number (+10.7)", "+ first names are identical (+4.9)"],
})
CROSSWALK = pd.DataFrame({"source": ["a", "b", "c", "a"], "record_id": ["1", "2", "9", "3"],
                          "golden_id": ["G1", "G1", "G1", "G2"]})


def test_valid_request_becomes_decision_rows_with_scores_at_decision_time():
    rows = decisions_for(ReviewRequest(reviewer="ana", note="checked", approve=["a:1~b:2"], reject=["a:3~b:4"]),
                         QUEUE, CROSSWALK, decided_at="2026-11-25T10:00:00Z")
    assert rows[["action", "left_key", "right_key"]].values.tolist() == [["approve", "a:1", "b:2"],
                                                                         ["reject", "a:3", "b:4"]]
    assert rows["match_probability"].tolist() == [0.98, 0.96]
    assert set(rows["reviewer"]) == {"ana"} and set(rows["note"]) == {"checked"}
    assert rows["explanation"].iloc[0].startswith("+ same phone")


@pytest.mark.parametrize("request_, message", [
    (ReviewRequest(reviewer="ana", approve=["a:1~zz:9"]),
     "unknown pair id 'a:1~zz:9': not in the review queue; did you mean 'a:1~b:2'?"),
    (ReviewRequest(reviewer="", approve=["a:1~b:2"]), "reviewer is required"),
    (ReviewRequest(reviewer="ana"), "nothing to decide"),
    (ReviewRequest(reviewer="ana", approve=["a:1~b:2"], reject=["a:1~b:2"]), "both approved and rejected"),
    (ReviewRequest(reviewer="ana", confirm=["G404"]), "unknown golden id 'G404'"),
    (ReviewRequest(reviewer="ana", split=[{"golden_id": "G1", "records": ["a:3"]}]), "are not members"),
    (ReviewRequest(reviewer="ana", split=[{"golden_id": "G1", "records": ["a:1", "b:2", "c:9"]}]), "some but not all"),
])
def test_bad_requests_are_refused_with_the_reason(request_, message):
    with pytest.raises(ReviewError, match=message):
        decisions_for(request_, QUEUE, CROSSWALK)


def test_ids_are_read_as_a_person_pastes_them():
    """Blanks around an id and the two records in either order name the same queued pair; a refusal
    is one line naming every bad id with the nearest valid one."""
    rows = decisions_for(ReviewRequest(reviewer=" ana ", approve=["  b:2~a:1 "], reject=["a:3 ~ b:4"]), QUEUE, CROSSWALK)
    assert rows["pair_id"].tolist() == ["a:1~b:2", "a:3~b:4"] and set(rows["reviewer"]) == {"ana"}
    with pytest.raises(ReviewError) as refused:
        decisions_for(ReviewRequest(reviewer="ana", approve=["a:1~b:3", "a:3~b:4"], reject=["x"]), QUEUE, CROSSWALK)
    message = str(refused.value)
    assert "\n" not in message
    assert "'a:1~b:3': not in the review queue; did you mean 'a:1~b:2'?" in message
    assert "'x': not in the review queue (2 pairs wait" in message
    with pytest.raises(ReviewError, match="both approved and rejected"):
        decisions_for(ReviewRequest(reviewer="ana", approve=["a:1~b:2"], reject=["b:2~a:1"]), QUEUE, CROSSWALK)
    twice = decisions_for(ReviewRequest(reviewer="ana", approve=["a:1~b:2", " b:2 ~ a:1 "]), QUEUE, CROSSWALK)
    assert twice["pair_id"].tolist() == ["a:1~b:2"]


def test_a_stale_link_says_the_pair_was_decided_already():
    previous = pd.DataFrame({"decision_id": [1], "pair_id": ["a:5~b:6"], "action": ["approve"], "reviewer": ["ben"],
                             "decided_at": ["2026-12-04T10:00:00Z"]})
    with pytest.raises(ReviewError, match=r"'a:5~b:6' was decided already \(approve by ben at 2026-12-04T10:00:00Z\)"):
        decisions_for(ReviewRequest(reviewer="ana", approve=["a:5~b:6"]), QUEUE, CROSSWALK, previous=previous)


def test_one_bad_id_refuses_the_whole_request_and_stores_nothing(tmp_path):
    store = StateStore(default_state_url(tmp_path))
    store.replace(REVIEW_QUEUE, QUEUE)
    with pytest.raises(ReviewError):
        record_decisions(store, ReviewRequest(reviewer="ana", approve=["a:1~b:2", "nope"]), CROSSWALK)
    assert load_decisions(store).empty
    record_decisions(store, ReviewRequest(reviewer="ana", approve=["a:1~b:2"]), CROSSWALK)
    record_decisions(store, ReviewRequest(reviewer="ben", reject=["a:1~b:2"], note="second look"), CROSSWALK)
    log = load_decisions(store)
    assert log["decision_id"].tolist() == [1, 2] and log["reviewer"].tolist() == ["ana", "ben"]


def test_latest_decision_wins_and_split_cuts_a_golden_record():
    contacts = pd.DataFrame({"contact_key": ["a:1", "b:2", "c:9", "a:3", "b:4"]})
    first = decisions_for(ReviewRequest(reviewer="ana", approve=["a:1~b:2", "a:3~b:4"]), QUEUE, CROSSWALK)
    second = decisions_for(ReviewRequest(reviewer="ben", reject=["a:3~b:4"],
                                         split=[{"golden_id": "G1", "records": ["c:9"]}]), QUEUE, CROSSWALK)
    log = pd.concat([first, second], ignore_index=True)
    log.insert(0, "decision_id", range(1, len(log) + 1))
    must, cannot = links_for(log, contacts)
    assert {tuple(p) for p in must.to_numpy()} == {(0, 1)}
    # a:3~b:4 was approved, then rejected: the rejection stands. c:9 is cut from a:1 and b:2.
    assert {tuple(sorted(p)) for p in cannot.to_numpy()} == {(3, 4), (0, 2), (1, 2)}


# -- through Dagster ----------------------------------------------------------------------------

def _project(root, match=None, review=None):
    sources = yaml.safe_load((root / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": 250, "seed": 3}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    if match is not None:
        matching = yaml.safe_load((root / "rules" / "matching.yaml").read_text())
        matching["thresholds"] = {"match": match, "review": review}
        (root / "rules" / "matching.yaml").write_text(yaml.safe_dump(matching, sort_keys=False))
    return root


def _run(root, selection, run_config=None):
    project = load_project(root)
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(build_assets(project), resources=build_resources(project, f"sqlite:///{root / 'crm.db'}"),
                              instance=instance, raise_on_error=False, selection=selection, run_config=run_config)


NIGHTLY = NIGHTLY_SELECTION
REVIEW = REVIEW_SELECTION


def _golden_of(result):
    crosswalk = result.output_for_node("golden_records", "golden_crosswalk")
    return dict(zip(crosswalk["source"] + ":" + crosswalk["record_id"], crosswalk["golden_id"]))


def test_decisions_from_the_review_job_change_the_next_run_and_survive_a_threshold_change(project_copy):
    root = _project(project_copy)
    first = _run(root, NIGHTLY)
    assert first.success
    suggestions = first.output_for_node("merge_suggestions")
    assert len(suggestions) >= 2, "the demo needs grey-zone pairs to review"
    checks = [e for e in first.get_asset_check_evaluations() if e.check_name == "merge_suggestions_awaiting_review"]
    assert checks and not checks[0].passed and checks[0].metadata["awaiting_review"].value == len(suggestions)
    golden = _golden_of(first)
    # Every suggestion is a question: never two records of one golden record, never the same two
    # golden records twice.
    sides = [tuple(sorted((golden[a], golden[b]))) for a, b in zip(suggestions["a_contact_key"],
                                                                   suggestions["b_contact_key"])]
    assert all(a != b for a, b in sides) and len(set(sides)) == len(sides)
    approve = suggestions.iloc[0]
    assert golden[approve["a_contact_key"]] != golden[approve["b_contact_key"]]
    reject = suggestions.iloc[1]
    # Split a merged golden record: its first record is someone else.
    crosswalk = first.output_for_node("golden_records", "golden_crosswalk")
    sizes = crosswalk.groupby("golden_id").size()
    split_id = sizes[sizes >= 2].index[0]
    members = crosswalk[crosswalk["golden_id"] == split_id]
    split_off = f"{members['source'].iloc[0]}:{members['record_id'].iloc[0]}"

    # An unknown id refuses the whole request: the run fails and nothing is stored.
    refused = _run(root, REVIEW, {"ops": {"review_decisions": {"config": {
        "reviewer": "ana", "approve": [approve["pair_id"], "web:1~nobody:2"]}}}})
    assert not refused.success
    failure = [e for e in refused.all_events if e.event_type_value == "STEP_FAILURE"][0]
    message = failure.step_failure_data.user_failure_data.description
    assert "\n" not in message and "'web:1~nobody:2': not in the review queue" in message
    store = StateStore(default_state_url(load_project(root).data_dir))
    assert load_decisions(store).empty

    review = _run(root, REVIEW, {"ops": {"review_decisions": {"config": {
        "reviewer": "ana", "note": "same phone, checked with the customer",
        "approve": [approve["pair_id"]], "reject": [reject["pair_id"]],
        "split": [{"golden_id": split_id, "records": [split_off]}]}}}})
    assert review.success
    log = review.output_for_node("review_decisions")
    assert set(log["action"]) >= {"approve", "reject", "split"}
    assert (log["reviewer"] == "ana").all() and log.loc[log["action"] == "approve", "match_probability"].notna().all()
    # The review run applied the decisions at once: golden records, queue and the outcome in names.
    golden = _golden_of(review)
    assert golden[approve["a_contact_key"]] == golden[approve["b_contact_key"]]
    assert golden[reject["a_contact_key"]] != golden[reject["b_contact_key"]]
    assert not set(review.output_for_node("merge_suggestions")["pair_id"]) & {approve["pair_id"], reject["pair_id"]}
    outcome = review.output_for_node("review_outcome").set_index("pair_id")
    assert outcome.loc[approve["pair_id"], "now"] == f"one golden record {golden[approve['a_contact_key']]}"
    assert outcome.loc[reject["pair_id"], "now"].startswith("apart: ")
    assert approve["a_last_name"] in outcome.loc[approve["pair_id"], "record_a"] + outcome.loc[approve["pair_id"], "record_b"]

    second = _run(root, NIGHTLY)
    assert second.success
    golden = _golden_of(second)
    assert golden[approve["a_contact_key"]] == golden[approve["b_contact_key"]]
    assert golden[reject["a_contact_key"]] != golden[reject["b_contact_key"]]
    rest = [f"{s}:{r}" for s, r in zip(members["source"], members["record_id"]) if f"{s}:{r}" != split_off]
    assert all(golden[split_off] != golden[key] for key in rest)
    # Decided pairs leave the queue.
    assert not set(second.output_for_node("merge_suggestions")["pair_id"]) & {approve["pair_id"], reject["pair_id"]}

    # Much stricter thresholds: the approved pair would not even be suggested now; the decision still holds.
    _project(root, match=0.99999, review=0.9999)
    strict = _run(root, NIGHTLY)
    assert strict.success
    # The rules changed, so this run rebuilt everything: the approval was a label for m.
    model = strict.output_for_node("scored_pairs", "match_model")
    assert (model.fitted.get("labels") or model.fitted["rejected_fit"]["labels"])["approved_pairs"] >= 1
    golden = _golden_of(strict)
    assert golden[approve["a_contact_key"]] == golden[approve["b_contact_key"]]
    assert all(golden[split_off] != golden[key] for key in rest)
