"""2-D densities with exact scores, score networks, Langevin samplers, field plots, and the
measurements of the score-matching and learned-scores pages."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest
import torch

from aebook.data.toy2d import GaussianMixture, Ring, swiss_roll, two_gaussians
from aebook.evaluate import field_errors, proportion
from aebook.experiments.learned_scores import train_score_net
from aebook.experiments.score_matching import cost_table_markdown, training_step_costs
from aebook.models import NoiseConditionalScoreNet, ScoreNet, TiedGaussianDAE
from aebook.plot import sample_panels, score_fields
from aebook.sampling import annealed_langevin, geometric_sigmas, langevin
from aebook.train import TrainConfig, fit

F64 = torch.float64


def autograd_score(density, x):
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(density.log_prob(x).sum(), x)
    return grad


@pytest.mark.parametrize(
    "density",
    [
        two_gaussians(F64),
        GaussianMixture([[0, 0, 0], [1, 2, 3], [-1, 0, 2]], [0.5, 1.0, 2.0], [1, 2, 3], dtype=F64),
        Ring(4.0, 0.5, dtype=F64),
        Ring(1.0, 2.0, dtype=F64).smoothed(0.7),
    ],
    ids=["two-gaussians", "3d-mixture", "ring", "wide-ring"],
)
def test_closed_form_score_is_the_gradient_of_the_log_density(density):
    g = torch.Generator().manual_seed(0)
    x = torch.cat(
        [density.sample(200, g), 6 * torch.randn(50, density.dim, generator=g, dtype=F64)]
    )
    torch.testing.assert_close(density.score(x), autograd_score(density, x), rtol=1e-8, atol=1e-10)


def test_mixture_log_density_is_the_torch_distributions_one():
    mix = GaussianMixture([[0, 0], [2, 1]], [0.5, 1.5], [0.25, 0.75], dtype=F64)
    x = torch.randn(100, 2, dtype=F64)
    torch.testing.assert_close(mix.log_prob(x), mix.distribution().log_prob(x))


def test_ring_density_is_the_angular_average_of_gaussians():
    ring = Ring(3.0, 0.6, dtype=F64)
    x = torch.randn(30, 2, dtype=F64) * 3
    theta = torch.linspace(0, 2 * math.pi, 4001, dtype=F64)[:-1]  # periodic: spectrally accurate
    centres = 3.0 * torch.stack([theta.cos(), theta.sin()], 1)
    log_kernel = -((x[:, None] - centres[None]) ** 2).sum(-1) / (2 * 0.36) - math.log(
        2 * math.pi * 0.36
    )
    quadrature = torch.logsumexp(log_kernel, 1) - math.log(len(theta))
    torch.testing.assert_close(ring.log_prob(x), quadrature, rtol=1e-10, atol=1e-10)
    # and the score at the centre is its limit, zero
    assert ring.score(torch.zeros(1, 2, dtype=F64)).abs().max() == 0


@pytest.mark.parametrize("density", [two_gaussians(F64), Ring(4.0, 0.5, dtype=F64)])
def test_smoothed_density_is_the_density_of_corrupted_samples(density):
    sigma = 0.8
    g = torch.Generator().manual_seed(0)
    x = density.sample(200_000, g)
    probe = density.sample(20, g) + 0.5
    # q_σ(x̃) = E_x N(x̃; x, σ² I), estimated with 200 000 draws of x
    log_kernel = -torch.cdist(probe, x).pow(2) / (2 * sigma**2) - math.log(2 * math.pi * sigma**2)
    mc = torch.logsumexp(log_kernel, 1) - math.log(len(x))
    torch.testing.assert_close(density.smoothed(sigma).log_prob(probe), mc, rtol=0, atol=0.02)
    assert density.smoothed(0.0).log_prob(probe).allclose(density.log_prob(probe))


def test_mixture_sampling_follows_the_weights_and_assign_finds_the_mode():
    mix = two_gaussians()
    x, labels = mix.sample(20_000, torch.Generator().manual_seed(0), return_labels=True)
    assert (mix.assign(x) == labels).float().mean() > 0.999
    share = proportion(labels == 0)
    assert share.low < 0.8 < share.high


def test_toy_densities_check_their_arguments():
    with pytest.raises(ValueError, match="stds must be > 0"):
        GaussianMixture([[0.0, 0.0]], 0.0)
    with pytest.raises(ValueError, match="weights must be 2 non-negative"):
        GaussianMixture([[0.0], [1.0]], 1.0, [1.0, -1.0])
    with pytest.raises(ValueError, match="means must be"):
        GaussianMixture([0.0, 1.0])
    with pytest.raises(ValueError, match="radius and std must be > 0"):
        Ring(0.0)
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        Ring().smoothed(-1.0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        two_gaussians().score(torch.zeros(4, 3))


# ---- samplers --------------------------------------------------------------------------------


def test_geometric_ladder():
    sigmas = geometric_sigmas(20.0, 0.5, 10)
    assert len(sigmas) == 10 and sigmas[0] == 20.0 and sigmas[-1] == pytest.approx(0.5)
    ratios = [a / b for a, b in zip(sigmas[:-1], sigmas[1:], strict=True)]
    assert max(ratios) - min(ratios) < 1e-9
    assert geometric_sigmas(1.0, 1.0, 1) == (1.0,)
    with pytest.raises(ValueError, match="sigma_min <= sigma_max"):
        geometric_sigmas(1.0, 2.0, 3)
    with pytest.raises(ValueError, match="levels must be"):
        geometric_sigmas(2.0, 1.0, 1)


def test_langevin_reaches_the_stationary_law_of_its_discretisation():
    """For N(μ, s² I) the chain is linear; its stationary variance is s² / (1 − α / (4 s²))."""
    mu, s, step = torch.tensor([1.0, -2.0], dtype=F64), 1.5, 0.2
    gauss = GaussianMixture(mu[None], s, dtype=F64)
    g = torch.Generator().manual_seed(0)
    x = langevin(gauss.score, torch.zeros(20_000, 2, dtype=F64), step, 300, g)
    var = s**2 / (1 - step / (4 * s**2))
    torch.testing.assert_close(x.mean(0), mu, rtol=0, atol=0.05)
    torch.testing.assert_close(x.var(0), torch.full((2,), var, dtype=F64), rtol=0.05, atol=0)
    with pytest.raises(ValueError, match="step must be > 0"):
        langevin(gauss.score, x, 0.0, 1)


def test_plain_langevin_keeps_the_start_split_and_annealed_langevin_finds_the_weights():
    mix = two_gaussians()
    g = torch.Generator().manual_seed(0)
    x0 = 16 * torch.rand(3000, 2, generator=g) - 8
    start = proportion(mix.assign(x0) == 0).value
    plain = langevin(mix.score, x0, 0.1, 300, g)
    assert abs(proportion(mix.assign(plain) == 0).value - start) < 0.05
    sigmas = geometric_sigmas(20.0, 0.5, 10)
    annealed = annealed_langevin(lambda x, s: mix.smoothed(s).score(x), x0, sigmas, 0.05, 150, g)
    share = proportion(mix.assign(annealed) == 0)
    assert abs(share.value - 0.8) < 0.03, share
    levels = annealed_langevin(
        lambda x, s: mix.smoothed(s).score(x), x0, sigmas[:2], 0.05, 2, g, return_levels=True
    )
    assert len(levels) == 2
    with pytest.raises(ValueError, match="decreasing order"):
        annealed_langevin(mix.score, x0, [1.0, 2.0], 0.1, 1)


# ---- score networks ----------------------------------------------------------------------------


def test_score_net_learns_a_gaussian_score_by_ism_and_by_dsm():
    """Both objectives find ∇ log N(0, I) = −x; DSM finds the smoothed one, −x / (1 + σ²)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4000, 2, generator=g)
    probe = torch.randn(500, 2, generator=g)
    cfg = TrainConfig(epochs=15, batch_size=200, lr=1e-2, lr_schedule="cosine")
    for objective, sigma in (("ism", None), ("dsm", 0.5)):
        torch.manual_seed(0)
        net = ScoreNet(2, (32,), activation="tanh", objective=objective, sigma=sigma)
        fit(net, x, cfg, device="cpu", progress=False)
        target = -probe / (1 + (sigma or 0.0) ** 2)
        with torch.no_grad():
            error = (net(probe) - target).pow(2).sum(1).mean() / target.pow(2).sum(1).mean()
        assert error < 0.05, (objective, float(error))


