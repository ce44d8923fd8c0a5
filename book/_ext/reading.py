"""Reading aids of the website: a search that ranks the chapters above the API reference (the
layout and print styles, ``static/layout.css``, are listed in ``_config.yml``).

A search for "ELBO" should open the chapter that explains it, not list every function whose name
contains it first: Sphinx scores a match in an object's name (11) about like a match in a page
title (15), so the API entries, being many, fill the top of the list. The scorer below moves the
API page's results after the chapters' (``static/search_scorer.js``).
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).with_name("static")


def configure(app, config):
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))
    config.html_search_scorer = str(STATIC / "search_scorer.js")


def setup(app):
    app.connect("config-inited", configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
