"""Datasets as tensors, downloaded once into a checked cache folder (see :mod:`aebook.data.store`)."""

from aebook.data.binarized_mnist import (
    BINARIZED_MNIST,
    BINARIZED_MNIST_MAT,
    BinarizedMNIST,
    load_binarized_mnist,
    read_binarized_amat,
    read_binarized_mat,
)
from aebook.data.factors import (
    FACTOR_NAMES,
    FactorImages,
    FactorSpec,
    make_factor_dataset,
    render,
)
from aebook.data.frey import FREY_FACE, FREY_SHAPE, Images, frey_faces, read_frey_mat
from aebook.data.labels import UNLABELLED, balanced_subset, mix_labelled
from aebook.data.larochelle import TASKS, SplitSizes, load_task
from aebook.data.mnist import (
    FASHION_MNIST,
    MNIST,
    LabelledImages,
    Splits,
    binarize,
    load_mnist,
    read_idx,
)
from aebook.data.movielens import (
    MOVIELENS_100K,
    load_movielens_100k,
    load_ratings,
    low_rank_ratings,
)
from aebook.data.ratings import Ratings
from aebook.data.store import (
    CorruptDataError,
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    data_dir,
    fetch,
)
from aebook.data.toy2d import GaussianMixture, Ring, circle_data, swiss_roll, two_gaussians
from aebook.data.transforms import rotate

__all__ = [
    "UNLABELLED",
    "balanced_subset",
    "mix_labelled",
    "BINARIZED_MNIST",
    "BINARIZED_MNIST_MAT",
    "BinarizedMNIST",
    "FREY_FACE",
    "FREY_SHAPE",
    "Images",
    "frey_faces",
    "load_binarized_mnist",
    "read_binarized_amat",
    "read_binarized_mat",
    "read_frey_mat",
    "FASHION_MNIST",
    "GaussianMixture",
    "circle_data",
    "swiss_roll",
    "Ring",
    "two_gaussians",
    "MNIST",
    "MOVIELENS_100K",
    "CorruptDataError",
    "DataUnavailableError",
    "DatasetSource",
    "LabelledImages",
    "Ratings",
    "RemoteFile",
    "SplitSizes",
    "Splits",
    "TASKS",
    "binarize",
    "data_dir",
    "fetch",
    "load_mnist",
    "load_task",
    "load_movielens_100k",
    "load_ratings",
    "low_rank_ratings",
    "read_idx",
    "rotate",
    "FACTOR_NAMES",
    "FactorImages",
    "FactorSpec",
    "make_factor_dataset",
    "render",
]
