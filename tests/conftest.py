"""Shared fixtures. Tests never touch the network: downloads use file:// mirrors the tests make."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path | None:
    """The verified data folder of this workplace (``$AEBOOK_DATA``), when it holds MNIST."""
    root = os.environ.get("AEBOOK_DATA")
    if root and (Path(root) / "mnist" / "train-images-idx3-ubyte.gz").exists():
        return Path(root)
    return None


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
