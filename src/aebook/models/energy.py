"""Vincent (2011)'s energy model and the denoising autoencoder that trains it.

The energy, with parameters θ = (W, b, c) and the corruption level σ acting as a temperature, is

    E(x; θ) = −(⟨c, x⟩ − ½‖x‖² + Σⱼ softplus(⟨Wⱼ, x⟩ + bⱼ)) / σ²,

so p(x; θ) ∝ exp(−E(x; θ)), and its score is

    ψ(x; θ) = −∂E/∂x = (Wᵀ sigmoid(W x + b) + c − x) / σ².

The numerator is the reconstruction of a tied-weight autoencoder with a sigmoid encoder and a
linear decoder, minus its input. So the two classes here hold the same parameters:

- :class:`TiedGaussianDAE` is :class:`~aebook.models.autoencoders.SigmoidAutoencoder` (tied weights, squared
  error) trained on Gaussian-corrupted inputs: its loss is J_DAE = ‖Wᵀ sigmoid(W x̃ + b) + c − x‖².
- :class:`DAEEnergyModel` reads an autoencoder of that form as an energy model: ``energy``,
  ``score`` and a loss that is denoising score matching, J_DSM = J_DAE / (2σ⁴) example by example.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.corruption import gaussian
from aebook.models.autoencoders import SigmoidAutoencoder, check_input, first_input
from aebook.objectives import squared_error
from aebook.objectives.score_matching import dsm_loss


def _check_sigma(sigma: float) -> float:
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0; got {sigma}")
    return float(sigma)


class TiedGaussianDAE(SigmoidAutoencoder):
    """The denoising autoencoder of Vincent (2011): x̃ = x + σε, h = sigmoid(W x̃ + b),
    reconstruction Wᵀ h + c, loss ‖reconstruction − x‖² (summed over inputs, averaged over the
    batch). ``loss`` also reports J_DSM = J_DAE / (2σ⁴) as the metric ``dsm``.

    ``init_std``: the weights start as N(0, init_std²) (the paper does not say how it starts).
    With a linear tied decoder, :class:`~aebook.models.autoencoders.SigmoidAutoencoder`'s
    sigmoid-Glorot range makes the first
    reconstructions hundreds of times too large; ``init_std=None`` keeps that range anyway.
    """

    def __init__(
        self, input_size: int, hidden_size: int, sigma: float, *, init_std: float | None = 0.01
    ):
        super().__init__(input_size, hidden_size, tied=True, reconstruction="squared_error")
        self.sigma = _check_sigma(sigma)
        if init_std is not None:
            if not init_std > 0:
                raise ValueError(f"init_std must be > 0 or None; got {init_std}")
            with torch.no_grad():
                self.weight.normal_(0.0, init_std)

    def loss(self, batch) -> dict[str, Tensor]:
        x = check_input(self, first_input(batch), self.input_size)
        x_tilde = gaussian(x, self.sigma)
        j_dae = squared_error(x, self.reconstruct(x_tilde)).mean()
        return {"loss": j_dae, "dsm": j_dae / (2 * self.sigma**4)}

    def energy_model(self) -> DAEEnergyModel:
        """The energy model whose parameters *are* this autoencoder's (shared, not copied)."""
        return DAEEnergyModel(self)


class DAEEnergyModel(nn.Module):
    """The energy model E(x; W, b, c) of a tied sigmoid autoencoder, at temperature σ².

    Build it from a :class:`TiedGaussianDAE` (the parameters are shared) or fresh with
    ``DAEEnergyModel.create``. ``loss`` is denoising score matching with
    the same Gaussian corruption.
    """

    def __init__(self, autoencoder: TiedGaussianDAE):
        super().__init__()
        if not isinstance(autoencoder, TiedGaussianDAE):
            raise ValueError(
                f"autoencoder must be a TiedGaussianDAE; got {type(autoencoder).__name__}"
            )
        self.autoencoder = autoencoder

    @classmethod
    def create(
        cls, input_size: int, hidden_size: int, sigma: float, *, init_std: float | None = 0.01
    ) -> DAEEnergyModel:
        return cls(TiedGaussianDAE(input_size, hidden_size, sigma, init_std=init_std))

    @property
    def sigma(self) -> float:
        return self.autoencoder.sigma

    def energy(self, x: Tensor) -> Tensor:
        """E(x; θ) per example ``(n,)``: low where the model puts probability mass."""
        ae = self.autoencoder
        pre = x @ ae.weight.T + ae.hidden_bias
        log_unnormalized = x @ ae.visible_bias - 0.5 * x.pow(2).sum(-1) + F.softplus(pre).sum(-1)
        return -log_unnormalized / self.sigma**2

    def score(self, x: Tensor) -> Tensor:
        """ψ(x; θ) = (Wᵀ sigmoid(W x + b) + c − x) / σ², the DAE's reconstruction minus x, over σ²."""
        return (self.autoencoder.reconstruct(x) - x) / self.sigma**2

    def forward(self, x: Tensor) -> Tensor:
        return self.score(x)

    def loss(self, batch) -> dict[str, Tensor]:
        x = first_input(batch)
        x_tilde = gaussian(x, self.sigma)
        j_dsm = dsm_loss(self.score(x_tilde), x, x_tilde, self.sigma).mean()
        return {"loss": j_dsm, "dae": j_dsm * 2 * self.sigma**4}
