"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

import lazy_loader

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "anomaly": ["auroc"],
    "batches": ["in_batches"],
    "classification": ["ErrorRate", "classification_error", "predict"],
    "clustering": ["clustering_accuracy", "clustering_scores", "nmi"],
    "codes": [
        "KLDecomposition",
        "active_units",
        "active_units_burda",
        "hoyer_sparsity",
        "kl_decomposition",
        "relative_contraction",
    ],
    "disentanglement": ["MIGResult", "mutual_information_gap"],
    "embedding": ["continuity", "trustworthiness"],
    "filters": ["correlation_area"],
    "frechet": ["FrechetScorer", "frechet_distance", "train_feature_classifier"],
    "likelihood": ["LogLikelihood", "average_log_likelihood", "log_marginal_likelihood"],
    "reconstruction": [
        "PCABaseline",
        "PCAResampling",
        "pca_baseline",
        "pca_resampling",
        "principal_angles",
        "reconstruction_error",
    ],
    "scores": ["FieldErrors", "field_errors"],
    "statistics": [
        "PairedDifference",
        "Proportion",
        "guessing_bound",
        "mcnemar",
        "paired_difference",
        "proportion",
    ],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)
