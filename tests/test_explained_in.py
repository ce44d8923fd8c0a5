"""The chapters show the package's code, and the API reference links back to them.

The rules are in ``book/_ext/explained_in.py``. The build fails on a ``literalinclude`` of a missing
object too, but only after minutes; these tests say so in seconds.
"""

from __future__ import annotations

import json
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
from explained_in import includes, role_target, scan, used_names  # noqa: E402

CHAPTERS = sorted((REPO / "book").glob("0*/*.ipynb"))
SRC = REPO / "src"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_each_chapter_shows_package_code_that_exists(path):
    explained, _, broken = scan(path, SRC)
    assert not broken, f"{path.name}: a literalinclude names code that is not in the package"
    markdown = [
        "".join(c["source"])
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == "markdown"
    ]
    shown = [found for text in markdown for found in includes(path, text)]
    assert shown, f"{path.name} shows no code of the package (literalinclude with :pyobject:)"
    assert all(p.resolve().is_relative_to(SRC.resolve()) for p, _ in shown)
    assert explained


def test_a_missing_object_is_reported(tmp_path):
    page = tmp_path / "book" / "page.ipynb"
    page.parent.mkdir()
    text = (
        "```{literalinclude} ../src/aebook/models/vae.py\n:language: python\n"
        ":pyobject: VAE.no_such_method\n```\n"
    )
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    page.write_text(json.dumps({"cells": [cell], "metadata": {}}))
    (tmp_path / "src").symlink_to(SRC)
    _, _, broken = scan(page, tmp_path / "src")
    assert broken and "VAE.no_such_method" in broken[0]


def test_roles_and_imports_name_the_objects_where_they_are_defined():
    assert role_target("~aebook.models.vae.VAE") == "aebook.models.vae.VAE"
    assert role_target("the model <aebook.models.vae.VAE>") == "aebook.models.vae.VAE"
    code = "from aebook.models import VAE\nimport aebook.plot as plot\nplot.image_grid(x)\n%time 1"
    assert used_names(code) == {"aebook.models.VAE", "aebook.plot.image_grid"}
