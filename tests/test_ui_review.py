"""The review workflow end to end, as sales ops do it: in the Dagster UI.

Starts `dagster dev` on a small demo project, runs nightly_clean, opens the
merge_suggestions asset page, fills the review_merges Launchpad with a decision
and clicks "Launch Run" in headless Chromium (Playwright driving the system
browser: nothing is downloaded), then runs nightly_clean again and checks the
decision changed the golden records.

The screenshots it takes are the README's: `STEWARD_SCREENSHOTS=docs/img make test`
(or run this file alone) refreshes docs/img/.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from steward.review.decisions import load_decisions
from steward.state.store import GOLDEN_CROSSWALK, REVIEW_QUEUE, StateStore, default_state_url

from .conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
LOCATION = "pipelines.definitions:defs"
REPOSITORY = "__repository__"
START_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _need(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (required in CI)")
        pytest.skip(why)


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory):
    _need(CHROMIUM.exists(), "chromium not installed: apt-get install chromium")
    pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: make install")
    root = tmp_path_factory.mktemp("ui") / "project"
    root.mkdir()
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "expectations", root / "expectations")
    sources = yaml.safe_load((root / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": 250, "seed": 3}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    home = root / ".dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = _free_port()
    env = {**os.environ, "STEWARD_PROJECT_DIR": str(root), "DAGSTER_HOME": str(home),
           "DAGSTER_DISABLE_TELEMETRY": "1", "GX_ANALYTICS_ENABLED": "false"}
    log = open(root / "dagster-dev.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "dev", "-w", str(REPO / "workspace.yaml"),
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        from dagster_graphql import DagsterGraphQLClient

        client = DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=60)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                import urllib.request

                urllib.request.urlopen(f"{base}/server_info", timeout=3).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"dagster dev did not start; see {root / 'dagster-dev.log'}:\n"
                                + (root / "dagster-dev.log").read_text()[-3000:])
                time.sleep(2)
        yield base, client, root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _wait_for_run(client, run_id: str, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id).value
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(2)
    pytest.fail(f"run {run_id} did not finish in {timeout:.0f}s")


def _nightly(client) -> str:
    run_id = client.submit_job_execution("nightly_clean", repository_location_name=LOCATION,
                                         repository_name=REPOSITORY, run_config={})
    return _wait_for_run(client, run_id)


def _dismiss_popups(page) -> None:
    # First visit: Dagster asks to join its community; sales ops would click "Skip" too.
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=4000)
        skip.click()
    except Exception:  # no popup this time
        pass


def _shot(page, name: str, tmp: Path) -> Path:
    target = Path(os.environ.get("STEWARD_SCREENSHOTS") or tmp)
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    page.screenshot(path=str(path), full_page=False)
    return path


def test_a_decision_made_in_the_ui_changes_the_next_run(dagster_ui, tmp_path):
    from playwright.sync_api import sync_playwright

    base, client, root = dagster_ui
    assert _nightly(client) == "SUCCESS"
    store = StateStore(default_state_url(root / "data"))
    queue = store.read(REVIEW_QUEUE)
    assert len(queue), "the demo needs merge suggestions to review"
    pair = queue.iloc[0]
    before = store.read(GOLDEN_CROSSWALK)
    golden_of = dict(zip(before["source"] + ":" + before["record_id"], before["golden_id"]))
    assert golden_of[pair["a_contact_key"]] != golden_of[pair["b_contact_key"]]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1800, "height": 1000})
        # 1. The merge suggestions, best first, side by side with the reasons.
        page.goto(f"{base}/assets/merge_suggestions")
        _dismiss_popups(page)
        page.get_by_text(pair["pair_id"]).first.wait_for(timeout=60_000)
        # Scroll the metadata table (the suggestions) to the top of the view.
        page.get_by_text("Metadata", exact=True).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        shots = [_shot(page, "review-1-merge-suggestions.png", tmp_path)]
        # 2. The decision, typed into the review_merges Launchpad.
        page.goto(f"{base}/locations/{LOCATION}/jobs/review_merges/playground")
        _dismiss_popups(page)
        editor = page.locator(".CodeMirror").first
        editor.wait_for(timeout=60_000)
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(
            "ops:\n"
            "  review_decisions:\n"
            "    config:\n"
            "      reviewer: ana.sales-ops\n"
            "      note: same person, confirmed by phone\n"
            f"      approve: ['{pair['pair_id']}']\n"
        )
        launch = page.get_by_role("button", name="Launch Run")
        launch.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)  # config validation runs as you type
        shots.append(_shot(page, "review-2-launchpad.png", tmp_path))
        launch.click()
        page.wait_for_url("**/runs/**", timeout=60_000)
        run_id = page.url.rstrip("/").split("/runs/")[1].split("?")[0].split("/")[0]
        assert _wait_for_run(client, run_id) == "SUCCESS"
        log = load_decisions(store)
        assert log[["reviewer", "action", "pair_id"]].values.tolist() == [["ana.sales-ops", "approve", pair["pair_id"]]]
        assert log["note"].iloc[0] == "same person, confirmed by phone"
        assert abs(float(log["match_probability"].iloc[0]) - float(pair["match_probability"])) < 1e-9

        # 3. The next nightly run honours the decision.
        assert _nightly(client) == "SUCCESS"
        after = store.read(GOLDEN_CROSSWALK)
        golden_of = dict(zip(after["source"] + ":" + after["record_id"], after["golden_id"]))
        assert golden_of[pair["a_contact_key"]] == golden_of[pair["b_contact_key"]]
        assert pair["pair_id"] not in set(store.read(REVIEW_QUEUE)["pair_id"])

        # 4. The decision log (the merge audit log) in the UI.
        page.goto(f"{base}/assets/review_decisions")
        _dismiss_popups(page)
        page.get_by_text("ana.sales-ops").first.wait_for(timeout=60_000)
        shots.append(_shot(page, "review-3-decision-log.png", tmp_path))
        browser.close()
    for shot in shots:
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"
