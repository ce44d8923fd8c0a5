"""What :func:`aebook.train.fit` is given, checked before any training.

The data become a tuple of tensors of one length (NumPy arrays and a ``TensorDataset`` are
accepted, a ``DataLoader`` is refused with what to pass instead); the settings of the run must fit
together, a CUDA graph must be possible with the configuration; and the model's ``loss`` runs once
on two examples, so a wrong shape, dtype or monitored metric stops the call with a message instead of
failing an epoch later.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor, nn

if TYPE_CHECKING:
    from aebook.train import TrainConfig

#: A minibatch as a model's ``loss`` takes it: the inputs, or a tuple of tensors (inputs first).
Batch = Tensor | tuple[Tensor, ...]


def as_tensors(data, name: str = "data") -> tuple[Tensor, ...]:
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


def unpack(parts: tuple[Tensor, ...]) -> Batch:
    """The batch a model's ``loss`` takes: the one tensor itself, else the tuple."""
    return parts[0] if len(parts) == 1 else parts


def check_run(config: TrainConfig, valid, checkpoint, checkpoint_every) -> None:
    """Refuse settings of a run that cannot work together, before any work."""
    if not isinstance(checkpoint_every, int | float) or not checkpoint_every >= 0:
        raise ValueError(f"checkpoint_every must be >= 0 seconds; got {checkpoint_every!r}")
    if config.early_stopping and valid is None:
        raise ValueError("early_stopping needs valid data")
    if checkpoint is not None and Path(checkpoint).is_dir():
        raise ValueError(f"checkpoint must be a file path; {checkpoint} is a directory")


def check_graph(cuda_graph, device: torch.device, config: TrainConfig) -> None:
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


@torch.no_grad()
def dry_run(
    model: nn.Module, parts: tuple[Tensor, ...], transform, config: TrainConfig, device
) -> None:
    """``model.loss`` on two examples in eval mode, with errors that say what to pass."""
    batch = unpack(tuple(t[:2].to(device) for t in parts))
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
