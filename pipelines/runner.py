"""Headless runs of the Dagster job (``steward run``), recorded in the same
Dagster instance the UI reads, with progress printed as steps finish."""


import logging
import os
import time
from pathlib import Path

import dagster as dg

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


def _progress_logger(echo):
    started = time.perf_counter()

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            event = getattr(record, "dagster_meta", {}).get("dagster_event")
            if event is None:
                return
            elapsed = f"{time.perf_counter() - started:6.1f}s"
            kind = event.event_type_value
            if kind == "ASSET_MATERIALIZATION":
                mat = event.event_specific_data.materialization
                rows = mat.metadata.get("dagster/row_count")
                count = f" ({rows.value:,} rows)" if rows is not None else ""
                echo(f"{elapsed}  ✓ {mat.asset_key.to_user_string()}{count}")
            elif kind == "ASSET_CHECK_EVALUATION":
                ev = event.event_specific_data
                status = "passed" if ev.passed else f"FAILED ({ev.severity.value})"
                echo(f"{elapsed}  ☐ check {ev.asset_key.to_user_string()}:{ev.check_name} {status}")
                if not ev.passed and ev.description:
                    # What failed, here and not only in the Dagster run log: a blocking check
                    # stops the publish, and the person at the terminal must know why.
                    for line in str(ev.description).strip().splitlines()[:8]:
                        echo(f"            {line}")
            elif kind == "STEP_FAILURE":
                echo(f"{elapsed}  ✗ {event.step_key} failed: {event.event_specific_data.error.message.strip()}")
            elif kind == "STEP_SKIPPED":
                echo(f"{elapsed}  - {event.step_key} skipped")

    @dg.logger
    def progress(_init_context):
        logger = logging.getLogger("steward.runner.events")
        logger.setLevel(logging.DEBUG)
        logger.handlers = [_Handler()]
        logger.propagate = False
        return logger

    return progress


def run_pipeline(project_dir: str | None = None, crm_url: str | None = None, echo=print,
                 full_rebuild: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise the whole graph (the nightly_clean job) in this process: incremental when the
    snapshot of an earlier run allows it, everything again with ``full_rebuild``."""
    project = load_project(project_dir)
    ensure_dagster_home(project.root)
    from pipelines.definitions import build_definitions

    defs = build_definitions(str(project.root))
    job = defs.resolve_job_def("nightly_clean")
    job = job.with_logger_defs({"progress": _progress_logger(echo), "console": dg.default_loggers()["console"]})
    run_config: dict = {"loggers": {"console": {"config": {"log_level": "ERROR"}}, "progress": {}}}
    run_config["resources"] = {}
    if crm_url:
        run_config["resources"]["crm"] = {"config": {"url": crm_url}}
    if full_rebuild:
        run_config["resources"]["state"] = {"config": {"full_rebuild": True}}
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)


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
