"""Stage 6, publish: golden records and crosswalk written to the CRM database in
one transaction (embedded SQLite by default)."""


import dagster as dg
import pandas as pd

from pipelines.resources import CrmDatabase, StewardProject
from steward.publish import publish


@dg.asset(group_name="publish", kinds={"sql"})
def crm_golden_contacts(steward: StewardProject, crm: CrmDatabase, golden_contacts: pd.DataFrame,
                        golden_crosswalk: pd.DataFrame, golden_lineage: pd.DataFrame) -> dg.MaterializeResult:
    """The CRM's golden_contacts, golden_crosswalk and golden_lineage tables, replaced atomically."""
    url = crm.resolved_url(steward.project)
    summary = publish(golden_contacts, golden_crosswalk, url, lineage=golden_lineage)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": summary.golden_rows,
        "crm": dg.MetadataValue.text(url.split("@")[-1]),
        **{k: v for k, v in summary.as_dict().items() if k != "golden_rows"},
    })
