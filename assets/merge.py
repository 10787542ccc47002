"""Stage 4, merge: one golden record per person with survivorship per field, the
crosswalk from every source record to its golden record, and (stage 5,
validate) the blocking GX check that guards publication."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata, table_preview
from pipelines.resources import StewardProject
from steward.golden import Survivorship, build_golden_records
from steward.validation import validate_frame

PREVIEW = ["golden_id", "first_name", "last_name", "email", "phone", "country", "email_opt_in", "member_count", "sources"]


@dg.multi_asset(
    group_name="merge",
    outs={
        "golden_contacts": dg.AssetOut(kinds={"pandas"}, description="One golden record per person."),
        "golden_crosswalk": dg.AssetOut(kinds={"pandas"}, description="source, record_id -> golden_id for every usable record."),
    },
)
def golden_records(steward: StewardProject, normalised_contacts: pd.DataFrame, contact_clusters: pd.DataFrame):
    golden, crosswalk = build_golden_records(
        normalised_contacts, contact_clusters, Survivorship(steward.project.survivorship())
    )
    opt = golden["email_opt_in"].value_counts().to_dict()
    yield dg.Output(golden, output_name="golden_contacts", metadata=frame_metadata(
        golden, PREVIEW, email_opt_in=dg.MetadataValue.json(opt),
        merged_records=int(len(crosswalk) - len(golden))))
    yield dg.Output(crosswalk, output_name="golden_crosswalk", metadata=frame_metadata(crosswalk))


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
