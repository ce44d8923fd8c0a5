"""Figure 2 of Kingma & Welling (2013) at the paper's budget: Adagrad's step chosen as the paper
does (:func:`select_step_size`), then one VAE per latent size trained to 10⁸ examples as a job of
:mod:`aebook.runner` (:func:`figure2_job`), its test bound measured on a fixed grid of examples.
The pages (:mod:`aebook.experiments.vae`, and :mod:`aebook.experiments.vae_manifolds` for the 2-D
models) read the jobs back.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from pathlib import Path

import torch

from aebook.cost import seconds_per_step
from aebook.evaluate.batches import in_batches
from aebook.models import PAPER_FREY, PAPER_MNIST, VAE, VAERecipe
from aebook.results.records import write_json
from aebook.train import History, NonFiniteLossError, default_device, fit


def select_step_size(
    recipe: VAERecipe,
    make_model: Callable[[], VAE],
    x: torch.Tensor,
    *,
    candidates: tuple[float, ...],
    steps: int,
    transform=None,
    seed: int = 0,
) -> tuple[float, dict[float, float]]:
    """The paper's choice of Adagrad's global step: train a fresh model with each candidate for
    ``steps`` minibatches and keep the one with the best average training bound. A candidate
    whose loss becomes NaN scores −inf. Returns ``(best, {step: average bound})``."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    subset = x[: steps * recipe.batch_size]
    scores = {}
    for lr in candidates:
        model = make_model()
        config = recipe.train_config(1, len(x), seed=seed, lr=lr)
        try:
            history = fit(model, subset, config, transform=transform, progress=False)
            bound = history.train["elbo"][-1]
            scores[lr] = bound if math.isfinite(bound) else -math.inf
        except NonFiniteLossError:
            scores[lr] = -math.inf
    return max(scores, key=scores.get), scores


#: Figure 2's x-axis, training examples 10⁵ … 10⁸, eight log-spaced points per decade: the test
#: bound is measured at the first epoch that reaches each point.
FIGURE2_GRID = tuple(round(10 ** (5 + j / 8)) for j in range(25))
#: The paper's budget: every curve of Figure 2 runs to 10⁸ training examples.
PAPER_EXAMPLES = 10**8
#: Latent sizes of Figure 2, in the order the runner trains them (MNIST N_z = 20 first).
FIGURE2_LATENTS = {"mnist": (20, 3, 5, 10, 200), "frey": (2, 5, 10, 20)}
#: The 2-D models whose decoders :mod:`aebook.experiments.vae_manifolds` draws as manifolds (the
#: paper's Figure 4; Frey Face's N_z = 2 is a curve of Figure 2), trained with Figure 2's recipe
#: and budget after its curves.
MANIFOLD_LATENTS = {"mnist": (2,)}
#: Frey faces held out as the test set (the paper does not give its split).
FREY_N_TEST = 200


def figure2_data(dataset: str) -> tuple[torch.Tensor, torch.Tensor, str]:
    """``(train, test, likelihood)`` of Figure 2: all 60,000 MNIST training images (binarized
    afresh every minibatch) and the 10,000 test images binarized once (seed 1); or the Frey faces
    split 1,765 / 200 (seed 0), grey levels in [0, 1]."""
    from aebook.data import binarize, frey_faces, load_mnist

    if dataset == "mnist":
        mnist = load_mnist(n_valid=0)
        test = binarize(mnist.test.x, torch.Generator().manual_seed(1))
        return mnist.train.x, test, "bernoulli"
    if dataset == "frey":
        train, test = frey_faces().split(FREY_N_TEST, seed=0)
        return train.x, test.x, "gaussian"
    raise ValueError(f"dataset must be one of {', '.join(FIGURE2_LATENTS)}; got {dataset!r}")


def _transform(dataset: str):
    from aebook.data import binarize

    return binarize if dataset == "mnist" else None


@torch.no_grad()
def test_bound(model: VAE, x: torch.Tensor, seed: int) -> tuple[float, float]:
    """Mean single-sample ELBO of the rows of ``x`` (nats) and its standard error, drawn from
    a generator of its own so that measuring never moves the training's random stream."""
    model.eval()
    g = torch.Generator(device=x.device).manual_seed(seed)
    values = in_batches(lambda chunk: model.elbo(chunk, generator=g), x, 1000)
    model.train()
    return float(values.mean()), float(values.std() / math.sqrt(len(values)))


