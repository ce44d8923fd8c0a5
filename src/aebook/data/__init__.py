"""Datasets as tensors, downloaded once into a checked cache folder (see :mod:`aebook.data.store`)."""

import lazy_loader

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "binarized_mnist": [
        "BINARIZED_MNIST",
        "BINARIZED_MNIST_MAT",
        "BinarizedMNIST",
        "load_binarized_mnist",
        "read_binarized_amat",
        "read_binarized_mat",
    ],
    "factors": ["FACTOR_NAMES", "FactorImages", "FactorSpec", "make_factor_dataset", "render"],
    "frey": ["FREY_FACE", "FREY_SHAPE", "Images", "frey_faces", "read_frey_mat"],
    "labels": ["UNLABELLED", "balanced_subset", "mix_labelled"],
    "larochelle": ["TASKS", "SplitSizes", "load_task"],
    "mnist": [
        "FASHION_MNIST",
        "MNIST",
        "LabelledImages",
        "Splits",
        "binarize",
        "load_mnist",
        "read_idx",
    ],
    "movielens": ["MOVIELENS_100K", "load_movielens_100k", "load_ratings", "low_rank_ratings"],
    "ratings": ["Ratings"],
    "store": [
        "CorruptDataError",
        "DatasetSource",
        "DataUnavailableError",
        "RemoteFile",
        "data_dir",
        "fetch",
    ],
    "toy2d": ["GaussianMixture", "Ring", "circle_data", "swiss_roll", "two_gaussians"],
    "transforms": ["rotate"],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)
