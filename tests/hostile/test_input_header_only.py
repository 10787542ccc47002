"""Issue 19, C3: the only source exporting just its header (a CSV, a sheet or a table without
rows) is zero records, not a night that fails with ``KeyError: 'source'``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from steward.config import parse_sources
from steward.normalise.stage import normalise_contacts
from steward.run import load_all
from steward.schema import RECORD_COLUMNS

from ..conftest import NICKNAME_FILE

COLUMNS = "{record_id: id, first_name: first, last_name: last, email: email}"


def _header_only(tmp_path: Path, kind: str) -> str:
    empty = pd.DataFrame({"id": [], "first": [], "last": [], "email": []})
    if kind == "csv":
        (tmp_path / "x.csv").write_text("id,first,last,email\n")
        return f"{{kind: csv, path: x.csv, columns: {COLUMNS}}}"
    if kind == "excel":
        empty.to_excel(tmp_path / "x.xlsx", index=False)
        return f"{{kind: excel, path: x.xlsx, columns: {COLUMNS}}}"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    empty.astype(str).to_sql("contacts", engine, index=False)
    engine.dispose()
    return f"{{kind: sql, url: 'sqlite:///x.sqlite', table: contacts, columns: {COLUMNS}}}"


@pytest.mark.parametrize("kind", ["csv", "excel", "sql"])
def test_the_only_source_with_just_a_header_is_zero_records(tmp_path, kind):
    rules = tmp_path / "sources.yaml"
    sources = parse_sources(yaml.safe_load(f"sources:\n  shop: {_header_only(tmp_path, kind)}\n"), tmp_path, rules)
    records, quarantine = load_all(sources)
    assert records.empty and quarantine.empty
    assert set(RECORD_COLUMNS) <= set(records.columns) and "source_row" in records.columns
    contacts = normalise_contacts(records, nickname_file=NICKNAME_FILE)  # the stage that failed
    assert contacts.empty and {"contact_key", "email_norm"} <= set(contacts.columns)


def test_steward_run_on_only_a_header_refuses_in_one_line_and_keeps_the_crm(tmp_path, project_copy):
    """Through the CLI: the run gets past loading and matching (before: `KeyError: 'source'`) and
    the blocking expectation refuses to publish an empty golden table, saying so, with no trace:
    an export that lost its rows must not empty the CRM."""
    import os
    import subprocess
    import sys

    (tmp_path / "x.csv").write_text("id,first,last,email\n")
    (project_copy / "rules" / "sources.yaml").write_text(yaml.safe_dump({"sources": {"only": {
        "kind": "csv", "path": str(tmp_path / "x.csv"),
        "columns": {"record_id": "id", "first_name": "first", "last_name": "last", "email": "email"}}}}))
    env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}, "COLUMNS": "250"}
    proc = subprocess.run([str(Path(sys.executable).with_name("steward")), "run", "--project", str(project_copy)],
                          cwd=project_copy, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "Traceback" not in out and "KeyError" not in out
    assert "golden_contacts_expectations FAILED" in out and "expect_table_row_count_to_be_between" in out
    assert "✓ normalised_contacts (0 rows)" in out
