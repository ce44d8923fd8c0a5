"""A training step of M2 with its encoder run on K copies of each unlabelled image, and shared.

M2's unlabelled bound needs q(z | x, y) for every class y of every image. The encoder's first layer
reads [x, one-hot y], and its product with x is the same for every class; the model now computes
it once and adds each class's column of weights (``M2._encode_every_class``), where it used to run
the encoder on K concatenated copies of x. This script times a whole training step (the paper's
minibatch of 500: one labelled image and 499 unlabelled; forward, backward, Adam) both ways, for
M2 on pixels (784-500-50) and on M1's codes (50-300-50), alternating, medians of ``--repeats``;
it counts the multiply-adds of each forward pass and checks that both give the same loss from
the same draws. It writes ``results/benchmarks/m2_step.json``.

    python benchmarks/m2_step.py [--steps 10] [--repeats 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import torch

from aebook.data.labels import UNLABELLED
from aebook.devices import hardware
from aebook.models import M2
from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]
BATCH, CLASSES, LATENT = 500, 10, 50
#: the paper profile's two M2s: (input size, hidden layer, likelihood)
MODELS = {"M2 on pixels": (784, 500, "bernoulli"), "M2 on M1's codes": (50, 300, "gaussian")}


class OnKCopies(M2):
    """The unlabelled bound as it was: the encoder on K copies of x (the baseline)."""

    def unlabelled_bound(self, x, logits=None):
        n, k = len(x), self.n_classes
        every_class = torch.arange(k, device=x.device).repeat_interleave(n)
        bounds = self.labelled_bound(x.repeat(k, 1), every_class).view(k, n).T
        log_q = torch.log_softmax(self(x) if logits is None else logits, dim=1)
        q = log_q.exp()
        return (q * bounds).sum(1) - (q * log_q).sum(1)


VARIANTS = {"encoder on K copies (before)": OnKCopies, "first layer shared": M2}


def build(variant: type[M2], name: str) -> M2:
    d, hidden, likelihood = MODELS[name]
    torch.manual_seed(0)
    return variant(d, CLASSES, LATENT, (hidden,), likelihood=likelihood, squash_mean=False)


def batch(name: str) -> tuple[torch.Tensor, torch.Tensor]:
    d, _, likelihood = MODELS[name]
    g = torch.Generator().manual_seed(1)
    x = torch.rand(BATCH, d, generator=g)
    x = x.round() if likelihood == "bernoulli" else torch.randn(BATCH, d, generator=g)
    y = torch.full((BATCH,), UNLABELLED)
    y[0] = 3
    return x, y


def forward_macs(name: str, shared: bool) -> int:
    """Multiply-adds of one forward pass of the minibatch (its linear layers)."""
    d, h, likelihood = MODELS[name]
    out = d if likelihood == "bernoulli" else 2 * d  # the Gaussian decoder has two heads
    encoder_first = (d + CLASSES) * h
    encoder_rest = h * 2 * LATENT
    decoder = (LATENT + CLASSES) * h + h * out
    unlabelled = (BATCH - 1) * (
        (d * h if shared else CLASSES * encoder_first) + CLASSES * (encoder_rest + decoder)
    )
    return BATCH * (d * h + h * CLASSES) + unlabelled + encoder_first + encoder_rest + decoder


def step_seconds(model: M2, x, y, steps: int) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)
    seconds = []
    for _ in range(steps + 1):  # the first step warms up
        began = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        model.loss((x, y))["loss"].backward()
        optimizer.step()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for name, least in (("steps", 1), ("repeats", 1), ("threads", 1)):
        if getattr(args, name) < least:
            parser.error(f"--{name} must be >= {least}; got {getattr(args, name)}")
    torch.set_num_threads(args.threads)
    rows, differences = [], {}
    for name in MODELS:
        x, y = batch(name)
        losses = []
        for variant in VARIANTS.values():
            torch.manual_seed(2)
            losses.append(build(variant, name).loss((x, y))["loss"].item())
        differences[name] = abs(losses[0] - losses[1]) / abs(losses[0])
        times: dict[str, list[float]] = {label: [] for label in VARIANTS}
        for _ in range(args.repeats):
            for label, variant in VARIANTS.items():
                times[label].append(step_seconds(build(variant, name), x, y, args.steps))
        baseline = statistics.median(times["encoder on K copies (before)"])
        for label in VARIANTS:
            median = statistics.median(times[label])
            macs = forward_macs(name, label == "first layer shared")
            rows.append({
                "model": name, "variant": label, "ms": 1e3 * median,
                "speedup": baseline / median, "forward_gmacs": macs / 1e9,
                "gflops": 6 * macs / median / 1e9,  # forward and backward: about 3 passes
            })  # fmt: skip
    print(f"torch {torch.__version__}, {hardware()}, {args.threads} thread(s), minibatch "
          f"{BATCH}, {args.steps} steps x {args.repeats} repeats, medians")  # fmt: skip
    for r in rows:
        print(f"{r['model']:<17} {r['variant']:<29} {r['ms']:7.1f} ms  x{r['speedup']:.2f}  "
              f"{r['forward_gmacs']:.2f} GMAC forward  {r['gflops']:.0f} GFLOP/s")  # fmt: skip
    for name, difference in differences.items():
        print(f"{name}: relative difference of the loss, same draws: {difference:.1e}")
    assert all(math.isfinite(d) and d < 1e-5 for d in differences.values()), differences
    write_json(
        REPO / "results/benchmarks/m2_step.json",
        {
            "benchmark": "m2_step",
            "threads": args.threads,
            "steps": args.steps,
            "repeats": args.repeats,
            "rows": rows,
            "loss_relative_difference": differences,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
