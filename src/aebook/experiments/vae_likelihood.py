"""Chapter 3, second page: the marginal likelihood of a VAE by importance sampling.

Two one-stochastic-layer VAEs with 50 latent dimensions are trained on MNIST, one with dynamic
binarization and one on Larochelle & Murray's fixed binarization, and their test log-likelihood is
estimated with k importance samples. The reference numbers are Burda et al. (2015): −86.76 nats
(dynamic, Table 1, VAE with k = 1) and −88.71 nats (static, appendix D), both for a 784-200-200-50
tanh network trained for 3,280 epochs. ``paper`` trains that network for that long (with a cosine
schedule in place of their step schedule); ``standard`` trains a wider single-hidden-layer network
for 20 epochs, which lands several nats short; ``smoke`` only runs the code.

Measured on a 2-core CPU (one thread): standard reaches about −93 nats (dynamic) and −95 (static).
"""

from __future__ import annotations

from dataclasses import dataclass

from aebook.models import VAERecipe
from aebook.profiles import ChapterSettings


@dataclass(frozen=True, kw_only=True)
class LikelihoodSettings(ChapterSettings):
    recipe: VAERecipe  #: architecture and optimiser of both VAEs
    latent_size: int  #: N_z
    lr_schedule: str  #: "constant" or "cosine"
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
    min_dynamic_ll: float  #: our dynamic test log-likelihood must be at least this
    min_static_ll: float  #: and the static one at least this
    paper_tolerance: float | None  #: in ``paper``: allowed distance to the reference numbers


SETTINGS = {
    "smoke": LikelihoodSettings(
        recipe=VAERecipe((200,), "relu", "adam", 1e-3),
        latent_size=50,
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
        linear_k=5_000,
        linear_tolerance=0.05,
        min_dynamic_ll=-260.0,
        min_static_ll=-300.0,
        paper_tolerance=None,
    ),
    "standard": LikelihoodSettings(
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
        min_dynamic_ll=-96.0,
        min_static_ll=-98.0,
        paper_tolerance=None,
    ),
    "paper": LikelihoodSettings(
        recipe=VAERecipe((200, 200), "tanh", "adam", 1e-3),
        latent_size=50,
        lr_schedule="cosine",
        dynamic_n_train=60_000,
        dynamic_epochs=3_280,
        static_n_train=50_000,
        static_epochs=3_280,
        early_stopping=None,
        n_test=10_000,
        k=5_000,
        k_curve=(1, 10, 100, 1_000, 5_000),
        k_curve_n_test=1_000,
        linear_k=5_000,
        linear_tolerance=0.05,
        min_dynamic_ll=-88.0,
        min_static_ll=-90.0,
        paper_tolerance=1.5,
    ),
}
