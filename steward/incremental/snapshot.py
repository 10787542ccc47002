"""The snapshot a finished run leaves for the next one (``MatchSnapshot``): Arrow files beside
the state database, read memory-mapped, records stored append-only in segment files, every file
listed with its checksum in ``meta.json`` (steward.incremental.files). What a nightly run does
with it is told in steward.incremental (the package docstring)."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from steward.frames import column_values, renumbered
from steward.frames import frame_to_arrow
from steward.incremental.arrow import arrow_backed, numpy_views, write_arrow
from steward.incremental.files import (DIGEST, SEAL, SnapshotDamaged, check_files, manifest, read_meta, short_error,
                                      write_meta)
from steward.match.model import MatchModel

log = logging.getLogger("steward.incremental")

# 9: a manifest (size and SHA-256 of every file, meta.json sealed), the sources' columns
# (``record_columns``), and no stored row of a record the snapshot no longer holds.
SNAPSHOT_FORMAT = 9


def rules_fingerprint(*parts) -> str:
    """Hash of everything that decides how records are normalised, matched and merged:
    when it changes, stored normalisations and scores no longer hold."""
    text = json.dumps([SNAPSHOT_FORMAT, *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]



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
    # The review queue; _left/_right = rows in ``contacts``. Read ``suggestions`` as a DataFrame
    # (converted on first read when stored as Arrow: a nightly run carries it over as Arrow, see
    # suggestions_for_run).
    suggestions_data: pd.DataFrame | pa.Table
    model: dict  # model_parameters()
    meta: dict = field(default_factory=dict)  # fingerprint, erasure fingerprint, written_at, counts
    # Append-only records: a nightly run adds its new and edited records after the stored ones instead
    # of rewriting millions of unchanged ones. ``contact_rows`` = the row of ``contacts_data`` holding
    # each record (None: row i holds record i); rows nobody points to are garbage until compaction.
    contact_rows: np.ndarray | None = None
    # Segment files (path, rows, sha256) already on disk that hold the first rows of ``contacts_data``:
    # ``save`` links them into the new snapshot and writes only the rows after them. Path None:
    # rows of a segment that are written again (see _without_dropped; 4th: the file they were in).
    contact_segments: list = field(default_factory=list)
    # Why the snapshot on disk cannot be used (a file missing, cut short or changed; see
    # steward.incremental.files): the run rebuilds in full. None: it is sound.
    problem: str | None = None
    _contacts_frame: pd.DataFrame | None = field(default=None, init=False, repr=False)

    suggestions = arrow_backed("suggestions")

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

    @classmethod
    def empty(cls, meta: dict | None = None, problem: str | None = None) -> "MatchSnapshot":
        """A snapshot with no frames: one of another format (``meta`` only) or a damaged one."""
        nothing = [pd.DataFrame() for _ in range(9)]
        return cls(*nothing, model={}, meta=dict(meta or {}), problem=problem)

    def save(self, directory: Path) -> None:
        """Write next to ``directory`` and swap it in with renames: a crash leaves the old snapshot.
        The old snapshot is deleted afterwards (its segment files too, unless linked into this one),
        and so is whatever a crashed save left behind (``.new``, ``.old``)."""
        directory = Path(directory)
        staging = directory.with_name(directory.name + ".new")
        old = directory.with_name(directory.name + ".old")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        meta = {k: v for k, v in self.meta.items() if k not in ("files", SEAL)}
        linked: dict[str, str] = {}

        def write(name: str) -> None:
            if name == "contacts":
                entries, known = self._write_records(staging)
                meta.update(entries)
                linked.update(known)
                return
            frame = self.suggestions_data if name == "suggestions" else getattr(self, name)
            table = frame if isinstance(frame, pa.Table) else frame_to_arrow(frame)
            # Arrow IPC, uncompressed: read back without decoding (a nightly run reads it all,
            # Parquet's decoding took a third of the load); ~3x Parquet's size on disk.
            write_arrow(table, staging / f"{name}.arrow", numeric=name in _MAPPED)

        try:
            # Arrow converts outside the GIL where it can: the frames are written side by side.
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(write, _FRAMES))
            (staging / "model.json").write_text(json.dumps(self.model))
            # Linked segments keep the digest their (checked) manifest gave them: only new files are hashed.
            meta["files"] = manifest(staging, linked)
            write_meta(staging, meta)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if old.exists():
            shutil.rmtree(old)
        if directory.exists():
            directory.rename(old)
        staging.rename(directory)
        if old.exists():
            shutil.rmtree(old)

    def _write_records(self, staging: Path) -> tuple[dict, dict[str, str]]:
        """The records as segment files in ``staging``: the stored segments linked (no copy), the
        rows after them as one new segment; or everything as one segment when compacting.
        Returns the meta entries that name them, and the digests of the segments linked."""
        data = self.contacts_data
        table = data if isinstance(data, pa.Table) else frame_to_arrow(data)
        rows, live = self.contact_rows, self.kept_records
        segments = [(Path(s[0]) if s[0] else None, int(s[1]), s[2] if len(s) > 2 else None)
                    for s in self.contact_segments]
        # New files are numbered after every segment this snapshot came from (a file written again
        # never takes the name of the one it replaces: an older snapshot object may still link that).
        known = [s[0] or s[3] for s in self.contact_segments if s[0] or len(s) > 3]
        on_disk = sum(count for _, count, _ in segments)
        compact = (rows is not None and len(table) - live > COMPACT_GARBAGE_SHARE * max(live, 1)) \
            or len(segments) >= MAX_CONTACT_SEGMENTS or on_disk > len(table)
        numbers = itertools.count(max([_segment_number(path) for path in known] + [-1]) + 1)
        written, linked = [], {}
        if compact or not segments:
            whole = table if rows is None else table.take(pa.array(rows))  # the records' rows, in record order
            rows = None
            name = f"contacts-{next(numbers):05d}.arrow"
            write_arrow(whole, staging / name)
            written.append({"file": name, "rows": len(whole)})
        else:
            start = 0
            for path, count, digest in segments:
                # A segment without a file: written again without rows of records no longer held.
                name = path.name if path else f"contacts-{next(numbers):05d}.arrow"
                try:
                    if not path:
                        raise FileNotFoundError(name)
                    os.link(path, staging / name)
                    if digest:
                        linked[name] = digest
                except OSError:  # gone (compacted since), or another file system: written from memory
                    write_arrow(table.slice(start, count), staging / name)
                written.append({"file": name, "rows": count})
                start += count
            if len(table) > start:
                name = f"contacts-{next(numbers):05d}.arrow"
                write_arrow(table.slice(start), staging / name)
                written.append({"file": name, "rows": len(table) - start})
        if rows is not None:
            write_arrow(pa.table({"row": pa.array(np.asarray(rows, dtype=np.int64))}), staging / "contact_rows.arrow",
                         numeric=True)
        return {"contact_segments": written, "contact_rows": rows is not None}, linked

    @classmethod
    def load(cls, directory: Path, frames: tuple[str, ...] = _FRAMES) -> "MatchSnapshot | None":
        """The snapshot in ``directory`` (None if there is none); only ``frames`` are read,
        the others are left empty (a step that needs the model only reads no frame).

        Every file is checked against the manifest (size and SHA-256) before anything is read: a
        damaged snapshot is returned empty with ``problem`` saying what is wrong, never raised
        (the run then rebuilds in full, see snapshot_reason)."""
        directory = Path(directory)
        if not directory.is_dir() or not any(directory.iterdir()):
            return None
        try:
            meta = read_meta(directory)
            if meta.get("format") != SNAPSHOT_FORMAT:
                return cls.empty(meta)  # another layout: snapshot_reason() asks for a full rebuild
            if SEAL not in meta:
                raise SnapshotDamaged("meta.json carries no checksum")
            check_files(directory, meta.get("files"))
            return cls._read(directory, meta, frames)
        except SnapshotDamaged as exc:
            problem = str(exc)
        except (OSError, ValueError, KeyError, TypeError, IndexError, pa.ArrowException) as exc:
            problem = short_error(exc)  # (a file as listed, yet unreadable: not written whole)
        log.warning("the snapshot in %s cannot be used: %s", directory, problem)
        return cls.empty(problem=problem)

    @classmethod
    def _read(cls, directory: Path, meta: dict, frames: tuple[str, ...]) -> "MatchSnapshot":
        extra = {}

        def read(name: str) -> pd.DataFrame | pa.Table:
            if name not in frames:
                return pd.DataFrame()
            if name == "contacts":
                return read_records()
            table = feather.read_table(directory / f"{name}.arrow",
                                       memory_map=name in _MAPPED or name in _KEPT_AS_ARROW)
            views = numpy_views(table) if name in _MAPPED else None
            if views is not None:
                return pd.DataFrame(views, copy=False)
            # The records stay Arrow until asked for (a run that only carries them over never converts
            # them); so do the golden records, crosswalk and lineage (spliced as Arrow, converted once).
            return table if name in _KEPT_AS_ARROW else table.to_pandas()

        def read_records() -> pa.Table:
            segments = meta["contact_segments"]
            tables = [feather.read_table(directory / s["file"], memory_map=True) for s in segments]
            digests = meta["files"]
            extra["contact_segments"] = [(directory / s["file"], len(t), digests[s["file"]][DIGEST])
                                         for s, t in zip(segments, tables)]
            if meta.get("contact_rows"):
                rows = feather.read_table(directory / "contact_rows.arrow", memory_map=True)
                extra["contact_rows"] = (numpy_views(rows) or {"row": np.zeros(0, dtype=np.int64)})["row"]
            return pa.concat_tables(tables) if len(tables) > 1 else tables[0]

        with ThreadPoolExecutor(max_workers=4) as pool:
            frames = dict(zip(_FRAMES, pool.map(read, _FRAMES)))
        frames["contacts_data"] = frames.pop("contacts")
        frames["suggestions_data"] = frames.pop("suggestions")
        return cls(**frames, model=json.loads((directory / "model.json").read_text()), meta=meta, **extra)


def _segment_number(path: Path) -> int:
    stem = Path(path).stem
    return int(stem.split("-")[-1]) if stem.split("-")[-1].isdigit() else -1

# -- the snapshot of a finished run ------------------------------------------------------------------

@dataclass
class FinishedRun:
    """What a run made, for its snapshot. ``contacts``/``clusters`` (with each record's graph
    ``component``) cover every record of the run, erased ones too: the snapshot keeps erased
    people's ids and labels only (``suppressed``: their records). ``scored``: the pairs of this
    run (all of them, or an incremental run's region). Golden records, crosswalk, lineage and the
    review queue as built (Arrow or DataFrames); ``queue_positions``: each suggestion's two
    records as positions in ``contacts`` (None: looked up by key)."""

    contacts: pd.DataFrame
    scored: pd.DataFrame
    clusters: pd.DataFrame
    oversized: pd.DataFrame
    suppressed: pd.DataFrame
    golden: pd.DataFrame | pa.Table
    crosswalk: pd.DataFrame | pa.Table
    lineage: pd.DataFrame | pa.Table
    suggestions: pd.DataFrame | pa.Table
    model: MatchModel
    queue_positions: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class Carryover:
    """What an incremental run takes over from the last snapshot as it was.

    ``carried``: the stored pairs kept as they were (column -> array: level codes, left/right =
    positions in the run's contacts). ``reuse``: (the last snapshot with its records as Arrow,
    positions of records whose stored row is still exact, those records' rows in it): their
    stored rows are kept as they are (append-only: only the other records are converted and
    added after them, see ``MatchSnapshot.contact_rows``); they come first in the new snapshot,
    the rest after. ``dropped``: contact keys of records the last snapshot held and this run does
    not (gone from their sources); with this run's erased records, their stored rows leave the
    files at once (see ``_without_dropped``)."""

    carried: dict[str, np.ndarray] | None = None
    reuse: tuple[MatchSnapshot, np.ndarray, np.ndarray] | None = None
    dropped: pd.Index | None = None


def build_snapshot(run: FinishedRun, hashes: np.ndarray, links: pd.DataFrame, meta: dict,
                   carry: Carryover | None = None) -> MatchSnapshot:
    """The snapshot of ``run`` (see FinishedRun) with each record's content ``hashes``, the reviewer
    ``links`` it honoured and ``meta`` (fingerprints, counts), and what ``carry`` takes over unchanged."""
    carry = carry or Carryover()
    contacts, scored, clusters = run.contacts, run.scored, run.clusters
    suggestions, carried, reuse, queue_positions = run.suggestions, carry.carried, carry.reuse, run.queue_positions
    keep = ~contacts["contact_key"].isin(pd.Index(run.suppressed["contact_key"])).to_numpy()
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
            dropped = pd.Index(run.suppressed["contact_key"]).append(
                carry.dropped if carry.dropped is not None else pd.Index([]))
            # A new erasure request may name a value only an older version of a record held: then no
            # stored row that nobody points to stays, whoever's it is.
            everything = old.meta.get("erasure") != meta.get("erasure")
            table, contact_rows, segments = _without_dropped(table, contact_rows, segments, dropped, everything)
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
                               "component": clusters["component"].to_numpy(dtype=np.int64)[order],
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
    return MatchSnapshot(kept_contacts, stored, membership, run.oversized.reset_index(drop=True),
                         run.golden, run.crosswalk, run.lineage,
                         links[link_columns].astype(str) if len(links) else pd.DataFrame(columns=link_columns),
                         queue, model_parameters(run.model),
                         {**meta, "kept_records": len(kept_order),
                          "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                         contact_rows=contact_rows, contact_segments=segments)


def _without_dropped(table: pa.Table, rows: np.ndarray, segments: list, dropped: pd.Index,
                     everything: bool) -> tuple[pa.Table, np.ndarray, list]:
    """``table`` (stored segments, then rows after them), ``rows`` (the row holding each record)
    and ``segments`` with no row left of a record in ``dropped`` (erased, or gone from its
    source): such a row is nobody's any more, but the segment file holding it would be linked into
    every new snapshot until a compaction. A segment holding one is not linked but written again
    without it, as a new file (path None: ``save`` names it); the old file goes with the old
    snapshot. ``everything``: no row nobody points to stays, whoever's it is.

    Costs a look at the unreferenced rows' keys each night, and rewriting the segments hit on
    nights that drop records (see docs/decisions.md for the figures)."""
    unused = np.ones(len(table), dtype=bool)
    unused[rows] = False
    purge = np.flatnonzero(unused)
    if len(purge) and not everything:
        if not len(dropped):
            return table, rows, segments
        keys = table.column("contact_key").take(pa.array(purge))
        hit = pc.fill_null(pc.is_in(keys, value_set=pa.array(dropped.astype(str).unique(), keys.type)), False)
        purge = purge[hit.to_numpy(zero_copy_only=False).astype(bool)]
    if not len(purge):
        return table, rows, segments
    gone = np.zeros(len(table), dtype=bool)
    gone[purge] = True
    bounds = [0]
    for segment in segments:
        bounds.append(bounds[-1] + int(segment[1]))
    spans = list(zip(segments, bounds[:-1], bounds[1:])) + [(None, bounds[-1], len(table))]  # (the rows after them)
    position = np.full(len(table), -1, dtype=np.int64)
    parts, kept, start = [], [], 0
    for segment, low, high in spans:
        if not gone[low:high].any():
            at = np.arange(low, high)
            parts.append(table.slice(low, high - low))
        else:
            at = low + np.flatnonzero(~gone[low:high])
            # take() writes new buffers: nothing of the rows left out travels on.
            parts.append(table.take(pa.array(at)))
            # (the file it was, 4th: the new file's number comes after it, never reusing its name)
            segment = (None, len(at), None, segment[0] or segment[3]) if segment is not None else None
        position[at] = np.arange(start, start + len(at))
        start += len(at)
        if segment is not None and len(at):
            kept.append(segment)
    log.info("snapshot records: %d stored rows of records no longer held left out; %d segment file(s) written "
             "again", len(purge), sum(1 for s in kept if s[0] is None))
    return pa.concat_tables(parts), position[rows], kept


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
