"""The learned-manifolds page: its settings, its guards' thresholds and its 2-D trainings."""

import inspect
import math

import pytest
import torch
from torch import nn

from aebook.data.binarized_mnist import BINARIZED_MNIST_MAT
from aebook.data.frey import FREY_FACE
from aebook.data.mnist import MNIST
from aebook.experiments.vae.figure2 import select_step_size
from aebook.experiments.vae_manifolds import SETTINGS, latent_free_log_likelihood, train_2d
from aebook.models import MODERN, PAPER_FREY, PAPER_MNIST, VAE, VAERecipe

from conftest import needs_data


def test_each_profile_names_known_recipes():
    from aebook.experiments.vae import recipes

    for cfg in SETTINGS.values():
        assert recipes(cfg.mnist_recipe)[0].hidden_sizes and recipes(cfg.frey_recipe)[1]
    standard = SETTINGS["standard"]
    assert recipes(standard.mnist_recipe)[0] is MODERN  # a few epochs of Adagrad: a blur
    assert recipes(standard.frey_recipe)[1] is PAPER_FREY
    paper = SETTINGS["paper"]
    assert recipes(paper.mnist_recipe)[0] is PAPER_MNIST
    assert recipes(paper.frey_recipe)[1] is PAPER_FREY


def test_the_paper_settings_describe_the_runners_2d_jobs():
    from aebook import runner
    from aebook.experiments.vae.figure2 import FREY_N_TEST, PAPER_EXAMPLES, figure2_job

    paper = SETTINGS["paper"]
    assert paper.mnist_epochs == math.ceil(PAPER_EXAMPLES / 60_000)
    assert paper.frey_epochs == math.ceil(PAPER_EXAMPLES / (1_965 - FREY_N_TEST))
    assert paper.frey_n_test == FREY_N_TEST and paper.mnist_n_test == 10_000
    defaults = inspect.signature(figure2_job).parameters
    assert paper.step_sizes == defaults["step_sizes"].default
    assert paper.step_selection_steps == defaults["step_selection_steps"].default
    keys = {job.key for job in runner.paper_jobs()}
    assert {"vae/mnist-nz2", "vae/frey-nz2"} <= keys  # the names the page prints


def test_smoke_guards_are_the_scores_of_decoders_that_have_not_trained():
    smoke = SETTINGS["smoke"]
    assert smoke.min_mnist_bound == pytest.approx(784 * math.log(0.5), abs=0.05)
    assert smoke.min_frey_bound == pytest.approx(-280 * math.log(2 * math.pi), abs=0.05)
    torch.manual_seed(0)  # the paper's initialisation stays below both
    x = torch.rand(200, 784).bernoulli()
    mnist = PAPER_MNIST.build(784, 2, "bernoulli").eval()
    assert mnist.elbo(x).mean() < smoke.min_mnist_bound
    frey = PAPER_FREY.build(560, 2, "gaussian").eval()
    assert frey.elbo(torch.rand(200, 560)).mean() < smoke.min_frey_bound


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_a_vae_that_ignores_its_code_scores_the_latent_free_log_likelihood(likelihood):
    g = torch.Generator().manual_seed(0)
    train, test = torch.rand(300, 12, generator=g), torch.rand(40, 12, generator=g)
    if likelihood == "bernoulli":
        test = test.round()
    model = VAE(12, 2, (5,), likelihood=likelihood).double()
    with torch.no_grad():
        for head in (model.encoder.mean, model.encoder.log_var):  # q(z|x) = the prior: KL = 0
            head.weight.zero_()
            head.bias.zero_()
        train = train.double()
        if likelihood == "bernoulli":
            p = (train.sum(0) + 1) / (len(train) + 2)
            last = [m for m in model.decoder.modules() if isinstance(m, nn.Linear)][-1]
            last.weight.zero_()
            last.bias.copy_(torch.logit(p))
        else:
            mean, var = train.mean(0), train.var(0, correction=0)
            for head, value in ((model.decoder.mean_head, torch.logit(mean)),
                                (model.decoder.log_var_head, var.log())):  # fmt: skip
                head.weight.zero_()
                head.bias.copy_(value)
    bound = model.eval().elbo(test.double()).mean().item()
    assert bound == pytest.approx(latent_free_log_likelihood(train, test, likelihood), abs=1e-9)
    with pytest.raises(ValueError, match="likelihood must be"):
        latent_free_log_likelihood(train, test, "poisson")


