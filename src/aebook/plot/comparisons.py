"""Figures that compare methods: grouped bars, score distributions, embeddings side by side,
contingency tables, and a 3-D point cloud."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from aebook.plot.style import axes


def _array(values) -> np.ndarray:
    return values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)


def bar_chart(
    values: Mapping[str, Sequence[float]],
    categories: Sequence[str],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    ax=None,
):
    """Grouped bars: one group per category, one bar per entry of ``values`` (a method)."""
    for name, v in values.items():
        if len(v) != len(categories):
            raise ValueError(
                f"values[{name!r}] has {len(v)} entries but there are {len(categories)} categories"
            )
    fig_width = min(10.0, max(5.0, 0.28 * len(categories) * max(1, len(values)) + 1.5))
    fig, ax = axes(ax, figsize=(fig_width, 3.5))
    bar = 0.8 / max(1, len(values))
    x = np.arange(len(categories))
    for k, (name, v) in enumerate(values.items()):
        ax.bar(x + (k - (len(values) - 1) / 2) * bar, _array(v), bar, label=name)
    ax.set_xticks(x, [str(c) for c in categories])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if len(values) > 1:  # below the axes, where it cannot hide a bar
        ax.legend(
            fontsize=8, ncols=min(len(values), 4), loc="upper center", bbox_to_anchor=(0.5, -0.2)
        )
    return fig


def score_histograms(
    scores: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    title: str | None = None,
    bins: int = 60,
    logx: bool = False,
    ax=None,
):
    """Overlaid normalised histograms of several groups of scores (e.g. normal vs. anomalous)."""
    arrays = {k: _array(v).astype(float) for k, v in scores.items()}
    everything = np.concatenate(list(arrays.values()))
    if logx:
        if (everything <= 0).any():
            raise ValueError("logx needs positive scores")
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig, ax = axes(ax)
    for name, v in arrays.items():
        ax.hist(v, bins=edges, density=True, alpha=0.55, label=f"{name} ({len(v)})")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def scatter_panels(
    points: Mapping[str, object],
    *,
    color=None,
    colorbar_label: str | None = None,
    labels_legend: bool = False,
    title: str | None = None,
    ncols: int = 3,
    size: float = 4,
    cmap: str = "viridis",
):
    """One 2-D scatter per entry of ``points`` (``(n, 2)`` each), same colouring in every panel.

    ``color`` is a value per point (one shared colour bar) or, with ``labels_legend=True``, an
    integer class per point (one shared legend).
    """
    n = len(points)
    if n == 0:
        raise ValueError("points is empty")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(3.4 * ncols + 0.8, 3.2 * nrows), squeeze=False)
    c = _array(color) if color is not None else None
    mappable = None
    for ax, (name, pts) in zip(axs.flat, points.items(), strict=False):
        pts = _array(pts)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"points[{name!r}] must have shape (n, 2); got {pts.shape}")
        if labels_legend and c is not None:
            cm = plt.get_cmap("tab10")
            for k in np.unique(c):
                sel = c == k
                ax.scatter(pts[sel, 0], pts[sel, 1], s=size, color=cm(int(k) % 10), label=str(k))
        else:
            mappable = ax.scatter(pts[:, 0], pts[:, 1], c=c, s=size, cmap=cmap)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in list(axs.flat)[n:]:
        ax.axis("off")
    if labels_legend and c is not None:
        handles, names = axs.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside right center", markerscale=3, title="label")
    elif mappable is not None and c is not None:
        fig.colorbar(mappable, ax=axs, label=colorbar_label, shrink=0.85)
    if title:
        fig.suptitle(title)
    return fig


def scatter_3d(
    points,
    *,
    color=None,
    colorbar_label: str | None = None,
    title: str | None = None,
    size: float = 4,
    elev: float = 12,
    azim: float = -70,
    cmap: str = "viridis",
):
    """A 3-D point cloud ``(n, 3)``, coloured by a value per point."""
    pts = _array(points)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise ValueError(f"points must have shape (n, 3); got {pts.shape}")
    fig = plt.figure(figsize=(5.0, 4.2))
    ax = fig.add_subplot(projection="3d")
    sc = ax.scatter(
        pts[:, 0],
        pts[:, 1],
        pts[:, 2],
        c=_array(color) if color is not None else None,
        s=size,
        cmap=cmap,
    )
    ax.view_init(elev=elev, azim=azim)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_zlabel("x₃")
    if color is not None:
        fig.colorbar(sc, ax=ax, label=colorbar_label, shrink=0.7)
    if title:
        ax.set_title(title)
    return fig
