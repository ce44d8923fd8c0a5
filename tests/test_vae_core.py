"""The VAE's closed-form pieces (Kingma & Welling 2013, appendix B) checked two independent ways."""

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from aebook.models import VAE
from aebook.objectives import kl_normal, kl_normal_standard


@pytest.fixture
def gaussians():
    g = torch.Generator().manual_seed(0)
    return torch.randn(32, 5, generator=g), torch.randn(32, 5, generator=g) * 0.5


def test_analytic_kl_matches_torch_distributions(gaussians):
    mean, log_var = gaussians
    q = Normal(mean, torch.exp(0.5 * log_var))
    expected = kl_divergence(q, Normal(torch.zeros_like(mean), torch.ones_like(mean))).sum(-1)
    torch.testing.assert_close(kl_normal_standard(mean, log_var), expected)
    m2, lv2 = mean.flip(0), log_var.flip(0)
    expected = kl_divergence(q, Normal(m2, torch.exp(0.5 * lv2))).sum(-1)
    torch.testing.assert_close(kl_normal(mean, log_var, m2, lv2), expected)


def test_analytic_kl_matches_a_monte_carlo_estimate(gaussians):
    mean, log_var = gaussians[0][:4], gaussians[1][:4]
    q = Normal(mean, torch.exp(0.5 * log_var))
    z = q.sample(torch.Size([200_000]))
    p = Normal(0.0, 1.0)
    mc = (q.log_prob(z) - p.log_prob(z)).sum(-1).mean(0)
    # standard error of the estimate is well under 0.02 nats for these KLs
    torch.testing.assert_close(mc, kl_normal_standard(mean, log_var), atol=0.05, rtol=0)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_vae_loss_is_the_negative_elbo_and_beta_weights_the_kl(likelihood):
    torch.manual_seed(0)
    x = torch.rand(16, 12)
    vae = VAE(12, 3, (8,), likelihood=likelihood)
    out = vae.loss(x)
    assert out["elbo"].item() == pytest.approx(
        -(out["reconstruction"] + out["kl"]).item(), rel=1e-5
    )
    assert out["loss"].item() == pytest.approx(-out["elbo"].item(), rel=1e-5)
    vae.beta = 4.0
    torch.manual_seed(1)
    out = vae.loss(x)
    expected = (out["reconstruction"] + 4.0 * out["kl"]).item()
    assert out["loss"].item() == pytest.approx(expected, rel=1e-5)
    assert vae.sample(5).shape == (5, 12) and vae.reconstruct(x).shape == x.shape
    assert 0 <= vae.sample(5).min() and vae.sample(5).max() <= 1


def test_reparameterization_carries_gradients_to_mean_and_variance():
    mean = torch.zeros(3, 2, requires_grad=True)
    log_var = torch.zeros(3, 2, requires_grad=True)
    VAE.reparameterize(mean, log_var).pow(2).sum().backward()
    assert mean.grad is not None and log_var.grad.abs().sum() > 0


def test_vae_arguments_are_checked():
    with pytest.raises(ValueError, match="likelihood must be one of bernoulli, gaussian"):
        VAE(4, 2, likelihood="poisson")
    with pytest.raises(ValueError, match="beta"):
        VAE(4, 2, beta=-1)
