"""A Fréchet distance between sets of MNIST-like images, in the features of a small classifier.

This is **not** the Fréchet Inception Distance (FID) of Heusel et al. (2017). The recipe is the
same: embed two sets of images with a fixed network, fit a Gaussian to each set of features, and
report the Fréchet (2-Wasserstein) distance between the two Gaussians,

    FD = ‖μ₁ - μ₂‖² + Tr(Σ₁ + Σ₂ - 2 (Σ₁ Σ₂)^{1/2}).

But the network is an :class:`~aebook.models.supervised.MLPClassifier`, a small MLP that this
package trains on MNIST digits, and its features are the last hidden layer. Its numbers are
comparable with each other (same classifier, same reference set, same number of samples), not with
FIDs in the literature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from aebook.evaluate.batches import in_batches
from aebook.models.supervised import MLPClassifier
from aebook.train import TrainConfig, fit


def train_feature_classifier(
    x: Tensor,
    y: Tensor,
    config: TrainConfig,
    *,
    hidden_sizes: tuple[int, ...] = (256, 128),
    device=None,
) -> MLPClassifier:
    """Train an :class:`~aebook.models.supervised.MLPClassifier` on images ``x`` ``(n, d)`` and
    labels ``y``; eval mode."""
    torch.manual_seed(config.seed)
    net = MLPClassifier(x.shape[1], int(y.max()) + 1, hidden_sizes, activation="relu")
    fit(net, (x, y), config, device=device)
    return net.eval()


@torch.no_grad()
def feature_statistics(
    net: MLPClassifier, x: Tensor, batch_size: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``(f,)`` and covariance ``(f, f)`` of ``net``'s features over the rows of ``x``."""
    if len(x) < 2:
        raise ValueError(f"x needs at least 2 rows to estimate a covariance; got {len(x)}")
    feats = in_batches(net.features, x, batch_size, device=next(net.parameters()).device)
    feats = feats.double().cpu().numpy()
    return feats.mean(0), np.cov(feats, rowvar=False)


def frechet_distance(
    mean_a: np.ndarray, cov_a: np.ndarray, mean_b: np.ndarray, cov_b: np.ndarray
) -> float:
    """``‖μa - μb‖² + Tr(Σa + Σb - 2 (Σa Σb)^{1/2})``: the 2-Wasserstein distance² of two Gaussians."""
    mean_a, mean_b = np.atleast_1d(mean_a), np.atleast_1d(mean_b)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    if mean_a.shape != mean_b.shape or cov_a.shape != cov_b.shape:
        raise ValueError(
            f"the two Gaussians differ in dimension: means {mean_a.shape}, {mean_b.shape}; "
            f"covariances {cov_a.shape}, {cov_b.shape}"
        )
    diff = mean_a - mean_b
    value = diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * _trace_sqrt(cov_a, cov_b)
    return float(max(value, 0.0))


def _psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """The symmetric square root of a positive semi-definite matrix (eigenvalues clipped at 0)."""
    w, v = np.linalg.eigh((cov + cov.T) / 2)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _trace_sqrt(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """``Tr((Σa Σb)^{1/2})``, as the sum of square roots of the eigenvalues of the symmetric
    matrix ``Σa^{1/2} Σb Σa^{1/2}`` (similar to ``Σa Σb``): exact for singular covariances too,
    where a general matrix square root of ``Σa Σb`` is ill-conditioned."""
    root_a = _psd_sqrt(cov_a)
    inner = root_a @ cov_b @ root_a
    return float(np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0.0, None)).sum())


@dataclass
class FrechetScorer:
    """The Fréchet distance of image sets to a fixed reference set, in ``net``'s features."""

    net: MLPClassifier
    reference: Tensor

    def __post_init__(self):
        self._ref = feature_statistics(self.net, self.reference)

    def __call__(self, images: Tensor) -> float:
        """FD between ``images`` ``(n, d)`` and the reference set (lower is closer)."""
        return frechet_distance(*feature_statistics(self.net, images), *self._ref)
