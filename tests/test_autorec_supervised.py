"""I-AutoRec and BiasedMF (rating prediction) and the supervised autoencoder (a regulariser)."""

import math

import pytest
import torch
import torch.nn.functional as F

from aebook.data.labels import UNLABELLED
from aebook.data.movielens import low_rank_ratings
from aebook.models.autorec import BiasedMF, IAutoRec, rmse
from aebook.models.supervised import SupervisedAutoencoder
from aebook.objectives import bernoulli_nll
from aebook.train import TrainConfig, fit

# ---- I-AutoRec --------------------------------------------------------------------------------


def _small_matrix(seed=0, items=6, users=5):
    g = torch.Generator().manual_seed(seed)
    ratings = torch.randint(1, 6, (items, users), generator=g).float()
    mask = torch.rand(items, users, generator=g) < 0.5
    return ratings * mask, mask


def test_autorec_loss_counts_only_observed_ratings():
    torch.manual_seed(0)
    model = IAutoRec(5, 6, hidden=4, l2=0.0)
    ratings, mask = _small_matrix()
    before = model.loss((ratings, mask))["loss"]
    # an unobserved entry may hold anything: neither the input nor the target sees it
    noisy = ratings + 7.0 * (~mask)
    assert torch.allclose(model.loss((noisy, mask))["loss"], before)
    out = model(ratings)
    expected = ((ratings - out).pow(2) * mask).sum(1).mean()
    assert torch.allclose(before, expected)


def test_autorec_objective_adds_up_to_the_papers_over_an_epoch():
    """Σ over a partition of the items of (batch size × batch loss) = objective of the paper."""
    torch.manual_seed(0)
    n_items, lam = 6, 0.7
    model = IAutoRec(5, n_items, hidden=4, l2=lam)
    ratings, mask = _small_matrix()
    paper = ((ratings - model(ratings)).pow(2) * mask).sum() + lam / 2 * (
        model.encoder.weight.pow(2).sum() + model.decoder.weight.pow(2).sum()
    )
    total = sum(
        len(ratings[s]) * model.loss((ratings[s], mask[s]))["loss"]
        for s in (slice(0, 2), slice(2, 6))
    )
    assert torch.allclose(total, paper)


def test_autorec_scores_held_out_ratings_given_training_ones():
    torch.manual_seed(0)
    model = IAutoRec(5, 6, hidden=4, l2=0.0)
    ratings, mask = _small_matrix(0)
    targets, target_mask = _small_matrix(1)
    out = model((ratings, mask, targets, target_mask)[0])
    expected = ((targets - out).pow(2) * target_mask).sum(1).mean()
    assert torch.allclose(model.loss((ratings, mask, targets, target_mask))["loss"], expected)
    with pytest.raises(ValueError, match="batch must be"):
        model.loss((ratings,))


