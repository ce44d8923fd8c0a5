"""fit under bad input and faults: a clear error before any work, and nothing lost."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader, TensorDataset

from aebook.corruption import Corruption
from aebook.models import VAE, DenoisingAutoencoder
from aebook.train import NonFiniteLossError, TrainConfig, fit


def data(n=64, d=12, seed=0):
    return torch.rand(n, d, generator=torch.Generator().manual_seed(seed))


def vae(beta=1.0, seed=0):
    torch.manual_seed(seed)
    return VAE(12, 2, (8,), beta=beta)


CFG = TrainConfig(epochs=1, batch_size=16)


def test_a_checkpoint_resumes_only_its_own_run(tmp_path):
    path = tmp_path / "run.ckpt"
    fit(vae(), data(), CFG, checkpoint=path, progress=False)
    with pytest.raises(ValueError, match=r"model beta: checkpoint 1.0, now 4.0"):
        fit(vae(beta=4.0), data(), CFG, checkpoint=path, progress=False)
    with pytest.raises(ValueError, match="training data differ"):
        fit(vae(), data(seed=1), CFG, checkpoint=path, progress=False)
    dae = DenoisingAutoencoder(12, 8)
    with pytest.raises(ValueError, match="model class"):
        fit(dae, data(), CFG, checkpoint=path, progress=False)
    # the same run resumes: a finished run returns its history at once
    again = fit(vae(), data(), CFG, checkpoint=path, progress=False)
    assert again.epochs == 1


def test_a_corruption_level_is_part_of_the_fingerprint(tmp_path):
    path = tmp_path / "dae.ckpt"

    def dae(nu):
        torch.manual_seed(0)
        return DenoisingAutoencoder(12, 8, corruption=Corruption("masking", nu))

    fit(dae(0.25), data(), CFG, checkpoint=path, progress=False)
    with pytest.raises(ValueError, match="0.75"):
        fit(dae(0.75), data(), CFG, checkpoint=path, progress=False)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"not a checkpoint"])
def test_damaged_checkpoints_are_named(tmp_path, content):
    path = tmp_path / "bad.ckpt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=str(path)):
        fit(vae(), data(), CFG, checkpoint=path, progress=False)


def test_a_truncated_real_checkpoint_is_named(tmp_path):
    path = tmp_path / "run.ckpt"
    fit(vae(), data(), TrainConfig(epochs=2, batch_size=16), checkpoint=path, progress=False)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match="cannot be read"):
        fit(vae(), data(), TrainConfig(epochs=2, batch_size=16), checkpoint=path, progress=False)


def test_a_directory_is_not_a_checkpoint(tmp_path):
    with pytest.raises(ValueError, match="directory"):
        fit(vae(), data(), CFG, checkpoint=tmp_path, progress=False)


def test_loaders_datasets_and_arrays():
    x = data()
    with pytest.raises(TypeError, match="DataLoader.*tensors"):
        fit(vae(), DataLoader(TensorDataset(x), batch_size=16), CFG, progress=False)
    h = fit(vae(), TensorDataset(x), CFG, progress=False)
    assert h.samples_seen == [64]
    h = fit(vae(), x.numpy(), CFG, progress=False)
    assert h.samples_seen == [64]


def test_raw_pixels_unflattened_images_and_wrong_dtypes_get_a_message():
    with pytest.raises(TypeError, match=r"uint8.*x.float\(\) / 255"):
        fit(vae(), (data() * 255).to(torch.uint8), CFG, progress=False)
    with pytest.raises(ValueError, match=r"\(64, 3, 4\).*flatten"):
        fit(vae(), data().view(64, 3, 4), CFG, progress=False)
    with pytest.raises(ValueError, match="float64"):
        fit(vae(), data().double(), CFG, progress=False)
    with pytest.raises(ValueError, match="batch"):
        fit(vae(), torch.tensor(0.5), CFG, progress=False)


def test_non_finite_data_is_refused_before_training():
    x = data()
    x[3, 2] = math.nan
    with pytest.raises(ValueError, match="NaN or infinite values"):
        fit(vae(), x, CFG, progress=False)
    with pytest.raises(ValueError, match="valid contains NaN"):
        fit(vae(), data(), CFG, valid=x, progress=False)


def test_an_unknown_monitor_fails_before_the_first_epoch():
    cfg = TrainConfig(epochs=1, batch_size=16, early_stopping=2, monitor="elbow")
    with pytest.raises(ValueError, match=r"monitor must be one of \[.*'elbo'"):
        fit(vae(), data(), cfg, valid=data(seed=2), callback=pytest.fail, progress=False)


def test_an_unavailable_device_is_named():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="'cuda' is not available"):
        fit(vae(), data(), CFG, device="cuda", progress=False)
    with pytest.raises(ValueError, match="device must be"):
        fit(vae(), data(), CFG, device="gpu0", progress=False)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["lr", "grad_clip", "weight_decay", "momentum"]),
    value=st.one_of(
        st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.text(max_size=3)
    ),
)
def test_bad_numbers_in_a_config_name_the_setting(name, value):
    if name in ("weight_decay", "momentum") and value == 0.0:
        return  # zero is allowed there
    with pytest.raises((ValueError, TypeError), match=name):
        TrainConfig(epochs=1, **{name: value})


@settings(max_examples=30, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.booleans()))
def test_epochs_must_be_a_whole_number(value):
    with pytest.raises(TypeError, match="epochs must be an int"):
        TrainConfig(epochs=value)


def test_a_blow_up_keeps_the_last_good_epoch_in_the_checkpoint(tmp_path):
    class BlowsUp(VAE):
        epoch = 0

        def loss(self, batch):
            out = super().loss(batch)
            if self.training and BlowsUp.epoch >= 2:
                out["loss"] = out["loss"] * math.inf
            return out

    torch.manual_seed(0)
    model = BlowsUp(12, 2, (8,))
    path = tmp_path / "run.ckpt"
    seen = {}

    def count(epoch, history):
        BlowsUp.epoch = epoch + 1
        seen[epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    with pytest.raises(NonFiniteLossError, match="change them"):
        fit(
            model,
            data(),
            TrainConfig(epochs=5, batch_size=16),
            checkpoint=path,
            callback=count,
            progress=False,
        )
    saved = torch.load(path, weights_only=True)
    assert saved["history"]["samples_seen"] == [64, 128]
    for k, v in saved["model"].items():
        assert torch.equal(v, seen[1][k]) and torch.isfinite(v).all()


def test_numpy_labels_travel_with_numpy_inputs():
    from aebook.models import MLPClassifier  # a model with (x, y) batches

    x = np.random.default_rng(0).random((40, 12), dtype=np.float32)
    y = np.arange(40) % 3
    model = MLPClassifier(12, 3, (8,))
    h = fit(model, (x, y), TrainConfig(epochs=1, batch_size=8), progress=False)
    assert h.samples_seen == [40]


def test_what_a_cuda_graph_cannot_do_is_refused_before_training():
    with pytest.raises(TypeError, match="cuda_graph must be True or False"):
        fit(vae(), data(), CFG, cuda_graph="yes", device="cpu", callback=pytest.fail)
    with pytest.raises(ValueError, match="cuda_graph=True needs device 'cuda'; got 'cpu'"):
        fit(vae(), data(), CFG, cuda_graph=True, device="cpu", callback=pytest.fail)
    if not torch.cuda.is_available():
        return
    cosine = TrainConfig(epochs=1, batch_size=16, lr_schedule="cosine")
    with pytest.raises(ValueError, match="needs lr_schedule 'constant'; got 'cosine'"):
        fit(vae(), data(), cosine, cuda_graph=True, device="cuda", callback=pytest.fail)
    bf16 = TrainConfig(epochs=1, batch_size=16, precision="bf16")
    with pytest.raises(ValueError, match="needs precision 'fp32'; got 'bf16'"):
        fit(vae(), data(), bf16, cuda_graph=True, device="cuda", callback=pytest.fail)
