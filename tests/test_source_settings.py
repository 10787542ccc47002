"""Strict source settings (issue 17): every config mistake that used to lose data silently is
refused with a message naming the file, the key and the offending values, all at once; presets,
and the mappings real exports need (constants, present/absent, several columns, generated ids,
combined addresses, extra columns renamed or dropped)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from steward.config import ConfigError, load_project, parse_sources
from steward.config.settings import load_settings
from steward.config.sources import ConfigErrors, sources_for_files
from steward.sources import load_all
from steward.sources.addresses import split_full_addresses
from steward.sources.detect import fit_presets, read_header
from steward.sources.load import SourceError, load_source
from steward.sources.preflight import check_project, demo_state_sources, reset_demo_state

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "fixtures" / "exports"


def _sources(tmp_path, body: str):
    path = tmp_path / "rules" / "sources.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(body))
    presets = path.parent / "presets"
    if not presets.exists():
        shutil.copytree(REPO / "rules" / "presets", presets)
    return parse_sources(yaml.safe_load(path.read_text()), tmp_path, path)


# --- mistakes in the settings: refused, all at once, with "did you mean" ---------------------------

def test_every_settings_mistake_is_reported_in_one_error(tmp_path):
    with pytest.raises(ConfigErrors) as caught:
        _sources(tmp_path, """
            sources:
              hubspot:
                kind: csv
                path: h.csv
                timestmp_format: "%Y-%m-%d"
                columns:
                  record_id: Record ID
                  jobtitle: Job Title
                  phone: {colum: Phone}
              shop:
                kind: csvv
                columns: {record_id: id, email_opt_in: {column: News, values: {"y": "maybe"}}}
        """)
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "sources.yaml: sources.hubspot.timestmp_format: unknown key; did you mean 'timestamp_format'?" in text
    assert "sources.hubspot.columns.jobtitle: not a canonical field; did you mean 'job_title'?" in text
    assert "sources.hubspot.columns.phone.colum: unknown key; did you mean 'column'?" in text
    assert "sources.shop.kind" in text and "'csvv'" in text
    assert "sources.shop.columns.email_opt_in.values['y']: 'maybe' is not one of" in text
    assert len(problems) == 5, problems


def test_unquoted_yaml_booleans_as_value_keys_are_refused(tmp_path):
    # PyYAML reads yes/no/true/on unquoted as booleans: the text the file writes is gone.
    with pytest.raises(ConfigError, match=r"email_opt_in\.values: YAML read the unquoted key\(s\) \[True, False\]"):
        _sources(tmp_path, """
            sources:
              s: {kind: csv, path: s.csv, columns: {record_id: id, email_opt_in: {column: x, values: {yes: yes, no: no}}}}
        """)


def test_value_maps_are_only_for_consent_fields(tmp_path):
    with pytest.raises(ConfigError, match=r"columns\.country\.values: value maps are for the consent fields"):
        _sources(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, columns: {record_id: id, "
                           "country: {column: c, values: {Sverige: SE}}}}\n")


def test_unknown_preset_is_named_with_the_closest(tmp_path):
    with pytest.raises(ConfigError, match=r"sources\.s\.preset: preset 'hubspt' not found .*did you mean 'hubspot'"):
        _sources(tmp_path, "sources:\n  s: {preset: hubspt, path: s.csv}\n")


# --- what the data shows about the settings --------------------------------------------------------

def test_consent_values_nobody_mapped_refuse_the_load(tmp_path):
    # The case: a HubSpot map written for "Yes" on a column that holds true/false dropped
    # 11 of 61 opt-outs as "unknown".
    (tmp_path / "h.csv").write_text("Record ID,Unsubscribed from all email\n1,true\n2,false\n3,true\n4,\n")
    cfg = _sources(tmp_path, """
        sources:
          hubspot:
            kind: csv
            path: h.csv
            columns:
              record_id: Record ID
              email_opt_in: {column: Unsubscribed from all email, values: {"Yes": "no"}}
    """)["hubspot"]
    with pytest.raises(SourceError) as caught:
        load_source(cfg)
    message = str(caught.value)
    assert "sources.yaml: sources.hubspot.columns.email_opt_in" in message
    assert "h.csv column(s) ['Unsubscribed from all email']" in message
    assert "'true' (2 rows)" in message and "'false' (1 row)" in message
    assert "none of the values: keys ['yes'] occurs" in message


def test_a_timestamp_format_that_fits_no_value_is_refused_with_examples(tmp_path):
    (tmp_path / "h.csv").write_text("id,Created\n1,2023-01-19 17:36\n2,2023-08-15 00:44\n3,2023-08-16 01:00\n")
    cfg = _sources(tmp_path, """
        sources:
          h: {kind: csv, path: h.csv, timestamp_format: "%d/%m/%Y %H:%M", columns: {record_id: id, created_at: Created}}
    """)["h"]
    with pytest.raises(SourceError, match=r"sources\.h\.timestamp_format: 3 of 3 created_at values in column "
                                          r"'Created' of .*h\.csv do not fit '%d/%m/%Y %H:%M': '2023-01-19 17:36'"):
        load_source(cfg)


def test_a_few_dates_that_do_not_fit_are_a_warning_and_kept(tmp_path):
    (tmp_path / "h.csv").write_text("id,Created,Last\n1,2023-01-19 17:36:00,A\n2,yesterday,B\n3,2023-08-16 01:00:00,C\n")
    cfg = _sources(tmp_path, """
        sources:
          h: {kind: csv, path: h.csv, timestamp_format: "%Y-%m-%d %H:%M:%S",
              columns: {record_id: id, created_at: Created, last_name: Last}}
    """)["h"]
    loaded = load_source(cfg)
    assert [p.severity for p in loaded.problems] == ["warning"]
    assert "'yesterday' (1 row)" in str(loaded.problems[0])
    assert "created_at:unparseable_date(yesterday)" in loaded.records.set_index("record_id").loc["2", "date_issues"]


def test_mapped_columns_the_file_lacks_are_all_listed_with_case_hints(tmp_path):
    (tmp_path / "s.csv").write_text("ID,email,Phone\n1,a@example.com,1\n")
    cfg = _sources(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, columns: {record_id: id, email: Email, "
                             "phone: Phone}}\n")["s"]
    with pytest.raises(SourceError) as caught:
        load_source(cfg)
    message = str(caught.value)
    assert "2 problems" in message
    assert "sources.s.columns.record_id: column(s) ['id'] not in" in message and "'id' is there as 'ID'" in message
    assert "sources.s.columns.email: column(s) ['Email'] not in" in message


def test_extra_columns_differing_only_in_case_are_refused_then_renamed(tmp_path):
    (tmp_path / "a.csv").write_text("id,Last,Tags\n1,Lee,vip\n")
    (tmp_path / "b.csv").write_text("id,Last,TAGS\n1,Ray,news\n")
    body = """
        sources:
          shop: {kind: csv, path: a.csv, columns: {record_id: id, last_name: Last}}
          mail: {kind: csv, path: b.csv, columns: {record_id: id, last_name: Last}}
    """
    with pytest.raises(SourceError, match=r"extra columns 'extra_Tags' from shop, 'extra_TAGS' from mail differ only in "
                                          r"case .*extra_columns: \{'TAGS': mail_tags\}"):
        load_all(_sources(tmp_path, body))
    renamed = body.replace("last_name: Last}}\n", "last_name: Last}, extra_columns: {TAGS: mail_tags}}\n", 1)
    renamed = body.replace("mail: {kind: csv, path: b.csv, columns: {record_id: id, last_name: Last}}",
                           "mail: {kind: csv, path: b.csv, columns: {record_id: id, last_name: Last}, "
                           "extra_columns: {TAGS: mail_tags}}")
    records, _ = load_all(_sources(tmp_path, renamed))
    assert records.set_index("source").loc["mail", "extra_mail_tags"] == "news"
    assert records.set_index("source").loc["shop", "extra_Tags"] == "vip"


def test_survivorship_naming_sources_that_do_not_exist_is_refused(tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "s.csv").write_text("id,Last\n1,Lee\n")
    rules = tmp_path / "rules"
    (rules / "sources.yaml").write_text("sources:\n  crm: {kind: csv, path: s.csv, columns: {record_id: id, last_name: Last}}\n")
    (rules / "survivorship.yaml").write_text((rules / "survivorship.yaml").read_text().replace(
        "source_priority: []", "source_priority: [crm, webshop]"))
    with pytest.raises(ConfigError, match=r"survivorship\.yaml: source_priority names \['webshop'\], which "
                                          r"rules/sources\.yaml does not configure; the sources are \['crm'\]"):
        load_settings(load_project(tmp_path))


def test_check_project_reports_settings_and_data_problems_together(tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "a.csv").write_text("id,News,Born\n1,ja,1990-01-02\n2,vielleicht,1991-02-03\n")
    (tmp_path / "b.csv").write_text("id,Last\n1,Lee\n")
    (tmp_path / "rules" / "sources.yaml").write_text(textwrap.dedent("""
        sources:
          a:
            kind: csv
            path: a.csv
            date_format: "%d.%m.%Y"
            columns: {record_id: id, email_opt_in: News, date_of_birth: Born, last_name: id}
          b: {kind: csv, path: b.csv, columns: {record_id: id, last_name: Lastname}}
    """))
    report = check_project(load_project(tmp_path))
    errors = [str(p) for p in report.errors]
    assert not report.ok
    assert any("sources.a.columns.email_opt_in" in e and "'vielleicht' (1 row)" in e for e in errors), errors
    assert any("sources.a.date_format: 2 of 2 date_of_birth values" in e for e in errors), errors
    assert any("sources.b.columns.last_name: column(s) ['Lastname'] not in" in e for e in errors), errors
    assert len(errors) == 3, errors


# --- mappings real exports need ----------------------------------------------------------------------

def test_constant_present_absent_several_columns_and_generated_ids(tmp_path):
    (tmp_path / "f.csv").write_text(
        "Timestamp,Email,Phone,Mobile,CONFIRM_TIME\n"
        "3/5/2024 14:14:07,a@example.com,,0171 1,2024-03-05 14:20:00\n"
        "3/6/2024 09:00:00,b@example.com,030 2,0171 2,\n"
        "3/6/2024 09:00:00,b@example.com,030 2,0171 2,\n"  # the same answer sent twice
    )
    cfg = _sources(tmp_path, """
        sources:
          form:
            kind: csv
            path: f.csv
            timestamp_format: "%m/%d/%Y %H:%M:%S"
            columns:
              record_id: {generate_from: all}
              email: Email
              phone: [Phone, Mobile]
              created_at: Timestamp
              email_opt_in: {constant: "yes"}
              email_double_opt_in: {column: CONFIRM_TIME, present: "yes", absent: "unknown"}
    """)["form"]
    loaded = load_source(cfg)
    records = loaded.records
    assert records["record_id"].str.match(r"^gen-[0-9a-f]{16}$").all()
    assert list(records["record_id"]) == list(load_source(cfg).records["record_id"])  # stable from run to run
    assert len(records) == 2 and "duplicate record_id" in loaded.quarantine["reason"].iloc[0]
    assert list(records["phone"]) == ["0171 1", "030 2"]  # the first filled column
    assert list(records["extra_Mobile"]) == ["0171 1", "0171 2"]  # the other kept, never dropped
    assert list(records["email_opt_in"]) == ["yes", "yes"]
    assert list(records["email_double_opt_in"]) == ["yes", "unknown"]
    assert list(records["created_at"]) == ["2024-03-05T14:14:07", "2024-03-06T09:00:00"]
    # Read only as "filled or not": its content (when they confirmed) is kept as an extra.
    assert list(records["extra_CONFIRM_TIME"]) == ["2024-03-05 14:20:00", None]


def test_extra_columns_can_be_renamed_or_dropped_on_purpose(tmp_path):
    (tmp_path / "s.csv").write_text("id,Last,Total Spent,Note\n1,Lee,12.50,call back\n")
    cfg = _sources(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, columns: {record_id: id, last_name: Last}, "
                             "extra_columns: {Total Spent: drop, Note: shop_note}}\n")["s"]
    records = load_source(cfg).records
    assert "extra_Total Spent" not in records and records["extra_shop_note"].iloc[0] == "call back"


@pytest.mark.parametrize("text, parts", [
    ("1701 Bristol Ave.  Barrington  RI  02806  US", ("1701 Bristol Ave.", "Barrington", "RI", "02806", "US")),
    ("Lange Reihe 191  Hinterhaus  Hamburg  Hamburg  22765  DE",
     ("Lange Reihe 191, Hinterhaus", "Hamburg", "Hamburg", "22765", "DE")),
    ("12 High St  London    SW1A 1AA  GB", ("12 High St", "London", None, "SW1A 1AA", "GB")),
    ("12 High St, London, SW1A 1AA, United Kingdom", ("12 High St", "London", None, "SW1A 1AA", "United Kingdom")),
    ("Karl-Liebknecht-Straße 233, 04109 Leipzig, Deutschland",
     ("Karl-Liebknecht-Straße 233", "Leipzig", None, "04109", "Deutschland")),
    ("Sveavägen 44, 111 34 Stockholm", ("Sveavägen 44", "Stockholm", None, "111 34", None)),
    ("just one line", ("just one line", None, None, None, None)),
    # A US state is not a country (CA, GA), nor a town ("London" is not taken for GB).
    ("123 Main St, Los Angeles, CA", ("123 Main St", "Los Angeles", "CA", None, None)),
    ("512 Means St, Atlanta, GA 30318, USA", ("512 Means St", "Atlanta", "GA", "30318", "USA")),
    ("Flat 3, 12 High St, London", ("Flat 3, 12 High St", "London", None, None, None)),
])
def test_one_address_field_is_split_without_losing_text(text, parts):
    row = split_full_addresses(pd.Series([text])).iloc[0]
    assert tuple(row[["address_line1", "city", "region", "postcode", "country"]]) == parts


# --- presets -----------------------------------------------------------------------------------------

def test_presets_read_vendor_layouts_and_match_upper_case_headers(tmp_path):
    header = ("ID,FIRSTNAME,LASTNAME,EMAIL,PHONE,MOBILEPHONE,HASOPTEDOUTOFEMAIL,DONOTCALL,CREATEDDATE\n")
    (tmp_path / "sf.csv").write_text(header + "003A,Ann,Lee,ann@example.com,,0171 1,true,false,"
                                              "2024-01-15T10:22:33.000Z\n")
    cfg = _sources(tmp_path, "sources:\n  sf: {preset: salesforce_contacts, path: sf.csv}\n")["sf"]
    loaded = load_source(cfg)
    row = loaded.records.iloc[0]
    assert (row["record_id"], row["first_name"], row["phone"]) == ("003A", "Ann", "0171 1")
    assert (row["email_opt_in"], row["phone_opt_in"]) == ("no", "unknown")
    assert row["created_at"] == "2024-01-15T10:22:33"
    # Preset columns this export does not have are a warning (an export lists chosen fields).
    assert any("'MailingCity' not in" in str(p) and p.severity == "warning" for p in loaded.problems)


def test_a_source_overrides_its_preset_field_by_field(tmp_path):
    (tmp_path / "shop.csv").write_text("Customer ID,Email,Accepts Email Marketing\n7,a@example.com,no\n")
    body = "sources:\n  shop: {preset: shopify, path: shop.csv}\n"
    assert load_source(_sources(tmp_path, body)["shop"]).records["email_opt_in"].iloc[0] == "no"
    override = ("sources:\n  shop:\n    preset: shopify\n    path: shop.csv\n    columns:\n      email_opt_in: "
                "{column: Accepts Email Marketing, values: {\"yes\": \"yes\", \"no\": \"unknown\"}}\n")
    assert load_source(_sources(tmp_path, override)["shop"]).records["email_opt_in"].iloc[0] == "unknown"


@pytest.mark.parametrize("file, preset", [
    ("hubspot_contacts.csv", "hubspot"), ("salesforce_contacts.csv", "salesforce_contacts"),
    ("salesforce_leads.csv", "salesforce_leads"), ("shopify_customers.csv", "shopify"),
    ("mailchimp_subscribed.csv", "mailchimp_subscribed"), ("mailchimp_unsubscribed.csv", "mailchimp_unsubscribed"),
    ("mailchimp_cleaned.csv", "mailchimp_cleaned"), ("stripe_customers.csv", "stripe"),
    ("typeform_responses.csv", "typeform"), ("google_forms_responses.csv", "google_forms"),
])
def test_detect_names_the_preset_of_each_vendor_export(file, preset):
    # Mailchimp's three audience exports share one layout: told apart by UNSUB_TIME / CLEAN_TIME.
    fits = fit_presets(read_header(EXPORTS / file), REPO / "rules")
    assert fits[0].preset == preset, fits[:3]
    assert fits[0].has_id


def test_a_mailchimp_export_read_with_the_wrong_preset_is_refused(tmp_path):
    # Read as the subscribed export, every unsubscribed person would count as opted in.
    shutil.copy(EXPORTS / "mailchimp_unsubscribed.csv", tmp_path / "unsub.csv")
    cfg = _sources(tmp_path, "sources:\n  mc: {preset: mailchimp_subscribed, path: unsub.csv}\n")["mc"]
    with pytest.raises(SourceError, match=r"sources\.mc\.preset: .*unsub\.csv has the column 'UNSUB_TIME', which "
                                          r"only the export of preset 'mailchimp_unsubscribed' has.*use preset: "
                                          r"mailchimp_unsubscribed"):
        load_source(cfg)


def test_a_date_format_that_misreads_some_values_is_refused_with_the_one_that_fits(tmp_path):
    # A US Google Sheet (month first) declared day-first: 9/3 would silently become 9 March.
    (tmp_path / "f.csv").write_text("id,T\n1,9/3/2024 14:28:56\n2,9/14/2024 12:14:39\n3,10/2/2024 08:00:00\n")
    cfg = _sources(tmp_path, "sources:\n  f: {kind: csv, path: f.csv, timestamp_format: '%d/%m/%Y %H:%M:%S', "
                             "columns: {record_id: id, last_name: id, created_at: T}}\n")["f"]
    with pytest.raises(SourceError, match=r"1 of 3 created_at values .* every value fits '%m/%d/%Y %H:%M:%S': did "
                                          r"you mean that\?"):
        load_source(cfg)


def test_check_reads_the_right_sources_when_another_has_a_mistake(tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules", dirs_exist_ok=True)
    (tmp_path / "b.csv").write_text("id,News\n1,vielleicht\n")
    (tmp_path / "rules" / "sources.yaml").write_text(textwrap.dedent("""
        sources:
          a: {kind: csv, path: a.csv, timestmp_format: "%Y", columns: {record_id: id}}
          b: {kind: csv, path: b.csv, columns: {record_id: id, last_name: id, email_opt_in: News}}
    """))
    errors = [str(p) for p in check_project(load_project(tmp_path)).errors]
    assert any("sources.a.timestmp_format: unknown key" in e for e in errors), errors
    assert any("sources.b.columns.email_opt_in" in e and "'vielleicht' (1 row)" in e for e in errors), errors


def test_the_projects_sources_file_is_read_from_the_project_as_in_a_run(tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules", dirs_exist_ok=True)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "s.csv").write_text("id,Last\n1,Lee\n")
    (tmp_path / "rules" / "sources.yaml").write_text(
        "sources:\n  s: {kind: csv, path: exports/s.csv, columns: {record_id: id, last_name: Last}}\n")
    sources = sources_for_files([], None, None, tmp_path / "rules", tmp_path / "rules" / "sources.yaml")
    assert sources["s"].path == (tmp_path / "exports" / "s.csv").resolve()


def test_the_vendor_exports_load_with_presets_only():
    sources = sources_for_files([], None, None, REPO / "rules", REPO / "tests" / "fixtures" / "exports_sources.yaml")
    records, quarantine = load_all(sources)
    truth = pd.read_csv(EXPORTS / "truth.csv", dtype=str)
    assert len(records) + len(quarantine) == len(truth)  # every row accounted for
    mailchimp = records[records["source"] == "mailchimp_subscribed"]
    assert mailchimp["city"].notna().sum() > 0 and mailchimp["postcode"].notna().sum() > 0  # the ADDRESS split
    assert set(records.loc[records["source"] == "mailchimp_unsubscribed", "email_opt_in"]) == {"no"}


# --- demo and real data never mix --------------------------------------------------------------------

def test_demo_state_is_found_and_cleared(tmp_path):
    from steward.state.store import GOLDEN_CROSSWALK, StateStore, default_state_url

    shutil.copytree(REPO / "rules", tmp_path / "rules")
    store = StateStore(default_state_url(tmp_path / "data"))
    store.replace(GOLDEN_CROSSWALK, pd.DataFrame({"source": ["webshop", "webshop", "support"],
                                                  "record_id": ["1", "2", "3"], "golden_id": ["G1", "G1", "G2"]}))
    store.dispose()
    project = load_project(tmp_path)
    assert demo_state_sources(project) == {}  # still on demo data: nothing mixes
    (tmp_path / "s.csv").write_text("id,Last\n1,Lee\n")
    (tmp_path / "rules" / "sources.yaml").write_text(
        "sources:\n  crm: {kind: csv, path: s.csv, columns: {record_id: id, last_name: Last}}\n")
    assert demo_state_sources(project) == {"webshop": 2, "support": 1}
    removed = reset_demo_state(project)
    assert str(tmp_path / "data" / "steward_state.sqlite") in removed
    assert demo_state_sources(project) == {}


# --- end to end, as a steward runs it ----------------------------------------------------------------

def test_vendor_exports_end_to_end_through_the_cli(tmp_path):
    import subprocess
    import sys

    from steward.match.evaluate import evaluate

    steward = str(Path(sys.executable).with_name("steward"))
    sources_file = REPO / "tests" / "fixtures" / "exports_sources.yaml"
    proc = subprocess.run([steward, "dedupe", "--input", str(sources_file), "--out", str(tmp_path / "out")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    crosswalk = pd.read_csv(tmp_path / "out" / "crosswalk.csv", dtype=str)
    golden = pd.read_csv(tmp_path / "out" / "golden_records.csv", dtype=str, keep_default_na=False)
    # The truth is keyed by file and row: find each loaded record's row (generated ids included).
    sources = sources_for_files([], None, None, REPO / "rules", sources_file)
    records, _ = load_all(sources)
    records["file"] = records["source"].map({name: cfg.path.name for name, cfg in sources.items()})
    records["row"] = (records["source_row"] - 1).astype(str)
    truth = records.merge(pd.read_csv(EXPORTS / "truth.csv", dtype=str), on=["file", "row"], how="left")
    assert truth["person_id"].notna().all()
    result = evaluate(crosswalk, truth.rename(columns={"person_id": "entity_id"})[["source", "record_id", "entity_id"]])
    assert result.precision >= 0.98, result
    # Issue 17 asks R >= 0.98; 0.994 today (0.77 before u left out the matches among random pairs,
    # 0.963 before company names left the name fields, 0.976 before +tags were one inbox on every
    # domain, 0.979 before a move counted once).
    assert result.recall >= 0.98, result
    # Every person who opted out anywhere is opted out in every golden record holding them.
    people = pd.read_csv(EXPORTS / "people.csv", dtype=str)
    opted_out = set(people.loc[people["email_opted_out"] == "true", "person_id"])
    held = truth[truth["person_id"].isin(opted_out)][["source", "record_id", "person_id"]].merge(crosswalk)
    status = held.merge(golden[["golden_id", "email_opt_in"]], on="golden_id")
    assert len(opted_out) == 60 and set(status["person_id"]) == opted_out
    assert (status["email_opt_in"] == "no").all(), status[status["email_opt_in"] != "no"]
    # Every golden record holding a record that says "opted out" is opted out, whatever else it holds.
    said_no = records.loc[records["email_opt_in"] == "no", ["source", "record_id"]].merge(crosswalk)
    opted = golden.set_index("golden_id").loc[said_no["golden_id"].unique(), "email_opt_in"]
    assert (opted == "no").all(), opted[opted != "no"]
    assert len(said_no) >= 40


def test_steward_check_lists_everything_and_steward_run_refuses_before_running(tmp_path):
    import subprocess
    import sys

    steward = str(Path(sys.executable).with_name("steward"))
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "h.csv").write_text("Record ID,First Name,Unsubscribed from all email\n1,Ann,true\n2,Bob,false\n")
    (tmp_path / "rules" / "sources.yaml").write_text(textwrap.dedent("""
        sources:
          hubspot:
            preset: hubspot
            path: h.csv
            timestmp_format: "%Y"
            columns:
              email_opt_in: {column: Unsubscribed from all email, values: {"Yes": "no"}}
    """))
    check = subprocess.run([steward, "check", "--project", str(tmp_path)], capture_output=True, text=True, timeout=300)
    out = " ".join((check.stdout + check.stderr).split())
    assert check.returncode == 1, out
    assert "sources.hubspot.timestmp_format: unknown key; did you mean 'timestamp_format'?" in out
    (tmp_path / "rules" / "sources.yaml").write_text(
        (tmp_path / "rules" / "sources.yaml").read_text().replace('    timestmp_format: "%Y"\n', ""))
    check = subprocess.run([steward, "check", "--project", str(tmp_path)], capture_output=True, text=True, timeout=300)
    out = " ".join((check.stdout + check.stderr).split())
    assert check.returncode == 1 and "'true' (1 row), 'false' (1 row)" in out, out
    run = subprocess.run([steward, "run", "--project", str(tmp_path)], capture_output=True, text=True, timeout=300)
    out = " ".join((run.stdout + run.stderr).split())
    assert run.returncode == 2 and "nothing was run" in out and "'true' (1 row)" in out, out
    assert not (tmp_path / "data" / "crm.sqlite").exists()


def test_timestamps_without_an_offset_are_read_in_the_sources_time_zone(tmp_path):
    (tmp_path / "s.csv").write_text("id,Created\n1,2024-03-05 14:22\n2,2024-07-05 14:22\n"
                                    "3,2024-07-05T14:22:00+02:00\n4,2024-10-27 02:30\n5,2024-03-31 02:30\n")
    body = ("sources:\n  s: {kind: csv, path: s.csv, timezone: Europe/Berlin, "
            "columns: {record_id: id, last_name: id, created_at: Created}}\n")
    created = load_source(_sources(tmp_path, body)["s"]).records.set_index("record_id")["created_at"]
    assert created.to_dict() == {
        "1": "2024-03-05T13:22:00",  # winter: UTC+1
        "2": "2024-07-05T12:22:00",  # summer: UTC+2
        "3": "2024-07-05T12:22:00",  # an explicit offset wins
        "4": "2024-10-27T00:30:00",  # twice that night: read as summer time, kept
        "5": "2024-03-31T01:00:00",  # skipped that night: moved forward, kept
    }
    assert load_source(_sources(tmp_path, body.replace("timezone: Europe/Berlin, ", ""))["s"]).records[
        "created_at"].iloc[0] == "2024-03-05T14:22:00"
    with pytest.raises(ConfigError, match=r"sources\.s\.timezone: 'Europe/Berln' is not an IANA time zone; did you "
                                          r"mean 'Europe/Berlin'"):
        _sources(tmp_path, body.replace("Europe/Berlin", "Europe/Berln"))


def test_spreadsheet_text_markers_are_not_part_of_record_ids(tmp_path):
    (tmp_path / "s.csv").write_text("id,Last\n'0042,Lee\n0042,Lee\n'0043,Ray\n")
    loaded = load_source(_sources(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, "
                                            "columns: {record_id: id, last_name: Last}}\n")["s"])
    assert list(loaded.records["record_id"]) == ["0042", "0043"]
    assert "duplicate record_id '0042'" in loaded.quarantine["reason"].iloc[0]  # one record, not two


@pytest.mark.parametrize("name, company, first, last", [
    ("Café SARL", "Café SARL", None, None),
    ("Nordlicht GmbH", "Nordlicht GmbH", None, None),
    ("Müller GmbH & Co. KG", "Müller GmbH & Co. KG", None, None),
    ("Ironbound Café L.L.C.", "Ironbound Café L.L.C.", None, None),
    ("Anna Schmidt", None, "Anna", "Schmidt"),
    ("José Sa", None, "José", "Sa"),  # Sá is a surname, not a société anonyme
])
def test_a_full_name_that_is_a_company_is_read_as_the_company(tmp_path, name, company, first, last):
    pd.DataFrame({"id": ["1"], "Name": [name], "Email": ["x@example.com"]}).to_csv(tmp_path / "s.csv", index=False)
    row = load_source(_sources(tmp_path, "sources:\n  s: {kind: csv, path: s.csv, "
                                         "columns: {record_id: id, full_name: Name, email: Email}}\n")["s"]).records.iloc[0]
    assert (row["company"], row["first_name"], row["last_name"]) == (company, first, last)


def test_review_findings_nothing_dropped_in_silence(tmp_path):
    """A filled "No" under present: is refused; two files named alike are refused; renamed extras
    never overwrite each other; generated ids survive an added empty column; date-only values stay
    dates under a time zone; names such as "Nan" are published."""
    from steward.normalise.values import clean_text_value

    (tmp_path / "f.csv").write_text("id,Newsletter\n1,Yes\n2,No\n")
    cfg = _sources(tmp_path, "sources:\n  f: {kind: csv, path: f.csv, columns: {record_id: id, last_name: id, "
                             "email_opt_in: {column: Newsletter, present: yes}}}\n")["f"]
    with pytest.raises(SourceError, match=r"hold answers that say no: 'No' \(1 row\).*map it with values: instead"):
        load_source(cfg)

    (tmp_path / "d1").mkdir(), (tmp_path / "d2").mkdir()
    for d in ("d1", "d2"):
        (tmp_path / d / "contacts.csv").write_text("id,Name\n1,Ann Lee\n")
    with pytest.raises(ConfigError, match=r"would both be source 'contacts'"):
        sources_for_files([tmp_path / "d1" / "contacts.csv", tmp_path / "d2" / "contacts.csv"], "stripe", None,
                          REPO / "rules")

    (tmp_path / "e.csv").write_text("id,Last,Tags,Labels\n1,Lee,vip,n1\n")
    cfg = _sources(tmp_path, "sources:\n  e: {kind: csv, path: e.csv, columns: {record_id: id, last_name: Last}, "
                             "extra_columns: {Tags: tags, Labels: tags}}\n")["e"]
    with pytest.raises(SourceError, match=r"columns 'Tags' and 'Labels' .* would both be kept as 'extra_tags'"):
        load_source(cfg)

    (tmp_path / "g.csv").write_text("When,Email\n3/5/2024 14:14:07,a@example.com\n")
    body = "sources:\n  g: {preset: google_forms, path: g.csv}\n"
    before = load_source(_sources(tmp_path, body)["g"]).records["record_id"].iloc[0]
    (tmp_path / "g.csv").write_text("Email,New question,When\na@example.com,,3/5/2024 14:14:07\n")
    assert load_source(_sources(tmp_path, body)["g"]).records["record_id"].iloc[0] == before

    (tmp_path / "t.csv").write_text("id,Created\n1,2024-03-05\n")
    cfg = _sources(tmp_path, "sources:\n  t: {kind: csv, path: t.csv, timezone: Europe/Berlin, "
                             "columns: {record_id: id, last_name: id, created_at: Created}}\n")["t"]
    assert load_source(cfg).records["created_at"].iloc[0] == "2024-03-04T23:00:00"

    assert [clean_text_value(v) for v in ("Nan", "Null", "None", "Nat", "n/a", " ")] == \
        ["Nan", "Null", "None", "Nat", None, None]


def test_check_lists_extra_columns_renamed_alike_instead_of_stopping(tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules", dirs_exist_ok=True)
    (tmp_path / "e.csv").write_text("id,Last,Tags,Labels,News\n1,Lee,vip,n1,vielleicht\n")
    (tmp_path / "rules" / "sources.yaml").write_text(
        "sources:\n  e: {kind: csv, path: e.csv, columns: {record_id: id, last_name: Last, email_opt_in: News}, "
        "extra_columns: {Tags: tags, Labels: tags}}\n")
    errors = [str(p) for p in check_project(load_project(tmp_path)).errors]
    assert any("would both be kept as 'extra_tags'" in e for e in errors), errors
    assert any("'vielleicht' (1 row)" in e for e in errors), errors
