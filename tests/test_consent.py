"""Consent per channel (most restrictive member wins, evidence kept) and minors' age ranges."""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.config import DEFAULT_AGE_BANDS, AgeBand, ConfigError, ConsentRules, load_project, parse_consent_rules
from steward.errors import StewardError
from steward.merge.consent import (
    PERMISSION,
    age_in_years,
    age_ranges,
    apply_source_confirmation,
    consent_never_looser,
    consent_violations,
    evidence_dates,
    golden_consent,
    member_consent,
    minor_mask,
    protect_minors,
)

REF = dt.date(2025, 10, 1)


def _members(rows: list[dict]) -> pd.DataFrame:
    """Records with every consent column; unspecified ones unknown / empty."""
    base = {"cluster": 0, "source": "shop", "email_opt_in": "unknown", "email_double_opt_in": "unknown",
            "phone_opt_in": "unknown", "phone_double_opt_in": "unknown", "consent_updated_at": None,
            "updated_at": None}
    return pd.DataFrame([{**base, "record_id": str(i), **row} for i, row in enumerate(rows)])


# --------------------------------------------------------------------------------------
# golden_consent: table-driven cases, evidence included
# --------------------------------------------------------------------------------------

T1, T2, T3 = "2021-01-01T00:00:00", "2023-06-01T12:00:00", "2025-02-01T08:30:00"

CASES = [
    # (case, members, confirmed sources, expected (status, source, record_id, date))
    ("an opt-out anywhere beats a newer confirmed opt-in",
     [{"source": "shop", "email_opt_in": "yes", "email_double_opt_in": "yes", "consent_updated_at": T3},
      {"source": "crm", "email_opt_in": "no", "updated_at": T1}],
     set(), ("opted_out", "crm", "1", T1)),
    ("several opt-outs: the latest is the evidence",
     [{"source": "crm", "email_opt_in": "no", "updated_at": T1},
      {"source": "shop", "email_opt_in": "no", "consent_updated_at": T2},
      {"source": "events", "email_opt_in": "yes", "consent_updated_at": T3}],
     {"events"}, ("opted_out", "shop", "1", T2)),
    ("opt-outs on the same date: source, then record id decide",
     [{"source": "shop", "email_opt_in": "no", "updated_at": T2, "record_id": "9"},
      {"source": "crm", "email_opt_in": "no", "updated_at": T2, "record_id": "7"},
      {"source": "crm", "email_opt_in": "no", "updated_at": T2, "record_id": "5"}],
     set(), ("opted_out", "crm", "5", T2)),
    ("an undated opt-out still wins; dated ones are named first",
     [{"source": "a", "email_opt_in": "no"},
      {"source": "b", "email_opt_in": "no", "updated_at": T1}],
     set(), ("opted_out", "b", "1", T1)),
    ("a yes nobody confirmed is not consent",
     [{"source": "shop", "email_opt_in": "yes", "consent_updated_at": T2},
      {"source": "support"}],
     set(), ("unconfirmed", "shop", "0", T2)),
    ("the double-opt-in flag confirms",
     [{"source": "shop", "email_opt_in": "yes", "email_double_opt_in": "yes", "consent_updated_at": T2}],
     set(), ("opted_in", "shop", "0", T2)),
    ("a consent_confirmed source confirms its yes",
     [{"source": "events", "email_opt_in": "yes", "updated_at": T1}],
     {"events"}, ("opted_in", "events", "0", T1)),
    ("an explicit 'not confirmed' flag outranks the source declaration",
     [{"source": "events", "email_opt_in": "yes", "email_double_opt_in": "no", "updated_at": T1}],
     {"events"}, ("unconfirmed", "events", "0", T1)),
    ("a confirmed opt-in is the evidence even when an unconfirmed one is newer",
     [{"source": "shop", "email_opt_in": "yes", "email_double_opt_in": "yes", "consent_updated_at": T1},
      {"source": "shop", "email_opt_in": "yes", "email_double_opt_in": "no", "consent_updated_at": T3}],
     set(), ("opted_in", "shop", "0", T1)),
    ("consent_updated_at is the evidence date, updated_at only stands in",
     [{"source": "shop", "email_opt_in": "yes", "email_double_opt_in": "yes", "consent_updated_at": T1,
       "updated_at": T3},
      {"source": "crm", "email_opt_in": "yes", "email_double_opt_in": "yes", "updated_at": T2}],
     set(), ("opted_in", "crm", "1", T2)),
    ("nobody said anything: unknown, no evidence",
     [{"source": "shop", "updated_at": T1}, {"source": "crm", "email_double_opt_in": "yes"}],
     {"shop"}, ("unknown", None, None, None)),
    ("missing values count as unknown",
     [{"source": "shop", "email_opt_in": None, "email_double_opt_in": None}],
     set(), ("unknown", None, None, None)),
]


