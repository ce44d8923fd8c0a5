"""The mutual information gap on codes whose answer is known."""

import numpy as np
import pytest
import torch

from aebook.evaluate.disentanglement import (
    discretize,
    mig_sampling_bounds,
    mutual_information_gap,
)


def _factors(n=20_000, sizes=(3, 6, 10, 16, 16), seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, k, n) for k in sizes], axis=1)


def test_a_code_that_copies_one_factor_per_unit_scores_one():
    v = _factors()
    rng = np.random.default_rng(1)
    codes = v + 0.01 * rng.normal(size=v.shape)  # unit k is factor k, a little blurred
    result = mutual_information_gap(codes, v)
    assert result.score > 0.99
    np.testing.assert_allclose(np.diag(result.normalized_information), 1.0, atol=0.01)


def test_permuted_and_rescaled_units_score_the_same():
    v = _factors()
    codes = v[:, [3, 0, 4, 1, 2]] * np.array([-2.0, 5.0, 0.1, 1.0, 3.0]) + 7.0
    assert mutual_information_gap(codes, v).score > 0.99


def test_random_codes_score_near_zero():
    v = _factors()
    codes = np.random.default_rng(2).normal(size=(len(v), 10))
    result = mutual_information_gap(codes, v)
    assert result.score < 0.02
    assert result.mutual_information.max() < 0.05


def test_a_factor_copied_by_two_units_gets_no_gap():
    v = _factors()
    codes = np.concatenate([v, v[:, :1]], axis=1)  # factor 0 twice
    result = mutual_information_gap(codes, v)
    assert result.gaps[0] < 1e-9 and result.gaps[1:].min() > 0.99
    assert result.score == pytest.approx(result.gaps.mean())


def test_a_unit_mixing_two_factors_scores_below_one():
    v = _factors(sizes=(4, 4))
    codes = np.stack([v[:, 0] + 0.5 * v[:, 1], np.random.default_rng(3).normal(size=len(v))], 1)
    score = mutual_information_gap(codes, v).score
    assert 0.3 < score < 0.95


def test_torch_inputs_and_argument_checks():
    v = torch.from_numpy(_factors(2000, sizes=(3, 5)))
    assert mutual_information_gap(v.float(), v).score > 0.99
    with pytest.raises(ValueError, match="same n"):
        mutual_information_gap(torch.zeros(5, 2), v)
    with pytest.raises(ValueError, match="single value"):
        mutual_information_gap(torch.rand(2000, 3), torch.zeros(2000, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="n_bins"):
        mutual_information_gap(v.float(), v, n_bins=1)


def test_discretize_makes_equal_width_bins():
    binned = discretize(np.linspace(0, 1, 101)[:, None], 4)
    assert binned.min() == 0 and binned.max() == 3
    assert np.bincount(binned[:, 0]).tolist() == [25, 25, 25, 26]


def test_sampling_bounds_hold_for_the_two_known_codes():
    sizes = (3, 6, 10, 16, 16)
    bounds = mig_sampling_bounds(sizes, 2000, units=8)
    assert bounds.ceiling == pytest.approx(1.0)
    assert 0.9 < bounds.copy_at_least < 1 and 0 < bounds.random_at_most < 0.1
    for seed in range(5):
        v = _factors(2000, sizes, seed=seed)
        assert mutual_information_gap(v, v).score >= bounds.copy_at_least
        noise = np.random.default_rng(seed).normal(size=(len(v), 8))
        assert mutual_information_gap(noise, v).score <= bounds.random_at_most
    more = mig_sampling_bounds(sizes, 20_000, units=8)
    assert more.copy_at_least > bounds.copy_at_least and more.random_at_most < bounds.random_at_most


def test_a_copy_with_more_values_than_bins_cannot_score_one():
    bounds = mig_sampling_bounds((3, 32), 10**9, units=2, n_bins=20)
    # 32 values in 20 bins: 12 bins hold two values, 8 hold one
    merged = (12 * (2 / 32) * np.log(16) + 8 * (1 / 32) * np.log(32)) / np.log(32)
    assert bounds.ceiling == pytest.approx((1 + merged) / 2)
    assert bounds.copy_at_least == pytest.approx(bounds.ceiling, abs=1e-6)
    v = _factors(20_000, (3, 32))
    assert mutual_information_gap(v, v).score == pytest.approx(bounds.ceiling, abs=0.01)
    with pytest.raises(ValueError, match="at least 2 factors"):
        mig_sampling_bounds((5,), 100, units=2)
    with pytest.raises(ValueError, match="0 < level < 1"):
        mig_sampling_bounds((3, 4), 100, units=2, level=1.0)
