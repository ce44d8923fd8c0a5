"""Score networks: a small MLP that outputs a vector field ψ(x) of the same size as its input.

- :class:`ScoreNet` models one score, of the data (trained by implicit score matching, ``"ism"``)
  or of the data corrupted at one level σ (denoising score matching, ``"dsm"``).
- :class:`NoiseConditionalScoreNet` models the scores of a whole ladder of corruption levels at
  once, s(x, σ), as in the noise-conditional score networks of Song & Ermon (2019). It is what
  annealed Langevin sampling needs (:func:`aebook.sampling.annealed_langevin`).

Both use a smooth activation (tanh by default): implicit score matching differentiates the
network's Jacobian once more, and piecewise-linear units would make that second derivative zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from aebook.corruption import gaussian
from aebook.models.autoencoders import first_input, mlp
from aebook.objectives.score_matching import TRACE_METHODS, dsm_loss, ism_loss

OBJECTIVES = ("dsm", "ism")


class ScoreNet(nn.Module):
    """ψ(x) = MLP(x / scale): ``input_size`` → ``hidden_sizes`` → ``input_size``.

    ``objective="dsm"`` trains it on pairs (x, x̃ = x + σε) to match (x − x̃)/σ², so it learns the
    score of the corrupted data; ``objective="ism"`` trains it on clean x with Hyvärinen's loss
    (the trace computed by ``trace``, see :func:`aebook.objectives.score_matching.jacobian_trace`).
    ``scale`` divides the input (a fixed data scale, so the first layer sees numbers near 1).
    """

    def __init__(
        self,
        input_size: int = 2,
        hidden_sizes: Sequence[int] = (128, 128),
        *,
        activation: str = "tanh",
        objective: str = "dsm",
        sigma: float | None = None,
        scale: float = 1.0,
        trace: str = "jacrev",
    ):
        super().__init__()
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}; got {objective!r}")
        if objective == "dsm" and not (sigma is not None and sigma > 0):
            raise ValueError(f"sigma must be > 0 for objective='dsm'; got {sigma}")
        if trace not in TRACE_METHODS:
            raise ValueError(f"trace must be one of {', '.join(TRACE_METHODS)}; got {trace!r}")
        if not scale > 0:
            raise ValueError(f"scale must be > 0; got {scale}")
        self.net = mlp([input_size, *hidden_sizes, input_size], activation)
        self.objective = objective
        self.sigma = sigma
        self.scale = float(scale)
        self.trace = trace

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x / self.scale)

    def loss(self, batch) -> dict[str, Tensor]:
        x = first_input(batch)
        if self.objective == "ism":
            return {"loss": ism_loss(self, x, self.trace).mean()}
        x_tilde = gaussian(x, self.sigma)
        return {"loss": dsm_loss(self(x_tilde), x, x_tilde, self.sigma).mean()}


class NoiseConditionalScoreNet(nn.Module):
    """s(x, σ) for every σ of a ladder ``sigmas``: one MLP that also sees log σ.

    The input is rescaled to unit size, x / sqrt(scale² + σ²), and the output is divided by σ,
    so the network predicts −ε for x̃ = x + σε. The loss is Song & Ermon's: for each example a level
    σ is drawn uniformly from the ladder, and the DSM loss at that level is weighted by σ², which
    gives every level the same order of magnitude.
    """

    def __init__(
        self,
        sigmas: Sequence[float],
        input_size: int = 2,
        hidden_sizes: Sequence[int] = (128, 128),
        *,
        activation: str = "tanh",
        scale: float = 1.0,
    ):
        super().__init__()
        if len(sigmas) == 0 or any(not s > 0 for s in sigmas):
            raise ValueError(
                f"sigmas must be a non-empty sequence of positive levels; got {sigmas}"
            )
        if not scale > 0:
            raise ValueError(f"scale must be > 0; got {scale}")
        self.register_buffer("sigmas", torch.as_tensor(sigmas, dtype=torch.float32))
        self.scale = float(scale)
        self.net = mlp([input_size + 1, *hidden_sizes, input_size], activation)

    def forward(self, x: Tensor, sigma: float | Tensor) -> Tensor:
        sigma = torch.as_tensor(sigma, dtype=x.dtype, device=x.device).expand(len(x))[:, None]
        features = torch.cat([x / torch.sqrt(self.scale**2 + sigma**2), sigma.log()], dim=1)
        return self.net(features) / sigma

    def loss(self, batch) -> dict[str, Tensor]:
        x = first_input(batch)
        idx = torch.randint(len(self.sigmas), (len(x),), device=x.device)
        sigma = self.sigmas.to(x)[idx]
        x_tilde = x + sigma[:, None] * torch.randn_like(x)
        # σ² · ½‖s − (x − x̃)/σ²‖², computed per example with that example's σ.
        per_example = sigma.pow(2) * dsm_loss(self(x_tilde, sigma), x, x_tilde, sigma[:, None])
        return {"loss": per_example.mean()}
