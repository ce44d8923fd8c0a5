"""Table 1 in the ``paper`` profile: the model-selection grid as jobs of :mod:`aebook.runner`.

One job is one pretraining and the fine-tunings on top of it (the candidates that differ only in
their fine-tuning learning rate). Each finished candidate is kept in its job's folder (so that
parking carries it to the next machine) and written to the cache that
:func:`~aebook.experiments.stacked_denoising_autoencoders.runs.run_task` reads
(``<jobs>/stacked_denoising_autoencoders/runs``), so the page selects on the validation set from
the jobs' results without training again, among the candidates of the jobs finished so far. The
order (:func:`paper_jobs`) gives every task one SAA-3 and one SdA-3 pretraining at the paper's ν
first, so that a grid cut short still has a row for each task, then SdA-3's other ν, then the rest
of the grid.

With ``AEBOOK_STACK=1`` (``scripts/gpu_paper`` sets it on a GPU, where these small SGD steps are
launch-bound) the jobs work by group: the candidates of one task that share their layer sizes and
pretraining epochs (8 pretrainings and 16 fine-tunings in ``paper``) train at once as one stacked
model (:func:`~aebook.experiments.stacked_denoising_autoencoders.stacked.train_group`). The
group's first unfinished job trains the whole group and caches every candidate; the group's other
jobs wait for it (``waiting_for``) and then read theirs from the cache. A group cannot stop
midway: it starts only before the deadline and then runs to its end.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import torch

from aebook.cost import seconds_per_step
from aebook.data.larochelle import N_CLASSES, load_task
from aebook.experiments import settings
from aebook.experiments.stacked_denoising_autoencoders.runs import (
    PAPER_TABLE1,
    Candidate,
    candidates,
    finetune_candidate,
    load_run,
    missing_candidates,
    pretrain_candidate,
    run_task,
    save_run,
)
from aebook.experiments.stacked_denoising_autoencoders.stacked import train_group
from aebook.models import StackedDenoisingAutoencoder
from aebook.train import TrainConfig

PAGE = "stacked_denoising_autoencoders"


def runs_dir(root: Path | None = None) -> Path:
    """The candidate cache that this page's jobs share (``run_task``'s ``cache_dir``), under the
    runner's jobs folder ``root`` (default :func:`aebook.jobs.jobs_dir`)."""
    from aebook.jobs import jobs_dir

    return (root or jobs_dir()) / PAGE / "runs"


STACK_VAR = "AEBOOK_STACK"


def _job_name(task: str, model: str, cand: Candidate) -> str:
    return f"{task}-{model}-h{cand.hidden[0]}-pe{cand.pretrain_epochs}-plr{cand.pretrain_lr}-nu{cand.nu}"


def _train_group(task: str, model: str, mine: list[Candidate], cfg, cache: Path) -> str | None:
    """Stacked mode: train every uncached candidate of ``mine``'s group when this job leads the
    group (its first job, in the runner's order, with a candidate to train); else return the key
    of the job that leads it."""
    first = mine[0]
    group = [
        c
        for m in ("saa", "sda")
        for c in candidates(cfg, task, m)
        if (c.hidden, c.pretrain_epochs) == (first.hidden, first.pretrain_epochs)
    ]
    todo = [c for c in group if not (cache / f"{c.key()}.json").exists()]
    if not todo:
        return None
    names = {_job_name(task, "saa" if c.nu == 0 else "sda", c) for c in todo}
    leader = next(job for job in paper_jobs(cfg.profile) if job.name in names)
    if leader.name != _job_name(task, model, first):
        return leader.key
    splits = load_task(task, sizes=cfg.sizes(task), seed=cfg.seed)
    for cand, run in zip(todo, train_group(task, cfg, todo, splits), strict=True):
        save_run(cache / f"{cand.key()}.json", run)
    return None


