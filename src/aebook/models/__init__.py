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
    train_autoencoder,
)
from aebook.models.autorec import BiasedMF, IAutoRec
from aebook.models.dae import DenoisingAutoencoder, StackedDenoisingAutoencoder
from aebook.models.energy import DAEEnergyModel, TiedGaussianDAE
from aebook.models.families import FAMILIES, GENERATIVE, FamilyHyper, build_family
from aebook.models.m2 import M2
from aebook.models.recipes import MODERN, PAPER_FREY, PAPER_MNIST, VAERecipe
from aebook.models.regularized import (
    SPARSITY_PENALTIES,
    ContractiveAutoencoder,
    MLPDenoisingAutoencoder,
    RegularizedAutoencoder,
    SparseAutoencoder,
)
from aebook.models.score_net import NoiseConditionalScoreNet, ScoreNet
from aebook.models.supervised import MLPClassifier, SupervisedAutoencoder
from aebook.models.vae import (
    LIKELIHOODS,
    VAE,
    BernoulliDecoder,
    GaussianDecoder,
    GaussianEncoder,
    LinearGaussianVAE,
)
from aebook.models.wae import WAE, GaussianPriorAutoencoder

__all__ = [
    "ACTIVATIONS",
    "FAMILIES",
    "GENERATIVE",
    "FamilyHyper",
    "build_family",
    "Autoencoder",
    "DenoisingAutoencoder",
    "StackedDenoisingAutoencoder",
    "LinearAutoencoder",
    "MLPAutoencoder",
    "SigmoidAutoencoder",
    "first_input",
    "mlp",
    "train_autoencoder",
    "BiasedMF",
    "IAutoRec",
    "SupervisedAutoencoder",
    "LIKELIHOODS",
    "M2",
    "MLPClassifier",
    "VAE",
    "BernoulliDecoder",
    "GaussianDecoder",
    "GaussianEncoder",
    "SPARSITY_PENALTIES",
    "AdversarialAutoencoder",
    "ContractiveAutoencoder",
    "MLPDenoisingAutoencoder",
    "GaussianPriorAutoencoder",
    "RegularizedAutoencoder",
    "SparseAutoencoder",
    "WAE",
    "DAEEnergyModel",
    "TiedGaussianDAE",
    "NoiseConditionalScoreNet",
    "ScoreNet",
    "LinearGaussianVAE",
    "MODERN",
    "PAPER_FREY",
    "PAPER_MNIST",
    "VAERecipe",
]
