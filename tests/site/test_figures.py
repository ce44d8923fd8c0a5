"""Every figure a chapter's code draws, as the built site shows it: inside a numbered figure with a
caption, with alt text that describes it (not the image's file name). The captions and alt text
are cell metadata (``mystnb.figure``, ``mystnb.image``); this checks what the reader gets."""

from __future__ import annotations

import re

import pytest
from test_site import SITE

CHAPTERS = sorted(SITE.glob("book/0*/*.html")) if SITE.exists() else []

pytestmark = pytest.mark.skipif(not SITE.exists(), reason=f"no website at {SITE}: build it first")


@pytest.mark.parametrize("page", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_figure_of_a_chapter_has_a_caption_and_alt_text(page):
    html = page.read_text()
    figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
    drawn = [img for img in re.findall(r"<img\b[^>]*>", html) if "_images/" in img]
    captioned = [f for f in figures if "<figcaption>" in f and "_images/" in f]
    assert sum(f.count("<img") for f in captioned) == len(drawn), "an image without a caption"
    for img in drawn:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt[1].split()) >= 5, f"alt text missing: {img[:120]}"
        assert not re.search(r"\.(png|svg|jpe?g)\b", alt[1]), f"alt text is a file name: {alt[1]}"
