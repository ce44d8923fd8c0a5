"""Penalties that regularize an autoencoder's code (Bank, Koenigstein & Giryes 2020, section 2).

- :func:`l1_code_penalty`: ``Σ_j |h_j|`` per example, the L1 form of the sparse autoencoder.
- :func:`kl_sparsity`: ``Σ_j KL(Bernoulli(ρ) ‖ Bernoulli(ρ̂_j))`` where ``ρ̂_j`` is unit ``j``'s mean
  activation over the batch, the KL form of the sparse autoencoder (units in (0, 1)).
- :func:`contractive_penalty`: ``‖∂h/∂x‖²_F`` per example in closed form for one sigmoid layer
  ``h = sigmoid(W x + b)``; :func:`jacobian_frobenius` computes the same quantity for any encoder
  with ``torch.func`` (exact, but one backward pass per code unit).
- :func:`mmd_imq`: the unbiased estimate of the squared maximum mean discrepancy with the inverse
  multiquadric kernel, the penalty of the Wasserstein autoencoder (Tolstikhin et al. 2018).

Per-example penalties return shape ``(batch,)`` like the reconstruction losses of
:mod:`aebook.objectives.likelihood`; the two that compare distributions (KL sparsity on the batch's
mean activation, MMD between two samples) are properties of a whole batch and return a scalar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor
from torch.func import jacrev, vmap

#: The kernel scales of Tolstikhin et al. (2018): the IMQ kernel is summed over C = 2 d σ² s.
IMQ_SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


def l1_code_penalty(code: Tensor) -> Tensor:
    """``Σ_j |h_j|`` for each row of ``code`` ``(batch, k)``: the L1 sparsity penalty."""
    return code.abs().sum(-1)


def kl_sparsity(code: Tensor, rho: float, eps: float = 1e-6) -> Tensor:
    """``Σ_j KL(Bernoulli(ρ) ‖ Bernoulli(ρ̂_j))`` with ``ρ̂_j`` the batch mean of unit ``j``, in nats.

    ``code`` is ``(batch, k)`` with entries in [0, 1] (sigmoid units); ``rho`` in (0, 1) is the
    target activation rate. Zero exactly when every unit's mean activation equals ``rho``.
    """
    if not 0.0 < rho < 1.0:
        raise ValueError(f"rho (the target activation rate) must be in (0, 1); got {rho}")
    rho_hat = code.mean(0).clamp(eps, 1 - eps)
    return (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


def contractive_penalty(code: Tensor, weight: Tensor) -> Tensor:
    """``‖∂h/∂x‖²_F`` per example for ``h = sigmoid(x Wᵀ + b)``, in closed form.

    ``code`` is ``h`` ``(batch, k)`` and ``weight`` is ``W`` ``(k, d)``. The Jacobian is
    ``diag(h ⊙ (1 - h)) W``, so its squared Frobenius norm is ``Σ_j (h_j (1 - h_j))² ‖W_j‖²``:
    one product with the squared row norms instead of a ``k × d`` matrix per example.
    """
    if code.shape[-1] != weight.shape[0]:
        raise ValueError(
            f"code has {code.shape[-1]} units but weight has {weight.shape[0]} rows; "
            "weight must be the (k, d) matrix of the sigmoid layer that produced code"
        )
    slope = code * (1 - code)
    return slope.pow(2) @ weight.pow(2).sum(1)


def jacobian_frobenius(encode: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """``‖∂encode(x)/∂x‖²_F`` per example of ``x`` ``(batch, d)``, exactly, with ``torch.func``.

    Works for any encoder that maps one row to one code (no batch statistics, e.g. no batch norm).
    It costs one backward pass per code unit, which is why the contractive autoencoder uses the
    closed form of :func:`contractive_penalty` instead.
    """

    def one(row: Tensor) -> Tensor:
        return encode(row.unsqueeze(0)).squeeze(0)

    return vmap(jacrev(one))(x).pow(2).flatten(1).sum(-1)


def imq_kernel(a: Tensor, b: Tensor, c: float) -> Tensor:
    """The inverse multiquadric kernel ``C / (C + ‖a_i - b_j‖²)`` between the rows of two samples."""
    # ‖a‖² + ‖b‖² - 2 a·b rather than cdist: smooth at zero distance (the diagonal of a vs. a)
    sq = a.pow(2).sum(-1, keepdim=True) + b.pow(2).sum(-1) - 2 * a @ b.T
    return c / (c + sq.clamp_min(0))


def mmd_imq(
    x: Tensor,
    y: Tensor,
    *,
    scales: Sequence[float] = IMQ_SCALES,
    prior_var: float = 1.0,
) -> Tensor:
    """Unbiased estimate of MMD² between the samples ``x`` ``(n, k)`` and ``y`` ``(m, k)``.

    The kernel is the sum over ``scales`` of IMQ kernels with ``C = 2 k σ² s`` (σ² = ``prior_var``),
    as in the Wasserstein autoencoder. The U-statistic leaves out the diagonal terms, so its
    expectation is exactly 0 when ``x`` and ``y`` come from one distribution (single estimates can
    be slightly negative).
    """
    n, m = len(x), len(y)
    if n < 2 or m < 2:
        raise ValueError(f"x and y need at least 2 rows each; got {n} and {m}")
    if x.shape[1:] != y.shape[1:]:
        raise ValueError(f"x and y must have the same dimension; got {x.shape} and {y.shape}")
    if not scales:
        raise ValueError("scales must name at least one kernel scale")
    k = x.shape[-1]
    total = x.new_zeros(())
    for s in scales:
        c = 2.0 * k * prior_var * s
        kxx, kyy, kxy = imq_kernel(x, x, c), imq_kernel(y, y, c), imq_kernel(x, y, c)
        total = total + (
            (kxx.sum() - kxx.diagonal().sum()) / (n * (n - 1))
            + (kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
            - 2 * kxy.mean()
        )
    return total
