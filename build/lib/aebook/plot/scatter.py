"""Points in the plane: codes, embeddings, trajectories, coloured by a value or a label."""

from __future__ import annotations

import numpy as np
import torch

from aebook.plot.style import axes


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
    pts = points.detach().cpu().numpy() if isinstance(points, torch.Tensor) else np.asarray(points)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2); got {pts.shape}")
    c = color.detach().cpu().numpy() if isinstance(color, torch.Tensor) else color
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


def _tab10(k: int):
    import matplotlib.pyplot as plt

    return plt.get_cmap("tab10")(k % 10)
