"""How a trained autoencoder uses its code: sparsity, active units and contraction.

The code scales of different models are not comparable (a sigmoid code lives in (0, 1), a VAE's
near the N(0, I) prior, a ReLU code anywhere in [0, ∞)), so every measure here is scale-free:

- :func:`hoyer_sparsity`: Hoyer's (2004) sparseness of each code vector, averaged over examples:
  1 when one unit carries the whole code, 0 when all units are equally large.
- :func:`active_units`: units whose variance over the data is at least ``threshold`` times the
  largest unit's variance (a unit that barely changes with the input carries no information).
- :func:`relative_contraction`: the root-mean-square Frobenius norm of the encoder's Jacobian,
  divided by the code's overall spread: how far a unit step in input space moves the code,
  measured in units of the code's own standard deviation over the data.

And for models with a Gaussian posterior, :func:`kl_decomposition` splits the VAE's KL term into
the information the code carries about the input and the distance of the aggregate posterior from
the prior.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.distributions import Normal

from aebook.checks import check_examples, check_number
from aebook.evaluate.batches import in_batches
from aebook.objectives.kl import kl_normal_standard
from aebook.objectives.penalties import jacobian_frobenius


def active_units_burda(codes: Tensor, threshold: float = 0.01) -> int:
    """Units whose variance over the rows of ``codes`` exceeds ``threshold`` itself: the active
    units of Burda et al. (2016), for a VAE's posterior means. Unlike :func:`active_units`, which
    compares each variance with the largest one, this is an absolute scale: it counts the latent
    dimensions the prior's unit scale lets through."""
    check_examples("codes", codes)
    return int((codes.var(0) > threshold).sum())


def hoyer_sparsity(codes: Tensor) -> float:
    """Mean over rows of ``(√k - ‖h‖₁/‖h‖₂) / (√k - 1)`` for codes ``(n, k)``, in [0, 1].

    Rows that are exactly zero count as fully sparse (1).
    """
    k = codes.shape[1]
    if k < 2:
        raise ValueError(f"codes need at least 2 units; got {k}")
    l1, l2 = codes.abs().sum(1), codes.norm(dim=1)
    ratio = torch.where(l2 > 0, l1 / l2.clamp_min(1e-30), torch.ones_like(l1))
    return float(((math.sqrt(k) - ratio) / (math.sqrt(k) - 1)).mean())


def active_units(codes: Tensor, threshold: float = 0.01) -> int:
    """Units whose variance over the rows of ``codes`` is ≥ ``threshold`` × the largest variance."""
    check_number("threshold", threshold, low=0, high=1)
    var = codes.double().var(0)
    top = var.max()
    if top <= 0:
        return 0
    return int((var >= threshold * top).sum())


def relative_contraction(encode: Callable[[Tensor], Tensor], x: Tensor, codes: Tensor) -> float:
    """``sqrt(mean_x ‖J(x)‖²_F) / sqrt(Σ_j Var(h_j))``: Jacobian of ``encode`` at the rows of
    ``x`` (exact, :func:`~aebook.objectives.penalties.jacobian_frobenius`), relative to the total
    variance of ``codes`` (the codes of a larger sample of the same data).
    """
    spread = codes.double().var(0).sum().sqrt()
    if spread <= 0:
        raise ValueError("the codes do not vary over the data: the contraction is undefined")
    jac = jacobian_frobenius(encode, x).detach().double().mean().sqrt()
    return float(jac / spread)


@dataclass(frozen=True)
class KLDecomposition:
    """The VAE's average KL term split in two (Hoffman & Johnson 2016), in nats:

    ``E_x KL(q(z|x) ‖ p(z)) = I_q(x; z) + KL(q(z) ‖ p(z))``

    where ``q(z) = (1/N) Σ_n q(z|x_n)`` is the aggregate posterior over the ``N`` examples.
    ``average_kl`` is analytic; the two parts are Monte Carlo estimates from the same samples
    (their sum is the Monte Carlo estimate of ``average_kl``), so the identity holds up to the
    sampling error of that estimate.
    """

    average_kl: float
    mutual_information: float
    marginal_kl: float


@torch.no_grad()
def kl_decomposition(
    mean: Tensor,
    log_var: Tensor,
    *,
    n_samples: int = 1,
    generator: torch.Generator | None = None,
    batch_size: int = 500,
) -> KLDecomposition:
    """Split the average KL of the diagonal Gaussian posteriors ``N(mean_n, exp(log_var_n))``
    ``(N, k)`` from the prior N(0, I) into mutual information and the aggregate posterior's KL.

    ``n_samples`` draws per example from q(z|x_n); ``log q(z)`` is the exact log-density of the
    mixture of all ``N`` posteriors at each draw.
    """
    if mean.shape != log_var.shape or mean.ndim != 2:
        raise ValueError(f"mean and log_var must both be (N, k); got {mean.shape}, {log_var.shape}")
    n = len(mean)
    std = torch.exp(0.5 * log_var)
    posteriors = Normal(mean, std)
    prior = Normal(torch.zeros_like(mean[0]), torch.ones_like(mean[0]))
    eps = torch.randn((n_samples, *mean.shape), generator=generator, device=mean.device)
    z = (mean + std * eps).reshape(-1, mean.shape[1])  # sample s of example i at s·N + i
    own = posteriors.log_prob(z.view(n_samples, n, -1)).sum(-1).reshape(-1)
    log_prior = prior.log_prob(z).sum(-1)
    log_marginal = in_batches(
        lambda chunk: (
            torch.logsumexp(posteriors.log_prob(chunk[:, None, :]).sum(-1), dim=1) - math.log(n)
        ),
        z,
        batch_size,
    )
    return KLDecomposition(
        average_kl=float(kl_normal_standard(mean, log_var).mean()),
        mutual_information=float((own - log_marginal).mean()),
        marginal_kl=float((log_marginal - log_prior).mean()),
    )


def encode(model, x: Tensor, batch_size: int = 5000) -> Tensor:
    """``model.encode`` of ``x`` in batches, in eval mode, on the model's device; returned on
    ``x``'s."""
    was_training = model.training
    model.eval()
    try:
        return in_batches(model.encode, x, batch_size, device=next(model.parameters()).device)
    finally:
        model.train(was_training)
