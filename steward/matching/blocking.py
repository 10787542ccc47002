"""Candidate pairs: several blocking rules OR-ed, via recordlinkage's indexer.

A key shared by more than ``max_block_size`` records (a switchboard number, a
shared inbox, "Michael Smith" + "London") would add O(n^2) pairs that carry no
evidence; such keys are skipped and reported instead of silently exploding.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import recordlinkage

log = logging.getLogger("steward.matching")


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


def parse_rules(config: dict) -> tuple[list[BlockingRule], int]:
    blocking = config.get("blocking") or {}
    rules = [BlockingRule(tuple([r] if isinstance(r, str) else r)) for r in blocking.get("rules", [])]
    if not rules:
        raise ValueError("rules/matching.yaml: blocking.rules must list at least one rule")
    return rules, int(blocking.get("max_block_size", 100))


def candidate_pairs(contacts: pd.DataFrame, rules: list[BlockingRule], max_block_size: int) -> BlockingResult:
    """Pairs of row positions sharing at least one blocking key. Never builds all pairs."""
    found: list[pd.DataFrame] = []
    skipped: list[pd.DataFrame] = []
    for rule in rules:
        missing = [c for c in rule.columns if c not in contacts.columns]
        if missing:
            raise ValueError(f"rules/matching.yaml: blocking rule {rule.name} uses unknown column(s) {missing}")
        keys = contacts[list(rule.columns)]
        usable = keys.notna().all(axis=1)
        for column in rule.columns:
            usable &= keys[column].astype(str).str.len() > 0
        subset = keys[usable]
        sizes = subset.groupby(list(rule.columns), sort=False).size()
        oversized = sizes[sizes > max_block_size]
        if len(oversized):
            skipped.append(
                pd.DataFrame(
                    {
                        "rule": rule.name,
                        "key": ["|".join(map(str, k if isinstance(k, tuple) else (k,))) for k in oversized.index],
                        "records": oversized.to_numpy(),
                    }
                )
            )
            big = subset.set_index(list(rule.columns)).index.isin(oversized.index)
            subset = subset[~big]
        if len(subset) < 2:
            continue
        indexer = recordlinkage.Index()
        indexer.block(list(rule.columns))
        links = indexer.index(subset)
        if len(links) == 0:
            continue
        a = links.get_level_values(0).to_numpy(dtype=np.int64)
        b = links.get_level_values(1).to_numpy(dtype=np.int64)
        found.append(pd.DataFrame({"left": np.minimum(a, b), "right": np.maximum(a, b), "rule": rule.name}))
        log.info("blocking rule %s: %d pairs", rule.name, len(links))
    if found:
        pairs = pd.concat(found, ignore_index=True).drop_duplicates(["left", "right"], keep="first")
        pairs = pairs.sort_values(["left", "right"], ignore_index=True)
    else:
        pairs = pd.DataFrame({"left": pd.Series(dtype="int64"), "right": pd.Series(dtype="int64"), "rule": pd.Series(dtype=object)})
    skipped_keys = (
        pd.concat(skipped, ignore_index=True)
        if skipped
        else pd.DataFrame({"rule": pd.Series(dtype=object), "key": pd.Series(dtype=object), "records": pd.Series(dtype="int64")})
    )
    return BlockingResult(pairs=pairs, skipped_keys=skipped_keys)
