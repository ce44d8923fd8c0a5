"""Chapter 3, second page: the marginal likelihood of a VAE by importance sampling.

Two one-stochastic-layer VAEs with 50 latent dimensions are trained on MNIST, one with dynamic
binarization and one on Larochelle & Murray's fixed binarization, and their test log-likelihood is
estimated with k importance samples. The reference numbers, and how they are judged, are in the
ledger (:mod:`aebook.results.papers`): Burda et al. (2015) Table 1 (−86.76 nats, dynamic) and the
fixed-binarization value the book quotes (−88.71, unverified). ``paper`` is the recipe of the
authors' released code (yburda/iwae) as far as :func:`aebook.train.fit` can follow it;
:data:`PAPER_DEPARTURES` lists where it cannot. Its two trainings of 3,280 epochs are jobs of
:mod:`aebook.runner` (:func:`paper_jobs`), run ahead of the page. ``standard`` trains a wider
single-hidden-layer network for 20 epochs; ``smoke`` only runs the code.

The guards (``min_dynamic_ll``, ``min_static_ll``) are fixed by theory, as on the manifolds page
(:mod:`aebook.experiments.vae_manifolds`): a VAE whose decoder ignored its code would be a model
without latents, and the best such model (independent pixels at the training images' mean grey
levels) scores −205.8 to −206.4 nats on these test sets, so a trained VAE must beat −207.
``smoke`` only has to beat 784 ln ½ = −543.4, every pixel a coin flip.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import torch

from aebook.cost import seconds_per_step
from aebook.models import VAE, VAERecipe
from aebook.profiles import ChapterSettings, select
from aebook.results.records import write_json
from aebook.train import History, default_device, fit


@dataclass(frozen=True, kw_only=True)
class LikelihoodSettings(ChapterSettings):
    recipe: VAERecipe  #: architecture and optimiser of both VAEs
    latent_size: int  #: N_z
    lr_schedule: str  #: "constant", "cosine" or "burda-stages"
    dynamic_n_train: int  #: MNIST training images (dynamic binarization)
    dynamic_epochs: int
    static_n_train: int  #: fixed-binarization training images (of 50,000)
    static_epochs: int
    early_stopping: int | None  #: patience (epochs) on the validation bound, static model
    n_test: int  #: test images the log-likelihood is estimated on
    k: int  #: importance samples per test image (paper: 5,000)
    k_curve: tuple[int, ...]  #: numbers of samples for the estimate-against-k figure
    k_curve_n_test: int  #: test images for that figure
    linear_k: int  #: importance samples in the linear-Gaussian check
    linear_tolerance: float  #: allowed error of that check (nats)
    min_dynamic_ll: float  #: guard on the dynamic model's test log p(x), fixed by theory (module)
    min_static_ll: float  #: the same for the static model


#: Where ``paper`` still departs from Burda et al.'s released code (experiments.py, optimizers.py,
#: datasets.py of yburda/iwae), shown on the page.
PAPER_DEPARTURES = (
    "initialisation: PyTorch's default; the code draws its own and sets the output biases from "
    "the data",
    "the fixed-binarization model: trained like the dynamic one; the code trains it on the 50,000 "
    "training images without a validation stop, as here, but the −88.71 it is compared with is "
    "unverified",
)


_STANDARD = LikelihoodSettings(
    recipe=VAERecipe((500,), "relu", "adam", 1e-3),
    latent_size=50,
    lr_schedule="cosine",
    dynamic_n_train=60_000,
    dynamic_epochs=20,
    static_n_train=50_000,
    static_epochs=20,
    early_stopping=3,
    n_test=2_000,
    k=1_000,
    k_curve=(1, 10, 100, 1_000),
    k_curve_n_test=500,
    linear_k=5_000,
    linear_tolerance=0.05,
    min_dynamic_ll=-207.0,  # the best model without latents: -205.8 to -206.4 on these tests
    min_static_ll=-207.0,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        recipe=VAERecipe((200,), "relu", "adam", 1e-3),
        lr_schedule="constant",
        dynamic_n_train=3_000,
        dynamic_epochs=2,
        static_n_train=3_000,
        static_epochs=2,
        early_stopping=None,
        n_test=200,
        k=100,
        k_curve=(1, 10, 100),
        k_curve_n_test=100,
        min_dynamic_ll=-543.4,  # 784 ln 1/2: every pixel guessed with probability 1/2
        min_static_ll=-543.4,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        # the code's Adam (aebook.optimizers.BurdaAdam) and its eight stages of 3^i epochs
        recipe=VAERecipe((200, 200), "tanh", "adam-burda", 1e-3, batch_size=20),
        lr_schedule="burda-stages",
        dynamic_n_train=59_600,  # the code keeps 400 of the 60,000 for validation
        dynamic_epochs=3_280,
        static_epochs=3_280,
        early_stopping=None,
        n_test=10_000,
        k=5_000,
        k_curve=(1, 10, 100, 1_000, 5_000),
        k_curve_n_test=1_000,
    ),
}


# --- The paper profile: Burda et al.'s two reference VAEs, as jobs of aebook.runner -------------

BINARIZATIONS = ("dynamic", "static")

#: The finished job's training history (``History.as_dict()``), kept beside its model.
HISTORY = "history.json"


class Regime(NamedTuple):
    """What the two reference VAEs' trainings differ in besides their data."""

    n_train: int  #: training images
    epochs: int
    transform: Callable | None  #: applied to every minibatch (dynamic: binarize it afresh)


