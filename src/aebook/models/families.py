"""Every autoencoder family of the survey (Bank, Koenigstein & Giryes 2020), built from one set of
sizes with one knob each (:class:`FamilyHyper`), so that a comparison differs only in the family."""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from aebook.corruption import Corruption
from aebook.models.aae import AdversarialAutoencoder
from aebook.models.autoencoders import MLPAutoencoder
from aebook.models.regularized import (
    ContractiveAutoencoder,
    MLPDenoisingAutoencoder,
    SparseAutoencoder,
)
from aebook.models.vae import VAE
from aebook.models.wae import WAE

#: Every family of the comparison, in the order of the survey, with the label the chapter shows.
FAMILIES: dict[str, str] = {
    "autoencoder": "autoencoder",
    "sparse_l1": "sparse (L1)",
    "sparse_kl": "sparse (KL)",
    "denoising_gaussian": "denoising (Gaussian)",
    "denoising_dropout": "denoising (dropout)",
    "contractive": "contractive",
    "contractive_baseline": "one sigmoid layer, λ = 0",
    "vae": "VAE",
    "beta_vae": "β-VAE",
    "wae": "WAE (MMD)",
    "aae": "AAE",
}

#: The families that define a prior over codes, hence generate by decoding prior samples.
GENERATIVE = ("vae", "beta_vae", "wae", "aae")


@dataclass(frozen=True)
class FamilyHyper:
    """The one knob of each family: its regularization strength (the rest is shared)."""

    l1_weight: float = 0.1  #: λ of the L1 code penalty (nats per unit of Σ|h|)
    kl_weight: float = 30.0  #: weight of Σ_j KL(ρ ‖ ρ̂_j)
    rho: float = 0.05  #: target mean activation of the KL-sparse code
    kl_decoder_decay: float = 0.01  #: λ_w of Σ‖W‖² on the KL-sparse decoder's weights (Ng 2011)
    gaussian_sigma: float = 0.5  #: σ of the Gaussian corruption
    dropout_nu: float = 0.5  #: fraction ν of input pixels set to 0 (masking noise)
    contractive_weight: float = 5.0  #: λ of ‖∂h/∂x‖²_F
    beta: float = 4.0  #: β of the β-VAE
    mmd_weight: float = 100.0  #: λ of the WAE's MMD
    adversarial_weight: float = 1.0  #: weight of the AAE encoder's generator loss
    discriminator_sizes: tuple[int, ...] = (256, 256)  #: hidden layers of the AAE discriminator


def build_family(
    name: str,
    hyper: FamilyHyper,
    *,
    input_size: int,
    hidden_sizes: tuple[int, ...],
    code_size: int,
) -> nn.Module:
    """One family of :data:`FAMILIES`: encoder ``input_size → hidden_sizes → code_size``, the mirror
    decoder, ReLU hidden units and a Bernoulli (cross-entropy) reconstruction for all.

    The contractive autoencoder is the exception its closed-form penalty dictates: its encoder is
    one sigmoid layer (its decoder is the same as the others'). ``contractive_baseline`` is the
    same network trained without the penalty, the contractive autoencoder's own reference.
    """
    sizes = (input_size, *hidden_sizes, code_size)
    if name == "autoencoder":
        return MLPAutoencoder(sizes, reconstruction="cross_entropy")
    if name == "sparse_l1":
        return SparseAutoencoder(sizes, penalty="l1", weight=hyper.l1_weight)
    if name == "sparse_kl":
        return SparseAutoencoder(
            sizes,
            penalty="kl",
            weight=hyper.kl_weight,
            rho=hyper.rho,
            decoder_weight_decay=hyper.kl_decoder_decay,
        )
    if name == "denoising_gaussian":
        return MLPDenoisingAutoencoder(
            sizes, corruption=Corruption("gaussian", hyper.gaussian_sigma)
        )
    if name == "denoising_dropout":
        return MLPDenoisingAutoencoder(sizes, corruption=Corruption("masking", hyper.dropout_nu))
    if name in ("contractive", "contractive_baseline"):
        return ContractiveAutoencoder(
            input_size,
            code_size,
            decoder_hidden=tuple(reversed(hidden_sizes)),
            weight=hyper.contractive_weight if name == "contractive" else 0.0,
        )
    if name in ("vae", "beta_vae"):
        beta = hyper.beta if name == "beta_vae" else 1.0
        return VAE(input_size, code_size, hidden_sizes, likelihood="bernoulli", beta=beta)
    if name == "wae":
        return WAE(input_size, code_size, hidden_sizes, mmd_weight=hyper.mmd_weight)
    if name == "aae":
        return AdversarialAutoencoder(
            input_size,
            code_size,
            hidden_sizes,
            discriminator_sizes=hyper.discriminator_sizes,
            adversarial_weight=hyper.adversarial_weight,
        )
    raise ValueError(f"name must be one of {', '.join(FAMILIES)}; got {name!r}")
