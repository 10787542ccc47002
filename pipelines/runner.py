"""Headless runs of the Dagster job (``steward run``), recorded in the same
Dagster instance the UI reads, with progress printed as steps finish."""


import logging
import os
import time
from pathlib import Path

import dagster as dg

from pipelines.resources import CRM_URL_ENV
from steward.config import load_project

DAGSTER_YAML = """\
# Written by crm-steward on first run. Telemetry off: this machine may have no network.
telemetry:
  enabled: false
python_logs:
  managed_python_loggers: [steward]
"""


def ensure_dagster_home(project_root: Path) -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or project_root / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def root_cause(error) -> str:
    """One line for a failed step: the innermost error's message (Dagster wraps what the step
    raised in its own errors); crm-steward's own errors are messages for people and shown alone."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = (getattr(error, "message", "") or "").strip()
    name = getattr(error, "cls_name", "") or ""
    prefix = f"{name}: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = lines[0] if lines else name
    return text if name in _steward_error_names() else f"{name}: {text}"


def _steward_error_names() -> set[str]:
    from steward.errors import StewardError

    names, todo = set(), [StewardError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


class _RunEvents:
    """What the person at the terminal sees of a run: a line per step done, the root cause of a
    failure in one line, the skipped steps counted in one line (``summary``)."""

    def __init__(self, echo):
        self.echo, self.started, self.skipped = echo, time.perf_counter(), []

    def handle(self, event) -> None:
        elapsed = f"{time.perf_counter() - self.started:6.1f}s"
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            mat = event.event_specific_data.materialization
            rows = mat.metadata.get("dagster/row_count")
            count = f" ({rows.value:,} rows)" if rows is not None else ""
            self.echo(f"{elapsed}  ✓ {mat.asset_key.to_user_string()}{count}")
        elif kind == "ASSET_CHECK_EVALUATION":
            ev = event.event_specific_data
            status = "passed" if ev.passed else f"FAILED ({ev.severity.value})"
            self.echo(f"{elapsed}  ☐ check {ev.asset_key.to_user_string()}:{ev.check_name} {status}")
            if not ev.passed and ev.description:
                # What failed, here and not only in the Dagster run log: a blocking check
                # stops the publish, and the person at the terminal must know why.
                for line in str(ev.description).strip().splitlines()[:8]:
                    self.echo(f"            {line}")
        elif kind == "STEP_FAILURE":
            self.echo(f"{elapsed}  ✗ {event.step_key} failed: {root_cause(event.event_specific_data.error)}")
        elif kind == "STEP_SKIPPED":
            self.skipped.append(event.step_key)

    def summary(self) -> str | None:
        if not self.skipped:
            return None
        return (f"{len(self.skipped)} later step(s) skipped ({', '.join(self.skipped[:4])}"
                f"{' …' if len(self.skipped) > 4 else ''}): they need what failed")

    def logger(self):
        events = self

        class _Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                event = getattr(record, "dagster_meta", {}).get("dagster_event")
                if event is not None:
                    events.handle(event)

        @dg.logger
        def progress(_init_context):
            logger = logging.getLogger("steward.runner.events")
            logger.setLevel(logging.DEBUG)
            logger.handlers = [_Handler()]
            logger.propagate = False
            return logger

        return progress


def run_pipeline(project_dir: str | None = None, crm_url: str | None = None, echo=print,
                 full_rebuild: bool = False, verbose: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise the whole graph (the nightly_clean job) in this process: incremental when the
    snapshot of an earlier run allows it, everything again with ``full_rebuild``. A failed step is
    told in one line (its root cause); Dagster's own log with the stack traces only ``verbose``."""
    project = load_project(project_dir)
    ensure_dagster_home(project.root)
    from pipelines.definitions import build_definitions

    defs = build_definitions(str(project.root))
    job = defs.resolve_job_def("nightly_clean")
    events = _RunEvents(echo)
    job = job.with_logger_defs({"progress": events.logger(), "console": dg.default_loggers()["console"]})
    run_config: dict = {"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "CRITICAL"}},
                                    "progress": {}}}
    run_config["resources"] = {}
    before = os.environ.get(CRM_URL_ENV)
    if crm_url:
        # Dagster stores a run's config and shows it in the UI: it names the variable, this
        # process holds the value (a URL may carry a password) for this run only.
        os.environ[CRM_URL_ENV] = crm_url
        run_config["resources"]["crm"] = {"config": {"url": {"env": CRM_URL_ENV}}}
    if full_rebuild:
        run_config["resources"]["state"] = {"config": {"full_rebuild": True}}
    try:
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
    finally:
        if crm_url and before is None:
            os.environ.pop(CRM_URL_ENV, None)
        elif crm_url:
            os.environ[CRM_URL_ENV] = before
    if (skipped := events.summary()) is not None:
        echo(skipped)
    return result


def run_summary(result: dg.ExecuteInProcessResult) -> str | None:
    """'incremental: 12 new, 3 changed ...' or 'full rebuild: <why>', from the contact_changes metadata."""
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key == dg.AssetKey("contact_changes"):
            run = mat.metadata["run"].value
            changes = mat.metadata["changes"].value
            if run == "incremental":
                detail = ", ".join(f"{v:,} {k}" for k, v in sorted(changes.items()))
                return f"incremental run: {detail}; {mat.metadata['rematched'].value:,} records matched again"
            return run
    return None
