"""Optimizers and schedules of the papers' released code that PyTorch has no exact copy of.

Burda, Grosse & Salakhutdinov (2015) trained their VAE and IWAE baselines with their own Adam
(``optimizers.py`` of yburda/iwae), which differs from ``torch.optim.Adam`` in three ways that
matter over 3,280 epochs: β₁ = 0.99, the second-moment estimate starts at *ones* rather than zeros,
and ε = 1e-4 is added to the square root of that uncorrected estimate, while the bias correction is
folded into the step size. Their learning rate falls in eight stages of 3^i epochs
(:func:`burda_stage_lr`). Kingma et al. (2014) trained M2 with an Adam of 2014 that has no bias
correction and no ε (:class:`Adam2014`).

:func:`make_optimizer` and :func:`make_schedule` build what a :class:`aebook.train.TrainConfig`
names (:data:`OPTIMIZERS`, :data:`LR_SCHEDULES`) for :func:`aebook.train.fit`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.optim.adam import adam

if TYPE_CHECKING:
    from aebook.train import TrainConfig

#: Epochs of Burda et al.'s eight stages: 1, 3, 9, ..., 2187 (3,280 in all).
BURDA_STAGE_EPOCHS = tuple(3**i for i in range(8))


def burda_stage_lr(epoch: int) -> float:
    """The learning rate of Burda et al.'s schedule at (0-based) ``epoch``: stage i (1-based)
    trains 3^(i−1) epochs at 1e-4 · round(10^(1 − (i−1)/7), 1), from 1e-3 down to 1e-4. After the
    eighth stage it stays at the last rate."""
    if not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"epoch must be an int >= 0; got {epoch!r}")
    end = 0
    for i, length in enumerate(BURDA_STAGE_EPOCHS):
        end += length
        if epoch < end:
            return 1e-4 * round(10.0 ** (1 - i / 7), 1)
    return 1e-4 * round(10.0 ** (1 - 7 / 7), 1)


class _ReleasedAdam(torch.optim.Optimizer):
    """What the two released Adams share: their arguments, no weight decay, per-parameter moments
    ``m`` and ``v``, and a step count per group. Both updates are torch's Adam with another step
    size and ε at each step (:meth:`_as_torch_adam`), so the step runs torch's fused Adam kernel:
    one pass over the parameters instead of seven (``benchmarks/released_adam.py`` measures what
    that gains, for the update and for a whole training step)."""

    _v_start: Callable[[torch.Tensor], torch.Tensor]
    _no_weight_decay: str  # the error message: why the released code has none

    def __init__(self, params, lr: float, betas, eps: float, weight_decay: float):
        if not lr > 0:
            raise ValueError(f"lr must be > 0; got {lr!r}")
        if not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas must be in [0, 1); got {betas!r}")
        if weight_decay:
            raise ValueError(self._no_weight_decay)
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": 0})

    def _as_torch_adam(self, group: dict, t: int) -> tuple[float, float]:
        """The step size and ε that make torch's Adam, at step ``t``, take this optimizer's step.

        Torch's Adam steps lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)."""
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            for p in params:
                if not self.state[p]:
                    self.state[p] = {"m": torch.zeros_like(p), "v": type(self)._v_start(p)}
            group["step"] = t = group.get("step", 0) + 1  # the group's parameters step together
            lr, eps = self._as_torch_adam(group, t)
            beta1, beta2 = group["betas"]
            adam(
                params,
                [p.grad for p in params],
                [self.state[p]["m"] for p in params],
                [self.state[p]["v"] for p in params],
                [],
                [torch.full((), t - 1.0, device=p.device) for p in params],  # adam adds one
                fused=True, amsgrad=False, beta1=beta1, beta2=beta2, lr=lr, weight_decay=0.0,
                eps=eps, maximize=False,
            )  # fmt: skip
        return loss


