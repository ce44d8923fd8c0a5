"""The whole book as one PDF (``bash scripts/pdf``): every chapter in it, linked from the intro."""

from __future__ import annotations

import re

import pytest
from test_site import SITE, toc_notebooks

PDF = SITE / "book.pdf"

pytestmark = pytest.mark.skipif(not PDF.exists(), reason=f"no {PDF}: run bash scripts/pdf")


def test_the_pdf_holds_every_chapter_and_the_intro_links_to_it():
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")
    reader = pypdf.PdfReader(PDF)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) > 10 * len(toc_notebooks()) / 2, f"only {len(reader.pages)} pages"
    for title in ("Denoising", "Score matching", "variational", "Bibliography"):
        assert re.search(title, text, re.IGNORECASE), f"no {title!r} in the PDF"
    assert 'href="../book.pdf"' in (SITE / "book" / "intro.html").read_text()


def test_the_pdf_keeps_the_glossarys_korean_terms():
    """The study groups discuss in Korean: a printer without a Korean font would turn every
    Hangul term into an empty box, and the PDF's text would lose it."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")
    reader = pypdf.PdfReader(PDF)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "용어집" in text, "the glossary's Korean title is not in the PDF's text"
    assert len(re.findall("[\uac00-\ud7a3]", text)) > 200
