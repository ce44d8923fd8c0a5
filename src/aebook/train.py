"""The one training loop of the book.

Every model follows one protocol: it is a ``torch.nn.Module`` whose ``loss(batch)`` returns a dict
of scalar tensors. The entry ``"loss"`` is minimised; every other entry is a metric that the loop
averages per epoch and records in the :class:`History`.

Why a loop of our own rather than a ``DataLoader``: the datasets of this book fit in memory, so the
whole tensor is moved to the device once and each minibatch is one indexing operation on it. That
removes the per-example Python work that dominates small-model training (see ``benchmarks/``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from aebook import checkpoint as ckpt
from aebook.checks import check_choice, check_count, check_number
from aebook.devices import check_device, default_device, flush_denormals
from aebook.fit_inputs import Batch, as_tensors, check_graph, check_run, dry_run, unpack
from aebook.graphs import GraphStep
from aebook.optimizers import LR_SCHEDULES, OPTIMIZERS, make_optimizer, make_schedule
from aebook.progress import epoch_bar

#: ``bf16`` runs the forward and backward products in bfloat16 (autocast) with float32 weights,
#: optimizer state and losses, on CPUs and GPUs that support it; ``fp32`` is plain float32.
PRECISIONS = ("fp32", "bf16")


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss; the run is stopped rather than continued."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train: a small frozen record that a chapter can print and a checkpoint can store.

    ``early_stopping`` is a patience in epochs on the validation ``monitor`` metric (lower is
    better); the parameters of the best epoch are restored at the end.
    """

    epochs: int
    batch_size: int = 100
    lr: float = 1e-3
    optimizer: str = "adam"
    weight_decay: float = 0.0
    momentum: float = 0.0
    seed: int = 0
    early_stopping: int | None = None
    monitor: str = "loss"
    grad_clip: float | None = None
    lr_schedule: str = "constant"
    precision: str = "fp32"

    def __post_init__(self):
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        for name in ("epochs", "batch_size", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int; got {value!r}")
        check_count("epochs", self.epochs, minimum=0)
        check_count("batch_size", self.batch_size)
        check_number("lr", self.lr, low=0, low_open=True)
        check_number("weight_decay", self.weight_decay, low=0)
        check_number("momentum", self.momentum, low=0)
        if self.grad_clip is not None:
            check_number("grad_clip", self.grad_clip, low=0, low_open=True)
        check_choice("precision", self.precision, PRECISIONS)
        check_choice("lr_schedule", self.lr_schedule, LR_SCHEDULES)
        if self.early_stopping is not None:
            check_count("early_stopping", self.early_stopping)
        if not isinstance(self.monitor, str):
            raise TypeError(f"monitor must be the name of a loss entry; got {self.monitor!r}")


@dataclass
class History:
    """Per-epoch record of a run. ``train[k][e]`` is metric ``k`` averaged over epoch ``e``."""

    train: dict[str, list[float]] = field(default_factory=dict)
    valid: dict[str, list[float]] = field(default_factory=dict)
    samples_seen: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.samples_seen)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        return cls(**d)


@torch.no_grad()
def evaluate_loss(model: nn.Module, data: Batch, batch_size: int = 1000) -> dict[str, float]:
    """Average every entry of ``model.loss`` over ``data`` in eval mode (no corruption, no dropout)."""
    parts = as_tensors(data)
    was_training = model.training
    model.eval()
    totals: dict[str, Tensor] = {}
    n = len(parts[0])
    for start in range(0, n, batch_size):
        chunk = tuple(t[start : start + batch_size] for t in parts)
        out = model.loss(unpack(chunk))
        for k, v in out.items():
            totals[k] = totals.get(k, 0.0) + v.detach() * len(chunk[0])
    model.train(was_training)
    return {k: float(v) / n for k, v in totals.items()}


