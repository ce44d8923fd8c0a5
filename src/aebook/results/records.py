"""Records: one ``results/<profile>/<page>.json`` per page and profile, read and written here only.

A record holds what a run measured (``measurements``), the checked claims, the settings, the
provenance of each dataset (``data``: official file name and SHA-256, or a generated recipe and
seed, or an explicit substitute) and of the run (commit, date, hardware, command). Writing is
atomic (a unique temporary file renamed over the record) and serialised by a file lock, so
concurrent writers never leave a half-written or mixed file. :func:`record` writes only when
``$AEBOOK_RESULTS`` is set (``scripts/reproduce.py`` sets it), so a reader's run never writes
into the repository.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import platform
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from aebook.devices import hardware
from aebook.files import temporary_beside
from aebook.profiles import PROFILES, ChapterSettings
from aebook.results.claims import Claim
from aebook.results.freshness import COMMAND_VAR

ENV_VAR = "AEBOOK_RESULTS"


def results_dir() -> Path | None:
    """The results folder: ``$AEBOOK_RESULTS``, else the ``results/`` of the repository that
    holds the working folder (found upwards, as a chapter runs in its own folder), else None."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "results").is_dir() and (folder / "pyproject.toml").is_file():
            return folder / "results"
    return None


def commit() -> str:
    """The commit a run is of: ``$AEBOOK_COMMIT`` where a driver pinned it when the run began
    (``scripts/reproduce.py``: a commit made while a page runs must not give its record and its
    notebook two different commits), else the checked-out ``HEAD``, or ``unknown`` outside a git
    checkout."""
    if pinned := os.environ.get("AEBOOK_COMMIT"):
        return pinned
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def command_line() -> str:
    """This process's command line as a reader types it again, in the folder it ran in: the
    interpreter as ``python``, the rest as given."""
    return shlex.join(["python", *sys.orig_argv[1:]])


def provenance() -> dict[str, str]:
    """Commit (:func:`commit`), hardware (:func:`aebook.devices.hardware`), software, date and
    command, to store next to every recorded number. The command is ``$AEBOOK_COMMAND``
    (:data:`~aebook.results.freshness.COMMAND_VAR`) where a script runs the code in another
    process (``scripts/reproduce.py``'s kernels), else :func:`command_line` (the runner, the
    benchmarks)."""
    return {
        "commit": commit(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "hardware": hardware(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "command": os.environ.get(COMMAND_VAR) or command_line(),
    }


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file (beside it) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file of its own beside ``path`` and rename it over ``path``."""
    fd, tmp = temporary_beside(path, ".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path | str, obj) -> Path:
    """Write ``obj`` as JSON to ``path`` atomically (a reader sees the old file or the new)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, json.dumps(obj, indent=1) + "\n")
    return path


def as_json(value):
    """``value`` as JSON gives it back (tuples as lists): how a results file keeps settings, so a
    file compares equal with the settings that wrote it."""
    return json.loads(json.dumps(value))


def read_json(path: Path | str) -> dict:
    """A results file's JSON; an unreadable file is named in the error."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the results file {path}: {error}") from error


def update_json(path: Path | str, change: Callable[[dict], dict]) -> Path:
    """Read ``path`` (``{}`` when absent), apply ``change`` and write it back, under the lock."""
    path = Path(path)
    with _locked(path):
        current = read_json(path) if path.exists() else {}
        _replace(path, json.dumps(change(current), indent=2, sort_keys=True) + "\n")
    return path


@dataclass(frozen=True)
class Record:
    """One page's run in one profile: what it measured, claimed, used and where it ran."""

    chapter: str
    profile: str
    settings: Mapping = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
    measurements: Mapping[str, float] = field(default_factory=dict)
    data: Mapping[str, Mapping] = field(default_factory=dict)
    commit: str = "unknown"
    date: str = ""
    hardware: str = ""
    python: str = ""
    torch: str = ""
    command: str = ""
    path: Path | None = None  #: where it was read from or written to

    def to_json(self) -> dict:
        payload = dataclasses.asdict(self)
        payload["claims"] = [dataclasses.asdict(c) for c in self.claims]
        del payload["path"]
        return payload

    @classmethod
    def read(cls, path: Path | str) -> Record:
        """The record in ``path``; a file that cannot be parsed is named in the error."""
        d = read_json(path)
        try:
            claims = tuple(Claim(**c) for c in d.get("claims", ()))
            names = {f.name for f in dataclasses.fields(cls)} - {"claims", "path"}
            return cls(**{k: v for k, v in d.items() if k in names}, claims=claims, path=Path(path))
        except (TypeError, KeyError) as error:
            raise ValueError(f"cannot read the results file {path}: {error!r}") from error

    def write(self, root: Path | str) -> Record:
        """Write to ``root/<profile>/<chapter>.json`` atomically, under the lock."""
        path = Path(root) / self.profile / f"{self.chapter}.json"
        with _locked(path):
            _replace(path, json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        return dataclasses.replace(self, path=path)


def record(
    chapter: str,
    claims: Sequence[Claim],
    settings: ChapterSettings,
    measurements: Mapping[str, float] | None = None,
    data: Mapping[str, Mapping] | None = None,
) -> Record:
    """This run's :class:`~aebook.results.records.Record`; written to
    ``$AEBOOK_RESULTS/<profile>/<chapter>.json`` when that is set. ``measurements`` are the run's
    named numbers (the ledger reads the paper's quantities from them); ``data`` is each dataset's
    provenance."""
    if not isinstance(chapter, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", chapter):
        raise ValueError(
            f"chapter must be a page name of letters, digits, '_', '-' or '.' (no folders); "
            f"got {chapter!r}"
        )
    rec = Record(
        chapter,
        settings.profile,
        dataclasses.asdict(settings),
        tuple(claims),
        {k: float(v) for k, v in (measurements or {}).items()},
        {k: dict(v) for k, v in (data or {}).items()},
        **provenance(),
    )
    root = os.environ.get(ENV_VAR)
    return rec.write(root) if root else rec


def load_records(root: Path | str | None = None) -> list[Record]:
    """Every record under ``root`` (default :func:`~aebook.results.records.results_dir`), by
    page, paper profile first."""
    root = results_dir() if root is None else Path(root)
    if root is None:
        return []
    order = {p: i for i, p in enumerate(("paper", "standard", "smoke"))}
    paths = sorted(p for profile in PROFILES for p in (root / profile).glob("*.json"))
    records = [Record.read(p) for p in paths]
    return sorted(records, key=lambda r: (r.chapter, order[r.profile]))
