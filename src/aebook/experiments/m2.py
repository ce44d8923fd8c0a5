"""Chapter 3, third page: semi-supervised learning with M2 (Kingma, Rezende, Mohamed & Welling 2014).

MNIST with 100 labels (10 per class) out of the 50,000 training images, the rest unlabelled; test
error on the 10,000 test images, for M2 on pixels and for M1+M2 (M2 on the codes of a VAE, M1).
The paper reports 11.97 ± 1.71 % for M2 and 3.33 ± 0.14 % for M1+M2 (its Table 1). ``paper`` uses
its architecture (one hidden layer of 500 softplus units in every network, N_z = 50) for hundreds
of epochs and several draws of the labels; ``standard`` trains the same networks for a few epochs,
which is not enough to reach the paper's errors.

How the objective is weighted (see :mod:`aebook.models.m2`) matters within a few epochs. With
the labelled images repeated to half of every minibatch, M2 (standard networks, one thread of a
2-core CPU) reached these test errors after 1, 2 and 3 epochs:

- each labelled row's bound and cross-entropy weighted 1 and 0.1 N / N_l: 27.1, 29.3, 29.0 %;
- the bound weighted 1 / r (once per pass, as in J^α), the cross-entropy 0.1 N / N_l per row:
  24.2, 26.1, 24.1 % (the choice used here);
- both exactly as in J^α (1 / r and 0.1 N / (N_l r)): 50.5, 42.9, 40.6 %.

The bounds below were set with margin from the ``standard`` run.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    max_error: float  #: our M2 test error (mean over seeds) must be at most this, in percent
    min_gain: float | None  #: baseline error minus M2 error, at least (None: not checked)
    m1_hidden_sizes: tuple[int, ...]  #: M1, the VAE whose codes M1+M2 classifies
    m1_epochs: int  #: M1's epochs on all the training images (labels unused)
    m1m2_epochs: int  #: M2's epochs on M1's codes
    m1m2_max_error: float  #: M1+M2 test error must be at most this, in percent
    m1m2_min_gain: float  #: baseline error minus M1+M2 error, at least (points)


SETTINGS = {
    "smoke": M2Settings(
        n_train=3_000,
        n_labelled=100,
        latent_size=50,
        hidden_sizes=(200,),
        activation="softplus",
        alpha_scale=0.1,
        epochs=1,
        batch_size=100,
        lr=1e-3,
        seeds=(0,),
        n_test=1_000,
        baseline_epochs=100,
        max_error=80.0,
        min_gain=-30.0,
        m1_hidden_sizes=(200,),
        m1_epochs=3,
        m1m2_epochs=2,
        m1m2_max_error=90.0,
        m1m2_min_gain=-60.0,
    ),
    "standard": M2Settings(
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
        max_error=32.0,
        min_gain=None,  # not checked: one draw (recorded run: M2 5.4 points ahead of the baseline)
        m1_hidden_sizes=(600, 600),
        m1_epochs=10,
        m1m2_epochs=10,
        m1m2_max_error=22.0,
        m1m2_min_gain=3.0,
    ),
    "paper": M2Settings(
        n_train=50_000,
        n_labelled=100,
        latent_size=50,
        hidden_sizes=(500,),
        activation="softplus",
        alpha_scale=0.1,
        epochs=500,
        batch_size=100,
        lr=3e-4,
        seeds=(0, 1, 2, 3, 4),
        n_test=10_000,
        baseline_epochs=200,
        max_error=15.0,
        min_gain=5.0,
        m1_hidden_sizes=(600, 600),
        m1_epochs=1_000,
        m1m2_epochs=500,
        m1m2_max_error=5.0,
        m1m2_min_gain=15.0,
    ),
}
