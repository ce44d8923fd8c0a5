"""The Wasserstein autoencoder with an MMD penalty (WAE-MMD, Tolstikhin et al. 2018).

A deterministic encoder and decoder, like a plain autoencoder, trained on

    reconstruction(x, decode(encode(x))) + λ · MMD²(codes of the batch, a sample of the prior)

The penalty asks the *aggregate* posterior, the distribution of codes over the whole data set, to
match the prior N(0, I); a VAE's KL term instead pulls every example's posterior towards the
prior. After training, decoding prior samples generates new data (``WAE.sample``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from aebook.checks import check_number
from aebook.models.autoencoders import MLPAutoencoder, check_input, first_input
from aebook.models.regularized import reconstruction_terms
from aebook.objectives.penalties import IMQ_SCALES, mmd_imq


class GaussianPriorAutoencoder(MLPAutoencoder):
    """A deterministic autoencoder, encoder ``input_size → hidden_sizes → latent_size`` (a linear
    code) and the mirror decoder, with the prior N(0, I) on its code: prior samples, and new data
    by decoding them. The base of :class:`WAE` and the AAE
    (:class:`aebook.models.aae.AdversarialAutoencoder`), whose ``options`` are its keywords."""

    def __init__(
        self,
        input_size: int,
        latent_size: int,
        hidden_sizes: Sequence[int] = (400,),
        *,
        activation: str = "relu",
        reconstruction: str = "cross_entropy",
    ):
        super().__init__(
            (input_size, *hidden_sizes, latent_size),
            activation=activation,
            reconstruction=reconstruction,
        )
        self.latent_size = latent_size

    def prior_sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``n`` codes from the prior N(0, I), on the model's device."""
        device = next(self.parameters()).device
        return torch.randn(n, self.latent_size, generator=generator, device=device)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Decoded prior samples, in data space (Bernoulli means for cross-entropy)."""
        out = self.decode(self.prior_sample(n, generator))
        return torch.sigmoid(out) if self.reconstruction == "cross_entropy" else out


class WAE(GaussianPriorAutoencoder):
    """WAE-MMD: :class:`GaussianPriorAutoencoder`'s autoencoder with ``mmd_weight`` λ on the IMQ-kernel MMD
    between codes and N(0, I) samples; ``options`` are ``activation`` and ``reconstruction``.
    """

    def __init__(
        self,
        input_size: int,
        latent_size: int,
        hidden_sizes: Sequence[int] = (400,),
        *,
        mmd_weight: float = 10.0,
        kernel_scales: Sequence[float] = IMQ_SCALES,
        **options,
    ):
        super().__init__(input_size, latent_size, hidden_sizes, **options)
        check_number("mmd_weight", mmd_weight, low=0)
        self.mmd_weight = mmd_weight
        self.kernel_scales = tuple(kernel_scales)

    def loss(self, batch) -> dict[str, Tensor]:
        x = check_input(self, first_input(batch), self.input_size)
        z = self.encode(x)
        terms = reconstruction_terms(self.reconstruction, x, self.decode(z))
        mmd = mmd_imq(z, self.prior_sample(len(x)), scales=self.kernel_scales)
        return {"loss": terms["reconstruction"] + self.mmd_weight * mmd, "mmd": mmd, **terms}
