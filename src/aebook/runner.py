"""The job runner: the paper profile's long, independent trainings, resumable and in parallel.

A :class:`~aebook.jobs.Job` is one training (one latent size of Figure 2, one cell of a
model-selection grid, one seed). Its function trains with a checkpoint in the job's own folder, so
a killed or restarted run continues where it stopped, and returns a JSON-able result; the runner
writes that result with the provenance of the run, and the SHA-256 of every final model file the
job kept, so a record can be re-judged later without retraining.

On a CPU the runner starts ``--workers`` processes of ``--threads`` threads each (one of one by
default). Which layout trains more per hour depends on the processor and the model:
``benchmarks/workers.py`` compares them for Figure 2's VAE, ``benchmarks/m2_step.py --threads N``
and ``benchmarks/m1_threads.py`` time one step of M2 and M1 on N threads. With more jobs than
cores, one-thread workers keep every core busy; a job left alone can take every core's thread.
Ctrl-C, or SIGTERM to the runner (``pkill -f aebook.runner``), stops every worker's job at its last
checkpoint and starts no other; the runner returns once its workers have. A runner killed hard
(SIGKILL, out of memory) takes its workers with it, each job stopped at its last checkpoint.

    python -m aebook.runner --estimate                  # the whole paper profile's cost
    python -m aebook.runner vae/mnist-nz20 --workers 1  # run (or resume) jobs
    python -m aebook.runner --workers 9 --max-minutes 9 # a chunk: stop, checkpointed, at 9 min
    python -m aebook.runner --snapshot                  # how far each job got; park the finished
    python -m aebook.runner --park                      # carry unfinished jobs to a new machine

A job's folder lives in the user cache, which a new machine does not have; a job of many CPU-hours
outlives a session. ``--park`` copies each job's resumable state (an unfinished job's checkpoint
and JSON files, a finished job's kept models and result) into the repository
(``results/paper/parked``, with the SHA-256 of every file), so a commit carries it; a run on a
machine that lacks it, or holds less of it, first resumes from there. The command line finds
``results/`` as the pages do (:func:`aebook.results.records.results_dir`), so it works from any
folder of the repository and refuses to run outside one, where it would miss the parked states.

``scripts/gpu_paper`` runs the whole profile on one GPU in such chunks. With
``AEBOOK_CUDA_GRAPH=1`` Figure 2's jobs replay their steps as CUDA graphs
(``fit(..., cuda_graph=True)``); the script sets it only when the graph tests pass on that GPU.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path

import torch

from aebook.cost import estimate
from aebook.data.store import sha256_of
from aebook.jobs import (
    SESSIONS,
    Job,
    jobs_dir,
    load_result,
    read_result,
    sessions,
)
from aebook.results import provenance
from aebook.results.records import as_json, read_json, results_dir, write_json


def paper_jobs() -> list[Job]:
    """Every job of the paper profile, in the order they should run: first those whose numbers
    the ledger can judge (Figure 2, the likelihoods, M2), then Table 1's grid, whose tasks are
    generated here rather than the published files, so its numbers stay *not comparable*."""
    from aebook.experiments import m2, stacked_denoising_autoencoders, vae, vae_likelihood

    return [
        *vae.paper_jobs(),
        *vae_likelihood.paper_jobs(),
        *m2.paper_jobs(),
        *stacked_denoising_autoencoders.paper_jobs(),
    ]


def _names_jobs(jobs: Sequence[Job], key: str) -> bool:
    return any(j.key == key or j.key.startswith(key.rstrip("/") + "/") for j in jobs)


def select(jobs: Sequence[Job], keys: Sequence[str]) -> list[Job]:
    """The jobs whose key equals, or starts with ``key/``, one of ``keys`` (in ``jobs``' order)."""
    for key in keys:
        if not _names_jobs(jobs, key):
            page = key.split("/")[0]
            if _names_jobs(jobs, page):  # a page's job misspelt: name that page's jobs
                names = ", ".join(job.key for job in jobs if job.page == page)
                raise ValueError(f"job must be {page} or one of its jobs ({names}); got {key!r}")
            pages = ", ".join(dict.fromkeys(job.page for job in jobs))
            raise ValueError(
                f"job must be a page ({pages}) or one of its jobs (python -m aebook.runner PAGE "
                f"--list names them); got {key!r}"
            )
    return [j for j in jobs if any(_names_jobs([j], k) for k in keys)]


def _trained(job: Job, folder: Path) -> int:
    """Examples the job's checkpoint has trained on (0 when it has none or does not say)."""
    if job.progress is None or not (folder / "train.ckpt").exists():
        return 0
    return int(job.progress(folder).get("trained_examples", 0))


def _interrupt_once(signum, frame) -> None:
    """Raise KeyboardInterrupt, and ignore the SIGTERMs that follow: a job stopped is stopped once,
    and logs where it stopped uncut. (A worker whose runner is killed is sent one for each of the
    runner's threads as they die.)"""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


@contextlib.contextmanager
def _term_as_interrupt():
    """While it lasts, SIGTERM (``kill``, the end of a session) stops a job as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a job run from a thread keeps the default
        return
    previous = signal.signal(signal.SIGTERM, _interrupt_once)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _claimed(job: Job, root: Path):
    """Yield True while this process alone runs ``job`` (an exclusive lock on
    ``<page>/.<name>.lock``, which the system releases when the process ends, however it ends),
    or False when another process holds it: two runners started on the same jobs (one per core)
    then share them instead of training one twice into the same folder."""
    path = root / job.page / f".{job.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


_stopping = None  # in a worker: the runner's Event, set when it stops
_runner_pid = None  # in a worker: the process id of the runner that started it
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal Linux sends a process when its parent dies


def _execute(
    job: Job, root: Path, threads: int, deadline: float | None, start_by: float | None = None
) -> dict:
    """Run one job in this process (a worker), write its result when it finished, return it;
    ``{"finished": False, "busy": True}`` when another process is running it, ``{"finished":
    False, "late": True}`` when ``start_by`` has passed (a job begun then would still train an
    epoch, and a runner goes through all its page's jobs), ``{"finished": False, "stopped":
    True}`` when the runner is stopping (:func:`_stop_workers`). A worker whose runner has died
    ends here, once its job has logged where it stopped (:func:`_end_unless_runner_stops`)."""
    if _runner_pid is not None and os.getppid() != _runner_pid:
        os._exit(1)  # the runner died while this worker was between jobs (where no prctl)
    try:
        with _term_as_interrupt():  # first, so that a stop sent from here on interrupts the job
            if _stopping is not None and _stopping.is_set():
                return {"finished": False, "stopped": True}
            if start_by is not None and time.time() >= start_by:
                return {"finished": False, "late": True}
            with _claimed(job, root) as mine:
                if not mine:
                    return {"finished": False, "busy": True}
                done = load_result(job, root)  # finished by the process that held it before
                return done if done is not None else _execute_claimed(job, root, threads, deadline)
    except KeyboardInterrupt:
        _end_unless_runner_stops()
        raise


def _stopped(key: str, examples: int, where: str = "") -> str:
    """What the command line says of a job that stopped before its end (deadline or signal)."""
    where = f" ({where})" if where else ""
    return f"{key}: stopped at {examples:,} examples{where}; run again to continue"


def _execute_claimed(job: Job, root: Path, threads: int, deadline: float | None) -> dict:
    torch.set_num_threads(threads)
    folder = root / job.page / job.name
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    cpu_began = time.process_time()
    before = _trained(job, folder)

    def log_session(**extra) -> None:
        session = {
            "examples_from": before,
            "examples_to": _trained(job, folder),
            "wall_seconds": time.perf_counter() - began,
            "threads": threads,
            "cuda_graph": os.environ.get("AEBOOK_CUDA_GRAPH") == "1",
            "provenance": provenance(),
            **extra,
        }
        write_json(folder / SESSIONS, [*sessions(folder), session])

    try:
        result = job.run(folder, **job.kwargs, **({"deadline": deadline} if deadline else {}))
    except KeyboardInterrupt:  # what its checkpoint kept still counts, in this session's entry
        if any(folder.iterdir()):
            log_session(interrupted=True)
        print(_stopped(job.key, _trained(job, folder), "its last checkpoint"), file=sys.stderr)
        raise
    if "waiting_for" in result:  # it trained nothing: no session, and no folder unless it had one
        if not any(folder.iterdir()):
            folder.rmdir()
        return result
    log_session()
    if result.get("finished") is False:
        return result
    result["job"] = job.key
    result["kwargs"] = dict(job.kwargs)
    result["models"] = {p.name: sha256_of(p) for p in sorted(folder.glob("*.pt"))}
    result["seconds_this_session"] = {
        "wall": time.perf_counter() - began,
        "cpu": time.process_time() - cpu_began,
    }
    result["threads"] = threads
    result["provenance"] = provenance()
    write_json(folder / "result.json", result)
    return result


def run(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    threads: int = 1,
    root: Path | None = None,
    max_minutes: float | None = None,
) -> dict[str, dict]:
    """Run (or resume) ``jobs`` in ``workers`` processes of ``threads`` threads; skip finished ones.
    With ``max_minutes``, every job stops (checkpointed) at its first epoch past that time, and
    no job but each worker's first starts after it.

    Returns ``{job key: result}`` of every job run or finished before (unfinished ones have
    ``"finished": False``). A job that raises is reported on stderr as it fails and the others
    go on; once they have ended, :class:`JobsFailed` names every failure.
    """
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an int >= 1; got {workers!r}")
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an int >= 1; got {threads!r}")
    if max_minutes is not None and not max_minutes > 0:
        raise ValueError(f"max_minutes must be > 0 or None; got {max_minutes!r}")
    deadline = time.time() + 60 * max_minutes if max_minutes is not None else None
    root = root or jobs_dir()
    results = {j.key: r for j in jobs if (r := load_result(j, root)) is not None}
    todo = [j for j in jobs if j.key not in results]
    if not todo:
        return results
    failures: dict[str, BaseException] = {}

    def outcome(job: Job, result, *args) -> None:  # what result(*args) returns or raises
        try:
            results[job.key] = result(*args)
        except Exception as err:  # noqa: BLE001 - reported now, raised with the others at the end
            failures[job.key] = err
            print(f"{job.key}: failed; the other jobs go on", file=sys.stderr)
            traceback.print_exception(err, file=sys.stderr)
            results[job.key] = {"finished": False, "failed": f"{type(err).__name__}: {err}"}

    if workers == 1:
        for i, job in enumerate(todo):
            outcome(job, _execute, job, root, threads, deadline, deadline if i else None)
        return _raise_failures(results, failures)
    ctx = torch.multiprocessing.get_context("spawn")
    stopping = ctx.Event()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_worker, initargs=(stopping, os.getpid())
    )
    try:
        with _term_as_interrupt():
            futures = {
                pool.submit(
                    _execute, job, root, threads, deadline, deadline if i >= workers else None
                ): job
                for i, job in enumerate(todo)
            }
            for future in as_completed(futures):
                outcome(futures[future], future.result)
    except KeyboardInterrupt:
        _stop_workers(pool, stopping)
        raise
    pool.shutdown()
    return _raise_failures(results, failures)


class JobsFailed(RuntimeError):
    """Jobs of :func:`run` raised; ``results`` holds what every job returned or reached."""

    def __init__(self, failures: dict[str, BaseException], results: dict[str, dict]):
        self.failures, self.results = failures, results
        listed = "; ".join(f"{key}: {type(e).__name__}: {e}" for key, e in failures.items())
        super().__init__(f"{len(failures)} job(s) failed (the others ran): {listed}")


def _raise_failures(results: dict[str, dict], failures: dict[str, BaseException]) -> dict:
    if failures:
        raise JobsFailed(failures, results) from next(iter(failures.values()))
    return results


def _worker(stopping, runner_pid: int) -> None:
    """Set up a worker: signals stop it only through the runner. It ignores Ctrl-C (a terminal
    sends it to every process of the group) and, between jobs, the runner's SIGTERM;
    :func:`_execute` lets SIGTERM interrupt a job, and starts none once ``stopping`` is set. On
    Linux the kernel sends it SIGTERM when the runner dies, and it then ends."""
    global _stopping, _runner_pid
    _stopping, _runner_pid = stopping, runner_pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _end_unless_runner_stops)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != runner_pid:  # the runner died before the line above
        os._exit(1)


def _end_unless_runner_stops(*signal_handler_args) -> None:
    """End this worker after a SIGTERM that was not its runner's stop (:func:`_stop_workers`
    sets ``_stopping`` before it signals): Linux sends one when the runner dies, however it dies
    (SIGKILL, out of memory). Else the worker would go on through the queued jobs, an orphan
    that ``pkill -f aebook.runner`` does not find (its command line is the spawn's)."""
    if _stopping is not None and not _stopping.is_set():
        os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor, stopping) -> None:
    """Stop ``pool`` when the runner is stopped (Ctrl-C, or SIGTERM to the runner alone): start no
    queued job, send each worker SIGTERM, which ends its job at its last checkpoint as in a
    one-process run, and wait for them, so no worker trains on as an orphan."""
    stopping.set()  # before the signals: a job that begins after this starts nothing
    for worker in multiprocessing.active_children():
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGTERM)
    pool.shutdown(wait=True, cancel_futures=True)