def test_autorec_prediction_uses_the_default_for_unseen_users_and_items_and_clips():
    model = IAutoRec(3, 3, hidden=2, l2=0.0)
    with torch.no_grad():
        model.decoder.bias.fill_(9.0)  # every reconstruction far above the scale
        model.decoder.weight.zero_()
    ratings = torch.tensor([[4.0, 0.0, 0.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
    mask = ratings > 0
    users = torch.tensor([0, 0, 1])
    items = torch.tensor([0, 1, 2])
    pred = model.predict(ratings, mask, users, items)
    # (0, 0): known user and item -> clipped to 5; item 1 has no rating, user 1 has none -> 3
    assert pred.tolist() == [5.0, 3.0, 3.0]


def test_autorec_and_mf_learn_a_low_rank_matrix_better_than_the_mean():
    r = low_rank_ratings(120, 80, 3000, rank=2, noise=0.3, seed=0)
    train, test = r.split(0.1, seed=0)
    mean = rmse(torch.full_like(test.values, float(train.values.mean())), test.values)
    matrix, mask = train.item_matrix()
    torch.manual_seed(0)
    autorec = IAutoRec(r.n_users, r.n_items, hidden=20, l2=1.0)
    fit(autorec, (matrix, mask), TrainConfig(epochs=150, batch_size=80, lr=1e-2), progress=False)
    ours = rmse(autorec.predict(matrix, mask, test.users, test.items), test.values)
    mf = BiasedMF(r.n_users, r.n_items, 4, l2=0.02, global_mean=float(train.values.mean()))
    fit(
        mf,
        (train.users, train.items, train.values),
        TrainConfig(epochs=40, batch_size=64, lr=1e-2),
        progress=False,
    )
    theirs = rmse(mf.predict(test.users, test.items), test.values)
    assert ours < 0.9 * mean and theirs < 0.9 * mean


def test_autorec_checks_its_arguments():
    with pytest.raises(ValueError, match="hidden"):
        IAutoRec(5, 5, hidden=0)
    with pytest.raises(ValueError, match="l2"):
        IAutoRec(5, 5, l2=-1.0)
    with pytest.raises(ValueError, match="activation must be one of identity"):
        IAutoRec(5, 5, output_activation="cubic")


# ---- BiasedMF ---------------------------------------------------------------------------------


def test_biased_mf_predicts_mean_plus_biases_plus_dot_product():
    model = BiasedMF(3, 4, rank=2, l2=0.5, global_mean=3.0)
    with torch.no_grad():
        model.user_bias.copy_(torch.tensor([0.1, 0.2, 0.3]))
        model.item_bias.copy_(torch.tensor([-1.0, 0.0, 1.0, 2.0]))
    users, items = torch.tensor([0, 2]), torch.tensor([3, 0])
    dot = (model.user_factors[users] * model.item_factors[items]).sum(1)
    expected = 3.0 + torch.tensor([0.1, 0.3]) + torch.tensor([2.0, -1.0]) + dot
    assert torch.allclose(model(users, items), expected)
    ratings = torch.tensor([4.0, 2.0])
    out = model.loss((users, items, ratings))
    penalty = (
        torch.tensor([0.01 + 4.0, 0.09 + 1.0])
        + model.user_factors[users].pow(2).sum(1)
        + model.item_factors[items].pow(2).sum(1)
    )
    assert torch.allclose(out["squared_error"], (ratings - expected).pow(2).mean())
    assert torch.allclose(out["loss"], out["squared_error"] + 0.5 * penalty.mean())
    assert model.predict(torch.tensor([0]), torch.tensor([3])).item() <= 5.0


def test_rmse():
    assert rmse(torch.tensor([1.0, 3.0]), torch.tensor([2.0, 5.0])) == pytest.approx(math.sqrt(2.5))
    with pytest.raises(ValueError, match="same length"):
        rmse(torch.zeros(2), torch.zeros(3))


# ---- supervised autoencoder -------------------------------------------------------------------


def test_supervised_autoencoder_loss_is_cross_entropy_plus_lambda_reconstruction():
    torch.manual_seed(0)
    model = SupervisedAutoencoder((8, 6, 3), 4, lam=0.25)
    x = torch.rand(5, 8)
    y = torch.tensor([0, 3, UNLABELLED, 2, UNLABELLED])
    out = model.loss((x, y))
    code = model.encoder(x)
    labelled = y >= 0
    ce = F.cross_entropy(model.classifier(code[labelled]), y[labelled])
    rec = bernoulli_nll(x, model.decoder(code)).mean()  # every example, labelled or not
    assert torch.allclose(out["cross_entropy"], ce)
    assert torch.allclose(out["reconstruction"], rec)
    assert torch.allclose(out["loss"], ce + 0.25 * rec)
    assert model(x).shape == (5, 4)


def test_with_lambda_zero_the_decoder_gets_no_gradient_and_unlabelled_rows_none():
    torch.manual_seed(0)
    model = SupervisedAutoencoder((8, 6, 3), 4, lam=0.0)
    x = torch.rand(4, 8)
    model.loss((x, torch.tensor([1, 2, UNLABELLED, UNLABELLED])))["loss"].backward()
    assert all(p.grad is None or p.grad.abs().max() == 0 for p in model.decoder.parameters())
    # an all-unlabelled batch with lam = 0 has a zero loss
    out = model.loss((x, torch.full((4,), UNLABELLED)))
    assert out["loss"].item() == 0.0 and out["cross_entropy"].item() == 0.0


def test_supervised_autoencoder_checks_its_arguments():
    with pytest.raises(ValueError, match="lam"):
        SupervisedAutoencoder((8, 3), 4, lam=-1.0)
    with pytest.raises(ValueError, match="reconstruction"):
        SupervisedAutoencoder((8, 3), 4, reconstruction="l1")
    with pytest.raises(ValueError, match="n_classes"):
        SupervisedAutoencoder((8, 3), 1)
