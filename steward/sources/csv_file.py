"""Reading a CSV source: its encoding, what it really is, its header, then its rows.

Every cell is read as text. The fast reader (pandas) takes a clean file; a file with malformed
lines, values over several lines (which a stray quote can fake), or control characters goes
through the line-accurate reader
(``csv_lines``), which never cuts a value at a NUL byte as pandas' C parser does. A file that is
not CSV text (a workbook, an archive), is empty, or is over a limit is refused in one line that
names it.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from steward.config import SourceConfig
from steward.config.limits import Limits, shown_bytes
from steward.errors import StewardError
from steward.sources.cells import CONTROL, CONTROL_BYTES, cut, unusable_cells
from steward.sources.csv_lines import Lines, field_size_limit, read_records, unique_names

__all__ = ["SourceError", "binary_kind", "detect_encoding", "header_of", "read_csv_file"]

CHUNK = 16 * 1024 * 1024
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_MAGIC = ((b"PK\x03\x04", "a zip archive (an .xlsx workbook?); set kind: excel if it is one"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 (.xls) or password-protected workbook; save it "
                                                "as CSV or .xlsx"),
          (b"\x1f\x8b", "gzip-compressed; unpack it first"), (b"PAR1", "a Parquet file"), (b"%PDF", "a PDF document"),
          (b"SQLite format 3\x00", "an SQLite database; read it as kind: sql"))


class SourceError(StewardError, ValueError):
    """A source cannot be read at all (missing file, unmapped column ...)."""


def binary_kind(head: bytes) -> str | None:
    """What a file starting with ``head`` is, when it is a known binary format (else None)."""
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def _wide(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


@dataclass(frozen=True)
class Sniffed:
    encoding: str
    controls: bool  # the file holds a control character somewhere (then: the line-accurate reader)
    detected: bool  # the encoding was detected, not given


def _guess(path: Path, failed_at: int) -> str:
    """The encoding of a file that is not UTF-8, from its start and the part where UTF-8 failed."""
    from charset_normalizer import from_bytes

    with open(path, "rb") as fh:
        sample = fh.read(1_000_000)
        if failed_at > len(sample):
            fh.seek(max(failed_at - 1_000, 0))
            sample += b"\n" + fh.read(1_000_000)
    best = from_bytes(sample).best()
    # ASCII/UTF-8 from a sample means the sample held no other bytes: the rest did.
    return best.encoding if best and codecs.lookup(best.encoding).name not in ("ascii", "utf-8") else "latin-1"


def _scan_text(path: Path, encoding: str, where: str) -> bool:
    try:
        with open(path, encoding=encoding, newline="") as fh:
            while chunk := fh.read(CHUNK):
                if CONTROL.search(chunk):
                    return True
    except UnicodeDecodeError as exc:
        raise SourceError(f"{where}: not readable as {encoding}: {exc.reason} at byte {exc.start}; give the "
                          "file's encoding (encoding: ...) in rules/sources.yaml") from None
    return False


def sniff(path: Path, encoding: str | None, where: str) -> Sniffed:
    """The file's encoding (a BOM, else UTF-8 if it decodes, else charset-normalizer's guess) and
    whether it holds control characters; read in chunks, never whole."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    given = encoding
    encoding = encoding or bom
    if encoding is not None and _wide(encoding):
        return Sniffed(encoding, _scan_text(path, encoding, where), given is None)
    decoder = codecs.getincrementaldecoder("utf-8")() if encoding is None else None
    controls, failed_at, offset = False, -1, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            controls = controls or CONTROL_BYTES.search(chunk) is not None
            if decoder is not None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    failed_at, decoder = offset + exc.start, None
            offset += len(chunk)
            if controls and decoder is None:
                break
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            failed_at = offset - 1
    if encoding is None:
        encoding = "utf-8" if failed_at < 0 else _guess(path, failed_at)
        if _wide(encoding):
            return Sniffed(encoding, _scan_text(path, encoding, where), True)
    return Sniffed(encoding, controls, given is None)


def detect_encoding(path: Path) -> str:
    """The encoding of a text file, as a CSV source without ``encoding:`` is read."""
    return sniff(Path(path), None, str(path)).encoding


def _decode_error(where: str, found: Sniffed, exc: UnicodeDecodeError) -> SourceError:
    how = "detected from a sample" if found.detected else "as configured"
    byte = exc.object[exc.start:exc.start + 1].hex() if isinstance(exc.object, bytes) else "?"
    return SourceError(f"{where}: not readable as {found.encoding} ({how}): byte 0x{byte} does not fit "
                       f"({exc.reason}); give the file's encoding (encoding: utf-8, cp1252, ...) in rules/sources.yaml")


