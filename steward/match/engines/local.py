"""Where the pair stages run: block -> score -> fit -> cluster.

An engine takes the normalised contacts (pandas, one row per record) and returns pandas
frames the rest of the pipeline reads (candidate pairs, scored pairs, cluster labels), so the
review queue, erasure, golden records, Dagster assets and snapshots do not care where the
pairs were compared. ``LocalEngine`` runs on this machine (numpy blocking, rapidfuzz scoring in
chunks, scipy components); ``steward.match.engines.spark.SparkEngine`` runs the same comparison functions on
Apache Spark. ``steward.match.engines.engine_named`` builds one from its name (the CLI's
``--engine``, the Dagster ``match_engine`` resource); ``PairEngine`` is the interface both keep.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings
from steward.match.blocking import BlockingResult, candidate_pairs, parse_rules
from steward.match.cluster import graph_components, safe_clusters
from steward.match.model import MatchModel, predict_among, reweighted, same_parameters
from steward.match.training import fit_model

class LocalEngine:
    """The pair stages in this process."""

    name = "local"

    def candidate_pairs(self, contacts: pd.DataFrame, matching: MatchingSettings) -> BlockingResult:
        rules, max_block = parse_rules(matching)
        return candidate_pairs(contacts, rules, max_block)

    def score(self, contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
        return model.predict(contacts, pairs)

    def fit(self, model: MatchModel, contacts: pd.DataFrame, pairs: pd.DataFrame,
            scored: pd.DataFrame, approved: pd.DataFrame | None = None) -> tuple[MatchModel, pd.DataFrame]:
        """(the fitted model, ``scored`` weighed by it). Every pair was compared once, with the
        configured model: the fit (EM sample, guard) takes its comparison levels from those scores,
        and a model it re-estimates only weighs them again: levels depend on the comparisons,
        not on m, u or the prior. ``approved``: pairs reviewers approved, labels for m."""
        fitted = fit_model(model, contacts, pairs, scored, approved)
        if not same_parameters(fitted, model):
            again = reweighted(scored, fitted)
            scored = again if again is not None else self.score(contacts, pairs, fitted)
        return fitted, scored

    def cluster(self, contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel,
                must_link: pd.DataFrame | None = None,
                cannot_link: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
        """(cluster label per record, links refused, graph component per record)."""
        rules = model.contradiction_rules
        labels, refused = safe_clusters(
            len(contacts), scored, model.match_threshold,
            score_pairs_fn=lambda pairs: predict_among(contacts, pairs, model),
            contradiction_rules=rules, must_link=must_link, cannot_link=cannot_link,
        )
        components = graph_components(len(contacts), scored, model.match_threshold, must_link, cannot_link)
        return labels, refused, components

    def close(self) -> None:
        pass
