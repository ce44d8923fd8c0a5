"""Chapter 3, third page: semi-supervised learning with M2 (Kingma, Rezende, Mohamed & Welling 2014).

MNIST with 100 labels (10 per class) out of the 50,000 training images, the rest unlabelled; test
error on the 10,000 test images, for M2 on pixels and for M1+M2 (M2 on the codes of a VAE, M1).
The paper reports 11.97 ± 1.71 % for M2 and 3.33 ± 0.14 % for M1+M2 (its Table 1). ``paper`` uses
its architecture (one hidden layer of 500 softplus units in every network, N_z = 50) for hundreds
of epochs and several draws of the labels; ``standard`` trains the same networks for a few epochs,
which is not enough to reach the paper's errors.

``paper`` follows the authors' released code for 100 labels (dpkingma/nips14-ssl,
``run_2layer_ssl.py`` and ``learn_yz_x_ss.py``) where :mod:`aebook.models.m2` can;
:data:`PAPER_DEPARTURES` lists where it cannot. The bounds on the errors below were fixed before
the first ``standard`` run (30 % and 15 %); the paper's numbers themselves are judged by the
ledger (:mod:`aebook.results.papers`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.profiles import ChapterSettings


@dataclass(frozen=True, kw_only=True)
class M2Settings(ChapterSettings):
    n_train: int  #: MNIST training images (labelled + unlabelled; the paper's 50,000)
    n_labelled: int  #: labels used, balanced over the 10 classes
    latent_size: int  #: N_z
    hidden_sizes: tuple[int, ...]  #: hidden layers of every network
    activation: str  #: their activation
    alpha_scale: float  #: the paper's α = alpha_scale · N
    epochs: int  #: passes over the unlabelled images (each pass also sees as many labelled rows)
    batch_size: int
    lr: float  #: Adam's step
    seeds: tuple[int, ...]  #: one run per seed; each draws its own labels
    n_test: int  #: test images
    baseline_epochs: int  #: supervised-only classifier, trained on the labelled images alone
    max_error: float  #: M2 test error (%) expected at this budget, fixed before the run
    min_gain: float | None  #: baseline error minus M2 error, at least (None: not checked)
    m1_hidden_sizes: tuple[int, ...]  #: M1, the VAE whose codes M1+M2 classifies
    m1_epochs: int  #: M1's epochs on all the training images (labels unused)
    m1m2_epochs: int  #: M2's epochs on M1's codes
    m1m2_max_error: float  #: M1+M2 test error (%) expected at this budget, fixed before the run
    m1m2_min_gain: float | None  #: baseline error minus M1+M2 error, at least (None: not checked)


#: Where ``paper`` still departs from the authors' released code for 100 labels, shown on the page.
PAPER_DEPARTURES = (
    "M2 on M1's codes has one hidden layer of 500 here (``hidden_sizes`` is shared with M2 on "
    "pixels); the code uses 300",
    "the classification term: weighted α·N/N_l on every labelled row of every minibatch, with the "
    "labelled images repeated to half of each minibatch; the code applies it once per pass per "
    "labelled example (100 minibatches of 1 labelled and 499 unlabelled images), so ours is about "
    "499 times the code's",
    "M1: trained here for ``m1_epochs``; the code loads a pretrained model ('longrun') whose "
    "training length it does not record",
    "M2 on pixels: the code has no script for it with 100 labels; its settings follow the paper's "
    "text",
)


_STANDARD = M2Settings(
    n_train=50_000,
    n_labelled=100,
    latent_size=50,
    hidden_sizes=(500,),
    activation="softplus",
    alpha_scale=0.1,
    epochs=6,
    batch_size=100,
    lr=1e-3,
    seeds=(0,),
    n_test=10_000,
    baseline_epochs=200,
    max_error=30.0,
    min_gain=0.0,
    m1_hidden_sizes=(600, 600),
    m1_epochs=10,
    m1m2_epochs=10,
    m1m2_max_error=15.0,
    m1m2_min_gain=3.0,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_train=3_000,
        hidden_sizes=(200,),
        epochs=1,
        n_test=1_000,
        baseline_epochs=100,
        max_error=80.0,
        min_gain=None,
        m1_hidden_sizes=(200,),
        m1_epochs=3,
        m1m2_epochs=2,
        m1m2_max_error=80.0,
        m1m2_min_gain=None,
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        epochs=3_000,  # passes, as the released code
        lr=3e-4,
        seeds=(0, 1, 2, 3, 4),
        max_error=15.0,
        min_gain=5.0,
        m1_hidden_sizes=(500, 500),
        m1_epochs=1_000,
        m1m2_epochs=3_000,
        m1m2_max_error=5.0,
        m1m2_min_gain=15.0,
    ),
}
