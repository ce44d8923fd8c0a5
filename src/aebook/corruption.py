"""Corruption processes q_D(x̃ | x): how a denoising autoencoder damages its input.

- ``masking`` (Vincent et al. 2008): for each example, exactly ⌊νd⌋ components chosen at random are
  forced to 0, the rest are left untouched.
- ``gaussian``: additive isotropic Gaussian noise of standard deviation σ.
- ``salt_and_pepper``: exactly ⌊νd⌋ components chosen at random are set to 0 or 1, each with
  probability 1/2.

Every function takes an optional ``torch.Generator`` (on the same device as ``x``) so that a
corruption can be repeated exactly; without one it draws from the global RNG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from aebook.checks import check_choice, check_number

KINDS = ("masking", "gaussian", "salt_and_pepper")


def _check_fraction(nu: float, name: str = "nu") -> None:
    """ν is a fraction of the components: a finite number in [0, 1] (not NaN, inf or "0.3")."""
    check_number(f"{name} (the fraction of corrupted components)", nu, low=0, high=1)


def _chosen(x: Tensor, nu: float, generator: torch.Generator | None) -> Tensor | None:
    """A boolean mask with exactly ⌊νd⌋ True entries per row, or None when that is zero."""
    _check_fraction(nu)
    d = x.shape[-1]
    k = math.floor(nu * d)
    if k == 0:
        return None
    scores = torch.rand(x.shape, generator=generator, device=x.device)
    idx = scores.topk(k, dim=-1).indices
    return torch.zeros(x.shape, dtype=torch.bool, device=x.device).scatter_(-1, idx, True)


def masking(x: Tensor, nu: float, generator: torch.Generator | None = None) -> Tensor:
    """Force exactly ⌊νd⌋ randomly chosen components of each row of ``x`` ``(batch, d)`` to 0."""
    chosen = _chosen(x, nu, generator)
    return x if chosen is None else x.masked_fill(chosen, 0.0)


def salt_and_pepper(x: Tensor, nu: float, generator: torch.Generator | None = None) -> Tensor:
    """Set exactly ⌊νd⌋ randomly chosen components of each row to 0 or 1 (a fair coin each)."""
    chosen = _chosen(x, nu, generator)
    if chosen is None:
        return x
    coins = torch.rand(x.shape, generator=generator, device=x.device) < 0.5
    return torch.where(chosen, coins.to(x.dtype), x)


def gaussian(x: Tensor, sigma: float, generator: torch.Generator | None = None) -> Tensor:
    """Add N(0, σ² I) noise to ``x``."""
    check_number("sigma", sigma, low=0)
    if sigma == 0:
        return x
    return x + sigma * torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)


@dataclass(frozen=True)
class Corruption:
    """A corruption process as configuration: ``kind`` in ``KINDS`` and its ``level``
    (the fraction ν for masking and salt-and-pepper, the standard deviation σ for Gaussian)."""

    kind: str
    level: float

    def __post_init__(self):
        check_choice("kind", self.kind, KINDS)
        if self.kind == "gaussian":
            check_number("level (sigma)", self.level, low=0)
        else:
            _check_fraction(self.level, "level")

    def __call__(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        return {"masking": masking, "gaussian": gaussian, "salt_and_pepper": salt_and_pepper}[
            self.kind
        ](x, self.level, generator)
