"""Autoencoder families, each a plain ``torch.nn.Module`` with ``loss(batch) -> dict``."""

from aebook.models.autoencoders import (
    ACTIVATIONS,
    Autoencoder,
    LinearAutoencoder,
    MLPAutoencoder,
    SigmoidAutoencoder,
    first_input,
    mlp,
)
from aebook.models.energy import DAEEnergyModel, TiedGaussianDAE
from aebook.models.m2 import M2, SupervisedClassifier
from aebook.models.score_net import NoiseConditionalScoreNet, ScoreNet
from aebook.models.vae import (
    LIKELIHOODS,
    MODERN,
    PAPER_FREY,
    PAPER_MNIST,
    PAPER_STEP_SIZES,
    VAE,
    BernoulliDecoder,
    GaussianDecoder,
    GaussianEncoder,
    LinearGaussianVAE,
    VAERecipe,
)

__all__ = [
    "ACTIVATIONS",
    "Autoencoder",
    "LinearAutoencoder",
    "MLPAutoencoder",
    "SigmoidAutoencoder",
    "first_input",
    "mlp",
    "LIKELIHOODS",
    "M2",
    "SupervisedClassifier",
    "VAE",
    "BernoulliDecoder",
    "GaussianDecoder",
    "GaussianEncoder",
    "DAEEnergyModel",
    "TiedGaussianDAE",
    "NoiseConditionalScoreNet",
    "ScoreNet",
    "LinearGaussianVAE",
    "MODERN",
    "PAPER_FREY",
    "PAPER_MNIST",
    "PAPER_STEP_SIZES",
    "VAERecipe",
]
