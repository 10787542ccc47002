"""Jobs and schedules."""


import os

import dagster as dg

# Everything from the sources to the CRM, checks included.
nightly_clean = dg.define_asset_job(
    "nightly_clean",
    selection=dg.AssetSelection.all(),
    description="Pull every source, normalise, match, merge, validate and publish golden records to the CRM.",
)

nightly_clean_schedule = dg.ScheduleDefinition(
    name="nightly_clean_schedule",
    job=nightly_clean,
    cron_schedule=os.environ.get("STEWARD_NIGHTLY_CRON", "0 2 * * *"),
    execution_timezone=os.environ.get("STEWARD_TIMEZONE", "UTC"),
    description="Nightly cleaning run (cron and timezone from STEWARD_NIGHTLY_CRON / STEWARD_TIMEZONE).",
)
