"""The Fréchet distance (a 2-Wasserstein distance between Gaussians) and its MNIST features."""

import numpy as np
import pytest
import scipy.linalg
import torch

from aebook.evaluate.frechet import (
    FrechetScorer,
    feature_statistics,
    frechet_distance,
    train_feature_classifier,
)
from aebook.models import MLPClassifier
from aebook.train import TrainConfig


def test_diagonal_gaussians_have_the_closed_form():
    rng = np.random.default_rng(0)
    m1, m2 = rng.normal(size=5), rng.normal(size=5)
    v1, v2 = rng.uniform(0.1, 2, 5), rng.uniform(0.1, 2, 5)
    expected = ((m1 - m2) ** 2).sum() + ((np.sqrt(v1) - np.sqrt(v2)) ** 2).sum()
    assert frechet_distance(m1, np.diag(v1), m2, np.diag(v2)) == pytest.approx(expected)


def test_general_gaussians_match_scipy_sqrtm():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    ca, cb = a @ a.T + 0.1 * np.eye(6), b @ b.T + 0.1 * np.eye(6)
    m = rng.normal(size=6)
    expected = m @ m + np.trace(ca + cb - 2 * np.real(scipy.linalg.sqrtm(ca @ cb)))
    assert frechet_distance(m, ca, np.zeros(6), cb) == pytest.approx(expected, rel=1e-8)
    assert frechet_distance(m, ca, np.zeros(6), cb) == pytest.approx(
        frechet_distance(np.zeros(6), cb, m, ca), rel=1e-8
    )


def test_identical_and_singular_gaussians():
    rng = np.random.default_rng(2)
    low_rank = rng.normal(size=(8, 3))
    c = low_rank @ low_rank.T  # rank 3: a general matrix square root struggles here
    assert frechet_distance(np.ones(8), c, np.ones(8), c) == pytest.approx(0.0, abs=1e-8)
    shift = np.arange(8.0)
    assert frechet_distance(shift, c, np.zeros(8), c) == pytest.approx(shift @ shift)
    with pytest.raises(ValueError, match="differ in dimension"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))


def _blobs(n, seed):
    """Two classes of 20-pixel 'images' that a classifier tells apart."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.rand(n, 20, generator=g) * 0.3
    x[y == 1, :10] += 0.6
    return x, y


def test_scorer_ranks_sets_by_closeness_to_the_reference():
    x, y = _blobs(2000, 0)
    net = train_feature_classifier(
        x, y, TrainConfig(epochs=5, batch_size=50, lr=3e-3), hidden_sizes=(16, 8), device="cpu"
    )
    assert isinstance(net, MLPClassifier) and not net.training
    scorer = FrechetScorer(net, _blobs(1000, 1)[0])
    same = scorer(_blobs(1000, 2)[0])
    only_class_0 = scorer(x[y == 0][:500])
    noise = scorer(torch.rand(1000, 20))
    assert same < 0.2 * only_class_0 and same < 0.2 * noise
    mean, cov = feature_statistics(net, x)
    assert mean.shape == (8,) and cov.shape == (8, 8)
    with pytest.raises(ValueError, match="at least 2 rows"):
        feature_statistics(net, x[:1])
