"""Variational autoencoders (Kingma & Welling 2013): a Gaussian encoder q(z|x), a decoder p(x|z).

The decoder is Bernoulli (binary or grey-level images, as for MNIST) or Gaussian with its mean
squashed into (0, 1) by a sigmoid (as the paper's appendix C does for Frey Face). ``beta`` weights
the KL term: ``beta=1`` is the VAE's evidence lower bound, other values give the β-VAE.

:class:`aebook.models.recipes.VAERecipe` holds a whole training setup around these models.
:class:`LinearGaussianVAE` is a model whose marginal likelihood and posterior are known in closed
form, to test estimators against.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.distributions import MultivariateNormal

from aebook.checks import check_count, check_number, check_sizes
from aebook.models.autoencoders import ACTIVATIONS, check_input, first_input, mlp
from aebook.objectives import bernoulli_nll, gaussian_nll
from aebook.objectives.elbo import estimate_elbo, log_importance_weights
from aebook.objectives.kl import kl_normal_standard

#: The decoders' likelihoods: Bernoulli (binary pixels) and Gaussian (grey levels).
LIKELIHOODS = ("bernoulli", "gaussian")


def check_likelihood(likelihood: str) -> None:
    """Raise ValueError unless ``likelihood`` is one of :data:`LIKELIHOODS`."""
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {', '.join(LIKELIHOODS)}; got {likelihood!r}")


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
    """p(x | z) = N(x; sigmoid(m(z)), diag(exp(log_var(z)))), the mean kept inside (0, 1).

    With ``squash_mean=False`` the mean is m(z) itself, for data that are not in (0, 1) (such as
    the latent codes of another VAE, in the M1+M2 model).
    """

    def __init__(
        self,
        latent_size: int,
        hidden_sizes,
        output_size: int,
        activation: str = "relu",
        *,
        squash_mean: bool = True,
    ):
        super().__init__()
        sizes = [latent_size, *hidden_sizes]
        self.body = _body(sizes, activation)
        self.mean_head = nn.Linear(sizes[-1], output_size)
        self.log_var_head = nn.Linear(sizes[-1], output_size)
        self.squash_mean = squash_mean

    def forward(self, z: Tensor) -> tuple[Tensor, Tensor]:
        h = self.body(z)
        mean = self.mean_head(h)
        return (torch.sigmoid(mean) if self.squash_mean else mean), self.log_var_head(h)

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
        init_std: float | None = None,
    ):
        super().__init__()
        check_likelihood(likelihood)
        self.input_size = check_count("input_size", input_size)
        check_count("latent_size", latent_size)
        hidden_sizes = check_sizes("hidden_sizes", hidden_sizes)
        check_number("beta", beta, low=0)
        self.latent_size = latent_size
        self.likelihood = likelihood
        self.beta = beta
        self.encoder = GaussianEncoder(input_size, hidden_sizes, latent_size, activation)
        decoder = BernoulliDecoder if likelihood == "bernoulli" else GaussianDecoder
        self.decoder = decoder(latent_size, tuple(reversed(hidden_sizes)), input_size, activation)
        if init_std is not None:
            self.init_normal_(init_std)

    @torch.no_grad()
    def init_normal_(self, std: float) -> VAE:
        """Draw every weight and bias from N(0, std²), as the paper does with std = 0.01."""
        check_number("init_std", std, low=0, low_open=True)
        for p in self.parameters():
            p.normal_(0.0, std)
        return self

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and log-variance of q(z | x) for a batch ``(batch, d)`` or one example ``(d,)``."""
        return self.encoder(check_input(self, x, self.input_size, single=True))

    def encode(self, x: Tensor) -> Tensor:
        return self.posterior(x)[0]

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

    def elbo(
        self,
        x: Tensor,
        *,
        samples: int = 1,
        estimator: str = "B",
        generator: torch.Generator | None = None,
    ) -> Tensor:
        """SGVB estimate (estimator ``"A"`` or ``"B"``, L = ``samples``) of each row's ELBO, nats."""
        return estimate_elbo(self, x, samples=samples, estimator=estimator, generator=generator)

    def log_importance_weights(
        self, x: Tensor, k: int, generator: torch.Generator | None = None
    ) -> Tensor:
        """log p(x, z_i) − log q(z_i | x) for k draws z_i ~ q(z | x): ``(k, batch)``, nats."""
        return log_importance_weights(self, x, k, generator)

    def loss(self, batch) -> dict[str, Tensor]:
        terms = self.elbo_terms(check_input(self, first_input(batch), self.input_size))
        loss = (terms["reconstruction"] + self.beta * terms["kl"]).mean()
        return {"loss": loss, **{k: v.mean() for k, v in terms.items()}}

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Decoder means of ``n`` codes drawn from the prior N(0, I)."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_size, generator=generator, device=device)
        return self.decode(z)