@pytest.mark.parametrize("case,rows,confirmed,expected", CASES, ids=[c[0] for c in CASES])
def test_golden_email_consent_and_evidence(case, rows, confirmed, expected):
    golden = golden_consent(_members(rows), confirmed_sources=confirmed)
    assert len(golden) == 1
    got = golden.iloc[0]
    assert (got["email_consent"], got["email_consent_source"], got["email_consent_record_id"],
            got["email_consent_date"]) == expected
    legacy = {"opted_in": "yes", "opted_out": "no"}.get(expected[0], "unknown")
    assert got["email_opt_in"] == legacy


def test_channels_are_decided_independently_and_clusters_apart():
    members = _members([
        {"cluster": 1, "source": "shop", "email_opt_in": "yes", "email_double_opt_in": "yes", "phone_opt_in": "no",
         "updated_at": T1},
        {"cluster": 1, "source": "events", "phone_opt_in": "yes", "updated_at": T3},
        {"cluster": 2, "source": "events", "email_opt_in": "no", "phone_opt_in": "yes", "updated_at": T2},
    ])
    golden = golden_consent(members, confirmed_sources={"events"})
    assert list(golden.index) == [1, 2] and golden.index.name == "cluster"
    assert list(golden["email_consent"]) == ["opted_in", "opted_out"]
    assert list(golden["phone_consent"]) == ["opted_out", "opted_in"]
    assert golden.loc[1, "phone_consent_source"] == "shop" and golden.loc[2, "phone_consent_record_id"] == "2"
    assert list(golden["email_opt_in"]) == ["yes", "no"]
    expected = {f"{c}_consent{s}" for c in ("email", "phone") for s in ("", "_source", "_record_id", "_date")}
    assert set(golden.columns) == expected | {"email_opt_in"}


def test_missing_consent_columns_count_as_unknown_and_other_cluster_columns_work():
    members = pd.DataFrame({"golden": ["g1", "g1", "g2"], "source": ["a", "b", "a"], "record_id": [1, 2, 3],
                            "email_opt_in": ["yes", "no", "yes"]})
    golden = golden_consent(members, cluster_col="golden", channels=("email",))
    assert list(golden["email_consent"]) == ["opted_out", "unconfirmed"]
    assert golden.loc["g1", "email_consent_record_id"] == 2  # the original id, not its text
    assert golden["email_consent_date"].isna().all()
    assert "phone_consent" not in golden.columns


def test_bad_input_is_refused_with_the_record_named():
    with pytest.raises(ValueError, match=r"email_opt_in: 1 record\(s\) hold \['N'\].*shop:1"):
        golden_consent(_members([{"email_opt_in": "no"}, {"email_opt_in": "N"}]))
    with pytest.raises(ValueError, match=r"lack column\(s\) \['cluster'\]"):
        golden_consent(_members([{}]).drop(columns="cluster"))
    with pytest.raises(ValueError, match=r"1 record\(s\) have no 'cluster'.*shop:0"):
        golden_consent(_members([{"cluster": None}]))
    with pytest.raises(ValueError, match="unknown consent channel 'fax'"):
        member_consent(_members([{}]), "fax")


def test_no_members_no_golden_consent():
    empty = _members([{}]).iloc[:0]
    golden = golden_consent(empty)
    assert golden.empty and "email_consent_record_id" in golden.columns and "email_opt_in" in golden.columns


