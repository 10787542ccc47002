"""Input limits: how big a source file, row, column count or cell may be before it is refused
(the ``limits:`` block of rules/sources.yaml, project-wide, and of one source, over it).

The defaults never bother a real CRM export (millions of rows, hundreds of columns, notes of
hundreds of kilobytes: Salesforce's long text holds 131,072 characters, Excel's cell 32,767);
they stop hostile or broken files (a 208 KB workbook with a 200 MB cell, a sheet spanning to
column XFD) before they cost gigabytes of memory. Every refusal names the limit and the key
that raises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, StrictInt, field_validator

__all__ = ["Limits", "LimitsSpec", "limits_over", "shown_bytes"]

LIMITS_KEY = "limits"


@dataclass(frozen=True)
class Limits:
    # One cell (its UTF-8 bytes): a longer one is quarantined with its row (CSV, SQL) or refuses
    # the workbook (Excel, whose own cells hold at most 32,767 characters).
    max_cell_bytes: int = 1_000_000
    # Data rows of one source (a CSV's lines, a sheet's rows, a query's result).
    max_rows: int = 10_000_000
    # Columns of one source.
    max_columns: int = 5_000
    # The rows x columns an Excel sheet spans: pandas holds every cell of that rectangle, empty
    # ones too (one value in XFD1048576 spans 17 billion).
    max_cells: int = 200_000_000
    # A CSV file's size, or an xlsx workbook's size unpacked.
    max_file_bytes: int = 20_000_000_000

    def raise_hint(self, key: str) -> str:
        """The limit passed, and how to allow more: "the limit (limits.max_rows: 10,000,000); raise ..."."""
        value = getattr(self, key)
        shown = shown_bytes(value) if key.endswith("_bytes") else f"{value:,}"
        return f"the limit (limits.{key}: {shown}); raise it in rules/sources.yaml if the file is right"


_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def shown_bytes(size: int) -> str:
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if size >= factor:
            return f"{size / factor:,.1f} {unit}".replace(".0 ", " ")
    return f"{size:,} bytes"


class LimitsSpec(BaseModel):
    """The ``limits:`` block as written; sizes may carry a unit ("2 MB", "512 KiB")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_cell_bytes: StrictInt | str | None = None
    max_rows: StrictInt | None = None
    max_columns: StrictInt | None = None
    max_cells: StrictInt | None = None
    max_file_bytes: StrictInt | str | None = None

    @field_validator("max_cell_bytes", "max_file_bytes")
    @classmethod
    def _size(cls, value):
        if isinstance(value, str):
            found = _SIZE.match(value)
            if not found or found.group(2).casefold() not in _UNITS:
                raise ValueError("give a number of bytes, or one with a unit: 2 MB, 512 KB, 1 GB, 64 KiB")
            value = int(float(found.group(1)) * _UNITS[found.group(2).casefold()])
        return value

    @field_validator("max_cell_bytes", "max_rows", "max_columns", "max_cells", "max_file_bytes")
    @classmethod
    def _positive(cls, value):
        if value is not None and value < 1:
            raise ValueError("must be at least 1")
        return value


def limits_over(base: Limits, spec: LimitsSpec | None) -> Limits:
    """``base`` with the keys ``spec`` sets."""
    if spec is None:
        return base
    given = {k: int(v) for k, v in spec.model_dump(exclude_none=True).items()}
    return Limits(**{**base.__dict__, **given})
