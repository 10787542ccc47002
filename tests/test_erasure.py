"""Erasure requests: hashed suppression list, matching, whole-person suppression, reruns."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
import yaml

from steward.config import ConfigError, ErasureConfig, Project
from steward.config.erasure import KINDS
from steward.errors import StewardError
from steward.normalise.stage import normalise_contacts
from steward.privacy.erasure_list import LIST_COLUMNS, ErasureListError, load_erasure_list
from steward.privacy.hashing import hash_identifier, identifier_hashes, salt_id
from steward.privacy.quarantine import scrub_quarantine, to_quarantine
from steward.privacy.requests import ErasureRequest, add_erasure_request, erasure_request_rows
from steward.privacy.suppression import (
    SUPPRESSED_COLUMNS,
    apply_erasure,
    erased_records,
    erasure_matches,
    erasure_summary,
    suppress,
)
from steward.schema import CANONICAL_COLUMNS
from steward.sources.load import QUARANTINE_COLUMNS

from .conftest import NICKNAME_FILE

SALT = "test-pepper"


def _record(**values):
    base = {c: None for c in CANONICAL_COLUMNS}
    base.update(email_opt_in="unknown", source_default_country="DE", source_row=2)
    base.update(values)
    return base


def _contacts(rows):
    return normalise_contacts(pd.DataFrame([_record(**r) for r in rows]), nickname_file=NICKNAME_FILE)


JOHN_SHOP = {"source": "shop", "record_id": "1", "first_name": "John", "last_name": "Doe",
             "email": "john.doe@gmail.com", "phone": "0171 2345678", "address_line1": "Hauptstr. 5",
             "city": "Berlin", "postcode": "10115", "country": "DE", "date_of_birth": "1980-04-02"}
# The same person in another source: no email, only the phone (and address) in common.
JOHN_CRM = {"source": "crm", "record_id": "7", "first_name": "John", "last_name": "Doe", "phone": "+49 171 2345678",
            "address_line1": "Hauptstrasse 5", "city": "Berlin", "postcode": "10115", "country": "Germany"}
JANE = {"source": "crm", "record_id": "8", "first_name": "Jane", "last_name": "Roe", "email": "jane@example.org",
        "phone": "030 12345678"}
MAX = {"source": "shop", "record_id": "2", "first_name": "Max", "last_name": "Mustermann", "email": "max@example.de"}


def _list_file(tmp_path, **request):
    path = tmp_path / "erasure_list.csv"
    add_erasure_request(path, ErasureRequest(**request), salt=SALT)
    return path


def _config(path, **kw) -> ErasureConfig:
    return ErasureConfig(config_file=path.parent / "erasure.yaml", list_path=path, **kw)


# -- hashing -------------------------------------------------------------------------------------------

def test_hash_is_documented_hmac_sha256():
    # Same value as: printf '%s' 'email:johndoe@gmail.com' | openssl dgst -sha256 -hmac ""
    assert hash_identifier("email", "johndoe@gmail.com", salt="") == (
        "9cdedd94ffd3e481423f8ca2cee8440145d9c772a39c413a973b66d3a342d0d4")
    assert hash_identifier("name_dob", "jurgen|muller|1980-04-02", salt="pepper") == (
        "b877735d03fe2661079630c37b1b8aca5b804313c703e9a8017fa3d2ba6538e1")
    # The kind is hashed too: the same text as an email and as a phone never collide.
    assert hash_identifier("email", "x", salt="") != hash_identifier("phone", "x", salt="")


def _hash_of(kind, **request):
    rows = erasure_request_rows(ErasureRequest(**request), salt=SALT)
    return rows.set_index("kind").loc[kind, "hash"]


def test_hashes_do_not_depend_on_how_identifiers_were_typed():
    emails = [" John.Doe@Gmail.com ", "john.doe@gmail.com", "johndoe@googlemail.com", "john.doe+news@gmail.com"]
    assert len({_hash_of("email", email=e) for e in emails}) == 1
    phones = [("+49 30 12345678", None), ("030 12345678", "DE"), ("0049 (0)30 1234 5678", None),
              ("030/12345678", "Germany")]
    assert len({_hash_of("phone", phone=p, country=c) for p, c in phones}) == 1
    names = [("Jürgen", "Müller"), ("JUERGEN", "mueller"), ("Müller", "Jürgen"), ("Dr. Jürgen", "Müller")]
    hashes = {_hash_of("name_dob", first_name=f, last_name=ln, date_of_birth="1980-04-02") for f, ln in names}
    assert hashes == {hash_identifier("name_dob", "jurgen|muller|1980-04-02", salt=SALT)}
    assert _hash_of("name_dob", first_name="Jürgen", last_name="Müller", date_of_birth="1980-04-03") not in hashes


def test_request_hashes_equal_the_pipeline_hashes_of_the_same_person():
    contacts = _contacts([JOHN_SHOP, JOHN_CRM])
    hashes = identifier_hashes(contacts, salt=SALT)
    request = ErasureRequest(email=" John.Doe@GMAIL.com", phone="+491712345678", first_name="john",
                             last_name="DOE", date_of_birth="1980-04-02")
    rows = erasure_request_rows(request, salt=SALT).set_index("kind")["hash"]
    assert hashes.loc[0, "email_hash"] == rows["email"]
    assert hashes.loc[0, "phone_hash"] == hashes.loc[1, "phone_hash"] == rows["phone"]
    assert hashes.loc[0, "name_dob_hash"] == rows["name_dob"]
    assert hashes.loc[1, ["email_hash", "name_dob_hash"]].isna().all()  # no email, no date of birth


def test_salt_from_the_environment_changes_every_hash(tmp_path, monkeypatch):
    config = _config(tmp_path / "list.csv")
    monkeypatch.setenv("STEWARD_ERASURE_SALT", "one")
    first = erasure_request_rows(ErasureRequest(email="a@example.com"), salt=config.salt())
    monkeypatch.setenv("STEWARD_ERASURE_SALT", "two")
    second = erasure_request_rows(ErasureRequest(email="a@example.com"), salt=config.salt())
    assert first.loc[0, "hash"] != second.loc[0, "hash"]
    assert first.loc[0, "salt_id"] == salt_id("one") != second.loc[0, "salt_id"]
    monkeypatch.delenv("STEWARD_ERASURE_SALT")
    assert config.salt() == ""


def test_a_run_under_another_salt_is_refused_not_silently_empty(tmp_path, monkeypatch, caplog):
    path = _list_file(tmp_path, email="john.doe@gmail.com", reference="T-1")
    config = _config(path)
    monkeypatch.setenv("STEWARD_ERASURE_SALT", "not-the-salt")
    with pytest.raises(ErasureListError, match=rf"{path}: row 2: made with a different salt"):
        load_erasure_list(config)
    monkeypatch.setenv("STEWARD_ERASURE_SALT", SALT)
    assert len(load_erasure_list(config)) == 1
    # Empty salt works for hand-made rows without salt_id, with a warning.
    path.write_text("hash,kind\n" + hash_identifier("email", "x@example.com", salt="") + ",email\n")
    with caplog.at_level(logging.WARNING, logger="steward.privacy.erasure"):
        assert len(load_erasure_list(config, salt="")) == 1
    assert "unsalted" in caplog.text


# -- the list file -------------------------------------------------------------------------------------

def test_list_file_holds_no_clear_text(tmp_path):
    request = {"email": " John.Doe@Gmail.com ", "phone": "0171 2345678", "country": "DE", "first_name": "Jürgen",
               "last_name": "Müller", "date_of_birth": "1980-04-02", "reference": "GDPR-2026-0042"}
    path = _list_file(tmp_path, **request)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(LIST_COLUMNS)
    assert len(lines) == 4 and {line.split(",")[1] for line in lines[1:]} == set(KINDS)
    lowered = text.casefold()
    for clear in ["john", "doe", "gmail", "2345678", "+49", "jürgen", "jurgen", "müller", "muller", "1980"]:
        assert clear not in lowered, clear
    assert "GDPR-2026-0042" in text


def test_adding_the_same_request_twice_writes_it_once(tmp_path):
    path = _list_file(tmp_path, email="john.doe@gmail.com", reference="T-1")
    again = add_erasure_request(path, ErasureRequest(email="JOHN.DOE@gmail.com", phone="+49 171 2345678",
                                                     reference="T-2"), salt=SALT)
    assert again.set_index("kind")["added"].to_dict() == {"email": False, "phone": True}
    assert len(path.read_text().splitlines()) == 3
    with pytest.raises(ErasureListError, match="different salt"):
        add_erasure_request(path, ErasureRequest(email="other@example.com"), salt="another salt")


@pytest.mark.parametrize("request_kw, message", [
    ({"email": "john@", "reference": "T"}, "email: not a valid email address"),
    ({"phone": "030 12345678"}, r"national number needs country"),
    ({"first_name": "John", "last_name": "Doe"}, "only together"),
    ({"first_name": "John", "last_name": "Doe", "date_of_birth": "02/04/1980"}, "ISO date"),
    ({}, "at least one identifier"),
    ({"email": "john.doe@gmail.com", "reference": "john.doe@gmail.com asked"}, "reference"),
    ({"phone": "+49 171 2345678", "reference": "call back 0171-2345678"}, "reference"),
    ({"first_name": "John", "last_name": "Doe", "date_of_birth": "1980-04-02", "reference": "Doe, J."}, "reference"),
])
def test_bad_requests_are_refused_without_echoing_the_values(request_kw, message):
    with pytest.raises(ValueError, match=message) as info:
        erasure_request_rows(ErasureRequest(**request_kw), salt=SALT)
    assert "12345678" not in str(info.value) and "john@" not in str(info.value)


def test_a_reference_that_merely_contains_a_name_inside_a_word_is_fine():
    rows = erasure_request_rows(ErasureRequest(first_name="Tom", last_name="Lee", date_of_birth="1990-01-01",
                                               reference="custom-42"), salt=SALT)
    assert rows.loc[0, "reference"] == "custom-42"


def test_missing_list_file_means_nobody_is_erased(tmp_path):
    config = _config(tmp_path / "nope.csv")
    erasure_list = load_erasure_list(config, salt=SALT)
    assert erasure_list.empty
    contacts = _contacts([JOHN_SHOP, JANE])
    kept, suppressed = apply_erasure(contacts, None, erasure_list, salt=SALT)
    assert kept.all() and suppressed.empty and list(suppressed.columns) == SUPPRESSED_COLUMNS
    with pytest.raises(ErasureListError, match="required: true"):
        load_erasure_list(_config(tmp_path / "nope.csv", required=True), salt=SALT)


def test_malformed_list_errors_name_the_file_and_row(tmp_path):
    good = hash_identifier("email", "a@example.com", salt=SALT)
    path = tmp_path / "erasure_list.csv"
    config = _config(path)

    def error_for(text):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ErasureListError) as info:
            load_erasure_list(config, salt=SALT)
        return str(info.value)

    message = error_for(f"hash,kind,reference\n{good},email,T-1\njohn.doe@gmail.com,email,T-2\n{good},fax,T-3\n")
    assert f"{path}: row 3: hash: not a SHA-256 hex digest" in message
    assert "row 4: kind: expected one of" in message and "'fax'" in message
    assert "john.doe@gmail.com" not in message  # a clear-text value pasted by mistake is not logged
    message = error_for(f"hash,kind\n{good},email\n\n{good},email,extra\n")
    assert f"{path}: row 4: expected 2 fields" in message
    message = error_for(f"hash,kind,email\n{good},email,a@example.com\n")
    assert f"{path}: row 1: unknown column(s) ['email']" in message
    message = error_for("kind,reference\nemail,T-1\n")
    assert "row 1: missing column(s) ['hash']" in message
    message = error_for(f"hash,kind,requested_at\n{good},email,yesterday\n")
    assert "row 2: requested_at: expected an ISO 8601" in message


def test_list_file_edited_in_excel_and_upper_case_hashes_load(tmp_path):
    good = hash_identifier("phone", "+491712345678", salt=SALT)
    path = tmp_path / "erasure_list.csv"
    path.write_bytes(("\ufeffHash;Kind\n".replace(";", ",") + good.upper() + ",PHONE\r\n").encode("utf-8"))
    erasure_list = load_erasure_list(_config(path), salt=SALT)
    assert erasure_list.loc[0, ["hash", "kind", "row"]].tolist() == [good, "phone", 2]


def test_list_can_live_in_a_database_table(tmp_path):
    import sqlalchemy as sa

    db = tmp_path / "erasure.sqlite"
    rows = erasure_request_rows(ErasureRequest(email="john.doe@gmail.com", reference="T-9"), salt=SALT)
    engine = sa.create_engine(f"sqlite:///{db}")
    rows.to_sql("erasure_list", engine, index=False)
    engine.dispose()
    config = ErasureConfig(config_file=tmp_path / "erasure.yaml", list_path=None, url=f"sqlite:///{db}",
                           table="erasure_list")
    erasure_list = load_erasure_list(config, salt=SALT)
    assert erasure_list.loc[0, ["kind", "reference", "row"]].tolist() == ["email", "T-9", 1]
    missing = ErasureConfig(config_file=tmp_path / "erasure.yaml", url=f"sqlite:///{db}", table="nope")
    assert load_erasure_list(missing, salt=SALT).empty


# -- rules/erasure.yaml --------------------------------------------------------------------------------

def test_project_erasure_config_defaults_and_validation(project_copy):
    project = Project(project_copy)
    rules = project_copy / "rules" / "erasure.yaml"
    config = project.erasure()  # the shipped, commented file
    assert config.list_path == (project_copy / "data" / "erasure_list.csv").resolve()
    assert config.salt_env == "STEWARD_ERASURE_SALT" and config.identifiers == KINDS and not config.required
    rules.unlink()
    assert project.erasure().list_path == config.list_path  # defaults without the file
    for data, key in [({"lst": "x.csv"}, "lst"), ({"identifiers": ["email", "fax"]}, "identifiers"),
                      ({"salt_env": "not a name"}, "salt_env"), ({"table": "t"}, "url"),
                      ({"required": "yes"}, "required")]:
        rules.write_text(yaml.safe_dump(data))
        with pytest.raises(ConfigError, match=rf"{rules}: .*{key}"):
            project.erasure()
    rules.write_text(yaml.safe_dump({"list": "lists/erased.csv", "url": "sqlite:///data/crm.sqlite",
                                     "table": "erased", "identifiers": ["email"]}))
    config = project.erasure()
    assert config.list_path == (project_copy / "lists" / "erased.csv").resolve()
    assert config.url == f"sqlite:///{(project_copy / 'data' / 'crm.sqlite').resolve()}"
    assert config.identifiers == ("email",)


def test_an_unusable_list_is_a_config_error_meant_for_a_person():
    # Callers catch ConfigError (the CLI), StewardError or, as before the base existed, ValueError.
    assert issubclass(ErasureListError, ConfigError)
    assert issubclass(ErasureListError, StewardError) and issubclass(ErasureListError, ValueError)


# -- matching and suppression --------------------------------------------------------------------------

def test_person_erased_by_email_goes_with_their_records_linked_only_by_cluster(tmp_path):
    contacts = _contacts([JOHN_SHOP, JOHN_CRM, JANE, MAX])
    erasure_list = load_erasure_list(_config(_list_file(tmp_path, email=" John.Doe@Gmail.com ",
                                                        reference="GDPR-42")), salt=SALT)
    direct = erased_records(contacts, erasure_list, salt=SALT)
    assert direct.tolist() == [True, False, False, False]  # crm:7 has no email: only its cluster links it
    clusters = pd.DataFrame({"cluster": [0, 0, 1, 2]})
    kept, suppressed = suppress(contacts, clusters, erasure_matches(contacts, erasure_list, salt=SALT))
    assert kept.tolist() == [False, False, True, True]
    assert list(suppressed.columns) == SUPPRESSED_COLUMNS
    by_key = suppressed.set_index("contact_key")
    assert by_key.loc["shop:1", "reason"] == "erasure request GDPR-42 (email)"
    assert by_key.loc["crm:7", "reason"] == "erasure request GDPR-42 (same person as an erased record)"
    assert by_key.loc["crm:7", "matched_by"] == "cluster"
    # Nothing personal is kept: ids and reasons only.
    dump = suppressed.to_csv().casefold()
    for clear in ["john", "doe", "gmail", "2345678", "hauptstr", "berlin", "10115"]:
        assert clear not in dump
    quarantine = to_quarantine(suppressed, {"shop": "exports/shop.csv"})
    assert list(quarantine.columns) == QUARANTINE_COLUMNS
    assert (quarantine["raw"] == "").all() and quarantine["row"].tolist() == [2, 2]
    assert quarantine.set_index("source").loc["shop", ["location", "field"]].tolist() == ["exports/shop.csv", "email"]
    summary = erasure_summary(suppressed, erasure_list)
    assert summary == {"list_entries": 1, "suppressed_records": 2, "suppressed_people": 1, "matched_directly": 1,
                       "matched_through_cluster": 1, "by_source": {"crm": 1, "shop": 1}}


def test_each_identifier_kind_erases_and_inert_kinds_do_not(tmp_path):
    contacts = _contacts([JOHN_SHOP, JANE, MAX])
    path = tmp_path / "list.csv"
    add_erasure_request(path, ErasureRequest(phone="030 12345678", country="DE", reference="P"), salt=SALT)  # Jane
    add_erasure_request(path, ErasureRequest(first_name="DOE", last_name="john", date_of_birth="1980-04-02",
                                             reference="N"), salt=SALT)  # John, names swapped
    matches = erasure_matches(contacts, load_erasure_list(_config(path), salt=SALT), salt=SALT)
    assert matches["erased"].tolist() == [True, True, False]
    assert matches["matched_by"].tolist() == ["name_dob", "phone", ""]
    assert matches["reference"].tolist() == ["N", "P", ""]
    only_email = load_erasure_list(_config(path, identifiers=("email",)), salt=SALT)
    assert only_email.empty


def test_erased_people_stay_out_of_the_published_table_when_sources_reimport_them(tmp_path, repo_root):
    """Acceptance: erase, rerun with the person re-exported under new record ids: still absent."""
    from .conftest import run_dedupe
    from steward.sources.load import empty_quarantine

    project = Project(repo_root)
    matching = project.matching()
    # EM on four records would estimate nonsense; the configured model clusters John's two records.
    matching.setdefault("training", {})["estimate"] = False
    path = _list_file(tmp_path, email="john.doe@gmail.com", reference="GDPR-42")
    erasure_list = load_erasure_list(_config(path), salt=SALT)

    def published(rows):
        result, _ = run_dedupe(pd.DataFrame([_record(**r) for r in rows]), empty_quarantine(), matching,
                               project.survivorship(), keep_snapshot=False)
        kept, suppressed = apply_erasure(result.contacts, result.clusters, erasure_list, salt=SALT)
        from steward.merge.golden import Survivorship, build_golden_records

        merged = build_golden_records(result.contacts[kept].reset_index(drop=True),
                                      result.clusters[kept.to_numpy()].reset_index(drop=True),
                                      Survivorship(project.survivorship()))
        golden = merged.golden if hasattr(merged, "golden") else merged[0]
        # Nothing lost: every input record is published or suppressed, exactly once.
        assert sorted(result.contacts["contact_key"]) == sorted(
            result.contacts.loc[kept, "contact_key"].tolist() + suppressed["contact_key"].tolist())
        return golden, suppressed

    golden, suppressed = published([JOHN_SHOP, JOHN_CRM, JANE, MAX])
    assert sorted(suppressed["contact_key"]) == ["crm:7", "shop:1"]
    assert "Doe" not in set(golden["last_name"]) and "+491712345678" not in set(golden["phone"].dropna())
    assert sorted(golden["last_name"]) == ["Mustermann", "Roe"]

    # Next export: new ids, another source, the address typed differently: caught by the email again,
    # and the phone-only record with it through its cluster.
    again = [dict(JOHN_SHOP, source="webshop", record_id="A-991", email="JOHN.DOE@googlemail.com"),
             dict(JOHN_CRM, record_id="77"), JANE, MAX]
    golden, suppressed = published(again)
    assert sorted(suppressed["contact_key"]) == ["crm:77", "webshop:A-991"]
    assert sorted(golden["last_name"]) == ["Mustermann", "Roe"]


def test_suppress_checks_alignment_and_accepts_a_plain_mask():
    contacts = _contacts([JOHN_SHOP, JANE])
    with pytest.raises(ValueError, match="aligned"):
        suppress(contacts, pd.DataFrame({"cluster": [0]}), pd.Series([True, False]))
    kept, suppressed = suppress(contacts, None, pd.Series([False, True]))
    assert kept.tolist() == [True, False] and suppressed.loc[0, "reason"] == "erasure request (identifier)"


def test_quarantined_rows_of_erased_people_lose_their_values(tmp_path):
    erasure_list = load_erasure_list(_config(_list_file(tmp_path, email="john.doe@gmail.com", reference="T-1")),
                                     salt=SALT)
    quarantine = pd.DataFrame([
        {"source": "shop", "location": "shop.csv", "row": 9, "field": "record_id",
         "reason": "duplicate record_id '1' in source 'shop' (first seen at row 2)",
         "raw": '{"record_id": "1", "first_name": "John", "email": "John.Doe@gmail.com"}'},
        {"source": "shop", "location": "shop.csv", "row": 12, "field": "", "reason": "malformed CSV line",
         "raw": "5,John,Doe,johndoe@googlemail.com,extra"},
        {"source": "shop", "location": "shop.csv", "row": 13, "field": "", "reason": "malformed CSV line",
         "raw": "6,Jane,Roe,jane@example.org,extra"},
    ], columns=QUARANTINE_COLUMNS)
    scrubbed, count = scrub_quarantine(quarantine, erasure_list, salt=SALT)
    assert count == 2
    assert scrubbed["raw"].tolist() == ["", "", "6,Jane,Roe,jane@example.org,extra"]
    assert scrubbed.loc[1, "reason"] == "malformed CSV line [values removed: erasure request T-1]"
    assert len(scrubbed) == len(quarantine)  # the rows stay accounted for


def test_dedupe_scrubs_the_quarantine_as_the_pipeline_does(tmp_path, repo_root):
    """``steward dedupe`` and the Dagster assets take one path: a quarantined raw line holding an
    erased person's identifier loses its text in both (quarantine_for_run)."""
    from steward.run import Stewardship
    from steward.sources.load import empty_quarantine

    from .conftest import run_dedupe

    project = Project(repo_root)
    erasure_list = load_erasure_list(_config(_list_file(tmp_path, email="john.doe@gmail.com", reference="T-9")),
                                     salt=SALT)
    quarantine = pd.concat([empty_quarantine(), pd.DataFrame([
        {"source": "shop", "location": "shop.csv", "row": 12, "field": "", "reason": "malformed CSV line",
         "raw": "5,John,Doe,john.doe@gmail.com,extra"},
        {"source": "shop", "location": "shop.csv", "row": 13, "field": "", "reason": "malformed CSV line",
         "raw": "6,Jane,Roe,jane@example.org,extra"}])], ignore_index=True)
    records = pd.DataFrame([_record(source="shop", record_id="7", first_name="Jane", last_name="Roe",
                                    email="jane@example.org")])
    result, _ = run_dedupe(records, quarantine, project.matching(), project.survivorship(), keep_snapshot=False,
                           stewardship=Stewardship(erasure_list=erasure_list, erasure_salt=SALT))
    raw = result.quarantine.set_index("row")["raw"]
    assert raw[12] == "" and raw[13] == "6,Jane,Roe,jane@example.org,extra"
    assert "erasure request T-9" in result.quarantine.set_index("row").loc[12, "reason"]


