"""Issue 19, D3: a misspelled canonical field (`emial: email`) or an unknown key in a source
block is refused before anything runs, naming the file, the key and the likely meant name;
the data is never read with the column silently dropped."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

STEWARD = str(Path(sys.executable).with_name("steward"))


def test_a_misspelled_field_stops_the_run_and_says_what_was_meant(tmp_path, project_copy):
    (tmp_path / "people.csv").write_text("id,name,email\n1,Ada Lovelace,ada@example.org\n")
    sources = {"sources": {"people": {"kind": "csv", "path": str(tmp_path / "people.csv"), "delimter": ",",
                                      "columns": {"record_id": "id", "full_name": "name", "emial": "email"}}}}
    (project_copy / "rules" / "sources.yaml").write_text(yaml.safe_dump(sources))
    env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}, "COLUMNS": "250"}
    proc = subprocess.run([STEWARD, "run", "--project", str(project_copy)], cwd=project_copy, env=env,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in out
    assert "sources.people.columns.emial: not a canonical field; did you mean 'email'?" in out
    assert "sources.people.delimter: unknown key; did you mean 'delimiter'?" in out
    assert not (project_copy / "data" / "crm.sqlite").exists()  # nothing was published
