"""Jobs and schedules."""

import os

import dagster as dg

AUDIT_GROUP = "audit"
REVIEW_GROUP = "review"

# Everything from the sources to the CRM, checks included; the yearly audit and
# the reviewers' decisions have their own jobs.
nightly_clean = dg.define_asset_job(
    "nightly_clean",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(AUDIT_GROUP, REVIEW_GROUP),
    description="Pull every source, normalise, match, merge, validate and publish golden records to the CRM.",
)

nightly_clean_schedule = dg.ScheduleDefinition(
    name="nightly_clean_schedule",
    job=nightly_clean,
    cron_schedule=os.environ.get("STEWARD_NIGHTLY_CRON", "0 2 * * *"),
    execution_timezone=os.environ.get("STEWARD_TIMEZONE", "UTC"),
    description="Nightly cleaning run (cron and timezone from STEWARD_NIGHTLY_CRON / STEWARD_TIMEZONE).",
)

# Nightly runs are incremental (they match only what changed and keep the model of the last full
# run); once a week everything is rebuilt and the model re-estimated on all of the data.
FULL_REBUILD_RUN_CONFIG = {"resources": {"state": {"config": {"full_rebuild": True}}}}

weekly_full_rebuild_schedule = dg.ScheduleDefinition(
    name="weekly_full_rebuild",
    job=nightly_clean,
    cron_schedule=os.environ.get("STEWARD_FULL_REBUILD_CRON", "0 3 * * 0"),
    execution_timezone=os.environ.get("STEWARD_TIMEZONE", "UTC"),
    run_config=FULL_REBUILD_RUN_CONFIG,
    description="Full rebuild of nightly_clean (cron from STEWARD_FULL_REBUILD_CRON, default Sundays 03:00).",
)

# The audit of one year (partition). It reads the latest nightly_clean outputs
# (normalised contacts, clusters, quarantine): Dagster keeps partitioned and
# unpartitioned assets in separate jobs.
yearly_audit = dg.define_asset_job(
    "yearly_audit",
    selection=dg.AssetSelection.groups(AUDIT_GROUP),
    description="The yearly data-quality audit: scorecard per source and field, worst problems, trend; "
    "HTML report and audit.json under reports/.",
)

yearly_audit_schedule = dg.build_schedule_from_partitioned_job(
    yearly_audit,
    name="yearly_audit_schedule",
    description="On 1 January, audit the year that just ended.",
)

# Sales ops record decisions from the Launchpad: approve/reject merge suggestions by
# pair id, confirm or split golden records. The next nightly_clean run honours them.
review_merges = dg.define_asset_job(
    "review_merges",
    selection=dg.AssetSelection.groups(REVIEW_GROUP),
    description="Record review decisions (Launchpad config: reviewer, note, approve/reject pair ids from "
    "merge_suggestions, confirm/split golden ids). Unknown or stale ids refuse the whole request.",
)
