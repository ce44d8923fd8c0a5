"""The evidence lower bound (ELBO) and its SGVB estimators (Kingma & Welling 2013, section 2.3).

A *VAE-like* model, for this module, is any object with

- ``posterior(x) -> (mean, log_var)``: the diagonal-Gaussian q(z | x), each ``(batch, latent)``;
- ``decoder.log_prob(x, z) -> (rows,)``: log p(x | z) in nats, one value per row of ``x`` / ``z``.

The prior is p(z) = N(0, I). Everything is per example, in nats: the ELBO is a (negative) number
that lies below log p(x).

Two estimators of the ELBO from L samples z_l = mean + σ ⊙ ε_l:

- **A** (the generic one, eq. 6 of the paper):
  (1/L) Σ_l [log p(x | z_l) + log p(z_l) − log q(z_l | x)].
- **B** (eq. 7): the KL term in closed form, only the reconstruction term sampled:
  −KL(q(z | x) ‖ p(z)) + (1/L) Σ_l log p(x | z_l).

Both are unbiased for the same ELBO; B usually has the lower variance. A is what one uses when the
KL has no closed form (other priors, other posteriors).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch.distributions import Normal

from aebook.checks import check_choice, check_count
from aebook.objectives.kl import kl_normal_standard

ESTIMATORS = ("A", "B")
GRADIENT_ESTIMATORS = ("reparameterization", "score_function")


def log_normal(z: Tensor, mean: Tensor, log_var: Tensor) -> Tensor:
    """log N(z; mean, diag(exp(log_var))), summed over the last dimension (nats)."""
    return Normal(mean, torch.exp(0.5 * log_var)).log_prob(z).sum(-1)


def log_standard_normal(z: Tensor) -> Tensor:
    """log N(z; 0, I), summed over the last dimension (nats)."""
    return -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)


def sgvb_a(log_likelihood: Tensor, log_prior: Tensor, log_posterior: Tensor) -> Tensor:
    """Estimator A from per-sample terms of shape ``(L, batch)``: the mean over the L samples of
    log p(x|z) + log p(z) − log q(z|x). Returns ``(batch,)``."""
    return (log_likelihood + log_prior - log_posterior).mean(0)


def sgvb_b(log_likelihood: Tensor, kl: Tensor) -> Tensor:
    """Estimator B: the mean over the L samples of log p(x|z) (shape ``(L, batch)``) minus the
    closed-form KL ``(batch,)``. Returns ``(batch,)``."""
    return log_likelihood.mean(0) - kl


def sample_posterior(
    mean: Tensor, log_var: Tensor, samples: int, generator: torch.Generator | None = None
) -> Tensor:
    """``samples`` reparameterized draws z = mean + σ ⊙ ε, shape ``(samples, batch, latent)``."""
    check_count("samples", samples)
    shape = (samples, *mean.shape)
    eps = torch.randn(shape, generator=generator, device=mean.device, dtype=mean.dtype)
    return mean + torch.exp(0.5 * log_var) * eps


def decoder_log_prob(model, x: Tensor, z: Tensor) -> Tensor:
    """log p(x | z) for ``z`` of shape ``(L, batch, latent)`` and ``x`` ``(batch, d)``: ``(L, batch)``."""
    n_samples, batch = z.shape[:2]
    x_rep = x.unsqueeze(0).expand(n_samples, *x.shape).reshape(n_samples * batch, -1)
    return model.decoder.log_prob(x_rep, z.reshape(n_samples * batch, -1)).view(n_samples, batch)


def estimate_elbo(
    model,
    x: Tensor,
    *,
    samples: int = 1,
    estimator: str = "B",
    generator: torch.Generator | None = None,
) -> Tensor:
    """SGVB estimate of the ELBO of each row of ``x`` (nats, ``(batch,)``), differentiable.

    ``estimator`` is ``"A"`` or ``"B"`` (see the module docstring); ``samples`` is L.
    """
    check_choice("estimator", estimator, ESTIMATORS)
    check_count("samples", samples)
    mean, log_var = model.posterior(x)
    z = sample_posterior(mean, log_var, samples, generator)
    log_likelihood = decoder_log_prob(model, x, z)
    if estimator == "B":
        return sgvb_b(log_likelihood, kl_normal_standard(mean, log_var))
    return sgvb_a(log_likelihood, log_standard_normal(z), log_normal(z, mean, log_var))


def log_importance_weights(
    model, x: Tensor, k: int, generator: torch.Generator | None = None
) -> Tensor:
    """log [p(x, z_i) / q(z_i | x)] for k draws z_i ~ q(z | x): shape ``(k, batch)``, in nats.

    Their mean is estimator A of the ELBO; the log of the mean of their exponentials is the
    importance-sampled estimate of log p(x) (see :mod:`aebook.evaluate.likelihood`).
    """
    check_count("k", k)
    mean, log_var = model.posterior(x)
    z = sample_posterior(mean, log_var, k, generator)
    return decoder_log_prob(model, x, z) + log_standard_normal(z) - log_normal(z, mean, log_var)


def gradient_samples(
    model,
    x: Tensor,
    n: int,
    *,
    estimator: str = "reparameterization",
    generator: torch.Generator | None = None,
    chunk: int = 1000,
) -> Tensor:
    """``n`` single-sample estimates of ∇ E_q[log p(x | z)] with respect to q's parameters.

    The gradient is taken with respect to the posterior mean and log-variance of every row of
    ``x`` (the outputs of the encoder), the parameters both estimators act on directly:

    - ``"reparameterization"``: ∇ log p(x | mean + σ ⊙ ε), ε ~ N(0, I);
    - ``"score_function"`` (REINFORCE): log p(x | z) ∇ log q(z | x), z ~ q, no baseline.

    Both are unbiased for the same gradient. Returns ``(n, batch, 2 * latent)``: for each draw,
    the gradient with respect to ``mean`` then ``log_var``. The draws are made ``chunk`` at a
    time to bound memory.
    """
    check_choice("estimator", estimator, GRADIENT_ESTIMATORS)
    check_count("n", n)
    check_count("chunk", chunk)
    with torch.no_grad():
        mean0, log_var0 = model.posterior(x)
    parts = []
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        parts.append(_gradient_chunk(model, x, mean0, log_var0, m, estimator, generator))
    return torch.cat(parts)


def _gradient_chunk(model, x, mean0, log_var0, n, estimator, generator) -> Tensor:
    # one copy of the variational parameters per draw, so one backward pass gives every draw's
    # gradient (each draw's value depends only on its own copy)
    mean = mean0.expand(n, *mean0.shape).clone().requires_grad_(True)
    log_var = log_var0.expand(n, *log_var0.shape).clone().requires_grad_(True)
    eps = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
    z = mean + torch.exp(0.5 * log_var) * eps
    if estimator == "reparameterization":
        objective = decoder_log_prob(model, x, z)
    else:
        z = z.detach()
        with torch.no_grad():
            value = decoder_log_prob(model, x, z)
        objective = value * log_normal(z, mean, log_var)
    g_mean, g_log_var = torch.autograd.grad(objective.sum(), (mean, log_var))
    return torch.cat([g_mean, g_log_var], dim=-1)
