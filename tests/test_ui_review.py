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

import importlib
import json
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


def _benchmark_module(name: str):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(f"benchmarks.{name}")


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
    # CRM exports from the development generator (benchmarks/dev_crm, canonical columns): unlike the
    # demo, whose few doubtful pairs a reviewer finishes in a minute, they leave a queue to work on.
    dev_crm = _benchmark_module("dev_crm")
    dev_crm.generate(root / "exports", people=1500, seed=11)
    sources = {}
    for name in dev_crm.SOURCES:
        header = (root / "exports" / f"{name}.csv").open().readline().strip().split(",")
        sources[name] = {"kind": "csv", "path": f"exports/{name}.csv", "default_country": "GB",
                         "columns": {c: c for c in header if c != "source"}}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))
    # Its phones are as messy as CRM data gets (numbers of five countries, no country on the
    # record): the steward accepts more of them unpublishable than the shipped suite does.
    suite_path = root / "expectations" / "golden_contacts.json"
    suite = json.loads(suite_path.read_text())
    for expectation in suite["expectations"]:
        if expectation["type"] == "expect_column_values_to_match_regex" and expectation["kwargs"]["column"] == "phone":
            expectation["kwargs"]["mostly"] = 0.85
    suite_path.write_text(json.dumps(suite, indent=2))
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


class Clicks:
    """Counts what the reviewer does: every click is one action; nothing is typed."""

    def __init__(self):
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1


def _open_queue(page, base: str, clicks: Clicks | None = None):
    """The merge_suggestions page, and its queue opened ([Show Markdown]): the dialog."""
    page.goto(f"{base}/assets/merge_suggestions")
    _dismiss_popups(page)
    show = page.get_by_text("[Show Markdown]", exact=True).first
    show.wait_for(timeout=60_000)
    (clicks.click(show) if clicks else show.click())
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("link", name="Approve").first.wait_for(timeout=30_000)
    return dialog


def _whole_rows_on_screen(page, dialog) -> list[dict]:
    """The queue rows inside the 1280x900 window, with their text and smallest font size."""
    return dialog.locator("tbody tr").evaluate_all("""rows => rows.map(r => {
        const box = r.getBoundingClientRect();
        const sizes = [...r.querySelectorAll('td')].map(td => parseFloat(getComputedStyle(td).fontSize));
        return {top: box.top, bottom: box.bottom, text: r.innerText, font: Math.min(...sizes)};
    }).filter(r => r.top >= 0 && r.bottom <= window.innerHeight)""")


def _decide(page, base: str, client, row: int, action: str, shots: list, tmp: Path) -> tuple[str, int]:
    """From the merge_suggestions page: open the queue, click the row's Approve / Reject, click
    Launch Run. Returns (the pair id the link carried, actions taken)."""
    from urllib.parse import parse_qs, unquote, urlparse

    clicks = Clicks()
    dialog = _open_queue(page, base, clicks)
    if not shots:
        page.wait_for_timeout(1000)  # the dialog fades in
        dialog.get_by_text("suggestions").first.evaluate("e => e.scrollIntoView({block: 'start'})")
        shots.append(_shot(page, "review-1-queue.png", tmp))
    link = dialog.get_by_role("link", name=action.capitalize()).nth(row)
    config = yaml.safe_load(unquote(parse_qs(urlparse(link.get_attribute("href")).query)["config"][0]))
    pair_id = config["ops"]["review_decisions"]["config"][action][0]
    clicks.click(link)
    launch = page.get_by_role("button", name="Launch Run")
    launch.wait_for(timeout=60_000)
    page.get_by_text(pair_id).first.wait_for(timeout=30_000)  # the decision, filled in
    if len(shots) == 1:
        page.wait_for_timeout(1500)  # the Launchpad validates the config as it loads
        shots.append(_shot(page, "review-2-launchpad.png", tmp))
    clicks.click(launch)
    page.wait_for_url("**/runs/**", timeout=60_000)
    run_id = page.url.rstrip("/").split("/runs/")[1].split("?")[0].split("/")[0]
    assert _wait_for_run(client, run_id) == "SUCCESS"
    return pair_id, clicks.count


