"""Importance-sampled estimates of the marginal log-likelihood log p(x) of a VAE-like model.

With the encoder q(z | x) as the proposal and k draws z_i ~ q(z | x),

    log p̂_k(x) = log (1/k) Σ_i p(x, z_i) / q(z_i | x).

Its expectation is a lower bound on log p(x) (Jensen), which rises with k and reaches log p(x) as
k → ∞ (Burda et al. 2015); with k = 1 it is the ELBO. The model must provide
``log_importance_weights(x, k, generator) -> (k, batch)`` (see :mod:`aebook.objectives.elbo`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from aebook.checks import check_count, check_examples


@dataclass(frozen=True)
class LogLikelihood:
    """An average log-likelihood in nats per example, its standard error over examples, and k."""

    mean: float
    sem: float
    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.mean:.2f} ± {self.sem:.2f} nats (k = {self.k}, {self.n} examples)"


@torch.no_grad()
def log_marginal_likelihood(
    model,
    x: Tensor,
    k: int = 5000,
    *,
    batch_size: int = 100,
    chunk: int = 500,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Importance-sampled log p(x) of every row of ``x`` with ``k`` samples each: ``(n,)``, nats.

    The k samples are drawn ``chunk`` at a time and combined with a running log-sum-exp, so memory
    stays at ``batch_size * chunk`` decoder evaluations whatever k is.
    """
    check_count("k", k)
    check_count("batch_size", batch_size)
    check_count("chunk", chunk)
    check_examples("x", x)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    out = []
    try:
        for start in range(0, len(x), batch_size):
            xb = x[start : start + batch_size]
            total = torch.full((len(xb),), -math.inf, dtype=xb.dtype, device=xb.device)
            done = 0
            while done < k:
                m = min(chunk, k - done)
                log_w = model.log_importance_weights(xb, m, generator)
                total = torch.logaddexp(total, torch.logsumexp(log_w, dim=0))
                done += m
            out.append(total - math.log(k))
    finally:  # an interrupted evaluation must not leave a training model in eval mode
        if was_training:
            model.train()
    return torch.cat(out)


def average_log_likelihood(model, x: Tensor, k: int = 5000, **options) -> LogLikelihood:
    """The mean of :func:`log_marginal_likelihood` over ``x``, with its standard error; ``options``
    are that function's keywords (``batch_size``, ``chunk``, ``generator``)."""
    values = log_marginal_likelihood(model, x, k, **options).double()
    sem = float(values.std() / math.sqrt(len(values))) if len(values) > 1 else math.nan
    return LogLikelihood(float(values.mean()), sem, k, len(values))
