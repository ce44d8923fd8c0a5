"""The recommendation page: I-AutoRec and BiasedMF chosen on validation ratings."""

import pytest
import torch

from aebook.data.movielens import low_rank_ratings
from aebook.experiments.recommendation import fit_autorec, fit_biased_mf, item_mean_rmse
from aebook.train import TrainConfig


def test_recommenders_choose_on_validation_and_beat_the_global_mean():
    r = low_rank_ratings(150, 100, 4000, rank=3, noise=0.3, seed=0)
    train_all, test = r.split(0.1, seed=0)
    train, valid = train_all.split(0.1, seed=1)
    autorec = fit_autorec(
        train, valid, 10, (1.0, 10.0), TrainConfig(epochs=300, batch_size=200, lr=1e-2)
    )
    mf = fit_biased_mf(train, valid, 5, (0.01, 0.1), TrainConfig(epochs=30, batch_size=64, lr=1e-2))
    for f in (autorec, mf):
        assert set(f.tried) == ({1.0, 10.0} if f is autorec else {0.01, 0.1})
        assert f.valid_rmse == min(f.tried.values()) and f.tried[f.chosen] == f.valid_rmse
    mean = float(train.values.mean())
    baseline = float((valid.values - mean).pow(2).mean().sqrt())  # predict the global mean
    assert mf.valid_rmse < 0.9 * baseline and autorec.valid_rmse < 0.9 * baseline


def test_item_mean_shrinks_towards_the_global_mean():
    r = low_rank_ratings(50, 40, 600, seed=2)
    train, test = r.split(0.2, seed=0)
    mu = float(train.values.mean())
    from aebook.models.autorec import rmse

    global_only = rmse(torch.full_like(test.values, mu), test.values)
    assert item_mean_rmse(train, test, prior=1e9) == pytest.approx(global_only, rel=1e-4)