def table1_job(
    folder: Path,
    *,
    task: str,
    model: str,
    hidden: tuple[int, ...],
    pretrain_epochs: int,
    pretrain_lr: float,
    nu: float,
    profile: str = "paper",
    deadline: float | None = None,
) -> dict:
    """Pretrain one stack and fine-tune it with every fine-tuning rate of the grid; each finished
    candidate is cached. At ``deadline`` the job stops at the end of an epoch, and runs again from
    the checkpoints it keeps in ``folder`` (every two minutes, per layer and per fine-tuning,
    deleted once it finishes). They are not parked (over 100 MB for layers of 2,000): on another
    machine an unfinished job starts again. With ``AEBOOK_STACK=1`` the job trains its whole group
    at once, or waits for the job that does (module docstring)."""
    cfg = settings(PAGE, profile)
    key = (tuple(hidden), pretrain_epochs, pretrain_lr, nu)
    mine = [
        c
        for c in candidates(cfg, task, model)
        if (c.hidden, c.pretrain_epochs, c.pretrain_lr, c.nu) == key
    ]
    if not mine:
        raise ValueError(f"no candidate of the {profile} grid has {key} for {task}/{model}")
    cache = runs_dir(Path(folder).parents[1]) / profile / task  # folder: <root>/<page>/<job>
    cache.mkdir(parents=True, exist_ok=True)
    if os.environ.get(STACK_VAR) == "1" and (deadline is None or time.time() < deadline):
        leader = _train_group(task, model, mine, cfg, cache)
        if leader is not None:
            return {"finished": False, "waiting_for": leader}
    stop = None if deadline is None else (lambda epoch, history: time.time() >= deadline)
    folder = Path(folder)
    splits, pretrained, done = None, None, []
    for cand in mine:
        path = cache / f"{cand.key()}.json"
        kept = folder / path.name  # parked with the job, unlike the shared cache
        if kept.exists() and not path.exists():  # a parked job on a new machine
            shutil.copy2(kept, path)
        if not path.exists():
            if deadline is not None and time.time() >= deadline:
                return {"finished": False, "examples": len(done)}
            if splits is None:
                splits = load_task(task, sizes=cfg.sizes(task), seed=cfg.seed)
                pretrained = pretrain_candidate(
                    splits, cand, cfg, N_CLASSES[task], None, False, folder, stop
                )
                if pretrained is None:  # the deadline, mid-pretraining: resumes from there
                    return {"finished": False, "examples": len(done)}
            checkpoint = folder / f"finetune-{cand.finetune_lr}.ckpt"
            run = finetune_candidate(
                copy.deepcopy(pretrained), splits, cand, cfg, None, False, checkpoint, stop
            )
            if run is None:
                return {"finished": False, "examples": len(done)}
            save_run(path, run)
        if not kept.exists():
            shutil.copy2(path, kept)
        run = load_run(path)
        done.append(
            {
                "candidate": cand.key(),
                "valid_error": run.valid_error,
                "test_error": run.test.percent,
            }
        )
    for stale in folder.glob("*.ckpt"):  # every candidate is kept: the states are not needed
        stale.unlink()
    best = min(done, key=lambda r: r["valid_error"])
    return {
        "summary": f"{task} {model} {key}: best validation error {best['valid_error']:.2f} %",
        "task": task,
        "model": model,
        "candidates": done,
    }


