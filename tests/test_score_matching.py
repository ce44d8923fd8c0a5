"""The identities of Vincent (2011), each checked numerically, and each shown able to fail.

- ψ(x) = −∂E(x)/∂x for the paper's energy model (autograd);
- J_DSM = J_DAE / (2σ⁴) example by example, and so SGD on either gives the same parameters;
- J_ESM − J_ISM does not depend on θ (Hyvärinen), for data with a closed-form score;
- J_ESM,qσ − J_DSM,qσ does not depend on θ (Vincent), with q_σ the Parzen estimate.

The Monte Carlo checks use common random numbers: the same samples for both θ, so the difference
of the two estimates is an average of per-sample differences whose standard error is known. They
pass at |difference| ≤ 4 standard errors; the broken variants must exceed 10.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
import torch

from aebook.corruption import gaussian
from aebook.data.toy2d import GaussianMixture, two_gaussians
from aebook.evaluate import paired_difference
from aebook.models import DAEEnergyModel, ScoreNet, TiedGaussianDAE
from aebook.objectives import (
    ParzenDensity,
    dsm_loss,
    dsm_target,
    esm_loss,
    ism_loss,
    jacobian_trace,
    squared_error,
)
from aebook.train import TrainConfig, fit

Z_PASS, Z_FAIL = 4.0, 10.0


def energy_model(d=5, h=7, sigma=0.7, seed=0) -> DAEEnergyModel:
    """A float64 energy model with every parameter random (biases included)."""
    torch.manual_seed(seed)
    model = DAEEnergyModel.create(d, h, sigma).double()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.8)
    return model


def score_net(seed: int, d: int = 2) -> ScoreNet:
    torch.manual_seed(seed)
    return ScoreNet(d, (32, 32), activation="tanh", objective="ism").double()


# ---- ψ = −∂E/∂x --------------------------------------------------------------------------------


def test_score_is_minus_the_energy_gradient():
    model = energy_model()
    x = torch.randn(64, 5, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(model.energy(x).sum(), x)
    torch.testing.assert_close(model.score(x), -grad, rtol=1e-12, atol=1e-12)
    # The check can fail: the same energy at the wrong temperature (σ² left out) does not match.
    (grad_wrong,) = torch.autograd.grad((model.sigma**2 * model.energy(x)).sum(), x)
    assert (model.score(x) + grad_wrong).abs().max() > 0.1


def test_energy_score_trace_by_autograd_matches_its_closed_form():
    model = energy_model()
    x = torch.randn(32, 5, dtype=torch.float64)
    ae = model.autoencoder
    s = torch.sigmoid(x @ ae.weight.T + ae.hidden_bias)
    closed = ((s * (1 - s)) @ ae.weight.pow(2).sum(1) - 5) / model.sigma**2
    for method in ("jacrev", "jacfwd", "autograd"):
        torch.testing.assert_close(jacobian_trace(model.score, x, method), closed)
    with pytest.raises(ValueError, match="method must be one of"):
        jacobian_trace(model.score, x, "hutchinson")


# ---- J_DSM = J_DAE / (2σ⁴) -----------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [0.1, 0.5, 2.0])
def test_dsm_equals_dae_over_two_sigma_to_the_fourth_per_example(sigma):
    model = energy_model(sigma=sigma)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(256, 5, generator=g, dtype=torch.float64)
    x_tilde = gaussian(x, sigma, g)
    j_dsm = dsm_loss(model.score(x_tilde), x, x_tilde, sigma)
    j_dae = squared_error(x, model.autoencoder.reconstruct(x_tilde))
    torch.testing.assert_close(j_dsm, j_dae / (2 * sigma**4), rtol=1e-12, atol=0)
    # The check can fail: the wrong power of σ is off by a factor σ² (≠ 1 here).
    wrong = j_dae / (2 * sigma**2)
    assert ((wrong - j_dsm).abs() / j_dsm).min() > 0.5 * abs(1 - sigma**2)


def test_the_two_models_report_each_others_loss():
    dae = TiedGaussianDAE(6, 4, sigma=0.4).double()
    energy = DAEEnergyModel(dae)
    x = torch.rand(50, 6, dtype=torch.float64)
    torch.manual_seed(3)
    from_dae = dae.loss(x)
    torch.manual_seed(3)  # the same corruption noise
    from_energy = energy.loss(x)
    torch.testing.assert_close(from_dae["dsm"], from_energy["loss"])
    torch.testing.assert_close(from_energy["dae"], from_dae["loss"])
    assert set(dict(energy.named_parameters())) == {
        "autoencoder.weight",
        "autoencoder.hidden_bias",
        "autoencoder.visible_bias",
    }  # no parameter of its own: it reads the autoencoder's


def test_sgd_on_the_dae_is_sgd_on_dsm_with_the_step_scaled_by_two_sigma_to_the_fourth():
    sigma, lr = 0.5, 0.01
    g = torch.Generator().manual_seed(0)
    x = torch.rand(400, 8, generator=g)
    dae = TiedGaussianDAE(8, 5, sigma, init_std=0.3)
    energy = DAEEnergyModel(copy.deepcopy(dae))
    wrong = DAEEnergyModel(copy.deepcopy(dae))
    cfg = TrainConfig(epochs=3, batch_size=20, optimizer="sgd", lr=lr)
    fit(dae, x, cfg, device="cpu", progress=False)
    fit(energy, x, replace(cfg, lr=lr * 2 * sigma**4), device="cpu", progress=False)
    fit(wrong, x, replace(cfg, lr=lr * 2 * sigma**2), device="cpu", progress=False)

    def gap(a, b):
        pairs = zip(a.parameters(), b.parameters(), strict=True)
        return max(float((p - q).abs().max()) for p, q in pairs)

    same, moved = gap(dae, energy), gap(dae, wrong)
    assert same < 1e-5
    assert moved > 1e-3  # the check can fail: with the wrong scaling the runs part ways


# ---- J_ESM − J_ISM does not depend on θ --------------------------------------------------------


def esm_minus_ism(score_fn, data: GaussianMixture, x):
    return esm_loss(score_fn(x), data.score(x)) - ism_loss(score_fn, x)


def test_esm_and_ism_differ_by_a_constant_that_does_not_depend_on_theta():
    data = GaussianMixture([[0.0, 0.0], [3.0, 1.0]], [1.0, 0.5], [0.3, 0.7], dtype=torch.float64)
    x = data.sample(100_000, torch.Generator().manual_seed(0))
    models = [score_net(0), score_net(1), energy_model(d=2, h=6, sigma=1.0).score]
    diffs = [esm_minus_ism(m, data, x).detach() for m in models]
    for other in diffs[1:]:
        assert paired_difference(diffs[0], other).z < Z_PASS
    # The constant is ½ E‖∂ log q/∂x‖² (Hyvärinen's integration by parts).
    half_data_score = 0.5 * data.score(x).pow(2).sum(1)
    assert paired_difference(diffs[0], half_data_score).z < Z_PASS
    # The check can fail: ISM without its trace term leaves a θ-dependent difference ...
    broken = [esm_loss(m(x), data.score(x)) - 0.5 * m(x).pow(2).sum(1) for m in models[::2]]
    assert paired_difference(broken[0].detach(), broken[1].detach()).z > Z_FAIL
    # ... and the constant is a property of the data: another density gives another one.
    wider = GaussianMixture(data.means, data.stds * 2, data.weights, dtype=torch.float64)
    y = wider.sample(100_000, torch.Generator().manual_seed(1))
    other_data = esm_minus_ism(models[0], wider, y).detach()
    gap = diffs[0].mean() - other_data.mean()
    stderr = (diffs[0].var() / len(x) + other_data.var() / len(y)).sqrt()
    assert gap.abs() / stderr > Z_FAIL


# ---- J_ESM,qσ − J_DSM,qσ does not depend on θ --------------------------------------------------


def test_esm_on_the_parzen_density_and_dsm_differ_by_a_constant():
    sigma = 0.5
    points = two_gaussians(torch.float64).sample(200, torch.Generator().manual_seed(0))
    parzen = ParzenDensity(points, sigma)
    x, x_tilde = parzen.sample_pairs(50_000, torch.Generator().manual_seed(1))
    target = parzen.score(x_tilde)
    nets = [
        score_net(0),
        energy_model(2, 6, 1.0, seed=0).score,
        energy_model(2, 6, 0.7, seed=1).score,
    ]
    with torch.no_grad():
        diffs = [
            esm_loss(m(x_tilde), target) - dsm_loss(m(x_tilde), x, x_tilde, sigma) for m in nets
        ]
        for other in diffs[1:]:
            assert paired_difference(diffs[0], other).z < Z_PASS
        # The check can fail: with the wrong power of σ in the target, θ shows through.
        wrong = [
            esm_loss(m(x_tilde), target) - 0.5 * (m(x_tilde) - (x - x_tilde) / sigma).pow(2).sum(1)
            for m in nets[:2]
        ]
        assert paired_difference(wrong[0], wrong[1]).z > Z_FAIL


def test_parzen_score_is_the_average_dsm_target():
    """∂ log q_σ(x̃)/∂x̃ = E[(x − x̃)/σ² | x̃]: the fact that makes DSM work."""
    sigma = 0.3
    points = torch.randn(50, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    parzen = ParzenDensity(points, sigma, chunk_size=7)
    x_tilde = torch.randn(40, 3, dtype=torch.float64, requires_grad=True)
    (autograd_score,) = torch.autograd.grad(parzen.log_prob(x_tilde).sum(), x_tilde)
    x_tilde = x_tilde.detach()
    posterior = parzen.posterior(x_tilde)  # (40, 50)
    targets = dsm_target(points[None], x_tilde[:, None], sigma)  # (40, 50, 3)
    averaged = (posterior[..., None] * targets).sum(1)
    torch.testing.assert_close(parzen.score(x_tilde), autograd_score, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(averaged, autograd_score, rtol=1e-10, atol=1e-10)


def test_parzen_density_is_normalised_and_checks_its_arguments():
    points = torch.tensor([[0.0, 0.0], [1.0, 2.0]], dtype=torch.float64)
    parzen = ParzenDensity(points, 0.5)
    xs = torch.linspace(-4, 5, 301, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, xs + 1, indexing="xy")
    grid = torch.stack([gx.ravel(), gy.ravel()], 1)
    mass = parzen.log_prob(grid).exp().sum() * (xs[1] - xs[0]) ** 2
    assert mass.item() == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        ParzenDensity(points, 0.0)
    with pytest.raises(ValueError, match="points must be"):
        ParzenDensity(torch.zeros(0, 2), 1.0)
    with pytest.raises(ValueError, match=r"x must have shape \(m, 2\)"):
        parzen.log_prob(torch.zeros(3, 3, dtype=torch.float64))


def test_dsm_target_checks_sigma():
    x = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        dsm_target(x, x, 0.0)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        dsm_target(x, x, torch.tensor([[1.0], [-1.0]]))
    torch.testing.assert_close(dsm_target(x, x + 1, torch.tensor([[1.0], [2.0]]))[1], -x[1] - 0.25)
