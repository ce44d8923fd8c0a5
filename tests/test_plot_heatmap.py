"""aebook.plot.heatmap: cells annotated, labels checked against the matrix."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from aebook import plot


def teardown_function():
    plt.close("all")


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
