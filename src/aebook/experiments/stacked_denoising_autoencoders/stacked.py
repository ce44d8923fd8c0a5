"""Table 1's candidates trained many at a time: K stacked denoising autoencoders of one
architecture held as tensors with a leading model axis and stepped together.

Why: a candidate of the ``paper`` grid is a small network trained by SGD on minibatches of 20. On
a GPU such a step is a few microseconds of arithmetic behind dozens of kernel launches, so K
candidates stepped as one stacked network should cost about the launches of one
(``benchmarks/stacked_training.py --device cuda`` measures it); on one CPU thread it saves the
per-operation overhead that dominates small layers.

Why the result is the same: the candidates of a group (one task, one layer size, one number of
pretraining epochs) are all seeded by ``cfg.seed``, so they start from the same weights, see the
same minibatches and draw the same uniform scores for their masking noise. Masking level ν
zeroes the ⌊νd⌋ inputs of largest score (:func:`aebook.corruption.masking`), so one draw per step
serves every level. Each model's SGD step is scaled by its own learning rate, and early stopping
freezes a model (its step times 0) while the others go on. A stacked run therefore equals the K
runs of ``runs.pretrain_candidate`` and
``runs.finetune_candidate`` up to the
order of float sums (``tests/test_stacked_training.py``: parameters within 1e-5 of each tensor's
largest entry, the same validation errors, best epochs and test predictions). Over the paper's
hundreds of epochs such rounding differences may grow until a borderline validation example or
a best epoch differs: the same experiment, not the same bits.

The passes are written with batched matrix products (``torch.matmul`` over the model axis,
``torch.baddbmm`` for the softmax layer, as ``nn.Linear``'s ``addmm``) rather than with
``torch.vmap`` over ``torch.func.functional_call``: a masking level is not a tensor of the module,
so the loss has to be written out anyway, and on one CPU thread (K = 4 to 8, 784 inputs, layers
of 16 to 64 units) a step with the explicit products took 0.2 to 0.7 times as long as the same
step under ``vmap``.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor

from aebook.checks import check_choice, check_number
from aebook.corruption import Corruption
from aebook.data.larochelle import N_CLASSES
from aebook.devices import check_device, default_device, flush_denormals
from aebook.evaluate import classification_error
from aebook.experiments.stacked_denoising_autoencoders.runs import Candidate, Run
from aebook.models import StackedDenoisingAutoencoder
from aebook.train import History, NonFiniteLossError, TrainConfig

if TYPE_CHECKING:
    from aebook.experiments.stacked_denoising_autoencoders import (
        StackedDenoisingAutoencodersSettings,
    )

# Parameters of K models of one architecture: each entry of a tied
# StackedDenoisingAutoencoder's state_dict, with a leading axis of length K.
Params = dict[str, Tensor]


def stack_models(model: StackedDenoisingAutoencoder, k: int, device=None) -> Params:
    """``k`` copies of ``model``'s parameters, stacked (the candidates' common start)."""
    state = model.state_dict()
    if any(name.endswith("decoder_weight") for name in state):
        raise ValueError("model must have tied weights (tied=True, as Table 1's stacks have)")
    return {
        name: t.detach().to(device).expand(k, *t.shape).clone().requires_grad_()
        for name, t in state.items()
    }


def select_models(params: Params, which: Sequence[int]) -> Params:
    """A new stack of the models ``which`` of ``params`` (repeats allowed: the fine-tunings of
    one pretraining start from copies of it)."""
    index = torch.tensor(list(which), device=params["layers.0.weight"].device)
    return {name: t.detach().index_select(0, index).requires_grad_() for name, t in params.items()}


def state_dict_of(params: Params, i: int) -> dict[str, Tensor]:
    """Model ``i`` of the stack as a ``state_dict`` that a
    :class:`~aebook.models.dae.StackedDenoisingAutoencoder` of the same sizes loads."""
    return {name: t[i].detach().clone() for name, t in params.items()}


def _depth(params: Params) -> int:
    return sum(name.endswith(".hidden_bias") for name in params)


def features(params: Params, x: Tensor, depth: int) -> Tensor:
    """The clean codes ``(K, n, h)`` of layers 1..``depth`` of every model; ``x`` is one batch
    ``(n, d)`` for all models or one per model ``(K, n, d)``."""
    for j in range(depth):
        weight, bias = params[f"layers.{j}.weight"], params[f"layers.{j}.hidden_bias"]
        x = torch.sigmoid(torch.matmul(x, weight.transpose(1, 2)) + bias.unsqueeze(1))
    return x


def logits(params: Params, x: Tensor) -> Tensor:
    """Class logits ``(K, n, classes)`` of every model for the inputs ``x`` ``(n, d)``."""
    h = features(params, x, _depth(params))
    weight, bias = params["classifier.weight"], params["classifier.bias"]
    return torch.baddbmm(bias.unsqueeze(1), h, weight.transpose(1, 2))


@torch.no_grad()
def predict(params: Params, x: Tensor, batch_size: int = 2000) -> Tensor:
    """Every model's predicted classes ``(K, n)``, ``batch_size`` rows at a time."""
    return torch.cat(
        [logits(params, x[i : i + batch_size]).argmax(-1) for i in range(0, len(x), batch_size)],
        dim=-1,
    )


