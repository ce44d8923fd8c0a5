"""The autoencoder families of the survey (Bank et al. 2020): each one's loss is what it claims to
be, and a short training run moves the code in the direction its regularizer asks for."""

import pytest
import torch

from aebook.corruption import Corruption
from aebook.evaluate.codes import hoyer_sparsity
from aebook.models import (
    WAE,
    AdversarialAutoencoder,
    ContractiveAutoencoder,
    MLPAutoencoder,
    MLPDenoisingAutoencoder,
    SparseAutoencoder,
)
from aebook.objectives import bernoulli_nll
from aebook.objectives.penalties import jacobian_frobenius, kl_sparsity, mmd_imq
from aebook.train import TrainConfig, fit


def toy_data(n=512, d=20, seed=0):
    """Points of [0, 1]^d near a 2-D manifold."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, 2, generator=g)
    a = torch.randn(2, d, generator=g) * 2
    return torch.sigmoid(z @ a + 0.1 * torch.randn(n, d, generator=g))


def train(model, x, epochs=30, lr=1e-2, seed=0):
    fit(
        model,
        x,
        TrainConfig(epochs=epochs, batch_size=64, lr=lr, seed=seed),
        device="cpu",
        progress=False,
    )
    return model.eval()


def test_sparse_l1_loss_is_reconstruction_plus_weighted_l1_on_relu_codes():
    torch.manual_seed(0)
    x = toy_data(32)
    model = SparseAutoencoder([20, 16, 8], penalty="l1", weight=0.3)
    code = model.encode(x)
    assert (code >= 0).all()
    out = model.loss(x)
    rec = bernoulli_nll(x, model.decode(code)).mean()
    torch.testing.assert_close(out["reconstruction"], rec)
    torch.testing.assert_close(out["penalty"], code.abs().sum(1).mean())
    torch.testing.assert_close(out["loss"], rec + 0.3 * out["penalty"])


def test_sparse_kl_uses_sigmoid_codes_and_the_batch_kl():
    torch.manual_seed(0)
    x = toy_data(32)
    model = SparseAutoencoder([20, 16, 8], penalty="kl", weight=2.0, rho=0.1)
    code = model.encode(x)
    assert (code > 0).all() and (code < 1).all()
    out = model.loss(x)
    torch.testing.assert_close(out["penalty"], kl_sparsity(code, 0.1))
    torch.testing.assert_close(out["loss"], out["reconstruction"] + 2.0 * out["penalty"])


def test_sparsity_penalties_make_codes_sparser_than_a_plain_autoencoder():
    x = toy_data()
    torch.manual_seed(0)
    plain = train(MLPAutoencoder([20, 32, 16], reconstruction="cross_entropy"), x)
    torch.manual_seed(0)
    l1 = train(SparseAutoencoder([20, 32, 16], penalty="l1", weight=0.05), x)
    torch.manual_seed(0)
    kl = train(SparseAutoencoder([20, 32, 16], penalty="kl", weight=1.0, rho=0.05), x)
    with torch.no_grad():
        s_plain, s_l1 = hoyer_sparsity(plain.encode(x)), hoyer_sparsity(l1.encode(x))
        mean_activation = kl.encode(x).mean(0)
    assert s_l1 > s_plain + 0.2, (s_plain, s_l1)
    # every unit's mean activation is pulled to the target rate (it starts near 0.5)
    assert (mean_activation - 0.05).abs().max() < 0.03, mean_activation


def test_sparse_arguments_are_checked():
    with pytest.raises(ValueError, match="penalty must be one of l1, kl"):
        SparseAutoencoder([4, 2], penalty="l2")
    with pytest.raises(ValueError, match="rho"):
        SparseAutoencoder([4, 2], penalty="kl", rho=0.0)
    with pytest.raises(ValueError, match="weight"):
        SparseAutoencoder([4, 2], weight=-1.0)


@pytest.mark.parametrize("kind, level", [("gaussian", 0.5), ("masking", 0.5)])
def test_denoising_corrupts_only_in_training_and_reconstructs_the_clean_input(kind, level):
    torch.manual_seed(0)
    x = toy_data(64)
    model = MLPDenoisingAutoencoder([20, 16, 8], corruption=Corruption(kind, level))
    clean = bernoulli_nll(x, model.decode(model.encode(x))).mean()
    model.eval()
    torch.testing.assert_close(model.loss(x)["loss"], clean)  # eval: no corruption
    model.train()
    torch.manual_seed(1)
    noisy = model.loss(x)
    torch.manual_seed(1)
    seen = Corruption(kind, level)(x)  # the same draw of the global RNG
    expected = bernoulli_nll(x, model.decode(model.encode(seen))).mean()
    torch.testing.assert_close(noisy["loss"], expected)
    assert not torch.allclose(noisy["loss"], clean)


def test_denoising_needs_a_corruption_config():
    with pytest.raises(ValueError, match="corruption must be"):
        MLPDenoisingAutoencoder([4, 2], corruption="gaussian")


def test_contractive_penalty_is_the_encoder_jacobian_and_training_shrinks_it():
    torch.manual_seed(0)
    x = toy_data()
    model = ContractiveAutoencoder(20, 8, decoder_hidden=(16,), weight=1.0)
    out = model.loss(x[:16])
    exact = jacobian_frobenius(model.encode, x[:16]).mean()
    torch.testing.assert_close(out["penalty"], exact, rtol=1e-5, atol=1e-6)

    jac = {}
    for weight in (0.0, 1.0):
        torch.manual_seed(0)
        m = train(ContractiveAutoencoder(20, 8, decoder_hidden=(16,), weight=weight), x)
        jac[weight] = jacobian_frobenius(m.encode, x[:100]).mean().item()
    assert jac[1.0] < 0.5 * jac[0.0], jac


def test_wae_loss_and_its_penalty_pull_the_codes_to_the_prior():
    torch.manual_seed(0)
    x = toy_data()
    model = WAE(20, 2, (32,), mmd_weight=5.0)
    torch.manual_seed(3)
    out = model.loss(x[:64])
    torch.manual_seed(3)
    z = model.encode(x[:64])
    expected_mmd = mmd_imq(z, torch.randn(64, 2))
    torch.testing.assert_close(out["mmd"], expected_mmd)
    torch.testing.assert_close(out["loss"], out["reconstruction"] + 5.0 * out["mmd"])

    g = torch.Generator().manual_seed(0)
    mmd = {}
    for weight in (0.0, 10.0):
        torch.manual_seed(0)
        m = train(WAE(20, 2, (32,), mmd_weight=weight), x, epochs=15)
        with torch.no_grad():
            mmd[weight] = mmd_imq(m.encode(x), torch.randn(len(x), 2, generator=g)).item()
    assert mmd[10.0] < 0.25 * mmd[0.0], mmd
    samples = m.sample(7, torch.Generator().manual_seed(1))
    assert samples.shape == (7, 20) and 0 <= samples.min() and samples.max() <= 1


def _grads(model, loss):
    model.zero_grad()
    loss.backward(retain_graph=True)
    return {
        n: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
        for n, p in model.named_parameters()
    }


def test_aae_routes_each_players_gradient_to_its_own_parameters():
    torch.manual_seed(0)
    x = toy_data(32)
    model = AdversarialAutoencoder(20, 3, (16,), discriminator_sizes=(8,), adversarial_weight=0.7)
    torch.manual_seed(5)
    out = model.loss(x)
    combined = _grads(model, out["loss"])
    # the three objectives, recomputed with the same prior draw, without any stop-gradient
    torch.manual_seed(5)
    z = model.encode(x)
    prior = torch.randn(32, 3)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    rec = bernoulli_nll(x, model.decode(z)).mean()
    real, fake = model.discriminate(prior), model.discriminate(z)
    disc = bce(real, torch.ones(32)) + bce(fake, torch.zeros(32))
    gen = bce(fake, torch.ones(32))
    torch.testing.assert_close(out["reconstruction"], rec)
    torch.testing.assert_close(out["discriminator"], disc)
    torch.testing.assert_close(out["generator"], gen)
    g_rec, g_disc, g_gen = _grads(model, rec), _grads(model, disc), _grads(model, gen)
    for name, grad in combined.items():
        if name.startswith("discriminator."):
            expected = g_disc[name]  # D follows its own loss only
        elif name.startswith("encoder."):
            expected = g_rec[name] + 0.7 * g_gen[name]  # not pushed by D's loss
        else:
            expected = g_rec[name]  # the decoder only reconstructs
        torch.testing.assert_close(grad, expected, msg=name)
    assert any(g.abs().sum() > 0 for n, g in g_disc.items() if n.startswith("encoder."))


def test_aae_training_brings_codes_towards_the_prior():
    x = toy_data()
    g = torch.Generator().manual_seed(0)
    mmd = {}
    for weight in (0.0, 1.0):
        torch.manual_seed(0)
        m = train(
            AdversarialAutoencoder(
                20, 2, (32,), discriminator_sizes=(32, 32), adversarial_weight=weight
            ),
            x,
            epochs=40,
            lr=3e-3,
        )
        with torch.no_grad():
            mmd[weight] = mmd_imq(m.encode(x), torch.randn(len(x), 2, generator=g)).item()
    assert mmd[1.0] < 0.5 * mmd[0.0], mmd
    assert m.sample(5).shape == (5, 20)
    with pytest.raises(ValueError, match="adversarial_weight"):
        AdversarialAutoencoder(4, 2, adversarial_weight=-1)


def test_decoder_weight_decay_adds_the_squared_norm_of_the_decoder_weights():
    torch.manual_seed(0)
    x = toy_data(32)
    model = SparseAutoencoder([20, 16, 8], penalty="kl", weight=2.0, decoder_weight_decay=0.1)
    out = model.loss(x)
    norm2 = model.decoder[0].weight.pow(2).sum() + model.decoder[2].weight.pow(2).sum()
    torch.testing.assert_close(out["decoder_weight_norm2"], norm2)
    expected = out["reconstruction"] + 2.0 * out["penalty"] + 0.1 * norm2
    torch.testing.assert_close(out["loss"], expected)
    with pytest.raises(ValueError, match="decoder_weight_decay"):
        SparseAutoencoder([4, 2], decoder_weight_decay=-1.0)
