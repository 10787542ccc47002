"""Stage 6, publish: golden records, crosswalk and lineage upserted into the CRM
database in one transaction (embedded SQLite by default)."""


import dagster as dg
import pandas as pd

from pipelines.resources import CrmDatabase, StewardProject, StewardState
from steward.publish import CROSSWALK_TABLE, publish, read_table
from steward.state import GOLDEN_ID_EVENTS


@dg.asset(group_name="publish", kinds={"sql"})
def crm_golden_contacts(steward: StewardProject, crm: CrmDatabase, state: StewardState, golden_contacts: pd.DataFrame,
                        golden_crosswalk: pd.DataFrame, golden_lineage: pd.DataFrame,
                        suppressed_records: pd.DataFrame) -> dg.MaterializeResult:
    """The CRM's golden_contacts, golden_crosswalk and golden_lineage tables, upserted in one transaction:
    merged-away ids marked with their survivor, erased people deleted."""
    url = crm.resolved_url(steward.project)
    # Golden ids erased people had in the CRM: their rows are deleted, not marked retired.
    published = read_table(url, CROSSWALK_TABLE)
    erased_ids: set[str] = set()
    if published is not None and len(suppressed_records):
        keys = published["source"].astype(str) + ":" + published["record_id"].astype(str)
        erased_ids = set(published.loc[keys.isin(set(suppressed_records["contact_key"])), "golden_id"])
    events = state.store(steward.project).read(GOLDEN_ID_EVENTS, ["golden_id", "event", "other_id", "at", "detail"])
    summary = publish(golden_contacts, golden_crosswalk, url, lineage=golden_lineage, id_events=events,
                      erased_ids=erased_ids)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": summary.golden_rows,
        "crm": dg.MetadataValue.text(url.split("@")[-1]),
        **{k: v for k, v in summary.as_dict().items() if k != "golden_rows"},
    })
