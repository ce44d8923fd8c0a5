"""Whole training setups of a VAE: architecture, initialization and optimizer as one printable
record (:class:`VAERecipe`), with Kingma & Welling's settings for MNIST and Frey Face
(:data:`PAPER_MNIST`, :data:`PAPER_FREY`) and a modern one (:data:`MODERN`)."""

from __future__ import annotations

from dataclasses import dataclass

from aebook.models.vae import VAE
from aebook.train import TrainConfig


@dataclass(frozen=True)
class VAERecipe:
    """A whole VAE setup: architecture, initialization and optimizer, as one printable record.

    ``prior_weight_decay`` is the weight decay of a N(0, I) prior on the parameters: the MAP
    objective adds log p(θ) = −‖θ‖²/2 once per pass over N examples, which, for a loss averaged
    over examples, is a weight decay of 1/N (see :meth:`train_config`).
    """

    hidden_sizes: tuple[int, ...]
    activation: str
    optimizer: str
    lr: float
    init_std: float | None = None  #: std of the N(0, std²) initialization; None: PyTorch's default
    prior_weight_decay: bool = False  #: weight decay 1/N from a N(0, I) prior on the parameters
    batch_size: int = 100  #: M, examples per minibatch
    samples: int = 1  #: L, samples of z per example (the training loss uses L = 1)

    def build(self, input_size: int, latent_size: int, likelihood: str = "bernoulli") -> VAE:
        """A fresh :class:`~aebook.models.vae.VAE` with this recipe's architecture and initialization."""
        return VAE(
            input_size,
            latent_size,
            self.hidden_sizes,
            activation=self.activation,
            likelihood=likelihood,
            init_std=self.init_std,
        )

    def train_config(self, epochs: int, n_train: int, *, seed: int = 0, **overrides) -> TrainConfig:
        """The :class:`~aebook.train.TrainConfig` for ``epochs`` passes over ``n_train`` examples."""
        if n_train < 1:
            raise ValueError(f"n_train must be >= 1, got {n_train}")
        settings = dict(
            epochs=epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            optimizer=self.optimizer,
            weight_decay=1.0 / n_train if self.prior_weight_decay else 0.0,
            seed=seed,
        )
        settings.update(overrides)
        return TrainConfig(**settings)


#: Kingma & Welling's MNIST setup: 500 tanh units each side, N(0, 0.01²) initialization, the
#: N(0, I) parameter prior as weight decay, Adagrad (step chosen from {0.01, 0.02, 0.1}), M = 100.
PAPER_MNIST = VAERecipe((500,), "tanh", "adagrad", 0.02, init_std=0.01, prior_weight_decay=True)
#: The same for Frey Face, with 200 hidden units (fewer, against overfitting a small dataset).
PAPER_FREY = VAERecipe((200,), "tanh", "adagrad", 0.02, init_std=0.01, prior_weight_decay=True)
#: A modern setup: ReLU, PyTorch's default initialization, Adam, no weight decay.
MODERN = VAERecipe((500,), "relu", "adam", 1e-3)
