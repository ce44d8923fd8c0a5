"""Codes in a two-dimensional latent space, drawn against the standard normal prior (VAE, WAE, AAE)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Ellipse


def _np(a):
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)


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
    lab = _np(labels) if labels is not None else None
    cmap = plt.get_cmap("tab10")
    for ax, name in zip(axs[0], names, strict=True):
        pts = _np(panels[name])
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"codes of {name!r} must have shape (n, 2); got {pts.shape}")
        colors = cmap(lab % 10) if lab is not None else "C0"
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=colors, alpha=0.6, linewidths=0)
        for r in (1, 2, 3):
            ax.add_patch(plt.Circle((0, 0), r, fill=False, ls="--", lw=1.0, color="0.2"))
        if stds is not None and name in stds:
            sd = _np(stds[name])
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
