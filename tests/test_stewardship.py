"""Issue-level acceptance through Dagster (dagster.materialize) and the CLI as a user runs it:
consent never loosens on the demo data, erased people stay out of the CRM when sources
re-export them, golden ids survive a new source of new people, lineage is published."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import pandas as pd
import yaml

from pipelines.jobs import NIGHTLY_SELECTION
from pipelines.definitions import build_assets, build_resources
from steward.config import load_project
from steward.merge.consent import consent_violations
from steward.demo import generate_demo_data
from steward.publish import GOLDEN_TABLE, LINEAGE_TABLE, read_table

from .conftest import REPO

NIGHTLY = NIGHTLY_SELECTION


def _demo_project(root, entities=250, seed=3):
    sources = yaml.safe_load((root / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": entities, "seed": seed}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    return root


def _run(root):
    project = load_project(root)
    crm = f"sqlite:///{root / 'crm.sqlite'}"
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(build_assets(project), resources=build_resources(project, crm), instance=instance,
                                raise_on_error=False, selection=NIGHTLY)
    assert result.success
    return result, crm


def _keys(frame):
    return frame["source"].astype(str) + ":" + frame["record_id"].astype(str)


def test_demo_consent_never_loosens_and_minors_only_have_an_age_range(project_copy):
    root = _demo_project(project_copy, entities=600, seed=11)
    result, crm = _run(root)
    golden = result.output_for_node("golden_records", "golden_contacts")
    crosswalk = result.output_for_node("golden_records", "golden_crosswalk")
    contacts = result.output_for_node("normalised_contacts", "normalised_contacts")
    members = contacts.assign(contact_key=_keys(contacts)).merge(
        crosswalk.assign(contact_key=_keys(crosswalk))[["contact_key", "golden_id"]], on="contact_key")
    confirmed = {name for name, cfg in load_project(root).sources().items() if cfg.consent_confirmed}
    by_id = golden.set_index("golden_id")
    violations = consent_violations(by_id.rename_axis("cluster"), members.rename(columns={"golden_id": "cluster"}),
                                    confirmed_sources=confirmed)
    assert violations.empty, violations.head()
    # Spelled out for the acceptance point: any member's opt-out means the golden record is opted out.
    for channel in ("email", "phone"):
        out_ids = set(members.loc[members[f"{channel}_opt_in"] == "no", "golden_id"])
        assert out_ids, f"the demo should contain {channel} opt-outs"
        assert (by_id.loc[sorted(out_ids), f"{channel}_consent"] == "opted_out").all()
        opted_in = by_id[by_id[f"{channel}_consent"] == "opted_in"]
        assert not set(opted_in.index) & out_ids
        # Opted in only with confirmation evidence from a named record.
        assert opted_in[f"{channel}_consent_record_id"].notna().all()
    minors = golden[golden["age_range"].notna()]
    assert len(minors) and minors["date_of_birth"].isna().all()
    published = read_table(crm, GOLDEN_TABLE).set_index("golden_id")
    assert published.loc[minors["golden_id"], "date_of_birth"].isna().all()
    lineage = read_table(crm, LINEAGE_TABLE)
    assert not lineage[(lineage["field"] == "date_of_birth") & lineage["golden_id"].isin(minors["golden_id"])][
        "value"].notna().any()


def test_erased_person_stays_out_of_the_crm_when_sources_export_them_again(project_copy):
    root = _demo_project(project_copy)
    first, crm = _run(root)
    golden = read_table(crm, GOLDEN_TABLE)
    person = golden[golden["email"].notna() & (golden["member_count"].astype(int) >= 2)].iloc[0]
    erase = subprocess.run([sys.executable, "-m", "steward.cli", "erase", "--email", person["email"],
                            "--reference", "GDPR-7", "--project", str(root)], capture_output=True, text=True, cwd=REPO)
    assert erase.returncode == 0, erase.stdout + erase.stderr
    list_text = (root / "data" / "erasure_list.csv").read_text()
    assert person["email"].lower() not in list_text.lower()  # hashes only

    # The demo sources export the same people again on every run.
    second, crm = _run(root)
    published = read_table(crm, GOLDEN_TABLE)
    assert person["golden_id"] not in set(published["golden_id"])
    assert person["email"] not in set(published["email"].dropna())
    suppressed = second.output_for_node("suppressed_records")
    assert len(suppressed) >= 2 and suppressed["reason"].str.contains("GDPR-7").all()
    assert "raw" not in suppressed.columns and "email" not in suppressed.columns
    # Nothing lost: every raw row is in the crosswalk, in quarantine or suppressed.
    crosswalk = second.output_for_node("golden_records", "golden_crosswalk")
    quarantine = second.output_for_node("quarantined_records")
    raw_rows = sum(second.output_for_node(f"raw_{s}").raw_row_count for s in ("webshop", "events", "support", "legacy_crm"))
    assert len(crosswalk) + len(quarantine) + len(suppressed) == raw_rows
    # Nor does the person reach a reviewer.
    suggestions = second.output_for_node("merge_suggestions")
    erased_keys = set(suppressed["contact_key"])
    assert not (set(suggestions["a_contact_key"]) | set(suggestions["b_contact_key"])) & erased_keys
    # The audit counts them.
    from steward.audit import run_audit

    audit = run_audit(second.output_for_node("normalised_contacts", "normalised_contacts"), None, quarantine, {}, suppressed=suppressed)
    assert audit.overall["suppressed_records"] == len(suppressed) and audit.overall["suppressed_people"] == 1


NEWCOMERS = pd.DataFrame({
    "record_id": [f"N{i}" for i in range(12)],
    "first_name": [f"Quintavius{chr(65 + i)}" for i in range(12)],
    "last_name": [f"Oxbridgeworth{chr(75 + i)}" for i in range(12)],
    "email": [f"quintavius.{i}@newcomers.example" for i in range(12)],
    "phone": [f"+4915100{i:05d}" for i in range(12)],
    "country": "DE",
})


def test_golden_ids_stay_when_a_new_source_brings_only_new_people(project_copy):
    root = project_copy
    demo_dir = root / "data" / "demo"
    generate_demo_data(demo_dir, entities=250, seed=3)
    # The demo mapping as the project's own configuration, paths relative to the project.
    config = yaml.safe_load((REPO / "rules" / "demo_sources.yaml").read_text())
    for name, spec in config["sources"].items():
        if "path" in spec:
            spec["path"] = f"data/demo/{spec['path']}"
        if spec.get("url", "").startswith("sqlite:///") and not spec["url"].startswith("sqlite:////"):
            spec["url"] = f"sqlite:///{demo_dir / spec['url'][len('sqlite:///'):]}"
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump({"sources": config["sources"]}, sort_keys=False))
    first, _ = _run(root)
    before = first.output_for_node("golden_records", "golden_crosswalk")

    NEWCOMERS.to_csv(root / "data" / "newcomers.csv", index=False)
    config["sources"]["newcomers"] = {"kind": "csv", "path": "data/newcomers.csv",
                                      "columns": {c: c for c in NEWCOMERS.columns}}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump({"sources": config["sources"]}, sort_keys=False))
    second, _ = _run(root)
    after = second.output_for_node("golden_records", "golden_crosswalk")
    merged = before.merge(after, on=["source", "record_id"], suffixes=("_before", "_after"))
    assert len(merged) == len(before)
    assert (merged["golden_id_before"] == merged["golden_id_after"]).all()
    new_ids = set(after.loc[after["source"] == "newcomers", "golden_id"])
    assert len(new_ids) == len(NEWCOMERS) and not new_ids & set(before["golden_id"])
