"""`steward export`: golden records written back in HubSpot's, Salesforce's and Mailchimp's import
formats (and as plain CSV / Parquet), re-read and checked against each vendor's documented columns.

The golden records come from the real pipeline: demo exports with two of the sources renamed
hubspot and salesforce (their record ids shaped like those CRMs' ids), plus a few people made on
purpose (five Salesforce records of one person, confirmed and unconfirmed opt-ins), deduplicated
by `steward dedupe` in a subprocess as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from steward.cli import app
from steward.publish import GOLDEN_TABLE, crm_files, publish, read_table

STEWARD = str(Path(sys.executable).with_name("steward"))

# -- the vendors' documented columns (written out here, not taken from the code under test) -------------

# HubSpot import: columns are matched to contact properties by label; "Record ID" updates the existing
# record. https://knowledge.hubspot.com/import-and-export/understand-the-import-tool
HUBSPOT_CONTACTS = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title",
                    "Street Address", "City", "State/Region", "Postal Code", "Country/Region"]
HUBSPOT_NEW_CONTACTS = HUBSPOT_CONTACTS[1:]
# HubSpot merge: POST /crm/v3/objects/contacts/merge {primaryObjectId, objectIdToMerge}
# https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts-merge
HUBSPOT_MERGES = ["Primary Record ID", "Record ID to merge"]
# HubSpot "Import an opt-out list": one Email column. https://knowledge.hubspot.com/marketing-email/import-an-opt-out-list
HUBSPOT_OPT_OUT = ["Email"]
# Salesforce Contact fields by API name (Data Loader upsert matched on Id).
# https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-contact.html
SALESFORCE_UPSERT = ["Id", "FirstName", "LastName", "Email", "Phone", "Title", "MailingStreet", "MailingCity",
                     "MailingState", "MailingPostalCode", "MailingCountry", "HasOptedOutOfEmail", "DoNotCall"]
SALESFORCE_NEW = SALESFORCE_UPSERT[1:]
# Salesforce merge(): up to three records per request including the master; more: same master again.
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm
SALESFORCE_MERGES = ["MasterRecordId", "RecordToMergeId1", "RecordToMergeId2"]
SALESFORCE_MERGE_LIMIT = 3
# Mailchimp audience import (Email Address, First Name, Last Name), imported as Unsubscribed.
# https://mailchimp.com/help/import-contacts-mailchimp/
MAILCHIMP_UNSUBSCRIBE = ["Email Address", "First Name", "Last Name"]

CANONICAL = ["record_id", "source", "first_name", "last_name", "email", "phone", "company", "job_title",
             "address_line1", "city", "postcode", "region", "country", "date_of_birth", "created_at", "updated_at",
             "email_opt_in", "phone_opt_in", "email_double_opt_in", "phone_double_opt_in", "consent_updated_at"]


def _person(record_id, source, first, last, email, phone, **consent):
    row = dict.fromkeys(CANONICAL, "")
    row.update(record_id=record_id, source=source, first_name=first, last_name=last, email=email, phone=phone,
               company="Fairweather Instruments", job_title="Buyer", address_line1="12 Elm Row", city="Edinburgh",
               postcode="EH7 4AA", country="GB", created_at="2019-03-01T10:00:00", updated_at="2023-05-01T10:00:00",
               email_opt_in="unknown", phone_opt_in="unknown", email_double_opt_in="unknown",
               phone_double_opt_in="unknown")
    row.update(consent)
    return row


def _sf_id(number: int) -> str:
    return f"0035g0000{number:06d}AAA"  # 18 characters, as a Salesforce Contact Id


# One person with five Salesforce records (one opts out) and three HubSpot records (one confirmed
# opt-in): the opt-out wins everywhere; five records need two Salesforce merge rows (a master and four).
ZEPHYRINE = {"first": "Zephyrine", "last": "Quackenbush", "email": "zephyrine.quackenbush@posteo.de",
             "phone": "+44 7700 900461"}
OTTOLINE = {"first": "Ottoline", "last": "Fairweather", "email": "ottoline.fairweather@gmx.net",
            "phone": "+44 7700 900517"}
BARNABY = {"first": "Barnaby", "last": "Thistlewood", "email": "barnaby.thistlewood@mailbox.org",
           "phone": "+44 7700 900733"}
MADE = [
    *[_person(_sf_id(900001 + i), "salesforce", **ZEPHYRINE, **({"email_opt_in": "no"} if i == 2 else {}))
      for i in range(5)],
    *[_person(str(990001 + i), "hubspot", **ZEPHYRINE,
              **({"email_opt_in": "yes", "email_double_opt_in": "yes"} if i == 0 else {})) for i in range(3)],
    _person(_sf_id(900101), "salesforce", **OTTOLINE, email_opt_in="yes", email_double_opt_in="yes",
            phone_opt_in="yes", phone_double_opt_in="yes"),
    _person(_sf_id(900201), "salesforce", **BARNABY, email_opt_in="yes", email_double_opt_in="no"),
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, repo_root) -> Path:
    """`steward dedupe --out` of the demo records (legacy_crm as hubspot, support as salesforce) and MADE."""
    from steward.demo import generate_demo_data, write_canonical

    root = tmp_path_factory.mktemp("export")
    generate_demo_data(root / "demo", entities=250, seed=21)
    canonical = write_canonical(root / "demo")
    inputs = root / "inputs"
    inputs.mkdir()
    frames = {Path(p).stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in canonical.values()}
    frames["hubspot"] = frames.pop("legacy_crm").assign(source="hubspot")
    support = frames.pop("support")
    frames["salesforce"] = support.assign(source="salesforce",
                                          record_id=support["record_id"].str.extract(r"(\d+)")[0].astype(int).map(_sf_id))
    made = pd.DataFrame(MADE)
    args = ["dedupe", "--out", str(root / "out"), "--no-evaluate"]
    for name, frame in frames.items():
        mine = made[made["source"] == name].reindex(columns=frame.columns, fill_value="")
        frame = pd.concat([frame, mine], ignore_index=True)
        frame.to_csv(inputs / f"{name}.csv", index=False)
        args += ["--input", str(inputs / f"{name}.csv")]
    proc = subprocess.run([STEWARD, *args], cwd=repo_root, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ), check=False)
    assert proc.returncode == 0, proc.stderr
    return root / "out"


@pytest.fixture(scope="module")
def run(run_dir):
    """The run's golden records and crosswalk as `steward dedupe` wrote them (text, "" where missing)."""
    golden = pd.read_csv(run_dir / "golden_records.csv", dtype=str, keep_default_na=False)
    crosswalk = pd.read_csv(run_dir / "crosswalk.csv", dtype=str, keep_default_na=False)
    return golden, crosswalk


