"""Write-back files in each CRM's own import format (``steward export``).

The input is what a run made: the golden records, the crosswalk (which source record belongs to
which golden id) and, where there is one, the field lineage (which record supplied each golden
value). It is read either from the CRM database ``steward run`` publishes to (active golden rows
only) or from a ``steward dedupe --out`` directory. Every builder takes and returns DataFrames;
writing them is ``write_export``. docs/crm-export.md gives each vendor's import steps.

* hubspot: ``hubspot_contacts_import.csv`` (golden values keyed by the surviving Record ID),
  ``hubspot_new_contacts.csv`` (golden records with no HubSpot record), ``hubspot_merges.csv``
  (primary Record ID, Record ID to merge: one merge per row, as HubSpot merges two at a time) and
  ``hubspot_opt_out.csv`` (every opted-out address, for HubSpot's opt-out list import).
* salesforce: ``salesforce_contacts_upsert.csv`` (by Id, API field names),
  ``salesforce_new_contacts.csv`` and ``salesforce_merges.csv`` (a master and at most two others per
  row: Salesforce merges at most three records at once; more losers take several rows, same master).
* mailchimp: ``mailchimp_unsubscribe.csv``: every address of every person whose email consent is an
  opt-out, for an import as unsubscribed. Nobody opted in or unknown is in it.
* csv / parquet: the golden records as they are, and the crosswalk.

Consent: an opt-out anywhere is an opt-out everywhere (the golden status is already the most
restrictive of the person's records, steward.merge.consent), and nothing is exported as consent
that is not a confirmed opt-in (Salesforce's opt-out flags are written "false" only for those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from steward.frames import formula_safe
from steward.merge.golden import SECONDARY_SEP
from steward.publish.crm import read_table
from steward.publish.tables import ACTIVE, CROSSWALK_TABLE, GOLDEN_TABLE, LINEAGE_TABLE, STATUS_COLUMNS

__all__ = ["FORMATS", "Export", "GoldenData", "build_export", "channel_status", "consent_status", "hubspot_files",
           "mailchimp_files", "opted_out_addresses", "ranked_records", "read_crm", "read_dedupe_dir",
           "salesforce_files", "salesforce_merge_rows", "tabular_files", "write_export"]

FORMATS: tuple[str, ...] = ("hubspot", "salesforce", "mailchimp", "csv", "parquet")

# -- the vendors' documented columns -------------------------------------------------------------------

# HubSpot contact properties by their labels, as the import tool maps column headers to properties;
# "Record ID" is the unique identifier that updates an existing record. HubSpot Knowledge Base,
# "Understand the import tool" / "Set up your import files":
# https://knowledge.hubspot.com/import-and-export/understand-the-import-tool
HUBSPOT_FIELDS: dict[str, str] = {
    "First Name": "first_name", "Last Name": "last_name", "Email": "email", "Phone Number": "phone",
    "Company Name": "company", "Job Title": "job_title", "Street Address": "address_line1", "City": "city",
    "State/Region": "region", "Postal Code": "postcode", "Country/Region": "country",
}
HUBSPOT_CONTACT_COLUMNS: list[str] = ["Record ID", *HUBSPOT_FIELDS]
HUBSPOT_NEW_CONTACT_COLUMNS: list[str] = list(HUBSPOT_FIELDS)
# One merge of two records per row, the two ids of HubSpot's merge endpoint (primaryObjectId,
# objectIdToMerge): https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts-merge
HUBSPOT_MERGE_COLUMNS: list[str] = ["Primary Record ID", "Record ID to merge"]
# "Import an opt-out list": a file with an Email column; each address gets "Unsubscribed from all
# email" = true. https://knowledge.hubspot.com/marketing-email/import-an-opt-out-list
HUBSPOT_OPT_OUT_COLUMNS: list[str] = ["Email"]

# Salesforce Contact fields by API name (Data Loader maps columns of the same name; upsert matches
# on Id). Object Reference, Contact:
# https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-contact.html
SALESFORCE_FIELDS: dict[str, str] = {
    "FirstName": "first_name", "LastName": "last_name", "Email": "email", "Phone": "phone", "Title": "job_title",
    "MailingStreet": "address_line1", "MailingCity": "city", "MailingState": "region",
    "MailingPostalCode": "postcode", "MailingCountry": "country",
}
SALESFORCE_CONSENT_FIELDS: dict[str, str] = {"HasOptedOutOfEmail": "email", "DoNotCall": "phone"}
SALESFORCE_CONTACT_COLUMNS: list[str] = ["Id", *SALESFORCE_FIELDS, *SALESFORCE_CONSENT_FIELDS]
SALESFORCE_NEW_CONTACT_COLUMNS: list[str] = SALESFORCE_CONTACT_COLUMNS[1:]
# merge(): "Up to three records can be merged in a single request, including the master record ...
# If you have more than three records to merge, use the same master record in each request."
# A MergeRequest's masterRecord and recordToMergeIds:
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm
SALESFORCE_MERGE_LIMIT = 3
SALESFORCE_MERGE_COLUMNS: list[str] = ["MasterRecordId",
                                       *[f"RecordToMergeId{i}" for i in range(1, SALESFORCE_MERGE_LIMIT)]]

# Mailchimp's default audience fields (EMAIL, FNAME, LNAME) by their import labels; the whole file is
# imported with the status "Unsubscribed". Mailchimp Help, "Import contacts to Mailchimp":
# https://mailchimp.com/help/import-contacts-mailchimp/
MAILCHIMP_UNSUBSCRIBE_COLUMNS: list[str] = ["Email Address", "First Name", "Last Name"]

# Golden consent status per channel (steward.merge.consent.STATUSES).
OPTED_OUT, OPTED_IN, UNKNOWN = "opted_out", "opted_in", "unknown"
_LEGACY_EMAIL = {"yes": OPTED_IN, "no": OPTED_OUT}  # golden email_opt_in (tables from before email_consent)
# Where a channel's addresses are in a golden record: the surviving one, then the others.
CHANNEL_COLUMNS: dict[str, tuple[str, str]] = {"email": ("email", "secondary_emails"),
                                               "phone": ("phone", "secondary_phones")}
_SALESFORCE_ID = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


@dataclass(frozen=True)
class GoldenData:
    """What a run made, as text (str, None where missing): one row per active golden record, the
    crosswalk (source, record_id, golden_id) and the lineage (None when there is none)."""

    golden: pd.DataFrame
    crosswalk: pd.DataFrame
    lineage: pd.DataFrame | None = None
    origin: str = ""
    # Golden records no longer active (retired: their source records are gone). An opt-out among
    # them still belongs on every suppression list: the address may come back in any tool.
    inactive: pd.DataFrame | None = None

    def suppression_rows(self) -> pd.DataFrame:
        """The golden records whose opt-outs the address lists carry: active and inactive."""
        if self.inactive is None or self.inactive.empty:
            return self.golden
        return pd.concat([self.golden, self.inactive], ignore_index=True)


@dataclass
class Export:
    """The files of one export (file name -> rows, in write order) and what the reader should know."""

    files: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files = {name: frame.reset_index(drop=True) for name, frame in self.files.items()}


# -- reading -------------------------------------------------------------------------------------------

def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as object text (str), empty strings and missing values as None."""
    out = {}
    for column in frame.columns:
        values = frame[column].astype(object)
        missing = values.isna() | values.eq("")
        if pd.api.types.infer_dtype(values[~missing], skipna=True) not in ("string", "empty"):
            values = values.where(missing, values.astype(str))  # numbers from older tables
        out[column] = values.where(~missing, None).to_numpy(dtype=object)
    return pd.DataFrame(out, columns=list(frame.columns), dtype=object)


