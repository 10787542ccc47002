"""Stage 2, normalise: all sources in one canonical table with normalised emails
(email-validator, no DNS), E.164 phones (phonenumbers), match keys and issue
codes; plus every record that could not be used, with its reason."""


import dagster as dg
import pandas as pd

from assets._metadata import frame_metadata
from assets.sources import raw_asset_key
from pipelines.resources import StewardProject
from steward.contacts import normalise_contacts
from steward.erasure import load_erasure_list, scrub_quarantine
from steward.pipeline import combine_sources

PREVIEW = ["contact_key", "email", "email_norm", "email_issue", "phone", "phone_e164", "phone_issue", "country_code"]


def normalise_assets(source_names: list[str]) -> list[dg.AssetsDefinition]:
    ins = {raw_asset_key(name): dg.AssetIn(raw_asset_key(name)) for name in source_names}

    @dg.asset(group_name="normalise", ins=ins, kinds={"pandas"})
    def normalised_contacts(context: dg.AssetExecutionContext, steward: StewardProject,
                            **raw_sources) -> dg.Output[pd.DataFrame]:
        """Every usable source record, originals kept, with normalised values and issue codes."""
        records, _ = combine_sources(list(raw_sources.values()))
        contacts = normalise_contacts(records, **steward.project.normalise_options())
        issues = {
            "invalid_emails": int((~contacts["email_issue"].isin(["", "missing"])).sum()),
            "invalid_phones": int((~contacts["phone_issue"].isin(["", "missing"])).sum()),
            "shared_phones": int(contacts["phone_shared"].sum()),
            "records_per_source": dg.MetadataValue.json(contacts["source"].value_counts().to_dict()),
        }
        return dg.Output(contacts, metadata=frame_metadata(contacts, PREVIEW, **issues))

    @dg.asset(group_name="normalise", ins=ins, kinds={"pandas"})
    def quarantined_records(steward: StewardProject, **raw_sources) -> dg.Output[pd.DataFrame]:
        """Rows no stage could use (no id, duplicate id, malformed line, nothing identifying), with reasons.
        A row holding an erased person's identifier keeps its reason but loses its raw text."""
        _, quarantine = combine_sources(list(raw_sources.values()))
        project = steward.project
        erasure = project.erasure()
        salt = erasure.salt()
        quarantine, scrubbed = scrub_quarantine(
            quarantine, load_erasure_list(erasure, project.root, salt=salt), salt=salt,
            default_countries={name: cfg.default_country for name, cfg in project.sources().items()})
        reasons = quarantine["reason"].str.split(" \\(").str[0].value_counts().to_dict() if len(quarantine) else {}
        return dg.Output(quarantine, metadata=frame_metadata(quarantine, ["source", "row", "field", "reason"],
                                                             reasons=dg.MetadataValue.json(reasons),
                                                             raw_text_erased=scrubbed))

    return [normalised_contacts, quarantined_records]
