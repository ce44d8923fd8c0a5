"""Objectives: reconstruction likelihoods, KL terms, score matching, the ELBO and its estimators."""

from aebook.objectives.elbo import (
    ESTIMATORS,
    GRADIENT_ESTIMATORS,
    estimate_elbo,
    gradient_samples,
    log_importance_weights,
    log_normal,
    log_standard_normal,
    sgvb_a,
    sgvb_b,
)
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
from aebook.objectives.score_matching import (
    ParzenDensity,
    dsm_loss,
    dsm_target,
    esm_loss,
    ism_loss,
    jacobian_trace,
)

__all__ = [
    "ESTIMATORS",
    "GRADIENT_ESTIMATORS",
    "estimate_elbo",
    "gradient_samples",
    "log_importance_weights",
    "log_normal",
    "log_standard_normal",
    "sgvb_a",
    "sgvb_b",
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
    "ParzenDensity",
    "dsm_loss",
    "dsm_target",
    "esm_loss",
    "ism_loss",
    "jacobian_trace",
]