def _check_config(config: TrainConfig) -> None:
    """Refuse what the stacked step does not do (the grid's configs are plain SGD)."""
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig; got {type(config).__name__}")
    check_choice("config.optimizer (stacked training)", config.optimizer, ("sgd",))
    check_choice("config.lr_schedule (stacked training)", config.lr_schedule, ("constant",))
    check_choice("config.precision (stacked training)", config.precision, ("fp32",))
    if config.weight_decay or config.grad_clip is not None:
        raise ValueError(
            "config.weight_decay must be 0 and config.grad_clip None for stacked training; got "
            f"{config.weight_decay} and {config.grad_clip}"
        )


def _per_model(params: Params, lrs: Sequence[float], **lists: Sequence) -> int:
    """K, after checking that ``lrs`` and every other list give one value per stacked model
    (learning rates > 0, as :class:`~aebook.train.TrainConfig` requires)."""
    k = len(next(iter(params.values())))
    for name, values in {"lrs": lrs, **lists}.items():
        if len(values) != k:
            raise ValueError(
                f"{name} must have one entry per stacked model ({k}); got {len(values)}"
            )
    for lr in lrs:
        check_number("each of lrs", lr, low=0, low_open=True)
    return k


class _SGD:
    """``torch.optim.SGD``'s update (momentum without dampening, no weight decay) with one step
    size per model: ``buf ← μ buf + g`` (``buf = g`` at the first step), ``θ ← θ − lr_k buf``.
    (Scaling each model's loss by its rate instead, with one ``SGD`` at rate 1, is the same
    update in exact arithmetic, but rounds differently: 20 times further from the single runs.)"""

    def __init__(self, params: list[Tensor], momentum: float):
        self.params, self.momentum = params, momentum
        self.buffers: list[Tensor] | None = None

    @torch.no_grad()
    def step(self, grads: Sequence[Tensor], step_sizes: Tensor) -> None:
        if self.momentum:
            if self.buffers is None:
                self.buffers = [g.clone() for g in grads]
            else:  # one launch per operation for all tensors on a GPU
                torch._foreach_mul_(self.buffers, self.momentum)
                torch._foreach_add_(self.buffers, grads)
            grads = self.buffers
        for p, g in zip(self.params, grads, strict=True):
            p.addcmul_(step_sizes.view(-1, *[1] * (p.dim() - 1)), g, value=-1)