def test_score_networks_check_their_arguments_and_shapes():
    with pytest.raises(ValueError, match="objective must be one of dsm, ism"):
        ScoreNet(objective="esm")
    with pytest.raises(ValueError, match="sigma must be > 0 for objective='dsm'"):
        ScoreNet(objective="dsm")
    with pytest.raises(ValueError, match="trace must be one of"):
        ScoreNet(objective="ism", trace="exact")
    with pytest.raises(ValueError, match="sigmas must be a non-empty"):
        NoiseConditionalScoreNet([])
    with pytest.raises(ValueError, match="sigma must be > 0"):
        TiedGaussianDAE(4, 3, sigma=0.0)
    net = NoiseConditionalScoreNet(geometric_sigmas(10.0, 0.1, 5), hidden_sizes=(8,), scale=2.0)
    x = torch.randn(6, 2)
    assert net(x, 0.3).shape == (6, 2)
    assert net(x, torch.full((6,), 0.3)).allclose(net(x, 0.3))
    assert torch.isfinite(net.loss(x)["loss"])


def test_field_errors_of_the_exact_score_are_zero_except_the_bias():
    mix = two_gaussians(F64)
    sigma = 0.5
    errors = field_errors(
        mix.smoothed(sigma).score, mix, sigma, 50_000, torch.Generator().manual_seed(0)
    )
    assert errors.estimation == 0.0
    assert errors.bias > 0 and errors.total == pytest.approx(errors.bias)
    # the DSM target scatters around the score: E‖t − s‖² = E‖t‖² − E‖s‖² = d / σ² − E‖s‖²
    assert errors.target_noise == pytest.approx(2 / sigma**2 - errors.signal, rel=0.05)