@needs_data(MNIST, FREY_FACE)
def test_the_guards_of_standard_and_paper_are_the_latent_free_log_likelihoods_rounded_down():
    from aebook.data import binarize, frey_faces, load_mnist

    mnist = load_mnist(n_valid=0, download=False)
    test = binarize(mnist.test.x, torch.Generator().manual_seed(1))
    mnist_value = latent_free_log_likelihood(mnist.train.x, test, "bernoulli")
    train, held_out = frey_faces(download=False).split(200, seed=0)
    frey_value = latent_free_log_likelihood(train.x, held_out.x, "gaussian")
    for profile in ("standard", "paper"):
        cfg = SETTINGS[profile]
        assert cfg.min_mnist_bound <= mnist_value < cfg.min_mnist_bound + 1
        assert cfg.min_frey_bound <= frey_value < cfg.min_frey_bound + 1


@needs_data(MNIST, BINARIZED_MNIST_MAT)
def test_the_chapters_other_guards_are_the_same_latent_free_log_likelihoods():
    """Figure 2's page and the likelihood page guard their MNIST numbers as this page does: above
    the best model without latents on their own test images, or above 784 ln 1/2 in smoke."""
    from aebook.experiments import vae, vae_likelihood

    coin = 784 * math.log(0.5)
    assert vae.SETTINGS["smoke"].min_mnist_bound == pytest.approx(coin, abs=0.05)
    for profile in ("standard", "paper"):
        assert vae.SETTINGS[profile].min_mnist_bound == SETTINGS[profile].min_mnist_bound
    for profile, cfg in vae_likelihood.SETTINGS.items():
        guards = {"dynamic": cfg.min_dynamic_ll, "static": cfg.min_static_ll}
        for binarization, guard in guards.items():
            if profile == "smoke":
                assert guard == pytest.approx(coin, abs=0.05)
                continue
            train, test, _ = vae_likelihood.likelihood_data(binarization, cfg)
            assert guard <= latent_free_log_likelihood(train, test) < guard + 1.5


def test_train_2d_chooses_adagrads_step_as_the_paper_and_keeps_adams_rate():
    g = torch.Generator().manual_seed(0)
    x, x_test = torch.rand(300, 16, generator=g).round(), torch.rand(50, 16, generator=g).round()
    adagrad = VAERecipe((8,), "tanh", "adagrad", 0.02, init_std=0.01, prior_weight_decay=True)
    candidates = (1e-4, 0.02, 1e3)
    model, history, step = train_2d(
        adagrad, x, x_test, epochs=2, step_sizes=candidates, step_selection_steps=3
    )

    def fresh():
        torch.manual_seed(0)
        return adagrad.build(16, 2)

    best, scores = select_step_size(adagrad, fresh, x, candidates=candidates, steps=3)
    assert step == best == max(scores, key=scores.get) and step != 1e3  # 10³ blows up
    assert model.latent_size == 2 and history.epochs == 2 and "elbo" in history.valid
    adam = VAERecipe((8,), "relu", "adam", 3e-3)
    faces = torch.rand(300, 16, generator=g)
    model, history, step = train_2d(adam, faces, faces[:50], epochs=1, likelihood="gaussian")
    assert step == 3e-3 and model.likelihood == "gaussian"


def test_an_unfinished_2d_job_is_absent_not_trained(tmp_path, monkeypatch):
    from aebook.experiments.vae import paper_runs

    monkeypatch.setenv("AEBOOK_JOBS", str(tmp_path))
    assert paper_runs("mnist", latents=(2,)) == {}
    assert paper_runs("frey", latents=(2,)) == {}
