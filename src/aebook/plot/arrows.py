"""Arrows in the plane: where a map sends each point (e.g. a denoiser's pull towards the data)."""

from __future__ import annotations

import numpy as np
import torch

from aebook.plot.style import axes


def _np(a):
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)


def vector_field(
    points,
    vectors,
    *,
    data=None,
    curve=None,
    title: str | None = None,
    xlabel: str = "x₁",
    ylabel: str = "x₂",
    color_label: str = "length of the displacement",
    fill: float = 0.9,
    ax=None,
):
    """Arrows ``vectors`` ``(n, 2)`` drawn from ``points`` ``(n, 2)``, coloured by their length.

    Arrows keep their directions and relative lengths but are scaled so that the longest spans
    ``fill`` times the spacing of the points (the colour gives the true length). ``data``
    ``(m, 2)`` is scattered underneath in light grey and ``curve`` ``(k, 2)`` drawn as a line
    (e.g. the manifold the data lie near). Returns the figure.
    """
    p, v = _np(points), _np(vectors)
    if p.ndim != 2 or p.shape[1] != 2 or v.shape != p.shape:
        raise ValueError(f"points and vectors must both be (n, 2); got {p.shape} and {v.shape}")
    fig, ax = axes(ax, figsize=(5.2, 4.6))
    if data is not None:
        d = _np(data)
        ax.scatter(d[:, 0], d[:, 1], s=3, color="0.75", zorder=1, label="training data")
    if curve is not None:
        c = _np(curve)
        ax.plot(c[:, 0], c[:, 1], "-", color="C3", lw=1.5, zorder=2, label="data manifold")
    length = np.hypot(v[:, 0], v[:, 1])
    q = ax.quiver(
        p[:, 0],
        p[:, 1],
        v[:, 0],
        v[:, 1],
        length,
        angles="xy",
        scale_units="xy",
        scale=1,
        width=0.004,
        cmap="viridis",
        zorder=3,
    )
    fig.colorbar(q, ax=ax, label=color_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    if data is not None or curve is not None:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    return fig