@flush_denormals()
def fit(
    model: nn.Module,
    data: Batch,
    config: TrainConfig,
    *,
    valid: Batch | None = None,
    transform: Callable[[Batch], Batch] | None = None,
    device: torch.device | str | None = None,
    checkpoint: Path | str | None = None,
    checkpoint_every: float = 0.0,
    progress: bool | None = None,
    callback: Callable[[int, History], bool | None] | None = None,
    cuda_graph: bool = False,
) -> History:
    """Train ``model`` on ``data`` (a tensor, or a tuple of tensors indexed together) and return its history.

    - Batches are slices of ``data`` after it is moved to ``device`` once; the order is a fresh
      permutation each epoch from a generator seeded by ``config.seed``. The global torch RNG is
      seeded too, so corruption and sampling inside ``model.loss`` repeat exactly on the CPU.
    - ``transform`` is applied to every training batch (e.g. dynamic binarization).
    - Before any training, ``model.loss`` runs once on two examples, so a wrong shape, dtype or
      ``config.monitor`` stops the run with a message instead of failing an epoch later.
    - A NaN or infinite loss (training or validation) stops the run with
      :class:`NonFiniteLossError`; the checkpoint keeps the last good epoch.
    - With ``checkpoint``, the full state is written atomically after every epoch (or, with
      ``checkpoint_every``, after the first epoch that ends that many seconds after the last write,
      and after the last epoch: runs of tens of thousands of short epochs); calling ``fit`` again
      with the same arguments resumes from it (or returns at once if the run had finished). Other
      arguments are refused (:mod:`aebook.checkpoint`).
    - ``callback(epoch, history)`` runs after each epoch (and after its checkpoint is written);
      when it returns True, ``fit`` writes the checkpoint and returns the history so far (a
      deadline: calling ``fit`` again continues the run).
    - Subnormal floats are flushed to zero while it runs (:func:`aebook.devices.flush_denormals`).
    - ``cuda_graph=True`` (CUDA only) replays each full minibatch's step as one CUDA graph
      (:class:`aebook.graphs.GraphStep`): the same computation without the per-kernel launch
      cost that bounds small models on a GPU. It needs a constant step size and fp32.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig; got {type(config).__name__}")
    device = default_device() if device is None else check_device(device)
    check_graph(cuda_graph, device, config)
    check_run(config, valid, checkpoint, checkpoint_every)
    parts = as_tensors(data)
    valid_parts = as_tensors(valid, "valid") if valid is not None else None

    model.to(device)
    dry_run(model, parts, transform, config, device)
    fingerprint = ckpt.fingerprint(model, config, parts, transform) if checkpoint else None
    parts = tuple(t.to(device) for t in parts)
    if valid_parts is not None:
        valid_parts = tuple(t.to(device) for t in valid_parts)
    n = len(parts[0])

    torch.manual_seed(config.seed)
    shuffle_rng = torch.Generator().manual_seed(config.seed)
    optimizer = make_optimizer(model, config)
    schedule = make_schedule(optimizer, config, math.ceil(n / config.batch_size))
    history = History()
    best_state: dict[str, Tensor] | None = None
    best_value = math.inf
    start_epoch = 0
    checkpoint = Path(checkpoint) if checkpoint is not None else None
    training = (fingerprint, model, optimizer, schedule, shuffle_rng, device)

    if checkpoint is not None and checkpoint.exists():
        state = ckpt.restore(checkpoint, *training)
        history = History.from_dict(state["history"])
        best_state, best_value = state["best_state"], state["best_value"]
        start_epoch = config.epochs if history.stopped_early else history.epochs

    bar = epoch_bar(type(model).__name__, start_epoch, config.epochs, progress)
    check_every = 1 if device.type == "cpu" else 25
    last_write = time.monotonic()
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")
    sums: dict[str, Tensor] = {}  # the epoch's running sums, updated in place (graph-safe)

    def train_step(idx: Tensor) -> None:
        batch = unpack(tuple(t.index_select(0, idx) for t in parts))  # a quarter of t[idx]
        if transform is not None:
            batch = transform(batch)
        with autocast:
            out = model.loss(batch)
        optimizer.zero_grad(set_to_none=True)
        out["loss"].backward()
        if config.grad_clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        if schedule is not None:
            schedule.step()
        for k, v in out.items():
            if k not in sums:
                sums[k] = torch.zeros_like(v.detach())
            sums[k].add_(v.detach() * len(idx))

    def save() -> None:
        ckpt.save(ckpt.run_state(*training, history.as_dict(), best_state, best_value), checkpoint)

    take_step = GraphStep(train_step, config.batch_size) if cuda_graph else train_step
    for epoch in bar:
        began = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=shuffle_rng).to(device)
        for total in sums.values():
            total.zero_()
        for step, start in enumerate(range(0, n, config.batch_size)):
            take_step(order[start : start + config.batch_size])
            if step % check_every == 0 and not torch.isfinite(sums["loss"]):
                _stop_non_finite(epoch, step, history, checkpoint)
        if not torch.isfinite(sums["loss"]):
            _stop_non_finite(epoch, step, history, checkpoint)

        for k, v in sums.items():
            history.train.setdefault(k, []).append(float(v) / n)
        if valid_parts is not None:
            scores = evaluate_loss(model, unpack(valid_parts))
            if not math.isfinite(scores["loss"]):
                _stop_non_finite(epoch, step, history, checkpoint, "validation ")
            for k, v in scores.items():
                history.valid.setdefault(k, []).append(v)
        history.samples_seen.append((history.samples_seen[-1] if history.samples_seen else 0) + n)
        history.seconds.append(time.perf_counter() - began)

        if config.early_stopping:
            value = history.valid[config.monitor][-1]
            if value < best_value:
                best_value, history.best_epoch = value, epoch
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            elif epoch - history.best_epoch >= config.early_stopping:
                history.stopped_early = True
        postfix = {"loss": f"{history.train['loss'][-1]:.4g}"}
        if valid_parts is not None:
            postfix["valid"] = f"{history.valid['loss'][-1]:.4g}"
        bar.set_postfix(postfix, refresh=False)

        due = time.monotonic() - last_write >= checkpoint_every
        finished = history.stopped_early or epoch == config.epochs - 1
        written = checkpoint is not None and (due or finished)
        if written:
            last_write = time.monotonic()
            save()
        stop = callback(epoch, history) if callback is not None else None
        if stop is True:  # e.g. a deadline: keep this epoch and return what was done
            if checkpoint is not None and not written:
                save()
            break
        if history.stopped_early:
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def _stop_non_finite(
    epoch: int, step: int, history: History, checkpoint: Path | None, which: str = ""
) -> None:
    last = history.train.get("loss", [None])[-1]
    where = f"epoch {epoch + 1}, by step {step + 1}"
    hint = f"the last finite epoch loss was {last:.6g}" if last is not None else "no epoch finished"
    saved = (
        f" The checkpoint {checkpoint} holds the last epoch written before it; resuming with the "
        "same settings repeats the same steps, so change them (lr, grad_clip) and use a new "
        "checkpoint path."
        if checkpoint is not None and checkpoint.exists()
        else ""
    )
    raise NonFiniteLossError(
        f"The {which}loss became NaN or infinite ({where}); {hint}. Training stopped. "
        f"Try a smaller learning rate, gradient clipping (grad_clip) or a check of the input "
        f"scaling.{saved}"
    )