def _checked(golden: pd.DataFrame, crosswalk: pd.DataFrame, lineage: pd.DataFrame | None, origin: str) -> GoldenData:
    missing = {"source", "record_id", "golden_id"} - set(crosswalk.columns)
    if "golden_id" not in golden.columns or missing:
        raise ValueError(f"{origin}: the golden records need golden_id and the crosswalk source, record_id, golden_id"
                         f"{f' (missing {sorted(missing)})' if missing else ''}")
    golden, crosswalk = _text(golden), _text(crosswalk[["source", "record_id", "golden_id"]])
    twice = golden.loc[golden["golden_id"].duplicated(), "golden_id"]
    if len(twice):
        raise ValueError(f"{origin}: duplicate golden ids, e.g. {twice.iloc[0]}")
    crosswalk = crosswalk[crosswalk["golden_id"].isin(set(golden["golden_id"]))].reset_index(drop=True)
    if lineage is not None:
        lineage = _text(lineage) if {"golden_id", "field", "source", "record_id"} <= set(lineage.columns) else None
    return GoldenData(golden, crosswalk, lineage, origin)


def read_dedupe_dir(directory: Path) -> GoldenData:
    """golden_records.csv, crosswalk.csv and (if there) golden_lineage.csv of ``steward dedupe --out``."""
    directory = Path(directory)
    frames = {}
    for name in ("golden_records.csv", "crosswalk.csv", "golden_lineage.csv"):
        path = directory / name
        if not path.is_file():
            if name == "golden_lineage.csv":
                frames[name] = None
                continue
            raise ValueError(f"{path}: not found — write it with `steward dedupe --out {directory}`")
        frames[name] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return _checked(frames["golden_records.csv"], frames["crosswalk.csv"], frames["golden_lineage.csv"],
                    str(directory))


