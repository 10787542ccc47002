"""Comparisons read per-record codes and features prepared once (``prepare_text``), and compute
them from both sides together when a frame has none: both ways must give the levels a plain
pair-by-pair reading of the strings gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import OSA
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.match.comparisons import DateComparison, FuzzyComparison, NameComparison, PhoneComparison
from steward.match.model import PairSide, record_arrays

# Small alphabets so that equal values, shared prefixes, swaps and near-misses are common.
names = st.one_of(st.none(), st.text(alphabet="abé", max_size=4))
dates = st.one_of(st.none(), st.sampled_from(["1980-03-04", "1980-04-03", "1981-03-04", "1980-03-05", "1980",
                                              "1980-3-4", "", "x980-03-04", "1980-03-04T"]),
                  st.text(alphabet="0123-", max_size=10))
phones = st.one_of(st.none(), st.text(alphabet="0129", min_size=0, max_size=10))


def _levels_by_prepared_records(comparison, records: pd.DataFrame, left: np.ndarray, right: np.ndarray):
    from steward.match.prepared import prepare_text

    prepared = prepare_text(records, comparison.columns(), comparison.features())
    arrays = record_arrays(prepared)
    return comparison.compute(PairSide(arrays, left), PairSide(arrays, right))


def _date_reference(a, b) -> str:
    if a is None or b is None:
        return "missing"
    one, two = (a[0:4], a[5:7], a[8:10]), (b[0:4], b[5:7], b[8:10])
    if a == b:
        return "exact"
    if one[0] == two[0] and one[1] == two[2] and one[2] == two[1]:
        return "day_month_swapped"
    same = sum(x == z for x, z in zip(one, two))
    if same >= 1 and OSA.normalized_similarity(a, b) >= 0.9 - 1e-5:
        return "typo"
    return "one_part_differs" if same == 2 else "different"


@pytest.mark.parametrize("a, b, level", [
    ("1981-07-19", "1981-07-19", "exact"),
    ("1981-07-09", "1981-09-07", "day_month_swapped"),
    ("1981-07-19", "1981-07-18", "typo"),           # one digit mistyped
    ("1981-07-19", "1918-07-19", "typo"),           # two adjacent digits swapped
    ("1981-07-19", "1981-07-28", "one_part_differs"),
    ("1981-07-19", "1953-02-11", "different"),      # namesakes, not one person
])
def test_date_of_birth_levels(a, b, level):
    records = pd.DataFrame({"dob": [a, b]})
    comparison = DateComparison("date_of_birth", "dob")
    code = comparison.compute(records.iloc[[0]].reset_index(drop=True), records.iloc[[1]].reset_index(drop=True))
    assert comparison.levels[code[0]] == level


@settings(max_examples=150, deadline=None)
@given(st.lists(dates, min_size=2, max_size=12), st.data())
def test_date_levels_equal_a_plain_reading_of_the_strings(values, data):
    records = pd.DataFrame({"dob": pd.Series(values, dtype=object)})
    n = len(records)
    left = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20)))
    right = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=len(left), max_size=len(left))))
    comparison = DateComparison("date_of_birth", "dob")
    expected = [_date_reference(values[a], values[b]) for a, b in zip(left, right)]
    prepared = _levels_by_prepared_records(comparison, records, left, right)
    raw = comparison.compute(records.iloc[left].reset_index(drop=True), records.iloc[right].reset_index(drop=True))
    assert [comparison.levels[i] for i in prepared] == expected
    assert [comparison.levels[i] for i in raw] == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(names, names, names, phones), min_size=2, max_size=12), st.data())
def test_prepared_and_unprepared_records_give_the_same_levels(rows, data):
    records = pd.DataFrame(rows, columns=["first_key", "first_folded", "last_folded", "phone"], dtype=object)
    n = len(records)
    left = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20)))
    right = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=len(left), max_size=len(left))))
    for comparison in (NameComparison("first_name", "first_key", "first_folded", swap_with="last_folded"),
                       PhoneComparison("phone", "phone", last_digits=3),
                       FuzzyComparison("city", "first_folded", threshold=0.7, scorer="jaro_winkler"),
                       FuzzyComparison("company", "last_folded", threshold=0.6)):
        prepared = _levels_by_prepared_records(comparison, records, left, right)
        raw = comparison.compute(records.iloc[left].reset_index(drop=True), records.iloc[right].reset_index(drop=True))
        np.testing.assert_array_equal(prepared, raw, err_msg=comparison.name)
    # A plain reading of one rule: phone numbers sharing their last 3 digits (both present, not equal).
    phone = PhoneComparison("phone", "phone", last_digits=3)
    levels = _levels_by_prepared_records(phone, records, left, right)
    for a, b, level in zip(left, right, levels):
        x, y = rows[a][3], rows[b][3]
        expected = "missing" if x is None or y is None else "exact" if x == y else \
            "last_digits" if x[-3:] == y[-3:] else "different"
        assert phone.levels[level] == expected


def test_name_built_email_local_parts_do_not_count_the_name_twice():
    """Two Jakub Nowaks at different providers share a local part that is just their name: the
    name comparisons count that already. Digits tell people apart: a shared local part with digits
    still counts, and a near miss counts only when it has digits and they agree (r.hakim is not
    r.hakim51). Without digits a near miss is the names again: colleagues rlloyd@ and alloyd@."""
    from steward.match.comparisons import EmailComparison

    pairs = [("jakub.nowak@wp.pl", "jakub.nowak@o2.pl", "different"),
             ("jnowak84@wp.pl", "jnowak84@o2.pl", "same_local_part"),
             ("r.hakim@yahoo.co.id", "r.hakim51@yahoo.co.id", "different"),
             ("anna.schmidt84@gmx.de", "anna.schmitt84@gmx.de", "fuzzy"),
             ("anna.schmidt@gmx.de", "anna.schmitt@gmx.de", "different"),
             ("rlloyd@mason.co.uk", "alloyd@mason.co.uk", "different"),
             ("rlloyd7@mason.co.uk", "alloyd7@mason.co.uk", "fuzzy"),
             ("anna.schmidt@gmx.de", "anna.schmidt@gmx.de", "exact"),
             ("anna.schmidt@gmx.de", None, "missing")]
    left = pd.DataFrame({"email_key": [a for a, _, _ in pairs],
                         "local": [a.split("@")[0] for a, _, _ in pairs]})
    right = pd.DataFrame({"email_key": [b for _, b, _ in pairs],
                          "local": [b.split("@")[0] if b else None for _, b, _ in pairs]})
    email = EmailComparison("email", "email_key", "local")
    assert [email.levels[i] for i in email.compute(left, right)] == [level for _, _, level in pairs]


def test_records_prepared_twice_score_as_prepared_once(demo_dir, repo_root):
    """Spark sends prepared records to its tasks, and clustering there scores extra pairs from them:
    preparing them again must not turn a missing value ('' in the prepared text) into a present one."""
    from steward.config import load_project
    from steward.normalise.stage import normalise_contacts
    from steward.match.blocking import candidate_pairs, parse_rules
    from steward.match.model import MatchModel, records_for
    from steward.run import load_all
    from steward.sources.load import canonical_csv_sources

    project = load_project(repo_root)
    records, _ = load_all({c.name: c for c in canonical_csv_sources(sorted((demo_dir / "canonical").glob("*.csv")))})
    contacts = normalise_contacts(records, **project.normalise_options())
    model = MatchModel.from_config(project.matching())
    pairs = candidate_pairs(contacts, *parse_rules(project.matching())).pairs
    once = model.predict(contacts, pairs)
    twice = model.predict(records_for(contacts, model), pairs)
    assert (once["email_level"] == "missing").any()
    pd.testing.assert_frame_equal(twice, once)
