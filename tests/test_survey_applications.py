"""The applications chapter's settings and experiment helpers, on small generated data."""

import dataclasses

import numpy as np
import pytest
import torch

from aebook.data.mnist import LabelledImages
from aebook.data.movielens import low_rank_ratings
from aebook.experiments.survey_applications import (
    SETTINGS,
    Table,
    balanced_subset,
    classifiers,
    encode,
    error_table,
    few_label_errors,
    fit_autorec,
    fit_biased_mf,
    item_mean_rmse,
    kmeans_clusters,
    matched_contingency,
    mean_percent,
    one_class_experiment,
    swiss_roll,
    train_autoencoder,
)
from aebook.profiles import CHAPTERS, PROFILES, settings
from aebook.train import TrainConfig


def test_every_profile_has_every_page_stamped_with_its_profile():
    assert CHAPTERS["survey_applications"] == "aebook.experiments.survey_applications"
    for profile in PROFILES:
        cfg = settings("survey_applications", profile)
        for f in dataclasses.fields(cfg):
            part = getattr(cfg, f.name)
            if dataclasses.is_dataclass(part):
                assert part.profile == profile, f"{f.name} in {profile}"
                assert f"Profile `{profile}`" in part._repr_markdown_()


def test_standard_and_paper_criteria_are_the_claims_themselves():
    """In standard and paper a gain must be >= 0: the survey's claim, not a tolerance fitted to it."""
    for profile in ("standard", "paper"):
        cfg = SETTINGS[profile]
        assert cfg.classification.min_gain_features >= 0
        assert cfg.classification.min_gain_regulariser >= 0
        assert cfg.clustering.min_gain_accuracy >= 0 and cfg.clustering.min_gain_nmi >= 0
        assert cfg.recommendation.max_autorec_minus_mf <= 0
        assert cfg.dimensionality_reduction.min_gain_isomap_roll >= 0
        assert cfg.dimensionality_reduction.min_gain_ae_mnist >= 0
    assert SETTINGS["standard"].classification.label_counts == (100, 600, 1000, 3000)


def test_balanced_subset_draws_the_same_number_of_each_class():
    labels = torch.arange(10).repeat(30)
    idx = balanced_subset(labels, 50, seed=3)
    assert torch.equal(torch.bincount(labels[idx]), torch.full((10,), 5))
    assert torch.equal(idx, balanced_subset(labels, 50, seed=3))
    assert not torch.equal(idx, balanced_subset(labels, 50, seed=4))
    with pytest.raises(ValueError, match="multiple"):
        balanced_subset(labels, 55)
    with pytest.raises(ValueError, match="fewer"):
        balanced_subset(labels, 400)


def _blobs(n_per_class=40, seed=0):
    """Ten well-separated Gaussian blobs in 5-D (the same centres for every seed)."""
    centres = torch.randn(10, 5, generator=torch.Generator().manual_seed(123)) * 6
    y = torch.arange(10).repeat_interleave(n_per_class)
    x = centres[y] + torch.randn(len(y), 5, generator=torch.Generator().manual_seed(seed))
    return x, y


def test_few_label_errors_on_separable_blobs():
    x, y = _blobs()
    x_test, y_test = _blobs(seed=1)
    noise = torch.randn_like(x) * 10
    errors = few_label_errors(
        {"informative": (x, x_test), "noise": (noise, torch.randn_like(x_test) * 10)},
        y,
        y_test,
        (10, 50),
        classifiers(10.0, 1.0),
        draws=2,
    )
    assert set(errors) == {
        "SVM (RBF) on informative",
        "logistic regression on informative",
        "SVM (RBF) on noise",
        "logistic regression on noise",
    }
    assert mean_percent(errors["logistic regression on informative"][50]) < 5
    assert mean_percent(errors["SVM (RBF) on noise"][50]) > 70
    assert all(len(per[c]) == 2 for per in errors.values() for c in (10, 50))
    table = error_table(errors)._repr_markdown_()
    assert "| method | 10 labels | 50 labels |" in table and "mean of 2" in table


