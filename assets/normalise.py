"""Stage 2, normalise: all sources in one canonical table with normalised emails
(email-validator, no DNS), E.164 phones (phonenumbers), match keys and issue
codes; plus every record that could not be used, with its reason."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata, progress_logged
from assets.sources import raw_asset_key
from pipelines.resources import StewardProject, StewardState
from steward.run import combine_sources
from steward.run.stages import normalise_for_run, quarantine_for_run

PREVIEW = ["contact_key", "email", "email_norm", "email_issue", "phone", "phone_e164", "phone_issue", "country_code"]


def normalise_assets(source_names: list[str]) -> list[dg.AssetsDefinition]:
    ins = {raw_asset_key(name): dg.AssetIn(raw_asset_key(name)) for name in source_names}

    @dg.multi_asset(
        group_name="normalise",
        ins=ins,
        # In a review run the decisions are recorded first: which records are matched again depends
        # on them (a nightly run, which records none, reads the log as it is).
        deps=["review_decisions"],
        outs={
            "normalised_contacts": dg.AssetOut(kinds={"pandas"}, description=(
                "Every usable source record, originals kept, with normalised values and issue codes.")),
            "contact_changes": dg.AssetOut(description=(
                "What changed since the last successful run, per record: new / changed / unchanged / "
                "removed, and whether it is matched again (nightly runs match only those).")),
        },
    )
    def normalised_contacts(context: dg.AssetExecutionContext, steward: StewardProject, state: StewardState,
                            **raw_sources):
        records, _ = combine_sources(list(raw_sources.values()))
        ctx = state.run_context(steward, frames=("contacts", "membership", "oversized", "links"))
        with progress_logged(context) as progress:
            contacts, changes = normalise_for_run(ctx, records)
        if getattr(changes, "warning", None):
            context.log.warning(changes.warning)  # a damaged snapshot: this run rebuilds everything
        elif changes.reason is not None:
            context.log.info(f"full rebuild: {changes.reason}")
        issues = {
            "invalid_emails": int((~contacts["email_issue"].isin(["", "missing"])).sum()),
            "invalid_phones": int((~contacts["phone_issue"].isin(["", "missing"])).sum()),
            "shared_phones": int(contacts["phone_shared"].sum()),
            "records_per_source": dg.MetadataValue.json(contacts["source"].value_counts().to_dict()),
        }
        yield dg.Output(contacts, output_name="normalised_contacts",
                        metadata=frame_metadata(contacts, PREVIEW, **issues, **progress.metadata()))
        counts = changes.table["change"].value_counts().to_dict()
        yield dg.Output(changes, output_name="contact_changes", metadata={
            "dagster/row_count": len(changes),
            "run": "incremental" if changes.incremental else f"full rebuild: {changes.reason}",
            "changes": dg.MetadataValue.json({str(k): int(v) for k, v in counts.items()}),
            "rematched": int(changes.table["rematch"].sum()),
            "why_rematched": dg.MetadataValue.json(changes.why.get("rematched", {})),
            "changed_without_updated_at": int(changes.why.get("changed_without_updated_at", 0)),
        })

    @dg.asset(group_name="normalise", ins=ins, kinds={"pandas"})
    def quarantined_records(steward: StewardProject, state: StewardState, **raw_sources) -> dg.Output[pd.DataFrame]:
        """Rows no stage could use (no id, duplicate id, malformed line, nothing identifying), with reasons.
        A row holding an erased person's identifier keeps its reason but loses its raw text."""
        _, quarantine = combine_sources(list(raw_sources.values()))
        quarantine, scrubbed = quarantine_for_run(state.run_context(steward, frames=()), quarantine)
        reasons = quarantine["reason"].str.split(" \\(").str[0].value_counts().to_dict() if len(quarantine) else {}
        return dg.Output(quarantine, metadata=frame_metadata(quarantine, ["source", "row", "field", "reason"],
                                                             reasons=dg.MetadataValue.json(reasons),
                                                             raw_text_erased=scrubbed))

    return [normalised_contacts, quarantined_records]
