"""The learned-scores page (after Vincent 2011): how close denoising score matching gets to the
score it aims at, and sampling with a learned score by plain and annealed Langevin dynamics.

The identities of :mod:`aebook.experiments.score_matching` say *what* denoising score matching
estimates; this page measures how well a trained network estimates it on 2-D densities whose
smoothed scores are known exactly, and what a score is good for. The score errors are
:func:`aebook.evaluate.scores.field_errors`; the samplers are :mod:`aebook.sampling`.

The findings' criteria are the statements' own values, the same in every profile, and are
written where the page builds its claims: a ratio above or below 1; the true mixture weight 0.8
inside the 95 % binomial interval of the share the annealed chains put at (5, 5); for plain
Langevin, a share nearer the start's split than 0.8. The measured errors and mixture weights are
listed in the page's closing note. The ``paper`` profile (larger networks, more samples, longer
chains) has not been run: the chains are sampled on the CPU, so it is sized to stay within
minutes there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch
from torch import Tensor

from aebook.models.score_net import ScoreNet
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig, fit


@dataclass(frozen=True, kw_only=True)
class LearnedScoresSettings(ChapterSettings):
    # Learned score fields on 2-D data.
    field_sigmas: tuple[float, ...]  #: corruption levels σ at which a score network is trained
    n_toy: int  #: training points drawn from each 2-D density
    field_hidden: tuple[int, ...]  #: hidden layers of the score network
    field_train: TrainConfig  #: its training
    n_eval: int  #: points used to measure a score error
    # Sampling the mixture 0.8 N((5,5), I) + 0.2 N((−5,−5), I).
    n_samples: int  #: chains run by each sampler
    langevin_step: float  #: step α of plain Langevin
    langevin_steps: int  #: its number of steps
    ladder: tuple[float, float, int]  #: (σ_max, σ_min, levels) of the geometric ladder
    annealed_step: float  #: ε of annealed Langevin: the step at level i is ε σᵢ² / σ_L²
    steps_per_level: int  #: Langevin steps at each level
    ncsn_hidden: tuple[int, ...]  #: hidden layers of the noise-conditional score network
    n_ncsn: int  #: training points for it
    ncsn_train: TrainConfig  #: its training


_FIELD = dict(batch_size=256, lr=3e-3, optimizer="adam", lr_schedule="cosine")
_NCSN = dict(batch_size=256, lr=2e-3, optimizer="adam", lr_schedule="cosine")

_STANDARD = LearnedScoresSettings(
    field_sigmas=(0.05, 0.1, 0.3, 1.0, 2.0),
    n_toy=20_000,
    field_hidden=(128, 128),
    field_train=TrainConfig(epochs=30, **_FIELD),
    n_eval=10_000,
    n_samples=10_000,
    langevin_step=0.1,
    langevin_steps=1_000,
    ladder=(20.0, 0.5, 10),
    annealed_step=0.05,
    steps_per_level=200,
    ncsn_hidden=(128, 128),
    n_ncsn=50_000,
    ncsn_train=TrainConfig(epochs=30, **_NCSN),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        field_sigmas=(0.05, 0.3, 2.0),
        n_toy=10_000,
        field_train=TrainConfig(epochs=6, batch_size=128, lr=1e-2, lr_schedule="cosine"),
        n_eval=4_000,
        n_samples=2_000,
        langevin_steps=500,
        steps_per_level=100,
        n_ncsn=20_000,
        ncsn_train=TrainConfig(epochs=12, **_NCSN),
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        field_sigmas=(0.02, 0.05, 0.1, 0.3, 1.0, 2.0),
        n_toy=100_000,
        field_hidden=(256, 256),
        field_train=TrainConfig(epochs=100, **_FIELD),
        n_eval=50_000,
        n_samples=20_000,
        langevin_steps=3_000,
        ladder=(20.0, 0.5, 20),
        steps_per_level=300,
        ncsn_hidden=(256, 256),
        n_ncsn=200_000,
        ncsn_train=TrainConfig(epochs=60, **_NCSN),
    ),
}


def train_score_net(
    data: Tensor,
    sigma: float,
    hidden: Sequence[int],
    config: TrainConfig,
    *,
    scale: float = 1.0,
    device: torch.device | str | None = None,
) -> ScoreNet:
    """A :class:`~aebook.models.score_net.ScoreNet` (tanh units) fitted by denoising score matching
    at level ``sigma``,
    returned on the CPU in eval mode."""
    torch.manual_seed(config.seed)
    model = ScoreNet(data.shape[1], hidden, activation="tanh", sigma=sigma, scale=scale)
    fit(model, data, config, device=device)
    return model.cpu().eval()
