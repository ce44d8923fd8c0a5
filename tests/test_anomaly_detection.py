"""The anomaly-detection page: one digit normal, every other anomalous."""

import dataclasses

import torch

from aebook.data.mnist import LabelledImages
from aebook.experiments.anomaly_detection import SETTINGS, one_class_experiment
from aebook.train import TrainConfig


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
        SETTINGS["smoke"],
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
