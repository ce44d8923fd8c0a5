"""Measurements of trained models: reconstruction, subspaces, and (later) likelihoods and errors."""

from aebook.evaluate.reconstruction import (
    PCABaseline,
    pca_baseline,
    principal_angles,
    reconstruction_error,
)

__all__ = ["PCABaseline", "pca_baseline", "principal_angles", "reconstruction_error"]
