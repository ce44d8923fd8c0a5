"""aebook.devices: the device fit trains on, and subnormal floats flushed only while it runs."""

import pytest
import torch

from aebook.devices import check_device, default_device, flush_denormals, hardware
from aebook.models import VAE
from aebook.train import TrainConfig, fit


def test_the_default_device_exists_and_a_named_one_is_checked():
    assert check_device(default_device()) == default_device()
    assert check_device("cpu") == torch.device("cpu")


def test_an_unavailable_device_is_named():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="'cuda' is not available"):
        fit(
            VAE(12, 2, (8,)),
            torch.rand(64, 12),
            TrainConfig(epochs=1),
            device="cuda",
            progress=False,
        )
    with pytest.raises(ValueError, match="device must be"):
        fit(
            VAE(12, 2, (8,)),
            torch.rand(64, 12),
            TrainConfig(epochs=1),
            device="gpu0",
            progress=False,
        )


def test_subnormals_are_zero_inside_the_context_only():
    tiny = torch.tensor(1e-39)  # a subnormal float32
    with flush_denormals():
        inside = float(tiny * 1.0)
    supported = torch.set_flush_denormal(False)
    assert inside == (0.0 if supported else float(tiny))
    assert float(tiny * 1.0) > 0.0


def test_every_record_describes_the_machine_by_one_function():
    from aebook.results import provenance

    assert provenance()["hardware"] == hardware()
    assert "logical CPU cores, GPU: " in hardware()


def test_a_machine_is_named_short_by_its_gpu_else_its_cpu():
    from aebook.jobs import machine

    assert machine("AMD EPYC, 2 logical CPU cores, GPU: none") == "AMD EPYC"
    assert machine("Intel Xeon, 16 logical CPU cores, GPU: NVIDIA H200") == "NVIDIA H200"
    assert machine(hardware()) in hardware()
