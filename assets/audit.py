"""The yearly data-quality audit: completeness, validity, uniqueness,
consistency and timeliness per source and field, GX results, the worst problems
and the trend against the previous audit; written to reports/ as HTML + JSON."""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from assets._metadata import table_preview
from pipelines.resources import StewardProject
from steward.audit import run_audit, save_audit
from steward.validate.expectations import validate_sources
from steward.privacy.suppression import without_suppressed

# One partition per calendar year; end_offset=1 makes the current year available
# (an audit of the year so far); the schedule audits the year that just ended,
# at 06:00 UTC on 1 January (the partition boundary).
yearly_partitions = dg.TimeWindowPartitionsDefinition(
    start="2024", fmt="%Y", cron_schedule="0 6 1 1 *", end_offset=1
)


@dg.asset(group_name="audit", partitions_def=yearly_partitions, kinds={"html"})
def data_quality_audit(context: dg.AssetExecutionContext, steward: StewardProject,
                       normalised_contacts: pd.DataFrame, contact_clusters: pd.DataFrame,
                       quarantined_records: pd.DataFrame, suppressed_records: pd.DataFrame) -> dg.MaterializeResult:
    """How good is our customer data, source by source and field by field, and is it better than last time?
    People erased on request are counted, not audited."""
    window = context.partition_time_window
    # Audit as of the end of the partition's year, or today for the year in progress.
    as_of = min(window.end, datetime.now(timezone.utc)).date()
    project = steward.project
    contacts, clusters = without_suppressed(normalised_contacts, contact_clusters, suppressed_records)
    expectations = validate_sources(contacts, project.expectations_dir / "source_contacts.json")
    result = run_audit(contacts, clusters, quarantined_records,
                       steward.settings.quality, as_of=as_of, expectations=expectations,
                       suppressed=suppressed_records)
    paths = save_audit(result, project.root / "reports")
    overall = result.overall
    return dg.MaterializeResult(metadata={
        # No usable records gives no score (None), not zero.
        "score": dg.MetadataValue.float(float(overall["score"])) if overall["score"] is not None else dg.MetadataValue.null(),
        "records": int(overall["records"]),
        "estimated_duplicates": int(overall["estimated_duplicates"]),
        "suppressed_for_erasure": int(overall["suppressed_records"]),
        "report": dg.MetadataValue.path(str(paths["report"])),
        "audit_json": dg.MetadataValue.path(str(paths["audit"])),
        "scorecard": table_preview(result.sources, rows=50),
        "top_problems": table_preview(result.top_problems, rows=20),
    })
