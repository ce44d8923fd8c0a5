"""Where training runs: the default device, a device checked to exist, the CPU's handling of
subnormal floats while :func:`aebook.train.fit` runs, and :func:`hardware`, the one description
of this machine that every record, run time and benchmark stores."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch


def default_device() -> torch.device:
    """The GPU when there is one, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def check_device(device) -> torch.device:
    """``device`` as a ``torch.device``, checked to exist here."""
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


def hardware() -> str:
    """This machine in one line, e.g. ``"AMD EPYC 9654, 2 logical CPU cores, GPU: none"``: the
    CPU model (``/proc/cpuinfo``, else what ``platform`` says), its logical cores and the GPU."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    return f"{cpu}, {os.cpu_count()} logical CPU cores, GPU: {gpu}"
