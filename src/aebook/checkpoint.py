"""Checkpoints of :func:`aebook.train.fit`: written atomically, read safely, resumed only by
the run they belong to.

A checkpoint carries a *fingerprint* of its run: the model's class, its layer shapes and every
plain setting of its modules (a DAE's corruption level, a β-VAE's β, a likelihood), the training
configuration, the data (sizes, dtypes and a SHA-256 of the values) and the transform's name.
Resuming with anything else is refused with a message listing what differs, because a run that
silently continues another run's weights is a wrong result that looks right.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

_PLAIN = (bool, int, float, str, type(None))


def _plain(value) -> Any:
    """A JSON-like copy of ``value`` when it is a plain setting, else None."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple | list) and all(isinstance(v, _PLAIN) for v in value):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return repr(value)
    return None


def model_settings(model: nn.Module) -> dict[str, Any]:
    """Every plain public attribute of every submodule (``"encoder.beta": 1.0``) and the shape of
    every parameter and buffer: what makes two models of one class different runs."""
    settings: dict[str, Any] = {"class": f"{type(model).__module__}.{type(model).__qualname__}"}
    for prefix, module in model.named_modules():
        settings[f"{prefix}.<class>" if prefix else "<class>"] = type(module).__qualname__
        for name, value in vars(module).items():
            if name.startswith("_") or name == "training":
                continue
            plain = _plain(value)
            if plain is not None:
                settings[f"{prefix}.{name}" if prefix else name] = plain
    for name, tensor in model.state_dict().items():
        settings[f"{name}.shape"] = list(tensor.shape)
    return settings


def data_digest(parts: tuple[Tensor, ...]) -> str:
    """SHA-256 over the shapes, dtypes and values of the data tensors (on the CPU)."""
    digest = hashlib.sha256()
    for t in parts:
        digest.update(f"{tuple(t.shape)}|{t.dtype}|".encode())
        digest.update(t.detach().to("cpu").contiguous().view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def fingerprint(model: nn.Module, config, parts: tuple[Tensor, ...], transform) -> dict:
    """What a checkpoint belongs to (see the module's docstring)."""
    return {
        "model": model_settings(model),
        "config": dataclasses.asdict(config),
        "data": data_digest(parts),
        "transform": None
        if transform is None
        else getattr(transform, "__qualname__", repr(transform)),
    }


def differences(saved: dict, current: dict) -> list[str]:
    """Human-readable differences between two fingerprints (empty when they match)."""
    out = []
    for part in ("config", "model"):
        old, new = saved.get(part, {}), current.get(part, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                out.append(f"{part} {key}: checkpoint {old.get(key)!r}, now {new.get(key)!r}")
    if saved.get("data") != current.get("data"):
        out.append("the training data differ (another SHA-256 of the values)")
    if saved.get("transform") != current.get("transform"):
        out.append(
            f"transform: checkpoint {saved.get('transform')!r}, now {current.get('transform')!r}"
        )
    return out


def save(state: dict, path: Path) -> None:
    """Write ``state`` to ``path`` atomically: a reader sees the old file or the new, never half."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load(path: Path) -> dict:
    """Read a checkpoint with ``weights_only=True``; an empty, truncated or foreign file gives an
    error naming it and what to do."""
    if path.is_dir():
        raise ValueError(f"checkpoint {path} is a directory; pass a file path")
    if path.stat().st_size == 0:
        raise ValueError(
            f"checkpoint {path} is empty (a write was interrupted?); delete it to restart"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, OSError) as err:
        raise ValueError(
            f"checkpoint {path} cannot be read ({type(err).__name__}: {err}); it is truncated or "
            "not a checkpoint of aebook.train.fit. Delete it to restart the run."
        ) from err
    if not isinstance(state, dict) or "fingerprint" not in state:
        raise ValueError(
            f"checkpoint {path} is not a checkpoint of this version of aebook.train.fit (no "
            "fingerprint); delete it to restart the run"
        )
    return state


def run_state(
    fingerprint: dict,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule,
    shuffle_rng: torch.Generator,
    device: torch.device,
    history: dict,
    best_state: dict[str, Tensor] | None,
    best_value: float,
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
        "history": history,
        "best_state": best_state,
        "best_value": best_value,
    }


def restore(
    path: Path,
    fingerprint: dict,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule,
    shuffle_rng: torch.Generator,
    device: torch.device,
) -> dict:
    """Load the run state at ``path`` (written by :func:`run_state`) into the model, optimizer,
    schedule and random generators, after checking that it belongs to this run; returns it."""
    state = load(path)
    differ = differences(state["fingerprint"], fingerprint)
    if differ:
        raise ValueError(
            f"checkpoint {path} belongs to another run; it differs in: "
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
    return state
