"""Reading an Excel source, after checking what reading it would cost.

An xlsx workbook is a zip of XML: 208 KB can unpack to a 200 MB cell, and one value in column
XFD makes pandas hold 16,384 columns for every row (it pads each row to the widest). Before
pandas reads anything, the workbook's parts are streamed through (never unpacked whole) and it is
refused in one line, naming the file, what is over which limit and the key that raises it, when
a cell is larger than ``max_cell_bytes`` (Excel itself holds at most 32,767 characters in a
cell), when the sheet is wider than ``max_columns``, longer than ``max_rows``, spans more than
``max_cells`` or unpacks to more than ``max_file_bytes``. A file that is no workbook (CSV text,
an HTML page saved as .xls, a damaged zip) is named with what it is.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from steward.config import SourceConfig
from steward.config.limits import Limits, shown_bytes
from steward.sources.cells import CONTROL, cut
from steward.sources.csv_file import SourceError

__all__ = ["read_excel_file"]

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 8 * 1024 * 1024
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def _number(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value


def _beyond(width: int, prefix: bytes) -> re.Pattern[bytes]:
    """A cell holding a value in a column after column number ``width`` (its letters compared
    in C: one Python step per widening, not per cell)."""
    letters = _letters(width)
    options = [f"[A-Z]{{{len(letters) + 1},}}"]
    for i, char in enumerate(letters):
        if char != "Z":
            options.append(f"{letters[:i]}[{chr(ord(char) + 1)}-Z][A-Z]{{{len(letters) - i - 1}}}")
    # (starting with the literal r=" lets the regex engine skip ahead in C between candidates)
    return re.compile(rb'r="(' + "|".join(options).encode() + rb')\d+"')


def _holds_value(window: bytes, found: re.Match, cell: bytes) -> bool:
    """Whether the reference ``found`` is a cell's (``cell``: its opening ``<c``) that holds a value
    (not ``<c r="XFD1" s="1"/>``, a formatted empty cell pandas leaves out)."""
    start, end = window.rfind(b"<", 0, found.start()), window.find(b">", found.end())
    after = window[start + len(cell):start + len(cell) + 1]
    if start < 0 or end < 0 or not window.startswith(cell, start) or not after.isspace() \
            or not window[found.start() - 1:found.start()].isspace():
        return False
    return window[end - 1:end] != b"/" and not window.startswith(b"</", end + 1)


def _not_a_workbook(head: bytes) -> str:
    """What a file that is no xlsx workbook is, for the refusal."""
    lower = head.lower()
    if head.startswith(_OLE):
        return ("an Excel 97-2003 (.xls) workbook or a password-protected one: save it as .xlsx without a password, "
                "or as CSV (kind: csv)")
    if b"<html" in lower or b"<!doctype html" in lower or b"<table" in lower:
        return "an HTML page, not a workbook (some tools save HTML tables as .xls): export it as CSV or .xlsx"
    if b"\x00" not in head[:4096]:
        try:
            head[:4096].decode("utf-8")
            text = True
        except UnicodeDecodeError as exc:
            text = exc.start > 4090
        if text or sum(32 <= b < 127 or b in (9, 10, 13) for b in head[:4096]) > 0.95 * len(head[:4096]):
            return "not an Excel workbook (it looks like CSV text): set kind: csv"
    return f"not an Excel workbook (it starts with the bytes {head[:8].hex(' ')})"


def _parts(archive: zipfile.ZipFile, sheet: str | int | None, where: str) -> tuple[str, str | None]:
    """The zip members of the sheet pandas would read (the first one unless ``sheet`` names
    another) and of the shared strings (None if the workbook has none)."""
    names = set(archive.namelist())
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if part not in names or archive.getinfo(part).file_size > 50_000_000:
            raise SourceError(f"{where}: not a readable Excel workbook ({part} is missing or oversized)")
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets, strings = {}, None
    for found in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if attributes.get("Type", "").endswith("/worksheet"):
            targets[attributes.get("Id")] = target
        elif attributes.get("Type", "").endswith("/sharedStrings"):
            strings = target
    sheets = []
    for found in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        rel = next((v for k, v in attributes.items() if k.endswith(":id")), None)
        if rel in targets:
            sheets.append((html.unescape(attributes.get("name", "")), targets[rel]))
    if not sheets:
        raise SourceError(f"{where}: the workbook has no worksheet")
    if sheet is None or isinstance(sheet, int):
        index = sheet or 0
        if index >= len(sheets):
            raise SourceError(f"{where}: no sheet number {index} (sheets: {', '.join(n for n, _ in sheets)})")
        return sheets[index][1], strings
    part = next((p for n, p in sheets if n == sheet), None)
    if part is None:
        raise SourceError(f"{where}: no sheet named {sheet!r} (sheets: {', '.join(repr(n) for n, _ in sheets)})")
    return part, strings


@dataclass
class _Scan:
    """What streaming through one XML part found."""
    largest: int = 0  # bytes of the largest cell (or shared string) with its markup
    rows: int = 0  # <row> elements
    last_row: int = 0  # the highest row number
    width: int = 0  # the rightmost column holding a value
    unnumbered: int = 0  # the most cells of one row, when cells come without a reference


class _SheetScan:
    """The row and column checks of one sheet part, chunk by chunk (``prefix``: the namespace
    prefix its elements carry, ``<x:c>``)."""

    def __init__(self, scan: _Scan, prefix: bytes):
        self.scan, self.prefix = scan, prefix
        self.cell, self.row = b"<" + prefix + b"c", b"<" + prefix + b"row"
        self.row_ref = re.compile(b"<" + prefix + rb'row\b[^>]*?\sr="(\d+)"')
        self.unnumbered = re.compile(b"<" + prefix + rb'c(?=[\s>/])(?![^>]*\sr=")')
        self.beyond = _beyond(0, prefix)

    def _widen(self, data: bytes) -> None:
        position = 0
        while wider := self.beyond.search(data, position):
            position = wider.end()
            if _holds_value(data, wider, self.cell):
                self.scan.width = max(self.scan.width, _number(wider.group(1).decode()))
                self.beyond = _beyond(self.scan.width, self.prefix)

    def _last_row(self, data: bytes) -> None:
        refs = list(self.row_ref.finditer(data, max(data.rfind(self.row + b" "), 0)))
        if refs:
            self.scan.last_row = max(self.scan.last_row, int(refs[-1].group(1)))

    def chunk(self, chunk: bytes, cells: int, edge: bytes) -> None:
        """``cells``: the ``<c`` tags in ``chunk``; ``edge``: the bytes around the chunk's start
        (a tag cut in two there)."""
        self.scan.rows += chunk.count(self.row)  # (<rowBreaks> too: an upper bound)
        for data in (edge, chunk):
            self._last_row(data)
            self._widen(data)
        if cells != chunk.count(self.cell + b' r="') and self.unnumbered.search(chunk, 0, chunk.rfind(b">") + 1):
            # cells placed by their order, not their reference: count them per row
            self.scan.unnumbered = max(self.scan.unnumbered, *(r.count(self.cell + b" ") + r.count(self.cell + b">")
                                                               for r in chunk.split(self.row)))


def _scan_part(archive: zipfile.ZipFile, part: str, element: bytes, sheet: bool) -> _Scan:
    """Stream one XML part: the longest stretch between two ``element`` tags (a cell, a shared
    string: what one value costs, markup included), and for a sheet its rows and the rightmost
    column holding a value."""
    scan, carry, tail, ended = _Scan(), 0, b"", False
    with archive.open(part) as stream:
        chunk = stream.read(CHUNK)
        found = re.search(rb"<(\w+:)?(?:worksheet|sst)\b", chunk)
        prefix = (found.group(1) or b"") if found else b""
        marker, end = b"<" + prefix + element, b"</" + prefix + b"sheetData>"
        rows = _SheetScan(scan, prefix) if sheet else None
        while not ended and chunk:
            if sheet and end in chunk:  # (what follows the cells is not read as cells)
                chunk, ended = chunk[:chunk.index(end)], True
            pieces = chunk.split(marker)
            first = carry + len(pieces[0])
            scan.largest = max(scan.largest, first, max(map(len, pieces[1:]), default=0))
            carry = len(pieces[-1]) if len(pieces) > 1 else first
            if rows is not None:
                rows.chunk(chunk, len(pieces) - 1, tail + chunk[:512])
                tail = chunk[-512:]
            chunk = stream.read(CHUNK)
    return scan


def _check_workbook(path: Path, cfg: SourceConfig, where: str) -> None:
    """Refuse the workbook when reading it would pass a limit (see the module's docstring)."""
    try:
        with zipfile.ZipFile(path) as archive:
            strings, cells = _scanned(archive, cfg, where)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise SourceError(f"{where}: a damaged or incomplete workbook (its zip container cannot be read: {exc}); "
                          "export it again") from None
    limits: Limits = cfg.limits
    largest = max(strings.largest, cells.largest)
    if largest > limits.max_cell_bytes:
        raise SourceError(f"{where}: a cell of about {shown_bytes(largest)} (Excel itself holds at most 32,767 "
                          f"characters in a cell), over {limits.raise_hint('max_cell_bytes')}")
    width = cells.width + cells.unnumbered
    if width > limits.max_columns:
        raise SourceError(f"{where}: a value in column {_letters(width)} ({width:,} columns), over "
                          f"{limits.raise_hint('max_columns')}")
    rows = max(cells.rows, cells.last_row)
    if rows - 1 > limits.max_rows:
        raise SourceError(f"{where}: {rows - 1:,} rows, over {limits.raise_hint('max_rows')}")
    if rows * width > limits.max_cells:
        raise SourceError(f"{where}: the sheet spans {rows:,} rows × {width:,} columns = {rows * width:,} cells "
                          f"(empty ones too, which pandas holds all the same), over {limits.raise_hint('max_cells')}")


def _scanned(archive: zipfile.ZipFile, cfg: SourceConfig, where: str) -> tuple[_Scan, _Scan]:
    """(the shared strings, the sheet) of a workbook that is one and unpacks within the limit."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        what = ("an Excel binary workbook (.xlsb): save it as .xlsx" if "xl/workbook.bin" in names else
                "an OpenDocument spreadsheet (.ods): save it as .xlsx" if "content.xml" in names else
                "a zip archive with no Excel workbook in it (no xl/workbook.xml)")
        raise SourceError(f"{where}: {what}")
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > cfg.limits.max_file_bytes:
        raise SourceError(f"{where}: unpacks to {shown_bytes(unpacked)}, over {cfg.limits.raise_hint('max_file_bytes')}")
    part, strings_part = _parts(archive, cfg.sheet, where)
    if part not in names:
        raise SourceError(f"{where}: the workbook names the sheet part {part}, which it does not hold")
    strings = _scan_part(archive, strings_part, b"si", sheet=False) if strings_part in names else _Scan()
    return strings, _scan_part(archive, part, b"c", sheet=True)


def read_excel_file(cfg: SourceConfig) -> pd.DataFrame:
    """The sheet with every cell as pandas reads it (index: spreadsheet row number)."""
    path = cfg.path
    where = str(path)  # (a problem of the source adds the rules file and the source)
    if path is None or not path.is_file():
        raise SourceError(f"{where}: file not found")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    size = path.stat().st_size
    if size > cfg.limits.max_file_bytes:
        raise SourceError(f"{where}: {shown_bytes(size)}, over {cfg.limits.raise_hint('max_file_bytes')}")
    if not head:
        raise SourceError(f"{where}: the file is empty (0 bytes)")
    if not head.startswith(_ZIP):
        raise SourceError(f"{where}: {_not_a_workbook(head)}")
    _check_workbook(path, cfg, where)
    try:
        frame = pd.read_excel(path, sheet_name=cfg.sheet if cfg.sheet is not None else 0, dtype=object,
                              engine="openpyxl")
    except Exception as exc:  # openpyxl and zipfile raise many kinds: name the file, say what it said
        raise SourceError(f"{where}: cannot be read as an Excel workbook: {type(exc).__name__}: "
                          f"{cut(str(exc), 200)}") from None
    if frame.shape[1] > cfg.limits.max_columns:
        raise SourceError(f"{where}: {frame.shape[1]:,} columns, over {cfg.limits.raise_hint('max_columns')}")
    bad = [str(c) for c in frame.columns if CONTROL.search(str(c))]
    if bad:
        raise SourceError(f"{where}: row 1 (the header): column name {cut(bad[0], 60)!r} holds a control character; "
                          "fix the header")
    frame.index = frame.index + 2  # spreadsheet row numbers: the header is row 1
    return frame
