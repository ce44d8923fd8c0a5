"""Training throughput: ``aebook.train.fit`` against the DataLoader pipeline most tutorials use.

Both pipelines train the same model (an MLP VAE 784-400-20 with a Bernoulli decoder) on the same
MNIST images with the same optimizer (Adam, lr 1e-3, minibatches of 100) for one epoch at a time:

- ``dataloader``: a ``Dataset`` whose ``__getitem__`` converts one uint8 image to a float tensor in
  [0, 1] (what ``ToTensor`` does), wrapped in a shuffling ``DataLoader``; each batch is then moved
  to the device.
- ``fit``: the images converted once and moved to the device once; each batch is one indexing op.

The two run alternately in one process, several repeats each, so both see the same machine state.
The table gives the median epoch time of each and their ratio, and the mean training loss of the
last epoch of each (same math: the losses agree up to the different shuffles).

    python benchmarks/train_throughput.py [--repeats 5] [--n 50000] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from aebook.data import load_mnist
from aebook.models import VAE
from aebook.train import TrainConfig, default_device, fit

REPO = Path(__file__).resolve().parents[1]


class MNISTImages(Dataset):
    """One image at a time, converted on access, as torchvision's MNIST + ToTensor would."""

    def __init__(self, images_uint8: np.ndarray):
        self.images = images_uint8

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> torch.Tensor:
        return torch.from_numpy(self.images[i].astype(np.float32) / 255.0)


def model(seed: int, device) -> VAE:
    torch.manual_seed(seed)
    return VAE(784, 20, (400,), activation="relu", likelihood="bernoulli").to(device)


def epoch_dataloader(vae: VAE, loader: DataLoader, device) -> tuple[float, float]:
    optimizer = torch.optim.Adam(vae.parameters(), lr=1e-3)
    began = time.perf_counter()
    total, count = 0.0, 0
    for x in loader:
        x = x.to(device, non_blocking=True)
        loss = vae.loss(x)["loss"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(x)
        count += len(x)
    total = float(total)  # one synchronisation, at the end, as fit does
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - began, total / count


def epoch_fit(vae: VAE, x: torch.Tensor, seed: int, device) -> tuple[float, float]:
    cfg = TrainConfig(epochs=1, batch_size=100, lr=1e-3, optimizer="adam", seed=seed)
    began = time.perf_counter()
    history = fit(vae, x, cfg, device=device, progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - began, history.train["loss"][-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n", type=int, default=50_000, help="training images")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: the GPU if any)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table as JSON")
    args = parser.parse_args()
    device = torch.device(args.device) if args.device else default_device()

    data = load_mnist()
    x = data.train.x[: args.n]
    images_uint8 = (x * 255).round().to(torch.uint8).view(-1, 784).numpy()
    x_device = x.to(device)
    loader = DataLoader(MNISTImages(images_uint8), batch_size=100, shuffle=True)

    # warm-up (allocator, kernels), not timed
    epoch_dataloader(model(0, device), DataLoader(MNISTImages(images_uint8[:2000]), 100), device)
    epoch_fit(model(0, device), x_device[:2000], 0, device)

    times: dict[str, list[float]] = {"dataloader": [], "fit": []}
    losses: dict[str, list[float]] = {"dataloader": [], "fit": []}
    for r in range(args.repeats):
        order = ("dataloader", "fit") if r % 2 == 0 else ("fit", "dataloader")
        for name in order:
            vae = model(r, device)
            if name == "dataloader":
                torch.manual_seed(r)
                seconds, loss = epoch_dataloader(vae, loader, device)
            else:
                seconds, loss = epoch_fit(vae, x_device, r, device)
            times[name].append(seconds)
            losses[name].append(loss)
            print(f"repeat {r + 1}: {name:10s} {seconds:7.2f} s/epoch, loss {loss:.2f}", flush=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    loss = {k: statistics.median(v) for k, v in losses.items()}
    ratio = med["dataloader"] / med["fit"]
    threads = torch.get_num_threads()
    print()
    print(f"device {device}, torch {torch.__version__}, {os.cpu_count()} CPUs, {threads} threads")
    print(f"VAE 784-400-20, Adam, batch 100, {args.n} MNIST images, {args.repeats} repeats")
    print("| pipeline | median epoch (s) | images/s | loss after 1 epoch (nats) |")
    print("|---|---|---|---|")
    for k in ("dataloader", "fit"):
        print(f"| {k} | {med[k]:.2f} | {args.n / med[k]:,.0f} | {loss[k]:.2f} |")
    print(f"\nspeed-up of fit over the DataLoader pipeline: {ratio:.2f}x")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(
                {
                    "benchmark": "train_throughput",
                    "device": str(device),
                    "hardware": f"{platform.machine()}, {os.cpu_count()} CPUs",
                    "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None,
                    "torch": torch.__version__,
                    "n": args.n,
                    "repeats": args.repeats,
                    "epoch_seconds": times,
                    "median_epoch_seconds": med,
                    "last_loss": loss,
                    "speedup": ratio,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