def _export(*args) -> str:
    result = CliRunner().invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _read(path: Path) -> pd.DataFrame:
    assert path.is_file(), f"{path} was not written"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def _opted_out_addresses(golden: pd.DataFrame) -> set[str]:
    out = golden[golden["email_consent"] == "opted_out"]
    addresses = set(out["email"]) | {a.strip() for v in out["secondary_emails"] for a in v.split(";")}
    return {a.casefold() for a in addresses if "@" in a}


def _golden_of(golden: pd.DataFrame, email: str) -> pd.Series:
    rows = golden[golden["email"] == email]
    assert len(rows) == 1, f"{email}: {len(rows)} golden records"
    return rows.iloc[0]


# -- HubSpot -------------------------------------------------------------------------------------------

def test_hubspot_files_have_hubspots_columns_and_one_row_per_golden_record(run_dir, run, tmp_path):
    golden, crosswalk = run
    out = tmp_path / "hubspot"
    printed = _export("--format", "hubspot", "--from", str(run_dir), "--out", str(out))
    names = ["hubspot_contacts_import.csv", "hubspot_new_contacts.csv", "hubspot_merges.csv", "hubspot_opt_out.csv"]
    for name, columns in zip(names, [HUBSPOT_CONTACTS, HUBSPOT_NEW_CONTACTS, HUBSPOT_MERGES, HUBSPOT_OPT_OUT]):
        assert _header(out / name) == columns, name
        assert f"{len(_read(out / name)):,} rows {out / name}" in " ".join(printed.split()), printed
    contacts = _read(out / "hubspot_contacts_import.csv")
    hubspot = crosswalk[crosswalk["source"] == "hubspot"]
    owner = dict(zip(hubspot["record_id"], hubspot["golden_id"]))
    # One row per golden record holding a HubSpot record, keyed by one of that golden record's Record IDs.
    assert contacts["Record ID"].map(owner).notna().all()
    assert sorted(contacts["Record ID"].map(owner)) == sorted(hubspot["golden_id"].unique())
    by_id = golden.set_index("golden_id")
    for row in contacts.sample(20, random_state=1).itertuples(index=False):
        values = by_id.loc[owner[row[0]]]
        assert (row[1], row[2], row[3], row[4]) == (values["first_name"], values["last_name"], values["email"],
                                                    values["phone"])
        assert (row[10], row[11]) == (values["postcode"], values["country"])
    # New contacts: the golden records with no HubSpot record, except the opted-out ones.
    new = _read(out / "hubspot_new_contacts.csv")
    without = golden[~golden["golden_id"].isin(set(hubspot["golden_id"]))]
    named = (without[["first_name", "last_name", "email"]] != "").any(axis=1)
    expected = without[(without["email_consent"] != "opted_out") & named]
    assert sorted(map(tuple, new[["First Name", "Last Name", "Email", "Phone Number"]].values.tolist())) == \
        sorted(map(tuple, expected[["first_name", "last_name", "email", "phone"]].values.tolist()))
    assert (without["email_consent"] == "opted_out").any(), "no opted-out person to leave out: the check proves less"


