"""Issue 19, C5 acceptance: two `steward run` of one project started together. One runs, the
other says it waits and then runs after it; both succeed, nothing crashes, and the CRM ends as
one run alone leaves it."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from steward.publish import CROSSWALK_TABLE, GOLDEN_TABLE, read_table
from tests.hostile.test_erased_everywhere import project_on_demo_exports

STEWARD = str(Path(sys.executable).with_name("steward"))


def _start(project: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return subprocess.Popen([STEWARD, "run", "--project", str(project)], cwd=project, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_two_runs_at_once_take_turns_and_leave_the_state_of_one(tmp_path, project_copy):
    project_on_demo_exports(project_copy, tmp_path / "exports", entities=150)
    alone = tmp_path / "alone"
    shutil.copytree(project_copy, alone)
    assert _start(alone).wait(timeout=600) == 0
    first = _start(project_copy)
    # The second starts while the first holds the project (its lock file names the holder).
    lock = project_copy / "data" / "run.lock"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.2)
    second = _start(project_copy)
    out_first, _ = first.communicate(timeout=600)
    out_second, _ = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, out_first + out_second
    for out in (out_first, out_second):
        assert "Traceback" not in out and "EOFError" not in out
    assert "waits for it to finish" in " ".join(out_second.split()), out_second  # (the console wraps lines)
    crm = f"sqlite:///{project_copy / 'data' / 'crm.sqlite'}"
    golden, crosswalk = read_table(crm, GOLDEN_TABLE), read_table(crm, CROSSWALK_TABLE)
    assert not golden["golden_id"].duplicated().any() and not crosswalk.duplicated(["source", "record_id"]).any()
    assert set(crosswalk["golden_id"]) <= set(golden["golden_id"])
    # The same people as one run alone makes of the same exports.
    assert _partition(crosswalk) == _partition(read_table(f"sqlite:///{alone / 'data' / 'crm.sqlite'}", CROSSWALK_TABLE))


def _partition(crosswalk):
    keys = crosswalk["source"] + ":" + crosswalk["record_id"]
    return {frozenset(group) for group in keys.groupby(crosswalk["golden_id"]).agg(list)}
