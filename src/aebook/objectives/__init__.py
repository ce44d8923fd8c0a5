"""Objectives: reconstruction likelihoods, KL terms, and (in later chapters) ELBOs, score matching."""

from aebook.objectives.kl import kl_normal, kl_normal_standard
from aebook.objectives.likelihood import (
    RECONSTRUCTION_LOSSES,
    bernoulli_nll,
    gaussian_nll,
    reconstruction_loss,
    squared_error,
)
from aebook.objectives.penalties import (
    contractive_penalty,
    jacobian_frobenius,
    kl_sparsity,
    l1_code_penalty,
    mmd_imq,
)

__all__ = [
    "RECONSTRUCTION_LOSSES",
    "bernoulli_nll",
    "kl_normal",
    "kl_normal_standard",
    "gaussian_nll",
    "reconstruction_loss",
    "squared_error",
    "contractive_penalty",
    "jacobian_frobenius",
    "kl_sparsity",
    "l1_code_penalty",
    "mmd_imq",
]