def test_hubspot_merges_pair_only_crosswalk_ids_and_merge_every_other_record_once(run_dir, run, tmp_path):
    golden, crosswalk = run
    out = tmp_path / "hubspot"
    _export("--format", "hubspot", "--from", str(run_dir), "--out", str(out))
    merges = _read(out / "hubspot_merges.csv")
    primary = set(_read(out / "hubspot_contacts_import.csv")["Record ID"])
    hubspot = crosswalk[crosswalk["source"] == "hubspot"]
    owner = dict(zip(hubspot["record_id"], hubspot["golden_id"]))
    assert set(merges["Primary Record ID"]) | set(merges["Record ID to merge"]) <= set(owner)
    assert (merges["Primary Record ID"].map(owner) == merges["Record ID to merge"].map(owner)).all()
    assert set(merges["Primary Record ID"]) <= set(primary), "a merge into a record the import does not update"
    # Every HubSpot record that is not its golden record's primary is merged exactly once.
    assert not merges["Record ID to merge"].duplicated().any()
    assert set(merges["Record ID to merge"]) == set(owner) - set(primary)
    zephyrine = _golden_of(golden, ZEPHYRINE["email"])["golden_id"]
    assert int((merges["Primary Record ID"].map(owner) == zephyrine).sum()) == 2


def test_hubspot_opt_out_list_holds_every_address_of_everyone_opted_out(run_dir, run, tmp_path):
    golden, _ = run
    out = tmp_path / "hubspot"
    _export("--format", "hubspot", "--from", str(run_dir), "--out", str(out))
    listed = {e.casefold() for e in _read(out / "hubspot_opt_out.csv")["Email"]}
    assert listed == _opted_out_addresses(golden)
    assert ZEPHYRINE["email"] in listed  # a confirmed opt-in in HubSpot, an opt-out in Salesforce
    assert OTTOLINE["email"] not in listed and BARNABY["email"] not in listed
    assert any(v for v in golden.loc[golden["email_consent"] == "opted_out", "secondary_emails"]), \
        "no opted-out person with a second address: the check above proves less than it should"


# -- Salesforce ----------------------------------------------------------------------------------------

