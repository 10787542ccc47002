"""The Dagster layer: Definitions load, the whole graph materialises on demo data
through dagster.materialize, and a failing expectation really blocks publishing."""

from __future__ import annotations

import json
from collections import Counter

import dagster as dg
import numpy as np
import yaml

from pipelines.jobs import NIGHTLY_SELECTION
from pipelines.definitions import build_assets, build_definitions, build_resources
from steward.config import load_project
from steward.publish import GOLDEN_TABLE, read_table


def _small_demo_project(root, entities=250):
    sources = yaml.safe_load((root / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": entities, "seed": 3}
    (root / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    return root


def _materialize(root, crm_url: str) -> dg.ExecuteInProcessResult:
    project = load_project(root)
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(build_assets(project), resources=build_resources(project, crm_url),
                              instance=instance, raise_on_error=False,
                              selection=NIGHTLY_SELECTION)


def test_definitions_load_with_graph_job_schedule_and_checks(repo_root):
    defs = build_definitions(str(repo_root))
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    expected = {"demo_source_files", "raw_webshop", "raw_events", "raw_support", "raw_legacy_crm",
                "normalised_contacts", "quarantined_records", "candidate_pairs", "match_model", "scored_pairs",
                "merge_suggestions", "contact_clusters", "golden_contacts", "golden_crosswalk", "crm_golden_contacts",
                "data_quality_audit"}
    assert expected <= keys
    checks = {c.name for c in graph.asset_check_keys}
    assert "golden_contacts_expectations" in checks and "source_expectations" in checks
    assert defs.resolve_job_def("nightly_clean") is not None
    assert defs.resolve_job_def("yearly_audit").partitions_def is not None
    assert defs.resolve_schedule_def("yearly_audit_schedule").job_name == "yearly_audit"
    assert defs.resolve_schedule_def("nightly_clean_schedule").cron_schedule == "0 2 * * *"
    # The weekly full rebuild runs nightly_clean with the snapshot ignored; its run config is valid for the job.
    weekly = defs.resolve_schedule_def("weekly_full_rebuild")
    assert weekly.job_name == "nightly_clean" and weekly.cron_schedule == "0 3 * * 0"
    request = weekly.evaluate_tick(dg.build_schedule_context()).run_requests[0]
    assert request.run_config["resources"]["state"]["config"]["full_rebuild"] is True
    assert dg.validate_run_config(defs.resolve_job_def("nightly_clean"), request.run_config)
    assert {"contact_changes", "oversized_blocking_keys", "golden_delta", "match_snapshot"} <= keys
    assert dg.AssetKey("crm_golden_contacts") in graph.get(dg.AssetKey("match_snapshot")).parent_keys
    # Lineage: publication depends on the golden records.
    deps = graph.get(dg.AssetKey("crm_golden_contacts")).parent_keys
    assert dg.AssetKey("golden_contacts") in deps


def test_whole_graph_materialises_and_publishes(project_copy):
    root = _small_demo_project(project_copy)
    crm = f"sqlite:///{root / 'crm.sqlite'}"
    result = _materialize(root, crm)
    assert result.success
    golden = result.output_for_node("golden_records", "golden_contacts")
    crosswalk = result.output_for_node("golden_records", "golden_crosswalk")
    quarantine = result.output_for_node("quarantined_records")
    # The assets fit the model like `steward dedupe` does (EM per training session), and say which
    # parameters are in use.
    model = result.output_for_node("scored_pairs", "match_model")
    assert [s["blocked_on"] for s in model.fitted.get("sessions") or model.fitted["rejected_fit"]["sessions"]] == [
        ["first_name", "last_name"], ["date_of_birth"], ["email"], ["phone"]]
    model_meta = [m for m in result.get_asset_materialization_events()
                  if m.asset_key == dg.AssetKey("match_model")][0].materialization.metadata
    assert model_meta["parameters"].value == ("estimated from this data" if model.fitted["guard"]["accepted"]
                                              else "configured (estimate rejected)")
    # Scoring reports its progress to the run log; the last line of each stage is kept as metadata.
    scored_meta = [m for m in result.get_asset_materialization_events()
                   if m.asset_key == dg.AssetKey("scored_pairs")][0].materialization.metadata
    assert "(100%)" in scored_meta["progress"].value["score pairs"]
    # Nothing lost: every raw row is in the crosswalk or in quarantine.
    raw_rows = sum(result.output_for_node(f"raw_{s}").raw_row_count for s in ("webshop", "events", "support", "legacy_crm"))
    assert len(crosswalk) + len(quarantine) == raw_rows
    assert len(golden) < len(crosswalk)  # duplicates were merged
    published = read_table(crm, GOLDEN_TABLE)
    assert sorted(published["golden_id"]) == sorted(golden["golden_id"])
    # Row counts are in the UI metadata.
    mats = {m.asset_key.to_user_string(): m for m in result.get_asset_materialization_events() and
            [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]}
    assert mats["normalised_contacts"].metadata["dagster/row_count"].value == len(crosswalk)
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["golden_contacts_expectations"] is True


def test_failing_expectation_blocks_publication(project_copy):
    root = _small_demo_project(project_copy)
    suite_path = root / "expectations" / "golden_contacts.json"
    suite = json.loads(suite_path.read_text())
    # An expectation the data cannot meet: fewer golden records than there are.
    suite["expectations"].append({"type": "expect_table_row_count_to_be_between", "kwargs": {"max_value": 1}})
    suite_path.write_text(json.dumps(suite))
    crm = f"sqlite:///{root / 'crm.sqlite'}"
    result = _materialize(root, crm)
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["golden_contacts_expectations"].passed is False
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "golden_contacts" in materialized
    assert "crm_golden_contacts" not in materialized
    assert read_table(crm, GOLDEN_TABLE) is None  # the CRM was never touched


def test_yearly_audit_partition_writes_report(project_copy):
    root = _small_demo_project(project_copy)
    project = load_project(root)
    assets = build_assets(project)
    resources = build_resources(project, f"sqlite:///{root / 'crm.sqlite'}")
    with dg.DagsterInstance.ephemeral() as instance:
        nightly = dg.materialize(assets, resources=resources, instance=instance,
                                 selection=NIGHTLY_SELECTION)
        assert nightly.success
        audit = dg.materialize(assets, resources=resources, instance=instance, partition_key="2025",
                               selection=dg.AssetSelection.assets("data_quality_audit"))
    assert audit.success
    mat = audit.asset_materializations_for_node("data_quality_audit")[0]
    assert mat.partition == "2025"
    report = root / "reports" / "report.html"
    assert report.is_file() and (root / "reports" / "audit.json").is_file()
    assert mat.metadata["report"].value == str(report)
    assert 0 <= mat.metadata["score"].value <= 100
    audit_json = json.loads((root / "reports" / "audit.json").read_text())
    assert audit_json["as_of"].startswith("2026-01-01")  # the end of the audited year


def _counting_comparisons(monkeypatch) -> tuple[Counter, list]:
    """Every pair the engine compares, by the two contact keys (smaller first), and the number of pairs
    compared again from the records for EM (never, when the fit takes its levels from the scores)."""
    import steward.match.model as model_module
    import steward.match.training as training_module

    compared: Counter = Counter()
    em_from_records: list = []
    score_pairs, pattern_counts = model_module.score_pairs, training_module.pattern_counts

    def counted_score_pairs(contacts, pairs, model, *args, **kwargs):
        keys = contacts["contact_key"].to_numpy()
        a, b = keys[pairs["left"].to_numpy()], keys[pairs["right"].to_numpy()]
        compared.update(zip(np.minimum(a, b), np.maximum(a, b)))
        return score_pairs(contacts, pairs, model, *args, **kwargs)

    def counted_pattern_counts(records, left_idx, right_idx, *args, **kwargs):
        em_from_records.append(len(left_idx))
        return pattern_counts(records, left_idx, right_idx, *args, **kwargs)

    monkeypatch.setattr(model_module, "score_pairs", counted_score_pairs)
    monkeypatch.setattr(training_module, "pattern_counts", counted_pattern_counts)
    return compared, em_from_records


def _pair_keys(contacts, pairs) -> set:
    keys = contacts["contact_key"].to_numpy()
    a, b = keys[pairs["left"].to_numpy()], keys[pairs["right"].to_numpy()]
    return set(zip(np.minimum(a, b), np.maximum(a, b)))


def test_a_full_rebuild_compares_every_candidate_pair_once_in_dagster_as_in_the_cli(project_copy, monkeypatch):
    """The assets and ``steward dedupe`` take one path: every candidate pair is compared once, with the
    configured model; the fit (EM sample, guard) takes its levels from those scores."""
    from typer.testing import CliRunner

    from steward.cli import app
    from steward.demo import write_canonical

    root = _small_demo_project(project_copy)
    compared, em_from_records = _counting_comparisons(monkeypatch)
    result = _materialize(root, f"sqlite:///{root / 'crm.sqlite'}")
    assert result.success
    contacts = result.output_for_node("normalised_contacts", "normalised_contacts")
    candidates = _pair_keys(contacts, result.output_for_node("candidate_pairs", "candidate_pairs"))
    assert len(candidates) > 100
    assert candidates <= set(compared)
    assert max(compared.values()) == 1, "a pair was compared more than once"
    assert em_from_records == []

    # The same records through the CLI: the same comparisons, once each.
    compared.clear()
    canonical = write_canonical(root / "data" / "demo")
    out = root / "out"
    args = ["dedupe", "--out", str(out), "--project", str(root), "--no-evaluate"]
    for path in canonical.values():
        args += ["--input", str(path)]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    assert candidates <= set(compared)
    assert max(compared.values()) == 1, "a pair was compared more than once"
    assert em_from_records == []


def test_a_run_reads_the_rules_once(project_copy, monkeypatch):
    """Every step takes its settings from the run's StewardProject resource and its stewardship from
    StewardState: rules/ and the state database are read once per run, so an edit made while a run
    is going waits for the next run instead of splitting this one."""
    import pipelines.resources as resources

    reads, state_reads = [], []
    load_settings = resources.load_settings
    monkeypatch.setattr(resources, "load_settings", lambda project: reads.append(project) or load_settings(project))
    # Decisions, previous golden ids and the erasure list: read from the state database once per run too.
    from_project = resources.Stewardship.from_project
    monkeypatch.setattr(resources.Stewardship, "from_project",
                        lambda *args, **kwargs: state_reads.append(args) or from_project(*args, **kwargs))
    root = _small_demo_project(project_copy, entities=60)
    result = _materialize(root, f"sqlite:///{root / 'crm.sqlite'}")
    assert result.success
    assert len(reads) == 1 and len(state_reads) == 1
