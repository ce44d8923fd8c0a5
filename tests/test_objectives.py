"""Maximum likelihood gives the losses: each identity of chapter 0 checked against torch.distributions."""

import math

import pytest
import torch
from torch.distributions import Bernoulli, Independent, Normal

from aebook.objectives import bernoulli_nll, gaussian_nll, reconstruction_loss, squared_error


@pytest.fixture
def batch():
    g = torch.Generator().manual_seed(0)
    return torch.rand(64, 30, generator=g), torch.randn(64, 30, generator=g)


def test_gaussian_nll_is_the_normal_log_density(batch):
    x, mean = batch
    log_var = torch.randn(30) * 0.5
    expected = -Independent(Normal(mean, torch.exp(0.5 * log_var)), 1).log_prob(x)
    torch.testing.assert_close(gaussian_nll(x, mean, log_var), expected)


def test_gaussian_nll_with_fixed_variance_is_scaled_squared_error_plus_a_constant(batch):
    x, mean = batch
    sigma2 = 0.3
    d = x.shape[1]
    expected = squared_error(x, mean) / (2 * sigma2) + 0.5 * d * math.log(2 * math.pi * sigma2)
    torch.testing.assert_close(gaussian_nll(x, mean, math.log(sigma2)), expected)


def test_bernoulli_nll_is_the_bernoulli_log_mass_for_binary_data(batch):
    x, logits = batch
    xb = (x > 0.5).float()
    expected = -Independent(Bernoulli(logits=logits), 1).log_prob(xb)
    torch.testing.assert_close(bernoulli_nll(xb, logits), expected)


def test_bernoulli_nll_is_cross_entropy_for_grey_levels(batch):
    x, logits = batch
    p = torch.sigmoid(logits)
    expected = -(x * torch.log(p) + (1 - x) * torch.log1p(-p)).sum(-1)
    torch.testing.assert_close(bernoulli_nll(x, logits), expected)


def test_cross_entropy_is_minimised_at_the_data(batch):
    x, _ = batch
    logits = torch.logit(x.clamp(1e-4, 1 - 1e-4)).requires_grad_()
    bernoulli_nll(x, logits).sum().backward()
    assert logits.grad.abs().max() < 1e-3


def test_unknown_reconstruction_loss_is_a_value_error(batch):
    x, _ = batch
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        reconstruction_loss("l1", x, x)
