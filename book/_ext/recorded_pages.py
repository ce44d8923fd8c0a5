"""Recorded pages: the website shows the outputs of recorded runs instead of executing chapters.

``scripts/reproduce.py`` keeps each executed notebook as ``results/<profile>/<stem>.ipynb`` with
its provenance in the metadata (:func:`aebook.results.freshness.stamp`). As a Sphinx extension this
module builds every notebook page from the best valid record (``paper`` over ``standard``;
``smoke`` records only count when the build itself runs in ``smoke``): the page's current cells,
with the outputs of the record, and not executed. A record is valid only while the page's code
cells equal the recorded ones, so an edited page is executed instead and never shown with outputs
of other code. Every page gets a banner that says where its outputs come from, and a recorded page
offers the recorded notebook for download and opens it in Colab.

Sphinx config: ``aebook_records`` (the results folder, relative to the book's root) and
``aebook_execute`` (True: ignore records and execute every page). The build's own profile is
``$AEBOOK_PROFILE`` (default ``standard``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import importlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from aebook.results.freshness import changes, stamp_of

#: Longest first: a build uses a record of its own profile or a longer one.
PROFILES = ("paper", "standard", "smoke")
#: What a run in each profile is, in a few words for the banner.
MEANING = {
    "paper": "the papers' own settings",
    "standard": "shorter training than the papers",
    "smoke": "seconds of training: the numbers only show that the code runs",
}


def _smallest_png(raw: bytes) -> bytes:
    """The same pixels in the smallest PNG: no alpha when opaque, grey or a palette if they fit."""
    from PIL import Image, ImageChops

    image = Image.open(io.BytesIO(raw))
    candidates = [image]
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
        candidates.append(image)
    if image.mode == "RGB":
        r, g, b = image.split()
        if not ImageChops.difference(r, g).getbbox() and not ImageChops.difference(r, b).getbbox():
            candidates.append(image.convert("L"))
        elif image.getcolors(256):
            candidates.append(image.quantize(256))  # exact: it has at most 256 colours
    best = raw
    for candidate in candidates:
        buffer = io.BytesIO()
        candidate.save(buffer, format="PNG", optimize=True)
        if buffer.tell() < len(best):
            best = buffer.getvalue()
    return best


def compact_pngs(nb) -> None:
    """Re-encode every PNG output of ``nb`` losslessly, as small as :func:`_smallest_png` gets."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                raw = base64.b64decode(data["image/png"])
                data["image/png"] = base64.b64encode(_smallest_png(raw)).decode("ascii")


def record_path(root: Path, profile: str, stem: str) -> Path:
    return Path(root) / profile / f"{stem}.ipynb"


@dataclass(frozen=True)
class Stale:
    """A record of a longer profile that a page no longer shows: its code changed after it."""

    profile: str
    date: str  #: when it was recorded (ISO 8601)


@dataclass(frozen=True)
class Choice:
    """How a page is built: ``kind`` is ``"record"`` (shown from the record at ``record``, run in
    ``profile``), ``"build"`` (executed in ``profile``) or ``"summary"`` (a page that reads the
    records and is always executed: its metadata forces execution)."""

    kind: str
    profile: str = ""
    record: str = ""  #: the record's path
    provenance: dict = field(default_factory=dict)  #: the record's stamp
    changed: list[str] = field(default_factory=list)  #: package files changed since the record
    stale: list[Stale] = field(default_factory=list)  #: longer records this choice supersedes


def choose(page: Path, root: Path, fallback: str, execute: bool = False) -> Choice:
    """How to build ``page``: from the record of the longest profile up to ``fallback`` whose
    code cells equal the page's, else executed in ``fallback``."""
    nb = nbformat.read(page, as_version=4)
    if nb.metadata.get("mystnb", {}).get("execution_mode") == "force":
        return Choice("summary")
    if execute:
        return Choice("build", fallback)
    stale = []
    for profile in PROFILES[: PROFILES.index(fallback) + 1]:
        path = record_path(root, profile, page.stem)
        if not path.exists():
            continue
        record = nbformat.read(path, as_version=4)
        changed = changes(record, nb)
        if changed is None:
            stale.append(Stale(profile, stamp_of(record).get("date", "")))
            continue
        return Choice("record", profile, str(path), stamp_of(record), changed, stale)
    return Choice("build", fallback, stale=stale)


