"""Figures of the benchmarks in ``benchmarks/``, drawn from the JSON they write to ``results/``."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from aebook.plot.curves import line_plot


def scaling_benchmark(payload: dict):
    """Epoch time against dataset size (``fit``) and against hidden width (``fit`` and DataLoader).

    ``payload`` is what ``benchmarks/scaling.py`` writes. Both axes are logarithmic, so a cost
    linear in n or h is a line of slope 1; a dotted line of slope 1 through the largest point of
    each sweep shows where the measurement departs from it.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    sizes = [r["n"] for r in payload["by_size"]]
    fit_by_size = [r["fit_s"] for r in payload["by_size"]]
    line_plot(
        sizes,
        {"fit": fit_by_size, "linear (slope 1)": [fit_by_size[-1] * n / sizes[-1] for n in sizes]},
        xlabel="training images n",
        ylabel="seconds per epoch",
        title=f"Dataset size (h = 400): slope {payload['size_slope']:.2f}",
        logx=True,
        logy=True,
        ax=left,
        styles={"fit": "o-", "linear (slope 1)": ":"},
    )
    widths = [r["h"] for r in payload["by_width"]]
    fit_by_width = [r["fit_s"] for r in payload["by_width"]]
    line_plot(
        widths,
        {
            "fit": fit_by_width,
            "DataLoader pipeline": [r["dataloader_s"] for r in payload["by_width"]],
            "linear (slope 1)": [fit_by_width[-1] * h / widths[-1] for h in widths],
        },
        xlabel="hidden units h (VAE 784-h-20)",
        ylabel="seconds per epoch",
        title=f"Hidden width (n = {payload['n_width']:,}): slope {payload['width_slope']:.2f}",
        logx=True,
        logy=True,
        ax=right,
        styles={"fit": "o-", "DataLoader pipeline": "s-", "linear (slope 1)": ":"},
    )
    for ax, ticks in ((left, sizes), (right, widths)):  # label the measured points, nothing else
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticks(ticks, [f"{t:,}" for t in ticks])
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    return fig
