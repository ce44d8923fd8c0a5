"""How well a clustering recovers known classes: NMI and accuracy under the best matching.

A clustering names its groups arbitrarily (cluster 3 may hold the sevens), so its labels are
compared with the classes only after renaming. Two scores are standard in the deep-clustering
literature (Xie et al. 2016 and later):

- :func:`clustering_accuracy`: the fraction of examples whose cluster, renamed by the one-to-one
  matching of clusters to classes that maximises agreement, equals their class. The matching is an
  assignment problem on the contingency table, solved exactly by the Hungarian method
  (``scipy.optimize.linear_sum_assignment``).
- :func:`nmi`: normalised mutual information between clusters and classes (scikit-learn,
  arithmetic normalisation), invariant to renaming by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix


def _labels(values, name: str) -> np.ndarray:
    arr = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def _pair(classes, clusters) -> tuple[np.ndarray, np.ndarray]:
    y, c = _labels(classes, "classes"), _labels(clusters, "clusters")
    if len(y) != len(c):
        raise ValueError(f"classes has {len(y)} entries but clusters has {len(c)}")
    return y, c


def _assignment(y: np.ndarray, c: np.ndarray):
    """Contingency table (clusters x classes), its optimal assignment, and the label values."""
    class_ids, y_idx = np.unique(y, return_inverse=True)
    cluster_ids, c_idx = np.unique(c, return_inverse=True)
    table = contingency_matrix(c_idx, y_idx)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table, rows, cols, cluster_ids, class_ids


def best_matching(classes, clusters) -> dict[int, int]:
    """The one-to-one map cluster -> class that maximises the number of agreements.

    With more clusters than classes, the clusters left unmatched are absent from the map (their
    members count as errors in :func:`clustering_accuracy`).
    """
    _, rows, cols, cluster_ids, class_ids = _assignment(*_pair(classes, clusters))
    return {int(cluster_ids[r]): int(class_ids[k]) for r, k in zip(rows, cols, strict=True)}


def clustering_accuracy(classes, clusters) -> float:
    """Accuracy in percent of ``clusters`` against ``classes`` after the best one-to-one renaming."""
    y, c = _pair(classes, clusters)
    table, rows, cols, _, _ = _assignment(y, c)
    return 100.0 * float(table[rows, cols].sum()) / len(y)


def nmi(classes, clusters) -> float:
    """Normalised mutual information in [0, 1] (1: the clusters are the classes, renamed)."""
    y, c = _pair(classes, clusters)
    return float(normalized_mutual_info_score(y, c))


@dataclass(frozen=True)
class ClusteringScores:
    """Accuracy in percent (best matching) and NMI in [0, 1] of one clustering."""

    accuracy: float
    nmi: float

    def __str__(self) -> str:
        return f"accuracy {self.accuracy:.1f} %, NMI {self.nmi:.3f}"


def clustering_scores(classes, clusters) -> ClusteringScores:
    """Both scores of ``clusters`` against ``classes``."""
    return ClusteringScores(clustering_accuracy(classes, clusters), nmi(classes, clusters))
