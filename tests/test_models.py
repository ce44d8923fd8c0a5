import numpy as np
import pytest
import torch

from aebook.evaluate import pca_baseline, pca_resampling, principal_angles
from aebook.models import LinearAutoencoder, MLPAutoencoder, SigmoidAutoencoder, mlp
from aebook.train import TrainConfig, fit


def test_tied_weights_are_one_parameter():
    tied = SigmoidAutoencoder(30, 10, tied=True)
    untied = SigmoidAutoencoder(30, 10, tied=False)
    names = {n for n, _ in tied.named_parameters()}
    assert names == {"weight", "hidden_bias", "visible_bias"}
    assert (
        sum(p.numel() for p in untied.parameters()) - sum(p.numel() for p in tied.parameters())
        == 30 * 10
    )
    x = torch.rand(5, 30)
    tied.loss(x)["loss"].backward()
    assert tied.weight.grad is not None  # encoder and decoder both push on the one matrix


def test_shapes_and_ranges():
    x = torch.rand(7, 30)
    for model in (
        LinearAutoencoder(30, 4),
        SigmoidAutoencoder(30, 12),
        MLPAutoencoder([30, 16, 4]),
        MLPAutoencoder([30, 16, 4], reconstruction="cross_entropy"),
    ):
        assert model.reconstruct(x).shape == x.shape
        out = model.loss(x)
        assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])
    assert SigmoidAutoencoder(30, 12).encode(x).min() >= 0  # sigmoid codes
    assert 0 <= SigmoidAutoencoder(30, 12).reconstruct(x).min()


def test_bad_arguments():
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        SigmoidAutoencoder(3, 2, reconstruction="hinge")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp([3, 2], activation="swish")


def test_linear_autoencoder_spans_the_pca_subspace():
    """Baldi & Hornik: a linear AE trained with squared error spans the top-p principal subspace."""
    g = torch.Generator().manual_seed(0)
    d, p, n = 20, 3, 2000
    scales = torch.tensor([5.0, 4.0, 3.0] + [0.5] * (d - p))  # a clear gap after p components
    basis, _ = torch.linalg.qr(torch.randn(d, d, generator=g))
    x = (torch.randn(n, d, generator=g) * scales) @ basis.T + 2.0
    torch.manual_seed(0)
    model = LinearAutoencoder(d, p)
    cfg = TrainConfig(epochs=200, batch_size=100, lr=1e-2, lr_schedule="cosine")
    fit(model, x, cfg, device="cpu", progress=False)
    pca = pca_baseline(x, x, p)
    angles = principal_angles(model.decoder.weight, pca.components)
    assert angles.max() < 1.0, angles
    err = ((x - model.reconstruct(x).detach()) ** 2).sum(1).mean().item()
    assert err == pytest.approx(pca.test_error, rel=0.01)


def test_principal_angles_ignore_the_basis():
    g = np.random.default_rng(0)
    a = g.normal(size=(10, 3))
    mix = g.normal(size=(3, 3))
    np.testing.assert_allclose(principal_angles(a, a @ mix), 0.0, atol=1e-5)
    e = np.eye(4)
    np.testing.assert_allclose(principal_angles(e[:, :1], e[:, 1:2]), [90.0])


def test_pca_resampling_moves_less_with_more_data():
    """Bootstrap refits of PCA spread around the full-data subspace, by about 1/sqrt(n)."""
    g = torch.Generator().manual_seed(0)
    d, p = 20, 3
    scales = torch.tensor([5.0, 4.0, 3.0, 2.5] + [0.5] * (d - 4))  # a small gap after p
    basis, _ = torch.linalg.qr(torch.randn(d, d, generator=g))
    spread = {}
    for n in (500, 8000):
        x = (torch.randn(n, d, generator=g) * scales) @ basis.T + 2.0
        pca = pca_baseline(x, x[:200], p)
        r = pca_resampling(x, x[:200], pca, draws=19, seed=1)
        assert r.angles_deg.shape == r.excess.shape == (19,)
        assert (r.angles_deg > 0).all() and np.isfinite(r.excess).all()
        spread[n] = np.median(r.angles_deg)
    assert 2 < spread[500] / spread[8000] < 8  # sqrt(16) = 4
    with pytest.raises(ValueError, match="draws must be"):
        pca_resampling(x, x, pca, draws=0)
