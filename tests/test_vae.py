"""The ELBO, its estimators and the importance-sampled log-likelihood, checked on a model whose
marginal likelihood and posterior are known in closed form (linear-Gaussian), and on small VAEs."""

import math

import pytest
import torch
from torch.distributions import MultivariateNormal, kl_divergence

from aebook.evaluate import average_log_likelihood, log_marginal_likelihood
from aebook.models import VAE, LinearGaussianVAE
from aebook.objectives import estimate_elbo, gradient_samples, sgvb_a, sgvb_b


def linear_model(orthogonal=True, seed=0):
    """d = 6 observed, k = 2 latent, float64; orthogonal columns make the posterior diagonal."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(6, 2, generator=g, dtype=torch.float64)
    if orthogonal:
        q, _ = torch.linalg.qr(w)
        w = q * torch.tensor([2.0, 0.7], dtype=torch.float64)
    bias = torch.randn(6, generator=g, dtype=torch.float64)
    model = LinearGaussianVAE(w, bias, noise_std=0.5)
    x = model.marginal().sample((64,))
    return model, x


def test_with_the_exact_posterior_every_sample_of_estimator_a_is_log_p_x():
    model, x = linear_model()
    model.set_exact_posterior_()
    g = torch.Generator().manual_seed(1)
    exact = model.log_marginal(x)
    with torch.no_grad():
        one_sample = estimate_elbo(model, x, samples=1, estimator="A", generator=g)
        weights = model.log_importance_weights(x, 7, g)
    torch.testing.assert_close(one_sample, exact)
    torch.testing.assert_close(weights, exact.expand(7, -1))  # zero-variance weights
    torch.testing.assert_close(log_marginal_likelihood(model, x, k=1, generator=g), exact)


def test_log_p_x_is_elbo_plus_kl_to_the_true_posterior():
    """log p(x) = ELBO(q) + KL(q(z|x) || p(z|x)) for any q, here checked in closed form."""
    model, x = linear_model(orthogonal=False)
    with torch.no_grad():  # a wrong encoder: a perturbed posterior mean, too narrow, diagonal
        a, c, cov = model.exact_posterior()
        noise = torch.randn(a.shape, generator=torch.Generator().manual_seed(2), dtype=a.dtype)
        model.encoder_weight.copy_(a + 0.1 * noise)
        model.encoder_bias.copy_(c)
        model.encoder_log_var.copy_(torch.log(torch.diagonal(cov)) - 0.7)
        mean_q, log_var_q = model.posterior(x)
        q = MultivariateNormal(mean_q, torch.diag_embed(log_var_q.exp()))
        p = MultivariateNormal(x @ a.T + c, cov)
        gap = kl_divergence(q, p)
        g = torch.Generator().manual_seed(3)
        elbo = estimate_elbo(model, x, samples=20_000, estimator="B", generator=g)
    assert (gap > 0.05).all()  # the encoder is really wrong
    torch.testing.assert_close(elbo + gap, model.log_marginal(x), atol=0.05, rtol=0)


def test_estimators_a_and_b_are_unbiased_for_the_same_elbo():
    torch.manual_seed(0)
    vae = VAE(20, 3, (16,), activation="tanh")
    x = torch.rand(8, 20).round()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        a = vae.log_importance_weights(x, 4000, g)  # single-sample estimates A, (4000, 8)
        b = estimate_elbo(vae, x, samples=4000, estimator="B", generator=g)
    se = a.std(0) / math.sqrt(len(a))  # B's own error is smaller still
    assert ((a.mean(0) - b).abs() < 5 * se).all()
    # the ELBO with L samples is the mean of L single-sample estimates
    assert estimate_elbo(vae, x, samples=3).shape == (8,)


def test_sgvb_formulas_from_their_terms():
    ll = torch.tensor([[-3.0, -1.0], [-5.0, -2.0]])
    lp = torch.tensor([[-1.0, -1.0], [-2.0, -1.0]])
    lq = torch.tensor([[0.5, 0.0], [0.5, 1.0]])
    torch.testing.assert_close(sgvb_a(ll, lp, lq), torch.tensor([-6.0, -3.0]))
    torch.testing.assert_close(sgvb_b(ll, torch.tensor([1.0, 0.5])), torch.tensor([-5.0, -2.0]))


def test_importance_sampling_converges_to_the_closed_form_marginal():
    model, x = linear_model(orthogonal=False)
    with torch.no_grad():  # a poor proposal: the estimate must still converge
        model.encoder_log_var.fill_(0.5)
    exact = model.log_marginal(x).mean().item()
    g = torch.Generator().manual_seed(4)
    estimates = {
        k: average_log_likelihood(model, x, k, chunk=256, generator=g).mean
        for k in (1, 10, 100, 5000)
    }
    # a lower bound that rises with k (in expectation; these gaps are far beyond the noise)
    assert estimates[1] < estimates[10] < estimates[100] <= exact + 0.02
    assert abs(estimates[5000] - exact) < 0.05
    assert exact - estimates[1] > 1.0


def test_log_likelihood_summary_and_arguments():
    model, x = linear_model()
    result = average_log_likelihood(model, x, 10, batch_size=16, chunk=3)
    assert result.k == 10 and result.n == 64 and result.sem > 0 and "nats" in str(result)
    with pytest.raises(ValueError, match="k must be"):
        log_marginal_likelihood(model, x, 0)
    with pytest.raises(ValueError, match="estimator must be one of A, B"):
        estimate_elbo(model, x, estimator="C")


def test_reparameterization_has_far_lower_variance_than_the_score_function():
    torch.manual_seed(0)
    vae = VAE(30, 4, (32,), activation="tanh")
    x = torch.rand(4, 30).round()
    g = torch.Generator().manual_seed(5)
    rep = gradient_samples(vae, x, 20_000, estimator="reparameterization", generator=g)
    sf = gradient_samples(vae, x, 20_000, estimator="score_function", generator=g)
    assert rep.shape == sf.shape == (20_000, 4, 8)
    # both unbiased for the same gradient: the means agree within their standard errors
    se = torch.sqrt(rep.var(0) / len(rep) + sf.var(0) / len(sf))
    assert ((rep.mean(0) - sf.mean(0)).abs() < 5 * se + 1e-3).all()
    ratio = (sf.var(0).mean() / rep.var(0).mean()).item()
    assert ratio > 10, f"score-function / reparameterization variance ratio only {ratio:.1f}"
    with pytest.raises(ValueError, match="estimator must be one of reparameterization"):
        gradient_samples(vae, x, 2, estimator="reinforce")


def test_linear_model_arguments_are_checked():
    with pytest.raises(ValueError, match="bias"):
        LinearGaussianVAE(torch.zeros(4, 2), torch.zeros(3), 1.0)
    with pytest.raises(ValueError, match="orthogonal"):
        model, _ = linear_model(orthogonal=False)
        model.set_exact_posterior_()


def test_closed_form_marginal_matches_a_direct_monte_carlo_integral():
    model, x = linear_model(orthogonal=False)
    z = torch.randn(200_000, 2, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    with torch.no_grad():
        log_lik = torch.stack([model.decoder.log_prob(xi.expand(len(z), -1), z) for xi in x[:4]])
    mc = torch.logsumexp(log_lik, 1) - math.log(len(z))
    torch.testing.assert_close(mc, model.log_marginal(x[:4]), atol=0.05, rtol=0)