@pytest.mark.slow
def test_train_score_net_fits_the_smoothed_score():
    mix = two_gaussians()
    data = mix.sample(20_000, torch.Generator().manual_seed(0))
    cfg = TrainConfig(epochs=6, batch_size=256, lr=3e-3, lr_schedule="cosine")
    net = train_score_net(data, 1.0, (64, 64), cfg, scale=5.0)
    errors = field_errors(net, mix, 1.0, 2000, torch.Generator().manual_seed(1))
    assert errors.estimation < 0.05 * errors.signal


# ---- measurements and figures ----------------------------------------------------------------


def test_training_step_costs_rows_and_table():
    rows = training_step_costs([2, 3], hidden=(8,), batch_size=4, repeats=1, warmup=0,
                               traces=("jacrev", "autograd"))  # fmt: skip
    assert [r["dim"] for r in rows] == [2, 3]
    assert all(r["dsm_s"] > 0 and r["ism_jacrev_s"] > 0 and r["ratio"] > 0 for r in rows)
    table = cost_table_markdown(rows)
    assert "ISM, trace by autograd (ms)" in table and table.count("\n") == 3


def test_field_figures():
    mix = two_gaussians()
    fig = score_fields(
        {"exact": mix.score, "smoothed": mix.smoothed(1.0).score},
        xlim=(-9, 9),
        ylim=(-9, 9),
        density=mix.log_prob,
        grid=9,
    )
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "exact"
    fig2 = sample_panels(
        {"a": mix.sample(100), "b": mix.sample(50)},
        xlim=(-9, 9),
        ylim=(-9, 9),
        density=mix.log_prob,
    )
    assert len([ax for ax in fig2.axes if ax.get_title()]) == 2
    with pytest.raises(ValueError, match="fields is empty"):
        score_fields({}, xlim=(0, 1), ylim=(0, 1))
    with pytest.raises(ValueError, match=r"must have shape \(n, 2\)"):
        sample_panels({"bad": torch.zeros(3, 3)}, xlim=(0, 1), ylim=(0, 1))
    plt.close("all")


def test_swiss_roll_is_seeded():
    x, t = swiss_roll(100, 0.0, seed=1)
    assert x.shape == (100, 3) and t.shape == (100,)
    assert torch.equal(x, swiss_roll(100, 0.0, seed=1)[0])
    assert torch.allclose(x[:, 0], t * torch.cos(t), atol=1e-5)  # scikit-learn's parametrisation
