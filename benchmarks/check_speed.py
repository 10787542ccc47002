"""`steward check` as a steward runs it, timed: issue 17 asks for every problem of every rules file
and source in one run in under 5 s.

A project is built from the vendor fixture exports (tests/fixtures/exports/, 10 files, presets)
with one mistake of each silent-loss kind the issue lists (a misspelled key, a value map whose keys
never occur, a date format that does not fit, extra columns colliding by case); the command is run
as a subprocess, cold, several times. Printed: wall time per run (start-up and imports included),
the check's own time as it reports it, and how many problems it listed.

    .venv/bin/python benchmarks/check_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 5.0

MISTAKES = """
  hubspot_key_typo:
    preset: hubspot
    path: exports/hubspot_contacts.csv
    timestmp_format: "%Y-%m-%d %H:%M"
  hubspot_unused_values:
    preset: hubspot
    path: exports/hubspot_contacts.csv
    columns:
      email_opt_in: {column: Unsubscribed from all email, values: {"Yes": "no"}}
  salesforce_wrong_dates:
    preset: salesforce_contacts
    path: exports/salesforce_contacts.csv
    timestamp_format: "%d/%m/%Y %H:%M"
"""


def build_project(root: Path) -> Path:
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "tests" / "fixtures" / "exports", root / "exports")
    sources = (REPO / "tests" / "fixtures" / "exports_sources.yaml").read_text()
    (root / "rules" / "sources.yaml").write_text(sources + MISTAKES)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    steward = str(Path(sys.executable).with_name("steward"))
    with tempfile.TemporaryDirectory() as tmp:
        project = build_project(Path(tmp))
        walls, own, problems = [], [], None
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run([steward, "check", "--project", str(project)], capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            out = done.stdout + done.stderr
            listed = [line for line in out.splitlines() if line.startswith(("error", "Error"))]
            found = re.search(r"(\d+) error\(s\), (\d+) warning\(s\) in ([\d.]+)s", " ".join(out.split()))
            if found:
                problems = (int(found.group(1)), int(found.group(2)))
                own.append(float(found.group(3)))
    print(f"steward check on the 10 fixture exports + 3 sources with mistakes, {args.runs} cold runs")
    print(f"  problems listed: {problems[0] if problems else '?'} errors, {problems[1] if problems else '?'} warnings")
    for line in listed:
        print("   ", line[:160])
    print(f"  wall s (start-up included): median {statistics.median(walls):.2f}, max {max(walls):.2f}")
    if own:
        print(f"  checking itself (as reported): median {statistics.median(own):.2f} s")
    print(f"  target < {TARGET_S:.0f} s wall: median is {statistics.median(walls) / TARGET_S:.2f}x the target")


if __name__ == "__main__":
    main()
