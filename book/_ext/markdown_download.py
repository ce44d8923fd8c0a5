"""Offer every notebook page for download as MyST Markdown too, next to the theme's ``.ipynb``.

The Markdown file is the notebook's source converted by jupytext (text-only, diff-friendly, and
openable as a notebook again with jupytext). It is written to ``_sources/`` beside the ``.ipynb``
and a ``.md`` entry is added to the page's download menu.
"""

from __future__ import annotations

from pathlib import Path

import jupytext


def add_markdown_download(app, pagename, templatename, context, doctree):
    if context.get("page_source_suffix") != ".ipynb":
        return
    source = Path(app.env.doc2path(pagename))
    target = Path(app.outdir, "_sources", pagename + ".md")
    target.parent.mkdir(parents=True, exist_ok=True)
    notebook = jupytext.read(source)
    target.write_text(jupytext.writes(notebook, fmt="md:myst"), encoding="utf-8")
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(
                1,
                {
                    "type": "link",
                    "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
                    "text": ".md",
                    "tooltip": "Download as MyST Markdown",
                    "icon": "fab fa-markdown",
                    "label": "download-markdown-button",
                },
            )


def setup(app):
    # after sphinx-book-theme has built the download menu (it uses the default priority, 500)
    app.connect("html-page-context", add_markdown_download, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
