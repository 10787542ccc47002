"""Blocking for incremental runs: only the pairs that touch records needing a new match.

The full run (``blocking.candidate_pairs``) builds every pair inside every usable
block; a nightly run with 10,000 changed records among a million needs only the
pairs with at least one changed record in them. Both apply the same rules:

- a key is usable when all its columns are present and non-empty;
- a key shared by more than ``max_block_size`` records is skipped (reported in
  ``oversized``), so when a key crosses that size between runs, the pairs of all
  its records appear or disappear: ``flipped_members`` names those records so the
  caller matches them again.

Blocks are the integer codes of ``blocking.block_codes``; pairs are built with
numpy from sorted codes: no all-pairs matrix, no Python loop over records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from steward.match.blocking import RuleBlocks, key_text, oversized_keys


def flipped_members(contacts: pd.DataFrame, blocks: list[RuleBlocks], max_block_size: int,
                    previous_oversized: pd.DataFrame) -> np.ndarray:
    """Records in blocks that were skipped last run and are not now, or the other way round."""
    mask = np.zeros(len(contacts), dtype=bool)
    now = oversized_keys(contacts, blocks, max_block_size)
    before = set(zip(previous_oversized["rule"], previous_oversized["key"]))
    after = set(zip(now["rule"], now["key"]))
    flipped = before ^ after
    if not flipped:
        return mask
    for b in blocks:
        keys = {key for rule, key in flipped if rule == b.rule.name}
        if not keys:
            continue
        # Spell every block key once, then mark the members of the flipped ones.
        spelled = np.array(key_text(contacts, b, np.arange(len(b.sizes))), dtype=object)
        hit = np.flatnonzero(pd.Index(spelled).isin(list(keys)))
        mask |= np.isin(b.codes, hit) & (b.codes >= 0)
    return mask


def pairs_touching(blocks: list[RuleBlocks], rematch: np.ndarray, max_block_size: int) -> pd.DataFrame:
    """Candidate pairs (left < right, rule = first rule that finds them) with at least one
    record in ``rematch``; exactly the full run's pairs that touch those records."""
    n = len(rematch)
    keys, rule_index = [], []
    for i, b in enumerate(blocks):
        ok = (b.codes >= 0)
        ok[ok] = b.sizes[b.codes[ok]] <= max_block_size
        dirty = np.flatnonzero(rematch & ok)
        if len(dirty) == 0:
            continue
        members = np.flatnonzero(ok)
        members = members[np.argsort(b.codes[members], kind="stable")]
        member_codes = b.codes[members]
        starts = np.searchsorted(member_codes, b.codes[dirty], side="left")
        counts = np.searchsorted(member_codes, b.codes[dirty], side="right") - starts
        total = int(counts.sum())
        left = np.repeat(dirty, counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        right = members[np.repeat(starts, counts) + offsets]
        keep = left != right
        left, right = left[keep], right[keep]
        found = np.unique(np.minimum(left, right) * n + np.maximum(left, right))
        keys.append(found)
        rule_index.append(np.full(len(found), i, dtype=np.int16))
    names = [b.rule.name for b in blocks]
    if not keys:
        return pd.DataFrame({"left": np.zeros(0, dtype=np.int64), "right": np.zeros(0, dtype=np.int64),
                             "rule": pd.Categorical.from_codes(np.zeros(0, dtype=np.int16), categories=names)})
    unique, first = np.unique(np.concatenate(keys), return_index=True)
    return pd.DataFrame({"left": unique // n, "right": unique % n,
                         "rule": pd.Categorical.from_codes(np.concatenate(rule_index)[first], categories=names)})
