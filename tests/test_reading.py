"""Reading aids of the website (``book/_ext/reading.py``): captions stay on images."""

from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from reading import unwrap_figures_without_images  # noqa: E402


def figure(*content: nodes.Node) -> nodes.figure:
    return nodes.figure("", *content, nodes.caption("", "A caption."))


def test_a_figure_keeps_its_caption_only_where_it_holds_an_image():
    doc = new_document("page", get_default_settings(Parser))
    table = nodes.container("", nodes.paragraph("", "a table shown by the same cell"))
    doc += figure(table)
    doc += figure(nodes.container("", nodes.image(uri="plot.png")))
    unwrap_figures_without_images(None, doc)
    figures = list(doc.findall(nodes.figure))
    assert len(figures) == 1 and any(figures[0].findall(nodes.image))
    assert doc.children[0] is table  # the table stays, unwrapped and without the caption
    assert [c.astext() for c in doc.findall(nodes.caption)] == ["A caption."]
