"""Stage 4, merge: erased people removed, one golden record per person with
survivorship per field, consent per channel and lineage, the crosswalk from every
source record to its golden record, and (stage 5, validate) the blocking GX check
that guards publication."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata, table_preview
from pipelines.resources import StewardProject, StewardState
from steward.privacy.suppression import erasure_summary
from steward.incremental.changes import RunChanges
from steward.privacy.suppression import without_suppressed
from steward.run.stages import erase_for_run, golden_for_run
from steward.state.store import GOLDEN_CROSSWALK, GOLDEN_ID_EVENTS, GOLDEN_IDS
from steward.validate.expectations import validate_frame

PREVIEW = ["golden_id", "first_name", "last_name", "email", "phone", "country", "email_consent", "phone_consent",
           "age_range", "member_count", "sources"]


@dg.asset(group_name="merge", kinds={"pandas"})
def suppressed_records(steward: StewardProject, state: StewardState, normalised_contacts: pd.DataFrame,
                       contact_clusters: pd.DataFrame, contact_changes: RunChanges) -> dg.Output[pd.DataFrame]:
    """People who asked to be erased (hashed identifiers in the list rules/erasure.yaml names): every record
    clustered with one of them, removed before golden records. Ids and reasons only: no personal data."""
    ctx = state.run_context(steward, contact_changes)
    _, _, _, suppressed = erase_for_run(ctx, contact_changes, normalised_contacts, contact_clusters)
    stewardship = ctx.stewardship
    summary = erasure_summary(suppressed, stewardship.erasure_list)
    return dg.Output(suppressed, metadata={
        "dagster/row_count": len(suppressed),
        "suppressed_people": summary["suppressed_people"],
        "erasure_list_entries": summary["list_entries"] or 0,
        "by_source": dg.MetadataValue.json(summary["by_source"]),
        "suppressed": table_preview(suppressed, ["source", "record_id", "matched_by", "reason"], rows=25),
    })


@dg.multi_asset(
    group_name="merge",
    outs={
        "golden_contacts": dg.AssetOut(kinds={"pandas"}, description="One golden record per person: survivorship "
                                       "per field, secondary emails/phones, consent per channel with evidence, "
                                       "only an age range for minors."),
        "golden_crosswalk": dg.AssetOut(kinds={"pandas"}, description="source, record_id -> golden_id for every usable record."),
        "golden_lineage": dg.AssetOut(kinds={"pandas"}, description="For every golden field: the source record and "
                                      "the survivorship rule that supplied it."),
        "golden_delta": dg.AssetOut(kinds={"pandas"}, description="The golden ids this run wrote (rebuilt, new, "
                                    "merged away, retired, erased): what a nightly run publishes. Empty after a "
                                    "full rebuild, which publishes everything."),
    },
)
def golden_records(steward: StewardProject, state: StewardState, normalised_contacts: pd.DataFrame,
                   contact_clusters: pd.DataFrame, suppressed_records: pd.DataFrame, contact_changes: RunChanges):
    project = steward.project
    store = state.store(project)
    ctx = state.run_context(steward, contact_changes, frames=("membership", "golden", "crosswalk", "lineage"))
    contacts, clusters = without_suppressed(normalised_contacts, contact_clusters, suppressed_records)
    merged = golden_for_run(ctx, contact_changes, contacts, clusters, pd.Index(suppressed_records["contact_key"]))
    touched = merged.touched_ids
    golden, crosswalk = merged.golden, merged.crosswalk
    # What the next run needs: this crosswalk (previous ids; the review job checks golden ids
    # against it), the id registry and the id events (merged_into / split_from / retired).
    store.replace(GOLDEN_CROSSWALK, crosswalk)
    store.replace(GOLDEN_IDS, merged.id_registry)
    store.append(GOLDEN_ID_EVENTS, merged.id_events)
    consent = {c: golden[f"{c}_consent"].value_counts().to_dict() for c in ctx.settings.consent.channels}
    events = merged.id_events["event"].value_counts().to_dict() if len(merged.id_events) else {}
    yield dg.Output(golden, output_name="golden_contacts", metadata=frame_metadata(
        golden, PREVIEW, consent=dg.MetadataValue.json(consent),
        minors_age_range_only=int(golden["age_range"].notna().sum()),
        merged_records=int(len(crosswalk) - len(golden)),
        golden_id_events=dg.MetadataValue.json({str(k): int(v) for k, v in events.items()}),
        id_events=table_preview(merged.id_events, rows=20)))
    yield dg.Output(crosswalk, output_name="golden_crosswalk", metadata=frame_metadata(crosswalk))
    rules = merged.lineage["rule"].astype(str).value_counts().to_dict() if len(merged.lineage) else {}
    yield dg.Output(merged.lineage, output_name="golden_lineage", metadata=frame_metadata(
        merged.lineage, ["golden_id", "field", "value", "source", "record_id", "rule"],
        decided_by=dg.MetadataValue.json({str(k): int(v) for k, v in rules.items()})))
    delta = pd.DataFrame({"golden_id": sorted(touched) if touched is not None else []}, dtype=object)
    yield dg.Output(delta, output_name="golden_delta", metadata={
        "dagster/row_count": len(delta),
        "run": "incremental: only these ids are published" if contact_changes.incremental else "full rebuild: every id is published",
        "golden_records": len(golden)})


@dg.asset_check(asset="golden_contacts", blocking=True,
                description="Great Expectations suite expectations/golden_contacts.json. Blocking: a failure stops publication.")
def golden_contacts_expectations(steward: StewardProject, golden_contacts: pd.DataFrame) -> dg.AssetCheckResult:
    report = validate_frame(golden_contacts, steward.project.expectations_dir / "golden_contacts.json")
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=report.summary(),
        metadata={"failed_expectations": len(report.failed), "results": table_preview(report.results, rows=50)},
    )