def test_sales_ops_decide_in_three_clicks_and_see_the_result(dagster_ui, tmp_path):
    """Issue 18: 1280x900, three decisions (two approvals, one rejection), three clicks each, no id
    typed; each review run applies its decision at once (queue, golden records, CRM)."""
    from playwright.sync_api import sync_playwright

    base, client, root = dagster_ui
    assert _nightly(client) == "SUCCESS"
    store = StateStore(default_state_url(root / "data"))
    queue = store.read(REVIEW_QUEUE)
    assert len(queue) >= 5, "the demo needs at least five merge suggestions to review"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # The queue reads at 1280 px: five or more whole suggestions on the first screen, both
        # records' name, e-mail and phone in readable type.
        dialog = _open_queue(page, base)
        rows = _whole_rows_on_screen(page, dialog)
        assert len(rows) >= 5, rows
        assert min(r["font"] for r in rows) >= 11
        names = set(queue["a_contact_key"]) | set(queue["b_contact_key"])
        assert names  # (the rows show people, not keys)
        for row, (_, suggestion) in zip(rows, queue.head(len(rows)).iterrows()):
            assert "Approve" in row["text"] and "Reject" in row["text"]
        page.keyboard.press("Escape")

        shots: list[Path] = []
        decided = {}
        for index, action in enumerate(["approve", "approve", "reject"]):
            pair_id, actions = _decide(page, base, client, 0, action, shots, tmp_path)
            assert actions <= 3, (action, actions)
            decided[pair_id] = action
        assert len(decided) == 3 and list(decided.values()).count("approve") == 2

        # In the UI: the decided pairs left the queue ...
        dialog = _open_queue(page, base)
        hrefs = dialog.get_by_role("link").evaluate_all("links => links.map(a => decodeURIComponent(a.href))")
        assert hrefs and not any(pid in href for pid in decided for href in hrefs)
        # ... and "decisions applied" says, in names, that each approved pair is one golden record.
        page.goto(f"{base}/assets/review_outcome")
        _dismiss_popups(page)
        page.get_by_text("one golden record").first.wait_for(timeout=60_000)
        page.get_by_text("decisions_applied").first.evaluate("e => e.scrollIntoView({block: 'start'})")
        shots.append(_shot(page, "review-3-outcome.png", tmp_path))
        crosswalk = store.read(GOLDEN_CROSSWALK)
        golden_of = dict(zip(crosswalk["source"] + ":" + crosswalk["record_id"], crosswalk["golden_id"]))
        for pid, action in decided.items():
            a, b = pid.split("~")
            if action == "approve":
                assert golden_of[a] == golden_of[b]
                expect = f"one golden record {golden_of[a]}"
            else:
                assert golden_of[a] != golden_of[b]
                expect = "apart: "
            assert page.get_by_text(expect).first.is_visible()
        log = load_decisions(store)
        assert sorted(log["action"]) == ["approve", "approve", "reject"] and set(log["reviewer"]) == {"sales-ops"}

        # A mistyped id: refused at launch in one line with the nearest valid id; the run page offers
        # the same config again.
        target = store.read(REVIEW_QUEUE)["pair_id"].iloc[0]
        typo = target[:-1] + ("x" if target[-1] != "x" else "y")
        from assets._review_links import decision_link

        page.goto(base + decision_link(LOCATION, "approve", typo))
        launch = page.get_by_role("button", name="Launch Run")
        launch.wait_for(timeout=60_000)
        launch.click()
        page.wait_for_url("**/runs/**", timeout=60_000)
        run_id = page.url.rstrip("/").split("/runs/")[1].split("?")[0].split("/")[0]
        assert _wait_for_run(client, run_id) == "FAILURE"
        message = page.get_by_text(f"did you mean '{target}'").first
        message.wait_for(timeout=60_000)
        assert typo in message.inner_text()
        shots.append(_shot(page, "review-4-refused.png", tmp_path))
        assert page.get_by_role("button", name="Re-execute all").or_(page.get_by_text("Open in Launchpad")).count()
        browser.close()
    for shot in shots:
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"
