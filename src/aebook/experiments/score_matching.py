"""Chapter 2 (Vincent 2011, score matching and denoising autoencoders): settings and measurements.

The paper has no experiments of its own; the chapter checks each of its identities on a computer
and measures where they lead. This module holds the settings per profile, the training of a score
network, and the time of one training step of implicit and denoising score matching
(``benchmarks/ism_vs_dsm.py`` runs the same code); the score errors are
:func:`aebook.evaluate.scores.field_errors`.

Criteria were set from runs on a 2-core CPU (smoke and standard), with margin; the measured
score-field errors, mixture weights and MNIST numbers are listed in the chapter's closing note.
The ``paper`` profile (larger networks, more samples, longer chains) has not been run: the chains
are sampled on the CPU, so its sampling section is sized to stay within minutes there.
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
from aebook.train import TrainConfig, fit


@dataclass(frozen=True, kw_only=True)
class ScoreMatchingSettings(ChapterSettings):
    # The identities (Monte Carlo checks with common random numbers).
    n_mc: int  #: samples for the ESM − ISM and ESM − DSM checks
    n_parzen: int  #: training points of the Parzen estimate q_σ in the ESM − DSM check
    mc_z: float  #: allowed difference between two θ, in standard errors of the paired difference
    # Learned score fields on 2-D data.
    field_sigmas: tuple[float, ...]  #: corruption levels σ at which a score network is trained
    n_toy: int  #: training points drawn from each 2-D density
    field_hidden: tuple[int, ...]  #: hidden layers of the score network
    field_train: TrainConfig  #: its training
    n_eval: int  #: points used to measure a score error
    min_variance_ratio: float  #: relative estimation error at the smallest σ over the largest σ
    # The cost of ISM against DSM.
    cost_dims: tuple[int, ...]  #: input dimensions timed
    cost_repeats: int  #: timed training steps per objective and dimension (median reported)
    # Sampling the mixture 0.8 N((5,5), I) + 0.2 N((−5,−5), I).
    n_samples: int  #: chains run by each sampler
    langevin_step: float  #: step α of plain Langevin
    langevin_steps: int  #: its number of steps
    ladder: tuple[float, float, int]  #: (σ_max, σ_min, levels) of the geometric ladder
    annealed_step: float  #: ε of annealed Langevin: the step at level i is ε σᵢ² / σ_L²
    steps_per_level: int  #: Langevin steps at each level
    ncsn_hidden: tuple[int, ...]  #: hidden layers of the noise-conditional score network
    n_ncsn: int  #: training points for it
    ncsn_train: TrainConfig  #: its training
    weight_tol: float  #: allowed abs(weight − 0.8) for annealed Langevin with exact scores
    learned_weight_tol: float  #: the same with the learned noise-conditional network
    plain_tol: float  #: allowed abs(weight − start split) for plain Langevin
    # The DAE energy model on MNIST.
    mnist_train: int  #: training images
    mnist_test: int  #: test images used for the measurements
    mnist_hidden: int  #: hidden units of the tied DAE
    mnist_sigma: float  #: corruption level σ (pixels in [0, 1])
    mnist_fit: TrainConfig  #: training of the DAE
    sgd_steps: int  #: SGD steps of the "DAE training is DSM training" check
    min_cosine: float  #: mean cosine between r(x̃) − x̃ and x − x̃ must reach this
    min_energy_ranking: float  #: fraction of test digits with E(x) < E(x̃) must reach this


_FIELD = dict(batch_size=256, lr=3e-3, optimizer="adam", lr_schedule="cosine")
_NCSN = dict(batch_size=256, lr=2e-3, optimizer="adam", lr_schedule="cosine")
_MNIST = dict(batch_size=100, lr=3e-3, optimizer="adam")

_STANDARD = ScoreMatchingSettings(
    n_mc=200_000,
    n_parzen=1_000,
    mc_z=4.0,
    field_sigmas=(0.05, 0.1, 0.3, 1.0, 2.0),
    n_toy=20_000,
    field_hidden=(128, 128),
    field_train=TrainConfig(epochs=30, **_FIELD),
    n_eval=10_000,
    min_variance_ratio=20.0,
    cost_dims=(2, 8, 32, 128, 256),
    cost_repeats=10,
    n_samples=10_000,
    langevin_step=0.1,
    langevin_steps=1_000,
    ladder=(20.0, 0.5, 10),
    annealed_step=0.05,
    steps_per_level=200,
    ncsn_hidden=(128, 128),
    n_ncsn=50_000,
    ncsn_train=TrainConfig(epochs=30, **_NCSN),
    weight_tol=0.02,
    learned_weight_tol=0.04,
    plain_tol=0.12,
    mnist_train=50_000,
    mnist_test=10_000,
    mnist_hidden=512,
    mnist_sigma=0.3,
    mnist_fit=TrainConfig(epochs=10, **_MNIST),
    sgd_steps=200,
    min_cosine=0.85,
    min_energy_ranking=0.99,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_mc=20_000,
        n_parzen=200,
        field_sigmas=(0.05, 0.3, 2.0),
        n_toy=10_000,
        field_train=TrainConfig(epochs=6, batch_size=128, lr=1e-2, lr_schedule="cosine"),
        n_eval=4_000,
        min_variance_ratio=5.0,
        cost_dims=(2, 8, 32, 128),
        cost_repeats=4,
        n_samples=2_000,
        langevin_steps=500,
        steps_per_level=100,
        n_ncsn=20_000,
        ncsn_train=TrainConfig(epochs=12, **_NCSN),
        weight_tol=0.05,
        learned_weight_tol=0.08,
        plain_tol=0.15,
        mnist_train=10_000,
        mnist_test=2_000,
        mnist_hidden=256,
        mnist_fit=TrainConfig(epochs=2, **_MNIST),
        sgd_steps=50,
        min_cosine=0.6,
        min_energy_ranking=0.95,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        n_mc=1_000_000,
        n_parzen=2_000,
        field_sigmas=(0.02, 0.05, 0.1, 0.3, 1.0, 2.0),
        n_toy=100_000,
        field_hidden=(256, 256),
        field_train=TrainConfig(epochs=100, **_FIELD),
        n_eval=50_000,
        cost_dims=(2, 8, 32, 128, 256, 512),
        cost_repeats=20,
        n_samples=20_000,
        langevin_steps=3_000,
        ladder=(20.0, 0.5, 20),
        steps_per_level=300,
        ncsn_hidden=(256, 256),
        n_ncsn=200_000,
        ncsn_train=TrainConfig(epochs=60, **_NCSN),
        weight_tol=0.01,
        learned_weight_tol=0.02,
        mnist_hidden=1000,
        mnist_fit=TrainConfig(epochs=50, **_MNIST),
        sgd_steps=500,
        min_cosine=0.9,
    ),
}


def train_score_net(
    data: Tensor,
    sigma: float,
    hidden: Sequence[int],
    config: TrainConfig,
    *,
    scale: float = 1.0,
    device: torch.device | str | None = None,
) -> ScoreNet:
    """A :class:`~aebook.models.score_net.ScoreNet` (tanh units) fitted by denoising score matching
    at level ``sigma``,
    returned on the CPU in eval mode."""
    torch.manual_seed(config.seed)
    model = ScoreNet(data.shape[1], hidden, activation="tanh", sigma=sigma, scale=scale)
    fit(model, data, config, device=device)
    return model.cpu().eval()


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
