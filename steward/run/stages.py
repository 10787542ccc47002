"""The stages of a run, each a function of the run context and what the stages before it made.

``dedupe`` (steward.run.flow) calls them in order for the CLI, tests and benchmarks; the
Dagster assets call the same functions one per asset. Each stage asks ``RunChanges`` whether
the run is a full rebuild or incremental (steward.incremental says how a nightly run gets the
full rebuild's answer while matching only what changed).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from steward.incremental.changes import (HASH_METHOD, UNCHANGED, RunChanges, columns_reason, content_hashes,
                                         detect_changes, normalise_incremental, rematch_mask)
from steward.incremental.golden import GoldenUpdate, birthdays_between, incremental_golden
from steward.incremental.region import affected_region, carried_pairs, fresh_pairs, incremental_clusters, \
    with_stored_scores
from steward.incremental.snapshot import (SNAPSHOT_FORMAT, Carryover, FinishedRun, MatchSnapshot, build_snapshot,
                                          rules_fingerprint, with_parameters)
from steward.match.blocking import BlockingResult, block_codes, parse_rules
from steward.match.cluster import cluster_records
from steward.match.model import MatchModel
from steward.merge.consent import ConsentPolicy
from steward.merge.golden import build_golden_records
from steward.merge.identity import now_utc
from steward.normalise.stage import normalise_contacts
from steward.privacy.quarantine import scrub_quarantine
from steward.privacy.suppression import ErasureList, drop_erased
from steward.review.queue import CarriedQueue, ReviewQueue, assemble_queue, merge_suggestions, queue_positions
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
                             sorted(settings.confirmed_sources), repr(settings.consent))


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
    if snapshot.problem is not None:
        return f"the last run's snapshot is damaged ({snapshot.problem})"
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
    damaged = not ctx.full_rebuild and ctx.snapshot is not None and ctx.snapshot.problem is not None
    if reason is None:
        reason = columns_reason(ctx.snapshot.meta.get("record_columns"), records.columns)
    warning = None
    if damaged:
        # Not a routine full rebuild: said as a warning (the run itself succeeds, as --full would).
        warning = f"{reason}: this run matches everything again and leaves a new snapshot"
        log.warning(warning)
    if reason is not None:
        contacts = normalise_contacts(records, **ctx.settings.normalise.as_kwargs())
        # Content hashes are for the next run's change detection: none without a snapshot to keep.
        hashes = content_hashes(records) if ctx.keep_snapshot else np.zeros(len(records), dtype=np.uint64)
        changes = RunChanges.everything_new(contacts["contact_key"].to_numpy(), hashes, reason,
                                            hashed=ctx.keep_snapshot)
        changes.columns, changes.warning = tuple(map(str, records.columns)), warning
        return contacts, changes
    snapshot = ctx.snapshot
    detected = detect_changes(records, snapshot)
    contacts, recomputed = normalise_incremental(records, detected, snapshot, ctx.settings.normalise.as_kwargs())
    model = with_parameters(MatchModel.from_config(ctx.settings.matching), snapshot.model)
    blocks = block_codes(contacts, parse_rules(ctx.settings.matching)[0])
    ctx.cache["blocks"] = blocks
    rematch, why = rematch_mask(contacts, detected, recomputed, snapshot, ctx.settings.matching, model,
                                ctx.stewardship.decision_links(), blocks)
    changes = RunChanges.since_snapshot(contacts["contact_key"].to_numpy(), detected, rematch, recomputed, why)
    changes.columns = tuple(map(str, records.columns))
    return contacts, changes


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
        approved, _ = ctx.stewardship.links_for(contacts)  # reviewers' approvals: labels for m
        return ctx.engine.fit(configured, contacts, pairs, scored, approved)
    snapshot = ctx.snapshot
    model = with_parameters(configured, snapshot.model)
    scored = model.predict(contacts, pairs)
    rows, gone = changes.snapshot_rows()
    rematch = changes.rematched()
    region = affected_region(rematch, rows, gone, snapshot.membership, scored, model.match_threshold,
                             ctx.stewardship.links_for(contacts)[0])
    return model, with_stored_scores(rematch, region, rows, snapshot, scored, model)


def cluster_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, scored: pd.DataFrame,
                    model: MatchModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters with ``component`` and ``reclustered`` columns, refused links). Reviewer
    decisions override scores: approved pairs are must-links, rejected ones cannot-links."""
    must_link, cannot_link = ctx.stewardship.links_for(contacts)
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

def erase_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, clusters: pd.DataFrame,
                  scored: pd.DataFrame | None = None):
    """``drop_erased``; an incremental run with the same erasure list as the snapshot's looks only
    at the clusters it rebuilt (the others were checked against that list before)."""
    stewardship = ctx.stewardship
    meta = ctx.snapshot.meta if ctx.snapshot is not None else {}
    same = changes.incremental and meta.get("erasure") == erasure_fingerprint(stewardship)
    return drop_erased(contacts, clusters, ErasureList(stewardship.erasure_list, stewardship.erasure_salt), scored,
                       scope=clusters["reclustered"].to_numpy(dtype=bool) if same else None)


