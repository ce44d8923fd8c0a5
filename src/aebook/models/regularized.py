"""Regularized autoencoders of the survey (Bank, Koenigstein & Giryes 2020, section 2).

Each is an :class:`~aebook.models.autoencoders.MLPAutoencoder` (encoder ``sizes`` down to the code, the mirror
image back up) with one change to its training criterion:

- :class:`SparseAutoencoder`: a penalty on the code, either L1 on ReLU codes or the KL divergence
  of each sigmoid unit's mean activation from a target rate ρ.
- :class:`MLPDenoisingAutoencoder`: the input is corrupted by a process of :mod:`aebook.corruption`
  during training and the clean input is reconstructed.
- :class:`ContractiveAutoencoder`: the squared Frobenius norm of the encoder's Jacobian, in closed
  form for its single sigmoid encoder layer.

The reconstruction term is the one of :class:`~aebook.models.autoencoders.Autoencoder` (Bernoulli
cross-entropy
or squared error); ``loss`` reports it as ``reconstruction`` next to the penalty, so runs with
different penalties compare on the same number.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from aebook.checks import check_number
from aebook.corruption import Corruption
from aebook.models.autoencoders import ACTIVATIONS, MLPAutoencoder, check_input, first_input, mlp
from aebook.objectives import reconstruction_loss
from aebook.objectives.penalties import contractive_penalty, kl_sparsity, l1_code_penalty

SPARSITY_PENALTIES = ("l1", "kl")


def reconstruction_terms(kind: str, x: Tensor, decoder_output: Tensor) -> dict[str, Tensor]:
    """Batch means of the training reconstruction loss ``kind`` and of the squared error in data
    space (the sigmoid of the logits for cross-entropy): the two numbers every family reports."""
    x_hat = torch.sigmoid(decoder_output) if kind == "cross_entropy" else decoder_output
    return {
        "reconstruction": reconstruction_loss(kind, x, decoder_output).mean(),
        "squared_error": (x - x_hat).pow(2).sum(-1).mean(),
    }


class RegularizedAutoencoder(MLPAutoencoder):
    """An MLP autoencoder whose code passes through ``code_activation`` and whose loss is
    ``reconstruction + weight · penalty``; subclasses define :meth:`penalty` and may corrupt the
    input in :meth:`corrupt`.
    """

    def __init__(
        self,
        sizes,
        *,
        activation: str = "relu",
        code_activation: str | None = None,
        reconstruction: str = "cross_entropy",
        weight: float = 0.0,
    ):
        super().__init__(sizes, activation=activation, reconstruction=reconstruction)
        if code_activation is not None and code_activation not in ACTIVATIONS:
            raise ValueError(
                f"code_activation must be None or one of {', '.join(ACTIVATIONS)}; "
                f"got {code_activation!r}"
            )
        check_number("weight (of the penalty)", weight, low=0)
        self.code_activation = (
            ACTIVATIONS[code_activation]() if code_activation is not None else nn.Identity()
        )
        self.weight = weight

    def encode(self, x: Tensor) -> Tensor:
        return self.code_activation(
            self.encoder(check_input(self, x, self.input_size, single=True))
        )

    def corrupt(self, x: Tensor) -> Tensor:
        """The encoder's input during training (the identity unless a subclass corrupts)."""
        return x

    def penalty(self, x: Tensor, code: Tensor) -> Tensor:
        """The regularizer: per example ``(batch,)`` or one value for the batch."""
        return code.new_zeros(())

    def loss(self, batch) -> dict[str, Tensor]:
        x = check_input(self, first_input(batch), self.input_size)
        seen = self.corrupt(x) if self.training else x
        code = self.encode(seen)
        terms = reconstruction_terms(self.reconstruction, x, self.decode(code))
        penalty = self.penalty(seen, code).mean()
        return {
            "loss": terms["reconstruction"] + self.weight * penalty,
            "penalty": penalty,
            **terms,
        }


