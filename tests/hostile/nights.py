"""What the snapshot tests of issue 19 share: runs of the engine with the model held fixed (so a
full rebuild cannot re-estimate it differently), the stewardship of a night after another, and
the comparison of a night's result with a full rebuild's."""

from __future__ import annotations

import copy

import pandas as pd

from steward.config import load_project
from steward.run import Stewardship

from ..conftest import REPO
from ..test_incremental import _text as text_sorted


def fixed_model_settings():
    """(matching without estimation, survivorship, consent) of this repository's project."""
    project = load_project(REPO)
    matching = copy.deepcopy(project.matching())
    matching["training"]["estimate"] = False
    return matching, project.survivorship(), project.consent()


def stewardship_after(previous=None, day="2026-12-01", **more) -> Stewardship:
    """The stewardship of a night after ``previous`` (a result: its crosswalk and id registry)."""
    return Stewardship(previous_crosswalk=previous.crosswalk if previous else None,
                       id_registry=previous.id_registry if previous else None, run_at=f"{day}T02:00:00Z", **more)


def assert_same_run(result, full) -> None:
    """Golden records, crosswalk, lineage, id events and the review queue's order equal."""
    for name, order in (("golden", ["golden_id"]), ("crosswalk", ["golden_id", "source", "record_id"]),
                        ("lineage", ["golden_id", "field", "source", "record_id"]),
                        ("id_events", ["event", "golden_id"])):
        pd.testing.assert_frame_equal(text_sorted(getattr(result, name), order), text_sorted(getattr(full, name), order))
    assert list(result.suggestions["pair_id"]) == list(full.suggestions["pair_id"])