def test_evidence_date_falls_back_to_updated_at():
    members = _members([{"consent_updated_at": T1, "updated_at": T3}, {"updated_at": T2}, {}])
    assert list(evidence_dates(members)) == [pd.Timestamp(T1), pd.Timestamp(T2), pd.NaT]


def test_consent_never_looser():
    assert consent_never_looser("opted_out", ["opted_in", "opted_out"])
    assert not consent_never_looser("opted_in", ["opted_in", "opted_out"])
    assert not consent_never_looser("unknown", ["opted_out"])
    assert consent_never_looser("opted_in", ["unknown", "opted_in"])
    assert not consent_never_looser("opted_in", ["unconfirmed", "unknown"])  # nobody confirmed
    assert consent_never_looser("unknown", ["unconfirmed"])
    assert consent_never_looser("opted_out", ["unknown"])  # stricter is never looser
    with pytest.raises(ValueError, match="unknown consent status 'yes'"):
        consent_never_looser("yes", ["opted_in"])


def test_consent_violations_finds_loose_golden_records():
    members = _members([
        {"cluster": 1, "email_opt_in": "no"},
        {"cluster": 1, "email_opt_in": "yes", "email_double_opt_in": "yes"},
        {"cluster": 2, "email_opt_in": "yes"},
        {"cluster": 3, "phone_opt_in": "yes", "phone_double_opt_in": "yes"},
    ])
    good = golden_consent(members)
    assert consent_violations(good, members).empty
    bad = good.copy()
    bad.loc[1, "email_consent"] = "opted_in"  # the old rule's mistake, made on purpose
    bad.loc[2, "email_consent"] = "opted_in"
    found = consent_violations(bad, members)
    assert found[["cluster", "channel", "problem"]].values.tolist() == [
        [1, "email", "a member opted out"], [2, "email", "more permission than any member gave"]]


# --------------------------------------------------------------------------------------
# Properties: random clusters, statuses, row orders and merge orders
# --------------------------------------------------------------------------------------

SOURCES = ("crm", "events", "shop")
OPT = st.sampled_from(["yes", "no", "unknown", None])
DATES = st.sampled_from([None, T1, T2, T3])


@st.composite
def member_frames(draw):
    n = draw(st.integers(1, 30))
    rows = []
    for i in range(n):
        rows.append({
            "cluster": draw(st.integers(0, 5)),
            "source": draw(st.sampled_from(SOURCES)),
            "record_id": f"r{draw(st.integers(0, 40))}",  # repeats across sources on purpose
            "email_opt_in": draw(OPT), "email_double_opt_in": draw(OPT),
            "phone_opt_in": draw(OPT), "phone_double_opt_in": draw(OPT),
            "consent_updated_at": draw(DATES), "updated_at": draw(DATES),
        })
    frame = pd.DataFrame(rows).drop_duplicates(["source", "record_id"]).reset_index(drop=True)
    confirmed = draw(st.sets(st.sampled_from(SOURCES)))
    return frame, confirmed


def _naive_status(row, channel, confirmed):
    said = row[f"{channel}_opt_in"] or "unknown"
    flag = row[f"{channel}_double_opt_in"] or "unknown"
    if said == "no":
        return "opted_out"
    if said == "yes":
        ok = flag == "yes" or (flag == "unknown" and row["source"] in confirmed)
        return "opted_in" if ok else "unconfirmed"
    return "unknown"


def _naive_golden(frame, confirmed):
    """The rules written out record by record: the oracle for the vectorised version."""
    out = {}
    for cluster, group in frame.groupby("cluster"):
        for channel in ("email", "phone"):
            rows = [r for _, r in group.iterrows()]
            statuses = [_naive_status(r, channel, confirmed) for r in rows]
            for wanted in ("opted_out", "opted_in", "unconfirmed"):
                candidates = [r for r, s in zip(rows, statuses) if s == wanted]
                if candidates:
                    break
            else:
                out[(cluster, channel)] = ("unknown", None, None, None)
                continue

            def key(r):
                date = r["consent_updated_at"] or r["updated_at"]
                return (date is None, -pd.Timestamp(date).value if date else 0, r["source"], r["record_id"])

            best = min(candidates, key=key)
            out[(cluster, channel)] = (wanted, best["source"], best["record_id"],
                                       best["consent_updated_at"] or best["updated_at"])
    return out


