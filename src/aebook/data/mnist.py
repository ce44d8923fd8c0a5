"""MNIST (and Fashion-MNIST, same format) as float tensors in [0, 1].

The files are the four standard IDX ``.gz`` files. Each is verified against its SHA-256 before it
is parsed (see :mod:`aebook.data.store`); parsing then checks the IDX magic numbers, the shapes and
that images and labels agree in number, so a file that is damaged in a way the checksum cannot see
(a user-supplied copy, a test fixture) still fails loudly instead of training on garbage.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from aebook.checks import check_unit_interval
from aebook.data.store import (
    CorruptDataError,
    DatasetSource,
    RemoteFile,
    built_by_caller,
    fetch,
    file_provenance,
)

IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension

_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_FASHION_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)


def _source(folder: str, mirrors: tuple[str, ...], sha256: dict[str, str], home: str):
    files = tuple(RemoteFile(n, h, tuple(m + n for m in mirrors)) for n, h in sha256.items())
    return DatasetSource(folder, files, homepage=home)


MNIST = _source(
    "mnist",
    _MNIST_MIRRORS,
    {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    "http://yann.lecun.com/exdb/mnist/",
)

FASHION_MNIST = _source(
    "fashion-mnist",
    _FASHION_MIRRORS,
    {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
    "https://github.com/zalandoresearch/fashion-mnist",
)


@dataclass(frozen=True)
class LabelledImages:
    """Images flattened to ``x`` of shape ``(n, d)`` in [0, 1] (float32) and labels ``y`` ``(n,)``."""

    x: torch.Tensor
    y: torch.Tensor
    image_shape: tuple[int, int]

    def __post_init__(self):
        if len(self.x) != len(self.y):
            raise ValueError(f"x has {len(self.x)} rows but y has {len(self.y)}")

    def __len__(self) -> int:
        return len(self.x)

    def to(self, device) -> LabelledImages:
        return LabelledImages(self.x.to(device), self.y.to(device), self.image_shape)

    def take(self, n: int | None) -> LabelledImages:
        """The first ``n`` examples (all of them when ``n`` is None); the files are already shuffled."""
        if n is None:
            return self
        if not 0 < n <= len(self):
            raise ValueError(f"n must be in 1..{len(self)} (or None), got {n}")
        return LabelledImages(self.x[:n], self.y[:n], self.image_shape)


@dataclass(frozen=True)
class Splits:
    """Train / validation / test splits of one dataset.

    ``provenance`` says where they come from (official files and their SHA-256, or the recipe and
    seed of generated data), so a record of a result can name the data it was computed on.
    """

    train: LabelledImages
    valid: LabelledImages
    test: LabelledImages
    provenance: dict = field(default_factory=built_by_caller, compare=False)

    def to(self, device) -> Splits:
        return Splits(
            self.train.to(device), self.valid.to(device), self.test.to(device), self.provenance
        )


def read_idx(path: Path | str, magic: int) -> np.ndarray:
    """Parse one gzipped IDX file, checking its magic number and that its length matches its header."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (EOFError, OSError, zlib.error) as exc:
        raise CorruptDataError(f"{path} is not a complete gzip file ({exc})") from exc
    if len(raw) < 4:
        raise CorruptDataError(f"{path} is too short to be an IDX file")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise CorruptDataError(f"{path} has IDX magic number {found:#010x}, expected {magic:#010x}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise CorruptDataError(
            f"{path} holds {len(raw)} bytes but its header {shape} implies {expected}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _read_pair(images_path: Path, labels_path: Path) -> LabelledImages:
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if len(images) != len(labels):
        raise CorruptDataError(
            f"{images_path.name} holds {len(images)} images but {labels_path.name} holds "
            f"{len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise CorruptDataError(f"{labels_path} holds a label {labels.max()} outside 0..9")
    n, h, w = images.shape
    x = torch.from_numpy(images.reshape(n, h * w).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return LabelledImages(x, y, (h, w))


def load_mnist(
    *,
    n_valid: int = 10_000,
    source: DatasetSource = MNIST,
    root: Path | str | None = None,
    download: bool = True,
) -> Splits:
    """MNIST as :class:`Splits`; the validation split is the *last* ``n_valid`` training images.

    ``source=FASHION_MNIST`` gives Fashion-MNIST. ``root`` overrides the dataset folder (by
    default ``$AEBOOK_DATA/<folder>``).
    """
    paths = fetch(source, root=root, download=download)
    train = _read_pair(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"])
    test = _read_pair(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"])
    if not 0 <= n_valid < len(train):
        raise ValueError(f"n_valid must be in 0..{len(train) - 1}, got {n_valid}")
    cut = len(train) - n_valid
    shape = train.image_shape
    return Splits(
        LabelledImages(train.x[:cut], train.y[:cut], shape),
        LabelledImages(train.x[cut:], train.y[cut:], shape),
        test,
        {**file_provenance(source.folder, paths, source), "n_valid": n_valid},
    )


def binarize(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Dynamic binarization: each pixel becomes 1 with probability equal to its intensity.

    Called afresh on every minibatch (e.g. as ``fit(..., transform=binarize)``), so the model sees
    a new binary sample of each image every epoch.

    Drawn as ``uniform < x``: on the CPU the same draws as ``torch.bernoulli(x)`` from the same
    generator state (a test holds it), in a third of the time, which was an eighth of a step of
    the paper's MNIST VAE (``benchmarks/train_throughput.py``).
    """
    check_unit_interval("x", x)  # torch.bernoulli refused other values; a comparison would not
    uniform = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    return (uniform < x).to(x.dtype)
