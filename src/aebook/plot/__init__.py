"""Figures of the book, one function per kind of figure, in one style (applied on import)."""

from aebook.plot import style
from aebook.plot.comparisons import bar_chart, heatmap, scatter_3d, scatter_panels, score_histograms
from aebook.plot.curves import learning_curves, line_plot, reference_line
from aebook.plot.fields import sample_panels, score_fields
from aebook.plot.images import image_grid
from aebook.plot.scatter import scatter_2d

style.apply()

__all__ = [
    "bar_chart",
    "heatmap",
    "scatter_3d",
    "scatter_panels",
    "score_histograms",
    "image_grid",
    "learning_curves",
    "line_plot",
    "reference_line",
    "sample_panels",
    "score_fields",
    "scatter_2d",
    "style",
]
