"""The semi-supervised M2 model: its bounds, the objective's weighting, the label split, and
learning from a few labels on a toy problem."""

import math

import pytest
import torch

from aebook.data.labels import UNLABELLED, balanced_subset, mix_labelled
from aebook.evaluate import classification_error, predict
from aebook.models.m2 import (
    M2,
    paper_alpha,
)
from aebook.train import TrainConfig, fit


def deterministic_m2(**kwargs):
    """A small M2 whose encoder variance is ~0, so the one-sample bounds do not depend on noise."""
    torch.manual_seed(0)
    model = M2(12, n_classes=3, latent_size=2, hidden_sizes=(8,), **kwargs)
    with torch.no_grad():
        model.encoder.log_var.weight.zero_()
        model.encoder.log_var.bias.fill_(-40.0)
    return model


def per_class_bounds(model, x):
    return torch.stack(
        [model.labelled_bound(x, torch.full((len(x),), k)) for k in range(model.n_classes)], 1
    )


def test_unlabelled_bound_is_the_q_weighted_bound_plus_entropy():
    model = deterministic_m2()
    x = torch.rand(5, 12).round()
    with torch.no_grad():
        bounds = per_class_bounds(model, x)
        q = torch.softmax(model(x), 1)
        expected = (q * bounds).sum(1) - (q * q.log()).sum(1)
        torch.testing.assert_close(model.unlabelled_bound(x), expected)


def test_every_class_at_once_is_the_encoder_on_k_copies():
    """The unlabelled bound encodes x once for all K classes (the first layer's product with x
    shared): the same bounds, from the same draws, as the labelled bound of K copies of x."""
    torch.manual_seed(0)
    model = M2(12, n_classes=3, latent_size=2, hidden_sizes=(8, 6))
    x = torch.rand(5, 12).round()
    k, logits = model.n_classes, model(x)
    torch.manual_seed(1)
    got = model.unlabelled_bound(x, logits)
    torch.manual_seed(1)
    every_class = torch.arange(k).repeat_interleave(len(x))
    bounds = model.labelled_bound(x.repeat(k, 1), every_class).view(k, len(x)).T
    q = torch.softmax(logits, 1)
    expected = (q * bounds).sum(1) - (q * q.log()).sum(1)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_unlabelled_bound_is_largest_when_q_is_the_posterior_over_classes():
    """max over q(y|x) of Σ q (−L) + H(q) is log Σ_y exp(−L(x, y)), reached at q ∝ exp(−L)."""
    model = deterministic_m2()
    x = torch.rand(5, 12).round()
    with torch.no_grad():
        bounds = per_class_bounds(model, x)
        best = torch.logsumexp(bounds, 1)
        torch.testing.assert_close(model.unlabelled_bound(x, logits=bounds), best)
        other = model.unlabelled_bound(x, logits=torch.randn(5, 3))
    assert (other < best - 1e-4).all()


def test_loss_weighs_bounds_and_classification_as_documented():
    model = deterministic_m2(alpha=7.0, labelled_weight=0.25)
    x = torch.rand(6, 12).round()
    y = torch.tensor([0, UNLABELLED, 2, UNLABELLED, UNLABELLED, 1])
    lab = y >= 0
    with torch.no_grad():
        out = model.loss((x, y))
        neg_l = -model.labelled_bound(x[lab], y[lab])
        neg_u = -model.unlabelled_bound(x[~lab])
        ce = torch.nn.functional.cross_entropy(model(x[lab]), y[lab], reduction="sum")
    expected = (0.25 * neg_l.sum() + neg_u.sum() + 7.0 * ce) / 6
    torch.testing.assert_close(out["loss"], expected)
    assert out["labelled_bound"] < 0 and out["unlabelled_bound"] < 0
    # all-labelled and all-unlabelled batches work too
    assert torch.isfinite(model.loss((x[lab], y[lab]))["loss"])
    assert model.loss((x[~lab], y[~lab]))["cross_entropy"] == 0


def test_the_prior_adds_half_the_squared_weights_and_classifier_biases_over_n():
    model = deterministic_m2(alpha=7.0, prior_weight=0.01)
    plain = deterministic_m2(alpha=7.0)
    x = torch.rand(4, 12).round()
    y = torch.tensor([0, UNLABELLED, 2, UNLABELLED])
    linear = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    squares = sum(m.weight.square().sum() for m in linear)
    squares += sum(m.bias.square().sum() for m in model.classifier if hasattr(m, "bias"))
    torch.manual_seed(1)
    with_prior = model.loss((x, y))["loss"]
    torch.manual_seed(1)
    without = plain.loss((x, y))["loss"]
    torch.testing.assert_close(with_prior - without, 0.01 * 0.5 * squares)
    model.encoder.body[0][0].bias.data += 1.0  # the encoder's biases have no prior
    torch.testing.assert_close(model.prior_penalty(), 0.5 * squares)
    with pytest.raises(ValueError, match="prior_weight"):
        M2(4, prior_weight=-1.0)


def test_paper_alpha_and_arguments():
    assert paper_alpha(50_000, 100) == pytest.approx(50.0)
    with pytest.raises(ValueError, match="n_labelled"):
        paper_alpha(10, 0)
    with pytest.raises(ValueError, match="likelihood"):
        M2(4, likelihood="poisson")
    with pytest.raises(ValueError, match="alpha"):
        M2(4, alpha=-1)
    with pytest.raises(ValueError, match="hidden_sizes"):
        M2(4, hidden_sizes=())


