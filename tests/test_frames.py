"""steward.frames: the hot-path stand-ins for pandas' reset_index/concat give what pandas gives."""

import numpy as np
import pandas as pd

from steward.frames import renumbered, stacked


def test_stacked_equals_concat():
    a = pd.DataFrame({"id": ["a", "b"], "n": [1, 2], "x": [None, "q"]}, index=[5, 9])
    b = pd.DataFrame({"id": ["c"], "n": [3], "x": [None]}, index=[0])
    pd.testing.assert_frame_equal(stacked([a, b]), pd.concat([a, b], ignore_index=True))
    # Other dtypes or columns: pandas' own concat decides (categoricals, float vs int, a missing column).
    c = b.astype({"n": "float64"})
    pd.testing.assert_frame_equal(stacked([a, c]), pd.concat([a, c], ignore_index=True))
    d = b.assign(id=pd.Categorical(["c"]))
    pd.testing.assert_frame_equal(stacked([a, d]), pd.concat([a, d], ignore_index=True))
    e = b.drop(columns="x")
    pd.testing.assert_frame_equal(stacked([a, e]), pd.concat([a, e], ignore_index=True))


def test_renumbered_leaves_the_source_alone():
    frame = pd.DataFrame({"v": np.arange(5)}, index=list("abcde"))
    taken = renumbered(frame.iloc[[4, 1]])
    assert list(taken.index) == [0, 1] and list(taken["v"]) == [4, 1]
    assert list(frame.index) == list("abcde")


def test_csv_written_by_arrow_reads_back_as_pandas_wrote_it(tmp_path):
    from steward.frames import write_csv

    frame = pd.DataFrame({
        "golden_id": ["G1", "G2", None], "note": ['says "hi", then', "", "line\nbreak"],
        "n": [1, 2, 3], "p": [0.25, None, 1.0],
        "rule": pd.Categorical(["only value", "most recent", "only value"]),
    })
    write_csv(frame, tmp_path / "arrow.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    for options in ({}, {"dtype": str, "keep_default_na": False}):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "arrow.csv", **options),
                                      pd.read_csv(tmp_path / "pandas.csv", **options))
    assert (tmp_path / "arrow.csv").read_text().splitlines()[0] == "golden_id,note,n,p,rule"
    mixed = pd.DataFrame({"x": [1, "a", None]})  # Arrow cannot type this column: pandas writes it
    write_csv(mixed, tmp_path / "mixed.csv")
    assert (tmp_path / "mixed.csv").read_text() == mixed.to_csv(index=False)
