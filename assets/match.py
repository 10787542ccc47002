"""Stage 3, match: candidate pairs from several blocking keys, scored field by
field, the grey zone offered for review, and clusters of the same person."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata, progress_logged, table_preview
from pipelines.resources import MatchEngine, StewardProject, StewardState
from steward.match.model import MatchModel, classify
from steward.run.pipeline import (cluster_for_run, is_incremental, model_for_run, pairs_for_run, score_for_run,
                              suggestions_for_run)
from steward.review.decisions import QUEUE_COLUMNS, links_for, load_decisions
from steward.state.store import REVIEW_QUEUE


@dg.multi_asset(
    group_name="match",
    outs={
        "candidate_pairs": dg.AssetOut(kinds={"pandas"}, description=(
            "Pairs of records sharing at least one blocking key (rules/matching.yaml); in a nightly "
            "incremental run only the pairs touching records that are matched again.")),
        "oversized_blocking_keys": dg.AssetOut(kinds={"pandas"}, description=(
            "Blocking keys shared by more records than blocking.max_block_size: skipped, not compared.")),
    },
)
def candidate_pairs(context: dg.AssetExecutionContext, steward: StewardProject, match_engine: MatchEngine,
                    normalised_contacts: pd.DataFrame, contact_changes: pd.DataFrame):
    with progress_logged(context):
        result = pairs_for_run(normalised_contacts, contact_changes, steward.project.matching(),
                               engine=match_engine.pair_engine)
    per_rule = result.pairs["rule"].value_counts().to_dict()
    yield dg.Output(result.pairs, output_name="candidate_pairs", metadata={
        "dagster/row_count": len(result.pairs),
        "pairs_per_rule": dg.MetadataValue.json(per_rule),
        "only_pairs_touching_changed_records": is_incremental(contact_changes),
        "engine": match_engine.engine,
    })
    yield dg.Output(result.skipped_keys, output_name="oversized_blocking_keys", metadata={
        "dagster/row_count": len(result.skipped_keys),
        "skipped_keys": table_preview(result.skipped_keys.sort_values("records", ascending=False), rows=20),
    })


@dg.asset(group_name="match")
def match_model(context: dg.AssetExecutionContext, steward: StewardProject, state: StewardState,
                normalised_contacts: pd.DataFrame, candidate_pairs: pd.DataFrame,
                contact_changes: pd.DataFrame) -> dg.Output[MatchModel]:
    """The scoring model: rules/matching.yaml, re-estimated from this data where the estimate passes its guard.
    A nightly incremental run keeps the parameters of the run that scored the stored pairs."""
    incremental = is_incremental(contact_changes)
    snapshot = state.snapshot(steward.project) if incremental else None
    with progress_logged(context):
        model = model_for_run(normalised_contacts, candidate_pairs, steward.project.matching(), contact_changes, snapshot)
    guard = model.fitted.get("guard") or {}
    if incremental:
        source = f"kept from the last full run ({snapshot.meta.get('written_at', '?')})"
    elif guard and not guard.get("accepted"):
        source = "configured (estimate rejected)"
    elif model.fitted:
        source = "estimated from this data"
    else:
        source = "configured"
    return dg.Output(model, metadata={
        "parameters": source,
        "guard": dg.MetadataValue.json(guard),
        "prior_match_probability": float(model.prior),
        "weights": table_preview(model.parameters_frame().round(4), rows=80),
    })


@dg.asset(group_name="match", kinds={"pandas"})
def scored_pairs(context: dg.AssetExecutionContext, steward: StewardProject, state: StewardState,
                 match_engine: MatchEngine, match_model: MatchModel, normalised_contacts: pd.DataFrame,
                 candidate_pairs: pd.DataFrame, contact_changes: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """Every candidate pair with its comparison levels, per-field weights and match probability.
    Nightly: the pairs scored now plus the stored pairs among the records a change can reach
    (the affected region); the snapshot keeps every other pair as it was."""
    model = match_model
    incremental = is_incremental(contact_changes)
    snapshot = state.snapshot(steward.project, "scored", "membership") if incremental else None
    decisions = load_decisions(state.store(steward.project)) if incremental else None
    with progress_logged(context) as progress:  # (millions of pairs: stage, pairs done, rate, ETA in the run log)
        scored = score_for_run(normalised_contacts, candidate_pairs, model, contact_changes, snapshot, decisions,
                               engine=match_engine.pair_engine)
    classes = classify(scored, model).value_counts().to_dict()
    levels = [c for c in scored.columns if c.endswith("_level")]
    return dg.Output(scored, metadata=frame_metadata(
        scored.sort_values("match_probability", ascending=False), ["left", "right", "match_probability", *levels],
        decisions=dg.MetadataValue.json(classes), scored_now=len(candidate_pairs),
        match_threshold=model.match_threshold, review_threshold=model.review_threshold, **progress.metadata()))


@dg.asset(group_name="match", kinds={"pandas"}, deps=["review_decisions"])
def contact_clusters(match_model: MatchModel, normalised_contacts: pd.DataFrame, scored_pairs: pd.DataFrame,
                     contact_changes: pd.DataFrame, steward: StewardProject, state: StewardState,
                     match_engine: MatchEngine) -> dg.Output[pd.DataFrame]:
    """Records grouped into people: pairs at or above the match threshold, never chained through a
    contradiction; reviewer decisions override scores (approved = must-link, rejected = cannot-link).
    Nightly: only the graph components around changed records are clustered again."""
    decisions = load_decisions(state.store(steward.project))
    incremental = is_incremental(contact_changes)
    snapshot = state.snapshot(steward.project, "membership") if incremental else None
    clusters, refused = cluster_for_run(normalised_contacts, scored_pairs, match_model, contact_changes, snapshot,
                                        decisions, engine=match_engine.pair_engine)
    must_link, cannot_link = links_for(decisions, normalised_contacts)
    sizes = clusters.drop_duplicates("cluster")["cluster_size"].value_counts().sort_index()
    return dg.Output(clusters, metadata={
        "dagster/row_count": len(clusters),
        "clusters": int(clusters["cluster"].nunique()),
        "clustered_again": int(clusters["reclustered"].sum()),
        "cluster_sizes": dg.MetadataValue.json({str(k): int(v) for k, v in sizes.items()}),
        "largest_clusters": table_preview(clusters.sort_values(["cluster_size", "cluster"], ascending=False), rows=10),
        "links_refused": len(refused),
        "reviewer_must_links": len(must_link),
        "reviewer_cannot_links": len(cannot_link),
    })


@dg.asset(group_name="match", kinds={"pandas"})
def merge_suggestions(match_model: MatchModel, normalised_contacts: pd.DataFrame, scored_pairs: pd.DataFrame,
                      contact_clusters: pd.DataFrame, suppressed_records: pd.DataFrame, contact_changes: pd.DataFrame,
                      steward: StewardProject, state: StewardState) -> dg.Output[pd.DataFrame]:
    """Grey-zone pairs awaiting review, best first: pair id, the two records side by side, score and reasons.

    Pairs a reviewer already decided are left out. The list is also stored as the review
    queue: the review_merges job accepts only pair ids from it."""
    store = state.store(steward.project)
    snapshot = state.snapshot(steward.project, "suggestions") if is_incremental(contact_changes) else None
    # Nightly: suggestions among untouched records are carried over from the last run's queue.
    suggestions = suggestions_for_run(scored_pairs, normalised_contacts, match_model, load_decisions(store),
                                      contact_clusters, contact_changes, snapshot,
                                      pd.Index(suppressed_records["contact_key"]))
    store.replace(REVIEW_QUEUE, suggestions[QUEUE_COLUMNS])
    return dg.Output(suggestions, metadata={
        "dagster/row_count": len(suggestions),
        # The reasons first: they are what a reviewer reads; the two records follow, side by side.
        "suggestions": table_preview(suggestions, ["pair_id", "match_probability", "explanation", "a_first_name",
                                                   "b_first_name", "a_last_name", "b_last_name", "a_email", "b_email",
                                                   "a_phone", "b_phone", "a_city", "b_city", "a_date_of_birth",
                                                   "b_date_of_birth"], rows=50),
    })


@dg.asset_check(asset="merge_suggestions", description="Merge suggestions waiting for a reviewer (WARN while any wait).")
def merge_suggestions_awaiting_review(merge_suggestions: pd.DataFrame) -> dg.AssetCheckResult:
    waiting = len(merge_suggestions)
    return dg.AssetCheckResult(
        passed=waiting == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{waiting} pair(s) await review: decide them with the review_merges job" if waiting
        else "nothing awaits review",
        metadata={"awaiting_review": waiting},
    )
