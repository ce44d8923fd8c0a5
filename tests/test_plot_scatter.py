"""aebook.plot.scatter: points drawn as given, labelled, and bad shapes refused."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from aebook import plot


def teardown_function():
    plt.close("all")


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


def test_scatter_3d():
    fig = plot.scatter_3d(np.zeros((10, 3)), color=np.arange(10), colorbar_label="t", title="roll")
    assert fig.axes[0].get_title() == "roll"
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        plot.scatter_3d(np.zeros((10, 2)))


def test_labelled_points_annotate_every_point():
    fig = plot.labelled_points([1, 2, 3], [3, 1, 2], ["p", "q", "r"], xlabel="x", ylabel="y")
    assert [t.get_text() for t in fig.axes[0].texts] == ["p", "q", "r"]
    with pytest.raises(ValueError, match="differ in length"):
        plot.labelled_points([1], [1, 2], ["p"], xlabel="x", ylabel="y")
    plt.close("all")