def fill(page, record) -> None:
    """Give ``page``'s code cells the outputs of ``record`` (same code) and turn execution off."""
    recorded = [cell for cell in record.cells if cell.cell_type == "code"]
    for cell, done in zip((c for c in page.cells if c.cell_type == "code"), recorded, strict=True):
        cell.outputs = done.outputs
        cell.execution_count = done.execution_count
    page.metadata.setdefault("mystnb", {})["execution_mode"] = "off"


def _duration(seconds: float) -> str:
    """``4 min 11 s``, with no-break spaces: a narrow screen does not split it."""
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s"
    return (text if hours or minutes else f"{seconds} s").replace(" ", "\u00a0")


def _day(iso: str) -> str:
    """``29 November 2026`` from an ISO date: unambiguous, and it wraps only at spaces."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return "an unknown date"
    return f"{day.day} {day:%B %Y}"


def banner(choice: Choice, download: str, commit_url: str, jobs: bool = False) -> str:
    """The MyST admonition that says where a page's outputs come from.

    ``download`` is the recorded notebook's path from the book's root (for ``{download}``);
    ``commit_url`` the repository's URL for a commit, without the hash.
    """
    if choice.kind == "summary":
        return (
            ":::{admonition} Read from the recorded runs\n:class: note aebook-banner\n"
            "This page is computed when the website is built, from the records in `results/`.\n"
            ":::\n"
        )
    stale = "".join(
        f" The recorded `{s.profile}` run of {_day(s.date)} is not shown: this page's "
        "code changed after it."
        for s in choice.stale
    )
    profile = choice.profile
    if choice.kind == "build":
        title = "not results" if profile == "smoke" else "no recorded run"
        return (
            f":::{{admonition}} Executed in `{profile}` while the website was built: {title}\n"
            f":class: {'warning' if profile == 'smoke' else 'note'} aebook-banner\n"
            f"No recorded run matches this page's code, so the build executed it in `{profile}` "
            f"({MEANING[profile]}).{stale}\n:::\n"
        )
    p = choice.provenance
    commit = p.get("commit", "unknown")
    at = f"`{commit[:7]}`"
    if commit_url and re.fullmatch("[0-9a-f]{40}", commit):
        at = f"[{at}]({commit_url}{commit})"
    if p.get("uncommitted"):
        at += " with uncommitted changes"
    took = f", which took {_duration(p['wall_s'])}" if "wall_s" in p else ""
    n = p.get("threads")  # older records do not say
    threads = f" (torch on {n} thread{'s' if n != 1 else ''})" if n else ""
    if took and jobs and profile == "paper":  # the hours are in the jobs, not the page
        took += " to read back its long trainings, jobs of `aebook.runner` run ahead of it"
    text = (
        f":::{{admonition}} Outputs of the recorded `{profile}` run\n"
        f":class: {'warning' if profile == 'smoke' else 'note'} aebook-banner\n"
        f"Every output on this page comes from one run of its code in `{profile}` "
        f"({MEANING[profile]}) on {_day(p.get('date', ''))} at commit {at}{took} "
        f"on {p.get('hardware', '?')}{threads}. {{download}}`The notebook with these outputs "
        f"</{download}>` also opens in Colab (rocket icon).{stale}"
    )
    if choice.changed:
        files = ", ".join(f"`{f}`" for f in choice.changed[:5])
        more = f" and {len(choice.changed) - 5} more" if len(choice.changed) > 5 else ""
        text += (
            f"\n\n{'Package files this page imports have' if 'imports' in p else 'The package has'}"
            f" changed since this run ({files}{more}): running the page "
            "today may give other numbers."
        )
    return text + "\n:::\n"


def insert_after_title(nb, text: str) -> None:
    """Put ``text`` right under the page's ``# title``, or first if the page has none."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("# "):
                cell.source = "\n".join([*lines[: i + 1], "", text, *lines[i + 1 :]])
                return
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))


