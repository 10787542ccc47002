"""Issue 16, error class 3: name noise is parsed out of the name fields (nameparser plus curated
honorifics), kept in its own columns, and not compared as part of the name."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.match.model import MatchModel
from steward.config.project import load_project
from steward.normalise.person_names import parse_name, parse_names
from steward.normalise.stage import normalise_contacts
from steward.normalise.values import clean_unicode

from .conftest import NICKNAME_FILE

CASES = [
    # (first field, last field) -> (first, last, title, generation)
    (("Ms. Natalie", "Johnson"), ("Natalie", "Johnson", "Ms", None)),
    (("Dr Budi", "Santoso S.Kom"), ("Budi", "Santoso", "Dr", None)),
    (("Bapak Agus", "Putra"), ("Agus", "Putra", "Bapak", None)),
    (("Hj. Siti", "Rahayu"), ("Siti", "Rahayu", "Hj", None)),
    (("Joseph", "Walsh Jr"), ("Joseph", "Walsh", None, "jr")),
    (("Joseph", "Walsh, Jr."), ("Joseph", "Walsh", None, "jr")),
    (("Joseph", "Walsh Sr."), ("Joseph", "Walsh", None, "sr")),
    (("Anne-Marie", "Pfeiffer III"), ("Anne-Marie", "Pfeiffer", None, "iii")),
    (("John", "Smith PhD"), ("John", "Smith", None, None)),
    (("John", "Smith, MD"), ("John", "Smith", None, None)),
    (("J. R.", "Walsh"), ("J", "Walsh", None, None)),
    (("J.-P.", "Dubois"), ("J", "Dubois", None, None)),
    (("Joseph Walsh", None), ("Joseph", "Walsh", None, None)),
    ((None, "Walsh, Joseph"), ("Joseph", "Walsh", None, None)),
    (("Joseph Walsh", "Walsh"), ("Joseph", "Walsh", None, None)),
    (("Dr.", "Joseph Walsh"), ("Joseph", "Walsh", "Dr", None)),  # split at the first space
    (("Ahmad", "bin Abdullah"), ("Ahmad", "Abdullah", None, None)),
    (("Ahmad bin Abdullah", None), ("Ahmad", "Abdullah", None, None)),
    (("Raj", "a/l Kumar"), ("Raj", "Kumar", None, None)),
    # Left alone: given names that are also titles elsewhere, double first names, mononyms.
    (("Dean", "Smith"), ("Dean", "Smith", None, None)),
    (("Jean-Pierre", "Dubois"), ("Jean-Pierre", "Dubois", None, None)),
    (("Sukarno", None), ("Sukarno", None, None, None)),
    (("Mr", "Smith"), ("Mr", "Smith", None, None)),  # nothing but a title: kept, not emptied
]


@pytest.mark.parametrize("fields, expected", CASES, ids=[f"{f}|{ln}" for (f, ln), _ in CASES])
def test_name_noise_is_parsed(fields, expected):
    assert parse_name(*fields) == expected


def test_parse_names_keeps_plain_names_untouched_and_aligns_rows():
    first = pd.Series(["Anna", "Ms. Natalie", None, "Joseph"])
    last = pd.Series(["Kowalska", "Johnson", "Walsh, Joseph", "Walsh Jr."])
    out = parse_names(first, last)
    assert out["first_name_parsed"].tolist() == ["Anna", "Natalie", "Joseph", "Joseph"]
    assert out["last_name_parsed"].tolist() == ["Kowalska", "Johnson", "Walsh", "Walsh"]
    assert out["name_title"].tolist() == [None, "Ms", None, None]
    assert out["name_generation"].tolist() == [None, None, None, "jr"]


@given(st.text(max_size=30), st.text(max_size=30))
def test_parsing_never_raises_and_never_invents_text(first, last):
    parsed_first, parsed_last, title, generation = parse_name(first, last)
    source = (clean_unicode(first) + " " + clean_unicode(last)).casefold()
    for part in (parsed_first, parsed_last, title):
        for word in (part or "").split():
            assert word.casefold().strip(".,") in source
    assert generation in (None, "jr", "sr", "ii", "iii", "iv")


def _pair(rows, repo_root):
    frame = pd.DataFrame([{"source": "s", "record_id": str(i), "email_opt_in": "unknown", "source_default_country": "GB",
                           **r} for i, r in enumerate(rows)])
    for column in ("first_name", "last_name", "email", "phone", "company", "address_line1", "city", "postcode",
                   "country", "date_of_birth"):
        if column not in frame.columns:
            frame[column] = None
    contacts = normalise_contacts(frame, nickname_file=NICKNAME_FILE)
    model = MatchModel.from_config(load_project(repo_root).matching())
    return model.predict(contacts, pd.DataFrame({"left": [0], "right": [1]})).iloc[0], model


@pytest.mark.parametrize("a, b, first_level, last_level", [
    (("Ms. Natalie", "Johnson"), ("Natalie", "Johnson"), "exact", "exact"),
    (("Joseph", "Walsh, Jr."), ("Joseph", "Walsh"), "exact", "exact"),
    (("Dr.", "Joseph Walsh"), ("Joseph", "Walsh"), "exact", "exact"),
    (("Mary", "Ann Smith"), ("Mary", "Smith"), "exact", "part"),
    (("Mary Ann", "Smith"), ("Mary", "Smith"), "part", "exact"),
    (("Walsh", "Joseph"), ("Joseph", "Walsh"), "swapped", "swapped"),
])
def test_parsed_names_compare_as_names(a, b, first_level, last_level, repo_root):
    row, _ = _pair([{"first_name": a[0], "last_name": a[1]}, {"first_name": b[0], "last_name": b[1]}], repo_root)
    assert (str(row["first_name_level"]), str(row["last_name_level"])) == (first_level, last_level)


def test_a_swap_counts_once(repo_root):
    swapped, model = _pair([{"first_name": "Walsh", "last_name": "Joseph"},
                            {"first_name": "Joseph", "last_name": "Walsh"}], repo_root)
    straight, _ = _pair([{"first_name": "Joseph", "last_name": "Walsh"},
                         {"first_name": "Joseph", "last_name": "Walsh"}], repo_root)
    assert swapped["last_name_weight"] == 0  # counted by the first name
    assert swapped["match_weight"] <= straight["match_weight"]


def test_father_and_son_suffixes_are_evidence_against(repo_root):
    row, model = _pair([{"first_name": "Joseph", "last_name": "Walsh Sr."},
                        {"first_name": "Joseph", "last_name": "Walsh Jr."}], repo_root)
    assert str(row["generation_level"]) == "different" and row["generation_weight"] < -3
    none, _ = _pair([{"first_name": "Joseph", "last_name": "Walsh"},
                     {"first_name": "Joseph", "last_name": "Walsh"}], repo_root)
    assert str(none["generation_level"]) == "missing" and none["generation_weight"] == 0
