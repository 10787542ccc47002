"""The stages composed end to end, for the CLI and for tests. The Dagster assets
call the same stage functions one by one."""

from __future__ import annotations

import bisect
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from steward.config import Project, SourceConfig
from steward.merge.consent import ConsentRules, confirmed_sources
from steward.normalise.stage import normalise_contacts
from steward.privacy.erasure import SUPPRESSED_COLUMNS, apply_erasure, load_erasure_list, to_quarantine
from steward.frames import column_values, renumbered, stacked
from steward.merge.golden import Survivorship, build_golden_records
from steward.merge.identity import now_utc
from steward.incremental.snapshot import (
    HASH_METHOD,
    NEW,
    REMOVED,
    SNAPSHOT_FORMAT,
    UNCHANGED,
    ArrowFrame,
    MatchSnapshot,
    affected_region,
    arrow_or_frame,
    birthdays_between,
    build_snapshot,
    carried_pairs,
    content_hashes,
    detect_changes,
    frame_to_arrow,
    fresh_pairs,
    incremental_clusters,
    incremental_golden,
    normalise_incremental,
    rematch_mask,
    rules_fingerprint,
    with_parameters,
    with_stored_scores,
)
from steward.match.blocking import BlockingResult, block_codes, parse_rules
from steward.match.cluster import cluster_records
from steward.match.engines.local import LocalEngine
from steward.match.model import MatchModel, classify, explanation_texts
from steward.progress import report
from steward.review.decisions import current_links, decided_pair_ids, links_for, load_decisions
from steward.sources.load import LoadedSource, empty_quarantine, load_source
from steward.state.store import GOLDEN_CROSSWALK, GOLDEN_IDS, StateStore

log = logging.getLogger("steward.run.pipeline")

SIDE_BY_SIDE = ["contact_key", "first_name", "last_name", "email", "phone", "company", "city", "date_of_birth"]


def combine_sources(loaded: list[LoadedSource]) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = [item.records for item in loaded if not item.records.empty]
    quarantine = [item.quarantine for item in loaded if not item.quarantine.empty]
    all_records = pd.concat(records, ignore_index=True) if records else pd.DataFrame()
    all_quarantine = pd.concat(quarantine, ignore_index=True) if quarantine else empty_quarantine()
    return all_records, all_quarantine


def load_all(sources: dict[str, SourceConfig]) -> tuple[pd.DataFrame, pd.DataFrame]:
    loaded = []
    for cfg in sources.values():
        loaded.append(load_source(cfg))
        report("load sources", len(loaded), len(sources), "sources")
    return combine_sources(loaded)


def find_candidates(contacts: pd.DataFrame, matching: dict, engine=None) -> BlockingResult:
    return (engine or LocalEngine()).candidate_pairs(contacts, matching)


def merge_suggestions(scored: pd.DataFrame, contacts: pd.DataFrame, model: MatchModel,
                      decided: set[str] | None = None, clusters: pd.DataFrame | None = None,
                      positions: bool = False) -> pd.DataFrame:
    """Grey-zone pairs, best first, the two records side by side with the evidence in words.

    The pair id is ``<key>~<key>`` with the smaller contact key first, so the same two
    records have the same id in every run; pairs already decided by a reviewer are left
    out, and so are pairs already in one cluster (through other records): approving
    them would change nothing. ``positions``: also the two records' rows in ``contacts``
    (``_a_pos``/``_b_pos``, for the snapshot; see ``suggestions_for_run``)."""
    grey = scored[classify(scored, model) == "review"]
    if clusters is not None:
        labels = clusters["cluster"].to_numpy()
        grey = grey[labels[grey["left"].to_numpy()] != labels[grey["right"].to_numpy()]]
    keys = contacts["contact_key"].to_numpy()
    a_keys, b_keys = keys[grey["left"].to_numpy()], keys[grey["right"].to_numpy()]
    swap = a_keys > b_keys
    first = np.where(swap, grey["right"].to_numpy(), grey["left"].to_numpy())
    second = np.where(swap, grey["left"].to_numpy(), grey["right"].to_numpy())
    grey = grey.assign(left=first, right=second)
    pair_ids = pd.Series(keys[first], index=grey.index) + "~" + pd.Series(keys[second], index=grey.index)
    if decided:
        grey, pair_ids = grey[~pair_ids.isin(decided)], pair_ids[~pair_ids.isin(decided)]
    # Best first, ties by pair id: the same queue order whichever way the pairs were found.
    order = np.lexsort((pair_ids.to_numpy(dtype=str), -grey["match_probability"].round(4).to_numpy()))
    grey, pair_ids = grey.iloc[order], pair_ids.iloc[order]
    side = renumbered(contacts[SIDE_BY_SIDE])
    left = renumbered(side.iloc[grey["left"].to_numpy()].add_prefix("a_"))
    right = renumbered(side.iloc[grey["right"].to_numpy()].add_prefix("b_"))
    grey = renumbered(grey.copy(deep=False))
    out = pd.concat([left, right], axis=1)
    out.insert(0, "pair_id", pair_ids.to_numpy())
    out.insert(1, "match_probability", grey["match_probability"].round(4))
    out["explanation"] = explanation_texts(grey, model)
    if positions:
        out["_a_pos"], out["_b_pos"] = grey["left"].to_numpy(np.int64), grey["right"].to_numpy(np.int64)
    return out


