"""Chapter 3 (auto-encoding variational Bayes): settings per profile and the Figure 2 experiment.

Figure 2 of Kingma & Welling trains one VAE per latent size N_z and plots the lower bound on
training and test data against the number of training examples seen, up to 10⁸. ``paper`` runs
exactly that (1,667 epochs of 60,000 MNIST images; 56,658 epochs of 1,765 Frey faces), as jobs of
:mod:`aebook.runner`; ``standard`` stops at a few 10⁵ examples with fewer latent sizes, so it shows
the early part of the curves only. ``min_mnist_bound`` is a guard fixed by theory, as on the
manifolds page (:mod:`aebook.experiments.vae_manifolds`): a trained VAE's test bound should lie
above the log-likelihood of the best model without latents, −205.8 nats on these test images
(``smoke``, a few hundred steps, only has to beat 784 ln ½ = −543.4, every pixel a coin flip). The
curves' end points are the paper's numbers, judged by the ledger (:mod:`aebook.results.papers`).
At the measured ``standard`` throughput of this CPU (10 epochs of 60,000 images per latent size
in a few minutes), the 10⁸ examples of one curve take a few CPU-hours, not GPU-days.

The findings are judged by the directions the paper states, in every profile, and their criteria
are written where the page builds its claims: a gradient variance ratio above 1, a test-bound gain
above 0, and, for "more latent variables do not result in more overfitting" (Figure 2's caption),
a train − test gap of N_z = 200 no wider than that of N_z = 20 beyond 1.96 standard errors of the
two test bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import torch

from aebook.experiments.vae.figure2 import (
    FIGURE2_LATENTS,
    FIGURE2_LIKELIHOOD,
    paper_jobs,
    test_bound,
)
from aebook.models import MODERN, PAPER_FREY, PAPER_MNIST, VAE, VAERecipe
from aebook.profiles import ChapterSettings
from aebook.train import History, fit

RECIPES = {"paper": (PAPER_MNIST, PAPER_FREY), "modern": (MODERN, MODERN)}


@dataclass(frozen=True, kw_only=True)
class VAESettings(ChapterSettings):
    recipe: str  #: "paper" (tanh, N(0, 0.01²) init, weight decay, Adagrad) or "modern" (ReLU, Adam)
    step_sizes: tuple[float, ...]  #: Adagrad global steps to choose from, as in the paper
    step_selection_steps: int  #: minibatches each candidate step trains for before the choice
    mnist_n_train: int  #: MNIST training images (60,000 is all of them)
    mnist_n_test: int  #: MNIST test images the bound is measured on after every epoch
    mnist_latents: tuple[int, ...]  #: N_z of the MNIST curves (paper: 3, 5, 10, 20, 200)
    mnist_epochs: int  #: passes over the MNIST training images per latent size
    frey_n_test: int  #: Frey faces held out as the test set (the rest train)
    frey_latents: tuple[int, ...]  #: N_z of the Frey Face curves (paper: 2, 5, 10, 20)
    frey_epochs: int  #: passes over the Frey training faces per latent size
    gradient_draws: int  #: single-sample gradient estimates per estimator (variance study)
    gradient_examples: int  #: test images the gradient variance is averaged over
    min_mnist_bound: float  #: guard on the final MNIST test bound of N_z = 20 (see the module)
    compare_latents: bool  #: whether the latent sizes are compared (smoke: too short to order them)
    checkpoint_dir: str | None  #: where long runs save their state to resume (None: no saving)


_STANDARD = VAESettings(
    recipe="paper",
    step_sizes=(0.01, 0.02, 0.1),
    step_selection_steps=200,
    mnist_n_train=60_000,
    mnist_n_test=10_000,
    mnist_latents=(3, 10, 20, 200),
    mnist_epochs=10,
    frey_n_test=200,
    frey_latents=(2, 5, 10, 20),
    frey_epochs=300,
    gradient_draws=10_000,
    gradient_examples=16,
    min_mnist_bound=-206.0,  # the best model without latents: -205.8
    compare_latents=True,
    checkpoint_dir=None,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        step_selection_steps=10,
        mnist_n_train=3_000,
        mnist_n_test=500,
        mnist_latents=(3, 20),
        mnist_epochs=2,
        frey_latents=(2, 10),
        frey_epochs=15,
        gradient_draws=1_000,
        gradient_examples=4,
        min_mnist_bound=-543.4,  # 784 ln 1/2: every pixel guessed with probability 1/2
        compare_latents=False,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        step_selection_steps=500,
        mnist_latents=(3, 5, 10, 20, 200),
        mnist_epochs=1_667,  # ⌈10⁸ / 60,000⌉: the epochs Figure 2's jobs train
        frey_epochs=56_658,  # ⌈10⁸ / 1,765⌉ (the training faces): the same
        checkpoint_dir="checkpoints/vae",
    ),
}


def recipes(name: str) -> tuple[VAERecipe, VAERecipe]:
    """The (MNIST, Frey Face) recipes called ``name`` ("paper" or "modern")."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(RECIPES)}; got {name!r}")
    return RECIPES[name]


