"""Chapter 4, posteriors (Bank, Koenigstein & Giryes 2020): VAE, WAE and AAE with 2-D codes.

The three generative families of :mod:`aebook.models.families` with a 2-D latent space, so that
their codes can be drawn: how far each aggregate posterior is from the prior N(0, I).

The survey's statements are directions, judged on thresholds written where the claims are built:
the WAE's and the AAE's aggregate posteriors closer to the prior than the plain autoencoder's (a
ratio of MMD² below 1), and the VAE's posteriors of different digits overlapping (a draw from one
digit's posterior more likely another digit's than its own, a share below 1/2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.models.families import FamilyHyper
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class PosteriorsSettings(ChapterSettings):
    n_train: int  #: MNIST training images
    n_test: int  #: MNIST test images every measurement uses
    hidden_sizes: tuple[int, ...]  #: hidden layers of the three models
    posterior_latent: int  #: latent size (2, so that the codes can be drawn)
    posterior_train: TrainConfig  #: training of the three models
    posterior_hyper: FamilyHyper  #: their weights (β = 1 for the VAE)


_ADAM = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = PosteriorsSettings(
    n_train=50_000,
    n_test=10_000,
    hidden_sizes=(256,),
    posterior_latent=2,
    posterior_train=TrainConfig(epochs=20, **_ADAM),
    posterior_hyper=FamilyHyper(),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_train=3000,
        n_test=1000,
        posterior_train=TrainConfig(epochs=5, **_ADAM),
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        hidden_sizes=(1000, 500),
        posterior_train=TrainConfig(epochs=100, **_ADAM),
    ),
}
