"""Golden values as a person writes them (issue 17).

Folding (case, accents, punctuation) is for matching only: the golden record keeps the
spelling a person wrote (Renée, not Renee), writes email addresses in lower case as
matching compares them, drops spreadsheet artefacts ('08007, '0171 ...), never publishes a
phone whose digits a spreadsheet lost (4.15555E+9), takes an address from the record that
fills most of its parts, and knows countries by their names in the users' languages.

Engine-level tables first (normalisers, then ``build_golden_records``), then one run of
the whole pipeline on two small CSV files.
"""

from __future__ import annotations

import pandas as pd
import pytest

from steward.audit import load_quality_config, run_audit
from steward.config import load_project
from steward.merge.golden import Survivorship, build_golden_records
from steward.normalise.country import normalise_countries
from steward.normalise.email import normalise_emails, published_emails
from steward.normalise.phone import PHONE_ISSUE_REASONS, normalise_phones, phone_texts
from steward.normalise.postcode import postcode_key
from steward.normalise.stage import normalise_contacts
from steward.normalise.values import accent_count, accent_fold, clean_text
from steward.run import load_all
from steward.sources.load import canonical_csv_sources

from .conftest import NICKNAME_FILE, REPO, run_dedupe

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}
# The project's own survivorship rules (rules/survivorship.yaml): names by most_frequent,
# most_complete, most_recent; the address group by most_complete, most_recent.
RULES = Survivorship(load_project(REPO).survivorship())


def _contacts(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([{**BASE, "source": "crm", "record_id": str(i), "email_opt_in": "unknown",
                           "source_default_country": "GB", "updated_at": f"2024-01-{i + 1:02d}T00:00:00", **r}
                          for i, r in enumerate(rows)])
    return normalise_contacts(frame, nickname_file=NICKNAME_FILE)


def _golden_of(rows: list[dict]):
    """The one golden record (and its lineage) of ``rows``, all records of one person."""
    contacts = _contacts(rows)
    result = build_golden_records(contacts, pd.DataFrame({"cluster": [0] * len(contacts)}), RULES)
    assert len(result.golden) == 1
    return result.golden.iloc[0], result.lineage.set_index("field"), contacts


# --------------------------------------------------------------------------
# 3. spreadsheet artefacts: the published text of a field
# --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, published", [
    ("'08007", "08007"),                      # Excel's text marker before a postcode
    ("'0171 2345678", "0171 2345678"),        # ... before a phone
    ("'Renée", "Renée"),                      # ... before a name
    ("  '08007 ", "08007"),
    ('="08007"', "08007"),                    # the same trick written as a formula
    ("'t Hart", "'t Hart"),                   # Dutch 't and 's begin names: kept
    ("'s-Gravesande", "'s-Gravesande"),
    ("''x", "'x"),                            # one marker, not every apostrophe
    ("O'Brien", "O'Brien"),
    ("Rene\u0301e", "Renée"),                 # e + combining accent -> one letter (NFC)
    ("  Anne   Marie ", "Anne Marie"),
    ("Tom\tJones\x00", "Tom Jones"),
    ("Renée", "Renée"),                       # accents and case are kept: folding is for keys
    ("MÜLLER", "MÜLLER"),
    ("'", None), ("'n/a", None), ("n/a", None), ("", None), (None, None),
    (8007.0, "8007"),
])
def test_published_text_drops_spreadsheet_artefacts(raw, published):
    assert clean_text(pd.Series([raw], dtype=object)).iloc[0] == published


@pytest.mark.parametrize("raw, country, key", [
    ("'08007", "ES", "08007"), ("08007", "ES", "08007"), ("'SW1A 1AA", "GB", "SW1A1AA"), ("'1067", "DE", "01067"),
])
def test_postcode_keys_are_those_of_the_value_without_the_marker(raw, country, key):
    assert postcode_key(pd.Series([raw]), pd.Series([country])).iloc[0] == key


