"""How the cost of training grows: epoch time against dataset size and against hidden width.

The model is the VAE of ``train_throughput.py`` (784-h-20, Bernoulli decoder, Adam, minibatches of
100). Two sweeps, each point the median of several epochs:

- dataset size n at h = 400, with ``fit`` only: an epoch should cost time proportional to n;
- hidden width h at a fixed n, with ``fit`` and with the DataLoader pipeline: compute grows like h
  (the matrix products are 784·h per example) while the DataLoader's per-image cost does not, so
  the speed-up of ``fit`` is largest for small models and tends to 1 as compute dominates.

The log-log slope of each sweep is printed (1 means linear). Results go to
``results/benchmarks/scaling.json``; the performance page of the book plots them.

    python benchmarks/scaling.py [--repeats 3] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from train_throughput import MNISTImages, loop

from aebook.data import load_mnist
from aebook.devices import default_device, hardware
from aebook.models import VAE
from aebook.results.records import provenance, write_json
from aebook.train import TrainConfig, fit

REPO = Path(__file__).resolve().parents[1]
SIZES = (2_500, 5_000, 10_000, 20_000, 40_000)
WIDTHS = (25, 50, 100, 200, 400, 800, 1600)


def vae(width: int, device) -> VAE:
    torch.manual_seed(0)
    return VAE(784, 20, (width,), activation="relu", likelihood="bernoulli").to(device)


def epoch_fit(model: VAE, x: torch.Tensor, seed: int, device) -> float:
    """Seconds of one epoch of ``fit`` over ``x`` (Adam, minibatches of 100)."""
    config = TrainConfig(epochs=1, batch_size=100, lr=1e-3, seed=seed)
    began = time.perf_counter()
    fit(model, x, config, progress=False, device=device)
    return time.perf_counter() - began


def epoch_dataloader(model: VAE, loader: DataLoader, device) -> float:
    """Seconds of one epoch over a per-image ``DataLoader``, written as a user writes it."""
    config = TrainConfig(epochs=1, batch_size=100, lr=1e-3)
    return loop(model, config, None, (images.to(device) for images, _ in loader))


def slope(xs, ys) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-width", type=int, default=10_000, help="images in the width sweep")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: the GPU if any)")
    parser.add_argument("--out", type=Path, default=REPO / "results/benchmarks/scaling.json")
    args = parser.parse_args()
    device = torch.device(args.device) if args.device else default_device()
    train = load_mnist().train
    x_all = train.x.to(device)
    epoch_fit(vae(400, device), x_all[:1000], 0, device)  # warm-up, not timed

    by_size = []
    for n in SIZES:
        seconds = [epoch_fit(vae(400, device), x_all[:n], r, device) for r in range(args.repeats)]
        by_size.append({"n": n, "fit_s": statistics.median(seconds)})
        print(f"n = {n:6d}: fit {by_size[-1]['fit_s']:.3f} s/epoch", flush=True)

    n = args.n_width
    images = (train.x[:n] * 255).round().to(torch.uint8).view(-1, 28, 28)
    loader = DataLoader(MNISTImages(images, train.y[:n]), batch_size=100, shuffle=True)
    by_width = []
    for h in WIDTHS:
        fit_s, loader_s = [], []
        for r in range(args.repeats):  # alternate, so both see the same machine state
            fit_s.append(epoch_fit(vae(h, device), x_all[:n], r, device))
            torch.manual_seed(r)
            loader_s.append(epoch_dataloader(vae(h, device), loader, device))
        row = {
            "h": h,
            "fit_s": statistics.median(fit_s),
            "dataloader_s": statistics.median(loader_s),
        }
        by_width.append(row)
        print(
            f"h = {h:5d}: fit {row['fit_s']:.3f} s, DataLoader {row['dataloader_s']:.3f} s, "
            f"speed-up {row['dataloader_s'] / row['fit_s']:.2f}x",
            flush=True,
        )

    size_slope = slope([r["n"] for r in by_size], [r["fit_s"] for r in by_size])
    wide = [r for r in by_width if r["h"] >= 200]  # below that, fixed per-batch costs dominate
    width_slope = slope([r["h"] for r in wide], [r["fit_s"] for r in wide])
    print()
    print(f"device {device}, {hardware()}, {torch.get_num_threads()} threads")
    print("| sweep | points | log-log slope of epoch time |")
    print("|---|---|---|")
    print(f"| dataset size n (h = 400) | {SIZES[0]}…{SIZES[-1]} | {size_slope:.2f} |")
    print(f"| hidden width h (n = {n}) | {wide[0]['h']}…{wide[-1]['h']} | {width_slope:.2f} |")
    payload = {
        "benchmark": "scaling",
        "device": str(device),
        "threads": torch.get_num_threads(),
        "repeats": args.repeats,
        "by_size": by_size,
        "by_width": by_width,
        "n_width": n,
        "size_slope": size_slope,
        "width_slope": width_slope,
        "provenance": provenance(),
    }
    write_json(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
