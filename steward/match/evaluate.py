"""Accuracy against a ground truth, without enumerating pairs: pair counts come
from cluster sizes (n choose 2), so this scales to millions of records."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Evaluation:
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        return [
            f"records evaluated     {self.records:,}",
            f"pairwise precision    {self.precision:.4f}  ({self.true_positive_pairs:,} of {self.predicted_pairs:,} predicted pairs are true)",
            f"pairwise recall       {self.recall:.4f}  ({self.true_positive_pairs:,} of {self.true_pairs:,} true pairs found)",
            f"pairwise F1           {self.f1:.4f}",
            f"B-cubed P / R / F1    {self.bcubed_precision:.4f} / {self.bcubed_recall:.4f} / {self.bcubed_f1:.4f}",
        ]


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def evaluate(crosswalk: pd.DataFrame, truth: pd.DataFrame) -> Evaluation:
    """crosswalk: source, record_id, golden_id; truth: source, record_id, entity_id.

    Records present in only one of the two are ignored (quarantined rows have no
    golden id; the truth may list rows a loader rejected)."""
    cw = crosswalk[["source", "record_id", "golden_id"]].astype(str)
    tr = truth[["source", "record_id", "entity_id"]].astype(str)
    joined = cw.merge(tr, on=["source", "record_id"], how="inner")
    if joined.empty:
        raise ValueError("crosswalk and truth share no (source, record_id): are they for the same data?")
    pred_sizes = joined.groupby("golden_id").size().to_numpy()
    true_sizes = joined.groupby("entity_id").size().to_numpy()
    cell = joined.groupby(["golden_id", "entity_id"]).size()
    tp = _pairs(cell.to_numpy())
    pred, true = _pairs(pred_sizes), _pairs(true_sizes)
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0

    # B-cubed: per record, the share of its predicted cluster that is truly its
    # entity (precision) and the share of its entity that landed in its cluster (recall).
    cell_size = joined.set_index(["golden_id", "entity_id"]).index.map(cell).to_numpy(dtype=float)
    pred_of = joined["golden_id"].map(joined.groupby("golden_id").size()).to_numpy(dtype=float)
    true_of = joined["entity_id"].map(joined.groupby("entity_id").size()).to_numpy(dtype=float)
    bp = float((cell_size / pred_of).mean())
    br = float((cell_size / true_of).mean())
    return Evaluation(len(joined), true, pred, tp, precision, recall, _f1(precision, recall), bp, br, _f1(bp, br))