class _LinearGaussianDecoder(nn.Module):
    """p(x | z) = N(x; W z + b, σ² I) with a fixed σ."""

    def __init__(self, weight: Tensor, bias: Tensor, noise_std: float):
        super().__init__()
        self.weight = nn.Parameter(weight.clone())
        self.bias = nn.Parameter(bias.clone())
        self.noise_std = noise_std

    def forward(self, z: Tensor) -> Tensor:
        return z @ self.weight.T + self.bias

    def mean(self, z: Tensor) -> Tensor:
        return self(z)

    def log_prob(self, x: Tensor, z: Tensor) -> Tensor:
        return -gaussian_nll(x, self(z), 2 * math.log(self.noise_std))


class LinearGaussianVAE(nn.Module):
    """A linear-Gaussian latent variable model with a linear Gaussian encoder.

    p(z) = N(0, I), p(x | z) = N(W z + b, σ² I), so p(x) = N(b, W Wᵀ + σ² I) and the posterior
    p(z | x) = N(S Wᵀ (x − b) / σ², S) with S = (I + WᵀW / σ²)⁻¹ are known in closed form. The
    encoder q(z | x) = N(A x + c, diag(exp(s))) is a free diagonal Gaussian; when W has
    orthogonal columns the exact posterior is diagonal and :meth:`set_exact_posterior_` makes q
    equal to it. The model follows the VAE protocol of :mod:`aebook.objectives.elbo`.
    """

    def __init__(self, weight: Tensor, bias: Tensor, noise_std: float):
        super().__init__()
        d, k = weight.shape
        if bias.shape != (d,):
            raise ValueError(f"bias must have shape ({d},); got {tuple(bias.shape)}")
        if noise_std <= 0:
            raise ValueError(f"noise_std must be > 0; got {noise_std}")
        self.latent_size = k
        self.decoder = _LinearGaussianDecoder(weight, bias, noise_std)
        self.encoder_weight = nn.Parameter(torch.zeros(k, d, dtype=weight.dtype))
        self.encoder_bias = nn.Parameter(torch.zeros(k, dtype=weight.dtype))
        self.encoder_log_var = nn.Parameter(torch.zeros(k, dtype=weight.dtype))

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        mean = x @ self.encoder_weight.T + self.encoder_bias
        return mean, self.encoder_log_var.expand_as(mean)

    def log_importance_weights(
        self, x: Tensor, k: int, generator: torch.Generator | None = None
    ) -> Tensor:
        """log p(x, z_i) − log q(z_i | x) for k draws z_i ~ q(z | x): ``(k, batch)``, nats."""
        return log_importance_weights(self, x, k, generator)

    def marginal(self) -> MultivariateNormal:
        """p(x), exactly."""
        w, b, s = self.decoder.weight, self.decoder.bias, self.decoder.noise_std
        cov = w @ w.T + s**2 * torch.eye(len(b), dtype=w.dtype)
        return MultivariateNormal(b, covariance_matrix=cov)

    @torch.no_grad()
    def log_marginal(self, x: Tensor) -> Tensor:
        """log p(x) in closed form, ``(batch,)``, nats."""
        return self.marginal().log_prob(x)

    def exact_posterior(self) -> tuple[Tensor, Tensor, Tensor]:
        """``(A, c, S)``: p(z | x) = N(A x + c, S) for every x."""
        w, b, s2 = self.decoder.weight, self.decoder.bias, self.decoder.noise_std**2
        cov = torch.linalg.inv(torch.eye(self.latent_size, dtype=w.dtype) + w.T @ w / s2)
        a = cov @ w.T / s2
        return a, -a @ b, cov

    @torch.no_grad()
    def set_exact_posterior_(self) -> LinearGaussianVAE:
        """Make q(z | x) the exact posterior; needs a diagonal S (orthogonal columns of W)."""
        a, c, cov = self.exact_posterior()
        off_diagonal = cov - torch.diag(torch.diagonal(cov))
        if off_diagonal.abs().max() > 1e-6 * cov.abs().max():
            raise ValueError("the exact posterior is not diagonal: W needs orthogonal columns")
        self.encoder_weight.copy_(a)
        self.encoder_bias.copy_(c)
        self.encoder_log_var.copy_(torch.log(torch.diagonal(cov)))
        return self
