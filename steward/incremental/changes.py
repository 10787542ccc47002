"""Steps 1-3 of a nightly run (see steward.incremental): which records are new, changed,
unchanged or removed since the snapshot; normalising only the new and changed ones; and which
records must be matched again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings
from steward.match.blocking import block_codes, parse_rules
from steward.match.incremental_blocking import flipped_members
from steward.match.model import MatchModel
from steward.normalise.stage import (CROSS_RECORD_COLUMNS, SHARED_VALUE_COLUMNS, add_match_keys,
                                     normalise_record_fields, refresh_match_keys)
from steward.incremental.snapshot import MatchSnapshot
from steward.schema import contact_key

log = logging.getLogger("steward.incremental")

NEW, CHANGED, UNCHANGED, REMOVED = "new", "changed", "unchanged", "removed"
# Records the snapshot knows only by id (erased people): matched again in every run.
KNOWN_BY_ID = "suppressed_before"

# Where a record sits in its export, not what it says: a row inserted above it is no change.
LOCATION_COLUMNS = ("source_row",)


def content_hashes(records: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per source record over all its fields (column order independent).

    DuckDB's ``hash()`` over all columns at once: ~8x faster than pandas' per-column hashing on
    a million records (it runs on every record every night). Which hash made a snapshot is in
    its meta (HASH_METHOD); another one means a full rebuild, not a night of false changes."""
    columns = sorted(c for c in records.columns if c not in LOCATION_COLUMNS)
    if not len(records):
        return np.zeros(0, dtype=np.uint64)
    frame = records[columns]
    try:
        with duckdb.connect() as con:
            con.register("records", frame)
            select = ", ".join('"' + str(c).replace('"', '""') + '"' for c in columns)
            hashes = con.execute(f"SELECT hash({select}) AS h FROM records").fetchnumpy()["h"]
        return np.asarray(hashes, dtype=np.uint64)
    except duckdb.Error:
        # A column DuckDB cannot read (mixed Python types): every value as text instead.
        text = frame.astype(object).where(frame.notna(), None).map(lambda v: v if v is None else str(v))
        return content_hashes(text)


# Bumped when content_hashes changes (or DuckDB's hash does): stored hashes are then not comparable.
HASH_METHOD = f"duckdb-{duckdb.__version__}"


# -- 1. changes ----------------------------------------------------------------------------------

@dataclass
class Changes:
    status: np.ndarray  # per record (aligned with the loaded records): new / changed / unchanged / suppressed_before
    hashes: np.ndarray  # content hash per record
    removed: pd.Index  # contact keys of the last run no longer in the sources
    silent: int = 0  # changed records whose updated_at did not move (a source editing without saying so)
    # Row of each record in the snapshot's membership (-1: new); rows below kept_records are
    # also its row in the snapshot's contacts. Found once, used by every later step.
    rows: np.ndarray | None = None
    removed_rows: np.ndarray | None = None  # membership rows of the removed records
    keys: np.ndarray | None = None  # contact key per record

    def counts(self) -> dict[str, int]:
        out = {str(v): int(c) for v, c in pd.Series(self.status).value_counts().sort_index().items()}
        out[REMOVED] = len(self.removed)
        out["changed_without_updated_at"] = self.silent
        return out


def detect_changes(records: pd.DataFrame, snapshot: MatchSnapshot) -> Changes:
    keys = contact_key(records)
    hashes = content_hashes(records)
    members = pd.Index(snapshot.membership["contact_key"])
    rows = members.get_indexer(keys)
    kept = snapshot.kept_records
    known = (rows >= 0) & (rows < kept)
    by_id = rows >= kept
    same = np.zeros(len(records), dtype=bool)
    # Positions, not Series.map: a map with misses goes through float64 and mangles 64-bit hashes.
    same[known] = snapshot.contact_values("record_hash", rows[known]).astype(np.uint64) == hashes[known]
    status = np.where(same, UNCHANGED, np.where(known, CHANGED, np.where(by_id, KNOWN_BY_ID, NEW))).astype(object)
    silent = 0
    if "updated_at" in records.columns and "updated_at" in snapshot.contact_names and known.any():
        changed = np.flatnonzero(known & ~same)
        before = snapshot.contact_values("updated_at", rows[changed]).astype(object)
        now = records["updated_at"].to_numpy(dtype=object)[changed]
        silent = int(sum(1 for a, b in zip(before, now) if (a == b) or (pd.isna(a) and pd.isna(b))))
    seen = np.zeros(len(members), dtype=bool)
    seen[rows[rows >= 0]] = True
    removed_rows = np.flatnonzero(~seen)
    return Changes(status, hashes, members[removed_rows], silent, rows, removed_rows, keys.to_numpy(dtype=object))


# -- 2. normalise ----------------------------------------------------------------------------------

