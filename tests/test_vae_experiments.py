"""The chapter's experiment helpers: the paper's step-size choice and the per-N_z runs."""

import math

import pytest
import torch

from aebook.data.frey import FREY_FACE
from aebook.data.mnist import MNIST
from aebook.experiments.vae import SETTINGS, recipes, train_latent_sizes
from aebook.experiments.vae.figure2 import select_step_size
from aebook.models import PAPER_MNIST, VAERecipe

from conftest import needs_data


def tiny_data():
    g = torch.Generator().manual_seed(0)
    return torch.rand(300, 16, generator=g).round(), torch.rand(50, 16, generator=g).round()


def test_step_size_choice_prefers_the_step_that_trains_best():
    x, _ = tiny_data()
    recipe = VAERecipe((8,), "tanh", "adagrad", 0.02, init_std=0.01, prior_weight_decay=True)
    best, scores = select_step_size(
        recipe, lambda: recipe.build(16, 2), x, candidates=(1e-4, 0.02, 1e3), steps=3
    )
    assert set(scores) == {1e-4, 0.02, 1e3}
    assert best == max(scores, key=scores.get)
    assert scores[1e3] < scores[0.02] or not math.isfinite(scores[1e3])
    with pytest.raises(ValueError, match="steps"):
        select_step_size(recipe, lambda: recipe.build(16, 2), x, candidates=(0.1,), steps=0)


def test_runs_per_latent_size_resume_from_their_checkpoints(tmp_path):
    x, x_test = tiny_data()
    recipe = VAERecipe((8,), "tanh", "adam", 1e-2)
    runs = train_latent_sizes(
        recipe, (2, 3), x, x_test, epochs=2, lr=1e-2, checkpoint_dir=tmp_path, tag="t"
    )
    assert set(runs) == {2, 3}
    model, history = runs[3]
    assert model.latent_size == 3 and history.epochs == 2 and "elbo" in history.valid
    assert (tmp_path / "t-nz3.ckpt").exists()
    again = train_latent_sizes(
        recipe, (3,), x, x_test, epochs=2, lr=1e-2, checkpoint_dir=tmp_path, tag="t"
    )
    assert again[3][1].train["elbo"] == history.train["elbo"]  # restored, not retrained


def test_every_profile_names_a_known_recipe():
    for cfg in SETTINGS.values():
        mnist, frey = recipes(cfg.recipe)
        assert mnist.hidden_sizes and frey.hidden_sizes
    assert recipes(SETTINGS["paper"].recipe)[0] is PAPER_MNIST
    with pytest.raises(ValueError, match="recipe must be one of paper, modern"):
        recipes("fast")


@needs_data(MNIST, FREY_FACE)
def test_the_paper_settings_name_the_epochs_that_figure_2s_jobs_train():
    # the ledger reads the budget from these settings: they must be what the jobs ran
    from aebook.experiments.vae.figure2 import FREY_N_TEST, PAPER_EXAMPLES, figure2_data

    paper = SETTINGS["paper"]
    for dataset, epochs in (("mnist", paper.mnist_epochs), ("frey", paper.frey_epochs)):
        n_train = len(figure2_data(dataset)[0])
        assert epochs == math.ceil(PAPER_EXAMPLES / n_train)
        assert epochs * n_train >= PAPER_EXAMPLES > (epochs - 1) * n_train
    assert paper.frey_n_test == FREY_N_TEST


def test_the_jobs_table_says_where_each_curve_trained_and_costs_the_rest_at_its_last_speed():
    from aebook.experiments.vae import snapshot_table

    def session(start, end, hardware, seconds):
        return {
            "examples_from": start, "examples_to": end, "wall_seconds": seconds,
            "provenance": {"hardware": hardware},
        }  # fmt: skip

    snapshot = {
        "status": "unfinished", "examples": 2_000_000, "target": 10_000_000,
        "trained_examples": 2_000_000, "train_seconds": 3_600.0,
        "curve": [{"examples": 2_000_000, "test": -120.0, "test_se": 0.5}],
        "sessions": [session(0, 1_000_000, "AMD EPYC, 2 logical CPU cores, GPU: none", 3_000.0),
                     session(1_000_000, 2_000_000, "AMD EPYC, 16 logical CPU cores, GPU: NVIDIA H200",
                             600.0)],
    }  # fmt: skip
    table = snapshot_table({"mnist-nz5": snapshot})._repr_markdown_()
    # 8e6 examples left at the GPU's 600 s per 1e6: 4,800 s
    row = (
        "| mnist-nz5 | unfinished | 2e+06 of 1e+07 | -120.00 ± 0.50 | AMD EPYC, NVIDIA H200 | 1.3 |"
    )
    assert row in table


def test_the_page_reads_only_finished_jobs_and_checks_their_models(tmp_path, monkeypatch):
    import json

    from aebook.data.store import sha256_of
    from aebook.experiments.vae import JobsNotFinishedError, bound_errors, paper_runs
    from aebook.models import PAPER_FREY

    monkeypatch.setenv("AEBOOK_JOBS", str(tmp_path))
    assert paper_runs("frey") == {}  # nothing finished: nothing read, nothing trained
    assert paper_runs("mnist", latents=(2,)) == {}
    with pytest.raises(JobsNotFinishedError, match=r"run `python -m aebook.runner vae` first"):
        paper_runs("mnist")  # the page's later studies need an MNIST model: a clear stop
    with pytest.raises(ValueError, match="dataset must be one of mnist, frey"):
        paper_runs("cifar")
    folder = tmp_path / "vae" / "frey-nz2"
    folder.mkdir(parents=True)
    torch.manual_seed(0)
    model = PAPER_FREY.build(560, 2, "gaussian")
    torch.save(model.state_dict(), folder / "model.pt")
    curve = [{"examples": 10**8, "train": 900.0, "test": 880.0, "test_se": 12.5}]
    result = {"curve": curve, "models": {"model.pt": sha256_of(folder / "model.pt")}}
    (folder / "result.json").write_text(json.dumps(result))
    runs = paper_runs("frey")
    assert list(runs) == [2] and runs[2][1].valid["elbo"] == [880.0]
    loaded = runs[2][0].state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())
    assert bound_errors(runs, torch.rand(5, 560)) == {2: 12.5}  # the job's own error
    torch.save({k: v + 1 for k, v in model.state_dict().items()}, folder / "model.pt")
    with pytest.raises(ValueError, match="SHA-256 differs"):
        paper_runs("frey")


def test_a_bound_error_is_measured_when_the_run_has_none():
    from aebook.experiments.vae import bound_errors

    train, test = tiny_data()
    recipe = VAERecipe((8,), "tanh", "adagrad", 0.02, init_std=0.01, prior_weight_decay=True)
    runs = train_latent_sizes(recipe, (2,), train, test, epochs=1, lr=0.02)
    errors = bound_errors(runs, test)
    # the s.e. of a mean over 50 images: positive, and far below the bound's own size
    assert 0 < errors[2] < abs(runs[2][1].valid["elbo"][-1]) / 5
