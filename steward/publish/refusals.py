"""Values a CRM cannot hold, refused one golden record at a time instead of failing the publish.

A NUL character (U+0000) is the one such value today: PostgreSQL refuses it in text, and C
programs reading the CRM (and MariaDB clients) cut the text there (``Car\\x00la`` becomes
``Car``). The loaders quarantine NUL at load time; this is the publish defending itself when
one gets through (an SQL or Excel source, a value made later). The whole golden record is left
out of this publish: its golden_contacts row, crosswalk and lineage rows stay as the CRM has them
(a new record is not added), and each refusal is returned, so the caller can show it. Publishing
it half, or with the NUL dropped, would change a value without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

NUL = "\x00"


@dataclass(frozen=True)
class RefusedRow:
    """One value that kept a golden record out of a publish."""

    golden_id: str
    table: str
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} of golden id {self.golden_id!r}: {self.reason}"


def nul_refusals(table: str, frame: pd.DataFrame) -> list[RefusedRow]:
    """A refusal for each (golden id, column) of ``frame`` (text: str or None) whose value holds NUL."""
    if "golden_id" not in frame.columns or frame.empty:
        return []
    ids = frame["golden_id"].to_numpy(dtype=object)
    out = []
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        # One scan of the column's joined text first: the common case (no NUL anywhere) stays cheap.
        if NUL not in "".join(v for v in values if type(v) is str):
            continue
        for gid, value in zip(ids, values):
            if type(value) is str and NUL in value:
                at = value.index(NUL)
                out.append(RefusedRow(
                    golden_id=str(gid).replace(NUL, "\\x00"), table=table, column=str(column),
                    # Position and length, not the value: this reason goes to logs and the run history.
                    reason=f"the value holds a NUL character (U+0000) at position {at} of {len(value)}; a CRM "
                           "cannot store it as it is, so this golden record is left out of the publish (the CRM "
                           "keeps what it had); remove the character in the source"))
    return out


def refused_ids(frames: dict[str, pd.DataFrame | None]) -> tuple[set[str], list[RefusedRow]]:
    """The golden ids refused in any of ``frames`` (table -> text frame), with every refusal."""
    refusals = [r for table, frame in frames.items() if frame is not None for r in nul_refusals(table, frame)]
    ids: set[str] = set()
    for table, frame in frames.items():
        if frame is None or not refusals or "golden_id" not in frame.columns:
            continue
        bad = {r.golden_id for r in refusals}
        raw = frame["golden_id"].to_numpy(dtype=object)
        ids |= {g for g in raw if g is not None and str(g).replace(NUL, "\\x00") in bad}
    return ids, refusals
