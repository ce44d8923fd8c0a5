"""Execute chapter notebooks and record their checked claims under results/<profile>/.

    AEBOOK_PROFILE=paper python scripts/reproduce.py book/00_foundations/foundations.ipynb

Each notebook runs top to bottom in a fresh kernel (nbclient) with ``AEBOOK_RESULTS=results``, so
its ``aebook.results.record`` call writes the claims with the commit, hardware and this command,
and its execution time (wall, and CPU of the kernel) is added to
``results/benchmarks/book_runtime.json``, which each chapter shows as its expected run time.
The executed notebook, with its outputs (PNG figures, re-encoded compactly) and the same
provenance in its metadata (with the package files the page imported, and the number of threads
torch ran it on), is kept as ``results/<profile>/<notebook stem>.ipynb``: the website shows it
in place of executing the page while the page's code cells stay the same
(``book/_ext/recorded_pages.py``). A notebook that fails is not recorded.

In the ``paper`` profile the pages read the runner's finished jobs from the user cache; the jobs'
states parked in ``results/paper/parked`` are restored there first (:func:`aebook.runner.unpark`),
so that a record made on another machine than the one that trained them reads the same jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from aebook.profiles import active_profile
from aebook.results import provenance, record_runtime
from aebook.results.freshness import COMMAND_VAR, IMPORTS_PROBE, stamp
from aebook.results.records import command_line, commit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
from recorded_pages import compact_pngs, record_path  # noqa: E402

#: What all recorded notebooks of one profile may weigh together (bytes).
BUDGET = 25 * 2**20

#: Appended after the imports probe: the number of threads torch ran the page on, which changes a
#: CPU run's numbers (float sums in another order), or nothing when the page never imported torch.
THREADS_PROBE = """\
import sys as _sys
_torch = _sys.modules.get("torch")
print("torch threads:", _torch.get_num_threads() if _torch else "")"""


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the notebook kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _uncommitted(path: Path) -> list[str]:
    """Files of the package or of ``path`` that differ from the commit: the run is not of it."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "src", str(path.resolve())],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    return [line[3:] for line in status.stdout.splitlines()]


def _last_line(probe, name: str) -> str:
    """The last line a probe cell printed on standard output. A thread of the page (a progress
    bar, a worker) may still print into the probe's cell, before that line or on standard error."""
    printed = "".join(
        o.get("text", "")
        for o in probe.outputs
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    ).strip()
    if not printed:
        raise RuntimeError(f"the {name} probe printed nothing; its outputs: {probe.outputs}")
    return printed.splitlines()[-1]


def _probed_imports(probe) -> list[str]:
    """The package files the imports probe printed."""
    return json.loads(_last_line(probe, "imports"))


def _probed_threads(probe) -> int | None:
    """The torch thread count the threads probe printed; None if the page never imported torch."""
    count = _last_line(probe, "threads").removeprefix("torch threads:").strip()
    return int(count) if count else None


def _label(path: Path) -> str:
    """``path`` from the repository's root (as it stands in ``_toc.yml``), else as given."""
    path = path.resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=-1, help="seconds per cell (-1: none)")
    parser.add_argument(
        "--runtimes",
        type=Path,
        default=None,
        help="results folder for the run times (default: $AEBOOK_RESULTS, where the claims go)",
    )
    args = parser.parse_args()
    for path in args.notebooks:  # every argument checked before the first (long) execution
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"notebooks must be existing .ipynb files; got {str(path)!r}")
    if args.timeout == 0 or args.timeout < -1:
        parser.error(f"--timeout must be seconds > 0, or -1 for none; got {args.timeout}")
    active_profile()  # a wrong AEBOOK_PROFILE stops here, naming the choices
    # Absolute: the kernel runs in the notebook's folder, where a relative path would land.
    results = Path(os.environ.get("AEBOOK_RESULTS") or REPO / "results")
    os.environ["AEBOOK_RESULTS"] = str(results.resolve())
    runtimes_root = args.runtimes or results.resolve()
    os.environ[COMMAND_VAR] = command_line()
    os.environ.setdefault("AEBOOK_PROGRESS", "0")
    # What the run is of, read once before it starts: the kernel's record and the kept notebook
    # name the same commit even if one is made while a page runs.
    os.environ["AEBOOK_COMMIT"] = commit()
    uncommitted = {path: _uncommitted(path) for path in args.notebooks}
    if active_profile() == "paper":
        from aebook import runner

        for line in runner.unpark(runner.paper_jobs(), results / runner.PARKED):
            print(line)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(IMPORTS_PROBE))  # both removed once run
        nb.cells.append(nbformat.v4.new_code_cell(THREADS_PROBE))
        began = time.perf_counter()
        cpu_before = _children_cpu()
        NotebookClient(
            nb,
            timeout=None if args.timeout < 0 else args.timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        wall, cpu = time.perf_counter() - began, _children_cpu() - cpu_before
        threads = _probed_threads(nb.cells.pop())
        imports = _probed_imports(nb.cells.pop())
        notebook, profile = _label(path), active_profile()
        record_runtime(runtimes_root, notebook, profile, wall, cpu)
        compact_pngs(nb)
        stamp(
            nb,
            notebook=notebook,
            profile=profile,
            **provenance(),
            uncommitted=uncommitted[path],
            wall_s=round(wall, 1),
            cpu_s=round(cpu, 1),
            imports=imports,
            threads=threads,  # None when the page never imported torch
        )
        target = record_path(results.resolve(), profile, path.stem)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        total = sum(p.stat().st_size for p in target.parent.glob("*.ipynb"))
        print(f"{path}: executed in {wall:.0f} s wall, {cpu:.0f} s CPU (kernel); kept as {target}")
        if total > BUDGET:
            print(
                f"warning: {target.parent}/*.ipynb: {total / 2**20:.1f} MB, over the 25 MB budget"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