class BurdaAdam(_ReleasedAdam):
    """Adam as in Burda et al.'s released code (see the module's docstring).

    With gradient g: m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g² (v starts at 1);
    θ ← θ − lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + ε). (The code ascends a bound; here the loss,
    its negative, is descended: the same update.)
    """

    _v_start = torch.ones_like
    _no_weight_decay = "BurdaAdam has no weight decay (the released code has none)"

    def __init__(self, params, lr: float = 1e-3, betas=(0.99, 0.999), eps: float = 1e-4,
                 weight_decay: float = 0.0):  # fmt: skip
        super().__init__(params, lr, betas, eps, weight_decay)

    def _as_torch_adam(self, group, t):
        # the same update with ε moved inside the bias correction of √v
        return group["lr"], group["eps"] / math.sqrt(1 - group["betas"][1] ** t)


class Adam2014(_ReleasedAdam):
    """Adam as released with Kingma et al.'s semi-supervised code (``adam.py`` of
    dpkingma/nips14-ssl, class ``AdaM``), written before the bias correction was published.

    With gradient g: m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²; θ ← θ − lr · m / (√v + ε).
    The code computes the corrected step size but steps with the uncorrected one, so its first
    thousand steps are up to 6.5 times those of ``torch.optim.Adam``; we do the same. It adds no
    ε (in float64); ε = 1e-8 here keeps a parameter whose gradient has always been exactly zero
    where it is in float32, rather than at 0/0.
    """

    _v_start = torch.zeros_like
    _no_weight_decay = (
        "Adam2014 has no weight decay (the released code puts the prior in the objective: "
        "aebook.models.m2.M2's prior_weight)"
    )

    def __init__(self, params, lr: float = 3e-4, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):  # fmt: skip
        super().__init__(params, lr, betas, eps, weight_decay)

    def _as_torch_adam(self, group, t):
        # torch's bias corrections undone: its step size times (1 − β₁ᵗ) / √(1 − β₂ᵗ)
        beta1, beta2 = group["betas"]
        root = math.sqrt(1 - beta2**t)
        return group["lr"] * (1 - beta1**t) / root, group["eps"] / root


#: The optimizers a :class:`aebook.train.TrainConfig` can name.
OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adam-burda": BurdaAdam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "sgd": torch.optim.SGD,
    "adam-2014": Adam2014,
}

#: ``cosine`` anneals the step size to zero over the run, removing the noise floor of minibatch
#: gradients at the end (useful when a run must converge to a known optimum, e.g. PCA);
#: ``burda-stages`` multiplies ``lr`` by Burda et al.'s staged rate over 1e-3
#: (:func:`burda_stage_lr`: eight stages of 3^i epochs, 1e-3 down to 1e-4).
LR_SCHEDULES = ("constant", "cosine", "burda-stages")


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """``config.optimizer`` over the trainable parameters of ``model``, fused where it can be."""
    kwargs: dict[str, Any] = {"lr": config.lr, "weight_decay": config.weight_decay}
    if config.optimizer == "sgd":
        kwargs["momentum"] = config.momentum
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters")
    optimizer = OPTIMIZERS[config.optimizer]
    if issubclass(optimizer, _ReleasedAdam):
        return optimizer(params, lr=config.lr, weight_decay=config.weight_decay)
    # one fused kernel per step instead of a dozen elementwise passes (~20 % of a VAE step) —
    # except Adagrad on CUDA, which torch has no fused kernel for (it fails at the first step)
    fused = not (optimizer is torch.optim.Adagrad and params[0].device.type == "cuda")
    try:
        return optimizer(params, fused=fused, **kwargs)
    except RuntimeError:  # a device without the fused kernel for this optimizer
        return optimizer(params, **kwargs)


def make_schedule(
    optimizer: torch.optim.Optimizer, config: TrainConfig, steps_per_epoch: int
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """``config.lr_schedule``, stepped once per minibatch; None for a constant step size."""
    if config.lr_schedule == "constant":
        return None
    if config.lr_schedule == "burda-stages":
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: burda_stage_lr(step // steps_per_epoch) / 1e-3
        )
    total = max(1, config.epochs * steps_per_epoch)
    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
