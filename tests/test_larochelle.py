"""The benchmark tasks of Larochelle et al. (2007): split sizes, balance, seeding, and the property
that defines each task. The digit tasks need MNIST (``AEBOOK_DATA``); the others need nothing."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay

from aebook.data import CorruptDataError, DataUnavailableError, larochelle
from aebook.data.larochelle import (
    GENERATED_DIFFERENCES,
    MNIST_TASKS,
    N_CLASSES,
    PAPER_SIZES,
    TASKS,
    SplitSizes,
    generate_split,
    is_lattice_convex,
    load_task,
    read_labelled_amat,
)
from aebook.data.mnist import MNIST

from conftest import needs_data, sha256

needs_mnist = needs_data(MNIST)
SMALL = SplitSizes(300, 100, 200)


def test_paper_split_sizes():
    assert PAPER_SIZES["basic"] == SplitSizes(10_000, 2_000, 50_000)
    assert all(PAPER_SIZES[t] == PAPER_SIZES["basic"] for t in MNIST_TASKS)
    assert PAPER_SIZES["rect"] == SplitSizes(1_000, 200, 50_000)
    assert PAPER_SIZES["convex"] == SplitSizes(6_000, 2_000, 50_000)
    assert set(PAPER_SIZES) == set(TASKS) == set(GENERATED_DIFFERENCES) == set(N_CLASSES)


@pytest.mark.parametrize("task", ["rect", "rect-img", "convex"])
def test_generated_binary_tasks_have_the_requested_sizes_and_balanced_labels(task):
    splits = load_task(task, sizes=SMALL, official=False)
    for part, n in zip((splits.train, splits.valid, splits.test), (300, 100, 200), strict=True):
        assert part.x.shape == (n, 784) and part.y.shape == (n,)
        assert part.x.dtype == torch.float32 and part.y.dtype == torch.int64
        assert 0 <= part.x.min() and part.x.max() <= 1
        assert torch.bincount(part.y).tolist() == [n // 2, n // 2]


@needs_mnist
@pytest.mark.parametrize("task", MNIST_TASKS)
def test_generated_digit_tasks_have_the_requested_sizes_and_all_ten_digits(task):
    splits = load_task(task, sizes=SplitSizes(2000, 100, 100), official=False)
    assert [len(p) for p in (splits.train, splits.valid, splits.test)] == [2000, 100, 100]
    assert 0 <= splits.train.x.min() and splits.train.x.max() <= 1
    share = torch.bincount(splits.train.y, minlength=10).float() / 2000
    assert share.min() > 0.07 and share.max() < 0.14  # about 10 % each


@needs_mnist
def test_digit_splits_are_disjoint_and_the_variations_share_their_digits():
    basic = load_task("basic", sizes=SMALL, official=False)
    rows = {tuple(r.tolist()) for r in basic.train.x[:, ::7]}
    assert not rows & {tuple(r.tolist()) for r in basic.test.x[:, ::7]}
    rot = load_task("rot", sizes=SMALL, official=False)
    assert torch.equal(rot.train.y, basic.train.y)
    assert not torch.allclose(rot.train.x, basic.train.x)
    # rotation keeps the ink: total intensity is nearly preserved (bilinear interpolation)
    ratio = rot.train.x.sum(1) / basic.train.x.sum(1)
    assert ratio.mean().item() == pytest.approx(1.0, abs=0.1)


@needs_mnist
@pytest.mark.parametrize("task", ["bg-rand", "bg-img"])
def test_backgrounds_are_laid_under_the_unchanged_digit(task):
    basic = load_task("basic", sizes=SMALL, official=False)
    varied = load_task(task, sizes=SMALL, official=False)
    assert torch.equal(varied.train.y, basic.train.y)
    assert torch.all(varied.train.x >= basic.train.x)  # the digit is kept, background added
    off = basic.train.x == 0
    assert varied.train.x[off].mean() > 0.2  # the background is not empty
    assert varied.train.x[off].std() > 0.1  # and not flat


def test_backgrounds_come_from_eighteen_distinct_grey_photographs():
    images = larochelle.natural_images()
    assert len(images) == len(larochelle.PHOTOGRAPHS) == 18
    for img in images:
        assert img.ndim == 2 and max(img.shape) <= larochelle.MAX_SIDE
        assert 0 <= img.min() and img.max() <= 1 and img.std() > 0.04
    small = [F.interpolate(img[None, None], size=(16, 16), mode="area").flatten() for img in images]
    gaps = torch.cdist(torch.stack(small), torch.stack(small))
    assert gaps[~torch.eye(18, dtype=torch.bool)].min() > 0.5  # no photograph twice


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_textured_sites_are_the_patches_whose_spread_reaches_the_threshold(seed):
    g = torch.Generator().manual_seed(seed)
    i = int(torch.randint(len(larochelle.PHOTOGRAPHS), (1,), generator=g))
    img, corners = larochelle._textured_sites()[i]
    h, w = img.shape
    r, c = (int(torch.randint(n - 27, (1,), generator=g)) for n in (h, w))
    std = img[r : r + 28, c : c + 28].double().std(unbiased=False)
    listed = bool(((corners[:, 0] == r) & (corners[:, 1] == c)).any())
    if abs(std - 0.1) > 1e-6:  # away from the threshold, where float rounding decides
        assert listed == (std >= 0.1)


@pytest.mark.parametrize("task", ["rect", "rect-img", "convex"])
def test_generation_is_seeded_and_deterministic(task):
    a = generate_split(task, "train", 50, seed=3)
    b = generate_split(task, "train", 50, seed=3)
    c = generate_split(task, "train", 50, seed=4)
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    assert not torch.equal(a.x, c.x)
    # each split has its own stream: train and test differ for the same seed
    assert not torch.equal(a.x, generate_split(task, "test", 50, seed=3).x)


@needs_mnist
def test_digit_task_generation_is_seeded_and_deterministic():
    a = generate_split("rot-bg-img", "valid", 40, seed=1)
    b = generate_split("rot-bg-img", "valid", 40, seed=1)
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    assert not torch.equal(a.x, generate_split("rot-bg-img", "valid", 40, seed=2).x)


def _bounding_box(image):
    rows, cols = np.nonzero(image.reshape(28, 28).numpy())
    return rows.min(), rows.max(), cols.min(), cols.max()


def test_rect_labels_are_tall_versus_wide_and_images_are_outlines():
    data = generate_split("rect", "train", 400)
    for image, label in zip(data.x, data.y, strict=True):
        top, bottom, left, right = _bounding_box(image)
        height, width = bottom - top + 1, right - left + 1
        assert label == int(height > width)
        assert abs(height - width) >= 3
        box = image.reshape(28, 28)[top : bottom + 1, left : right + 1]
        border = torch.ones_like(box, dtype=torch.bool)
        border[1:-1, 1:-1] = False
        assert torch.all(box[border] == 1) and torch.all(box[~border] == 0)
        assert image.sum() == box.sum()  # nothing outside the rectangle


def test_rect_img_labels_are_tall_versus_wide():
    g = torch.Generator().manual_seed(0)
    top, left, height, width, labels = larochelle._rectangle_geometry(500, g, min_side=6)
    assert torch.equal(labels, (height > width).long())
    assert torch.all((height - width).abs() >= 3)
    assert torch.all(top + height <= 28) and torch.all(left + width <= 28)
    data = generate_split("rect-img", "train", 200)
    # inside and outside the rectangle come from different patches: images are not flat
    assert data.x.std(1).min() > 0.01


def _convex_by_delaunay(image) -> bool:
    """Independent check: no pixel centre inside the hull (Delaunay triangulation) is off."""
    centres = larochelle._pixel_centres().numpy()
    mask = image.bool().numpy()
    inside = Delaunay(centres[mask]).find_simplex(centres, tol=1e-9) >= 0
    return not np.any(inside & ~mask)


def test_convex_labels_are_correct():
    data = generate_split("convex", "train", 300)
    for image, label in zip(data.x, data.y, strict=True):
        assert image.sum() >= 19 or label == 0
        assert _convex_by_delaunay(image) == bool(label)
    assert torch.equal(is_lattice_convex(data.x.bool()), data.y.bool())


def test_convex_classes_have_the_same_white_area_on_average():
    data = generate_split("convex", "test", 1000)
    area = data.x.sum(1)
    convex, other = area[data.y == 1].mean(), area[data.y == 0].mean()
    assert abs(convex - other) / other < 0.1


def test_lattice_convexity_on_hand_made_sets():
    disc = torch.zeros(28, 28, dtype=torch.bool)
    yy, xx = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    disc[(yy - 14) ** 2 + (xx - 14) ** 2 <= 36] = True
    ring = disc.clone()
    ring[14, 14] = False
    ell = torch.zeros(28, 28, dtype=torch.bool)
    ell[5:20, 5] = True
    ell[19, 5:20] = True
    line = torch.zeros(28, 28, dtype=torch.bool)
    line[3, 2:9] = True
    gap = line.clone()
    gap[3, 5] = False
    masks = torch.stack([disc, ring, ell, line, gap]).reshape(5, 784)
    assert is_lattice_convex(masks).tolist() == [True, False, False, True, False]


def test_sizes_beyond_the_published_ones_and_unknown_tasks_are_refused():
    with pytest.raises(ValueError, match="at most 1000"):
        generate_split("rect", "train", 1001)
    with pytest.raises(ValueError, match="task must be one of basic"):
        load_task("mnist-noise")
    with pytest.raises(ValueError, match="split must be one of"):
        generate_split("rect", "dev", 10)


def _write_amat(path, x, y):
    np.savetxt(path, np.column_stack([x, y]), fmt="%.6g")
    return path


def test_official_files_are_read_when_present(tmp_path):
    rng = np.random.default_rng(0)
    names = larochelle.OFFICIAL_FILES["rect"]
    _write_amat(tmp_path / names[0], rng.random((1200, 784)), rng.integers(0, 2, 1200))
    _write_amat(tmp_path / names[1], rng.random((30, 784)), rng.integers(0, 2, 30))
    assert larochelle.is_official("rect", root=tmp_path)
    splits = load_task("rect", sizes=SplitSizes(1000, 200, 30), root=tmp_path)
    x_all, y_all = read_labelled_amat(tmp_path / names[0])
    assert torch.equal(splits.train.x, x_all[:1000])
    assert torch.equal(splits.valid.x, x_all[1000:])  # the last 200 rows are the validation set
    assert len(splits.test) == 30
    with pytest.raises(ValueError, match="the files hold 30"):
        load_task("rect", sizes=SplitSizes(10, 10, 31), root=tmp_path)
    # official=False ignores them
    assert not torch.equal(
        load_task("rect", sizes=SplitSizes(10, 10, 10), root=tmp_path, official=False).test.x,
        splits.test.x[:10],
    )


def test_damaged_amat_files_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    short = _write_amat(tmp_path / "short.amat", rng.random((5, 700)), np.zeros(5))
    with pytest.raises(CorruptDataError, match="785"):
        read_labelled_amat(short)
    bright = _write_amat(tmp_path / "bright.amat", 2 * rng.random((5, 784)), np.zeros(5))
    with pytest.raises(CorruptDataError, match=r"outside \[0, 1\]"):
        read_labelled_amat(bright)
    frac = _write_amat(tmp_path / "frac.amat", rng.random((5, 784)), np.full(5, 0.5))
    with pytest.raises(CorruptDataError, match="label"):
        read_labelled_amat(frac)
    text = tmp_path / "text.amat"
    text.write_text("not numbers\n")
    with pytest.raises(CorruptDataError, match="not a table"):
        read_labelled_amat(text)
    names = larochelle.OFFICIAL_FILES["rect"]
    _write_amat(tmp_path / names[0], rng.random((300, 784)), np.full(300, 7))
    _write_amat(tmp_path / names[1], rng.random((10, 784)), np.zeros(10))
    with pytest.raises(CorruptDataError, match="not a whole number in 0..1"):
        load_task("rect", sizes=SplitSizes(10, 10, 10), root=tmp_path)


def _rect_files(folder, rng, train_labels=None, test_labels=None):
    names = larochelle.OFFICIAL_FILES["rect"]
    y_train = rng.integers(0, 2, 300) if train_labels is None else train_labels
    y_test = rng.integers(0, 2, 10) if test_labels is None else test_labels
    _write_amat(folder / names[0], rng.random((300, 784)), y_train)
    _write_amat(folder / names[1], rng.random((10, 784)), y_test)
    return [folder / n for n in names]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("column", [0, 784])  # a pixel, the label
def test_non_finite_values_are_refused(tmp_path, value, column):
    rng = np.random.default_rng(0)
    path = _write_amat(tmp_path / "a.amat", rng.random((3, 784)), np.zeros(3))
    rows = path.read_text().splitlines()
    cells = rows[1].split()
    cells[column] = value
    rows[1] = " ".join(cells)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(
        CorruptDataError, match=f"NaN or infinite value.*row 2, column {column + 1}"
    ):
        read_labelled_amat(path)


@pytest.mark.parametrize("which", ["train", "test"])
def test_labels_out_of_range_are_refused_in_both_files(tmp_path, which):
    rng = np.random.default_rng(0)
    bad = {f"{which}_labels": np.full(300 if which == "train" else 10, 2)}
    paths = _rect_files(tmp_path, rng, **bad)
    with pytest.raises(CorruptDataError, match=f"{paths[which == 'test'].name}.*in 0..1"):
        load_task("rect", sizes=SplitSizes(10, 10, 10), root=tmp_path)


@pytest.mark.parametrize("kept", [0, 1])
def test_one_official_file_without_the_other_is_an_error_not_a_generated_task(tmp_path, kept):
    rng = np.random.default_rng(0)
    paths = _rect_files(tmp_path, rng)
    paths[1 - kept].unlink()
    assert not larochelle.is_official("rect", root=tmp_path)
    with pytest.raises(DataUnavailableError) as err:
        load_task("rect", sizes=SplitSizes(10, 10, 10), root=tmp_path)
    for expected in (str(tmp_path), paths[kept].name, paths[1 - kept].name, "official=False"):
        assert expected in str(err.value)


def test_provenance_names_the_files_or_the_recipe(tmp_path):
    rng = np.random.default_rng(0)
    paths = _rect_files(tmp_path, rng)
    official = load_task("rect", sizes=SplitSizes(10, 10, 10), root=tmp_path)
    assert official.provenance["kind"] == "official"
    assert official.provenance["files"] == {p.name: sha256(p) for p in paths}
    made = load_task("rect", sizes=SplitSizes(10, 10, 10), seed=3, official=False)
    assert made.provenance["kind"] == "generated"
    assert made.provenance["seed"] == 3
    assert made.provenance["recipe"].endswith("generate_split")


@settings(max_examples=40, deadline=None)
@given(
    bad=st.one_of(
        st.integers(max_value=0),
        st.floats(allow_nan=True),
        st.text(max_size=3),
        st.booleans(),
    )
)
def test_split_sizes_refuse_anything_but_positive_whole_numbers(bad):
    with pytest.raises((TypeError, ValueError), match="n_valid must be"):
        SplitSizes(10, bad, 10)


def test_sizes_and_seed_are_checked_before_any_work():
    with pytest.raises(ValueError, match="sizes must be at most"):
        load_task("rect", sizes=SplitSizes(1001, 1, 1), official=False)
    with pytest.raises(TypeError, match="sizes must be a SplitSizes"):
        load_task("rect", sizes=(10, 10, 10), official=False)
    with pytest.raises((TypeError, ValueError), match="seed must be"):
        load_task("rect", sizes=SplitSizes(1, 1, 1), seed=-1, official=False)
