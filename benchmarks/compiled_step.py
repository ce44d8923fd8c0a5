"""Does ``torch.compile`` speed up a training step of the paper's MNIST VAE on this CPU?

The paper's MNIST VAE (784-500-20, tanh, N(0, 0.01²) initialisation, Adagrad as ``fit`` builds it,
M = 100, dynamic binarization) takes the same steps twice from the same initial weights and the
same random streams: once eager, once with its loss (forward, and through AOTAutograd the
backward) compiled by ``torch.compile`` (Inductor, random operations left to eager ATen so the
noise is the same). The script prints the median step time of each, their ratio, the compile
time, and the largest relative difference between the two runs' losses, and writes
``results/benchmarks/compiled_step.json``.

    python benchmarks/compiled_step.py [--steps 600] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch._inductor.config

from aebook.data import binarize
from aebook.devices import hardware
from aebook.models import PAPER_MNIST
from aebook.optimizers import make_optimizer
from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]
WARMUP = 50  #: steps left out of the median (allocator, caches, the compiled graph's first runs)


def run(loss_fn, model, optimizer, x: torch.Tensor, order: torch.Tensor, steps: int):
    """``steps`` training steps; the losses and the median seconds per step after ``WARMUP``."""
    torch.manual_seed(5)
    losses, seconds = [], []
    for i in range(steps):
        began = time.perf_counter()
        batch = binarize(x.index_select(0, order[(i % 600) * 100 : (i % 600 + 1) * 100]))
        out = loss_fn(batch)
        optimizer.zero_grad(set_to_none=True)
        out["loss"].backward()
        optimizer.step()
        losses.append(out["loss"].item())
        seconds.append(time.perf_counter() - began)
    return losses, statistics.median(seconds[WARMUP:])


def fresh():
    torch.manual_seed(0)
    model = PAPER_MNIST.build(784, 20, "bernoulli")
    return model, make_optimizer(model, PAPER_MNIST.train_config(1, 60_000, lr=0.02))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.steps <= WARMUP:
        parser.error(f"--steps must be > {WARMUP}; got {args.steps}")
    torch.set_num_threads(args.threads)
    torch._inductor.config.fallback_random = True  # the same noise as eager
    x = torch.rand(60_000, 784, generator=torch.Generator().manual_seed(1))
    order = torch.randperm(60_000, generator=torch.Generator().manual_seed(2))

    model, optimizer = fresh()
    eager_losses, eager_s = run(model.loss, model, optimizer, x, order, args.steps)
    model, optimizer = fresh()
    compiled = torch.compile(model.loss)
    began = time.perf_counter()
    compiled(binarize(x[:100]))  # compiles; the step below starts from the same weights
    compile_s = time.perf_counter() - began
    model, optimizer = fresh()
    compiled = torch.compile(model.loss)
    compiled_losses, compiled_s = run(compiled, model, optimizer, x, order, args.steps)
    difference = max(
        abs(a - b) / abs(a) for a, b in zip(eager_losses, compiled_losses, strict=True)
    )

    print(f"torch {torch.__version__}, {hardware()}, {args.threads} thread(s), {args.steps} steps")
    print(f"eager    {1e3 * eager_s:.2f} ms per step (median)")
    print(f"compiled {1e3 * compiled_s:.2f} ms per step (median), first call {compile_s:.1f} s")
    print(f"eager / compiled: {eager_s / compiled_s:.2f}; largest relative loss difference "
          f"{difference:.1e}")  # fmt: skip
    write_json(
        REPO / "results/benchmarks/compiled_step.json",
        {
            "benchmark": "compiled_step",
            "threads": args.threads,
            "steps": args.steps,
            "eager_step_seconds": eager_s,
            "compiled_step_seconds": compiled_s,
            "speedup": eager_s / compiled_s,
            "first_call_seconds": compile_s,
            "largest_relative_loss_difference": difference,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
