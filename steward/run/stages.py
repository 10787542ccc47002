"""The stages of a run, each a function of the run context and what the stages before it made.

``dedupe`` (steward.run.dedupe) calls them in order for the CLI, tests and benchmarks; the
Dagster assets call the same functions one per asset. Each stage asks ``RunChanges`` whether
the run is a full rebuild or incremental (steward.incremental says how a nightly run gets the
full rebuild's answer while matching only what changed).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from steward.frames import renumbered
from steward.incremental.changes import (HASH_METHOD, REMOVED, UNCHANGED, RunChanges, content_hashes,
                                         detect_changes, normalise_incremental, rematch_mask)
from steward.incremental.golden import birthdays_between, incremental_golden
from steward.incremental.region import affected_region, carried_pairs, fresh_pairs, incremental_clusters, \
    with_stored_scores
from steward.incremental.snapshot import (SNAPSHOT_FORMAT, Carryover, FinishedRun, MatchSnapshot, build_snapshot,
                                          rules_fingerprint, with_parameters)
from steward.match.blocking import BlockingResult, block_codes, parse_rules
from steward.match.cluster import cluster_records
from steward.match.model import MatchModel
from steward.config import ConsentRules
from steward.merge.consent import ConsentPolicy
from steward.merge.golden import build_golden_records
from steward.merge.identity import now_utc
from steward.normalise.stage import normalise_contacts
from steward.privacy.suppression import SUPPRESSED_COLUMNS, apply_erasure
from steward.review.decisions import decided_pair_ids, links_for
from steward.review.queue import carry_queue_as_arrow, merge_queues, merge_suggestions, queue_positions
from steward.run.context import RunContext, Stewardship

log = logging.getLogger("steward.run")


# -- what must match for the last run's snapshot to be used ---------------------------------------------

def run_fingerprint(ctx: RunContext) -> str:
    """What must be the same as in the snapshot's run for its stored work to hold."""
    settings = ctx.settings
    options = settings.normalise.as_kwargs()
    nicknames = options.get("nickname_file")
    if nicknames and Path(nicknames).exists():
        options["nickname_file"] = hashlib.sha256(Path(nicknames).read_bytes()).hexdigest()
    return rules_fingerprint(settings.matching.source, settings.survivorship.mapping, options,
                             sorted(settings.confirmed_sources),
                             repr(settings.consent))


def erasure_fingerprint(stewardship: Stewardship) -> str:
    erasure = stewardship.erasure_list
    if erasure is None or erasure.empty:
        return "none"
    return str(int(pd.util.hash_pandas_object(erasure, index=False).sum()))


def snapshot_reason(ctx: RunContext) -> str | None:
    """Why this run cannot start from the snapshot (None: it can)."""
    snapshot = ctx.snapshot
    if ctx.full_rebuild:
        return "a full rebuild was asked for"
    if snapshot is None:
        return "no snapshot of an earlier run"
    if snapshot.meta.get("format") != SNAPSHOT_FORMAT:
        return "the snapshot was written by another version of crm-steward"
    if snapshot.meta.get("fingerprint") != run_fingerprint(ctx):
        return "the rules changed since the snapshot's run"
    if snapshot.meta.get("hash") != HASH_METHOD:
        return "the snapshot's content hashes were made another way (DuckDB upgraded?)"
    if ctx.settings.matching.uses_term_frequencies:
        # Term frequencies move with every new record, so stored scores would drift.
        return "term-frequency adjustment is on"
    return None


# -- normalise ---------------------------------------------------------------------------------------------

