"""The data-quality audit: hand-computed figures, an independent check of email
and phone validity on the demo data, JSON round trip, the report files and a
real browser rendering of report.html."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from steward.audit import AuditResult, load_quality_config, run_audit
from steward.audit.issues import phone_regions
from steward.normalise.stage import normalise_contacts
from steward.audit.report import load_history, render_html, save_audit

from .conftest import NICKNAME_FILE

BASE = {c: None for c in ["first_name", "last_name", "email", "phone", "company", "job_title", "address_line1", "city",
                          "postcode", "region", "country", "date_of_birth", "created_at", "updated_at"]}
AS_OF = "2025-06-30"
CHROMIUM = Path("/usr/bin/chromium")


def _contacts(rows):
    frame = pd.DataFrame([{**BASE, "email_opt_in": "unknown", "source_default_country": "DE", **r} for r in rows])
    return normalise_contacts(frame, nickname_file=NICKNAME_FILE)


TINY = [
    # crm: four records with one problem (or none) per field, computed by hand below
    {"source": "crm", "record_id": "c1", "first_name": "Anna", "last_name": "Meier", "email": "anna@example.com",
     "phone": "+49 171 2345678", "country": "DE", "postcode": "10115", "date_of_birth": "1980-05-01",
     "created_at": "2020-01-01T00:00:00", "updated_at": "2024-01-01T00:00:00", "email_opt_in": "yes"},
    {"source": "crm", "record_id": "c2", "first_name": "Test", "last_name": "Meier2", "email": "not-an-email",
     "phone": "12", "country": "Narnia", "postcode": "1234", "date_of_birth": "1850-01-01",
     "created_at": "2019-01-01T00:00:00"},
    {"source": "crm", "record_id": "c3", "last_name": "O'Brien", "email": "bob@gmial.com", "country": "GB",
     "postcode": "SW1A 1AA", "created_at": "2024-05-01T00:00:00", "updated_at": "2024-04-01T00:00:00",
     "email_opt_in": "no"},
    {"source": "crm", "record_id": "c4", "first_name": "Jörg", "last_name": "Ünal", "email": "info@acme.de",
     "phone": "+44 20 7946 0958", "country": "DE", "postcode": "ABCDE", "date_of_birth": "2030-01-01"},
    # shop: s1 is crm's c1 again; s2/s3 share one inbox
    {"source": "shop", "record_id": "s1", "first_name": "Anna", "last_name": "Meier", "email": " ANNA@example.com",
     "updated_at": "2025-01-01T00:00:00"},
    {"source": "shop", "record_id": "s2", "first_name": "Paul", "last_name": "Schmidt", "email": "paul@x.de",
     "updated_at": "2025-01-01T00:00:00"},
    {"source": "shop", "record_id": "s3", "first_name": "Paula", "last_name": "Schmidt", "email": "paul@x.de",
     "updated_at": "2025-01-01T00:00:00"},
]


@pytest.fixture(scope="module")
def config(repo_root):
    return load_quality_config(repo_root / "rules" / "quality.yaml")


@pytest.fixture(scope="module")
def tiny(config):
    quarantine = pd.DataFrame({"source": ["shop", "shop", "ghost"], "location": "x", "row": [2, 3, 4],
                               "field": "record_id", "reason": "missing record_id", "raw": "{}"})
    return run_audit(_contacts(TINY), None, quarantine, config, as_of=AS_OF)


def _field(result: AuditResult, source: str, field: str) -> dict:
    rows = result.fields[(result.fields["source"] == source) & (result.fields["field"] == field)]
    assert len(rows) == 1, (source, field)
    return rows.iloc[0].to_dict()


def _source(result: AuditResult, source: str) -> dict:
    return result.sources.set_index("source").loc[source].to_dict()


def test_tiny_completeness_validity_by_hand(tiny):
    expected = {  # field: (present, valid) in crm's 4 records
        "first_name": (3, 2),  # "Test" is a placeholder
        "last_name": (4, 3),  # "Meier2" has a digit
        "email": (4, 2),  # not-an-email (syntax), gmial.com (typo); info@ is valid (flagged)
        "phone": (3, 2),  # "12" is not a number
        "country": (4, 3),  # Narnia
        "postcode": (4, 3),  # ABCDE is no German postcode; 1234 has no known country -> generic
        "date_of_birth": (3, 1),  # 1850 (175 years) and 2030 (not born yet) are out of range
        "created_at": (3, 3),
        "updated_at": (2, 2),
        "email_opt_in": (2, None),
    }
    for field, (present, valid) in expected.items():
        row = _field(tiny, "crm", field)
        assert row["records"] == 4
        assert row["present"] == present, field
        assert row["completeness"] == pytest.approx(round(present / 4, 4)), field
        if valid is None:
            assert math.isnan(row["validity"])
        else:
            assert row["valid"] == valid, field
            assert row["validity"] == pytest.approx(round(valid / present, 4)), field
    # Consistency: c4's London number for a German record; c3 updated before it was created.
    phone = _field(tiny, "crm", "phone")
    assert (phone["consistency_checked"], phone["consistent"]) == (2, 1)
    updated = _field(tiny, "crm", "updated_at")
    assert (updated["consistency_checked"], updated["consistent"]) == (2, 1)
    for field in ("first_name", "email", "country", "postcode"):
        assert math.isnan(_field(tiny, "crm", field)["consistency"])
    # Not collected by crm at all: completeness 0, no score, not in the source's figures.
    company = _field(tiny, "crm", "company")
    assert not company["collected"]
    assert company["completeness"] == 0 and math.isnan(company["score"])


def test_tiny_timeliness_uniqueness_duplicates_and_scores(tiny, config):
    # fresh = updated (or created) on/after 2023-06-30: c1 (2024-01), c3 (updated 2024-04);
    # c2 was created 2019 and never updated, c4 has no dates at all -> stale.
    record = _field(tiny, "crm", "record")
    assert record["fresh"] == 2 and record["timeliness"] == 0.5
    assert _field(tiny, "shop", "record")["timeliness"] == 1.0
    # Without clusters, exact email/phone keys group records: {c1, s1}, {s2, s3}, c2, c3, c4.
    crm, shop, everything = _source(tiny, "crm"), _source(tiny, "shop"), _source(tiny, "ALL")
    assert (crm["duplicates_within"], crm["duplicates_across"]) == (0, 1)
    assert (shop["duplicates_within"], shop["duplicates_across"]) == (1, 1)
    assert shop["uniqueness"] == pytest.approx(round(1 - 1 / 3, 4))
    assert _field(tiny, "shop", "email")["unique"] == 1  # only s1's address is not shared within shop
    assert _field(tiny, "crm", "email")["uniqueness"] == 1.0
    assert tiny.overall["golden_records"] == 5 and tiny.overall["estimated_duplicates"] == 2
    assert tiny.overall["records"] == 7
    # quarantine counts per source, a source with only quarantined rows still appears
    assert (shop["quarantined"], _source(tiny, "ghost")["quarantined"], _source(tiny, "ghost")["records"]) == (2, 1, 0)
    assert everything["quarantined"] == 3 and tiny.overall["quarantined"] == 3
    # email score in crm: completeness 1, validity .5, uniqueness 1; weights .25/.30/.20 re-scaled
    w = config["dimension_weights"]
    email_score = (w["completeness"] * 1 + w["validity"] * 0.5 + w["uniqueness"] * 1) / (
        w["completeness"] + w["validity"] + w["uniqueness"])
    assert _field(tiny, "crm", "email")["score"] == pytest.approx(round(email_score * 100, 1))
    # a source's score is the field-weighted mean of its field scores (collected fields only)
    fields = tiny.fields[(tiny.fields["source"] == "crm") & tiny.fields["score"].notna()]
    expected = (fields["score"] * fields["weight"]).sum() / fields["weight"].sum()
    assert crm["score"] == pytest.approx(expected, abs=0.06)
    # overall: sources weighted by records (ghost has none)
    overall = (crm["score"] * 4 + shop["score"] * 3) / 7
    assert tiny.overall["score"] == pytest.approx(overall, abs=0.06)


def test_tiny_top_problems(tiny):
    problems = tiny.top_problems
    assert list(problems.columns[:6]) == ["source", "field", "issue", "dimension", "count", "share"]
    ranks = problems["count"] * problems["weight"]
    assert list(ranks) == sorted(ranks, reverse=True)
    by_key = {(r.source, r.field, r.issue): r for r in problems.itertuples()}
    assert by_key[("crm", "email", "typo_domain")].example_record_ids == "c3"
    assert by_key[("crm", "email", "role_account")].dimension == "flag"
    assert by_key[("crm", "record", "stale")].example_record_ids == "c2,c4"
    assert by_key[("crm", "record", "stale")].share == 0.5
    assert by_key[("crm", "phone", "country_mismatch")].example_record_ids == "c4"
    assert by_key[("crm", "date_of_birth", "age_out_of_range")].count == 2
    assert by_key[("shop", "email", "duplicate_value")].example_record_ids == "s2,s3"
    assert not any(f == "company" for _, f, _ in by_key)  # not collected -> not a problem


def test_config_and_explicit_clusters(config):
    contacts = _contacts(TINY)
    longer = {**config, "timeliness": {"fresh_months": 120}}
    result = run_audit(contacts, None, None, longer, as_of=AS_OF)
    assert _field(result, "crm", "record")["fresh"] == 3  # only c4 (no dates) is stale now
    # matcher clusters win over exact keys: here every record is its own person
    clusters = pd.DataFrame({"contact_key": contacts["contact_key"], "cluster": range(len(contacts))})
    result = run_audit(contacts, clusters, None, config, as_of=AS_OF)
    assert result.overall["estimated_duplicates"] == 0
    assert _source(result, "shop")["duplicates_within"] == 0
    assert _field(result, "shop", "email")["unique"] == 1  # value uniqueness does not depend on clusters
    with pytest.raises(ValueError):
        run_audit(contacts, clusters.iloc[:3], None, config, as_of=AS_OF)


def test_phone_regions_shared_calling_codes():
    numbers = pd.Series(["+14165550123", "+12125550123", "+447911123456", "+4915112345678", None, "+441534123456"])
    got = list(phone_regions(numbers))
    expected = [phonenumbers.region_code_for_number(phonenumbers.parse(n)) if n else None for n in numbers]
    assert got == expected


# --------------------------------------------------------------------------
# demo data: validity against an independent computation
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, repo_root, config):
    from steward.config import load_project
    from steward.demo import demo_sources, generate_demo_data
    from steward.run import load_all

    from .conftest import run_dedupe

    tmp = tmp_path_factory.mktemp("audit_demo")
    generate_demo_data(tmp, entities=300, seed=5)
    sources = demo_sources(tmp)
    records, quarantine = load_all(sources)
    project = load_project(repo_root)
    result, _ = run_dedupe(records, quarantine, project.matching(), project.survivorship(), keep_snapshot=False)
    audit = run_audit(result.contacts, result.clusters, quarantine, config, as_of="2025-10-01")
    return {"sources": sources, "dedupe": result, "quarantine": quarantine, "audit": audit}


def _filled(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _syntax_ok(value: str) -> bool:
    try:
        validate_email(value.strip(), check_deliverability=False)
        return True
    except EmailNotValidError:
        return False


def _country_lookup() -> dict[str, str]:
    """Country labels the demo generator writes -> ISO-2, from the generator's own tables."""
    from steward.demo import COUNTRY_LABELS, ENGLISH_NAME, ISO3

    table = {}
    for code in ISO3:
        table[code.casefold()] = code
        table[ISO3[code].casefold()] = code
        table[ENGLISH_NAME[code].casefold()] = code
        for label, _ in COUNTRY_LABELS[code]:
            table[label.casefold()] = code
    return table


