"""Candidate pairs: several blocking rules OR-ed.

A key shared by more than ``max_block_size`` records (a switchboard number, a
shared inbox, "Michael Smith" + "London") would add O(n^2) pairs that carry no
evidence; such keys are skipped and reported instead of silently exploding.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings, parse_matching
from steward.progress import report

log = logging.getLogger("steward.match")


@dataclass(frozen=True)
class BlockingRule:
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return "+".join(self.columns)


@dataclass
class BlockingResult:
    pairs: pd.DataFrame  # left, right (int row positions, left < right), rule (first rule that found it)
    skipped_keys: pd.DataFrame  # rule, key, records


def parse_rules(config: MatchingSettings | Mapping) -> tuple[list[BlockingRule], int]:
    """(the blocking rules, the largest block compared) of rules/matching.yaml's settings."""
    blocking = parse_matching(config).blocking
    return [BlockingRule(columns) for columns in blocking.rules], blocking.max_block_size


@dataclass
class RuleBlocks:
    rule: BlockingRule
    codes: np.ndarray  # block code per record, -1 where the key is not usable
    sizes: np.ndarray  # records per block code
    first_row: np.ndarray  # a record holding each block code (to spell the key)


def block_codes(contacts: pd.DataFrame, rules: list[BlockingRule]) -> list[RuleBlocks]:
    """Per rule, an integer block code per record. Each column is factorised once (rules
    share columns), multi-column keys are combined as integers: no group-by on strings."""
    factorised: dict[str, tuple[np.ndarray, int]] = {}

    def column_codes(column: str) -> tuple[np.ndarray, int]:
        if column not in factorised:
            values = contacts[column]
            codes, uniques = pd.factorize(values)  # -1 for missing
            # An empty string is not a key either.
            empty = np.flatnonzero(pd.Index(uniques).astype(str).str.len() == 0)
            if len(empty):
                codes = np.where(np.isin(codes, empty), -1, codes)
            factorised[column] = (codes.astype(np.int64), len(uniques))
        return factorised[column]

    out = []
    for rule in rules:
        missing = [c for c in rule.columns if c not in contacts.columns]
        if missing:
            raise ValueError(f"rules/matching.yaml: blocking rule {rule.name} uses unknown column(s) {missing}")
        combined = np.zeros(len(contacts), dtype=np.int64)
        span = 1  # combined < span
        usable = np.ones(len(contacts), dtype=bool)
        for column in rule.columns:
            codes, cardinality = column_codes(column)
            usable &= codes >= 0
            if span * (cardinality + 1) >= 2**62:  # renumber densely before the product could overflow
                _, combined = np.unique(combined, return_inverse=True)
                span = int(combined.max()) + 1
            combined = combined * (cardinality + 1) + (codes + 1)
            span *= cardinality + 1
        codes = np.full(len(contacts), -1, dtype=np.int64)
        rows = np.flatnonzero(usable)
        if len(rows):
            _, codes[rows] = np.unique(combined[rows], return_inverse=True)
        sizes = np.bincount(codes[rows], minlength=int(codes.max()) + 1 if len(rows) else 0)
        first_row = np.full(len(sizes), -1, dtype=np.int64)
        first_row[codes[rows][::-1]] = rows[::-1]
        out.append(RuleBlocks(rule, codes, sizes, first_row))
    return out


def key_text(contacts: pd.DataFrame, blocks: RuleBlocks, codes: np.ndarray) -> list[str]:
    """The key of each block code, spelled as the skipped-keys report spells it."""
    rows = blocks.first_row[codes]
    values = [contacts[c].to_numpy(dtype=object)[rows] for c in blocks.rule.columns]
    return ["|".join(map(str, parts)) for parts in zip(*values)]


def oversized_keys(contacts: pd.DataFrame, blocks: list[RuleBlocks], max_block_size: int) -> pd.DataFrame:
    """rule, key, records for every key skipped because too many records share it."""
    frames = []
    for b in blocks:
        big = np.flatnonzero(b.sizes > max_block_size)
        if len(big):
            frames.append(pd.DataFrame({"rule": b.rule.name, "key": key_text(contacts, b, big),
                                        "records": b.sizes[big].astype(np.int64)}))
    if not frames:
        return pd.DataFrame({"rule": pd.Series(dtype=object), "key": pd.Series(dtype=object),
                             "records": pd.Series(dtype="int64")})
    return pd.concat(frames, ignore_index=True)


def pairs_within_groups(groups: np.ndarray, rows: np.ndarray,
                        max_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (left < right) of ``rows`` (ascending) that share a group label, in groups of
    2 to ``max_size`` rows. Groups of one size are expanded together as a matrix: numpy
    only, no Python loop over groups or pairs."""
    order = rows[np.argsort(groups[rows], kind="stable")]  # by group, rows ascending inside each
    labels = groups[order]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]) if len(order) else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(order)])
    lefts, rights = [], []
    for size in np.unique(sizes):
        if size < 2 or (max_size is not None and size > max_size):
            continue
        members = order[starts[sizes == size][:, None] + np.arange(size)[None, :]]
        a, b = np.triu_indices(int(size), k=1)
        lefts.append(members[:, a].ravel())
        rights.append(members[:, b].ravel())
    if not lefts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64)


def within_block_pairs(blocks: RuleBlocks, max_block_size: int) -> np.ndarray:
    """Every pair of records sharing a usable block of at most ``max_block_size`` records,
    as int64 keys ``left * n + right`` (left < right)."""
    left, right = pairs_within_groups(blocks.codes, np.flatnonzero(blocks.codes >= 0), max_block_size)
    return left * len(blocks.codes) + right


def candidate_pairs(contacts: pd.DataFrame, rules: list[BlockingRule], max_block_size: int) -> BlockingResult:
    """Pairs of row positions sharing at least one blocking key. Never builds all pairs.

    Pairs are int64 keys per rule, deduplicated across rules with one sort; ``rule`` is
    the first rule (in rules/matching.yaml order) that finds the pair."""
    n = len(contacts)
    blocks = block_codes(contacts, rules)
    keys, rule_index = [], []
    for i, b in enumerate(blocks):
        found = within_block_pairs(b, max_block_size)
        log.info("blocking rule %s: %d pairs", b.rule.name, len(found))
        report("block", i + 1, len(blocks), "rules")
        keys.append(found)
        rule_index.append(np.full(len(found), i, dtype=np.int16))
    all_keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    unique, first = np.unique(all_keys, return_index=True)  # first occurrence = first rule, rules in order
    rule_names = pd.Categorical.from_codes(np.concatenate(rule_index)[first] if len(first) else np.zeros(0, dtype=np.int16),
                                           categories=[r.name for r in rules]) if rules else None
    pairs = pd.DataFrame({"left": unique // max(n, 1), "right": unique % max(n, 1), "rule": rule_names})
    return BlockingResult(pairs=pairs, skipped_keys=oversized_keys(contacts, blocks, max_block_size))