def normalise_for_run(ctx: RunContext, records: pd.DataFrame) -> tuple[pd.DataFrame, RunChanges]:
    """(contacts, what changed since the snapshot): a full rebuild normalises every record; an
    incremental run only new and changed ones (the rest come from the snapshot) and decides
    which records are matched again. Leaves the block codes it computed in ``ctx.cache``."""
    if not isinstance(records.index, pd.RangeIndex) or records.index.start != 0 or records.index.step != 1:
        records = records.reset_index(drop=True)  # (a copy of every record: only when needed)
    reason = snapshot_reason(ctx)
    if reason is not None:
        contacts = normalise_contacts(records, **ctx.settings.normalise.as_kwargs())
        # Content hashes are for the next run's change detection: none without a snapshot to keep.
        hashes = content_hashes(records) if ctx.keep_snapshot else np.zeros(len(records), dtype=np.uint64)
        table = pd.DataFrame({"contact_key": contacts["contact_key"].to_numpy(), "change": "new", "rematch": True,
                              "record_hash": hashes, "snapshot_row": -1, "recounted": True})
        return contacts, RunChanges(table, incremental=False, reason=reason)
    snapshot = ctx.snapshot
    detected = detect_changes(records, snapshot)
    contacts, recomputed = normalise_incremental(records, detected, snapshot, ctx.settings.normalise.as_kwargs())
    model = with_parameters(MatchModel.from_config(ctx.settings.matching), snapshot.model)
    blocks = block_codes(contacts, parse_rules(ctx.settings.matching)[0])
    ctx.cache["blocks"] = blocks
    rematch, why = rematch_mask(contacts, detected, recomputed, snapshot, ctx.settings.matching, model,
                                ctx.stewardship.decision_links(), blocks)
    table = pd.concat([
        pd.DataFrame({"contact_key": contacts["contact_key"].to_numpy(), "change": detected.status, "rematch": rematch,
                      "record_hash": detected.hashes, "snapshot_row": detected.rows, "recounted": recomputed}),
        pd.DataFrame({"contact_key": detected.removed.to_numpy(dtype=object), "change": REMOVED, "rematch": False,
                      "record_hash": np.zeros(len(detected.removed), dtype=np.uint64),
                      "snapshot_row": detected.removed_rows, "recounted": False}),
    ], ignore_index=True)
    return contacts, RunChanges(table, incremental=True, why={**detected.counts(), "rematched": why})


# -- match -------------------------------------------------------------------------------------------------

def pairs_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame) -> BlockingResult:
    """All candidate pairs (full rebuild, on the context's engine) or only those touching
    rematched records (a night's few thousand records: always this process)."""
    if not changes.incremental:
        return ctx.engine.candidate_pairs(contacts, ctx.settings.matching)
    pairs, oversized = fresh_pairs(contacts, changes.rematched(), ctx.settings.matching, ctx.cache.pop("blocks", None))
    return BlockingResult(pairs=pairs, skipped_keys=oversized)


def score_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame,
                  pairs: pd.DataFrame) -> tuple[MatchModel, pd.DataFrame]:
    """(the model, the scored pairs). Every candidate pair is compared once.

    Full rebuild: scored with the configured model, which is then re-estimated from those
    comparisons (EM sample, guard; an accepted estimate only re-weighs them, see
    LocalEngine.fit). Incremental: the snapshot run's parameters (they scored the stored
    pairs); the pairs scored now plus the stored pairs inside the affected region
    (``affected_region``), weights from the stored levels."""
    configured = MatchModel.from_config(ctx.settings.matching)
    if not changes.incremental:
        scored = ctx.engine.score(contacts, pairs, configured)
        return ctx.engine.fit(configured, contacts, pairs, scored)
    snapshot = ctx.snapshot
    model = with_parameters(configured, snapshot.model)
    scored = model.predict(contacts, pairs)
    rows, gone = changes.snapshot_rows()
    rematch = changes.rematched()
    decisions = ctx.stewardship.decisions
    region = affected_region(rematch, rows, gone, snapshot.membership, scored, model.match_threshold,
                             links_for(decisions, contacts)[0] if decisions is not None else None)
    return model, with_stored_scores(rematch, region, rows, snapshot, scored, model)


