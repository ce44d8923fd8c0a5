"""The score-matching page (Vincent 2011, the chain from score matching to denoising autoencoders).

The paper has no experiments of its own; the chapter checks each of its identities on a computer,
times what denoising removes, and trains the paper's energy model on MNIST. This module holds the
settings per profile and the time of one training step of implicit and denoising score matching
(``benchmarks/ism_vs_dsm.py`` runs the same code). Learned score fields and sampling are the next
page's, :mod:`aebook.experiments.learned_scores`.

The identities' tolerances are numerical (rounding error, or ``mc_z`` standard errors of a
Monte Carlo difference). The two MNIST findings are judged by the values their statements name,
written where the page builds its claims: a mean cosine above 0, and a share of clean digits with
the lower energy above one half. The measured MNIST numbers are listed in the chapter's closing
note. The ``paper`` profile (more samples, a larger autoencoder trained longer) has not been run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import torch
from torch import Tensor

from aebook.devices import hardware
from aebook.models.score_net import ScoreNet
from aebook.profiles import ChapterSettings
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class ScoreMatchingSettings(ChapterSettings):
    # The identities (Monte Carlo checks with common random numbers).
    n_mc: int  #: samples for the ESM − ISM and ESM − DSM checks
    n_parzen: int  #: training points of the Parzen estimate q_σ in the ESM − DSM check
    mc_z: float  #: allowed difference between two θ, in standard errors of the paired difference
    # The cost of ISM against DSM.
    cost_dims: tuple[int, ...]  #: input dimensions timed
    cost_repeats: int  #: timed training steps per objective and dimension (median reported)
    # The DAE energy model on MNIST.
    mnist_train: int  #: training images
    mnist_test: int  #: test images used for the measurements
    mnist_hidden: int  #: hidden units of the tied DAE
    mnist_sigma: float  #: corruption level σ (pixels in [0, 1])
    mnist_fit: TrainConfig  #: training of the DAE
    sgd_steps: int  #: SGD steps of the "DAE training is DSM training" check


_MNIST = dict(batch_size=100, lr=3e-3, optimizer="adam")

_STANDARD = ScoreMatchingSettings(
    n_mc=200_000,
    n_parzen=1_000,
    mc_z=4.0,
    cost_dims=(2, 8, 32, 128, 256),
    cost_repeats=10,
    mnist_train=50_000,
    mnist_test=10_000,
    mnist_hidden=512,
    mnist_sigma=0.3,
    mnist_fit=TrainConfig(epochs=10, **_MNIST),
    sgd_steps=200,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_mc=20_000,
        n_parzen=200,
        cost_dims=(2, 8, 32, 128),
        cost_repeats=4,
        mnist_train=10_000,
        mnist_test=2_000,
        mnist_hidden=256,
        mnist_fit=TrainConfig(epochs=2, **_MNIST),
        sgd_steps=50,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        n_mc=1_000_000,
        n_parzen=2_000,
        cost_dims=(2, 8, 32, 128, 256, 512),
        cost_repeats=20,
        mnist_hidden=1000,
        mnist_fit=TrainConfig(epochs=50, **_MNIST),
        sgd_steps=500,
    ),
}


# ---- The cost of implicit against denoising score matching -----------------------------------


def _median_step_seconds(model: ScoreNet, x: Tensor, repeats: int, warmup: int) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    for i in range(warmup + repeats):
        began = time.perf_counter()
        optimizer.zero_grad()
        model.loss(x)["loss"].backward()
        optimizer.step()
        if i >= warmup:
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def training_step_costs(
    dims: Sequence[int],
    *,
    hidden: Sequence[int] = (128, 128),
    batch_size: int = 128,
    repeats: int = 10,
    warmup: int = 2,
    traces: Sequence[str] = ("jacrev",),
    sigma: float = 0.1,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, float]]:
    """Median wall-clock seconds of one Adam step of a :class:`~aebook.models.score_net.ScoreNet`
    on a batch of Gaussian
    inputs, for DSM and for ISM (one entry per trace method), at each input dimension.

    Returns one row per dimension: ``{"dim", "dsm_s", "ism_<trace>_s", ..., "ratio"}`` where
    ``ratio`` is the fastest ISM time over the DSM time.
    """
    rows = []
    for d in dims:
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(batch_size, d, generator=g)
        torch.manual_seed(seed)
        dsm = ScoreNet(d, hidden, activation="tanh", objective="dsm", sigma=sigma)
        row = {"dim": d, "dsm_s": _median_step_seconds(dsm, x, repeats, warmup)}
        for trace in traces:
            torch.manual_seed(seed)
            ism = ScoreNet(d, hidden, activation="tanh", objective="ism", trace=trace)
            row[f"ism_{trace}_s"] = _median_step_seconds(ism, x, repeats, warmup)
        row["ratio"] = min(row[f"ism_{t}_s"] for t in traces) / row["dsm_s"]
        rows.append(row)
        if progress is not None:
            progress(f"d = {d}: ratio {row['ratio']:.1f}")
    return rows


def cost_table_markdown(rows: Sequence[dict[str, float]]) -> str:
    """The rows of :func:`training_step_costs` as a Markdown table, times in milliseconds."""
    ism_keys = [k for k in rows[0] if k.startswith("ism_")]
    names = [f"ISM, trace by {k[4:-2]} (ms)" for k in ism_keys]
    head = "| d | DSM (ms) | " + " | ".join(names) + " | ISM / DSM |"
    sep = "|---" * (3 + len(ism_keys)) + "|"
    lines = [head, sep]
    for r in rows:
        cells = [f"{1e3 * r[k]:.2f}" for k in ism_keys]
        lines.append(
            f"| {r['dim']} | {1e3 * r['dsm_s']:.2f} | "
            + " | ".join(cells)
            + f" | {r['ratio']:.1f} |"
        )
    return "\n".join(lines)


def machine_description() -> str:
    """Which machine measured a time: :func:`aebook.devices.hardware` and torch's threads."""
    return f"{hardware()}, torch {torch.__version__} using {torch.get_num_threads()} thread(s)"
