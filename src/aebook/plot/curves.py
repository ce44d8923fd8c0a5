"""Line plots: learning curves and any named series against a shared x axis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.ticker import MaxNLocator

from aebook.plot.style import axes


def line_plot(
    x: Sequence[float] | np.ndarray,
    series: Mapping[str, Sequence[float] | np.ndarray],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    logx: bool = False,
    logy: bool = False,
    ax=None,
    styles: Mapping[str, str] | None = None,
):
    """One line per entry of ``series`` against ``x``, with a legend; returns the figure."""
    fig, ax = axes(ax)
    for label, y in series.items():
        ax.plot(x, y, (styles or {}).get(label, "-"), label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    return fig


def learning_curves(
    histories: Mapping[str, object],
    *,
    metric: str = "loss",
    x: str = "epoch",
    ylabel: str | None = None,
    title: str | None = None,
    valid: bool = True,
    logx: bool = False,
    ax=None,
):
    """Training (solid) and validation (dashed) ``metric`` of several runs.

    ``histories`` maps a run's label to its :class:`aebook.train.History`; ``x`` is ``"epoch"`` or
    ``"samples_seen"``.
    """
    if x not in ("epoch", "samples_seen"):
        raise ValueError(f"x must be one of epoch, samples_seen; got {x!r}")
    fig, ax = axes(ax)
    for i, (label, h) in enumerate(histories.items()):
        xs = np.arange(1, h.epochs + 1) if x == "epoch" else np.asarray(h.samples_seen)
        color = f"C{i}"
        ax.plot(xs, h.train[metric], "-", color=color, label=f"{label} (train)")
        if valid and metric in h.valid:
            ax.plot(xs, h.valid[metric], "--", color=color, label=f"{label} (validation)")
    ax.set_xlabel("epoch" if x == "epoch" else "training examples seen")
    ax.set_ylabel(ylabel or metric)
    if x == "epoch" and not logx:  # no ticks between whole epochs
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logx:
        ax.set_xscale("log")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def reference_line(
    fig, value: float, label: str, *, axis: str = "y", color: str = "0.3", style=":"
):
    """Add a labelled horizontal (``axis="y"``) or vertical (``"x"``) line to ``fig``'s first axes.

    Returns nothing, so a notebook cell that ends with it prints no matplotlib object.
    """
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be one of x, y; got {axis!r}")
    ax = fig.axes[0]
    draw = ax.axhline if axis == "y" else ax.axvline
    draw(value, color=color, ls=style, lw=1.2, label=label)
    ax.legend(fontsize=8)
