"""Training steps per second of the paper's MNIST VAE on one GPU: eager or CUDA graph, 1 or N jobs.

Figure 2 of Kingma & Welling is nine independent trainings of 10⁶ steps each (784-500-N_z, tanh,
Adagrad, M = 100, dynamic binarization). On a GPU such a step is a few microseconds of arithmetic
behind some 80 kernel launches, so what decides the wall time is how the launches are issued:

- ``eager``: ``fit`` as on the CPU, one launch at a time from Python;
- ``graph``: ``fit(..., cuda_graph=True)``, the whole step replayed as one CUDA graph;

each in 1 process and in N processes at once (the job runner's layout: one job per process, all
sharing the GPU). Every process sets up, waits for a common start, trains for ``--seconds`` and
counts its steps; the table gives steps per second of one job and of all jobs together.

    python benchmarks/gpu_step.py [--processes 7] [--seconds 6]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]

WORKER = """
import json, sys, time, torch
from aebook.data import binarize
from aebook.models import PAPER_MNIST
from aebook.train import fit
mode, start, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
torch.manual_seed(0)
x = torch.rand(50_000, 784, device="cuda")
model = PAPER_MNIST.build(784, 20).cuda()
graph = mode == "graph"
config = PAPER_MNIST.train_config(1, 50_000, lr=0.01)
fit(model, x, config, transform=binarize, progress=False, cuda_graph=graph)  # warm
time.sleep(max(0.0, start - time.time()))
began = time.perf_counter()
stop = lambda epoch, history: time.perf_counter() - began >= seconds
history = fit(model, x, PAPER_MNIST.train_config(10_000, 50_000, lr=0.01),
              transform=binarize, progress=False, cuda_graph=graph, callback=stop)
torch.cuda.synchronize()
elapsed = time.perf_counter() - began
print(json.dumps({"steps": history.epochs * 500, "seconds": elapsed,
                  "loss": history.train["loss"][-1]}))
"""


def layout(mode: str, processes: int, seconds: float) -> dict:
    """Steps per second of ``processes`` simultaneous trainings in ``mode``."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "AEBOOK_PROGRESS": "0"}
    start = time.time() + 15 + processes  # after every process has set up and warmed up
    args = [sys.executable, "-c", WORKER, mode, str(start), str(seconds)]
    running = [
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(processes)
    ]
    outs = [p.communicate() for p in running]
    for p, (_, err) in zip(running, outs, strict=True):
        if p.returncode != 0:
            raise RuntimeError(f"a {mode} training process failed:\n{err.decode()[-3000:]}")
    runs = [json.loads(o.decode().strip().splitlines()[-1]) for o, _ in outs]
    per_job = [r["steps"] / r["seconds"] for r in runs]
    return {
        "mode": mode,
        "processes": processes,
        "steps_per_second_per_job": per_job,
        "steps_per_second_all": sum(per_job),
        "final_losses": [r["loss"] for r in runs],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--out", type=Path, default=REPO / "results/benchmarks/gpu_step.json")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        parser.error("no GPU visible: this benchmark measures CUDA training")
    if args.processes < 1 or args.seconds <= 0:
        parser.error("--processes >= 1 and --seconds > 0 are required")
    from aebook.results.records import provenance, write_json

    rows = []
    for mode in ("eager", "graph"):
        for processes in sorted({1, args.processes}):
            rows.append(layout(mode, processes, args.seconds))
            r = rows[-1]
            print(
                f"{mode:>5} x {processes}: {r['steps_per_second_all']:9,.0f} steps/s all jobs, "
                f"{r['steps_per_second_all'] / processes:8,.0f} per job",
                flush=True,
            )
    steps = 1_000_200  # one Figure 2 curve: 10⁸ examples in minibatches of 100
    best = max(rows, key=lambda r: r["steps_per_second_all"])
    print(
        f"fastest: {best['mode']} x {best['processes']}; nine Figure 2 curves "
        f"({9 * steps:,} steps) would take {9 * steps / best['steps_per_second_all'] / 60:.1f} min"
    )
    write_json(
        args.out,
        {
            "benchmark": "gpu_step",
            "model": "PAPER_MNIST 784-500-20, batch 100, Adagrad, dynamic binarization",
            "seconds_per_layout": args.seconds,
            "rows": rows,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
