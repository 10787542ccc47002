"""Nightly incremental runs: match only what changed, and get what a full rebuild gets.

A run leaves a *snapshot* behind (``MatchSnapshot``, Arrow files beside the state
database, read memory-mapped): the normalised records with a content hash (append-only
segment files: a night adds its new and edited records and links the rest), every
scored candidate pair (level codes), which graph component and cluster each record fell
into, the blocking keys that were too big, the review queue, the golden records with
crosswalk and lineage (spliced and handed on as Arrow, see ``ArrowFrame``), the model's
parameters and the reviewer links it honoured. The next run compares the sources with
it and does the least work that still gives the full rebuild's answer:

1. **Changes** (``detect_changes``): a record is new, changed (its content hash
   differs; ``updated_at`` tells whether the source said so), unchanged, or removed
   (in the snapshot, not in the sources any more). Each record's snapshot row is
   found once here and used by every later step.
2. **Normalise** (``normalise_incremental``): only new and changed records go through
   the per-record normalisers; unchanged ones are taken from the snapshot. The
   cross-record part (shared inboxes, household phones) is recounted for the holders
   of every value that changed hands (``refresh_match_keys``).
3. **Rematch** (``rematch_mask``): records to match again = new/changed records,
   records whose match keys moved with the cross-record part, records in blocks that
   crossed ``max_block_size``, and records a reviewer decided on since.
4. **Pairs and scores** (``fresh_pairs``, ``affected_region``, ``with_stored_scores``):
   pairs touching rematched records are blocked and scored with the snapshot's model
   (frozen: the same parameters that scored the stored pairs). The *affected region*
   is what those pairs and the removed records can reach in the match graph; stored
   pairs inside it are re-weighted from their levels, the rest are carried into the
   next snapshot untouched (``carried_pairs``).
5. **Clusters** (``incremental_clusters``): only the region is clustered again
   (clustering is a function of one graph component; the region is a union of
   components), everyone else keeps their cluster. The review queue is the region's
   grey pairs plus the stored suggestions the change did not reach.
6. **Golden records** (``incremental_golden``): rebuilt only for the affected
   clusters, spliced into the snapshot's golden table; the golden ids that changed
   are what gets published.

Falls back to a full rebuild (and says why) when there is no snapshot, when the
rules, the code's snapshot format or the term-frequency setting make the stored
scores unusable. A full rebuild (``steward run --full``) also re-estimates the model.
Records of erased people are never stored in a snapshot (ids and cluster labels
only), so they are matched afresh in every run until their sources stop exporting them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from steward.normalise.stage import (CROSS_RECORD_COLUMNS, SHARED_VALUE_COLUMNS, add_match_keys,
                              normalise_record_fields, refresh_match_keys)
from steward.frames import column_values, renumbered, stacked
from steward.match.blocking import parse_rules
from steward.match.blocking import block_codes, oversized_keys
from steward.match.cluster import cluster_records, graph_components, safe_clusters
from steward.match.incremental_blocking import flipped_members, pairs_touching
from steward.match.model import MatchModel, level_scores

log = logging.getLogger("steward.incremental.snapshot")

SNAPSHOT_FORMAT = 6
NEW, CHANGED, UNCHANGED, REMOVED = "new", "changed", "unchanged", "removed"
# Records the snapshot knows only by id (erased people): matched again in every run.
KNOWN_BY_ID = "suppressed_before"


def rules_fingerprint(*parts) -> str:
    """Hash of everything that decides how records are normalised, matched and merged:
    when it changes, stored normalisations and scores no longer hold."""
    text = json.dumps([SNAPSHOT_FORMAT, *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def contact_keys(records: pd.DataFrame) -> pd.Series:
    return records["source"].astype(str) + ":" + records["record_id"].astype(str)


def model_parameters(model: MatchModel) -> dict:
    """m, u and the prior at full precision (model.json rounds for people to read)."""
    return {"prior": float(model.prior),
            "m": {k: [float(x) for x in v] for k, v in model.m.items()},
            "u": {k: [float(x) for x in v] for k, v in model.u.items()},
            "fitted": model.fitted}


def with_parameters(model: MatchModel, params: dict) -> MatchModel:
    m = {k: np.array(v, dtype=np.float64) for k, v in params["m"].items()}
    u = {k: np.array(v, dtype=np.float64) for k, v in params["u"].items()}
    if set(m) != set(model.m) or any(len(m[k]) != len(model.m[k]) for k in m):
        raise ValueError("snapshot model does not fit the configured comparisons")
    return model.with_parameters(m, u, float(params["prior"]), dict(params.get("fitted") or {}))


# -- the snapshot ----------------------------------------------------------------------------

class ArrowFrame:
    """A dataclass field that may hold an Arrow table: it reads as a DataFrame, converted on first
    read (and kept). A nightly run splices the million-row golden tables as Arrow and writes them
    to the next snapshot as Arrow; only a consumer that reads them as pandas pays for converting
    millions of values to Python objects. ``arrow_or_frame(obj, name)`` gives what is held."""

    _NONE = object()

    def __init__(self, default=_NONE):
        self.default = default

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:  # dataclasses asking for the field's default: an AttributeError means none
            if self.default is ArrowFrame._NONE:
                raise AttributeError("no default")
            return self.default
        value = obj.__dict__[self.slot]
        if isinstance(value, pa.Table):
            value = value.to_pandas()
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = value


def arrow_or_frame(obj, name: str) -> pd.DataFrame | pa.Table:
    """What an ArrowFrame field holds, without converting it (a plain attribute: as it is)."""
    held = vars(obj)
    return held["_" + name] if "_" + name in held else getattr(obj, name)


_FRAMES = ("contacts", "scored", "membership", "oversized", "golden", "crosswalk", "lineage", "links",
           "suggestions")
# Read memory-mapped: the records (only some columns and rows are converted) and the pairs.
_MAPPED = ("contacts", "scored")
_KEPT_AS_ARROW = ("contacts", "golden", "crosswalk", "lineage", "suggestions")
# The records are stored append-only in segment files (see MatchSnapshot.contact_rows); they are
# rewritten as one segment when more than this share of stored rows is no longer anyone's, or
# when there are this many segments.
COMPACT_GARBAGE_SHARE = 0.25
MAX_CONTACT_SEGMENTS = 32


@dataclass
class MatchSnapshot:
    """What one run leaves for the next (see the module docstring)."""

    # Normalised records matched last run (erased people left out) + record_hash: a DataFrame, or the
    # Arrow table as read or assembled (turned into a DataFrame only when ``contacts`` is asked for).
    # As Arrow it may hold more rows than records: see ``contact_rows``.
    contacts_data: pd.DataFrame | pa.Table
    scored: pd.DataFrame  # scored candidate pairs between them: left/right = row positions in ``contacts``
    # contact_key, component, cluster for every record of the last run: the first len(contacts)
    # rows are ``contacts``' records in the same order, then erased people's.
    membership: pd.DataFrame
    oversized: pd.DataFrame  # rule, key, records: blocking keys skipped last run
    # Golden records, crosswalk and lineage: DataFrames, or Arrow tables as read (incremental_golden
    # splices those as Arrow).
    golden: pd.DataFrame | pa.Table
    crosswalk: pd.DataFrame | pa.Table
    lineage: pd.DataFrame | pa.Table
    links: pd.DataFrame  # left_key, right_key, action: the reviewer links the run honoured
    # The review queue; _left/_right = rows in ``contacts``. Read as a DataFrame (converted on first
    # read when stored as Arrow: a nightly run carries it over as Arrow, see suggestions_for_run).
    suggestions: pd.DataFrame = ArrowFrame()
    model: dict  # model_parameters()
    meta: dict = field(default_factory=dict)  # fingerprint, erasure fingerprint, written_at, counts
    # Append-only records: a nightly run adds its new and edited records after the stored ones instead
    # of rewriting millions of unchanged ones. ``contact_rows`` = the row of ``contacts_data`` holding
    # each record (None: row i holds record i); rows nobody points to are garbage until compaction.
    contact_rows: np.ndarray | None = None
    # Segment files (path, rows) already on disk that hold the first rows of ``contacts_data``:
    # ``save`` links them into the new snapshot and writes only the rows after them.
    contact_segments: list = field(default_factory=list)
    _contacts_frame: pd.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def contacts(self) -> pd.DataFrame:
        if isinstance(self.contacts_data, pd.DataFrame):
            return self.contacts_data
        if self._contacts_frame is None:
            self._contacts_frame = self._records_table().to_pandas()
        return self._contacts_frame

    @property
    def contacts_table(self) -> pa.Table | None:
        """The stored rows as Arrow (``contact_rows`` says which row holds which record), where they
        were read or assembled that way (None: a DataFrame)."""
        return self.contacts_data if isinstance(self.contacts_data, pa.Table) else None

    @property
    def contact_names(self) -> list[str]:
        data = self.contacts_data
        return list(data.column_names) if isinstance(data, pa.Table) else list(data.columns)

    def stored_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows of ``contacts_data`` holding the records ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        return rows if self.contact_rows is None else self.contact_rows[rows]

    def _records_table(self, names: list[str] | None = None) -> pa.Table:
        table = self.contacts_table if names is None else self.contacts_table.select(names)
        return table if self.contact_rows is None else table.take(pa.array(self.contact_rows))

    def _converted(self) -> bool:
        """The records are at hand as a DataFrame (given as one, or converted already)."""
        return self.contacts_table is None or self._contacts_frame is not None

    def contact_columns(self, names: list[str]) -> pd.DataFrame:
        """Some columns of the stored records, every row (converted from Arrow for these only)."""
        present = [n for n in names if n in self.contact_names]
        if self._converted():
            return self.contacts[present]
        return self._records_table(present).to_pandas()

    def contact_values(self, name: str, rows: np.ndarray) -> np.ndarray:
        """One stored column at ``rows`` (converted from Arrow for those rows only)."""
        if self._converted():
            return self.contacts[name].to_numpy()[rows]
        column = self.contacts_table.column(name).take(pa.array(self.stored_rows(rows)))
        return column.to_numpy(zero_copy_only=False)

    @property
    def kept_records(self) -> int:
        """How many records ``contacts`` holds (known without reading it)."""
        if "kept_records" in self.meta:
            return int(self.meta["kept_records"])
        return len(self.contact_rows) if self.contact_rows is not None else len(self.contacts_data)

    def save(self, directory: Path) -> None:
        """Write next to ``directory`` and swap it in with renames: a crash leaves the old snapshot."""
        directory = Path(directory)
        staging = directory.with_name(directory.name + ".new")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        meta = dict(self.meta)

        def write(name: str) -> None:
            if name == "contacts":
                meta.update(self._write_records(staging))
                return
            frame = arrow_or_frame(self, name) if name == "suggestions" else getattr(self, name)
            table = frame if isinstance(frame, pa.Table) else frame_to_arrow(frame)
            # Arrow IPC, uncompressed: read back without decoding (a nightly run reads it all,
            # Parquet's decoding took a third of the load); ~3x Parquet's size on disk.
            _write_arrow(table, staging / f"{name}.arrow", numeric=name in _MAPPED)

        # Arrow converts outside the GIL where it can: the frames are written side by side.
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(write, _FRAMES))
        (staging / "model.json").write_text(json.dumps(self.model))
        (staging / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
        old = directory.with_name(directory.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if directory.exists():
            directory.rename(old)
        staging.rename(directory)
        if old.exists():
            shutil.rmtree(old)

    def _write_records(self, staging: Path) -> dict:
        """The records as segment files in ``staging``: the stored segments linked (no copy), the
        rows after them as one new segment; or everything as one segment when compacting.
        Returns the meta entries that name them."""
        data = self.contacts_data
        table = data if isinstance(data, pa.Table) else frame_to_arrow(data)
        rows, live = self.contact_rows, self.kept_records
        segments = [(Path(path), int(count)) for path, count in self.contact_segments]
        on_disk = sum(count for _, count in segments)
        compact = (rows is not None and len(table) - live > COMPACT_GARBAGE_SHARE * max(live, 1)) \
            or len(segments) >= MAX_CONTACT_SEGMENTS or on_disk > len(table)
        sequence = max([_segment_number(path) for path, _ in segments] + [-1]) + 1
        written = []
        if compact or not segments:
            whole = table if rows is None else table.take(pa.array(rows))  # the records' rows, in record order
            rows = None
            name = f"contacts-{sequence:05d}.arrow"
            _write_arrow(whole, staging / name)
            written.append({"file": name, "rows": len(whole)})
        else:
            start = 0
            for path, count in segments:
                target = staging / path.name
                try:
                    os.link(path, target)
                except OSError:  # gone (compacted since), or another file system: written from memory
                    _write_arrow(table.slice(start, count), target)
                written.append({"file": path.name, "rows": count})
                start += count
            if len(table) > start:
                name = f"contacts-{sequence:05d}.arrow"
                _write_arrow(table.slice(start), staging / name)
                written.append({"file": name, "rows": len(table) - start})
        if rows is not None:
            _write_arrow(pa.table({"row": pa.array(np.asarray(rows, dtype=np.int64))}), staging / "contact_rows.arrow",
                         numeric=True)
        return {"contact_segments": written, "contact_rows": rows is not None}

    @classmethod
    def load(cls, directory: Path, frames: tuple[str, ...] = _FRAMES) -> "MatchSnapshot | None":
        """The snapshot in ``directory`` (None if there is none); only ``frames`` are read,
        the others are left empty (a step that needs the model only reads no frame)."""
        directory = Path(directory)
        if not (directory / "meta.json").exists():
            return None
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != SNAPSHOT_FORMAT:
            frames = ()  # another layout: snapshot_reason() asks for a full rebuild, nothing is read
        extra = {}

        def read(name: str) -> pd.DataFrame | pa.Table:
            if name not in frames:
                return pd.DataFrame()
            if name == "contacts":
                return read_records()
            table = feather.read_table(directory / f"{name}.arrow",
                                       memory_map=name in _MAPPED or name in _KEPT_AS_ARROW)
            views = _numpy_views(table) if name in _MAPPED else None
            if views is not None:
                return pd.DataFrame(views, copy=False)
            # The records stay Arrow until asked for (a run that only carries them over never converts
            # them); so do the golden records, crosswalk and lineage (spliced as Arrow, converted once).
            return table if name in _KEPT_AS_ARROW else table.to_pandas()

        def read_records() -> pa.Table:
            segments = meta["contact_segments"]
            tables = [feather.read_table(directory / s["file"], memory_map=True) for s in segments]
            extra["contact_segments"] = [(directory / s["file"], len(t)) for s, t in zip(segments, tables)]
            if meta.get("contact_rows"):
                rows = feather.read_table(directory / "contact_rows.arrow", memory_map=True)
                extra["contact_rows"] = (_numpy_views(rows) or {"row": np.zeros(0, dtype=np.int64)})["row"]
            return pa.concat_tables(tables) if len(tables) > 1 else tables[0]

        with ThreadPoolExecutor(max_workers=4) as pool:
            frames = dict(zip(_FRAMES, pool.map(read, _FRAMES)))
        frames["contacts_data"] = frames.pop("contacts")
        return cls(**frames, model=json.loads((directory / "model.json").read_text()), meta=meta, **extra)


def _segment_number(path: Path) -> int:
    stem = Path(path).stem
    return int(stem.split("-")[-1]) if stem.split("-")[-1].isdigit() else -1


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def _write_arrow(table: pa.Table, path: Path, numeric: bool = False) -> None:
    """Arrow IPC, uncompressed. ``numeric``: all-number tables (the pairs, record rows) go in one
    record batch, so that read memory-mapped each column is a numpy view of the file (no copy)."""
    numeric = numeric and all(_is_number(t) for t in table.schema.types)
    feather.write_feather(table.combine_chunks() if numeric else table, path, compression="uncompressed",
                          chunksize=max(len(table), 1) if numeric else None)


def _numpy_views(table: pa.Table) -> dict[str, np.ndarray] | None:
    """Zero-copy numpy views of a memory-mapped all-numeric, one-batch table without nulls
    (read-only: nothing writes into stored pairs); None when the table is not like that."""
    if not table.num_columns or table.num_rows == 0:
        return None
    if any(column.num_chunks != 1 or column.null_count or not _is_number(column.type) for column in table.columns):
        return None
    return {name: table.column(name).chunk(0).to_numpy() for name in table.column_names}


def frame_to_arrow(frame: pd.DataFrame) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        # Mixed Python types in an object column: written as text instead.
        return pa.Table.from_pandas(_for_arrow(frame), preserve_index=False)


def _for_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python values become text (Arrow needs one type per column)."""
    out = frame
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column]
            kinds = values.dropna().map(type).unique()
            if len(kinds) > 1 or (len(kinds) == 1 and kinds[0] is not str):
                if out is frame:
                    out = frame.copy()
                out[column] = values.where(values.isna(), values.astype(str))
    return out


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
    keys = contact_keys(records)
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
                 matching: dict, model: MatchModel, links: pd.DataFrame,
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


