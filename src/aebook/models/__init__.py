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
from aebook.models.dae import DenoisingAutoencoder, StackedDenoisingAutoencoder
from aebook.models.energy import DAEEnergyModel, TiedGaussianDAE
from aebook.models.score_net import NoiseConditionalScoreNet, ScoreNet
from aebook.models.vae import (
    LIKELIHOODS,
    VAE,
    BernoulliDecoder,
    GaussianDecoder,
    GaussianEncoder,
)

__all__ = [
    "ACTIVATIONS",
    "Autoencoder",
    "DenoisingAutoencoder",
    "StackedDenoisingAutoencoder",
    "LinearAutoencoder",
    "MLPAutoencoder",
    "SigmoidAutoencoder",
    "first_input",
    "mlp",
    "LIKELIHOODS",
    "VAE",
    "BernoulliDecoder",
    "GaussianDecoder",
    "GaussianEncoder",
    "DAEEnergyModel",
    "TiedGaussianDAE",
    "NoiseConditionalScoreNet",
    "ScoreNet",
]
