"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

from aebook.evaluate.anomaly import auroc
from aebook.evaluate.classification import ErrorRate, classification_error, predict
from aebook.evaluate.clustering import clustering_accuracy, clustering_scores, nmi
from aebook.evaluate.embedding import continuity, trustworthiness
from aebook.evaluate.filters import correlation_area
from aebook.evaluate.reconstruction import (
    PCABaseline,
    pca_baseline,
    principal_angles,
    reconstruction_error,
)

__all__ = [
    "auroc",
    "clustering_accuracy",
    "clustering_scores",
    "continuity",
    "nmi",
    "trustworthiness",
    "ErrorRate",
    "PCABaseline",
    "classification_error",
    "correlation_area",
    "pca_baseline",
    "predict",
    "principal_angles",
    "reconstruction_error",
]
