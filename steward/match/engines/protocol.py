"""The interface every engine keeps: pandas in, pandas out, so that the review queue, erasure,
golden records, Dagster assets and snapshots do not care where the pairs were compared."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from steward.config.matching import MatchingSettings
from steward.match.blocking import BlockingResult
from steward.match.model import MatchModel


class PairEngine(Protocol):
    """The stages that grow with the number of pairs: block -> score -> fit -> cluster."""

    def candidate_pairs(self, contacts: pd.DataFrame, matching: MatchingSettings) -> BlockingResult:
        """Pairs of records sharing a blocking key (``left``/``right``: rows of ``contacts``)."""

    def score(self, contacts: pd.DataFrame, pairs: pd.DataFrame, model: MatchModel) -> pd.DataFrame:
        """Every pair compared once: comparison levels, weights and match probability."""

    def fit(self, model: MatchModel, contacts: pd.DataFrame, pairs: pd.DataFrame,
            scored: pd.DataFrame, approved: pd.DataFrame | None = None) -> tuple[MatchModel, pd.DataFrame]:
        """(the model re-estimated from ``scored`` and reviewers' ``approved`` pairs, ``scored``
        weighed by it)."""

    def cluster(self, contacts: pd.DataFrame, scored: pd.DataFrame, model: MatchModel,
                must_link: pd.DataFrame | None = None,
                cannot_link: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
        """(cluster label per record, links refused, graph component per record)."""

    def close(self) -> None:
        """Release what the engine holds (a Spark session it started)."""
