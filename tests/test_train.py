import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn

from aebook.devices import flush_denormals
from aebook.models import SigmoidAutoencoder
from aebook.train import History, NonFiniteLossError, TrainConfig, evaluate_loss, fit


def toy_data(n=300, d=20, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, d, generator=g)


class NoisyAutoencoder(SigmoidAutoencoder):
    """Uses the global RNG inside loss (like corruption does), to test that fit seeds it."""

    def loss(self, batch):
        noisy = batch * (torch.rand_like(batch) > 0.25)
        logits = self.decode(self.encode(noisy))
        loss = nn.functional.binary_cross_entropy_with_logits(logits, batch, reduction="none")
        return {"loss": loss.sum(-1).mean()}


def run(seed=0, epochs=3, **kwargs):
    torch.manual_seed(123)  # the model's initial weights
    model = NoisyAutoencoder(20, 8)
    cfg = TrainConfig(epochs=epochs, batch_size=32, lr=1e-2, seed=seed)
    history = fit(model, toy_data(), cfg, device="cpu", progress=False, **kwargs)
    return model, history


def test_same_seed_same_history_and_weights():
    m1, h1 = run(seed=5)
    m2, h2 = run(seed=5)
    assert h1.train == h2.train
    assert torch.equal(m1.weight, m2.weight)
    _, h3 = run(seed=6)
    assert h3.train != h1.train


def test_fit_is_the_plain_loop_it_describes():
    """fit against the same training written out by hand: bit for bit on the CPU."""
    torch.manual_seed(123)
    model = NoisyAutoencoder(20, 8)
    copy = NoisyAutoencoder(20, 8)
    copy.load_state_dict(model.state_dict())
    cfg = TrainConfig(epochs=3, batch_size=32, lr=1e-2, seed=4)
    x = toy_data()
    history = fit(model, x, cfg, device="cpu", progress=False)

    torch.manual_seed(cfg.seed)
    shuffle = torch.Generator().manual_seed(cfg.seed)
    optimizer = torch.optim.Adam(copy.parameters(), lr=cfg.lr, fused=True)
    losses = []
    with flush_denormals():
        for _ in range(cfg.epochs):
            total = torch.zeros(())
            order = torch.randperm(len(x), generator=shuffle)
            for start in range(0, len(x), cfg.batch_size):
                batch = x[order[start : start + cfg.batch_size]]
                loss = copy.loss(batch)["loss"]
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total.add_(loss.detach() * len(batch))
            losses.append(float(total) / len(x))
    assert history.train["loss"] == losses
    assert all(
        torch.equal(a, b) for a, b in zip(model.parameters(), copy.parameters(), strict=True)
    )


def test_history_records_every_metric_per_epoch_and_the_loss_falls():
    _, h = run(epochs=5, valid=toy_data(seed=1))
    assert h.epochs == 5 and len(h.train["loss"]) == 5 and len(h.valid["loss"]) == 5
    assert h.samples_seen == [300, 600, 900, 1200, 1500]
    assert h.train["loss"][-1] < h.train["loss"][0]
    assert History.from_dict(h.as_dict()) == h


def test_nan_stops_training_with_a_clear_message():
    class Exploding(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(1))

        def loss(self, batch):
            return {"loss": self.w * float("nan") * batch.sum()}

    cfg = TrainConfig(epochs=2, batch_size=10)
    with pytest.raises(NonFiniteLossError, match="NaN or infinite.*epoch 1"):
        fit(Exploding(), toy_data(), cfg, device="cpu", progress=False)


def test_bad_arguments_name_the_argument_and_the_choices():
    with pytest.raises(
        ValueError, match="optimizer must be one of adam, adam-burda, adamw, adagrad"
    ):
        TrainConfig(epochs=1, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr_schedule must be one of"):
        TrainConfig(epochs=1, lr_schedule="step")
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="early_stopping needs valid"):
        cfg = TrainConfig(epochs=1, early_stopping=2)
        fit(SigmoidAutoencoder(20, 4), toy_data(), cfg, device="cpu", progress=False)


def test_early_stopping_restores_the_best_epoch():
    torch.manual_seed(0)
    model = SigmoidAutoencoder(20, 30)
    train, valid = toy_data(40), toy_data(200, seed=3)  # tiny train set: it overfits
    cfg = TrainConfig(epochs=200, batch_size=40, lr=0.05, early_stopping=3)
    h = fit(model, train, cfg, valid=valid, device="cpu", progress=False)
    assert h.stopped_early and h.epochs < 200
    best = min(h.valid["loss"])
    assert h.valid["loss"][h.best_epoch] == best
    assert evaluate_loss(model, valid)["loss"] == pytest.approx(best, rel=1e-5)


