"""aebook.fit_inputs: what fit is given is checked before any work, with a message saying what
to pass instead."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from test_train_faults import CFG, data, vae
from torch.utils.data import DataLoader, TensorDataset

from aebook.fit_inputs import as_tensors, unpack
from aebook.train import TrainConfig, fit


def test_tensors_of_one_length_come_back_as_a_tuple_and_unpack_to_the_batch():
    x, y = data(), torch.arange(64)
    assert as_tensors(x)[0] is x and unpack(as_tensors(x)) is x
    assert unpack(as_tensors((x, y))) == (x, y)
    with pytest.raises(ValueError, match=r"same length; got \[64, 3\]"):
        as_tensors((x, y[:3]))
    with pytest.raises(ValueError, match="valid is empty"):
        as_tensors(x[:0], "valid")


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
