"""Bars: grouped bar charts of values, and histograms of scores or of an estimator's samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch

from aebook.plot.style import as_array, axes


def bar_chart(
    values: Mapping[str, Sequence[float]],
    categories: Sequence[str],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    ax=None,
):
    """Grouped bars: one group per category, one bar per entry of ``values`` (a method)."""
    for name, v in values.items():
        if len(v) != len(categories):
            raise ValueError(
                f"values[{name!r}] has {len(v)} entries but there are {len(categories)} categories"
            )
    fig_width = min(10.0, max(5.0, 0.28 * len(categories) * max(1, len(values)) + 1.5))
    fig, ax = axes(ax, figsize=(fig_width, 3.5))
    bar = 0.8 / max(1, len(values))
    x = np.arange(len(categories))
    for k, (name, v) in enumerate(values.items()):
        ax.bar(x + (k - (len(values) - 1) / 2) * bar, as_array(v), bar, label=name)
    ax.set_xticks(x, [str(c) for c in categories])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if len(values) > 1:  # below the axes, where it cannot hide a bar
        ax.legend(
            fontsize=8, ncols=min(len(values), 4), loc="upper center", bbox_to_anchor=(0.5, -0.2)
        )
    return fig


def score_histograms(
    scores: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    title: str | None = None,
    bins: int = 60,
    logx: bool = False,
    ax=None,
):
    """Overlaid normalised histograms of several groups of scores (e.g. normal vs. anomalous)."""
    arrays = {k: as_array(v).astype(float) for k, v in scores.items()}
    everything = np.concatenate(list(arrays.values()))
    if logx:
        if (everything <= 0).any():
            raise ValueError("logx needs positive scores")
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig, ax = axes(ax)
    for name, v in arrays.items():
        ax.hist(v, bins=edges, density=True, alpha=0.55, label=f"{name} ({len(v)})")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def estimate_histograms(
    samples: Mapping[str, object],
    *,
    xlabel: str,
    title: str | None = None,
    bins: int = 80,
    coverage: float = 0.99,
    ax=None,
):
    """Overlaid histograms (as densities) of several estimators' samples of one quantity, on
    shared bins spanning the central ``coverage`` of all samples together (samples outside are
    left out of the bars, not of the standard deviations in the legend)."""
    arrays = {
        k: np.asarray(torch.as_tensor(v).detach().cpu(), dtype=float) for k, v in samples.items()
    }
    pooled = np.concatenate(list(arrays.values()))
    tail = (1 - coverage) / 2
    lo, hi = np.quantile(pooled, [tail, 1 - tail])
    edges = np.linspace(lo, hi, bins + 1)
    fig, ax = axes(ax, figsize=(5.2, 3.4))
    for i, (label, a) in enumerate(arrays.items()):
        ax.hist(
            a,
            bins=edges,
            density=True,
            histtype="stepfilled",
            alpha=0.45,
            color=f"C{i % 8}",
            label=f"{label} (sd {a.std():.3g})",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fig