@settings(max_examples=100, deadline=None)
@given(member_frames())
def test_golden_consent_matches_the_rules_and_is_never_looser(data):
    frame, confirmed = data
    golden = golden_consent(frame, confirmed_sources=confirmed)
    expected = _naive_golden(frame, confirmed)
    for (cluster, channel), (status, source, record_id, date) in expected.items():
        got = golden.loc[cluster]
        assert (got[f"{channel}_consent"], got[f"{channel}_consent_source"], got[f"{channel}_consent_record_id"],
                got[f"{channel}_consent_date"]) == (status, source, record_id, date)
        members = member_consent(frame[frame["cluster"] == cluster], channel, confirmed)
        assert consent_never_looser(status, members)
        assert (status == "opted_out") == (members == "opted_out").any()
    assert consent_violations(golden, frame, confirmed_sources=confirmed).empty


@settings(max_examples=100, deadline=None)
@given(member_frames(), st.randoms(use_true_random=False))
def test_golden_consent_does_not_depend_on_row_order(data, rnd):
    frame, confirmed = data
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(golden_consent(frame, confirmed_sources=confirmed),
                                  golden_consent(shuffled, confirmed_sources=confirmed))


def _merge_steps(frame: pd.DataFrame, merges: list[tuple[int, int]]):
    """Cluster labels after each merge (union of the clusters holding a and b, labelled by
    the smaller original cluster), one frame per step."""
    parent = {c: c for c in range(6)}

    def find(c):
        while parent[c] != c:
            c = parent[c]
        return c

    for a, b in merges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
        yield frame.assign(cluster=frame["cluster"].map(find))


@settings(max_examples=60, deadline=None)
@given(member_frames(), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_merges_in_any_order_never_loosen_consent(data, merges, rnd):
    """Clusters merged one pair at a time: after every merge the golden consent is
    never looser than its members and an opted-out cluster stays opted out; the
    same merges in another order end in the same golden consent."""
    frame, confirmed = data
    opted_out = {"email": set(), "phone": set()}  # (original) record positions in opted-out clusters
    for step in _merge_steps(frame, merges):
        golden = golden_consent(step, confirmed_sources=confirmed)
        assert consent_violations(golden, step, confirmed_sources=confirmed).empty
        for channel in opted_out:
            out_now = set(golden.index[golden[f"{channel}_consent"] == "opted_out"])
            records_out = set(np.flatnonzero(step["cluster"].isin(out_now).to_numpy()))
            assert opted_out[channel] <= records_out  # an opt-out never disappears in a merge
            opted_out[channel] = records_out
    shuffled = list(merges)
    rnd.shuffle(shuffled)
    *_, last = _merge_steps(frame, merges)
    *_, last_other_order = _merge_steps(frame, shuffled)
    pd.testing.assert_frame_equal(golden_consent(last, confirmed_sources=confirmed),
                                  golden_consent(last_other_order, confirmed_sources=confirmed))


@settings(max_examples=60, deadline=None)
@given(member_frames())
def test_writing_the_source_declaration_into_rows_gives_the_same_golden_consent(data):
    frame, confirmed = data
    baked = apply_source_confirmation(frame, confirmed)
    pd.testing.assert_frame_equal(golden_consent(frame, confirmed_sources=confirmed),
                                  golden_consent(baked, confirmed_sources=()))


# --------------------------------------------------------------------------------------
# Minors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dob,age,band", [
    ("1980-05-17", 45, None),
    ("2009-10-01", 16, None),      # 16th birthday today: not a minor any more
    ("2009-10-02", 15, "13-15"),   # turns 16 tomorrow
    ("2012-10-01", 13, "13-15"),
    ("2012-10-02", 12, "6-12"),
    ("2019-10-01", 6, "6-12"),
    ("2019-10-02", 5, "0-5"),
    ("2025-10-01", 0, "0-5"),      # born today
    ("2025-10-02", None, None),    # born after the reference date: no age
    (None, None, None),
    ("not a date", None, None),
])
def test_age_bands_with_a_fixed_reference_date(dob, age, band):
    series = pd.Series([dob], dtype=object)
    got_age = age_in_years(series, REF).iloc[0]
    assert (pd.isna(got_age) if age is None else got_age == age)
    assert age_ranges(series, REF).iloc[0] == band
    assert minor_mask(series, REF).iloc[0] == (band is not None)


