"""The built pages in headless Chromium at a desktop and a phone width: every display equation
and every table fits its column (a table may instead scroll inside its own box), and no chapter
is longer than a study group reads in one session.

Needs Chromium, chromedriver and ``selenium`` (the ``test`` extra); skipped without them.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from test_site import REPO, SITE, book_pages, toc_notebooks

from conftest import CODE_COLUMNS

sys.path.insert(0, str(REPO / "scripts"))  # the PDF printer serves and opens pages the same way
from print_pdf import AFTER_TYPESETTING, headless_chromium, served  # noqa: E402

WIDTHS = {"desktop": 1280, "phone": 390}
#: A study group works through a chapter in one 75-minute session; a chapter page longer than
#: this many screens of 1280 × 900 px, with its folded parts closed, is split or trimmed.
MOST_SCREENS = 20
CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
CHROMEDRIVER = shutil.which("chromedriver") or shutil.which(
    "chromedriver", path=os.environ.get("CHROMEWEBDRIVER", "")
)

pytestmark = [
    pytest.mark.skipif(not SITE.exists(), reason=f"no website at {SITE}: build it first"),
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="no Chromium and chromedriver on PATH (apt-get install chromium chromium-driver)",
    ),
]

# The first lines of a measuring script: every folded part (code cells and their outputs,
# dropdown solutions, proofs) opens, so that it is measured too.
OPEN_FOLDED = """() => {
document.querySelectorAll("details").forEach((d) => (d.open = true));
document.querySelectorAll(".toggle-hidden").forEach((t) => t.classList.remove("toggle-hidden"));
"""
# With every folded part open: one line per element wider than its column (or per equation that
# MathJax could not typeset), per inline equation that runs past the end of its line, and one if
# the whole page scrolls sideways. An equation's column is its div.math (the theme clips what
# does not fit, number included); a table fits when it, or the nearest box from it up to the
# article that scrolls horizontally, is no wider than that box's parent.
MEASURE = (
    OPEN_FOLDED
    + """const inner = (el) => {
  const s = getComputedStyle(el);
  return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
};
const where = (el) => {
  const section = el.closest("section[id]");
  return section ? "#" + section.id : "";
};
const wide = [];
let equations = 0, tables = 0;
for (const c of document.querySelectorAll('mjx-container[display="true"]')) {
  const math = c.querySelector("mjx-math");
  if (!math || !c.getClientRects().length) continue;
  equations += 1;
  if (c.querySelector("mjx-merror")) {
    wide.push(`equation ${where(c)} does not typeset: ${c.textContent.slice(0, 80)}`);
  }
  const box = c.closest("div.math") || c.parentElement;
  const number = box.querySelector("span.eqno");
  const gap = number ? parseFloat(getComputedStyle(box).columnGap) || 0 : 0;
  const width = math.getBoundingClientRect().width + gap
    + (number ? number.getBoundingClientRect().width : 0);
  const column = box.matches("div.math") ? box.clientWidth : inner(box);
  if (width > column + 1) {
    const tex = (c.querySelector("mjx-assistive-mml") || c).textContent;
    wide.push(`equation ${where(c)} ${Math.round(width)} > ${Math.round(column)} px: `
      + tex.replace(/\\s+/g, " ").slice(0, 80));
  }
}
for (const t of document.querySelectorAll("article table")) {
  if (!t.getClientRects().length) continue;
  tables += 1;
  let box = t;
  for (let a = t; a && a.tagName !== "ARTICLE"; a = a.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) { box = a; break; }
  }
  const width = box.getBoundingClientRect().width;
  const column = inner(box.parentElement);
  if (width > column + 1) {
    const head = t.querySelector("th, td");
    wide.push(`table ${where(t)} ${Math.round(width)} > ${Math.round(column)} px: `
      + (head ? head.textContent.trim().slice(0, 40) : ""));
  }
}
let inline = 0;
for (const c of document.querySelectorAll('mjx-container:not([display="true"])')) {
  if (!c.getClientRects().length || c.closest('[style*="overflow"], .table-wrapper')) continue;
  inline += 1;
  const block = c.closest("p, li, dd, dt, td, th, figcaption, div");
  const s = getComputedStyle(block), r = block.getBoundingClientRect();
  const right = r.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth);
  const own = c.getBoundingClientRect();
  if (own.right > right + 1) {
    const tex = (c.querySelector("mjx-assistive-mml") || c).textContent;
    wide.push(`inline equation ${where(c)} ends ${Math.round(own.right - right)} px past `
      + `its line: ` + tex.replace(/\\s+/g, " ").slice(0, 80));
  }
}
const page = document.documentElement;
if (page.scrollWidth > page.clientWidth + 1) {
  const past = [...document.querySelectorAll("body *")].filter(
    (el) => el.getClientRects().length && el.getBoundingClientRect().right > page.clientWidth + 1
      && !el.closest('[style*="overflow"]'));
  const first = past.length ? past[past.length - 1] : null;
  wide.push(`page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth} px`
    + (first ? ` (e.g. <${first.tagName.toLowerCase()} class="${first.className}">)` : ""));
}
return { wide, equations, tables, inline };
}"""
)


def typeset(browser, url: str, function: str):
    """Opens ``url`` and returns what the JavaScript ``function`` returns there once the page has
    loaded and MathJax has typeset it. ``get`` can return while the page is still loading, which
    would measure a page without its equations, so this waits for the load event too. A page
    that is not ready within the script timeout is opened once more, then named in the failure."""
    timeout = pytest.importorskip("selenium.common.exceptions").TimeoutException
    for attempt in (1, 2):
        browser.get(url)
        try:
            found = browser.execute_async_script(AFTER_TYPESETTING % function)
            break
        except timeout as error:
            if attempt == 2:
                raise AssertionError(f"{url}: not loaded and typeset in time, twice") from error
    assert "error" not in found, f"{url}: the script in the page failed: {found['error']}"
    return found["value"]


@pytest.fixture(scope="module")
def site_url():
    with served(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    driver = headless_chromium(webdriver, CHROMIUM, CHROMEDRIVER)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def pages() -> list[str]:
    return sorted(str(p.relative_to(SITE)) for p in book_pages()) if SITE.exists() else []


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_equations_tables_and_pages_fit_their_column(browser, site_url, width):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    wide, equations, tables, inline = [], 0, 0, 0
    for page in pages():
        found = typeset(browser, f"{site_url}/{page}", MEASURE)
        wide += [f"{page} {line}" for line in found["wide"]]
        equations += found["equations"]
        tables += found["tables"]
        inline += found["inline"]
    print(
        f"{width} px: {len(pages())} pages, {equations} display equations, {inline} inline, "
        f"{tables} tables"
    )
    assert equations and tables and inline, "nothing measured: did MathJax and the tables render?"
    assert not wide, f"{len(wide)} wider than their column at {width} px:\n" + "\n".join(wide)


@pytest.mark.parametrize("query", ["잠재 변수", "증거 하한", "latent variable"])
def test_the_site_search_finds_glossary_terms_in_english_and_korean(browser, site_url, query):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{site_url}/search.html?q={query}")
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#search-results .search-summary")
    )
    found = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.search a")]
    assert any("book/glossary.html" in link for link in found), f"{query!r} found only {found}"


@pytest.mark.parametrize("query", ["ELBO", "denoising"])
def test_the_site_search_lists_chapters_before_the_api_reference(browser, site_url, query):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{site_url}/search.html?q={query}")
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#search-results .search-summary")
    )
    found = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.search a")]
    api = [i for i, link in enumerate(found) if "book/api.html" in link]
    chapters = [i for i, link in enumerate(found) if "book/0" in link]
    assert chapters, f"{query!r} found no chapter: {found}"
    assert not api or max(chapters) < min(api), f"{query!r}: API entries among chapters: {found}"


# Per code cell shown at this width: its longest line, and whether CODE_COLUMNS characters in
# the cell's own font fit between its padding.
CODE_FITS = (
    OPEN_FOLDED
    + """const cells = [];
