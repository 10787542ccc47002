"""Review: sales ops decide on merge suggestions in the Dagster UI.

``review_decisions`` is materialised by the ``review_merges`` job from the
Launchpad with the decisions as run config. The request is validated against the
latest run's review queue and golden records (unknown or stale ids refuse it
whole), appended to the decision log in the state database, and the log is this
asset's value. Every later ``nightly_clean`` run reads the log: approved pairs
are must-links, rejected pairs cannot-links (``contact_clusters``).
"""


import dagster as dg
import pandas as pd
from pydantic import Field

from assets._metadata import table_preview
from pipelines.resources import StewardProject, StewardState
from steward.review.decisions import DECISION_COLUMNS, ReviewError, ReviewRequest, load_decisions, record_decisions
from steward.state.store import GOLDEN_CROSSWALK


class SplitRequest(dg.Config):
    golden_id: str = Field(description="The golden record to split.")
    records: list[str] = Field(description="Its records (source:record_id) that belong to someone else.")


class ReviewDecisions(dg.Config):
    reviewer: str = Field(description="Who decides (kept in the merge audit log).")
    note: str = Field(default="", description="Why, in a few words.")
    approve: list[str] = Field(default=[], description="Pair ids from merge_suggestions: the same person.")
    reject: list[str] = Field(default=[], description="Pair ids from merge_suggestions: different people.")
    confirm: list[str] = Field(default=[], description="Golden ids whose records are all one person.")
    split: list[SplitRequest] = Field(default=[], description="Unmerge: records to take out of a golden record.")


@dg.asset(group_name="review", kinds={"pandas"})
def review_decisions(context: dg.AssetExecutionContext, config: ReviewDecisions, steward: StewardProject,
                     state: StewardState) -> dg.Output[pd.DataFrame]:
    """The merge audit log: every reviewer decision with reviewer, time, note and the score at decision time."""
    store = state.store(steward.project)
    request = ReviewRequest(
        reviewer=config.reviewer, note=config.note, approve=list(config.approve), reject=list(config.reject),
        confirm=list(config.confirm), split=[{"golden_id": s.golden_id, "records": list(s.records)} for s in config.split],
    )
    crosswalk = store.read(GOLDEN_CROSSWALK, ["source", "record_id", "golden_id"])
    try:
        recorded = record_decisions(store, request, crosswalk)
    except ReviewError as exc:
        raise dg.Failure(description=str(exc)) from exc
    context.log.info("recorded %d decision(s) by %s", len(recorded), config.reviewer)
    log = load_decisions(store)
    counts = log["action"].value_counts().to_dict() if len(log) else {}
    return dg.Output(log, metadata={
        "dagster/row_count": len(log),
        "recorded_now": len(recorded),
        "decisions_by_action": dg.MetadataValue.json({str(k): int(v) for k, v in counts.items()}),
        "this_request": table_preview(recorded, DECISION_COLUMNS[1:], rows=50),
        "latest_decisions": table_preview(log.sort_values("decision_id", ascending=False), DECISION_COLUMNS, rows=25),
    })
