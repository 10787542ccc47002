"""The demo data generator: files, determinism, ground truth and the traps it promises."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pandas as pd
import phonenumbers
import pytest

from steward.config import confirmed_sources, parse_sources, read_yaml
from steward.demo import (
    COUNTRY_LABELS,
    ENGLISH_NAME,
    EVENTS_COLUMNS,
    ISO3,
    LEGACY_COLUMNS,
    REFERENCE_DATE,
    SOURCE_FILES,
    SUPPORT_COLUMNS,
    WEBSHOP_COLUMNS,
    generate_demo_data,
)
from steward.merge.consent import (
    age_ranges,
    consent_violations,
    golden_consent,
    member_consent,
    minor_mask,
)
from steward.run import load_all
from steward.sources.load import canonical_csv_sources, load_source

ENTITIES = 300


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Path]:
    return generate_demo_data(tmp_path_factory.mktemp("demo"), entities=ENTITIES, seed=11)


def _broken_lines(demo, source: str) -> set[int]:
    broken = pd.read_csv(demo["broken_rows"], dtype=str)
    return {int(x) for x in broken.loc[broken["source"] == source, "line"]}


def _webshop(demo) -> pd.DataFrame:
    frame = pd.read_csv(demo["webshop"], dtype=str, keep_default_na=False, encoding="utf-8")
    frame.index = frame.index + 2  # file line numbers
    return frame.drop(index=sorted(_broken_lines(demo, "webshop")))


def _support(demo) -> pd.DataFrame:
    with open(demo["support"], encoding="cp1252", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        rows = [row for row in reader if len(row) == len(header)]
    return pd.DataFrame(rows, columns=header)


def _events(demo) -> pd.DataFrame:
    return pd.read_excel(demo["events"], sheet_name="Signups", dtype=object)


def _legacy(demo) -> pd.DataFrame:
    con = sqlite3.connect(demo["legacy_crm"])
    try:
        return pd.read_sql_query("SELECT * FROM contacts", con)
    finally:
        con.close()


def _truth(demo) -> pd.DataFrame:
    return pd.read_csv(demo["ground_truth"], dtype=str, keep_default_na=False)


def test_writes_every_file(demo):
    assert set(demo) == {"webshop", "events", "support", "legacy_crm", "ground_truth", "broken_rows", "readme"}
    for name, file_name in SOURCE_FILES.items():
        assert demo[name].name == file_name
    for path in demo.values():
        assert path.is_file() and path.stat().st_size > 0
    readme = demo["readme"].read_text(encoding="utf-8").strip().splitlines()
    assert 5 <= len(readme) <= 12


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a = generate_demo_data(tmp_path / "a", entities=ENTITIES, seed=5)
    b = generate_demo_data(tmp_path / "b", entities=ENTITIES, seed=5)
    c = generate_demo_data(tmp_path / "c", entities=ENTITIES, seed=6)
    for name in ("webshop", "support", "ground_truth", "broken_rows", "events"):
        assert a[name].read_bytes() == b[name].read_bytes(), name
    assert _legacy(a).equals(_legacy(b))
    assert a["webshop"].read_bytes() != c["webshop"].read_bytes()
    assert a["ground_truth"].read_bytes() != c["ground_truth"].read_bytes()


def test_ground_truth_lists_every_readable_record_exactly_once(demo):
    truth = _truth(demo)
    assert list(truth.columns) == ["source", "record_id", "entity_id"]
    assert not truth.duplicated(["source", "record_id"]).any()
    assert set(truth["source"]) == {"webshop", "events", "support", "legacy_crm"}
    read = {
        "webshop": _webshop(demo)["customer_id"],
        "events": _events(demo)["signup_id"].map(lambda v: str(int(v))),
        "support": _support(demo)["requester_id"],
        "legacy_crm": _legacy(demo)["CONTACT_ID"].astype(str),
    }
    for source, ids in read.items():
        assert not ids.duplicated().any(), source
        assert (ids != "").all(), source
        listed = truth.loc[truth["source"] == source, "record_id"]
        assert sorted(ids) == sorted(listed), source
    assert truth["entity_id"].nunique() == ENTITIES


def test_broken_rows_are_few_listed_and_really_broken(demo):
    broken = pd.read_csv(demo["broken_rows"], dtype=str, keep_default_na=False)
    assert list(broken.columns) == ["source", "file", "line", "record_id", "problem"]
    assert 1 <= len(broken) <= 6
    lines = demo["webshop"].read_text(encoding="utf-8").split("\n")
    ids_seen: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        rid = next(csv.reader([line]))[0]
        if number in _broken_lines(demo, "webshop"):
            assert rid == "" or rid in ids_seen  # empty id or a repeated one
        else:
            assert rid and rid not in ids_seen
        ids_seen.append(rid)
    raw = demo["support"].read_bytes().decode("cp1252").split("\n")
    for number in _broken_lines(demo, "support"):
        assert raw[number - 1].count(";") > len(SUPPORT_COLUMNS) - 1
    truth = _truth(demo)
    listed = set(zip(truth["source"], truth["record_id"]))
    for source, rid in zip(broken["source"], broken["record_id"]):
        if source == "support":
            assert (source, rid) not in listed


def test_people_appear_in_several_sources_and_twice_in_one(demo):
    truth = _truth(demo)
    sources_per_entity = truth.groupby("entity_id")["source"].nunique()
    share = sources_per_entity.value_counts(normalize=True)
    assert 0.30 <= share.get(1, 0) <= 0.60
    assert share.get(2, 0) > 0.15 and share.get(3, 0) > 0.05 and share.get(4, 0) > 0
    within = truth.groupby(["entity_id", "source"]).size()
    assert (within == 2).sum() >= 3  # true duplicates inside one source


def _region_lookup() -> dict[str, str]:
    table = {}
    for code in ISO3:
        table[code.lower()] = code
        table[ISO3[code].lower()] = code
        table[ENGLISH_NAME[code].lower()] = code
        for label, _ in COUNTRY_LABELS[code]:
            table[label.lower()] = code
    return table


def _all_phones(demo) -> pd.DataFrame:
    """source, record_id, raw phone, region the loader would use."""
    regions = _region_lookup()

    def region(value, default):
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
            return default
        return regions[str(value).strip().lower()]

    web, ev, sup, leg = _webshop(demo), _events(demo), _support(demo), _legacy(demo)
    parts = [
        pd.DataFrame({"source": "webshop", "record_id": web["customer_id"], "phone": web["Phone"],
                      "region": [region(v, "DE") for v in web["Country"]]}),
        pd.DataFrame({"source": "events", "record_id": ev["signup_id"].map(lambda v: str(int(v))),
                      "phone": ev["Mobile"], "region": [region(v, None) for v in ev["Country"]]}),
        pd.DataFrame({"source": "support", "record_id": sup["requester_id"], "phone": sup["tel"],
                      "region": [region(v, None) for v in sup["country_code"]]}),
        pd.DataFrame({"source": "legacy_crm", "record_id": leg["CONTACT_ID"].astype(str), "phone": leg["PHONE_NO"],
                      "region": [region(v, "DE") for v in leg["COUNTRY"]]}),
    ]
    phones = pd.concat(parts, ignore_index=True)
    phones = phones[phones["phone"].notna() & (phones["phone"].astype(str).str.strip() != "")]
    return phones.reset_index(drop=True)


def _e164(raw: str, region: str | None) -> str:
    number = phonenumbers.parse(str(raw), region)
    assert phonenumbers.is_valid_number(number), (raw, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_every_phone_is_valid_for_its_records_country(demo):
    phones = _all_phones(demo)
    assert len(phones) > ENTITIES
    e164 = [_e164(raw, region) for raw, region in zip(phones["phone"], phones["region"])]
    assert all(re.fullmatch(r"\+\d{8,15}", x) for x in e164)
    # The formats really differ per source.
    events = phones[phones["source"] == "events"]["phone"]
    assert events.str.startswith("0").any() or events.str.startswith("(").any()  # national format
    support = phones[phones["source"] == "support"]["phone"]
    assert support.str.startswith("00").any() and support.str.contains("ext.").any()


def test_traps_shared_inbox_and_switchboard(demo):
    truth = _truth(demo).set_index(["source", "record_id"])["entity_id"]
    web, ev, sup, leg = _webshop(demo), _events(demo), _support(demo), _legacy(demo)
    emails = pd.concat([
        pd.DataFrame({"key": list(zip(["webshop"] * len(web), web["customer_id"])), "email": web["E-mail"]}),
        pd.DataFrame({"key": list(zip(["events"] * len(ev), ev["signup_id"].map(lambda v: str(int(v))))),
                      "email": ev["Email Address"]}),
        pd.DataFrame({"key": list(zip(["support"] * len(sup), sup["requester_id"])), "email": sup["mail"]}),
        pd.DataFrame({"key": list(zip(["legacy_crm"] * len(leg), leg["CONTACT_ID"].astype(str))),
                      "email": leg["EMAIL_ADDR"]}),
    ], ignore_index=True)
    emails = emails[emails["email"].notna()]
    emails["norm"] = emails["email"].astype(str).str.strip().str.lower()
    emails = emails[emails["norm"] != ""]
    emails["entity"] = emails["key"].map(truth)
    per_email = emails.groupby("norm")["entity"].nunique()
    assert (per_email >= 2).any(), "no inbox shared by two people"

    phones = _all_phones(demo)
    phones["e164"] = [_e164(raw, region) for raw, region in zip(phones["phone"], phones["region"])]
    phones["entity"] = [truth[(s, r)] for s, r in zip(phones["source"], phones["record_id"])]
    per_phone = phones.groupby("e164")["entity"].nunique()
    assert (per_phone >= 3).any(), "no switchboard number shared by three people"


def test_same_name_different_people(demo):
    truth = _truth(demo).set_index(["source", "record_id"])["entity_id"]
    web = _webshop(demo)
    leg = _legacy(demo)
    names = pd.concat([
        pd.DataFrame({"name": (web["First Name"] + " " + web["Last Name"]).str.lower(),
                      "entity": [truth[("webshop", r)] for r in web["customer_id"]]}),
        pd.DataFrame({"name": (leg["FNAME"].fillna("") + " " + leg["LNAME"].fillna("")).str.lower(),
                      "entity": [truth[("legacy_crm", str(r))] for r in leg["CONTACT_ID"]]}),
    ])
    assert (names.groupby("name")["entity"].nunique() >= 2).any()


def test_consent_conflicts_between_sources(demo):
    truth = _truth(demo).set_index(["source", "record_id"])["entity_id"]
    web, leg = _webshop(demo), _legacy(demo)
    opted_in = {truth[("webshop", r)] for r, v in zip(web["customer_id"], web["Newsletter"]) if v == "yes"}
    opted_out = {truth[("legacy_crm", str(r))] for r, v in zip(leg["CONTACT_ID"], leg["OPT_OUT"]) if v == 1}
    assert opted_in & opted_out
    assert set(web["Newsletter"]) <= {"yes", "no", ""}
    assert set(_events(demo)["Marketing consent"].dropna()) <= {"Y", "N"}
    assert set(leg["OPT_OUT"]) <= {0, 1}


def test_excel_and_sqlite_have_the_documented_columns(demo):
    from openpyxl import load_workbook

    wb = load_workbook(demo["events"], read_only=True)
    assert wb.sheetnames == ["Signups"]
    first_rows = list(wb["Signups"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert list(first_rows[0]) == EVENTS_COLUMNS
    assert isinstance(first_rows[1][0], int)  # signup_id is a number
    wb.close()
    events = _events(demo)
    assert events["Signed up"].astype(str).str.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}").all()
    assert events["Name"].str.contains(",").any()  # "Last, First"
    assert events["Country"].dropna().isin(["Deutschland", "Allemagne", "UK", "USA", "Germany"]).any()

    con = sqlite3.connect(demo["legacy_crm"])
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = [r[1] for r in con.execute("PRAGMA table_info(contacts)")]
    finally:
        con.close()
    assert tables == ["contacts"]
    assert columns == LEGACY_COLUMNS
    legacy = _legacy(demo)
    assert legacy["DOB"].dropna().str.fullmatch(r"\d{2}\.\d{2}\.\d{4}").all()
    assert legacy["UPDATED_DATE"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    assert (legacy["UPDATED_DATE"] < "2021-01-01").all()  # stale: last touched 5-9 years ago
    assert legacy["COUNTRY"].dropna().isin(ISO3.values()).any()


def test_csv_shapes(demo):
    web_header = demo["webshop"].read_text(encoding="utf-8").split("\n", 1)[0]
    assert next(csv.reader([web_header])) == WEBSHOP_COLUMNS
    raw = demo["support"].read_bytes()
    assert raw.decode("cp1252").split("\n", 1)[0].split(";") == SUPPORT_COLUMNS
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accents are single cp1252 bytes
    web = _webshop(demo)
    assert web["Country"].isin(list(ISO3) + [""]).all()
    assert web["Registered"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert set(web["loyalty_tier"]) <= {"Gold", "Silver", ""}
    births = pd.to_datetime(web["Birthday"].replace("", None), format="%Y-%m-%d")
    assert ((pd.Timestamp("2025-10-01") - births).dt.days < 18 * 365).any() or (
        (pd.Timestamp("2025-10-01") - pd.to_datetime(_legacy(demo)["DOB"], format="%d.%m.%Y")).dt.days < 18 * 365
    ).any()  # minors exist
    sup = _support(demo)
    codes = set(sup["country_code"])
    assert "" in codes and any(c.islower() for c in codes) and any(c.isupper() for c in codes)
    assert sup["created"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()


def test_mapping_file_reads_the_demo_exports(demo, repo_root):
    """rules/demo_sources.yaml + the loader: every readable record comes through,
    the broken rows land in quarantine."""
    rules = repo_root / "rules" / "demo_sources.yaml"
    configs = parse_sources(read_yaml(rules), demo["ground_truth"].parent, rules)
    assert list(configs) == ["webshop", "events", "support", "legacy_crm"]
    truth = _truth(demo)
    quarantined = 0
    for name, cfg in configs.items():
        loaded = load_source(cfg)
        quarantined += len(loaded.quarantine)
        records = loaded.records
        assert sorted(records["record_id"]) == sorted(truth.loc[truth["source"] == name, "record_id"]), name
        assert (records["date_issues"] == "").all(), name  # every date fits the declared format
        assert records["created_at"].notna().all(), name
    assert quarantined == len(pd.read_csv(demo["broken_rows"]))


def test_too_few_entities_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate_demo_data(tmp_path, entities=3)


@pytest.mark.parametrize("entities,seed", [(20, 1), (57, 2), (120, 3)])
def test_small_populations_still_work(tmp_path, entities, seed):
    files = generate_demo_data(tmp_path, entities=entities, seed=seed)
    truth = _truth(files)
    assert truth["entity_id"].nunique() == entities
    assert not truth.duplicated(["source", "record_id"]).any()


# --------------------------------------------------------------------------------------
# Consent per channel and children (rules/consent.yaml)
# --------------------------------------------------------------------------------------


def _mapped(directory: Path, repo_root: Path):
    rules = repo_root / "rules" / "demo_sources.yaml"
    configs = parse_sources(read_yaml(rules), directory, rules)
    records, _ = load_all(configs)
    truth = pd.read_csv(directory / "ground_truth.csv", dtype=str, keep_default_na=False)
    return records.merge(truth, on=["source", "record_id"], how="left", validate="1:1"), configs


def test_demo_consent_traps_and_no_golden_opt_in_next_to_an_opt_out(demo, repo_root):
    records, configs = _mapped(demo["ground_truth"].parent, repo_root)
    assert records["entity_id"].notna().all()
    confirmed = confirmed_sources(configs)
    assert confirmed == {"events"}  # the sign-up tool writes Y only after the confirmation click
    golden = golden_consent(records, cluster_col="entity_id", confirmed_sources=confirmed)
    assert len(golden) == ENTITIES
    for channel in ("email", "phone"):
        status = member_consent(records, channel, confirmed)
        per_person = pd.DataFrame({"entity": records["entity_id"], "source": records["source"], "status": status})
        out = per_person[per_person["status"] == "opted_out"]
        in_ = per_person[per_person["status"] == "opted_in"]
        # People who opted in in one source and out in another.
        conflicts = out.merge(in_, on="entity", suffixes=("_out", "_in"))
        conflicts = conflicts[conflicts["source_out"] != conflicts["source_in"]]
        assert conflicts["entity"].nunique() >= 5, channel
        assert (golden.loc[conflicts["entity"].unique(), f"{channel}_consent"] == "opted_out").all()
        assert (status == "unconfirmed").sum() >= 5, channel  # a "yes" nobody confirmed
        assert set(golden[f"{channel}_consent"]) == {"opted_out", "opted_in", "unconfirmed", "unknown"}
        # Acceptance: no golden record is opted in where any member opted out.
        any_out = (status == "opted_out").groupby(records["entity_id"]).any()
        assert not ((golden[f"{channel}_consent"] == "opted_in") & any_out.reindex(golden.index)).any()
    assert consent_violations(golden, records, "entity_id", confirmed).empty
    assert (golden["email_opt_in"] == "yes").sum() == (golden["email_consent"] == "opted_in").sum()


def test_demo_has_children_under_16_with_a_date_of_birth(demo, repo_root):
    records, _ = _mapped(demo["ground_truth"].parent, repo_root)
    dated = records[records["date_of_birth"].notna()].drop_duplicates("entity_id")
    children = minor_mask(dated["date_of_birth"], REFERENCE_DATE.date())
    assert children.sum() >= 3
    assert set(age_ranges(dated.loc[children, "date_of_birth"], REFERENCE_DATE.date())) == {"0-5", "6-12", "13-15"}


def test_demo_consent_columns_and_values(demo):
    web, ev, leg = _webshop(demo), _events(demo), _legacy(demo)
    assert set(web["Newsletter DOI"]) == {"confirmed", "pending", ""}
    assert (web.loc[web["Newsletter DOI"] != "", "Newsletter"] == "yes").all()  # DOI only follows a yes
    assert set(web["SMS"]) == {"yes", "no", ""} and set(web["SMS DOI"]) <= {"confirmed", "pending", ""}
    assert (web.loc[web["SMS"] != "", "Phone"] != "").all()  # SMS consent only where there is a phone
    stamped = web.loc[web["Consent changed"] != ""]
    assert 0 < len(stamped) < len(web)  # some rows fall back to Last Update
    assert stamped["Consent changed"].str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert (stamped["Consent changed"] >= stamped["Registered"]).all()
    assert set(ev["SMS consent"].dropna()) == {"Y", "N"}
    assert set(leg["PHONE_OPT_OUT"]) == {0, 1}


def test_canonical_csvs_keep_the_source_declaration(demo_dir, repo_root):
    """steward dedupe's canonical CSVs travel without rules/demo_sources.yaml: the events
    source's consent_confirmed is written into its rows, so golden consent is the same."""
    mapped, configs = _mapped(demo_dir, repo_root)
    canonical, _ = load_all({c.name: c for c in canonical_csv_sources(sorted((demo_dir / "canonical").glob("*.csv")))})
    truth = pd.read_csv(demo_dir / "ground_truth.csv", dtype=str, keep_default_na=False)
    canonical = canonical.merge(truth, on=["source", "record_id"], how="inner", validate="1:1")
    expected = golden_consent(mapped, cluster_col="entity_id", confirmed_sources=confirmed_sources(configs))
    got = golden_consent(canonical, cluster_col="entity_id")
    pd.testing.assert_frame_equal(got, expected)
