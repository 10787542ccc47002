"""The stages composed end to end, for the CLI and for tests. The Dagster assets
call the same stage functions one by one."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from steward.config import Project, SourceConfig
from steward.contacts import normalise_contacts
from steward.golden import Survivorship, build_golden_records
from steward.incremental import (SNAPSHOT_FORMAT, MatchSnapshot, build_snapshot, content_hashes, detect_changes,
                                 fresh_pairs, graph_components, incremental_clusters, incremental_golden,
                                 normalise_incremental, rematch_mask, rules_fingerprint, with_parameters,
                                 with_stored_scores)
from steward.matching.blocking import BlockingResult, candidate_pairs, parse_rules
from steward.matching.cluster import cluster_records, safe_clusters
from steward.matching.model import MatchModel, classify, explanation_text
from steward.consent import ConsentRules, confirmed_sources
from steward.erasure import SUPPRESSED_COLUMNS, apply_erasure, load_erasure_list, to_quarantine
from steward.review import current_links, decided_pair_ids, links_for, load_decisions
from steward.state import GOLDEN_CROSSWALK, GOLDEN_IDS, StateStore
from steward.sources import LoadedSource, empty_quarantine, load_source

log = logging.getLogger("steward.pipeline")

SIDE_BY_SIDE = ["contact_key", "first_name", "last_name", "email", "phone", "company", "city", "date_of_birth"]


def combine_sources(loaded: list[LoadedSource]) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = [item.records for item in loaded if not item.records.empty]
    quarantine = [item.quarantine for item in loaded if not item.quarantine.empty]
    all_records = pd.concat(records, ignore_index=True) if records else pd.DataFrame()
    all_quarantine = pd.concat(quarantine, ignore_index=True) if quarantine else empty_quarantine()
    return all_records, all_quarantine


def load_all(sources: dict[str, SourceConfig]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return combine_sources([load_source(cfg) for cfg in sources.values()])


def find_candidates(contacts: pd.DataFrame, matching: dict) -> BlockingResult:
    rules, max_block = parse_rules(matching)
    return candidate_pairs(contacts, rules, max_block)


def merge_suggestions(scored: pd.DataFrame, contacts: pd.DataFrame, model: MatchModel,
                      decided: set[str] | None = None, clusters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grey-zone pairs, best first, the two records side by side with the evidence in words.

    The pair id is ``<key>~<key>`` with the smaller contact key first, so the same two
    records have the same id in every run; pairs already decided by a reviewer are left
    out, and so are pairs already in one cluster (through other records): approving
    them would change nothing."""
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
    order = np.argsort(-grey["match_probability"].to_numpy(), kind="stable")
    grey, pair_ids = grey.iloc[order], pair_ids.iloc[order]
    side = contacts[SIDE_BY_SIDE].reset_index(drop=True)
    left = side.iloc[grey["left"].to_numpy()].add_prefix("a_").reset_index(drop=True)
    right = side.iloc[grey["right"].to_numpy()].add_prefix("b_").reset_index(drop=True)
    grey = grey.reset_index(drop=True)
    out = pd.concat([left, right], axis=1)
    out.insert(0, "pair_id", pair_ids.to_numpy())
    out.insert(1, "match_probability", grey["match_probability"].round(4))
    out["explanation"] = [explanation_text(row, model) for _, row in grey.iterrows()]
    return out


def build_clusters(contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel,
                   must_link: pd.DataFrame | None = None, cannot_link: pd.DataFrame | None = None):
    """Safe clusters (no chaining through contradictions) and the links refused on the way."""
    rules = (model.clustering or {}).get("cannot_link")
    labels, refused = safe_clusters(
        len(contacts), scored, model.match_threshold,
        score_pairs_fn=lambda pairs: model.predict(contacts, pairs),
        contradiction_rules=rules, must_link=must_link, cannot_link=cannot_link,
    )
    return cluster_records(contacts, labels), refused


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
    suggestions: pd.DataFrame
    clusters: pd.DataFrame
    golden: pd.DataFrame
    crosswalk: pd.DataFrame
    model: MatchModel
    timings: dict[str, float] = field(default_factory=dict)
    lineage: pd.DataFrame | None = None
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


def dedupe(records: pd.DataFrame, quarantine: pd.DataFrame, matching: dict, survivorship: dict, progress=None,
           normalise_options: dict | None = None, stewardship: Stewardship | None = None) -> DedupeResult:
    """normalise -> block -> score -> cluster -> erase -> golden records.

    ``stewardship``: reviewer decisions (approved pairs are must-links, rejected ones
    cannot-links, whatever the scores say), previous golden ids, erasure requests and
    consent rules (see Stewardship)."""
    stewardship = stewardship or Stewardship()
    decisions = stewardship.decisions
    timings: dict[str, float] = {}

    def stage(name):
        if progress:
            progress(name)
        timings[name] = time.perf_counter()

    def done(name):
        timings[name] = round(time.perf_counter() - timings[name], 3)

    model = MatchModel.from_config(matching)
    rules = Survivorship(survivorship)
    stage("normalise")
    contacts = normalise_contacts(records, **(normalise_options or {}))
    done("normalise")
    stage("block")
    blocking = find_candidates(contacts, matching)
    done("block")
    stage("fit")
    model = model.fit(contacts, blocking.pairs)
    done("fit")
    stage("score")
    scored = model.predict(contacts, blocking.pairs)
    done("score")
    stage("cluster")
    must_link, cannot_link = links_for(decisions, contacts) if decisions is not None else (None, None)
    clusters, _refused = build_clusters(contacts, scored, model, must_link, cannot_link)
    done("cluster")
    all_contacts, all_scored, all_clusters = contacts, scored, clusters
    components = graph_components(len(contacts), scored, model.match_threshold, must_link, cannot_link)
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
                        suppressed, all_contacts, all_scored, all_clusters, components, blocking.skipped_keys,
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
    if any(spec.get("term_frequency") for spec in matching.get("comparisons") or []):
        # Term frequencies move with every new record, so stored scores would drift.
        return "term-frequency adjustment is on"
    return None