def regime(binarization: str, cfg: LikelihoodSettings) -> Regime:
    """The one place that tells the two models apart; an unknown name fails here, before work."""
    from aebook.data import binarize

    if binarization == "dynamic":
        return Regime(cfg.dynamic_n_train, cfg.dynamic_epochs, binarize)
    if binarization == "static":
        return Regime(cfg.static_n_train, cfg.static_epochs, None)
    raise ValueError(
        f"binarization must be one of {', '.join(BINARIZATIONS)}; got {binarization!r}"
    )


def likelihood_data(binarization: str, cfg: LikelihoodSettings):
    """``(train, test, transform)``: the first ``dynamic_n_train`` MNIST training images binarized
    afresh each minibatch and the test images binarized once (seed 1), or Larochelle & Murray's
    fixed binarization; the first ``n_test`` rows of a fixed permutation (seed 0) of the test set."""
    from aebook.data import binarize, load_binarized_mnist, load_mnist

    n_train, _, transform = regime(binarization, cfg)
    rows = torch.randperm(10_000, generator=torch.Generator().manual_seed(0))[: cfg.n_test]
    if binarization == "dynamic":
        mnist = load_mnist(n_valid=0)
        test = binarize(mnist.test.x[rows], torch.Generator().manual_seed(1))
        return mnist.train.x[:n_train], test, transform
    static = load_binarized_mnist()
    return static.train[:n_train], static.test[rows], transform


def likelihood_job(
    folder: Path,
    *,
    binarization: str,
    profile: str = "paper",
    deadline: float | None = None,
    checkpoint_every: float = 120.0,
) -> dict:
    """Train one reference VAE of the page in ``profile`` resumably in ``folder`` (checkpoint,
    then ``model.pt``), then estimate its test log p(x) with ``k`` importance samples per image.
    At ``deadline`` it checkpoints and returns ``{"finished": False, ...}``."""
    from aebook.evaluate import average_log_likelihood

    cfg = select(SETTINGS, profile)
    folder = Path(folder)
    train, test, transform = likelihood_data(binarization, cfg)
    device = default_device()
    epochs = regime(binarization, cfg).epochs
    torch.manual_seed(0)
    model = cfg.recipe.build(784, cfg.latent_size).to(device)
    config = cfg.recipe.train_config(epochs, len(train), lr_schedule=cfg.lr_schedule)

    def stop(epoch: int, history: History) -> bool:
        return deadline is not None and time.time() >= deadline

    history = fit(
        model, train, config, transform=transform, device=device,
        checkpoint=folder / "train.ckpt", checkpoint_every=checkpoint_every, callback=stop,
    )  # fmt: skip
    if history.epochs < epochs:
        return {"finished": False, "examples": history.samples_seen[-1]}
    torch.save(model.state_dict(), folder / "model.pt")
    estimate = average_log_likelihood(
        model.eval(), test.to(device), cfg.k, generator=torch.Generator(device).manual_seed(3)
    )
    result = {
        "summary": f"{binarization}: test log p(x) {estimate.mean:.2f} ± {estimate.sem:.2f} "
        f"nats (k = {cfg.k}, {len(test):,} images)",
        "binarization": binarization,
        "log_px": estimate.mean,
        "log_px_se": estimate.sem,
        "k": cfg.k,
        "n_test": len(test),
        "epochs": history.epochs,
        "examples": history.samples_seen[-1],
        "train_bound": history.train["elbo"][-1],
        "train_elbo": history.train["elbo"],  # the curve, for the pages' snapshots
        "train_seconds": sum(history.seconds),
    }
    write_json(folder / HISTORY, history.as_dict())
    return result


