"""One way through the pipeline: ``dedupe(ctx, records, quarantine)``, normalise -> block ->
score (and fit) -> cluster -> erase -> review queue -> golden records -> snapshot. The CLI,
the tests and the benchmarks call it; the Dagster assets call the same stage functions
(steward.run.stages) one per asset. A full rebuild and a nightly incremental run differ by
the run context (is there a usable snapshot?), not by another code path."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from steward.incremental.arrow import arrow_backed
from steward.incremental.snapshot import FinishedRun, MatchSnapshot
from steward.match.blocking import BlockingResult
from steward.match.model import MatchModel
from steward.privacy.quarantine import scrub_by_records, to_quarantine
from steward.run.context import RunContext, StageTimer
from steward.run.stages import (cluster_for_run, erase_for_run, golden_for_run, normalise_for_run, pairs_for_run,
                                quarantine_for_run, score_for_run, snapshot_for_run, suggestions_for_run)

log = logging.getLogger("steward.run")


@dataclass
class DedupeResult:
    """What a run made. ``contacts``/``scored``/``clusters``: without erased people;
    ``all_*``: every record and pair of the run (for the snapshot). Golden records, crosswalk,
    lineage and the review queue may be held as Arrow after an incremental run (``golden``
    etc. read them as DataFrames, converted once; ``golden_data`` etc. give what is held)."""

    records: pd.DataFrame
    quarantine: pd.DataFrame
    contacts: pd.DataFrame
    blocking: BlockingResult
    scored: pd.DataFrame
    clusters: pd.DataFrame
    model: MatchModel
    suggestions_data: pd.DataFrame | pa.Table
    golden_data: pd.DataFrame | pa.Table
    crosswalk_data: pd.DataFrame | pa.Table
    lineage_data: pd.DataFrame | pa.Table
    id_events: pd.DataFrame
    id_registry: pd.DataFrame
    suppressed: pd.DataFrame
    all_contacts: pd.DataFrame
    all_scored: pd.DataFrame
    all_clusters: pd.DataFrame
    # "incremental" or "full (why)"; an incremental run's counts of what changed (and why records
    # were matched again) and the golden ids it wrote (None: a full rebuild, all of them).
    mode: str = "full"
    change_counts: dict | None = None
    touched_ids: set[str] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    next_snapshot: MatchSnapshot | None = None

    suggestions = arrow_backed("suggestions")
    golden = arrow_backed("golden")
    crosswalk = arrow_backed("crosswalk")
    lineage = arrow_backed("lineage")

    @property
    def components(self) -> np.ndarray:
        return self.all_clusters["component"].to_numpy()

    @property
    def oversized(self) -> pd.DataFrame:
        return self.blocking.skipped_keys


def dedupe(ctx: RunContext, records: pd.DataFrame, quarantine: pd.DataFrame) -> DedupeResult:
    """normalise -> block -> score (and fit) -> cluster -> erase -> review queue -> golden records
    (-> the snapshot for the next run, when ``ctx.keep_snapshot``).

    Incremental when ``ctx.snapshot`` is usable (only what changed is normalised, matched and
    merged; the result equals a full rebuild on the same records with the snapshot's model),
    a full rebuild otherwise. Reviewer decisions, previous golden ids and erasure requests come
    from ``ctx.stewardship``; the pair stages run on ``ctx.engine``."""
    timer = StageTimer(ctx.progress)
    stage, done = timer.start, timer.done

    stage("normalise")
    contacts, changes = normalise_for_run(ctx, records)
    done("normalise")
    if changes.reason is not None:
        log.info("full rebuild: %s", changes.reason)
    stage("block")
    blocking = pairs_for_run(ctx, changes, contacts)
    done("block")
    stage("score")
    model, scored = score_for_run(ctx, changes, contacts, blocking.pairs)
    done("score")
    stage("cluster")
    clusters, _refused = cluster_for_run(ctx, changes, contacts, scored, model)
    done("cluster")
    kept_contacts, kept_clusters, kept_scored, suppressed = erase_for_run(ctx, changes, contacts, clusters, scored)
    quarantine, _scrubbed = quarantine_for_run(ctx, quarantine)
    if len(suppressed):
        quarantine, _ = scrub_by_records(quarantine, contacts[contacts["contact_key"].isin(suppressed["contact_key"])])
        quarantine = pd.concat([quarantine, to_quarantine(suppressed)], ignore_index=True)
    suppressed_keys = pd.Index(suppressed["contact_key"])
    stage("suggest")
    queue = suggestions_for_run(ctx, changes, contacts, scored, clusters, model, suppressed_keys)
    done("suggest")
    stage("merge")
    merged = golden_for_run(ctx, changes, kept_contacts, kept_clusters, suppressed_keys)
    done("merge")
    # Golden records, crosswalk and lineage as they are (Arrow after an incremental run: converted
    # to pandas only if the caller reads them; the next snapshot takes them as Arrow).
    golden, crosswalk, lineage, touched = merged.golden_data, merged.crosswalk_data, merged.lineage_data, \
        merged.touched_ids
    result = DedupeResult(
        records=records, quarantine=quarantine, contacts=kept_contacts, blocking=blocking, scored=kept_scored,
        clusters=kept_clusters, model=model, suggestions_data=queue.suggestions, golden_data=golden,
        crosswalk_data=crosswalk, lineage_data=lineage, id_events=merged.id_events, id_registry=merged.id_registry,
        suppressed=suppressed, all_contacts=contacts, all_scored=scored, all_clusters=clusters,
        timings=timer.timings,
        mode="incremental" if changes.incremental else f"full ({changes.reason})",
        change_counts={**changes.why, "reclustered": int(clusters["reclustered"].sum()),
                       "pairs_scored": len(blocking.pairs)} if changes.incremental else None,
        touched_ids=touched)
    if changes.incremental:
        log.info("incremental run: %s; %d pairs scored, %d records clustered again, %d golden ids written",
                 changes.why, len(blocking.pairs), int(clusters["reclustered"].sum()), len(touched))
    if ctx.keep_snapshot:
        stage("snapshot")
        result.next_snapshot = snapshot_for_run(ctx, changes, FinishedRun(
            contacts=contacts, scored=scored, clusters=clusters, oversized=blocking.skipped_keys,
            suppressed=suppressed, golden=golden, crosswalk=crosswalk, lineage=lineage,
            suggestions=queue.suggestions, model=model, queue_positions=queue.positions))
        done("snapshot")
    return result
