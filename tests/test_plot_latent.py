"""aebook.plot.latent: the manifold grid's codes, codes against the prior, and that each figure
draws what it is given."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from scipy.stats import norm

from aebook import plot
from aebook.models import VAE
from aebook.train import History


def test_manifold_codes_are_prior_quantiles_on_a_grid():
    z = plot.manifold_codes(5, margin=0.1)
    assert z.shape == (25, 2)
    q = norm.ppf(np.linspace(0.1, 0.9, 5))
    np.testing.assert_allclose(z[:5, 0], q, rtol=1e-5)  # first row: z1 increases
    np.testing.assert_allclose(z[::5, 1], q[::-1], rtol=1e-5)  # top row has the largest z2
    with pytest.raises(ValueError, match="margin"):
        plot.manifold_codes(5, margin=0.5)


def test_manifold_grid_tiles_the_decoded_images():
    def decode(z):  # image brightness = first coordinate's quantile
        return torch.tensor(norm.cdf(z[:, :1].numpy())).float().expand(-1, 6)

    fig = plot.manifold_grid(decode, (2, 3), n=4, title="t")
    mosaic = fig.axes[0].images[0].get_array()
    assert mosaic.shape == (8, 12)
    assert mosaic[0, 0] < mosaic[0, -1]  # brighter to the right
    fig = plot.manifold_grid(VAE(6, 2, (4,)).decode, (2, 3), n=3)  # a model's own method
    assert fig.axes[0].images[0].get_array().shape == (6, 9)
    with pytest.raises(ValueError, match="decode returned"):
        plot.manifold_grid(lambda z: torch.zeros(len(z), 5), (2, 3), n=4)


def test_latent_scatter_needs_a_2d_latent_space():
    x = torch.rand(30, 8)
    fig = plot.latent_scatter(VAE(8, 2, (4,)), x, torch.arange(30) % 3)
    assert len(fig.axes[0].collections) == 3  # one group per label
    with pytest.raises(ValueError, match="3 dimensions"):
        plot.latent_scatter(VAE(8, 3, (4,)), x, torch.zeros(30))


def test_lower_bound_curves_draw_train_and_test_per_run():
    h = History(
        train={"elbo": [-200.0, -150.0]}, valid={"elbo": [-190.0, -160.0]}, samples_seen=[100, 200]
    )
    fig = plot.lower_bound_curves({"a": h, "b": h}, paper={"b": -100.0}, paper_at=1e3)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    curves = [ln for ln in ax.lines if list(ln.get_xdata()) == [100, 200]]
    assert len(curves) == 4 and {ln.get_linestyle() for ln in curves} == {"-", "--"}
    stars = [ln for ln in ax.lines if list(ln.get_xdata()) == [1e3]]
    assert len(stars) == 1 and stars[0].get_color() == curves[2].get_color()  # b's colour


def test_a_run_keeps_its_colour_when_other_runs_are_missing():
    h = History(train={"elbo": [-2.0]}, valid={"elbo": [-1.0]}, samples_seen=[100])
    paper = {"a": -1.0, "b": -1.0, "c": -1.0}
    every = plot.lower_bound_curves({"a": h, "b": h, "c": h}, paper=paper).axes[0]
    some = plot.lower_bound_curves({"c": h}, paper=paper).axes[0]
    colour = {ax: {ln.get_label(): ln.get_color() for ln in ax.lines} for ax in (every, some)}
    assert colour[some]["c"] == colour[every]["c"] != colour[every]["a"]
    plt.close("all")


def test_codes_against_prior_draws_one_panel_per_model_with_ellipses():
    g = torch.Generator().manual_seed(0)
    codes = {"A": torch.randn(50, 2, generator=g), "B": torch.randn(50, 2, generator=g)}
    fig = plot.codes_against_prior(
        codes, labels=torch.arange(50) % 3, stds={"A": torch.full((50, 2), 0.2)}, n_ellipses=5
    )
    a, b = fig.axes[:2]
    assert (a.get_title(), b.get_title()) == ("A", "B")
    assert len(a.patches) == 3 + 5 and len(b.patches) == 3  # prior circles, posterior ellipses
    assert a.get_xlabel() == "$z_1$"
    with pytest.raises(ValueError, match=r"must have shape \(n, 2\)"):
        plot.codes_against_prior({"C": torch.randn(5, 3)})
    with pytest.raises(ValueError, match="empty"):
        plot.codes_against_prior({})
    plt.close("all")
