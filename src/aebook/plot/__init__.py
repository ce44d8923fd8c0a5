"""Figures of the book, one function per kind of figure, in one style (applied on import)."""

from aebook.plot import style
from aebook.plot.curves import learning_curves, line_plot, reference_line
from aebook.plot.fields import sample_panels, score_fields
from aebook.plot.images import image_grid
from aebook.plot.latent import (
    estimate_histograms,
    latent_scatter,
    lower_bound_curves,
    manifold_codes,
    manifold_grid,
)
from aebook.plot.scatter import scatter_2d

style.apply()

__all__ = [
    "estimate_histograms",
    "image_grid",
    "latent_scatter",
    "learning_curves",
    "lower_bound_curves",
    "manifold_codes",
    "manifold_grid",
    "line_plot",
    "reference_line",
    "sample_panels",
    "score_fields",
    "scatter_2d",
    "style",
]
