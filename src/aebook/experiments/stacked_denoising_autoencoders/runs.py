"""Table 1's model selection: the grid of candidates of each model (SAA-3 is masking level 0),
one pretraining shared by the candidates that differ only in their fine-tuning rate, each
finished candidate cached as JSON (the runner's jobs write the same cache), and the candidate with
the lowest validation error kept."""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import Tensor

from aebook.corruption import Corruption
from aebook.data.larochelle import N_CLASSES, is_official, load_task
from aebook.evaluate import ErrorRate, classification_error, mcnemar, predict
from aebook.models import StackedDenoisingAutoencoder
from aebook.models.dae import stopped
from aebook.results.papers import VINCENT_TABLE1

if TYPE_CHECKING:
    from aebook.experiments.stacked_denoising_autoencoders import (
        StackedDenoisingAutoencodersSettings,
    )

#: Table 1 of the paper as the page uses it, from its one home in the ledger.
PAPER_TABLE1 = {
    task: {"saa": saa, "sda": sda, "nu": nu} for task, (saa, sda, nu) in VINCENT_TABLE1.items()
}


@dataclass(frozen=True)
class Candidate:
    """One point of the hyperparameter grid (``nu`` = 0 is SAA-3)."""

    hidden: tuple[int, ...]
    pretrain_epochs: int
    pretrain_lr: float
    finetune_lr: float
    nu: float

    def key(self) -> str:
        return (
            f"h{'-'.join(map(str, self.hidden))}_pe{self.pretrain_epochs}_plr{self.pretrain_lr}"
            f"_flr{self.finetune_lr}_nu{self.nu}"
        )


@dataclass
class Run:
    """A trained candidate: its validation error (selection), test error and test predictions."""

    candidate: Candidate
    valid_error: float
    test: ErrorRate
    predictions: Tensor
    best_epoch: int | None
    seconds: float


@dataclass
class TaskResult:
    """SAA-3 and SdA-3 on one task, each with the candidate chosen on the validation set."""

    task: str
    saa: Run
    sda: Run
    generated: bool
    n_candidates: dict[str, int]
    runs: dict[str, list[Run]] = field(default_factory=dict)  #: every candidate, per model

    def p_sda_better(self, labels: Tensor) -> float:
        """One-sided McNemar (exact binomial) p-value that SdA-3 errs less than SAA-3."""
        return mcnemar(self.saa.predictions, self.sda.predictions, labels)

    def p_sda_worse(self, labels: Tensor) -> float:
        """One-sided McNemar p-value that SdA-3 errs more than SAA-3."""
        return mcnemar(self.sda.predictions, self.saa.predictions, labels)


def candidates(cfg: StackedDenoisingAutoencodersSettings, task: str, model: str) -> list[Candidate]:
    """The grid searched for ``model`` (``"saa"`` or ``"sda"``) on ``task``."""
    if model not in ("saa", "sda"):
        raise ValueError(f"model must be one of saa, sda; got {model!r}")
    if model == "saa":
        levels: tuple[float, ...] = (0.0,)
    elif cfg.noise_levels is None:
        levels = (PAPER_TABLE1[task]["nu"],)
    else:
        levels = cfg.noise_levels
    grid = itertools.product(
        cfg.hidden_sizes, cfg.pretrain_epochs, cfg.pretrain_lrs, levels, cfg.finetune_lrs
    )
    return [Candidate(h, pe, plr, flr, nu) for h, pe, plr, nu, flr in grid]


def pretrain_candidate(
    splits,
    cand: Candidate,
    cfg: StackedDenoisingAutoencodersSettings,
    n_classes: int,
    device,
    progress,
    checkpoints: Path | None = None,
    callback=None,
) -> StackedDenoisingAutoencoder | None:
    """The pretrained stack of ``cand``; with ``checkpoints`` (a folder) resumable layer by layer,
    and None when ``callback`` stopped it (a deadline) before the last layer finished."""
    torch.manual_seed(cfg.seed)
    model = StackedDenoisingAutoencoder(
        splits.train.x.shape[1],
        cand.hidden,
        n_classes,
        corruption=Corruption("masking", cand.nu),
    )
    config = replace(cfg.pretrain, epochs=cand.pretrain_epochs, lr=cand.pretrain_lr, seed=cfg.seed)
    histories = model.pretrain(
        splits.train.x,
        config,
        device=device,
        progress=progress,
        checkpoints=checkpoints,
        callback=callback,
    )
    if len(histories) < model.depth or stopped(histories[-1], config):
        return None
    return model


def finetune_candidate(
    model,
    splits,
    cand: Candidate,
    cfg: StackedDenoisingAutoencodersSettings,
    device,
    progress,
    checkpoint: Path | None = None,
    callback=None,
) -> Run | None:
    """Fine-tune the pretrained ``model`` as ``cand`` says and test it; with ``checkpoint``
    resumable, and None when ``callback`` stopped it (a deadline) before early stopping or the
    last epoch."""
    began = time.process_time()
    config = replace(cfg.finetune, lr=cand.finetune_lr, seed=cfg.seed)
    history = model.finetune(
        (splits.train.x, splits.train.y),
        config,
        valid=(splits.valid.x, splits.valid.y),
        device=device,
        progress=progress,
        checkpoint=checkpoint,
        callback=callback,
    )
    if stopped(history, config):
        return None
    valid_error = (
        history.valid["error"][history.best_epoch]
        if history.best_epoch is not None
        else (
            classification_error(
                predict(model, splits.valid.x.to(device)), splits.valid.y.to(device)
            ).percent
        )
    )
    pred = predict(model, splits.test.x.to(device)).cpu()
    test = classification_error(pred, splits.test.y)
    return Run(
        cand, float(valid_error), test, pred, history.best_epoch, time.process_time() - began
    )


