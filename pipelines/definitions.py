"""The code location: one Definitions object, built from the project's rules.

`dagster dev -w workspace.yaml` loads ``defs`` from here.
"""

from __future__ import annotations

import os

import dagster as dg

from assets import match, merge, publish
from assets.normalise import normalise_assets
from assets.sources import source_assets
from pipelines.jobs import nightly_clean, nightly_clean_schedule
from pipelines.resources import CrmDatabase, StewardProject
from steward.config import load_project


def build_definitions(project_dir: str | None = None) -> dg.Definitions:
    project = load_project(project_dir)
    sources = source_assets(project)
    return dg.Definitions(
        assets=[
            *sources,
            *normalise_assets(list(project.sources())),
            *dg.load_assets_from_modules([match, merge, publish]),
        ],
        asset_checks=dg.load_asset_checks_from_modules([merge]),
        jobs=[nightly_clean],
        schedules=[nightly_clean_schedule],
        resources={
            "steward": StewardProject(project_dir=str(project.root)),
            "crm": CrmDatabase(url=os.environ.get("STEWARD_CRM_URL", "")),
        },
    )


defs = build_definitions()
