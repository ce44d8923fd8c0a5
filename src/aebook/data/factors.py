"""Shapes with known generative factors, drawn in code (in the spirit of dSprites).

Every image shows one white shape on black, fixed by five discrete factors:

========== =========================================== ==========================
factor     values                                      default number of values
========== =========================================== ==========================
shape      square, ellipse, heart                      3
scale      0.5 ... 1 (linear)                          6
rotation   0 ... 90° (a quarter turn, end excluded)     10
x          -0.5 ... 0.5 of the half-width (linear)     16
y          -0.5 ... 0.5 of the half-height (linear)    16
========== =========================================== ==========================

dSprites (Matthey et al. 2017) turns its shapes through a full circle, so a square at 0° and at
90° is the same image under two different factor values; here rotation covers a quarter turn, which
keeps every (shape, rotation) pair a distinct image. Edges are anti-aliased by averaging
``supersample²`` points per pixel, so pixels are grey levels in [0, 1]. Nothing is downloaded: the
images are rendered from the factors, so the data set is exactly reproducible from its seed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import Tensor

from aebook.data.store import built_by_caller

FACTOR_NAMES = ("shape", "scale", "rotation", "x", "y")
SHAPES = ("square", "ellipse", "heart")

#: The shape's size at scale 1, as a fraction of the image's half-width.
BASE_RADIUS = 0.36


@dataclass(frozen=True)
class FactorSpec:
    """Image size and the number of values of each factor."""

    image_size: int = 32
    n_scales: int = 6
    n_rotations: int = 10
    n_positions: int = 16
    supersample: int = 2

    def __post_init__(self):
        for name in ("image_size", "n_scales", "n_rotations", "n_positions", "supersample"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1; got {getattr(self, name)}")
        if self.image_size < 8:
            raise ValueError(f"image_size must be >= 8 pixels; got {self.image_size}")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of values of each factor, in the order of ``FACTOR_NAMES``."""
        return (len(SHAPES), self.n_scales, self.n_rotations, self.n_positions, self.n_positions)

    @property
    def image_shape(self) -> tuple[int, int]:
        return (self.image_size, self.image_size)

    def values(self, factors: Tensor) -> Tensor:
        """Factor indices ``(n, 5)`` → values: shape index, scale, rotation (radians), x, y."""
        f = factors.to(torch.float64)

        def grid(i, count, lo, hi):
            return lo + (hi - lo) * i / max(count - 1, 1)

        return torch.stack(
            [
                f[:, 0],
                grid(f[:, 1], self.n_scales, 0.5, 1.0),
                f[:, 2] * (math.pi / 2) / self.n_rotations,
                grid(f[:, 3], self.n_positions, -0.5, 0.5),
                grid(f[:, 4], self.n_positions, -0.5, 0.5),
            ],
            dim=1,
        )


@dataclass(frozen=True)
class FactorImages:
    """Images ``x`` ``(n, d)`` in [0, 1] and their factor indices ``factors`` ``(n, 5)``."""

    x: Tensor
    factors: Tensor
    spec: FactorSpec
    provenance: dict = field(default_factory=built_by_caller, compare=False)

    def __post_init__(self):
        if len(self.x) != len(self.factors):
            raise ValueError(f"x has {len(self.x)} rows but factors has {len(self.factors)}")

    def __len__(self) -> int:
        return len(self.x)

    @property
    def image_shape(self) -> tuple[int, int]:
        return self.spec.image_shape

    @property
    def names(self) -> tuple[str, ...]:
        return FACTOR_NAMES

    def to(self, device) -> FactorImages:
        return FactorImages(self.x.to(device), self.factors.to(device), self.spec, self.provenance)


def _inside(shape: int, u: Tensor, v: Tensor) -> Tensor:
    """Whether the local point (u, v) (shape frame, unit size, v pointing up) is in the shape."""
    if shape == 0:  # square
        return torch.maximum(u.abs(), v.abs()) <= 0.75
    if shape == 1:  # ellipse, twice as wide as high
        return u.pow(2) + (v / 0.5).pow(2) <= 1.0
    a, b = 1.1 * u, 1.1 * v + 0.15  # the heart curve, centred and scaled into the unit disc
    return (a.pow(2) + b.pow(2) - 1).pow(3) - a.pow(2) * b.pow(3) <= 0


def render(factors: Tensor, spec: FactorSpec = FactorSpec(), batch_size: int = 1024) -> Tensor:
    """Images ``(n, image_size²)`` in [0, 1] for factor indices ``(n, 5)``."""
    factors = torch.as_tensor(factors, dtype=torch.int64)
    if factors.ndim != 2 or factors.shape[1] != len(FACTOR_NAMES):
        raise ValueError(f"factors must have shape (n, {len(FACTOR_NAMES)}); got {factors.shape}")
    sizes = torch.tensor(spec.sizes)
    if (factors < 0).any() or (factors >= sizes).any():
        raise ValueError(f"factor indices must lie in 0..size-1 with sizes {spec.sizes}")
    res, s = spec.image_size, spec.supersample
    fine = res * s
    coord = -1.0 + (torch.arange(fine, dtype=torch.float32) + 0.5) * 2.0 / fine
    py, px = torch.meshgrid(-coord, coord, indexing="ij")  # rows go down, y goes up
    out = []
    for start in range(0, len(factors), batch_size):
        f = factors[start : start + batch_size]
        val = spec.values(f).to(torch.float32)
        scale, angle = val[:, 1, None, None] * BASE_RADIUS, val[:, 2, None, None]
        dx, dy = px - val[:, 3, None, None], py - val[:, 4, None, None]
        cos, sin = torch.cos(angle), torch.sin(angle)
        u = (cos * dx + sin * dy) / scale  # rotate the point by -angle into the shape's frame
        v = (-sin * dx + cos * dy) / scale
        hit = torch.zeros_like(u)
        for k in range(len(SHAPES)):
            sel = f[:, 0] == k
            hit[sel] = _inside(k, u[sel], v[sel]).to(hit.dtype)
        img = hit.view(len(f), res, s, res, s).mean(dim=(2, 4))
        out.append(img.reshape(len(f), -1))
    return torch.cat(out) if out else torch.zeros(0, res * res)


def sample_factors(n: int, spec: FactorSpec = FactorSpec(), seed: int = 0) -> Tensor:
    """``n`` factor combinations ``(n, 5)``, each factor uniform over its values, independently."""
    if n < 1:
        raise ValueError(f"n must be >= 1; got {n}")
    g = torch.Generator().manual_seed(seed)
    return torch.stack([torch.randint(k, (n,), generator=g) for k in spec.sizes], dim=1)


def make_factor_dataset(n: int, spec: FactorSpec = FactorSpec(), seed: int = 0) -> FactorImages:
    """``n`` images with factors drawn independently and uniformly (the seed fixes them)."""
    factors = sample_factors(n, spec, seed)
    recipe = {"kind": "generated", "recipe": "aebook.data.factors.make_factor_dataset"}
    provenance = {**recipe, "n": n, "seed": seed, "spec": asdict(spec)}
    return FactorImages(render(factors, spec), factors, spec, provenance)
