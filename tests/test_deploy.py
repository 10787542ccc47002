"""Deployment files: dagster.yaml.example is a valid instance config, credentials stay in the environment."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest
from dagster._core.instance.config import dagster_instance_config

from pipelines.definitions import build_definitions

from .conftest import REPO


def test_instance_example_validates_and_keeps_secrets_out(tmp_path):
    shutil.copy(REPO / "dagster.yaml.example", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert set(config["storage"]["postgres"]["postgres_db"]["password"]) == {"env"}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    # The same check refuses a broken file (so the test above can fail).
    (tmp_path / "dagster.yaml").write_text("storage:\n  postgres:\n    no_such_key: 1\n")
    with pytest.raises(Exception):
        dagster_instance_config(str(tmp_path))


def test_crm_url_from_the_environment_is_an_env_var_not_a_value(repo_root, monkeypatch):
    monkeypatch.setenv("STEWARD_CRM_URL", "postgresql+psycopg://writer:s3cret@crm-db/crm")
    defs = build_definitions(str(repo_root))
    crm = defs.resources["crm"]
    assert isinstance(crm.url, dg.EnvVar) and crm.url.env_var_name == "STEWARD_CRM_URL"
    assert "s3cret" not in repr(crm)
    monkeypatch.delenv("STEWARD_CRM_URL")
    assert build_definitions(str(repo_root)).resources["crm"].url == ""


def test_every_job_is_held_to_one_run_at_a_time_by_the_example_queue(tmp_path, repo_root):
    """Issue 19, C5: the queue's tag limit of dagster.yaml.example covers every job of the code
    location (nightly, review, audit), so runs of a deployed project never overlap."""
    shutil.copy(REPO / "dagster.yaml.example", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    limits = config["run_coordinator"]["config"]["tag_concurrency_limits"]
    one = [(limit["key"], limit["value"]) for limit in limits if limit["limit"] == 1]
    defs = build_definitions(str(repo_root))
    jobs = [defs.resolve_job_def(name) for name in ("nightly_clean", "review_merges", "yearly_audit")]
    for job in jobs:
        assert any(job.tags.get(key) == value for key, value in one), (job.name, job.tags, one)
