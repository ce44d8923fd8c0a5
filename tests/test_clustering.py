"""The clustering page: k-means and the matched contingency table."""

import dataclasses

import numpy as np
import torch

from aebook.experiments.clustering import SETTINGS, kmeans_clusters, matched_contingency


def test_the_criteria_are_the_claims_themselves():
    """A gain must be >= 0 in every profile, written in the page: no setting loosens the claim."""
    for cfg in SETTINGS.values():
        assert not [f.name for f in dataclasses.fields(cfg) if f.name.startswith("min_gain")]


def _blobs(n_per_class=40, seed=0):
    """Ten well-separated Gaussian blobs in 5-D (the same centres for every seed)."""
    centres = torch.randn(10, 5, generator=torch.Generator().manual_seed(123)) * 6
    y = torch.arange(10).repeat_interleave(n_per_class)
    x = centres[y] + torch.randn(len(y), 5, generator=torch.Generator().manual_seed(seed))
    return x, y


def test_kmeans_recovers_blobs_and_the_contingency_is_diagonal():
    x, y = _blobs()
    clusters = kmeans_clusters(x, 10, n_init=5)
    table, order, matched = matched_contingency(y, clusters)
    assert sorted(matched) == list(range(10)) and sorted(order) == list(range(10))
    assert np.trace(table) >= 0.95 * len(y), "clusters ordered by their matched class"
