"""Cells no stage can use as they are: control characters and oversized values.

A NUL byte cut ``A\\x001`` and ``A\\x002`` to one id ``A`` and ``Car\\x00la`` to ``Car`` (C
libraries end a string at NUL; PostgreSQL refuses it); a 200 MB first name costs gigabytes in
the stages after loading. Such a row is quarantined with the field and the reason, on every kind
of source; its raw text is kept with the control characters written out (``\\x00``) and
oversized values cut, saying so.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from steward.config.limits import Limits, shown_bytes

__all__ = ["CONTROL", "cut", "unusable_cells", "visible"]

# C0 controls and DEL; tab, line feed and carriage return are text (inside quoted fields too).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 11: "VT", 12: "FF", 26: "SUB", 27: "ESC", 127: "DEL"}
RAW_CHARS = 200  # of an oversized value kept in the quarantine's raw text


def visible(text: str) -> str:
    """``text`` with control characters written as ``\\xNN`` (safe in any file or database)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def cut(text: str, limit: int = RAW_CHARS, shown=visible) -> str:
    """``text`` made visible and, when longer than ``limit``, cut with a note of its full size."""
    if len(text) <= limit:
        return shown(text)
    return shown(text[:limit]) + f"… [cut: {len(text.encode('utf-8', 'surrogatepass')):,} bytes in all]"


def _control_reason(column: str, value: str) -> str:
    found = CONTROL.search(value)
    code = ord(found.group())
    name = _NAMES.get(code, "control character")
    why = "a NUL ends a value in most programs, PostgreSQL refuses it" if code == 0 else "control characters are not text"
    return f"{column} holds {name} (\\x{code:02x}) at position {found.start() + 1}: '{cut(value, 60)}' ({why})"


def _size_reason(column: str, size: int, limits: Limits) -> str:
    return f"{column} holds {shown_bytes(size)}, over {limits.raise_hint('max_cell_bytes')}"


def _longest_and_joined(values: np.ndarray, controls: bool) -> tuple[int, str]:
    """The longest text of a column, and its texts joined by "\n" (a character allowed) when
    ``controls``: one search in C over it settles the clean column."""
    try:  # a CSV column: text only
        return max(map(len, values), default=0), "\n".join(values) if controls else ""
    except TypeError:  # numbers, None, timestamps among the texts (Excel, SQL)
        strings = [v for v in values if isinstance(v, str)]
        return max(map(len, strings), default=0), "\n".join(strings) if controls else ""


def _column_problems(column: str, values: np.ndarray, limits: Limits, controls: bool) -> dict[int, str]:
    """Position -> reason for the cells of one column that hold control characters or too many bytes."""
    longest, joined = _longest_and_joined(values, controls)
    joined_has_control = controls and CONTROL.search(joined) is not None
    if not joined_has_control and longest * 4 <= limits.max_cell_bytes:
        return {}
    found: dict[int, str] = {}
    for position, value in enumerate(values):
        if not isinstance(value, str):
            continue
        if len(value) * 4 > limits.max_cell_bytes:
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > limits.max_cell_bytes:
                found[position] = _size_reason(column, size, limits)
                continue
        if joined_has_control and CONTROL.search(value):
            found[position] = _control_reason(column, value)
    return found


def unusable_cells(raw: pd.DataFrame, limits: Limits, where: tuple[str, str],
                   controls: bool = True) -> tuple[pd.DataFrame, list[dict]]:
    """(the rows of ``raw`` every cell of which is usable, quarantine entries for the others: one per
    row, naming each field and why; ``where``: source, location). ``raw``'s index is the row number
    the entries report. ``controls=False``: the caller knows there is no control character."""
    if raw.empty:
        return raw, []
    source, location = where
    reasons: dict[int, list[tuple[str, str]]] = {}
    for column in raw.columns:
        series = raw[column]
        if series.dtype.kind in "biufcmM":  # numbers, booleans, timestamps: no text to check
            continue
        for position, reason in _column_problems(str(column), series.to_numpy(dtype=object), limits,
                                                  controls).items():
            reasons.setdefault(position, []).append((str(column), reason))
    if not reasons:
        return raw, []
    positions = sorted(reasons)
    entries = []
    for position in positions:
        row = raw.iloc[position]
        # (JSON writes control characters as \u0000: the raw text keeps the value and stores anywhere)
        shown = {str(k): (cut(v, shown=str) if isinstance(v, str) else v) for k, v in row.items()
                 if v is not None and not (isinstance(v, float) and pd.isna(v))}
        entries.append({"source": source, "location": location, "row": int(raw.index[position]),
                        "field": ",".join(column for column, _ in reasons[position]),
                        "reason": "; ".join(reason for _, reason in reasons[position]),
                        "raw": json.dumps(shown, default=str, ensure_ascii=False)})
    keep = np.ones(len(raw), dtype=bool)
    keep[positions] = False
    return raw[keep], entries