def test_reference_date_is_an_argument_never_the_clock():
    for fn in (age_in_years, minor_mask, age_ranges, protect_minors):
        assert inspect.signature(fn).parameters["reference_date"].default is inspect.Parameter.empty
    with pytest.raises(ValueError, match="reference_date is required"):
        minor_mask(pd.Series(["2015-01-01"]), None)
    dob = pd.Series(["2010-06-15", "2000-01-01"])
    # any date-like reference works and gives the same answer
    for ref in (REF, dt.datetime(2025, 10, 1, 23, 59), pd.Timestamp("2025-10-01"), "2025-10-01"):
        assert minor_mask(dob, ref).tolist() == [True, False]
    # the same person is a minor on one run date and not on a later one
    assert minor_mask(dob, "2026-06-14").tolist() == [True, False]
    assert minor_mask(dob, "2026-06-15").tolist() == [False, False]


def test_leap_day_birthdays_count_from_the_first_of_march():
    dob = pd.Series(["2008-02-29"])
    assert age_in_years(dob, "2025-02-28").iloc[0] == 16
    assert age_in_years(dob, "2025-03-01").iloc[0] == 17
    assert age_in_years(dob, "2024-02-28").iloc[0] == 15
    assert age_in_years(dob, "2024-02-29").iloc[0] == 16


def test_datetime_input_and_custom_bands_and_minimum_age():
    dob = pd.Series([pd.Timestamp("2010-06-15"), pd.NaT, pd.Timestamp("2008-01-01")], index=[7, 8, 9])
    bands = (AgeBand(0, 9), AgeBand(10, 17))
    ranges = age_ranges(dob, REF, bands=bands)
    assert list(ranges.index) == [7, 8, 9]
    assert ranges.tolist() == ["10-17", None, "10-17"]
    assert minor_mask(dob, REF, minimum_age=18).tolist() == [True, False, True]
    assert minor_mask(dob, REF).tolist() == [True, False, False]


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_every_minor_gets_exactly_one_band_and_no_adult_gets_one(born, ref):
    dob = pd.Series([born.isoformat()])
    band = age_ranges(dob, ref).iloc[0]
    minor = minor_mask(dob, ref).iloc[0]
    assert (band is not None) == minor
    if born <= ref:
        # minor <=> the 16th birthday (1 March for 29 February) is still to come
        birthday = dt.date(born.year + 16, 3, 1) if (born.month, born.day) == (2, 29) and not (
            (born.year + 16) % 4 == 0 and ((born.year + 16) % 100 != 0 or (born.year + 16) % 400 == 0)) \
            else born.replace(year=born.year + 16)
        assert minor == (ref < birthday)
        if minor:
            age = age_in_years(dob, ref).iloc[0]
            assert [b.label for b in DEFAULT_AGE_BANDS if b.low <= age <= b.high] == [band]
    else:
        assert not minor


def test_protect_minors_publishes_only_the_range():
    golden = pd.DataFrame({"golden_id": ["G1", "G2", "G3"], "date_of_birth": ["2014-03-02", "1990-07-07", None]})
    published = protect_minors(golden, REF, load_project().consent())
    assert published["date_of_birth"].tolist() == [None, "1990-07-07", None]
    assert published["age_range"].tolist() == ["6-12", None, None]
    assert golden.loc[0, "date_of_birth"] == "2014-03-02"  # the input is not changed


# --------------------------------------------------------------------------------------
# rules/consent.yaml
# --------------------------------------------------------------------------------------


def test_rules_file_in_the_repo_and_defaults(repo_root, project_copy):
    assert load_project(repo_root).consent() == ConsentRules()
    assert parse_consent_rules({}) == ConsentRules()
    assert ConsentRules().minimum_age == 16
    assert [b.label for b in ConsentRules().age_bands] == ["0-5", "6-12", "13-15"]
    (project_copy / "rules" / "consent.yaml").unlink()
    assert load_project(project_copy).consent() == ConsentRules()  # no file: the defaults


