"""Chapter 4, part 1 (Bank, Koenigstein & Giryes 2020): the autoencoder families side by side.

Settings per profile for the three notebooks of ``book/04_survey/`` that this module serves
(``families``, ``beta_vae``, ``posteriors``), and the steps they share: building every family from
one set of sizes (:func:`build_family`), measuring a trained model the same way for all
(:func:`measure_family`), and the comparison table (:class:`ComparisonTable`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.corruption import Corruption, masking
from aebook.data.factors import FactorSpec
from aebook.evaluate.codes import active_units, encode_all, hoyer_sparsity, relative_contraction
from aebook.evaluate.frechet import FrechetScorer
from aebook.evaluate.reconstruction import reconstruction_error
from aebook.models import (
    VAE,
    WAE,
    AdversarialAutoencoder,
    ContractiveAutoencoder,
    MLPAutoencoder,
    MLPDenoisingAutoencoder,
    SparseAutoencoder,
)
from aebook.profiles import ChapterSettings
from aebook.results.records import Record
from aebook.results.scoreboard import freshness
from aebook.results.table import Table
from aebook.train import History, TrainConfig

#: Every family of the comparison, in the order of the survey, with the label the chapter shows.
FAMILIES: dict[str, str] = {
    "autoencoder": "autoencoder",
    "sparse_l1": "sparse (L1)",
    "sparse_kl": "sparse (KL)",
    "denoising_gaussian": "denoising (Gaussian)",
    "denoising_dropout": "denoising (dropout)",
    "contractive": "contractive",
    "contractive_baseline": "one sigmoid layer, λ = 0",
    "vae": "VAE",
    "beta_vae": "β-VAE",
    "wae": "WAE (MMD)",
    "aae": "AAE",
}

#: The families that define a prior over codes, hence generate by decoding prior samples.
GENERATIVE = ("vae", "beta_vae", "wae", "aae")


@dataclass(frozen=True)
class FamilyHyper:
    """The one knob of each family: its regularization strength (the rest is shared)."""

    l1_weight: float = 0.1  #: λ of the L1 code penalty (nats per unit of Σ|h|)
    kl_weight: float = 30.0  #: weight of Σ_j KL(ρ ‖ ρ̂_j)
    rho: float = 0.05  #: target mean activation of the KL-sparse code
    kl_decoder_decay: float = 0.01  #: λ_w of Σ‖W‖² on the KL-sparse decoder's weights (Ng 2011)
    gaussian_sigma: float = 0.5  #: σ of the Gaussian corruption
    dropout_nu: float = 0.5  #: fraction ν of input pixels set to 0 (masking noise)
    contractive_weight: float = 5.0  #: λ of ‖∂h/∂x‖²_F
    beta: float = 4.0  #: β of the β-VAE
    mmd_weight: float = 100.0  #: λ of the WAE's MMD
    adversarial_weight: float = 1.0  #: weight of the AAE encoder's generator loss
    discriminator_sizes: tuple[int, ...] = (256, 256)  #: hidden layers of the AAE discriminator


def build_family(
    name: str,
    hyper: FamilyHyper,
    *,
    input_size: int,
    hidden_sizes: tuple[int, ...],
    code_size: int,
) -> nn.Module:
    """One family of :data:`FAMILIES`: encoder ``input_size → hidden_sizes → code_size``, the mirror
    decoder, ReLU hidden units and a Bernoulli (cross-entropy) reconstruction for all.

    The contractive autoencoder is the exception its closed-form penalty dictates: its encoder is
    one sigmoid layer (its decoder is the same as the others'). ``contractive_baseline`` is the
    same network trained without the penalty, the contractive autoencoder's own reference.
    """
    sizes = (input_size, *hidden_sizes, code_size)
    if name == "autoencoder":
        return MLPAutoencoder(sizes, reconstruction="cross_entropy")
    if name == "sparse_l1":
        return SparseAutoencoder(sizes, penalty="l1", weight=hyper.l1_weight)
    if name == "sparse_kl":
        return SparseAutoencoder(
            sizes,
            penalty="kl",
            weight=hyper.kl_weight,
            rho=hyper.rho,
            decoder_weight_decay=hyper.kl_decoder_decay,
        )
    if name == "denoising_gaussian":
        return MLPDenoisingAutoencoder(
            sizes, corruption=Corruption("gaussian", hyper.gaussian_sigma)
        )
    if name == "denoising_dropout":
        return MLPDenoisingAutoencoder(sizes, corruption=Corruption("masking", hyper.dropout_nu))
    if name in ("contractive", "contractive_baseline"):
        return ContractiveAutoencoder(
            input_size,
            code_size,
            decoder_hidden=tuple(reversed(hidden_sizes)),
            weight=hyper.contractive_weight if name == "contractive" else 0.0,
        )
    if name in ("vae", "beta_vae"):
        beta = hyper.beta if name == "beta_vae" else 1.0
        return VAE(input_size, code_size, hidden_sizes, likelihood="bernoulli", beta=beta)
    if name == "wae":
        return WAE(input_size, code_size, hidden_sizes, mmd_weight=hyper.mmd_weight)
    if name == "aae":
        return AdversarialAutoencoder(
            input_size,
            code_size,
            hidden_sizes,
            discriminator_sizes=hyper.discriminator_sizes,
            adversarial_weight=hyper.adversarial_weight,
        )
    raise ValueError(f"name must be one of {', '.join(FAMILIES)}; got {name!r}")


@torch.no_grad()
def _cross_entropy(model: nn.Module, x: Tensor, batch_size: int = 2000) -> float:
    """Mean over rows of the Bernoulli cross-entropy of ``model.reconstruct(x)``, in nats."""
    total = 0.0
    for start in range(0, len(x), batch_size):
        chunk = x[start : start + batch_size]
        p = model.reconstruct(chunk)
        total += float(F.binary_cross_entropy(p, chunk, reduction="sum"))
    return total / len(x)


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
    codes = encode_all(model.encode, x_test)
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
class ComparisonTable:
    """Rows of measurements (``{label: {column: value}}``), shown as a Markdown table."""

    rows: Mapping[str, Mapping[str, float]]
    columns: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(COLUMNS))
    first: str = "family"

    def _repr_markdown_(self) -> str:
        keys = list(self.columns)
        rows = []
        for label, row in self.rows.items():
            cells = []
            for k in keys:
                v = row.get(k, math.nan)
                cells.append("—" if v is None or math.isnan(v) else self.columns[k][1].format(v))
            rows.append([label, *cells])
        header = [self.first, *(self.columns[k][0] for k in keys)]
        return Table(header, rows)._repr_markdown_()

    def __repr__(self) -> str:
        return self._repr_markdown_()


@dataclass
class RecordedComparison:
    """The comparison table of a recorded run (``results/<profile>/survey_models_families.json``).

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
        note = (
            f"Recorded run: profile `{run.profile}`, {run.date[:16]}, {freshness(run)}, "
            f"{run.hardware}."
        )
        return note + "\n\n" + ComparisonTable(rows)._repr_markdown_()

    def __repr__(self) -> str:
        return self._repr_markdown_()


def gaps(train: Sequence[float], test: Sequence[float]) -> list[float]:
    """Generalization gaps ``test - train``, element by element."""
    return [b - a for a, b in zip(train, test, strict=True)]


@dataclass(frozen=True, kw_only=True)
class SurveyModelsSettings(ChapterSettings):
    # --- MNIST, shared by families and posteriors
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
    # --- β-VAE on the factor data set
    factors: FactorSpec  #: the shapes data set
    factor_n_train: int  #: images the β-VAEs train on
    factor_n_eval: int  #: images on which MIG and reconstruction are measured
    betas: tuple[float, ...]  #: the β sweep
    beta_latent: int  #: latent size of the β-VAEs
    beta_hidden: tuple[int, ...]  #: their hidden layers
    beta_train: TrainConfig  #: training of each β-VAE
    mig_bins: int  #: bins per code unit when estimating mutual information
    # --- VAE, WAE and AAE posteriors
    posterior_latent: int  #: latent size (2, so that the codes can be drawn)
    posterior_train: TrainConfig  #: training of the three models
    posterior_hyper: FamilyHyper  #: their weights (β = 1 for the VAE)
    # --- criteria of the claims
    max_memorise_train: float  #: training squared error per image the memoriser must reach
    memorise_min_ratio: float  #: its held-out error / its training error, at least
    memorise_min_vs_mean: float  #: its held-out error / the mean image's, at least
    max_sweep_train_ratio: float  #: training error, largest code / code 1, at most
    min_sweep_gap_ratio: float  #: generalization gap, largest code / code 1, at least
    min_sparsity_gain: (
        float | None
    )  #: sparse codes' Hoyer sparsity minus the plain AE's (None: unchecked)
    rho_tolerance: float  #: largest allowed abs(mean activation − ρ) for the KL-sparse code
    max_contraction_ratio: float  #: contractive / plain relative contraction, at most
    max_masked_ratio: float  #: dropout-denoising / plain error from masked input, at most
    max_frechet_ratio: float  #: generative FD / FD of the plain AE decoding prior samples
    min_mig_truth: float  #: MIG of the true factors (1 up to estimation bias), at least
    min_recon_ratio: float  #: β-VAE reconstruction term, largest β / β = 1, at least
    max_kl_ratio: float  #: β-VAE KL term, largest β / β = 1, at most
    min_mig_gain: float | None  #: MIG of the best β > 1 minus MIG at β = 1 (None: unchecked)
    max_posterior_mmd_ratio: float  #: WAE's and AAE's aggregate-posterior MMD² / plain AE's
    min_vae_posterior_std: float  #: VAE's mean posterior standard deviation, at least


_ADAM = dict(batch_size=100, lr=1e-3, optimizer="adam")
_FACTORS = FactorSpec()

SETTINGS = {
    "smoke": SurveyModelsSettings(
        n_train=3000,
        n_test=1000,
        memorise_n=16,
        memorise_sizes=(784, 256, 64, 16, 1),
        memorise=TrainConfig(epochs=400, batch_size=16, lr=2e-3),
        sweep_codes=(1, 4, 16, 64),
        sweep_n_train=300,
        sweep_hidden=(256,),
        sweep=TrainConfig(epochs=30, **_ADAM),
        hidden_sizes=(256,),
        code_size=16,
        families=TrainConfig(epochs=2, **_ADAM),
        hyper=FamilyHyper(),
        classifier_hidden=(256, 128),
        classifier=TrainConfig(epochs=2, **_ADAM),
        n_generated=1000,
        factors=_FACTORS,
        factor_n_train=3000,
        factor_n_eval=1000,
        betas=(1.0, 4.0),
        beta_latent=8,
        beta_hidden=(256,),
        beta_train=TrainConfig(epochs=2, **_ADAM),
        mig_bins=20,
        posterior_latent=2,
        posterior_train=TrainConfig(epochs=5, **_ADAM),
        posterior_hyper=FamilyHyper(),
        max_memorise_train=20.0,
        memorise_min_ratio=2.0,
        memorise_min_vs_mean=0.8,
        max_sweep_train_ratio=0.9,
        min_sweep_gap_ratio=0.0,
        min_sparsity_gain=None,
        rho_tolerance=0.5,
        max_contraction_ratio=1.5,
        max_masked_ratio=1.5,
        max_frechet_ratio=1.5,
        min_mig_truth=0.9,
        min_recon_ratio=1.0,
        max_kl_ratio=1.0,
        min_mig_gain=None,
        max_posterior_mmd_ratio=1.0,
        min_vae_posterior_std=0.0,
    ),
}

_STANDARD = SurveyModelsSettings(
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
    factors=_FACTORS,
    factor_n_train=20_000,
    factor_n_eval=5000,
    betas=(1.0, 2.0, 4.0, 8.0, 16.0),
    beta_latent=8,
    beta_hidden=(256,),
    beta_train=TrainConfig(epochs=20, **_ADAM),
    mig_bins=20,
    posterior_latent=2,
    posterior_train=TrainConfig(epochs=20, **_ADAM),
    posterior_hyper=FamilyHyper(),
    max_memorise_train=5.0,
    memorise_min_ratio=5.0,
    memorise_min_vs_mean=1.0,
    max_sweep_train_ratio=0.3,
    min_sweep_gap_ratio=1.5,
    min_sparsity_gain=0.1,
    rho_tolerance=0.05,
    max_contraction_ratio=0.8,
    max_masked_ratio=0.9,
    max_frechet_ratio=0.5,
    min_mig_truth=0.98,
    min_recon_ratio=1.1,
    max_kl_ratio=0.5,
    min_mig_gain=0.0,
    max_posterior_mmd_ratio=0.1,
    min_vae_posterior_std=0.05,
)

SETTINGS["standard"] = _STANDARD
#: One GPU: the survey's families at the sizes of their own papers (deep MLPs, 100 epochs), the
#: β sweep on 64 × 64 shapes with dSprites' 32 positions per axis, Higgins et al.'s 1200-unit MLP.
SETTINGS["paper"] = dataclasses.replace(
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
    factors=FactorSpec(image_size=64, n_positions=32),
    factor_n_train=100_000,
    factor_n_eval=10_000,
    betas=(1.0, 2.0, 4.0, 6.0, 8.0, 16.0),
    beta_latent=10,
    beta_hidden=(1200, 1200),
    beta_train=TrainConfig(epochs=50, **_ADAM),
    posterior_train=TrainConfig(epochs=100, **_ADAM),
    max_memorise_train=3.0,
    rho_tolerance=0.02,
)
