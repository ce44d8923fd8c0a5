"""Chapter 4, β-VAE (Bank, Koenigstein & Giryes 2020): a sweep of β on images of known factors.

Each β-VAE trains on shapes with known factors (:mod:`aebook.data.factors`); the page measures
the reconstruction and KL terms and the mutual information gap (MIG) of each β.

No criterion is a setting. The findings are the directions Higgins et al. state, judged at 1 for a
ratio of the sweep's largest β to β = 1 and at 0 for the MIG difference; the two identities that
check the MIG estimator allow its sampling error and no more, as
:func:`aebook.evaluate.disentanglement.mig_sampling_bounds` derives it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.data.factors import FactorSpec
from aebook.models.families import FamilyHyper
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class BetaVAESettings(ChapterSettings):
    factors: FactorSpec  #: the shapes data set
    factor_n_train: int  #: images the β-VAEs train on
    factor_n_eval: int  #: images on which MIG and reconstruction are measured
    betas: tuple[float, ...]  #: the β sweep
    hyper: FamilyHyper  #: ``hyper.beta`` is the β the claims compare with β = 1
    beta_latent: int  #: latent size of the β-VAEs
    beta_hidden: tuple[int, ...]  #: their hidden layers
    beta_train: TrainConfig  #: training of each β-VAE
    mig_bins: int  #: bins per code unit when estimating mutual information


_ADAM = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = BetaVAESettings(
    factors=FactorSpec(),
    factor_n_train=20_000,
    factor_n_eval=5000,
    betas=(1.0, 2.0, 4.0, 8.0, 16.0),
    hyper=FamilyHyper(),
    beta_latent=8,
    beta_hidden=(256,),
    beta_train=TrainConfig(epochs=20, **_ADAM),
    mig_bins=20,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        factor_n_train=3000,
        factor_n_eval=1000,
        betas=(1.0, 4.0),
        beta_train=TrainConfig(epochs=2, **_ADAM),
    ),
    "standard": _STANDARD,
    #: One GPU: 64 × 64 shapes with dSprites' 32 positions per axis, Higgins et al.'s 1200-unit MLP.
    "paper": replace(
        _STANDARD,
        factors=FactorSpec(image_size=64, n_positions=32),
        factor_n_train=100_000,
        factor_n_eval=10_000,
        betas=(1.0, 2.0, 4.0, 6.0, 8.0, 16.0),
        beta_latent=10,
        beta_hidden=(1200, 1200),
        beta_train=TrainConfig(epochs=50, **_ADAM),
    ),
}
