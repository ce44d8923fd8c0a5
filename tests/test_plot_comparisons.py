"""Figures comparing methods: they draw what they are given, label it, and refuse bad shapes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aebook import plot


def teardown_function():
    plt.close("all")


def test_bar_chart_draws_one_bar_per_method_and_category():
    fig = plot.bar_chart(
        {"a": [0.9, 0.8, 0.7], "b": torch.tensor([0.6, 0.5, 0.4])},
        ["0", "1", "2"],
        xlabel="digit",
        ylabel="AUROC",
        title="t",
        ylim=(0.3, 1.0),
    )
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert sorted(round(p.get_height(), 2) for p in ax.patches) == [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert ax.get_xlabel() == "digit" and ax.get_ylabel() == "AUROC"
    assert ax.get_ylim() == (0.3, 1.0)
    with pytest.raises(ValueError, match="categories"):
        plot.bar_chart({"a": [1.0]}, ["0", "1"], xlabel="x", ylabel="y")


def test_score_histograms_are_normalised_and_log_scale_needs_positive_scores():
    rng = np.random.default_rng(0)
    fig = plot.score_histograms(
        {"normal": rng.lognormal(0, 1, 500), "anomalies": rng.lognormal(1, 1, 300)},
        xlabel="score",
        logx=True,
        bins=20,
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "normal (500)",
        "anomalies (300)",
    ]
    with pytest.raises(ValueError, match="positive"):
        plot.score_histograms({"a": [0.0, 1.0]}, xlabel="s", logx=True)


def test_scatter_panels_one_panel_per_embedding_with_a_shared_legend():
    rng = np.random.default_rng(0)
    pts = {name: rng.normal(size=(50, 2)) for name in ("PCA", "AE", "Isomap")}
    fig = plot.scatter_panels(pts, color=np.arange(50) % 3, labels_legend=True, title="t")
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["PCA", "AE", "Isomap"]
    assert fig.legends, "one legend for all panels"
    fig = plot.scatter_panels(pts, color=np.linspace(0, 1, 50), colorbar_label="t", ncols=2)
    assert any(ax.get_ylabel() == "t" for ax in fig.axes), "a shared colour bar"
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plot.scatter_panels({"bad": rng.normal(size=(5, 3))})


def test_heatmap_annotates_cells_and_checks_labels():
    m = np.array([[5, 0], [1, 7]])
    fig = plot.heatmap(
        m, row_labels=["a", "b"], col_labels=["x", "y"], xlabel="c", ylabel="r", fmt="{:.0f}"
    )
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "1", "5", "7"]
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours["0"] != colours["7"]  # text stays readable on light and dark cells
    with pytest.raises(ValueError, match="row labels"):
        plot.heatmap(m, row_labels=["a"], col_labels=["x", "y"], xlabel="c", ylabel="r")


def test_scatter_3d():
    fig = plot.scatter_3d(np.zeros((10, 3)), color=np.arange(10), colorbar_label="t", title="roll")
    assert fig.axes[0].get_title() == "roll"
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        plot.scatter_3d(np.zeros((10, 2)))
