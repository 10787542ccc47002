"""Issue 19, U1: a failing `steward run` says its cause in one line (no stack trace, no line per
skipped step; the whole log with --verbose); a failed blocking check names the check, the
expectation, example values and the rows; and its tolerance makes sense at 30 records."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

STEWARD = str(Path(sys.executable).with_name("steward"))


def _project(project: Path, tmp_path: Path, bad_emails: int) -> None:
    lines = ["id,first,last,mail,tel,country"]
    for i in range(30):
        mail = f"bad-address-{i}" if i < bad_emails else f"person{i}@example.org"
        lines.append(f"C{i},Person{i},Family{chr(65 + i % 26)}{i},{mail},+4930123456{i:02d},DE")
    (tmp_path / "people.csv").write_text("\n".join(lines) + "\n")
    sources = {"sources": {"people": {"kind": "csv", "path": str(tmp_path / "people.csv"), "columns": {
        "record_id": "id", "first_name": "first", "last_name": "last", "email": "mail", "phone": "tel",
        "country": "country"}}}}
    (project / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))


def _run(project: Path, *args: str, columns: int = 250) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}, "COLUMNS": str(columns)}
    return subprocess.run([STEWARD, "run", "--project", str(project), *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def test_one_bad_email_in_30_records_does_not_block_the_publication(tmp_path, project_copy):
    _project(project_copy, tmp_path, bad_emails=1)
    proc = _run(project_copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "golden_contacts_expectations passed" in proc.stdout + proc.stderr


def test_a_blocking_check_says_which_expectation_values_and_rows(tmp_path, project_copy):
    _project(project_copy, tmp_path, bad_emails=8)  # 8 of 30: over 3 % and over 5 rows
    proc = _run(project_copy)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "golden_contacts_expectations FAILED" in out
    after = out[out.index("golden_contacts_expectations FAILED"):].splitlines()
    line = next(line for line in after if "expect_column_values_to_match_regex on email" in line)
    assert "8 unexpected" in line and "'bad-address-" in line and "golden_id G" in line and "5 rows" in line
    assert "Traceback" not in out and "Stack Trace" not in out


def test_a_failing_step_is_told_in_one_line_and_verbose_shows_the_rest(tmp_path, project_copy):
    _project(project_copy, tmp_path, bad_emails=0)
    crm = "postgresql+psycopg://writer:pw-not-shown@127.0.0.1:1/crm"  # nothing listens on port 1
    proc = _run(project_copy, "--crm", crm, columns=80)  # a narrow terminal, or a log file: still one line
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    failed = [line for line in out.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "crm_golden_contacts" in failed[0] and "127.0.0.1" in failed[0], out
    assert "Traceback" not in out and "Stack Trace" not in out and "dagster._core" not in out
    assert sum("skipped" in line for line in out.splitlines()) <= 1
    assert "pw-not-shown" not in out
    verbose = _run(project_copy, "--crm", crm, "--verbose")
    assert verbose.returncode == 1 and "Stack Trace" in verbose.stdout + verbose.stderr
