"""The code location: one Definitions object, built from the project's rules.

`dagster dev -w workspace.yaml` loads ``defs`` from here.
"""

import os

import dagster as dg

from assets import audit, match, merge, publish, review
from assets.normalise import normalise_assets
from assets.sources import source_assets
from pipelines.jobs import (nightly_clean, nightly_clean_schedule, review_merges, weekly_full_rebuild_schedule,
                           yearly_audit, yearly_audit_schedule)
from pipelines.resources import CRM_URL_ENV, CrmDatabase, MatchEngine, StewardProject, StewardState
from pipelines.sensors import build_source_files_sensor
from steward.config import Project, load_project


def build_assets(project: Project) -> list:
    """Every asset and check, in flow order: sources -> normalise -> match -> merge -> publish (+ review, audit)."""
    return [
        *source_assets(project),
        *normalise_assets(list(project.sources())),
        *dg.load_assets_from_modules([review, match, merge, publish, audit]),
        *dg.load_asset_checks_from_modules([match, merge]),
    ]


def _env_or_empty(name: str):
    # dg.EnvVar keeps credentials out of the definitions: the UI shows the variable's
    # name, never its value, and the value is read when a run starts.
    return dg.EnvVar(name) if os.environ.get(name) else ""


def build_resources(project: Project, crm_url: str | None = None, full_rebuild: bool = False) -> dict:
    return {
        "steward": StewardProject(project_dir=str(project.root)),
        # Empty URL = the embedded SQLite file; STEWARD_CRM_URL points at a real CRM database.
        "crm": CrmDatabase(url=crm_url if crm_url is not None else _env_or_empty(CRM_URL_ENV)),
        "state": StewardState(url=_env_or_empty("STEWARD_STATE_URL"), full_rebuild=full_rebuild),
        # STEWARD_ENGINE=spark (and STEWARD_SPARK_MASTER) runs full rebuilds' pair stages on Spark.
        "match_engine": MatchEngine(engine=os.environ.get("STEWARD_ENGINE", "local"),
                                    spark_master=os.environ.get("STEWARD_SPARK_MASTER", "")),
    }


def build_definitions(project_dir: str | None = None) -> dg.Definitions:
    project = load_project(project_dir)
    return dg.Definitions(
        # One process per run: the steps are a pandas chain that mostly runs in sequence, and a
        # process per step would re-import pandas/GX/pyarrow (seconds each) for every step.
        executor=dg.in_process_executor,
        assets=build_assets(project),
        jobs=[nightly_clean, yearly_audit, review_merges],
        schedules=[nightly_clean_schedule, weekly_full_rebuild_schedule, yearly_audit_schedule],
        sensors=[build_source_files_sensor(nightly_clean, str(project.root))],
        resources=build_resources(project),
    )


defs = build_definitions()