def _reached(entry: dict) -> float:
    """How far a snapshot says its job got: finished above every examples count."""
    return _FINISHED if entry["status"] == "finished" else entry.get("examples", 0)


def snapshot(
    jobs: Sequence[Job], out: Path, root: Path | None = None, parked: Path | None = None
) -> list[str]:
    """Write what every job reached to ``out/<page>/<name>.json``: its result when it finished,
    else its progress (``"status": "unfinished"``, examples reached of the target, when it was
    ``"taken"``), else ``"status": "not run"``. These files are what the pages and the ledger
    read. A snapshot that says its job got further than this machine's state (another machine
    finished it, or trained it further) is kept, not overwritten, unless the job's state parked
    under ``parked`` is behind it too: then what it describes is lost (the parked state was
    deleted, or a session ended without parking) and a run goes on from less. Returns one line
    per job."""
    lines = []
    for job in jobs:
        result = load_result(job, root)
        folder = (root or jobs_dir()) / job.page / job.name
        if result is not None:
            entry = {"status": "finished", **result}
        elif job.progress is not None and folder.exists():
            entry = {"status": "unfinished", "job": job.key, **job.progress(folder)}
            entry["taken"] = datetime.now(timezone.utc).isoformat(timespec="minutes")
        else:
            entry = {"status": "not run", "job": job.key, "examples": 0}
        entry.update(target=job.target, steps=job.steps, tflop=job.flops / 1e12)
        entry["sessions"] = sessions(folder)
        entry.setdefault("kwargs", dict(job.kwargs))
        path = out / job.page / f"{job.name}.json"
        said = read_json(path) if path.exists() else None
        if said is not None and _reached(said) > _reached(entry):
            lost = _parked_behind(job, parked, said)
            if lost is None:
                lines.append(
                    f"{path}: kept, as it says the job got further than this machine's state "
                    "(delete it to replace it)"
                )
                continue
            lines.append(f"{write_json(path, entry)}: replaced, as {lost}")
            continue
        lines.append(str(write_json(path, entry)))
    return lines


