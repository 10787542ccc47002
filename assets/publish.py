"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM
database in one transaction (embedded SQLite by default)."""


from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.resources import CrmDatabase, StewardProject, StewardState
from steward.config.urls import shown_url
from steward.incremental.snapshot import FinishedRun
from steward.run.stages import snapshot_for_run
from steward.publish import CROSSWALK_TABLE, publish, read_table
from steward.schema import contact_key
from steward.state.store import GOLDEN_ID_EVENTS


@dg.asset(group_name="publish", kinds={"sql"}, ins={name: dg.AssetIn(name) for name in (
    "golden_contacts", "golden_crosswalk", "golden_lineage", "golden_delta", "suppressed_records", "contact_changes")})
def crm_golden_contacts(steward: StewardProject, crm: CrmDatabase, state: StewardState,
                        **merged: pd.DataFrame) -> dg.MaterializeResult:
    """The CRM's golden_contacts, golden_crosswalk and golden_lineage tables, upserted in one transaction:
    merged-away ids marked with their survivor, erased people deleted. A nightly incremental run writes
    only the golden ids it touched (golden_delta)."""
    url = crm.resolved_url(steward.project)
    suppressed = merged["suppressed_records"]
    # Golden ids erased people had in the CRM: their rows are deleted, not marked retired.
    published = read_table(url, CROSSWALK_TABLE)
    erased_ids: set[str] = set()
    if published is not None and len(suppressed):
        keys = contact_key(published)
        erased_ids = set(published.loc[keys.isin(set(suppressed["contact_key"])), "golden_id"])
    events = state.store(steward.project).read(GOLDEN_ID_EVENTS, ["golden_id", "event", "other_id", "at", "detail"])
    incremental = merged["contact_changes"].incremental
    summary = publish(merged["golden_contacts"], merged["golden_crosswalk"], url, lineage=merged["golden_lineage"],
                      id_events=events, erased_ids=erased_ids,
                      only_ids=merged["golden_delta"]["golden_id"] if incremental else None)
    context = dg.AssetExecutionContext.get()
    for refused in summary.refused_rows:
        context.log.warning(str(refused))  # a value the CRM cannot store (NUL): that record waits
    return dg.MaterializeResult(metadata={
        "dagster/row_count": summary.golden_rows,
        "refused": summary.refused,
        "refused_rows": dg.MetadataValue.json([str(r) for r in summary.refused_rows[:50]]),
        "renamed_columns": dg.MetadataValue.json(dict(summary.renamed)),
        "published": "delta (golden ids this run touched)" if incremental else "everything (full rebuild)",
        "crm": dg.MetadataValue.text(shown_url(url)),
        **{k: v for k, v in summary.as_dict().items() if k != "golden_rows"},
    })


@dg.asset(group_name="publish", deps=["crm_golden_contacts"], kinds={"arrow"}, ins={name: dg.AssetIn(name) for name in (
    "normalised_contacts", "contact_changes", "scored_pairs", "contact_clusters", "oversized_blocking_keys",
    "suppressed_records", "golden_contacts", "golden_crosswalk", "golden_lineage", "merge_suggestions", "match_model")})
def match_snapshot(steward: StewardProject, state: StewardState, **run) -> dg.MaterializeResult:
    """What the next nightly run starts from: records with content hashes, scored pairs, clusters, golden
    records and the model. Written only after the CRM publish succeeded (a failed run is redone whole)."""
    changes = run["contact_changes"]
    # Nightly: the stored pairs the change did not reach are carried over from the last snapshot.
    # (Records stay Arrow: those still exact are taken over without conversion.)
    ctx = state.run_context(steward, changes, frames=("scored", "contacts"))
    snapshot = snapshot_for_run(ctx, changes, FinishedRun(
        contacts=run["normalised_contacts"], scored=run["scored_pairs"], clusters=run["contact_clusters"],
        oversized=run["oversized_blocking_keys"], suppressed=run["suppressed_records"],
        golden=run["golden_contacts"], crosswalk=run["golden_crosswalk"], lineage=run["golden_lineage"],
        suggestions=run["merge_suggestions"], model=run["match_model"]))
    path = state.snapshot_path(steward.project)
    snapshot.save(path)
    size = sum(f.stat().st_size for f in path.iterdir())
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "records": snapshot.kept_records,
        "scored_pairs": len(snapshot.scored),
        "golden_records": len(snapshot.golden),
        "size_mb": round(size / 1e6, 1),
    })


PURGED_KEYS_FILE = "erasure_purged.txt"


# After everything that reads the stored records in a run (review_outcome too, in a review run).
@dg.asset(group_name="publish", deps=["match_snapshot", "review_outcome"], ins={name: dg.AssetIn(name) for name in (
    "normalised_contacts", "suppressed_records")})
def erasure_purge(context: dg.AssetExecutionContext, steward: StewardProject,
                  normalised_contacts: pd.DataFrame, suppressed_records: pd.DataFrame) -> dg.MaterializeResult:
    """Erased people's values removed from Dagster's own storage once the CRM and the snapshot are
    without them: this run's stored step outputs (the sources still export them) and, for people
    erased since the last purge, every earlier run's metadata, check results and logs
    (pipelines/purge.py). Runs last, so no step reads an output after it was blanked."""
    from assets.sources import raw_asset_key
    from pipelines.purge import PurgeSummary, blank_stored_outputs, purge_compute_logs, purge_event_logs
    from steward.privacy.redact import Needles

    summary = PurgeSummary()
    keys = set(suppressed_records["contact_key"].astype(str)) if len(suppressed_records) else set()
    if not keys:
        return dg.MaterializeResult(metadata={"suppressed_records": 0, "purged": "nothing to purge"})
    done_file = steward.project.data_dir / PURGED_KEYS_FILE
    done = set(done_file.read_text().split()) if done_file.exists() else set()
    records = normalised_contacts[normalised_contacts["contact_key"].astype(str).isin(keys)]
    needles = Needles.of_records(records)
    instance = context.instance
    storage = Path(instance.storage_directory())
    stored = [raw_asset_key(name) for name in steward.settings.sources] + ["normalised_contacts", "quarantined_records"]
    blank_stored_outputs(storage, keys, needles, summary, names=stored)
    new = keys - done
    if new:
        # New erasures: every earlier run's history too (older erasures were purged from it then).
        purge_event_logs(Path(instance.root_directory), needles, summary)
        purge_compute_logs(storage, needles, summary)
        if not summary.failed:
            steward.project.data_dir.mkdir(parents=True, exist_ok=True)
            done_file.write_text("\n".join(sorted(done | keys)) + "\n")
    else:
        # Known erasures: only this run's own events can hold them (a check's example values).
        purge_event_logs(Path(instance.root_directory), needles, summary, only_run=context.run_id)
    if summary.failed:
        context.log.warning("erasure purge incomplete, retried next run: %s", "; ".join(summary.failed))
    return dg.MaterializeResult(metadata={"suppressed_records": len(keys), "newly_erased_records": len(new),
                                          **summary.as_metadata()})