def test_other_minimum_age_and_bands(project_copy):
    (project_copy / "rules" / "consent.yaml").write_text(
        "channels: [email]\nminors:\n  minimum_age: 18\n  age_bands: ['0-12', ' 13 - 17 ']\n")
    rules = load_project(project_copy).consent()
    assert rules.channels == ("email",)
    assert [b.label for b in rules.age_bands] == ["0-12", "13-17"]
    assert parse_consent_rules({"minors": {"minimum_age": 14}}).age_bands == (AgeBand(0, 13),)


@pytest.mark.parametrize("data,message", [
    ({"minimum_age": 16}, r"unknown key\(s\) \['minimum_age'\]"),
    ({"channels": "email"}, r"channels: give a list"),
    ({"channels": []}, r"channels: give a list"),
    ({"channels": ["email", "sms"]}, r"channels: unknown channel\(s\) \['sms'\]"),
    ({"channels": ["email", "email"]}, r"channels: .* names a channel twice"),
    ({"channels": ["phone"]}, r"channels: must include email"),
    ({"minors": ["0-5"]}, r"minors: expected a mapping"),
    ({"minors": {"min_age": 16}}, r"minors: unknown key\(s\) \['min_age'\]"),
    ({"minors": {"minimum_age": "16"}}, r"minors\.minimum_age: must be a whole number"),
    ({"minors": {"minimum_age": True}}, r"minors\.minimum_age: must be a whole number"),
    ({"minors": {"minimum_age": 0}}, r"minors\.minimum_age"),
    ({"minors": {"age_bands": "0-15"}}, r"minors\.age_bands: give a list"),
    ({"minors": {"age_bands": []}}, r"minors\.age_bands: give at least one band"),
    ({"minors": {"age_bands": ["0-5", "six-12", "13-15"]}}, r"minors\.age_bands\[1\]: 'six-12' is not a range"),
    ({"minors": {"age_bands": ["0-5", 12]}}, r"minors\.age_bands\[1\]: 12 is not a range"),
    ({"minors": {"age_bands": ["0-5", "7-12", "13-15"]}}, r"minors\.age_bands\[1\]: '7-12' leaves age 6 without a band"),
    ({"minors": {"age_bands": ["0-5", "5-12", "13-15"]}}, r"minors\.age_bands\[1\]: '5-12' overlaps the band before"),
    ({"minors": {"age_bands": ["1-5", "6-15"]}}, r"minors\.age_bands\[0\]: '1-5' leaves age 0 without a band"),
    ({"minors": {"age_bands": ["0-5", "9-6"]}}, r"minors\.age_bands\[1\]: '9-6' starts after it ends"),
    ({"minors": {"age_bands": ["0-5", "6-12"]}}, r"minors\.age_bands: the last band ends at 12, but minimum_age is 16"),
    ({"minors": {"minimum_age": 18, "age_bands": ["0-5", "6-12", "13-15"]}},
     r"minors\.age_bands: the last band ends at 15, but minimum_age is 18"),
])
def test_config_errors_name_file_and_key(data, message):
    with pytest.raises(ConfigError, match=r"rules/consent\.yaml: " + message):
        parse_consent_rules(data, "rules/consent.yaml")
    with pytest.raises(ValueError):  # ConfigError is a ValueError
        parse_consent_rules(data)
    with pytest.raises(StewardError):  # ... and a StewardError, like every error meant for a person
        parse_consent_rules(data)


def test_broken_rules_file_is_named(project_copy):
    path = project_copy / "rules" / "consent.yaml"
    path.write_text("minors:\n  minimum_age: 16\n  age_bands: ['0-5', '6-11', '13-15']\n")
    with pytest.raises(ConfigError, match=rf"{path}: minors\.age_bands\[2\]: '13-15' leaves age 12 without a band"):
        load_project(project_copy).consent()


def test_permission_order_matches_the_documented_ordering():
    assert PERMISSION["opted_out"] < PERMISSION["unknown"] == PERMISSION["unconfirmed"] < PERMISSION["opted_in"]
