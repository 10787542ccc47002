"""Small DataFrame helpers used on the hot path."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa


def renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with index 0..n-1 and no column copied: for frames a take, filter or concat just
    made (``reset_index(drop=True)`` copies every column again: seconds for a million rows of text).
    A shallow copy: columns set on it later do not reach ``frame``, and pandas does not take it for
    a view of another frame."""
    out = frame.copy(deep=False)
    out.index = pd.RangeIndex(len(out))
    return out


def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(frames, ignore_index=True)`` for frames with the same columns, column by column
    with numpy where the dtypes agree. (pandas' concat checks every object column of every frame
    for being all-missing first: ~0.5 s per million-row frame, for nothing here.)"""
    frames = [f for f in frames if len(f.columns)]
    if len(frames) < 2:
        return renumbered(frames[0].copy(deep=False)) if frames else pd.DataFrame()
    columns = list(frames[0].columns)
    if any(list(f.columns) != columns for f in frames) or len(set(columns)) != len(columns):
        return pd.concat(frames, ignore_index=True)
    out = {}
    for column in columns:
        dtypes = {f[column].dtype for f in frames}
        if len(dtypes) != 1 or not isinstance(next(iter(dtypes)), np.dtype):
            return pd.concat(frames, ignore_index=True)  # categoricals, mixed types: pandas decides
        out[column] = np.concatenate([f[column].to_numpy() for f in frames])
    return pd.DataFrame(out, copy=False)


def column_values(frame: pd.DataFrame | pa.Table, name: str) -> np.ndarray:
    """One column of a DataFrame or an Arrow table as a numpy array."""
    if isinstance(frame, pa.Table):
        return frame.column(name).to_numpy(zero_copy_only=False)
    return frame[name].to_numpy()


# A cell a spreadsheet would run as a formula (OWASP CSV injection): "=", "@", a tab or CR first,
# or "+"/"-" followed by anything but a phone-like number (a phone "+44 20 7946 0958" or "-2"
# computes nothing and stays as it is; "+cmd|' /C calc'!A0" and "-2+3+cmd|…" are escaped).
_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().,/-]*$))")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula prefixed by an
    apostrophe; other cells, and the frame given, untouched. For CSV files people open; databases
    keep the raw text."""
    out = None
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        risky = values.map(lambda v: isinstance(v, str) and _FORMULA_START.match(v) is not None)
        if risky.any():
            out = frame.copy() if out is None else out
            out.loc[risky, column] = "'" + values[risky].astype(str)
    return frame if out is None else out


def write_csv(frame: pd.DataFrame, path) -> None:
    """``frame`` as CSV, written by Arrow's C++ writer (a million golden records and their lineage:
    seconds instead of pandas' tens of seconds). Text values are quoted; empty cells are missing
    values, as pandas writes them. A frame Arrow cannot type (mixed Python objects in one column)
    is written by pandas. Cells a spreadsheet would run as a formula are escaped (``formula_safe``)."""
    import csv
    import io

    import pyarrow.csv as pa_csv

    frame = formula_safe(frame)
    floats = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    if floats:  # spelled as pandas spells them ("1.0", not Arrow's "1")
        frame = frame.assign(**{c: frame[c].astype(str).where(frame[c].notna(), None) for c in floats})
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frame.to_csv(path, index=False)
        return
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    with open(path, "wb") as out:
        out.write(header.getvalue().encode("utf-8"))
        pa_csv.write_csv(table, out, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))


def frame_to_arrow(frame: pd.DataFrame) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        # Mixed Python types in an object column: written as text instead.
        return pa.Table.from_pandas(for_arrow(frame), preserve_index=False)


def for_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python values become text (Arrow needs one type per column)."""
    out = frame
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column]
            kinds = values.dropna().map(type).unique()
            if len(kinds) > 1 or (len(kinds) == 1 and kinds[0] is not str):
                if out is frame:
                    out = frame.copy()
                out[column] = values.where(values.isna(), values.astype(str))
    return out


def pairs_within(pairs: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The pairs (``left``/``right``: row positions) whose two records ``keep`` (bool per record)
    holds, renumbered to positions among the kept records."""
    position = np.full(len(keep), -1, dtype=np.int64)
    position[keep] = np.arange(int(keep.sum()))
    both = keep[pairs["left"].to_numpy()] & keep[pairs["right"].to_numpy()]
    out = pairs[both].copy()
    out["left"] = position[out["left"].to_numpy()]
    out["right"] = position[out["right"].to_numpy()]
    return out.reset_index(drop=True)
