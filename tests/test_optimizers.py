"""Burda et al.'s Adam and staged learning rate, and Kingma et al.'s 2014 Adam, against the
released code's formulas."""

import math

import pytest
import torch

from aebook.optimizers import (
    BURDA_STAGE_EPOCHS,
    Adam2014,
    BurdaAdam,
    burda_stage_lr,
    make_optimizer,
    make_schedule,
)
from aebook.train import TrainConfig, fit


def test_the_stages_last_3280_epochs_and_fall_from_1e_3_to_1e_4():
    assert sum(BURDA_STAGE_EPOCHS) == 3_280
    assert burda_stage_lr(0) == pytest.approx(1e-3)
    assert burda_stage_lr(1) == burda_stage_lr(3) == pytest.approx(7.2e-4)  # round(10^(6/7), 1)
    assert burda_stage_lr(4) == pytest.approx(5.2e-4)
    assert burda_stage_lr(3_279) == burda_stage_lr(5_000) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="epoch"):
        burda_stage_lr(-1)


def test_burda_adam_follows_the_released_update_by_hand():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = BurdaAdam([w], lr=0.1)
    m, v, theta = torch.zeros(2), torch.ones(2), w.detach().clone()
    for t in range(1, 4):
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        g = 2 * theta
        m = 0.99 * m + 0.01 * g
        v = 0.999 * v + 0.001 * g**2
        alpha = 0.1 * math.sqrt(1 - 0.999**t) / (1 - 0.99**t)
        theta = theta - alpha * m / (v.sqrt() + 1e-4)
        opt.step()
        assert torch.allclose(w.detach(), theta, atol=1e-7)


def test_adam_2014_steps_without_bias_correction_as_the_released_adam_py():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = Adam2014([w], lr=0.1, eps=0.0)
    m, v, theta = torch.zeros(2), torch.zeros(2), w.detach().clone()
    for _ in range(3):
        opt.zero_grad()
        (w**2).sum().backward()
        g = 2 * theta
        m = m + 0.1 * (g - m)
        v = v + 0.001 * (g**2 - v)
        theta = theta - 0.1 * m / v.sqrt()
        opt.step()
        assert torch.allclose(w.detach(), theta, atol=1e-6)
    # the first step is lr * 0.1 / sqrt(0.001) = 3.16 lr, where torch's Adam steps lr
    first = torch.nn.Parameter(torch.tensor([1.0]))
    step = Adam2014([first], lr=0.01)
    (first**2).sum().backward()
    step.step()
    assert 1.0 - first.item() == pytest.approx(0.01 * 0.1 / math.sqrt(0.001), rel=1e-4)
    with pytest.raises(ValueError, match="weight decay"):
        Adam2014([first], weight_decay=1e-3)
    config = TrainConfig(epochs=1, optimizer="adam-2014", lr=3e-4)
    assert isinstance(make_optimizer(torch.nn.Linear(2, 1), config), Adam2014)


def test_the_staged_rate_changes_per_epoch_inside_fit():
    model = torch.nn.Linear(3, 1)
    config = TrainConfig(epochs=5, batch_size=10, optimizer="adam-burda", lr=1e-3,
                         lr_schedule="burda-stages")  # fmt: skip
    optimizer = make_optimizer(model, config)
    schedule = make_schedule(optimizer, config, steps_per_epoch=4)
    rates = []
    for _ in range(3 * 4):  # three epochs of four steps
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates[:4] == [pytest.approx(1e-3)] * 4
    assert rates[4:] == [pytest.approx(7.2e-4)] * 8


def test_fit_trains_with_burdas_adam_and_refuses_weight_decay():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    model.loss = lambda x: {"loss": (model(x) ** 2).mean()}
    x = torch.randn(40, 3)
    config = TrainConfig(epochs=3, batch_size=10, optimizer="adam-burda",
                         lr_schedule="burda-stages")  # fmt: skip
    history = fit(model, x, config, progress=False)
    assert history.train["loss"][-1] < history.train["loss"][0]
    with pytest.raises(ValueError, match="no weight decay"):
        fit(model, x, TrainConfig(epochs=1, optimizer="adam-burda", weight_decay=1e-3),
            progress=False)  # fmt: skip


def test_a_stopped_run_with_burdas_adam_resumes_exactly(tmp_path):
    def run(**kwargs):
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        model.loss = lambda x: {"loss": (model(x) - 1).pow(2).mean()}
        config = TrainConfig(epochs=4, batch_size=10, optimizer="adam-burda",
                             lr_schedule="burda-stages")  # fmt: skip
        history = fit(model, torch.randn(40, 3, generator=torch.Generator().manual_seed(1)),
                      config, progress=False, **kwargs)  # fmt: skip
        return model, history

    ckpt = tmp_path / "run.ckpt"
    run(checkpoint=ckpt, callback=lambda e, h: e == 1)
    resumed_model, resumed = run(checkpoint=ckpt)
    straight_model, straight = run()
    assert resumed.train == straight.train
    assert torch.equal(resumed_model.weight, straight_model.weight)
