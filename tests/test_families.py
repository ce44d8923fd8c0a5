"""The chapter's shared steps: every family builds, trains one step, and is measured the same way."""

import json
import math

import pytest
import torch

from aebook.evaluate.frechet import FrechetScorer
from aebook.experiments import settings
from aebook.experiments.families import COLUMNS, RecordedComparison, gaps, measure_family
from aebook.models import MLPClassifier
from aebook.models.families import FAMILIES, GENERATIVE, FamilyHyper, build_family
from aebook.profiles import PROFILES
from aebook.results.table import ComparisonTable
from aebook.train import TrainConfig, fit


def test_every_profile_has_settings():
    for profile in PROFILES:
        assert "| `n_train` |" in settings("families", profile)._repr_markdown_()


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_builds_trains_and_is_measured(name):
    torch.manual_seed(0)
    x = torch.rand(64, 30)
    model = build_family(name, FamilyHyper(), input_size=30, hidden_sizes=(16,), code_size=4)
    history = fit(model, x, TrainConfig(epochs=1, batch_size=32), device="cpu", progress=False)
    scorer = FrechetScorer(MLPClassifier(30, 2, (12, 8)).eval(), torch.rand(40, 30))
    row = measure_family(model, x, history=history, scorer=scorer, n_generated=40, n_jacobian=8)
    assert set(row) == set(COLUMNS)
    assert math.isnan(row["frechet"]) != (name in GENERATIVE)
    finite = {k: v for k, v in row.items() if k != "frechet"}
    assert all(math.isfinite(v) for v in finite.values()), finite
    assert 0 <= row["sparsity"] <= 1 and 1 <= row["active_units"] <= 4


def test_unknown_family_and_the_table():
    with pytest.raises(ValueError, match="name must be one of autoencoder"):
        build_family("rbm", FamilyHyper(), input_size=4, hidden_sizes=(), code_size=2)
    table = ComparisonTable({"a": {"sparsity": 0.5, "frechet": math.nan}}, COLUMNS, first="model")
    text = table._repr_markdown_()
    assert text.splitlines()[0].startswith("| model | test squared error")
    assert "| a | — |" in text and "0.50" in text
    assert gaps([1.0, 2.0], [1.5, 4.0]) == [0.5, 2.0]


def test_recorded_comparison_rebuilds_the_table_from_measurements(tmp_path):
    missing = RecordedComparison(tmp_path / "none.json")._repr_markdown_()
    assert "No recorded run" in missing
    run = {
        "chapter": "families",
        "profile": "standard",
        "date": "2026-11-21T18:00:00+00:00",
        "commit": "abcdef0123",
        "hardware": "x86_64, 2 CPU cores, GPU: none",
        "measurements": {"vae/squared_error": 9.49, "vae/frechet": 87.2, "aae/seconds": 107.0},
    }
    path = tmp_path / "run.json"
    path.write_text(json.dumps(run))
    text = RecordedComparison(path)._repr_markdown_()
    assert "`standard`" in text and "`abcdef0`" in text
    vae_row = next(line for line in text.splitlines() if line.startswith("| VAE |"))
    assert "| 9.49 |" in vae_row and "| 87.20 |" in vae_row
    plain_row = next(line for line in text.splitlines() if line.startswith("| autoencoder |"))
    assert plain_row.count("—") == len(COLUMNS)