def _train(
    params: list[Tensor],
    loss_fn: Callable[[Tensor], Tensor],
    n: int,
    config: TrainConfig,
    lrs: Sequence[float],
    names: Sequence[str],
    after_epoch: Callable[[int, list[float], Tensor], None] | None = None,
) -> None:
    """:func:`aebook.train.fit`'s epochs for K models at once: the same seeds (global RNG and
    minibatch order), SGD on the sum of the losses ``loss_fn(idx)`` ``(K,)`` (each model's
    gradient is its own) with model k's step times ``lrs[k]``. ``after_epoch(epoch, mean train
    losses, active)`` may clear entries of ``active``: those models are frozen (step 0) from then
    on. Ends when none is active or after ``config.epochs``."""
    device = params[0].device
    torch.manual_seed(config.seed)
    shuffle_rng = torch.Generator().manual_seed(config.seed)
    sgd = _SGD(params, config.momentum)
    lr = torch.tensor(lrs, dtype=params[0].dtype, device=device)
    active = torch.ones(len(lrs), dtype=torch.bool)
    for epoch in range(config.epochs):
        step_sizes = lr * active.to(device)
        order = torch.randperm(n, generator=shuffle_rng).to(device)
        sums = torch.zeros(len(lrs), device=device)
        for start in range(0, n, config.batch_size):
            idx = order[start : start + config.batch_size]
            losses = loss_fn(idx)
            sgd.step(torch.autograd.grad(losses.sum(), params), step_sizes)
            sums.add_(losses.detach() * len(idx))
        means = [float(v) / n for v in sums.cpu()]
        bad = [
            name
            for name, v, a in zip(names, means, active, strict=True)
            if a and not math.isfinite(v)
        ]
        if bad:
            raise NonFiniteLossError(
                f"The loss of {', '.join(bad)} became NaN or infinite in epoch {epoch + 1}; "
                "training stopped. Try a smaller learning rate."
            )
        if after_epoch is not None:
            after_epoch(epoch, means, active)
        if not active.any():
            break


class _Masking:
    """Masking noise of K levels from one draw of scores: model k zeroes the ``counts[k]``
    entries of largest score of each row, chosen by ``topk`` as :func:`aebook.corruption.masking`
    chooses them (so ties between scores fall the same way), once per distinct count."""

    def __init__(self, counts: list[int], device):
        self.distinct = sorted({c for c in counts if c > 0})
        slots = [self.distinct.index(c) + 1 if c > 0 else 0 for c in counts]  # 0: no masking
        self.slots = torch.tensor(slots, device=device)

    def __call__(self, x: Tensor, scores: Tensor) -> Tensor:
        """``x`` ``(B, d)`` or ``(K, B, d)`` masked by every model: ``(K, B, d)``."""
        none = torch.zeros(scores.shape, dtype=torch.bool, device=scores.device)
        chosen = [none] + [none.scatter(-1, scores.topk(c).indices, True) for c in self.distinct]
        return torch.where(torch.stack(chosen)[self.slots], 0.0, x)


def _denoising_loss(
    inputs: Tensor,
    masking: _Masking | None,
    weight: Tensor,
    hidden_bias: Tensor,
    visible_bias: Tensor,
    idx: Tensor,
) -> Tensor:
    """The tied denoising autoencoders' cross-entropy ``(K,)`` on the rows ``idx`` of ``inputs``
    (:meth:`~aebook.models.dae.DenoisingAutoencoder.loss`). With ``masking`` None no model masks
    anything and, as in :func:`aebook.corruption.masking`, no scores are drawn."""
    clean = inputs.index_select(-2, idx)
    noisy = clean
    if masking is not None:  # the one draw that masking makes, shared by every level
        noisy = masking(clean, torch.rand(clean.shape[-2:], device=clean.device))
    code = torch.sigmoid(torch.matmul(noisy, weight.transpose(1, 2)) + hidden_bias.unsqueeze(1))
    out = torch.matmul(code, weight) + visible_bias.unsqueeze(1)  # the tied decoder
    nll = F.binary_cross_entropy_with_logits(out, clean.expand_as(out), reduction="none")
    return nll.sum(-1).mean(-1)


