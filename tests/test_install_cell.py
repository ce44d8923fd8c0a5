"""The chapters' install cell, run in a fresh virtual environment, gives an importable ``aebook``.

Colab already has torch, numpy, scipy, scikit-learn, matplotlib and tqdm; the cell must add only the
book's package. The fresh environment sees this environment's packages through a ``.pth`` line (not
the editable install of ``aebook``, whose hook is never processed there), and the cell's pip
requirement is pointed at this working tree instead of GitHub.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sysconfig
import venv

import pytest

from conftest import REPO


def install_command() -> list[str]:
    cell = json.loads((REPO / "book/00_foundations/foundations.ipynb").read_text())["cells"][0]
    line = next(line for line in "".join(cell["source"]).splitlines() if "%pip install" in line)
    return shlex.split(line.split("%pip install", 1)[1])


def test_the_install_cell_installs_from_the_repository_main_branch():
    args = install_command()
    requirement = next(a for a in args if a.startswith("aebook @ "))
    assert re.fullmatch(r"aebook @ git\+https://github\.com/[\w.-]+/[\w.-]+@main", requirement)


@pytest.mark.slow
def test_install_cell_in_a_fresh_environment_gives_an_importable_package(tmp_path):
    env = tmp_path / "colab"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # what Colab has preinstalled: this environment's packages, after the fresh env's own
    (tmp_path / site / "preinstalled.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    args = [
        f"aebook @ {REPO.as_uri()}" if a.startswith("aebook @ ") else a for a in install_command()
    ]
    subprocess.run([python, "-m", "pip", "install", *args], check=True, timeout=600)

    probe = "import aebook, aebook.models, aebook.train; print(aebook.__file__)"
    where = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(site), where.stdout  # the fresh install, not ours
