"""One way to apply a function to many examples: in batches, without gradients."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from aebook.checks import check_count, check_examples


@torch.no_grad()
def in_batches(
    fn: Callable[[Tensor], Tensor], x: Tensor, batch_size: int = 2000, *, device=None
) -> Tensor:
    """``fn`` of the rows of ``x`` ``(n, ...)``, ``batch_size`` rows at a time, without gradients,
    the outputs concatenated along the first axis. With ``device``, each batch is moved there
    first and each output back to ``x``'s device (a model on a GPU, data on the CPU)."""
    check_examples("x", x)
    check_count("batch_size", batch_size)
    batches = (x[i : i + batch_size] for i in range(0, len(x), batch_size))
    if device is None:
        return torch.cat([fn(b) for b in batches])
    return torch.cat([fn(b.to(device)).to(x.device) for b in batches])
