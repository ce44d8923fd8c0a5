"""Chapter 3, the learned manifolds: Kingma & Welling's Figure 4, two VAEs with N_z = 2.

With a two-dimensional latent space the decoder can be drawn whole: its mean image on a grid of
the prior's quantiles. The page trains (``smoke``, ``standard``) or reads (``paper``) one such
model on MNIST and one on Frey Face. ``standard`` trains MNIST with the modern recipe (ReLU, Adam)
for 10 epochs, because a few epochs of the paper's Adagrad leave most of the plane a blur, and Frey
Face with the paper's recipe for 300 epochs, its Adagrad step chosen as the paper does
(:func:`~aebook.experiments.vae.figure2.select_step_size`). ``paper`` trains nothing: both models
are jobs of :mod:`aebook.runner` run for Figure 2 of :mod:`aebook.experiments.vae` (``vae/mnist-nz2``
and ``vae/frey-nz2``: the paper's recipe, 10⁸ examples each), and the page reads them back.

The guards (``min_mnist_bound``, ``min_frey_bound``) are fixed by theory, not by a recorded run. A
decoder that ignores its code is a model without latent variables, and with the encoder on the
prior its bound equals that model's log-likelihood (the KL term is zero): a trained VAE's bound
should lie above the best such model's (:func:`latent_free_log_likelihood`). That model scores
−205.8 nats on the 10,000 binarized MNIST test images (independent pixels, their probabilities the
60,000 training images' mean grey levels) and 572.7 nats on the 200 held-out Frey faces (a Gaussian
with the training faces' pixel means and variances); ``standard`` and ``paper`` ask the 2-D models
for −206 and 572. ``smoke`` trains for a few hundred steps, which need not get that far; its guards
only say that training moved the decoders from where they start: a decoder that gives every pixel
probability ½ scores 784 ln ½ = −543.4 nats on every MNIST image, and a Gaussian decoder with unit
variances scores at most 560 × (−½ ln 2π) = −514.6 nats on every face (the paper's initialisation
starts the log-variances near zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from aebook.experiments.vae import recipes, train_latent_sizes
from aebook.experiments.vae.figure2 import select_step_size
from aebook.models import VAE, VAERecipe
from aebook.profiles import ChapterSettings
from aebook.train import History

#: In ``paper`` the page reads jobs of the runner that belong to this page (Figure 2's 2-D models).
READS_JOBS_OF = "vae"


@dataclass(frozen=True, kw_only=True)
class ManifoldSettings(ChapterSettings):
    mnist_recipe: str  #: recipe of the MNIST model: "modern" (ReLU, Adam) or "paper"
    mnist_n_train: int  #: MNIST training images (60,000 is all of them)
    mnist_n_test: int  #: MNIST test images the bound is measured on and the scatter draws
    mnist_epochs: int  #: passes over the MNIST training images
    frey_recipe: str  #: recipe of the Frey Face model: "paper" (tanh, Adagrad) or "modern"
    frey_n_test: int  #: Frey faces held out as the test set (the rest train)
    frey_epochs: int  #: passes over the Frey training faces
    step_sizes: tuple[float, ...]  #: Adagrad global steps to choose from, as in the paper
    step_selection_steps: int  #: minibatches each candidate step trains for before the choice
    min_mnist_bound: float  #: guard on the MNIST model's test bound (nats; see the module)
    min_frey_bound: float  #: guard on the Frey Face model's test bound (nats; see the module)


_STANDARD = ManifoldSettings(
    mnist_recipe="modern",
    mnist_n_train=60_000,
    mnist_n_test=10_000,
    mnist_epochs=10,
    frey_recipe="paper",
    frey_n_test=200,
    frey_epochs=300,
    step_sizes=(0.01, 0.02, 0.1),
    step_selection_steps=200,
    min_mnist_bound=-206.0,  # the best model without latents: -205.8
    min_frey_bound=572.0,  # the same on Frey Face: 572.7
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        mnist_n_train=3_000,
        mnist_n_test=500,
        mnist_epochs=2,
        frey_epochs=15,
        step_selection_steps=10,
        min_mnist_bound=-543.4,  # 784 ln 1/2: every pixel guessed with probability 1/2
        min_frey_bound=-514.6,  # 560 (-1/2 ln 2 pi): the best a unit variance scores
    ),
    "standard": _STANDARD,
    "paper": replace(  # what the runner's jobs ran (the page reads them, trains nothing)
        _STANDARD,
        mnist_recipe="paper",
        mnist_epochs=1_667,  # ⌈10⁸ / 60,000⌉
        frey_epochs=56_658,  # ⌈10⁸ / 1,765⌉
        step_selection_steps=500,
    ),
}


def latent_free_log_likelihood(
    train_x: torch.Tensor, test_x: torch.Tensor, likelihood: str = "bernoulli"
) -> float:
    """The mean log-likelihood (nats) of ``test_x`` under the best model without latent variables
    fitted to ``train_x``: a decoder that ignores its code can be exactly this model.

    ``"bernoulli"``: independent binary pixels whose probabilities are the training images' mean
    grey levels (the probabilities of dynamically binarized pixels), by Laplace's rule of
    succession, ``(sum + 1) / (n + 2)``, so that no test pixel has probability zero.
    ``"gaussian"``: independent Gaussian pixels with the training pixels' means and (maximum
    likelihood) variances."""
    train_x, test_x = train_x.double(), test_x.double()
    if likelihood == "bernoulli":
        p = (train_x.sum(0) + 1) / (len(train_x) + 2)
        values = test_x @ p.log() + (1 - test_x) @ torch.log1p(-p)
    elif likelihood == "gaussian":
        mean, var = train_x.mean(0), train_x.var(0, correction=0)
        values = (-0.5 * torch.log(2 * math.pi * var) - (test_x - mean) ** 2 / (2 * var)).sum(1)
    else:
        raise ValueError(f"likelihood must be bernoulli or gaussian; got {likelihood!r}")
    return float(values.mean())


def train_2d(
    recipe: VAERecipe | str,
    train_x: torch.Tensor,
    test_x: torch.Tensor,
    *,
    epochs: int,
    likelihood: str = "bernoulli",
    transform=None,
    step_sizes: tuple[float, ...] = (0.01, 0.02, 0.1),
    step_selection_steps: int = 200,
    seed: int = 0,
    checkpoint_dir: str | Path | None = None,
    tag: str = "manifold",
) -> tuple[VAE, History, float]:
    """One VAE with N_z = 2, trained with ``recipe`` (a :class:`~aebook.models.recipes.VAERecipe`, or
    the name of one: then the MNIST recipe for ``"bernoulli"``, Frey Face's for ``"gaussian"``)
    and its test bound measured every epoch. An Adagrad recipe's step is chosen from
    ``step_sizes`` as the paper does, by the training bound of ``step_selection_steps``
    minibatches of a fresh model; other optimisers keep the recipe's. Returns the model, its
    history and the step it trained with."""
    if isinstance(recipe, str):
        recipe = recipes(recipe)[0 if likelihood == "bernoulli" else 1]
    lr = recipe.lr
    if recipe.optimizer == "adagrad":

        def fresh() -> VAE:
            torch.manual_seed(seed)
            return recipe.build(train_x.shape[1], 2, likelihood)

        lr, _ = select_step_size(
            recipe, fresh, train_x, candidates=step_sizes, steps=step_selection_steps,
            transform=transform, seed=seed,
        )  # fmt: skip
    model, history = train_latent_sizes(
        recipe, (2,), train_x, test_x, epochs=epochs, lr=lr, likelihood=likelihood,
        transform=transform, seed=seed, checkpoint_dir=checkpoint_dir, tag=tag,
    )[2]  # fmt: skip
    return model, history, lr
