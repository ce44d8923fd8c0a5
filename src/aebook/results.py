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

from aebook.profiles import ChapterSettings

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
    runs = [RecordedRun.read(p) for p in sorted(Path(root).glob("*/*.json"))]
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
        rows = [
            f"| {run.chapter} | {c.name} | {_fmt(c.paper)} | {_fmt(c.ours)} {c.unit} | "
            f"{c.criterion} | `{run.profile}`, {run.date[:10]}, `{run.commit[:7]}` | "
            f"{'✓ holds' if c.ok else '✗ misses'} |"
            for run, c in self.claims
        ]
        return "\n".join(
            [
                f"**{held} of {len(self.claims)} recorded claims hold.**",
                "",
                "| chapter | claim | paper | ours | criterion | run | result |",
                "|---|---|---|---|---|---|---|",
                *rows,
            ]
        )


def scoreboard(root: Path | str = "../results") -> Scoreboard:
    """The scoreboard of the recorded runs under ``root`` (the repository's ``results/``)."""
    return Scoreboard(load_runs(root))
