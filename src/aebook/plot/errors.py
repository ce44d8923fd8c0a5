"""Error rates with confidence intervals, ours beside a paper's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from aebook.plot.style import axes


def interval_plot(
    categories: Sequence[str],
    series: Mapping[str, Sequence[tuple[float, float] | None]],
    *,
    xlabel: str = "test error (%)",
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    ax=None,
):
    """Dot-and-whisker chart: for each category (a row) and series, a value and its half-width.

    ``series`` maps a label to one ``(value, half_width)`` per category, or None where that
    series has no value (it is then left out). ``styles`` and ``colors`` give a series its
    marker and colour (by default circles in the book's colour cycle). Returns the figure.
    """
    if not series:
        raise ValueError("series is empty")
    for label, values in series.items():
        if len(values) != len(categories):
            raise ValueError(
                f"series {label!r} has {len(values)} values for {len(categories)} categories"
            )
    fig, ax = axes(ax, figsize=(6.0, 0.5 * len(categories) + 1.2))
    k = len(series)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 1))
    for i, (label, values) in enumerate(series.items()):
        ys, xs, hw = [], [], []
        for j, v in enumerate(values):
            if v is not None:
                ys.append(j + offsets[i])
                xs.append(v[0])
                hw.append(v[1])
        fmt = (styles or {}).get(label, "o")
        color = (colors or {}).get(label, f"C{i}")
        ax.errorbar(xs, ys, xerr=hw, fmt=fmt, color=color, capsize=3, ms=5, label=label)
    ax.set_yticks(range(len(categories)), categories)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return fig
