"""MovieLens 100K (GroupLens; Harper & Konstan 2015) as rating triples, and a generated stand-in.

The dataset's license allows research use but forbids redistribution, so the book never ships the
files: a reader's copy comes from GroupLens. Three files are used, ``u.data`` (100,000 ratings
``user, item, rating 1-5, time`` by 943 users of 1,682 films), ``u.item`` (titles) and ``u.user``
(to check the user count). Each is checked against its SHA-256 before it is read.

Where the files come from, in order (the first that yields files with the right checksums wins):

1. the files themselves, from GroupLens's folder ``ml-100k/`` (https, then http) and from the
   Internet Archive's copy of that folder;
2. the official archive ``ml-100k.zip`` (from GroupLens, then the Internet Archive), itself
   checked against its SHA-256 before it is opened; the three files are taken out of it and each
   is checked against its own SHA-256 before it is written under its real name.

So a file is used only when its own checksum matches, however it arrived. When neither route
works (offline), :class:`~aebook.data.store.DataUnavailableError` names the folder, the files and
the URLs. :func:`low_rank_ratings` generates a rating matrix of the same size and sparsity from a
known low-rank model. It is never used in MovieLens's place unless the caller asks for it
(``load_ratings(substitute="generated")``), and then the ratings say they are a substitute.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np
import torch

from aebook.checks import check_choice, check_count, check_number
from aebook.data.ratings import Ratings
from aebook.data.store import (
    CorruptDataError,
    DatasetSource,
    DataUnavailableError,
    RemoteFile,
    data_dir,
    fetch,
    file_provenance,
)
from aebook.files import temporary_beside

HOMEPAGE = "https://grouplens.org/datasets/movielens/100k/"
_GROUPLENS = "files.grouplens.org/datasets/movielens/"
_ARCHIVE_ORG = "https://web.archive.org/web/2021id_/https://" + _GROUPLENS


def _file_urls(name: str) -> tuple[str, ...]:
    return (
        f"https://{_GROUPLENS}ml-100k/{name}",
        f"http://{_GROUPLENS}ml-100k/{name}",
        f"{_ARCHIVE_ORG}ml-100k/{name}",
    )


_SHA256 = {
    "u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
    "u.item": "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701",
    "u.user": "f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c",
}

#: The three files of MovieLens 100K the book reads, each with its SHA-256 and its mirrors.
MOVIELENS_100K = DatasetSource(
    "movielens-100k",
    tuple(RemoteFile(name, digest, _file_urls(name)) for name, digest in _SHA256.items()),
    homepage=HOMEPAGE,
)

#: The official archive that holds them (under ``ml-100k/``); the second route.
MOVIELENS_100K_ARCHIVE = DatasetSource(
    "movielens-100k",
    (
        RemoteFile(
            "ml-100k.zip",
            "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
            (f"https://{_GROUPLENS}ml-100k.zip", f"{_ARCHIVE_ORG}ml-100k.zip"),
        ),
    ),
    homepage=HOMEPAGE,
)


def _read_table(path: Path, sep: str) -> list[list[str]]:
    text = path.read_bytes().decode("latin-1")  # u.item holds a few Latin-1 titles
    return [line.split(sep) for line in text.splitlines() if line.strip()]


def read_movielens_100k(paths: dict[str, Path], source: DatasetSource = MOVIELENS_100K) -> Ratings:
    """Parse verified copies of ``u.data``, ``u.item`` and ``u.user`` into
    :class:`~aebook.data.ratings.Ratings`."""
    try:
        raw = np.loadtxt(paths["u.data"], dtype=np.int64, delimiter="\t", ndmin=2)
    except ValueError as exc:
        raise CorruptDataError(f"{paths['u.data']} is not a table of integers ({exc})") from exc
    if raw.shape[1] != 4:
        raise CorruptDataError(f"{paths['u.data']} has {raw.shape[1]} columns; expected 4")
    items = _read_table(paths["u.item"], "|")
    n_users = len(_read_table(paths["u.user"], "|"))
    n_items = len(items)
    user, item, rating = raw[:, 0], raw[:, 1], raw[:, 2]
    if rating.min() < 1 or rating.max() > 5:
        raise CorruptDataError(f"{paths['u.data']} holds ratings outside 1..5")
    if user.min() < 1 or user.max() > n_users or item.min() < 1 or item.max() > n_items:
        raise CorruptDataError(
            f"{paths['u.data']} refers to users or items that u.user ({n_users}) or "
            f"u.item ({n_items}) do not list"
        )
    return Ratings(
        torch.from_numpy(user - 1),
        torch.from_numpy(item - 1),
        torch.from_numpy(rating.astype(np.float32)),
        n_users,
        n_items,
        source="MovieLens 100K (GroupLens)",
        item_names=tuple(
            row[1] if len(row) > 1 else f"item {i + 1}" for i, row in enumerate(items)
        ),
        provenance=file_provenance("MovieLens 100K", paths, source),
    )


def _extract_verified(archive: Path, folder: Path, source: DatasetSource) -> None:
    """Take ``source``'s files out of the archive, writing each only when its SHA-256 matches."""
    with zipfile.ZipFile(archive) as zf:
        members = {Path(m).name: m for m in zf.namelist()}
        for remote in source.files:
            if remote.name not in members:
                raise CorruptDataError(f"{archive.name} holds no {remote.name}")
            data = zf.read(members[remote.name])
            if hashlib.sha256(data).hexdigest() != remote.sha256:
                raise CorruptDataError(
                    f"{remote.name} inside {archive.name} does not match its SHA-256 checksum"
                )
            handle, part = temporary_beside(folder / remote.name, ".part")
            try:
                with open(handle, "wb") as out:
                    out.write(data)
                os.replace(part, folder / remote.name)
            finally:
                part.unlink(missing_ok=True)