def test_salesforce_files_have_the_contact_api_names_and_carry_consent_as_salesforce_flags(run_dir, run, tmp_path):
    golden, crosswalk = run
    out = tmp_path / "salesforce"
    _export("--format", "salesforce", "--from", str(run_dir), "--out", str(out))
    names = ["salesforce_contacts_upsert.csv", "salesforce_new_contacts.csv", "salesforce_merges.csv"]
    for name, columns in zip(names, [SALESFORCE_UPSERT, SALESFORCE_NEW, SALESFORCE_MERGES]):
        assert _header(out / name) == columns, name
    upsert, new = _read(out / names[0]), _read(out / names[1])
    salesforce = crosswalk[crosswalk["source"] == "salesforce"]
    owner = dict(zip(salesforce["record_id"], salesforce["golden_id"]))
    assert sorted(upsert["Id"].map(owner)) == sorted(salesforce["golden_id"].unique())
    # An opt-out is "true" for every opted-out person, and for anyone using an address or number an
    # opted-out person uses; "false" only for a confirmed opt-in; otherwise empty (left as it is).
    email_out, phone_out = _opted_out_addresses(golden), _opted_out_values(golden, "phone")
    expected = golden.assign(
        HasOptedOutOfEmail=_flags(golden["email_consent"], golden["email"].str.casefold().isin(email_out)),
        DoNotCall=_flags(golden["phone_consent"], golden["phone"].isin(phone_out)))
    columns = ["first_name", "last_name", "email", "phone", "HasOptedOutOfEmail", "DoNotCall"]
    by_id = expected.set_index("golden_id")
    assert upsert[["FirstName", "LastName", "Email", "Phone", "HasOptedOutOfEmail", "DoNotCall"]].values.tolist() == \
        by_id.loc[upsert["Id"].map(owner), columns].values.tolist()
    without = expected[~expected["golden_id"].isin(set(salesforce["golden_id"])) & (expected["last_name"] != "")]
    assert sorted(new[["FirstName", "LastName", "Email", "Phone", "HasOptedOutOfEmail", "DoNotCall"]].values.tolist()) \
        == sorted(without[columns].values.tolist())
    opted_out = golden["email_consent"] == "opted_out"
    assert (expected.loc[opted_out, "HasOptedOutOfEmail"] == "true").all()
    assert opted_out[golden["golden_id"].isin(set(salesforce["golden_id"]))].any() and opted_out[~golden[
        "golden_id"].isin(set(salesforce["golden_id"]))].any()
    flags = upsert.set_index("Email")
    assert flags.loc[ZEPHYRINE["email"], "HasOptedOutOfEmail"] == "true"
    assert tuple(flags.loc[OTTOLINE["email"], ["HasOptedOutOfEmail", "DoNotCall"]]) == ("false", "false")
    assert flags.loc[BARNABY["email"], "HasOptedOutOfEmail"] == ""  # said yes, never confirmed: not consent


def _flags(status: pd.Series, shared: pd.Series) -> pd.Series:
    return status.map({"opted_out": "true", "opted_in": "false"}).fillna("").mask(shared, "true")


def _opted_out_values(golden: pd.DataFrame, channel: str) -> set[str]:
    out = golden[golden[f"{channel}_consent"] == "opted_out"]
    values = set(out[channel]) | {a.strip() for v in out[f"secondary_{channel}s"] for a in v.split(";")}
    return values - {""}


def test_salesforce_merges_take_at_most_three_records_a_row_and_every_loser_once(run_dir, run, tmp_path):
    golden, crosswalk = run
    out = tmp_path / "salesforce"
    _export("--format", "salesforce", "--from", str(run_dir), "--out", str(out))
    merges = _read(out / "salesforce_merges.csv")
    masters = set(_read(out / "salesforce_contacts_upsert.csv")["Id"])
    salesforce = crosswalk[crosswalk["source"] == "salesforce"]
    owner = dict(zip(salesforce["record_id"], salesforce["golden_id"]))
    ids = merges.apply(lambda row: [v for v in row if v], axis=1)
    assert (ids.map(len) <= SALESFORCE_MERGE_LIMIT).all() and (ids.map(len) >= 2).all()
    assert all(len({owner[i] for i in row}) == 1 for row in ids), "a merge row spans two golden records"
    assert set(merges["MasterRecordId"]) <= masters
    losers = [i for row in ids for i in row[1:]]
    assert len(losers) == len(set(losers))
    assert set(losers) == set(owner) - masters
    # Five records of one person: the master and four others, in two rows with the same master.
    zephyrine = _golden_of(golden, ZEPHYRINE["email"])["golden_id"]
    rows = ids[merges["MasterRecordId"].map(owner) == zephyrine]
    assert [len(r) for r in rows] == [3, 3]


def test_salesforce_merge_rows_chain_any_number_of_records_under_one_master():
    ranked = pd.DataFrame({"golden_id": ["g1"] * 6 + ["g2"] * 3 + ["g3"],
                           "record_id": [f"a{i}" for i in range(6)] + ["b0", "b1", "b2", "c0"],
                           "rank": list(range(6)) + [0, 1, 2, 0]})
    rows = crm_files.salesforce_merge_rows(ranked)
    assert list(rows.columns) == SALESFORCE_MERGES
    assert rows.fillna("").values.tolist() == [["a0", "a1", "a2"], ["a0", "a3", "a4"], ["a0", "a5", ""],
                                               ["b0", "b1", "b2"]]


