"""A small comparison library in the spirit of Splink's: each comparison turns a
chunk of candidate pairs into one *level* per pair (exact, nickname, fuzzy ...),
and every level has a plain-language explanation.

Comparisons are pure functions of two aligned record frames (the left and the
right record of each pair), vectorised with numpy and rapidfuzz's ``cpdist``, so
the same code runs on one machine or inside Spark's ``mapInPandas``.

Per-record work is done once per record, not once per pair: ``prepare_text``
numbers each compared column's values (equal codes = equal values) and derives what
the comparisons look at (a date's year, month and day; a phone number's last digits;
a name's length and first letter), so a chunk of pairs compares integers. Frames
without those columns (a single pair to explain, a test) get them computed from both
sides together, so both sides share one numbering. Fuzzy similarity is computed only
where the cheaper levels have not already decided, once per distinct pair of values,
and stops early below the lowest threshold that matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from steward.match.prepared import CODE_SUFFIX, Feature, _feature_values, _present, _text, _text_at

MISSING = "missing"
DIFFERENT = "different"
MOVED = "moved"  # a place differing where a finer place differs too: one move, counted once


def _first_char(text: str) -> str:
    return text[:1]


def _part(text: str, start: int, stop: int) -> str:
    return text[start:stop]


def _packed_part(text: str, start: int) -> int:
    """``text[start:start + 2]`` as a number, one per possible string (length and two code points)."""
    part = text[start:start + 2]
    return len(part) | sum(ord(ch) << (2 + 21 * i) for i, ch in enumerate(part))


def _local_digits(address: str) -> str:
    return "".join(ch for ch in address.split("@", 1)[0] if ch.isdigit())


def _local_digit_count(address: str) -> int:
    return len(_local_digits(address))


def _tail(text: str, digits: int) -> str:
    return text[-digits:]


def _sides(left: pd.DataFrame, right: pd.DataFrame, column: str,
           feature: Feature | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``column`` (or values of ``feature``) on both sides from one numbering: the prepared
    columns when both frames have them, else computed here over both sides together."""
    key = column + CODE_SUFFIX if feature is None else feature.key
    if key in left.columns and key in right.columns:
        return left[key].to_numpy(), right[key].to_numpy()
    both = _feature_values(np.concatenate([_text(left, column)[0], _text(right, column)[0]]), feature)
    return both[:len(left)], both[len(left):]


def _similarity(left: np.ndarray, right: np.ndarray, scorer, at_least: float | None = None,
                scale: float = 1.0) -> np.ndarray:
    """``scorer`` per pair (scores from 0 to ``scale``); with ``at_least``, values below it come back
    as 0 (rapidfuzz then stops early, which is most of its work on strings that differ). The cut-off
    sits a hair below ``at_least`` so that a value rounding up to it as float32 still counts, as
    without one."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float32)
    cutoff = None if at_least is None else at_least - 1e-5 * scale
    return process.cpdist(list(left), list(right), scorer=scorer, dtype=np.float32, workers=1, score_cutoff=cutoff)


def _similarity_where(left: pd.DataFrame, right: pd.DataFrame, column: str, codes: tuple[np.ndarray, np.ndarray],
                      needed: np.ndarray, scorer, at_least: float | None = None, scale: float = 1.0) -> np.ndarray:
    """``scorer`` of ``column`` for each pair where ``needed`` (0 elsewhere), computed once per distinct
    pair of values (many pairs share them: the same two spellings of a town, a name and its typo);
    ``codes``: the column's value codes on the left and on the right."""
    left_codes, right_codes = codes
    sim = np.zeros(len(left_codes), dtype=np.float32)
    rows = np.flatnonzero(needed)
    if len(rows) == 0:
        return sim
    width = int(max(left_codes[rows].max(), right_codes[rows].max())) + 1
    key = left_codes[rows].astype(np.int64) * width + right_codes[rows]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    pick = rows[first]
    sim[rows] = _similarity(_text_at(left, column, pick), _text_at(right, column, pick), scorer, at_least,
                            scale)[inverse]
    return sim