def build_clusters(contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel,
                   must_link: pd.DataFrame | None = None, cannot_link: pd.DataFrame | None = None, engine=None):
    """Safe clusters (no chaining through contradictions), the links refused on the way and the
    graph component of each record."""
    labels, refused, components = (engine or LocalEngine()).cluster(contacts, scored, model, must_link, cannot_link)
    return cluster_records(contacts, labels), refused, components


@dataclass
class Stewardship:
    """What a run knows beyond the records and the rules: reviewer decisions, the
    previous run's golden ids, erasure requests and consent rules. Empty = a first run
    with nobody erased (``steward dedupe`` on plain files)."""

    decisions: pd.DataFrame | None = None
    previous_crosswalk: pd.DataFrame | None = None
    id_registry: pd.DataFrame | None = None
    erasure_list: pd.DataFrame | None = None
    erasure_salt: str = ""
    confirmed_sources: frozenset[str] = frozenset()
    consent_rules: ConsentRules | None = None
    run_at: str | None = None

    @classmethod
    def from_project(cls, project: Project, store: StateStore | None, run_at: str | None = None) -> "Stewardship":
        erasure = project.erasure()
        salt = erasure.salt()
        return cls(
            decisions=load_decisions(store) if store is not None else None,
            previous_crosswalk=store.read(GOLDEN_CROSSWALK) if store is not None and store.has(GOLDEN_CROSSWALK) else None,
            id_registry=store.read(GOLDEN_IDS) if store is not None and store.has(GOLDEN_IDS) else None,
            erasure_list=load_erasure_list(erasure, project.root, salt=salt),
            erasure_salt=salt,
            confirmed_sources=confirmed_sources(project.sources()),
            consent_rules=project.consent(),
            run_at=run_at,
        )


def empty_suppressed() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SUPPRESSED_COLUMNS})


