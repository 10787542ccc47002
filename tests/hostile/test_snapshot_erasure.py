"""Issue 19, P1: after an erasure request and one run, no file the snapshot leaves (records in
append-only segment files, hard-linked from one snapshot into the next) holds the erased person's
e-mail, phone, name or street, nor does anything else in the data directory; likewise for a
person whose records left the sources. Tested on the engine: runs from a snapshot saved to and
loaded from ``data/steward_snapshot``, every file under ``data/`` read as bytes."""

from __future__ import annotations


import pandas as pd
import pytest

from steward.config import ErasureConfig
from steward.demo import demo_sources, generate_demo_data
from steward.incremental.snapshot import MatchSnapshot
from steward.privacy.erasure_list import load_erasure_list
from steward.privacy.requests import ErasureRequest, add_erasure_request
from steward.run import load_all

from ..conftest import run_dedupe
from .nights import fixed_model_settings, stewardship_after

SALT = "hostile-snapshot-salt"
VICTIM = {"first_name": "Zelda", "last_name": "Quimbyvontrapp", "email": "zelda.quimby77@victim-mail.example",
          "phone": "+49 151 2345 9876", "address_line1": "Geheimweg 77"}
# Searched for in every file, lower-cased (the raw and the normalised forms; the phone also as
# its national digits).
NEEDLES = ["quimbyvontrapp", "zelda.quimby77@victim-mail.example", "+4915123459876", "15123459876", "geheimweg"]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("snapshot-erasure")
    generate_demo_data(out, entities=120, seed=11)
    records, quarantine = load_all(demo_sources(out))
    # The person to be erased: two records in two sources (one person, one cluster).
    rows = []
    for i, source in enumerate(sorted(records["source"].unique())[:2]):
        row = records[records["source"] == source].iloc[0].copy()
        row["record_id"], row["source_row"] = f"VICTIM-{i}", 9000 + i
        for column, value in VICTIM.items():
            row[column] = value
        rows.append(row)
    return pd.concat([records, pd.DataFrame(rows)], ignore_index=True), quarantine


@pytest.fixture(scope="module")
def settings():
    return fixed_model_settings()


def _run(records, quarantine, settings, where, previous=None, day="2026-12-01", erasure=None):
    """One run from the snapshot in ``where`` (if any), its snapshot saved there: (result, snapshot)."""
    matching, survivorship, consent = settings
    snapshot = MatchSnapshot.load(where)
    stewardship = stewardship_after(previous, day, erasure_list=erasure, erasure_salt=SALT)
    result, following = run_dedupe(records, quarantine, matching, survivorship, snapshot, stewardship=stewardship,
                                   consent=consent)
    following.save(where)
    return result, following


def _found(data_dir) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        text = path.read_bytes().lower()
        for needle in NEEDLES:
            if needle.encode() in text:
                hits.setdefault(str(path.relative_to(data_dir)), []).append(needle)
    return hits


def _edited(records: pd.DataFrame, column: str, value: str, every: int = 17) -> pd.DataFrame:
    """Some other records edited (so that a night writes a segment of its own)."""
    out = records.copy()
    out.loc[out.index[::every], column] = value
    return out


def test_erased_person_leaves_no_trace_in_the_snapshot_files(records, settings, tmp_path):
    records, quarantine = records
    data = tmp_path / "data"
    where = data / "steward_snapshot"
    first, _ = _run(records, quarantine, settings, where)
    assert _found(data), "the victim's data should be in the first snapshot (else this test proves nothing)"

    # A night: the victim moves house (their old row stays behind in the first segment, unreferenced),
    # and other records are edited: the night adds a segment and links the first one.
    night = _edited(records, "city", "Neustadt")
    night.loc[night["record_id"].str.startswith("VICTIM"), "address_line1"] = "Geheimweg 78"
    second, _ = _run(night, quarantine, settings, where, first, day="2026-12-02")
    assert second.mode == "incremental"

    # The erasure request, then one more night (the sources still export the person).
    erasure_file = tmp_path / "erasure" / "erasure_list.csv"
    erasure_file.parent.mkdir()
    add_erasure_request(erasure_file, ErasureRequest(email=VICTIM["email"], reference="GDPR-19"), salt=SALT)
    erasure = load_erasure_list(ErasureConfig(config_file=erasure_file.parent / "erasure.yaml",
                                              list_path=erasure_file), salt=SALT)
    third, _ = _run(_edited(night, "city", "Altstadt", every=23), quarantine, settings, where, second,
                           day="2026-12-03", erasure=erasure)
    assert third.mode == "incremental"
    assert set(third.suppressed["contact_key"]) >= {k for k in third.all_contacts["contact_key"] if "VICTIM" in k}

    assert _found(data) == {}
    # Nothing but the snapshot in use: no older snapshot directory, no staging left behind.
    assert sorted(p.name for p in data.iterdir()) == ["steward_snapshot"]
    # The records it keeps are still every other record, and the next night starts from it.
    reloaded = MatchSnapshot.load(where)
    assert reloaded.problem is None
    assert sorted(reloaded.contacts["contact_key"]) == sorted(third.contacts["contact_key"])


def test_a_person_gone_from_the_sources_leaves_no_trace_in_the_snapshot_files(records, settings, tmp_path):
    """A record deleted at its source (as some organisations erase) is dropped from the snapshot
    files at once too, not at some later compaction."""
    records, quarantine = records
    data = tmp_path / "data"
    where = data / "steward_snapshot"
    first, _ = _run(records, quarantine, settings, where)
    second, _ = _run(_edited(records, "city", "Neustadt"), quarantine, settings, where, first, day="2026-12-02")
    assert _found(data)

    gone = _edited(records, "city", "Altstadt", every=23)
    gone = gone[~gone["record_id"].str.startswith("VICTIM")].reset_index(drop=True)
    third, _ = _run(gone, quarantine, settings, where, second, day="2026-12-03")
    assert third.mode == "incremental" and third.change_counts["removed"] == 2
    assert _found(data) == {}
    assert sorted(p.name for p in data.iterdir()) == ["steward_snapshot"]
