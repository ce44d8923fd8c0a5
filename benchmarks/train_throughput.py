"""Training throughput: ``aebook.train.fit`` against the usual pipelines and against the limit.

Two models, each trained for one epoch at a time on the same MNIST images, minibatches of 100:

- ``benchmark``: the VAE 784-400-20 (ReLU, Bernoulli decoder, Adam 1e-3) of earlier measurements;
- ``paper``: Kingma & Welling's MNIST VAE 784-500-20 (tanh, N(0, 0.01²) initialisation, Adagrad
  with the weight-decay prior, dynamic binarization), the model of the paper profile's Figure 2.

Pipelines, run alternately in one process (so all see the same machine state):

- ``fit``: the images moved to the device once; each batch is one indexing operation;
- ``fit-bf16``: the same with bfloat16 products (``TrainConfig(precision="bf16")``);
- ``tensordataset``: a ``TensorDataset`` with a shuffling ``DataLoader`` (what a careful user writes);
- ``per-item``: torchvision's MNIST + ``ToTensor`` rebuilt without torchvision (not installable
  here): one PIL image per item, the default collate, then ``.view(-1, 784)``;
- ``pythae``: Pythae's trainer on the same model, when the ``pythae`` package is installed;
- ``limit``: only the matrix products of one training step (forward and backward, the shapes of the
  model) repeated on tensors that stay in cache: the speed no pipeline can beat on this machine.

The table gives, per model and thread count, the median epoch time of each pipeline, its ratio to
``fit`` and the share of the limit it reaches (limit time / pipeline time).

    python benchmarks/train_throughput.py [--repeats 5] [--n 50000] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset, TensorDataset

from aebook.data import binarize, load_mnist
from aebook.devices import hardware
from aebook.models import PAPER_MNIST, VAE
from aebook.results.records import provenance, write_json
from aebook.train import TrainConfig, fit

REPO = Path(__file__).resolve().parents[1]
MODELS = ("benchmark", "paper")


class MNISTImages(Dataset):
    """One (image, label) at a time, converted on access, as torchvision's MNIST + ToTensor does."""

    def __init__(self, images_uint8: torch.Tensor, labels: torch.Tensor):
        self.images, self.labels = images_uint8, labels  # (n, 28, 28) uint8, as torchvision keeps

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        image = Image.fromarray(self.images[i].numpy(), mode="L")  # torchvision's MNIST
        pixels = torch.from_numpy(np.array(image, np.uint8, copy=True))  # ToTensor from here on
        pixels = pixels.view(image.size[1], image.size[0], 1).permute(2, 0, 1).contiguous()
        return pixels.to(torch.float32).div(255), int(self.labels[i])


def build(kind: str, seed: int) -> tuple[VAE, TrainConfig, object]:
    """The model, its training config for one epoch, and its batch transform."""
    torch.manual_seed(seed)
    if kind == "benchmark":
        model = VAE(784, 20, (400,), activation="relu", likelihood="bernoulli")
        return model, TrainConfig(epochs=1, batch_size=100, lr=1e-3, seed=seed), None
    model = PAPER_MNIST.build(784, 20)
    return model, PAPER_MNIST.train_config(1, 60_000, seed=seed, lr=0.01), binarize


def optimizer_for(model: VAE, config: TrainConfig) -> torch.optim.Optimizer:
    """The same optimizer fit builds (fused kernels), for the loops written by hand."""
    opt = {"adam": torch.optim.Adam, "adagrad": torch.optim.Adagrad}[config.optimizer]
    return opt(model.parameters(), lr=config.lr, weight_decay=config.weight_decay, fused=True)


def loop(model, config, transform, batches) -> float:
    """A training epoch over ``batches`` as a user writes it; returns seconds."""
    optimizer = optimizer_for(model, config)
    began = time.perf_counter()
    for x in batches:
        x = x.view(-1, 784)
        if transform is not None:
            x = transform(x)
        loss = model.loss(x)["loss"]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - began


def epoch(pipeline: str, kind: str, seed: int, x, images, labels) -> float:
    model, config, transform = build(kind, seed)
    if pipeline in ("fit", "fit-bf16"):
        precision = "bf16" if pipeline == "fit-bf16" else "fp32"
        config = TrainConfig(**{**config.__dict__, "precision": precision})
        began = time.perf_counter()
        fit(model, x, config, transform=transform, progress=False, device="cpu")
        return time.perf_counter() - began
    if pipeline == "tensordataset":
        loader = DataLoader(TensorDataset(x), batch_size=100, shuffle=True)
        return loop(model, config, transform, (b for (b,) in loader))
    if pipeline == "per-item":
        loader = DataLoader(MNISTImages(images, labels), batch_size=100, shuffle=True)
        return loop(model, config, transform, (b for b, _ in loader))
    if pipeline == "pythae":
        return pythae_epoch(model, config, x)
    raise ValueError(pipeline)


