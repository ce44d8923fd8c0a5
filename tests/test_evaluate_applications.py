"""Clustering accuracy and NMI, AUROC and anomaly scores, trustworthiness: inputs with known answers."""

import numpy as np
import pytest
import torch

from aebook.evaluate.anomaly import (
    auroc,
    negative_elbo_scores,
    one_class_truth,
    squared_error_scores,
)
from aebook.evaluate.clustering import (
    best_matching,
    clustering_accuracy,
    clustering_scores,
    nmi,
)
from aebook.evaluate.embedding import continuity, trustworthiness
from aebook.models import VAE

# ---- clustering -------------------------------------------------------------------------------


def test_a_permuted_labelling_is_a_perfect_clustering(rng):
    classes = rng.integers(0, 10, 500)
    permutation = rng.permutation(10)
    clusters = permutation[classes] + 100  # renamed and shifted: same partition
    assert clustering_accuracy(classes, clusters) == pytest.approx(100.0)
    assert nmi(classes, clusters) == pytest.approx(1.0)
    mapping = best_matching(classes, clusters)
    assert all(mapping[int(permutation[k]) + 100] == k for k in range(10))


def test_accuracy_counts_the_best_one_to_one_renaming():
    classes = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    clusters = np.array([5, 5, 7, 7, 7, 7, 9, 9, 9, 5])
    # best: 5 -> 0 (2 right), 7 -> 1 (3 right), 9 -> 2 (3 right): 8 of 10
    assert clustering_accuracy(classes, clusters) == pytest.approx(80.0)
    assert best_matching(classes, clusters) == {5: 0, 7: 1, 9: 2}


def test_accuracy_is_not_the_majority_vote_when_clusters_collide():
    # both clusters are mostly class 0; a majority vote would claim 4/4, the matching gives 3/4
    classes = np.array([0, 0, 0, 1])
    clusters = np.array([0, 0, 1, 1])
    assert clustering_accuracy(classes, clusters) == pytest.approx(75.0)


def test_one_cluster_for_everything_scores_the_largest_class_and_no_information():
    classes = np.repeat([0, 1, 2, 3], [40, 30, 20, 10])
    clusters = np.zeros(100, dtype=int)
    assert clustering_accuracy(classes, clusters) == pytest.approx(40.0)
    assert nmi(classes, clusters) == pytest.approx(0.0)


def test_extra_clusters_count_as_errors(rng):
    classes = np.repeat([0, 1], 50)
    clusters = np.concatenate([np.zeros(50), np.ones(40), np.full(10, 2)]).astype(int)
    assert clustering_accuracy(classes, clusters) == pytest.approx(90.0)


def test_random_clusters_have_low_nmi(rng):
    classes = rng.integers(0, 10, 5000)
    clusters = rng.integers(0, 10, 5000)
    scores = clustering_scores(torch.as_tensor(classes), torch.as_tensor(clusters))
    assert scores.nmi < 0.01 and scores.accuracy < 15


def test_clustering_inputs_are_checked():
    with pytest.raises(ValueError, match="3 entries but clusters has 2"):
        clustering_accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        nmi([], [])
    with pytest.raises(ValueError, match="one-dimensional"):
        clustering_accuracy(np.zeros((2, 2)), np.zeros((2, 2)))


# ---- anomaly ----------------------------------------------------------------------------------


def test_perfectly_separated_scores_have_auroc_one_and_reversed_zero():
    truth = np.array([False] * 5 + [True] * 3)
    scores = np.array([0.1, 0.2, 0.3, 0.0, 0.25, 5.0, 4.0, 0.31])
    assert auroc(scores, truth) == pytest.approx(1.0)
    assert auroc(-scores, truth) == pytest.approx(0.0)


def test_auroc_counts_pairs_and_ties_count_one_half():
    truth = np.array([False, False, True, True])
    # pairs (anomaly > normal): 3 > 1 yes, 3 > 2 yes, 2 vs 1 yes, 2 vs 2 tie -> 3.5 / 4
    assert auroc([1.0, 2.0, 3.0, 2.0], truth) == pytest.approx(0.875)
    assert auroc(np.ones(4), truth) == pytest.approx(0.5)