class SparseAutoencoder(RegularizedAutoencoder):
    """Sparse autoencoder: ``penalty="l1"`` adds ``weight · Σ_j |h_j|`` on ReLU codes;
    ``penalty="kl"`` adds ``weight · Σ_j KL(ρ ‖ ρ̂_j)`` on sigmoid codes, ρ̂_j being unit j's mean
    activation over the batch (so the penalty acts on the batch, not on single examples).

    ``decoder_weight_decay`` adds ``λ_w · Σ ‖W‖²_F`` over the decoder's weight matrices, as in
    Ng's (2011) sparse autoencoder. Both penalties on the code can be met by shrinking every
    activation while the decoder's weights grow to undo the shrinking; for the KL form this gives a
    code that is uniformly weak rather than sparse, and the weight penalty closes that way out.
    """

    def __init__(
        self,
        sizes,
        *,
        penalty: str = "l1",
        weight: float = 1e-3,
        rho: float = 0.05,
        decoder_weight_decay: float = 0.0,
        activation: str = "relu",
        reconstruction: str = "cross_entropy",
    ):
        if penalty not in SPARSITY_PENALTIES:
            raise ValueError(
                f"penalty must be one of {', '.join(SPARSITY_PENALTIES)}; got {penalty!r}"
            )
        if penalty == "kl" and not 0.0 < rho < 1.0:
            raise ValueError(f"rho (the target activation rate) must be in (0, 1); got {rho}")
        super().__init__(
            sizes,
            activation=activation,
            code_activation="relu" if penalty == "l1" else "sigmoid",
            reconstruction=reconstruction,
            weight=weight,
        )
        if decoder_weight_decay < 0:
            raise ValueError(f"decoder_weight_decay must be >= 0; got {decoder_weight_decay}")
        self.kind = penalty
        self.rho = rho
        self.decoder_weight_decay = decoder_weight_decay

    def penalty(self, x: Tensor, code: Tensor) -> Tensor:
        if self.kind == "l1":
            return l1_code_penalty(code)
        return kl_sparsity(code, self.rho)

    def decoder_weight_norm2(self) -> Tensor:
        """``Σ ‖W‖²_F`` over the decoder's linear layers (biases excluded)."""
        return sum(m.weight.pow(2).sum() for m in self.decoder if isinstance(m, nn.Linear))

    def loss(self, batch) -> dict[str, Tensor]:
        out = super().loss(batch)
        if self.decoder_weight_decay > 0:
            norm2 = self.decoder_weight_norm2()
            out["loss"] = out["loss"] + self.decoder_weight_decay * norm2
            out["decoder_weight_norm2"] = norm2
        return out


class MLPDenoisingAutoencoder(RegularizedAutoencoder):
    """Denoising autoencoder: during training the encoder sees ``corruption(x)`` and the loss
    reconstructs the clean ``x``. In eval mode (``evaluate_loss``, ``reconstruct``) nothing is
    corrupted. Gaussian noise is ``Corruption("gaussian", σ)``; dropout noise on the input is
    ``Corruption("masking", ν)``, which zeroes a fraction ν of the pixels of every example.
    """

    def __init__(
        self,
        sizes,
        *,
        corruption: Corruption,
        activation: str = "relu",
        reconstruction: str = "cross_entropy",
    ):
        if not isinstance(corruption, Corruption):
            raise ValueError(
                f"corruption must be an aebook.corruption.Corruption; got {type(corruption)}"
            )
        super().__init__(sizes, activation=activation, reconstruction=reconstruction)
        self.corruption = corruption

    def corrupt(self, x: Tensor) -> Tensor:
        return self.corruption(x)


class ContractiveAutoencoder(RegularizedAutoencoder):
    """Contractive autoencoder (Rifai et al. 2011): one sigmoid encoder layer
    ``h = sigmoid(W x + b)`` and the penalty ``weight · ‖∂h/∂x‖²_F`` in closed form
    (:func:`~aebook.objectives.penalties.contractive_penalty`). The decoder is an MLP with
    ``decoder_hidden`` layers (none: an affine decoder, as in the original paper).
    """

    def __init__(
        self,
        input_size: int,
        code_size: int,
        *,
        decoder_hidden: tuple[int, ...] = (),
        weight: float = 0.1,
        activation: str = "relu",
        reconstruction: str = "cross_entropy",
    ):
        super().__init__(
            (input_size, code_size),
            activation=activation,
            code_activation="sigmoid",
            reconstruction=reconstruction,
            weight=weight,
        )
        self.decoder = mlp([code_size, *decoder_hidden, input_size], activation)

    @property
    def encoder_weight(self) -> Tensor:
        """``W`` ``(code_size, input_size)``, the matrix of the sigmoid layer."""
        return self.encoder[0].weight

    def penalty(self, x: Tensor, code: Tensor) -> Tensor:
        return contractive_penalty(code, self.encoder_weight)
