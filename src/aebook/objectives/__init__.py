"""Objectives: reconstruction likelihoods, KL terms, score matching, the ELBO and its estimators."""

import lazy_loader

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "elbo": [
        "ESTIMATORS",
        "GRADIENT_ESTIMATORS",
        "estimate_elbo",
        "gradient_samples",
        "log_importance_weights",
        "log_normal",
        "log_standard_normal",
        "sgvb_a",
        "sgvb_b",
    ],
    "kl": ["kl_normal", "kl_normal_standard"],
    "likelihood": [
        "RECONSTRUCTION_LOSSES",
        "bernoulli_nll",
        "gaussian_nll",
        "reconstruction_loss",
        "squared_error",
    ],
    "penalties": [
        "contractive_penalty",
        "jacobian_frobenius",
        "kl_sparsity",
        "l1_code_penalty",
        "mmd_imq",
    ],
    "score_matching": [
        "ParzenDensity",
        "dsm_loss",
        "dsm_target",
        "esm_loss",
        "ism_loss",
        "jacobian_trace",
    ],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)