@flush_denormals()
def pretrain_stack(
    params: Params,
    x: Tensor,
    nus: Sequence[float],
    lrs: Sequence[float],
    config: TrainConfig,
    *,
    names: Sequence[str],
) -> None:
    """Greedy layer-wise pretraining of every model in place, as
    :meth:`~aebook.models.dae.StackedDenoisingAutoencoder.pretrain` with model k's masking level
    ``nus[k]`` and learning rate ``lrs[k]`` (``config``'s other settings for all, one ``fit``
    per layer, each seeded by ``config.seed``). ``names`` label the models in error messages."""
    _check_config(config)
    _per_model(params, lrs, nus=nus, names=names)
    for nu in nus:
        Corruption("masking", nu)  # checks the level
    x = x.to(params["layers.0.weight"].device)
    for j in range(_depth(params)):
        with torch.no_grad():  # the clean codes of the layers below, as layer_input computes them
            inputs = torch.cat(
                [features(params, x[i : i + 2000], j) for i in range(0, len(x), 2000)], dim=-2
            )
        counts = [math.floor(nu * inputs.shape[-1]) for nu in nus]
        masking = _Masking(counts, inputs.device) if any(counts) else None
        layer = [params[f"layers.{j}.{p}"] for p in ("weight", "hidden_bias", "visible_bias")]
        loss_fn = functools.partial(_denoising_loss, inputs, masking, *layer)
        _train(layer, loss_fn, inputs.shape[-2], config, lrs, names)


@torch.no_grad()
def _evaluate(
    params: Params, x: Tensor, y: Tensor, batch_size: int = 1000
) -> dict[str, list[float]]:
    """:func:`aebook.train.evaluate_loss` of every model: mean loss and error (%), per model."""
    totals: dict[str, Tensor] = {}
    for start in range(0, len(x), batch_size):
        xb, yb = x[start : start + batch_size], y[start : start + batch_size]
        out = logits(params, xb)
        k = len(out)
        loss = F.cross_entropy(out.flatten(0, 1), yb.repeat(k), reduction="none").view(k, -1)
        error = (out.argmax(-1) != yb).float().mean(-1) * 100
        for name, v in (("loss", loss.mean(-1)), ("error", error)):
            totals[name] = totals.get(name, 0.0) + v * len(xb)
    return {name: [float(t) / len(x) for t in v.cpu()] for name, v in totals.items()}


@flush_denormals()
def finetune_stack(
    params: Params,
    train: tuple[Tensor, Tensor],
    valid: tuple[Tensor, Tensor],
    lrs: Sequence[float],
    config: TrainConfig,
    *,
    names: Sequence[str],
) -> list[History]:
    """Supervised fine-tuning of every model in place, as
    :meth:`~aebook.models.dae.StackedDenoisingAutoencoder.finetune` with learning rate
    ``lrs[k]``: the validation loss and error after each epoch, early stopping per model on
    ``config.monitor`` with ``config.early_stopping``'s patience (a stopped model is frozen), and
    each model's best epoch restored at the end. Returns one history per model (training loss and
    validation metrics of the epochs it trained)."""
    _check_config(config)
    k = _per_model(params, lrs, names=names)
    check_choice("config.monitor", config.monitor, ("loss", "error"))
    device = params["layers.0.weight"].device
    x, y = (t.to(device) for t in train)
    valid = tuple(t.to(device) for t in valid)
    # the decoders' visible biases take no part (fit leaves parameters without a gradient alone)
    tensors = [t for name, t in params.items() if not name.endswith(".visible_bias")]
    best = [t.detach().clone() for t in tensors]
    best_value = [math.inf] * k
    histories = [History() for _ in range(k)]
    began = time.perf_counter()

    def loss_fn(idx: Tensor) -> Tensor:
        out = logits(params, x.index_select(0, idx))
        target = y.index_select(0, idx).repeat(k)
        return F.cross_entropy(out.flatten(0, 1), target, reduction="none").view(k, -1).mean(-1)

    def after_epoch(epoch: int, train_loss: list[float], active: Tensor) -> None:
        nonlocal began
        scores = _evaluate(params, *valid)
        seconds, began = time.perf_counter() - began, time.perf_counter()
        improved = torch.zeros(k, dtype=torch.bool)
        for i in active.nonzero().flatten().tolist():
            h = histories[i]
            h.train.setdefault("loss", []).append(train_loss[i])
            for name, v in scores.items():
                h.valid.setdefault(name, []).append(v[i])
            if not math.isfinite(h.valid["loss"][-1]):
                raise NonFiniteLossError(
                    f"The validation loss of {names[i]} became NaN or infinite in epoch "
                    f"{epoch + 1}; training stopped. Try a smaller learning rate."
                )
            h.samples_seen.append((h.samples_seen[-1] if h.samples_seen else 0) + len(x))
            h.seconds.append(seconds)
            if config.early_stopping:
                value = h.valid[config.monitor][-1]
                if value < best_value[i]:
                    best_value[i], h.best_epoch, improved[i] = value, epoch, True
                elif epoch - h.best_epoch >= config.early_stopping:
                    h.stopped_early, active[i] = True, False
        with torch.no_grad():
            keep = improved.to(device)
            for b, t in zip(best, tensors, strict=True):
                b[keep] = t[keep]

    _train(tensors, loss_fn, len(x), config, lrs, names, after_epoch)
    if config.early_stopping:
        with torch.no_grad():
            for b, t in zip(best, tensors, strict=True):
                t.copy_(b)
    return histories


