"""Reconstruction error, the PCA baseline, and principal angles between subspaces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import torch
from sklearn.decomposition import PCA
from torch import Tensor

from aebook.evaluate.batches import in_batches


@torch.no_grad()
def reconstruction_error(
    reconstruct: Callable[[Tensor], Tensor], x: Tensor, batch_size: int = 2000
) -> float:
    """Mean over examples of ||x - reconstruct(x)||^2 (summed over the d inputs)."""
    sums = in_batches(lambda chunk: (chunk - reconstruct(chunk)).pow(2).sum()[None], x, batch_size)
    return sum(float(s) for s in sums) / len(x)


@dataclass(frozen=True)
class PCABaseline:
    """PCA with ``p`` components fitted on training data: its basis and its test error."""

    pca: PCA
    test_error: float

    @property
    def components(self) -> np.ndarray:
        """Orthonormal basis of the principal subspace, shape ``(d, p)``."""
        return self.pca.components_.T


def pca_baseline(x_train: Tensor, x_test: Tensor, p: int) -> PCABaseline:
    """Fit PCA with ``p`` components (scikit-learn, exact SVD) and measure its reconstruction error."""
    if p < 1:
        raise ValueError(f"p must be >= 1, got {p}")
    pca = PCA(n_components=p, svd_solver="full").fit(x_train.cpu().numpy())

    def reconstruct(x: Tensor) -> Tensor:
        z = pca.transform(x.cpu().numpy())
        return torch.from_numpy(pca.inverse_transform(z)).to(x)

    return PCABaseline(pca, reconstruction_error(reconstruct, x_test))


def principal_angles(a: np.ndarray | Tensor, b: np.ndarray | Tensor) -> np.ndarray:
    """Principal angles in degrees between the column spans of ``a`` and ``b`` (ascending).

    All zero when the two matrices span the same subspace, whatever bases they use.
    """
    a = a.detach().cpu().numpy() if isinstance(a, Tensor) else np.asarray(a)
    b = b.detach().cpu().numpy() if isinstance(b, Tensor) else np.asarray(b)
    return np.sort(
        np.degrees(scipy.linalg.subspace_angles(a.astype(np.float64), b.astype(np.float64)))
    )
