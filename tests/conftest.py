"""Shared fixtures. Demo data is generated once per session (small, seeded)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """Demo exports + canonical CSVs + ground truth for 400 people."""
    from steward.demo.generator import generate_demo_data, write_canonical

    out = tmp_path_factory.mktemp("demo")
    generate_demo_data(out, entities=400, seed=7)
    write_canonical(out)
    return out


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway project directory (rules/ + expectations/) tests may edit."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "expectations", root / "expectations")
    return root
