"""Jobs and schedules."""

import os

import dagster as dg

AUDIT_GROUP = "audit"
REVIEW_GROUP = "review"
# The review group's assets that only a reviewer's request materialises (merge_suggestions, the
# queue, is in the group too and every run rebuilds it).
DECISION_ASSETS = ("review_decisions", "review_outcome")

# Everything from the sources to the CRM, checks included; the yearly audit and
# the reviewers' decisions have their own jobs.
NIGHTLY_SELECTION = (dg.AssetSelection.all() - dg.AssetSelection.groups(AUDIT_GROUP)
                     - dg.AssetSelection.assets(*DECISION_ASSETS))
# A review run: the decisions, then the nightly pipeline that applies them.
REVIEW_SELECTION = dg.AssetSelection.all() - dg.AssetSelection.groups(AUDIT_GROUP)

# Every job of a project reads and writes the same stored outputs, state and snapshot: one run at a
# time. Each run takes the project's lock (steward/state/lock.py); on a deployed instance the run
# queue holds the others back too (dagster.yaml.example limits this tag to one run).
ONE_AT_A_TIME = {"crm-steward/project-run": "one-at-a-time"}

nightly_clean = dg.define_asset_job(
    "nightly_clean",
    tags=ONE_AT_A_TIME,
    selection=NIGHTLY_SELECTION,
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
    tags=ONE_AT_A_TIME,
    selection=dg.AssetSelection.groups(AUDIT_GROUP),
    description="The yearly data-quality audit: scorecard per source and field, worst problems, trend; "
    "HTML report and audit.json under reports/.",
)

yearly_audit_schedule = dg.build_schedule_from_partitioned_job(
    yearly_audit,
    name="yearly_audit_schedule",
    description="On 1 January, audit the year that just ended.",
)

# Sales ops decide from merge_suggestions' Approve / Reject links, which open this job's Launchpad
# with the decision filled in. The run records it and goes on through the nightly pipeline
# (incremental: only what the decision touches is clustered again), so the pair leaves the queue
# and the merge or the split reaches the golden records and the CRM at once.
review_merges = dg.define_asset_job(
    "review_merges",
    tags=ONE_AT_A_TIME,
    selection=REVIEW_SELECTION,
    description="Record review decisions (from merge_suggestions' Approve / Reject links, or approve/reject pair "
    "ids, confirm/split golden ids) and apply them at once: queue, golden records and CRM are updated in this run.",
)
