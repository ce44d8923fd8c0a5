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


@dataclass(frozen=True)
class PCAResampling:
    """How far PCA moves when its training set is resampled: one entry per bootstrap resample."""

    angles_deg: np.ndarray  #: largest principal angle to the subspace fitted on all the data
    excess: np.ndarray  #: relative excess test error over the PCA fitted on all the data


@torch.no_grad()
def pca_resampling(
    x_train: Tensor, x_test: Tensor, baseline: PCABaseline, draws: int = 19, seed: int = 0
) -> PCAResampling:
    """Refit ``baseline``'s PCA on ``draws`` bootstrap resamples of ``x_train`` (n draws with
    replacement, in double precision) and compare each with it: the precision to which the
    training images fix the principal subspace and its test error. With 19 draws, the largest is
    a 95 % level: a 20th resample would exceed all 19 with probability 1/20."""
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    reference = baseline.components
    p = reference.shape[1]
    x = x_train.detach().cpu()
    n = len(x)
    generator = torch.Generator().manual_seed(seed)
    angles, excess = [], []
    for _ in range(draws):
        weight = torch.bincount(torch.randint(n, (n,), generator=generator), minlength=n)
        weight = weight.double()
        total = weight.sum()
        mean = weight @ x.double() / total
        second = torch.zeros(x.shape[1], x.shape[1], dtype=torch.float64)
        for start in range(0, n, 10_000):  # X^T diag(w) X, a block of rows at a time
            block, w = x[start : start + 10_000].double(), weight[start : start + 10_000]
            second += (block * w[:, None]).T @ block
        covariance = second / total - torch.outer(mean, mean)
        basis = torch.linalg.eigh(covariance).eigenvectors[:, -p:]
        angles.append(principal_angles(basis, reference).max())
        centre, basis = mean.float(), basis.float()

        def reconstruct(v: Tensor, centre=centre, basis=basis) -> Tensor:
            shift = centre.to(v.device)
            on = basis.to(v.device)
            return shift + ((v - shift) @ on) @ on.T

        excess.append(reconstruction_error(reconstruct, x_test) / baseline.test_error - 1)
    return PCAResampling(np.array(angles), np.array(excess))


def principal_angles(a: np.ndarray | Tensor, b: np.ndarray | Tensor) -> np.ndarray:
    """Principal angles in degrees between the column spans of ``a`` and ``b`` (ascending).

    All zero when the two matrices span the same subspace, whatever bases they use.
    """
    a = a.detach().cpu().numpy() if isinstance(a, Tensor) else np.asarray(a)
    b = b.detach().cpu().numpy() if isinstance(b, Tensor) else np.asarray(b)
    return np.sort(
        np.degrees(scipy.linalg.subspace_angles(a.astype(np.float64), b.astype(np.float64)))
    )