def read_crm(url: str) -> GoldenData:
    """The active golden records, their crosswalk and lineage from the CRM database ``steward run``
    publishes to (rows merged into another id or retired are left out, and publish's own columns)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ValueError(f"{url}: not a database URL ({exc})") from exc
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        raise ValueError(f"{shown}: no such database — run `steward run` first, or export a `steward dedupe` "
                         "directory with --from")
    try:
        golden = read_table(url, GOLDEN_TABLE)
        crosswalk = read_table(url, CROSSWALK_TABLE)
        lineage = read_table(url, LINEAGE_TABLE)
    except sa.exc.SQLAlchemyError as exc:
        raise ValueError(f"{shown}: cannot read the CRM ({exc})") from exc
    if golden is None or crosswalk is None:
        raise ValueError(f"{shown}: no {GOLDEN_TABLE} / {CROSSWALK_TABLE} tables — run `steward run` first")
    inactive = None
    if "status" in golden.columns:
        active = golden["status"].isna() | (golden["status"] == ACTIVE)
        inactive = golden[~active].drop(columns=[c for c in STATUS_COLUMNS if c in golden.columns])
        golden = golden[active]
    golden = golden.drop(columns=[c for c in STATUS_COLUMNS if c in golden.columns])
    data = _checked(golden, crosswalk, lineage, shown)
    return replace(data, inactive=inactive.reset_index(drop=True) if inactive is not None else None)


# -- consent -------------------------------------------------------------------------------------------

def consent_status(golden: pd.DataFrame, channel: str = "email") -> pd.Series:
    """Each golden record's consent for ``channel``: opted_out / opted_in / unconfirmed / unknown.

    From ``{channel}_consent``; golden tables from before it have only email_opt_in (yes = opted
    in, no = opted out). Email consent must be there: an export that cannot tell who opted out is
    refused. A phone channel without a column is unknown throughout."""
    column = f"{channel}_consent"
    if column in golden.columns:
        return golden[column].fillna(UNKNOWN)
    if channel == "email" and "email_opt_in" in golden.columns:
        return golden["email_opt_in"].map(_LEGACY_EMAIL).fillna(UNKNOWN)
    if channel == "email":
        raise ValueError("the golden records have no email_consent (nor email_opt_in) column: cannot tell who "
                         "opted out, so nothing is exported")
    return pd.Series(UNKNOWN, index=golden.index, dtype=object)


def _opted_out_values(golden: pd.DataFrame, channel: str) -> pd.DataFrame:
    """golden_id and value of every address (email and secondary_emails; phone and secondary_phones)
    of every golden record opted out of ``channel``, in golden order, primary value first."""
    out = golden[(consent_status(golden, channel) == OPTED_OUT).to_numpy()]
    parts = []
    for column in CHANNEL_COLUMNS[channel]:
        if column not in out.columns:
            continue
        values = out[column].dropna().astype(str).str.split(SECONDARY_SEP.strip()).explode().str.strip()
        parts.append(pd.DataFrame({"_row": values.index, "golden_id": out.loc[values.index, "golden_id"].to_numpy(),
                                   "value": values.to_numpy(dtype=object)}))
    if not parts:
        return pd.DataFrame({"_row": pd.Series(dtype=int), "golden_id": pd.Series(dtype=object),
                             "value": pd.Series(dtype=object)})
    found = pd.concat(parts, ignore_index=True)
    return found[found["value"].str.len() > 0].reset_index(drop=True)


def opted_out_addresses(golden: pd.DataFrame) -> pd.DataFrame:
    """Every address (email, then secondary_emails) of every golden record whose email consent is an
    opt-out, once each (case-insensitively), with the person's name: golden_id, email, first_name,
    last_name. The person opted out, so all of their addresses are."""
    found = _opted_out_values(golden, "email")
    found = found[found["value"].str.contains("@", regex=False)]
    found = found[~found["value"].str.casefold().duplicated()]
    names = {c: golden.loc[found["_row"], c].to_numpy(dtype=object) if c in golden.columns else None
             for c in ("first_name", "last_name")}
    return pd.DataFrame({"golden_id": found["golden_id"].to_numpy(dtype=object),
                         "email": found["value"].to_numpy(dtype=object), **names})


def channel_status(golden: pd.DataFrame, channel: str) -> pd.Series:
    """``consent_status``, and opted_out besides for a record whose (primary) address or number is one an
    opted-out person uses: a household address, or two records of one person the run kept apart. The
    address-keyed lists (Mailchimp, HubSpot's opt-out list) suppress it for everyone; so does this."""
    status = consent_status(golden, channel)
    primary = CHANNEL_COLUMNS[channel][0]
    if primary not in golden.columns:
        return status
    used = set(_opted_out_values(golden, channel)["value"].str.casefold())
    shared = golden[primary].fillna("").astype(str).str.casefold().isin(used) & golden[primary].notna()
    return status.mask(shared, OPTED_OUT)


# -- whose records are the vendor's --------------------------------------------------------------------

def _check_source(data: GoldenData, source: str, vendor: str) -> None:
    present = sorted(data.crosswalk["source"].dropna().unique())
    if source not in present:
        raise ValueError(f"{data.origin}: no records of a source named {source!r} (sources: {', '.join(present)}); "
                         f"name the {vendor} source with --source")


def _id_order(ids: pd.Series) -> pd.DataFrame:
    """Sort keys for record ids: numbers by value (HubSpot ids grow over time), then text."""
    numeric = pd.to_numeric(ids.where(ids.str.fullmatch(r"\d+").fillna(False)), errors="coerce")
    return pd.DataFrame({"_text_id": numeric.isna().astype(int), "_number": numeric.fillna(0)})


def ranked_records(data: GoldenData, source: str) -> pd.DataFrame:
    """The records of ``source`` per golden id, the survivor first (``rank`` 0, then 1, 2 ...).

    The survivor is the record that supplied the golden email (the lineage says which), else the one
    that supplied the most golden fields, else the smallest id (the oldest, for numeric ids): the
    record whose values are closest to the golden record keeps its id. Columns: golden_id, record_id, rank."""
    records = data.crosswalk.loc[data.crosswalk["source"] == source, ["golden_id", "record_id"]]
    records = records.dropna().drop_duplicates().reset_index(drop=True)
    records = records.assign(_email=0, _fields=0)
    lineage = data.lineage
    if lineage is not None and len(records):
        mine = lineage.loc[lineage["source"] == source, ["golden_id", "record_id", "field"]]
        counts = mine.assign(_email=(mine["field"] == "email").astype(int)).groupby(["golden_id", "record_id"]).agg(
            _fields=("field", "size"), _email=("_email", "max"))
        keyed = records.set_index(["golden_id", "record_id"])
        keyed.update(counts)
        records = keyed.reset_index()
    records = pd.concat([records, _id_order(records["record_id"])], axis=1)
    records = records.sort_values(["golden_id", "_email", "_fields", "_text_id", "_number", "record_id"],
                                  ascending=[True, False, False, True, True, True], kind="mergesort")
    records["rank"] = records.groupby("golden_id").cumcount()
    return records[["golden_id", "record_id", "rank"]].reset_index(drop=True)


def _vendor_rows(golden: pd.DataFrame, fields: dict[str, str]) -> pd.DataFrame:
    """Golden values under the vendor's column names (golden columns that are missing: empty)."""
    return pd.DataFrame({name: golden[column].to_numpy(dtype=object) if column in golden.columns else None
                         for name, column in fields.items()}, index=golden.index)


def _with_survivor(golden: pd.DataFrame, ranked: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """The golden records that have a survivor, with its id in ``id_column`` (golden's index kept)."""
    survivors = ranked.loc[ranked["rank"] == 0].set_index("golden_id")["record_id"]
    ids = golden["golden_id"].map(survivors)
    return golden[ids.notna()].assign(**{id_column: ids[ids.notna()]})


# -- the vendors ---------------------------------------------------------------------------------------

def hubspot_files(data: GoldenData, source: str = "hubspot") -> Export:
    """HubSpot: contacts to update (by Record ID), new contacts, merges, the opt-out list."""
    _check_source(data, source, "HubSpot")
    golden, notes = data.golden, []
    ranked = ranked_records(data, source)
    known = _with_survivor(golden, ranked, "Record ID")
    contacts = pd.concat([known[["Record ID"]], _vendor_rows(known, HUBSPOT_FIELDS)], axis=1)
    merges = _pairs_with_survivor(ranked)
    merges.columns = HUBSPOT_MERGE_COLUMNS
    new = golden[~golden["golden_id"].isin(set(ranked["golden_id"]))]
    opted_out = (consent_status(new) == OPTED_OUT).to_numpy()
    named = new[[c for c in ("first_name", "last_name", "email") if c in new.columns]].notna().any(axis=1).to_numpy()
    if opted_out.any():
        notes.append(f"{int(opted_out.sum()):,} opted-out people without a HubSpot record are not in "
                     "hubspot_new_contacts.csv (a contact import cannot opt them out; their addresses are in "
                     "hubspot_opt_out.csv)")
    if (~named & ~opted_out).any():
        notes.append(f"{int((~named & ~opted_out).sum()):,} golden records without a name or email are not in "
                     "hubspot_new_contacts.csv (HubSpot needs First Name, Last Name or Email)")
    new_contacts = _vendor_rows(new[named & ~opted_out], HUBSPOT_FIELDS)
    addresses = opted_out_addresses(data.suppression_rows())
    notes += _unreachable_opt_outs(golden, addresses)
    not_numbers = ~ranked["record_id"].str.fullmatch(r"\d+")
    if not_numbers.any():
        notes.append(f"{int(not_numbers.sum()):,} {source} record ids are not HubSpot Record IDs (numbers), e.g. "
                     f"{ranked.loc[not_numbers, 'record_id'].iloc[0]!r}: map record_id to HubSpot's Record ID column")
    return Export({
        "hubspot_contacts_import.csv": contacts[HUBSPOT_CONTACT_COLUMNS],
        "hubspot_new_contacts.csv": new_contacts[HUBSPOT_NEW_CONTACT_COLUMNS],
        "hubspot_merges.csv": merges,
        "hubspot_opt_out.csv": pd.DataFrame({"Email": addresses["email"].to_numpy(dtype=object)}),
    }, notes)


def _pairs_with_survivor(ranked: pd.DataFrame) -> pd.DataFrame:
    """(survivor, other record) for every record that is not its golden record's survivor."""
    survivors = ranked.loc[ranked["rank"] == 0].set_index("golden_id")["record_id"]
    losers = ranked[ranked["rank"] > 0]
    return pd.DataFrame({"survivor": losers["golden_id"].map(survivors).to_numpy(dtype=object),
                         "other": losers["record_id"].to_numpy(dtype=object)})


def _unreachable_opt_outs(golden: pd.DataFrame, addresses: pd.DataFrame) -> list[str]:
    without = (consent_status(golden) == OPTED_OUT) & ~golden["golden_id"].isin(set(addresses["golden_id"]))
    if not without.any():
        return []
    return [(f"{int(without.sum()):,} golden record(s) opted out of email have no email address: no list can "
             "carry their opt-out (they stay opted out in the golden records)")]


def _consent_flag(status: pd.Series) -> pd.Series:
    """Salesforce's opt-out checkboxes: true for an opt-out, false only for a confirmed opt-in,
    empty (left as it is in Salesforce) for unknown or unconfirmed."""
    return status.map({OPTED_OUT: "true", OPTED_IN: "false"}).astype(object).where(
        status.isin([OPTED_OUT, OPTED_IN]), None)


def _salesforce_rows(golden: pd.DataFrame, status: dict[str, pd.Series]) -> pd.DataFrame:
    """Golden values under Contact API names; ``status``: channel_status per channel of all golden records."""
    rows = _vendor_rows(golden, SALESFORCE_FIELDS)
    for column, channel in SALESFORCE_CONSENT_FIELDS.items():
        rows[column] = _consent_flag(status[channel].loc[golden.index]).to_numpy(dtype=object)
    return rows


def salesforce_merge_rows(ranked: pd.DataFrame) -> pd.DataFrame:
    """MasterRecordId and at most SALESFORCE_MERGE_LIMIT - 1 records to merge into it per row; a golden
    record with more Salesforce records takes several rows with the same master, in order."""
    per_row = SALESFORCE_MERGE_LIMIT - 1
    pairs = _pairs_with_survivor(ranked)
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SALESFORCE_MERGE_COLUMNS})
    pairs["_row"] = pairs.groupby("survivor", sort=False).cumcount() // per_row
    pairs["_slot"] = pairs.groupby(["survivor", "_row"], sort=False).cumcount()
    rows = pairs.pivot(index=["survivor", "_row"], columns="_slot", values="other")
    rows = rows.reindex(columns=range(per_row)).reset_index().drop(columns="_row")
    rows.columns = SALESFORCE_MERGE_COLUMNS
    return rows.astype(object).where(rows.notna(), None)


