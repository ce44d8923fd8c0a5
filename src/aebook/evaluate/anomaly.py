"""Anomaly scores and the area under the ROC curve (AUROC) that ranks them.

A detector gives every test example a score, higher meaning "more anomalous". The AUROC is the
probability that a randomly drawn anomaly scores higher than a randomly drawn normal example (ties
count one half): 1 for a perfect ranking, 0.5 for a random one, independent of any threshold.
It is computed by scikit-learn's ``roc_auc_score``.

The scores used in the book are per-example reconstruction errors (an autoencoder, PCA) and the
negative evidence lower bound of a VAE, an upper bound on -log p(x).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import Tensor

from aebook.checks import check_count, check_examples
from aebook.evaluate.batches import in_batches


def _numpy(values, name: str) -> np.ndarray:
    arr = values.detach().cpu().numpy() if isinstance(values, Tensor) else np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    return arr


def auroc(scores, is_anomaly) -> float:
    """Area under the ROC curve of ``scores`` (higher = more anomalous) for the boolean truth.

    Raises ``ValueError`` when the lengths differ, when a score is not finite, or when
    ``is_anomaly`` holds only one class (the curve is then undefined).
    """
    s = _numpy(scores, "scores").astype(np.float64)
    t = _numpy(is_anomaly, "is_anomaly").astype(bool)
    if len(s) != len(t):
        raise ValueError(f"scores has {len(s)} entries but is_anomaly has {len(t)}")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite; found NaN or infinity")
    if t.all() or not t.any():
        raise ValueError(
            "is_anomaly must contain both normal (False) and anomalous (True) examples"
        )
    return float(roc_auc_score(t, s))


def one_class_truth(labels: Tensor, normal_class: int) -> Tensor:
    """The one-class protocol: examples of ``normal_class`` are normal, all others anomalies."""
    present = set(torch.unique(labels).tolist())
    if normal_class not in present:
        raise ValueError(
            f"normal_class must be one of the labels {sorted(present)}; got {normal_class}"
        )
    return labels != normal_class


@torch.no_grad()
def squared_error_scores(
    reconstruct: Callable[[Tensor], Tensor], x: Tensor, batch_size: int = 2000
) -> Tensor:
    """Per-example ||x - reconstruct(x)||² (summed over inputs), shape ``(n,)``."""
    return in_batches(lambda chunk: (chunk - reconstruct(chunk)).pow(2).sum(-1), x, batch_size)


@torch.no_grad()
def negative_elbo_scores(
    vae,
    x: Tensor,
    samples: int = 1,
    generator: torch.Generator | None = None,
    batch_size: int = 2000,
) -> Tensor:
    """Per-example negative ELBO in nats, averaged over ``samples`` draws of z ~ q(z|x).

    Uses the VAE's public ``elbo_terms(x, generator)``; the model is put in eval mode for the
    call and restored afterwards.
    """
    check_count("samples", samples)
    check_count("batch_size", batch_size)
    check_examples("x", x)
    was_training = vae.training
    vae.eval()

    def mean_negative_elbo(chunk: Tensor) -> Tensor:
        return sum(-vae.elbo_terms(chunk, generator)["elbo"] for _ in range(samples)) / samples

    try:
        return in_batches(mean_negative_elbo, x, batch_size)
    finally:
        vae.train(was_training)