def _holder_level_names(holders: str | None, crowded_at: int | None) -> tuple[str, ...]:
    """The levels a ``holders`` column adds, best first."""
    if not holders:
        return ()
    return ("shared", "crowded") if crowded_at else ("shared",)


@dataclass
class Comparison:
    """Base: subclasses list their levels (best first) and compute one level index per pair."""

    name: str
    levels: tuple[str, ...] = ()
    explanations: dict[str, str] = field(default_factory=dict)
    # Levels that weigh nothing, like "missing": the evidence is counted by another comparison
    # (a full first/last swap is one fact, counted once, by the first name).
    neutral: tuple[str, ...] = ()
    # Column of how many people hold each record's value (steward/normalise/holders.py): exact
    # agreement on a value several people hold is the level "shared".
    holders: str | None = None
    # From this many holders on, agreeing on the value weighs nothing (level "crowded", neutral):
    # the chance that two records holding it are one person falls with every further holder, and
    # a few hundred colleagues behind one office address or switchboard are not one person.
    crowded_at: int | None = None
    # Coarser place comparisons (postcode, town) name the finer ones (street address) whose
    # difference already counts the same move: see ``counted_once``.
    counted_with: tuple[str, ...] = ()
    # Levels estimated like the others whose weight is nevertheless 0 ("moved").
    weightless: tuple[str, ...] = ()

    def _set_holders(self, holders: str | None, crowded_at: int | None, what: str, examples: str) -> None:
        self.holders, self.crowded_at = holders, crowded_at if holders else None
        if self.crowded_at is not None and self.crowded_at < 3:
            raise ValueError(f"rules/matching.yaml: comparison {self.name!r}: crowded_at must be at least 3 "
                             f"(2 holders is level 'shared'), not {crowded_at}")
        if self.crowded_at:
            self.neutral = tuple(self.neutral) + ("crowded",)
            self.explanations["crowded"] = CROWDED_EXPLANATION.format(what=what, n=self.crowded_at,
                                                                      examples=examples)

    def silent_levels(self) -> list[int]:
        """Indices of the levels that carry no evidence: missing, and the neutral ones."""
        return [i for i, level in enumerate(self.levels) if level == MISSING or level in self.neutral]

    def weightless_levels(self) -> list[int]:
        """Indices of the levels that weigh nothing: the silent ones and ``weightless``."""
        return self.silent_levels() + [i for i, level in enumerate(self.levels) if level in self.weightless]

    def columns(self) -> list[str]:
        raise NotImplementedError

    def features(self) -> list[Feature]:
        """What ``prepare_text`` derives per record for this comparison (beyond value codes)."""
        return []

    def number_columns(self) -> list[str]:
        """Columns read as numbers, not text (``prepare_text`` leaves them alone)."""
        return [self.holders] if self.holders else []

    def compute(self, left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
        """Level index (into ``self.levels``) for every pair; both frames are aligned row by row."""
        raise NotImplementedError

    def _select(self, conditions: list[tuple[str, np.ndarray]], missing: np.ndarray) -> np.ndarray:
        index = {level: i for i, level in enumerate(self.levels)}
        # The first condition that holds decides: assigned last to first, so earlier ones win.
        out = np.full(len(missing), index[DIFFERENT], dtype=np.int8)
        for level, condition in reversed([(MISSING, missing)] + list(conditions)):
            if level in index:  # (a level this comparison was built without, e.g. "shared")
                out[condition] = index[level]
        return out

    def explain(self, level: str) -> str:
        return self.explanations.get(level, f"{self.name}: {level.replace('_', ' ')}")


class OneColumnComparison(Comparison):
    """A comparison of one column on both sides."""

    column: str = ""

    def columns(self) -> list[str]:
        return [self.column]

    def both_present(self, left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
        return _present(left, self.column) & _present(right, self.column)


def _holder_levels(comparison: "Comparison", left: pd.DataFrame, right: pd.DataFrame,
                   exact: np.ndarray, near: np.ndarray | None = None) -> list[tuple[str, np.ndarray]]:
    """Exact agreement on a value several different people hold (``holders``: how many people
    hold each record's value, from steward/normalise/holders.py): "crowded" from ``crowded_at``
    holders on (an office address, a switchboard, a team inbox), else "shared" (a household).
    ``near``: the comparison's looser agreement (a similar address, the same last digits), which
    is "crowded" too when either value is: another floor of the office building says no more."""
    holders = comparison.holders
    if holders is None or holders not in left.columns:
        return []
    count = np.maximum(np.asarray(left[holders], dtype=np.int64), np.asarray(right[holders], dtype=np.int64))
    agree = exact if near is None else exact | near
    crowded = agree & (count >= comparison.crowded_at) if comparison.crowded_at else np.zeros(len(exact), bool)
    return [("crowded", crowded), ("shared", exact & (count > 1))]


SHARED_EXPLANATION = "{what} is the same, but several different people hold it ({examples}): it counts for little"
CROWDED_EXPLANATION = ("{what} is the same, but {n} or more different people hold it ({examples}): "
                       "it says nothing about whether these two are one person")


class NameComparison(Comparison):
    """Names: exact key, accents/umlauts folded, nickname, swapped with the other name part, fuzzy."""

    def __init__(self, name: str, key: str, folded: str, swap_with: str | None = None,
                 canonical: str | None = None, high: float = 0.92, low: float = 0.80,
                 swap_counted_by: str | None = None):
        levels = ["exact", "folded"]
        if canonical:
            levels.append("nickname")
        if swap_with:
            levels.append("swapped")
        levels += ["initial", "part", "fuzzy_high", "fuzzy_low", DIFFERENT, MISSING]
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
                "part": f"one {label} is part of the other (Mary / Mary Ann, Garcia / Garcia Lopez)",
                "fuzzy_high": f"{label}s differ by a typo",
                "fuzzy_low": f"{label}s are similar but not the same",
                DIFFERENT: f"{label}s are different",
                MISSING: f"{label} is missing on one side",
            },
        )
        self.key, self.folded, self.swap_with, self.canonical = key, folded, swap_with, canonical
        self.high, self.low = high, low
        if swap_counted_by:
            # Both name comparisons see a swap; counting it twice made a swapped namesake
            # (Wilson Rebecca / Rebecca Wilson) score above two exact names.
            self.neutral = ("swapped",)
            self.explanations["swapped"] = (f"{label} matches the other record's other name part "
                                             f"(a swap, counted with the {swap_counted_by.replace('_', ' ')})")

    def columns(self) -> list[str]:
        return [c for c in (self.key, self.folded, self.swap_with, self.canonical) if c]

    def features(self) -> list[Feature]:
        return [Feature(self.folded, "length", len, "number"), Feature(self.folded, "first", _first_char)]

    def compute(self, left, right):
        missing = ~(_present(left, self.key) & _present(right, self.key))
        folded_l, folded_r = _sides(left, right, self.folded)
        key_l, key_r = _sides(left, right, self.key)
        conditions = [("exact", key_l == key_r), ("folded", folded_l == folded_r)]
        if self.canonical:
            canonical_l, canonical_r = _sides(left, right, self.canonical)
            conditions.append(("nickname", canonical_l == canonical_r))
        if self.swap_with:
            # Across two columns (codes are numbered per column): strings, for the undecided pairs only.
            open_rows = np.flatnonzero(~(missing | conditions[0][1] | conditions[1][1] | conditions[-1][1]))
            lf, rf = _text_at(left, self.folded, open_rows), _text_at(right, self.folded, open_rows)
            ls, rs = _text_at(left, self.swap_with, open_rows), _text_at(right, self.swap_with, open_rows)
            lsp = _present(left, self.swap_with)[open_rows]
            rsp = _present(right, self.swap_with)[open_rows]
            swapped = np.zeros(len(missing), dtype=bool)
            # One part crossed exactly and the other crossed too, give or take a typo (Shepherdson
            # Jacob / Jacob Shephsrdson), or missing: Weiss Michael / Sophie Weiss shares a surname
            # and nothing else; it is not a swap.
            cross_l, cross_r = (lf == rs) & rsp, (rf == ls) & lsp
            one = np.flatnonzero(cross_l ^ cross_r)
            other = np.where(cross_l[one], rf[one], lf[one]), np.where(cross_l[one], ls[one], rs[one])
            close = (other[0] == "") | (other[1] == "")
            close |= _similarity(other[0], other[1], JaroWinkler.normalized_similarity, 0.8) >= 0.8 - 1e-5
            swapped[open_rows] = cross_l & cross_r
            swapped[open_rows[one]] = close
            conditions.append(("swapped", swapped))
        # An initial ("j" from "J.") agrees with any name starting with that letter.
        length, first = self.features()
        l_len, r_len = _sides(left, right, self.folded, length)
        l_first, r_first = _sides(left, right, self.folded, first)
        initial = ((l_len == 1) | (r_len == 1)) & (l_first == r_first) & (l_len > 0) & (r_len > 0)
        conditions.append(("initial", initial))
        decided = missing.copy()
        for _, condition in conditions:
            decided |= condition
        # Middle names and double surnames: every word of one name is a word of the other.
        open_rows = np.flatnonzero(~decided)
        part = np.zeros(len(missing), dtype=bool)
        if len(open_rows):
            lt, rt = _text_at(left, self.folded, open_rows), _text_at(right, self.folded, open_rows)
            multi = np.flatnonzero([(" " in a or "-" in a or " " in b or "-" in b) for a, b in zip(lt, rt)])
            part[open_rows[multi]] = [_words_within(lt[i], rt[i]) for i in multi]
        conditions.append(("part", part))
        decided |= part
        # On the folded names and on the plain keys: umlaut folding also folds "ss" and "oe" in names
        # that are not German (a typo "Ssan" folds to "san", far from "susan").
        sim = np.maximum(
            _similarity_where(left, right, self.folded, (folded_l, folded_r), ~decided,
                              JaroWinkler.normalized_similarity, min(self.high, self.low)),
            _similarity_where(left, right, self.key, (key_l, key_r), ~decided,
                              JaroWinkler.normalized_similarity, min(self.high, self.low)))
        conditions += [("fuzzy_high", sim >= self.high), ("fuzzy_low", sim >= self.low)]
        return self._select(conditions, missing)


