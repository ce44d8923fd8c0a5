"""Chapter 4, dimensionality reduction (Bank, Koenigstein & Giryes 2020).

PCA, Isomap and an autoencoder with a 2-D code, on a swiss roll
(:func:`aebook.data.toy2d.swiss_roll`) and on MNIST, judged by trustworthiness and continuity.
The criteria are the survey's claim, the same in every profile and written where the page builds
them: a nonlinear method is more trustworthy than PCA, a gain above 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class DimensionalityReductionSettings(ChapterSettings):
    roll_samples: int  #: points of the swiss roll
    roll_noise: float  #: standard deviation of the noise added to the roll
    roll_neighbors: int  #: Isomap's neighbours on the roll
    roll_sizes: tuple[int, ...]  #: autoencoder layers on the roll (3 ... 2)
    roll_autoencoder: TrainConfig  #: its training
    n_train: int  #: MNIST images the MNIST autoencoder and PCA are fitted on
    n_embed: int  #: MNIST test images embedded (Isomap and trustworthiness on these)
    mnist_neighbors: int  #: Isomap's neighbours on MNIST
    mnist_sizes: tuple[int, ...]  #: autoencoder layers on MNIST (784 ... 2)
    mnist_autoencoder: TrainConfig  #: its training
    trust_neighbors: int  #: k of trustworthiness and continuity


_AE = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = DimensionalityReductionSettings(
    roll_samples=2000,
    roll_noise=0.05,
    roll_neighbors=10,
    roll_sizes=(3, 128, 128, 2),
    roll_autoencoder=TrainConfig(epochs=200, batch_size=100, lr=1e-3),
    n_train=50_000,
    n_embed=3000,
    mnist_neighbors=10,
    mnist_sizes=(784, 512, 128, 2),
    mnist_autoencoder=TrainConfig(epochs=10, **_AE),
    trust_neighbors=10,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        roll_samples=800,
        roll_sizes=(3, 64, 64, 2),
        roll_autoencoder=TrainConfig(epochs=30, batch_size=50, lr=3e-3),
        n_train=4000,
        n_embed=800,
        mnist_sizes=(784, 256, 2),
        mnist_autoencoder=TrainConfig(epochs=3, **_AE),
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        roll_autoencoder=TrainConfig(epochs=1000, batch_size=100, lr=1e-3),
        n_embed=10_000,
        mnist_autoencoder=TrainConfig(epochs=50, **_AE),
    ),
}
