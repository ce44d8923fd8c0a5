"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

from aebook.evaluate.classification import ErrorRate, classification_error, predict
from aebook.evaluate.likelihood import (
    LogLikelihood,
    average_log_likelihood,
    log_marginal_likelihood,
)
from aebook.evaluate.reconstruction import (
    PCABaseline,
    pca_baseline,
    principal_angles,
    reconstruction_error,
)

__all__ = [
    "ErrorRate",
    "LogLikelihood",
    "average_log_likelihood",
    "log_marginal_likelihood",
    "PCABaseline",
    "classification_error",
    "pca_baseline",
    "predict",
    "principal_angles",
    "reconstruction_error",
]
