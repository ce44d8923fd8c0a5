"""Paired differences, proportions with an exact interval, McNemar's test, the guessing bound."""

import math

import pytest
import torch

from aebook.evaluate.statistics import guessing_bound, mcnemar, paired_difference, proportion

F64 = torch.float64


def test_proportion_and_paired_difference():
    share = proportion(torch.tensor([True] * 80 + [False] * 20))
    assert share.value == 0.8 and share.low < 0.8 < share.high and share.n == 100
    assert "0.800" in str(share)
    with pytest.raises(ValueError, match="hits is empty"):
        proportion(torch.zeros(0, dtype=torch.bool))
    a = torch.randn(1000, generator=torch.Generator().manual_seed(0), dtype=F64)
    d = paired_difference(a + 1.0, a)
    assert d.mean == pytest.approx(1.0) and d.stderr == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="same length"):
        paired_difference(a, a[:10])


def test_mcnemar_counts_only_the_discordant_examples():
    labels = torch.zeros(100, dtype=torch.long)
    a = labels.clone()
    b = labels.clone()
    a[:20] = 1  # a errs on 20 examples ...
    b[:5] = 1  # ... b on 5 of the same: 15 discordant, all in b's favour
    assert mcnemar(a, b, labels) == pytest.approx(0.5**15)
    assert mcnemar(b, a, labels) == pytest.approx(1.0)
    assert mcnemar(a, a, labels) == 1.0
    b[50:60] = 1  # now 15 against 10 in b's favour
    expected = sum(math.comb(25, k) for k in range(15, 26)) / 2**25
    assert mcnemar(a, b, labels) == pytest.approx(expected)


def test_guessing_bound_is_the_low_end_of_a_guess_of_the_commonest_class():
    """A classifier that ignores its input errs on 1 - (commonest share) of the test examples or
    more; the bound is 1.96 binomial standard errors below that, in percent."""
    ten = torch.arange(10).repeat(5_000)  # 50,000 test examples, balanced
    assert guessing_bound(ten) == pytest.approx(100 * (0.9 - 1.96 * math.sqrt(0.09 / 50_000)))
    assert round(guessing_bound(ten), 1) == 89.7
    assert round(guessing_bound(torch.arange(2).repeat(25_000)), 1) == 49.6
    two = torch.tensor([0] * 30 + [1] * 70)  # unbalanced: always guessing 1 errs 30 %
    assert guessing_bound(two) == pytest.approx(100 * (0.3 - 1.96 * math.sqrt(0.21 / 100)))
    with pytest.raises(ValueError, match="labels is empty"):
        guessing_bound(torch.zeros(0, dtype=torch.long))
