"""A small comparison library in the spirit of Splink's: each comparison turns a
chunk of candidate pairs into one *level* per pair (exact, nickname, fuzzy ...),
and every level has a plain-language explanation.

Comparisons are pure functions of two aligned record frames (the left and the
right record of each pair), vectorised with numpy and rapidfuzz's ``cpdist``, so
the same code runs on one machine or inside Spark's ``applyInPandas``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein

MISSING = "missing"
DIFFERENT = "different"


PRESENT_SUFFIX = "__present"


def prepare_text(records: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each column as text ('' for missing) plus ``<column>__present``: done once per
    record, so comparing a chunk of pairs does not look for missing values pair by pair."""
    out = {}
    for column in columns:
        values = records[column]
        out[column + PRESENT_SUFFIX] = values.notna().to_numpy()
        out[column] = values.fillna("").astype(str).to_numpy(dtype=object)
    return records.assign(**out)


def _text(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(strings with '' for missing, mask of present values)."""
    present = column + PRESENT_SUFFIX
    if present in frame.columns:
        return frame[column].to_numpy(dtype=object), frame[present].to_numpy(dtype=bool)
    values = frame[column]
    return values.fillna("").astype(str).to_numpy(dtype=object), values.notna().to_numpy()


def _similarity(left: np.ndarray, right: np.ndarray, scorer) -> np.ndarray:
    if len(left) == 0:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(list(left), list(right), scorer=scorer, dtype=np.float32, workers=1)


@dataclass
class Comparison:
    """Base: subclasses list their levels (best first) and compute one level index per pair."""

    name: str
    levels: tuple[str, ...] = ()
    explanations: dict[str, str] = field(default_factory=dict)

    def columns(self) -> list[str]:
        raise NotImplementedError

    def compute(self, left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
        """Level index (into ``self.levels``) for every pair; both frames are aligned row by row."""
        raise NotImplementedError

    def _select(self, conditions: list[tuple[str, np.ndarray]], missing: np.ndarray) -> np.ndarray:
        index = {level: i for i, level in enumerate(self.levels)}
        choices = [np.full(len(missing), index[MISSING])] + [np.full(len(missing), index[lvl]) for lvl, _ in conditions]
        return np.select([missing] + [cond for _, cond in conditions], choices, default=index[DIFFERENT]).astype(np.int8)

    def explain(self, level: str) -> str:
        return self.explanations.get(level, f"{self.name}: {level.replace('_', ' ')}")


class OneColumnComparison(Comparison):
    """A comparison of one column on both sides."""

    column: str = ""

    def columns(self) -> list[str]:
        return [self.column]

    def values(self, left: pd.DataFrame, right: pd.DataFrame):
        """(left strings, right strings, mask: both sides present)."""
        lv, lp = _text(left, self.column)
        rv, rp = _text(right, self.column)
        return lv, rv, lp & rp


class NameComparison(Comparison):
    """Names: exact key, accents/umlauts folded, nickname, swapped with the other name part, fuzzy."""

    def __init__(self, name: str, key: str, folded: str, swap_with: str | None = None,
                 canonical: str | None = None, high: float = 0.92, low: float = 0.80):
        levels = ["exact", "folded"]
        if canonical:
            levels.append("nickname")
        if swap_with:
            levels.append("swapped")
        levels += ["initial", "fuzzy_high", "fuzzy_low", DIFFERENT, MISSING]
        label = name.replace("_", " ")
        super().__init__(
            name,
            tuple(levels),
            {
                "exact": f"{label}s are identical",
                "folded": f"{label}s match once accents and umlauts are folded (José/Jose, Müller/Mueller)",
                "nickname": f"{label}s are nickname variants (Bob/Robert)",
                "swapped": f"{label} matches the other record's other name part (first and last swapped)",
                "initial": f"one {label} is just the initial of the other (J. / John)",
                "fuzzy_high": f"{label}s differ by a typo",
                "fuzzy_low": f"{label}s are similar but not the same",
                DIFFERENT: f"{label}s are different",
                MISSING: f"{label} is missing on one side",
            },
        )
        self.key, self.folded, self.swap_with, self.canonical = key, folded, swap_with, canonical
        self.high, self.low = high, low

    def columns(self) -> list[str]:
        return [c for c in (self.key, self.folded, self.swap_with, self.canonical) if c]

    def compute(self, left, right):
        lk, lp = _text(left, self.key)
        rk, rp = _text(right, self.key)
        lf, _ = _text(left, self.folded)
        rf, _ = _text(right, self.folded)
        sim = _similarity(lf, rf, JaroWinkler.normalized_similarity)
        conditions = [("exact", lk == rk), ("folded", lf == rf)]
        if self.canonical:
            lc, _ = _text(left, self.canonical)
            rc, _ = _text(right, self.canonical)
            conditions.append(("nickname", lc == rc))
        if self.swap_with:
            ls, lsp = _text(left, self.swap_with)
            rs, rsp = _text(right, self.swap_with)
            conditions.append(("swapped", ((lf == rs) & rsp) | ((rf == ls) & lsp)))
        # An initial ("j" from "J.") agrees with any name starting with that letter.
        l_len = np.fromiter((len(x) for x in lf), dtype=np.int32, count=len(lf))
        r_len = np.fromiter((len(x) for x in rf), dtype=np.int32, count=len(rf))
        l_first = np.array([x[:1] for x in lf], dtype=object)
        r_first = np.array([x[:1] for x in rf], dtype=object)
        initial = ((l_len == 1) | (r_len == 1)) & (l_first == r_first) & (l_len > 0) & (r_len > 0)
        conditions += [("initial", initial), ("fuzzy_high", sim >= self.high), ("fuzzy_low", sim >= self.low)]
        return self._select(conditions, ~(lp & rp))


class EmailComparison(Comparison):
    def __init__(self, name: str, key: str, local_part: str, fuzzy: float = 0.9):
        super().__init__(
            name,
            ("exact", "same_local_part", "fuzzy", DIFFERENT, MISSING),
            {
                "exact": "same email address (after removing dots/+tags where the provider ignores them)",
                "same_local_part": "same email name at a different domain",
                "fuzzy": "email addresses differ by a typo",
                DIFFERENT: "different email addresses",
                MISSING: "email missing, or a shared/role address that does not identify a person",
            },
        )
        self.key, self.local_part, self.fuzzy = key, local_part, fuzzy

    def columns(self):
        return [self.key, self.local_part]

    def compute(self, left, right):
        lk, lp = _text(left, self.key)
        rk, rp = _text(right, self.key)
        ll, _ = _text(left, self.local_part)
        rl, _ = _text(right, self.local_part)
        sim = _similarity(lk, rk, Levenshtein.normalized_similarity)
        return self._select(
            [("exact", lk == rk), ("same_local_part", (ll == rl) & (np.char.str_len(ll.astype(str)) >= 4)),
             ("fuzzy", sim >= self.fuzzy)],
            ~(lp & rp),
        )


class PhoneComparison(OneColumnComparison):
    def __init__(self, name: str, column: str, last_digits: int = 8):
        super().__init__(
            name,
            ("exact", "last_digits", DIFFERENT, MISSING),
            {
                "exact": "same phone number",
                "last_digits": f"phone numbers share the last {last_digits} digits",
                DIFFERENT: "different phone numbers",
                MISSING: "phone missing, or a shared switchboard/household line",
            },
        )
        self.column, self.last_digits = column, last_digits

    def compute(self, left, right):
        lv, rv, both = self.values(left, right)
        n = self.last_digits
        tail_l = np.array([s[-n:] for s in lv], dtype=object)
        tail_r = np.array([s[-n:] for s in rv], dtype=object)
        return self._select([("exact", lv == rv), ("last_digits", tail_l == tail_r)], ~both)


class DateComparison(OneColumnComparison):
    """ISO dates (YYYY-MM-DD): exact, day and month swapped, one of Y/M/D differs."""

    def __init__(self, name: str, column: str):
        super().__init__(
            name,
            ("exact", "day_month_swapped", "one_part_differs", DIFFERENT, MISSING),
            {
                "exact": "same date of birth",
                "day_month_swapped": "dates of birth match with day and month swapped",
                "one_part_differs": "dates of birth differ in the day, month or year only",
                DIFFERENT: "different dates of birth",
                MISSING: "date of birth missing on one side",
            },
        )
        self.column = column

    def compute(self, left, right):
        lv, rv, both = self.values(left, right)
        ly, lm, ld = (np.array([s[a:b] for s in lv], dtype=object) for a, b in ((0, 4), (5, 7), (8, 10)))
        ry, rm, rd = (np.array([s[a:b] for s in rv], dtype=object) for a, b in ((0, 4), (5, 7), (8, 10)))
        same = (ly == ry).astype(int) + (lm == rm).astype(int) + (ld == rd).astype(int)
        return self._select(
            [("exact", lv == rv), ("day_month_swapped", (ly == ry) & (lm == rd) & (ld == rm)), ("one_part_differs", same == 2)],
            ~both,
        )


class FuzzyComparison(OneColumnComparison):
    """Any text column: exact, then fuzzy at a threshold (token-set ratio or Jaro-Winkler)."""

    def __init__(self, name: str, column: str, threshold: float = 0.9, scorer: str = "token_set"):
        label = name.replace("_", " ")
        super().__init__(
            name,
            ("exact", "fuzzy", DIFFERENT, MISSING),
            {
                "exact": f"same {label}",
                "fuzzy": f"similar {label}",
                DIFFERENT: f"different {label}",
                MISSING: f"{label} missing on one side",
            },
        )
        self.column, self.threshold, self.scorer = column, threshold, scorer

    def compute(self, left, right):
        lv, rv, both = self.values(left, right)
        if self.scorer == "token_set":
            sim = _similarity(lv, rv, fuzz.token_set_ratio) / 100.0
        else:
            sim = _similarity(lv, rv, JaroWinkler.normalized_similarity)
        return self._select([("exact", lv == rv), ("fuzzy", sim >= self.threshold)], ~both)


class ExactComparison(OneColumnComparison):
    def __init__(self, name: str, column: str):
        label = name.replace("_", " ")
        super().__init__(
            name,
            ("exact", DIFFERENT, MISSING),
            {"exact": f"same {label}", DIFFERENT: f"different {label}", MISSING: f"{label} missing on one side"},
        )
        self.column = column

    def compute(self, left, right):
        lv, rv, both = self.values(left, right)
        return self._select([("exact", lv == rv)], ~both)


COMPARISON_KINDS = {
    "name": NameComparison,
    "email": EmailComparison,
    "phone": PhoneComparison,
    "date": DateComparison,
    "fuzzy": FuzzyComparison,
    "exact": ExactComparison,
}


def build_comparison(spec: dict) -> Comparison:
    spec = dict(spec)
    kind = spec.pop("kind", None)
    spec.pop("m", None)
    spec.pop("u", None)
    if kind not in COMPARISON_KINDS:
        raise ValueError(f"rules/matching.yaml: comparison {spec.get('name')!r}: kind must be one of {sorted(COMPARISON_KINDS)}")
    try:
        return COMPARISON_KINDS[kind](**spec)
    except TypeError as exc:
        raise ValueError(f"rules/matching.yaml: comparison {spec.get('name')!r}: {exc}") from exc