def cluster_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, scored: pd.DataFrame,
                    model: MatchModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters with ``component`` and ``reclustered`` columns, refused links). Reviewer
    decisions override scores: approved pairs are must-links, rejected ones cannot-links."""
    decisions = ctx.stewardship.decisions
    must_link, cannot_link = links_for(decisions, contacts) if decisions is not None else (None, None)
    if changes.incremental:
        update = incremental_clusters(contacts, scored, model, changes, ctx.snapshot.membership, must_link,
                                      cannot_link)
        clusters, refused, components, redo = update.clusters, update.refused, update.components, update.reclustered
    else:
        labels, refused, components = ctx.engine.cluster(contacts, scored, model, must_link, cannot_link)
        clusters = cluster_records(contacts, labels)
        redo = np.ones(len(contacts), dtype=bool)
    return clusters.assign(component=components, reclustered=redo), refused


# -- erase -------------------------------------------------------------------------------------------------

def empty_suppressed() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SUPPRESSED_COLUMNS})


def without_suppressed(contacts: pd.DataFrame, clusters: pd.DataFrame,
                       suppressed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts and their aligned clusters without the records ``erase_for_run`` suppressed."""
    keep = ~contacts["contact_key"].isin(suppressed["contact_key"]).to_numpy()
    return contacts[keep].reset_index(drop=True), clusters[keep].reset_index(drop=True)


def drop_erased(contacts: pd.DataFrame, clusters: pd.DataFrame, stewardship: Stewardship,
                scored: pd.DataFrame | None = None, scope: np.ndarray | None = None):
    """Remove erased people (every record clustered with an erased identifier).

    Returns (contacts, clusters, scored, suppressed); ``scored`` pair positions are
    renumbered to the kept contacts. ``suppressed`` holds ids and reasons only.
    ``scope`` (bool per record, whole clusters): look only there (an incremental run
    whose erasure list did not change: the other clusters were checked before)."""
    erasure_list = stewardship.erasure_list
    if erasure_list is None or erasure_list.empty:
        return contacts, clusters, scored, empty_suppressed()
    if scope is None:
        kept, suppressed = apply_erasure(contacts, clusters, erasure_list, salt=stewardship.erasure_salt)
        keep = kept.to_numpy()
    else:
        rows = np.flatnonzero(scope)
        kept, suppressed = apply_erasure(contacts.iloc[rows].reset_index(drop=True),
                                         clusters.iloc[rows].reset_index(drop=True), erasure_list,
                                         salt=stewardship.erasure_salt)
        keep = np.ones(len(contacts), dtype=bool)
        keep[rows] = kept.to_numpy()
    if keep.all():
        return contacts, clusters, scored, suppressed
    if scored is not None:
        position = np.full(len(contacts), -1, dtype=np.int64)
        position[keep] = np.arange(int(keep.sum()))
        both = keep[scored["left"].to_numpy()] & keep[scored["right"].to_numpy()]
        scored = scored[both].copy()
        scored["left"] = position[scored["left"].to_numpy()]
        scored["right"] = position[scored["right"].to_numpy()]
        scored = scored.reset_index(drop=True)
    log.info("erasure requests: %d record(s) of %d people suppressed", len(suppressed), suppressed["cluster"].nunique())
    return (contacts[keep].reset_index(drop=True), clusters[keep].reset_index(drop=True), scored, suppressed)


def erase_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, clusters: pd.DataFrame,
                  scored: pd.DataFrame | None = None):
    """``drop_erased``; an incremental run with the same erasure list as the snapshot's looks only
    at the clusters it rebuilt (the others were checked against that list before)."""
    meta = ctx.snapshot.meta if ctx.snapshot is not None else {}
    same = changes.incremental and meta.get("erasure") == erasure_fingerprint(ctx.stewardship)
    return drop_erased(contacts, clusters, ctx.stewardship, scored,
                       scope=clusters["reclustered"].to_numpy(dtype=bool) if same else None)


# -- review queue ------------------------------------------------------------------------------------------

