"""Table 1's candidates trained one at a time against the same K trained as one stack.

    python benchmarks/stacked_training.py                 # CPU, one thread, K = 8, ~1 min
    python benchmarks/stacked_training.py --device cuda --hidden 1000 2000 --json PATH

K candidates of one group of the grid (one layer size, masking levels 0 to 0.4, two learning
rates) are pretrained (three layers, one epoch each) and fine-tuned (one epoch, then the
validation set) on ``--examples`` random binary 784-pixel inputs in minibatches of 20: once as K
calls of :meth:`~aebook.models.dae.StackedDenoisingAutoencoder.pretrain` and
:meth:`~aebook.models.dae.StackedDenoisingAutoencoder.finetune` (what the runner's jobs do today),
once by :func:`~aebook.experiments.stacked_denoising_autoencoders.stacked.pretrain_stack` and
:func:`~aebook.experiments.stacked_denoising_autoencoders.stacked.finetune_stack`. The table gives
the median over ``--repeats`` of model-steps per second (K × minibatch steps / wall time) of
each phase, and the ratio stacked / one at a time, measured in this process on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from aebook.corruption import Corruption
from aebook.devices import hardware
from aebook.experiments.stacked_denoising_autoencoders.stacked import (
    finetune_stack,
    pretrain_stack,
    select_models,
    stack_models,
)
from aebook.models import StackedDenoisingAutoencoder
from aebook.results.records import provenance, write_json
from aebook.train import TrainConfig

PRETRAIN = TrainConfig(epochs=1, batch_size=20, optimizer="sgd")
FINETUNE = TrainConfig(
    epochs=1, batch_size=20, momentum=0.9, early_stopping=20, monitor="error", optimizer="sgd"
)


def _timed(on: torch.device, fn, *args, **kwargs) -> float:
    """Wall seconds of ``fn(*args, **kwargs)``, with the GPU's queue drained at both ends."""
    if on.type == "cuda":
        torch.cuda.synchronize()
    began = time.perf_counter()
    fn(*args, **kwargs)
    if on.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - began


def one_at_a_time(hidden, data, nus, lrs, device) -> tuple[float, float]:
    """Seconds of K pretrainings and of K fine-tunings, each model by itself (as the jobs do)."""
    x, y, valid = data
    pre = fine = 0.0
    for nu, lr in zip(nus, lrs, strict=True):
        torch.manual_seed(0)
        model = StackedDenoisingAutoencoder(784, hidden, 10, corruption=Corruption("masking", nu))
        config, fine_config = replace(PRETRAIN, lr=lr), replace(FINETUNE, lr=lr)
        pre += _timed(device, model.pretrain, x, config, device=device, progress=False)
        fine += _timed(
            device, model.finetune, (x, y), fine_config, valid=valid, device=device, progress=False
        )
    return pre, fine


def stacked(hidden, data, nus, lrs, device) -> tuple[float, float]:
    """Seconds of the K pretrainings as one stack and of the K fine-tunings as one stack."""
    x, y, valid = data
    torch.manual_seed(0)
    params = stack_models(StackedDenoisingAutoencoder(784, hidden, 10), len(nus), device)
    names = [str(i) for i in range(len(nus))]
    pre = _timed(device, pretrain_stack, params, x, nus, lrs, PRETRAIN, names=names)
    tuned = select_models(params, range(len(nus)))
    fine = _timed(device, finetune_stack, tuned, (x, y), valid, lrs, FINETUNE, names=names)
    return pre, fine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=8, help="candidates (default: one paper group)")
    parser.add_argument(
        "--hidden", type=int, nargs="+", default=[64, 1000], help="units of each of three layers"
    )
    parser.add_argument("--examples", type=int, default=1000, help="training examples")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    if min(args.k, *args.hidden, args.examples, args.repeats, args.threads) < 1:
        parser.error("--k, --hidden, --examples, --repeats and --threads must be >= 1")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no GPU is visible")
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(1)
    x = (torch.rand(args.examples, 784, generator=g) < 0.3).float().to(device)
    y = torch.randint(10, (args.examples,), generator=g).to(device)
    valid = (x[:200], y[:200])
    nus = [(0.0, 0.1, 0.25, 0.4)[i % 4] for i in range(args.k)]
    lrs = [(0.05, 0.2)[(i // 4) % 2] for i in range(args.k)]
    steps = -(-args.examples // 20)
    model_steps = {"pretrain": 3 * steps * args.k, "finetune": steps * args.k}
    data = (x, y, valid)
    rows = []
    print(f"{hardware()}; {args.threads} thread(s), device {device}; K = {args.k}, minibatch 20")
    for width in args.hidden:
        hidden = (width,) * 3
        stacked(hidden, data, nus[:2], lrs[:2], device)  # warm-up: first calls, allocator
        one_at_a_time(hidden, data, nus[:1], lrs[:1], device)
        times = {"one at a time": [], "stacked": []}
        for _ in range(args.repeats):  # alternating, so that both see the same machine
            times["one at a time"].append(one_at_a_time(hidden, data, nus, lrs, device))
            times["stacked"].append(stacked(hidden, data, nus, lrs, device))
        for i, phase in enumerate(("pretrain", "finetune")):
            rate = {
                way: statistics.median(model_steps[phase] / t[i] for t in runs)
                for way, runs in times.items()
            }
            ratio = rate["stacked"] / rate["one at a time"]
            rows.append(
                {"hidden": width, "phase": phase, "model_steps_per_second": rate, "ratio": ratio}
            )
            print(
                f"784-{width}-{width}-{width}-10 {phase:>8}: {rate['one at a time']:9,.0f} "
                f"model-steps/s one at a time, {rate['stacked']:9,.0f} stacked: {ratio:.2f}x"
            )
    if args.json is not None:
        payload = {"benchmark": "stacked_training", "args": vars(args) | {"json": str(args.json)}}
        payload |= {"rows": rows, "provenance": provenance()}
        print(f"written to {write_json(args.json, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
