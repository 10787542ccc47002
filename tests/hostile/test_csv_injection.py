"""Issue 19, S1: formulas in source data reach the CSV files people open in a spreadsheet only as
text (OWASP CSV injection); phone numbers and plain numbers stay as they are; the CRM database
keeps the raw text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from steward.frames import formula_safe, write_csv

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0",
           "\t=1+1", "=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_are_escaped(value):
    assert formula_safe(pd.DataFrame({"x": [value]}))["x"].iloc[0] == "'" + value


@pytest.mark.parametrize("value", ["+44 20 7946 0958", "-2", "+1 (415) 555-0100", "Anna", "O'Neill", "", None, "5-3"])
def test_phones_numbers_and_names_stay(value):
    assert formula_safe(pd.DataFrame({"x": [value]}))["x"].iloc[0] == value


def test_dedupe_outputs_hold_no_live_formula(tmp_path):
    source = tmp_path / "contacts.csv"
    pd.DataFrame({
        "source": ["shop", "crm"], "record_id": ["1", "2"],
        "first_name": ["=HYPERLINK(\"http://evil.example\")", "Anna"], "last_name": ["@SUM(A1)", "Lee"],
        "company": ["+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"], "email": ["a@example.com", "b@example.com"],
        "phone": ["+44 20 7946 0958", "+44 20 7946 0959"],
    }).to_csv(source, index=False)
    steward = str(Path(sys.executable).with_name("steward"))
    done = subprocess.run([steward, "dedupe", "--input", str(source), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("golden_records.csv", "golden_lineage.csv", "crosswalk.csv"):
        frame = pd.read_csv(tmp_path / "out" / name, dtype=str, keep_default_na=False)
        for column in frame.columns:
            live = [v for v in frame[column] if v[:1] in ("=", "@") or v.startswith(("+cmd", "-2+3"))]
            assert not live, (name, column, live)
    golden = pd.read_csv(tmp_path / "out" / "golden_records.csv", dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(\"http://evil.example\")" in set(golden["first_name"])
    assert {"+442079460958", "+442079460959"} <= set(golden["phone"])  # phones untouched


def test_write_csv_escapes_and_leaves_the_frame_alone(tmp_path):
    frame = pd.DataFrame({"name": ["=1+1", "Bo"], "n": [1.5, None]})
    write_csv(frame, tmp_path / "x.csv")
    assert frame["name"].tolist() == ["=1+1", "Bo"]
    assert pd.read_csv(tmp_path / "x.csv", dtype=str)["name"].tolist() == ["'=1+1", "Bo"]