# --------------------------------------------------------------------------
# 3. phones in scientific notation: invalid, with a reason, never published
# --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, region, e164, issue, published", [
    ("4.15555E+9", "US", None, "scientific_notation", None),
    ("4,15555E+09", "DE", None, "scientific_notation", None),   # a German Excel writes a decimal comma
    ("4.15555e9", "US", None, "scientific_notation", None),
    ("'4.15555E+9", "US", None, "scientific_notation", None),
    ("1.5E+20", None, None, "scientific_notation", None),
    (1.5e20, None, None, "scientific_notation", None),           # a float too large to write out
    ("'0171 2345678", "DE", "+491712345678", "", "0171 2345678"),
    ("'+44 20 7123 4567", "FR", "+442071234567", "", "+44 20 7123 4567"),
    ("4155550132", "US", "+14155550132", "", "4155550132"),
    (4155550132.0, "US", "+14155550132", "", "4155550132"),     # a numeric cell that kept its digits
    ("'12345", "US", None, "invalid", "12345"),                 # invalid, but shown as written
])
def test_phones_in_scientific_notation_are_invalid_and_never_published(raw, region, e164, issue, published):
    out = normalise_phones(pd.Series([raw], dtype=object), pd.Series([region], dtype=object)).iloc[0]
    assert (out["phone_e164"], out["phone_issue"]) == (e164, issue)
    assert phone_texts(pd.Series([raw], dtype=object)).iloc[0] == published


def test_the_reason_reads_as_the_steward_needs_it():
    assert PHONE_ISSUE_REASONS["scientific_notation"] == "phone in scientific notation: digits lost in a spreadsheet"


# --------------------------------------------------------------------------
# 2. email addresses in lower case, as matching compares them
# --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, published", [
    ("ISLA.KHAN52@hotmail.co.uk", "isla.khan52@hotmail.co.uk"),
    ("  John.Doe@Example.COM ", "john.doe@example.com"),
    ("J.o.h.n.Doe+news@gmail.com", "j.o.h.n.doe+news@gmail.com"),   # only the case changes
    ("Jane@Acme-Corp.de", "jane@acme-corp.de"),                     # every domain, corporate ones too
    ("'jane@acme.de", "jane@acme.de"),
    ("jane@gmial.com", "jane@gmial.com"),                           # a typo domain is shown as typed
    ("not an email", None),
])
def test_published_emails_are_lower_case_like_the_match_key(raw, published):
    out = normalise_emails(pd.Series([raw]))
    assert published_emails(out["email_norm"]).iloc[0] == published
    if published is not None:
        # The same mailbox to matching whichever spelling is published.
        assert normalise_emails(pd.Series([published]))["email_key"].iloc[0] == out["email_key"].iloc[0]


def test_addresses_differing_only_in_case_publish_alike_exactly_when_they_match():
    raw = pd.Series(["Isla.Khan@hotmail.co.uk", "isla.khan@HOTMAIL.co.uk", "ISLA.KHAN@hotmail.co.uk",
                     "isla.khan@web.de", "Isla.Khan@Web.de"])
    out = normalise_emails(raw)
    published = published_emails(out["email_norm"])
    for i in range(len(raw)):
        for j in range(len(raw)):
            assert (published[i] == published[j]) == (out["email_key"][i] == out["email_key"][j])


# --------------------------------------------------------------------------
# 5. country names in the users' languages
# --------------------------------------------------------------------------

