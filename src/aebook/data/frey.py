"""The Frey Face images (B. Frey, distributed by S. Roweis): 1965 grey-level faces of 28 x 20.

One file, ``frey_rawface.mat``, a MATLAB file whose variable ``ff`` is a uint8 matrix of 560 x 1965:
one column per image, each column a 28-row by 20-column image in row-major order. It is read with
``scipy.io.loadmat`` only after its SHA-256 matches (see :mod:`aebook.data.store`); the reader
then checks the variable, its type and its shape, so a file with the right name but the wrong
content fails with a message instead of training on garbage.

No official checksum exists; the one below is that of the copy on S. Roweis's page, which two
independent public copies match value for value.
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
    fetch,
    file_provenance,
)

FREY_FILE = "frey_rawface.mat"
#: (rows, columns) of one image.
FREY_SHAPE = (28, 20)
_ROWEIS = "https://cs.nyu.edu/~roweis/data/frey_rawface.mat"

FREY_FACE = DatasetSource(
    "frey-face",
    (
        RemoteFile(
            FREY_FILE,
            "265a83a23adb081755cd3de375509828e690324d1d60f076b8ecebc840d59c64",
            (
                _ROWEIS,
                # the Internet Archive's copy of the same page (``id_``: the file as served)
                "https://web.archive.org/web/2020id_/" + _ROWEIS,
                # a copy that public training code downloads the file from
                "https://www.dropbox.com/scl/fi/m70sh4ef39pvy01czc63r/frey_rawface.mat"
                "?rlkey=5v6meiap55z68ada2roxwxuql&dl=1",
            ),
        ),
    ),
    homepage="https://cs.nyu.edu/~roweis/data.html",
)


@dataclass(frozen=True)
class Images:
    """Unlabelled images flattened to ``x`` of shape ``(n, h*w)``, float32 in [0, 1].

    ``provenance`` names the file and its SHA-256, for records of results.
    """

    x: torch.Tensor
    image_shape: tuple[int, int]
    provenance: dict = field(default_factory=built_by_caller, compare=False)

    def __len__(self) -> int:
        return len(self.x)

    def split(self, n_test: int, seed: int = 0) -> tuple[Images, Images]:
        """A random (train, test) split with ``n_test`` test images, the same for the same seed."""
        if not 0 < n_test < len(self):
            raise ValueError(f"n_test must be in 1..{len(self) - 1}, got {n_test}")
        order = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))
        test, train = order[:n_test], order[n_test:]
        split = {**self.provenance, "split": {"n_test": n_test, "seed": seed}}
        return (
            Images(self.x[train], self.image_shape, {**split, "part": "train"}),
            Images(self.x[test], self.image_shape, {**split, "part": "test"}),
        )


def read_frey_mat(path: Path | str) -> np.ndarray:
    """The images of a Frey Face ``.mat`` file as uint8 ``(n, 560)``, rows in row-major order."""
    path = Path(path)
    ff = load_mat_variable(path, "ff")
    d = FREY_SHAPE[0] * FREY_SHAPE[1]
    if ff.ndim != 2 or ff.shape[0] != d or ff.shape[1] == 0:
        raise CorruptDataError(
            f"{path}: variable 'ff' has shape {ff.shape}, expected ({d}, number of images)"
        )
    if ff.dtype != np.uint8:
        raise CorruptDataError(f"{path}: variable 'ff' has type {ff.dtype}, expected uint8")
    return np.ascontiguousarray(ff.T)


def frey_faces(
    *,
    source: DatasetSource = FREY_FACE,
    root: Path | str | None = None,
    download: bool = True,
) -> Images:
    """The Frey Face images as :class:`Images`: ``x`` is ``(1965, 560)`` in [0, 1], shape (28, 20).

    ``root`` overrides the dataset folder (by default ``$AEBOOK_DATA/frey-face``).
    """
    paths = fetch(source, root=root, download=download)
    pixels = read_frey_mat(paths[FREY_FILE])
    return Images(
        torch.from_numpy(pixels.astype(np.float32) / 255.0),
        FREY_SHAPE,
        file_provenance(source.folder, paths, source),
    )
