"""Checks of the built website, run after the build (``scripts/test`` does this).

The site folder is ``$AEBOOK_SITE`` (default ``_build/<profile>/_build/html``). These tests read the
HTML the way a reader's browser would follow it: launch buttons, links, anchors, downloads.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PROFILE = os.environ.get("AEBOOK_PROFILE", "smoke")
SITE = Path(os.environ.get("AEBOOK_SITE", REPO / f"_build/{PROFILE}/_build/html"))

pytestmark = pytest.mark.skipif(not SITE.exists(), reason=f"no website at {SITE}: build it first")


def toc_notebooks() -> list[str]:
    """Document names (``book/.../name``) of the notebooks listed in _toc.yml."""
    text = (REPO / "_toc.yml").read_text()
    entries = re.findall(r"file:\s*(\S+)", text) + [yaml.safe_load(text)["root"]]
    return [e for e in entries if (REPO / f"{e}.ipynb").exists()]


def repository() -> tuple[str, str, str]:
    config = yaml.safe_load((REPO / "_config.yml").read_text())["repository"]
    owner, name = urlsplit(config["url"]).path.strip("/").split("/")[:2]
    return owner, name, config.get("branch", "main")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") == "preload"):
                self.links.append(attrs[key])


def parse(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def book_pages() -> list[Path]:
    skip = {"_static", "_modules", "_sources", "_images", "_sphinx_design_static"}
    return [p for p in SITE.rglob("*.html") if not skip & set(p.relative_to(SITE).parts)]


def recorded_profile(html: str) -> str | None:
    """The profile of the recorded run a page shows, from its banner; None if it was executed."""
    found = re.search(
        r"Outputs of the recorded <code[^>]*><span[^>]*>(\w+)</span></code> run", html
    )
    return found and found[1]


@pytest.mark.parametrize("doc", toc_notebooks())
def test_every_notebook_page_says_where_its_outputs_come_from(doc):
    html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    banners = re.findall(r'<div class="[^"]*aebook-banner[^"]*">', html)
    assert len(banners) == 1, f"{doc}: {len(banners)} banners"
    # right under the page's title
    assert re.search(r"</h1>\s*<div class=\"[^\"]*aebook-banner", html), doc


@pytest.mark.parametrize("doc", toc_notebooks())
def test_launch_buttons_open_the_notebook_on_main(doc):
    """Colab opens the recorded notebook (with its outputs) where the page shows one."""
    html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    owner, name, branch = repository()
    assert branch == "main"
    profile = recorded_profile(html)
    opened = f"results/{profile}/{Path(doc).name}.ipynb" if profile else f"{doc}.ipynb"
    colab = re.findall(r'href="https://colab\.research\.google\.com/github/([^"]+)"', html)
    assert colab == [f"{owner}/{name}/blob/main/{opened}"], colab
    assert (REPO / opened).exists()
    binder = re.findall(r'href="https://mybinder\.org/v2/gh/([^"]+)"', html)
    assert binder == [f"{owner}/{name}/main?urlpath=tree/{doc}.ipynb"], binder
    assert (REPO / f"{doc}.ipynb").exists()


@pytest.mark.parametrize("doc", toc_notebooks())
def test_a_recorded_page_offers_its_recorded_notebook_for_download(doc):
    page = SITE / f"{doc}.html"
    profile = recorded_profile(page.read_text(encoding="utf-8"))
    if profile is None:
        pytest.skip(f"{doc} was executed by the build")
    stem = Path(doc).name
    downloads = {
        link for link in parse(page).links if re.search(rf"_downloads/.*/{stem}\.ipynb$", link)
    }
    assert len(downloads) == 1, downloads
    served = (page.parent / downloads.pop()).read_bytes()
    assert served == (REPO / "results" / profile / f"{stem}.ipynb").read_bytes()


def test_internal_links_and_anchors_resolve():
    broken = []
    anchors: dict[Path, set[str]] = {}
    for page in book_pages():
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = parse(target).ids
                if unquote(parts.fragment) not in anchors[target]:
                    broken.append(f"{page.relative_to(SITE)} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("doc", toc_notebooks())
def test_each_notebook_page_offers_its_notebook_and_markdown_for_download(doc):
    page = SITE / f"{doc}.html"
    sources = [link for link in parse(page).links if "_sources/" in link]
    assert any(link.endswith(".ipynb") for link in sources), sources
    assert any(link.endswith(".md") for link in sources), sources
    for link in sources:
        assert (page.parent / link).resolve().exists(), link


def test_pages_show_no_error_or_stray_warning_output():
    bad = []
    for page in book_pages():
        html = page.read_text(encoding="utf-8")
        for marker in ("Traceback (most recent call last)", "output stderr", "Warning: "):
            if marker in html:
                bad.append(f"{page.relative_to(SITE)}: {marker!r}")
    assert not bad, "\n".join(bad)


def test_every_page_has_search_and_the_dark_mode_switch():
    search = SITE / "search.html"
    assert search.exists() and (SITE / "searchindex.js").exists()
    for page in book_pages():
        html = page.read_text(encoding="utf-8")
        if html.startswith('<meta http-equiv="Refresh"'):
            continue  # index.html only redirects to the first page
        assert "theme-switch" in html, f"{page.relative_to(SITE)}: no light/dark switch"
        assert 'action="' in html and "search.html" in html, f"{page}: no search box"


def test_numbered_equations_are_referenced_by_number():
    """Each {eq} reference in a chapter renders as a link to a numbered equation, numbered within its
    chapter: "(5.3)" is the third numbered equation of chapter 5."""
    pages = [SITE / f"{doc}.html" for doc in toc_notebooks()]
    link = re.compile(r'<a class="reference internal" href="[^"]*#equation-[^"]*">([^<]*)</a>')
    refs = [m.group(1) for page in pages for m in link.finditer(page.read_text())]
    assert refs, "no chapter references an equation"
    assert all(re.fullmatch(r"\(\d+\.\d+\)", r) for r in refs), sorted(set(refs))
