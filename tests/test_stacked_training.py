"""Table 1's candidates trained as one stack equal the same candidates trained one at a time."""

from dataclasses import replace

import pytest
import torch

from aebook.experiments import settings
from aebook.experiments.stacked_denoising_autoencoders.runs import (
    Candidate,
    finetune_candidate,
    pretrain_candidate,
)
from aebook.experiments.stacked_denoising_autoencoders.stacked import (
    finetune_stack,
    pretrain_stack,
    select_models,
    stack_models,
    state_dict_of,
    train_group,
)
from aebook.models import StackedDenoisingAutoencoder
from aebook.train import TrainConfig

from conftest import two_class_splits

HIDDEN = (16, 16, 16)
#: Largest difference allowed between a stacked and an individual parameter tensor, relative to
#: the tensor's largest entry: the two runs sum the same floats in different orders.
RTOL = 1e-5
#: Four candidates from three pretrainings: SAA (ν = 0) and two masking levels, two rates each.
GROUP = [
    Candidate(HIDDEN, 2, 0.1, 0.05, 0.0),
    Candidate(HIDDEN, 2, 0.05, 0.05, 0.25),
    Candidate(HIDDEN, 2, 0.05, 0.3, 0.25),
    Candidate(HIDDEN, 2, 0.2, 0.3, 0.4),
]
EARLY = TrainConfig(
    epochs=6, batch_size=20, momentum=0.9, early_stopping=2, monitor="error", optimizer="sgd"
)


def _settings(finetune: TrainConfig = EARLY):
    return replace(
        settings("stacked_denoising_autoencoders", "smoke"),
        hidden_sizes=(HIDDEN,),
        pretrain=TrainConfig(epochs=2, batch_size=20, optimizer="sgd"),
        finetune=finetune,
    )


@pytest.fixture(scope="module")
def splits():
    return two_class_splits(160, 60, 60)


def _assert_close(stacked: dict, single: dict) -> None:
    assert stacked.keys() == single.keys()
    for name, a in stacked.items():
        scale = single[name].abs().max()
        assert (a - single[name]).abs().max() <= RTOL * scale, name


def _stack(splits, cfg, pretrainings):
    """The stack of ``pretrainings`` (pretrain_lr, ν), pretrained as train_group does."""
    torch.manual_seed(cfg.seed)
    params = stack_models(StackedDenoisingAutoencoder(30, HIDDEN, 2), len(pretrainings))
    nus, lrs = [nu for _, nu in pretrainings], [lr for lr, _ in pretrainings]
    pretrain_stack(
        params, splits.train.x, nus, lrs, cfg.pretrain, names=[str(p) for p in pretrainings]
    )
    return params


def test_stacked_pretraining_and_finetuning_equal_the_individual_runs(splits):
    cfg = _settings()
    pretrainings = [(0.1, 0.0), (0.05, 0.25), (0.2, 0.4)]
    params = _stack(splits, cfg, pretrainings)
    which = [pretrainings.index((c.pretrain_lr, c.nu)) for c in GROUP]
    tuned = select_models(params, which)
    train, valid = (splits.train.x, splits.train.y), (splits.valid.x, splits.valid.y)
    lrs = [c.finetune_lr for c in GROUP]
    histories = finetune_stack(tuned, train, valid, lrs, cfg.finetune, names=list("abcd"))
    for i, cand in enumerate(GROUP):
        model = pretrain_candidate(splits, cand, cfg, 2, "cpu", False)
        _assert_close(state_dict_of(params, which[i]), model.state_dict())
        single = model.finetune(
            train, replace(cfg.finetune, lr=cand.finetune_lr), valid=valid, progress=False
        )
        _assert_close(state_dict_of(tuned, i), model.state_dict())
        h = histories[i]
        assert (h.best_epoch, h.stopped_early) == (single.best_epoch, single.stopped_early)
        assert h.valid["error"] == single.valid["error"]  # the same predictions, epoch by epoch
        assert h.valid["loss"] == pytest.approx(single.valid["loss"], rel=RTOL)
        assert h.train["loss"] == pytest.approx(single.train["loss"], rel=RTOL)
    assert any(h.stopped_early for h in histories)


