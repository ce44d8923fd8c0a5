"""Classification error with the 95 % confidence interval that Vincent et al. (2008) report."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from aebook.checks import check_count, check_examples
from aebook.evaluate.batches import in_batches


@dataclass(frozen=True)
class ErrorRate:
    """A test error in percent with the half-width of its 95 % interval (normal approximation)."""

    percent: float
    ci95: float
    n: int

    def __str__(self) -> str:
        return f"{self.percent:.2f} ± {self.ci95:.2f} % (95 % interval)"


def classification_error(predictions: Tensor, labels: Tensor) -> ErrorRate:
    """Error rate of ``predictions`` (class indices, or scores of shape ``(n, classes)``).

    The interval is ``1.96 * sqrt(p (1 - p) / n)``: the binomial standard error of an error rate p
    measured on n independent test examples.
    """
    check_examples("predictions", predictions)
    check_examples("labels", labels)
    if predictions.ndim == 2:
        predictions = predictions.argmax(dim=1)
    if predictions.shape != labels.shape:
        raise ValueError(
            f"predictions {tuple(predictions.shape)} and labels {tuple(labels.shape)} differ"
        )
    n = len(labels)
    p = float((predictions.to(labels.device) != labels).float().mean())
    half = 1.96 * math.sqrt(p * (1 - p) / n)
    return ErrorRate(100 * p, 100 * half, n)


@torch.no_grad()
def predict(model, x: Tensor, batch_size: int = 2000) -> Tensor:
    """Class indices predicted by ``model(x)`` (logits), in eval mode and in batches."""
    check_examples("x", x)
    check_count("batch_size", batch_size)
    was_training = model.training
    model.eval()
    try:
        return in_batches(lambda b: model(b).argmax(1), x, batch_size)
    finally:
        model.train(was_training)