def test_learns_two_classes_from_four_labels():
    """Two clusters of binary vectors; 2 labels per class and 400 unlabelled examples."""
    g = torch.Generator().manual_seed(0)
    y_all = torch.arange(2).repeat(300)
    probs = torch.full((600, 20), 0.1)
    probs[y_all == 0, :10] = 0.9
    probs[y_all == 1, 10:] = 0.9
    x_all = torch.bernoulli(probs, generator=g)
    train, test = slice(0, 400), slice(400, 600)
    labelled = balanced_subset(y_all[train], 4, n_classes=2, seed=0)
    unlabelled = torch.ones(400, dtype=torch.bool)
    unlabelled[labelled] = False
    x_train, y_train = x_all[train], y_all[train]
    xs, ys = mix_labelled(
        x_train[unlabelled], x_train[labelled], y_train[labelled], labelled_share=0.5
    )
    torch.manual_seed(0)
    model = M2(20, n_classes=2, latent_size=2, hidden_sizes=(16,), alpha=paper_alpha(400, 4))
    fit(model, (xs, ys), TrainConfig(epochs=15, batch_size=50, lr=3e-3), device="cpu")
    error = classification_error(predict(model, x_all[test]), y_all[test])
    assert error.percent < 5, str(error)
    images = model.sample(torch.tensor([0, 1]))
    assert images.shape == (2, 20) and images[0, :10].mean() > images[0, 10:].mean()
    grid = model.analogies(x_all[test][:3])
    assert grid.shape == (6, 20) and math.isfinite(grid.sum().item())


def test_gaussian_m2_on_unbounded_codes():
    """M1+M2: M2 with an unsquashed Gaussian decoder models real-valued codes."""
    model = M2(
        6, n_classes=3, latent_size=2, hidden_sizes=(8,), likelihood="gaussian", squash_mean=False
    )
    codes = 5 * torch.randn(4, 6)
    with torch.no_grad():
        mean, _ = model.decoder(torch.randn(4, 5))
        out = model.loss((codes, torch.tensor([0, -1, 2, -1])))
    assert mean.abs().max() > 0 and torch.isfinite(out["loss"])
    squashed = M2(6, n_classes=3, latent_size=2, hidden_sizes=(8,), likelihood="gaussian")
    assert 0 < squashed.decoder(torch.randn(4, 5))[0].min()


def test_the_released_minibatches_hold_one_labelled_image_each_and_every_image_once():
    from aebook.experiments.m2 import released_minibatches

    labelled, unlabelled = torch.arange(10), torch.arange(10, 1_000)
    rows = released_minibatches(labelled, unlabelled, 10, seed=0)
    assert rows.shape == (10, 100)
    assert (rows[:, 0] < 10).all() and (rows[:, 1:] >= 10).all()  # labelled first, one per row
    assert torch.equal(rows.flatten().sort().values, torch.arange(1_000))
    assert torch.equal(rows, released_minibatches(labelled, unlabelled, 10, seed=0))
    assert not torch.equal(rows, released_minibatches(labelled, unlabelled, 10, seed=1))
    with pytest.raises(ValueError, match="990 unlabelled images must split evenly into the 7"):
        released_minibatches(torch.arange(7), unlabelled, 7, seed=0)


def test_the_released_initialisations():
    from aebook.experiments.m2 import init_released_m1, init_released_m2
    from aebook.models import VAE

    torch.manual_seed(0)
    model = init_released_m2(M2(400, hidden_sizes=(300,), likelihood="gaussian"))
    assert model.classifier[0].weight.std().item() == pytest.approx(1e-3, rel=0.05)
    assert (model.classifier[0].bias == 0).all() and (model.encoder.log_var.weight == 0).all()
    assert model.encoder.mean.bias.std().item() == pytest.approx(1e-3, rel=0.3)
    assert model.decoder.body[0][0].bias.std().item() == pytest.approx(1e-3, rel=0.3)
    assert (model.decoder.mean_head.bias == 0).all()
    m1 = init_released_m1(VAE(784, 50, (500, 500), activation="softplus"))
    first = m1.encoder.body[0][0]
    assert first.weight.std().item() == pytest.approx(1 / math.sqrt(784), rel=0.05)
    assert first.bias.std().item() == pytest.approx(1e-3, rel=0.3)
    assert (m1.encoder.log_var.weight == 0).all() and (m1.encoder.log_var.bias == 0).all()
    assert (m1.decoder.net[-1].bias == 0).all()


def test_the_paper_profile_trains_by_the_released_procedure_and_the_others_as_before():
    from aebook.experiments.m2 import SETTINGS, released_settings

    paper = SETTINGS["paper"]
    assert paper.procedure == "released" and paper.m1m2_hidden_sizes == (300,)
    assert paper.hidden_sizes == (500,) and paper.m1_hidden_sizes == (500, 500)
    assert paper.n_train // paper.batch_size == paper.n_labelled  # one label per minibatch
    assert len(paper.seeds) >= 5 and paper.lr == 3e-4
    for profile in ("smoke", "standard"):  # the page's procedure, its sizes unchanged
        cfg = SETTINGS[profile]
        assert cfg.procedure == "book" and cfg.m1m2_hidden_sizes == cfg.hidden_sizes
        assert (cfg.m1_batch_size, cfg.m1_lr) == (100, 1e-3)
    with pytest.raises(ValueError, match="procedure must be 'released'"):
        released_settings("standard")
    with pytest.raises(ValueError, match="procedure must be one of book, released"):
        released_settings("paper", {"procedure": "authors"})
