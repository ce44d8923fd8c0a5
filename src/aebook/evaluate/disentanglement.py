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

:func:`mig_sampling_bounds` says how far sampling alone moves the score of the two codes whose
answer is known (a copy of the factors, and numbers independent of them), so that a check of the
estimator needs no tolerance chosen from runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import chi2
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


@dataclass(frozen=True)
class MIGBounds:
    """The two known ends of the MIG scale, as ``n`` samples measure them (see
    :func:`mig_sampling_bounds`)."""

    ceiling: float  #: MIG of a code that copies each factor, binned, without sampling error
    copy_at_least: float  #: the measured MIG of that code is at least this
    random_at_most: float  #: the measured MIG of a code independent of the factors is at most this


def mig_sampling_bounds(
    sizes, n: int, *, units: int, n_bins: int = 20, level: float = 0.95
) -> MIGBounds:
    """Bounds, holding together with probability at least ``level``, on the MIG that
    :func:`mutual_information_gap` measures on ``n`` samples of independent uniform factors with
    ``sizes`` values each, for two codes: a copy of the factors (unit k is factor k) and ``units``
    units independent of the factors.

    The plug-in information of two independent variables with ``a`` and ``b`` observed values has
    ``2 n Î ≈ χ²`` with ``(a - 1)(b - 1)`` degrees of freedom (the G-test). Each pair's ``Î`` is
    bounded by its χ² quantile, at ``1 - (1 - level) / pairs`` (a union bound over the pairs).
    A copy's gap for factor ``k`` is ``H(bin(v_k)) / H(v_k)`` (1 when the bins separate every value
    of the factor: the ceiling) less the second-best unit's ``Î / H(v_k)``; a random code's gap is
    at most its best unit's ``Î / H(v_k)``. Entropies are the uniform factors' own.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 2:
        raise ValueError(f"need at least 2 factors with at least 2 values each; got {sizes}")
    if n < 1 or units < 1 or n_bins < 2 or not 0 < level < 1:
        raise ValueError(
            f"need n >= 1, units >= 1, n_bins >= 2 and 0 < level < 1; "
            f"got {n}, {units}, {n_bins}, {level}"
        )
    k = len(sizes)
    entropy = np.log(sizes)
    binned = [discretize(np.arange(s, dtype=np.float64)[:, None], n_bins)[:, 0] for s in sizes]
    occupied = [len(np.unique(b)) for b in binned]
    shares = [np.bincount(b) / len(b) for b in binned]
    binned_entropy = np.array([-(p[p > 0] * np.log(p[p > 0])).sum() for p in shares])

    def most(df, pairs):  # largest plug-in information of an independent pair, in nats
        return chi2.ppf(1 - (1 - level) / pairs, df) / (2 * n)

    second = [
        max(most((occupied[j] - 1) * (sizes[i] - 1), k * (k - 1)) for j in range(k) if j != i)
        for i in range(k)
    ]
    random = [most((n_bins - 1) * (s - 1), k * units) for s in sizes]
    ceiling = float(np.mean(binned_entropy / entropy))
    return MIGBounds(
        ceiling=ceiling,
        copy_at_least=ceiling - float(np.mean(np.array(second) / entropy)),
        random_at_most=float(np.mean(np.array(random) / entropy)),
    )