def _phone_ok(value: str, region: str | None) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        return False


def test_demo_email_and_phone_validity_match_independent_checks(demo_run):
    contacts = demo_run["dedupe"].contacts
    audit = demo_run["audit"].to_dict()
    fields = {(r["source"], r["field"]): r for r in audit["fields"]}
    countries = _country_lookup()
    for source, cfg in demo_run["sources"].items():
        rows = contacts[contacts["source"] == source]
        # e-mail: syntax by email-validator on the raw value; misspelt provider domains are invalid too
        emails = rows[rows["email"].map(_filled)]
        syntax = emails["email"].map(_syntax_ok)
        typo = emails["email_issue"].str.contains("typo_domain", regex=False)
        # every typo-flagged address is well-formed: only its domain is wrong, and the match key carries the fix
        assert syntax[typo].all()
        for raw, key in emails.loc[typo, ["email", "email_key"]].itertuples(index=False):
            assert raw.strip().rsplit("@", 1)[1].lower() != key.rsplit("@", 1)[1]
        email = fields[(source, "email")]
        assert email["present"] == len(emails)
        assert email["valid"] == int(syntax.sum()) - int(typo.sum()), source
        assert email["validity"] == round((int(syntax.sum()) - int(typo.sum())) / len(emails), 4)
        # phone: phonenumbers on the raw value with the record's country (else the source's default)
        phones = rows[rows["phone"].map(_filled)]
        regions = [countries.get(str(c).strip().casefold(), cfg.default_country) if _filled(c) else cfg.default_country
                   for c in phones["country"]]
        ok = sum(_phone_ok(p, r) for p, r in zip(phones["phone"], regions))
        phone = fields[(source, "phone")]
        assert phone["present"] == len(phones), source
        assert phone["valid"] == ok, source
        # country: resolved by the generator's own label tables
        filled = rows["country"].map(_filled)
        resolved = rows.loc[filled, "country"].map(lambda c: c.strip().casefold() in countries)
        assert fields[(source, "country")]["present"] == int(filled.sum())
        assert fields[(source, "country")]["valid"] == int(resolved.sum())


