"""How much of a step of Burda et al.'s reference VAE is the optimizer, and what fusing it saved.

The paper profile's likelihood VAE (784-200-200-50, tanh, minibatch 20) takes 9.8 million steps
with Burda et al.'s Adam (:class:`aebook.optimizers.BurdaAdam`). Its update used to be seven
``torch._foreach_*`` passes over the parameters; it is now torch's fused Adam kernel with another
step size and ε. This script times, on the same parameters and gradients, alternating, medians
of ``--repeats``:

* the optimizer step alone: the seven passes (the baseline, kept here), ``BurdaAdam``, and
  ``torch.optim.Adam(fused=True)``, the floor for one pass of this update;
* a whole training step (binarize, forward, backward, optimizer) with the seven passes and with
  ``BurdaAdam``;

and checks that both updates give the same parameters. It writes
``results/benchmarks/released_adam.json``.

    python benchmarks/released_adam.py [--steps 300] [--repeats 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import torch

from aebook.data import binarize
from aebook.devices import hardware
from aebook.experiments.vae_likelihood import SETTINGS
from aebook.optimizers import BurdaAdam
from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]


class SevenPasses(BurdaAdam):
    """The update as it was: one ``_foreach`` pass per operation (the baseline)."""

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                if not self.state[p]:
                    self.state[p] = {"m": torch.zeros_like(p), "v": torch.ones_like(p)}
            grads = [p.grad for p in params]
            m = [self.state[p]["m"] for p in params]
            v = [self.state[p]["v"] for p in params]
            beta1, beta2 = group["betas"]
            group["step"] = t = group.get("step", 0) + 1
            torch._foreach_mul_(m, beta1)
            torch._foreach_add_(m, grads, alpha=1 - beta1)
            torch._foreach_mul_(v, beta2)
            torch._foreach_addcmul_(v, grads, grads, value=1 - beta2)
            denominators = torch._foreach_sqrt(v)
            torch._foreach_add_(denominators, group["eps"])
            alpha = group["lr"] * math.sqrt(1 - beta2**t) / (1 - beta1**t)
            torch._foreach_addcdiv_(params, m, denominators, value=-alpha)


OPTIMIZERS = {
    "seven passes (before)": SevenPasses,
    "BurdaAdam (fused)": BurdaAdam,
    "torch Adam, fused (floor)": lambda params: torch.optim.Adam(params, lr=1e-3, fused=True),
}


def model():
    torch.manual_seed(0)
    cfg = SETTINGS["paper"]
    return cfg.recipe.build(784, cfg.latent_size)


def time_steps(net, optimizer, x: torch.Tensor, steps: int, whole: bool) -> float:
    """Median seconds of ``steps`` optimizer steps (``whole``: training steps) on ``net``."""
    seconds = []
    for i in range(steps):
        batch = x[(i % 50) * 20 : (i % 50 + 1) * 20]
        began = time.perf_counter()
        if whole or i == 0:
            optimizer.zero_grad(set_to_none=True)
            net.loss(binarize(batch))["loss"].backward()
        optimizer.step()
        if whole or i > 0:
            seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for name, least in (("steps", 2), ("repeats", 1), ("threads", 1)):
        if getattr(args, name) < least:
            parser.error(f"--{name} must be >= {least}; got {getattr(args, name)}")
    torch.set_num_threads(args.threads)
    x = torch.rand(1_000, 784, generator=torch.Generator().manual_seed(1))

    # the same update: both optimizers from the same weights, on the same minibatches
    nets = {}
    for name in ("seven passes (before)", "BurdaAdam (fused)"):
        net = model()
        optimizer = OPTIMIZERS[name](net.parameters())
        torch.manual_seed(2)
        time_steps(net, optimizer, x, 100, whole=True)
        nets[name] = net
    a, b = (dict(n.named_parameters()) for n in nets.values())
    difference = max(((a[k] - b[k]).abs().max() / a[k].abs().max()).item() for k in a)

    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeats):
        for name, make in OPTIMIZERS.items():
            for part in ("optimizer step", "training step"):
                if part == "training step" and "floor" in name:
                    continue
                net = model()
                seconds = time_steps(
                    net, make(net.parameters()), x, args.steps, part != "optimizer step"
                )
                times.setdefault((part, name), []).append(seconds)
    rows = []
    for (part, name), values in times.items():
        median = statistics.median(values)
        baseline = statistics.median(times[(part, "seven passes (before)")])
        rows.append(
            {"part": part, "optimizer": name, "ms": 1e3 * median, "speedup": baseline / median}
        )
    print(f"torch {torch.__version__}, {hardware()}, {args.threads} thread(s), "
          f"{args.steps} steps x {args.repeats} repeats, medians")  # fmt: skip
    for r in rows:
        print(f"{r['part']:<15} {r['optimizer']:<27} {r['ms']:7.3f} ms  x{r['speedup']:.2f}")
    print(f"largest relative parameter difference after 100 steps: {difference:.1e}")
    write_json(
        REPO / "results/benchmarks/released_adam.json",
        {
            "benchmark": "released_adam",
            "threads": args.threads,
            "steps": args.steps,
            "repeats": args.repeats,
            "rows": rows,
            "largest_relative_difference": difference,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
