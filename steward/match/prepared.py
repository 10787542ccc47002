"""Records prepared once for comparing: each compared column's values numbered (equal codes =
equal values), a present-flag per value, and the features comparisons derive per record (a
date's year, a name's length), so that comparing a chunk of candidate pairs gathers integers
instead of slicing strings pair by pair. ``PairSide`` is one side of such a chunk.
Split out of ``comparisons`` (which builds on it) to keep each module one reader's worth."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import pandas as pd


PRESENT_SUFFIX = "__present"
CODE_SUFFIX = "__code"


class Feature(NamedTuple):
    """Something a comparison reads of each record's ``column`` value: ``derive(text)``, stored as
    ``<column>__<name>``: a ``code`` (equal codes = equal results) or a ``number``."""

    column: str
    name: str
    derive: Callable[[str], object]
    kind: str = "code"

    @property
    def key(self) -> str:
        return f"{self.column}__{self.name}"


def _compact(codes: np.ndarray) -> np.ndarray:
    """int32 where the values fit: a chunk of pairs gathers these per pair, and half the bytes is
    the cheaper gather."""
    if len(codes) and codes.dtype.kind == "i" and codes.min() >= -2**31 and codes.max() < 2**31:
        return codes.astype(np.int32)
    return codes


def _feature_values(text: np.ndarray, feature: Feature | None) -> np.ndarray:
    """Codes of ``text`` (feature None) or the feature of each value, computed once per distinct value."""
    return _compact(_feature_values_wide(text, feature))


def _feature_values_wide(text: np.ndarray, feature: Feature | None) -> np.ndarray:
    codes, uniques = pd.factorize(text)
    if feature is None:
        return codes
    derived = [feature.derive(value) for value in uniques]
    if feature.kind == "number":
        return np.asarray(derived, dtype=np.int64)[codes] if len(derived) else np.zeros(len(codes), dtype=np.int64)
    values = np.empty(len(derived), dtype=object)
    values[:] = derived
    derived_codes, _ = pd.factorize(values)
    return derived_codes[codes] if len(derived) else np.zeros(len(codes), dtype=np.int64)


def prepare_text(records: pd.DataFrame, columns: list[str], features: list[Feature] = ()) -> pd.DataFrame:
    """Each column as text ('' for missing), ``<column>__present`` and ``<column>__code``, plus the
    comparisons' ``features``: done once per distinct value, so comparing a chunk of pairs neither
    looks for missing values nor slices strings pair by pair. Columns already prepared are kept
    (their codes share the numbering of the records they were prepared with)."""
    out, distinct = {}, {}
    for column in columns:
        if column + CODE_SUFFIX in records.columns:
            continue
        raw_codes, uniques = pd.factorize(records[column].to_numpy(dtype=object))  # missing: -1
        # Text of each distinct value, '' for missing (the last entry, which -1 picks), numbered by
        # text: two values spelled alike (1 and "1") are one.
        spelled = np.empty(len(uniques) + 1, dtype=object)
        spelled[:-1] = [str(value) for value in uniques]
        spelled[-1] = ""
        text_codes, texts = pd.factorize(spelled)
        codes = text_codes[raw_codes]
        out[column + PRESENT_SUFFIX] = raw_codes >= 0
        out[column] = spelled[raw_codes]
        out[column + CODE_SUFFIX] = _compact(codes)
        distinct[column] = (np.asarray(texts, dtype=object), codes)
    for feature in features:
        if feature.key in records.columns:
            continue
        if feature.column in distinct:  # derived once per distinct text
            texts, codes = distinct[feature.column]
            out[feature.key] = _feature_values(texts, feature)[codes]
        else:
            out[feature.key] = _feature_values(_text(records, feature.column)[0], feature)
    kept = {c: records[c].to_numpy() for c in records.columns if c not in out}
    # (copy=False: ~50 columns, not consolidated into blocks, which copied all of them)
    return pd.DataFrame({**kept, **out}, index=records.index, copy=False)


def _text(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(strings with '' for missing, mask of present values)."""
    present = column + PRESENT_SUFFIX
    if present in frame.columns:
        return frame[column].to_numpy(dtype=object), frame[present].to_numpy(dtype=bool)
    values = frame[column]
    return values.fillna("").astype(str).to_numpy(dtype=object), values.notna().to_numpy()


def _present(frame: pd.DataFrame, column: str) -> np.ndarray:
    present = column + PRESENT_SUFFIX
    return frame[present].to_numpy(dtype=bool) if present in frame.columns else frame[column].notna().to_numpy()


def _text_at(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """The text of ``column`` ('' for missing) for ``rows`` only: strings are gathered for the
    few pairs that need them (``PairSide.take_column``), not for the whole chunk."""
    take = getattr(frame, "take_column", None)
    if take is not None and column + PRESENT_SUFFIX in frame.columns:
        return take(column, rows)
    return _text(frame, column)[0][rows]


class PairSide:
    """One side of a chunk of pairs, read like a frame: a column of the prepared records is gathered
    for the chunk's pairs when a comparison first reads it, and strings only for the rows that need
    them (the records carry ~50 prepared columns; a comparison reads a few, and copying all of them
    for every chunk cost more than comparing)."""

    def __init__(self, columns: dict[str, np.ndarray], rows: np.ndarray):
        self._arrays, self._rows, self._gathered = columns, rows, {}
        self.columns = pd.Index(list(columns))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._gathered:
            self._gathered[name] = pd.Series(self._arrays[name][self._rows], copy=False)
        return self._gathered[name]

    def take_column(self, name: str, rows: np.ndarray) -> np.ndarray:
        if name in self._gathered:
            return self._gathered[name].to_numpy()[rows]
        return self._arrays[name][self._rows[rows]]
