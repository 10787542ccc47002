"""Survivorship, consent across merges, crosswalk completeness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.normalise.stage import normalise_contacts
from steward.merge.golden import Survivorship, build_golden_records
from steward.match.cluster import cluster_records, connected_clusters

from .conftest import NICKNAME_FILE

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}


def _records(rows):
    frame = pd.DataFrame([{**BASE, "email_opt_in": "unknown", "source_default_country": "DE", **r} for r in rows])
    return normalise_contacts(frame, nickname_file=NICKNAME_FILE)


def _golden(contacts, clusters, config=None):
    cl = pd.DataFrame({"cluster": clusters})
    result = build_golden_records(contacts, cl, Survivorship(config or {"source_priority": ["crm", "shop"]}))
    return result.golden, result.crosswalk


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
@given(st.lists(st.tuples(OPT, st.booleans(), st.integers(0, 4)), min_size=1, max_size=25))
def test_opt_out_anywhere_survives_every_merge(members):
    contacts = _records([
        {"source": "shop", "record_id": str(i), "last_name": "X", "email_opt_in": opt,
         "email_double_opt_in": "yes" if confirmed else "unknown"} for i, (opt, confirmed, _) in enumerate(members)
    ])
    golden, crosswalk = _golden(contacts, [cluster for _, _, cluster in members])
    merged = crosswalk.merge(golden[["golden_id", "email_opt_in", "email_consent"]], on="golden_id")
    member = pd.DataFrame([(str(i), opt, confirmed) for i, (opt, confirmed, _) in enumerate(members)],
                          columns=["record_id", "member_opt", "member_confirmed"])
    merged = merged.merge(member, on="record_id")
    for _, group in merged.groupby("golden_id"):
        status, consent = group["email_opt_in"].iloc[0], group["email_consent"].iloc[0]
        if (group["member_opt"] == "no").any():
            assert (status, consent) == ("no", "opted_out")
        elif ((group["member_opt"] == "yes") & group["member_confirmed"]).any():
            assert (status, consent) == ("yes", "opted_in")
        elif (group["member_opt"] == "yes").any():
            # An opt-in nobody confirmed is not consent.
            assert (status, consent) == ("unknown", "unconfirmed")
        else:
            assert (status, consent) == ("unknown", "unknown")


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


# --------------------------------------------------------------------------
# lineage, secondary values, golden ids across runs
# --------------------------------------------------------------------------

from steward.merge.golden import LINEAGE_COLUMNS, golden_id_for  # noqa: E402

LINEAGE_CONFIG = {
    "source_priority": ["crm", "shop"],
    "groups": {"address": ["address_line1", "city", "postcode", "region", "country"]},
    "fields": {"email": ["valid_first", "most_recent"], "phone": ["valid_first", "source_priority", "most_recent"],
               "company": ["most_recent", "most_complete"], "job_title": ["most_complete"],
               "first_name": ["most_frequent", "most_recent"], "last_name": ["most_recent"],
               "address": ["most_complete", "most_recent"]},
}


def _lineage_case():
    return _records([
        {"source": "shop", "record_id": "1", "first_name": "Bob", "last_name": "Lee", "email": "broken@@x",
         "phone": "0171 2345678", "company": "ACME", "job_title": "CTO", "city": "Berlin",
         "updated_at": "2025-01-01T00:00:00"},
        {"source": "crm", "record_id": "2", "first_name": "Robert", "last_name": "Lee", "email": "rob@example.com",
         "phone": "030 1234567", "company": "ACME GmbH", "job_title": "Chief Technology Officer",
         "address_line1": "Hauptstr. 1", "city": "Berlin", "postcode": "10115", "updated_at": "2020-01-01T00:00:00"},
        {"source": "shop", "record_id": "3", "first_name": "Robert", "last_name": "Lee", "date_of_birth": "1980-02-03"},
        {"source": "shop", "record_id": "7", "last_name": "Ng", "company": "Xco"},
        {"source": "shop", "record_id": "8", "last_name": "Ng", "company": "Yco"},
    ])


def test_lineage_names_the_record_and_the_rule_that_decided():
    result = build_golden_records(_lineage_case(), pd.DataFrame({"cluster": [0, 0, 0, 1, 1]}),
                                  Survivorship(LINEAGE_CONFIG))
    lineage = result.lineage
    assert list(lineage.columns) == LINEAGE_COLUMNS
    lee = golden_id_for("crm:2")
    got = lineage[lineage["golden_id"] == lee].set_index("field")
    decided = {f: (got.loc[f, "source"] + ":" + got.loc[f, "record_id"], got.loc[f, "rule"]) for f in got.index}
    assert decided == {
        "email": ("crm:2", "valid_first"),  # the newer address is invalid
        "phone": ("crm:2", "source_priority"),  # both valid: crm ranks before shop
        "company": ("shop:1", "most_recent"),
        "job_title": ("crm:2", "most_complete"),
        "first_name": ("crm:2", "most_frequent"),  # Robert twice; crm:2 is the newer Robert
        "last_name": ("shop:1", "all agree"),  # same value everywhere; the newest record supplied it
        "date_of_birth": ("shop:3", "only value"),
        "address": ("crm:2", "most_complete"),  # the group is one lineage row
    }
    assert got.loc["last_name", "candidates"] == 3 and got.loc["date_of_birth", "candidates"] == 1
    address = got.loc["address"]
    assert address["fields"] == "address_line1,city,postcode,region,country"
    assert address["value"] == "Hauptstr. 1, Berlin, 10115"
    golden = result.golden.set_index("golden_id")
    for field in ("email", "phone", "company", "job_title", "first_name", "date_of_birth"):
        assert got.loc[field, "value"] == golden.loc[lee, field]
    ng = lineage[lineage["golden_id"] == golden_id_for("shop:7")].set_index("field")
    # Xco and Yco: no updated_at, same length: every rule ties, the smaller record key wins.
    assert (ng.loc["company", "record_id"], ng.loc["company", "rule"]) == ("7", "tie: record key")
    assert ng.loc["company", "value"] == "Xco"
    # Fields nobody had leave no lineage row.
    assert "address" not in ng.index and "email" not in ng.index


def test_lineage_value_is_the_chosen_records_value():
    contacts = _lineage_case()
    result = build_golden_records(contacts, pd.DataFrame({"cluster": [0, 0, 0, 1, 1]}), Survivorship(LINEAGE_CONFIG))
    single = result.lineage[result.lineage["fields"] == result.lineage["field"].astype(str)]
    keyed = contacts.set_index(["source", "record_id"])
    for row in single.itertuples():
        record = keyed.loc[(row.source, row.record_id)]
        column = {"email": "email_norm", "phone": "phone_e164", "date_of_birth": "dob"}.get(row.field, row.field)
        own = record[column] if pd.notna(record[column]) else record[row.field]
        assert str(own).casefold() == str(row.value).casefold()


def test_secondary_emails_and_phones_keep_every_other_value():
    contacts = _records([
        {"source": "crm", "record_id": "1", "last_name": "Ray", "email": "ray@example.com", "phone": "+49 30 1234567",
         "updated_at": "2025-01-01T00:00:00"},
        {"source": "shop", "record_id": "2", "last_name": "Ray", "email": "Ray@Example.com", "phone": "030 1234567"},
        {"source": "shop", "record_id": "3", "last_name": "Ray", "email": "ray.b@work.org", "phone": "0171 2345678"},
        {"source": "shop", "record_id": "4", "last_name": "Ray", "email": "abc@z.net", "phone": "0171 2345678"},
        {"source": "shop", "record_id": "5", "last_name": "Ray", "email": "not an email"},
        {"source": "shop", "record_id": "6", "last_name": "Solo", "email": "solo@example.com"},
    ])
    golden, _ = _golden(contacts, [0, 0, 0, 0, 0, 1])
    ray = golden.set_index("last_name").loc["Ray"]
    assert ray["email"] == "ray@example.com"
    # sorted, case variants of the primary left out, invalid text not carried
    assert ray["secondary_emails"] == "abc@z.net; ray.b@work.org"
    assert ray["phone"] == "+49301234567" and ray["secondary_phones"] == "+491712345678"
    solo = golden.set_index("last_name").loc["Solo"]
    assert pd.isna(solo["secondary_emails"]) and pd.isna(solo["secondary_phones"])


POOL = ["a@x.com", "B@x.com", "b@x.com", "c@y.org", "d@z.net", None]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(POOL), st.integers(0, 3)), min_size=1, max_size=15))
def test_no_email_is_lost_in_a_merge(members):
    contacts = _records([{"source": "shop", "record_id": str(i), "last_name": "X", "email": e}
                         for i, (e, _) in enumerate(members)])
    golden, crosswalk = _golden(contacts, [c for _, c in members])
    by_record = crosswalk.merge(golden, on="golden_id").set_index("record_id")
    for i, (email, _) in enumerate(members):
        row = by_record.loc[str(i)]
        kept = [row["email"]] + (row["secondary_emails"].split("; ") if isinstance(row["secondary_emails"], str) else [])
        assert len(kept) == len({k.casefold() for k in kept if isinstance(k, str)}) or pd.isna(row["email"])
        if email is not None:
            assert email.casefold() in {k.casefold() for k in kept if isinstance(k, str)}


def _people(n, source="shop", start=0):
    return [{"source": source, "record_id": str(i), "first_name": f"P{i}", "last_name": f"Name{i}",
             "email": f"p{i}@example.com"} for i in range(start, start + n)]


def test_first_run_ids_are_the_smallest_key_hash():
    result = build_golden_records(_records(_people(4)), pd.DataFrame({"cluster": [3, 3, 1, 2]}),
                                  Survivorship({}), run_at="2026-01-01T00:00:00+00:00")
    assert sorted(result.golden["golden_id"]) == sorted(golden_id_for(k) for k in ["shop:0", "shop:2", "shop:3"])
    assert result.id_events.empty and (result.id_registry["status"] == "active").all()


def test_golden_ids_survive_new_people_and_changed_values():
    rows = _people(4)
    run1 = build_golden_records(_records(rows), pd.DataFrame({"cluster": [0, 0, 1, 2]}), Survivorship({}),
                                run_at="2026-01-01T00:00:00+00:00")
    # A new source of new people (keys sorting first), a changed email, new cluster labels, shuffled rows.
    changed = [dict(r) for r in rows]
    changed[2]["email"] = "new.address@example.com"
    newcomers = [{**p, "source": "aaa"} for p in _people(3, start=10)]
    all_rows = newcomers + changed
    labels = [7, 8, 9, 5, 5, 4, 6]
    order = np.random.default_rng(1).permutation(len(all_rows))
    run2 = build_golden_records(_records([all_rows[i] for i in order]),
                                pd.DataFrame({"cluster": [labels[i] for i in order]}), Survivorship({}),
                                previous=run1.crosswalk, registry=run1.id_registry, run_at="2026-02-01T00:00:00+00:00")
    before = run1.crosswalk.set_index(["source", "record_id"])["golden_id"]
    after = run2.crosswalk.set_index(["source", "record_id"])["golden_id"]
    pd.testing.assert_series_equal(after.loc[before.index], before)
    assert run2.id_events.empty
    assert sorted(after.xs("aaa")) == sorted(golden_id_for(f"aaa:{i}") for i in (10, 11, 12))
    moved = run2.golden.set_index("golden_id").loc[before[("shop", "2")]]
    assert moved["email"] == "new.address@example.com"


def test_clusters_merging_keep_the_oldest_id_in_golden_records():
    run1 = build_golden_records(_records(_people(2, start=5)), pd.DataFrame({"cluster": [0, 0]}), Survivorship({}),
                                run_at="2026-01-01T00:00:00+00:00")
    older = run1.golden["golden_id"].iloc[0]
    run2 = build_golden_records(_records(_people(2, start=5) + _people(1, source="crm")),
                                pd.DataFrame({"cluster": [0, 0, 1]}), Survivorship({}), previous=run1.crosswalk,
                                registry=run1.id_registry, run_at="2026-02-01T00:00:00+00:00")
    younger = golden_id_for("crm:0")
    assert set(run2.golden["golden_id"]) == {older, younger}
    run3 = build_golden_records(_records(_people(2, start=5) + _people(1, source="crm")),
                                pd.DataFrame({"cluster": [4, 4, 4]}), Survivorship({}), previous=run2.crosswalk,
                                registry=run2.id_registry, run_at="2026-03-01T00:00:00+00:00")
    assert run3.golden["golden_id"].tolist() == [older]  # crm:0's id is smaller, but younger
    assert run3.id_events[["golden_id", "event", "other_id"]].values.tolist() == [[younger, "merged_into", older]]
    registry = run3.id_registry.set_index("golden_id")
    assert registry.loc[younger, "status"] == "merged" and registry.loc[younger, "merged_into"] == older
    # a split afterwards mints a new id and records where it came from
    run4 = build_golden_records(_records(_people(2, start=5) + _people(1, source="crm")),
                                pd.DataFrame({"cluster": [1, 1, 2]}), Survivorship({}), previous=run3.crosswalk,
                                registry=run3.id_registry, run_at="2026-04-01T00:00:00+00:00")
    ids = set(run4.golden["golden_id"])
    assert older in ids and len(ids) == 2
    (fresh,) = ids - {older}
    assert fresh not in set(run3.id_registry["golden_id"])
    assert run4.id_events[["golden_id", "event", "other_id"]].values.tolist() == [[fresh, "split_from", older]]


def test_golden_outputs_do_not_depend_on_row_order():
    contacts = _lineage_case()
    labels = np.array([0, 0, 0, 1, 1])
    first = build_golden_records(contacts, pd.DataFrame({"cluster": labels}), Survivorship(LINEAGE_CONFIG),
                                 run_at="2026-01-01T00:00:00+00:00")
    order = np.random.default_rng(5).permutation(len(contacts))
    second = build_golden_records(contacts.iloc[order].reset_index(drop=True),
                                  pd.DataFrame({"cluster": labels[order] + 10}), Survivorship(LINEAGE_CONFIG),
                                  run_at="2026-01-01T00:00:00+00:00")
    for name in ("golden", "crosswalk", "lineage", "id_events", "id_registry"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), obj=name)
