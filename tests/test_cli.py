"""The CLI as a user runs it: the installed ``steward`` command in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from steward.publish import GOLDEN_TABLE, read_table

STEWARD = str(Path(sys.executable).with_name("steward"))


def _run(*args, cwd, env=None, check=True):
    proc = subprocess.run([STEWARD, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"steward {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_demo_data_then_dedupe_prints_accuracy(tmp_path, repo_root):
    demo = tmp_path / "demo"
    _run("demo-data", "--out", str(demo), "--entities", "600", "--seed", "11", cwd=repo_root)
    inputs = sorted((demo / "canonical").glob("*.csv"))
    assert len(inputs) == 4
    args = ["dedupe"] + [a for p in inputs for a in ("--input", str(p))] + ["--out", str(tmp_path / "out")]
    proc = _run(*args, cwd=repo_root)
    out = tmp_path / "out"
    crosswalk = pd.read_csv(out / "crosswalk.csv", dtype=str, keep_default_na=False)
    golden = pd.read_csv(out / "golden_records.csv", dtype=str, keep_default_na=False)
    quarantine = pd.read_csv(out / "quarantine.csv", dtype=str, keep_default_na=False)
    assert list(crosswalk.columns) == ["source", "record_id", "golden_id"]
    # Every input row appears exactly once: in the crosswalk or in quarantine.
    input_rows = sum(len(pd.read_csv(p, dtype=str)) for p in inputs)
    assert len(crosswalk) + len(quarantine) == input_rows
    assert not crosswalk.duplicated(["source", "record_id"]).any()
    assert set(golden["golden_id"]) == set(crosswalk["golden_id"])
    assert set(golden["email_opt_in"]) <= {"yes", "no", "unknown"}
    # Long stages show their progress (stage, done / total, rate or ETA): plain lines when not on a terminal.
    assert re.search(r"score pairs: [0-9,]+ / [0-9,]+ pairs \(100%\)", proc.stderr), proc.stderr
    assert re.search(r"normalise phones: [0-9,]+ / [0-9,]+ distinct values", proc.stderr), proc.stderr
    precision = float(re.search(r"pairwise precision\s+([0-9.]+)", proc.stdout).group(1))
    recall = float(re.search(r"pairwise recall\s+([0-9.]+)", proc.stdout).group(1))
    assert precision >= 0.97 and recall >= 0.90, proc.stdout

    # `steward explain` on the best merge suggestion: the evidence, field by field.
    suggestions = pd.read_csv(out / "merge_suggestions.csv", dtype=str)
    a, b = suggestions.iloc[0]["a_contact_key"], suggestions.iloc[0]["b_contact_key"]
    why = _run("explain", a, b, "--crosswalk", str(out / "crosswalk.csv"), cwd=repo_root)
    assert "doubtful: a merge suggestion for review" in why.stdout
    assert f"match probability {float(suggestions.iloc[0]['match_probability']):.4f}" in why.stdout
    assert "first_name" in why.stdout and "total weight" in why.stdout

    # The same figures from `steward evaluate`.
    ev = _run("evaluate", "--truth", str(demo / "ground_truth.csv"), "--crosswalk", str(out / "crosswalk.csv"), cwd=repo_root)
    assert f"pairwise precision    {precision:.4f}" in ev.stdout

    # --no-evaluate (benchmarks score the crosswalk themselves): the same files, no scoring against the truth.
    quiet = _run(*args[:-1], str(tmp_path / "quiet"), "--no-evaluate", cwd=repo_root)
    assert "pairwise precision" not in quiet.stdout
    assert (tmp_path / "quiet" / "crosswalk.csv").read_text() == (out / "crosswalk.csv").read_text()


def test_dedupe_names_the_bad_file(tmp_path, repo_root):
    bad = tmp_path / "nope.csv"
    bad.write_text("name,mail\nA,a@x.com\n")
    proc = _run("dedupe", "--input", str(bad), "--out", str(tmp_path / "o"), cwd=repo_root, check=False)
    assert proc.returncode == 2
    assert "nope.csv" in proc.stderr and "record_id" in proc.stderr


def test_run_materialises_everything_and_is_idempotent(tmp_path, repo_root):
    project = tmp_path / "project"
    shutil.copytree(repo_root / "rules", project / "rules")
    shutil.copytree(repo_root / "expectations", project / "expectations")
    sources = yaml.safe_load((project / "rules" / "sources.yaml").read_text())
    sources["demo"] = {"out": "data/demo", "entities": 200, "seed": 5}
    (project / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    env = {"DAGSTER_HOME": str(tmp_path / "dagster_home")}
    first = _run("run", "--project", str(project), cwd=tmp_path, env=env)
    assert "crm_golden_contacts" in first.stderr and "done" in first.stderr
    crm = f"sqlite:///{project / 'data' / 'crm.sqlite'}"
    before = read_table(crm, GOLDEN_TABLE)
    assert "full rebuild: no snapshot of an earlier run" in first.stderr
    second = _run("run", "--project", str(project), cwd=tmp_path, env=env)
    # The second run is incremental: the demo exports are the same, so nothing is matched or written.
    assert "incremental run:" in second.stderr and "0 records matched again" in second.stderr
    after = read_table(crm, GOLDEN_TABLE)
    pd.testing.assert_frame_equal(before.sort_values("golden_id", ignore_index=True),
                                  after.sort_values("golden_id", ignore_index=True))
    # --full rebuilds everything, compares every golden record with the CRM and changes nothing either.
    third = _run("run", "--full", "--project", str(project), cwd=tmp_path, env=env)
    assert "full rebuild: a full rebuild was asked for" in third.stderr
    log = read_table(crm, "publish_log")
    assert list(log["inserted"].astype(int)) == [len(before), 0, 0]
    assert list(log["updated"].astype(int)) == [0, 0, 0]
    assert list(log["golden_rows"].astype(int)) == [len(before), 0, len(before)]
    assert int(log["unchanged"].astype(int).iloc[-1]) == len(before)


def test_audit_writes_report_and_shows_trend(tmp_path, repo_root):
    demo = tmp_path / "demo"
    _run("demo-data", "--out", str(demo), "--entities", "300", "--seed", "4", cwd=repo_root)
    inputs = [a for p in sorted((demo / "canonical").glob("*.csv")) for a in ("--input", str(p))]
    out = tmp_path / "reports"
    first = _run("audit", *inputs, "--out", str(out), "--as-of", "2025-06-30", cwd=repo_root)
    assert "overall score" in first.stdout and "legacy_crm" in first.stdout
    _run("audit", *inputs, "--out", str(out), "--as-of", "2026-06-30", cwd=repo_root)
    audit_json = json.loads((out / "audit.json").read_text())
    assert audit_json["as_of"].startswith("2026-06-30")
    assert len(list((out / "history").glob("*.json"))) == 2
    html = (out / "report.html").read_text()
    assert "2025-06-30" in html  # the trend includes the earlier audit