@dataclass
class ReviewQueue:
    """The review queue (``suggestions``: a DataFrame, or Arrow when carried over as Arrow) and each
    suggestion's two records as rows of the run's contacts (for the next snapshot)."""

    suggestions: pd.DataFrame | pa.Table
    positions: tuple[np.ndarray, np.ndarray]

    def frame(self) -> pd.DataFrame:
        return self.suggestions.to_pandas() if isinstance(self.suggestions, pa.Table) else self.suggestions


def suggestions_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, scored: pd.DataFrame,
                        clusters: pd.DataFrame, model: MatchModel, suppressed_keys: pd.Index | None = None) -> ReviewQueue:
    """The review queue: ``merge_suggestions`` over this run's pairs, without erased people.
    Incremental runs add the stored suggestions between records the change did not reach
    (same scores, same clusters: still waiting for a reviewer). ``contacts``/``clusters``:
    every record of the run, erased ones too.

    The queue stays Arrow when the stored one was (carried, merged and filtered as Arrow: a
    million suggestions are not turned into Python objects unless someone reads them)."""
    decisions = ctx.stewardship.decisions
    decided = decided_pair_ids(decisions) if decisions is not None else None
    out = merge_suggestions(scored, contacts, model, decided, clusters, positions=True)
    stored = ctx.snapshot.suggestions_data if changes.incremental else None
    if stored is not None and len(stored):
        rows, _ = changes.snapshot_rows()
        keep, a_pos, b_pos = carried_pairs(changes.rematched(), clusters["reclustered"].to_numpy(dtype=bool), rows,
                                           ctx.snapshot.kept_records, queue_positions(stored, "_left"),
                                           queue_positions(stored, "_right"))
        if isinstance(stored, pa.Table):
            try:
                out = carry_queue_as_arrow(stored, keep, a_pos, b_pos, out, decided)
            except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                log.info("review queue carried as pandas (%s)", exc)
                stored = stored.to_pandas()
        if not isinstance(stored, pa.Table):
            carried = renumbered(stored.loc[keep, [c for c in out.columns if not c.endswith("_pos")]])
            carried["_a_pos"], carried["_b_pos"] = a_pos, b_pos
            if decided:
                carried = carried[~carried["pair_id"].isin(decided)]
            out = merge_queues(carried, out)
    if suppressed_keys is not None and len(suppressed_keys):
        # Erased people never reach a reviewer's screen.
        if isinstance(out, pa.Table):
            erased = pa.array(list(suppressed_keys), pa.string())
            out = out.filter(pc.invert(pc.or_(pc.is_in(out["a_contact_key"], value_set=erased),
                                              pc.is_in(out["b_contact_key"], value_set=erased))))
        else:
            out = renumbered(out[~(out["a_contact_key"].isin(suppressed_keys)
                                   | out["b_contact_key"].isin(suppressed_keys))])
    if isinstance(out, pa.Table):
        at = (queue_positions(out, "_a_pos"), queue_positions(out, "_b_pos"))
        return ReviewQueue(out.drop_columns(["_a_pos", "_b_pos"]), at)
    at = (out.pop("_a_pos").to_numpy(), out.pop("_b_pos").to_numpy())
    return ReviewQueue(out, at)


# -- merge -------------------------------------------------------------------------------------------------

def golden_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, clusters: pd.DataFrame,
                   suppressed_keys: pd.Index | None = None):
    """(GoldenResult-like, golden ids written: None = all). ``contacts``/``clusters`` without erased
    people; ``suppressed_keys``: the erased people's records of this run."""
    rules = ctx.settings.survivorship
    stewardship, settings = ctx.stewardship, ctx.settings
    consent = ConsentPolicy(settings.consent or ConsentRules(), settings.confirmed_sources)

    def build(sub_contacts, sub_clusters, previous, registry, reserved=None):
        return build_golden_records(sub_contacts, sub_clusters, rules, previous=previous, registry=registry,
                                    run_at=stewardship.run_at, consent=consent, reserved_ids=reserved)

    if not changes.incremental:
        return build(contacts, clusters, stewardship.previous_crosswalk, stewardship.id_registry), None
    snapshot = ctx.snapshot
    redo = clusters["reclustered"].to_numpy(dtype=bool)
    # Ages move with the calendar: clusters holding a birthday since the snapshot's run are
    # rebuilt too, so minors' age bands are those of today, as in a full rebuild.
    aged = birthdays_between(contacts["dob"], (snapshot.meta.get("run_at") or "")[:10],
                             (stewardship.run_at or now_utc())[:10])
    if aged.any():
        redo = redo | clusters["cluster"].isin(clusters.loc[aged, "cluster"]).to_numpy()
    update = incremental_golden(contacts, clusters, redo, snapshot, build, stewardship.id_history,
                                changes.removed_keys(), suppressed_keys)
    return update, update.touched_ids


