import gzip

import numpy as np
import pytest
import torch

from aebook.data import (
    MNIST,
    CorruptDataError,
    DatasetSource,
    LabelledImages,
    RemoteFile,
    Splits,
    binarize,
    load_mnist,
    read_idx,
)

from conftest import needs_data, sha256, shared_data, write_idx

NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def make_mnist(folder, rng, n_train=30, n_test=12, label_count=None, image_magic=None):
    """A tiny MNIST in IDX format, and a DatasetSource whose checksums match it."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        NAMES[0]: rng.integers(0, 256, (n_train, 28, 28)),
        NAMES[1]: rng.integers(0, 10, label_count or n_train),
        NAMES[2]: rng.integers(0, 256, (n_test, 28, 28)),
        NAMES[3]: rng.integers(0, 10, n_test),
    }
    for name, arr in arrays.items():
        magic = image_magic if (image_magic and "images" in name) else None
        write_idx(folder / name, arr, magic)
    files = tuple(RemoteFile(n, sha256(folder / n), ()) for n in NAMES)
    return DatasetSource("mnist", files), arrays


def test_parses_images_and_labels(tmp_path, rng):
    source, arrays = make_mnist(tmp_path / "mnist", rng)
    splits = load_mnist(n_valid=10, source=source, root=tmp_path / "mnist", download=False)
    assert splits.train.x.shape == (20, 784) and splits.valid.x.shape == (10, 784)
    assert splits.test.x.shape == (12, 784)
    assert splits.train.x.dtype == torch.float32 and splits.train.y.dtype == torch.int64
    assert 0.0 <= splits.train.x.min() and splits.train.x.max() <= 1.0
    np.testing.assert_allclose(
        splits.test.x.numpy(), arrays[NAMES[2]].reshape(12, 784) / 255.0, rtol=1e-6
    )
    # the validation split is the *last* n_valid training images
    np.testing.assert_array_equal(splits.valid.y.numpy(), arrays[NAMES[1]][20:])
    assert splits.train.image_shape == (28, 28)


def test_checksum_mismatch_is_never_used(tmp_path, rng):
    source, _ = make_mnist(tmp_path / "mnist", rng)
    write_idx(tmp_path / "mnist" / NAMES[1], rng.integers(0, 10, 30))  # different content
    with pytest.warns(UserWarning, match="checksum"), pytest.raises(Exception, match=NAMES[1]):
        load_mnist(n_valid=10, source=source, root=tmp_path / "mnist", download=False)
    assert (tmp_path / "mnist" / (NAMES[1] + ".corrupt")).exists()


def test_truncated_gzip_is_detected_by_checksum_and_by_the_reader(tmp_path, rng):
    source, _ = make_mnist(tmp_path / "mnist", rng)
    path = tmp_path / "mnist" / NAMES[0]
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(CorruptDataError, match="gzip"):
        read_idx(path, 0x803)
    with pytest.warns(UserWarning), pytest.raises(Exception, match=NAMES[0]):
        load_mnist(n_valid=10, source=source, root=tmp_path / "mnist", download=False)


def test_truncated_payload_inside_a_valid_gzip(tmp_path):
    path = tmp_path / "short.gz"
    header = (0x803).to_bytes(4, "big") + b"".join(s.to_bytes(4, "big") for s in (5, 28, 28))
    with gzip.open(path, "wb") as fh:
        fh.write(header + bytes(100))
    with pytest.raises(CorruptDataError, match="implies"):
        read_idx(path, 0x803)


def test_wrong_magic_number(tmp_path, rng):
    source, _ = make_mnist(tmp_path / "mnist", rng, image_magic=0x0000_0802)
    with pytest.raises(CorruptDataError, match="magic number"):
        load_mnist(n_valid=10, source=source, root=tmp_path / "mnist", download=False)


def test_wrong_label_count(tmp_path, rng):
    source, _ = make_mnist(tmp_path / "mnist", rng, label_count=29)
    with pytest.raises(CorruptDataError, match="30 images but .* 29 labels"):
        load_mnist(n_valid=10, source=source, root=tmp_path / "mnist", download=False)


def test_n_valid_out_of_range(tmp_path, rng):
    source, _ = make_mnist(tmp_path / "mnist", rng)
    with pytest.raises(ValueError, match="n_valid"):
        load_mnist(n_valid=30, source=source, root=tmp_path / "mnist", download=False)


def test_dynamic_binarization_is_bernoulli_with_the_pixel_as_probability():
    x = torch.full((2000, 50), 0.3)
    b = binarize(x, torch.Generator().manual_seed(0))
    assert set(b.unique().tolist()) <= {0.0, 1.0}
    assert abs(b.mean().item() - 0.3) < 0.01
    b2 = binarize(x, torch.Generator().manual_seed(1))
    assert not torch.equal(b, b2)  # a fresh sample each call: that is what "dynamic" means


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_binarize_draws_what_torch_bernoulli_draws_from_the_same_generator(seed):
    """The faster draw changes no recorded run: same pixels, same generator state after."""
    x = torch.rand(100, 784, generator=torch.Generator().manual_seed(99))
    x[0, :3] = torch.tensor([0.0, 1.0, 0.5])
    ours, theirs = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    assert torch.equal(binarize(x, ours), torch.bernoulli(x, generator=theirs))
    assert torch.equal(torch.rand(5, generator=ours), torch.rand(5, generator=theirs))


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan")])
def test_binarize_refuses_values_outside_the_unit_interval(bad):
    x = torch.full((2, 3), 0.5)
    x[1, 2] = bad
    with pytest.raises(ValueError, match=r"x must lie in \[0, 1\]"):
        binarize(x)


def test_mirrors_are_at_least_two_per_file():
    assert all(len(f.urls) >= 2 for f in MNIST.files)


@needs_data(MNIST)
def test_real_mnist_matches_the_manifest_label_counts():
    splits = load_mnist(n_valid=0, download=False)
    train_counts = torch.bincount(splits.train.y, minlength=10).tolist()
    test_counts = torch.bincount(splits.test.y, minlength=10).tolist()
    assert train_counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert test_counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@needs_data(MNIST)
def test_every_loaded_dataset_names_its_files_and_checksums():
    from aebook.data import frey_faces, load_binarized_mnist

    root = shared_data()
    mnist = load_mnist(download=False, root=root / "mnist")
    assert mnist.provenance == {
        "kind": "official",
        "dataset": "mnist",
        "files": {f.name: f.sha256 for f in sorted(MNIST.files, key=lambda f: f.name)},
        "n_valid": 10_000,
    }
    assert mnist.to("cpu").provenance == mnist.provenance
    faces = frey_faces(download=False, root=root / "frey-face")
    assert faces.provenance["files"] == {
        "frey_rawface.mat": sha256(root / "frey-face" / "frey_rawface.mat")
    }
    train, test = faces.split(100)
    assert (
        train.provenance["files"] == faces.provenance["files"] and test.provenance["part"] == "test"
    )
    binarized = load_binarized_mnist(download=False, root=root / "binarized-mnist")
    assert set(binarized.provenance["files"]) == {
        f"binarized_mnist_{s}.mat" for s in ("train", "valid", "test")
    }


def test_a_dataset_built_in_memory_says_so():
    x = torch.zeros(2, 4)
    part = LabelledImages(x, torch.zeros(2, dtype=torch.long), (2, 2))
    assert Splits(part, part, part).provenance["kind"] == "in memory"
