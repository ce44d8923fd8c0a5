"""Objectives: reconstruction likelihoods, and (in later chapters) KL terms, ELBOs, score matching."""

from aebook.objectives.likelihood import (
    RECONSTRUCTION_LOSSES,
    bernoulli_nll,
    gaussian_nll,
    reconstruction_loss,
    squared_error,
)

__all__ = [
    "RECONSTRUCTION_LOSSES",
    "bernoulli_nll",
    "gaussian_nll",
    "reconstruction_loss",
    "squared_error",
]
