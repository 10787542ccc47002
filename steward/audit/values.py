"""The audit's vector machinery: the contact frame's columns, each factorised once,
so per-value Python work runs once per distinct value and is lifted back to every
record; and the index of which source each record came from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def column(contacts: pd.DataFrame, name: str) -> pd.Series:
    """The column with a fresh RangeIndex (all None when the frame has no such column)."""
    if name in contacts.columns:
        col = contacts[name]
        return col if isinstance(col.index, pd.RangeIndex) and col.index.start == 0 and col.index.step == 1 else (
            col.reset_index(drop=True))
    return pd.Series([None] * len(contacts), dtype=object)


def distinct(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code per record, -1 where null; the distinct values)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def lift(codes: np.ndarray, values, fill) -> np.ndarray:
    """Per-distinct results -> per-record array (code -1, i.e. null, gets ``fill``)."""
    values = np.asarray(values)
    if values.dtype == object or isinstance(fill, str) or fill is None:
        ext = np.empty(len(values) + 1, dtype=object)
        ext[:-1] = values
    else:
        ext = np.empty(len(values) + 1, dtype=np.result_type(values.dtype, type(fill)))
        ext[:-1] = values
    ext[-1] = fill
    return ext[codes]


def stripped_text(uniques: pd.Series) -> pd.Series:
    """Distinct values as stripped text (non-text values through str)."""
    return uniques.map(lambda v: v if isinstance(v, str) else str(v)).astype(object).str.strip()


def fill_missing_keys(keys: pd.Series, raw: pd.Series, present: np.ndarray, clean) -> pd.Series:
    """keys, with ``clean(raw)`` where the key is missing but a raw value is present."""
    need = keys.isna().to_numpy() & present
    if not need.any():
        return keys
    out = keys.astype(object).copy()
    sub = raw[need]
    codes, uniq = distinct(sub)
    out[need] = lift(codes, clean(stripped_text(uniq)).to_numpy(dtype=object), None)
    return out


class Columns:
    """Columns of the contact frame, each factorised once (codes, distinct values)."""

    def __init__(self, contacts: pd.DataFrame) -> None:
        self.contacts = contacts
        self._cache: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def series(self, name: str) -> pd.Series:
        return column(self.contacts, name)

    def distinct(self, name: str) -> tuple[np.ndarray, pd.Series]:
        if name not in self._cache:
            self._cache[name] = distinct(self.series(name))
        return self._cache[name]

    def notna(self, name: str) -> np.ndarray:
        return self.distinct(name)[0] >= 0

    def present(self, name: str) -> np.ndarray:
        """Non-blank value given."""
        codes, uniq = self.distinct(name)
        return lift(codes, (stripped_text(uniq) != "").to_numpy(dtype=bool), False).astype(bool)


@dataclass(frozen=True)
class SourceIndex:
    """The audited sources (sorted, including those with quarantined rows only), each
    record's source as a code into ``names``, and the records per source."""

    names: list[str]
    codes: np.ndarray  # per record (int64)
    records: np.ndarray  # per source (int64)

    def count(self, mask: np.ndarray | None) -> np.ndarray:
        """Records per source where ``mask`` holds (zeros when it does not apply)."""
        if mask is None:
            return np.zeros(len(self.names), dtype=np.int64)
        return np.bincount(self.codes[np.asarray(mask, dtype=bool)], minlength=len(self.names)).astype(np.int64)
