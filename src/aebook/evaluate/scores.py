"""How far a learned score is from the exact one, on densities whose score is known in closed form
(:mod:`aebook.data.toy2d`): estimation error, total error, smoothing bias and the noise of the
denoising score-matching target."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


def mean_squared_distance(a: Tensor, b: Tensor) -> float:
    """E‖a − b‖² over rows: the mean squared error between two vector fields at the same points."""
    return float((a - b).pow(2).sum(-1).mean())


@dataclass(frozen=True)
class FieldErrors:
    """How far a score learned at level σ is from the truth, each an average of ‖·‖² over points.

    - ``estimation``: learned vs. exact score of q_σ, at points of q_σ (what DSM aims at);
    - ``total``: learned vs. exact score of the clean q, at points of q (what one wants);
    - ``bias``: exact score of q_σ vs. exact score of q, at points of q (no learning involved);
    - ``target_noise``: E‖(x − x̃)/σ² − ∂log q_σ(x̃)/∂x̃‖², the variance of the DSM target around the
      score it averages to (d/σ² minus a term that stays bounded);
    - ``signal``: E‖∂ log q_σ(x̃)/∂x̃‖² at points of q_σ, for scale.
    """

    sigma: float
    estimation: float
    total: float
    bias: float
    target_noise: float
    signal: float


@torch.no_grad()
def field_errors(score_fn, density, sigma: float, n: int, generator=None) -> FieldErrors:
    """Measure :class:`FieldErrors` for ``score_fn`` trained at ``sigma`` on ``density``."""
    smooth = density.smoothed(sigma)
    x = density.sample(n, generator)
    x_tilde = x + sigma * torch.randn(x.shape, generator=generator, dtype=x.dtype)
    s_tilde = smooth.score(x_tilde)
    return FieldErrors(
        sigma=sigma,
        estimation=mean_squared_distance(score_fn(x_tilde), s_tilde),
        total=mean_squared_distance(score_fn(x), density.score(x)),
        bias=mean_squared_distance(smooth.score(x), density.score(x)),
        target_noise=mean_squared_distance((x - x_tilde) / sigma**2, s_tilde),
        signal=float(s_tilde.pow(2).sum(-1).mean()),
    )
