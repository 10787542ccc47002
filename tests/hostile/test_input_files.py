"""Issue 19, C8: corrupt or mislabelled files are refused in one line that names the file and says
what it is ("specify an engine manually", BadZipFile, EmptyDataError, "TypeError ... MultiIndex"
before); ``steward dedupe`` reads UTF-16 and latin-1 files as ``steward run`` does."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from steward.config import parse_sources
from steward.sources.load import SourceError, load_source

COLUMNS = "{record_id: id, first_name: first, email: email}"


def _workbook(path: Path) -> bytes:
    pd.DataFrame({"id": [1, 2], "first": ["Ann", "Bo"], "email": ["a@x.com", "b@x.com"]}).to_excel(path, index=False)
    return path.read_bytes()


def _broken_xml(tmp_path: Path) -> bytes:
    good = io.BytesIO(_workbook(tmp_path / "good.xlsx"))
    out = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as broken:
        for info in source.infolist():
            data = source.read(info.filename)
            broken.writestr(info, data.replace(b"Ann", b"A\x00n") if "worksheets" in info.filename else data)
    return out.getvalue()


CASES = {
    # file name, kind, content (bytes, or a function of tmp_path), what the refusal says
    "csv_named_xlsx": ("x.xlsx", "excel", b"id,first,email\n1,Ann,a@x.com\n", "it looks like CSV text"),
    "truncated_xlsx": ("x.xlsx", "excel", lambda tmp: _workbook(tmp / "w.xlsx")[:3000], "damaged or incomplete"),
    "html_as_xls": ("x.xls", "excel", b"<html><body><table><tr><td>id</td></tr></table></body></html>", "an HTML page"),
    "empty_xlsx": ("x.xlsx", "excel", b"", "the file is empty"),
    "broken_sheet_xml": ("x.xlsx", "excel", _broken_xml, "cannot be read as an Excel workbook: ParseError"),
    "workbook_as_csv": ("x.csv", "csv", lambda tmp: _workbook(tmp / "w.xlsx"), "not CSV text: it is a zip archive"),
    "empty_csv": ("x.csv", "csv", b"", "the file is empty: no header line"),
    "gzip_as_csv": ("x.csv", "csv", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip-compressed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_corrupt_or_mislabelled_file_is_refused_in_one_line_naming_it(tmp_path, case):
    name, kind, content, says = CASES[case]
    path = tmp_path / name
    path.write_bytes(content(tmp_path) if callable(content) else content)
    rules = tmp_path / "sources.yaml"
    cfg = parse_sources(yaml.safe_load(f"sources:\n  x: {{kind: {kind}, path: {name}, columns: {COLUMNS}}}\n"),
                        tmp_path, rules)["x"]
    with pytest.raises(SourceError) as refused:
        load_source(cfg)
    message = str(refused.value)
    assert says in message and str(path) in message and "sources.x" in message
    assert "\n" not in message


def test_missing_sheet_is_named_with_the_sheets_there_are(tmp_path):
    _workbook(tmp_path / "w.xlsx")
    cfg = parse_sources(yaml.safe_load(f"sources:\n  x: {{kind: excel, path: w.xlsx, sheet: Contacts, columns: {COLUMNS}}}"),
                        tmp_path, tmp_path / "sources.yaml")["x"]
    with pytest.raises(SourceError, match=r"w\.xlsx: no sheet named 'Contacts' \(sheets: 'Sheet1'\)"):
        load_source(cfg)


def test_lines_with_more_fields_than_the_header_are_quarantined_not_an_index(tmp_path):
    # pandas makes the first fields an index (a MultiIndex for two) when every line has more
    # fields than the header: a TypeError, or records shifted by a column.
    (tmp_path / "x.csv").write_text("id,first,email\n1,Ann,a@x.com,extra,more\n2,Bo,b@x.com,extra,more\n")
    cfg = parse_sources(yaml.safe_load(f"sources:\n  x: {{kind: csv, path: x.csv, columns: {COLUMNS}}}"),
                        tmp_path, tmp_path / "sources.yaml")["x"]
    loaded = load_source(cfg)
    assert loaded.records.empty and loaded.raw_row_count == 2
    assert loaded.quarantine["row"].tolist() == [2, 3]
    assert loaded.quarantine["reason"].str.contains("malformed line: 5 fields, header has 3").all()


def test_dedupe_reads_utf16_and_latin1_files_as_run_does(tmp_path):
    header = "source,record_id,first_name,last_name,email\n"
    (tmp_path / "wide.csv").write_bytes((header + "shop,1,Jörg,Müller,j@x.com\n").encode("utf-16"))
    (tmp_path / "old.csv").write_bytes((header + "crm,7,Jürgen,Weiß,w@x.com\n").encode("latin-1"))
    steward = str(Path(sys.executable).with_name("steward"))
    done = subprocess.run([steward, "dedupe", "--input", str(tmp_path / "wide.csv"), "--input", str(tmp_path / "old.csv"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    golden = pd.read_csv(tmp_path / "out" / "golden_records.csv", dtype=str, keep_default_na=False)
    assert sorted(golden["last_name"]) == ["Müller", "Weiß"]
    assert sorted(golden["first_name"]) == ["Jörg", "Jürgen"]


def test_sources_detect_reads_a_utf16_export_header(tmp_path):
    """`steward sources detect` finds the encoding as `steward run` does: a UTF-16 HubSpot export
    is recognised by its header instead of read as replacement characters."""
    from steward.sources.detect import fit_presets, read_header

    path = tmp_path / "hubspot.csv"
    path.write_text("Record ID,First Name,Last Name,Email,Phone Number,Company Name,Create Date,Last Modified Date,"
                    "Unsubscribed from all email\n1,Zoë,Müller,z@example.org,+49301234567,ACME,2024-01-01,2024-02-01,false\n",
                    encoding="utf-16")
    header = read_header(path)
    assert header[:3] == ["Record ID", "First Name", "Last Name"]
    assert fit_presets(header, Path(__file__).resolve().parents[2] / "rules")[0].preset == "hubspot"
