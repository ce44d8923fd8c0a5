"""Few labels among many images: the balanced draw and the mixed training set."""

import pytest
import torch

from aebook.data.labels import UNLABELLED, balanced_subset, mix_labelled


def test_balanced_subset_draws_the_same_number_of_each_class():
    labels = torch.arange(10).repeat(30)
    idx = balanced_subset(labels, 50, seed=3)
    assert torch.equal(torch.bincount(labels[idx]), torch.full((10,), 5))
    assert torch.equal(idx, balanced_subset(labels, 50, seed=3))
    assert not torch.equal(idx, balanced_subset(labels, 50, seed=4))
    with pytest.raises(ValueError, match="multiple"):
        balanced_subset(labels, 55)
    with pytest.raises(ValueError, match="fewer"):
        balanced_subset(labels, 400)


def test_mix_labelled_repeats_the_labels_to_the_wanted_share():
    xu = torch.zeros(900, 3)
    xl, yl = torch.ones(10, 3), torch.arange(10)
    x, y = mix_labelled(xu, xl, yl, labelled_share=0.1)
    assert len(x) == 1000 and int((y == UNLABELLED).sum()) == 900
    assert torch.equal(torch.bincount(y[y >= 0]), torch.full((10,), 10))
    assert torch.equal(x[y >= 0], torch.ones(100, 3))
    with pytest.raises(ValueError, match="labelled_share"):
        mix_labelled(xu, xl, yl, labelled_share=1.0)
    with pytest.raises(ValueError, match="class indices"):
        mix_labelled(xu, xl, -yl - 1)


def test_half_labelled_the_labels_are_repeated_to_the_number_of_unlabelled_examples():
    x = torch.arange(10.0)[:, None]
    y = torch.arange(10) % 2
    xs, ys = mix_labelled(x[2:], x[:2], y[:2], labelled_share=0.5)
    assert len(xs) == 16 and (ys == UNLABELLED).sum() == 8
    assert set(xs[ys != UNLABELLED, 0].tolist()) == {0.0, 1.0}
    assert ys[ys != UNLABELLED].tolist() == [0, 1] * 4
