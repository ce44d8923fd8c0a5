"""Figures of the book, one function per kind of figure, in one style (applied on import)."""

from aebook.plot import style
from aebook.plot.bars import bar_chart, estimate_histograms, score_histograms
from aebook.plot.benchmarks import scaling_benchmark
from aebook.plot.curves import learning_curves, line_plot, reference_line
from aebook.plot.errors import interval_plot
from aebook.plot.fields import sample_panels, score_fields, vector_field
from aebook.plot.filters import filter_panels
from aebook.plot.heatmap import heatmap
from aebook.plot.images import image_grid
from aebook.plot.latent import (
    codes_against_prior,
    latent_scatter,
    lower_bound_curves,
    manifold_codes,
    manifold_grid,
)
from aebook.plot.scatter import labelled_points, scatter_2d, scatter_3d, scatter_panels

style.apply()

__all__ = [
    "bar_chart",
    "codes_against_prior",
    "estimate_histograms",
    "filter_panels",
    "heatmap",
    "image_grid",
    "interval_plot",
    "labelled_points",
    "latent_scatter",
    "learning_curves",
    "line_plot",
    "lower_bound_curves",
    "manifold_codes",
    "manifold_grid",
    "reference_line",
    "sample_panels",
    "scaling_benchmark",
    "scatter_2d",
    "scatter_3d",
    "scatter_panels",
    "score_fields",
    "score_histograms",
    "style",
    "vector_field",
]
