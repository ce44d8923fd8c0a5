"""Learned filters: blocks of first-layer weights seen as images, one block per model."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from aebook.plot.style import as_array


def filter_panels(
    filters: Mapping[str, object],
    *,
    image_shape: tuple[int, int],
    ncols: int = 8,
    title: str | None = None,
    scale: float = 0.32,
):
    """Blocks of filters side by side, one block per entry of ``filters`` (label -> ``(n, d)``).

    Each filter is drawn on its own symmetric grey scale (0 is mid-grey, the sign of a weight is
    light or dark), since only its shape matters. Blocks are ``ncols`` filters wide. Returns the
    figure.
    """
    if not filters:
        raise ValueError("filters is empty")
    arrays = {}
    for label, f in filters.items():
        arr = as_array(f)
        if arr.ndim != 2 or arr.shape[1] != image_shape[0] * image_shape[1]:
            raise ValueError(
                f"filters[{label!r}] must be (n, {image_shape[0] * image_shape[1]}); "
                f"got {arr.shape}"
            )
        arrays[label] = arr.reshape(len(arr), *image_shape)
    n = max(len(a) for a in arrays.values())
    nrows = math.ceil(n / ncols)
    h, w = image_shape
    gap = 1
    fig, axs = plt.subplots(
        1,
        len(arrays),
        figsize=(len(arrays) * (scale * ncols + 0.2), scale * nrows * h / w + 0.7),
        squeeze=False,
        constrained_layout=True,
    )
    for ax, (label, arr) in zip(axs[0], arrays.items(), strict=True):
        mosaic = np.full((nrows * (h + gap) - gap, ncols * (w + gap) - gap), np.nan)
        for i, f in enumerate(arr):
            r, c = divmod(i, ncols)
            m = float(np.abs(f).max()) or 1.0
            mosaic[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = f / m
        cmap = plt.get_cmap("gray").copy()
        cmap.set_bad("white")
        ax.imshow(mosaic, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(label, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig
