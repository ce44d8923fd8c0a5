"""The first page of chapter 1: filters per masking level and the manifold picture."""

from dataclasses import replace

import torch

from aebook.data import circle_data
from aebook.experiments.denoising_autoencoders import SETTINGS, toward_manifold, train_filter_daes
from aebook.train import TrainConfig


def test_circle_data_and_the_share_of_arrows_towards_it():
    points = circle_data(500, 0.0, torch.Generator().manual_seed(0))
    assert torch.allclose(points.norm(dim=1), torch.ones(500), atol=1e-5)
    grid = torch.cartesian_prod(torch.linspace(-2, 2, 9), torch.linspace(-2, 2, 9))
    grid = grid[grid.norm(dim=1) > 0]
    radial = grid / grid.norm(dim=1, keepdim=True)
    onto = radial  # the nearest point of the circle
    assert toward_manifold(grid, grid + 0.5 * (onto - grid)) == 1.0
    assert toward_manifold(grid, grid - 0.5 * (onto - grid)) == 0.0


def test_filter_daes_start_from_the_same_weights_and_differ_after_training():
    cfg = replace(
        SETTINGS["smoke"],
        filter_hidden=4,
        filter_levels=(0.0, 0.5),
        filter_train=TrainConfig(epochs=1, batch_size=10),
    )
    x = (torch.rand(40, 9, generator=torch.Generator().manual_seed(0)) < 0.5).float()
    models = train_filter_daes(x, cfg, device="cpu", progress=False)
    assert set(models) == {0.0, 0.5} and not any(m.training for m in models.values())
    weights = [next(iter(m.state_dict().values())) for m in models.values()]
    assert weights[0].shape == (4, 9) or weights[0].shape == (9, 4)
    assert not torch.equal(*weights)