def _check_group(group: Sequence[Candidate]) -> list[Candidate]:
    if not isinstance(group, list | tuple) or not group:
        raise ValueError(f"group must be a non-empty list of Candidate; got {group!r}")
    for c in group:
        if not isinstance(c, Candidate):
            raise TypeError(f"group must hold Candidate objects; got {type(c).__name__}")
    first = group[0]
    for c in group[1:]:
        for name in ("hidden", "pretrain_epochs"):
            if getattr(c, name) != getattr(first, name):
                raise ValueError(
                    f"the candidates of a group must share {name} (allowed: {getattr(first, name)}, "
                    f"the first candidate's); {c.key()} has {getattr(c, name)}"
                )
    keys = [c.key() for c in group]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"group must not repeat a candidate; {repeated[0]} is there twice")
    return list(group)


def train_group(
    task: str,
    cfg: StackedDenoisingAutoencodersSettings,
    group: Sequence[Candidate],
    splits,
    device=None,
) -> list[Run]:
    """Train the candidates of ``group`` on ``task`` at once and return their runs, in order: the
    same :class:`~aebook.experiments.stacked_denoising_autoencoders.runs.Run` that
    ``runs.finetune_candidate`` returns
    after ``runs.pretrain_candidate``,
    ready for ``save_run``.

    The candidates must share their layer sizes and pretraining epochs (they may mix SAA-3 and
    SdA-3: SAA-3 is masking level 0). Each distinct (pretraining rate, ν) is pretrained once;
    its fine-tunings start from it. A run's ``seconds`` is its share (1/K) of the CPU time of the
    stacked fine-tuning and test predictions.
    """
    group = _check_group(group)
    device = default_device() if device is None else check_device(device)
    first = group[0]
    pretrainings = list(dict.fromkeys((c.pretrain_lr, c.nu) for c in group))
    torch.manual_seed(cfg.seed)  # pretrain_candidate's initialisation, shared by all
    model = StackedDenoisingAutoencoder(splits.train.x.shape[1], first.hidden, N_CLASSES[task])
    params = stack_models(model, len(pretrainings), device)
    pretrain_stack(
        params,
        splits.train.x,
        [nu for _, nu in pretrainings],
        [lr for lr, _ in pretrainings],
        replace(cfg.pretrain, epochs=first.pretrain_epochs, seed=cfg.seed),
        names=[f"pretraining lr {lr} nu {nu}" for lr, nu in pretrainings],
    )
    began = time.process_time()
    params = select_models(params, [pretrainings.index((c.pretrain_lr, c.nu)) for c in group])
    histories = finetune_stack(
        params,
        (splits.train.x, splits.train.y),
        (splits.valid.x, splits.valid.y),
        [c.finetune_lr for c in group],
        replace(cfg.finetune, seed=cfg.seed),
        names=[c.key() for c in group],
    )
    test = predict(params, splits.test.x.to(device)).cpu()
    valid = None
    if any(h.best_epoch is None for h in histories):  # no early stopping: the last epoch's
        valid = predict(params, splits.valid.x.to(device)).cpu()
    seconds = (time.process_time() - began) / len(group)
    runs = []
    for i, (cand, h) in enumerate(zip(group, histories, strict=True)):
        if h.best_epoch is not None:
            valid_error = h.valid["error"][h.best_epoch]
        else:
            valid_error = classification_error(valid[i], splits.valid.y).percent
        test_error = classification_error(test[i], splits.test.y)
        runs.append(Run(cand, float(valid_error), test_error, test[i], h.best_epoch, seconds))
    return runs