def salesforce_files(data: GoldenData, source: str = "salesforce") -> Export:
    """Salesforce: contacts to upsert by Id, new contacts, merges of at most three records per row."""
    _check_source(data, source, "Salesforce")
    golden, notes = data.golden, []
    ranked = ranked_records(data, source)
    status = {channel: channel_status(golden, channel) for channel in SALESFORCE_CONSENT_FIELDS.values()}
    shared = sum(int(((status[c] == OPTED_OUT) & (consent_status(golden, c) != OPTED_OUT)).sum()) for c in status)
    if shared:
        notes.append(f"{shared:,} opt-out flags set for people who did not opt out themselves but share an address "
                     "or number with someone who did")
    known = _with_survivor(golden, ranked, "Id")
    upsert = pd.concat([known[["Id"]], _salesforce_rows(known, status)], axis=1)
    new = golden[~golden["golden_id"].isin(set(ranked["golden_id"]))]
    has_last = new["last_name"].notna().to_numpy() if "last_name" in new.columns else np.zeros(len(new), dtype=bool)
    if (~has_last).any():
        notes.append(f"{int((~has_last).sum()):,} golden records without a last name are not in "
                     "salesforce_new_contacts.csv (Salesforce requires LastName on a new Contact)")
    not_ids = ~ranked["record_id"].str.fullmatch(_SALESFORCE_ID.pattern)
    if not_ids.any():
        notes.append(f"{int(not_ids.sum()):,} {source} record ids are not Salesforce Ids (15 or 18 characters), "
                     f"e.g. {ranked.loc[not_ids, 'record_id'].iloc[0]!r}: map record_id to the Contact Id")
    return Export({
        "salesforce_contacts_upsert.csv": upsert[SALESFORCE_CONTACT_COLUMNS],
        "salesforce_new_contacts.csv": _salesforce_rows(new[has_last], status)[SALESFORCE_NEW_CONTACT_COLUMNS],
        "salesforce_merges.csv": salesforce_merge_rows(ranked),
    }, notes)


