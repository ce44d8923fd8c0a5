"""The figures of the survey chapter: labelled, and refusing inputs of the wrong shape."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aebook import plot


def test_heatmap_is_labelled_and_checks_its_labels():
    m = np.random.default_rng(0).random((3, 2))
    fig = plot.heatmap(
        m,
        row_labels=["a", "b", "c"],
        col_labels=["x", "y"],
        xlabel="factor",
        ylabel="unit",
        title="t",
    )
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("factor", "unit")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == 6  # every cell written out
    with pytest.raises(ValueError, match="row labels"):
        plot.heatmap(m, row_labels=["a"], col_labels=["x", "y"], xlabel="", ylabel="")
    plt.close("all")


def test_labelled_points_annotate_every_point():
    fig = plot.labelled_points([1, 2, 3], [3, 1, 2], ["p", "q", "r"], xlabel="x", ylabel="y")
    assert [t.get_text() for t in fig.axes[0].texts] == ["p", "q", "r"]
    with pytest.raises(ValueError, match="differ in length"):
        plot.labelled_points([1], [1, 2], ["p"], xlabel="x", ylabel="y")
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
