"""Chapter 4, classification with few labels (Bank, Koenigstein & Giryes 2020).

Autoencoder features against pixels for an SVM and a logistic regression trained on a few
balanced labels, and a classifier regularised by reconstruction (λ > 0) against the same network
without it. The criteria are the survey's claims, the same in every profile and written where the
page builds them ("autoencoder features beat pixels": a gain of at least 0 points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch import Tensor

from aebook.data.labels import balanced_subset
from aebook.evaluate.classification import ErrorRate, classification_error
from aebook.profiles import ChapterSettings
from aebook.results.table import Table
from aebook.train import TrainConfig


@dataclass(frozen=True, kw_only=True)
class ClassificationSettings(ChapterSettings):
    n_unlabelled: int  #: MNIST training images used without their labels
    n_test: int  #: MNIST test images the errors are measured on
    label_counts: tuple[int, ...]  #: sizes of the labelled set (balanced over the 10 digits)
    draws: int  #: independent draws of the labelled set per size; errors are averaged
    encoder_sizes: tuple[int, ...]  #: encoder layers before the code (decoder mirrors them)
    code_size: int  #: autoencoder code size = number of principal components
    autoencoder: TrainConfig  #: the unsupervised autoencoder
    svm_c: float  #: C of the RBF support vector machine
    logistic_c: float  #: C (inverse L2 strength) of the logistic regression
    regulariser_lam: float  #: λ of L = L(y, ŷ) + λ·R(x, x̂)
    regularised_pool: int  #: unlabelled images mixed into the regularised network's training set
    labelled_share: float  #: share of labelled examples in the mixed training set
    regularised: TrainConfig  #: training of the classifier with (λ > 0) and without (λ = 0) R


_AE = dict(batch_size=100, lr=1e-3, optimizer="adam")

_STANDARD = ClassificationSettings(
    n_unlabelled=50_000,
    n_test=10_000,
    label_counts=(100, 600, 1000, 3000),
    draws=3,
    encoder_sizes=(784, 512, 256),
    code_size=32,
    autoencoder=TrainConfig(epochs=10, **_AE),
    svm_c=10.0,
    logistic_c=0.1,
    regulariser_lam=1.0,
    regularised_pool=20_000,
    labelled_share=0.2,
    regularised=TrainConfig(epochs=5, **_AE),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        n_unlabelled=4000,
        n_test=2000,
        label_counts=(100, 600),
        draws=1,
        encoder_sizes=(784, 256),
        autoencoder=TrainConfig(epochs=10, batch_size=100, lr=3e-3),
        regularised_pool=4000,
        regularised=TrainConfig(epochs=8, batch_size=100, lr=3e-3),
    ),
    "standard": _STANDARD,
    # The papers' own scale, for one GPU: ten label draws, Xie et al.'s (DEC) encoder, every image.
    "paper": replace(
        _STANDARD,
        draws=10,
        encoder_sizes=(784, 1000, 500, 250),
        autoencoder=TrainConfig(epochs=100, **_AE),
        regularised_pool=50_000,
        regularised=TrainConfig(epochs=30, **_AE),
    ),
}


def classifiers(svm_c: float, logistic_c: float) -> dict[str, Callable[[], object]]:
    """The two scikit-learn classifiers of the page, each after standardising its features."""
    return {
        "SVM (RBF)": lambda: make_pipeline(StandardScaler(), SVC(C=svm_c, gamma="scale")),
        "logistic regression": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(C=logistic_c, max_iter=3000)
        ),
    }


def few_label_errors(
    features: Mapping[str, tuple[Tensor, Tensor]],
    pool_labels: Tensor,
    test_labels: Tensor,
    label_counts: Sequence[int],
    make_classifier: Mapping[str, Callable[[], object]],
    *,
    draws: int = 1,
    seed: int = 0,
) -> dict[str, dict[int, list[ErrorRate]]]:
    """Test errors of every classifier on every feature set, for each number of labels.

    ``features[name] = (pool, test)``: features of the labelled pool (from which balanced subsets
    are drawn) and of the test set. The same labelled subset is used for every feature set and
    classifier of a draw. Returns ``errors["<classifier> on <features>"][count]`` with one
    :class:`~aebook.evaluate.classification.ErrorRate` per draw.
    """
    out: dict[str, dict[int, list[ErrorRate]]] = {}
    y_test = test_labels.cpu()
    for count in label_counts:
        for draw in range(draws):
            idx = balanced_subset(pool_labels, count, seed=seed + 1000 * draw + count)
            y = pool_labels.cpu()[idx].numpy()
            for fname, (pool, test) in features.items():
                train_x, test_x = pool.cpu()[idx].numpy(), test.cpu().numpy()
                for cname, make in make_classifier.items():
                    pred = make().fit(train_x, y).predict(test_x)
                    err = classification_error(torch.as_tensor(pred), y_test)
                    out.setdefault(f"{cname} on {fname}", {}).setdefault(count, []).append(err)
    return out


def mean_percent(errors: Sequence[ErrorRate]) -> float:
    """The average test error in percent over draws."""
    return float(np.mean([e.percent for e in errors]))


def error_table(errors: Mapping[str, Mapping[int, Sequence[ErrorRate]]]) -> Table:
    """Rows: methods; columns: label counts; cells: the error with its 95 % interval when there is
    one draw, else the mean error over the draws."""
    counts = sorted({c for per in errors.values() for c in per})
    rows = []
    for name, per in errors.items():
        cells = []
        for c in counts:
            errs = per.get(c, [])
            if not errs:
                cells.append("—")
            elif len(errs) == 1:
                cells.append(str(errs[0]))
            else:
                cells.append(f"{mean_percent(errs):.2f} % (mean of {len(errs)})")
        rows.append([name, *cells])
    return Table(["method", *[f"{c} labels" for c in counts]], rows)