def train_latent_sizes(
    recipe: VAERecipe,
    latents: tuple[int, ...],
    train_x: torch.Tensor,
    test_x: torch.Tensor,
    *,
    epochs: int,
    lr: float,
    likelihood: str = "bernoulli",
    transform=None,
    seed: int = 0,
    checkpoint_dir: str | Path | None = None,
    tag: str = "vae",
) -> dict[int, tuple[VAE, History]]:
    """One VAE per latent size, trained with ``recipe`` and the test bound measured every epoch
    (Figure 2). With ``checkpoint_dir`` each run saves its state after every epoch and resumes."""
    runs = {}
    for n_z in latents:
        torch.manual_seed(seed)
        model = recipe.build(train_x.shape[1], n_z, likelihood)
        config = recipe.train_config(epochs, len(train_x), seed=seed, lr=lr)
        checkpoint = None
        if checkpoint_dir is not None:
            Path(checkpoint_dir).mkdir(parents=True, exist_ok=True)
            checkpoint = Path(checkpoint_dir) / f"{tag}-nz{n_z}.ckpt"
        history = fit(
            model, train_x, config, valid=test_x, transform=transform, checkpoint=checkpoint
        )
        runs[n_z] = (model.eval(), history)
    return runs


def _history(curve: list[dict]) -> History:
    """A Figure 2 job's measured curve as a :class:`~aebook.train.History` (``valid`` holds the
    test bound and, as ``elbo_se``, its standard error)."""
    return History(
        train={"elbo": [p["train"] for p in curve]},
        valid={"elbo": [p["test"] for p in curve], "elbo_se": [p["test_se"] for p in curve]},
        samples_seen=[p["examples"] for p in curve],
    )


class JobsNotFinishedError(RuntimeError):
    """The ``paper`` page needs a model that only a job of :mod:`aebook.runner` trains, and no
    such job has finished on this machine."""


