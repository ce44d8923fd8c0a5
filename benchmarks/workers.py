"""Two independent trainings on a 2-core CPU: one process of two threads, or two of one?

The job runner trains independent models (Figure 2's latent sizes, a grid, seeds). This measures
the images per second of all trainings together, for the paper's MNIST VAE (784-500-20, tanh,
Adagrad, dynamic binarization), one epoch of ``--n`` images each:

- ``1 x 1``: one process, one thread (the baseline: one job at a time, one core idle);
- ``1 x 2``: one process, two threads, two models one after the other;
- ``2 x 1``: two processes of one thread, one model each, at the same time.

    python benchmarks/workers.py [--n 30000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]

ONE_EPOCH = """
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
from aebook.data import binarize, load_mnist
from aebook.models import PAPER_MNIST
from aebook.train import fit
x = load_mnist(n_valid=0).train.x[: int(sys.argv[2])]
for model_index in range(int(sys.argv[3])):
    torch.manual_seed(model_index)
    model = PAPER_MNIST.build(784, 20)
    fit(model, x, PAPER_MNIST.train_config(1, 60_000, lr=0.01), transform=binarize,
        progress=False, device="cpu")
"""


def timed(processes: int, threads: int, models_each: int, n: int) -> float:
    """Wall seconds for ``processes`` processes that each train ``models_each`` models."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "AEBOOK_PROGRESS": "0"}
    args = [sys.executable, "-c", ONE_EPOCH, str(threads), str(n), str(models_each)]
    began = time.perf_counter()
    running = [subprocess.Popen(args, env=env) for _ in range(processes)]
    if any(p.wait() != 0 for p in running):
        raise RuntimeError("a training process failed")
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "results/benchmarks/workers.json")
    args = parser.parse_args()
    if args.n < 100 or args.repeats < 1:
        parser.error("--n >= 100 and --repeats >= 1 are required")
    layouts = {"1 x 1": (1, 1, 1), "1 x 2": (1, 2, 2), "2 x 1": (2, 1, 1)}
    seconds: dict[str, list[float]] = {k: [] for k in layouts}
    timed(1, 1, 1, 1_000)  # warm the file cache
    for r in range(args.repeats):
        for name in layouts if r % 2 == 0 else list(layouts)[::-1]:
            processes, threads, models_each = layouts[name]
            seconds[name].append(timed(processes, threads, models_each, args.n))
            print(f"repeat {r + 1}: {name} {seconds[name][-1]:.1f} s", flush=True)
    models = {name: p * m for name, (p, _, m) in layouts.items()}
    rate = {k: models[k] * args.n / statistics.median(v) for k, v in seconds.items()}
    print("| layout (processes x threads) | models | median wall (s) | images/s, all models |")
    print("|---|---|---|---|")
    for k in layouts:
        print(f"| {k} | {models[k]} | {statistics.median(seconds[k]):.1f} | {rate[k]:,.0f} |")
    best = max(rate, key=rate.get)
    print(f"fastest: {best} ({rate[best] / rate['1 x 1']:.2f}x one process of one thread)")
    write_json(
        args.out,
        {
            "benchmark": "workers",
            "n": args.n,
            "seconds": seconds,
            "images_per_second": rate,
            "fastest": best,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