SNAPSHOTS = Path("paper/jobs")  #: under the results folder
PARKED = Path("paper/parked")  #: under the results folder
_MANIFEST = "manifest.json"
_FINISHED = float("inf")  # ranks a finished job above every unfinished one


def _state(job: Job, folder: Path) -> tuple[float, list[Path]]:
    """``(rank, files)``: how far the job in ``folder`` got and the files that carry that state.
    A finished job ranks first; an unfinished one by its trained examples; none at all, -1."""
    result = read_result(folder / "result.json")
    if result is not None:
        kept = [folder / name for name in result.get("models", {})]
        extra = [p for p in sorted(folder.glob("*.json")) if p.name != "result.json"]
        return _FINISHED, [*kept, *extra, folder / "result.json"]
    if not (folder / "train.ckpt").exists():
        return -1, []
    # with its JSON files (sessions, the curve measured so far, a chosen step size): a job resumed
    # on another machine goes on from all it had measured, not from its weights alone
    return _trained(job, folder), [folder / "train.ckpt", *sorted(folder.glob("*.json"))]


def _parked_behind(job: Job, parked: Path | None, said: dict) -> str | None:
    """Why the snapshot ``said`` describes a state that is lost, when the state of ``job``
    parked under ``parked`` is behind it (None when it is not, or nothing is parked)."""
    manifest = _parked_manifest(job, parked) if parked is not None else None
    if manifest is None:
        return None
    claimed = said.get("trained_examples", said.get("examples", 0))  # a checkpoint's, as parked
    if said["status"] == "finished":
        claimed = _FINISHED
    if _parked_rank(manifest) >= claimed:
        return None
    at = "finished" if claimed == _FINISHED else f"{claimed:,} examples"
    return (
        f"it said {at}, and the parked state a run resumes from has "
        f"{manifest['trained_examples']:,}"
    )


