"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

from aebook.evaluate.classification import ErrorRate, classification_error, predict
from aebook.evaluate.filters import correlation_area
from aebook.evaluate.reconstruction import (
    PCABaseline,
    pca_baseline,
    principal_angles,
    reconstruction_error,
)

__all__ = [
    "ErrorRate",
    "PCABaseline",
    "classification_error",
    "correlation_area",
    "pca_baseline",
    "predict",
    "principal_angles",
    "reconstruction_error",
]
