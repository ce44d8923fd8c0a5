"""Chapter 4, clustering (Bank, Koenigstein & Giryes 2020): k-means on codes against pixels.

An autoencoder and PCA are fitted without labels; k-means clusters the test images in each
space, scored by clustering accuracy and NMI against the digit labels. The criteria are the
survey's claim, the same in every profile and written where the page builds them: codes cluster
better than pixels, a gain above 0 in both scores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.cluster import KMeans
from torch import Tensor

from aebook.evaluate.clustering import best_matching
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class ClusteringSettings(ChapterSettings):
    n_train: int  #: training images the autoencoder and PCA are fitted on (labels unused)
    n_cluster: int  #: test images that are clustered and scored
    encoder_sizes: tuple[int, ...]  #: encoder layers before the code
    code_size: int  #: autoencoder code size = number of principal components
    autoencoder: TrainConfig  #: the autoencoder
    n_init: int  #: k-means restarts (the best inertia is kept)


_AE = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = ClusteringSettings(
    n_train=50_000,
    n_cluster=10_000,
    encoder_sizes=(784, 500, 500),
    code_size=10,
    autoencoder=TrainConfig(epochs=10, **_AE),
    n_init=10,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_train=5000,
        n_cluster=2000,
        encoder_sizes=(784, 256),
        autoencoder=TrainConfig(epochs=3, **_AE),
        n_init=3,
    ),
    "standard": _STANDARD,
    # For one GPU: the architecture and schedule of Xie et al. (DEC).
    "paper": replace(
        _STANDARD,
        encoder_sizes=(784, 500, 500, 2000),
        autoencoder=TrainConfig(epochs=200, batch_size=256, lr=1e-3, lr_schedule="cosine"),
        n_init=20,
    ),
}


def kmeans_clusters(features, k: int = 10, *, n_init: int = 10, seed: int = 0) -> np.ndarray:
    """k-means (scikit-learn, k-means++ starts) on the rows of ``features``: one cluster per row."""
    f = features.cpu().numpy() if isinstance(features, Tensor) else np.asarray(features)
    return KMeans(k, n_init=n_init, random_state=seed).fit_predict(f)


def matched_contingency(classes, clusters) -> tuple[np.ndarray, list[int], list[int]]:
    """Counts of (cluster, class) with the clusters ordered by the class they are matched to.

    Returns the table ``(clusters, classes)``, the cluster id of each row, and the class each row's
    cluster is matched to (-1 if unmatched), for a figure where a perfect clustering is a diagonal.
    """
    y = np.asarray(classes.cpu() if isinstance(classes, Tensor) else classes)
    c = np.asarray(clusters)
    mapping = best_matching(y, c)
    class_ids = np.unique(y)
    order = sorted((int(k) for k in np.unique(c)), key=lambda k: (mapping.get(k, 10**9), k))
    table = np.array([[np.sum((c == k) & (y == j)) for j in class_ids] for k in order])
    return table, order, [mapping.get(k, -1) for k in order]
