"""Several quantities of the same runs, one panel each over a shared x axis.

Pages import it from this module rather than from ``aebook.plot``: adding a name to that
package's exports edits ``aebook/plot/__init__.py``, which every recorded page imports, and so
would mark every record as made by older code (:mod:`aebook.results.freshness`). Importing
this module imports that package first, so its figures have the book's style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def curve_panels(
    curves: Mapping[str, Mapping[str, Sequence[float]]],
    panels: Mapping[str, str],
    *,
    x: str,
    xlabel: str,
    title: str | None = None,
):
    """Several quantities of the same runs, one panel each, stacked over a shared x axis, so a
    reader can see one fall while another rises. ``curves`` maps a run's label to its values by
    key; ``panels`` maps each key to plot (``x``'s values excepted) to its panel's y label. A
    run keeps its colour in every panel; returns the figure."""
    missing = {k for c in curves.values() for k in (x, *panels) if k not in c}
    if missing:
        raise ValueError(
            f"every curve needs the keys {x!r}, {', '.join(panels)}; missing {missing}"
        )
    fig, axs = plt.subplots(len(panels), 1, sharex=True, figsize=(5.0, 2.4 * len(panels) + 0.4))
    axs = np.atleast_1d(axs)
    for ax, (key, ylabel) in zip(axs, panels.items(), strict=True):
        for i, (label, c) in enumerate(curves.items()):
            ax.plot(c[x], c[key], "o-", color=f"C{i}", ms=3, label=label)
        ax.set_ylabel(ylabel)
    axs[-1].set_xlabel(xlabel)
    if title:
        axs[0].set_title(title)
    if len(curves) > 1:
        axs[0].legend(fontsize=8)
    return fig