def save_run(path: Path, run: Run) -> None:
    """Write ``run`` as JSON, its test predictions as one string of digits (every task has at
    most ten classes): a third of a list's size, which matters for the candidates that are parked
    in the repository with their jobs."""
    if (
        run.predictions.numel()
        and not 0 <= int(run.predictions.min()) <= int(run.predictions.max()) <= 9
    ):
        raise ValueError(
            f"predictions must be classes 0..9 to be saved as digits; got {run.predictions}"
        )
    payload = {
        "candidate": asdict(run.candidate),
        "valid_error": run.valid_error,
        "test": asdict(run.test),
        "predictions": "".join(map(str, run.predictions.tolist())),
        "best_epoch": run.best_epoch,
        "seconds": run.seconds,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload))
    tmp.replace(path)


def load_run(path: Path) -> Run:
    """The run :func:`save_run` wrote to ``path``; a file whose predictions do not match its test
    count is refused, naming it."""
    d = json.loads(path.read_text())
    digits = d["predictions"]
    if not (isinstance(digits, str) and digits.isdigit() and len(digits) == d["test"]["n"]):
        raise ValueError(
            f"{path}: damaged (its predictions are not {d['test']['n']} digits); not used"
        )
    c = d["candidate"]
    cand = Candidate(
        tuple(c["hidden"]), c["pretrain_epochs"], c["pretrain_lr"], c["finetune_lr"], c["nu"]
    )
    return Run(
        cand,
        d["valid_error"],
        ErrorRate(**d["test"]),
        torch.tensor([int(k) for k in digits]),
        d["best_epoch"],
        d["seconds"],
    )


def missing_candidates(
    task: str, cfg: StackedDenoisingAutoencodersSettings, cache_dir: Path | str | None
) -> list[str]:
    """The keys of ``task``'s candidates (both models) not yet in the cache ``cache_dir``."""
    cache = Path(cache_dir) / cfg.profile / task if cache_dir is not None else None
    return [
        c.key()
        for m in ("saa", "sda")
        for c in candidates(cfg, task, m)
        if cache is None or not (cache / f"{c.key()}.json").exists()
    ]


def run_task(
    task: str,
    cfg: StackedDenoisingAutoencodersSettings,
    *,
    device=None,
    progress: bool | None = None,
    cache_dir: Path | str | None = None,
    splits=None,
    train: bool = True,
) -> TaskResult:
    """Train SAA-3 and SdA-3 on ``task`` over the grid of ``cfg``; keep each model's candidate
    with the lowest validation error (ties: the first in grid order).

    Pretraining is shared by the candidates that differ only in their fine-tuning learning rate.
    With ``cache_dir``, every finished candidate is written there and reused by a later call, so
    a long ``paper`` run can be stopped and resumed. With ``train=False`` nothing is trained: the
    selection is among the candidates the cache holds (the runner's jobs trained them), which may
    be part of the grid; ``TaskResult.runs`` against ``n_candidates`` says how much. A model with
    no candidate in the cache raises.
    """
    cache = Path(cache_dir) / cfg.profile / task if cache_dir is not None else None
    if not train:
        if cache is None:
            raise ValueError("train=False reads the candidates from cache_dir; got None")
        for model_name in ("saa", "sda"):
            if not any(
                (cache / f"{c.key()}.json").exists() for c in candidates(cfg, task, model_name)
            ):
                raise ValueError(
                    f"train=False reads the candidates from cache_dir, and none of {task}'s "
                    f"{model_name} candidates is there: run python -m aebook.runner "
                    "stacked_denoising_autoencoders"
                )
    elif splits is None:
        splits = load_task(task, sizes=cfg.sizes(task), seed=cfg.seed)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    best: dict[str, Run] = {}
    counts = {}
    all_runs: dict[str, list[Run]] = {}
    for model_name in ("saa", "sda"):
        grid = candidates(cfg, task, model_name)
        counts[model_name] = len(grid)
        runs: list[Run] = []
        pretrained: dict[tuple, StackedDenoisingAutoencoder] = {}
        for cand in grid:
            path = cache / f"{cand.key()}.json" if cache is not None else None
            if path is not None and path.exists():
                runs.append(load_run(path))
                continue
            if not train:
                continue
            pre_key = (cand.hidden, cand.pretrain_epochs, cand.pretrain_lr, cand.nu)
            if pre_key not in pretrained:
                pretrained = {
                    pre_key: pretrain_candidate(
                        splits, cand, cfg, N_CLASSES[task], device, progress
                    )
                }
            model = copy.deepcopy(pretrained[pre_key])
            run = finetune_candidate(model, splits, cand, cfg, device, progress)
            if path is not None:
                save_run(path, run)
            runs.append(run)
        best[model_name] = min(runs, key=lambda r: r.valid_error)
        all_runs[model_name] = runs
    return TaskResult(task, best["saa"], best["sda"], not is_official(task), counts, all_runs)