def fetch_movielens_100k(
    *,
    root: Path | str | None = None,
    download: bool = True,
    source: DatasetSource = MOVIELENS_100K,
    archive: DatasetSource = MOVIELENS_100K_ARCHIVE,
    timeout: float = 30.0,
) -> dict[str, Path]:
    """Verified local paths of ``u.data``, ``u.item``, ``u.user``: the files, else the archive.

    ``timeout`` (seconds) bounds each connection attempt, so an offline machine gives up quickly.
    """
    folder = Path(root) if root is not None else data_dir() / source.folder
    try:
        return fetch(source, root=folder, download=download, timeout=timeout)
    except DataUnavailableError as direct:
        if not download:
            raise
        try:
            zipped = fetch(archive, root=folder, timeout=timeout)[archive.files[0].name]
            _extract_verified(zipped, folder, source)
            zipped.unlink()
        except (DataUnavailableError, CorruptDataError, zipfile.BadZipFile) as via_archive:
            raise DataUnavailableError(
                f"{direct}\n\nThe archive did not help either:\n{via_archive}"
            ) from via_archive
        return fetch(source, root=folder, download=False)


def load_movielens_100k(
    *,
    root: Path | str | None = None,
    download: bool = True,
    source: DatasetSource = MOVIELENS_100K,
    archive: DatasetSource = MOVIELENS_100K_ARCHIVE,
) -> Ratings:
    """MovieLens 100K as :class:`~aebook.data.ratings.Ratings` (943 users, 1,682 items, 100,000
    ratings)."""
    return read_movielens_100k(
        fetch_movielens_100k(root=root, download=download, source=source, archive=archive), source
    )