def snapshot_of(result: DedupeResult, hashes: np.ndarray, fingerprint: str, erasure_fp: str) -> MatchSnapshot:
    """The snapshot a finished run leaves for the next one."""
    links = result.links if result.links is not None else pd.DataFrame(columns=["left_key", "right_key", "action"])
    meta = {"format": SNAPSHOT_FORMAT, "fingerprint": fingerprint, "erasure": erasure_fp, "mode": result.mode,
            "records": len(result.all_contacts), "golden": len(result.golden)}
    return build_snapshot(result.all_contacts, hashes, result.all_scored, result.all_clusters, result.components,
                          result.oversized, pd.Index(result.suppressed["contact_key"]), result.golden,
                          result.crosswalk, result.lineage, links, result.model, meta)


def dedupe_incremental(records: pd.DataFrame, quarantine: pd.DataFrame, matching: dict, survivorship: dict,
                       snapshot: MatchSnapshot | None, progress=None, normalise_options: dict | None = None,
                       stewardship: Stewardship | None = None) -> tuple[DedupeResult, MatchSnapshot]:
    """``dedupe`` for a nightly run: only what changed since ``snapshot`` is normalised,
    matched and merged (steward/incremental.py); the result equals ``dedupe`` on the same
    records with the snapshot's model. Without a usable snapshot: a full ``dedupe``.
    Returns the result and the snapshot for the next run."""
    stewardship = stewardship or Stewardship()
    fingerprint = run_fingerprint(matching, survivorship, normalise_options, stewardship)
    erasure_fp = erasure_fingerprint(stewardship)
    reason = snapshot_reason(snapshot, fingerprint, matching)
    records = records.reset_index(drop=True)
    if reason is not None:
        log.info("full rebuild: %s", reason)
        result = dedupe(records, quarantine, matching, survivorship, progress, normalise_options, stewardship)
        result.mode = f"full ({reason})"
        return result, snapshot_of(result, content_hashes(records), fingerprint, erasure_fp)

    timings: dict[str, float] = {}

    def stage(name):
        if progress:
            progress(name)
        timings[name] = time.perf_counter()

    def done(name):
        timings[name] = round(time.perf_counter() - timings[name], 3)

    decisions = stewardship.decisions
    model = with_parameters(MatchModel.from_config(matching), snapshot.model)
    stage("normalise")
    changes = detect_changes(records, snapshot)
    contacts = normalise_incremental(records, changes, snapshot, normalise_options)
    done("normalise")
    stage("block")
    links = current_links(decisions) if decisions is not None else pd.DataFrame(columns=["left_key", "right_key", "action"])
    must_link, cannot_link = links_for(decisions, contacts) if decisions is not None else (None, None)
    rematch, why = rematch_mask(contacts, changes, snapshot, matching, model, links)
    pairs, oversized = fresh_pairs(contacts, rematch, matching)
    done("block")
    stage("score")
    scored = with_stored_scores(contacts, rematch, snapshot, model.predict(contacts, pairs))
    done("score")
    stage("cluster")
    update = incremental_clusters(contacts, scored, model, rematch, changes.removed, snapshot, must_link, cannot_link)
    done("cluster")
    clusters = update.clusters
    all_contacts, all_scored, all_clusters = contacts, scored, clusters
    same_erasures = snapshot.meta.get("erasure") == erasure_fp
    contacts, clusters, scored, suppressed = drop_erased(contacts, clusters, stewardship, scored,
                                                         scope=update.reclustered if same_erasures else None)
    if len(suppressed):
        quarantine = pd.concat([quarantine, to_quarantine(suppressed)], ignore_index=True)
    keep = ~all_contacts["contact_key"].isin(suppressed["contact_key"]).to_numpy()
    suggestions = merge_suggestions(scored, contacts, model,
                                    decided_pair_ids(decisions) if decisions is not None else None, clusters)
    stage("merge")
    rules = Survivorship(survivorship)

    def build(sub_contacts, sub_clusters, previous, registry, reserved):
        return build_golden_records(sub_contacts, sub_clusters, rules, previous=previous, registry=registry,
                                    run_at=stewardship.run_at, confirmed_sources=stewardship.confirmed_sources,
                                    consent_rules=stewardship.consent_rules, reserved_ids=reserved)

    golden = incremental_golden(contacts, clusters, update.reclustered[keep], changes.removed, snapshot, build,
                                stewardship.previous_crosswalk, stewardship.id_registry)
    done("merge")
    blocking = BlockingResult(pairs=pairs, skipped_keys=oversized)
    result = DedupeResult(records, quarantine, contacts, blocking, scored, suggestions, clusters, golden.golden,
                          golden.crosswalk, model, timings, golden.lineage, golden.id_events, golden.id_registry,
                          suppressed, all_contacts, all_scored, all_clusters, update.components, oversized, links,
                          mode="incremental", changes={**changes.counts(), "rematched": why,
                                                       "reclustered": int(update.reclustered.sum()),
                                                       "pairs_scored": len(pairs)},
                          touched_ids=golden.touched_ids)
    log.info("incremental run: %s; %d pairs scored, %d records clustered again, %d golden ids written",
             changes.counts(), len(pairs), int(update.reclustered.sum()), len(golden.touched_ids))
    return result, snapshot_of(result, changes.hashes, fingerprint, erasure_fp)