def figure2_job(
    folder: Path,
    *,
    dataset: str,
    n_z: int,
    examples: int = PAPER_EXAMPLES,
    seed: int = 0,
    step_sizes: tuple[float, ...] = (0.01, 0.02, 0.1),
    step_selection_steps: int = 500,
    checkpoint_every: float = 120.0,
    deadline: float | None = None,
) -> dict:
    """Train one curve of Figure 2 to ``examples`` training examples with the paper's recipe,
    resumably in ``folder``: the Adagrad step chosen from ``step_sizes`` by the training bound of
    the first ``step_selection_steps`` minibatches, then the test bound at every point of
    :data:`FIGURE2_GRID` reached. Keeps the final model as ``model.pt``. At ``deadline`` (a
    ``time.time()``) it checkpoints and returns ``{"finished": False, ...}``; rerun to continue."""
    import json
    import time

    from aebook.jobs import saved_history

    folder = Path(folder)
    recipe = PAPER_MNIST if dataset == "mnist" else PAPER_FREY
    train, test, likelihood = figure2_data(dataset)
    device = default_device()
    train, test = train.to(device), test.to(device)
    transform = _transform(dataset)

    def make() -> VAE:
        torch.manual_seed(seed)
        return recipe.build(train.shape[1], n_z, likelihood).to(device)

    step_file = folder / "step.json"
    if step_file.exists():
        chosen = json.loads(step_file.read_text())
    else:
        lr, scores = select_step_size(
            recipe,
            make,
            train,
            candidates=step_sizes,
            steps=step_selection_steps,
            transform=transform,
            seed=seed,
        )
        chosen = {"lr": lr, "scores": {str(k): v for k, v in scores.items()}}
        write_json(step_file, chosen)

    epochs = math.ceil(examples / len(train))
    config = recipe.train_config(epochs, len(train), seed=seed, lr=chosen["lr"])
    checkpoint, curve_file = folder / "train.ckpt", folder / "curve.json"
    saved = saved_history(folder)  # points measured after the last checkpoint are measured again
    curve = json.loads(curve_file.read_text()) if saved and curve_file.exists() else []
    curve = [p for p in curve if p["examples"] <= saved["samples_seen"][-1]]

    def measure(epoch: int, history: History) -> bool:
        seen = history.samples_seen[-1]
        last = curve[-1]["examples"] if curve else 0
        due = any(last < g <= seen for g in FIGURE2_GRID) or epoch == epochs - 1
        if due:
            bound, se = test_bound(model, test, seed=epoch)
            curve.append(
                {"examples": seen, "train": history.train["elbo"][-1], "test": bound, "test_se": se}
            )
            write_json(curve_file, curve)
        return deadline is not None and time.time() >= deadline

    model = make()
    history = fit(
        model,
        train,
        config,
        transform=transform,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        callback=measure,
        cuda_graph=device.type == "cuda" and os.environ.get("AEBOOK_CUDA_GRAPH") == "1",
    )
    if history.epochs < epochs:
        return {"finished": False, "examples": history.samples_seen[-1]}
    if not curve or curve[-1]["examples"] != history.samples_seen[-1]:  # finished before
        measure(epochs - 1, history)
    torch.save(model.state_dict(), folder / "model.pt")
    final = curve[-1]
    return {
        "summary": f"{dataset} N_z = {n_z}: test bound {final['test']:.2f} ± "
        f"{final['test_se']:.2f} nats after {final['examples']:,} examples",
        "dataset": dataset,
        "n_z": n_z,
        "n_train": len(train),
        "n_test": len(test),
        "step": chosen,
        "epochs": epochs,
        "examples": history.samples_seen[-1],
        "precision": "fp32",
        "device": str(device),
        "train_seconds": sum(history.seconds),
        "curve": curve,
    }


def figure2_progress(folder: Path) -> dict:
    """What an unfinished Figure 2 job has measured so far (for ``runner --snapshot``)."""
    import json

    from aebook.jobs import saved_history

    folder = Path(folder)
    curve_file, step_file = folder / "curve.json", folder / "step.json"
    curve = json.loads(curve_file.read_text()) if curve_file.exists() else []
    step = json.loads(step_file.read_text()) if step_file.exists() else None
    progress = {"examples": curve[-1]["examples"] if curve else 0, "step": step, "curve": curve}
    history = saved_history(folder)
    if history is not None:  # the measured speed, for the cost of the rest
        progress["train_seconds"] = sum(history["seconds"])
        progress["trained_examples"] = history["samples_seen"][-1]
    return progress


def _figure2_flops(dataset: str, n_z: int, examples: int) -> float:
    """Forward and backward matrix-product FLOPs of one curve (6 per multiply-add per example)."""
    d, h = (784, 500) if dataset == "mnist" else (560, 200)
    out = d if dataset == "mnist" else 2 * d  # the Gaussian decoder has a mean and a variance head
    macs = d * h + h * 2 * n_z + n_z * h + h * out
    return 6.0 * macs * examples


@functools.cache
def _calibrate(dataset: str, n_z: int = 20) -> float:
    """Seconds per training step of this curve's model on this machine (one thread)."""
    return seconds_per_step(functools.partial(_training_steps, dataset, n_z))


def _training_steps(dataset: str, n_z: int, steps: int) -> Callable[[], History]:
    """The call that trains this curve's model for ``steps`` steps on random data."""
    recipe = PAPER_MNIST if dataset == "mnist" else PAPER_FREY
    d = 784 if dataset == "mnist" else 560
    x = torch.rand(recipe.batch_size * steps, d)
    model = recipe.build(d, n_z, FIGURE2_LIKELIHOOD[dataset])
    config = recipe.train_config(1, len(x), lr=0.01)
    return functools.partial(
        fit, model, x, config, transform=_transform(dataset), progress=False, device="cpu"
    )


FIGURE2_LIKELIHOOD = {"mnist": "bernoulli", "frey": "gaussian"}
_N_TRAIN = {"mnist": 60_000, "frey": 1_965 - FREY_N_TEST}


def paper_jobs(examples: int = PAPER_EXAMPLES) -> list:
    """Figure 2's nine curves as runner jobs (MNIST N_z = 20 first, then MNIST, then Frey Face),
    then the 2-D MNIST model of the manifold figure (read by the page ``vae_manifolds``)."""
    from aebook.jobs import Job

    jobs = []
    for dataset, latents in [*FIGURE2_LATENTS.items(), *MANIFOLD_LATENTS.items()]:
        n = _N_TRAIN[dataset]
        epochs = math.ceil(examples / n)
        for n_z in latents:
            jobs.append(
                Job(
                    page="vae",
                    name=f"{dataset}-nz{n_z}",
                    run=figure2_job,
                    kwargs={"dataset": dataset, "n_z": n_z, "examples": examples},
                    flops=_figure2_flops(dataset, n_z, epochs * n),
                    steps=epochs * math.ceil(n / 100),
                    calibrate=functools.partial(_calibrate, dataset, n_z),
                    progress=figure2_progress,
                    target=examples,
                )
            )
    return jobs
