"""The book's structure: notebooks stored clean, all in the table of contents, all installable."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from conftest import CODE_COLUMNS, REPO

NOTEBOOKS = sorted((REPO / "book").rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
API = REPO / "book" / "api.md"
SRC = REPO / "src" / "aebook"


def _ids(paths):
    return [str(p.relative_to(REPO)) for p in paths]


def toc_files() -> list[str]:
    """Every ``file:`` entry of _toc.yml, in order (root first)."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return files


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"cells {dirty} of {path.name} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_cell_has_a_unique_id(path):
    """nbformat 4.5 cells carry ids (a future nbformat refuses cells without, and the build
    warns); edits that add cells by hand must give them one."""
    ids = [cell.get("id") for cell in json.loads(path.read_text())["cells"]]
    assert None not in ids, f"cells {[i for i, x in enumerate(ids) if x is None]} have no id"
    assert len(set(ids)) == len(ids), "cell ids repeat"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_in_the_table_of_contents(path):
    entry = str(path.relative_to(REPO).with_suffix(""))
    assert entry in toc_files(), f"{entry} is missing from _toc.yml"


def test_every_toc_entry_exists():
    for entry in toc_files():
        candidates = [REPO / f"{entry}{ext}" for ext in (".ipynb", ".md")]
        assert any(c.exists() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


def repository_url() -> str:
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_chapter_starts_with_the_install_cell(path):
    first = json.loads(path.read_text())["cells"][0]
    source = "".join(first["source"])
    tags = set(first.get("metadata", {}).get("tags", []))
    assert first["cell_type"] == "code"
    assert {"remove-cell", "nbval-skip"} <= tags, "hidden on the website, skipped by nbval"
    assert "import aebook" in source and "except ImportError" in source
    assert f"git+{repository_url()}" in source, "installs from the repository in _config.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_code_fits_the_page(path):
    """The website shows CODE_COLUMNS columns of code whole; longer lines hide behind a scroll
    bar."""
    cells = json.loads(path.read_text())["cells"][1:]  # the install cell is hidden
    long = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if len(line) > CODE_COLUMNS
    ]
    assert not long, f"code lines over {CODE_COLUMNS} characters: {long}"


def test_api_reference_documents_every_module():
    """A module missing from book/api.md would be invisible on the website."""
    documented = set(re.findall(r"^\.\. automodule:: (aebook\.[\w.]+)$", API.read_text(), re.M))
    modules = {
        "aebook." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for p in SRC.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")  # __main__: the command line
    }
    packages = {
        "aebook." + ".".join(p.parent.relative_to(SRC).parts) for p in SRC.rglob("__init__.py")
    }
    assert modules - documented == set(), "add these modules to book/api.md"
    assert documented - modules - packages == set(), (
        "book/api.md documents modules that do not exist"
    )


GLOSSARY = REPO / "book" / "glossary.md"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def glossary_entries() -> list[tuple[list[str], str]]:
    """(terms, definition) of every entry of the {glossary} blocks of book/glossary.md."""
    entries = []
    for block in re.findall(r"```\{glossary\}\n(.*?)```", GLOSSARY.read_text(), re.S):
        for chunk in re.split(r"\n\s*\n", block.strip()):
            lines = chunk.splitlines()
            terms = [line for line in lines if not line.startswith(" ")]
            definition = " ".join(line.strip() for line in lines if line.startswith(" "))
            entries.append((terms, definition))
    return entries


def test_glossary_gives_each_term_in_english_and_korean_and_links_its_definition():
    entries = glossary_entries()
    assert len(entries) >= 30
    for terms, definition in entries:
        assert len(terms) == 2, terms
        english, korean = terms
        assert not HANGUL.search(english) and HANGUL.search(korean), terms
        assert re.search(r"\{ref\}`[\w-]+`", definition), (
            f"{english}: link where the book defines it"
        )
    english = [terms[0].lower() for terms, _ in entries]
    assert len(set(english)) == len(english), "a term is defined twice"
