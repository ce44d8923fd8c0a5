"""How long each page ran, per profile, read from ``results/``: the table every page shows.

The performance page's own tables (benchmarks, the paper profile's cost) are in
:mod:`aebook.results.performance`, so that changing them does not touch every page's record."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aebook.profiles import PROFILES
from aebook.results.records import provenance, read_json, results_dir, update_json
from aebook.results.table import Table

#: Where ``scripts/reproduce.py`` keeps how long each notebook took, per profile.
RUNTIMES = Path("benchmarks") / "book_runtime.json"


def record_runtime(root: Path | str, notebook: str, profile: str, wall: float, cpu: float) -> Path:
    """Add one notebook's execution time (wall and CPU seconds) to ``root``/benchmarks/...json."""
    entry = {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        **{k: v for k, v in provenance().items() if k in ("commit", "date", "hardware", "torch")},
    }

    def add(table: dict) -> dict:
        table.setdefault(profile, {})[notebook] = entry
        return table

    return update_json(Path(root) / RUNTIMES, add)


def format_duration(seconds: float) -> str:
    """``"45 s"``, ``"2.5 min"`` or ``"12 min"``: a run time as the tables show it."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 600 else f"{seconds / 60:.0f} min"


class RuntimeTable:
    """Measured execution time of notebooks per profile (displays as Markdown)."""

    def __init__(
        self,
        table: dict[str, dict[str, dict]],
        notebooks: Sequence[str] | None = None,
        title: str | None = None,
    ):
        self.table = table
        self.title = title
        self.notebooks = (
            list(notebooks)
            if notebooks is not None
            else sorted({nb for per_profile in table.values() for nb in per_profile})
        )

    def seconds(self, profile: str, notebook: str) -> float | None:
        entry = self.table.get(profile, {}).get(notebook)
        return None if entry is None else entry["wall_s"]

    def _repr_markdown_(self) -> str:
        profiles = [p for p in PROFILES if p in self.table]
        if not profiles or not self.notebooks:
            return "*No measured run times yet: run `python benchmarks/book_runtime.py`.*"
        rows = []
        for nb in self.notebooks:
            cells = [
                "—"
                if e is None
                else f"{format_duration(e['wall_s'])} / {format_duration(e['cpu_s'])}"
                for e in (self.table.get(p, {}).get(nb) for p in profiles)
            ]
            rows.append([Path(nb).stem, *cells])  # stems are unique
        totals = []
        for p in profiles:
            known = [self.table[p][nb]["wall_s"] for nb in self.notebooks if nb in self.table[p]]
            totals.append(format_duration(sum(known)) if known else "—")
        rows.append(["**total (wall)**", *totals])
        hardware = {e["hardware"] for per in self.table.values() for e in per.values()}
        header = ["page", *(f"`{p}`: wall / CPU" for p in profiles)]
        note = f"Measured on: {'; '.join(sorted(hardware))}."
        return Table(header, rows, title=self.title, note=note)._repr_markdown_()


def runtimes(
    root: Path | str | None = None,
    notebooks: Sequence[str] | None = None,
    title: str | None = None,
) -> RuntimeTable:
    """The measured run times under ``root`` (default:
    :func:`~aebook.results.records.results_dir`), for ``notebooks`` (paths relative to the
    repository root, e.g. ``book/03_vae/vae.ipynb``; default: all)."""
    root = results_dir() if root is None else Path(root)
    path = None if root is None else root / RUNTIMES
    table = read_json(path) if path is not None and path.exists() else {}
    return RuntimeTable(table, notebooks, title)
