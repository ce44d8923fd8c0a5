"""What a job of :mod:`aebook.runner` is, and what it leaves behind.

The :class:`Job` record, the folder where each job keeps its files, and the readers of those
files: a finished job's result and kept models, an unfinished one's training history, the log of
its sessions, and the snapshots that the runner writes into the repository. Pages import this
module, never the runner, so changing how jobs are run (the command line, the workers, parking)
leaves the records of the pages that read them current.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from aebook.data.store import sha256_of

ENV_VAR = "AEBOOK_JOBS"


@dataclass(frozen=True)
class Job:
    """One independent training.

    ``run(folder, **kwargs)`` is a module-level function (so worker processes can import it);
    it keeps its checkpoint and final models in ``folder`` and returns a JSON-able dict, with
    ``"finished": False`` when it stopped at its ``deadline`` keyword (a ``time.time()``), and
    also ``"waiting_for": <job key>`` when it cannot start before that job has finished.
    ``flops`` (forward and backward products, the whole run) and ``steps`` (optimisation steps)
    give the estimate; ``calibrate`` (optional) returns the measured seconds per step on this
    machine (:func:`aebook.cost.seconds_per_step`); ``progress(folder)`` what an unfinished run
    has measured, with ``"examples"`` reached of ``target``.
    """

    page: str
    name: str
    run: Callable[..., dict]
    kwargs: Mapping = field(default_factory=dict)
    flops: float = 0.0
    steps: int = 0
    calibrate: Callable[[], float] | None = None
    progress: Callable[[Path], dict] | None = None
    target: int = 0

    @property
    def key(self) -> str:
        return f"{self.page}/{self.name}"


def jobs_dir() -> Path:
    """Where jobs keep checkpoints and models: ``$AEBOOK_JOBS``, else ``~/.cache/aebook/jobs``."""
    configured = os.environ.get(ENV_VAR)
    root = Path(configured) if configured else Path.home() / ".cache" / "aebook" / "jobs"
    return root.expanduser().resolve()


def result_path(job: Job, root: Path | None = None) -> Path:
    return (root or jobs_dir()) / job.page / job.name / "result.json"


def load_result(job: Job, root: Path | None = None) -> dict | None:
    """The finished job's result, or None when it has not finished."""
    return read_result(result_path(job, root))


def read_result(path: Path) -> dict | None:
    """The job result at ``path``, or None when there is none; a damaged one is named."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not a valid job result ({err}); delete it to rerun") from err


def saved_history(folder: Path) -> dict | None:
    """The training history (``History.as_dict()``) in the checkpoint of the job in ``folder``,
    or None before its first checkpoint: how far an unfinished job got, without its model."""
    from aebook import checkpoint

    path = Path(folder) / "train.ckpt"
    return checkpoint.load(path)["history"] if path.exists() else None


def kept_file(folder: Path, file: str) -> Path:
    """The path of ``file``, which the finished job in ``folder`` kept, once its SHA-256 is the one
    the job's result recorded: pages and jobs read kept files only through here (or
    :func:`load_kept`), so none reads a file that was retrained, damaged or swapped since its job
    finished."""
    folder = Path(folder)
    result = read_result(folder / "result.json")
    if result is None:
        raise ValueError(
            f"{folder} holds no finished job (no result.json); run it: python -m aebook.runner"
        )
    kept = result.get("models", {})
    if file not in kept:
        raise ValueError(
            f"file must be one the job kept ({', '.join(kept) or 'none'}); got {file!r}"
        )
    if sha256_of(folder / file) != kept[file]:
        raise ValueError(
            f"{folder / file} is not the file its job kept (SHA-256 differs); rerun it"
        )
    return folder / file


def load_kept(folder: Path, model: torch.nn.Module, file: str = "model.pt") -> torch.nn.Module:
    """``model`` with the weights the finished job in ``folder`` kept as ``file`` (checked by
    :func:`kept_file`, read with ``weights_only=True``), in eval mode."""
    path = kept_file(folder, file)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()


SESSIONS = "sessions.json"


def machine(hardware: str) -> str:
    """A provenance's hardware line, short enough for a table's column on a phone: the GPU's
    name, else the CPU's."""
    gpu = hardware.rpartition("GPU: ")[2]
    return gpu if gpu and gpu not in ("none", hardware) else hardware.split(",")[0]


def measured_on(estimate: dict | None) -> str:
    """Where and when ``estimate`` (``results/benchmarks/paper_estimate.json``) was measured, for
    the note under a table of what the paper's jobs still cost: "<machine>, <date>"."""
    made = (estimate or {}).get("provenance", {})
    return f"{machine(made['hardware'])}, {made['date'][:10]}" if made else "none recorded"


def sessions(folder: Path) -> list[dict]:
    """Where and how far each session trained a job: a run that moves between machines (a CPU
    here, a GPU chunk there) says which hardware trained which stretch of its examples."""
    path = folder / SESSIONS
    return json.loads(path.read_text()) if path.exists() else []


def snapshot_date(snapshot: Mapping) -> str | None:
    """The latest time (UTC, ``YYYY-MM-DDTHH:MM``) a job's snapshot speaks for: when the snapshot
    of an unfinished job was taken, or the end of its last logged session. A running job logs
    its session only when it stops, so the sessions alone would date a fresh snapshot too early."""
    dates = [s["provenance"]["date"][:16] for s in snapshot.get("sessions", [])]
    return max(dates + [snapshot["taken"][:16]] if "taken" in snapshot else dates, default=None)


def snapshots(folder: Path | None, jobs: Sequence[Job]) -> dict[str, dict]:
    """What the runner's snapshots in ``folder`` (``results/paper/jobs/<page>``, written by
    ``runner --snapshot``) say each of ``jobs`` reached, ``{job name: snapshot}`` in the jobs'
    order; empty when ``folder`` is None or holds none. They travel with the repository, so a page
    run in any profile can show how far its ``paper`` jobs have got."""
    if folder is None:
        return {}
    paths = {job.name: Path(folder) / f"{job.name}.json" for job in jobs}
    return {name: json.loads(path.read_text()) for name, path in paths.items() if path.exists()}
