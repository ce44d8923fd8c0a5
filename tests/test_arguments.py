"""Bad arguments fail at the call, with a message naming the argument, the value and what is
allowed: corruption levels, model sizes, β, Bernoulli targets and the shape and dtype of inputs."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from aebook.checks import check_batch, check_count, check_number
from aebook.corruption import Corruption, gaussian, masking, salt_and_pepper
from aebook.models import (
    VAE,
    LinearAutoencoder,
    MLPAutoencoder,
    SigmoidAutoencoder,
    StackedDenoisingAutoencoder,
    mlp,
)
from aebook.objectives import bernoulli_nll, gaussian_nll, reconstruction_loss, squared_error

settings.register_profile("aebook", max_examples=40, deadline=None)
settings.load_profile("aebook")

#: Values that are never a number: strings (even numeric ones), booleans, None, tensors.
not_numbers = st.one_of(
    st.text(max_size=4), st.booleans(), st.none(), st.just(torch.tensor(0.3)), st.just([0.3])
)
not_finite = st.sampled_from([math.nan, math.inf, -math.inf])


@given(level=st.one_of(not_finite, st.floats(max_value=-1e-9), st.floats(min_value=1 + 1e-9)))
def test_fraction_levels_outside_0_1_or_not_finite_are_refused(level):
    for kind in ("masking", "salt_and_pepper"):
        with pytest.raises(ValueError, match=r"level \(the fraction of corrupted components\)"):
            Corruption(kind, level)
    for fn in (masking, salt_and_pepper):
        with pytest.raises(ValueError, match=r"nu .* must be .*in \[0, 1\]; got"):
            fn(torch.rand(2, 5), level)


@given(level=not_numbers)
def test_levels_that_are_not_numbers_are_refused(level):
    for kind in ("masking", "salt_and_pepper", "gaussian"):
        with pytest.raises(TypeError, match=r"level .*must be a real number; got"):
            Corruption(kind, level)


@given(sigma=st.one_of(not_finite, st.floats(max_value=-1e-9)))
def test_gaussian_sigma_must_be_finite_and_non_negative(sigma):
    with pytest.raises(ValueError, match="sigma"):
        Corruption("gaussian", sigma)
    with pytest.raises(ValueError, match="sigma must be"):
        gaussian(torch.zeros(2, 3), sigma)


@given(level=st.floats(0, 1))
def test_valid_levels_are_kept(level):
    assert Corruption("masking", level).level == level


def test_unknown_corruption_kind_lists_the_kinds():
    with pytest.raises(ValueError, match="kind must be one of masking, gaussian, salt_and_pepper"):
        Corruption("dropout", 0.1)


@given(beta=st.one_of(not_finite, st.floats(max_value=-1e-9)))
def test_vae_beta_must_be_finite_and_non_negative(beta):
    with pytest.raises(ValueError, match="beta must be"):
        VAE(4, 2, (3,), beta=beta)


@given(beta=not_numbers)
def test_vae_beta_must_be_a_number(beta):
    with pytest.raises(TypeError, match="beta must be a real number"):
        VAE(4, 2, (3,), beta=beta)


bad_sizes = st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.text(max_size=2))


@given(size=bad_sizes)
def test_zero_negative_or_fractional_layer_sizes_are_refused(size):
    for build in (
        lambda: mlp([4, size, 3]),
        lambda: MLPAutoencoder([4, size]),
        lambda: SigmoidAutoencoder(4, size),
        lambda: SigmoidAutoencoder(size, 4),
        lambda: LinearAutoencoder(4, size),
        lambda: VAE(4, size),
        lambda: VAE(4, 2, (size,)),
        lambda: StackedDenoisingAutoencoder(4, [3, size], 2),
    ):
        with pytest.raises((TypeError, ValueError), match=r"size.* must be|must hold whole"):
            build()


@given(
    x=st.one_of(
        st.floats(min_value=1 + 1e-6, max_value=255),
        st.floats(max_value=-1e-6, min_value=-10),
        not_finite,
    )
)
def test_bernoulli_targets_outside_0_1_are_refused(x):
    target = torch.full((2, 3), 0.5)
    target[1, 2] = x
    with pytest.raises(ValueError, match=r"x must lie in \[0, 1\] \(Bernoulli targets\)"):
        bernoulli_nll(target, torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"Bernoulli"):
        VAE(3, 2, (4,)).loss(target)


def test_a_vae_on_0_255_pixels_is_refused_not_trained():
    pixels = torch.randint(0, 256, (8, 6)).float()
    with pytest.raises(ValueError, match=r"span \[\d+, 2\d\d\]"):
        VAE(6, 2, (4,)).loss(pixels)


def test_losses_refuse_shapes_that_would_broadcast():
    x = torch.rand(4, 3)
    for fn in (squared_error, lambda a, b: gaussian_nll(a, b), bernoulli_nll):
        with pytest.raises(ValueError, match=r"same shape; got \(4, 3\) and \(4, 1\)"):
            fn(x, torch.rand(4, 1))
    with pytest.raises(ValueError, match="reconstruction must be one of"):
        reconstruction_loss("l1", x, x)


def _models():
    return [
        SigmoidAutoencoder(784, 8),
        MLPAutoencoder([784, 16, 8]),
        LinearAutoencoder(784, 8),
        VAE(784, 2, (16,)),
        StackedDenoisingAutoencoder(784, [8], 10),
    ]


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (torch.rand(5, 28, 28), r"got torch.float32 of shape \(5, 28, 28\) \(flatten"),
        (torch.randint(0, 256, (5, 784), dtype=torch.uint8), r"x.float\(\) / 255"),
        (torch.rand(5, 784, dtype=torch.float64), r"convert with x.to\(torch.float32\)"),
        (torch.rand(784), r"shape \(784,\) \(one example: add the batch dimension"),
        (torch.rand(5, 100), r"shape \(5, 100\)"),
    ],
    ids=["unflattened", "uint8", "float64", "unbatched", "wrong-width"],
)
def test_model_inputs_name_the_expected_shape_and_dtype(x, message):
    for model in _models():
        name = type(model).__name__
        entry = model if isinstance(model, StackedDenoisingAutoencoder) else model.encode
        if x.ndim == 1:  # encode maps one example to one code; loss needs a batch
            assert entry(x).ndim == 1
        else:
            with pytest.raises((TypeError, ValueError), match=r"torch.float32 tensor of shape"):
                entry(x)
            with pytest.raises((TypeError, ValueError), match=message):
                entry(x)
        with pytest.raises((TypeError, ValueError), match=f"the input of {name}"):
            model.loss((x, torch.zeros(len(x), dtype=torch.long)))
        with pytest.raises((TypeError, ValueError), match=message):
            model.loss((x, torch.zeros(len(x), dtype=torch.long)))


def test_a_float64_model_takes_float64_inputs():
    model = SigmoidAutoencoder(6, 3).double()
    model.loss(torch.rand(4, 6, dtype=torch.float64))
    with pytest.raises(TypeError, match="torch.float64 tensor"):
        model.loss(torch.rand(4, 6))


@given(value=st.one_of(st.floats(min_value=0.5, max_value=1e6).filter(lambda v: v != int(v))))
def test_counts_refuse_fractions(value):
    with pytest.raises(TypeError, match="epochs must be an integer; got"):
        check_count("epochs", value)


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_check_number_names_the_interval(value):
    if 0 <= value <= 1:
        assert check_number("p", value, low=0, high=1) == value
    else:
        with pytest.raises(ValueError, match=r"p must be in \[0, 1\]; got"):
            check_number("p", value, low=0, high=1)


def test_check_batch_refuses_non_tensors():
    with pytest.raises(TypeError, match=r"x must be a torch.float32 tensor .*got list"):
        check_batch("x", [[0.0, 1.0]], 2)


# --------------------------------------------------------------------------- evaluation


def test_evaluation_checks_its_counts_before_any_work():
    from aebook.evaluate import in_batches
    from aebook.evaluate.anomaly import negative_elbo_scores
    from aebook.evaluate.classification import classification_error, predict
    from aebook.evaluate.codes import active_units
    from aebook.evaluate.likelihood import log_marginal_likelihood

    vae = VAE(6, 2, (4,))
    x = torch.rand(3, 6)
    calls = []
    vae.log_importance_weights = lambda *a: calls.append(a)  # must never be reached
    for kwargs, name in (({"k": 0}, "k"), ({"chunk": 2.5}, "chunk"), ({"batch_size": -1}, "batch")):
        with pytest.raises((TypeError, ValueError), match=f"{name}.* must be"):
            log_marginal_likelihood(vae, x, **kwargs)
    with pytest.raises(ValueError, match="x must hold at least one example"):
        log_marginal_likelihood(vae, x[:0])
    assert not calls
    with pytest.raises(TypeError, match="samples must be an integer"):
        negative_elbo_scores(vae, x, samples=1.5)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        in_batches(vae.encode, x, batch_size=0)
    with pytest.raises(ValueError, match=r"threshold must be a finite number in \[0, 1\]"):
        active_units(torch.rand(5, 3), threshold=math.nan)
    with pytest.raises(ValueError, match="predictions must hold at least one example"):
        classification_error(torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match="x must hold at least one example"):
        predict(StackedDenoisingAutoencoder(6, [3], 2), x[:0])


def test_an_interrupted_evaluation_restores_training_mode():
    from aebook.evaluate.likelihood import log_marginal_likelihood

    vae = VAE(6, 2, (4,))
    vae.train()

    def interrupted(*args):
        raise KeyboardInterrupt

    vae.log_importance_weights = interrupted
    with pytest.raises(KeyboardInterrupt):
        log_marginal_likelihood(vae, torch.rand(3, 6), k=2)
    assert vae.training
