"""Argument checks shared by the package.

Each check raises before any work starts, with a message that names the argument, the value it
got and what is allowed, so a wrong call fails at the call instead of deep inside PyTorch (or,
worse, trains on nonsense). ``TypeError`` is for a value of the wrong kind, ``ValueError`` for
one of the right kind outside what is allowed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection

import torch
from torch import Tensor


def check_choice(name: str, value, allowed: Collection[str]) -> str:
    """``value`` if it is one of ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")
    return value


def check_number(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float if it is a finite real number in the interval from ``low`` to ``high``.

    Strings, booleans and tensors are refused (``"0.3"`` is not a noise level, ``True`` is not 1).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    left = "-inf" if low is None else f"{low:g}"
    right = "inf" if high is None else f"{high:g}"
    interval = f"{'(' if low_open or low is None else '['}{left}, {right}"
    interval += ")" if high_open or high is None else "]"
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {interval}; got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {interval}; got {value:g}")
    return value


def check_count(name: str, value, *, minimum: int = 1) -> int:
    """``value`` if it is a whole number (an ``int``, not ``2.5`` or ``True``) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def check_sizes(name: str, sizes, *, minimum_length: int = 0) -> tuple[int, ...]:
    """Layer widths: a sequence of at least ``minimum_length`` integers, each >= 1."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of layer sizes; got {sizes!r}")
    if len(sizes) < minimum_length:
        raise ValueError(f"{name} needs at least {minimum_length} sizes; got {sizes!r}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
            raise ValueError(f"{name} must hold whole numbers >= 1; got {sizes!r}")
    return tuple(int(s) for s in sizes)


def check_batch(
    name: str, x, size: int, dtype: torch.dtype = torch.float32, *, single: bool = False
) -> Tensor:
    """``x`` if it is a ``(batch, size)`` tensor of ``dtype``; otherwise say how to make one.

    Models take flattened float batches; the usual mistakes (an image batch, raw uint8 pixels, a
    float64 NumPy array, one example without its batch dimension) each get their own hint. With
    ``single=True`` one example of shape ``(size,)`` is accepted too (``encode`` maps it to one
    code, and ``torch.func`` transforms such as ``vmap`` call it that way).
    """
    expected = f"a {dtype} tensor of shape (batch, {size})" + (f" or ({size},)" if single else "")
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be {expected}; got {type(x).__name__}")
    got = f"got {x.dtype} of shape {tuple(x.shape)}"
    if x.dtype != dtype:
        hint = " (scale pixels to [0, 1] with x.float() / 255)" if x.dtype == torch.uint8 else ""
        hint = hint or f" (convert with x.to({dtype}))"
        raise TypeError(f"{name} must be {expected}; {got}{hint}")
    if (x.ndim != 2 or x.shape[1] != size) and not (single and x.shape == (size,)):
        hint = ""
        if x.ndim == 1 and len(x) == size:
            hint = " (one example: add the batch dimension with x[None])"
        elif x.ndim > 2 and math.prod(x.shape[1:]) == size:
            hint = " (flatten the images with x.flatten(1))"
        raise ValueError(f"{name} must be {expected}; {got}{hint}")
    return x


def check_examples(name: str, x) -> Tensor:
    """``x`` if it is a tensor with at least one example (row): evaluating nothing is a mistake."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a tensor of examples; got {type(x).__name__}")
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"{name} must hold at least one example; got shape {tuple(x.shape)}")
    return x


def check_unit_interval(name: str, x: Tensor) -> Tensor:
    """``x`` if every value lies in [0, 1]: Bernoulli targets are probabilities, not 0..255 pixels.

    Inside a CUDA graph capture the check is skipped (reading a value back to the CPU cannot be
    captured); the eager steps that precede every capture have checked the same pipeline.
    """
    if x.is_cuda and torch.cuda.is_current_stream_capturing():
        return x
    if not x.numel():
        return x
    low, high = torch.aminmax(x)  # one pass; NaN propagates and fails the test below
    if not bool((low >= 0) & (high <= 1)):
        finite = x[torch.isfinite(x)]
        seen = f"[{float(finite.min()):g}, {float(finite.max()):g}]" if finite.numel() else "none"
        nonfinite = "; it holds NaN or inf" if finite.numel() < x.numel() else ""
        raise ValueError(
            f"{name} must lie in [0, 1] (Bernoulli targets); its finite values span {seen}"
            f"{nonfinite}"
        )
    return x