def normalise_incremental(records: pd.DataFrame, changes: Changes, snapshot: MatchSnapshot,
                          normalise_options: dict | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Exactly ``normalise_contacts(records)``, with unchanged records taken from the snapshot;
    also the rows not exactly as stored: new or changed records, and records whose cross-record
    columns moved when recounted (``refresh_match_keys``)."""
    if not isinstance(records.index, pd.RangeIndex) or records.index.start != 0 or records.index.step != 1:
        records = records.reset_index(drop=True)
    reuse = changes.status == UNCHANGED
    fresh = normalise_record_fields(records[~reuse], **(normalise_options or {}))
    names = snapshot.contact_names
    columns = list(fresh.columns) if len(fresh.columns) else [c for c in names
                                                              if c not in {*CROSS_RECORD_COLUMNS, "record_hash"}]
    # normalise_record_fields keeps every source column as it is: those come from the records
    # themselves, and only derived columns from the snapshot (converted from Arrow for these only).
    stored = snapshot.contact_columns([c for c in names if c not in records.columns
                                       and c not in ("contact_key", "record_hash")])
    kept = snapshot.kept_records
    # One gather per column from the snapshot (rows of new/changed records are overwritten):
    # no concatenation, re-sorting or block consolidation of a million-row frame.
    gather = np.where(reuse, changes.rows, 0)
    fresh_rows = np.flatnonzero(~reuse)
    out = {}
    for column in columns:
        if column in records.columns:
            out[column] = records[column].to_numpy(copy=True)
            continue
        if column == "contact_key" and changes.keys is not None:
            out[column] = changes.keys.copy()
            continue
        if column in stored.columns and kept:
            values = stored[column].to_numpy()[gather]
        else:
            values = np.empty(len(records), dtype=object)
        if len(fresh_rows):
            new = fresh[column].to_numpy()
            if values.dtype != new.dtype:
                # Keep the full run's dtype (a cached column must not change type).
                values = values.astype(new.dtype) if new.dtype != object else values.astype(object)
            values[fresh_rows] = new
        out[column] = values
    gone = changes.removed_rows if changes.removed_rows is not None else np.zeros(0, dtype=np.int64)
    if not kept or (gone >= kept).any() or not set(CROSS_RECORD_COLUMNS) <= set(stored.columns):
        # An erased person left the sources: the values they held are not stored, so every
        # value's holders are counted again.
        return add_match_keys(pd.DataFrame(out)), np.ones(len(records), dtype=bool)
    for column in CROSS_RECORD_COLUMNS:
        values = stored[column].to_numpy()[gather]
        if values.dtype == object:
            values[fresh_rows] = None
        else:
            values[fresh_rows] = False
        out[column] = values
    # copy=False: the columns stay separate arrays (consolidating ~60 object columns of a million
    # rows costs seconds and buys nothing here).
    contacts = pd.DataFrame(out, copy=False)
    # Values that changed hands: those edited records held before and removed records held.
    edited = np.flatnonzero(changes.status == CHANGED)
    before = np.concatenate([changes.rows[edited], gone]).astype(np.int64)
    stale = {c: stored[c].to_numpy()[before] for c in SHARED_VALUE_COLUMNS}
    recounted = refresh_match_keys(contacts, ~reuse, stale)
    # Unchanged records recounted to the values they had are still exactly their stored row (they
    # are neither rematched nor converted for the next snapshot again).
    check = np.flatnonzero(recounted & reuse)
    moved = np.zeros(len(records), dtype=bool)
    for column in CROSS_RECORD_COLUMNS:
        moved[check] |= _differs(contacts[column].to_numpy()[check], stored[column].to_numpy()[changes.rows[check]])
    log.info("normalised %d new/changed records; shared identifiers recounted for %d records, moved for %d",
             len(fresh_rows), int(recounted.sum()), int(moved.sum()))
    return contacts, ~reuse | moved


# -- 3. who is matched again -----------------------------------------------------------------------

def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    both_missing = pd.isna(a) & pd.isna(b)
    return (a != b) & ~both_missing


def rematch_mask(contacts: pd.DataFrame, changes: Changes, recomputed: np.ndarray, snapshot: MatchSnapshot,
                 matching: MatchingSettings, model: MatchModel, links: pd.DataFrame,
                 blocks: list | None = None) -> tuple[np.ndarray, dict]:
    """Records whose pairs must be built and scored again, and why (counts)."""
    rules, max_block = parse_rules(matching)
    rematch = changes.status != UNCHANGED
    why = {"new_or_changed": int(rematch.sum())}
    # Match keys derived across records (shared/household identifiers) may move for unchanged
    # records: only where they were recomputed.
    used = set(model.needed_columns_base) | {c for r in rules for c in r.columns}
    check = np.flatnonzero(recomputed & ~rematch)
    moved = np.zeros(len(contacts), dtype=bool)
    for column in sorted(used & set(CROSS_RECORD_COLUMNS)):
        now = contacts[column].to_numpy(dtype=object)[check]
        before = snapshot.contact_values(column, changes.rows[check]).astype(object)
        moved[check] |= _differs(now, before)
    why["match_keys_moved"] = int(moved.sum())
    rematch |= moved
    blocks = blocks if blocks is not None else block_codes(contacts, rules)
    flipped = flipped_members(contacts, blocks, max_block, snapshot.oversized)
    why["block_size_crossed_limit"] = int((flipped & ~rematch).sum())
    rematch |= flipped
    decided = _changed_link_keys(links, snapshot.links)
    by_decision = contacts["contact_key"].isin(decided).to_numpy() if decided else np.zeros(len(contacts), bool)
    why["reviewer_decisions"] = int((by_decision & ~rematch).sum())
    rematch |= by_decision
    why["total"] = int(rematch.sum())
    return rematch, why


def _changed_link_keys(links: pd.DataFrame, previous: pd.DataFrame) -> set[str]:
    columns = ["left_key", "right_key", "action"]
    now = set(map(tuple, links[columns].astype(str).to_numpy())) if len(links) else set()
    before = set(map(tuple, previous[columns].astype(str).to_numpy())) if len(previous) else set()
    return {k for link in now ^ before for k in link[:2]}




# -- the sources' columns ---------------------------------------------------------------------------

def columns_reason(stored: list | None, columns) -> str | None:
    """Why records with ``columns`` cannot start from a snapshot whose records had ``stored``
    (None: they can). A column added to or removed from a source (an ``extra_*`` column) changes
    every golden record's fields, not only those of the records that changed: the run is a full
    rebuild, which publishes the new columns (or drops the removed ones) for everyone."""
    now = [str(c) for c in columns]
    if stored is None or list(stored) == now:
        return None
    added = [c for c in now if c not in stored]
    removed = [c for c in stored if c not in now]
    if not added and not removed:
        return "the sources' columns came in another order since the snapshot's run"
    said = ([f"new: {', '.join(added)}"] if added else []) + ([f"gone: {', '.join(removed)}"] if removed else [])
    return f"the sources' columns changed since the snapshot's run ({'; '.join(said)})"


# -- what a run is: full or incremental, and what changed ----------------------------------------------

# snapshot_row: the record's row in the snapshot's membership (-1: new), found once; recounted: its
# shared-identifier columns came out otherwise than stored (its stored row is no longer exact).
CHANGE_COLUMNS = ["contact_key", "change", "rematch", "record_hash", "snapshot_row", "recounted"]


@dataclass
class RunChanges:
    """How this run relates to the last one: a full rebuild (``incremental`` False, ``reason``
    says why) or an incremental run, and per record what changed (``table``: CHANGE_COLUMNS, one
    row per contact of this run in the contacts' order, then one per removed record).
    Every stage after normalise asks this object which way to go."""

    table: pd.DataFrame
    incremental: bool
    reason: str | None = None
    why: dict = field(default_factory=dict)  # counts: changes, and why records are rematched
    hashed: bool = True  # ``record_hash`` holds content hashes (a run keeping no snapshot skips them)
    # The sources' columns this run (kept in the snapshot: another set means a full rebuild).
    columns: tuple[str, ...] = ()
    # Set when the run fell back to a full rebuild because the snapshot was damaged (the reason
    # again, for whoever shows the run to say it as a warning, not as a routine full rebuild).
    warning: str | None = None

    def present(self) -> pd.DataFrame:
        """The rows aligned with this run's contacts (removed records left out)."""
        return self.table[self.table["change"] != REMOVED]

    def rematched(self) -> np.ndarray:
        return self.present()["rematch"].to_numpy(dtype=bool)

    def removed_keys(self) -> pd.Index:
        return pd.Index(self.table.loc[self.table["change"] == REMOVED, "contact_key"])

    def snapshot_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(snapshot row per present record, snapshot rows of the removed records)."""
        rows = self.table["snapshot_row"].to_numpy(dtype=np.int64)
        gone = (self.table["change"] == REMOVED).to_numpy()
        return rows[~gone], rows[gone]

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def everything_new(cls, keys: np.ndarray, hashes: np.ndarray, reason: str, hashed: bool) -> "RunChanges":
        """A full rebuild (``reason`` why): every record new and matched."""
        table = pd.DataFrame({"contact_key": keys, "change": NEW, "rematch": True, "record_hash": hashes,
                              "snapshot_row": -1, "recounted": True}, columns=CHANGE_COLUMNS)
        return cls(table, incremental=False, reason=reason, hashed=hashed)

    @classmethod
    def since_snapshot(cls, keys: np.ndarray, detected: Changes, rematch: np.ndarray, recomputed: np.ndarray,
                       why: dict) -> "RunChanges":
        """An incremental run: ``detected`` per record (``keys``: this run's contacts), then one row
        per record of the snapshot no longer in the sources; ``why``: rematch reasons, counted."""
        table = pd.concat([
            pd.DataFrame({"contact_key": keys, "change": detected.status, "rematch": rematch,
                          "record_hash": detected.hashes, "snapshot_row": detected.rows, "recounted": recomputed}),
            pd.DataFrame({"contact_key": detected.removed.to_numpy(dtype=object), "change": REMOVED, "rematch": False,
                          "record_hash": np.zeros(len(detected.removed), dtype=np.uint64),
                          "snapshot_row": detected.removed_rows, "recounted": False}),
        ], ignore_index=True)
        return cls(table, incremental=True, why={**detected.counts(), "rematched": why})
