"""Paired differences, proportions with an exact interval, and McNemar's test."""

import math

import pytest
import torch

from aebook.evaluate.statistics import mcnemar, paired_difference, proportion

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
