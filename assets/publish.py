"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM
database in one transaction (embedded SQLite by default)."""


import dagster as dg
import pandas as pd

from pipelines.resources import CrmDatabase, StewardProject, StewardState
from steward.match.model import MatchModel
from steward.run.pipeline import Stewardship, is_incremental, snapshot_for_run
from steward.publish.crm import CROSSWALK_TABLE, publish, read_table
from steward.state.store import GOLDEN_ID_EVENTS


@dg.asset(group_name="publish", kinds={"sql"})
def crm_golden_contacts(steward: StewardProject, crm: CrmDatabase, state: StewardState, golden_contacts: pd.DataFrame,
                        golden_crosswalk: pd.DataFrame, golden_lineage: pd.DataFrame,
                        suppressed_records: pd.DataFrame, golden_delta: pd.DataFrame,
                        contact_changes: pd.DataFrame) -> dg.MaterializeResult:
    """The CRM's golden_contacts, golden_crosswalk and golden_lineage tables, upserted in one transaction:
    merged-away ids marked with their survivor, erased people deleted. A nightly incremental run writes
    only the golden ids it touched (golden_delta)."""
    url = crm.resolved_url(steward.project)
    # Golden ids erased people had in the CRM: their rows are deleted, not marked retired.
    published = read_table(url, CROSSWALK_TABLE)
    erased_ids: set[str] = set()
    if published is not None and len(suppressed_records):
        keys = published["source"].astype(str) + ":" + published["record_id"].astype(str)
        erased_ids = set(published.loc[keys.isin(set(suppressed_records["contact_key"])), "golden_id"])
    events = state.store(steward.project).read(GOLDEN_ID_EVENTS, ["golden_id", "event", "other_id", "at", "detail"])
    incremental = is_incremental(contact_changes)
    summary = publish(golden_contacts, golden_crosswalk, url, lineage=golden_lineage, id_events=events,
                      erased_ids=erased_ids, only_ids=golden_delta["golden_id"] if incremental else None)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": summary.golden_rows,
        "published": "delta (golden ids this run touched)" if incremental else "everything (full rebuild)",
        "crm": dg.MetadataValue.text(url.split("@")[-1]),
        **{k: v for k, v in summary.as_dict().items() if k != "golden_rows"},
    })


@dg.asset(group_name="publish", deps=["crm_golden_contacts"], kinds={"arrow"})
def match_snapshot(steward: StewardProject, state: StewardState, normalised_contacts: pd.DataFrame,
                   contact_changes: pd.DataFrame, scored_pairs: pd.DataFrame, contact_clusters: pd.DataFrame,
                   oversized_blocking_keys: pd.DataFrame, suppressed_records: pd.DataFrame,
                   golden_contacts: pd.DataFrame, golden_crosswalk: pd.DataFrame, golden_lineage: pd.DataFrame,
                   merge_suggestions: pd.DataFrame, match_model: MatchModel) -> dg.MaterializeResult:
    """What the next nightly run starts from: records with content hashes, scored pairs, clusters, golden
    records and the model. Written only after the CRM publish succeeded (a failed run is redone whole)."""
    project = steward.project
    stewardship = Stewardship.from_project(project, state.store(project))
    # Nightly: the stored pairs the change did not reach are carried over from the last snapshot.
    # (Records stay Arrow: those still exact are taken over without conversion.)
    previous = state.snapshot(project, "scored", "contacts") if is_incremental(contact_changes) else None
    snapshot = snapshot_for_run(normalised_contacts, contact_changes, scored_pairs, contact_clusters,
                                oversized_blocking_keys, suppressed_records, golden_contacts, golden_crosswalk,
                                golden_lineage, merge_suggestions, match_model, project.matching(),
                                project.survivorship(), project.normalise_options(), stewardship, previous)
    path = state.snapshot_path(project)
    snapshot.save(path)
    size = sum(f.stat().st_size for f in path.iterdir())
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "records": snapshot.kept_records,
        "scored_pairs": len(snapshot.scored),
        "golden_records": len(snapshot.golden),
        "size_mb": round(size / 1e6, 1),
    })
