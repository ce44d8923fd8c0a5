"""Reading aids: a chapter page reads as a lesson (issue 18). The settings and the code that checks
claims or draws figures are folded, every figure has a caption and alt text, the lessons do not
talk about the machine that built the book, and every page links to its study-group plan. The
folding and captions live in cell metadata, so the records of the pages stay valid."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from conftest import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
from reading import unwrap_figures_without_images  # noqa: E402

CHAPTERS = sorted((REPO / "book").glob("0*/*.ipynb"))
IDS = [p.stem for p in CHAPTERS]
CLAIMS = re.compile(
    r"\bcheck\(|\bClaim\b|ledger_table|\brecorded\(|claims_table|RecordedComparison\("
)
#: Prose about the hardware the book was built on (the runtime tables say it, once).
MACHINE = re.compile(
    r"\b\d+-core\b|machine that built|this machine|laptop CPU|CPU core|of CPU\b", re.I
)


def cells(path: Path, kind: str) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def tags(cell: dict) -> set[str]:
    return set(cell["metadata"].get("tags", []))


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_the_settings_are_folded(path):
    shown = [c for c in cells(path, "code") if re.search(r"^cfg\s*$", "".join(c["source"]), re.M)]
    assert shown, "the page shows its settings (a cell ending in `cfg`)"
    assert all("hide-cell" in tags(c) for c in shown), "the settings table is folded (hide-cell)"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_claim_checking_code_is_folded(path):
    visible = [
        "".join(c["source"]).splitlines()[0]
        for c in cells(path, "code")
        if CLAIMS.search("".join(c["source"]))
        and not tags(c) & {"hide-input", "hide-cell", "remove-input", "remove-cell"}
    ]
    assert not visible, f"claim-checking cells with their code open: {visible}"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_every_figure_has_a_caption_and_alt_text(path):
    names = []
    for cell in cells(path, "code"):
        source = "".join(cell["source"])
        if not re.search(r"\bplot\.\w+\(", source):
            continue
        mystnb = cell["metadata"].get("mystnb", {})
        caption = mystnb.get("figure", {}).get("caption", "")
        alt = mystnb.get("image", {}).get("alt", "")
        first = source.splitlines()[0]
        assert len(caption.split()) >= 5, f"the figure of `{first}` needs a caption"
        assert len(alt.split()) >= 5 and not re.search(r"\.(png|svg|jpg)\b", alt), (
            f"the figure of `{first}` needs alt text that describes it"
        )
        names += [mystnb["figure"]["name"]] if "name" in mystnb["figure"] else []
    assert len(names) == len(set(names)), "figure names are unique on the page"
    assert all(n.startswith(f"fig-{path.stem.replace('_', '-')}-") for n in names)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_the_lesson_does_not_talk_about_the_build_machine(path):
    said = [
        m.group(0) for c in cells(path, "markdown") for m in MACHINE.finditer("".join(c["source"]))
    ]
    assert not said, f"prose about the build machine: {said}"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_every_chapter_links_to_its_study_group_plan(path):
    kit = "".join(
        "".join(c["source"]) for c in cells(REPO / "book" / "study_group.ipynb", "markdown")
    )
    plans = set(re.findall(r"^\((session-[\w-]+)\)=$", kit, re.M))
    linked = {
        label
        for c in cells(path, "markdown")
        for label in re.findall(r"\{ref\}`(?:[^`<]*<)?(session-[\w-]+)>?`", "".join(c["source"]))
    }
    assert linked and linked <= plans, f"links {linked or 'no plan'}; the kit has {sorted(plans)}"
    chapter = re.search(
        r"^\((chap-[\w-]+)\)=$", "".join(cells(path, "markdown")[0]["source"]), re.M
    )
    plan = kit.split(f"({linked.pop()})=")[1].split("\n(session-")[0]
    assert chapter and f"{{ref}}`{chapter.group(1)}`" in plan, "the plan names this page"


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