def test_random_scores_have_auroc_near_one_half(rng):
    truth = rng.random(20_000) < 0.3
    assert auroc(torch.as_tensor(rng.random(20_000)), torch.as_tensor(truth)) == pytest.approx(
        0.5, abs=0.02
    )


def test_auroc_refuses_undefined_inputs():
    with pytest.raises(ValueError, match="both normal"):
        auroc([1.0, 2.0], [True, True])
    with pytest.raises(ValueError, match="finite"):
        auroc([1.0, float("nan")], [True, False])
    with pytest.raises(ValueError, match="2 entries but is_anomaly has 3"):
        auroc([1.0, 2.0], [True, False, True])


def test_one_class_truth_marks_every_other_class():
    labels = torch.tensor([3, 1, 3, 7, 0])
    assert one_class_truth(labels, 3).tolist() == [False, True, False, True, True]
    with pytest.raises(ValueError, match="normal_class"):
        one_class_truth(labels, 5)


def test_squared_error_scores_are_per_example_and_batched():
    x = torch.arange(12.0).reshape(4, 3)
    scores = squared_error_scores(lambda v: v + 1.0, x, batch_size=3)
    assert scores.tolist() == [3.0, 3.0, 3.0, 3.0]
    scores = squared_error_scores(torch.zeros_like, x, batch_size=3)
    assert torch.allclose(scores, x.pow(2).sum(1))


def test_negative_elbo_scores_match_the_vae_loss_and_restore_the_mode():
    torch.manual_seed(0)
    vae = VAE(6, 2, hidden_sizes=(5,))
    x = torch.rand(7, 6)
    vae.train()
    g = torch.Generator().manual_seed(1)
    scores = negative_elbo_scores(vae, x, samples=1, generator=g, batch_size=3)
    assert vae.training, "the mode is restored"
    vae.eval()
    g = torch.Generator().manual_seed(1)
    expected = torch.cat(
        [-vae.elbo_terms(x[i : i + 3], g)["elbo"] for i in range(0, 7, 3)]
    ).detach()
    assert torch.allclose(scores, expected)
    # averaging over samples lowers the Monte Carlo noise of the score, not its mean
    many = negative_elbo_scores(vae, x.repeat(200, 1), samples=4).reshape(200, 7).mean(0)
    single = negative_elbo_scores(vae, x.repeat(800, 1)).reshape(800, 7).mean(0)
    assert torch.allclose(many, single, rtol=0.02)
    with pytest.raises(ValueError, match="samples"):
        negative_elbo_scores(vae, x, samples=0)


# ---- embeddings -------------------------------------------------------------------------------


def test_an_isometry_is_perfectly_trustworthy_and_continuous(rng):
    x = rng.normal(size=(200, 2))
    angle = 0.7
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    embedded = 3.0 * x @ rotation + 5.0
    assert trustworthiness(x, embedded, n_neighbors=10) == pytest.approx(1.0)
    assert continuity(x, embedded, n_neighbors=10) == pytest.approx(1.0)


def test_a_random_embedding_is_not_trustworthy(rng):
    x = rng.normal(size=(300, 5))
    assert trustworthiness(x, rng.normal(size=(300, 2)), n_neighbors=10) < 0.7


def test_projection_and_tearing_trade_trustworthiness_against_continuity(rng):
    # a 3-D blob seen along its longest axis only: flattening makes false neighbours
    x = rng.normal(size=(400, 3)) * np.array([5.0, 4.0, 3.0])
    flattened = x[:, :1]
    assert trustworthiness(x, flattened, 10) < continuity(x, flattened, 10)
    # continuity is trustworthiness with the spaces exchanged
    assert continuity(x, flattened, 10) == pytest.approx(trustworthiness(flattened, x, 10))


def test_embedding_inputs_are_checked(rng):
    x = rng.normal(size=(20, 3))
    with pytest.raises(ValueError, match="n_neighbors"):
        trustworthiness(x, x[:, :2], n_neighbors=10)
    with pytest.raises(ValueError, match="20 rows but embedding has 19"):
        trustworthiness(x, x[:19, :2], n_neighbors=3)
    with pytest.raises(ValueError, match="matrix"):
        trustworthiness(x[:, 0], x[:, :2], n_neighbors=3)
