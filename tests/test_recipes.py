"""aebook.models.recipes: the papers' VAE setups and a modern one, built and configured."""

import pytest
import torch

from aebook.models import MODERN, PAPER_FREY, PAPER_MNIST, VAERecipe


def test_recipes_build_the_papers_and_the_modern_setup():
    vae = PAPER_MNIST.build(784, 20)
    assert isinstance(vae.encoder.body[1], torch.nn.Tanh)
    assert vae.encoder.mean.in_features == 500
    w = vae.encoder.body[0][0].weight
    assert abs(w.std().item() - 0.01) < 0.001 and abs(w.mean().item()) < 0.001
    assert PAPER_FREY.build(560, 2, "gaussian").decoder.mean_head.in_features == 200
    config = PAPER_MNIST.train_config(10, 50_000, seed=3)
    assert config.optimizer == "adagrad" and config.batch_size == 100
    assert config.weight_decay == pytest.approx(1 / 50_000) and config.seed == 3
    assert MODERN.train_config(1, 100).weight_decay == 0.0
    assert isinstance(MODERN.build(10, 2).encoder.body[1], torch.nn.ReLU)
    with pytest.raises(ValueError, match="n_train"):
        PAPER_MNIST.train_config(1, 0)
    with pytest.raises(ValueError, match="init_std"):
        VAERecipe((4,), "tanh", "adam", 1e-3, init_std=-1.0).build(4, 2)