def _recover(parked: Path) -> None:
    """Put back a parked state that :func:`park` had moved aside (``.<name>.replaced``) when it
    stopped before the new state took its place."""
    replaced = parked.with_name(f".{parked.name}.replaced")
    if replaced.is_dir() and not parked.exists():
        replaced.rename(parked)


def park(jobs: Sequence[Job], out: Path, root: Path | None = None) -> list[str]:
    """Copy each job's resumable state (an unfinished job's checkpoint and sessions, a finished
    job's kept models, result and other JSON files) to ``out/<page>/<name>/`` with a manifest of
    SHA-256s, replacing what was parked before; jobs with nothing to carry are skipped. Returns
    one line per parked job."""
    lines = []
    for job in jobs:
        folder = (root or jobs_dir()) / job.page / job.name
        rank, files = _state(job, folder)
        if not files:
            continue
        target = Path(out) / job.page / job.name
        staging = target.with_name(f".{job.name}.parking")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in files:
            shutil.copy2(path, staging / path.name)
        finished = rank == _FINISHED
        manifest = {
            "job": job.key,
            "kwargs": dict(job.kwargs),
            "status": "finished" if finished else "unfinished",
            "trained_examples": None if finished else rank,
            "files": {path.name: sha256_of(staging / path.name) for path in files},
            "provenance": provenance(),
        }
        write_json(staging / _MANIFEST, manifest)
        _recover(target)
        replaced = target.with_name(f".{job.name}.replaced")
        if target.exists():  # the old state stays whole until the new one is in place
            target.rename(replaced)
        staging.rename(target)
        shutil.rmtree(replaced, ignore_errors=True)
        reached = "finished" if finished else f"{rank:,} of {job.target:,} examples"
        lines.append(f"{job.key}: parked ({reached}) in {target}")
    return lines