def likelihood_progress(folder: Path) -> dict:
    """How far an unfinished reference VAE trained (for ``runner --snapshot``): examples and
    epochs reached, their seconds, and the training bound of every epoch."""
    from aebook.jobs import saved_history

    history = saved_history(folder)
    if history is None:
        return {"examples": 0}
    return {
        "examples": history["samples_seen"][-1],
        "trained_examples": history["samples_seen"][-1],
        "epochs": len(history["samples_seen"]),
        "train_seconds": sum(history["seconds"]),
        "train_elbo": history["train"]["elbo"],
    }


def paper_histories(root: Path | None = None) -> dict[str, History]:
    """The training history of each job of :func:`paper_jobs` that has one, finished (kept
    beside its model) or not (its checkpoint's), for the page's curves of the budget reached."""
    import json

    from aebook.jobs import jobs_dir, saved_history

    found = {}
    for job in paper_jobs():
        folder = (root or jobs_dir()) / job.page / job.name
        kept = folder / HISTORY
        saved = json.loads(kept.read_text()) if kept.exists() else saved_history(folder)
        if saved is not None:
            found[job.name] = History.from_dict(saved)
    return found


def paper_snapshots(folder: Path | None) -> dict[str, dict]:
    """What the runner's snapshots in ``folder`` (``results/paper/jobs/vae_likelihood``) say each
    job of :func:`paper_jobs` reached (:func:`aebook.jobs.snapshots`), ``{binarization:
    snapshot}``; empty when ``folder`` is None or holds none."""
    from aebook.jobs import snapshots

    return snapshots(folder, paper_jobs())


def snapshot_histories(snapshots: dict[str, dict]) -> dict[str, History]:
    """The training bound of every epoch that each snapshot holds, as a
    :class:`~aebook.train.History` per binarization (for
    :func:`~aebook.plot.curves.learning_curves`)."""
    found = {}
    for name, snap in snapshots.items():
        curve = snap.get("train_elbo") or []
        if curve:
            n = snap["examples"] // snap["epochs"]  # training images per epoch
            found[name] = History(train={"elbo": curve}, samples_seen=[
                n * (epoch + 1) for epoch in range(len(curve))
            ])  # fmt: skip
    return found


def late_floor(histories: dict[str, History], skip: int = 10) -> float | None:
    """A nat below the lowest training bound after each run's first ``skip`` epochs: the bottom
    of an axis that shows where 3,280-epoch curves go (their first epochs lie a hundred nats
    lower); None while no run has trained past them."""
    late = [v for h in histories.values() for v in h.train["elbo"][skip - 1 :]]
    return min(late) - 1 if late else None