def _words_within(a: str, b: str) -> bool:
    """Every word of the shorter name is a word of the longer one."""
    wa, wb = set(a.replace("-", " ").split()), set(b.replace("-", " ").split())
    return bool(wa) and bool(wb) and wa != wb and (wa <= wb or wb <= wa)


class EmailComparison(Comparison):
    def __init__(self, name: str, key: str, local_part: str, fuzzy: float = 0.9, holders: str | None = None,
                 crowded_at: int | None = None):
        levels = ("exact",) + _holder_level_names(holders, crowded_at) + \
            ("same_local_part", "fuzzy", DIFFERENT, MISSING)
        super().__init__(
            name,
            levels,
            {
                "exact": "same email address (after removing dots/+tags where the provider ignores them)",
                "shared": SHARED_EXPLANATION.format(what="email address", examples="a family inbox"),
                "same_local_part": "same email name, with the same digits, at a different domain",
                "fuzzy": "email addresses differ by a typo (with the same digits)",
                DIFFERENT: "different email addresses",
                MISSING: "email missing, or a shared/role address that does not identify a person",
            },
        )
        self.key, self.local_part, self.fuzzy = key, local_part, fuzzy
        self._set_holders(holders, crowded_at, "email address", "a team inbox")

    def columns(self):
        return [self.key, self.local_part]

    def features(self) -> list[Feature]:
        return [Feature(self.local_part, "length", len, "number"),
                Feature(self.key, "digits", _local_digits), Feature(self.key, "digit_count", _local_digit_count, "number")]

    def compute(self, left, right):
        # Most addresses are built from the person's name (jakub.nowak@, r.hakim51@). A name-only
        # local part shared across domains, or one a few characters from another, says the names
        # agree, which the name comparisons already count: namesakes (two Jakub Nowaks, one at
        # wp.pl, one at o2.pl) would score the name twice. The digits people add tell them apart:
        # the same local part counts when it carries digits, and so does a near miss, when its digits
        # agree (r.hakim vs r.hakim51 is not a typo). Without digits a near miss is the names again:
        # colleagues rlloyd@ and alloyd@ one company differ exactly where their first names do.
        missing = ~(_present(left, self.key) & _present(right, self.key))
        key_l, key_r = _sides(left, right, self.key)
        local_l, local_r = _sides(left, right, self.local_part)
        length, digits, digit_count = self.features()
        local_length, _ = _sides(left, right, self.local_part, length)
        digits_l, digits_r = _sides(left, right, self.key, digits)
        count_l, _ = _sides(left, right, self.key, digit_count)
        exact = key_l == key_r
        same_local = (local_l == local_r) & (local_length >= 4) & (count_l > 0)
        near = ~(missing | exact | same_local) & (digits_l == digits_r) & (count_l > 0)
        sim = _similarity_where(left, right, self.key, (key_l, key_r), near, Levenshtein.normalized_similarity,
                                self.fuzzy)
        return self._select([*_holder_levels(self, left, right, exact), ("exact", exact),
                             ("same_local_part", same_local), ("fuzzy", sim >= self.fuzzy)], missing)


