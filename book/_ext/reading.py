"""Reading aids of the website: a search that ranks the chapters above the API reference (the
layout and print styles, ``static/layout.css``, are listed in ``_config.yml``).

A search for "ELBO" should open the chapter that explains it, not list every function whose name
contains it first: Sphinx scores a match in an object's name (11) about like a match in a page
title (15), so the API entries, being many, fill the top of the list. The scorer below moves the
API page's results after the chapters' (``static/search_scorer.js``).

A figure caption lives in a code cell's metadata, and MyST-NB wraps *every* display output of that
cell in a figure with it; a cell that shows a table beside its plot would caption (and number)
the table as a figure too. :func:`unwrap_figures_without_images` keeps the caption for images.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).with_name("static")


def configure(app, config):
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))
    config.html_search_scorer = str(STATIC / "search_scorer.js")


def unwrap_figures_without_images(app, doctree):
    """Replace each figure that holds no image by its content, without caption or legend."""
    for figure in list(doctree.findall(nodes.figure)):
        if not any(figure.findall(nodes.image)):
            content = [
                c for c in figure.children if not isinstance(c, nodes.caption | nodes.legend)
            ]
            figure.replace_self(content)


def setup(app):
    app.connect("config-inited", configure)
    app.connect("doctree-read", unwrap_figures_without_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
