"""Densities in the plane whose score is known exactly, before and after Gaussian smoothing.

Score matching is easiest to watch where the answer is known. Each density here gives

- ``sample(n, generator)``: ``(n, 2)`` draws;
- ``log_prob(x)``: the normalised log-density, one value per row;
- ``score(x)``: the exact score ∇ₓ log q(x), in closed form;
- ``smoothed(sigma)``: the density of x̃ = x + σε with ε ~ N(0, I), that is q convolved with
  N(0, σ² I). This is the population counterpart of Vincent's Parzen estimate q_σ (its limit for
  infinitely many training points), and it stays in the same family, so its score is exact too.

Two families:

- :class:`GaussianMixture`: isotropic Gaussian components. Smoothing adds σ² to each variance.
- :class:`Ring`: a point uniform on a circle of radius R plus N(0, s² I) noise. Its density involves
  the modified Bessel function I₀; smoothing turns s² into s² + σ².
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor
from torch.distributions import Categorical, Independent, MixtureSameFamily, Normal


def _check_points(x: Tensor, dim: int) -> None:
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"x must have shape (n, {dim}); got {tuple(x.shape)}")


class GaussianMixture:
    """q(x) = Σₖ wₖ N(x; μₖ, sₖ² I): ``means`` ``(k, d)``, ``stds`` one per component (or one for
    all), ``weights`` summing to 1 (normalised here; equal when omitted)."""

    def __init__(
        self,
        means: Sequence[Sequence[float]] | Tensor,
        stds: float | Sequence[float] | Tensor = 1.0,
        weights: Sequence[float] | Tensor | None = None,
        *,
        dtype: torch.dtype = torch.float32,
    ):
        self.means = torch.as_tensor(means, dtype=dtype)
        if self.means.ndim != 2:
            raise ValueError(f"means must be (k, d); got shape {tuple(self.means.shape)}")
        k = len(self.means)
        self.stds = torch.as_tensor(stds, dtype=dtype).expand(k).clone()
        if (self.stds <= 0).any():
            raise ValueError(f"stds must be > 0; got {self.stds.tolist()}")
        w = torch.ones(k, dtype=dtype) if weights is None else torch.as_tensor(weights, dtype=dtype)
        if w.shape != (k,) or (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"weights must be {k} non-negative numbers; got {w.tolist()}")
        self.weights = w / w.sum()

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def __repr__(self) -> str:
        return (
            f"GaussianMixture(means={self.means.tolist()}, stds={self.stds.tolist()}, "
            f"weights={[round(w, 4) for w in self.weights.tolist()]})"
        )

    def distribution(self) -> MixtureSameFamily:
        """The same density as a ``torch.distributions`` object."""
        components = Independent(Normal(self.means, self.stds[:, None].expand_as(self.means)), 1)
        return MixtureSameFamily(Categorical(probs=self.weights), components)

    def sample(
        self, n: int, generator: torch.Generator | None = None, *, return_labels: bool = False
    ):
        """``n`` draws ``(n, d)`` (and the component of each, with ``return_labels=True``)."""
        labels = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        noise = torch.randn(n, self.dim, generator=generator, dtype=self.means.dtype)
        x = self.means[labels] + self.stds[labels, None] * noise
        return (x, labels) if return_labels else x

    def _log_joint(self, x: Tensor) -> Tensor:
        """log wₖ + log N(x; μₖ, sₖ² I), shape ``(n, k)``."""
        _check_points(x, self.dim)
        means, stds, w = (t.to(x) for t in (self.means, self.stds, self.weights))
        sq = (x[:, None, :] - means[None]).pow(2).sum(-1)
        var = stds.pow(2)
        return w.log() - 0.5 * sq / var - 0.5 * self.dim * torch.log(2 * math.pi * var)

    def log_prob(self, x: Tensor) -> Tensor:
        return torch.logsumexp(self._log_joint(x), dim=1)

    def responsibilities(self, x: Tensor) -> Tensor:
        """P(component k | x), shape ``(n, k)``."""
        return torch.softmax(self._log_joint(x), dim=1)

    def score(self, x: Tensor) -> Tensor:
        """∇ₓ log q(x) = Σₖ P(k | x) (μₖ − x) / sₖ²."""
        r = self.responsibilities(x)
        means, var = self.means.to(x), self.stds.to(x).pow(2)
        return torch.einsum("nk,nkd->nd", r / var, means[None] - x[:, None, :])

    def assign(self, x: Tensor) -> Tensor:
        """The index of the nearest mean for each row (how samples are counted per mode)."""
        _check_points(x, self.dim)
        return torch.cdist(x, self.means.to(x)).argmin(dim=1)

    def smoothed(self, sigma: float) -> GaussianMixture:
        """The density of x + σε: each component's variance grows by σ²."""
        if sigma < 0:
            raise ValueError(f"sigma must be >= 0; got {sigma}")
        stds = torch.sqrt(self.stds.pow(2) + sigma**2)
        return GaussianMixture(self.means, stds, self.weights, dtype=self.means.dtype)


