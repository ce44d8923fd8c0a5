import math

import pytest
import torch

from aebook.corruption import Corruption, gaussian, masking, salt_and_pepper


@pytest.mark.parametrize("nu", [0.1, 0.25, 0.5, 0.999, 1.0])
def test_masking_zeroes_exactly_floor_nu_d_components_per_example(nu):
    x = torch.rand(64, 784) + 0.01  # no zeros to begin with
    out = masking(x, nu, torch.Generator().manual_seed(0))
    zeros = (out == 0).sum(1)
    assert torch.all(zeros == math.floor(nu * 784))
    kept = out != 0
    assert torch.equal(out[kept], x[kept])  # the rest is untouched


def test_masking_chooses_different_components_per_example_and_per_call():
    x = torch.ones(2, 100)
    g = torch.Generator().manual_seed(0)
    a, b = masking(x, 0.3, g), masking(x, 0.3, g)
    assert not torch.equal(a[0], a[1]) and not torch.equal(a, b)


def test_zero_noise_is_the_identity():
    x = torch.rand(5, 30)
    for f in (masking, salt_and_pepper, gaussian):
        assert torch.equal(f(x, 0.0), x)


@pytest.mark.parametrize("nu", [-0.1, 1.5])
def test_fraction_outside_unit_interval_is_a_value_error(nu):
    with pytest.raises(ValueError, match=r"nu .* must be in \[0, 1\]"):
        masking(torch.rand(2, 3), nu)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\]"):
        Corruption("masking", nu)


def test_salt_and_pepper_sets_exactly_floor_nu_d_to_zero_or_one():
    x = torch.full((200, 50), 0.5)
    out = salt_and_pepper(x, 0.2, torch.Generator().manual_seed(1))
    changed = out != 0.5
    assert torch.all(changed.sum(1) == 10)
    assert set(out[changed].unique().tolist()) == {0.0, 1.0}
    assert abs(out[changed].mean().item() - 0.5) < 0.05


def test_gaussian_noise_has_the_requested_scale():
    x = torch.zeros(1000, 100)
    out = gaussian(x, 0.3, torch.Generator().manual_seed(2))
    assert abs(out.std().item() - 0.3) < 0.01 and abs(out.mean().item()) < 0.01
    with pytest.raises(ValueError, match="sigma"):
        gaussian(x, -1.0)


def test_corruption_config_dispatches_and_checks_its_kind():
    x = torch.rand(4, 20) + 0.01
    assert (Corruption("masking", 0.5)(x) == 0).sum() == 40
    with pytest.raises(ValueError, match="kind must be one of masking, gaussian, salt_and_pepper"):
        Corruption("dropout", 0.5)
