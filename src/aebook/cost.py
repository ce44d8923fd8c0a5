"""What the job runner's jobs cost before they run: CPU-hours here, from each job's real steps
timed on this machine (:func:`seconds_per_step`), and minutes on one H200, from their FLOPs and
steps (``python -m aebook.runner --estimate``)."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from aebook.jobs import Job

#: Sustained throughput assumed for an H200 on these small models (FLOP/s): TF32 tensor cores
#: reach ~10 % of their 495 TFLOP/s peak on batch-100 products of a few hundred units.
H200_FLOPS = 50e12
#: Optimisation steps per second of all jobs together on one H200, measured on 2026-11-30: seven
#: Figure 2 jobs at once, eager steps, trained 1,480 steps/s in all (185 to 230 each; their
#: ``sessions`` in results/paper/jobs/vae). Launch-bound: ~100x below what the FLOPs allow.
GPU_STEPS_PER_SECOND = 1_480


#: How long the timed run of a calibration lasts at least (seconds). A fixed count of steps was
#: too few for some jobs: 3 steps of M2 on pixels (0.6 s) read a step a fifth slow and varied by
#: a fifth between two runs minutes apart, where 30 steps (6 s) agreed within 1 % (2026-12-04).
MIN_TIMED_SECONDS = 1.0
#: How many timed runs of that length a calibration takes the median of: one run in two estimates
#: minutes apart on the quiet machine read M2 on pixels 27 % slow, the other jobs within 6 %
#: (2026-12-05); the median of three ignores one such run.
TIMED_RUNS = 3


def seconds_per_step(
    prepare: Callable[[int], Callable[[], object]],
    min_seconds: float = MIN_TIMED_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Seconds per optimisation step of one job on this machine: ``prepare(n)`` builds the job's
    model and random data for ``n`` steps of its real code path and returns the call that trains
    them. One step warms the allocator and kernels up; then ``n`` doubles until the timed call
    lasts ``min_seconds``, so that a cheap step is timed as precisely as a dear one, and the
    result is the median of :data:`TIMED_RUNS` such calls."""

    def timed(n: int) -> float:
        train = prepare(n)
        began = clock()
        train()
        return clock() - began

    prepare(1)()
    n = 1
    while (elapsed := timed(n)) < min_seconds:
        n *= 2
    runs = [elapsed, *(timed(n) for _ in range(TIMED_RUNS - 1))]
    return statistics.median(runs) / n


@dataclass(frozen=True)
class Estimate:
    """What a list of jobs costs: CPU-hours here (from measured steps) and GPU-minutes (FLOPs)."""

    rows: list[tuple[str, float, int, float, float]]  # key, TFLOP, steps, CPU h, GPU min

    @property
    def cpu_hours(self) -> float:
        return sum(r[3] for r in self.rows)

    @property
    def gpu_minutes(self) -> float:
        return sum(r[4] for r in self.rows)

    def __str__(self) -> str:
        w = max([28, *(len(r[0]) for r in self.rows)])  # Table 1's keys run to 70 characters
        lines = [
            f"{'job':<{w}} {'TFLOP':>8} {'steps':>10} {'CPU h (1 thread)':>17} {'H200 min':>9}"
        ]
        for key, tflop, steps, cpu_h, gpu_min in self.rows:
            lines.append(f"{key:<{w}} {tflop:8.1f} {steps:10,d} {cpu_h:17.2f} {gpu_min:9.2f}")
        lines.append(
            f"{'total':<{w}} {sum(r[1] for r in self.rows):8.1f} "
            f"{sum(r[2] for r in self.rows):10,d} {self.cpu_hours:17.2f} {self.gpu_minutes:9.2f}"
        )
        lines.append(
            "CPU: measured seconds per step of each job on this machine, one thread; two workers "
            "halve the wall time on two cores. H200: max(FLOPs at "
            f"{H200_FLOPS / 1e12:.0f} TFLOP/s, steps at the measured {GPU_STEPS_PER_SECOND:,} "
            "steps/s of all jobs sharing the GPU)."
        )
        return "\n".join(lines)

    def as_rows(self) -> list[dict]:
        """The rows as JSON objects (``job``, ``tflop``, ``steps``, ``cpu_hours``, ``gpu_minutes``)."""
        names = ("job", "tflop", "steps", "cpu_hours", "gpu_minutes")
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def estimate(jobs: Sequence[Job]) -> Estimate:
    """The cost of ``jobs``; calibrates each distinct job once (a few seconds each)."""
    torch.set_num_threads(1)
    seconds_per_step: dict[Callable, float] = {}
    rows = []
    for job in jobs:
        if job.calibrate is not None and job.calibrate not in seconds_per_step:
            seconds_per_step[job.calibrate] = job.calibrate()
        step = seconds_per_step.get(job.calibrate, math.nan)
        gpu_seconds = max(job.flops / H200_FLOPS, job.steps / GPU_STEPS_PER_SECOND)
        rows.append(
            (job.key, job.flops / 1e12, job.steps, step * job.steps / 3600, gpu_seconds / 60)
        )
    return Estimate(rows)
