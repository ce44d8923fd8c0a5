"""A training step replayed as one CUDA graph.

On a GPU the book's models (minibatches of 20–100, layers of a few hundred units) are bound by
launching kernels, not by arithmetic: one VAE step is some 80 launches of a few microseconds of
work each, issued one by one from Python. A CUDA graph records those launches once and replays
them with one call, so the step costs about what the GPU spends on it
(``benchmarks/gpu_step.py`` measures both).

The captured step is the same code as the eager one: it reads its minibatch through a fixed index
tensor, draws its noise from the default CUDA generator (which advances at every replay), and
updates the parameters, the optimizer's state and the epoch's running sums in place. What cannot
be captured is refused by :func:`aebook.train.fit` before training starts.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

#: Eager steps before capture, on a side stream (PyTorch's recipe): they create the optimizer's
#: state, the cuBLAS workspaces and the allocator's blocks that the graph then reuses.
WARMUP_STEPS = 3


class GraphStep:
    """Run ``step(idx)`` eagerly for :data:`WARMUP_STEPS` full minibatches, then capture it and
    replay the graph for every later minibatch of the same size. Each call trains on ``idx``."""

    def __init__(self, step: Callable[[Tensor], None], batch_size: int):
        self.step = step
        self.batch_size = batch_size
        self.warm = 0
        self.graph: torch.cuda.CUDAGraph | None = None
        self.idx: Tensor | None = None

    def __call__(self, idx: Tensor) -> None:
        if len(idx) != self.batch_size:  # the last, shorter minibatch of an epoch
            self.step(idx)
            return
        if self.graph is None and self.warm < WARMUP_STEPS:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                self.step(idx)
            torch.cuda.current_stream().wait_stream(side)
            self.warm += 1
            return
        if self.graph is None:
            self.idx = idx.clone()
            self.graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(self.graph):
                self.step(self.idx)  # recorded, not run: the replay below runs it
        self.idx.copy_(idx)
        self.graph.replay()
