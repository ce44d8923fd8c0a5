"""Chapter 0 (foundations): settings per profile.

The linear autoencoder runs long enough with a cosine-annealed step for its subspace to settle
onto PCA's. The page's criteria are not settings. Theory puts both identities (the linear
autoencoder finds PCA's subspace, and its test error) at 0; their tolerance is the precision to
which the training images fix PCA itself: the largest principal angle and relative excess test
error of PCA refitted on 19 bootstrap resamples of the same images
(:func:`aebook.evaluate.reconstruction.pca_resampling`; the largest of 19 is a 95 % level). The
finding (a nonlinear autoencoder beats PCA) is judged at a test-error ratio of 1, in every profile.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class FoundationsSettings(ChapterSettings):
    n_train: int  #: MNIST training images used
    n_test: int  #: MNIST test images used to measure reconstruction error
    code_size: int  #: p, the size of the code and the number of principal components
    linear: TrainConfig  #: training of the linear autoencoder
    nonlinear_sizes: tuple[int, ...]  #: encoder layer sizes before the code (decoder mirrors it)
    nonlinear: TrainConfig  #: training of the nonlinear autoencoder


_LINEAR = dict(batch_size=100, lr=3e-3, optimizer="adam", lr_schedule="cosine")
_NONLINEAR = dict(batch_size=100, lr=2e-3, optimizer="adam", lr_schedule="cosine")

_STANDARD = FoundationsSettings(
    n_train=50_000,
    n_test=10_000,
    code_size=16,
    linear=TrainConfig(epochs=60, **_LINEAR),
    nonlinear_sizes=(784, 512, 256),
    nonlinear=TrainConfig(epochs=30, **_NONLINEAR),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_train=10_000,
        n_test=2_000,
        linear=TrainConfig(epochs=40, **_LINEAR),
        nonlinear_sizes=(784, 256),
        nonlinear=TrainConfig(epochs=8, **_NONLINEAR),
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        linear=TrainConfig(epochs=150, **_LINEAR),
        nonlinear_sizes=(784, 1000, 500, 250),
        nonlinear=TrainConfig(epochs=100, **_NONLINEAR),
    ),
}
