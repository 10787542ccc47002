"""Clusters from matched pairs: connected components over a sparse graph."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def connected_clusters(n_records: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cluster label per record (0..k-1); records without links are singletons."""
    if n_records == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n_records, n_records))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def cluster_records(contacts: pd.DataFrame, matched_pairs: pd.DataFrame) -> pd.DataFrame:
    """contact_key, source, record_id, cluster (int) for every record."""
    labels = connected_clusters(
        len(contacts), matched_pairs["left"].to_numpy(dtype=np.int64), matched_pairs["right"].to_numpy(dtype=np.int64)
    )
    out = contacts[["contact_key", "source", "record_id"]].copy()
    out["cluster"] = labels
    out["cluster_size"] = out.groupby("cluster")["cluster"].transform("size")
    return out
