import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aebook import plot
from aebook.data import rotate
from aebook.train import History


def test_quarter_turn_is_exact_and_matches_rot90():
    images = torch.rand(3, 7 * 7)
    turned = rotate(images, torch.full((3,), math.pi / 2), (7, 7))
    expected = torch.rot90(images.view(3, 7, 7), 1, dims=(1, 2)).reshape(3, 49)
    torch.testing.assert_close(turned, expected, atol=1e-5, rtol=0)


def test_zero_angle_is_the_identity_and_angles_are_per_image():
    images = torch.rand(2, 25)
    torch.testing.assert_close(rotate(images, torch.zeros(2), (5, 5)), images)
    mixed = rotate(images, torch.tensor([0.0, math.pi]), (5, 5))
    torch.testing.assert_close(mixed[0], images[0])
    torch.testing.assert_close(mixed[1], images[1].flip(0), atol=1e-5, rtol=0)


def test_rotate_checks_the_image_shape():
    with pytest.raises(ValueError, match="image_shape"):
        rotate(torch.rand(2, 25), torch.zeros(2), (4, 4))


def _labels(fig):
    ax = fig.axes[0]
    return ax.get_xlabel(), ax.get_ylabel()


def test_plots_are_labelled_figures():
    fig = plot.line_plot([1, 2], {"a": [1, 2], "b": [2, 1]}, xlabel="x", ylabel="y", title="t")
    plot.reference_line(fig, 1.5, "ref")
    assert _labels(fig) == ("x", "y") and len(fig.axes[0].get_legend().texts) == 3
    h = History(train={"loss": [2.0, 1.0]}, valid={"loss": [2.5, 1.5]}, samples_seen=[10, 20])
    fig = plot.learning_curves({"run": h}, x="samples_seen")
    assert _labels(fig) == ("training examples seen", "loss")
    fig = plot.scatter_2d(
        np.random.default_rng(0).random((20, 2)), color=np.arange(20) % 3, labels_legend=True
    )
    assert fig.axes[0].get_legend() is not None
    fig = plot.image_grid(torch.rand(12, 16), ncols=5, row_labels=["a", "b", "c"], title="g")
    assert len(fig.axes) == 15
    plt.close("all")


def test_curve_panels_stack_each_quantity_of_the_same_runs_in_one_colour():
    from aebook.plot.panels import curve_panels

    curves = {
        "seed 0": {"passes": [30, 60], "test_error": [41.6, 50.7], "loss": [109.8, 101.4]},
        "seed 1": {"passes": [30], "test_error": [42.0], "loss": [109.5]},
    }
    panels = {"test_error": "test error (%)", "loss": "loss (nats)"}
    fig = curve_panels(curves, panels, x="passes", xlabel="pass", title="t")
    top, bottom = fig.axes
    assert [top.get_ylabel(), bottom.get_ylabel(), bottom.get_xlabel()] == [
        "test error (%)", "loss (nats)", "pass"
    ]  # fmt: skip
    assert list(bottom.lines[0].get_ydata()) == [109.8, 101.4]
    assert top.lines[1].get_color() == bottom.lines[1].get_color() != top.lines[0].get_color()
    assert [t.get_text() for t in top.get_legend().texts] == ["seed 0", "seed 1"]
    with pytest.raises(ValueError, match="missing {'loss'}"):
        curve_panels({"a": {"passes": [1], "test_error": [1.0]}}, panels, x="passes", xlabel="p")
    plt.close("all")


def test_plot_arguments_are_checked():
    with pytest.raises(ValueError, match="normalize must be one of"):
        plot.image_grid(torch.rand(2, 16), normalize="max")
    with pytest.raises(ValueError, match="image_shape is needed"):
        plot.image_grid(torch.rand(2, 15))
    with pytest.raises(ValueError, match="x must be one of"):
        plot.learning_curves({}, x="steps")


def test_scaling_figure_draws_both_sweeps_with_their_slopes():
    payload = {
        "by_size": [{"n": n, "fit_s": n / 1000} for n in (1000, 2000, 4000)],
        "by_width": [{"h": h, "fit_s": h / 100, "dataloader_s": 3 + h / 100} for h in (50, 400)],
        "n_width": 10_000,
        "size_slope": 1.0,
        "width_slope": 0.98,
    }
    fig = plot.scaling_benchmark(payload)
    left, right = fig.axes
    assert left.get_xscale() == right.get_yscale() == "log"
    assert "slope 1.00" in left.get_title() and "slope 0.98" in right.get_title()
    assert [line.get_label() for line in right.get_lines()][:2] == ["fit", "DataLoader pipeline"]
    np.testing.assert_allclose(right.get_lines()[1].get_ydata(), [3.5, 7.0])
    plt.close(fig)