def _header(path: Path, found: Sniffed, delimiter: str, where: str, limits: Limits) -> list[str]:
    """The header line, checked: present, not swallowing the file through an open quote, no
    control characters, not wider than the limit."""
    try:
        with open(path, encoding=found.encoding, newline="") as fh, field_size_limit(limits.max_cell_bytes):
            lines_of_header = Lines(iter(fh), 1)
            header = next(csv.reader(lines_of_header, delimiter=delimiter), None)
    except csv.Error as exc:
        raise SourceError(f"{where}: line 1 (the header): {exc} (an unbalanced quote?)") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(where, found, exc) from None
    if not header or not any(h.strip() for h in header):
        raise SourceError(f"{where}: the file is empty: no header line (a source needs at least its header)")
    span = len(lines_of_header.taken)
    if span > 1 and any(delimiter in h for h in header):  # (a name over two lines holds no delimiter)
        raise SourceError(f"{where}: line 1 (the header) opens a quote that runs to line {span}: "
                          f"{cut(lines_of_header.taken[0][1].rstrip(), 120)!r}; fix the quote in the header")
    bad = [h for h in header if CONTROL.search(h)]
    if bad:
        raise SourceError(f"{where}: line 1 (the header): column name {cut(bad[0], 60)!r} holds a control "
                          "character; fix the header")
    if len(header) > limits.max_columns:
        raise SourceError(f"{where}: {len(header):,} columns, over {limits.raise_hint('max_columns')}")
    return header


def _fast(path: Path, found: Sniffed, cfg: SourceConfig) -> pd.DataFrame | None:
    """The file through pandas, or None when it needs the line-accurate reader."""
    try:
        frame = pd.read_csv(path, sep=cfg.delimiter, dtype=str, keep_default_na=False, encoding=found.encoding,
                            on_bad_lines="error", nrows=cfg.limits.max_rows + 1)
    except pd.errors.ParserError:
        return None
    # More fields on every line than in the header: pandas makes the first ones an index (a
    # MultiIndex for two) instead of saying the lines are malformed.
    if not isinstance(frame.index, pd.RangeIndex):
        return None
    # A value over several lines may be lines a stray quote folded into one row (pandas fills the
    # fields such a row lacks, and says nothing): only the line-accurate reader can tell.
    for column in frame.columns:
        joined = "\x1f".join(frame[column].tolist())
        if "\n" in joined or "\r" in joined:
            return None
    frame.index = frame.index + 2  # row numbers: the header is row 1 (blank lines skipped)
    return frame


def read_csv_file(cfg: SourceConfig) -> tuple[pd.DataFrame, list[dict]]:
    """Every cell as text (index: row number, the header is row 1), and quarantine entries for the
    lines that are no usable row. SourceError for a file that cannot be read at all."""
    path, limits = cfg.path, cfg.limits
    assert path is not None
    where = str(path)  # (a problem of the source adds the rules file and the source)
    if not path.is_file():
        raise SourceError(f"{where}: file not found")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise SourceError(f"{where}: {shown_bytes(size)}, over {limits.raise_hint('max_file_bytes')}")
    with open(path, "rb") as fh:
        other = binary_kind(fh.read(16))
    if other:
        raise SourceError(f"{where}: not CSV text: it is {other}")
    found = sniff(path, cfg.encoding, where)
    header = _header(path, found, cfg.delimiter, where, limits)
    try:
        frame = None if found.controls else _fast(path, found, cfg)
        if frame is None:
            with open(path, encoding=found.encoding, newline="") as fh:
                lines = Lines(iter(fh), 1)
                with field_size_limit(limits.max_cell_bytes):
                    next(csv.reader(lines, delimiter=cfg.delimiter))  # the header, read above
                parsed = read_records(lines, cfg.delimiter, len(header), limits, (cfg.name, str(path)))
            frame = pd.DataFrame(parsed.rows, columns=unique_names(header), index=parsed.numbers, dtype=object)
            bad = parsed.bad
        else:
            bad = []
    except UnicodeDecodeError as exc:
        raise _decode_error(where, found, exc) from None
    if len(frame) > limits.max_rows:
        raise SourceError(f"{where}: more than {limits.max_rows:,} rows, over {limits.raise_hint('max_rows')}")
    if not found.controls and size <= limits.max_cell_bytes:
        return frame, bad  # (no control character, and no cell can be longer than the whole file)
    frame, unusable = unusable_cells(frame, limits, (cfg.name, str(path)), controls=found.controls)
    return frame, bad + unusable


def header_of(path: Path) -> list[str]:
    """The first line of a CSV file as column names, in the encoding ``read_csv_file`` would find
    (``steward dedupe`` reads UTF-16 and latin-1 files as ``steward run`` does)."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    other = binary_kind(head)
    if other:
        raise SourceError(f"{path}: not CSV text: it is {other}")
    encoding = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if encoding is None:
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # (a multi-byte character cut at the end of the sample is still UTF-8)
            encoding = "utf-8" if exc.start > len(head) - 4 else _guess(path, exc.start)
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        return next(csv.reader(io.StringIO(fh.readline())), [])
