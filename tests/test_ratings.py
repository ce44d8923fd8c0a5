"""aebook.data.ratings: rating triples checked, split and laid out as an item matrix."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from aebook.data.movielens import low_rank_ratings
from aebook.data.ratings import Ratings


def test_split_and_item_matrix():
    r = low_rank_ratings(50, 40, 400, seed=1)
    train, test = r.split(0.1, seed=0)
    assert (len(train), len(test)) == (360, 40)
    keys = lambda s: set((s.users * s.n_items + s.items).tolist())
    assert not keys(train) & keys(test) and len(keys(train) | keys(test)) == 400
    matrix, mask = train.item_matrix()
    assert matrix.shape == (40, 50) and int(mask.sum()) == 360
    assert torch.equal(matrix[train.items, train.users], train.values)
    assert float(matrix[~mask].abs().sum()) == 0.0
    with pytest.raises(ValueError, match="fraction"):
        r.split(1.0)
    with pytest.raises(ValueError, match="one entry per rating"):
        Ratings(
            torch.zeros(2, dtype=torch.long),
            torch.zeros(3, dtype=torch.long),
            torch.zeros(3),
            5,
            5,
            "x",
        )


def test_ratings_refuse_negative_indices_and_non_finite_values():
    ok = dict(users=torch.tensor([0, 1]), items=torch.tensor([0, 1]), values=torch.ones(2))
    with pytest.raises(ValueError, match="indices must lie in"):
        Ratings(**{**ok, "users": torch.tensor([0, -1])}, n_users=2, n_items=2, source="x")
    with pytest.raises(ValueError, match="NaN or inf"):
        Ratings(
            **{**ok, "values": torch.tensor([1.0, float("nan")])}, n_users=2, n_items=2, source="x"
        )


@settings(max_examples=40, deadline=None)
@given(
    bad=st.one_of(
        st.floats(max_value=0.0), st.floats(min_value=1.0), st.just(float("nan")), st.text()
    )
)
def test_split_fraction_must_be_a_number_strictly_between_0_and_1(bad):
    r = low_rank_ratings(20, 20, 100, seed=0)
    with pytest.raises((TypeError, ValueError), match="fraction must be"):
        r.split(bad)