def quarantine_for_run(ctx: RunContext, quarantine: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(rows no stage could use, how many lost their raw text): a quarantined row holding an erased
    person's identifier keeps its reason, never the erased person's text. National phone numbers
    in raw lines are read with their source's default country (``settings.sources``)."""
    stewardship = ctx.stewardship
    countries = {name: cfg.default_country for name, cfg in ctx.settings.sources.items()}
    return scrub_quarantine(quarantine, stewardship.erasure_list, salt=stewardship.erasure_salt,
                            default_countries=countries)


# -- review queue ------------------------------------------------------------------------------------------

def suggestions_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, scored: pd.DataFrame,
                        clusters: pd.DataFrame, model: MatchModel, suppressed_keys: pd.Index | None = None) -> ReviewQueue:
    """The review queue: ``merge_suggestions`` over this run's pairs, without erased people and
    decided pairs. Incremental runs add the stored suggestions between records the change did not
    reach (same scores, same clusters: still waiting for a reviewer). ``contacts``/``clusters``:
    every record of the run, erased ones too."""
    decided = ctx.stewardship.decided_pair_ids()
    fresh = merge_suggestions(scored, contacts, model, decided, clusters, positions=True)
    stored = ctx.snapshot.suggestions_data if changes.incremental else None
    carried = None
    if stored is not None and len(stored):
        rows, _ = changes.snapshot_rows()
        carried = carried_pairs(changes.rematched(), clusters["reclustered"].to_numpy(dtype=bool), rows,
                                ctx.snapshot.kept_records, queue_positions(stored, "_left"),
                                queue_positions(stored, "_right"))
    return assemble_queue(fresh, CarriedQueue(stored, carried) if carried is not None else None, decided,
                          suppressed_keys)


# -- merge -------------------------------------------------------------------------------------------------

def golden_for_run(ctx: RunContext, changes: RunChanges, contacts: pd.DataFrame, clusters: pd.DataFrame,
                   suppressed_keys: pd.Index | None = None) -> GoldenUpdate:
    """Golden records, crosswalk, lineage and golden-id bookkeeping, and the golden ids written
    (``touched_ids``; None after a full rebuild: all of them). ``contacts``/``clusters`` without
    erased people; ``suppressed_keys``: the erased people's records of this run."""
    rules = ctx.settings.survivorship
    stewardship, settings = ctx.stewardship, ctx.settings
    consent = ConsentPolicy(settings.consent, settings.confirmed_sources)

    def build(sub_contacts, sub_clusters, previous, registry, reserved=None):
        return build_golden_records(sub_contacts, sub_clusters, rules, previous=previous, registry=registry,
                                    run_at=stewardship.run_at, consent=consent, reserved_ids=reserved)

    if not changes.incremental:
        built = build(contacts, clusters, stewardship.previous_crosswalk, stewardship.id_registry)
        return GoldenUpdate(built.golden, built.crosswalk, built.lineage, built.id_events, built.id_registry,
                            touched_ids=None)
    snapshot = ctx.snapshot
    redo = clusters["reclustered"].to_numpy(dtype=bool)
    # Ages move with the calendar: clusters holding a birthday since the snapshot's run are
    # rebuilt too, so minors' age bands are those of today, as in a full rebuild.
    aged = birthdays_between(contacts["dob"], (snapshot.meta.get("run_at") or "")[:10],
                             (stewardship.run_at or now_utc())[:10])
    if aged.any():
        redo = redo | clusters["cluster"].isin(clusters.loc[aged, "cluster"]).to_numpy()
    return incremental_golden(contacts, clusters, redo, snapshot, build, stewardship.id_history,
                              changes.removed_keys(), suppressed_keys)


# -- the snapshot for the next run -------------------------------------------------------------------------

def snapshot_for_run(ctx: RunContext, changes: RunChanges, run: FinishedRun,
                     previous: MatchSnapshot | None = None) -> MatchSnapshot:
    """The snapshot a finished run leaves for the next one (every record and pair of the run,
    erased people by id only). Incremental runs: ``run.scored`` holds the affected region's
    pairs, the other pairs come from ``previous`` (default: the context's snapshot) as they were."""
    if not changes.hashed:
        raise ValueError("no content hashes to keep: normalise with a RunContext whose keep_snapshot is true")
    previous = previous if previous is not None else ctx.snapshot
    meta = {"format": SNAPSHOT_FORMAT, "hash": HASH_METHOD, "fingerprint": run_fingerprint(ctx),
            "erasure": erasure_fingerprint(ctx.stewardship),
            "mode": "incremental" if changes.incremental else "full",
            "run_at": ctx.stewardship.run_at or now_utc(),
            "records": len(run.contacts), "golden": len(run.golden), "record_columns": list(changes.columns) or None}
    carry = Carryover()
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
            carry.dropped = changes.removed_keys()
    hashes = changes.present()["record_hash"].to_numpy(dtype=np.uint64)
    return build_snapshot(run, hashes, ctx.stewardship.decision_links(), meta, carry)
