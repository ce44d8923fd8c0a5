"""Figures of the book, one function per kind of figure, in one style (applied on import)."""

from aebook.plot import style
from aebook.plot.comparison import heatmap, labelled_points
from aebook.plot.curves import learning_curves, line_plot, reference_line
from aebook.plot.fields import sample_panels, score_fields
from aebook.plot.images import image_grid
from aebook.plot.latent import codes_against_prior
from aebook.plot.scatter import scatter_2d

style.apply()

__all__ = [
    "codes_against_prior",
    "heatmap",
    "labelled_points",
    "image_grid",
    "learning_curves",
    "line_plot",
    "reference_line",
    "sample_panels",
    "score_fields",
    "scatter_2d",
    "style",
]
