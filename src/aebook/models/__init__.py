"""Autoencoder families, each a plain ``torch.nn.Module`` with ``loss(batch) -> dict``."""

from aebook.models.aae import AdversarialAutoencoder
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
from aebook.models.regularized import (
    SPARSITY_PENALTIES,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    RegularizedAutoencoder,
    SparseAutoencoder,
)
from aebook.models.score_net import NoiseConditionalScoreNet, ScoreNet
from aebook.models.vae import (
    LIKELIHOODS,
    VAE,
    BernoulliDecoder,
    GaussianDecoder,
    GaussianEncoder,
)
from aebook.models.wae import WAE, GaussianPrior

__all__ = [
    "ACTIVATIONS",
    "Autoencoder",
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
    "SPARSITY_PENALTIES",
    "AdversarialAutoencoder",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "GaussianPrior",
    "RegularizedAutoencoder",
    "SparseAutoencoder",
    "WAE",
    "DAEEnergyModel",
    "TiedGaussianDAE",
    "NoiseConditionalScoreNet",
    "ScoreNet",
]