for (const pre of document.querySelectorAll("div.cell_input pre")) {
  if (!pre.getClientRects().length) continue;
  const probe = document.createElement("span");
  probe.textContent = "x".repeat(%d);
  pre.appendChild(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  const s = getComputedStyle(pre);
  const room = pre.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  cells.push({ fits: needed <= room + 1, needed: Math.round(needed), room: Math.round(room),
               first: pre.textContent.split("\\n")[0].slice(0, 40) });
}
return cells;
}"""
)


def test_a_code_cells_columns_fit_a_desktop_column(browser, site_url):
    """A line the notebook tests allow is shown whole at 1280 px, with no scroll bar."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    cells, narrow = 0, []
    for page in pages():
        found = typeset(browser, f"{site_url}/{page}", CODE_FITS % CODE_COLUMNS)
        cells += len(found)
        narrow += [f"{page}: {c['needed']} > {c['room']} px ({c['first']})"
                   for c in found if not c["fits"]]  # fmt: skip
    assert cells > 100, f"only {cells} code cells measured"
    assert not narrow, f"{CODE_COLUMNS} columns of code do not fit at 1280 px:\n" + "\n".join(
        narrow
    )


def test_no_chapter_is_longer_than_a_session(browser, site_url):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    chapters = [doc for doc in toc_notebooks() if doc.split("/")[1][:2].isdigit()]
    screens = {}
    for doc in chapters:
        height = typeset(
            browser, f"{site_url}/{doc}.html", "() => document.documentElement.scrollHeight"
        )
        screens[doc] = height / 900
    print(", ".join(f"{doc.rsplit('/', 1)[1]} {n:.1f}" for doc, n in screens.items()))
    assert len(screens) > 10, f"only {len(screens)} chapters measured"
    long = {doc: round(n, 1) for doc, n in screens.items() if n > MOST_SCREENS}
    assert not long, f"longer than {MOST_SCREENS} screens of 1280 × 900 px: {long}"