class PhoneComparison(OneColumnComparison):
    def __init__(self, name: str, column: str, last_digits: int = 8, holders: str | None = None,
                 crowded_at: int | None = None):
        super().__init__(
            name,
            ("exact",) + _holder_level_names(holders, crowded_at) +
            ("last_digits", DIFFERENT, MISSING),
            {
                "exact": "same phone number",
                "shared": SHARED_EXPLANATION.format(what="phone number", examples="a household line, a switchboard"),
                "last_digits": f"phone numbers share the last {last_digits} digits",
                DIFFERENT: "different phone numbers",
                MISSING: "phone missing, or a shared switchboard/household line",
            },
        )
        self.column, self.last_digits = column, last_digits
        self._set_holders(holders, crowded_at, "phone number", "a switchboard")

    def features(self) -> list[Feature]:
        return [Feature(self.column, f"last{self.last_digits}", partial(_tail, digits=self.last_digits))]

    def compute(self, left, right):
        both = self.both_present(left, right)
        codes_l, codes_r = _sides(left, right, self.column)
        tail_l, tail_r = _sides(left, right, self.column, self.features()[0])
        exact = codes_l == codes_r
        same_tail = tail_l == tail_r
        return self._select([*_holder_levels(self, left, right, exact, same_tail), ("exact", exact),
                             ("last_digits", same_tail)], ~both)


