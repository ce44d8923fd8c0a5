"""Scale-free measures of how a code is used."""

import math

import pytest
import torch

from aebook.evaluate.batches import in_batches
from aebook.evaluate.codes import (
    active_units,
    active_units_burda,
    encode,
    hoyer_sparsity,
    kl_decomposition,
    relative_contraction,
)
from aebook.models import train_autoencoder
from aebook.train import TrainConfig


def test_hoyer_sparsity_is_one_for_one_hot_and_zero_for_flat_codes():
    assert hoyer_sparsity(torch.eye(6) * 3) == pytest.approx(1.0)
    assert hoyer_sparsity(torch.full((4, 6), -2.0)) == pytest.approx(0.0, abs=1e-6)
    assert hoyer_sparsity(torch.zeros(3, 6)) == pytest.approx(1.0)
    half = torch.tensor([[1.0, 1.0, 0.0, 0.0]])  # ratio √2 of √4
    assert hoyer_sparsity(half) == pytest.approx((2 - math.sqrt(2)) / (2 - 1))
    x = torch.rand(10, 6)
    assert hoyer_sparsity(x) == pytest.approx(hoyer_sparsity(5 * x), rel=1e-5)  # scale-free


def test_active_units_counts_units_that_vary():
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(1000, 5, generator=g) * torch.tensor([3.0, 1.0, 0.5, 0.2, 0.0])
    assert active_units(codes) == 3  # variances 9, 1, 0.25 (0.04 and 0 are under 0.09)
    assert active_units(codes, threshold=0.0) == 5
    assert active_units(torch.zeros(10, 3)) == 0
    with pytest.raises(ValueError, match="threshold"):
        active_units(codes, threshold=2.0)


def test_relative_contraction_of_a_linear_map():
    g = torch.Generator().manual_seed(1)
    a = torch.randn(3, 8, generator=g)
    x = torch.randn(4000, 8, generator=g)  # unit variance in every direction

    def encode(v):
        return v @ a.T

    codes = in_batches(encode, x)
    # ‖A‖_F / sqrt(Σ_j Var(h_j)) and Σ_j Var(h_j) = ‖A‖²_F for white inputs: the ratio is ~1
    assert relative_contraction(encode, x[:50], codes) == pytest.approx(1.0, rel=0.05)
    # scaling the code does not change it
    assert relative_contraction(lambda v: 10 * encode(v), x[:50], 10 * codes) == pytest.approx(
        relative_contraction(encode, x[:50], codes), rel=1e-5
    )
    with pytest.raises(ValueError, match="do not vary"):
        relative_contraction(encode, x[:5], torch.zeros(10, 3))


def test_kl_decomposition_adds_up_to_the_average_kl():
    g = torch.Generator().manual_seed(2)
    mean = torch.randn(300, 2, generator=g)
    log_var = torch.randn(300, 2, generator=g) * 0.3 - 1.0
    parts = kl_decomposition(mean, log_var, n_samples=20, generator=g)
    total = parts.mutual_information + parts.marginal_kl
    assert total == pytest.approx(parts.average_kl, rel=0.03)
    assert parts.mutual_information > 0 and parts.marginal_kl > 0


def test_mutual_information_is_zero_for_one_shared_posterior_and_log_n_for_separate_ones():
    g = torch.Generator().manual_seed(3)
    n = 50
    shared = kl_decomposition(
        torch.full((n, 2), 0.5), torch.zeros(n, 2), n_samples=400, generator=g
    )
    assert shared.mutual_information == pytest.approx(0.0, abs=1e-6)
    # analytic 0.25 nats; 20,000 draws leave a standard error of about 0.005
    assert shared.marginal_kl == pytest.approx(shared.average_kl, abs=0.02)
    apart = torch.arange(n, dtype=torch.float32)[:, None].repeat(1, 2) * 10.0
    separate = kl_decomposition(apart, torch.full((n, 2), -4.0), generator=g)
    assert separate.mutual_information == pytest.approx(math.log(n), abs=1e-3)
    with pytest.raises(ValueError, match="mean and log_var"):
        kl_decomposition(torch.zeros(3, 2), torch.zeros(3, 3))


def test_train_autoencoder_and_encode():
    x = torch.rand(64, 12)
    model, history = train_autoencoder((12, 8, 3), x, TrainConfig(epochs=2, batch_size=16))
    assert not model.training and history.epochs == 2
    codes = encode(model, x, batch_size=10)
    assert codes.shape == (64, 3)
    assert torch.allclose(codes, model.encode(x), atol=1e-6)


def test_burda_active_units_use_an_absolute_threshold():
    codes = torch.randn(500, 3, generator=torch.Generator().manual_seed(0)) * torch.tensor(
        [1.0, 0.05, 0.3]
    )
    assert active_units_burda(codes) == 2  # variances 1, 0.0025, 0.09 against 0.01
    assert active_units(codes) == 2  # against 1 % of the largest, 0.0025 also fails
    assert active_units_burda(codes * 0.05) == 0 and active_units(codes * 0.05) == 2