COUNTRY_NAMES = {
    "en": "Sweden SE|United Kingdom GB|UK GB|USA US|United States US|Netherlands NL|South Korea KR|Czechia CZ",
    "de": "Schweden SE|Vereinigtes Königreich GB|Großbritannien GB|Dänemark DK|Österreich AT|Südafrika ZA",
    "fr": "Suède SE|Royaume-Uni GB|États-Unis US|Norvège NO|Afrique du Sud ZA|Tchéquie CZ",
    "sv": "Sverige SE|SVERIGE SE|sverige SE|Tyskland DE|Storbritannien GB|Nederländerna NL|Norge NO|Österrike AT|"
          "Grekland GR|Kina CN|Förenta staterna US",
    "id": "Swedia SE|Jerman DE|Inggris Raya GB|Amerika Serikat US|Belanda NL|Tiongkok CN|Ceko CZ|Selandia Baru NZ",
    "ms": "Jerman DE|Amerika Syarikat US|Perancis FR|Sepanyol ES|Jepun JP|Singapura SG|Mesir EG",
    "es": "Suecia SE|Reino Unido GB|Estados Unidos US|Países Bajos NL|Sudáfrica ZA|Islas Malvinas FK",
    "nl": "Zweden SE|Verenigd Koninkrijk GB|Verenigde Staten US|Duitsland DE|Zwitserland CH|Cocoseilanden CC",
    "it": "Svezia SE|Regno Unito GB|Stati Uniti US|Paesi Bassi NL|Germania DE|Svizzera CH",
    "pt": "Suécia SE|Reino Unido GB|Estados Unidos US|Países Baixos NL|Alemanha DE|Polônia PL|Polónia PL",
    "da": "Sverige SE|Tyskland DE|Storbritannien GB|Østrig AT|Grækenland GR|Tjekkiet CZ|Færøerne FO",
    "no": "Sverige SE|Tyskland DE|Storbritannia GB|Sveits CH|Østerrike AT|Hellas GR|Sør-Afrika ZA",
    "fi": "Ruotsi SE|Saksa DE|Iso-Britannia GB|Yhdysvallat US|Alankomaat NL|Ranska FR|Venäjä RU|Viro EE",
    "pl": "Szwecja SE|Niemcy DE|Wielka Brytania GB|Stany Zjednoczone US|Holandia NL|Rosja RU|Włochy IT|"
          "Dominikana DO",
}
COUNTRY_CASES = [(lang, *item.rsplit(" ", 1)) for lang, names in COUNTRY_NAMES.items() for item in names.split("|")]


@pytest.mark.parametrize("lang, name, code", COUNTRY_CASES)
def test_country_names_in_the_users_languages(lang, name, code):
    assert normalise_countries(pd.Series([name])).iloc[0] == code


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es", "it", "nl", "pt", "pt_PT", "pl", "id", "sv", "da", "nb",
                                    "nn", "fi", "ms"])
def test_every_country_name_of_a_language_means_its_country(locale):
    """Every name CLDR (babel) gives a country in this language resolves to that country;
    never to another. Only a name two languages give two countries resolves to neither."""
    import pycountry
    from babel import Locale

    codes = {c.alpha_2 for c in pycountry.countries}
    names = {name: code for code, name in Locale.parse(locale).territories.items() if code in codes}
    got = normalise_countries(pd.Series(list(names)))
    wrong = {n: (names[n], g) for n, g in zip(names, got) if g != names[n]}
    assert wrong == ({"Kongo": (names["Kongo"], None)} if locale in ("nb", "pl") else {})


# --------------------------------------------------------------------------
# 1. accents: matching folds them, the golden record keeps them
# --------------------------------------------------------------------------

@pytest.mark.parametrize("names, golden, rule", [
    # Disagreeing only by accents: the accented spelling, though the rules chose another record.
    (["Renée", "Renee", "Renee"], "Renée", "accented spelling"),
    (["Renée", "RENEE"], "Renée", "accented spelling"),
    (["RENÉE", "Renee"], "Renée", "accented spelling"),       # shouting sources are title-cased
    (["Renee", "Renée"], "Renée", "most_recent"),              # the rules chose it anyway (newest)
    # Spellings count together: Renée/Renee/RENEE are three votes against René's two.
    (["René", "René", "Renée", "Renee", "RENEE"], "Renée", "accented spelling"),
    # Zoë, Zoe and ZOE are three votes: more than Zoey's two, which the longer name would win.
    (["Zoey", "Zoey", "Zoë", "Zoe", "ZOE"], "Zoë", "accented spelling"),
    # A different name is not an accented spelling: Rene wins by two to one.
    (["Rene", "Rene", "Renée"], "Rene", "most_frequent"),
    (["Søren", "Soren"], "Søren", "accented spelling"),
])
def test_first_name_keeps_its_accents(names, golden, rule):
    row, lineage, contacts = _golden_of([{"first_name": n, "last_name": "Dubois"} for n in names])
    assert row["first_name"] == golden
    assert lineage.loc["first_name", "rule"] == rule
    # Matching still compares folded values.
    assert contacts["first_name_key"].nunique() == len({accent_fold(n) for n in names})


