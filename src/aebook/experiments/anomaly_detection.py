"""Chapter 4, anomaly detection (Bank, Koenigstein & Giryes 2020): one digit is normal.

Each digit in turn is the normal class: an autoencoder, a VAE and PCA are fitted on its training
images, and every test image is scored by how badly it is reconstructed (or explained).

The page's guards are set from chance, not from runs: a detector that ranks at random has an
AUROC of 50 %, and each detector's mean AUROC must at least halve chance's rate of misordered
pairs (an AUROC of 75 %, written where the claims are built).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from sklearn.decomposition import PCA
from torch import Tensor

from aebook.data.mnist import LabelledImages
from aebook.evaluate.anomaly import (
    auroc,
    negative_elbo_scores,
    one_class_truth,
    squared_error_scores,
)
from aebook.models.autoencoders import train_autoencoder
from aebook.models.vae import VAE
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig, fit


@dataclass(frozen=True, kw_only=True)
class AnomalyDetectionSettings(ChapterSettings):
    digits: tuple[int, ...]  #: the digits that take turns as the normal class
    n_test: int  #: test images scored (about 10 % of them normal)
    encoder_sizes: tuple[int, ...]  #: autoencoder layers before the code
    code_size: int  #: autoencoder code size
    autoencoder: TrainConfig  #: training of the autoencoder, per digit
    vae_hidden: tuple[int, ...]  #: VAE hidden layers
    vae_latent: int  #: VAE latent size
    vae: TrainConfig  #: training of the VAE, per digit
    elbo_samples: int  #: samples of z per test image for the negative-ELBO score
    pca_components: int  #: components of the PCA baseline


_AE = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = AnomalyDetectionSettings(
    digits=tuple(range(10)),
    n_test=10_000,
    encoder_sizes=(784, 256, 64),
    code_size=16,
    autoencoder=TrainConfig(epochs=20, **_AE),
    vae_hidden=(256, 64),
    vae_latent=16,
    vae=TrainConfig(epochs=20, **_AE),
    elbo_samples=4,
    pca_components=16,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        digits=(0, 1),
        n_test=2000,
        encoder_sizes=(784, 128),
        autoencoder=TrainConfig(epochs=3, **_AE),
        vae_hidden=(128,),
        vae_latent=8,
        vae=TrainConfig(epochs=3, **_AE),
        elbo_samples=1,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        autoencoder=TrainConfig(epochs=150, **_AE),
        vae=TrainConfig(epochs=150, **_AE),
        elbo_samples=16,
    ),
}


@dataclass
class OneClassResult:
    """AUROC of every method for one normal digit, with the scores behind them."""

    digit: int
    auroc: dict[str, float]
    scores: dict[str, Tensor]
    is_anomaly: Tensor


def one_class_experiment(
    digit: int,
    train: LabelledImages,
    test: LabelledImages,
    cfg: AnomalyDetectionSettings,
    *,
    seed: int = 0,
) -> OneClassResult:
    """Train on the training images of ``digit`` only; score the test images three ways.

    Scores (higher = more anomalous): the autoencoder's squared reconstruction error, the VAE's
    negative ELBO (in nats, averaged over ``cfg.elbo_samples`` draws of z) and the squared
    reconstruction error of PCA with ``cfg.pca_components`` components.
    """
    x = train.x[train.y == digit]
    x_test = test.x[: cfg.n_test]
    truth = one_class_truth(test.y[: cfg.n_test], digit)
    ae, _ = train_autoencoder(
        (*cfg.encoder_sizes, cfg.code_size),
        x,
        replace(cfg.autoencoder, seed=seed),
        seed=seed,
    )
    torch.manual_seed(seed)
    vae = VAE(x.shape[1], cfg.vae_latent, cfg.vae_hidden)
    fit(vae, x, replace(cfg.vae, seed=seed))
    pca = PCA(cfg.pca_components, svd_solver="full").fit(x.numpy())

    def pca_reconstruct(v: Tensor) -> Tensor:
        return torch.from_numpy(pca.inverse_transform(pca.transform(v.numpy()))).to(v)

    g = torch.Generator().manual_seed(seed)
    device = next(ae.parameters()).device
    scores = {
        "autoencoder (reconstruction error)": squared_error_scores(
            ae.reconstruct, x_test.to(device)
        ).cpu(),
        "VAE (negative ELBO)": negative_elbo_scores(
            vae.cpu(), x_test, samples=cfg.elbo_samples, generator=g
        ),
        "PCA (reconstruction error)": squared_error_scores(pca_reconstruct, x_test),
    }
    return OneClassResult(digit, {k: auroc(v, truth) for k, v in scores.items()}, scores, truth)