def pythae_epoch(model, config, x) -> float:  # pragma: no cover - only where pythae is installed
    """One epoch of Pythae's BaseTrainer on an equivalent Pythae VAE (same sizes and optimizer)."""
    from pythae.models import VAE as PVAE
    from pythae.models import VAEConfig
    from pythae.models.nn.default_architectures import Decoder_AE_MLP, Encoder_VAE_MLP
    from pythae.trainers import BaseTrainer, BaseTrainerConfig

    cfg = VAEConfig(input_dim=(1, 28, 28), latent_dim=20, reconstruction_loss="bce")
    pvae = PVAE(cfg, encoder=Encoder_VAE_MLP(cfg), decoder=Decoder_AE_MLP(cfg))
    tcfg = BaseTrainerConfig(
        num_epochs=1,
        per_device_train_batch_size=100,
        learning_rate=config.lr,
        optimizer_cls="Adam" if config.optimizer == "adam" else "Adagrad",
        no_cuda=True,
        output_dir=str(Path("/tmp/pythae-bench")),
        steps_saving=None,
    )
    trainer = BaseTrainer(pvae, x.view(-1, 1, 28, 28), training_config=tcfg)
    began = time.perf_counter()
    trainer.train()
    return time.perf_counter() - began


def limit_seconds(kind: str, n: int, repeats: int = 200) -> tuple[float, float]:
    """Seconds for the matrix products of ``n / 100`` training steps, in cache; and the FLOPs."""
    hidden = 400 if kind == "benchmark" else 500
    b, d, z = 100, 784, 20
    r = torch.randn
    w1, w2, w3, w4 = r(hidden, d), r(2 * z, hidden), r(hidden, z), r(d, hidden)
    xb, h, zb = r(b, d), r(b, hidden), r(b, z)
    gd, gh, gz = r(b, d), r(b, hidden), r(b, 2 * z)

    def step():
        xb @ w1.T, h @ w2.T, zb @ w3.T, h @ w4.T  # forward
        gd @ w4, gd.T @ h, gh @ w3, gh.T @ zb, gz @ w2, gz.T @ h, gh.T @ xb  # backward

    for _ in range(20):
        step()
    began = time.perf_counter()
    for _ in range(repeats):
        step()
    per_step = (time.perf_counter() - began) / repeats
    macs = d * hidden + hidden * 2 * z + z * hidden + hidden * d
    flops = 6.0 * macs * n  # forward (2) and backward (4) per multiply-add, per example
    return per_step * n / b, flops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n", type=int, default=50_000, help="training images")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument(
        "--out", type=Path, default=REPO / "results/benchmarks/train_throughput.json"
    )
    args = parser.parse_args()
    if args.repeats < 1 or args.n < 100 or min(args.threads) < 1:
        parser.error("--repeats >= 1, --n >= 100 and --threads >= 1 are required")

    data = load_mnist(n_valid=0)
    x = data.train.x[: args.n]
    images = (x * 255).round().to(torch.uint8).view(-1, 28, 28)
    labels = data.train.y[: args.n]
    pipelines = ["fit", "fit-bf16", "tensordataset", "per-item"]
    has_pythae = importlib.util.find_spec("pythae") is not None
    if has_pythae:
        pipelines.append("pythae")
    else:
        print("pythae is not installed: its trainer is not compared (pip install pythae)")

    rows = []
    for threads in args.threads:
        torch.set_num_threads(threads)
        for kind in args.models:
            for p in pipelines:  # warm-up, not timed
                epoch(p, kind, 0, x[:2000], images[:2000], labels[:2000])
            times: dict[str, list[float]] = {p: [] for p in pipelines}
            limits = []
            for r in range(args.repeats):
                order = pipelines if r % 2 == 0 else pipelines[::-1]
                for p in order:
                    times[p].append(epoch(p, kind, r, x, images, labels))
                limit, flops = limit_seconds(kind, args.n)
                limits.append(limit)
                print(
                    f"{threads} thread(s), {kind}, repeat {r + 1}: "
                    + ", ".join(f"{p} {times[p][-1]:.2f} s" for p in pipelines)
                    + f", limit {limit:.2f} s",
                    flush=True,
                )
            limit = statistics.median(limits)
            med = {p: statistics.median(v) for p, v in times.items()}
            for p in pipelines:
                rows.append(
                    {
                        "threads": threads,
                        "model": kind,
                        "pipeline": p,
                        "median_epoch_seconds": med[p],
                        "epoch_seconds": times[p],
                        "vs_fit": med[p] / med["fit"],
                        "share_of_limit": limit / med[p],
                        "gflops": flops / med[p] / 1e9,
                    }
                )
            rows.append(
                {
                    "threads": threads,
                    "model": kind,
                    "pipeline": "limit",
                    "median_epoch_seconds": limit,
                    "epoch_seconds": limits,
                    "vs_fit": limit / med["fit"],
                    "share_of_limit": 1.0,
                    "gflops": flops / limit / 1e9,
                }
            )

    print(
        f"\ntorch {torch.__version__}, {hardware()}, {args.n} MNIST images, "
        f"median of {args.repeats} alternating repeats"
    )
    print("| threads | model | pipeline | epoch (s) | × fit | GFLOP/s | share of the limit |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['threads']} | {row['model']} | {row['pipeline']} | "
            f"{row['median_epoch_seconds']:.2f} | {row['vs_fit']:.2f} | {row['gflops']:.0f} | "
            f"{100 * row['share_of_limit']:.0f} % |"
        )
    if args.out:  # the performance page of the book reads it
        write_json(
            args.out,
            {
                "benchmark": "train_throughput",
                "n": args.n,
                "repeats": args.repeats,
                "pythae": has_pythae,
                "rows": rows,
                "provenance": provenance(),
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
