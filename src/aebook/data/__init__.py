"""Datasets as tensors, downloaded once into a checked cache folder (see :mod:`aebook.data.store`)."""

from aebook.data.factors import (
    FACTOR_NAMES,
    FactorImages,
    FactorSpec,
    make_factor_dataset,
    render,
)
from aebook.data.mnist import (
    FASHION_MNIST,
    MNIST,
    LabelledImages,
    Splits,
    binarize,
    load_mnist,
    read_idx,
)
from aebook.data.store import (
    CorruptDataError,
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    data_dir,
    fetch,
)
from aebook.data.toy2d import GaussianMixture, Ring, two_gaussians
from aebook.data.transforms import rotate

__all__ = [
    "FASHION_MNIST",
    "GaussianMixture",
    "Ring",
    "two_gaussians",
    "MNIST",
    "CorruptDataError",
    "DataUnavailableError",
    "DatasetSource",
    "LabelledImages",
    "RemoteFile",
    "Splits",
    "binarize",
    "data_dir",
    "fetch",
    "load_mnist",
    "read_idx",
    "rotate",
    "FACTOR_NAMES",
    "FactorImages",
    "FactorSpec",
    "make_factor_dataset",
    "render",
]
