"""Figures that compare models: a matrix of values with labelled rows and columns, and labelled
points in a plane of two measurements (a trade-off)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from aebook.plot.style import axes


def heatmap(
    matrix,
    *,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    colorbar_label: str | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = None,
    annotate: bool = True,
    fmt: str = "{:.2f}",
    cmap: str = "viridis",
    ax=None,
):
    """``matrix`` ``(rows, cols)`` as coloured cells (an information matrix, a contingency table of
    clusters against classes), each written out with ``fmt`` when ``annotate``."""
    m = matrix.detach().cpu().numpy() if isinstance(matrix, torch.Tensor) else np.asarray(matrix)
    if m.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"matrix has shape {m.shape} but there are {len(row_labels)} row labels and "
            f"{len(col_labels)} column labels"
        )
    fig, ax = axes(ax, figsize=(1.0 + 0.75 * len(col_labels), 0.8 + 0.4 * len(row_labels)))
    im = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.grid(False)
    if annotate:  # dark text on light cells and light text on dark ones, whatever the colour map
        for (i, j), v in np.ndenumerate(m):
            r, g, b, _ = im.cmap(im.norm(v))
            ax.text(
                j,
                i,
                fmt.format(v),
                ha="center",
                va="center",
                fontsize=8,
                color="black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white",
            )
    fig.colorbar(im, ax=ax, label=colorbar_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
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
