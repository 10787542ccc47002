"""How many different people hold an identifier (an e-mail, a phone, a street address).

An identifier held by one person is strong evidence that two records holding it are that
person; one held by a family or a switchboard is weak evidence. The matcher weighs the two
differently (the comparisons' ``shared`` level) instead of deleting shared values, so this
module only has to count people, and it must count them at least as tolerantly as the matcher
compares names: ``J. Walsh``, ``Joseph Walsh``, ``Joseph Waslh`` and ``Walsh Joseph`` are one
person holding ``joseph52@yahoo.co.uk`` three times, not three people sharing it. Counting them
as three blanked exactly the identifiers of the people seen in most sources.

Two holders are *one person* when nothing about them disagrees beyond what sources get wrong:
first names agree as a nickname, an initial, a prefix (Chris/Christopher) or a typo; last names
agree, differ by a typo or one holds the other (Garcia / Garcia Lopez); or the names are swapped
between first and last; and their dates of birth, where both have one, are equal, transposed
or differ in one part. Holders joined through others count as one (J. joins Joseph and Jane):
erring towards "one person" keeps evidence, and the clustering step still keeps clearly
different people apart by their own comparison.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Names less similar than this (Jaro-Winkler on the folded names) are different names:
# Christian vs Anne-Marie, not George vs Geroge or Gaus vs Agus.
NAME_SIMILARITY = 0.8
# A value held by more distinct spellings of a person than this is shared (a switchboard,
# a help desk) without comparing every pair of its holders.
MAX_HOLDER_VARIANTS = 12


def _similar(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0, dtype=bool)
    scores = process.cpdist(list(a), list(b), scorer=JaroWinkler.normalized_similarity, workers=1,
                            score_cutoff=NAME_SIMILARITY - 1e-6)
    return np.asarray(scores) >= NAME_SIMILARITY - 1e-6


def _prefix(a: pd.Series, b: pd.Series) -> np.ndarray:
    """One name begins the other (Chris / Christopher, J / Joseph): both present."""
    pairs = zip(a.tolist(), b.tolist())
    return np.fromiter(((x != "" and y != "" and (x.startswith(y) or y.startswith(x))) for x, y in pairs),
                       dtype=bool, count=len(a))


def _holds_other(a: pd.Series, b: pd.Series) -> np.ndarray:
    """One surname is a part of the other (Garcia / Garcia Lopez, Smith / Smith-Jones)."""
    def parts(text: str) -> set[str]:
        return set(text.replace("-", " ").split())

    pairs = zip(a.tolist(), b.tolist())
    return np.fromiter(((x != "" and y != "" and bool(parts(x) & parts(y))) for x, y in pairs),
                       dtype=bool, count=len(a))


def _dates_agree(a: pd.Series, b: pd.Series) -> np.ndarray:
    """ISO dates equal, transposed (day/month) or differing in one of year, month, day; or one missing."""
    a, b = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    out = np.ones(len(a), dtype=bool)
    both = np.array([x != "" and y != "" for x, y in zip(a, b)], dtype=bool)
    for i in np.flatnonzero(both):
        x, y = a[i], b[i]
        if x == y:
            continue
        ya, ma, da = x[:4], x[5:7], x[8:10]
        yb, mb, db = y[:4], y[5:7], y[8:10]
        same = (ya == yb) + (ma == mb) + (da == db)
        out[i] = same >= 2 or (ya == yb and ma == db and da == mb)
    return out


def same_person(pairs: pd.DataFrame) -> np.ndarray:
    """Per pair of holders (columns ``first_a``/``first_b`` folded first names, ``given_*`` their
    nickname-canonical form, ``last_*`` folded last names, ``born_*`` ISO dates; '' = missing):
    could the two be one person?"""
    fa, fb, la, lb = pairs["first_a"], pairs["first_b"], pairs["last_a"], pairs["last_b"]
    # Swapped: one name crossed exactly, the other crossed give or take a typo.
    cross_a, cross_b = ((fa == lb) & (fa != "")).to_numpy(), ((fb == la) & (fb != "")).to_numpy()
    swapped = cross_a & cross_b
    one = np.flatnonzero(cross_a ^ cross_b)
    rest_1 = np.where(cross_a[one], fb.to_numpy()[one], fa.to_numpy()[one])
    rest_2 = np.where(cross_a[one], la.to_numpy()[one], lb.to_numpy()[one])
    swapped[one] = (rest_1 == "") | (rest_2 == "") | _similar(rest_1, rest_2)
    first = ((fa == "") | (fb == "") | (fa == fb) | (pairs["given_a"] == pairs["given_b"])).to_numpy()
    open_first = np.flatnonzero(~first)
    first[open_first] = _prefix(fa.iloc[open_first], fb.iloc[open_first]) | _similar(
        fa.to_numpy()[open_first], fb.to_numpy()[open_first])
    last = ((la == "") | (lb == "") | (la == lb)).to_numpy()
    open_last = np.flatnonzero(~last)
    last[open_last] = _holds_other(la.iloc[open_last], lb.iloc[open_last]) | _similar(
        la.to_numpy()[open_last], lb.to_numpy()[open_last])
    return ((first & last) | swapped) & _dates_agree(pairs["born_a"], pairs["born_b"])


def people_holding(values: pd.Series, first: pd.Series, given: pd.Series, last: pd.Series,
                   born: pd.Series | None = None) -> pd.Series:
    """Per record: how many different people hold its value (1 for a value only one person
    holds, 0 where the record has no value). Records of one value are grouped into people by
    ``same_person``; a value with more than MAX_HOLDER_VARIANTS distinct holders counts them
    all (a switchboard) without pairing them."""
    index = values.index
    present = values.notna().to_numpy()
    counts = np.zeros(len(values), dtype=np.int64)
    if not present.any():
        return pd.Series(counts, index=index)
    blank = pd.Series("", index=index)
    holders = pd.DataFrame({
        "value": values.to_numpy(dtype=object),
        "first": first.fillna("").to_numpy(dtype=object),
        "given": given.fillna("").to_numpy(dtype=object),
        "last": last.fillna("").to_numpy(dtype=object),
        "born": (born if born is not None else blank).fillna("").astype(str).to_numpy(dtype=object),
    })[present]
    variants = holders.drop_duplicates().reset_index(drop=True)
    variants["n"] = variants.groupby("value")["first"].transform("size")
    people = pd.Series(1, index=variants.index, dtype=np.int64)
    crowded = variants["n"] > MAX_HOLDER_VARIANTS
    people[crowded] = variants.loc[crowded, "n"]
    several = variants[(variants["n"] > 1) & ~crowded].copy()
    if len(several):
        several["i"] = np.arange(len(several))
        pairs = several.merge(several, on="value", suffixes=("_a", "_b"))
        pairs = pairs[pairs["i_a"] < pairs["i_b"]]
        linked = pairs[same_person(pairs.reset_index(drop=True))]
        graph = coo_matrix((np.ones(len(linked), dtype=np.int8), (linked["i_a"], linked["i_b"])),
                           shape=(len(several), len(several)))
        _, person = connected_components(graph, directed=False)
        several["person"] = person
        per_value = several.groupby("value")["person"].nunique()
        people[several.index] = several["value"].map(per_value).to_numpy()
    variants["people"] = people
    per_record = holders.merge(variants[["value", "first", "given", "last", "born", "people"]],
                               on=["value", "first", "given", "last", "born"], how="left")["people"]
    counts[present] = per_record.to_numpy(dtype=np.int64)
    return pd.Series(counts, index=index)
