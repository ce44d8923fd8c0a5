"""The book's run time: every notebook of the table of contents executed in a fresh kernel, per profile.

Each notebook goes through ``scripts/reproduce.py``, which adds its wall and kernel-CPU seconds to
``results/benchmarks/book_runtime.json``; each chapter shows its own rows as its expected run time
and the performance page shows the whole table. In ``smoke`` the chapters' claims are written to a
temporary folder (smoke claims are loose by design and do not belong on the scoreboard); in
``standard`` and ``paper`` they are recorded in ``results/<profile>/`` like any run for the record.

    python benchmarks/book_runtime.py --profile smoke [--profile standard] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from aebook.profiles import PROFILES
from aebook.results import runtimes

REPO = Path(__file__).resolve().parents[1]


def toc_notebooks() -> list[str]:
    """The notebooks of ``_toc.yml`` in reading order, as paths relative to the repository."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    return [f + ".ipynb" for f in files if (REPO / (f + ".ipynb")).exists()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="append", choices=PROFILES, required=True)
    parser.add_argument("notebooks", nargs="*", help="default: every notebook of _toc.yml")
    args = parser.parse_args()
    notebooks = args.notebooks or toc_notebooks()
    results = REPO / "results"
    failed: list[str] = []
    for profile in args.profile:
        with tempfile.TemporaryDirectory() as scratch:
            env = dict(os.environ, AEBOOK_PROFILE=profile)
            env["AEBOOK_RESULTS"] = scratch if profile == "smoke" else str(results)
            command = [sys.executable, str(REPO / "scripts" / "reproduce.py")]
            for nb in notebooks:  # one process per notebook: a failure names its notebook
                done = subprocess.run([*command, "--runtimes", str(results), nb], env=env)
                if done.returncode != 0:
                    failed.append(f"{nb} ({profile})")
    print()
    print(runtimes(results, notebooks)._repr_markdown_())
    if failed:  # the others still ran and were timed
        print("\nThese notebooks failed (not timed): " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
