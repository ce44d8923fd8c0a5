"""Grids of images: digits, reconstructions, filters."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from aebook.plot.style import as_array


def _as_images(images, image_shape) -> np.ndarray:
    arr = as_array(images)
    if arr.ndim == 2:
        if image_shape is None:
            side = math.isqrt(arr.shape[1])
            if side * side != arr.shape[1]:
                raise ValueError(f"image_shape is needed for rows of length {arr.shape[1]}")
            image_shape = (side, side)
        arr = arr.reshape(len(arr), *image_shape)
    if arr.ndim != 3:
        raise ValueError(f"images must be (n, d) or (n, h, w); got shape {arr.shape}")
    return arr


def image_grid(
    images,
    *,
    image_shape: tuple[int, int] | None = None,
    ncols: int = 10,
    title: str | None = None,
    row_labels: list[str] | None = None,
    normalize: str = "none",
    cmap: str = "gray",
    scale: float = 0.8,
):
    """Draw ``images`` (``(n, d)`` rows or ``(n, h, w)``) in a grid and return the figure.

    ``normalize``: ``"none"`` shows values in [0, 1] as they are; ``"each"`` stretches every image
    to its own range (for filters, whose scale is arbitrary); ``"symmetric"`` centres each image's
    colour map on 0.
    """
    if normalize not in ("none", "each", "symmetric"):
        raise ValueError(f"normalize must be one of none, each, symmetric; got {normalize!r}")
    arr = _as_images(images, image_shape)
    n = len(arr)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    h, w = arr.shape[1:]
    fig, axs = plt.subplots(
        nrows,
        ncols,
        figsize=(scale * ncols * w / max(h, w) + (0.9 if row_labels else 0), scale * nrows + 0.4),
        squeeze=False,
        constrained_layout=False,
    )
    for i, ax in enumerate(axs.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if i >= n:
            ax.axis("off")
            continue
        img = arr[i]
        if normalize == "none":
            ax.imshow(img, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        elif normalize == "each":
            ax.imshow(img, cmap=cmap, interpolation="nearest")
        else:
            m = float(np.abs(img).max()) or 1.0
            ax.imshow(img, cmap=cmap, vmin=-m, vmax=m, interpolation="nearest")
        ax.grid(False)
    if row_labels:
        for r, label in enumerate(row_labels[:nrows]):
            axs[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.subplots_adjust(wspace=0.05, hspace=0.05, left=0.12 if row_labels else 0.01, right=0.99)
    if title:
        fig.suptitle(title)
    return fig