# -- Mailchimp -----------------------------------------------------------------------------------------

def test_mailchimp_unsubscribe_list_is_everyone_opted_out_and_nobody_else(run_dir, run, tmp_path):
    golden, _ = run
    out = tmp_path / "mailchimp"
    _export("--format", "mailchimp", "--from", str(run_dir), "--out", str(out))
    assert _header(out / "mailchimp_unsubscribe.csv") == MAILCHIMP_UNSUBSCRIBE
    rows = _read(out / "mailchimp_unsubscribe.csv")
    assert not rows["Email Address"].str.casefold().duplicated().any()
    assert set(rows["Email Address"].str.casefold()) == _opted_out_addresses(golden)
    others = golden[golden["email_consent"] != "opted_out"]
    assert not set(others["email"].str.casefold()) & set(rows["Email Address"].str.casefold()) - \
        _opted_out_addresses(golden)
    zephyrine = rows.set_index("Email Address").loc[ZEPHYRINE["email"]]
    assert tuple(zephyrine) == (ZEPHYRINE["first"], ZEPHYRINE["last"])
    assert OTTOLINE["email"] not in set(rows["Email Address"]) and BARNABY["email"] not in set(rows["Email Address"])


# -- CSV / Parquet, and from the CRM database ----------------------------------------------------------

def test_csv_and_parquet_are_the_golden_table_and_crosswalk_as_they_are(run_dir, run, tmp_path):
    golden, crosswalk = run
    _export("--format", "csv", "--from", str(run_dir), "--out", str(tmp_path / "csv"))
    _export("--format", "parquet", "--from", str(run_dir), "--out", str(tmp_path / "parquet"))
    pd.testing.assert_frame_equal(_read(tmp_path / "csv" / "golden_records.csv"), golden)
    pd.testing.assert_frame_equal(_read(tmp_path / "csv" / "crosswalk.csv"), crosswalk)
    parquet = pd.read_parquet(tmp_path / "parquet" / "golden_records.parquet")
    pd.testing.assert_frame_equal(parquet.fillna(""), golden)
    assert parquet["email_consent"].notna().all()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "parquet" / "crosswalk.parquet"), crosswalk)


def test_export_reads_the_active_golden_records_of_the_project_crm(run_dir, run, project_copy):
    """Without --from: the CRM database `steward run` publishes to (the project's by default); rows
    merged away or retired there are not exported, nor publish's own columns."""
    golden, crosswalk = run
    url = f"sqlite:///{project_copy / 'data' / 'crm.sqlite'}"
    (project_copy / "data").mkdir()
    lineage = pd.read_csv(run_dir / "golden_lineage.csv", dtype=str, keep_default_na=False)
    publish(golden, crosswalk, url, lineage=lineage, erased_ids=[])
    gone = _golden_of(golden, OTTOLINE["email"])["golden_id"]
    keep = golden["golden_id"] != gone
    publish(golden[keep], crosswalk[crosswalk["golden_id"] != gone], url, lineage=lineage, erased_ids=[])
    assert "retired" in set(read_table(url, GOLDEN_TABLE)["status"])

    printed = _export("--format", "csv", "--project", str(project_copy))
    exported = _read(project_copy / "data" / "export" / "csv" / "golden_records.csv")
    assert "golden records from sqlite:///" in printed
    assert sorted(exported["golden_id"]) == sorted(golden.loc[keep, "golden_id"])
    assert not {"status", "merged_into", "published_at"} & set(exported.columns)
    assert gone not in set(_read(project_copy / "data" / "export" / "csv" / "crosswalk.csv")["golden_id"])

    out = project_copy / "sf"
    _export("--format", "salesforce", "--crm", url, "--out", str(out))
    upsert = _read(out / "salesforce_contacts_upsert.csv")
    assert OTTOLINE["email"] not in set(upsert["Email"])
    salesforce = crosswalk[(crosswalk["source"] == "salesforce") & (crosswalk["golden_id"] != gone)]
    consent = golden.set_index("golden_id").loc[upsert["Id"].map(dict(zip(salesforce["record_id"],
                                                                          salesforce["golden_id"]))), "email_consent"]
    assert len(upsert) == salesforce["golden_id"].nunique()
    assert (upsert.loc[(consent == "opted_out").to_numpy(), "HasOptedOutOfEmail"] == "true").all()
    assert set(upsert.loc[(consent != "opted_in").to_numpy(), "HasOptedOutOfEmail"]) <= {"true", ""}


