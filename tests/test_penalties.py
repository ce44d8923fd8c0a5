"""The survey's penalties (Bank et al. 2020, section 2), each checked against an independent form."""

import itertools

import pytest
import torch
from torch.distributions import Bernoulli, kl_divergence
from torch.func import jacrev

from aebook.objectives.penalties import (
    IMQ_SCALES,
    contractive_penalty,
    imq_kernel,
    jacobian_frobenius,
    kl_sparsity,
    l1_code_penalty,
    mmd_imq,
)


def test_l1_penalty_is_the_sum_of_absolute_values():
    code = torch.tensor([[1.0, -2.0, 0.0], [0.5, 0.5, -0.5]])
    torch.testing.assert_close(l1_code_penalty(code), torch.tensor([3.0, 1.5]))


def test_kl_sparsity_matches_torch_distributions_and_vanishes_at_rho():
    g = torch.Generator().manual_seed(0)
    code = torch.rand(64, 10, generator=g) * 0.3
    rho = 0.05
    expected = kl_divergence(Bernoulli(torch.tensor(rho)), Bernoulli(code.mean(0))).sum()
    torch.testing.assert_close(kl_sparsity(code, rho), expected)
    at_target = torch.full((8, 10), rho)
    assert kl_sparsity(at_target, rho).abs().item() < 1e-6
    assert kl_sparsity(code, rho) > 0
    with pytest.raises(ValueError, match=r"rho .* must be in \(0, 1\)"):
        kl_sparsity(code, 1.0)


@pytest.mark.parametrize("d, k", [(7, 3), (30, 12)])
def test_contractive_closed_form_equals_the_jacobian_from_torch_func(d, k):
    g = torch.Generator().manual_seed(d)
    weight = torch.randn(k, d, generator=g)
    bias = torch.randn(k, generator=g)
    x = torch.randn(16, d, generator=g)

    def encode(v):
        return torch.sigmoid(v @ weight.T + bias)

    # one example at a time with jacrev, without vmap: an independent computation
    by_jacrev = torch.stack([jacrev(encode)(row).pow(2).sum() for row in x])
    closed = contractive_penalty(encode(x), weight)
    torch.testing.assert_close(closed, by_jacrev, rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(jacobian_frobenius(encode, x), by_jacrev, rtol=1e-5, atol=1e-7)


def test_contractive_penalty_checks_the_weight_shape():
    with pytest.raises(ValueError, match="weight must be the"):
        contractive_penalty(torch.rand(4, 3), torch.rand(5, 10))


def test_jacobian_of_a_linear_map_is_its_matrix():
    a = torch.randn(4, 9, generator=torch.Generator().manual_seed(1))
    x = torch.randn(5, 9)
    torch.testing.assert_close(jacobian_frobenius(lambda v: v @ a.T, x), a.pow(2).sum().expand(5))


def test_mmd_is_the_unbiased_u_statistic_written_out():
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(6, 3, generator=g), torch.randn(5, 3, generator=g) + 1

    def k(a, b):
        d2 = (a - b).pow(2).sum()
        return sum(2 * 3 * s / (2 * 3 * s + d2) for s in IMQ_SCALES)

    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(m)) / (n * m)
    torch.testing.assert_close(mmd_imq(x, y), xx + yy - 2 * xy)


def test_imq_kernel_is_one_at_zero_distance_and_decreasing():
    a = torch.zeros(1, 2)
    b = torch.tensor([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    k = imq_kernel(a, b, 2.0)[0]
    assert k[0] == 1.0 and k[0] > k[1] > k[2] > 0


def test_mmd_is_unbiased_for_equal_distributions_and_positive_for_different_ones():
    g = torch.Generator().manual_seed(3)
    same = torch.stack(
        [
            mmd_imq(torch.randn(50, 4, generator=g), torch.randn(50, 4, generator=g))
            for _ in range(400)
        ]
    )
    shifted = mmd_imq(torch.randn(200, 4, generator=g), torch.randn(200, 4, generator=g) + 0.5)
    # mean of 400 unbiased estimates: zero within a few standard errors
    assert same.mean().abs() < 4 * same.std() / 20
    assert (same < 0).any()  # an unbiased estimate does go below zero
    assert shifted > 5 * same.std()


def test_mmd_gradient_is_finite_with_duplicate_points():
    z = torch.zeros(8, 2, requires_grad=True)
    mmd_imq(z, torch.randn(8, 2)).backward()
    assert torch.isfinite(z.grad).all()


def test_mmd_checks_its_arguments():
    with pytest.raises(ValueError, match="at least 2 rows"):
        mmd_imq(torch.randn(1, 2), torch.randn(5, 2))
    with pytest.raises(ValueError, match="same dimension"):
        mmd_imq(torch.randn(3, 2), torch.randn(3, 4))
