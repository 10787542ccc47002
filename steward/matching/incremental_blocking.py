"""Blocking for incremental runs: only the pairs that touch records needing a new match.

The full run (``blocking.candidate_pairs``) builds every pair inside every usable
block; a nightly run with 10,000 changed records among a million needs only the
pairs with at least one changed record in them. Both apply the same rules:

- a key is usable when all its columns are present and non-empty;
- a key shared by more than ``max_block_size`` records is skipped (reported in
  ``oversized``), so when a key crosses that size between runs, the pairs of all
  its records appear or disappear: ``flipped_members`` names those records so the
  caller matches them again.

Blocks are integer codes per rule (one group-by per rule), pairs are built with
numpy from sorted codes: no all-pairs matrix, no Python loop over records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from steward.matching.blocking import BlockingRule


@dataclass
class RuleBlocks:
    rule: BlockingRule
    codes: np.ndarray  # block code per record, -1 where the key is not usable
    sizes: np.ndarray  # records per block code
    first_row: np.ndarray  # a record holding each block code (to spell the key)


def block_codes(contacts: pd.DataFrame, rules: list[BlockingRule]) -> list[RuleBlocks]:
    out = []
    for rule in rules:
        missing = [c for c in rule.columns if c not in contacts.columns]
        if missing:
            raise ValueError(f"rules/matching.yaml: blocking rule {rule.name} uses unknown column(s) {missing}")
        keys = contacts[list(rule.columns)]
        usable = keys.notna().all(axis=1).to_numpy()
        for column in rule.columns:
            usable &= (keys[column].astype(str).str.len() > 0).to_numpy()
        codes = np.full(len(contacts), -1, dtype=np.int64)
        rows = np.flatnonzero(usable)
        if len(rows):
            codes[rows] = keys.iloc[rows].groupby(list(rule.columns), sort=False).ngroup().to_numpy()
        sizes = np.bincount(codes[rows], minlength=int(codes.max()) + 1 if len(rows) else 0)
        first_row = np.full(len(sizes), -1, dtype=np.int64)
        first_row[codes[rows][::-1]] = rows[::-1]
        out.append(RuleBlocks(rule, codes, sizes, first_row))
    return out


def _key_text(contacts: pd.DataFrame, blocks: RuleBlocks, codes: np.ndarray) -> list[str]:
    """The key of each block code as ``blocking.candidate_pairs`` spells it in its report."""
    rows = blocks.first_row[codes]
    values = [contacts[c].to_numpy(dtype=object)[rows] for c in blocks.rule.columns]
    return ["|".join(map(str, parts)) for parts in zip(*values)]


def oversized_keys(contacts: pd.DataFrame, blocks: list[RuleBlocks], max_block_size: int) -> pd.DataFrame:
    """rule, key, records for every key skipped because too many records share it."""
    frames = []
    for b in blocks:
        big = np.flatnonzero(b.sizes > max_block_size)
        if len(big):
            frames.append(pd.DataFrame({"rule": b.rule.name, "key": _key_text(contacts, b, big),
                                        "records": b.sizes[big].astype(np.int64)}))
    if not frames:
        return pd.DataFrame({"rule": pd.Series(dtype=object), "key": pd.Series(dtype=object),
                             "records": pd.Series(dtype="int64")})
    return pd.concat(frames, ignore_index=True)


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
        spelled = np.array(_key_text(contacts, b, np.arange(len(b.sizes))), dtype=object)
        hit = np.flatnonzero(pd.Index(spelled).isin(list(keys)))
        mask |= np.isin(b.codes, hit) & (b.codes >= 0)
    return mask


def pairs_touching(blocks: list[RuleBlocks], rematch: np.ndarray, max_block_size: int) -> pd.DataFrame:
    """Candidate pairs (left < right, rule = first rule that finds them) with at least one
    record in ``rematch``; exactly the full run's pairs that touch those records."""
    found = []
    for b in blocks:
        ok = (b.codes >= 0)
        ok[ok] = b.sizes[b.codes[ok]] <= max_block_size
        dirty = np.flatnonzero(rematch & ok)
        if len(dirty) == 0:
            continue
        members = np.flatnonzero(ok)
        order = np.argsort(b.codes[members], kind="stable")
        members = members[order]
        member_codes = b.codes[members]
        starts = np.searchsorted(member_codes, b.codes[dirty], side="left")
        ends = np.searchsorted(member_codes, b.codes[dirty], side="right")
        counts = ends - starts
        total = int(counts.sum())
        left = np.repeat(dirty, counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        right = members[np.repeat(starts, counts) + offsets]
        keep = left != right
        left, right = left[keep], right[keep]
        found.append(pd.DataFrame({"left": np.minimum(left, right), "right": np.maximum(left, right),
                                   "rule": b.rule.name}))
    if not found:
        return pd.DataFrame({"left": pd.Series(dtype="int64"), "right": pd.Series(dtype="int64"),
                             "rule": pd.Series(dtype=object)})
    pairs = pd.concat(found, ignore_index=True).drop_duplicates(["left", "right"], keep="first")
    return pairs.sort_values(["left", "right"], ignore_index=True)
