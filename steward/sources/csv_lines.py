"""The line-accurate CSV reader, for files the fast reader (pandas) cannot take as they are:
malformed lines, an unbalanced quote, control characters, a field over the size limit.

Every physical line ends up in a record or in quarantine, with the lines of the file it came from. An unbalanced quote (``4,"Ann,Lee`` with no closing quote) makes a CSV parser read the
following lines as one field, up to the next quote or the end of the file: such a record (several
lines, the wrong number of fields) is quarantined at the line where the quote opens, naming the
lines it would have swallowed, and those lines are read again on their own, so one stray quote
costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from steward.config.limits import Limits
from steward.sources.cells import cut

__all__ = ["Lines", "Parsed", "field_size_limit", "read_records", "unique_names"]


class Lines:
    """The lines of a file for ``csv.reader``, numbered, with the lines of the record being read
    kept (``taken``) and lines pushed back to be read again (``again``)."""

    def __init__(self, lines: Iterator[str], first: int):
        self._lines = lines
        self._next = first
        self._again: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            item = self._again.popleft()
        else:
            item = (self._next, next(self._lines))
            self._next += 1
        self.taken.append(item)
        return item[1]

    def again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


@contextmanager
def field_size_limit(limit: int):
    """The csv module's field limit (131,072 characters by default, process-wide) set to the
    steward's cell limit while reading, and restored after."""
    before = csv.field_size_limit(max(int(limit), 1))
    try:
        yield
    finally:
        csv.field_size_limit(before)


@dataclass
class Parsed:
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number (the header is row 1)
    bad: list[dict] = field(default_factory=list)  # quarantine entries


def _raw(taken: list[tuple[int, str]]) -> str:
    return cut("".join(text for _, text in taken).rstrip("\r\n"), 2_000)


def _span(taken: list[tuple[int, str]]) -> str:
    return f"lines {taken[0][0]}–{taken[-1][0]}" if len(taken) > 1 else f"line {taken[0][0]}"


def read_records(lines: Lines, delimiter: str, width: int, limits: Limits, where: tuple[str, str]) -> Parsed:
    """The records of ``lines`` with ``width`` fields, and quarantine entries (``where``: source,
    location) for every line that is not one. Rows are numbered as pandas numbers them on a clean
    file (the header is row 1, blank lines are skipped): a record over several lines is one row;
    a reason names the lines of the file where they differ."""
    source, location = where
    out = Parsed()
    reader = csv.reader(lines, delimiter=delimiter)
    number = 1  # the header's

    def quarantine(first: int, reason: str, raw: str) -> None:
        at = f" (line {first} of the file)" if first != number else ""
        out.bad.append({"source": source, "location": location, "row": number, "field": "", "reason": reason + at,
                        "raw": raw})

    with field_size_limit(limits.max_cell_bytes):
        while len(out.rows) <= limits.max_rows:
            lines.taken = []
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # a field over the limit; the reader goes on at the next line
                taken = list(lines.taken)
                if not taken:  # (no line was read: nothing to quarantine)
                    continue
                number, first = number + 1, taken[0][0]
                again = f"; lines {first + 1}–{taken[-1][0]} are read again on their own" if len(taken) > 1 else ""
                quarantine(first, f"a field over {limits.raise_hint('max_cell_bytes')} (the csv reader: {exc}; "
                           f"read as one record: {_span(taken)}){again}", _raw(taken[:1]))
                lines.again(taken[1:])  # (an unbalanced quote runs on until the field is too long)
                continue
            taken = list(lines.taken)
            if not row or (len(row) == 1 and not row[0].strip() and len(taken) == 1):
                continue  # a blank or whitespace-only line: pandas skips it too
            number, first, last = number + 1, taken[0][0], taken[-1][0]
            if len(row) < width and last == first and '"' not in taken[0][1]:
                # Fields missing at the end of a plain line are empty, as pandas reads them (a line
                # with a quote may be one a stray quote cut short: that one is quarantined).
                row = row + [""] * (width - len(row))
            if len(row) == width:
                out.rows.append(row)
                out.numbers.append(number)
            elif last > first:
                quarantine(first, f"unbalanced quote: a quote opened on line {first} does not close where it should, "
                           f"so lines {first}–{last} read as one row of {len(row)} fields (the header has {width}); "
                           f"line {first} is quarantined and lines {first + 1}–{last} are read again on their own",
                           _raw(taken[:1]))
                lines.again(taken[1:])
            else:
                quarantine(first, f"malformed line: {len(row)} fields, header has {width}", _raw(taken))
    return out


def unique_names(header: list[str]) -> list[str]:
    """The column names pandas gives this header (``Unnamed: 2`` for an empty name, repeated names
    made unique its way): both readers name a file's columns alike, so a night on either path
    publishes the same columns (a changed name would be a new column and a full rebuild)."""
    import io

    import pandas as pd

    text = io.StringIO()
    csv.writer(text).writerow(header)
    return [str(c) for c in pd.read_csv(io.StringIO(text.getvalue()), nrows=0, dtype=str).columns]
