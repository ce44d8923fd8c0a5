"""Chapter 4, the autoencoder families side by side (Bank, Koenigstein & Giryes 2020).

A bottleneck that memorises, a sweep of code sizes, and every family of
:data:`aebook.models.families.FAMILIES` trained on the same MNIST images with one budget and
measured the same way (:func:`measure_family`), shown in one table (:data:`COLUMNS`).

The survey states directions, not numbers, and each finding of the page is judged on the threshold
its direction names, written where the claim is built and the same in every profile: 1 for a ratio
to a reference (the best linear one-number code, the mean image, the code of size 1, the same
network without its penalty, the plain autoencoder), 0 for a difference of sparsities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.corruption import masking
from aebook.evaluate.batches import in_batches
from aebook.evaluate.codes import active_units, hoyer_sparsity, relative_contraction
from aebook.evaluate.frechet import FrechetScorer
from aebook.evaluate.reconstruction import reconstruction_error
from aebook.models.families import FAMILIES, FamilyHyper
from aebook.profiles import ChapterSettings
from aebook.results.records import Record
from aebook.results.runs import recorded_line
from aebook.results.table import ComparisonTable
from aebook.train import History, TrainConfig


@dataclass(frozen=True, kw_only=True)
class FamiliesSettings(ChapterSettings):
    n_train: int  #: MNIST training images for the family comparison
    n_test: int  #: MNIST test images every measurement uses
    # --- the memorising bottleneck
    memorise_n: int  #: training images the 1-unit autoencoder memorises
    memorise_sizes: tuple[int, ...]  #: its encoder, 784 → … → 1 (the decoder mirrors it)
    memorise: TrainConfig  #: its training (one full batch per step)
    # --- the code-size sweep
    sweep_codes: tuple[int, ...]  #: code sizes of the sweep
    sweep_n_train: int  #: training images of the sweep (few, so that variance shows)
    sweep_hidden: tuple[int, ...]  #: hidden layers of the swept autoencoders
    sweep: TrainConfig  #: training of each swept autoencoder
    # --- the families
    hidden_sizes: tuple[int, ...]  #: hidden layers shared by every family
    code_size: int  #: the code (latent) size shared by every family
    families: TrainConfig  #: one training budget for every family
    hyper: FamilyHyper  #: each family's regularization strength
    classifier_hidden: tuple[int, ...]  #: the feature classifier of the Fréchet distance
    classifier: TrainConfig  #: its training
    n_generated: int  #: samples per generative model for the Fréchet distance


_ADAM = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = FamiliesSettings(
    n_train=50_000,
    n_test=10_000,
    memorise_n=32,
    memorise_sizes=(784, 512, 256, 64, 1),
    memorise=TrainConfig(epochs=2000, batch_size=32, lr=1e-3),
    sweep_codes=(1, 2, 4, 8, 16, 32, 64, 128),
    sweep_n_train=1000,
    sweep_hidden=(256,),
    sweep=TrainConfig(epochs=100, **_ADAM),
    hidden_sizes=(256,),
    code_size=16,
    # five epochs, not ten: ten took 11 min of CPU here, over the standard budget
    families=TrainConfig(epochs=5, **_ADAM),
    hyper=FamilyHyper(),
    classifier_hidden=(256, 128),
    classifier=TrainConfig(epochs=10, **_ADAM),
    n_generated=5000,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_train=3000,
        n_test=1000,
        memorise_n=16,
        memorise_sizes=(784, 256, 64, 16, 1),
        memorise=TrainConfig(epochs=400, batch_size=16, lr=2e-3),
        sweep_codes=(1, 4, 16, 64),
        sweep_n_train=300,
        sweep=TrainConfig(epochs=30, **_ADAM),
        families=TrainConfig(epochs=2, **_ADAM),
        classifier=TrainConfig(epochs=2, **_ADAM),
        n_generated=1000,
    ),
    "standard": _STANDARD,
    #: One GPU: the survey's families at the sizes of their own papers (deep MLPs, 100 epochs).
    "paper": replace(
        _STANDARD,
        memorise_n=64,
        memorise_sizes=(784, 1000, 500, 250, 1),
        memorise=TrainConfig(epochs=5000, batch_size=64, lr=1e-3),
        sweep_codes=(1, 2, 4, 8, 16, 32, 64, 128, 256),
        sweep_hidden=(1000, 500),
        sweep=TrainConfig(epochs=300, **_ADAM),
        hidden_sizes=(1000, 500),
        families=TrainConfig(epochs=100, **_ADAM),
        classifier=TrainConfig(epochs=20, **_ADAM),
        n_generated=10_000,
    ),
}


@torch.no_grad()
def _cross_entropy(model: nn.Module, x: Tensor, batch_size: int = 2000) -> float:
    """Mean over rows of the Bernoulli cross-entropy of ``model.reconstruct(x)``, in nats."""

    def summed(chunk: Tensor) -> Tensor:
        return F.binary_cross_entropy(model.reconstruct(chunk), chunk, reduction="sum")[None]

    return sum(float(s) for s in in_batches(summed, x, batch_size)) / len(x)


def measure_family(
    model: nn.Module,
    x_test: Tensor,
    *,
    history: History,
    scorer: FrechetScorer | None = None,
    n_generated: int = 0,
    n_jacobian: int = 500,
    noise: float = 0.25,
    seed: int = 0,
) -> dict[str, float]:
    """The chapter's measurements of one trained model, all on ``x_test`` ``(n, d)``:

    - ``squared_error`` and ``cross_entropy``: reconstruction error per image (code = the
      posterior mean for a VAE);
    - ``masked_error``: squared error against the clean image when a fraction ``noise`` of the
      pixels of the input is set to 0 (robustness to dropout noise);
    - ``sparsity`` (Hoyer), ``active_units`` and ``contraction`` (relative Jacobian norm, on the
      first ``n_jacobian`` test images) of the code;
    - ``frechet``: Fréchet distance of ``n_generated`` samples to the scorer's reference (NaN for
      models without a prior, or without a scorer);
    - ``seconds``: training time from ``history`` (wall clock, shown and never asserted).
    """
    model.eval()
    g = torch.Generator(device=x_test.device).manual_seed(seed)
    codes = in_batches(model.encode, x_test)
    masked = masking(x_test, noise, g)
    row = {
        "squared_error": reconstruction_error(model.reconstruct, x_test),
        "cross_entropy": _cross_entropy(model, x_test),
        "masked_error": _masked_error(model, masked, x_test),
        "sparsity": hoyer_sparsity(codes),
        "active_units": float(active_units(codes)),
        "contraction": relative_contraction(model.encode, x_test[:n_jacobian], codes),
        "frechet": math.nan,
        "seconds": float(sum(history.seconds)),
    }
    if scorer is not None and n_generated > 0 and hasattr(model, "sample"):
        row["frechet"] = scorer(model.sample(n_generated, generator=g))
    return row


@torch.no_grad()
def _masked_error(model: nn.Module, corrupted: Tensor, clean: Tensor) -> float:
    return float((model.reconstruct(corrupted) - clean).pow(2).sum(1).mean())


#: Column headings of the comparison table, with how each number is formatted.
COLUMNS: dict[str, tuple[str, str]] = {
    "squared_error": ("test squared error", "{:.2f}"),
    "cross_entropy": ("test cross-entropy (nats)", "{:.1f}"),
    "masked_error": ("error from masked input", "{:.2f}"),
    "sparsity": ("Hoyer sparsity", "{:.2f}"),
    "active_units": ("active units", "{:.0f}"),
    "contraction": ("relative contraction", "{:.3f}"),
    "frechet": ("Fréchet distance (MNIST-MLP features)", "{:.2f}"),
    "seconds": ("training time (s)", "{:.0f}"),
}


@dataclass
class RecordedComparison:
    """The comparison table of a recorded run (``results/<profile>/families.json``).

    Rebuilt from the run's ``measurements`` (``"<family>/<column>"``), with the run's provenance;
    displays a short notice instead when the file does not exist (e.g. on Colab).
    """

    path: Path

    def _repr_markdown_(self) -> str:
        path = Path(self.path)
        if not path.is_file():
            return f"*No recorded run at `{path}`: run `scripts/reproduce.py` to record one.*"
        run = Record.read(path)
        found = run.measurements
        rows = {
            label: {key: found[f"{name}/{key}"] for key in COLUMNS if f"{name}/{key}" in found}
            for name, label in FAMILIES.items()
        }
        return recorded_line(run) + "\n\n" + ComparisonTable(rows, COLUMNS)._repr_markdown_()

    def __repr__(self) -> str:
        return self._repr_markdown_()


def gaps(train: Sequence[float], test: Sequence[float]) -> list[float]:
    """Generalization gaps ``test - train``, element by element."""
    return [b - a for a, b in zip(train, test, strict=True)]
