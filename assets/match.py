"""Stage 3, match: candidate pairs from several blocking keys, each compared once and scored
field by field, the model re-estimated from those comparisons, and clusters of the same person."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata, progress_logged, table_preview
from assets._review_links import QUEUE_SHOWN, decision_link, review_location
from pipelines.resources import MatchEngine, StewardProject, StewardState
from steward.incremental.changes import RunChanges
from steward.match.model import MatchModel, classify
from steward.review.decisions import QUEUE_COLUMNS
from steward.frames import write_csv
from steward.review.present import golden_ids_of, queue_markdown, queue_table
from steward.run.stages import cluster_for_run, pairs_for_run, score_for_run, suggestions_for_run
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
def candidate_pairs(context: dg.AssetExecutionContext, steward: StewardProject, state: StewardState,
                    match_engine: MatchEngine, normalised_contacts: pd.DataFrame, contact_changes: RunChanges):
    ctx = state.run_context(steward, contact_changes, engine=match_engine.pair_engine)
    with progress_logged(context):
        result = pairs_for_run(ctx, contact_changes, normalised_contacts)
    per_rule = result.pairs["rule"].value_counts().to_dict()
    yield dg.Output(result.pairs, output_name="candidate_pairs", metadata={
        "dagster/row_count": len(result.pairs),
        "pairs_per_rule": dg.MetadataValue.json(per_rule),
        "only_pairs_touching_changed_records": contact_changes.incremental,
        "engine": match_engine.engine,
    })
    yield dg.Output(result.skipped_keys, output_name="oversized_blocking_keys", metadata={
        "dagster/row_count": len(result.skipped_keys),
        "skipped_keys": table_preview(result.skipped_keys.sort_values("records", ascending=False), rows=20),
    })


def _model_source(model: MatchModel, changes: RunChanges, snapshot) -> str:
    guard = model.fitted.get("guard") or {}
    if changes.incremental:
        return f"kept from the last full run ({snapshot.meta.get('written_at', '?')})"
    if guard and not guard.get("accepted"):
        return "configured (estimate rejected)"
    return "estimated from this data" if model.fitted else "configured"


@dg.multi_asset(
    group_name="match",
    outs={
        "scored_pairs": dg.AssetOut(kinds={"pandas"}, description=(
            "Every candidate pair with its comparison levels, per-field weights and match probability. "
            "Nightly: the pairs scored now plus the stored pairs among the records a change can reach "
            "(the affected region); the snapshot keeps every other pair as it was.")),
        "match_model": dg.AssetOut(description=(
            "The scoring model: rules/matching.yaml, re-estimated from this data's comparisons where the "
            "estimate passes its guard. A nightly incremental run keeps the parameters of the run that "
            "scored the stored pairs.")),
    },
)
def scored_pairs(context: dg.AssetExecutionContext, steward: StewardProject, state: StewardState,
                 match_engine: MatchEngine, normalised_contacts: pd.DataFrame, candidate_pairs: pd.DataFrame,
                 contact_changes: RunChanges):
    # One asset for both: every pair is compared once, with the configured model, and the fit
    # takes its comparison levels from those scores (an estimate it accepts only re-weighs them).
    ctx = state.run_context(steward, contact_changes, frames=("scored", "membership"), engine=match_engine.pair_engine)
    with progress_logged(context) as progress:  # (millions of pairs: stage, pairs done, rate, ETA in the run log)
        model, scored = score_for_run(ctx, contact_changes, normalised_contacts, candidate_pairs)
    classes = classify(scored, model).value_counts().to_dict()
    levels = [c for c in scored.columns if c.endswith("_level")]
    yield dg.Output(scored, output_name="scored_pairs", metadata=frame_metadata(
        scored.sort_values("match_probability", ascending=False), ["left", "right", "match_probability", *levels],
        decisions=dg.MetadataValue.json(classes), scored_now=len(candidate_pairs),
        match_threshold=model.match_threshold, review_threshold=model.review_threshold, **progress.metadata()))
    yield dg.Output(model, output_name="match_model", metadata={
        "parameters": _model_source(model, contact_changes, ctx.snapshot),
        "guard": dg.MetadataValue.json(model.fitted.get("guard") or {}),
        "prior_match_probability": float(model.prior),
        "weights": table_preview(model.parameters_frame().round(4), rows=80),
    })


@dg.asset(group_name="match", kinds={"pandas"}, deps=["review_decisions"])
def contact_clusters(match_model: MatchModel, normalised_contacts: pd.DataFrame, scored_pairs: pd.DataFrame,
                     contact_changes: RunChanges, steward: StewardProject, state: StewardState,
                     match_engine: MatchEngine) -> dg.Output[pd.DataFrame]:
    """Records grouped into people: pairs at or above the match threshold, never chained through a
    contradiction; reviewer decisions override scores (approved = must-link, rejected = cannot-link).
    Nightly: only the graph components around changed records are clustered again."""
    ctx = state.run_context(steward, contact_changes, frames=("membership",), engine=match_engine.pair_engine)
    clusters, refused = cluster_for_run(ctx, contact_changes, normalised_contacts, scored_pairs, match_model)
    must_link, cannot_link = ctx.stewardship.links_for(normalised_contacts)
    sizes = clusters.drop_duplicates("cluster")["cluster_size"].value_counts().sort_index()
    return dg.Output(clusters, metadata={
        "dagster/row_count": len(clusters),
        "clusters": int(clusters["cluster"].nunique()),
        "clustered_again": int(clusters["reclustered"].sum()),
        "cluster_sizes": dg.MetadataValue.json({str(k): int(v) for k, v in sizes.items()}),
        "largest_clusters": table_preview(clusters.sort_values(["cluster_size", "cluster"], ascending=False), rows=10),
        "links_refused": len(refused),
        "reviewer_must_links": len(must_link) if must_link is not None else 0,
        "reviewer_cannot_links": len(cannot_link) if cannot_link is not None else 0,
    })


@dg.asset(group_name="review", kinds={"pandas"})
def merge_suggestions(match_model: MatchModel, normalised_contacts: pd.DataFrame,
                      scored_pairs: pd.DataFrame, contact_clusters: pd.DataFrame, suppressed_records: pd.DataFrame,
                      contact_changes: RunChanges, steward: StewardProject, state: StewardState) -> dg.Output[pd.DataFrame]:
    """Merge suggestions to decide: in Metadata, open "queue" (Show Markdown) and click Approve or Reject.

    One line per pair of golden records that may be one person, most likely first: both records
    (name · e-mail · phone · company · town, their golden id and size), the strongest reasons,
    and links that open the review_merges Launchpad with the decision filled in. Decided pairs
    leave the queue; the whole queue is also written to reports/merge_suggestions.csv."""
    ctx = state.run_context(steward, contact_changes, frames=("suggestions",))
    # Nightly: suggestions among untouched records are carried over from the last run's queue.
    suggestions = suggestions_for_run(ctx, contact_changes, normalised_contacts, scored_pairs, contact_clusters,
                                      match_model, pd.Index(suppressed_records["contact_key"])).frame()
    state.store(steward.project).replace(REVIEW_QUEUE, suggestions[QUEUE_COLUMNS])
    # Each side's golden id as last published: the crosswalk this run's stewardship read already,
    # looked up for the queue's records only.
    golden_of = golden_ids_of(state.stewardship(steward).previous_crosswalk,
                              pd.concat([suggestions["a_contact_key"], suggestions["b_contact_key"]]))
    csv_path = steward.project.root / "reports" / "merge_suggestions.csv"
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(queue_table(suggestions, golden_of), csv_path)
    location = review_location(dg.AssetExecutionContext.get())
    return dg.Output(suggestions, metadata={
        "dagster/row_count": len(suggestions),
        "queue": dg.MetadataValue.md(queue_markdown(
            suggestions, lambda action, pair_id: decision_link(location, action, pair_id), shown=QUEUE_SHOWN,
            golden_of=golden_of, everything_at=str(csv_path))),
        "queue_csv": dg.MetadataValue.path(str(csv_path)),
    })


@dg.asset_check(asset="merge_suggestions", description="Work to do: merge suggestions waiting for a reviewer "
                "(a warning while any wait, never a failure).")
def merge_suggestions_awaiting_review(merge_suggestions: pd.DataFrame) -> dg.AssetCheckResult:
    waiting = len(merge_suggestions)
    return dg.AssetCheckResult(
        passed=waiting == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{waiting} suggestion(s) to review: merge_suggestions > queue > Approve / Reject" if waiting
        else "nothing awaits review",
        metadata={"awaiting_review": waiting},
    )
