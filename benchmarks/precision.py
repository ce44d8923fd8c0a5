"""bf16 against fp32: speed, and what it does to the bound of the paper's VAE.

Trains Kingma & Welling's MNIST VAE (784-500-20, tanh, Adagrad with step 0.01, the weight-decay
prior, dynamic binarization; the first curve of the paper profile's Figure 2) twice from the same
initial weights and seed, once with float32 products and once with bfloat16 products
(``TrainConfig(precision="bf16")``: float32 weights, optimizer state and losses), for the same number
of training examples, each in its own one-thread process at the same time. It reports each run's
test bound (single-sample ELBO over the 10,000 test images, with its standard error), the
difference in nats, and the seconds per epoch. The paper profile may train in bf16 only where the
difference is below the reading tolerance of Figure 2.

    python benchmarks/precision.py [--examples 1000000]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

from aebook.results.records import provenance, write_json

REPO = Path(__file__).resolve().parents[1]

ONE_RUN = """
import json, sys, time, torch
torch.set_num_threads(1)
from aebook.data import binarize, load_mnist
from aebook.experiments.vae.figure2 import test_bound
from aebook.models import PAPER_MNIST
from aebook.train import TrainConfig, fit
precision, examples = sys.argv[1], int(sys.argv[2])
mnist = load_mnist(n_valid=0)
test = binarize(mnist.test.x, torch.Generator().manual_seed(1))
torch.manual_seed(0)
model = PAPER_MNIST.build(784, 20)
epochs = -(-examples // 60_000)
config = TrainConfig(**{**PAPER_MNIST.train_config(epochs, 60_000, lr=0.01).__dict__,
                        "precision": precision})
history = fit(model, mnist.train.x, config, transform=binarize, progress=False, device="cpu")
bound, se = test_bound(model, test, seed=0)
print(json.dumps({"precision": precision, "examples": history.samples_seen[-1],
                  "test_bound": bound, "test_se": se, "train_bound": history.train["elbo"][-1],
                  "epoch_seconds": history.seconds}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=REPO / "results/benchmarks/precision.json")
    args = parser.parse_args()
    if args.examples < 60_000:
        parser.error("--examples must be at least one epoch (60000)")
    env_args = [sys.executable, "-c", ONE_RUN]
    procs = {
        p: subprocess.Popen([*env_args, p, str(args.examples)], stdout=subprocess.PIPE, text=True)
        for p in ("fp32", "bf16")
    }
    runs = {}
    for name, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"the {name} run failed")
        runs[name] = json.loads(out.strip().splitlines()[-1])
    diff = runs["bf16"]["test_bound"] - runs["fp32"]["test_bound"]
    se = math.hypot(runs["bf16"]["test_se"], runs["fp32"]["test_se"])
    med = {k: sorted(r["epoch_seconds"])[len(r["epoch_seconds"]) // 2] for k, r in runs.items()}
    print(f"paper VAE, N_z = 20, {runs['fp32']['examples']:,} examples each")
    print("| precision | test bound (nats) | train bound | median epoch (s) |")
    print("|---|---|---|---|")
    for k, r in runs.items():
        print(
            f"| {k} | {r['test_bound']:.2f} ± {r['test_se']:.2f} | {r['train_bound']:.2f} | "
            f"{med[k]:.2f} |"
        )
    print(f"bf16 − fp32: {diff:+.2f} ± {se:.2f} nats; speed-up {med['fp32'] / med['bf16']:.2f}x")
    write_json(
        args.out,
        {
            "benchmark": "precision",
            "runs": runs,
            "difference": diff,
            "difference_se": se,
            "median_epoch_seconds": med,
            "provenance": provenance(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