def paper_runs(
    dataset: str, latents: tuple[int, ...] | None = None
) -> dict[int, tuple[VAE, History]]:
    """The finished jobs of ``dataset`` at the paper's budget, ``{N_z: (model, curve)}``: the
    kept model (its SHA-256 checked against the job's result) and the measured curve. ``latents``
    defaults to Figure 2's. Unfinished jobs are left out: they take hours, so the runner trains
    them (``python -m aebook.runner vae``), not the page. Figure 2's MNIST models are the one
    exception: the page's later studies (active units, gradient variance, samples) need one, so
    with none finished this raises :class:`JobsNotFinishedError`, which names the command."""
    from aebook.jobs import jobs_dir, load_kept, load_result

    if dataset not in FIGURE2_LATENTS:
        raise ValueError(f"dataset must be one of {', '.join(FIGURE2_LATENTS)}; got {dataset!r}")
    latents = FIGURE2_LATENTS[dataset] if latents is None else latents
    recipe = PAPER_MNIST if dataset == "mnist" else PAPER_FREY
    d = 784 if dataset == "mnist" else 560
    runs = {}
    for job in paper_jobs():
        n_z = job.kwargs["n_z"]
        if job.kwargs["dataset"] != dataset or n_z not in latents:
            continue
        result = load_result(job)
        if result is None:
            continue
        model = recipe.build(d, n_z, FIGURE2_LIKELIHOOD[dataset])
        model = load_kept(jobs_dir() / job.page / job.name, model)
        runs[n_z] = (model, _history(result["curve"]))
    if not runs and dataset == "mnist" and latents == FIGURE2_LATENTS["mnist"]:
        keys = ", ".join(f"vae/mnist-nz{n}" for n in latents)
        raise JobsNotFinishedError(
            f"none of Figure 2's MNIST jobs ({keys}) has finished on this machine (looked in "
            f"{jobs_dir() / 'vae'}); the paper profile reads their "
            "models, which take hours to train: run `python -m aebook.runner vae` first "
            "(`python -m aebook.runner vae --estimate` prints what it costs here)"
        )
    return dict(sorted(runs.items()))


def bound_errors(runs: dict[int, tuple[VAE, History]], test_x: torch.Tensor) -> dict[int, float]:
    """The standard error of each run's final test bound: the job's own where it measured one
    (``elbo_se``), else that of the same estimator measured now with the final model."""
    errors = {}
    for n_z, (model, history) in runs.items():
        if "elbo_se" in history.valid:
            errors[n_z] = history.valid["elbo_se"][-1]
        else:
            errors[n_z] = test_bound(model, test_x.to(next(model.parameters()).device), 0)[1]
    return errors


def paper_snapshots(folder: Path | None) -> dict[str, dict]:
    """The recorded state of Figure 2's jobs (:func:`aebook.jobs.snapshots`), ``{job name:
    snapshot}``, in the runner's order; empty when ``folder`` is None or holds none."""
    from aebook.jobs import snapshots

    return snapshots(folder, paper_jobs())


def snapshot_histories(snapshots: dict[str, dict], dataset: str) -> dict[str, History]:
    """The measured curves of one dataset's snapshots, labelled for
    :func:`~aebook.plot.latent.lower_bound_curves`."""
    return {
        f"$N_z$ = {s['kwargs']['n_z']}": _history(s["curve"])
        for s in snapshots.values()
        if s["kwargs"]["dataset"] == dataset
        and s["kwargs"]["n_z"] in FIGURE2_LATENTS[dataset]
        and s.get("curve")
    }


def snapshot_table(snapshots: dict[str, dict]):
    """One row per Figure 2 job: how far it got, its last test bound, where it trained, and what
    the rest costs at the speed of its last session (a GPU's when it last ran on one)."""
    from aebook.jobs import machine
    from aebook.results import Table

    rows = []
    for name, s in snapshots.items():
        last = s["curve"][-1] if s.get("curve") else None
        sessions = s.get("sessions", [])
        where = ", ".join(dict.fromkeys(machine(x["provenance"]["hardware"]) for x in sessions))
        rate = s.get("train_seconds", 0) / max(s.get("trained_examples", 0), 1)
        if sessions:  # seconds per example of the last stretch, on the machine it ran on
            x = sessions[-1]
            seconds = x.get("wall_seconds") or x.get("train_seconds") or 0
            rate = seconds / max(x["examples_to"] - x["examples_from"], 1)
        left = (s["target"] - s.get("trained_examples", s["examples"])) * rate / 3600
        rows.append(
            [
                name,
                s["status"],
                f"{s['examples']:.3g} of {s['target']:.0e}",
                f"{last['test']:.2f} ± {last['test_se']:.2f}" if last else "—",
                where or "CPU",
                f"{left:.1f}" if s["status"] == "unfinished" and rate else "—",
            ]
        )
    return Table(
        ["job", "status", "examples measured", "test bound (nats)", "trained on",
         "hours left at its last speed"],
        rows,
        title="Figure 2 at the paper's budget: the runner's jobs",
    )  # fmt: skip
