"""The code location: one Definitions object, built from the project's rules.

`dagster dev -w workspace.yaml` loads ``defs`` from here.
"""

import os

import dagster as dg

from assets import audit, match, merge, publish
from assets.normalise import normalise_assets
from assets.sources import source_assets
from pipelines.jobs import nightly_clean, nightly_clean_schedule, yearly_audit, yearly_audit_schedule
from pipelines.resources import CrmDatabase, StewardProject
from steward.config import Project, load_project


def build_assets(project: Project) -> list:
    """Every asset and check, in flow order: sources -> normalise -> match -> merge -> publish (+ audit)."""
    return [
        *source_assets(project),
        *normalise_assets(list(project.sources())),
        *dg.load_assets_from_modules([match, merge, publish, audit]),
        *dg.load_asset_checks_from_modules([merge]),
    ]


def build_resources(project: Project, crm_url: str | None = None) -> dict:
    return {
        "steward": StewardProject(project_dir=str(project.root)),
        # Empty URL = the embedded SQLite file; STEWARD_CRM_URL points at a real CRM database.
        "crm": CrmDatabase(url=crm_url if crm_url is not None else os.environ.get("STEWARD_CRM_URL", "")),
    }


def build_definitions(project_dir: str | None = None) -> dg.Definitions:
    project = load_project(project_dir)
    return dg.Definitions(
        assets=build_assets(project),
        jobs=[nightly_clean, yearly_audit],
        schedules=[nightly_clean_schedule, yearly_audit_schedule],
        resources=build_resources(project),
    )


defs = build_definitions()