def test_checkpoint_of_another_config_is_refused(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    run(epochs=1, checkpoint=ckpt)
    with pytest.raises(ValueError, match="another run.*config seed: checkpoint 0, now 9"):
        run(epochs=1, seed=9, checkpoint=ckpt)


KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from test_train import run
    def die(epoch, history):
        if epoch == 2:  # after the third epoch's checkpoint is written
            os.kill(os.getpid(), signal.SIGKILL)
    run(epochs=6, checkpoint={ckpt!r}, callback=die)
    """
)


def test_a_killed_run_resumes_to_the_same_result(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    script = KILLED_RUN.format(tests=str(Path(__file__).parent), ckpt=str(ckpt))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()  # really killed, not finished
    assert ckpt.exists()
    assert torch.load(ckpt, weights_only=True)["history"]["samples_seen"] == [300, 600, 900]

    resumed_model, resumed = run(epochs=6, checkpoint=ckpt)
    straight_model, straight = run(epochs=6)
    assert resumed.train == straight.train
    assert torch.equal(resumed_model.weight, straight_model.weight)

    # a finished run is not trained again: it is read back
    again_model, again = run(epochs=6, checkpoint=ckpt)
    assert again.train == straight.train and torch.equal(again_model.weight, straight_model.weight)


def test_checkpoint_every_writes_less_often_and_always_at_the_end(tmp_path, monkeypatch):
    from aebook import checkpoint

    writes = []
    real = checkpoint.save
    monkeypatch.setattr(checkpoint, "save", lambda obj, path: (writes.append(1), real(obj, path)))
    run(epochs=4, checkpoint=tmp_path / "a.ckpt", checkpoint_every=1e9)
    assert len(writes) == 1  # only the last epoch
    writes.clear()
    run(epochs=4, checkpoint=tmp_path / "b.ckpt")
    assert len(writes) == 4
    with pytest.raises(ValueError, match="checkpoint_every"):
        run(checkpoint_every=-1.0)


def test_fit_flushes_subnormals_only_while_it_runs():
    tiny = torch.tensor(1e-39)  # a subnormal float32
    seen = []
    run(epochs=1, callback=lambda e, h: seen.append(float(tiny * 1.0)))
    supported = torch.set_flush_denormal(False)  # also: the switch exists on this CPU
    assert seen == ([0.0] if supported else [float(tiny)])
    assert float(tiny * 1.0) > 0.0


def test_a_callback_can_stop_the_run_and_the_run_continues_later(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    _, part = run(epochs=5, checkpoint=ckpt, checkpoint_every=1e9, callback=lambda e, h: e == 1)
    assert part.samples_seen == [300, 600]  # stopped after the second epoch, checkpoint written
    model, whole = run(epochs=5, checkpoint=ckpt)
    straight_model, straight = run(epochs=5)
    assert whole.train == straight.train
    assert torch.equal(model.weight, straight_model.weight)


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")


class NoiseMeter(SigmoidAutoencoder):
    """Reports a fresh uniform draw per step: a graph that froze its noise would repeat it."""

    def loss(self, batch):
        loss = super().loss(batch)["loss"]
        return {"loss": loss, "noise": torch.rand((), device=batch.device)}


@cuda
def test_a_cuda_graph_replays_the_same_steps_as_eager_training():
    def train(cuda_graph):
        torch.manual_seed(123)
        model = SigmoidAutoencoder(20, 8)
        cfg = TrainConfig(epochs=5, batch_size=32, lr=1e-2, optimizer="adagrad")
        history = fit(model, toy_data(), cfg, device="cuda", progress=False, cuda_graph=cuda_graph)
        return model, history

    (eager_model, eager), (graph_model, graph) = train(False), train(True)
    assert graph.train["loss"] == pytest.approx(eager.train["loss"], rel=1e-4)
    assert torch.allclose(graph_model.weight, eager_model.weight, atol=1e-4)


@cuda
def test_a_cuda_graph_draws_new_noise_at_every_replay_and_resumes(tmp_path):
    def train(epochs):
        torch.manual_seed(123)
        cfg = TrainConfig(epochs=epochs, batch_size=32, lr=1e-2)
        return fit(NoiseMeter(20, 8), toy_data(n=1920), cfg, device="cuda", progress=False,
                   cuda_graph=True, checkpoint=tmp_path / "run.ckpt")  # fmt: skip

    first = train(3).train["noise"]
    history = train(6)
    assert history.train["noise"][:3] == first
    assert len(set(history.train["noise"])) == 6  # 60 draws per epoch, never the same mean
    assert all(0.35 < m < 0.65 for m in history.train["noise"])  # 4 s.d. of a mean of 60
    assert history.train["loss"][-1] < history.train["loss"][0]