# -- the snapshot for the next run -------------------------------------------------------------------------

@dataclass
class MatchedRun:
    """What a run made, for its snapshot: every record, pair and cluster of the run (erased people
    included), the erased people's records, and the golden records, crosswalk, lineage and
    review queue as built (Arrow or DataFrames)."""

    contacts: pd.DataFrame
    scored: pd.DataFrame
    clusters: pd.DataFrame
    oversized: pd.DataFrame
    suppressed: pd.DataFrame
    golden: pd.DataFrame | pa.Table
    crosswalk: pd.DataFrame | pa.Table
    lineage: pd.DataFrame | pa.Table
    queue: ReviewQueue | pd.DataFrame
    model: MatchModel


def snapshot_for_run(ctx: RunContext, changes: RunChanges, run: MatchedRun,
                     previous: MatchSnapshot | None = None) -> MatchSnapshot:
    """The snapshot a finished run leaves for the next one (every record and pair of the run,
    erased people by id only). Incremental runs: ``run.scored`` holds the affected region's
    pairs, the other pairs come from ``previous`` (default: the context's snapshot) as they were.
    ``run.queue``: a ReviewQueue knows its records' positions (else its keys are looked up)."""
    previous = previous if previous is not None else ctx.snapshot
    meta = {"format": SNAPSHOT_FORMAT, "hash": HASH_METHOD, "fingerprint": run_fingerprint(ctx),
            "erasure": erasure_fingerprint(ctx.stewardship),
            "mode": "incremental" if changes.incremental else "full",
            "run_at": ctx.stewardship.run_at or now_utc(),
            "records": len(run.contacts), "golden": len(run.golden)}
    carry = Carryover()
    if isinstance(run.queue, ReviewQueue):
        suggestions, carry.queue_positions = run.queue.suggestions, run.queue.positions
    else:
        suggestions = run.queue
    clusters = run.clusters
    if changes.incremental:
        rows, _ = changes.snapshot_rows()
        stored = previous.scored
        keep, left, right = carried_pairs(changes.rematched(), clusters["reclustered"].to_numpy(dtype=bool), rows,
                                          previous.kept_records, stored["left"].to_numpy(), stored["right"].to_numpy())
        # Column by column (a boolean take of a 20M-row frame would copy it twice).
        carried = {c: stored[c].to_numpy()[keep] for c in stored.columns if c not in ("left", "right")}
        carried.update(left=left, right=right)
        carry.carried = carried
        if previous.contacts_table is not None:
            # Records whose stored row is still exact keep it (no conversion, no rewrite).
            here = changes.present()
            exact = ((here["change"] == UNCHANGED) & ~here["recounted"]).to_numpy()
            at = np.flatnonzero(exact)
            carry.reuse = (previous, at, rows[at])
    finished = FinishedRun(
        contacts=run.contacts, hashes=changes.present()["record_hash"].to_numpy(dtype=np.uint64), scored=run.scored,
        clusters=clusters, components=clusters["component"].to_numpy(), oversized=run.oversized,
        suppressed_keys=pd.Index(run.suppressed["contact_key"]), golden=run.golden, crosswalk=run.crosswalk,
        lineage=run.lineage, links=ctx.stewardship.decision_links(), suggestions=suggestions, model=run.model,
        meta=meta)
    return build_snapshot(finished, carry)
