"""benchmarks/independent_crm: the independent test-data generator of issue 16.

Checks properties of what it writes (600 people, seed 16): the ground truth covers every record
once, every error class it claims is present and what its label says, birth dates are in the
sources' own formats, namesakes are different entities, and the output depends on the seed only.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

pytest.importorskip("faker")

from benchmarks.independent_crm import CANONICAL_COLUMNS, ERROR_CLASSES, SOURCES, generate  # noqa: E402

from .conftest import REPO  # noqa: E402

PEOPLE = 600  # ~1,350 records: every error class several times over (checked on seeds 1-10 and 16)
SEED = 16


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("indep") / "a"
    generate(target, people=PEOPLE, seed=SEED)
    return target


@pytest.fixture(scope="module")
def records(out) -> list[dict[str, str]]:
    rows = []
    for source in SOURCES:
        rows += _read(out / f"{source}.csv")
    return rows


@pytest.fixture(scope="module")
def truth(out) -> dict[tuple[str, str], str]:
    rows = _read(out / "ground_truth.csv")
    keys = [(r["source"], r["record_id"]) for r in rows]
    assert len(keys) == len(set(keys)), "a record appears twice in the ground truth"
    return {(r["source"], r["record_id"]): r["entity_id"] for r in rows}


@pytest.fixture(scope="module")
def errors(out) -> dict[str, set[tuple[str, str]]]:
    by_class: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in _read(out / "meta" / "errors.csv"):
        by_class[r["error_class"]].add((r["source"], r["record_id"]))
    return by_class


def _file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_source_file_has_exactly_the_canonical_columns(out):
    from steward.schema import CANONICAL_COLUMNS as SCHEMA

    assert CANONICAL_COLUMNS == SCHEMA
    assert len(SOURCES) >= 4
    for source in SOURCES:
        with open(out / f"{source}.csv", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            assert next(reader) == SCHEMA, source
            widths = {len(row) for row in reader}
        assert widths == {len(SCHEMA)}, source


def test_ground_truth_holds_every_record_exactly_once(records, truth):
    keys = [(r["source"], r["record_id"]) for r in records]
    assert len(keys) == len(set(keys)), "record ids repeat within a source"
    assert set(keys) == set(truth)
    assert all(r["source"] in SOURCES for r in records)
    assert len(set(truth.values())) == PEOPLE


def test_people_are_in_one_to_five_records_with_a_realistic_share_of_singletons(truth):
    sizes = Counter(Counter(truth.values()).values())
    assert max(sizes) <= 5
    share = sizes[1] / PEOPLE
    assert 0.3 <= share <= 0.6, share
    assert sizes[3] + sizes[4] + sizes[5] > 0


def test_a_source_holds_some_people_twice(truth):
    per_source = Counter((source, entity) for (source, _), entity in truth.items())
    assert max(per_source.values()) >= 2


def test_every_error_class_appears_and_labels_point_at_records(errors, truth):
    assert set(errors) <= set(ERROR_CLASSES), set(errors) - set(ERROR_CLASSES)
    missing = [c for c in ERROR_CLASSES if not errors.get(c)]
    assert not missing, f"error classes never generated: {missing}"
    for keys in errors.values():
        assert keys <= set(truth)


# error classes about one field: a record labelled with one must show that field
FIELD_OF_CLASS = {
    "dob_day_month_swap": "date_of_birth", "dob_typo": "date_of_birth", "dob_placeholder": "date_of_birth",
    "email_typo": "email", "email_uppercase": "email", "email_plus_tag": "email", "email_gmail_dots": "email",
    "shared_family_email": "email", "role_email": "email", "phone_typo": "phone", "phone_extension": "phone",
    "switchboard_phone": "phone", "shared_household_phone": "phone", "street_typo": "address_line1",
    "address_abbreviation": "address_line1", "unit_dropped": "address_line1", "moved": "address_line1",
    "postcode_format": "postcode", "city_variant": "city", "company_variant": "company",
}


def test_labels_say_what_the_record_shows(records, errors):
    by_key = {(r["source"], r["record_id"]): r for r in records}
    for error_class, column in FIELD_OF_CLASS.items():
        for key in errors[error_class]:
            assert by_key[key][column], (error_class, by_key[key])
    for key in errors["diacritics"]:
        assert (by_key[key]["first_name"] + by_key[key]["last_name"]).isascii(), by_key[key]
    for key in errors["email_uppercase"]:
        email = by_key[key]["email"]
        assert email == email.upper() and any(ch.isalpha() for ch in email), email
    for key in errors["email_plus_tag"]:
        assert "+" in by_key[key]["email"].split("@")[0], by_key[key]["email"]
    for key in errors["dob_placeholder"]:
        assert re.search(r"19(00|01|70)", by_key[key]["date_of_birth"]), by_key[key]["date_of_birth"]
    suffix = re.compile(r"(^|[\s,])(jr|sr|jnr|snr|ii|iii|iv|jun|sen)\b", re.I)
    for key in errors["suffix_in_last_name"]:  # a swapped name carries the suffix along with the surname
        row = by_key[key]
        assert suffix.search(row["last_name"]) or (key in errors["surname_first"]
                                                   and suffix.search(row["first_name"] + " " + row["last_name"])), row
    for key in errors["role_email"]:
        assert re.match(r"(accounts|info|office|enquiries|billing|buchhaltung|rechnung|comptabilite|contact|finance|admin)@",
                        by_key[key]["email"], re.I), by_key[key]["email"]
    for key in errors["mononym"]:
        row = by_key[key]
        assert not row["first_name"] or not row["last_name"] or row["first_name"] == row["last_name"] \
            or row["last_name"] in (".", "-", "NA", "x") or "," in row["first_name"] + row["last_name"], row


def test_dates_of_birth_are_in_each_sources_own_format(records):
    formats = {
        "iso": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
        "slash": re.compile(r"^(\d{2})/(\d{2})/\d{4}$"),
        "dotted": re.compile(r"^\d{2}\.\d{2}\.\d{4}$"),
    }
    seen: Counter = Counter()
    day_first = month_first = False
    for r in records:
        dob = r["date_of_birth"]
        if not dob:
            continue
        kind = next((k for k, rx in formats.items() if rx.match(dob)), None)
        assert kind, f"unexpected date format {dob!r}"
        seen[kind] += 1
        m = formats["slash"].match(dob)
        if m:
            day_first |= int(m.group(1)) > 12
            month_first |= int(m.group(2)) > 12
    assert set(seen) == {"iso", "slash", "dotted"}, seen
    assert day_first and month_first, "both DD/MM/YYYY and MM/DD/YYYY sources expected"
    assert "iso" in seen and seen["iso"] < sum(seen.values()), "not everything is ISO"


def test_namesakes_are_different_entities_with_the_same_name_in_the_same_city(records, truth, errors):
    groups: dict[tuple, set[str]] = defaultdict(set)
    for r in records:
        key = (r["source"], r["record_id"])
        if key in errors["namesake"] and r["first_name"] and r["last_name"] and r["city"]:
            name = (r["first_name"].lower(), r["last_name"].lower(), r["city"].lower())
            groups[name].add(truth[key])
    pairs = [name for name, entities in groups.items() if len(entities) >= 2]
    assert pairs, "no namesake pair with the same name and city"


def test_different_people_share_emails_and_phones(records, truth):
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in records:
        entity = truth[(r["source"], r["record_id"])]
        if r["email"]:
            holders[("email", r["email"].lower())].add(entity)
        digits = re.sub(r"\D", "", r["phone"].split(" ext")[0].split(" x")[0].split(" #")[0])
        if len(digits) >= 7:
            holders[("phone", digits[-9:])].add(entity)
    shared = Counter(kind for (kind, _), entities in holders.items() if len(entities) > 1)
    assert shared["email"] >= 1 and shared["phone"] >= 1, shared


def test_same_seed_same_files_other_seed_other_files(out, tmp_path):
    generate(tmp_path / "again", people=PEOPLE, seed=SEED)
    generate(tmp_path / "other", people=PEOPLE, seed=SEED + 1)
    first = _file_bytes(out)
    assert set(first) >= {f"{s}.csv" for s in SOURCES} | {"ground_truth.csv", "meta/errors.csv"}
    assert _file_bytes(tmp_path / "again") == first
    other = _file_bytes(tmp_path / "other")
    assert all(other[name] != first[name] for name in first)


def test_same_seed_same_files_in_another_process(out, tmp_path):
    """No dependence on string hashing (set/dict order) or other per-process state."""
    env = dict(os.environ, PYTHONHASHSEED="4242")
    subprocess.run([sys.executable, "-m", "benchmarks.independent_crm", "--out", str(tmp_path / "p"), "--people",
                    str(PEOPLE), "--seed", str(SEED)], cwd=REPO, env=env, check=True, capture_output=True)
    assert _file_bytes(tmp_path / "p") == _file_bytes(out)
