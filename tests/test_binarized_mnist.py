"""Static binarized MNIST: the text and MATLAB readers and the checksummed fetch, on small files."""

import hashlib

import numpy as np
import pytest
import scipy.io

from aebook.data import (
    BINARIZED_MNIST,
    CorruptDataError,
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    load_binarized_mnist,
    read_binarized_amat,
    read_binarized_mat,
)
from aebook.data.binarized_mnist import BINARIZED_MNIST_MAT

from conftest import needs_data, sha256

SIZES = {"train": 6, "valid": 3, "test": 4}


def amat_bytes(x: np.ndarray) -> bytes:
    lines = [" ".join(str(int(v)) for v in row) + "\n" for row in x]
    return "".join(lines).encode()


def make_data(folder, rng, kind="amat", sizes=SIZES):
    """Small splits as .amat text or .mat files, and the (MATLAB, text) sources matching them."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {s: rng.integers(0, 2, (n, 784)).astype(np.uint8) for s, n in sizes.items()}
    for split, x in arrays.items():
        if kind == "amat":
            (folder / f"binarized_mnist_{split}.amat").write_bytes(amat_bytes(x))
        else:
            scipy.io.savemat(folder / f"binarized_mnist_{split}.mat", {"X": x})
    sources = []
    for ext in ("mat", "amat"):
        names = [f"binarized_mnist_{s}.{ext}" for s in sizes]
        files = tuple(
            RemoteFile(n, sha256(folder / n) if (folder / n).exists() else "0" * 64, ())
            for n in names
        )
        sources.append(DatasetSource("binarized-mnist", files))
    return tuple(sources), arrays


@pytest.mark.parametrize("kind", ["amat", "mat"])
def test_both_formats_load_the_same_values(tmp_path, rng, kind):
    sources, arrays = make_data(tmp_path / "b", rng, kind)
    data = load_binarized_mnist(
        root=tmp_path / "b", download=False, sources=sources, expected=SIZES
    )
    assert data.train.shape == (6, 784) and data.test.shape == (4, 784)
    np.testing.assert_array_equal(data.valid.numpy(), arrays["valid"])


def test_text_reader_checks_every_character(tmp_path, rng):
    x = rng.integers(0, 2, (2, 784)).astype(np.uint8)
    good = amat_bytes(x)
    path = tmp_path / "x.amat"
    path.write_bytes(good)
    np.testing.assert_array_equal(read_binarized_amat(path), x)
    path.write_bytes(good[:-10])
    with pytest.raises(CorruptDataError, match="whole number"):
        read_binarized_amat(path)
    path.write_bytes(good.replace(b"1", b"2", 1))
    with pytest.raises(CorruptDataError, match="other than 0 and 1"):
        read_binarized_amat(path)
    path.write_bytes(good.replace(b" ", b",", 1))
    with pytest.raises(CorruptDataError, match="space-separated"):
        read_binarized_amat(path)


def test_matlab_reader_checks_variable_shape_and_values(tmp_path, rng):
    path = tmp_path / "x.mat"
    scipy.io.savemat(path, {"Y": np.zeros((2, 784), np.uint8)})
    with pytest.raises(CorruptDataError, match="no variable 'X'.*Y"):
        read_binarized_mat(path)
    scipy.io.savemat(path, {"X": np.zeros((2, 783), np.uint8)})
    with pytest.raises(CorruptDataError, match="shape"):
        read_binarized_mat(path)
    scipy.io.savemat(path, {"X": np.full((2, 784), 7, np.uint8)})
    with pytest.raises(CorruptDataError, match="0 and 1"):
        read_binarized_mat(path)
    path.write_bytes(b"MATLAB 5.0 MAT-file, truncated")
    with pytest.raises(CorruptDataError, match="readable"):
        read_binarized_mat(path)


def test_checksum_mismatch_is_never_used(tmp_path, rng):
    sources, _ = make_data(tmp_path / "b", rng)
    (tmp_path / "b" / "binarized_mnist_test.amat").write_bytes(
        amat_bytes(np.zeros((4, 784), np.uint8))
    )
    with (
        pytest.warns(UserWarning, match="checksum"),
        pytest.raises(DataUnavailableError, match="binarized_mnist_test.amat"),
    ):
        load_binarized_mnist(root=tmp_path / "b", download=False, sources=sources, expected=SIZES)
    assert (tmp_path / "b" / "binarized_mnist_test.amat.corrupt").exists()


def test_wrong_number_of_images_is_reported(tmp_path, rng):
    sources, _ = make_data(tmp_path / "b", rng, sizes={"train": 6, "valid": 3, "test": 5})
    with pytest.raises(CorruptDataError, match="5 images, expected 4"):
        load_binarized_mnist(root=tmp_path / "b", download=False, sources=sources, expected=SIZES)


def test_missing_files_are_downloaded_from_a_mirror(tmp_path, rng):
    (_, text), arrays = make_data(tmp_path / "mirror", rng)
    files = tuple(
        RemoteFile(
            f.name,
            f.sha256,
            ("file:///nonexistent/" + f.name, (tmp_path / "mirror" / f.name).as_uri()),
        )
        for f in text.files
    )
    mat = DatasetSource(
        "binarized-mnist", tuple(RemoteFile(f.name[:-5] + ".mat", "0" * 64, ()) for f in text.files)
    )
    with pytest.warns(UserWarning, match="Mirror failed"):
        data = load_binarized_mnist(
            root=tmp_path / "b",
            sources=(mat, DatasetSource("binarized-mnist", files)),
            expected=SIZES,
        )
    np.testing.assert_array_equal(data.train.numpy(), arrays["train"])


def test_published_checksums_and_mirrors():
    assert all(len(f.urls) >= 2 for f in BINARIZED_MNIST.files)
    assert {f.name for f in BINARIZED_MNIST.files} == {
        f"binarized_mnist_{s}.amat" for s in ("train", "valid", "test")
    }


@needs_data(BINARIZED_MNIST_MAT)
def test_real_copies_regenerate_the_published_text_files():
    """The MATLAB copies hold exactly the values of Larochelle's text files: writing them back
    in the text format reproduces the SHA-256 published for the originals."""
    data = load_binarized_mnist(download=False)
    assert (len(data.train), len(data.valid), len(data.test)) == (50_000, 10_000, 10_000)
    x = data.test.numpy().astype(np.uint8)
    chars = np.full((len(x), 2 * 784), ord(" "), np.uint8)
    chars[:, 0::2] = x + ord("0")
    chars[:, -1] = ord("\n")
    published = BINARIZED_MNIST.file("binarized_mnist_test.amat").sha256
    assert hashlib.sha256(chars.tobytes()).hexdigest() == published
