"""Step 6 of a nightly run (see steward.incremental): golden records rebuilt only for the
affected clusters and spliced into the snapshot's golden table, crosswalk and lineage."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from steward.frames import frame_to_arrow, renumbered, stacked
from steward.incremental.arrow import arrow_backed
from steward.incremental.snapshot import MatchSnapshot
from steward.merge.identity import ACTIVE, REGISTRY_COLUMNS
from steward.schema import KEY_SEPARATOR, contact_key

log = logging.getLogger("steward.incremental")


@dataclass
class GoldenUpdate:
    # Golden records, crosswalk and lineage: Arrow tables when spliced from a stored snapshot
    # (``golden`` etc. read them as DataFrames, see arrow_backed).
    golden_data: pd.DataFrame | pa.Table
    crosswalk_data: pd.DataFrame | pa.Table
    lineage_data: pd.DataFrame | pa.Table
    id_events: pd.DataFrame
    id_registry: pd.DataFrame
    touched_ids: set[str]  # golden ids written now: rebuilt, new, merged away, retired or erased

    golden = arrow_backed("golden")
    crosswalk = arrow_backed("crosswalk")
    lineage = arrow_backed("lineage")


@dataclass(frozen=True)
class IdHistory:
    """What the state database remembers of golden ids: the last crosswalk built (newer than the
    snapshot's when a run built golden records and then failed to publish) and the id registry."""

    crosswalk: pd.DataFrame | None = None
    registry: pd.DataFrame | None = None


def _ids_of_records(crosswalk: pd.DataFrame | pa.Table, keys: pd.Index) -> set[str]:
    """Golden ids that crosswalk rows of the records ``keys`` (contact keys, "source:record_id")
    point to. Rows are picked by record id first (millions of rows, no key text built for each),
    then matched on the whole key."""
    if not len(crosswalk) or not len(keys):
        return set()
    wanted = set(keys.astype(str))
    # Every text after a separator of a key could be its record id (a source name holding one too).
    record_ids = list({key.split(KEY_SEPARATOR, i)[-1] for key in wanted
                       for i in range(1, key.count(KEY_SEPARATOR) + 1)})
    if isinstance(crosswalk, pa.Table):
        hit = pc.is_in(crosswalk.column("record_id").cast(pa.string()), value_set=pa.array(record_ids, pa.string()))
        crosswalk = crosswalk.filter(hit).to_pandas()
    else:
        crosswalk = crosswalk[crosswalk["record_id"].astype(str).isin(record_ids)]
    here = contact_key(crosswalk)
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


def incremental_golden(contacts: pd.DataFrame, clusters: pd.DataFrame, redo: np.ndarray, snapshot: MatchSnapshot,
                       build, history: IdHistory, removed: pd.Index,
                       suppressed_keys: pd.Index | None = None) -> GoldenUpdate:
    """Golden records of the clusters in ``redo`` rebuilt with ``build(contacts, clusters,
    previous, registry, reserved)`` (build_golden_records with the run's rules), the rest
    kept from the snapshot. ``contacts``/``clusters``: this run's records without erased
    people; ``redo``: aligned bool mask, whole clusters; ``removed``: records of the last run no
    longer in the sources; ``suppressed_keys``: this run's erased people's records."""
    previous = history.crosswalk if history.crosswalk is not None else snapshot.crosswalk
    registry = history.registry
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