def test_folding_is_accents_only():
    assert accent_fold("Renée") == accent_fold("RENEE") == "renee"
    assert accent_fold("Müller") != accent_fold("Mueller")  # a spelling, not an accent
    assert accent_fold("Иван") != accent_fold("Ivan")        # another script, not an accent
    assert [accent_count(s) for s in ("Renee", "Renée", "Søren", "Łódź", "Иван")] == [0, 1, 1, 3, 0]
    row, _, _ = _golden_of([{"first_name": "Anna", "last_name": n} for n in ("Mueller", "Mueller", "Müller")])
    assert row["last_name"] == "Mueller"


# --------------------------------------------------------------------------
# 4. an address from the record that fills most of its parts
# --------------------------------------------------------------------------

STRUCTURED = {"address_line1": "12 High St", "city": "London", "postcode": "SW1A 1AA"}
COMBINED = {"address_line1": "12 High St, London, SW1A 1AA, GB"}


@pytest.mark.parametrize("records, expected", [
    # One combined line (longer) against street + city + postcode: the parts win.
    ([STRUCTURED, COMBINED], STRUCTURED),
    ([COMBINED, STRUCTURED], STRUCTURED),
    ([STRUCTURED, {**COMBINED, "country": "GB"}], STRUCTURED),
    # However long the line is (delivery notes pasted in).
    ([STRUCTURED, {"address_line1": "12 High Street, London SW1A 1AA; " + "ring twice. " * 250}], STRUCTURED),
    # A placeholder or a lone marker fills nothing.
    ([{**COMBINED, "city": "n/a", "postcode": "'"}, {"address_line1": "12 High St", "city": "London"}],
     {"address_line1": "12 High St", "city": "London", "postcode": None}),
    # Equally filled: the longer parts, then the newer record.
    ([{**STRUCTURED, "address_line1": "12 High Street"}, STRUCTURED],
     {**STRUCTURED, "address_line1": "12 High Street"}),
    # Excel's marker is off the published postcode.
    ([{"address_line1": "Calle Mayor 5", "city": "Barcelona", "postcode": "'08007", "country": "ES"}],
     {"address_line1": "Calle Mayor 5", "city": "Barcelona", "postcode": "08007"}),
    # The same address, once with its accents: the accented one, parts from one record.
    ([{"address_line1": "Storgatan 1", "city": "Malmö", "postcode": "211 22"},
      {"address_line1": "STORGATAN 1", "city": "MALMO", "postcode": "211 22"}],
     {"address_line1": "Storgatan 1", "city": "Malmö", "postcode": "211 22"}),
])
def test_address_group_prefers_filled_parts_over_length(records, expected):
    row, _, _ = _golden_of([{"last_name": "Khan", **r} for r in records])
    assert {k: (None if pd.isna(row[k]) else row[k]) for k in expected} == expected


# --------------------------------------------------------------------------
# 2./3. emails and phones in the golden record
# --------------------------------------------------------------------------

@pytest.mark.parametrize("records, email, secondary", [
    ([{"email": "ISLA.KHAN52@hotmail.co.uk"}], "isla.khan52@hotmail.co.uk", None),
    ([{"email": "isla.khan52@hotmail.co.uk"}, {"email": "ISLA.KHAN52@Hotmail.co.uk"}, {"email": "Isla@Work.ORG"}],
     "isla@work.org", "isla.khan52@hotmail.co.uk"),
])
def test_golden_emails_are_lower_case(records, email, secondary):
    row, _, _ = _golden_of([{"last_name": "Khan", **r} for r in records])
    assert row["email"] == email
    assert (None if pd.isna(row["secondary_emails"]) else row["secondary_emails"]) == secondary


@pytest.mark.parametrize("phones, phone", [
    (["4.15555E+9"], None),                    # its digits are gone: no phone at all
    (["4.15555E+9", "+1 415 555 0132"], "+14155550132"),
    (["+1 415 555 0132", "4.15555E+9"], "+14155550132"),
    (["'12345", "4,15555E+09"], "12345"),      # an invalid number survives only as written
])
def test_phone_in_scientific_notation_is_never_published(phones, phone):
    row, lineage, contacts = _golden_of([{"last_name": "Ruiz", "country": "US", "phone": p} for p in phones])
    assert (None if pd.isna(row["phone"]) else row["phone"]) == phone
    assert ("phone" in lineage.index) == (phone is not None)
    assert "4.15555" not in str(row["secondary_phones"])
    lost = contacts["phone"].astype(str).str.contains("E", case=False)
    assert (contacts.loc[lost, "phone_issue"] == "scientific_notation").all()