class DateComparison(OneColumnComparison):
    """ISO dates (YYYY-MM-DD): exact, day and month swapped, one digit mistyped or two adjacent
    digits swapped, one of Y/M/D differs."""

    def __init__(self, name: str, column: str):
        super().__init__(
            name,
            ("exact", "day_month_swapped", "typo", "one_part_differs", DIFFERENT, MISSING),
            {
                "exact": "same date of birth",
                "day_month_swapped": "dates of birth match with day and month swapped",
                "typo": "dates of birth differ by one mistyped digit or two swapped digits (1981 / 1918)",
                "one_part_differs": "dates of birth differ in the day, month or year only",
                DIFFERENT: "different dates of birth",
                MISSING: "date of birth missing on one side",
            },
        )
        self.column = column

    def features(self) -> list[Feature]:
        # Month and day as numbers that spell their text (a month is compared with a day when the
        # two are swapped: codes, numbered per feature, could not be).
        return [Feature(self.column, "year", partial(_part, start=0, stop=4)),
                Feature(self.column, "month", partial(_packed_part, start=5), "number"),
                Feature(self.column, "day", partial(_packed_part, start=8), "number")]

    def compute(self, left, right):
        both = self.both_present(left, right)
        codes_l, codes_r = _sides(left, right, self.column)
        (ly, ry), (lm, rm), (ld, rd) = (_sides(left, right, self.column, f) for f in self.features())
        same = (ly == ry).astype(int) + (lm == rm).astype(int) + (ld == rd).astype(int)
        exact = codes_l == codes_r
        swapped = (ly == ry) & (lm == rd) & (ld == rm)
        # One edit apart (a digit mistyped, or two adjacent digits swapped): optimal string
        # alignment distance 1 on the ten characters, for the few pairs left undecided.
        near = both & ~exact & ~swapped & (same >= 1)
        typo = _similarity_where(left, right, self.column, (codes_l, codes_r), near, OSA.normalized_similarity,
                                 0.9) >= 0.9 - 1e-5
        return self._select(
            [("exact", exact), ("day_month_swapped", swapped), ("typo", typo), ("one_part_differs", same == 2)],
            ~both,
        )