def mailchimp_files(data: GoldenData) -> Export:
    """Mailchimp: every address of every opted-out person, to import with the status Unsubscribed."""
    addresses = opted_out_addresses(data.suppression_rows())
    rows = pd.DataFrame({"Email Address": addresses["email"], "First Name": addresses["first_name"],
                         "Last Name": addresses["last_name"]}).astype(object)
    return Export({"mailchimp_unsubscribe.csv": rows[MAILCHIMP_UNSUBSCRIBE_COLUMNS]},
                  _unreachable_opt_outs(data.golden, addresses))


def tabular_files(data: GoldenData, suffix: str) -> Export:
    """The golden records as they are and the crosswalk (``suffix``: csv or parquet)."""
    consent_status(data.golden)  # refuses golden records that cannot say who opted out
    return Export({f"golden_records.{suffix}": data.golden, f"crosswalk.{suffix}": data.crosswalk})


def build_export(data: GoldenData, fmt: str, source: str | None = None) -> Export:
    """The files of ``fmt`` (one of FORMATS). ``source``: the source whose record ids are the
    vendor's (hubspot, salesforce; default: the source named like the format)."""
    if fmt == "hubspot":
        return hubspot_files(data, source or "hubspot")
    if fmt == "salesforce":
        return salesforce_files(data, source or "salesforce")
    if fmt == "mailchimp":
        return mailchimp_files(data)
    if fmt in ("csv", "parquet"):
        return tabular_files(data, fmt)
    raise ValueError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")


# -- writing -------------------------------------------------------------------------------------------

def write_export(export: Export, out: Path) -> list[tuple[Path, int]]:
    """Each file into ``out`` (created): CSV as UTF-8 with a header row and empty cells for missing
    values, Parquet with nulls. Returns (path, rows) per file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in export.files.items():
        path = out / name
        if name.endswith(".parquet"):
            frame.to_parquet(path, index=False)
        else:
            formula_safe(frame).to_csv(path, index=False, encoding="utf-8", na_rep="")
        written.append((path, len(frame)))
    return written
