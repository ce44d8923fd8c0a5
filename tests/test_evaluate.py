import pytest
import torch

from aebook.evaluate import classification_error


def test_error_and_interval_match_the_papers_convention():
    # Vincent et al. 2008, basic task: 2.80 % on 50,000 test examples is reported as ± 0.14
    labels = torch.zeros(50_000, dtype=torch.long)
    predictions = labels.clone()
    predictions[:1400] = 1
    err = classification_error(predictions, labels)
    assert err.percent == pytest.approx(2.80)
    assert round(err.ci95, 2) == 0.14
    assert str(err) == "2.80 ± 0.14 % (95 % interval)"


def test_scores_are_turned_into_classes():
    scores = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert classification_error(scores, torch.tensor([1, 0, 0])).percent == pytest.approx(100 / 3)


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="differ"):
        classification_error(torch.zeros(3), torch.zeros(4))