def test_table_checks_its_rows():
    assert Table(["a", "b"], [[1, 0.123456]])._repr_markdown_().splitlines()[-1] == "| 1 | 0.1235 |"
    with pytest.raises(ValueError, match="one cell per header"):
        Table(["a", "b"], [[1]])


def test_kmeans_recovers_blobs_and_the_contingency_is_diagonal():
    x, y = _blobs()
    clusters = kmeans_clusters(x, 10, n_init=5)
    table, order, matched = matched_contingency(y, clusters)
    assert sorted(matched) == list(range(10)) and sorted(order) == list(range(10))
    assert np.trace(table) >= 0.95 * len(y), "clusters ordered by their matched class"


def test_train_autoencoder_and_encode():
    x = torch.rand(64, 12)
    model, history = train_autoencoder((12, 8, 3), x, TrainConfig(epochs=2, batch_size=16))
    assert not model.training and history.epochs == 2
    codes = encode(model, x, batch_size=10)
    assert codes.shape == (64, 3)
    assert torch.allclose(codes, model.encode(x), atol=1e-6)


def test_one_class_experiment_ranks_an_obvious_anomaly():
    g = torch.Generator().manual_seed(0)

    # class 0: dark images with a bright left half; class 1: a bright right half
    def images(label, n):
        x = 0.05 * torch.rand(n, 16, generator=g)
        half = slice(0, 8) if label == 0 else slice(8, 16)
        x[:, half] += 0.9
        return x

    train = LabelledImages(
        torch.cat([images(0, 200), images(1, 50)]),
        torch.cat([torch.zeros(200), torch.ones(50)]).long(),
        (4, 4),
    )
    test = LabelledImages(
        torch.cat([images(0, 30), images(1, 30)]),
        torch.cat([torch.zeros(30), torch.ones(30)]).long(),
        (4, 4),
    )
    cfg = dataclasses.replace(
        SETTINGS["smoke"].anomaly,
        n_test=60,
        encoder_sizes=(16, 8),
        code_size=2,
        vae_hidden=(8,),
        vae_latent=2,
        pca_components=2,
        autoencoder=TrainConfig(epochs=30, batch_size=20, lr=1e-2),
        vae=TrainConfig(epochs=30, batch_size=20, lr=1e-2),
    )
    result = one_class_experiment(0, train, test, cfg)
    assert result.is_anomaly.sum() == 30
    assert set(result.scores) == set(result.auroc)
    assert all(v > 0.9 for v in result.auroc.values()), result.auroc


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


def test_swiss_roll_is_seeded():
    x, t = swiss_roll(100, 0.0, seed=1)
    assert x.shape == (100, 3) and t.shape == (100,)
    assert torch.equal(x, swiss_roll(100, 0.0, seed=1)[0])
    assert torch.allclose(x[:, 0], t * torch.cos(t), atol=1e-5)  # scikit-learn's parametrisation


def test_recorded_page_reads_back_what_record_wrote(tmp_path, monkeypatch):
    from aebook.results import Claim, record, recorded

    cfg = settings("survey_applications", "smoke").clustering
    missing = recorded("survey_applications_clustering", "smoke", tmp_path)
    assert missing.record is None and "No recorded `smoke` run" in missing._repr_markdown_()
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    claims = [
        Claim.at_least("finding", "gain", 2.5, 0.0, unit="points", statement="> 0"),
        Claim.at_most("guard", "rmse", 1.5, 1.0),
    ]
    record("survey_applications_clustering", claims, cfg, measurements={"pixels: NMI": 0.5})
    shown = recorded("survey_applications_clustering", "smoke", tmp_path)
    assert shown.measurements == {"pixels: NMI": 0.5}
    text = shown._repr_markdown_()
    assert "profile `smoke`" in text
    assert "| pixels: NMI | 0.5 |" in text
    assert "| finding | gain | 2.5 points | ≥ 0 points | ✓ holds |" in text
    assert "| guard | rmse | 1.5 | ≤ 1 | ✗ misses |" in text
    assert "no paper number is judged" in text  # smoke: the ledger judges nothing
