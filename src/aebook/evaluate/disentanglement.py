"""The mutual information gap (MIG, Chen, Li, Grosse & Duvenaud 2018), a disentanglement score.

For each generative factor ``v_k`` (discrete, with known values) and each code unit ``z_j``,
estimate the mutual information ``I(z_j; v_k)`` after cutting ``z_j`` into equal-width bins. The
gap for factor ``k`` is the difference between the largest and the second largest of these over
``j``, divided by the entropy ``H(v_k)``; MIG is the mean gap over the factors:

    MIG = (1/K) Σ_k [ I(z_{j₁}; v_k) - I(z_{j₂}; v_k) ] / H(v_k)

It is 1 when each factor is copied by exactly one unit and ignored by the others, near 0 when the
code says nothing about the factors, and also near 0 when a factor is spread equally over several
units (the gap, not the information, is rewarded). The entropies and informations are estimated
with scikit-learn's ``mutual_info_score`` on the discretized values, in nats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import mutual_info_score


@dataclass(frozen=True)
class MIGResult:
    """MIG and what it is made of: ``mutual_information[j, k]`` = I(z_j; v_k) in nats,
    ``entropy[k]`` = H(v_k), ``gaps[k]`` the normalized gap of factor ``k``."""

    score: float
    gaps: np.ndarray
    mutual_information: np.ndarray
    entropy: np.ndarray

    @property
    def normalized_information(self) -> np.ndarray:
        """``I(z_j; v_k) / H(v_k)``, shape ``(units, factors)``, each entry in [0, 1]."""
        return self.mutual_information / self.entropy


def discretize(codes: np.ndarray, n_bins: int) -> np.ndarray:
    """Each column of ``codes`` ``(n, units)`` cut into ``n_bins`` equal-width bins (0-based)."""
    out = np.zeros(codes.shape, dtype=np.int64)
    for j in range(codes.shape[1]):
        edges = np.histogram_bin_edges(codes[:, j], bins=n_bins)
        out[:, j] = np.digitize(codes[:, j], edges[1:-1])
    return out


def _numpy(a) -> np.ndarray:
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)


def mutual_information_gap(codes, factors, *, n_bins: int = 20) -> MIGResult:
    """MIG of ``codes`` ``(n, units)`` against discrete ``factors`` ``(n, K)`` (integer values).

    Factors with a single value (zero entropy) cannot be scored and raise ``ValueError``.
    """
    z, v = _numpy(codes), _numpy(factors)
    if z.ndim != 2 or v.ndim != 2 or len(z) != len(v):
        raise ValueError(
            f"codes must be (n, units) and factors (n, K) with the same n; got {z.shape}, {v.shape}"
        )
    if z.shape[1] < 2:
        raise ValueError(f"codes need at least 2 units for a gap; got {z.shape[1]}")
    if n_bins < 2:
        raise ValueError(f"n_bins must be >= 2; got {n_bins}")
    binned = discretize(z.astype(np.float64), n_bins)
    units, n_factors = z.shape[1], v.shape[1]
    entropy = np.array([mutual_info_score(v[:, k], v[:, k]) for k in range(n_factors)])
    if (entropy <= 0).any():
        constant = [int(k) for k in np.flatnonzero(entropy <= 0)]
        raise ValueError(f"factors {constant} take a single value; their entropy is 0")
    mi = np.array(
        [[mutual_info_score(v[:, k], binned[:, j]) for k in range(n_factors)] for j in range(units)]
    )
    top = np.sort(mi, axis=0)[::-1]
    gaps = (top[0] - top[1]) / entropy
    return MIGResult(float(gaps.mean()), gaps, mi, entropy)