# -- 4. pairs and scores ---------------------------------------------------------------------------

def fresh_pairs(contacts: pd.DataFrame, rematch: np.ndarray, matching: dict,
                blocks: list | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(candidate pairs touching a rematched record, blocking keys skipped in this run)."""
    rules, max_block = parse_rules(matching)
    blocks = blocks if blocks is not None else block_codes(contacts, rules)
    return pairs_touching(blocks, rematch, max_block), oversized_keys(contacts, blocks, max_block)


def snapshot_positions(rows: np.ndarray, kept_records: int) -> np.ndarray:
    """For each row of the snapshot's contacts, the record's position in this run (-1: gone)."""
    out = np.full(kept_records, -1, dtype=np.int64)
    here = np.flatnonzero((rows >= 0) & (rows < kept_records))
    out[rows[here]] = here
    return out


def _stored_row_flags(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray,
                      kept_records: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of the snapshot's contacts (a million flags, so that each stored pair then needs
    only byte-sized gathers): (position in this run or -1, still here and not rematched, in the
    affected region)."""
    here = snapshot_positions(rows, kept_records)
    present = here >= 0
    steady = np.zeros(kept_records, dtype=bool)
    steady[present] = ~rematch[here[present]]
    inside = np.zeros(kept_records, dtype=bool)
    inside[present] = region[here[present]]
    return here, steady, inside


def affected_region(rematch: np.ndarray, rows: np.ndarray, removed_rows: np.ndarray, membership: pd.DataFrame,
                    scored: pd.DataFrame, match_threshold: float,
                    must_link: pd.DataFrame | None = None) -> np.ndarray:
    """The records whose graph component a change can reach: rematched records, every member of
    an old component that held a rematched or removed record, and every member of an old
    component a pair scored now links to at or above the threshold. Closed under the match
    graph (stored links never leave an old component), so its components are this run's
    components, and everyone outside keeps their component and cluster."""
    seeds = rematch.copy()
    edges = scored["match_probability"].to_numpy() >= match_threshold
    for side in ("left", "right"):
        seeds[scored[side].to_numpy(np.int64)[edges]] = True
    if must_link is not None and len(must_link):
        ml, mr = must_link["left"].to_numpy(np.int64), must_link["right"].to_numpy(np.int64)
        touching = seeds[ml] | seeds[mr]
        seeds[ml[touching]] = True
        seeds[mr[touching]] = True
    component = membership["component"].to_numpy(np.int64)
    known = rows >= 0
    old = np.full(len(rows), -1, dtype=np.int64)
    old[known] = component[rows[known]]
    marked = np.zeros(int(component.max()) + 1 if len(component) else 0, dtype=bool)
    marked[old[seeds & known]] = True
    marked[component[removed_rows]] = True
    region = seeds.copy()
    region[known] |= marked[old[known]]
    return region


def with_stored_scores(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray, snapshot: MatchSnapshot,
                       scored_now: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """The pairs the affected region needs: the pairs scored now plus every stored pair between
    two records of ``region`` that are not rematched (their records and the model are what
    scored them last time), weights recomputed from the stored levels. Stored pairs outside
    the region stay in the snapshot untouched (``build_snapshot`` carries them over)."""
    here, steady, inside = _stored_row_flags(rematch, region, rows, snapshot.kept_records)
    wanted = steady & inside
    stored = snapshot.scored
    old_left, old_right = stored["left"].to_numpy(), stored["right"].to_numpy()
    rows_kept = np.flatnonzero(wanted[old_left] & wanted[old_right])
    left, right = here[old_left[rows_kept]], here[old_right[rows_kept]]
    # Column by column: stored codes become this run's dtypes, weights follow from the levels,
    # and each column is concatenated with the fresh pairs' once (no intermediate frames).
    kept = {"left": np.minimum(left, right), "right": np.maximum(left, right)}
    for column in stored.columns:
        if column not in kept:
            kept[column] = stored[column].to_numpy()[rows_kept]
    kept.update(level_scores({c.name: kept[f"{c.name}_level"] for c in model.comparisons}, len(rows_kept), model))
    out = {}
    for column in scored_now.columns:
        now = scored_now[column]
        if isinstance(now.dtype, pd.CategoricalDtype):
            codes = np.concatenate([np.asarray(kept[column]).astype(now.cat.codes.dtype), now.cat.codes.to_numpy()])
            out[column] = pd.Categorical.from_codes(codes, dtype=now.dtype)
        else:
            out[column] = np.concatenate([np.asarray(kept[column]).astype(now.dtype), now.to_numpy()])
    return pd.DataFrame(out)


def carried_pairs(rematch: np.ndarray, region: np.ndarray, rows: np.ndarray, kept_records: int,
                  left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored pairs (``left``/``right``: rows of the snapshot's contacts) that this run keeps as
    they were: both records still here, neither rematched, not both in the affected region.
    Returns (which stored pairs, their left and right positions in this run)."""
    here, steady, inside = _stored_row_flags(rematch, region, rows, kept_records)
    # One byte per record (bit 0 steady, bit 1 inside): two gathers per pair instead of four
    # (tens of millions of stored pairs).
    flags = steady.astype(np.uint8) | (inside.astype(np.uint8) << 1)
    both = flags[left] & flags[right]
    keep = (both & 1).astype(bool) & ~(both & 2).astype(bool)
    return keep, here[left[keep]], here[right[keep]]


# -- 5. clusters -------------------------------------------------------------------------------------

@dataclass
class ClusterUpdate:
    clusters: pd.DataFrame  # cluster_records() frame for every record
    components: np.ndarray  # graph component per record (for the next snapshot)
    reclustered: np.ndarray  # bool per record: clustered again in this run (the affected region)
    refused: pd.DataFrame


def incremental_clusters(contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel, rematch: np.ndarray,
                         rows: np.ndarray, removed_rows: np.ndarray, membership: pd.DataFrame,
                         must_link: pd.DataFrame | None = None,
                         cannot_link: pd.DataFrame | None = None) -> ClusterUpdate:
    """``scored``: the region's pairs (``with_stored_scores``). Only the affected region is
    clustered; its components are renumbered after the old ones."""
    n = len(contacts)
    region = affected_region(rematch, rows, removed_rows, membership, scored, model.match_threshold, must_link)
    members = np.flatnonzero(region)
    # The sub-problem: the affected region, renumbered 0..len(members)-1.
    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    inside = region[scored["left"].to_numpy()] & region[scored["right"].to_numpy()]
    sub_scored = scored[inside].copy()
    sub_scored["left"] = local[sub_scored["left"].to_numpy()]
    sub_scored["right"] = local[sub_scored["right"].to_numpy()]
    sub_scored = sub_scored.reset_index(drop=True)

    def _local_links(links):
        if links is None or not len(links):
            return None
        both = region[links["left"].to_numpy()] & region[links["right"].to_numpy()]
        return pd.DataFrame({"left": local[links["left"].to_numpy()[both]],
                             "right": local[links["right"].to_numpy()[both]]})

    sub_must, sub_cannot = _local_links(must_link), _local_links(cannot_link)
    sub_contacts = renumbered(contacts.iloc[members])
    sub_components = graph_components(len(members), sub_scored, model.match_threshold, sub_must, sub_cannot)
    sub_labels, refused = safe_clusters(
        len(members), sub_scored, model.match_threshold,
        score_pairs_fn=lambda pairs: model.predict(sub_contacts, pairs),
        contradiction_rules=(model.clustering or {}).get("cannot_link"),
        must_link=sub_must, cannot_link=sub_cannot,
    )
    outside = np.flatnonzero(~region)
    old_rows = rows[outside]
    if (old_rows < 0).any():  # cannot happen: new records are rematched, hence in the region
        raise RuntimeError("incremental clustering: a record outside the affected region has no old cluster")
    labels = np.empty(n, dtype=np.int64)
    components = np.empty(n, dtype=np.int64)
    labels[outside] = membership["cluster"].to_numpy(np.int64)[old_rows]
    components[outside] = membership["component"].to_numpy(np.int64)[old_rows]
    labels[members] = sub_labels + (labels[outside].max() + 1 if len(outside) else 0)
    components[members] = sub_components + (int(membership["component"].max()) + 1 if len(membership) else 0)
    _, dense = np.unique(labels, return_inverse=True)
    if len(refused):
        refused = refused.assign(left=members[refused["left"].to_numpy(dtype=np.int64)],
                                 right=members[refused["right"].to_numpy(dtype=np.int64)])
    return ClusterUpdate(cluster_records(contacts, dense), components, region, refused)


# -- 6. golden records -----------------------------------------------------------------------------

@dataclass
class GoldenUpdate:
    golden: pd.DataFrame = ArrowFrame()  # (Arrow tables when spliced from a stored snapshot)
    crosswalk: pd.DataFrame = ArrowFrame()
    lineage: pd.DataFrame = ArrowFrame()
    id_events: pd.DataFrame
    id_registry: pd.DataFrame
    touched_ids: set[str]  # golden ids written now: rebuilt, new, merged away, retired or erased


def _ids_of_records(crosswalk: pd.DataFrame | pa.Table, keys: pd.Index) -> set[str]:
    """Golden ids that crosswalk rows of the records ``keys`` (contact keys, "source:record_id")
    point to. Rows are picked by record id first (millions of rows, no key text built for each),
    then matched on the whole key."""
    if not len(crosswalk) or not len(keys):
        return set()
    wanted = set(keys.astype(str))
    # Every text after a ':' of a key could be its record id (a source name holding ':' too).
    record_ids = list({key.split(":", i)[-1] for key in wanted for i in range(1, key.count(":") + 1)})
    if isinstance(crosswalk, pa.Table):
        hit = pc.is_in(crosswalk.column("record_id").cast(pa.string()), value_set=pa.array(record_ids, pa.string()))
        crosswalk = crosswalk.filter(hit).to_pandas()
    else:
        crosswalk = crosswalk[crosswalk["record_id"].astype(str).isin(record_ids)]
    here = crosswalk["source"].astype(str) + ":" + crosswalk["record_id"].astype(str)
    return set(crosswalk.loc[here.isin(wanted).to_numpy(), "golden_id"])


def _rows_of_ids(frame: pd.DataFrame | pa.Table, ids: set[str]) -> pd.DataFrame:
    if isinstance(frame, pa.Table):
        return frame.filter(pc.is_in(frame.column("golden_id"), value_set=pa.array(list(ids), pa.string()))).to_pandas()
    return frame[frame["golden_id"].isin(ids)]


def _splice(kept: pd.DataFrame | pa.Table, fresh: pd.DataFrame, touched: set[str]) -> pd.DataFrame | pa.Table:
    """``kept`` without the rows of ``touched`` golden ids, then ``fresh``. A stored Arrow table is
    filtered and joined as Arrow and stays Arrow (C++ work of ~1 s for a million golden records
    and their lineage, where pandas spent ~8 s converting and copying Python objects); a
    DataFrame stays a DataFrame."""
    if isinstance(kept, pa.Table) and "golden_id" in kept.column_names:
        try:
            columns = kept.column_names
            fresh_table = frame_to_arrow(fresh.reindex(columns=columns).reset_index(drop=True))
            fresh_table = fresh_table.select(columns).cast(kept.schema)
            drop = pc.is_in(kept.column("golden_id"), value_set=pa.array(sorted(touched), pa.string()))
            return pa.concat_tables([kept.filter(pc.invert(drop)), fresh_table])
        except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError, ValueError) as exc:
            log.info("golden records spliced as pandas (%s)", exc)
        kept = kept.to_pandas()
    kept = kept[~kept["golden_id"].isin(touched)]
    return pd.concat([kept, fresh.reindex(columns=kept.columns if len(kept.columns) else fresh.columns)],
                     ignore_index=True)


def incremental_golden(contacts: pd.DataFrame, clusters: pd.DataFrame, redo: np.ndarray, removed: pd.Index,
                       snapshot: MatchSnapshot, build, previous_crosswalk: pd.DataFrame | None,
                       registry: pd.DataFrame | None, suppressed_keys: pd.Index | None = None) -> GoldenUpdate:
    """Golden records of the clusters in ``redo`` rebuilt with ``build(contacts, clusters,
    previous, registry, reserved)`` (build_golden_records with the run's rules), the rest
    kept from the snapshot. ``contacts``/``clusters``: this run's records without erased
    people; ``redo``: aligned bool mask, whole clusters."""
    from steward.merge.identity import ACTIVE, REGISTRY_COLUMNS

    previous = previous_crosswalk if previous_crosswalk is not None else snapshot.crosswalk
    # Records of the last run not among this run's contacts: removed ones and erased ones.
    gone = (pd.Index(suppressed_keys) if suppressed_keys is not None else
            pd.Index(snapshot.membership["contact_key"]).difference(pd.Index(contacts["contact_key"])))
    involved = pd.Index(contacts.loc[redo, "contact_key"]).append(gone).append(removed)
    old_ids = _ids_of_records(previous, involved)
    if previous is not snapshot.crosswalk and len(snapshot.crosswalk):
        # The state's crosswalk is newer than the snapshot when a run built golden records and then
        # failed to publish: ids of either that these records held are rebuilt (none left stale).
        old_ids |= _ids_of_records(snapshot.crosswalk, involved)
    prev_subset = _rows_of_ids(previous, old_ids)
    reg = registry if registry is not None and len(registry) else pd.DataFrame(columns=REGISTRY_COLUMNS)
    aside = reg["status"].eq(ACTIVE).to_numpy() & ~reg["golden_id"].isin(old_ids).to_numpy()
    rows = np.flatnonzero(redo)
    result = build(renumbered(contacts.iloc[rows]), renumbered(clusters.iloc[rows]),
                   prev_subset, reg[~aside].reset_index(drop=True), pd.Index(reg.loc[aside, "golden_id"]))
    new_ids = set(result.golden["golden_id"])
    touched = old_ids | new_ids
    # Kept-then-new order, not re-sorted: golden records, crosswalk and lineage are published and
    # compared by id, and sorting a million golden records every night buys nothing (a full
    # rebuild writes them in id order).
    golden = _splice(snapshot.golden, result.golden, touched)
    crosswalk = _splice(snapshot.crosswalk, result.crosswalk, touched)
    lineage = _splice(snapshot.lineage, result.lineage, touched)
    registry_out = stacked([result.id_registry, reg[aside]])
    registry_out = registry_out.sort_values("golden_id", kind="mergesort", ignore_index=True)
    return GoldenUpdate(golden, crosswalk, lineage, result.id_events, registry_out, touched)


def birthdays_between(dob: pd.Series, since: str | None, until: str | None) -> np.ndarray:
    """Records whose birthday fell after ``since`` and on or before ``until`` (ISO dates):
    their age moved, so a minor's age band or the minimum age may have. Everything when
    the gap is a year or more."""
    if not since or not until or since >= until:
        return np.zeros(len(dob), dtype=bool)
    start, end = pd.Timestamp(since), pd.Timestamp(until)
    if (end - start).days >= 365:
        return dob.notna().to_numpy()
    month_day = dob.astype(str).str[5:10].to_numpy(dtype=object)
    days = pd.date_range(start + pd.Timedelta(days=1), end, freq="D").strftime("%m-%d").tolist()
    if "02-28" in days and "02-29" not in days:
        days.append("02-29")  # born on 29 February: a year older once 28 February has passed
    return dob.notna().to_numpy() & np.isin(month_day, days)


# -- the snapshot of a finished run ------------------------------------------------------------------

def build_snapshot(contacts: pd.DataFrame, hashes: np.ndarray, scored: pd.DataFrame, clusters: pd.DataFrame,
                   components: np.ndarray, oversized: pd.DataFrame, suppressed_keys: pd.Index,
                   golden: pd.DataFrame, crosswalk: pd.DataFrame, lineage: pd.DataFrame, links: pd.DataFrame,
                   suggestions: pd.DataFrame, model: MatchModel, meta: dict,
                   carried: dict[str, np.ndarray] | None = None,
                   reuse: tuple["MatchSnapshot", np.ndarray, np.ndarray] | None = None,
                   queue_positions: tuple[np.ndarray, np.ndarray] | None = None) -> MatchSnapshot:
    """``contacts``/``clusters``/``components`` cover every record of the run (erased ones too);
    the snapshot keeps erased people's ids and labels only. ``scored``: the pairs of this run
    (all of them, or an incremental run's region); ``carried``: the stored pairs an incremental
    run kept as they were (column -> array: level codes, left/right = positions in ``contacts``).
    ``reuse``: (the last snapshot with its records as Arrow, positions in ``contacts`` of records
    whose stored row is still exact, those records' rows in it): their stored rows are kept as
    they are (append-only: only the other records are converted and added after them, see
    ``MatchSnapshot.contact_rows``); they come first in the new snapshot, the rest after.
    ``queue_positions``: the suggestions' two records as positions in ``contacts`` (else looked up by key)."""
    keep = ~contacts["contact_key"].isin(suppressed_keys).to_numpy()
    table = contact_rows = None
    segments: list = []
    kept_order = np.flatnonzero(keep)
    if reuse is not None:
        old, reused, old_rows = reuse
        ok = keep[reused]
        by_row = np.argsort(old_rows[ok], kind="stable")  # in the old snapshot's order
        reused, old_rows = reused[ok][by_row], old_rows[ok][by_row]
        taken = np.zeros(len(contacts), dtype=bool)
        taken[reused] = True
        rest = np.flatnonzero(keep & ~taken)
        stored = old.contacts_table
        fresh = _fresh_rows(stored.schema, contacts.iloc[rest], hashes[rest])
        if fresh is not None:
            table = pa.concat_tables([stored, fresh]) if len(fresh) else stored
            contact_rows = np.concatenate([old.stored_rows(old_rows), len(stored) + np.arange(len(rest))])
            segments = list(old.contact_segments)
            kept_order = np.concatenate([reused, rest])
    position = np.full(len(contacts), -1, dtype=np.int64)
    position[kept_order] = np.arange(len(kept_order))
    everyone = len(kept_order) == len(contacts)
    # Level codes only: weights and probabilities follow from them and the model (with_stored_scores).
    derived = {c for c in scored.columns if c.endswith("_weight") or c == "match_probability"}
    columns = [c for c in scored.columns if c not in derived]
    parts = [{c: (scored[c].cat.codes if isinstance(scored[c].dtype, pd.CategoricalDtype) else scored[c]).to_numpy()
              for c in columns}]  # categoricals as codes (int8): no string parsed per pair on the way back
    if carried is not None:
        parts.append(carried)
    pairs = {}
    for part in parts:
        if everyone:
            pick = slice(None)
        else:
            pick = (position[part["left"]] >= 0) & (position[part["right"]] >= 0)
        for column in columns:
            values = np.asarray(part[column])[pick]
            if column in ("left", "right"):
                values = position[values]
            pairs.setdefault(column, []).append(values)
    stored = pd.DataFrame({c: np.concatenate(v) if len(v) > 1 else v[0] for c, v in pairs.items()}, copy=False)
    if table is not None:
        kept_contacts = table
    elif everyone:  # (kept_order is then every position in order)
        # No copy of every record: the same columns plus the hash.
        kept_contacts = contacts.copy(deep=False)
        if not isinstance(kept_contacts.index, pd.RangeIndex):
            kept_contacts = kept_contacts.reset_index(drop=True)
        kept_contacts["record_hash"] = hashes
    else:
        kept_contacts = renumbered(contacts.iloc[kept_order])
        kept_contacts["record_hash"] = hashes[kept_order]
    # Kept records first, in the snapshot's order, then erased people's ids.
    order = np.concatenate([kept_order, np.flatnonzero(~keep)])
    keys = contacts["contact_key"].to_numpy()
    membership = pd.DataFrame({"contact_key": keys[order],
                               "component": np.asarray(components, dtype=np.int64)[order],
                               "cluster": clusters["cluster"].to_numpy(dtype=np.int64)[order]})
    if queue_positions is not None:
        left, right = position[queue_positions[0]], position[queue_positions[1]]
    else:
        at = pd.Index(keys[kept_order])
        left = at.get_indexer(column_values(suggestions, "a_contact_key"))
        right = at.get_indexer(column_values(suggestions, "b_contact_key"))
    if isinstance(suggestions, pa.Table):
        queue = suggestions.append_column("_left", pa.array(left, pa.int64())).append_column(
            "_right", pa.array(right, pa.int64()))
    else:
        queue = suggestions.copy(deep=False)  # (the queue is a million rows: no copy of its text)
        queue["_left"], queue["_right"] = left, right
    link_columns = ["left_key", "right_key", "action"]
    return MatchSnapshot(kept_contacts, stored, membership, oversized.reset_index(drop=True),
                         golden, crosswalk, lineage,
                         links[link_columns].astype(str) if len(links) else pd.DataFrame(columns=link_columns),
                         queue, model_parameters(model),
                         {**meta, "kept_records": len(kept_order),
                          "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                         contact_rows=contact_rows, contact_segments=segments)


def _fresh_rows(schema: pa.Schema, fresh: pd.DataFrame, fresh_hashes: np.ndarray) -> pa.Table | None:
    """``fresh`` (+ record_hash) as Arrow in the stored records' ``schema``, to be added after them;
    None when the columns or types no longer fit (the caller then converts every record)."""
    names = [n for n in schema.names if n != "record_hash"]
    if set(names) != set(fresh.columns):
        return None
    frame = renumbered(fresh[names])  # (a new frame: no copy of the columns again)
    frame["record_hash"] = fresh_hashes
    try:
        return frame_to_arrow(frame).select(schema.names).cast(schema)
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError, ValueError) as exc:
        log.info("snapshot records converted whole (%s)", exc)
        return None
