"""Vector fields and samples in the plane: score fields as arrows over a density, side by side;
arrows where a map sends each point (e.g. a denoiser's pull towards the data)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import Tensor

from aebook.plot.style import as_array, axes

Field = Callable[[Tensor], Tensor]
LogDensity = Callable[[Tensor], Tensor]


def _grid(xlim, ylim, n: int) -> tuple[np.ndarray, np.ndarray, Tensor]:
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    gx, gy = np.meshgrid(xs, ys)
    pts = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=torch.float32)
    return gx, gy, pts


def _panels(n: int, ncols: int | None, size: float):
    ncols = min(ncols or n, n)
    nrows = math.ceil(n / ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for ax in axs.flat[n:]:
        ax.axis("off")
    return fig, list(axs.flat[:n])


def _pick(option, label: str, i: int):
    """A per-panel option given once for all panels, as a mapping by label, or as a list."""
    if option is None or callable(option):
        return option
    if isinstance(option, Mapping):
        return option.get(label)
    return option[i]


def _frame(ax, label: str, xlim, ylim) -> None:
    """Limits, equal aspect, a title and the axis names of a panel in the plane."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_title(label, fontsize=10)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


@torch.no_grad()
def _shade(ax, log_density: LogDensity, xlim, ylim, n: int = 120) -> None:
    gx, gy, pts = _grid(xlim, ylim, n)
    dens = torch.exp(log_density(pts)).reshape(gx.shape).numpy()
    ax.contourf(gx, gy, dens, levels=12, cmap="Blues", alpha=0.8)


def score_fields(
    fields: Mapping[str, Field],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    density: LogDensity | Mapping[str, LogDensity] | None = None,
    grid: int = 21,
    ncols: int | None = None,
    size: float = 3.3,
    title: str | None = None,
):
    """One panel per entry of ``fields`` (label → function from ``(n, 2)`` points to ``(n, 2)``
    vectors): arrows on a ``grid`` × ``grid`` lattice, over the shaded ``density`` (a log-density,
    one for all panels or one per label).

    Arrows point along the field. Their lengths follow one saturating scale shared by every panel,
    so that panels can be compared arrow by arrow: a vector of norm ‖v‖ is drawn with length
    0.9 · spacing · ‖v‖ / (‖v‖ + m), where m is the median norm over all panels. Weak vectors stay
    proportional, an arrow of the median norm is half the spacing, and the long vectors far from
    the data never exceed the spacing.
    """
    if not fields:
        raise ValueError("fields is empty")
    gx, gy, pts = _grid(xlim, ylim, grid)
    with torch.no_grad():
        vectors = {k: f(pts).detach().cpu().double().numpy() for k, f in fields.items()}
    norms = np.concatenate([np.linalg.norm(v, axis=1) for v in vectors.values()])
    median = float(np.median(norms)) or 1.0
    spacing = (xlim[1] - xlim[0]) / (grid - 1)
    fig, axs = _panels(len(fields), ncols, size)
    for i, (ax, (label, v)) in enumerate(zip(axs, vectors.items(), strict=True)):
        log_density = _pick(density, label, i)
        if log_density is not None:
            _shade(ax, log_density, xlim, ylim)
        norm = np.linalg.norm(v, axis=1, keepdims=True)
        u = v * (0.9 * spacing / (norm + median))
        ax.quiver(
            gx.ravel(), gy.ravel(), u[:, 0], u[:, 1],
            angles="xy", scale_units="xy", scale=1.0, width=0.005, color="0.1",
        )  # fmt: skip
        _frame(ax, label, xlim, ylim)
        ax.grid(False)
    if title:
        fig.suptitle(title)
    return fig


def sample_panels(
    samples: Mapping[str, Tensor],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    density: LogDensity | None = None,
    ncols: int | None = None,
    size: float = 3.3,
    max_points: int = 3000,
    title: str | None = None,
):
    """One scatter panel per entry of ``samples`` (label → ``(n, 2)``), over the contour lines of
    ``density`` (a log-density) when given; at most ``max_points`` points are drawn per panel."""
    if not samples:
        raise ValueError("samples is empty")
    fig, axs = _panels(len(samples), ncols, size)
    for ax, (label, pts) in zip(axs, samples.items(), strict=True):
        pts = pts.detach().cpu().numpy()[:max_points]
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"samples[{label!r}] must have shape (n, 2); got {pts.shape}")
        if density is not None:
            gx, gy, grid_pts = _grid(xlim, ylim, 120)
            with torch.no_grad():
                dens = torch.exp(density(grid_pts)).reshape(gx.shape).numpy()
            ax.contour(gx, gy, dens, levels=6, colors="0.5", linewidths=0.7)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5, color="#0072B2", rasterized=True)
        _frame(ax, label, xlim, ylim)
    if title:
        fig.suptitle(title)
    return fig


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
    p, v = as_array(points), as_array(vectors)
    if p.ndim != 2 or p.shape[1] != 2 or v.shape != p.shape:
        raise ValueError(f"points and vectors must both be (n, 2); got {p.shape} and {v.shape}")
    fig, ax = axes(ax, figsize=(5.2, 4.6))
    if data is not None:
        d = as_array(data)
        ax.scatter(d[:, 0], d[:, 1], s=3, color="0.75", zorder=1, label="training data")
    if curve is not None:
        c = as_array(curve)
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
