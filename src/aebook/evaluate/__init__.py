"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

from aebook.evaluate.anomaly import auroc
from aebook.evaluate.batches import in_batches
from aebook.evaluate.classification import ErrorRate, classification_error, predict
from aebook.evaluate.clustering import clustering_accuracy, clustering_scores, nmi
from aebook.evaluate.codes import (
    KLDecomposition,
    active_units,
    active_units_burda,
    hoyer_sparsity,
    kl_decomposition,
    relative_contraction,
)
from aebook.evaluate.disentanglement import MIGResult, mutual_information_gap
from aebook.evaluate.embedding import continuity, trustworthiness
from aebook.evaluate.filters import correlation_area
from aebook.evaluate.frechet import (
    FrechetScorer,
    frechet_distance,
    train_feature_classifier,
)
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
from aebook.evaluate.scores import FieldErrors, field_errors
from aebook.evaluate.statistics import (
    PairedDifference,
    Proportion,
    mcnemar,
    paired_difference,
    proportion,
)

__all__ = [
    "in_batches",
    "FieldErrors",
    "field_errors",
    "PairedDifference",
    "Proportion",
    "mcnemar",
    "paired_difference",
    "proportion",
    "auroc",
    "clustering_accuracy",
    "clustering_scores",
    "continuity",
    "nmi",
    "trustworthiness",
    "ErrorRate",
    "LogLikelihood",
    "average_log_likelihood",
    "log_marginal_likelihood",
    "PCABaseline",
    "classification_error",
    "correlation_area",
    "pca_baseline",
    "predict",
    "principal_angles",
    "reconstruction_error",
    "FrechetScorer",
    "KLDecomposition",
    "MIGResult",
    "active_units",
    "active_units_burda",
    "frechet_distance",
    "hoyer_sparsity",
    "kl_decomposition",
    "mutual_information_gap",
    "relative_contraction",
    "train_feature_classifier",
]
