"""One name per page: a notebook's stem names its experiments module, its settings and its record."""

import json
import re
from pathlib import Path

import pytest

from aebook.experiments import pages, settings
from aebook.profiles import PROFILES

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*/*.ipynb") if p.parent.name[:2].isdigit())


def _code(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_page_module_has_a_notebook_and_every_chapter_notebook_a_module():
    assert len(NOTEBOOKS) == 17
    assert sorted(p.stem for p in NOTEBOOKS) == list(pages())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_stem_is_its_settings_key_and_its_record_name(notebook):
    page = notebook.stem
    for profile in PROFILES:
        cfg = settings(page, profile)
        assert cfg.profile == profile
        assert "| setting | value |" in cfg._repr_markdown_()
    code = _code(notebook)
    assert re.search(r"^from aebook\.experiments import .*\bsettings$", code, re.M)
    assert re.findall(r"\bsettings\((\"[^\"]*\")", code) == [f'"{page}"']
    assert set(re.findall(r"\brecord(?:ed)?\(\s*\"([^\"]*)\"", code)) == {page}


def test_an_unknown_page_lists_the_pages():
    with pytest.raises(ValueError, match="page must be one of .*foundations"):
        settings("nope")


def test_no_lower_module_imports_the_pages():
    src = Path(__file__).resolve().parents[1] / "src" / "aebook"
    upward = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "experiments" not in path.relative_to(src).parts
        and path.name not in ("runner.py", "__main__.py")
        and re.search(r"^\s*(from|import) aebook\.experiments", path.read_text(), re.M)
    ]
    assert upward == []


def test_the_scoreboard_gives_every_page_to_one_part_of_the_book():
    from aebook.results.scoreboard import PARTS

    listed = [page for part in PARTS.values() for page in part]
    assert sorted(listed) == list(pages()), "add the page to PARTS in aebook.results.scoreboard"
