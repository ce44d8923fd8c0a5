"""Points: a 2-D scatter coloured by a value or a label, panels of such scatters side by side,
a 3-D point cloud, and labelled points in a plane of two measurements (a trade-off)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from aebook.plot.style import as_array, axes


def scatter_2d(
    points,
    *,
    color=None,
    colorbar_label: str | None = None,
    labels_legend: bool = False,
    xlabel: str = "dimension 1",
    ylabel: str = "dimension 2",
    title: str | None = None,
    connect: bool = False,
    cmap: str = "viridis",
    size: float = 6,
    ax=None,
):
    """Scatter ``points`` of shape ``(n, 2)``.

    ``color`` is a value per point (shown with a colour bar) or, with ``labels_legend=True``, an
    integer class per point (shown with a legend). ``connect=True`` also draws the path through the
    points in order (a trajectory or an orbit).
    """
    pts = as_array(points)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2); got {pts.shape}")
    c = as_array(color) if color is not None else None
    fig, ax = axes(ax, figsize=(4.8, 4.2))
    if connect:
        ax.plot(pts[:, 0], pts[:, 1], "-", color="0.6", lw=0.8, zorder=1)
    if labels_legend and c is not None:
        for k in np.unique(c):
            sel = c == k
            ax.scatter(pts[sel, 0], pts[sel, 1], s=size, label=str(k), color=_tab10(int(k)))
        ax.legend(markerscale=2, fontsize=8, ncols=2, title="label")
    else:
        sc = ax.scatter(pts[:, 0], pts[:, 1], c=c, s=size, cmap=cmap, zorder=2)
        if c is not None:
            fig.colorbar(sc, ax=ax, label=colorbar_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
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
    c = as_array(color) if color is not None else None
    mappable = None
    for ax, (name, pts) in zip(axs.flat, points.items(), strict=False):
        pts = as_array(pts)
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
    pts = as_array(points)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise ValueError(f"points must have shape (n, 3); got {pts.shape}")
    fig = plt.figure(figsize=(5.0, 4.2))
    ax = fig.add_subplot(projection="3d")
    sc = ax.scatter(
        pts[:, 0],
        pts[:, 1],
        pts[:, 2],
        c=as_array(color) if color is not None else None,
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


def labelled_points(
    x: Sequence[float],
    y: Sequence[float],
    labels: Sequence[str],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    connect: bool = True,
    ax=None,
):
    """Points ``(x_i, y_i)`` each with its text label, joined in order when ``connect``."""
    if not len(x) == len(y) == len(labels):
        raise ValueError(f"x, y and labels differ in length: {len(x)}, {len(y)}, {len(labels)}")
    fig, ax = axes(ax)
    ax.plot(x, y, "o-" if connect else "o")
    for xi, yi, text in zip(x, y, labels, strict=True):
        ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(5, 5), fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig


def _tab10(k: int):
    import matplotlib.pyplot as plt

    return plt.get_cmap("tab10")(k % 10)
