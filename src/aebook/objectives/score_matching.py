"""Score matching objectives (Hyvärinen 2005; Vincent 2011), one value per example.

Notation of Vincent (2011): ψ(x; θ) is the model's score ∂ log p(x; θ) / ∂x, q is the data density,
q_σ(x̃ | x) = N(x̃; x, σ² I) the Gaussian corruption and q_σ(x̃) = (1/n) Σₜ q_σ(x̃ | x⁽ᵗ⁾) the Parzen
estimate built on the training points x⁽¹⁾ … x⁽ⁿ⁾.

- :func:`esm_loss`: explicit score matching, ½‖ψ(x) − ∂ log q(x)/∂x‖², needs the data score.
- :func:`ism_loss`: implicit score matching, ½‖ψ(x)‖² + Σᵢ ∂ψᵢ(x)/∂xᵢ, needs only the model; the
  trace of the Jacobian costs one extra differentiation per input dimension.
- :func:`dsm_loss`: denoising score matching, ½‖ψ(x̃) − (x − x̃)/σ²‖², needs neither.
- :class:`ParzenDensity`: q_σ itself, its log-density and its exact score.

Averaged over the data, ESM and ISM differ by a constant that does not depend on θ, and so do ESM
on q_σ and DSM (tests in ``tests/test_score_matching.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor
from torch.func import jacfwd, jacrev, vmap

from aebook.corruption import gaussian

ScoreFn = Callable[[Tensor], Tensor]

TRACE_METHODS = ("jacrev", "jacfwd", "autograd")


def esm_loss(psi: Tensor, data_score: Tensor) -> Tensor:
    """½‖ψ(x) − ∂ log q(x)/∂x‖² per example, from the model's and the data's scores ``(n, d)``."""
    return 0.5 * (psi - data_score).pow(2).sum(-1)


def jacobian_trace(score_fn: ScoreFn, x: Tensor, method: str = "jacrev") -> Tensor:
    """Σᵢ ∂ψᵢ(x)/∂xᵢ for each row of ``x`` ``(n, d)``: the divergence of the score field.

    Exact, and differentiable with respect to the parameters that ``score_fn`` uses, so it can be
    minimised. ``jacrev`` / ``jacfwd`` build each example's full d × d Jacobian with
    ``torch.func`` (``score_fn`` must then accept a single unbatched row ``(d,)``); ``autograd``
    takes d backward passes of the batch, one per input dimension. Either way the cost grows with d.
    """
    if method not in TRACE_METHODS:
        raise ValueError(f"method must be one of {', '.join(TRACE_METHODS)}; got {method!r}")
    if method == "autograd":
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            psi = score_fn(x)
            parts = [
                torch.autograd.grad(psi[:, i].sum(), x, create_graph=True)[0][:, i]
                for i in range(x.shape[1])
            ]
        return torch.stack(parts, dim=1).sum(1)
    jac = vmap((jacrev if method == "jacrev" else jacfwd)(score_fn))(x)
    return jac.diagonal(dim1=-2, dim2=-1).sum(-1)


def ism_loss(score_fn: ScoreFn, x: Tensor, method: str = "jacrev") -> Tensor:
    """Hyvärinen's implicit score matching: ½‖ψ(x)‖² + Σᵢ ∂ψᵢ(x)/∂xᵢ per example."""
    return 0.5 * score_fn(x).pow(2).sum(-1) + jacobian_trace(score_fn, x, method)


def dsm_target(x: Tensor, x_tilde: Tensor, sigma: float | Tensor) -> Tensor:
    """∂ log q_σ(x̃ | x)/∂x̃ = (x − x̃)/σ² for Gaussian corruption: the direction back to x.

    ``sigma`` is a number, or a tensor that broadcasts against ``x`` (one level per example)."""
    _check_sigma(sigma)
    return (x - x_tilde) / sigma**2


def dsm_loss(psi_tilde: Tensor, x: Tensor, x_tilde: Tensor, sigma: float | Tensor) -> Tensor:
    """½‖ψ(x̃) − (x − x̃)/σ²‖² per example; ``psi_tilde`` is the model's score at x̃."""
    return 0.5 * (psi_tilde - dsm_target(x, x_tilde, sigma)).pow(2).sum(-1)


def _check_sigma(sigma: float | Tensor) -> None:
    positive = bool((sigma > 0).all()) if isinstance(sigma, Tensor) else sigma > 0
    if not positive:
        raise ValueError(f"sigma must be > 0; got {sigma}")


class ParzenDensity:
    """q_σ(x̃) = (1/n) Σₜ N(x̃; x⁽ᵗ⁾, σ² I): the Parzen (kernel) density of the ``points`` ``(n, d)``.

    Sampling it is corrupting a training point: pick x⁽ᵗ⁾ uniformly, add N(0, σ² I).
    """

    def __init__(self, points: Tensor, sigma: float, *, chunk_size: int = 4096):
        _check_sigma(sigma)
        if points.ndim != 2 or len(points) == 0:
            raise ValueError(f"points must be a non-empty (n, d) tensor; got {tuple(points.shape)}")
        self.points = points
        self.sigma = float(sigma)
        self.chunk_size = chunk_size  # query rows per block: memory is chunk_size × n numbers

    def _log_kernel(self, x: Tensor) -> Tensor:
        """log N(x; x⁽ᵗ⁾, σ² I) for every row of x and every point, shape ``(m, n)``."""
        d = self.points.shape[1]
        if x.ndim != 2 or x.shape[1] != d:
            raise ValueError(f"x must have shape (m, {d}); got {tuple(x.shape)}")
        sq = torch.cdist(x, self.points.to(x)).pow(2)
        return -0.5 * sq / self.sigma**2 - 0.5 * d * math.log(2 * math.pi * self.sigma**2)

    def _chunked(self, fn: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
        return torch.cat(
            [fn(x[i : i + self.chunk_size]) for i in range(0, len(x), self.chunk_size)]
        )

    def log_prob(self, x: Tensor) -> Tensor:
        log_n = math.log(len(self.points))
        return self._chunked(lambda v: torch.logsumexp(self._log_kernel(v), dim=1) - log_n, x)

    def posterior(self, x: Tensor) -> Tensor:
        """P(x⁽ᵗ⁾ | x̃): which training point a corrupted x̃ came from, shape ``(m, n)``."""
        return torch.softmax(self._log_kernel(x), dim=1)

    def score(self, x: Tensor) -> Tensor:
        """∂ log q_σ(x̃)/∂x̃ = Σₜ P(x⁽ᵗ⁾ | x̃) (x⁽ᵗ⁾ − x̃)/σ²: the DSM target averaged over the clean
        points that could have produced x̃."""
        points = self.points.to(x)
        return self._chunked(lambda v: (self.posterior(v) @ points - v) / self.sigma**2, x)

    def sample_pairs(
        self, n: int, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Tensor]:
        """``n`` pairs (x, x̃) from q_σ(x̃ | x) q₀(x): a training point and its corrupted copy."""
        idx = torch.randint(len(self.points), (n,), generator=generator)
        x = self.points[idx.to(self.points.device)]
        return x, gaussian(x, self.sigma, generator)
