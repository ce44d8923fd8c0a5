"""Chapter 3 (auto-encoding variational Bayes): settings per profile and the Figure 2 experiment.

Figure 2 of Kingma & Welling trains one VAE per latent size N_z and plots the lower bound on
training and test data against the number of training examples seen, up to 10⁸. ``paper`` runs
exactly that (1,667 epochs of 60,000 MNIST images; 56,657 epochs of 1,765 Frey faces) and needs a
GPU; ``standard`` stops at a few 10⁵ examples with fewer latent sizes, so it shows the early part
of the curves only. ``min_mnist_bound`` is a regression guard set from recorded runs on a 2-core
CPU (it catches broken training, nothing more); the curves' end points are the paper's numbers,
judged by the ledger (:mod:`aebook.results.papers`). At the measured ``standard`` throughput of
this CPU (10 epochs of 60,000 images per latent size in a few minutes), the 10⁸ examples of one
curve take a few CPU-hours, not GPU-days.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from aebook.models import MODERN, PAPER_FREY, PAPER_MNIST, VAE, VAERecipe
from aebook.profiles import ChapterSettings
from aebook.train import History, NonFiniteLossError, fit

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
    manifold_recipe: str  #: recipe of the N_z = 2 MNIST model drawn as a manifold
    manifold_epochs: int  #: its epochs
    gradient_draws: int  #: single-sample gradient estimates per estimator (variance study)
    gradient_examples: int  #: test images the gradient variance is averaged over
    min_variance_ratio: float  #: score-function variance must exceed reparameterized × this
    min_mnist_bound: float  #: regression guard on the final MNIST test bound of N_z = 20
    min_latent_gain: float | None  #: N_z = 20's test bound minus the smallest N_z's (None: not
    #: checked — smoke is too short to order the latent sizes)
    max_latent_overfit: float  #: largest N_z may trail the best test bound by at most this
    checkpoint_dir: str | None  #: where long runs save their state to resume (None: no saving)


_SMOKE = dict(
    recipe="paper",
    step_sizes=(0.01, 0.02, 0.1),
    step_selection_steps=10,
    mnist_n_train=3_000,
    mnist_n_test=500,
    mnist_latents=(3, 20),
    mnist_epochs=2,
    frey_n_test=200,
    frey_latents=(2, 10),
    frey_epochs=15,
    manifold_recipe="modern",
    manifold_epochs=2,
    gradient_draws=1_000,
    gradient_examples=4,
    min_variance_ratio=5.0,
    min_mnist_bound=-230.0,
    min_latent_gain=None,
    max_latent_overfit=40.0,
    checkpoint_dir=None,
)

SETTINGS = {
    "smoke": VAESettings(**_SMOKE),
    "standard": VAESettings(
        **{
            **_SMOKE,
            "step_selection_steps": 200,
            "mnist_n_train": 60_000,
            "mnist_n_test": 10_000,
            "mnist_latents": (3, 10, 20, 200),
            "mnist_epochs": 10,
            "frey_latents": (2, 5, 10, 20),
            "frey_epochs": 300,
            "manifold_epochs": 10,
            "gradient_draws": 10_000,
            "gradient_examples": 16,
            "min_variance_ratio": 10.0,
            "min_mnist_bound": -140.0,
            "min_latent_gain": 0.0,
            "max_latent_overfit": 5.0,
        }
    ),
    "paper": VAESettings(
        **{
            **_SMOKE,
            "step_selection_steps": 500,
            "mnist_n_train": 60_000,
            "mnist_n_test": 10_000,
            "mnist_latents": (3, 5, 10, 20, 200),
            "mnist_epochs": 1_667,  # 10⁸ examples
            "frey_latents": (2, 5, 10, 20),
            "frey_epochs": 56_657,  # 10⁸ examples of 1,765 training faces
            "manifold_recipe": "paper",
            "manifold_epochs": 1_667,
            "gradient_draws": 10_000,
            "gradient_examples": 16,
            "min_variance_ratio": 10.0,
            "min_mnist_bound": -140.0,
            "min_latent_gain": 0.0,
            "max_latent_overfit": 5.0,
            "checkpoint_dir": "checkpoints/vae",
        }
    ),
}


def recipes(name: str) -> tuple[VAERecipe, VAERecipe]:
    """The (MNIST, Frey Face) recipes called ``name`` ("paper" or "modern")."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(RECIPES)}; got {name!r}")
    return RECIPES[name]


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
