"""Figures of the book, one function per kind of figure, in one style (applied on import)."""

import lazy_loader

from aebook.plot import style

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "bars": ["bar_chart", "estimate_histograms", "score_histograms"],
    "benchmarks": ["scaling_benchmark"],
    "curves": ["learning_curves", "line_plot", "reference_line"],
    "errors": ["interval_plot"],
    "fields": ["sample_panels", "score_fields", "vector_field"],
    "filters": ["filter_panels"],
    "heatmap": ["heatmap"],
    "images": ["image_grid"],
    "latent": [
        "codes_against_prior",
        "latent_scatter",
        "lower_bound_curves",
        "manifold_codes",
        "manifold_grid",
    ],
    "scatter": ["labelled_points", "scatter_2d", "scatter_3d", "scatter_panels"],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)

style.apply()
