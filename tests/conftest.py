"""Shared fixtures. Tests never touch the network: downloads use file:// mirrors the tests make."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from aebook.data.mnist import MNIST
from aebook.data.store import DatasetSource

REPO = Path(__file__).resolve().parents[1]
#: The website shows this many columns of a code cell whole at 1280 px (tests/site/test_layout.py
#: measures it); tests/test_book.py keeps every notebook's code within it.
CODE_COLUMNS = 80


def shared_data(*sources: DatasetSource) -> Path | None:
    """The verified data folder of this workplace (``$AEBOOK_DATA``), when it holds every file of
    ``sources`` (default MNIST)."""
    root = os.environ.get("AEBOOK_DATA")
    wanted = sources or (MNIST,)
    if root and all((Path(root) / s.folder / f.name).exists() for s in wanted for f in s.files):
        return Path(root)
    return None


def needs_data(*sources: DatasetSource):
    """Skip a test that trains on or reads real data when ``$AEBOOK_DATA`` does not hold it: tests
    never download."""
    reason = f"needs the verified {', '.join(s.folder for s in sources)} in $AEBOOK_DATA"
    return pytest.mark.skipif(shared_data(*sources) is None, reason=reason)


def write_idx(path: Path, array: np.ndarray, magic: int | None = None) -> Path:
    """Write ``array`` (uint8) as a gzipped IDX file; ``magic`` overrides the header's magic number."""
    array = np.asarray(array, dtype=np.uint8)
    magic = magic if magic is not None else 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.tobytes())
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# Figures are drawn off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")


def two_class_splits(n_train: int, n_valid: int, n_test: int):
    """A tiny two-class task of 5 x 6 binary images, class 1 inked more (seeded): small enough
    for a whole model-selection grid of Table 1's code in a test."""
    import torch

    from aebook.data import LabelledImages, Splits

    g = torch.Generator().manual_seed(0)

    def part(n):
        y = torch.randint(2, (n,), generator=g)
        x = (torch.rand(n, 30, generator=g) < 0.2 + 0.6 * y[:, None]).float()
        return LabelledImages(x, y, (5, 6))

    return Splits(part(n_train), part(n_valid), part(n_test))
