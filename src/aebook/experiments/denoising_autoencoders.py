"""Chapter 1, first page (Vincent et al. 2008): the filters a denoising autoencoder learns at each
masking level, and the manifold picture on 2-D data.

What each profile runs: ``smoke`` small DAEs on 2,000 digits, ``standard`` 500 hidden units on
20,000 digits, ``paper`` 1,000 hidden units on 50,000 digits. Table 1 is the next page's
(:mod:`aebook.experiments.stacked_denoising_autoencoders`).

The page's four findings test the directions the paper states, with the same criterion in every
profile, written where the page builds its claims: filters grow with the corruption (a ratio of
correlation areas above 1), the ν = 50 % DAE repairs masked digits better than the plain
autoencoder (a ratio of errors below 1), most arrows of the 2-D field point towards the data
(a share above 1/2), and denoising brings points closer to the circle (a ratio below 1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from aebook.corruption import Corruption
from aebook.models import DenoisingAutoencoder
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig, fit


@dataclass(frozen=True, kw_only=True)
class DenoisingAutoencodersSettings(ChapterSettings):
    seed: int = 0  #: seed of every initialisation, corruption and data generation
    # -- filters (first-layer DAE on MNIST, one run per masking level, same initial weights)
    filter_n_train: int  #: MNIST training images
    filter_hidden: int  #: hidden units of the DAE
    filter_levels: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5)  #: masking levels ν compared
    filter_train: TrainConfig  #: training of each DAE
    # -- the manifold picture (2-D toy data on a circle, Gaussian corruption)
    toy_n: int  #: training points
    toy_sigma: float  #: standard deviation of the Gaussian corruption
    toy_hidden: int  #: hidden units of the 2-D DAE
    toy_train: TrainConfig  #: its training


_STANDARD = DenoisingAutoencodersSettings(
    filter_n_train=20_000,
    filter_hidden=500,
    filter_train=TrainConfig(epochs=20, batch_size=20, lr=0.1, optimizer="sgd"),
    toy_n=2_000,
    toy_sigma=0.25,
    toy_hidden=128,
    toy_train=TrainConfig(epochs=100, batch_size=50, lr=1e-2, optimizer="adam"),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        filter_n_train=2_000,
        filter_hidden=64,
        filter_train=replace(_STANDARD.filter_train, epochs=3),
        toy_n=1_000,
        toy_hidden=64,
        toy_train=replace(_STANDARD.toy_train, epochs=40),
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        filter_n_train=50_000,
        filter_hidden=1000,
        filter_train=replace(_STANDARD.filter_train, epochs=30),
        toy_n=5_000,
        toy_hidden=256,
        toy_train=replace(_STANDARD.toy_train, epochs=200),
    ),
}


def train_filter_daes(
    x: Tensor, cfg: DenoisingAutoencodersSettings, *, device=None, progress: bool | None = None
) -> dict[float, DenoisingAutoencoder]:
    """One tied-weight DAE per masking level in ``cfg.filter_levels``, all started from the same
    random weights (so that a hidden unit can be followed across levels), trained on ``x``."""
    torch.manual_seed(cfg.seed)
    start = DenoisingAutoencoder(x.shape[1], cfg.filter_hidden).state_dict()
    models = {}
    for nu in cfg.filter_levels:
        model = DenoisingAutoencoder(
            x.shape[1], cfg.filter_hidden, corruption=Corruption("masking", nu)
        )
        model.load_state_dict(start)
        fit(model, x, cfg.filter_train, device=device, progress=progress)
        models[nu] = model.eval()
    return models


def toward_manifold(points: Tensor, moved: Tensor, min_distance: float = 0.1) -> float:
    """Share of ``points`` farther than ``min_distance`` from the unit circle whose displacement
    ``moved - points`` has a positive component towards the circle (radially)."""
    r = points.norm(dim=1)
    far = (r - 1).abs() > min_distance
    inward = -torch.sign(r - 1)[:, None] * points / r[:, None]  # unit vector towards the circle
    step = ((moved - points) * inward).sum(1)
    return float((step[far] > 0).float().mean())
