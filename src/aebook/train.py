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
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from aebook import checkpoint as ckpt
from aebook.graphs import GraphStep
from aebook.optimizers import BurdaAdam, burda_stage_lr

Batch = Tensor | tuple[Tensor, ...]

OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adam-burda": BurdaAdam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "sgd": torch.optim.SGD,
}

#: ``cosine`` anneals the step size to zero over the run, removing the noise floor of minibatch
#: gradients at the end (useful when a run must converge to a known optimum, e.g. PCA);
#: ``burda-stages`` multiplies ``lr`` by Burda et al.'s staged rate over 1e-3
#: (:func:`aebook.optimizers.burda_stage_lr`: eight stages of 3^i epochs, 1e-3 down to 1e-4).
LR_SCHEDULES = ("constant", "cosine", "burda-stages")

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
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}"
            )
        for name in ("epochs", "batch_size", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int; got {value!r}")
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        _check_number("lr", self.lr, positive=True)
        _check_number("weight_decay", self.weight_decay)
        _check_number("momentum", self.momentum)
        if self.grad_clip is not None:
            _check_number("grad_clip", self.grad_clip, positive=True, none="None (no clipping)")
        if self.precision not in PRECISIONS:
            raise ValueError(
                f"precision must be one of {', '.join(PRECISIONS)}; got {self.precision!r}"
            )
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(
                f"lr_schedule must be one of {', '.join(LR_SCHEDULES)}; got {self.lr_schedule!r}"
            )
        if self.early_stopping is not None and (
            not isinstance(self.early_stopping, int) or self.early_stopping < 1
        ):
            raise ValueError(
                f"early_stopping must be None or an int >= 1, got {self.early_stopping!r}"
            )
        if not isinstance(self.monitor, str):
            raise TypeError(f"monitor must be the name of a loss entry; got {self.monitor!r}")


def _check_number(name: str, value, *, positive: bool = False, none: str | None = None) -> None:
    allowed = "a finite number " + ("> 0" if positive else ">= 0")
    if none:
        allowed += f", or {none}"
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(f"{name} must be {allowed}; got {value!r}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")


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


def default_device() -> torch.device:
    """The GPU when there is one, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def progress_enabled() -> bool:
    """Progress bars are on unless ``AEBOOK_PROGRESS=0`` (CI and the website build set it)."""
    return os.environ.get("AEBOOK_PROGRESS", "1") not in {"0", "false", "no", "off"}


def _as_tuple(data, name: str = "data") -> tuple[Tensor, ...]:
    """The tensors of ``data``, checked: same length, not empty, finite, inputs not raw uint8.

    NumPy arrays become tensors (``torch.from_numpy``); a ``TensorDataset`` gives its tensors.
    A ``DataLoader`` or other dataset is refused: ``fit`` slices tensors that are already in
    memory, and iterating a loader would train on what one pass of it yields.
    """
    from torch.utils.data import DataLoader, Dataset, TensorDataset

    if isinstance(data, TensorDataset):
        data = data.tensors
    if isinstance(data, DataLoader | Dataset):
        raise TypeError(
            f"{name} must be a tensor or a tuple of tensors of one length (inputs first); got a "
            f"{type(data).__name__}. fit slices in-memory tensors itself: pass e.g. "
            "loader.dataset.tensors for a TensorDataset, or torch.stack the examples."
        )
    if isinstance(data, Tensor | np.ndarray):
        data = (data,)
    if not isinstance(data, tuple | list) or not data:
        raise TypeError(f"{name} must be a tensor or a tuple of tensors; got {type(data).__name__}")
    parts = []
    for t in data:
        if isinstance(t, np.ndarray):
            t = torch.from_numpy(t)
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must hold tensors or NumPy arrays; got {type(t).__name__}")
        if t.dim() == 0:
            raise ValueError(f"{name} needs a batch dimension; got a scalar tensor")
        parts.append(t)
    n = len(parts[0])
    if any(len(t) != n for t in parts):
        raise ValueError(
            f"all tensors in {name} must have the same length; got {[len(t) for t in parts]}"
        )
    if n == 0:
        raise ValueError(f"{name} is empty")
    x = parts[0]
    if x.dtype == torch.uint8:
        raise TypeError(
            f"the inputs of {name} are uint8 of shape {tuple(x.shape)} (raw pixels?); models take "
            "float32 in [0, 1]: pass x.float() / 255"
        )
    for t in parts:
        if t.is_floating_point() and not torch.isfinite(t).all():
            bad = int((~torch.isfinite(t)).flatten(1).any(1).sum()) if t.dim() > 1 else None
            raise ValueError(f"{name} contains NaN or infinite values ({bad} rows)")
    return tuple(parts)


def _unpack(parts: tuple[Tensor, ...]) -> Batch:
    return parts[0] if len(parts) == 1 else parts


@torch.no_grad()
def evaluate_loss(model: nn.Module, data: Batch, batch_size: int = 1000) -> dict[str, float]:
    """Average every entry of ``model.loss`` over ``data`` in eval mode (no corruption, no dropout)."""
    parts = _as_tuple(data)
    was_training = model.training
    model.eval()
    totals: dict[str, Tensor] = {}
    n = len(parts[0])
    for start in range(0, n, batch_size):
        chunk = tuple(t[start : start + batch_size] for t in parts)
        out = model.loss(_unpack(chunk))
        for k, v in out.items():
            totals[k] = totals.get(k, 0.0) + v.detach() * len(chunk[0])
    model.train(was_training)
    return {k: float(v) / n for k, v in totals.items()}


@contextmanager
def flush_denormals() -> Iterator[None]:
    """Treat subnormal floats (below ~1e-38) as zero while training on the CPU.

    Small initial weights (the VAE paper's N(0, 0.01²)) and Adagrad's tiny squared gradients make
    subnormal numbers, which x86 CPUs process tens of times more slowly than normal ones: flushing
    them made a paper VAE's step 20-25 % faster with the same history (``benchmarks/``). The flag
    is per thread and has no getter; it is switched off again afterwards (PyTorch's default).
    """
    supported = torch.set_flush_denormal(True)
    try:
        yield
    finally:
        if supported:
            torch.set_flush_denormal(False)


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
    - Subnormal floats are flushed to zero while it runs (:func:`flush_denormals`).
    - ``cuda_graph=True`` (CUDA only) replays each full minibatch's step as one CUDA graph
      (:class:`aebook.graphs.GraphStep`): the same computation without the per-kernel launch
      cost that bounds small models on a GPU. It needs a constant step size and fp32.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig; got {type(config).__name__}")
    if not isinstance(checkpoint_every, int | float) or not checkpoint_every >= 0:
        raise ValueError(f"checkpoint_every must be >= 0 seconds; got {checkpoint_every!r}")
    device = _device(device)
    _check_graph(cuda_graph, device, config)
    parts = _as_tuple(data)
    valid_parts = _as_tuple(valid, "valid") if valid is not None else None
    if config.early_stopping and valid_parts is None:
        raise ValueError("early_stopping needs valid data")
    if checkpoint is not None and Path(checkpoint).is_dir():
        raise ValueError(f"checkpoint must be a file path; {checkpoint} is a directory")
    with flush_denormals():
        return _fit(
            model,
            parts,
            config,
            valid_parts,
            transform,
            device,
            checkpoint,
            checkpoint_every,
            progress,
            callback,
            cuda_graph,
        )


def _check_graph(cuda_graph, device: torch.device, config: TrainConfig) -> None:
    """Refuse, before any work, what a captured step cannot do."""
    if not isinstance(cuda_graph, bool):
        raise TypeError(f"cuda_graph must be True or False; got {cuda_graph!r}")
    if not cuda_graph:
        return
    if device.type != "cuda":
        raise ValueError(f"cuda_graph=True needs device 'cuda'; got {str(device)!r}")
    if config.lr_schedule != "constant":  # the graph holds the step size it was captured with
        raise ValueError(
            f"cuda_graph=True needs lr_schedule 'constant'; got {config.lr_schedule!r}"
        )
    if config.precision != "fp32":
        raise ValueError(f"cuda_graph=True needs precision 'fp32'; got {config.precision!r}")


def _device(device) -> torch.device:
    """``device`` as a torch.device, checked to exist here (the default: the GPU if any)."""
    if device is None:
        return default_device()
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:<n>'; got {device!r}") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device {str(device)!r} is not available: this torch has no CUDA or no GPU is "
            "visible; use device='cpu' (or None for the best available)"
        )
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda'; got {str(device)!r}")
    return device


@torch.no_grad()
def _dry_run(
    model: nn.Module, parts: tuple[Tensor, ...], transform, config: TrainConfig, device
) -> None:
    """``model.loss`` on two examples in eval mode, with errors that say what to pass."""
    batch = _unpack(tuple(t[:2].to(device) for t in parts))
    was_training = model.training
    model.eval()
    try:
        out = model.loss(transform(batch) if transform is not None else batch)
    except (RuntimeError, ValueError, TypeError, IndexError) as err:
        shapes = ", ".join(f"{tuple(t.shape)} {t.dtype}" for t in parts)
        raise ValueError(
            f"{type(model).__name__}.loss fails on the data given to fit ({shapes}): {err}. "
            "Models take a batch of flattened examples, e.g. images of shape (n, 784) as float32 "
            "in [0, 1]: pass x.flatten(1)."
        ) from err
    finally:
        model.train(was_training)
    if not isinstance(out, dict) or "loss" not in out:
        raise TypeError(f"{type(model).__name__}.loss must return a dict with a 'loss' entry")
    if config.monitor not in out:
        raise ValueError(f"monitor must be one of {sorted(out)}; got {config.monitor!r}")


def _fit(
    model,
    parts,
    config,
    valid_parts,
    transform,
    device,
    checkpoint,
    checkpoint_every,
    progress,
    callback,
    cuda_graph,
) -> History:
    model.to(device)
    _dry_run(model, parts, transform, config, device)
    fingerprint = ckpt.fingerprint(model, config, parts, transform) if checkpoint else None
    parts = tuple(t.to(device) for t in parts)
    if valid_parts is not None:
        valid_parts = tuple(t.to(device) for t in valid_parts)
    n = len(parts[0])

    torch.manual_seed(config.seed)
    shuffle_rng = torch.Generator().manual_seed(config.seed)
    optimizer = _make_optimizer(model, config)
    steps_per_epoch = math.ceil(n / config.batch_size)
    schedule = _make_schedule(optimizer, config, steps_per_epoch)
    history = History()
    best_state: dict[str, Tensor] | None = None
    best_value = math.inf
    start_epoch = 0
    checkpoint = Path(checkpoint) if checkpoint is not None else None

    if checkpoint is not None and checkpoint.exists():
        state = ckpt.load(checkpoint)
        differ = ckpt.differences(state["fingerprint"], fingerprint)
        if differ:
            raise ValueError(
                f"checkpoint {checkpoint} belongs to another run; it differs in: "
                + "; ".join(differ[:8])
                + ". Delete it to start afresh, or pass another checkpoint path."
            )
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if schedule is not None:
            schedule.load_state_dict(state["schedule"])
        shuffle_rng.set_state(state["shuffle_rng"])
        torch.set_rng_state(state["torch_rng"])
        if device.type == "cuda" and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(state["cuda_rng"], device)
        history = History.from_dict(state["history"])
        best_state, best_value = state["best_state"], state["best_value"]
        start_epoch = history.epochs
        if history.stopped_early:
            start_epoch = config.epochs

    show = progress_enabled() if progress is None else progress
    if show:  # tqdm.auto picks the notebook widget when it can; it warns when ipywidgets is absent
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm

    bar = tqdm(
        range(start_epoch, config.epochs),
        initial=start_epoch,
        total=config.epochs,
        desc=type(model).__name__,
        unit="epoch",
        disable=not show,
        leave=True,
    )
    check_every = 1 if device.type == "cpu" else 25
    last_write = time.monotonic()
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")
    sums: dict[str, Tensor] = {}  # the epoch's running sums, updated in place (graph-safe)

    def train_step(idx: Tensor) -> None:
        batch = _unpack(tuple(t[idx] for t in parts))
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
            scores = evaluate_loss(model, _unpack(valid_parts))
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
        state = (fingerprint, model, optimizer, schedule, shuffle_rng, device, history)
        written = checkpoint is not None and (due or finished)
        if written:
            last_write = time.monotonic()
            ckpt.save(_state(*state, best_state, best_value), checkpoint)
        stop = callback(epoch, history) if callback is not None else None
        if stop is True:  # e.g. a deadline: keep this epoch and return what was done
            if checkpoint is not None and not written:
                ckpt.save(_state(*state, best_state, best_value), checkpoint)
            break
        if history.stopped_early:
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def _state(
    fingerprint, model, optimizer, schedule, shuffle_rng, device, history, best_state, best_value
) -> dict:
    """Everything a resumed run needs to continue exactly where this one is."""
    return {
        "fingerprint": fingerprint,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict() if schedule is not None else None,
        "shuffle_rng": shuffle_rng.get_state(),
        "torch_rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
        "history": history.as_dict(),
        "best_state": best_state,
        "best_value": best_value,
    }


def _make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    kwargs: dict[str, Any] = {"lr": config.lr, "weight_decay": config.weight_decay}
    if config.optimizer == "sgd":
        kwargs["momentum"] = config.momentum
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters")
    optimizer = OPTIMIZERS[config.optimizer]
    if optimizer is BurdaAdam:
        return optimizer(params, lr=config.lr, weight_decay=config.weight_decay)
    # one fused kernel per step instead of a dozen elementwise passes (~20 % of a VAE step) —
    # except Adagrad on CUDA, which torch has no fused kernel for (it fails at the first step)
    fused = not (optimizer is torch.optim.Adagrad and params[0].device.type == "cuda")
    try:
        return optimizer(params, fused=fused, **kwargs)
    except RuntimeError:  # a device without the fused kernel for this optimizer
        return optimizer(params, **kwargs)


def _make_schedule(optimizer, config: TrainConfig, steps_per_epoch: int):
    if config.lr_schedule == "constant":
        return None
    if config.lr_schedule == "burda-stages":  # stepped once per minibatch, like the cosine
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: burda_stage_lr(step // steps_per_epoch) / 1e-3
        )
    total = max(1, config.epochs * steps_per_epoch)
    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)


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