def without_suppressed(contacts: pd.DataFrame, clusters: pd.DataFrame,
                       suppressed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts and their aligned clusters without the records ``drop_erased`` suppressed."""
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


@dataclass
class DedupeResult:
    records: pd.DataFrame
    quarantine: pd.DataFrame
    contacts: pd.DataFrame
    blocking: BlockingResult
    scored: pd.DataFrame
    suggestions: pd.DataFrame = ArrowFrame()  # (Arrow until read, after an incremental run)
    clusters: pd.DataFrame
    golden: pd.DataFrame = ArrowFrame()  # (Arrow until read, after an incremental run: see ArrowFrame)
    crosswalk: pd.DataFrame = ArrowFrame()
    model: MatchModel
    timings: dict[str, float] = field(default_factory=dict)
    lineage: pd.DataFrame | None = ArrowFrame(default=None)
    id_events: pd.DataFrame | None = None
    id_registry: pd.DataFrame | None = None
    suppressed: pd.DataFrame | None = None
    # For the next run's snapshot: every record and pair of this run, erased people included.
    all_contacts: pd.DataFrame | None = None
    all_scored: pd.DataFrame | None = None
    all_clusters: pd.DataFrame | None = None
    components: np.ndarray | None = None
    oversized: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    # Incremental runs: what changed, and the golden ids written (None: a full rebuild, all of them).
    mode: str = "full"
    changes: dict | None = None
    touched_ids: set[str] | None = None


class StageTimer:
    """Seconds per named stage (``timings``); ``progress(name)`` hears when each starts."""

    def __init__(self, progress=None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    def start(self, name: str) -> None:
        if self.progress:
            self.progress(name)
        self.timings[name] = time.perf_counter()

    def done(self, name: str) -> None:
        self.timings[name] = round(time.perf_counter() - self.timings[name], 3)


def dedupe(records: pd.DataFrame, quarantine: pd.DataFrame, matching: dict, survivorship: dict, progress=None,
           normalise_options: dict | None = None, stewardship: Stewardship | None = None,
           engine=None) -> DedupeResult:
    """normalise -> block -> score -> cluster -> erase -> golden records.

    ``stewardship``: reviewer decisions (approved pairs are must-links, rejected ones
    cannot-links, whatever the scores say), previous golden ids, erasure requests and
    consent rules (see Stewardship). ``engine``: where the pair stages run (block, score,
    fit, cluster: ``steward.match.engines.local``; default this process)."""
    stewardship = stewardship or Stewardship()
    engine = engine or LocalEngine()
    decisions = stewardship.decisions
    timer = StageTimer(progress)
    stage, done, timings = timer.start, timer.done, timer.timings

    model = MatchModel.from_config(matching)
    rules = Survivorship(survivorship)
    stage("normalise")
    contacts = normalise_contacts(records, **(normalise_options or {}))
    done("normalise")
    stage("block")
    blocking = engine.candidate_pairs(contacts, matching)
    done("block")
    stage("score")
    # Every pair is compared once, with the configured model (see LocalEngine.fit).
    scored = engine.score(contacts, blocking.pairs, model)
    done("score")
    stage("fit")
    model, scored = engine.fit(model, contacts, blocking.pairs, scored)
    done("fit")
    stage("cluster")
    must_link, cannot_link = links_for(decisions, contacts) if decisions is not None else (None, None)
    clusters, _refused, _components = build_clusters(contacts, scored, model, must_link, cannot_link, engine)
    done("cluster")
    all_contacts, all_scored, all_clusters = contacts, scored, clusters
    contacts, clusters, scored, suppressed = drop_erased(contacts, clusters, stewardship, scored)
    if len(suppressed):
        quarantine = pd.concat([quarantine, to_quarantine(suppressed)], ignore_index=True)
    suggestions = merge_suggestions(scored, contacts, model,
                                    decided_pair_ids(decisions) if decisions is not None else None, clusters)
    stage("merge")
    merged = build_golden_records(contacts, clusters, rules, previous=stewardship.previous_crosswalk,
                                  registry=stewardship.id_registry, run_at=stewardship.run_at,
                                  confirmed_sources=stewardship.confirmed_sources,
                                  consent_rules=stewardship.consent_rules)
    done("merge")
    return DedupeResult(records, quarantine, contacts, blocking, scored, suggestions, clusters, merged.golden,
                        merged.crosswalk, model, timings, merged.lineage, merged.id_events, merged.id_registry,
                        suppressed, all_contacts, all_scored, all_clusters, None, blocking.skipped_keys,
                        current_links(decisions) if decisions is not None else None)


def run_fingerprint(matching: dict, survivorship: dict, normalise_options: dict | None,
                    stewardship: Stewardship) -> str:
    """What must be the same as in the snapshot's run for its stored work to hold."""
    options = dict(normalise_options or {})
    nicknames = options.get("nickname_file")
    if nicknames and Path(nicknames).exists():
        options["nickname_file"] = hashlib.sha256(Path(nicknames).read_bytes()).hexdigest()
    return rules_fingerprint(matching, survivorship, options, sorted(stewardship.confirmed_sources),
                             repr(stewardship.consent_rules))


def erasure_fingerprint(stewardship: Stewardship) -> str:
    erasure = stewardship.erasure_list
    if erasure is None or erasure.empty:
        return "none"
    return str(int(pd.util.hash_pandas_object(erasure, index=False).sum()))


def snapshot_reason(snapshot: MatchSnapshot | None, fingerprint: str, matching: dict) -> str | None:
    """Why the snapshot cannot be used (None: it can)."""
    if snapshot is None:
        return "no snapshot of an earlier run"
    if snapshot.meta.get("format") != SNAPSHOT_FORMAT:
        return "the snapshot was written by another version of crm-steward"
    if snapshot.meta.get("fingerprint") != fingerprint:
        return "the rules changed since the snapshot's run"
    if snapshot.meta.get("hash") != HASH_METHOD:
        return "the snapshot's content hashes were made another way (DuckDB upgraded?)"
    if any(spec.get("term_frequency") for spec in matching.get("comparisons") or []):
        # Term frequencies move with every new record, so stored scores would drift.
        return "term-frequency adjustment is on"
    return None


# -- a run that may be incremental, stage by stage (the Dagster assets call these one by one) ------------

# snapshot_row: the record's row in the snapshot's membership (-1: new), found once; recounted: its
# shared-identifier columns came out otherwise than stored (its stored row is no longer exact).
CHANGE_COLUMNS = ["contact_key", "change", "rematch", "record_hash", "incremental", "snapshot_row", "recounted"]


def is_incremental(changes: pd.DataFrame) -> bool:
    return bool(len(changes)) and bool(changes["incremental"].iloc[0])


def present(changes: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``contact_changes`` aligned with this run's contacts (removed records left out)."""
    return changes[changes["change"] != REMOVED]


def rematched(changes: pd.DataFrame) -> np.ndarray:
    return present(changes)["rematch"].to_numpy(dtype=bool)


def removed_keys(changes: pd.DataFrame) -> pd.Index:
    return pd.Index(changes.loc[changes["change"] == REMOVED, "contact_key"])


def snapshot_rows(changes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(snapshot row per present record, snapshot rows of the removed records)."""
    rows = changes["snapshot_row"].to_numpy(dtype=np.int64)
    gone = (changes["change"] == REMOVED).to_numpy()
    return rows[~gone], rows[gone]


def normalise_for_run(records: pd.DataFrame, matching: dict, survivorship: dict, normalise_options: dict | None,
                      stewardship: Stewardship, snapshot: MatchSnapshot | None,
                      full_requested: bool = False,
                      block_cache: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str | None, dict]:
    """(contacts, contact_changes, why a full rebuild or None, why records are rematched).

    ``contact_changes``: CHANGE_COLUMNS, one row per contact (aligned), then one per
    removed record; ``incremental`` says which way the rest of the run goes.
    ``block_cache``: a dict that keeps the block codes computed here for ``pairs_for_run``
    (same process only)."""
    if not isinstance(records.index, pd.RangeIndex) or records.index.start != 0 or records.index.step != 1:
        records = records.reset_index(drop=True)  # (a copy of every record: only when needed)
    fingerprint = run_fingerprint(matching, survivorship, normalise_options, stewardship)
    reason = "a full rebuild was asked for" if full_requested else snapshot_reason(snapshot, fingerprint, matching)
    if reason is not None:
        contacts = normalise_contacts(records, **(normalise_options or {}))
        changes = pd.DataFrame({"contact_key": contacts["contact_key"].to_numpy(), "change": NEW, "rematch": True,
                                "record_hash": content_hashes(records), "incremental": False, "snapshot_row": -1,
                                "recounted": True})
        return contacts, changes, reason, {}
    detected = detect_changes(records, snapshot)
    contacts, recomputed = normalise_incremental(records, detected, snapshot, normalise_options)
    model = with_parameters(MatchModel.from_config(matching), snapshot.model)
    blocks = block_codes(contacts, parse_rules(matching)[0])
    if block_cache is not None:
        block_cache["blocks"] = blocks
    rematch, why = rematch_mask(contacts, detected, recomputed, snapshot, matching, model,
                                decision_links(stewardship), blocks)
    why = {**detected.counts(), "rematched": why}
    changes = pd.concat([
        pd.DataFrame({"contact_key": contacts["contact_key"].to_numpy(), "change": detected.status, "rematch": rematch,
                      "record_hash": detected.hashes, "incremental": True, "snapshot_row": detected.rows,
                      "recounted": recomputed}),
        pd.DataFrame({"contact_key": detected.removed.to_numpy(dtype=object), "change": REMOVED, "rematch": False,
                      "record_hash": np.zeros(len(detected.removed), dtype=np.uint64), "incremental": True,
                      "snapshot_row": detected.removed_rows, "recounted": False}),
    ], ignore_index=True)
    return contacts, changes, None, why


def decision_links(stewardship: Stewardship) -> pd.DataFrame:
    if stewardship.decisions is None:
        return pd.DataFrame(columns=["left_key", "right_key", "action"])
    return current_links(stewardship.decisions)


def pairs_for_run(contacts: pd.DataFrame, changes: pd.DataFrame, matching: dict,
                  block_cache: dict | None = None, engine=None) -> BlockingResult:
    """All candidate pairs (full rebuild, on ``engine``) or only those touching rematched records
    (a night's few thousand records: always this process)."""
    if not is_incremental(changes):
        return find_candidates(contacts, matching, engine)
    blocks = (block_cache or {}).pop("blocks", None)
    pairs, oversized = fresh_pairs(contacts, rematched(changes), matching, blocks)
    return BlockingResult(pairs=pairs, skipped_keys=oversized)


def model_for_run(contacts: pd.DataFrame, pairs: pd.DataFrame, matching: dict, changes: pd.DataFrame,
                  snapshot: MatchSnapshot | None) -> MatchModel:
    """Incremental: the snapshot run's parameters (they scored the stored pairs). Full: estimated."""
    model = MatchModel.from_config(matching)
    if is_incremental(changes):
        return with_parameters(model, snapshot.model)
    return model.fit(contacts, pairs)


def score_for_run(contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel, changes: pd.DataFrame,
                  snapshot: MatchSnapshot | None, decisions: pd.DataFrame | None = None,
                  engine=None) -> pd.DataFrame:
    """Full rebuild: every candidate pair. Incremental: the pairs scored now plus the stored
    pairs inside the affected region (``affected_region``), weights from the stored levels."""
    if not is_incremental(changes):
        return (engine or LocalEngine()).score(contacts, pairs, model)
    scored = model.predict(contacts, pairs)
    rows, gone = snapshot_rows(changes)
    rematch = rematched(changes)
    region = affected_region(rematch, rows, gone, snapshot.membership, scored, model.match_threshold,
                             links_for(decisions, contacts)[0] if decisions is not None else None)
    return with_stored_scores(rematch, region, rows, snapshot, scored, model)


def cluster_for_run(contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel, changes: pd.DataFrame,
                    snapshot: MatchSnapshot | None, decisions: pd.DataFrame | None, engine=None):
    """(clusters with ``component`` and ``reclustered`` columns, refused links)."""
    must_link, cannot_link = links_for(decisions, contacts) if decisions is not None else (None, None)
    if is_incremental(changes):
        rows, gone = snapshot_rows(changes)
        update = incremental_clusters(contacts, scored, model, rematched(changes), rows, gone, snapshot.membership,
                                      must_link, cannot_link)
        clusters, refused, components, redo = update.clusters, update.refused, update.components, update.reclustered
    else:
        clusters, refused, components = build_clusters(contacts, scored, model, must_link, cannot_link, engine)
        redo = np.ones(len(contacts), dtype=bool)
    return clusters.assign(component=components, reclustered=redo), refused


def erase_for_run(contacts: pd.DataFrame, clusters: pd.DataFrame, stewardship: Stewardship, changes: pd.DataFrame,
                  snapshot_meta: dict | None, scored: pd.DataFrame | None = None):
    """drop_erased; an incremental run with the same erasure list as the snapshot's looks only
    at the clusters it rebuilt (the others were checked against that list before)."""
    same = is_incremental(changes) and (snapshot_meta or {}).get("erasure") == erasure_fingerprint(stewardship)
    return drop_erased(contacts, clusters, stewardship, scored,
                       scope=clusters["reclustered"].to_numpy(dtype=bool) if same else None)


def golden_for_run(contacts: pd.DataFrame, clusters: pd.DataFrame, survivorship: dict, stewardship: Stewardship,
                   changes: pd.DataFrame, snapshot: MatchSnapshot | None, suppressed_keys: pd.Index | None = None):
    """(GoldenResult-like, golden ids written: None = all). ``contacts``/``clusters`` without erased
    people; ``suppressed_keys``: the erased people's records of this run."""
    rules = Survivorship(survivorship)

    def build(sub_contacts, sub_clusters, previous, registry, reserved=None):
        return build_golden_records(sub_contacts, sub_clusters, rules, previous=previous, registry=registry,
                                    run_at=stewardship.run_at, confirmed_sources=stewardship.confirmed_sources,
                                    consent_rules=stewardship.consent_rules, reserved_ids=reserved)

    if not is_incremental(changes):
        return build(contacts, clusters, stewardship.previous_crosswalk, stewardship.id_registry), None
    redo = clusters["reclustered"].to_numpy(dtype=bool)
    # Ages move with the calendar: clusters holding a birthday since the snapshot's run are
    # rebuilt too, so minors' age bands are those of today, as in a full rebuild.
    aged = birthdays_between(contacts["dob"], (snapshot.meta.get("run_at") or "")[:10],
                             (stewardship.run_at or now_utc())[:10])
    if aged.any():
        redo = redo | clusters["cluster"].isin(clusters.loc[aged, "cluster"]).to_numpy()
    update = incremental_golden(contacts, clusters, redo, removed_keys(changes), snapshot, build,
                                stewardship.previous_crosswalk, stewardship.id_registry, suppressed_keys)
    return update, update.touched_ids


def snapshot_for_run(contacts: pd.DataFrame, changes: pd.DataFrame, scored: pd.DataFrame, clusters: pd.DataFrame,
                     oversized: pd.DataFrame, suppressed: pd.DataFrame, golden: pd.DataFrame, crosswalk: pd.DataFrame,
                     lineage: pd.DataFrame, suggestions: pd.DataFrame, model: MatchModel, matching: dict,
                     survivorship: dict, normalise_options: dict | None, stewardship: Stewardship,
                     previous: MatchSnapshot | None = None,
                     queue_positions: tuple[np.ndarray, np.ndarray] | None = None) -> MatchSnapshot:
    """The snapshot a finished run leaves for the next one (every record and pair of the run,
    erased people by id only). Incremental runs: ``scored`` holds the affected region's pairs,
    the other pairs come from ``previous`` as they were. ``queue_positions``: from
    ``suggestions_for_run(..., positions=True)`` (else the suggestions' keys are looked up)."""
    meta = {"format": SNAPSHOT_FORMAT, "hash": HASH_METHOD,
            "fingerprint": run_fingerprint(matching, survivorship, normalise_options, stewardship),
            "erasure": erasure_fingerprint(stewardship),
            "mode": "incremental" if is_incremental(changes) else "full",
            "run_at": stewardship.run_at or now_utc(),
            "records": len(contacts), "golden": len(golden)}
    carried = reuse = None
    if is_incremental(changes):
        rows, _ = snapshot_rows(changes)
        stored = previous.scored
        keep, left, right = carried_pairs(rematched(changes), clusters["reclustered"].to_numpy(dtype=bool), rows,
                                          previous.kept_records, stored["left"].to_numpy(), stored["right"].to_numpy())
        # Column by column (a boolean take of a 20M-row frame would copy it twice).
        carried = {c: stored[c].to_numpy()[keep] for c in stored.columns if c not in ("left", "right")}
        carried.update(left=left, right=right)
        if previous.contacts_table is not None:
            # Records whose stored row is still exact keep it (no conversion, no rewrite).
            here = present(changes)
            exact = ((here["change"] == UNCHANGED) & ~here["recounted"]).to_numpy()
            at = np.flatnonzero(exact)
            reuse = (previous, at, rows[at])
    return build_snapshot(contacts, present(changes)["record_hash"].to_numpy(dtype=np.uint64), scored, clusters,
                          clusters["component"].to_numpy(), oversized, pd.Index(suppressed["contact_key"]), golden,
                          crosswalk, lineage, decision_links(stewardship), suggestions, model, meta, carried, reuse,
                          queue_positions)


def suggestions_for_run(scored: pd.DataFrame, contacts: pd.DataFrame, model: MatchModel,
                        decisions: pd.DataFrame | None, clusters: pd.DataFrame, changes: pd.DataFrame,
                        snapshot: MatchSnapshot | None, suppressed_keys: pd.Index | None = None,
                        positions: bool = False):
    """The review queue: ``merge_suggestions`` over this run's pairs, without erased people.
    Incremental runs add the stored suggestions between records the change did not reach
    (same scores, same clusters: still waiting for a reviewer). ``contacts``/``clusters``:
    every record of the run, erased ones too.

    ``positions``: returns (queue, the two records' rows in ``contacts`` per suggestion), the
    queue as Arrow when the stored one was (carried, merged and filtered as Arrow: a million
    suggestions are not turned into Python objects unless someone reads them; see ArrowFrame),
    so that the snapshot neither converts nor looks a million keys up again."""
    decided = decided_pair_ids(decisions) if decisions is not None else None
    out = merge_suggestions(scored, contacts, model, decided, clusters, positions=True)
    stored = arrow_or_frame(snapshot, "suggestions") if is_incremental(changes) else None
    if stored is not None and len(stored):
        rows, _ = snapshot_rows(changes)
        keep, a_pos, b_pos = carried_pairs(rematched(changes), clusters["reclustered"].to_numpy(dtype=bool), rows,
                                           snapshot.kept_records, _positions(stored, "_left"),
                                           _positions(stored, "_right"))
        if isinstance(stored, pa.Table):
            try:
                out = _carry_queue_as_arrow(stored, keep, a_pos, b_pos, out, decided)
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
        at = (_positions(out, "_a_pos"), _positions(out, "_b_pos"))
        out = out.drop_columns(["_a_pos", "_b_pos"])
        if not positions:
            out = out.to_pandas()
    else:
        at = (out.pop("_a_pos").to_numpy(), out.pop("_b_pos").to_numpy())
    return (out, at) if positions else out


def _positions(frame: pd.DataFrame | pa.Table, name: str) -> np.ndarray:
    return column_values(frame, name).astype(np.int64, copy=False)


def _carry_queue_as_arrow(stored: pa.Table, keep: np.ndarray, a_pos: np.ndarray, b_pos: np.ndarray,
                          fresh: pd.DataFrame, decided: set[str] | None) -> pa.Table:
    """The stored queue's rows ``keep`` (with this run's record positions) and tonight's ``fresh``
    suggestions as one Arrow table in queue order (probability down, then pair id)."""
    columns = [c for c in fresh.columns if not c.endswith("_pos")]
    carried = stored.filter(pa.array(keep)).select(columns).replace_schema_metadata(None)
    carried = carried.append_column("_a_pos", pa.array(a_pos, pa.int64())).append_column(
        "_b_pos", pa.array(b_pos, pa.int64()))
    if decided:
        carried = carried.filter(pc.invert(pc.is_in(carried["pair_id"], value_set=pa.array(sorted(decided), pa.string()))))
    tonight = frame_to_arrow(fresh[carried.column_names]).replace_schema_metadata(None)
    queue = pa.concat_tables([carried, tonight], promote_options="default")  # (an all-empty column: null type)
    # Both parts are in queue order already (the stored queue was): tonight's few are slotted in.
    ids = carried["pair_id"]
    order = merged_order(carried["match_probability"].to_numpy(), lambda lo, hi: ids.slice(lo, hi - lo).to_pylist(),
                         fresh["match_probability"].to_numpy(dtype=np.float64), fresh["pair_id"].to_numpy(dtype=object))
    if order is None:
        order = pc.sort_indices(queue, sort_keys=[("match_probability", "descending"), ("pair_id", "ascending")])
    return queue.take(order)


def _queue_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["match_probability", "pair_id"], ascending=[False, True], kind="mergesort",
                             ignore_index=True)


def merge_queues(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two review queues, each in queue order (probability down, then pair id), as one queue
    in that order: the rows of ``second`` (tonight's few) are slotted into ``first`` (the
    carried ~million) by binary search instead of sorting a million pair ids again."""
    if not len(first) or not len(second):
        return _queue_order(pd.concat([first, second], ignore_index=True))
    ids = first["pair_id"].to_numpy(dtype=object)
    order = merged_order(first["match_probability"].to_numpy(dtype=np.float64), lambda lo, hi: ids[lo:hi],
                         second["match_probability"].to_numpy(dtype=np.float64),
                         second["pair_id"].to_numpy(dtype=object))
    if order is None:  # not in queue order after all
        return _queue_order(pd.concat([first, second], ignore_index=True))
    return renumbered(stacked([first, second]).take(order))


def merged_order(p1: np.ndarray, ids1, p2: np.ndarray, ids2: np.ndarray) -> np.ndarray | None:
    """The order of ``first`` + ``second`` (rows of second numbered after first's) in queue order,
    given each in queue order: probabilities ``p1``/``p2``, pair ids ``ids1(lo, hi)`` (first's
    ids in rows lo..hi, asked for only where probabilities tie) and ``ids2``. None when either
    is not in queue order."""
    d1, d2 = -p1, -p2
    if (np.diff(d1) < 0).any() or (np.diff(d2) < 0).any():
        return None
    lo, hi = np.searchsorted(d1, d2, "left"), np.searchsorted(d1, d2, "right")
    slot = lo.copy()
    tied: dict[tuple[int, int], object] = {}  # (scores are discrete: one run of equal ones serves many rows)
    for j in np.flatnonzero(hi > lo):  # same probability: by pair id among those
        span = (int(lo[j]), int(hi[j]))
        if span not in tied:
            tied[span] = ids1(*span)
        slot[j] = lo[j] + bisect.bisect_left(tied[span], ids2[j])
    # slot is non-decreasing (``second`` is in order): row j of second lands at slot[j] + j,
    # row i of first after the rows of second slotted at or before it.
    n1, n2 = len(p1), len(p2)
    order = np.empty(n1 + n2, dtype=np.int64)
    order[slot + np.arange(n2)] = n1 + np.arange(n2)
    ahead = np.searchsorted(slot, np.arange(n1), "right")
    order[np.arange(n1) + ahead] = np.arange(n1)
    return order


def dedupe_incremental(records: pd.DataFrame, quarantine: pd.DataFrame, matching: dict, survivorship: dict,
                       snapshot: MatchSnapshot | None, progress=None, normalise_options: dict | None = None,
                       stewardship: Stewardship | None = None,
                       full_requested: bool = False) -> tuple[DedupeResult, MatchSnapshot]:
    """``dedupe`` for a nightly run: only what changed since ``snapshot`` is normalised,
    matched and merged (steward/incremental/snapshot.py); the result equals ``dedupe`` on the same
    records with the snapshot's model. Without a usable snapshot (or ``full_requested``):
    everything, like ``dedupe``. The same stage functions as the Dagster assets, in order.
    Returns the result and the snapshot for the next run."""
    stewardship = stewardship or Stewardship()
    timer = StageTimer(progress)
    stage, done, timings = timer.start, timer.done, timer.timings

    stage("normalise")
    block_cache: dict = {}
    contacts, changes, reason, why = normalise_for_run(records, matching, survivorship, normalise_options,
                                                       stewardship, snapshot, full_requested, block_cache)
    done("normalise")
    if reason is not None:
        log.info("full rebuild: %s", reason)
    stage("block")
    blocking = pairs_for_run(contacts, changes, matching, block_cache)
    done("block")
    stage("fit")
    model = model_for_run(contacts, blocking.pairs, matching, changes, snapshot)
    done("fit")
    stage("score")
    scored = score_for_run(contacts, blocking.pairs, model, changes, snapshot, stewardship.decisions)
    done("score")
    stage("cluster")
    clusters, _refused = cluster_for_run(contacts, scored, model, changes, snapshot, stewardship.decisions)
    done("cluster")
    all_contacts, all_scored, all_clusters = contacts, scored, clusters
    kept_contacts, kept_clusters, kept_scored, suppressed = erase_for_run(
        contacts, clusters, stewardship, changes, snapshot.meta if snapshot is not None else None, scored)
    if len(suppressed):
        quarantine = pd.concat([quarantine, to_quarantine(suppressed)], ignore_index=True)
    stage("suggest")
    suggestions, queue_positions = suggestions_for_run(scored, contacts, model, stewardship.decisions, clusters,
                                                       changes, snapshot, pd.Index(suppressed["contact_key"]),
                                                       positions=True)
    done("suggest")
    stage("merge")
    merged, touched = golden_for_run(kept_contacts, kept_clusters, survivorship, stewardship, changes, snapshot,
                                     pd.Index(suppressed["contact_key"]))
    done("merge")
    incremental = is_incremental(changes)
    # Golden records, crosswalk and lineage as they are (Arrow after an incremental run: converted
    # to pandas only if the caller reads them; the next snapshot takes them as Arrow).
    golden, crosswalk, lineage = (arrow_or_frame(merged, name) for name in ("golden", "crosswalk", "lineage"))
    result = DedupeResult(records, quarantine, kept_contacts, blocking, kept_scored, suggestions, kept_clusters,
                          golden, crosswalk, model, timings, lineage, merged.id_events,
                          merged.id_registry, suppressed, all_contacts, all_scored, all_clusters,
                          clusters["component"].to_numpy(), blocking.skipped_keys, decision_links(stewardship),
                          mode="incremental" if incremental else f"full ({reason})",
                          changes={**why, "reclustered": int(clusters["reclustered"].sum()),
                                   "pairs_scored": len(blocking.pairs)} if incremental else None,
                          touched_ids=touched)
    if incremental:
        log.info("incremental run: %s; %d pairs scored, %d records clustered again, %d golden ids written",
                 why, len(blocking.pairs), int(clusters["reclustered"].sum()), len(touched))
    stage("snapshot")
    next_snapshot = snapshot_for_run(all_contacts, changes, all_scored, all_clusters, blocking.skipped_keys,
                                     suppressed, golden, crosswalk, lineage, suggestions, model,
                                     matching, survivorship, normalise_options, stewardship, snapshot,
                                     queue_positions)
    done("snapshot")
    return result, next_snapshot