def test_requests_recorded_before_plus_tags_left_the_key_still_erase():
    """Until 2026-12-04 a +tag stayed in the key on most domains; the list holds only hashes of
    those keys. Such an entry still finds the person, and a new request finds every tag variant."""
    contacts = _contacts([
        {"source": "shop", "record_id": "1", "first_name": "Jane", "last_name": "Doe", "email": "Jane.Doe+crm@acme-corp.de"},
        {"source": "crm", "record_id": "2", "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@acme-corp.de"},
        {"source": "crm", "record_id": "3", "first_name": "Max", "last_name": "Roe", "email": "max+crm@acme-corp.de"},
    ])
    assert contacts["email_key"].tolist()[:2] == ["jane.doe@acme-corp.de"] * 2
    old_entry = pd.DataFrame({"hash": [hash_identifier("email", "jane.doe+crm@acme-corp.de", salt=SALT)],
                              "kind": ["email"], "reference": ["GDPR-7"]})
    matches = erasure_matches(contacts, old_entry, salt=SALT)
    assert matches["erased"].tolist() == [True, False, False]
    assert matches["reference"].iloc[0] == "GDPR-7" and matches["matched_by"].iloc[0] == "email"
    new_entry = pd.DataFrame({"hash": [_hash_of("email", email="jane.doe+news@ACME-corp.de")], "kind": ["email"],
                              "reference": ["GDPR-8"]})
    assert erased_records(contacts, new_entry, salt=SALT).tolist() == [True, True, False]
