"""Deterministic autoencoders: linear, one sigmoid hidden layer (optionally tied), and deep MLP.

All share :class:`Autoencoder`'s protocol: ``encode(x) -> code``, ``decode(code) -> decoder
output`` (the reconstruction itself for squared error, Bernoulli logits for cross-entropy),
``reconstruct(x)`` in data space, and ``loss(batch) -> {"loss", ...}`` for :func:`aebook.train.fit`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from aebook.checks import check_batch, check_choice, check_count, check_sizes
from aebook.objectives import RECONSTRUCTION_LOSSES, reconstruction_loss
from aebook.train import History, TrainConfig, fit

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
    "softplus": nn.Softplus,
}


def mlp(sizes: list[int] | tuple[int, ...], activation: str = "relu") -> nn.Sequential:
    """Linear layers of the given ``sizes`` with ``activation`` between them (none after the last).

    Every size must be >= 1: a zero-width layer would build a network that passes nothing on.
    """
    check_choice("activation", activation, ACTIVATIONS)
    sizes = check_sizes("sizes", sizes, minimum_length=2)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def first_input(batch: Tensor | tuple[Tensor, ...]) -> Tensor:
    """The inputs of a batch that may carry labels too (``fit`` on ``(x, y)`` passes a tuple)."""
    return batch if isinstance(batch, Tensor) else batch[0]


def check_input(model: nn.Module, x, size: int, *, single: bool = False) -> Tensor:
    """``x`` if it is a ``(batch, size)`` batch of the model's parameter dtype, else a clear error.

    ``single=True`` also accepts one example ``(size,)``: for ``encode``, not for ``loss``.
    """
    dtype = next(model.parameters()).dtype
    return check_batch(f"the input of {type(model).__name__}", x, size, dtype, single=single)


class Autoencoder(nn.Module):
    """Base class: subclasses define ``encode`` and ``decode``; the loss follows ``reconstruction``.

    ``input_size`` is d, the width of the ``(batch, d)`` inputs; ``encode`` and ``loss`` refuse
    anything else with a message that says how to fix it.
    """

    def __init__(self, reconstruction: str, input_size: int):
        super().__init__()
        check_choice("reconstruction", reconstruction, RECONSTRUCTION_LOSSES)
        self.reconstruction = reconstruction
        self.input_size = check_count("input_size", input_size)

    def encode(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def decode(self, code: Tensor) -> Tensor:
        raise NotImplementedError

    def reconstruct(self, x: Tensor) -> Tensor:
        """The reconstruction in data space (the Bernoulli mean for cross-entropy)."""
        out = self.decode(self.encode(x))
        return torch.sigmoid(out) if self.reconstruction == "cross_entropy" else out

    def loss(self, batch) -> dict[str, Tensor]:
        x = check_input(self, first_input(batch), self.input_size)
        out = self.decode(self.encode(x))
        rec = reconstruction_loss(self.reconstruction, x, out)
        x_hat = torch.sigmoid(out) if self.reconstruction == "cross_entropy" else out
        return {"loss": rec.mean(), "squared_error": (x - x_hat).pow(2).sum(-1).mean()}


class LinearAutoencoder(Autoencoder):
    """x -> W_e x + b_e -> W_d z + b_d, trained with squared error.

    At its optimum the decoder's columns span the top-``code_size`` principal subspace of the data
    (Baldi & Hornik 1989); the basis inside that subspace is arbitrary.
    """

    def __init__(self, input_size: int, code_size: int):
        super().__init__("squared_error", input_size)
        check_count("code_size", code_size)
        self.encoder = nn.Linear(input_size, code_size)
        self.decoder = nn.Linear(code_size, input_size)

    def encode(self, x: Tensor) -> Tensor:
        return self.encoder(check_input(self, x, self.input_size, single=True))

    def decode(self, code: Tensor) -> Tensor:
        return self.decoder(code)


class SigmoidAutoencoder(Autoencoder):
    """One hidden layer of sigmoid units: h = sigmoid(W x + b), decoder output W' h + c.

    With ``tied=True`` the decoder uses W' = Wᵀ: there is one weight matrix, not two. The decoder
    output is Bernoulli logits (``cross_entropy``, the sigmoid is applied by the loss) or the
    reconstruction itself (``squared_error``, an affine decoder).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        tied: bool = False,
        reconstruction: str = "cross_entropy",
    ):
        super().__init__(reconstruction, input_size)
        check_count("hidden_size", hidden_size)
        self.tied = tied
        bound = 4 * math.sqrt(6 / (input_size + hidden_size))  # Glorot range for sigmoid units
        self.weight = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.hidden_bias = nn.Parameter(torch.zeros(hidden_size))
        self.visible_bias = nn.Parameter(torch.zeros(input_size))
        self.decoder_weight = (
            None
            if tied
            else nn.Parameter(torch.empty(input_size, hidden_size).uniform_(-bound, bound))
        )

    def encode(self, x: Tensor) -> Tensor:
        return torch.sigmoid(
            check_input(self, x, self.input_size, single=True) @ self.weight.T + self.hidden_bias
        )

    def decode(self, code: Tensor) -> Tensor:
        w_dec = self.weight.T if self.tied else self.decoder_weight
        return code @ w_dec.T + self.visible_bias


class MLPAutoencoder(Autoencoder):
    """A deep autoencoder: encoder ``sizes`` down to the code, the mirror image back up."""

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        *,
        activation: str = "relu",
        reconstruction: str = "squared_error",
    ):
        sizes = check_sizes("sizes", sizes, minimum_length=2)
        super().__init__(reconstruction, sizes[0])
        self.encoder = mlp(sizes, activation)
        self.decoder = mlp(list(reversed(sizes)), activation)

    def encode(self, x: Tensor) -> Tensor:
        return self.encoder(check_input(self, x, self.input_size, single=True))

    def decode(self, code: Tensor) -> Tensor:
        return self.decoder(code)


def train_autoencoder(
    sizes: Sequence[int],
    x: Tensor,
    config: TrainConfig,
    *,
    reconstruction: str = "cross_entropy",
    activation: str = "relu",
    seed: int = 0,
) -> tuple[MLPAutoencoder, History]:
    """A seeded :class:`MLPAutoencoder` with encoder ``sizes`` trained
    on ``x``, in eval mode."""
    torch.manual_seed(seed)
    model = MLPAutoencoder(tuple(sizes), activation=activation, reconstruction=reconstruction)
    history = fit(model, x, config)
    return model.eval(), history
