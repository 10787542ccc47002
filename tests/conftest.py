"""Shared fixtures. Demo data is generated once per session (small, seeded)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

REPO = Path(__file__).resolve().parents[1]
# The curated nickname groups of this repository's project. The normalise stage reads no
# project file of its own: a run passes its project's file (Project.normalise_options()),
# and tests that normalise pass this one.
NICKNAME_FILE = REPO / "rules" / "nicknames.csv"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """Demo exports + canonical CSVs + ground truth for 400 people."""
    from steward.demo import generate_demo_data, write_canonical

    out = tmp_path_factory.mktemp("demo")
    generate_demo_data(out, entities=400, seed=7)
    write_canonical(out)
    return out


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def crm_url(request, tmp_path):
    """A CRM database of the test's own on each backend: the embedded SQLite file, and an empty
    schema on the PostgreSQL and MariaDB servers (tests.databases: skipped with a reason where a
    server is missing, except under CI)."""
    from tests.databases import scratch_url

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crm.sqlite'}"
        return
    with scratch_url(request.param, "crm") as url:
        yield url


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway project directory (rules/ + expectations/) tests may edit."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "expectations", root / "expectations")
    return root


def run_dedupe(records, quarantine, matching, survivorship, snapshot=None, *, normalise_options=None,
               stewardship=None, consent=None, engine=None, progress=None, keep_snapshot=True):
    """``steward.run.flow.dedupe`` with settings given as mappings: (result, the snapshot it leaves).
    A ``snapshot`` makes it incremental where the snapshot allows."""
    from steward.config.settings import Settings
    from steward.match.engines import LocalEngine
    from steward.run import RunContext, Stewardship, dedupe

    if normalise_options is None:  # as this repository's project would normalise
        normalise_options = {"nickname_file": NICKNAME_FILE}
    ctx = RunContext(settings=Settings.of(matching, survivorship, normalise_options, consent=consent),
                     stewardship=stewardship or Stewardship(), snapshot=snapshot, engine=engine or LocalEngine(),
                     progress=progress, keep_snapshot=keep_snapshot)
    result = dedupe(ctx, records, quarantine)
    return result, result.next_snapshot