def unparked(jobs: Sequence[Job], parked: Path, root: Path | None = None) -> list[Job]:
    """The jobs finished on this machine whose finished state is not parked in ``parked``. A
    snapshot into the repository parks them: a record names its jobs' kept models by SHA-256, and
    the user cache that holds them does not follow the repository to a new machine (Figure 2's
    models were lost that way)."""

    return [
        j
        for j in jobs
        if load_result(j, root) is not None
        and (_parked_manifest(j, parked) or {}).get("status") != "finished"
    ]


def _parked_rank(manifest: dict) -> float:
    """How far a parked state got, ranked as :func:`_state` ranks a job here."""
    return _FINISHED if manifest["status"] == "finished" else manifest["trained_examples"]


def _parked_manifest(job: Job, parked: Path) -> dict | None:
    """The manifest of ``job`` parked under ``parked``, or None when it is not parked there."""
    path = Path(parked) / job.page / job.name / _MANIFEST
    return read_json(path) if path.exists() else None


def unpark(jobs: Sequence[Job], source: Path, root: Path | None = None) -> list[str]:
    """Restore each parked job whose state here is missing or behind the parked one.

    A parked job must have the job's kwargs and every file its manifest's SHA-256; otherwise it
    raises, naming the folder, before anything is copied (a damaged or foreign state is never
    resumed). Returns one line per restored job."""
    plan = []
    for job in jobs:
        parked = Path(source) / job.page / job.name
        _recover(parked)
        manifest = _parked_manifest(job, source)
        if manifest is None:
            continue
        if manifest.get("kwargs") != as_json(dict(job.kwargs)):
            raise ValueError(
                f"{parked}: parked for kwargs {manifest.get('kwargs')}, but the job {job.key} "
                f"has {dict(job.kwargs)}; delete the parked folder or restore the job's settings"
            )
        for name, digest in manifest["files"].items():
            if not (parked / name).exists() or sha256_of(parked / name) != digest:
                raise ValueError(f"{parked / name}: damaged or missing (SHA-256 differs); not used")
        folder = (root or jobs_dir()) / job.page / job.name
        if _state(job, folder)[0] >= _parked_rank(manifest):
            continue
        plan.append((job, parked, folder, manifest))
    lines = []
    for job, parked, folder, manifest in plan:
        folder.mkdir(parents=True, exist_ok=True)
        for name in manifest["files"]:
            shutil.copy2(parked / name, folder / f".{name}.unparking")
            (folder / f".{name}.unparking").replace(folder / name)
        reached = (
            "finished"
            if manifest["status"] == "finished"
            else f"{manifest['trained_examples']:,} of {job.target:,} examples"
        )
        lines.append(f"{job.key}: resumed from {parked} ({reached})")
    return lines


