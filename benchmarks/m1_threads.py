"""Does M1 train faster on two threads than on one?

M1 (the paper profile's VAE 784-500-500-50, softplus, minibatch 1,000) is the one job that every
M1+M2 draw waits for, so it is worth running alone on both cores if two threads help it. The
layouts of ``benchmarks/workers.py`` are compared on minibatches of 100, where a step is short to
split; M1's products are ten times larger. This script times a whole
training step (forward, backward, Adam) on one thread and on two, alternating, medians of
``--repeats`` runs of ``--steps`` steps, and writes ``results/benchmarks/m1_threads.json``. Run it
on a quiet machine: another job on the second core takes what the second thread would use.

    python benchmarks/m1_threads.py [--steps 20] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from aebook.devices import hardware
from aebook.experiments import settings
from aebook.models import VAE
from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]


def step_seconds(threads: int, steps: int) -> float:
    """Median seconds of one M1 training step on ``threads`` threads."""
    cfg = settings("m2", "paper")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m1 = VAE(784, cfg.latent_size, cfg.m1_hidden_sizes, activation=cfg.activation)
    x = torch.rand(cfg.m1_batch_size, 784, generator=torch.Generator().manual_seed(1)).round()
    optimizer = torch.optim.Adam(m1.parameters(), lr=cfg.m1_lr)
    seconds = []
    for _ in range(steps + 1):  # the first step warms up
        began = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        m1.loss(x)["loss"].backward()
        optimizer.step()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds[1:])


def forward_macs() -> int:
    """Multiply-adds of one forward pass of M1's minibatch (its linear layers)."""
    cfg = settings("m2", "paper")
    sizes = [784, *cfg.m1_hidden_sizes]
    encoder = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    encoder += sizes[-1] * 2 * cfg.latent_size  # mean and log-variance
    decoder = sum(a * b for a, b in zip([cfg.latent_size, *sizes[:0:-1]], sizes[::-1], strict=True))
    return cfg.m1_batch_size * (encoder + decoder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for name in ("steps", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1; got {getattr(args, name)}")
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for threads in times:
            times[threads].append(step_seconds(threads, args.steps))
    macs = forward_macs()
    rows = [
        {
            "threads": threads,
            "ms": 1e3 * statistics.median(ts),
            "speedup": statistics.median(times[1]) / statistics.median(ts),
            "gflops": 6 * macs / statistics.median(ts) / 1e9,  # forward and backward: ~3 passes
        }
        for threads, ts in times.items()
    ]
    print(f"torch {torch.__version__}, {hardware()}, M1 minibatch of 1,000, "
          f"{args.steps} steps x {args.repeats} repeats, medians")  # fmt: skip
    for r in rows:
        print(f"{r['threads']} thread(s): {r['ms']:6.1f} ms per step  x{r['speedup']:.2f}  "
              f"{r['gflops']:.0f} GFLOP/s")  # fmt: skip
    write_json(
        REPO / "results/benchmarks/m1_threads.json",
        {
            "benchmark": "m1_threads",
            "steps": args.steps,
            "repeats": args.repeats,
            "forward_gmacs": macs / 1e9,
            "rows": rows,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
