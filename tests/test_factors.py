"""The shapes data set with known factors (dSprites-like), rendered in code."""

import math

import pytest
import torch

from aebook.data.factors import (
    FACTOR_NAMES,
    FactorSpec,
    make_factor_dataset,
    render,
    sample_factors,
)

SPEC = FactorSpec(image_size=32)


def test_shapes_sizes_and_ranges():
    data = make_factor_dataset(300, SPEC, seed=1)
    assert data.x.shape == (300, 32 * 32) and data.factors.shape == (300, len(FACTOR_NAMES))
    assert data.x.min() >= 0 and data.x.max() <= 1 and data.image_shape == (32, 32)
    assert (data.factors.max(0).values < torch.tensor(SPEC.sizes)).all()
    assert (data.x.sum(1) > 0).all()  # every image shows a shape


def test_same_seed_same_data_and_factors_are_uniform():
    a, b = make_factor_dataset(50, SPEC, seed=3), make_factor_dataset(50, SPEC, seed=3)
    assert torch.equal(a.x, b.x) and torch.equal(a.factors, b.factors)
    f = sample_factors(30_000, SPEC, seed=0)
    counts = torch.bincount(f[:, 0], minlength=3).float() / len(f)
    assert (counts - 1 / 3).abs().max() < 0.02


def _corners(spec):
    rows = [
        [shape, spec.n_scales - 1, rot, x, y]
        for shape in range(3)
        for rot in range(spec.n_rotations)
        for x in (0, spec.n_positions - 1)
        for y in (0, spec.n_positions - 1)
    ]
    return torch.tensor(rows)


@pytest.mark.parametrize("spec", [SPEC, FactorSpec(image_size=64, n_positions=32)])
def test_the_largest_shapes_at_the_extreme_positions_stay_inside_the_image(spec):
    img = render(_corners(spec), spec).view(-1, spec.image_size, spec.image_size)
    border = torch.cat([img[:, 0], img[:, -1], img[:, :, 0], img[:, :, -1]], 1)
    assert border.max() == 0


def test_each_factor_changes_the_image_as_it_should():
    base = torch.tensor([[0, 3, 0, 7, 7]])
    img = render(base, SPEC).view(32, 32)

    def with_(i, v):
        f = base.clone()
        f[0, i] = v
        return render(f, SPEC).view(32, 32)

    # scale grows the area
    assert with_(1, 5).sum() > img.sum() > with_(1, 0).sum()
    # x moves the shape right, y moves it up (rows count downwards)
    cols = torch.arange(32.0)
    centre_x = lambda im: (im.sum(0) * cols).sum() / im.sum()
    centre_row = lambda im: (im.sum(1) * cols).sum() / im.sum()
    assert centre_x(with_(3, 12)) > centre_x(img) + 3
    assert centre_row(with_(4, 12)) < centre_row(img) - 3
    # a square turned by 90° would be itself; the grid stops short of a quarter turn
    assert SPEC.values(torch.tensor([[0, 0, SPEC.n_rotations - 1, 0, 0]]))[0, 2] < math.pi / 2
    assert not torch.equal(with_(2, 3), img)
    # the three shapes are different images
    assert not torch.equal(with_(0, 1), img) and not torch.equal(with_(0, 2), with_(0, 1))


def test_rotation_is_a_rotation_of_the_same_shape():
    f = torch.tensor([[2, 5, 0, 7, 7], [2, 5, 5, 7, 7]])  # the heart, unturned and turned by 45°
    a, b = render(f, SPEC)
    assert abs(a.sum() - b.sum()) / a.sum() < 0.05  # the area is kept


def test_bad_factors_are_refused():
    with pytest.raises(ValueError, match="factor indices must lie"):
        render(torch.tensor([[3, 0, 0, 0, 0]]), SPEC)
    with pytest.raises(ValueError, match="shape"):
        render(torch.zeros(2, 4, dtype=torch.long), SPEC)
    with pytest.raises(ValueError, match="image_size"):
        FactorSpec(image_size=4)


def test_generated_factor_images_record_their_recipe_and_seed():
    data = make_factor_dataset(4, FactorSpec(image_size=8, supersample=1), seed=5)
    assert data.provenance["kind"] == "generated" and data.provenance["seed"] == 5
    assert data.provenance["spec"]["image_size"] == 8
    assert data.to("cpu").provenance == data.provenance
