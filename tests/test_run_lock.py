"""One run of a project at a time: review decisions are whole-pipeline runs, and two runs at once
overwrote each other's snapshot. The lock is taken by the StewardProject resource for every run."""

from __future__ import annotations

import threading
import time

import dagster as dg
import pytest
import yaml

from pipelines.definitions import build_assets, build_resources
from pipelines.resources import StewardProject
from steward.config import load_project
from steward.state.lock import RunLock, RunLockTimeout


def test_a_second_holder_waits_and_gives_up_with_a_message(tmp_path):
    path = tmp_path / "data" / "run.lock"
    with RunLock(path, "run A"):
        with pytest.raises(RunLockTimeout, match=r"run A \(pid \d+\) has held the project"):
            RunLock(path, "run B", wait_s=0.3, poll_s=0.05).acquire()
    with RunLock(path, "run B", wait_s=0.3):  # released: the next one gets it at once
        assert "run B" in path.read_text()


def test_the_second_waits_for_the_first_rather_than_running_beside_it(tmp_path):
    path, order = tmp_path / "run.lock", []
    first = RunLock(path, "first")
    first.acquire()

    def second():
        with RunLock(path, "second", wait_s=10, poll_s=0.05):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    order.append("first done")
    first.release()
    thread.join(timeout=10)
    assert order == ["first done", "second"]


def test_every_dagster_run_of_a_project_takes_the_lock(project_copy):
    sources = yaml.safe_load((project_copy / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": 50, "seed": 3}
    (project_copy / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    project = load_project(project_copy)
    resources = build_resources(project, f"sqlite:///{project_copy / 'crm.sqlite'}")
    resources["steward"] = StewardProject(project_dir=str(project_copy), run_lock_wait_s=0.5)
    selection = dg.AssetSelection.assets("demo_source_files")
    with RunLock(project.data_dir / "run.lock", "a nightly run"):
        with dg.DagsterInstance.ephemeral() as instance:
            blocked = dg.materialize(build_assets(project), resources=resources, instance=instance,
                                     selection=selection, raise_on_error=False)
    assert not blocked.success
    failure = [e for e in blocked.all_events if e.is_failure]
    assert failure and "a nightly run" in str(failure[0].event_specific_data)
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(build_assets(project), resources=resources, instance=instance, selection=selection).success
