"""Figures of a latent space: decoded manifolds, codes coloured by label, codes against the
standard normal prior (VAE, WAE, AAE), and a VAE's lower bound against training examples."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Ellipse
from matplotlib.ticker import NullFormatter
from scipy.stats import norm

from aebook.plot.scatter import scatter_2d
from aebook.plot.style import as_array, axes


def manifold_codes(n: int = 20, margin: float = 0.05) -> torch.Tensor:
    """An n x n grid of 2-D codes: evenly spaced points of (margin, 1 − margin)² mapped through
    the inverse CDF of N(0, 1), so that each cell holds the same prior mass. Row-major, the
    first coordinate along the columns and the second growing from bottom to top."""
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    if not 0 < margin < 0.5:
        raise ValueError(f"margin must be in (0, 0.5), got {margin}")
    q = norm.ppf(np.linspace(margin, 1 - margin, n))
    z1, z2 = np.meshgrid(q, q[::-1])  # top row: the largest second coordinate
    return torch.tensor(np.stack([z1.ravel(), z2.ravel()], 1), dtype=torch.float32)


@torch.no_grad()
def manifold_grid(
    decode: Callable[[torch.Tensor], torch.Tensor],
    image_shape: tuple[int, int],
    *,
    n: int = 20,
    margin: float = 0.05,
    title: str | None = None,
    scale: float = 0.4,
    device=None,
):
    """The learned 2-D manifold: the decoder's mean at each code of :func:`manifold_codes`,
    tiled into one image (Kingma & Welling 2013, figure 4). ``decode`` maps ``(m, 2)`` codes to
    ``(m, h*w)`` images in [0, 1]; the codes are moved to ``device`` (by default, the device of
    the model when ``decode`` is a model's method)."""
    h, w = image_shape
    z = manifold_codes(n, margin)
    if device is None and isinstance(getattr(decode, "__self__", None), torch.nn.Module):
        device = next(decode.__self__.parameters()).device  # a model's method: its device
    images = decode(z if device is None else z.to(device)).detach().cpu().numpy()
    if images.shape != (n * n, h * w):
        raise ValueError(f"decode returned shape {images.shape}, expected ({n * n}, {h * w})")
    mosaic = images.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig, ax = plt.subplots(figsize=(scale * n * w / max(h, w) + 0.8, scale * n * h / max(h, w)))
    half = (1 - 2 * margin) / (n - 1) / 2  # the axes are in prior quantiles Φ(z), linear here
    lo, hi = margin - half, 1 - margin + half
    ax.imshow(mosaic, cmap="gray", vmin=0, vmax=1, extent=(lo, hi, lo, hi), aspect="auto")
    ax.set_xlabel("Φ(z₁): prior quantile of z₁")
    ax.set_ylabel("Φ(z₂): prior quantile of z₂")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return fig


@torch.no_grad()
def latent_scatter(model, x: torch.Tensor, labels, *, title: str | None = None, size=4):
    """The posterior means of ``x`` under a model with a 2-D latent space, coloured by label."""
    was_training = model.training
    model.eval()
    codes = torch.cat([model.encode(x[i : i + 2000]) for i in range(0, len(x), 2000)])
    model.train(was_training)
    if codes.shape[1] != 2:
        raise ValueError(f"the model's latent space has {codes.shape[1]} dimensions, not 2")
    return scatter_2d(
        codes.cpu(),
        color=torch.as_tensor(labels).cpu(),
        labels_legend=True,
        xlabel="z₁ (posterior mean)",
        ylabel="z₂ (posterior mean)",
        title=title,
        size=size,
    )


def lower_bound_curves(
    runs: Mapping[str, object],
    *,
    metric: str = "elbo",
    title: str | None = None,
    paper: Mapping[str, float] | None = None,
    paper_at: float = 1e8,
    xlim: tuple[float, float] | None = None,
    ax=None,
):
    """Figure 2 of Kingma & Welling: the lower bound per example against training examples seen.
    ``xlim=(1e5, 1e8)`` draws the paper's axis, so a curve that stopped early shows how far it got.

    ``runs`` maps a label (e.g. ``"N_z = 20"``) to an :class:`aebook.train.History` whose
    ``train[metric]`` and ``valid[metric]`` are the bound on training and test data (the
    ``valid`` data passed to ``fit`` is the test set here). Solid: train; dashed: test.
    ``paper`` maps the same labels to the paper's test bound, drawn as a star in the run's
    colour at ``paper_at`` training examples (the end of the paper's curves). A run's colour is
    its label's place in ``paper``, then in ``runs``: a figure of the runs that finished colours
    each as the figure of all of them does.
    """
    fig, ax = axes(ax, figsize=(5.2, 3.8))
    paper = paper or {}
    order = [*paper, *(label for label in runs if label not in paper)]
    for label, h in runs.items():
        xs = np.asarray(h.samples_seen)
        color = f"C{order.index(label) % 8}"
        ax.plot(xs, h.train[metric], "-", color=color, label=f"{label}")
        if metric in h.valid:
            ax.plot(xs, h.valid[metric], "--", color=color, lw=1.2)
        if label in paper:
            ax.plot([paper_at], [paper[label]], "*", color=color, ms=9, mec="k", mew=0.5)
    ax.plot([], [], "-", color="0.4", label="train")
    ax.plot([], [], "--", color="0.4", label="test")
    if paper:
        ax.plot([], [], "*", color="0.4", ms=9, mec="k", mew=0.5, label="paper, test")
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())  # short runs span less than a decade
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_xlabel("training examples seen")
    ax.set_ylabel("lower bound (nats per example)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, ncols=2)
    return fig


def codes_against_prior(
    panels: Mapping[str, object],
    *,
    labels=None,
    stds: Mapping[str, object] | None = None,
    n_ellipses: int = 40,
    limit: float = 4.0,
    title: str | None = None,
    size: float = 3,
):
    """One panel per entry of ``panels`` (name → codes ``(n, 2)``), coloured by ``labels`` (an
    integer class per point), over the circles where the N(0, I) prior's density falls to
    1, 2 and 3 standard deviations.

    ``stds`` (name → posterior standard deviations ``(n, 2)``) adds the 1-σ ellipses of the first
    ``n_ellipses`` posteriors of that panel (a VAE's q(z|x)).
    """
    names = list(panels)
    if not names:
        raise ValueError("panels is empty")
    fig, axs = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.6), squeeze=False)
    lab = as_array(labels) if labels is not None else None
    cmap = plt.get_cmap("tab10")
    for ax, name in zip(axs[0], names, strict=True):
        pts = as_array(panels[name])
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"codes of {name!r} must have shape (n, 2); got {pts.shape}")
        colors = cmap(lab % 10) if lab is not None else "C0"
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=colors, alpha=0.6, linewidths=0)
        for r in (1, 2, 3):
            ax.add_patch(plt.Circle((0, 0), r, fill=False, ls="--", lw=1.0, color="0.2"))
        if stds is not None and name in stds:
            sd = as_array(stds[name])
            for (cx, cy), (sx, sy) in zip(pts[:n_ellipses], sd[:n_ellipses], strict=True):
                ax.add_patch(
                    Ellipse((cx, cy), 2 * sx, 2 * sy, fill=False, lw=0.8, color="0.3", alpha=0.8)
                )
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_title(name)
        ax.set_xlabel("$z_1$")
        ax.set_ylabel("$z_2$")
    if lab is not None:
        handles = [
            plt.Line2D([], [], ls="", marker="o", color=cmap(k % 10), label=str(k))
            for k in np.unique(lab)
        ]
        fig.legend(handles=handles, title="label", loc="outside right center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
