"""Claims: each number a chapter checks, with the criterion it must meet and the paper's value.

A chapter builds a list of :class:`Claim` from the numbers it computed, shows it as the *paper vs.
ours* table (:func:`claims_table`), fails loudly when one does not hold (:func:`check`, so nbval
catches a chapter that stops reproducing), and hands it to :func:`record`, which writes it with
its provenance under ``$AEBOOK_RESULTS`` when that is set (``scripts/reproduce.py`` sets it) and
does nothing otherwise, so a reader's run never writes into the repository.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from aebook.profiles import PROFILES, ChapterSettings

ENV_VAR = "AEBOOK_RESULTS"


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


@dataclass(frozen=True)
class Claim:
    """One checked number. ``ok`` is computed by the constructors from ``ours`` and the criterion."""

    name: str
    ours: float
    criterion: str
    ok: bool
    paper: float | str | None = None
    unit: str = ""

    @classmethod
    def at_most(cls, name: str, ours: float, bound: float, *, unit: str = "", paper=None) -> Claim:
        ours = float(ours)
        return cls(name, ours, f"≤ {_fmt(float(bound))} {unit}".strip(), ours <= bound, paper, unit)

    @classmethod
    def at_least(cls, name: str, ours: float, bound: float, *, unit: str = "", paper=None) -> Claim:
        ours = float(ours)
        return cls(name, ours, f"≥ {_fmt(float(bound))} {unit}".strip(), ours >= bound, paper, unit)

    @classmethod
    def near(
        cls,
        name: str,
        ours: float,
        target: float,
        tolerance: float,
        *,
        relative: bool = False,
        unit: str = "",
        paper=None,
    ) -> Claim:
        """``abs(ours - target) <= tolerance`` (times ``abs(target)`` with ``relative=True``)."""
        ours, target = float(ours), float(target)
        allowed = tolerance * abs(target) if relative else tolerance
        tol = f"{100 * tolerance:.3g} %" if relative else f"{_fmt(float(tolerance))} {unit}".strip()
        return cls(
            name, ours, f"{_fmt(target)} ± {tol}", abs(ours - target) <= allowed, paper, unit
        )


class ClaimsTable:
    """The *paper vs. ours* table; displays as Markdown in a notebook and on the website."""

    def __init__(self, claims: Sequence[Claim], profile: str, reference: str = "paper"):
        self.claims = list(claims)
        self.profile = profile
        self.reference = reference

    def _repr_markdown_(self) -> str:
        rows = [
            f"| {c.name} | {_fmt(c.paper)} | {_fmt(c.ours)} {c.unit} | {c.criterion} | "
            f"{'✓ holds' if c.ok else '✗ misses'} |"
            for c in self.claims
        ]
        head = f"| claim | {self.reference} | ours | criterion in `{self.profile}` | result |"
        return "\n".join([head, "|---|---|---|---|---|", *rows])

    def __repr__(self) -> str:
        return self._repr_markdown_()


def claims_table(
    claims: Sequence[Claim], settings: ChapterSettings, reference: str = "paper"
) -> ClaimsTable:
    """The table of ``claims``; ``reference`` names the column of expected values (paper, theory)."""
    return ClaimsTable(claims, settings.profile, reference)


def check(claims: Sequence[Claim]) -> None:
    """Raise AssertionError naming every claim that does not hold."""
    failed = [c for c in claims if not c.ok]
    if failed:
        lines = [f"  {c.name}: ours {_fmt(c.ours)} {c.unit}, needed {c.criterion}" for c in failed]
        raise AssertionError("These claims do not hold:\n" + "\n".join(lines))


def provenance() -> dict[str, str]:
    """Commit, hardware, software and date, to store next to every recorded number."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = os.environ.get("AEBOOK_COMMIT", "unknown")
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    return {
        "commit": commit,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "hardware": f"{platform.machine()}, {os.cpu_count()} CPU cores, GPU: {gpu}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "command": os.environ.get("AEBOOK_COMMAND", ""),
    }


