"""Larochelle & Murray's fixed ("static") binarization of MNIST: 50,000 / 10,000 / 10,000 images.

The original files are text (``.amat``): one image per line, 784 digits 0/1 separated by spaces.
Their SHA-256 checksums are those published with TensorFlow Datasets. Some data folders (this
book's workplace among them) hold instead MATLAB copies, ``binarized_mnist_<split>.mat`` with a
uint8 variable ``X`` of shape (n, 784); their values are identical to the text files (the ``.amat``
bytes regenerated from them reproduce the published checksums). The loader uses the MATLAB copies
when all three are in the folder, and otherwise the text files, downloaded when missing. Either
way every file is checked against its SHA-256 before it is parsed, and the parser checks the
format and the number of images.

Unlike :func:`aebook.data.mnist.binarize` (a fresh sample of every image every time, "dynamic"
binarization), these are one fixed sample, so results on them are not comparable with results
under dynamic binarization: models overfit the fixed sample, and test log-likelihoods are a few
nats lower (Burda et al. 2015, appendix D).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from aebook.data.matlab import load_mat_variable
from aebook.data.store import (
    CorruptDataError,
    DatasetSource,
    RemoteFile,
    built_by_caller,
    data_dir,
    fetch,
    file_provenance,
)

SPLITS = {"train": 50_000, "valid": 10_000, "test": 10_000}
_LAROCHELLE = "http://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/"
_ARCHIVE = "https://web.archive.org/web/2019id_/" + _LAROCHELLE
_LINE = 2 * 784  # 784 digits, each followed by a space (the last by the newline)

BINARIZED_MNIST = DatasetSource(
    "binarized-mnist",
    tuple(
        RemoteFile(f"binarized_mnist_{split}.amat", sha, (_LAROCHELLE + name, _ARCHIVE + name))
        for split, sha in {
            "train": "ad693b29f94c14277b095f5238ddefbbdaaae0939789dd2f4f0205278cee3e4d",
            "valid": "1de3d397c40fe8eeb33dafd4099a1f665ec01e96d9be234aaeeac8a34930e2e2",
            "test": "e6687bfea3f820c174f33b7865140b2a2dd2930ef786f35d45795fc193b5ab2c",
        }.items()
        for name in [f"binarized_mnist_{split}.amat"]
    ),
    homepage="http://www.dmi.usherb.ca/~larocheh/mlpython/_modules/datasets/binarized_mnist.html",
)

#: MATLAB copies of the same values (re-saved by a third party; there is no public mirror of
#: these exact bytes, so they are used only when already present, never downloaded).
BINARIZED_MNIST_MAT = DatasetSource(
    "binarized-mnist",
    tuple(
        RemoteFile(f"binarized_mnist_{split}.mat", sha, ())
        for split, sha in {
            "train": "79a0312c7389d855cfc97e3812de3998417c5829d8a51543b56a90a91252ae7e",
            "valid": "7436afc856959075c7787025bb8a4ba2b520b9230ee39667c66aa7dd2819dd68",
            "test": "5bc30222e1e7896cbccd1e1db6b28540cc1230f4d2d5473841a5f6cc54be8d38",
        }.items()
    ),
    homepage=BINARIZED_MNIST.homepage,
)


@dataclass(frozen=True)
class BinarizedMNIST:
    """The three splits as float32 tensors ``(n, 784)`` of 0s and 1s.

    ``provenance`` names the files read and their SHA-256, for records of results.
    """

    train: torch.Tensor
    valid: torch.Tensor
    test: torch.Tensor
    image_shape: tuple[int, int] = (28, 28)
    provenance: dict = field(default_factory=built_by_caller, compare=False)


def read_binarized_amat(path: Path | str) -> np.ndarray:
    """Parse a binarized-MNIST text file into uint8 ``(n, 784)``, checking every character."""
    path = Path(path)
    raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    if raw.size == 0 or raw.size % _LINE:
        raise CorruptDataError(
            f"{path} holds {raw.size} bytes, not a whole number of {_LINE}-byte lines"
        )
    table = raw.reshape(-1, _LINE)
    digits, separators = table[:, 0::2], table[:, 1::2]
    if not np.isin(digits, (ord("0"), ord("1"))).all():
        raise CorruptDataError(f"{path} holds characters other than 0 and 1 where digits go")
    if (separators[:, :-1] != ord(" ")).any() or (separators[:, -1] != ord("\n")).any():
        raise CorruptDataError(f"{path} is not 784 space-separated digits per line")
    return digits - ord("0")


def read_binarized_mat(path: Path | str) -> np.ndarray:
    """The images of a MATLAB copy (variable ``X``, uint8 ``(n, 784)`` of 0s and 1s)."""
    path = Path(path)
    x = load_mat_variable(path, "X")
    if x.ndim != 2 or x.shape[1] != 784:
        raise CorruptDataError(f"{path}: variable 'X' has shape {x.shape}, expected (n, 784)")
    if x.dtype != np.uint8 or x.max(initial=0) > 1:
        raise CorruptDataError(f"{path}: variable 'X' must hold uint8 values 0 and 1")
    return x


def load_binarized_mnist(
    *,
    root: Path | str | None = None,
    download: bool = True,
    sources: tuple[DatasetSource, DatasetSource] = (BINARIZED_MNIST_MAT, BINARIZED_MNIST),
    expected: dict[str, int] | None = None,
) -> BinarizedMNIST:
    """The fixed binarization of MNIST as :class:`BinarizedMNIST` (train 50k, valid 10k, test 10k).

    ``sources`` is (MATLAB copies, text files); ``expected`` the number of images per split (the
    tests pass small files and their sizes).
    """
    mat_source, text_source = sources
    expected = SPLITS if expected is None else expected
    folder = Path(root) if root is not None else data_dir() / mat_source.folder
    if all((folder / f.name).exists() for f in mat_source.files):
        source, reader = mat_source, read_binarized_mat
        paths = fetch(source, root=root, download=False)
    else:
        source, reader = text_source, read_binarized_amat
        paths = fetch(source, root=root, download=download)
    arrays = {}
    for split, n in expected.items():
        name = next(p for p in paths if p.startswith(f"binarized_mnist_{split}."))
        array = reader(paths[name])
        if len(array) != n:
            raise CorruptDataError(f"{paths[name]} holds {len(array)} images, expected {n}")
        arrays[split] = torch.from_numpy(array.astype(np.float32))
    return BinarizedMNIST(
        arrays["train"],
        arrays["valid"],
        arrays["test"],
        provenance=file_provenance(source.folder, paths, source),
    )
