"""Tests and intervals for the book's comparisons: paired Monte Carlo differences, proportions
with an exact interval, McNemar's test of two classifiers on the same test examples, and the error
below which a classifier has learned from its input (:func:`guessing_bound`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import scipy.stats
from torch import Tensor


@dataclass(frozen=True)
class PairedDifference:
    """mean(a − b) over the same samples, with its standard error; ``z`` = mean / standard error."""

    mean: float
    stderr: float
    n: int

    @property
    def z(self) -> float:
        return abs(self.mean) / self.stderr if self.stderr > 0 else math.inf * abs(self.mean)


def paired_difference(a: Tensor, b: Tensor) -> PairedDifference:
    """Compare two per-sample quantities computed on the same samples (common random numbers)."""
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(f"a and b must be 1-D of the same length >= 2; got {a.shape}, {b.shape}")
    diff = a.double() - b.double()
    return PairedDifference(float(diff.mean()), float(diff.std() / math.sqrt(len(diff))), len(diff))


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` samples, the fraction and its exact (Clopper-Pearson) 95 % interval."""

    k: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.k / self.n

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] (n = {self.n})"


def proportion(hits: Tensor) -> Proportion:
    """The fraction of True entries of the boolean tensor ``hits``, with its 95 % interval."""
    k, n = int(hits.sum()), hits.numel()
    if n == 0:
        raise ValueError("hits is empty")
    ci = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return Proportion(k, n, float(ci.low), float(ci.high))


def mcnemar(pred_a: Tensor, pred_b: Tensor, labels: Tensor) -> float:
    """One-sided exact McNemar test on the same test examples: the p-value of "b errs less than a".

    Only the examples on which exactly one model errs carry information; under the null
    hypothesis each of them is equally likely to be one of a's or one of b's mistakes.
    """
    a_wrong, b_wrong = pred_a != labels, pred_b != labels
    only_a = int((a_wrong & ~b_wrong).sum())
    only_b = int((b_wrong & ~a_wrong).sum())
    if only_a + only_b == 0:
        return 1.0
    return float(scipy.stats.binomtest(only_a, only_a + only_b, 0.5, alternative="greater").pvalue)


def guessing_bound(labels: Tensor) -> float:
    """The test error (%) below which a classifier has learned something from its input, on test
    examples with ``labels``: one that ignores its input errs on a share c = 1 − (share of the
    commonest class) of them or more, and on n examples falls below c − 1.96 √(c (1 − c) / n)
    with probability about 2.5 % (normal approximation). That is the bound: 89.7 % on ten balanced
    classes and 49.6 % on two, for n = 50,000. Pages use it as a guard against broken training."""
    n = len(labels)
    if n == 0:
        raise ValueError("labels is empty")
    c = 1 - labels.bincount().max().item() / n
    return 100 * (c - 1.96 * math.sqrt(c * (1 - c) / n))
