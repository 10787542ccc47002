"""Review: sales ops decide on merge suggestions in the Dagster UI.

``merge_suggestions`` lists the questions with Approve / Reject links; each opens the
``review_merges`` Launchpad with that decision as run config. ``review_decisions`` validates it
against the queue and golden records (an unknown id refuses the request whole, naming the
nearest valid one) and appends it to the decision log in the state database. The same run then
goes on through the nightly pipeline (approved pairs are must-links, rejected pairs
cannot-links in ``contact_clusters``), so the pair leaves the queue and the merge reaches the
golden records and the CRM at once; ``review_outcome`` says, in names, what each decision did.
"""


import dagster as dg
import pandas as pd
from pydantic import Field

from assets._metadata import table_preview
from pipelines.resources import StewardProject, StewardState
from steward.review.decisions import ReviewError, ReviewRequest, load_decisions, record_decisions
from steward.review.present import decision_outcomes
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
        # The message alone: the reviewer relaunches from the run page ("Open in Launchpad" keeps the
        # config), and a stack trace says nothing to them.
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    context.log.info("recorded %d decision(s) by %s", len(recorded), config.reviewer)
    log = load_decisions(store)
    counts = log["action"].value_counts().to_dict() if len(log) else {}
    return dg.Output(log, metadata={
        "dagster/row_count": len(log),
        "recorded_now": len(recorded),
        "decisions_by_action": dg.MetadataValue.json({str(k): int(v) for k, v in counts.items()}),
        "this_request": table_preview(recorded, LOG_PREVIEW, rows=50),
        "latest_decisions": table_preview(log.sort_values("decision_id", ascending=False), LOG_PREVIEW, rows=25),
    })


# What a reviewer looks for first at 1280 px: what was decided, about which pair, by whom.
LOG_PREVIEW = ["action", "pair_id", "reviewer", "decided_at", "note", "match_probability", "decision_id"]
OUTCOME_SHOWN = 25


@dg.asset(group_name="review", kinds={"pandas"}, deps=["crm_golden_contacts"])
def review_outcome(review_decisions: pd.DataFrame, normalised_contacts: pd.DataFrame,
                   suppressed_records: pd.DataFrame, steward: StewardProject,
                   state: StewardState) -> dg.Output[pd.DataFrame]:
    """Decisions applied: for the latest decisions, in names, whether the two records are now one
    golden record or still apart, after this run published them."""
    store = state.store(steward.project)
    crosswalk = store.read(GOLDEN_CROSSWALK, ["source", "record_id", "golden_id"])
    outcome = decision_outcomes(review_decisions.sort_values("decision_id", ascending=False).head(OUTCOME_SHOWN),
                                normalised_contacts, crosswalk, set(suppressed_records["contact_key"]))
    together = int((outcome["now"].str.startswith("one golden record")).sum()) if len(outcome) else 0
    return dg.Output(outcome, metadata={
        "dagster/row_count": len(outcome),
        "now_one_golden_record": together,
        "still_apart": len(outcome) - together,
        "decisions_applied": table_preview(outcome, list(outcome.columns), rows=OUTCOME_SHOWN),
    })
