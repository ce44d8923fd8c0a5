"""Denoising autoencoders, their stacks, and the filter measure of chapter 1 (the models)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import aebook.models.dae as dae_module
from aebook.corruption import Corruption
from aebook.evaluate import correlation_area
from aebook.models import DenoisingAutoencoder, SigmoidAutoencoder, StackedDenoisingAutoencoder
from aebook.objectives import bernoulli_nll
from aebook.train import TrainConfig, evaluate_loss, fit


def test_dae_is_a_tied_sigmoid_autoencoder_with_one_weight_matrix():
    model = DenoisingAutoencoder(12, 5)
    assert isinstance(model, SigmoidAutoencoder)
    names = {n for n, _ in model.named_parameters()}
    assert names == {"weight", "hidden_bias", "visible_bias"}  # W' = Wᵀ is not a parameter
    h = torch.rand(3, 5)
    expected = h @ model.weight + model.visible_bias
    assert torch.allclose(model.decode(h), expected)


def test_tied_weights_get_gradient_from_encoder_and_decoder():
    torch.manual_seed(0)
    model = DenoisingAutoencoder(6, 4, corruption=Corruption("masking", 0.0))
    x = torch.rand(8, 6)
    model.loss(x)["loss"].backward()
    grad = model.weight.grad.clone()
    # the same gradient, written out through two separate copies of W
    w_enc = model.weight.detach().clone().requires_grad_()
    w_dec = model.weight.detach().clone().requires_grad_()
    h = torch.sigmoid(x @ w_enc.T + model.hidden_bias.detach())
    logits = h @ w_dec + model.visible_bias.detach()
    bernoulli_nll(x, logits).mean().backward()
    assert torch.allclose(grad, w_enc.grad + w_dec.grad, atol=1e-6)


def test_corruption_happens_only_in_training_mode():
    torch.manual_seed(0)
    model = DenoisingAutoencoder(100, 10, corruption=Corruption("masking", 0.3))
    x = 0.98 * torch.rand(16, 100) + 0.01  # no zeros before corruption, all in [0, 1]
    seen = []
    model.register_forward_pre_hook(lambda m, args: None)
    original = model.encode

    def spy(inp):
        seen.append(inp.detach().clone())
        return original(inp)

    model.encode = spy
    model.train()
    model.loss(x)
    assert torch.all((seen[-1] == 0).sum(1) == 30)  # exactly ⌊νd⌋ zeros per example
    model.eval()
    model.loss(x)
    assert torch.equal(seen[-1], x)
    assert torch.equal(model.corrupt(x), x)


def test_loss_compares_the_reconstruction_with_the_clean_input():
    torch.manual_seed(0)
    model = DenoisingAutoencoder(20, 7, corruption=Corruption("masking", 1.0))
    x = 0.98 * torch.rand(5, 20) + 0.01
    # every input is destroyed, so the code is that of the zero vector, and the target is x
    out = model.decode(model.encode(torch.zeros_like(x)))
    expected = F.binary_cross_entropy_with_logits(out, x, reduction="none").sum(1).mean()
    assert torch.allclose(model.loss(x)["loss"], expected)
    assert not torch.allclose(model.loss(torch.zeros_like(x))["loss"], expected)


def test_zero_corruption_is_the_ordinary_autoencoder():
    torch.manual_seed(0)
    dae = DenoisingAutoencoder(15, 6, corruption=Corruption("masking", 0.0))
    torch.manual_seed(0)
    ae = SigmoidAutoencoder(15, 6, tied=True)
    x = torch.rand(9, 15)
    assert torch.allclose(dae.loss(x)["loss"], ae.loss(x)["loss"])


def test_training_a_dae_lowers_its_clean_reconstruction_loss():
    g = torch.Generator().manual_seed(0)
    prototypes = (torch.rand(4, 64, generator=g) > 0.5).float()
    x = prototypes[torch.randint(4, (400,), generator=g)]
    model = DenoisingAutoencoder(64, 16, corruption=Corruption("masking", 0.25))
    before = evaluate_loss(model, x)["loss"]
    fit(model, x, TrainConfig(epochs=30, batch_size=20, lr=0.1, optimizer="sgd"), device="cpu")
    after = evaluate_loss(model, x)["loss"]
    assert after < 0.5 * before
    # it fills in destroyed inputs: reconstructions of corrupted prototypes are near the clean ones
    model.eval()
    noisy = Corruption("masking", 0.25)(prototypes, torch.Generator().manual_seed(1))
    assert (model.denoise(noisy) - prototypes).abs().mean() < (noisy - prototypes).abs().mean()


def test_bad_corruption_argument_is_a_value_error():
    with pytest.raises(ValueError, match="corruption must be"):
        DenoisingAutoencoder(4, 2, corruption=0.25)


def test_stack_shapes_and_features():
    model = StackedDenoisingAutoencoder(30, [20, 10, 5], 3)
    assert [layer.weight.shape for layer in model.layers] == [(20, 30), (10, 20), (5, 10)]
    x = torch.rand(4, 30)
    assert model(x).shape == (4, 3)
    assert torch.equal(model.features(x, 0), x)
    assert model.features(x, 2).shape == (4, 10)
    with pytest.raises(ValueError, match="depth"):
        model.features(x, 4)


def test_each_layer_is_pretrained_on_the_uncorrupted_codes_below(monkeypatch):
    torch.manual_seed(0)
    model = StackedDenoisingAutoencoder(25, [12, 8, 6], 2, corruption=Corruption("masking", 0.5))
    x = torch.rand(60, 25)
    calls = []
    real_fit = dae_module.fit

    def spy(layer, data, config, **kwargs):
        calls.append((layer, data.clone()))
        return real_fit(layer, data, config, **kwargs)

    monkeypatch.setattr(dae_module, "fit", spy)
    model.pretrain(x, TrainConfig(epochs=2, batch_size=10, lr=0.1, optimizer="sgd"), device="cpu")
    assert [c[0] for c in calls] == list(model.layers)
    assert torch.equal(calls[0][1], x)  # layer 1 sees the raw data; it corrupts it itself
    with torch.no_grad():
        for k in (1, 2):  # clean codes of the *trained* layers below: no zeros from masking
            clean = x
            for layer in model.layers[:k]:
                clean = torch.sigmoid(clean @ layer.weight.T + layer.hidden_bias)
            assert torch.allclose(calls[k][1], clean)
            assert (calls[k][1] == 0).sum() == 0


def test_pretraining_then_finetuning_learns_a_separable_task():
    g = torch.Generator().manual_seed(0)
    y = torch.randint(2, (300,), generator=g)
    x = (
        torch.rand(300, 40, generator=g) < 0.2 + 0.6 * y[:, None] * (torch.arange(40) < 20)
    ).float()
    model = StackedDenoisingAutoencoder(40, [30, 20], 2, corruption=Corruption("masking", 0.25))
    histories = model.pretrain(x, TrainConfig(epochs=5, batch_size=20, lr=0.1, optimizer="sgd"))
    assert len(histories) == 2
    assert all(h.train["loss"][-1] < h.train["loss"][0] for h in histories)
    h = model.finetune(
        (x[:200], y[:200]),
        TrainConfig(epochs=30, batch_size=20, lr=0.1, optimizer="sgd", early_stopping=5),
        valid=(x[200:], y[200:]),
    )
    assert min(h.valid["error"]) < 10.0


# --------------------------------------------------------------------------- filter measure


def _blob(sigma, side=28, centre=13.5):
    yy, xx = np.mgrid[:side, :side]
    return np.exp(-((yy - centre) ** 2 + (xx - centre) ** 2) / (2 * sigma**2))


def test_a_run_is_stopped_only_when_it_ended_before_its_epochs_without_early_stopping():
    from aebook.train import History

    config = TrainConfig(epochs=3, early_stopping=1)
    finished, cut = History(samples_seen=[1, 2, 3]), History(samples_seen=[1])
    early = History(samples_seen=[1, 2], stopped_early=True)
    assert [dae_module.stopped(h, config) for h in (finished, cut, early)] == [False, True, False]


def test_correlation_area_of_white_noise_is_one_pixel():
    noise = np.random.default_rng(0).normal(size=(200, 784))
    areas = correlation_area(noise, (28, 28))
    assert areas.shape == (200,)
    assert areas.mean().item() == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("sigma", [1.5, 2.0, 2.5])
def test_correlation_area_of_a_gaussian_blob_is_the_disc_of_its_autocorrelation(sigma):
    area = correlation_area(_blob(sigma)[None], (28, 28)).item()
    assert area == pytest.approx(4 * math.pi * math.log(2) * sigma**2, rel=0.15)


def test_correlation_area_grows_from_noise_to_blobs_to_strokes_to_large_parts():
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(1, 28, 28))
    small_blob = _blob(1.0)[None]
    stroke = np.zeros((1, 28, 28))
    stroke[0, 13:15, 4:24] = 1.0  # a bar 20 pixels long, 2 wide
    large_part = _blob(4.0)[None]
    areas = [correlation_area(f, (28, 28)).item() for f in (noise, small_blob, stroke, large_part)]
    assert areas == sorted(areas), areas
    assert areas[0] == 1 and areas[1] < areas[2] / 2


def test_correlation_area_ignores_echoes_of_a_periodic_pattern():
    stripes = np.tile(np.cos(np.arange(28) * 2 * math.pi / 7), (28, 1))[None]  # period 7 pixels
    area = correlation_area(stripes, (28, 28)).item()
    assert area < 4 * 28  # one band of shifts around zero, not one per period


def test_pixel_weights_mask_out_pixels_the_data_never_use():
    rng = np.random.default_rng(2)
    envelope = _blob(6.0).reshape(784)  # smooth, like the pixel std of MNIST
    noise = rng.normal(size=(200, 784))
    assert correlation_area(noise, (28, 28), pixel_weights=envelope).mean().item() == (
        pytest.approx(1.0, abs=0.1)
    )
    # a blob in the middle drowned in noise on the border: the border stops counting
    blob = _blob(2.0).reshape(1, 784)
    border = np.ones(784, dtype=bool)
    border.reshape(28, 28)[6:22, 6:22] = False
    drowned = blob + 3 * np.where(border, rng.normal(size=784), 0.0)
    assert correlation_area(drowned, (28, 28)).item() < 5
    inside = (~border).astype(float)
    masked = correlation_area(drowned, (28, 28), pixel_weights=inside).item()
    assert masked == pytest.approx(correlation_area(blob, (28, 28)).item(), rel=0.15)
    with pytest.raises(ValueError, match="pixel_weights"):
        correlation_area(blob, (28, 28), pixel_weights=np.ones(10))


def test_correlation_area_ignores_scale_sign_and_mean_and_checks_its_arguments():
    f = _blob(2.0)[None]
    a = correlation_area(f, (28, 28)).item()
    assert correlation_area(-3 * f + 5, (28, 28)).item() == pytest.approx(a)
    assert correlation_area(np.ones((1, 784)), (28, 28)).item() == 0.0
    with pytest.raises(ValueError, match="image_shape"):
        correlation_area(np.ones((2, 100)), (28, 28))
    with pytest.raises(ValueError, match="level"):
        correlation_area(f, (28, 28), level=1.5)
