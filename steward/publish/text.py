"""Everything is published as text: frames turned into str-or-None columns on the way
in, rows read back from the CRM brought to the same form, so comparing the two tells
changed rows from unchanged ones whatever dtype a column came in."""

from __future__ import annotations

import numpy as np
import pandas as pd


def text_values(series: pd.Series) -> np.ndarray:
    """The column as an object array of str or None: everything is published as text, so
    identical input gives identical rows whatever dtype a column came in."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = text_values(pd.Series(series.cat.categories))
        codes = series.cat.codes.to_numpy()
        out = np.empty(len(series), dtype=object)
        known = codes >= 0
        out[known] = categories[codes[known]]
        return out
    values = series.to_numpy(dtype=object)
    if not len(values):
        return values
    missing = pd.isna(values)
    if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")):
        out = values.copy()
    else:
        out = np.array([v if type(v) is str else str(v) for v in values], dtype=object)
    out[missing] = None
    return out


def stored_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from the CRM: text columns are str or None already (no NaN), so only
    columns of other types (tables from older versions) need converting."""
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            frame[column] = text_values(frame[column])
    return frame


def as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as text (str or None), on a fresh RangeIndex."""
    return pd.DataFrame({c: text_values(frame[c]) for c in frame.columns}, index=range(len(frame)), dtype=object)


def with_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The text frame with exactly these columns, missing ones all None (never NaN)."""
    return pd.DataFrame({c: frame[c].to_numpy(dtype=object) if c in frame.columns
                         else np.full(len(frame), None, dtype=object) for c in columns}, index=frame.index, dtype=object)
