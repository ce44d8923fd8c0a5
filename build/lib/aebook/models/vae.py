"""Variational autoencoders (Kingma & Welling 2013): a Gaussian encoder q(z|x), a decoder p(x|z).

The decoder is Bernoulli (binary or grey-level images, as for MNIST) or Gaussian with its mean
squashed into (0, 1) by a sigmoid (as the paper's appendix C does for Frey Face). ``beta`` weights
the KL term: ``beta=1`` is the VAE's evidence lower bound, other values give the β-VAE.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from aebook.models.autoencoders import ACTIVATIONS, first_input, mlp
from aebook.objectives import bernoulli_nll, gaussian_nll
from aebook.objectives.kl import kl_normal_standard

LIKELIHOODS = ("bernoulli", "gaussian")


def _body(sizes: list[int], activation: str) -> nn.Module:
    """Hidden layers with an activation after each (identity when there are none)."""
    if len(sizes) < 2:
        return nn.Identity()
    return nn.Sequential(mlp(sizes, activation), ACTIVATIONS[activation]())


class GaussianEncoder(nn.Module):
    """q(z | x) = N(mean(x), diag(exp(log_var(x)))): one network body, two linear heads."""

    def __init__(self, input_size: int, hidden_sizes, latent_size: int, activation: str = "relu"):
        super().__init__()
        sizes = [input_size, *hidden_sizes]
        self.body = _body(sizes, activation)
        self.mean = nn.Linear(sizes[-1], latent_size)
        self.log_var = nn.Linear(sizes[-1], latent_size)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        h = self.body(x)
        return self.mean(h), self.log_var(h)


class BernoulliDecoder(nn.Module):
    """p(x | z) = ∏ Bernoulli(x_i; sigmoid(logits_i(z)))."""

    def __init__(self, latent_size: int, hidden_sizes, output_size: int, activation: str = "relu"):
        super().__init__()
        self.net = mlp([latent_size, *hidden_sizes, output_size], activation)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z)

    def log_prob(self, x: Tensor, z: Tensor) -> Tensor:
        return -bernoulli_nll(x, self(z))

    def mean(self, z: Tensor) -> Tensor:
        return torch.sigmoid(self(z))


class GaussianDecoder(nn.Module):
    """p(x | z) = N(x; sigmoid(m(z)), diag(exp(log_var(z)))), the mean kept inside (0, 1)."""

    def __init__(self, latent_size: int, hidden_sizes, output_size: int, activation: str = "relu"):
        super().__init__()
        sizes = [latent_size, *hidden_sizes]
        self.body = _body(sizes, activation)
        self.mean_head = nn.Linear(sizes[-1], output_size)
        self.log_var_head = nn.Linear(sizes[-1], output_size)

    def forward(self, z: Tensor) -> tuple[Tensor, Tensor]:
        h = self.body(z)
        return torch.sigmoid(self.mean_head(h)), self.log_var_head(h)

    def log_prob(self, x: Tensor, z: Tensor) -> Tensor:
        mean, log_var = self(z)
        return -gaussian_nll(x, mean, log_var)

    def mean(self, z: Tensor) -> Tensor:
        return self(z)[0]


class VAE(nn.Module):
    """A VAE with a standard-normal prior; ``loss`` is the negative (β-weighted) ELBO, in nats.

    ``encode`` returns the posterior mean (the deterministic code) and ``decode`` the decoder's
    mean, so a VAE also follows the autoencoder protocol of :mod:`aebook.models.autoencoders`.
    """

    def __init__(
        self,
        input_size: int,
        latent_size: int,
        hidden_sizes: tuple[int, ...] = (400,),
        *,
        activation: str = "relu",
        likelihood: str = "bernoulli",
        beta: float = 1.0,
    ):
        super().__init__()
        if likelihood not in LIKELIHOODS:
            raise ValueError(
                f"likelihood must be one of {', '.join(LIKELIHOODS)}; got {likelihood!r}"
            )
        if beta < 0:
            raise ValueError(f"beta must be >= 0; got {beta}")
        self.latent_size = latent_size
        self.likelihood = likelihood
        self.beta = beta
        self.encoder = GaussianEncoder(input_size, hidden_sizes, latent_size, activation)
        decoder = BernoulliDecoder if likelihood == "bernoulli" else GaussianDecoder
        self.decoder = decoder(latent_size, tuple(reversed(hidden_sizes)), input_size, activation)

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and log-variance of q(z | x)."""
        return self.encoder(x)

    def encode(self, x: Tensor) -> Tensor:
        return self.encoder(x)[0]

    def decode(self, z: Tensor) -> Tensor:
        return self.decoder.mean(z)

    def reconstruct(self, x: Tensor) -> Tensor:
        return self.decode(self.encode(x))

    @staticmethod
    def reparameterize(
        mean: Tensor, log_var: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        """z = mean + σ ⊙ ε with ε ~ N(0, I): a sample of q(z|x) that is differentiable in mean, σ."""
        eps = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        return mean + torch.exp(0.5 * log_var) * eps

    def elbo_terms(self, x: Tensor, generator: torch.Generator | None = None) -> dict[str, Tensor]:
        """Per-example reconstruction term E_q[-log p(x|z)] (one sample) and analytic KL, in nats."""
        mean, log_var = self.posterior(x)
        z = self.reparameterize(mean, log_var, generator)
        reconstruction = -self.decoder.log_prob(x, z)
        kl = kl_normal_standard(mean, log_var)
        return {"reconstruction": reconstruction, "kl": kl, "elbo": -(reconstruction + kl)}

    def loss(self, batch) -> dict[str, Tensor]:
        terms = self.elbo_terms(first_input(batch))
        loss = (terms["reconstruction"] + self.beta * terms["kl"]).mean()
        return {"loss": loss, **{k: v.mean() for k, v in terms.items()}}

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Decoder means of ``n`` codes drawn from the prior N(0, I)."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_size, generator=generator, device=device)
        return self.decode(z)