# --------------------------------------------------------------------------
# the whole pipeline on two small CSV files
# --------------------------------------------------------------------------

HEADER = "record_id,first_name,last_name,email,phone,address_line1,city,postcode,country,updated_at\n"
SHOP = HEADER + """\
S1,Renée,Dubois,renee.dubois@example.fr,+44 20 7123 4567,12 High St,London,SW1A 1AA,GB,2023-01-01T00:00:00
S2,Isla,Khan,ISLA.KHAN52@hotmail.co.uk,+44 7700 900982,,,,GB,2023-01-01T00:00:00
S3,Carlos,Ruiz,carlos.ruiz@example.es,4.15555E+9,Calle Mayor 5,Barcelona,'08007,ES,2023-01-01T00:00:00
S4,Anna,Svensson,anna.svensson@example.se,+46 70 123 45 67,Storgatan 1,Stockholm,111 22,Sverige,2023-01-01T00:00:00
"""
# Newer records of Renée from a newsletter tool: no accent, and the address in one field.
NEWSLETTER = HEADER + """\
N1,Renee,Dubois,renee.dubois@example.fr,+44 20 7123 4567,"12 High St, London, SW1A 1AA, GB",,,,2024-06-01T00:00:00
N2,RENEE,DUBOIS,Renee.Dubois@example.fr,,,,,,2024-06-01T00:00:00
"""


def test_pipeline_publishes_values_as_a_person_writes_them(tmp_path, repo_root):
    (tmp_path / "shop.csv").write_text(SHOP, encoding="utf-8")
    (tmp_path / "newsletter.csv").write_text(NEWSLETTER, encoding="utf-8")
    records, quarantine = load_all({c.name: c for c in canonical_csv_sources([tmp_path / "shop.csv",
                                                                               tmp_path / "newsletter.csv"])})
    project = load_project(repo_root)
    result, _ = run_dedupe(records, quarantine, project.matching(), project.survivorship(), keep_snapshot=False)
    golden = result.golden.set_index("last_name")
    assert len(golden) == 4 and golden.loc["Dubois", "member_count"] == 3

    renee = golden.loc["Dubois"]
    assert renee["first_name"] == "Renée"                               # 1. accents kept
    assert result.contacts["first_name_key"][result.contacts["last_name_key"] == "dubois"].nunique() == 1
    assert renee["email"] == "renee.dubois@example.fr"
    assert (renee["address_line1"], renee["city"], renee["postcode"]) == ("12 High St", "London", "SW1A 1AA")  # 4.
    assert golden.loc["Khan", "email"] == "isla.khan52@hotmail.co.uk"  # 2. lower case

    carlos = golden.loc["Ruiz"]
    assert carlos["postcode"] == "08007"                                # 3. marker off
    assert pd.isna(carlos["phone"])                                     # 3. not published ...
    lineage = result.lineage
    assert not ((lineage["golden_id"] == carlos["golden_id"]) & (lineage["field"] == "phone")).any()
    ruiz = result.contacts[result.contacts["record_id"] == "S3"].iloc[0]
    assert ruiz["phone_issue"] == "scientific_notation"                 # ... but reported:
    audit = run_audit(result.contacts, result.clusters, quarantine,
                      load_quality_config(repo_root / "rules" / "quality.yaml"), as_of="2025-01-01")
    problems = audit.top_problems
    shown = problems[(problems["field"] == "phone") & (problems["issue"] == "scientific_notation")]
    assert shown["example_record_ids"].tolist() == ["S3"]

    assert golden.loc["Svensson", "country"] == "SE"                    # 5. Sverige
    published = result.golden[["first_name", "last_name", "email", "postcode", "address_line1", "city"]]
    assert not published.stack().astype(str).str.startswith("'").any()