class FuzzyComparison(OneColumnComparison):
    """Any text column: exact, then fuzzy at a threshold (token-set ratio or Jaro-Winkler)."""

    def __init__(self, name: str, column: str, threshold: float = 0.9, scorer: str = "token_set",
                 holders: str | None = None, crowded_at: int | None = None,
                 counted_with: list[str] | None = None):
        label = name.replace("_", " ")
        super().__init__(
            name,
            ("exact",) + _holder_level_names(holders, crowded_at) +
            ("fuzzy", DIFFERENT) + ((MOVED,) if counted_with else ()) + (MISSING,),
            {
                "exact": f"same {label}",
                "shared": SHARED_EXPLANATION.format(what=label, examples="a household"),
                "fuzzy": f"similar {label}",
                DIFFERENT: f"different {label}",
                MISSING: f"{label} missing on one side",
            },
        )
        self.column, self.threshold, self.scorer = column, threshold, scorer
        self._set_holders(holders, crowded_at, label, "an office building")
        if counted_with:
            self.counted_with = tuple(counted_with)
            # Estimated like any level (so that "exact" keeps its share among all pairs), but it
            # weighs nothing: the finer comparison's difference counts the move.
            self.weightless = (MOVED,)
            self.explanations[MOVED] = (f"different {label}, counted once with the different "
                                        f"{' / '.join(c.replace('_', ' ') for c in self.counted_with)} (one move)")

    def compute(self, left, right):
        both = self.both_present(left, right)
        codes_l, codes_r = _sides(left, right, self.column)
        exact = codes_l == codes_r
        # token_set_ratio scores 0-100, Jaro-Winkler 0-1
        scorer, scale = (fuzz.token_set_ratio, 100.0) if self.scorer == "token_set" \
            else (JaroWinkler.normalized_similarity, 1.0)
        sim = _similarity_where(left, right, self.column, (codes_l, codes_r), both & ~exact, scorer,
                                self.threshold * scale, scale) / scale
        similar = sim >= self.threshold
        return self._select([*_holder_levels(self, left, right, exact, similar), ("exact", exact),
                             ("fuzzy", similar)], ~both)


class ExactComparison(OneColumnComparison):
    """Equal or not. ``one_sided``: a value on one side only is a level of its own ("one_side"),
    not missing: a generational suffix (Jr) on one record and none on the other is a hint of a
    father and a son."""

    def __init__(self, name: str, column: str, one_sided: bool = False, explain: dict | None = None):
        label = name.replace("_", " ")
        levels = ("exact", DIFFERENT) + (("one_side",) if one_sided else ()) + (MISSING,)
        super().__init__(
            name,
            levels,
            {"exact": f"same {label}", DIFFERENT: f"different {label}",
             "one_side": f"{label} on one record only",
             MISSING: f"{label} missing on {'both sides' if one_sided else 'one side'}", **(explain or {})},
        )
        self.column, self.one_sided = column, one_sided

    def compute(self, left, right):
        present_l, present_r = _present(left, self.column), _present(right, self.column)
        codes_l, codes_r = _sides(left, right, self.column)
        if self.one_sided:
            return self._select([("exact", codes_l == codes_r), ("one_side", present_l ^ present_r)],
                                ~(present_l | present_r))
        return self._select([("exact", codes_l == codes_r)], ~(present_l & present_r))


