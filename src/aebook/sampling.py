"""Sampling with a score: Langevin dynamics, plain and annealed over a ladder of noise levels.

Langevin dynamics turns a score s(x) = ∇ log p(x) into samples of p: from any start,

    x ← x + (α/2) s(x) + √α z,   z ~ N(0, I),

converges to p as the step α → 0 and the number of steps → ∞. With a finite budget it mixes only
inside a region where the score field leads; two modes separated by a region of almost no mass keep
the proportions of the starting points that fell into each basin. Annealed Langevin
(Song & Ermon 2019) runs the chain on the scores of p convolved with N(0, σᵢ² I) for a geometric
ladder σ₁ > … > σ_L: at large σ the modes overlap, the chain mixes between them and settles into
the right proportions, and each smaller σ refines the samples. The step at level i is
α·σᵢ²/σ_L², so that the signal-to-noise ratio of a step is the same at every level.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor


def geometric_sigmas(sigma_max: float, sigma_min: float, levels: int) -> tuple[float, ...]:
    """``levels`` noise levels from ``sigma_max`` down to ``sigma_min`` with a constant ratio."""
    if not 0 < sigma_min <= sigma_max:
        raise ValueError(
            f"need 0 < sigma_min <= sigma_max; got sigma_min={sigma_min}, sigma_max={sigma_max}"
        )
    if levels < 1 or (levels == 1 and sigma_min != sigma_max):
        raise ValueError(f"levels must be >= 2 (or 1 when sigma_min == sigma_max); got {levels}")
    if levels == 1:
        return (float(sigma_max),)
    ratio = (sigma_min / sigma_max) ** (1 / (levels - 1))
    return tuple(float(sigma_max * ratio**i) for i in range(levels))


def _check_chain(step: float, n_steps: int) -> None:
    if not step > 0:
        raise ValueError(f"step must be > 0; got {step}")
    if n_steps < 0:
        raise ValueError(f"n_steps must be >= 0; got {n_steps}")


@torch.no_grad()
def langevin(
    score_fn: Callable[[Tensor], Tensor],
    x0: Tensor,
    step: float,
    n_steps: int,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Run ``n_steps`` of Langevin dynamics with step ``step`` from the rows of ``x0`` ``(n, d)``."""
    _check_chain(step, n_steps)
    x = x0.clone()
    noise_scale = math.sqrt(step)
    for _ in range(n_steps):
        z = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
        x = x + 0.5 * step * score_fn(x) + noise_scale * z
    return x


@torch.no_grad()
def annealed_langevin(
    score_fn: Callable[[Tensor, float], Tensor],
    x0: Tensor,
    sigmas: Sequence[float],
    step: float,
    steps_per_level: int,
    generator: torch.Generator | None = None,
    *,
    return_levels: bool = False,
):
    """Annealed Langevin dynamics: ``steps_per_level`` steps at each σ of ``sigmas`` (largest
    first), with ``score_fn(x, σ)`` the score at that level and step ``step·σ²/σ_L²``.

    Returns the final samples, or with ``return_levels=True`` the list of samples after each level.
    """
    if len(sigmas) == 0 or any(not s > 0 for s in sigmas):
        raise ValueError(f"sigmas must be a non-empty sequence of positive levels; got {sigmas}")
    if any(a < b for a, b in zip(sigmas[:-1], sigmas[1:], strict=True)):
        raise ValueError(f"sigmas must be in decreasing order; got {sigmas}")
    _check_chain(step, steps_per_level)
    x = x0.clone()
    levels = []
    for sigma in sigmas:
        alpha = step * (sigma / sigmas[-1]) ** 2
        x = langevin(lambda v, s=sigma: score_fn(v, s), x, alpha, steps_per_level, generator)
        levels.append(x)
    return levels if return_levels else x
