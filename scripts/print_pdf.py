"""Print the built website to one PDF, page by page in the order of ``_toc.yml``.

Each page is loaded in headless Chromium (through selenium, the test extra) from a local HTTP
server (MathJax's fonts do not load from file:// pages), MathJax is given time to typeset every
equation, and Chromium's print engine writes A4 pages with the print styles of
``book/_ext/static/layout.css``; pypdf joins the pages and adds one bookmark per chapter. (Jupyter
Book's own PDF builders need LaTeX, or a one-page HTML build that sphinx-proof cannot write.)

    python scripts/print_pdf.py _build/standard/_build/html book.pdf
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import io
import shutil
import sys
import threading
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

#: Calls the JavaScript function expression %s once the page has loaded (``get`` can return while
#: it is still loading) and MathJax has typeset it, and passes back ``{value}``, or ``{error}`` if
#: MathJax or the function failed: an error inside MathJax's promise would otherwise never reach
#: Python, which would wait for the script timeout and say nothing. ``tests/site`` uses it too.
AFTER_TYPESETTING = """
const done = arguments[arguments.length - 1];
const run = () => {
  try { done({ value: (%s)() }); } catch (e) { done({ error: String((e && e.stack) || e) }); }
};
const typeset = () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(run, (e) => done({ error: `MathJax failed to typeset: ${e}` }));
  } else {
    run();
  }
};
if (document.readyState === "complete") typeset(); else addEventListener("load", typeset);
"""

PRINT = {
    "printBackground": True,
    "paperWidth": 8.27,  # A4, inches
    "paperHeight": 11.69,
    "marginTop": 0.6,
    "marginBottom": 0.6,
    "marginLeft": 0.6,
    "marginRight": 0.6,
    "displayHeaderFooter": True,
    "headerTemplate": "<span></span>",
    "footerTemplate": '<div style="font-size:8px;width:100%;text-align:center">'
    '<span class="title"></span> · <span class="pageNumber"></span></div>',
}


def toc_pages() -> list[str]:
    """Document names (``book/.../name``) of the book, in reading order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path):
    """Yield the URL of ``folder`` served over HTTP on a free local port (MathJax's fonts do not
    load from file:// pages)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def headless_chromium(webdriver, chromium: str, chromedriver: str):
    """Chromium driven by selenium's ``webdriver`` without a display, as the printer and the
    layout tests both use it (no sandbox or shared memory: containers lack both)."""
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(chromedriver))


def korean_font() -> bool:
    """Whether fontconfig knows a font with Hangul, which Chromium needs to print the glossary's
    Korean terms (without one it prints boxes, and the PDF's text loses them)."""
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the website's html folder")
    parser.add_argument("pdf", type=Path, help="where to write the PDF")
    args = parser.parse_args()
    missing = [p for p in toc_pages() if not (args.site / f"{p}.html").is_file()]
    if missing:
        parser.error(f"site must be a built website; {args.site} lacks {', '.join(missing)}")
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        parser.error(
            "no Chromium and chromedriver on PATH (apt-get install chromium chromium-driver)"
        )
    if not korean_font():
        parser.error(
            "no font for Korean (fc-list :lang=ko lists none): the glossary's Korean terms "
            "would print as empty boxes (apt-get install fonts-noto-cjk)"
        )
    from pypdf import PdfReader, PdfWriter
    from selenium import webdriver

    book = PdfWriter()
    with served(args.site) as url:
        driver = headless_chromium(webdriver, chromium, chromedriver)
        try:
            driver.set_script_timeout(120)
            for page in toc_pages():
                driver.get(f"{url}/{page}.html")
                found = driver.execute_async_script(AFTER_TYPESETTING % "() => null")
                if "error" in found:
                    raise RuntimeError(f"{page}: {found['error']}")
                printed = driver.execute_cdp_cmd("Page.printToPDF", PRINT)
                start = len(book.pages)
                book.append(PdfReader(io.BytesIO(base64.b64decode(printed["data"]))))
                book.add_outline_item(driver.title.split(" — ")[0], start)
        finally:
            driver.quit()
    args.pdf.parent.mkdir(parents=True, exist_ok=True)
    with open(args.pdf, "wb") as f:
        book.write(f)
    print(f"{args.pdf}: {len(book.pages)} pages, {args.pdf.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
