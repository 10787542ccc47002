"""Issue 16, error class 1: a person's own e-mail and phone are not thrown away when the person
appears in several sources with their name spelled differently. ``people_holding`` must count
spelling variants of one person as one holder, at least as tolerantly as the matcher compares
names, and count different people as different."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.normalise.holders import people_holding
from steward.normalise.names import german_folded
from steward.normalise.nicknames import nickname_key
from steward.normalise.names import name_key

from .conftest import NICKNAME_FILE


def _holders(names, born=None):
    first = pd.Series([f for f, _ in names], dtype=object)
    last = pd.Series([ln for _, ln in names], dtype=object)
    value = pd.Series(["joseph52@yahoo.co.uk"] * len(names), dtype=object)
    given_names = nickname_key(name_key(first), nickname_file=NICKNAME_FILE)
    births = pd.Series(born if born is not None else [None] * len(names), dtype=object)
    return people_holding(value, german_folded(first), given_names, german_folded(last), births)


ONE_PERSON = [
    ("initial with a dot", [("J.", "Walsh"), ("Joseph", "Walsh")]),
    ("typo in the surname", [("Joseph", "Walsh"), ("Joseph", "Waslh")]),
    ("transposed first name", [("gAus", "Putra"), ("Agus", "Putra")]),
    ("generational suffix", [("Joseph", "Walsh Jr"), ("Joseph", "Walsh")]),
    ("suffix after a comma", [("Joseph", "Walsh, Jr."), ("Joseph", "Walsh")]),
    ("honorific", [("Ms. Natalie", "Johnson"), ("Natalie", "Johnson")]),
    ("nickname", [("Bob", "Ray"), ("Robert", "Ray")]),
    ("prefix of the name", [("Chris", "Martin"), ("Christopher", "Martin")]),
    ("surname first", [("Walsh", "Joseph"), ("Joseph", "Walsh")]),
    ("surname first with a typo", [("Walsh", "Josepj"), ("Joseph", "Walsh")]),
    ("double-barrelled surname", [("Maria", "Garcia Lopez"), ("Maria", "Garcia")]),
    ("missing first name", [(None, "Walsh"), ("Joseph", "Walsh")]),
    ("accents", [("José", "Núñez"), ("Jose", "Nunez")]),
    ("all at once", [("J.", "Walsh"), ("Joseph", "Walsh"), ("Joseph", "Waslh"), ("Walsh", "Joseph"),
                     ("Joseph", "Walsh Jr.")]),
]

DIFFERENT_PEOPLE = [
    ("family inbox", [("Christian", "Pfeiffer"), ("Anne-Marie", "Pfeiffer")], None, 2),
    ("couple with two surnames", [("Anna", "Jones"), ("John", "Smith")], None, 2),
    ("shared surname, swapped by one source", [("Sophie", "Weiss"), ("Weiss", "Michael")], None, 2),
    ("same name, clearly different births", [("John", "Smith"), ("John", "Smith")], ["1950-01-02", "1988-07-30"], 2),
    ("switchboard", [("Ann", "Lee"), ("Bart", "Kowalski"), ("Chen", "Wei"), ("Dirk", "Bakker")], None, 4),
]


@pytest.mark.parametrize("case, names", ONE_PERSON, ids=[c for c, _ in ONE_PERSON])
def test_spelling_variants_of_one_person_are_one_holder(case, names):
    assert _holders(names).tolist() == [1] * len(names), case


@pytest.mark.parametrize("case, names, born, people", DIFFERENT_PEOPLE, ids=[c[0] for c in DIFFERENT_PEOPLE])
def test_different_people_are_counted(case, names, born, people):
    assert _holders(names, born).tolist() == [people] * len(names), case


def test_birth_date_typos_do_not_split_a_person():
    names = [("John", "Smith")] * 3
    born = ["1981-07-19", "1981-07-18", None]  # one digit off, and missing
    assert _holders(names, born).tolist() == [1, 1, 1]
    assert _holders([("John", "Smith")] * 2, ["1981-07-09", "1981-09-07"]).tolist() == [1, 1]  # transposed


def test_records_without_the_value_hold_nothing():
    first = pd.Series(["Ann", "Ann"], dtype=object)
    out = people_holding(pd.Series([None, "x@y.z"], dtype=object), first, first, first, None)
    assert out.tolist() == [0, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Joseph", "Joe", "J.", "JOSEPH", "Josef", "joseph"]), min_size=1, max_size=6),
       st.lists(st.sampled_from(["Walsh", "Waslh", "WALSH", "Walsh Jr", "Walsh, Sr."]), min_size=1, max_size=6))
def test_any_mix_of_one_persons_spellings_is_one_holder(firsts, lasts):
    names = list(zip(firsts, lasts))
    assert set(_holders(names).tolist()) == {1}
