"""Issue 19, C4: a damaged snapshot (a segment cut short or with one byte changed, meta.json
broken or edited, a file deleted) never stops a nightly run. Every file's size and SHA-256 are in
the manifest; a run that finds one differing rebuilds in full, says so as a warning (in the log,
the result's mode and the Dagster run's metadata), gets a clean full rebuild's answer and leaves
a sound snapshot for the next night."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from steward.demo import demo_sources, generate_demo_data
from steward.incremental.snapshot import MatchSnapshot
from steward.run import load_all

from ..conftest import run_dedupe
from ..test_incremental import _metadata, _nightly, _own_demo_sources
from .nights import assert_same_run, fixed_model_settings, stewardship_after


@pytest.fixture(scope="module")
def settings():
    return fixed_model_settings()


@pytest.fixture(scope="module")
def nights(tmp_path_factory, settings):
    """(records of the first night, of the second, the first night's result, its saved snapshot)."""
    out = tmp_path_factory.mktemp("snapshot-corrupt")
    generate_demo_data(out / "demo", entities=120, seed=12)
    records, quarantine = load_all(demo_sources(out / "demo"))
    first, snapshot = _run(records, quarantine, settings, None, stewardship_after())
    # Two segments: the second night (below) starts from a snapshot one incremental night wrote.
    snapshot.save(out / "saved")
    edited = records.copy()
    edited.loc[edited.index[::19], "city"] = "Neustadt"
    middle, snapshot = _run(edited, quarantine, settings, MatchSnapshot.load(out / "saved"), stewardship_after(first))
    assert middle.mode == "incremental"
    snapshot.save(out / "saved")
    assert len(json.loads((out / "saved" / "meta.json").read_text())["contact_segments"]) == 2
    tonight = edited.copy()
    tonight.loc[tonight.index[::23], "last_name"] = "Neumann"
    return edited, tonight, quarantine, middle, out / "saved"


def _run(records, quarantine, settings, snapshot, stewardship, keep_snapshot=True):
    matching, survivorship, consent = settings
    return run_dedupe(records, quarantine, matching, survivorship, snapshot, stewardship=stewardship,
                      consent=consent, keep_snapshot=keep_snapshot)




def _segment(where, index=0):
    return where / json.loads((where / "meta.json").read_text())["contact_segments"][index]["file"]


def _truncate(where):
    path = _segment(where)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path, at=None):
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] ^= 0x20
    path.write_bytes(bytes(data))


def _flip_in_values(where):
    """One letter of a stored value changed (in the segment the second night wrote): the file still
    reads, one record would be wrong."""
    path = _segment(where, 1)
    data = path.read_bytes()
    _flip(path, data.index(b"Neustadt"))


def _bad_json(where):
    path = where / "meta.json"
    path.write_text(path.read_text()[:-40])


def _edited_meta(where):
    """Still valid JSON, one number changed (the kept records' count)."""
    path = where / "meta.json"
    meta = json.loads(path.read_text())
    meta["kept_records"] += 1
    path.write_text(json.dumps(meta, indent=2))


DAMAGE = {
    "segment cut short": _truncate,
    "a byte of a stored value flipped": _flip_in_values,
    "a byte in the pairs flipped": lambda where: _flip(where / "scored.arrow"),
    "meta.json not JSON": _bad_json,
    "meta.json edited": _edited_meta,
    "a segment deleted": lambda where: _segment(where, 1).unlink(),
    "the membership deleted": lambda where: (where / "membership.arrow").unlink(),
    "model.json cut short": lambda where: (where / "model.json").write_text('{"prior": 0.0'),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_snapshot_means_a_full_rebuild_with_a_warning(nights, settings, tmp_path, caplog, damage):
    _, tonight, quarantine, middle, saved = nights
    where = tmp_path / "steward_snapshot"
    shutil.copytree(saved, where)
    DAMAGE[damage](where)

    with caplog.at_level(logging.WARNING, logger="steward"):
        snapshot = MatchSnapshot.load(where)  # never raises
        result, following = _run(tonight, quarantine, settings, snapshot, stewardship_after(middle, "2026-12-03"))
    assert result.mode.startswith("full (the last run's snapshot is damaged (")
    assert any(r.levelno == logging.WARNING and "snapshot is damaged" in r.getMessage() for r in caplog.records)
    full, _ = _run(tonight, quarantine, settings, None, stewardship_after(middle, "2026-12-03"), keep_snapshot=False)
    assert_same_run(result, full)

    # The new snapshot replaces the damaged one, and the next night is incremental again.
    following.save(where)
    assert MatchSnapshot.load(where).problem is None
    again, _ = _run(tonight, quarantine, settings, MatchSnapshot.load(where), stewardship_after(result, "2026-12-04"))
    assert again.mode == "incremental"


def test_a_snapshot_of_an_older_format_means_a_full_rebuild_not_an_error(nights, settings, tmp_path):
    _, tonight, quarantine, middle, saved = nights
    where = tmp_path / "steward_snapshot"
    shutil.copytree(saved, where)
    meta = json.loads((where / "meta.json").read_text())
    meta["format"] = 8
    meta.pop("meta_sha256", None)
    (where / "meta.json").write_text(json.dumps(meta))
    result, _ = _run(tonight, quarantine, settings, MatchSnapshot.load(where), stewardship_after(middle, "2026-12-03"))
    assert result.mode == "full (the snapshot was written by another version of crm-steward)"


# -- through Dagster, as `steward run` runs it ----------------------------------------------------------

def test_a_cut_segment_does_not_stop_the_nightly_job(project_copy):
    root = project_copy
    _own_demo_sources(root, entities=40, seed=13)
    _nightly(root)
    _truncate(root / "data" / "steward_snapshot")
    night = _nightly(root)
    assert _metadata(night, "contact_changes")["run"].value.startswith("full rebuild: the last run's snapshot is damaged (contacts-")
    changes = night.output_for_node("normalised_contacts", "contact_changes")
    assert not changes.incremental and "snapshot is damaged" in changes.warning
    # (that its answer is a clean full rebuild's is shown on the engine above) It left a sound snapshot.
    assert MatchSnapshot.load(root / "data" / "steward_snapshot").problem is None
