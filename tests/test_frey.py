"""Frey Face loader: checksums, mirrors and the MATLAB reader, on small files the tests write."""

import numpy as np
import pytest
import scipy.io
import torch

from aebook.data import (
    FREY_FACE,
    CorruptDataError,
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    frey_faces,
    read_frey_mat,
)

from conftest import needs_data, sha256

NAME = "frey_rawface.mat"


def make_frey(folder, rng, n=12, variable="ff", shape=None, dtype=np.uint8):
    """A tiny Frey Face file (560 x n uint8, or what the arguments say) and a matching source."""
    folder.mkdir(parents=True, exist_ok=True)
    ff = rng.integers(0, 256, shape or (560, n)).astype(dtype)
    scipy.io.savemat(folder / NAME, {variable: ff})
    return DatasetSource("frey-face", (RemoteFile(NAME, sha256(folder / NAME), ()),)), ff


def test_reads_images_in_row_major_order(tmp_path, rng):
    source, ff = make_frey(tmp_path / "frey", rng)
    faces = frey_faces(source=source, root=tmp_path / "frey", download=False)
    assert faces.x.shape == (12, 560) and faces.x.dtype == torch.float32
    assert faces.image_shape == (28, 20)
    np.testing.assert_allclose(faces.x[3].numpy(), ff[:, 3] / 255.0, rtol=1e-6)
    # image 3, row 1, column 0 is pixel 20 of its column in the file
    assert faces.x[3].view(28, 20)[1, 0].item() == pytest.approx(ff[20, 3] / 255.0)


def test_split_is_a_seeded_partition(tmp_path, rng):
    source, _ = make_frey(tmp_path / "frey", rng)
    faces = frey_faces(source=source, root=tmp_path / "frey", download=False)
    train, test = faces.split(3, seed=1)
    assert len(train) == 9 and len(test) == 3
    again, _ = faces.split(3, seed=1)
    assert torch.equal(train.x, again.x)
    rows = {tuple(r.tolist()) for r in torch.cat([train.x, test.x])}
    assert rows == {tuple(r.tolist()) for r in faces.x}
    with pytest.raises(ValueError, match="n_test"):
        faces.split(12)


def test_checksum_mismatch_is_never_used(tmp_path, rng):
    source, _ = make_frey(tmp_path / "frey", rng)
    make_frey(tmp_path / "frey", np.random.default_rng(99))  # same name, other content
    with (
        pytest.warns(UserWarning, match="checksum"),
        pytest.raises(DataUnavailableError, match=NAME),
    ):
        frey_faces(source=source, root=tmp_path / "frey", download=False)
    assert (tmp_path / "frey" / (NAME + ".corrupt")).exists()


def test_a_bad_copy_is_replaced_from_a_mirror(tmp_path, rng):
    source, _ = make_frey(tmp_path / "mirror", rng)
    good = (tmp_path / "mirror" / NAME).as_uri()
    mirrored = DatasetSource(
        "frey-face", (RemoteFile(NAME, source.files[0].sha256, ("file:///nonexistent", good)),)
    )
    (tmp_path / "frey").mkdir()
    (tmp_path / "frey" / NAME).write_bytes(b"truncated")
    with pytest.warns(UserWarning):
        faces = frey_faces(source=mirrored, root=tmp_path / "frey")
    assert len(faces) == 12 and (tmp_path / "frey" / (NAME + ".corrupt")).exists()


def test_truncated_file_is_caught_by_the_checksum_and_by_the_reader(tmp_path, rng):
    source, _ = make_frey(tmp_path / "frey", rng)
    path = tmp_path / "frey" / NAME
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(CorruptDataError, match="not a readable MATLAB file"):
        read_frey_mat(path)
    with pytest.warns(UserWarning), pytest.raises(DataUnavailableError, match=NAME):
        frey_faces(source=source, root=tmp_path / "frey", download=False)


def test_wrong_variable_is_named(tmp_path, rng):
    make_frey(tmp_path / "frey", rng, variable="faces")
    with pytest.raises(CorruptDataError, match="no variable 'ff'.*faces"):
        read_frey_mat(tmp_path / "frey" / NAME)


@pytest.mark.parametrize("shape", [(28 * 21, 5), (560,), (560, 0)])
def test_wrong_shape_is_rejected(tmp_path, rng, shape):
    make_frey(tmp_path / "frey", rng, shape=shape)
    with pytest.raises(CorruptDataError, match="shape"):
        read_frey_mat(tmp_path / "frey" / NAME)


def test_wrong_type_is_rejected(tmp_path, rng):
    make_frey(tmp_path / "frey", rng, dtype=np.float64)
    with pytest.raises(CorruptDataError, match="uint8"):
        read_frey_mat(tmp_path / "frey" / NAME)


def test_at_least_two_mirrors():
    assert all(len(f.urls) >= 2 for f in FREY_FACE.files)


@needs_data(FREY_FACE)
def test_real_frey_faces():
    faces = frey_faces(download=False)
    assert faces.x.shape == (1965, 560) and faces.image_shape == (28, 20)
    assert round(faces.x.min().item() * 255) == 8 and round(faces.x.max().item() * 255) == 238
