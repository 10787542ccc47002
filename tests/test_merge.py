"""Survivorship, consent across merges, crosswalk completeness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.contacts import normalise_contacts
from steward.golden import Survivorship, build_golden_records
from steward.matching.cluster import cluster_records, connected_clusters

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}


def _records(rows):
    frame = pd.DataFrame([{**BASE, "email_opt_in": "unknown", "source_default_country": "DE", **r} for r in rows])
    return normalise_contacts(frame)


def _golden(contacts, clusters, config=None):
    cl = pd.DataFrame({"cluster": clusters})
    return build_golden_records(contacts, cl, Survivorship(config or {"source_priority": ["crm", "shop"]}))


def test_survivorship_rules_and_address_group():
    contacts = _records([
        {"source": "shop", "record_id": "1", "first_name": "Bob", "last_name": "SMITH", "email": "not-an-email",
         "phone": "0171 2345678", "city": "Berlin", "postcode": "10115", "address_line1": "Hauptstr. 1",
         "updated_at": "2024-01-01T00:00:00"},
        {"source": "crm", "record_id": "9", "first_name": "Robert", "last_name": "Smith", "email": "bob@example.com",
         "city": "Hamburg", "postcode": None, "updated_at": "2025-01-01T00:00:00"},
        {"source": "shop", "record_id": "2", "first_name": "Bob", "last_name": "Smith", "email": "bob.smith@example.com",
         "updated_at": "2023-01-01T00:00:00"},
    ])
    config = {
        "source_priority": ["crm", "shop"],
        "groups": {"address": ["address_line1", "city", "postcode", "region", "country"]},
        "fields": {"first_name": ["most_frequent"], "email": ["valid_first", "most_recent"],
                   "address": ["most_complete", "most_recent"], "last_name": ["most_recent"]},
    }
    golden, crosswalk = _golden(contacts, [0, 0, 0], config)
    row = golden.iloc[0]
    assert row["first_name"] == "Bob"  # two of three records agree
    assert row["last_name"] == "Smith"
    assert row["email"] == "bob@example.com"  # newest *valid* address; the invalid one never wins
    assert row["phone"] == "+491712345678"  # normalised E.164 from the only record that has one
    # The whole address comes from one record (the most complete), never stitched.
    assert (row["city"], row["postcode"], row["address_line1"]) == ("Berlin", "10115", "Hauptstr. 1")
    assert row["member_count"] == 3 and row["sources"] == "crm,shop"
    assert len(crosswalk) == 3 and crosswalk["golden_id"].nunique() == 1


def test_invalid_value_survives_only_when_nothing_valid_exists():
    contacts = _records([{"source": "shop", "record_id": "1", "last_name": "Lee", "email": "broken@@x"}])
    golden, _ = _golden(contacts, [0])
    assert golden.iloc[0]["email"] == "broken@@x"


def test_golden_ids_are_deterministic_and_independent_of_row_order():
    rows = [
        {"source": "shop", "record_id": str(i), "last_name": f"Name{i}", "email": f"p{i}@example.com"} for i in range(6)
    ]
    g1, c1 = _golden(_records(rows), [0, 0, 1, 1, 2, 2])
    g2, c2 = _golden(_records(rows[::-1]), [2, 2, 1, 1, 0, 0])
    assert sorted(g1["golden_id"]) == sorted(g2["golden_id"])
    pd.testing.assert_frame_equal(c1, c2)


def test_unknown_survivorship_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule"):
        Survivorship({"fields": {"email": ["newest"]}})


OPT = st.sampled_from(["yes", "no", "unknown"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(OPT, st.integers(0, 4)), min_size=1, max_size=25))
def test_opt_out_anywhere_survives_every_merge(members):
    contacts = _records([
        {"source": "shop", "record_id": str(i), "last_name": "X", "email_opt_in": opt} for i, (opt, _) in enumerate(members)
    ])
    golden, crosswalk = _golden(contacts, [cluster for _, cluster in members])
    merged = crosswalk.merge(golden[["golden_id", "email_opt_in"]], on="golden_id")
    member_opt = pd.Series({str(i): opt for i, (opt, _) in enumerate(members)})
    merged["member_opt"] = merged["record_id"].map(member_opt)
    for _, group in merged.groupby("golden_id"):
        status = group["email_opt_in"].iloc[0]
        if (group["member_opt"] == "no").any():
            assert status == "no"
        elif (group["member_opt"] == "yes").any():
            assert status == "yes"
        else:
            assert status == "unknown"


def test_clusters_are_connected_components():
    contacts = _records([{"source": "s", "record_id": str(i), "last_name": "A"} for i in range(5)])
    labels = connected_clusters(len(contacts), np.array([0, 1, 3]), np.array([1, 2, 4]))
    clusters = cluster_records(contacts, labels)
    assert clusters["cluster"].nunique() == 2
    assert clusters.loc[0, "cluster"] == clusters.loc[2, "cluster"] != clusters.loc[3, "cluster"]


def test_flagged_email_loses_to_a_clean_one_but_survives_alone():
    contacts = _records([
        {"source": "shop", "record_id": "1", "last_name": "Thompson", "email": "kevin@yahooo.com",
         "updated_at": "2025-01-01T00:00:00"},
        {"source": "shop", "record_id": "2", "last_name": "Thompson", "email": "kevin@yahoo.com",
         "updated_at": "2020-01-01T00:00:00"},
        {"source": "shop", "record_id": "3", "last_name": "Ray", "email": "ray@yahooo.com"},
    ])
    assert contacts.loc[0, "email_issue"].startswith("typo_domain")
    golden, crosswalk = _golden(contacts, [0, 0, 1])
    by_member = crosswalk.merge(golden, on="golden_id").set_index("record_id")["email"]
    assert by_member["1"] == "kevin@yahoo.com"  # newer, but flagged: the clean address wins
    assert by_member["3"] == "ray@yahooo.com"  # nothing better: kept, never dropped