def test_demo_duplicates_agree_with_clusters(demo_run):
    audit = demo_run["audit"]
    clusters = demo_run["dedupe"].clusters
    golden = demo_run["dedupe"].golden
    assert audit.overall["golden_records"] == clusters["cluster"].nunique() == len(golden)
    assert audit.overall["estimated_duplicates"] == len(clusters) - len(golden)
    for source, group in clusters.groupby("source"):
        row = audit.sources.set_index("source").loc[source]
        assert row["duplicates_within"] == len(group) - group["cluster"].nunique()
        assert row["records"] == len(group)
        assert row["quarantined"] == int((demo_run["quarantine"]["source"] == source).sum())
    assert set(audit.sources["source"]) == {*clusters["source"].unique(), "ALL"}
    assert 0 <= audit.overall["score"] <= 100


def test_round_trip_and_json(demo_run):
    result = demo_run["audit"]
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)  # no NaN anywhere
    assert json.loads(text) == d
    back = AuditResult.from_dict(json.loads(text))
    assert back.to_dict() == d
    assert list(d) == ["version", "as_of", "generated_at", "overall", "sources", "fields", "top_problems",
                       "expectations", "settings"]
    assert list(d["overall"])[:3] == ["score", "records", "quarantined"]
    pd.testing.assert_frame_equal(back.sources, result.sources, check_dtype=False)
    assert back.fields[["source", "field", "score"]].equals(result.fields[["source", "field", "score"]])
    assert len(d["top_problems"]) == 20