COMPARISON_KINDS = {
    "name": NameComparison,
    "email": EmailComparison,
    "phone": PhoneComparison,
    "date": DateComparison,
    "fuzzy": FuzzyComparison,
    "exact": ExactComparison,
}


def counted_once(levels: dict[str, np.ndarray], comparisons: list[Comparison],
                 when_exact: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """A move changes the street, the postcode and the town at once: one fact, which independent
    comparisons would count three times (-22 bits for a person seen before and after moving,
    more than a shared personal e-mail and name outweigh). A comparison with ``counted_with``
    that is "different" where one of those (finer) comparisons is "different" too takes the
    weightless level "moved": the finest difference present counts the move. Agreement and near
    agreement (a postcode typo) keep their weight; only disagreement is counted once. Only on
    pairs agreeing exactly on one of ``when_exact`` (what one person keeps when moving: a personal
    e-mail, a phone, a birth date); without it, two namesakes in two towns are two people, and
    every place difference says so."""
    by_name = {c.name: c for c in comparisons}
    out = dict(levels)
    if not when_exact or not any(c.counted_with for c in comparisons):
        return out
    personal = np.zeros(len(next(iter(levels.values()))), dtype=bool)
    for name in when_exact:
        personal |= levels[name] == by_name[name].levels.index("exact")
    for comparison in comparisons:
        if not comparison.counted_with:
            continue
        own = levels[comparison.name]
        finer = np.zeros(len(own), dtype=bool)
        for name in comparison.counted_with:
            finer |= levels[name] == by_name[name].levels.index(DIFFERENT)
        moved = (own == comparison.levels.index(DIFFERENT)) & finer & personal
        if moved.any():
            out[comparison.name] = np.where(moved, np.int8(comparison.levels.index(MOVED)), own).astype(own.dtype)
    return out


def without_moves(levels: dict[str, np.ndarray], comparisons: list[Comparison]) -> dict[str, np.ndarray]:
    """``levels`` with "moved" read as "different" again: m and u are estimated from the levels
    as each comparison sees them alone, so counting a move once changes how a pair is weighed,
    not what a different postcode weighs when a move does not explain it."""
    out = dict(levels)
    for comparison in comparisons:
        if MOVED in comparison.levels:
            codes = np.asarray(levels[comparison.name])
            out[comparison.name] = np.where(codes == comparison.levels.index(MOVED),
                                            np.int8(comparison.levels.index(DIFFERENT)), codes).astype(codes.dtype)
    return out


def check_moves(comparisons: list[Comparison], places: tuple[str, ...], when_exact: tuple[str, ...]) -> None:
    """rules/matching.yaml ``moves``: ``places`` are comparisons with a "different" level, coarser ones
    listed after finer ones; ``when_exact`` are comparisons with an "exact" level."""
    by_name = {c.name: c for c in comparisons}
    unknown = [name for name in places if name not in by_name]
    if unknown:
        raise ValueError(f"rules/matching.yaml: moves.places names {unknown}, which are not comparisons "
                         f"({sorted(by_name)})")
    for name in when_exact:
        if name not in by_name or "exact" not in by_name[name].levels:
            raise ValueError(f"rules/matching.yaml: moves.when_exact names {name!r}, which is not a comparison with "
                             f"an 'exact' level ({sorted(by_name)})")
    seen: dict[str, Comparison] = {}
    for comparison in comparisons:
        for name in comparison.counted_with:
            if name not in seen or DIFFERENT not in seen[name].levels:
                raise ValueError(f"rules/matching.yaml: comparison {comparison.name!r}: moves.places names "
                                 f"{name!r}, which is not a comparison listed before it with a 'different' level "
                                 f"(listed before: {sorted(seen)})")
        seen[comparison.name] = comparison


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