def test_the_installed_command_exports_and_names_what_it_wrote(run_dir, repo_root, tmp_path):
    proc = subprocess.run([STEWARD, "export", "--format", "mailchimp", "--from", str(run_dir), "--out",
                           str(tmp_path)], cwd=repo_root, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    rows = len(_read(tmp_path / "mailchimp_unsubscribe.csv"))
    assert f"{rows:,} rows" in proc.stdout and "mailchimp_unsubscribe.csv" in proc.stdout


# -- refusals ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--format", "hubspot", "--source", "nosuch"], "no records of a source named 'nosuch'"),
    (["--format", "zoho"], "choose one of hubspot, salesforce, mailchimp, csv, parquet"),
    (["--format", "csv", "--crm", "sqlite:///x.sqlite"], "--from and --crm"),
    (["--format", "mailchimp", "--source", "hubspot"], "--source is for the hubspot and salesforce formats"),
])
def test_export_refuses_what_it_cannot_do(run_dir, tmp_path, args, message):
    result = CliRunner().invoke(app, ["export", "--from", str(run_dir), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not any(tmp_path.iterdir()), "nothing is written when the export is refused"


def test_export_refuses_a_missing_crm_database_without_creating_it(tmp_path):
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--crm", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert result.exit_code == 2 and "run `steward run` first" in " ".join(result.output.split())
    assert not (tmp_path / "none.sqlite").exists()


def test_golden_records_that_cannot_say_who_opted_out_are_refused_and_legacy_opt_ins_are_read():
    crosswalk = pd.DataFrame({"source": ["shop"], "record_id": ["1"], "golden_id": ["g1"]})
    blind = crm_files.GoldenData(pd.DataFrame({"golden_id": ["g1"], "email": ["a@b.de"]}), crosswalk)
    for fmt in ("mailchimp", "csv", "hubspot"):
        with pytest.raises(ValueError, match="cannot tell who opted out"):
            crm_files.build_export(blind, fmt, "shop")
    legacy = pd.DataFrame({"golden_id": ["g1", "g2", "g3"], "email": ["a@b.de", "c@d.de", "e@f.de"],
                           "email_opt_in": ["no", "yes", "unknown"], "first_name": ["A", "C", "E"],
                           "last_name": ["B", "D", "F"]})
    data = crm_files.GoldenData(legacy, crosswalk.assign(golden_id="g2"))
    assert list(crm_files.mailchimp_files(data).files["mailchimp_unsubscribe.csv"]["Email Address"]) == ["a@b.de"]
    assert crm_files.consent_status(legacy).tolist() == ["opted_out", "opted_in", "unknown"]


def test_the_crm_reader_keeps_text_ids_as_text(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE golden_contacts (golden_id TEXT, email TEXT, email_consent TEXT, "
                             "status TEXT)")
        conn.exec_driver_sql("INSERT INTO golden_contacts VALUES ('g1', 'a@b.de', 'opted_out', 'active'), "
                             "('g2', 'c@d.de', 'opted_out', 'merged')")
        conn.exec_driver_sql("CREATE TABLE golden_crosswalk (source TEXT, record_id TEXT, golden_id TEXT)")
        conn.exec_driver_sql("INSERT INTO golden_crosswalk VALUES ('hubspot', '007', 'g1'), ('hubspot', '8', 'g2')")
    engine.dispose()
    data = crm_files.read_crm(url)
    assert data.golden["golden_id"].tolist() == ["g1"]
    assert data.crosswalk["record_id"].tolist() == ["007"]
    assert data.lineage is None
    files = crm_files.hubspot_files(data).files
    assert files["hubspot_contacts_import.csv"]["Record ID"].tolist() == ["007"]
    # An opt-out survives merges and retirement: the inactive record's address stays suppressed.
    assert files["hubspot_opt_out.csv"]["Email"].tolist() == ["a@b.de", "c@d.de"]
    assert crm_files.mailchimp_files(data).files["mailchimp_unsubscribe.csv"]["Email Address"].tolist() == \
        ["a@b.de", "c@d.de"]