def paper_results(profile: str = "paper", root: Path | None = None) -> tuple[dict, dict]:
    """Table 1 from the finished jobs, training nothing: ``(results, unfinished)``, a
    :class:`~aebook.experiments.stacked_denoising_autoencoders.runs.TaskResult` for every task
    with at least one finished job of each model (selected among those jobs' candidates: part of
    the grid until every job finishes), and for every task with candidates of unfinished jobs,
    how many. A candidate of a job still running waits for its job: parking carries finished jobs
    into the repository, so a record selects only among what the repository can hold."""
    from aebook.jobs import jobs_dir, load_result

    cfg = settings(PAGE, profile)
    results, unfinished = {}, {}
    with tempfile.TemporaryDirectory() as finished:
        for job in paper_jobs(profile):
            if load_result(job, root) is not None:
                kept = (root or jobs_dir()) / PAGE / job.name
                cache = Path(finished) / profile / job.kwargs["task"]
                cache.mkdir(parents=True, exist_ok=True)
                for path in kept.glob("h*_nu*.json"):
                    shutil.copy2(path, cache / path.name)
        for task in cfg.tasks:
            left = set(missing_candidates(task, cfg, finished))
            if left:
                unfinished[task] = len(left)
            if all(
                any(c.key() not in left for c in candidates(cfg, task, model))
                for model in ("saa", "sda")
            ):
                results[task] = run_task(task, cfg, cache_dir=finished, train=False)
    return results, unfinished


def _macs(task: str, hidden: tuple[int, ...]) -> tuple[int, int]:
    """Multiply-adds per example of one pretraining pass over all layers (encoder and tied
    decoder) and of one fine-tuning pass (the stack and the softmax)."""
    sizes = [784, *hidden]  # every task has 28 × 28 inputs
    pre = sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    fine = (
        sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        + hidden[-1] * N_CLASSES[task]
    )
    return pre, fine


@functools.cache  # one measurement per layer size serves all its jobs
def _calibrate(hidden: tuple[int, ...]) -> float:
    """Seconds of one fine-tuning step (minibatch 20) of a stack of ``hidden`` here."""
    return seconds_per_step(functools.partial(_finetuning_steps, hidden))


def _finetuning_steps(hidden: tuple[int, ...], steps: int):
    """The call that fine-tunes a stack of ``hidden`` for ``steps`` steps on random data."""
    torch.manual_seed(0)
    model = StackedDenoisingAutoencoder(784, hidden, 10)
    x, y = torch.rand(20 * steps, 784), torch.randint(0, 10, (20 * steps,))
    config = TrainConfig(epochs=1, batch_size=20, optimizer="sgd", lr=0.01)
    return functools.partial(model.finetune, (x, y), config, device="cpu", progress=False)


def paper_jobs(profile: str = "paper") -> list:
    """Every pretraining of Table 1's grid as a job, in the order that makes the most of a run
    cut short: first every task's SAA-3 and SdA-3 (at the paper's ν) at the grid's first
    pretraining point (layer size, epochs, rate), so that all eight tasks have a row early; then
    SdA-3's other ν at that point, so that ν, the hyperparameter the comparison is about, is
    selected on the validation set on every task (the paper selected it on the original files,
    which ours are not); then the rest of the grid at the paper's ν (and SAA-3's); then the other
    ν at the other points."""
    from aebook.jobs import Job

    cfg = settings(PAGE, profile)
    point = (cfg.hidden_sizes[0], cfg.pretrain_epochs[0], cfg.pretrain_lrs[0])
    first, levels, second, rest = [], [], [], []
    for task in cfg.tasks:
        n = cfg.sizes(task).n_train
        for model in ("saa", "sda"):
            seen = set()
            for cand in candidates(cfg, task, model):
                key = (cand.hidden, cand.pretrain_epochs, cand.pretrain_lr, cand.nu)
                if key in seen:
                    continue
                seen.add(key)
                pre, fine = _macs(task, cand.hidden)
                n_fine = len(cfg.finetune_lrs)
                flops = 6.0 * n * (pre * cand.pretrain_epochs + fine * cfg.finetune.epochs * n_fine)
                per_step = 6.0 * cfg.finetune.batch_size * fine
                name = _job_name(task, model, cand)
                job = Job(
                    page=PAGE,
                    name=name,
                    run=table1_job,
                    kwargs={
                        "task": task,
                        "model": model,
                        "hidden": list(cand.hidden),
                        "pretrain_epochs": cand.pretrain_epochs,
                        "pretrain_lr": cand.pretrain_lr,
                        "nu": cand.nu,
                        "profile": profile,
                    },  # fmt: skip
                    flops=flops,
                    steps=math.ceil(flops / per_step),  # in fine-tuning steps (an upper bound)
                    calibrate=functools.partial(_calibrate, cand.hidden),
                )
                near = (cand.hidden, cand.pretrain_epochs, cand.pretrain_lr) == point
                if model == "saa" or cand.nu == PAPER_TABLE1[task]["nu"]:
                    (first if near else second).append(job)
                else:
                    (levels if near else rest).append(job)
    return first + levels + second + rest


