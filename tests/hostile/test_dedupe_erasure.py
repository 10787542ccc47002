"""Issue 19, P3: `steward dedupe` in a project applies its erasure list to every file it
writes, quarantine.csv included (a malformed or duplicate row of an erased person is quarantined
before any matching, and its raw text must not survive), as `steward run` does."""

import os
import subprocess
import sys
from pathlib import Path

STEWARD = str(Path(sys.executable).with_name("steward"))
HEADER = "source,record_id,first_name,last_name,email,phone,country"
ROWS = [
    "shop,1,Hieronymus,Quackenbush,h.quackenbush@example.org,+4915112345678,DE",
    "shop,1,Hieronymus,Quackenbush,h.quackenbush@example.org,+4915112345678,DE",  # the id again: quarantined
    "shop,3,Adelheid,Zwanziger,a.zwanziger@example.org,+4915187654321,DE",
    "shop,3,Hieronymus,Quackenbush,,0151 1234 5678,DE",  # id 3 again, only a national phone: quarantined
    "crm,9,H.,Quackenbush,h.quackenbush+news@example.org,0151 12345678,DE",
    'shop,5,Hieronymus,Quackenbush,"h.quackenbush@example.org,+4915112345678,DE',  # unbalanced quote
]


def _steward(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    proc = subprocess.run([STEWARD, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def test_dedupe_leaves_no_trace_of_an_erased_person_in_any_output(tmp_path, project_copy):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("\n".join([HEADER, *ROWS]) + "\n")
    _steward("erase", "--email", "h.quackenbush@example.org", "--project", str(project_copy), cwd=project_copy)
    out = tmp_path / "out"
    proc = _steward("dedupe", "--input", str(contacts), "--out", str(out), "--project", str(project_copy),
                    "--no-evaluate", cwd=project_copy)
    assert "suppressed" in proc.stdout + proc.stderr
    written = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "quarantine.csv" in written and "golden_records.csv" in written
    for name, data in written.items():
        for needle in (b"quackenbush", b"12345678", b"Hieronymus"):
            assert needle not in data.lower(), f"{needle!r} in {name}"
    assert b"zwanziger" in written["golden_records.csv"].lower()  # everyone else is still there


def test_a_plus_tag_variant_of_an_erased_address_does_not_come_back(tmp_path, project_copy):
    """Issue 19, P5: `e.jansen+promo@…` exported after `e.jansen@…` was erased was a new golden
    record. Erasure keys are the match keys: +tags dropped, dots dropped where the provider ignores
    them (Gmail)."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("\n".join([HEADER,
                                   "shop,1,Eva,Jansen,e.jansen+promo@example.nl,,NL",
                                   "shop,2,Eva,Jansen,EJansen+news@googlemail.com,,NL",
                                   "shop,3,Adelheid,Zwanziger,a.zwanziger@example.org,+4915187654321,DE"]) + "\n")
    for email in ("e.jansen@example.nl", "e.jansen@gmail.com"):
        _steward("erase", "--email", email, "--project", str(project_copy), cwd=project_copy)
    out = tmp_path / "out"
    _steward("dedupe", "--input", str(contacts), "--out", str(out), "--project", str(project_copy),
             "--no-evaluate", cwd=project_copy)
    golden = (out / "golden_records.csv").read_text().lower()
    assert "jansen" not in golden and "zwanziger" in golden


def test_dedupe_reads_plain_files_within_the_projects_limits(tmp_path, project_copy):
    """`steward dedupe` on a canonical CSV applies the project's `limits:` block as `steward run`
    applies it to sources (it used the defaults): a cell over max_cell_bytes is quarantined."""
    rules = project_copy / "rules" / "sources.yaml"
    rules.write_text(rules.read_text() + "\nlimits: {max_cell_bytes: 200}\n")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("\n".join([HEADER, "shop,1,Ada,Lovelace,ada@example.org,,GB",
                                   f"shop,2,{'B' * 300},Babbage,cb@example.org,,GB"]) + "\n")
    out = tmp_path / "out"
    _steward("dedupe", "--input", str(contacts), "--out", str(out), "--project", str(project_copy),
             "--no-evaluate", cwd=project_copy)
    quarantine = (out / "quarantine.csv").read_text()
    assert "300 bytes, over the limit (limits.max_cell_bytes: 200 bytes)" in quarantine
    assert "lovelace" in (out / "golden_records.csv").read_text().lower()
