"""Reconstruction negative log-likelihoods, in nats per example.

Each function returns one value per example, shape ``(batch,)``: callers average over the batch
for a training loss and keep the per-example values for importance sampling or anomaly scores.
Maximum likelihood is where the familiar losses come from: a Gaussian decoder gives squared error
(scaled by the variance, plus a constant) and a Bernoulli decoder gives binary cross-entropy.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from aebook.checks import check_choice, check_unit_interval


def _same_shape(x: Tensor, other: Tensor, name: str) -> None:
    """Refuse shapes that would broadcast: a loss between mismatched tensors is silently wrong."""
    if x.shape != other.shape:
        raise ValueError(
            f"x and {name} must have the same shape; got {tuple(x.shape)} and {tuple(other.shape)}"
        )


def bernoulli_nll(x: Tensor, logits: Tensor) -> Tensor:
    """-log p(x | logits) for independent Bernoulli pixels: binary cross-entropy summed over dims.

    ``x`` is ``(batch, d)`` in [0, 1] (binary, or grey levels read as probabilities);
    ``logits`` are the decoder's pre-sigmoid outputs, which keeps the loss finite where a
    sigmoid would round to 0 or 1. Targets outside [0, 1] (0..255 pixels, say) are refused: the
    formula would return a meaningless, unboundedly negative "loss".
    """
    _same_shape(x, logits, "logits")
    check_unit_interval("x", x)
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(-1)


def gaussian_nll(x: Tensor, mean: Tensor, log_var: Tensor | float = 0.0) -> Tensor:
    """-log N(x; mean, diag(exp(log_var))), summed over dims.

    Equals ``0.5 * ||x - mean||^2 / var + 0.5 * d * log(2 pi var)`` for a shared variance: with the
    variance fixed, minimising it is minimising squared error.
    """
    _same_shape(x, mean, "mean")
    log_var = torch.as_tensor(log_var, dtype=mean.dtype, device=mean.device)
    per_dim = 0.5 * ((x - mean).pow(2) * torch.exp(-log_var) + log_var + math.log(2 * math.pi))
    return per_dim.flatten(1).sum(-1)


def squared_error(x: Tensor, x_hat: Tensor) -> Tensor:
    """||x - x_hat||^2 per example (the loss PCA minimises)."""
    _same_shape(x, x_hat, "x_hat")
    return (x - x_hat).pow(2).flatten(1).sum(-1)


RECONSTRUCTION_LOSSES = ("squared_error", "cross_entropy")


def reconstruction_loss(kind: str, x: Tensor, decoder_output: Tensor) -> Tensor:
    """Per-example reconstruction loss by name; ``decoder_output`` is the mean or the logits.

    ``squared_error`` takes the decoder's output as the reconstruction; ``cross_entropy`` takes it
    as Bernoulli logits.
    """
    check_choice("reconstruction", kind, RECONSTRUCTION_LOSSES)
    if kind == "squared_error":
        return squared_error(x, decoder_output)
    return bernoulli_nll(x, decoder_output)