# --------------------------------------------------------------------------
# report files and rendering
# --------------------------------------------------------------------------

GX = pd.DataFrame([
    {"source": "webshop", "suite": "source_contacts", "expectation": "expect_column_values_to_not_be_null",
     "column": "record_id", "success": True, "unexpected_count": 0, "unexpected_percent": 0.0, "sample": ""},
    {"source": "legacy_crm", "suite": "source_contacts", "expectation": "expect_column_values_to_match_regex",
     "column": "email", "success": False, "unexpected_count": 3, "unexpected_percent": 1.96,
     "sample": "<script>alert(1)</script>"},
])
CHARTS = 5  # scorecard, field bars, heatmap, trend, duplicates


@pytest.fixture(scope="module")
def saved_twice(demo_run, config, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    first = save_audit(demo_run["audit"], reports)
    d = demo_run["dedupe"]
    second_result = run_audit(d.contacts, d.clusters, demo_run["quarantine"], config, as_of="2026-10-01",
                              expectations=GX)
    second = save_audit(second_result, reports)
    return reports, first, second, second_result


def test_save_audit_twice_builds_the_trend(saved_twice, demo_run):
    reports, first, second, second_result = saved_twice
    assert first["history"] != second["history"] and first["history"].is_file() and second["history"].is_file()
    assert second["audit"] == reports / "audit.json" and second["report"] == reports / "report.html"
    saved = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    assert saved["as_of"] == "2026-10-01"
    assert [p["as_of"] for p in saved["trend"]] == ["2025-10-01", "2026-10-01"]
    assert [p["score"] for p in saved["trend"]] == [demo_run["audit"].overall["score"], second_result.overall["score"]]
    history = load_history(reports)
    assert [h["as_of"] for h in history] == ["2025-10-01", "2026-10-01"]
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert 'data-points="2"' in page
    delta = second_result.overall["score"] - demo_run["audit"].overall["score"]
    assert f"({delta:+.1f} since 2025-10-01)" in page


def test_report_html_is_self_contained_and_escaped(saved_twice, demo_run):
    reports, *_ = saved_twice
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref=[\"']?https?://", page, re.IGNORECASE)
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1  # the bundle, inlined once
    assert page.count('class="plotly-graph-div"') == CHARTS
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    sections = [page.index(f'id="{s}"') for s in ("summary", "scorecard", "fields", "problems", "expectations",
                                                    "trend", "duplicates")]
    assert sections == sorted(sections)
    # a first audit says so
    first_page = render_html(demo_run["audit"], [])
    assert "first audit: the trend starts here" in first_page
    assert "No Great Expectations results" in first_page


def test_report_renders_in_chromium(saved_twice, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (/usr/bin/chromium)")
        pytest.skip("chromium not installed: apt-get install chromium")
    reports, *_ = saved_twice
    html_file = reports / "report.html"
    common = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000"]
    dom = subprocess.run([*common, "--dump-dom", html_file.as_uri()], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # every chart was drawn by plotly.js (each draws at least one main-svg)
    assert dom.stdout.count('class="main-svg"') >= CHARTS
    assert dom.stdout.count('class="plotly-graph-div') >= CHARTS
    png = tmp_path / "report.png"
    shot = subprocess.run([*common, "--hide-scrollbars", f"--screenshot={png}", "--window-size=1400,2400",
                           html_file.as_uri()], capture_output=True, text=True, timeout=180)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.is_file() and png.stat().st_size > 20_000
    shutil.copyfile(png, "/tmp/report.png")  # for a human to look at