def low_rank_ratings(
    n_users: int = 943,
    n_items: int = 1682,
    n_ratings: int = 100_000,
    *,
    rank: int = 5,
    noise: float = 0.6,
    seed: int = 0,
) -> Ratings:
    """Ratings 1-5 generated from a known low-rank model, observed with a popularity skew.

    The true score of user u for item i is ``3.5 + b_u + c_i + p_u·q_i`` with Gaussian biases and
    rank-``rank`` factors; the rating is that score plus N(0, noise²), rounded and clipped to 1..5.
    Which pairs are observed is drawn independently of the ratings, with log-normal user activity
    and item popularity, like the long tails of real rating data. Same size and sparsity as
    MovieLens 100K by default.
    """
    for name, value in (("n_users", n_users), ("n_items", n_items), ("n_ratings", n_ratings)):
        check_count(name, value)
    check_count("rank", rank)
    check_number("noise", noise, low=0)
    check_count("seed", seed, minimum=0)
    if not 0 < n_ratings <= n_users * n_items // 2:
        raise ValueError(
            f"n_ratings must be in 1..{n_users * n_items // 2} for a {n_users} x {n_items} "
            f"matrix; got {n_ratings}"
        )
    rng = np.random.default_rng(seed)
    user_bias = rng.normal(0.0, 0.4, n_users)
    item_bias = rng.normal(0.0, 0.5, n_items)
    scale = 0.8 * rank**-0.25  # p_u·q_i then has standard deviation 0.64 whatever the rank
    p = rng.normal(0.0, scale, (n_users, rank))
    q = rng.normal(0.0, scale, (n_items, rank))
    activity = rng.lognormal(0.0, 1.0, n_users)
    popularity = rng.lognormal(0.0, 1.4, n_items)
    chosen: set[int] = set()
    while len(chosen) < n_ratings:
        need = n_ratings - len(chosen)
        u = rng.choice(n_users, size=2 * need, p=activity / activity.sum())
        i = rng.choice(n_items, size=2 * need, p=popularity / popularity.sum())
        for key in (u * n_items + i).tolist():
            chosen.add(key)
            if len(chosen) == n_ratings:
                break
    keys = np.array(sorted(chosen), dtype=np.int64)
    rng.shuffle(keys)
    users, items = keys // n_items, keys % n_items
    score = 3.5 + user_bias[users] + item_bias[items] + (p[users] * q[items]).sum(1)
    values = np.clip(np.rint(score + rng.normal(0.0, noise, len(keys))), 1, 5)
    return Ratings(
        torch.from_numpy(users),
        torch.from_numpy(items),
        torch.from_numpy(values.astype(np.float32)),
        n_users,
        n_items,
        source=f"generated: rank-{rank} model, noise {noise}, seed {seed}",
        item_names=tuple(f"item {i + 1}" for i in range(n_items)),
        provenance={
            "kind": "generated",
            "recipe": "aebook.data.movielens.low_rank_ratings",
            "n_users": n_users,
            "n_items": n_items,
            "n_ratings": n_ratings,
            "rank": rank,
            "noise": noise,
            "seed": seed,
        },
    )


#: What :func:`load_ratings` can put in MovieLens 100K's place, when asked to.
SUBSTITUTES = ("generated",)


def load_ratings(*, substitute: str | None = None, download: bool = True, seed: int = 0) -> Ratings:
    """MovieLens 100K, or, only when ``substitute="generated"``, generated ratings in its place.

    Without a substitute a missing or damaged dataset raises
    :class:`~aebook.data.store.DataUnavailableError`: results are never computed on other data
    than the caller asked for. With ``substitute="generated"`` MovieLens is not even looked at:
    the ratings are :func:`low_rank_ratings` (seeded by ``seed``), of the same size and sparsity,
    and their ``source``, ``provenance`` and ``is_substitute`` say that they are a substitute.
    """
    if substitute is None:
        try:
            return load_movielens_100k(download=download)
        except DataUnavailableError as exc:
            raise DataUnavailableError(
                f"{exc}\n\nTo run on generated ratings of the same size instead (not MovieLens "
                f'numbers), call load_ratings(substitute="generated").'
            ) from exc
    check_choice("substitute", substitute, SUBSTITUTES)
    check_count("seed", seed, minimum=0)
    made = low_rank_ratings(seed=seed)
    return Ratings(
        made.users,
        made.items,
        made.values,
        made.n_users,
        made.n_items,
        f"SUBSTITUTE for MovieLens 100K ({made.source})",
        made.item_names,
        {**made.provenance, "substitute_for": "MovieLens 100K"},
    )
