"""Links that open the review_merges Launchpad with one decision filled in.

Dagster's UI opens a job's Launchpad with a run config taken from the URL
(``/locations/<location>/jobs/<job>/playground/setup?config=<url-encoded YAML>``): a reviewer
clicks "Approve" on a suggestion and then "Launch Run", and never types or copies an id.
"""

from urllib.parse import quote

import dagster as dg
import yaml

REVIEW_JOB = "review_merges"
# The code location's name as workspace.yaml loads it (``python_module: pipelines.definitions``,
# ``attribute: defs``); a run started from the UI knows its own, which wins.
DEFAULT_LOCATION = "pipelines.definitions:defs"
DEFAULT_REVIEWER = "sales-ops"
# Suggestions shown in the queue's Markdown: a day's work; the rest are in the CSV beside it.
QUEUE_SHOWN = 50


def review_location(context: dg.AssetExecutionContext | None) -> str:
    """The code location this run came from (so the links open the Launchpad of the same one)."""
    origin = getattr(getattr(context, "dagster_run", None), "remote_job_origin", None) if context else None
    try:
        return origin.repository_origin.code_location_origin.location_name
    except AttributeError:  # a run not launched through a workspace (dagster.materialize, tests)
        return DEFAULT_LOCATION


def decision_config(action: str, pair_id: str, reviewer: str = DEFAULT_REVIEWER) -> str:
    """The Launchpad YAML of one decision: only what a reviewer decides, no resource settings."""
    return yaml.safe_dump({"ops": {"review_decisions": {"config": {
        "reviewer": reviewer, "note": "", action: [pair_id]}}}}, sort_keys=False)


def decision_link(location: str, action: str, pair_id: str) -> str:
    """Where "Approve" / "Reject" of one suggestion leads: review_merges, filled in."""
    return (f"/locations/{quote(location, safe=':')}/jobs/{REVIEW_JOB}/playground/setup"
            f"?config={quote(decision_config(action, pair_id), safe='')}")
