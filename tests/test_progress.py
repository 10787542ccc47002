"""Progress of long runs (steward/progress.py): rate and ETA from the engine's reports, shown by
the CLI and logged by the Dagster assets."""

from __future__ import annotations

import logging

import pytest

from steward.progress import ProgressHandler, ProgressTracker, listening, report


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_and_eta_from_successive_reports():
    clock = Clock()
    tracker = ProgressTracker(clock)
    first = tracker.update("score pairs", 250_000, 1_000_000, "pairs")
    assert first.rate is None and first.eta is None  # one report: nothing to measure yet
    clock.now += 2.0
    line = tracker.update("score pairs", 750_000, 1_000_000, "pairs")
    assert line.rate == pytest.approx(250_000)  # 500,000 pairs in 2 s
    assert line.eta == pytest.approx(1.0)  # 250,000 left at that rate
    assert "750,000 / 1,000,000 pairs (75%)" in line.text() and "ETA 1 s" in line.text()
    clock.now += 1.0
    done = tracker.update("score pairs", 1_000_000, 1_000_000, "pairs")
    assert done.finished and "done in 3 s" in done.text() and "ETA" not in done.text()
    # The same stage again (the model's guard scores a sample, then every pair is scored): a fresh start.
    clock.now += 10.0
    again = tracker.update("score pairs", 200_000, 400_000, "pairs")
    assert again.elapsed == 0 and again.rate is None


def test_handler_sends_first_last_and_at_most_one_line_per_interval():
    clock = Clock()
    lines = []
    handler = ProgressHandler(lines.append, every=5.0, clock=clock)
    logger = logging.getLogger("test.progress")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        for done in range(1, 11):  # a report every second
            logger.info("x", extra={"progress": ("block", done, 10, "rules")})
            clock.now += 1.0
        logger.info("not a progress report")
    finally:
        logger.removeHandler(handler)
    assert [line.done for line in lines] == [1, 6, 10]


def test_the_engine_reports_its_long_stages(tmp_path):
    from steward.config import load_project
    from steward.demo import demo_sources, generate_demo_data
    from steward.run import load_all

    from .conftest import REPO, run_dedupe

    generate_demo_data(tmp_path, entities=300, seed=4)
    project = load_project(REPO)
    lines = []
    with listening(lines.append, every=0.0):
        records, quarantine = load_all(demo_sources(tmp_path))
        run_dedupe(records, quarantine, project.matching(), project.survivorship(),
                   normalise_options=project.normalise_options(), keep_snapshot=False)
    finished = {line.stage for line in lines if line.finished}
    assert {"load sources", "normalise emails", "normalise phones", "block", "score pairs"} <= finished
    scored = [line for line in lines if line.stage == "score pairs"]
    assert scored[-1].done == scored[-1].total > 0
    # Outside ``listening`` nothing is collected any more, and reports are plain log records again.
    before = len(lines)
    report("block", 1, 2, "rules")
    assert len(lines) == before
