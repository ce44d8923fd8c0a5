"""Ratings as triples (user, item, value) with the size of the matrix they come from, whatever
their source: MovieLens 100K (:mod:`aebook.data.movielens`) or a generated stand-in."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from aebook.checks import check_count, check_number
from aebook.data.store import built_by_caller


@dataclass(frozen=True)
class Ratings:
    """Observed ratings as triples: ``users``, ``items`` (int64, from 0) and ``values`` (float32).

    ``n_users`` and ``n_items`` give the size of the full matrix; ``source`` says where the ratings
    come from (shown to the reader); ``item_names`` holds one name per item; ``provenance`` is the
    same for records of results (files and SHA-256, or the recipe and seed of generated ratings,
    with ``"substitute_for"`` when they stand in for a real dataset).
    """

    users: Tensor
    items: Tensor
    values: Tensor
    n_users: int
    n_items: int
    source: str
    item_names: tuple[str, ...] = ()
    provenance: dict = field(default_factory=built_by_caller, compare=False)

    def __post_init__(self):
        n = len(self.values)
        if len(self.users) != n or len(self.items) != n:
            raise ValueError(
                f"users, items and values must have one entry per rating; got "
                f"{len(self.users)}, {len(self.items)}, {n}"
            )
        if n and not (
            0 <= int(self.users.min()) <= int(self.users.max()) < self.n_users
            and 0 <= int(self.items.min()) <= int(self.items.max()) < self.n_items
        ):
            raise ValueError(
                f"user and item indices must lie in 0..n_users - 1 = {self.n_users - 1} and "
                f"0..n_items - 1 = {self.n_items - 1}"
            )
        if n and not bool(torch.isfinite(self.values).all()):
            raise ValueError("values must be finite ratings; they hold NaN or inf")

    @property
    def is_substitute(self) -> bool:
        """Whether these ratings stand in for a real dataset (say so next to every result)."""
        return "substitute_for" in self.provenance

    def __len__(self) -> int:
        return len(self.values)

    @property
    def density(self) -> float:
        """Fraction of the user x item matrix that is observed."""
        return len(self) / (self.n_users * self.n_items)

    def subset(self, index: Tensor) -> Ratings:
        """The ratings at ``index`` (same matrix size, same source)."""
        return Ratings(
            self.users[index],
            self.items[index],
            self.values[index],
            self.n_users,
            self.n_items,
            self.source,
            self.item_names,
            self.provenance,
        )

    def split(self, fraction: float, seed: int = 0) -> tuple[Ratings, Ratings]:
        """A random split into ``(1 - fraction, fraction)`` of the ratings, seeded."""
        check_number("fraction", fraction, low=0, high=1, low_open=True, high_open=True)
        check_count("seed", seed, minimum=0)
        order = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))
        cut = len(self) - round(fraction * len(self))
        return self.subset(order[:cut]), self.subset(order[cut:])

    def item_matrix(self) -> tuple[Tensor, Tensor]:
        """Dense ``(n_items, n_users)`` ratings (0 where unobserved) and the boolean mask of observed.

        Row ``i`` is item i's partially observed vector of ratings, the input of I-AutoRec.
        """
        matrix = torch.zeros(self.n_items, self.n_users)
        mask = torch.zeros(self.n_items, self.n_users, dtype=torch.bool)
        matrix[self.items, self.users] = self.values
        mask[self.items, self.users] = True
        return matrix, mask