# --- Sphinx -----------------------------------------------------------------------------------


def _choices(app, env) -> dict[str, Choice]:
    root = Path(app.srcdir, app.config.aebook_records)
    fallback = os.environ.get("AEBOOK_PROFILE") or "standard"
    return {
        doc: choose(Path(env.doc2path(doc)), root, fallback, app.config.aebook_execute)
        for doc in sorted(env.found_docs)
        if env.doc2path(doc).endswith(".ipynb")
    }


def note_choices(app, env, added, changed, removed):
    """Choose each page's source once per build; pages whose choice changed are read again, and
    so is every summary page, which reads the records and must never show an earlier build's."""
    before = getattr(env, "aebook_choices", {})
    env.aebook_choices = _choices(app, env)
    return [
        d
        for d, c in env.aebook_choices.items()
        if d not in added and (before.get(d) != c or c.kind == "summary")
    ]


@functools.cache
def pages_with_jobs() -> frozenset[str]:
    """Pages whose ``paper`` run reads trainings that the runner did ahead of it: the pages that
    own jobs, and those whose module says it reads another page's (``READS_JOBS_OF``)."""
    from aebook.experiments import pages
    from aebook.runner import paper_jobs

    owners = {job.page for job in paper_jobs()}
    readers = {
        page
        for page in pages()
        if getattr(importlib.import_module(f"aebook.experiments.{page}"), "READS_JOBS_OF", None)
        in owners
    }
    return frozenset(owners | readers)


def build_page(app, docname, source):
    choice = app.env.aebook_choices.get(docname)
    if choice is None:
        return
    nb = nbformat.reads(source[0], as_version=4)
    download = ""
    if choice.kind == "record":
        fill(nb, nbformat.read(choice.record, as_version=4))
        download = Path(choice.record).relative_to(app.srcdir).as_posix()
    url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    jobs = docname.rpartition("/")[2] in pages_with_jobs()
    insert_after_title(nb, banner(choice, download, url and f"{url}/commit/", jobs))
    source[0] = nbformat.writes(nb)


def add_recorded_buttons(app, pagename, templatename, context, doctree):
    """Offer the recorded notebook for download, and open it (not the clean one) in Colab."""
    choice = getattr(app.env, "aebook_choices", {}).get(pagename)
    if not choice or choice.kind != "record":
        return
    record = Path(choice.record).relative_to(app.srcdir).as_posix()
    url = f"{context['pathto']('_downloads', 1)}/{app.env.dlfiles[record][1]}"
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(
                1,
                {
                    "type": "link",
                    "url": url,
                    "text": ".ipynb with outputs",
                    "tooltip": f"Download the notebook with the outputs of its {choice.profile} run",
                    "icon": "fas fa-file-circle-check",
                    "label": "download-recorded-notebook-button",
                },
            )
        if group.get("label") == "launch-buttons":
            for button in group["buttons"]:
                if button.get("text") == "Colab":
                    button["url"] = re.sub(r"(/blob/[^/]+/).*", rf"\g<1>{record}", button["url"])
                    button["tooltip"] = "Open the notebook with its recorded outputs in Colab"


def add_stylesheet(app, config):
    config.html_static_path.append(str(Path(__file__).with_name("static")))


def setup(app):
    app.connect("config-inited", add_stylesheet)
    app.add_css_file("recorded_pages.css")
    app.add_config_value("aebook_records", "results", "env")
    app.add_config_value("aebook_execute", False, "env")
    app.connect("env-get-outdated", note_choices)
    app.connect("source-read", build_page)
    # after sphinx-book-theme's buttons (priority 501) and the Markdown download (900)
    app.connect("html-page-context", add_recorded_buttons, priority=901)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