class Ring:
    """x = R (cos θ, sin θ) + s ε with θ uniform and ε ~ N(0, I): a ring of radius R, width s.

    Its density is q(x) = exp(−(r² + R²) / (2s²)) I₀(rR / s²) / (2π s²) with r = ‖x‖, and its score
    is −x / s² + (R / s²) (I₁ / I₀)(rR / s²) x / r, which points to the circle of radius
    R·(I₁/I₀)(rR/s²) along the ray through x.
    """

    dim = 2

    def __init__(
        self, radius: float = 4.0, std: float = 0.5, *, dtype: torch.dtype = torch.float32
    ):
        if radius <= 0 or std <= 0:
            raise ValueError(f"radius and std must be > 0; got radius={radius}, std={std}")
        self.radius = float(radius)
        self.std = float(std)
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"Ring(radius={self.radius}, std={self.std:.4g})"

    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        theta = 2 * math.pi * torch.rand(n, generator=generator, dtype=self.dtype)
        on_circle = self.radius * torch.stack([theta.cos(), theta.sin()], dim=1)
        return on_circle + self.std * torch.randn(n, 2, generator=generator, dtype=self.dtype)

    def log_prob(self, x: Tensor) -> Tensor:
        _check_points(x, 2)
        var = self.std**2
        r = x.norm(dim=1)
        z = r * self.radius / var
        log_i0 = torch.log(torch.special.i0e(z)) + z  # i0e(z) = exp(-z) I0(z)
        return -(r.pow(2) + self.radius**2) / (2 * var) + log_i0 - math.log(2 * math.pi * var)

    def score(self, x: Tensor) -> Tensor:
        _check_points(x, 2)
        var = self.std**2
        r = x.norm(dim=1, keepdim=True)
        z = r * self.radius / var
        # (I1/I0)(z) / r, written so that r = 0 gives its limit R / (2 s²).
        ratio_over_r = torch.where(
            z > 1e-6,
            torch.special.i1e(z) / torch.special.i0e(z) / r.clamp_min(1e-30),
            torch.full_like(r, self.radius / (2 * var)),
        )
        return -x / var + (self.radius / var) * ratio_over_r * x

    def smoothed(self, sigma: float) -> Ring:
        """The density of x + σε: the ring's width s becomes sqrt(s² + σ²)."""
        if sigma < 0:
            raise ValueError(f"sigma must be >= 0; got {sigma}")
        return Ring(self.radius, math.sqrt(self.std**2 + sigma**2), dtype=self.dtype)


def two_gaussians(dtype: torch.dtype = torch.float32) -> GaussianMixture:
    """0.8 N((5, 5), I) + 0.2 N((−5, −5), I): the unequal two-mode density of the chapter."""
    return GaussianMixture([[5.0, 5.0], [-5.0, -5.0]], 1.0, [0.8, 0.2], dtype=dtype)


def circle_data(n: int, noise: float, generator: torch.Generator) -> Tensor:
    """``n`` points near the unit circle: uniform angle, radius 1 + N(0, noise²). Shape (n, 2)."""
    angle = torch.rand(n, generator=generator) * 2 * math.pi
    radius = 1 + noise * torch.randn(n, generator=generator)
    return torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], 1)


def swiss_roll(n: int, noise: float, seed: int = 0) -> tuple[Tensor, Tensor]:
    """scikit-learn's swiss roll: points ``(n, 3)`` and their position ``t`` along the roll."""
    from sklearn.datasets import make_swiss_roll

    x, t = make_swiss_roll(n, noise=noise, random_state=seed)
    return torch.from_numpy(x.astype("float32")), torch.from_numpy(t.astype("float32"))