def _listed(job: Job, results: Path) -> str:
    """The job's state on this machine for ``--list``, and what ``results`` holds of it."""
    folder = jobs_dir() / job.page / job.name
    if load_result(job) is not None:
        return "finished"
    with _claimed(job, jobs_dir()) as free:
        word = "to run" if free else "running in another process"
    if job.progress is not None and folder.exists():
        state = f"{word} (measured to {job.progress(folder)['examples']:,} of {job.target:,})"
    else:
        state = word
    manifest = _parked_manifest(job, results / PARKED)
    snapped = results / SNAPSHOTS / job.page / f"{job.name}.json"
    if manifest is not None:
        reached = manifest["trained_examples"]
        at = "finished" if reached is None else f"{reached:,} examples"
        state += f"; parked at {at} (a run resumes from there)"
    elif snapped.exists() and read_json(snapped).get("status") == "finished":
        state += f"; finished on another machine ({snapped}), whose kept models are not here"
    return state


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the paper profile's jobs (resumable).")
    parser.add_argument("jobs", nargs="*", help="job keys or page prefixes (default: all)")
    parser.add_argument("--estimate", action="store_true", help="print the cost; run nothing")
    parser.add_argument("--out", type=Path, default=None, help="also write the estimate as JSON")
    parser.add_argument("--list", action="store_true", help="list the jobs and their state")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-minutes", type=float, default=None, help="stop (resumably) after")
    parser.add_argument(
        "--snapshot",
        type=Path,
        nargs="?",
        const=SNAPSHOTS,
        help=f"write what every job reached to this folder (default results/{SNAPSHOTS})",
    )
    parser.add_argument(
        "--park",
        type=Path,
        nargs="?",
        const=PARKED,
        help=f"copy the jobs' resumable state to this folder, to commit (default results/{PARKED})",
    )
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error(f"--workers and --threads must be >= 1; got {args.workers}, {args.threads}")
    if args.max_minutes is not None and args.max_minutes <= 0:
        parser.error(f"--max-minutes must be > 0; got {args.max_minutes}")
    everything = paper_jobs()
    for flag, folder in (("--snapshot", args.snapshot), ("--park", args.park)):
        if folder is not None and not folder.is_dir() and _names_jobs(everything, str(folder)):
            parser.error(
                f"{flag} takes an optional folder, and {str(folder)!r} names jobs: put the jobs "
                f"first (python -m aebook.runner {folder} {flag})"
            )
    results = results_dir()
    defaults = args.snapshot in (None, SNAPSHOTS) and args.park in (None, PARKED)
    if results is None and defaults and not args.estimate:
        parser.error(  # else a run would silently miss the parked states and start from zero
            f"run this inside the repository: the parked states and snapshots are under its "
            f"results/{SNAPSHOTS.parent}/, and no folder from {Path.cwd()} upwards holds "
            "results/ beside pyproject.toml (or set AEBOOK_RESULTS)"
        )
    if args.snapshot == SNAPSHOTS:
        args.snapshot = results / SNAPSHOTS
    if args.park == PARKED:
        args.park = results / PARKED
    try:
        chosen = select(everything, args.jobs) if args.jobs else everything
    except ValueError as err:
        parser.error(str(err))
    if args.list:
        width = max(len(job.key) for job in chosen)
        for job in chosen:
            print(f"{job.key:<{width}} {_listed(job, results)}")
        return 0
    if args.estimate:
        cost = estimate(chosen)
        print(cost)
        if args.out is not None:
            write_json(args.out, {"rows": cost.as_rows(), "provenance": provenance()})
        return 0
    if args.snapshot is not None:
        for line in snapshot(chosen, args.snapshot, parked=results / PARKED if defaults else None):
            print(line)
        if defaults:  # the repository's snapshots: its finished jobs' models are parked too
            for line in park(unparked(chosen, results / PARKED), results / PARKED):
                print(line)
        return 0
    if args.park is not None:
        for line in park(chosen, args.park):
            print(line)
        return 0
    for line in unpark(chosen, results / PARKED):  # resume what another machine parked
        print(line)
    try:
        done = run(chosen, workers=args.workers, threads=args.threads, max_minutes=args.max_minutes)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: each job said where it stopped; no traceback
        return 130
    except JobsFailed as failed:  # each failure's traceback is above; then what the others did
        done = failed.results
    late = [key for key, result in done.items() if result.get("late")]
    if late:
        print(f"{len(late)} job(s) not started: the {args.max_minutes:g} minutes had passed")
    for key, result in done.items():
        if result.get("late"):
            continue
        if "failed" in result:
            print(f"{key}: failed ({result['failed']})")
        elif "waiting_for" in result:
            print(f"{key}: waits for {result['waiting_for']}; run that first, then this again")
        elif result.get("busy"):
            print(f"{key}: another process is running it; skipped")
        elif result.get("finished") is False:
            print(_stopped(key, result["examples"]))
        else:
            print(f"{key}: {result.get('summary', 'finished')}")
    return 1 if any("failed" in result for result in done.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