@pytest.mark.parametrize(
    "finetune", [EARLY, replace(EARLY, epochs=2, early_stopping=None)], ids=["early", "fixed"]
)
def test_train_group_returns_the_runs_of_the_candidates_one_at_a_time(splits, finetune):
    cfg = _settings(finetune)
    runs = train_group("rect", cfg, GROUP, splits, "cpu")
    assert [r.candidate for r in runs] == GROUP
    for run, cand in zip(runs, GROUP, strict=True):
        model = pretrain_candidate(splits, cand, cfg, 2, "cpu", False)
        single = finetune_candidate(model, splits, cand, cfg, "cpu", False)
        assert run.valid_error == single.valid_error and run.best_epoch == single.best_epoch
        assert run.test == single.test and torch.equal(run.predictions, single.predictions)
    assert (runs[0].best_epoch is None) == (finetune.early_stopping is None)


def test_early_stopping_freezes_one_model_at_its_best_while_the_others_train_on(splits):
    """Fine-tuning rate 3 overshoots: its validation loss rises after the first epoch and it
    stops after one epoch of patience; rate 0.1 improves every epoch to the budget's end."""
    cfg = _settings(replace(EARLY, epochs=6, early_stopping=1, monitor="loss"))
    params = _stack(splits, cfg, [(0.1, 0.1)])
    tuned = select_models(params, [0, 0])
    train, valid = (splits.train.x, splits.train.y), (splits.valid.x, splits.valid.y)
    steady, overshoot = finetune_stack(
        tuned, train, valid, [0.1, 3.0], cfg.finetune, names=["steady", "overshoot"]
    )
    assert overshoot.stopped_early and overshoot.best_epoch < len(overshoot.valid["loss"]) - 1
    assert not steady.stopped_early and len(steady.valid["loss"]) == 6
    for i, (lr, h) in enumerate(((0.1, steady), (3.0, overshoot))):
        model = pretrain_candidate(splits, Candidate(HIDDEN, 2, 0.1, lr, 0.1), cfg, 2, "cpu", False)
        single = model.finetune(train, replace(cfg.finetune, lr=lr), valid=valid, progress=False)
        assert h.best_epoch == single.best_epoch and len(h.valid["loss"]) == single.epochs
        _assert_close(state_dict_of(tuned, i), model.state_dict())  # the best epoch's weights


def test_wrong_arguments_are_refused_with_what_is_allowed(splits):
    cfg = _settings()
    other = Candidate((16, 16, 8), 2, 0.1, 0.05, 0.0)
    with pytest.raises(ValueError, match=r"share hidden \(allowed: \(16, 16, 16\)"):
        train_group("rect", cfg, [GROUP[0], other], splits, "cpu")
    with pytest.raises(ValueError, match="share pretrain_epochs"):
        train_group("rect", cfg, [GROUP[0], replace(GROUP[1], pretrain_epochs=3)], splits, "cpu")
    with pytest.raises(ValueError, match="twice"):
        train_group("rect", cfg, [GROUP[0], GROUP[0]], splits, "cpu")
    adam = replace(cfg, finetune=replace(EARLY, optimizer="adam"))
    with pytest.raises(ValueError, match="optimizer .* must be one of sgd; got 'adam'"):
        train_group("rect", adam, GROUP, splits, "cpu")
    params = stack_models(StackedDenoisingAutoencoder(30, HIDDEN, 2), 2)
    with pytest.raises(ValueError, match=r"lrs must have one entry per stacked model \(2\)"):
        pretrain_stack(params, splits.train.x, [0.1, 0.2], [0.1], cfg.pretrain, names="ab")
    with pytest.raises(ValueError, match="level"):
        pretrain_stack(params, splits.train.x, [0.1, 1.5], [0.1, 0.1], cfg.pretrain, names="ab")
