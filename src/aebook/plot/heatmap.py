"""A matrix of values as coloured cells with labelled rows and columns (an information matrix,
a contingency table of clusters against classes)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aebook.plot.style import as_array, axes


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
    m = as_array(matrix)
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
