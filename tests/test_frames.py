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
