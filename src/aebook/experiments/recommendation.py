"""Chapter 4, recommendation (Bank, Koenigstein & Giryes 2020): I-AutoRec against BiasedMF.

Sedhain et al.'s item-based AutoRec and a biased matrix factorisation on MovieLens 100k, each
with its penalty chosen on held-out ratings, against the item-mean baseline.

No criterion is a setting: the page's guards ask each model to beat the item-mean baseline
measured on the same splits, and its finding is the paper's direction, I-AutoRec's test RMSE
minus BiasedMF's at most 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch

from aebook.data.movielens import Ratings
from aebook.models.autorec import BiasedMF, IAutoRec, rmse
from aebook.profiles import ChapterSettings
from aebook.train import History, TrainConfig, fit


@dataclass(frozen=True, kw_only=True)
class RecommendationSettings(ChapterSettings):
    test_fraction: float  #: share of the ratings held out for the test RMSE (paper: 10 %)
    valid_fraction: float  #: share of the training ratings held out to choose λ and stop early
    splits: int  #: random train/test splits averaged (paper: 5)
    hidden: int  #: I-AutoRec hidden units (paper: 500)
    autorec_l2: tuple[float, ...]  #: λ values tried, chosen on the validation ratings
    autorec: TrainConfig  #: training of I-AutoRec (full batches of items)
    mf_rank: int  #: rank of the matrix factorisation
    mf_l2: tuple[float, ...]  #: penalty weights tried, chosen on the validation ratings
    mf: TrainConfig  #: training of BiasedMF


_STANDARD = RecommendationSettings(
    test_fraction=0.1,
    valid_fraction=0.05,
    splits=2,
    hidden=500,
    autorec_l2=(10.0, 100.0, 1000.0),
    autorec=TrainConfig(epochs=400, batch_size=2000, lr=1e-2, early_stopping=20),
    mf_rank=50,
    mf_l2=(0.03, 0.1, 0.3),
    mf=TrainConfig(epochs=200, batch_size=256, lr=3e-3, early_stopping=10),
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        splits=1,
        hidden=100,
        autorec_l2=(100.0,),
        autorec=TrainConfig(epochs=80, batch_size=2000, lr=1e-2),
        mf_rank=10,
        mf_l2=(0.1,),
        mf=TrainConfig(epochs=3, batch_size=256, lr=3e-3),
    ),
    "standard": _STANDARD,
    # Sedhain et al.'s λ grid and five splits.
    "paper": replace(
        _STANDARD,
        splits=5,
        autorec_l2=(0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0),
        autorec=TrainConfig(epochs=2000, batch_size=2000, lr=1e-2, early_stopping=50),
        mf_l2=(0.01, 0.03, 0.1, 0.3),
    ),
}


@dataclass
class RecommenderFit:
    """A trained rating model, the hyperparameter chosen, and its validation and test RMSE."""

    name: str
    model: torch.nn.Module
    chosen: float
    valid_rmse: float
    history: History
    tried: dict[float, float]  #: validation RMSE of every value tried


def fit_autorec(
    train: Ratings, valid: Ratings, hidden: int, l2_grid: Sequence[float], config: TrainConfig
) -> RecommenderFit:
    """I-AutoRec for every λ of ``l2_grid``, early-stopped and chosen on ``valid`` ratings."""
    matrix, mask = train.item_matrix()
    v_matrix, v_mask = valid.item_matrix()
    best: RecommenderFit | None = None
    tried = {}
    for l2 in l2_grid:
        torch.manual_seed(config.seed)
        model = IAutoRec(train.n_users, train.n_items, hidden, l2=l2)
        history = fit(
            model,
            (matrix, mask),
            replace(
                config, monitor="squared_error_per_item", early_stopping=config.early_stopping or 20
            ),
            valid=(matrix, mask, v_matrix, v_mask),
        )
        model.cpu()
        score = rmse(model.predict(matrix, mask, valid.users, valid.items), valid.values)
        tried[l2] = score
        if best is None or score < best.valid_rmse:
            best = RecommenderFit("I-AutoRec", model, l2, score, history, tried)
    assert best is not None
    return best


def fit_biased_mf(
    train: Ratings, valid: Ratings, rank: int, l2_grid: Sequence[float], config: TrainConfig
) -> RecommenderFit:
    """BiasedMF for every penalty of ``l2_grid``, early-stopped and chosen on ``valid`` ratings."""
    best: RecommenderFit | None = None
    tried = {}
    for l2 in l2_grid:
        model = BiasedMF(
            train.n_users,
            train.n_items,
            rank,
            l2=l2,
            global_mean=float(train.values.mean()),
            generator=torch.Generator().manual_seed(config.seed),
        )
        history = fit(
            model,
            (train.users, train.items, train.values),
            replace(config, monitor="squared_error", early_stopping=config.early_stopping or 10),
            valid=(valid.users, valid.items, valid.values),
        )
        model.cpu()
        score = rmse(model.predict(valid.users, valid.items), valid.values)
        tried[l2] = score
        if best is None or score < best.valid_rmse:
            best = RecommenderFit("BiasedMF", model, l2, score, history, tried)
    assert best is not None
    return best


def item_mean_rmse(train: Ratings, test: Ratings, prior: float = 5.0) -> float:
    """RMSE of predicting each item's mean training rating, shrunk towards the global mean.

    ``prior`` is the weight (in ratings) of the global mean; an item without training ratings gets
    the global mean. The simplest baseline that uses the data at all.
    """
    mu = float(train.values.mean())
    sums = torch.zeros(train.n_items).index_add_(0, train.items, train.values)
    counts = torch.bincount(train.items, minlength=train.n_items).float()
    means = (sums + prior * mu) / (counts + prior)
    return rmse(means[test.items], test.values)