def snapshot_table(snapshots: dict[str, dict], estimate: dict | None = None):
    """How far each paper job has trained, from its snapshot: epochs of the recipe's, the last
    epoch's training bound, the test log p(x) once finished, hours of training, the CPU-hours
    left by ``estimate`` (``results/benchmarks/paper_estimate.json``) and machines; the title
    dates it by the latest time a snapshot speaks for, as a recorded page shows it unchanged."""
    from aebook.jobs import machine, snapshot_date
    from aebook.results import Table
    from aebook.results.performance import share_left

    cfg = select(SETTINGS, "paper")
    hours = {r["job"]: r["cpu_hours"] for r in (estimate or {}).get("rows", [])}
    costs = {job.name: hours[job.key] for job in paper_jobs() if job.key in hours}
    rows = []
    for name, snap in snapshots.items():
        budget = regime(name, cfg).epochs
        epochs = snap.get("epochs", 0)
        curve = snap.get("train_elbo") or []
        bound = snap.get("train_bound", curve[-1] if curve else None)
        finished = snap["status"] == "finished"
        machines = sorted({machine(s["provenance"]["hardware"]) for s in snap.get("sessions", [])})
        rows.append([
            name,
            snap["status"],
            f"{epochs:,} of {budget:,}",
            "—" if bound is None else f"{bound:.2f}",
            f"{snap['log_px']:.2f} ± {snap['log_px_se']:.2f}" if finished else "not yet",
            f"{snap.get('train_seconds', 0) / 3600:.1f}",
            f"{share_left(snap) * costs[name]:.1f}" if name in costs else "—",
            "; ".join(machines) or "—",
        ])  # fmt: skip
    latest = max(filter(None, map(snapshot_date, snapshots.values())), default=None)
    return Table(
        ["binarization", "state", "epochs", "last epoch's training bound", "test log p(x)",
         "hours", "CPU h left", "machines"],
        rows,
        title=f"The paper's trainings as of {latest.replace('T', ' ')} UTC" if latest else None,
        note="From the runner's snapshots in `results/paper/jobs/vae_likelihood` "
        "(`python -m aebook.runner vae_likelihood --snapshot`). Bounds and log-likelihoods are "
        "in nats per image. Hours are those of the training epochs, each job on one thread "
        "beside the other; the CPU-hours left are the estimate's (`python -m aebook.runner "
        "--estimate`, one thread) for the epochs still to train, without the final estimate of "
        "log p(x). Machines are those that logged a session (logging began on 2026-11-30). The "
        "test log p(x) is estimated only when a job has trained all its epochs.",
    )  # fmt: skip


def paper_results(
    profile: str = "paper", root: Path | None = None
) -> tuple[dict[str, tuple[VAE, dict]], dict[str, str]]:
    """The jobs of :func:`paper_jobs`, training nothing: ``(finished, unfinished)``, with
    ``{binarization: (kept model, result)}`` for each finished one and, for each other, the
    command that runs it (3,280 epochs are the runner's, run ahead of the page)."""
    from aebook.jobs import jobs_dir, load_kept, load_result

    cfg = select(SETTINGS, profile)
    found, unfinished = {}, {}
    for job in paper_jobs():
        result = load_result(job, root)
        if result is None:
            unfinished[job.name] = (
                f"python -m aebook.runner {job.key} (cost: python -m aebook.runner --estimate "
                f"{job.page})"
            )
            continue
        model = cfg.recipe.build(784, cfg.latent_size)
        found[job.name] = (load_kept((root or jobs_dir()) / job.page / job.name, model), result)
    return found, unfinished


@functools.cache
def _calibrate(binarization: str) -> float:
    """Seconds per step of the paper's reference VAE (minibatch 20) on this machine."""
    return seconds_per_step(functools.partial(_training_steps, binarization))


def _training_steps(binarization: str, steps: int):
    """The call that trains the paper's reference VAE for ``steps`` steps on random data, with
    the job's own transform (the dynamic model binarizes every minibatch afresh)."""
    cfg = select(SETTINGS, "paper")
    transform = regime(binarization, cfg).transform
    x = torch.rand(cfg.recipe.batch_size * steps, 784)
    model = cfg.recipe.build(784, cfg.latent_size)
    config = cfg.recipe.train_config(1, len(x), lr_schedule=cfg.lr_schedule)
    return functools.partial(
        fit, model, x, config, transform=transform, progress=False, device="cpu"
    )


def paper_jobs() -> list:
    """The two reference VAEs of the paper profile, dynamic binarization first."""
    from aebook.jobs import Job

    cfg = select(SETTINGS, "paper")
    h = cfg.recipe.hidden_sizes
    sizes = [784, *h, 2 * cfg.latent_size]
    macs = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    sizes = [cfg.latent_size, *reversed(h), 784]
    macs += sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    jobs = []
    for binarization in BINARIZATIONS:
        n, epochs, _ = regime(binarization, cfg)
        steps = epochs * math.ceil(n / cfg.recipe.batch_size)
        evaluation = 2.0 * macs * cfg.k * cfg.n_test  # forward passes of the estimate (at most)
        jobs.append(
            Job(
                page="vae_likelihood",
                name=binarization,
                run=likelihood_job,
                kwargs={"binarization": binarization},
                flops=6.0 * macs * epochs * n + evaluation,
                steps=steps,
                calibrate=functools.partial(_calibrate, binarization),
                progress=likelihood_progress,
                target=epochs * n,
            )
        )
    return jobs
