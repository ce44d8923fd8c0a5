"""aebook.plot.bars: bars and histograms draw what they are given and refuse bad input."""

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


def test_estimate_histograms_report_the_spread():
    g = torch.Generator().manual_seed(0)
    fig = plot.estimate_histograms(
        {"narrow": torch.randn(500, generator=g), "wide": 10 * torch.randn(500, generator=g)},
        xlabel="x",
    )
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0].startswith("narrow (sd 0.9") or labels[0].startswith("narrow (sd 1.0")
