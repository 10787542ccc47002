"""Issue 19, C6 (NUL): PostgreSQL refuses a NUL character in a value, and elsewhere C programs
cut the text there. A golden record holding one is refused on its own, with a reason naming the
table, column and golden id; the rest is published; what the CRM had for that record stays."""

from __future__ import annotations

import pandas as pd
import pytest

from steward.publish import CROSSWALK_TABLE, GOLDEN_TABLE, LINEAGE_TABLE, PUBLISH_LOG_TABLE, publish, read_table


def _frames(first_names):
    ids = [f"G{i}" for i in range(len(first_names))]
    golden = pd.DataFrame({"golden_id": ids, "first_name": first_names, "email": [f"p{i}@x.com" for i in range(len(ids))]})
    crosswalk = pd.DataFrame({"source": "sql", "record_id": [str(i) for i in range(len(ids))], "golden_id": ids})
    lineage = pd.DataFrame({"golden_id": ids, "field": "first_name", "value": first_names, "rule": "only value"})
    return golden, crosswalk, lineage


def _stored(url, table=GOLDEN_TABLE):
    return read_table(url, table).sort_values(["golden_id", *(["record_id"] if table == CROSSWALK_TABLE else [])],
                                              ignore_index=True)


def test_a_new_record_with_nul_is_refused_with_a_reason_and_the_rest_published(crm_url):
    golden, crosswalk, lineage = _frames(["Ann", "Car\x00la", "Cy"])
    summary = publish(golden, crosswalk, crm_url, lineage=lineage, erased_ids=[])
    assert (summary.inserted, summary.golden_rows, summary.refused) == (2, 2, 1)
    refusals = {(r.golden_id, r.table, r.column) for r in summary.refused_rows}
    assert refusals == {("G1", GOLDEN_TABLE, "first_name"), ("G1", LINEAGE_TABLE, "value")}
    message = str(summary.refused_rows[0])
    assert "G1" in message and "first_name" in message and "NUL" in message and "position 3 of 6" in message and "Car" not in message  # no value: it goes to logs
    assert "\n" not in message and "\x00" not in message
    assert list(_stored(crm_url)["golden_id"]) == ["G0", "G2"]
    assert list(_stored(crm_url, CROSSWALK_TABLE)["golden_id"]) == ["G0", "G2"]
    assert list(_stored(crm_url, LINEAGE_TABLE)["golden_id"]) == ["G0", "G2"]
    assert int(read_table(crm_url, PUBLISH_LOG_TABLE)["refused"].iloc[-1]) == 1


@pytest.mark.parametrize("incremental", [False, True])
def test_a_published_record_that_gains_a_nul_keeps_what_the_crm_has(crm_url, incremental):
    golden, crosswalk, lineage = _frames(["Ann", "Carla", "Cy"])
    publish(golden, crosswalk, crm_url, lineage=lineage, erased_ids=[])
    before = {t: _stored(crm_url, t) for t in (GOLDEN_TABLE, CROSSWALK_TABLE, LINEAGE_TABLE)}
    golden, crosswalk, lineage = _frames(["Ann", "Car\x00la", "Cyril"])
    crosswalk.loc[1, "record_id"] = "1\x00"  # the crosswalk row of the same record: refused with it
    summary = publish(golden, crosswalk, crm_url, lineage=lineage, erased_ids=[],
                      only_ids=["G1", "G2"] if incremental else None)
    assert (summary.updated, summary.retired, summary.deleted, summary.refused) == (1, 0, 0, 1)
    assert {(r.table, r.column) for r in summary.refused_rows} == {
        (GOLDEN_TABLE, "first_name"), (CROSSWALK_TABLE, "record_id"), (LINEAGE_TABLE, "value")}
    after = {t: _stored(crm_url, t) for t in (GOLDEN_TABLE, CROSSWALK_TABLE, LINEAGE_TABLE)}
    # G1 as it was (active, Carla, its crosswalk and lineage rows); G2 updated.
    pd.testing.assert_frame_equal(after[GOLDEN_TABLE].iloc[[0, 1]], before[GOLDEN_TABLE].iloc[[0, 1]])
    assert after[GOLDEN_TABLE].loc[2, "first_name"] == "Cyril"
    pd.testing.assert_frame_equal(after[CROSSWALK_TABLE], before[CROSSWALK_TABLE])
    assert list(after[LINEAGE_TABLE]["value"]) == ["Ann", "Carla", "Cyril"]
    # Once the source is fixed, the record is published.
    golden, crosswalk, lineage = _frames(["Ann", "Carla Maria", "Cyril"])
    summary = publish(golden, crosswalk, crm_url, lineage=lineage, erased_ids=[])
    assert (summary.updated, summary.refused) == (1, 0)
    assert _stored(crm_url).loc[1, "first_name"] == "Carla Maria"
