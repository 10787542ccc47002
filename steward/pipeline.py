"""The stages composed end to end, for the CLI and for tests. The Dagster assets
call the same stage functions one by one."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pandas as pd

from steward.config import SourceConfig
from steward.contacts import normalise_contacts
from steward.golden import Survivorship, build_golden_records
from steward.matching.blocking import BlockingResult, candidate_pairs, parse_rules
from steward.matching.cluster import cluster_records, safe_clusters
from steward.matching.model import MatchModel, classify, explanation_text
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


def merge_suggestions(scored: pd.DataFrame, contacts: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
    """Grey-zone pairs, best first, the two records side by side with the evidence in words."""
    grey = scored[classify(scored, model) == "review"].sort_values("match_probability", ascending=False)
    side = contacts[SIDE_BY_SIDE].reset_index(drop=True)
    left = side.iloc[grey["left"].to_numpy()].add_prefix("a_").reset_index(drop=True)
    right = side.iloc[grey["right"].to_numpy()].add_prefix("b_").reset_index(drop=True)
    grey = grey.reset_index(drop=True)
    out = pd.concat([left, right], axis=1)
    out.insert(0, "pair_id", out["a_contact_key"] + "~" + out["b_contact_key"])
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


def dedupe(records: pd.DataFrame, quarantine: pd.DataFrame, matching: dict, survivorship: dict, progress=None,
           normalise_options: dict | None = None) -> DedupeResult:
    """normalise -> block -> score -> cluster -> golden records."""
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
    clusters, _refused = build_clusters(contacts, scored, model)
    suggestions = merge_suggestions(scored, contacts, model)
    done("cluster")
    stage("merge")
    golden, crosswalk = build_golden_records(contacts, clusters, rules)
    done("merge")
    return DedupeResult(records, quarantine, contacts, blocking, scored, suggestions, clusters, golden, crosswalk, model,
                        timings)
