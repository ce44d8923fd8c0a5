"""One look for every figure of the book: sizes, fonts and colours set in one place."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

#: Colour cycle (Okabe-Ito, readable for colour-blind readers and in dark mode).
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

RC = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "legend.frameon": False,
    "image.cmap": "gray",
}


def apply() -> None:
    """Apply the book's matplotlib style (done on ``import aebook.plot``)."""
    mpl.rcParams.update(RC)


def axes(ax=None, *, figsize=(5.0, 3.5)):
    """Return ``(fig, ax)``: the given axes and its figure, or a new single-axes figure."""
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def as_array(values) -> np.ndarray:
    """``values`` (a tensor on any device, an array or a sequence) as a NumPy array."""
    return values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
