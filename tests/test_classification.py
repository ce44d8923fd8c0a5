"""The classification page: few-label errors of every classifier and their table."""

import dataclasses

import torch

from aebook.experiments.classification import (
    SETTINGS,
    classifiers,
    error_table,
    few_label_errors,
    mean_percent,
)


def test_the_criteria_are_the_claims_themselves():
    """A gain must be >= 0 in every profile, written in the page: no setting loosens the claim."""
    for cfg in SETTINGS.values():
        assert not [f.name for f in dataclasses.fields(cfg) if f.name.startswith("min_gain")]
    assert SETTINGS["standard"].label_counts == (100, 600, 1000, 3000)


def _blobs(n_per_class=40, seed=0):
    """Ten well-separated Gaussian blobs in 5-D (the same centres for every seed)."""
    centres = torch.randn(10, 5, generator=torch.Generator().manual_seed(123)) * 6
    y = torch.arange(10).repeat_interleave(n_per_class)
    x = centres[y] + torch.randn(len(y), 5, generator=torch.Generator().manual_seed(seed))
    return x, y


def test_few_label_errors_on_separable_blobs():
    x, y = _blobs()
    x_test, y_test = _blobs(seed=1)
    noise = torch.randn_like(x) * 10
    errors = few_label_errors(
        {"informative": (x, x_test), "noise": (noise, torch.randn_like(x_test) * 10)},
        y,
        y_test,
        (10, 50),
        classifiers(10.0, 1.0),
        draws=2,
    )
    assert set(errors) == {
        "SVM (RBF) on informative",
        "logistic regression on informative",
        "SVM (RBF) on noise",
        "logistic regression on noise",
    }
    assert mean_percent(errors["logistic regression on informative"][50]) < 5
    assert mean_percent(errors["SVM (RBF) on noise"][50]) > 70
    assert all(len(per[c]) == 2 for per in errors.values() for c in (10, 50))
    table = error_table(errors)._repr_markdown_()
    assert "| method | 10 labels | 50 labels |" in table and "mean of 2" in table