def paper_snapshots(folder: Path | None) -> dict[str, dict]:
    """What the runner's snapshots in ``folder`` (``results/paper/jobs/<page>``) say each job of
    :func:`paper_jobs` reached, ``{job name: snapshot}`` (:func:`aebook.jobs.snapshots`)."""
    from aebook.jobs import snapshots

    return snapshots(folder, paper_jobs())


def grid_table(snapshots: dict[str, dict], estimate: dict | None):
    """What the ``paper`` grid has trained per task and what the rest costs: jobs finished,
    candidates trained of each model's grid, the hours its jobs' sessions trained, and the
    CPU-hours and H200-minutes that ``estimate`` (``results/benchmarks/paper_estimate.json``) gives
    the jobs not finished."""
    from aebook.jobs import measured_on
    from aebook.results import Table

    cfg = settings(PAGE, "paper")
    costs = {r["job"]: r for r in (estimate or {}).get("rows", [])}
    tally = {
        t: {"jobs": 0, "finished": 0, "saa": 0, "sda": 0, "hours": 0.0, "cpu": 0.0, "gpu": 0.0}
        for t in cfg.tasks
    }
    for job in paper_jobs():
        snap, t = snapshots.get(job.name, {"status": "not run"}), tally[job.kwargs["task"]]
        t["jobs"] += 1
        t["hours"] += sum(s["wall_seconds"] for s in snap.get("sessions", [])) / 3600
        if snap["status"] == "finished":
            t["finished"] += 1
            t[job.kwargs["model"]] += len(snap.get("candidates", []))
        elif job.key in costs:
            t["cpu"] += costs[job.key]["cpu_hours"]
            t["gpu"] += costs[job.key]["gpu_minutes"]
    grid = {m: len(candidates(cfg, cfg.tasks[0], m)) for m in ("saa", "sda")}
    rows = [
        [task, f"{t['finished']} of {t['jobs']}", f"{t['saa']} of {grid['saa']}",
         f"{t['sda']} of {grid['sda']}", f"{t['hours']:.1f}", f"{t['cpu']:.1f}",
         f"{t['gpu']:.1f}"]
        for task, t in tally.items()
    ]  # fmt: skip
    total = {
        k: sum(t[k] for t in tally.values()) for k in ("jobs", "finished", "hours", "cpu", "gpu")
    }
    rows.append(
        ["total", f"{total['finished']} of {total['jobs']}", "", "", f"{total['hours']:.1f}",
         f"{total['cpu']:.1f}", f"{total['gpu']:.1f}"]
    )  # fmt: skip
    where = measured_on(estimate)
    return Table(
        ["task", "jobs finished", "SAA-3 candidates", "SdA-3 candidates", "hours trained",
         "CPU h left", "H200 min left"],
        rows,
        note="The `paper` grid as the runner's jobs, one pretraining and its fine-tunings each, "
        "from their snapshots in `results/paper/jobs/stacked_denoising_autoencoders` "
        "(`python -m aebook.runner stacked_denoising_autoencoders --snapshot`). The hours "
        "trained are those its jobs' sessions logged, finished or not, each on one thread (or "
        "a GPU) beside other jobs. The hours and "
        f"minutes left are the estimate's (`python -m aebook.runner --estimate`, one thread; "
        f"{where}) for the jobs not finished: an upper bound, as it counts all 200 epochs of "
        "every fine-tuning and a job stopped midway as not begun.",
    )  # fmt: skip