def record(
    chapter: str,
    claims: Sequence[Claim],
    settings: ChapterSettings,
    measurements: dict[str, float] | None = None,
) -> Path | None:
    """Write ``claims`` with their provenance to ``$AEBOOK_RESULTS/<profile>/<chapter>.json``.

    ``measurements`` are further named numbers of the run worth keeping (errors, times) that are
    not claims. Does nothing (returns None) when ``$AEBOOK_RESULTS`` is not set.
    """
    root = os.environ.get(ENV_VAR)
    if not root:
        return None
    path = Path(root) / settings.profile / f"{chapter}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "chapter": chapter,
        "profile": settings.profile,
        "settings": dataclasses.asdict(settings),
        "claims": [dataclasses.asdict(c) for c in claims],
        "measurements": {k: float(v) for k, v in (measurements or {}).items()},
        **provenance(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class RecordedRun:
    """One ``results/<profile>/<chapter>.json`` file: a chapter's claims and their provenance."""

    chapter: str
    profile: str
    claims: tuple[Claim, ...]
    commit: str
    date: str
    hardware: str
    command: str
    path: Path

    @classmethod
    def read(cls, path: Path) -> RecordedRun:
        d = json.loads(Path(path).read_text())
        return cls(
            d["chapter"],
            d["profile"],
            tuple(Claim(**c) for c in d["claims"]),
            d.get("commit", "unknown"),
            d.get("date", ""),
            d.get("hardware", ""),
            d.get("command", ""),
            Path(path),
        )


def load_runs(root: Path | str) -> list[RecordedRun]:
    """Every recorded run under ``root`` (a ``results/`` folder), paper profile first."""
    order = {p: i for i, p in enumerate(("paper", "standard", "smoke"))}
    paths = sorted(p for profile in PROFILES for p in (Path(root) / profile).glob("*.json"))
    runs = [RecordedRun.read(p) for p in paths]
    return sorted(runs, key=lambda r: (r.chapter, order.get(r.profile, 9)))


class Scoreboard:
    """Every recorded claim of every chapter in one table (displays as Markdown)."""

    def __init__(self, runs: Sequence[RecordedRun]):
        self.runs = list(runs)

    @property
    def claims(self) -> list[tuple[RecordedRun, Claim]]:
        return [(run, c) for run in self.runs for c in run.claims]

    def _repr_markdown_(self) -> str:
        if not self.runs:
            return "*No recorded runs yet: run `scripts/reproduce.py` to record one.*"
        held = sum(c.ok for _, c in self.claims)
        lines = [f"**{held} of {len(self.claims)} recorded claims hold.**"]
        for run in self.runs:  # one table per recorded run, so each fits the page
            lines += [
                "",
                f"**{run.chapter}** · `{run.profile}` run of {run.date[:10]}, commit "
                f"`{run.commit[:7]}`",
                "",
                "| claim | paper | ours | criterion | result |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {c.name} | {_fmt(c.paper)} | {_fmt(c.ours)} {c.unit} | {c.criterion} | "
                f"{'✓ holds' if c.ok else '✗ misses'} |"
                for c in run.claims
            ]
        return "\n".join(lines)


def scoreboard(root: Path | str = "../results") -> Scoreboard:
    """The scoreboard of the recorded runs under ``root`` (the repository's ``results/``)."""
    return Scoreboard(load_runs(root))


#: Where ``scripts/reproduce.py`` keeps how long each notebook took, per profile.
RUNTIMES = Path("benchmarks") / "book_runtime.json"


def record_runtime(root: Path | str, notebook: str, profile: str, wall: float, cpu: float) -> Path:
    """Add one notebook's execution time (wall and CPU seconds) to ``root``/benchmarks/...json."""
    path = Path(root) / RUNTIMES
    path.parent.mkdir(parents=True, exist_ok=True)
    table = json.loads(path.read_text()) if path.exists() else {}
    table.setdefault(profile, {})[notebook] = {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        **{k: v for k, v in provenance().items() if k in ("commit", "date", "hardware", "torch")},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path


def _minutes(seconds: float) -> str:
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
        head = " | ".join(f"`{p}`: wall / CPU" for p in profiles)
        rows = []
        for nb in self.notebooks:
            cells = []
            for p in profiles:
                e = self.table.get(p, {}).get(nb)
                cells.append(
                    "—" if e is None else f"{_minutes(e['wall_s'])} / {_minutes(e['cpu_s'])}"
                )
            rows.append(f"| {Path(nb).stem} | " + " | ".join(cells) + " |")  # stems are unique
        totals = []
        for p in profiles:
            known = [self.table[p][nb]["wall_s"] for nb in self.notebooks if nb in self.table[p]]
            totals.append(_minutes(sum(known)) if known else "—")
        hardware = {e["hardware"] for per in self.table.values() for e in per.values()}
        return "\n".join(
            ([f"**{self.title}**", ""] if self.title else [])
            + [
                f"| page | {head} |",
                "|---|" + "---|" * len(profiles),
                *rows,
                "| **total (wall)** | " + " | ".join(totals) + " |",
                "",
                f"Measured on: {'; '.join(sorted(hardware))}.",
            ]
        )


def runtimes(
    root: Path | str = "../results",
    notebooks: Sequence[str] | None = None,
    title: str | None = None,
) -> RuntimeTable:
    """The measured run times under ``root`` (the repository's ``results/``), for ``notebooks``
    (paths relative to the repository root, e.g. ``book/03_vae/vae.ipynb``; default: all)."""
    path = Path(root) / RUNTIMES
    table = json.loads(path.read_text()) if path.exists() else {}
    return RuntimeTable(table, notebooks, title)


def load_benchmark(name: str, root: Path | str = "../results") -> dict | None:
    """What ``benchmarks/<name>.py`` last wrote to ``root``/benchmarks/<name>.json (None if never)."""
    path = Path(root) / "benchmarks" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


class ThroughputTable:
    """The table of ``benchmarks/train_throughput.py``: median epoch time of each pipeline."""

    def __init__(self, payload: dict):
        self.payload = payload

    def _repr_markdown_(self) -> str:
        p = self.payload
        med, loss = p["median_epoch_seconds"], p["last_loss"]
        rows = [
            f"| {name} | {med[name]:.2f} | {p['n'] / med[name]:,.0f} | {loss[name]:.2f} |"
            for name in ("dataloader", "fit")
        ]
        where = p.get("gpu") or p["hardware"]
        return "\n".join(
            [
                "| pipeline | median epoch (s) | images per second | loss after one epoch (nats) |",
                "|---|---|---|---|",
                *rows,
                "",
                f"**`fit` is {p['speedup']:.2f}× the DataLoader pipeline** ({p['n']:,} MNIST "
                f"images, {p['repeats']} alternating repeats, {p['device']}: {where}, "
                f"torch {p['torch']}).",
            ]
        )


class RecordedNumbers:
    """The numbers one recorded run wrote, with its provenance (displays as Markdown)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.run = json.loads(self.path.read_text()) if self.path.exists() else None

    @property
    def measurements(self) -> dict[str, float]:
        return dict(self.run["measurements"]) if self.run else {}

    def _repr_markdown_(self) -> str:
        if self.run is None:
            return (
                f"*No recorded run at `{self.path}`: run `scripts/reproduce.py` on this page "
                "to record one.*"
            )
        r = self.run
        head = (
            f"Recorded run: profile `{r['profile']}`, {r.get('date', '')[:10]}, commit "
            f"`{r.get('commit', 'unknown')[:7]}`, {r.get('hardware', '')}."
        )
        rows = [[name, value, ""] for name, value in r["measurements"].items()]
        rows += [
            [
                f"claim: {c['name']}",
                f"{c['ours']:.4g} {c.get('unit', '')}".rstrip(),
                f"{c['criterion']}: {'holds' if c['ok'] else 'misses'}",
            ]
            for c in r["claims"]
        ]
        lines = ["| quantity | value | criterion |", "|---|---|---|"]
        lines += ["| " + " | ".join(_fmt(cell) for cell in row) + " |" for row in rows]
        return head + "\n\n" + "\n".join(lines)


def recorded_numbers(
    chapter: str, profile: str = "standard", root: Path | str = "../../results"
) -> RecordedNumbers:
    """The run of ``chapter`` recorded in ``root/<profile>/<chapter>.json`` (the repository's
    ``results/`` seen from a chapter's folder); says so when there is none."""
    return RecordedNumbers(Path(root) / profile / f"{chapter}.json")
