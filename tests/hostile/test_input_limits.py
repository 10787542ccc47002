"""Issue 19, C7 and the input limits: a workbook that would cost gigabytes to read (a 200 MB cell
in 208 KB, a value in column XFD, a sheet spanning millions of empty cells) is refused before
pandas reads it, in one line naming the file, the limit and the key that raises it; cells over
``limits.max_cell_bytes`` in CSV and SQL sources are quarantined; NUL in a SQL source is
quarantined like in a CSV file. The limits are set in rules/sources.yaml (``limits:``, and per
source) and checked like every other setting."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from openpyxl import Workbook

from steward.config import ConfigError, parse_sources
from steward.sources.load import SourceError, load_source

COLUMNS = "{record_id: id, first_name: first, email: email}"


def _cfg(tmp_path: Path, block: str, limits: str = ""):
    rules = tmp_path / "sources.yaml"
    rules.write_text((f"limits: {limits}\n" if limits else "") + f"sources:\n  x: {block}\n")
    return parse_sources(yaml.safe_load(rules.read_text()), tmp_path, rules)["x"]


def _excel(tmp_path: Path, limits: str = ""):
    return _cfg(tmp_path, f"{{kind: excel, path: x.xlsx, columns: {COLUMNS}}}", limits)


def _sheet(tmp_path: Path, cells: dict[str, object]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "first", "email"])
    sheet.append([1, "Ann", "a@x.com"])
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(tmp_path / "x.xlsx")
    return tmp_path / "x.xlsx"


def test_workbook_with_a_cell_over_the_limit_is_refused_before_reading(tmp_path):
    # 2 MB of one letter packs into a few KB: the default limit (1 MB) refuses it unread. (openpyxl
    # cuts what it writes to Excel's 32,767 characters: the cell is put into the sheet's XML.)
    path = _sheet(tmp_path, {"B3": "PLACEHOLDER", "A3": 2})
    packed = io.BytesIO()
    with zipfile.ZipFile(path) as good, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            bomb.writestr(info.filename, good.read(info.filename).replace(b"PLACEHOLDER", b"x" * 2_000_000))
    path.write_bytes(packed.getvalue())
    assert path.stat().st_size < 100_000
    with pytest.raises(SourceError) as refused:
        load_source(_excel(tmp_path))
    message = str(refused.value)
    assert "x.xlsx: a cell of about 2 MB" in message and "limits.max_cell_bytes: 1 MB" in message
    assert "raise it in rules/sources.yaml" in message and "\n" not in message


def test_workbook_with_a_value_in_column_xfd_is_refused(tmp_path):
    _sheet(tmp_path, {"XFD2": "far"})
    with pytest.raises(SourceError, match=r"x\.xlsx: a value in column XFD \(16,384 columns\), over the limit "
                                          r"\(limits\.max_columns: 5,000\)"):
        load_source(_excel(tmp_path))


def test_formatted_empty_cells_far_right_do_not_count(tmp_path):
    path = _sheet(tmp_path, {})
    book = Workbook()
    book.active.append(["id", "first", "email"])
    book.active.append([1, "Ann", "a@x.com"])
    book.active["XFD5"].number_format = "0.00"  # styled, empty: pandas leaves it out
    book.save(path)
    loaded = load_source(_excel(tmp_path, "{max_columns: 10}"))
    assert loaded.records["record_id"].tolist() == ["1"]


def test_sheet_spanning_more_cells_than_the_limit_is_refused(tmp_path):
    _sheet(tmp_path, {"D100": "corner"})  # 100 rows x 4 columns, nearly all empty
    with pytest.raises(SourceError, match=r"spans 100 rows × 4 columns = 400 cells .* \(limits\.max_cells: 300\)"):
        load_source(_excel(tmp_path, "{max_cells: 300}"))


@pytest.mark.parametrize("kind", ["csv", "excel", "sql"])
def test_rows_over_the_limit_are_refused_for_every_kind(tmp_path, kind):
    frame = pd.DataFrame({"id": range(1, 8), "first": ["Ann"] * 7, "email": [f"{i}@x.com" for i in range(7)]})
    if kind == "csv":
        frame.to_csv(tmp_path / "x.csv", index=False)
        block = f"{{kind: csv, path: x.csv, columns: {COLUMNS}}}"
    elif kind == "excel":
        frame.to_excel(tmp_path / "x.xlsx", index=False)
        block = f"{{kind: excel, path: x.xlsx, columns: {COLUMNS}}}"
    else:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
        frame.to_sql("contacts", engine, index=False)
        engine.dispose()
        block = f"{{kind: sql, url: 'sqlite:///x.sqlite', table: contacts, columns: {COLUMNS}}}"
    with pytest.raises(SourceError, match=r"rows, over the limit \(limits\.max_rows: 5\)"):
        load_source(_cfg(tmp_path, block, "{max_rows: 5}"))
    assert len(load_source(_cfg(tmp_path, block, "{max_rows: 7}")).records) == 7


def test_columns_and_file_size_limits_for_csv(tmp_path):
    (tmp_path / "x.csv").write_text("id,first,email," + ",".join(f"c{i}" for i in range(20)) + "\n1,Ann,a@x.com\n")
    block = f"{{kind: csv, path: x.csv, columns: {COLUMNS}}}"
    with pytest.raises(SourceError, match=r"x\.csv: 23 columns, over the limit \(limits\.max_columns: 10\)"):
        load_source(_cfg(tmp_path, block, "{max_columns: 10}"))
    size = (tmp_path / "x.csv").stat().st_size
    with pytest.raises(SourceError, match=rf"x\.csv: {size} bytes, over the limit \(limits\.max_file_bytes: 90 bytes\)"):
        load_source(_cfg(tmp_path, block, "{max_file_bytes: 90}"))


def test_sql_cells_with_nul_or_over_the_limit_are_quarantined(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    pd.DataFrame({"id": ["A\x001", "A\x002", "3", "4"], "first": ["Car\x00la", "Bob", "y" * 600, "Eve"],
                  "email": ["c@x.com", "b@x.com", "y@x.com", "e@x.com"]}).to_sql("contacts", engine, index=False)
    engine.dispose()
    block = f"{{kind: sql, url: 'sqlite:///x.sqlite', table: contacts, columns: {COLUMNS}}}"
    loaded = load_source(_cfg(tmp_path, block, "{max_cell_bytes: 500}"))
    assert loaded.records["record_id"].tolist() == ["4"]
    q = loaded.quarantine.set_index("row")
    assert "id holds NUL" in q.loc[1, "reason"] and "first holds NUL" in q.loc[1, "reason"]
    assert "first holds 600 bytes, over the limit (limits.max_cell_bytes: 500 bytes)" in q.loc[3, "reason"]


def test_limits_are_checked_like_every_setting_and_a_source_can_override_them(tmp_path):
    block = f"{{kind: csv, path: x.csv, columns: {COLUMNS}, limits: {{max_rows: 3}}}}"
    cfg = _cfg(tmp_path, block, "{max_cell_bytes: 2 MB, max_rows: 100}")
    assert (cfg.limits.max_cell_bytes, cfg.limits.max_rows, cfg.limits.max_columns) == (2_000_000, 3, 5_000)
    for limits, says in (("{max_rwos: 5}", "limits.max_rwos: unknown key; did you mean 'max_rows'?"),
                         ("{max_cell_bytes: 2 parsecs}", "limits.max_cell_bytes: give a number of bytes"),
                         ("{max_rows: 0}", "limits.max_rows: must be at least 1")):
        with pytest.raises(ConfigError) as wrong:
            _cfg(tmp_path, f"{{kind: csv, path: x.csv, columns: {COLUMNS}}}", limits)
        assert says in str(wrong.value) and "sources.yaml" in str(wrong.value)


def _shared_strings_workbook(path: Path, strings: list[str]) -> None:
    """A workbook as Excel writes one: every text in xl/sharedStrings.xml, the sheet pointing at it."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    cells = "".join(f'<row r="{r + 1}"><c r="A{r + 1}" t="s"><v>{r}</v></c></row>' for r in range(len(strings)))
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="People" sheetId="1" r:id="rId1"/>'
        '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}><sheetData>{cells}</sheetData></worksheet>",
        "xl/sharedStrings.xml": f'<sst {ns}>' + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)


def test_packed_shared_string_is_measured_without_unpacking_it(tmp_path):
    # 50 MB of one letter in xl/sharedStrings.xml packs into ~50 KB; the check streams it.
    _shared_strings_workbook(tmp_path / "x.xlsx", ["id", "1"])
    cfg = _cfg(tmp_path, "{kind: excel, path: x.xlsx, columns: {record_id: id}}")
    assert load_source(cfg).raw_row_count == 1  # such a workbook reads as it is
    _shared_strings_workbook(tmp_path / "x.xlsx", ["id", "x" * 50_000_000])
    assert (tmp_path / "x.xlsx").stat().st_size < 200_000
    with pytest.raises(SourceError, match=r"x\.xlsx: a cell of about 50 MB .* \(limits\.max_cell_bytes: 1 MB\)"):
        load_source(cfg)
