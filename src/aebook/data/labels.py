"""Few labels among many images: a draw balanced over the classes, and one training set that mixes
the labelled examples (repeated) with the unlabelled ones (label :data:`UNLABELLED`), for the
semi-supervised models (:class:`aebook.models.m2.M2`,
:class:`aebook.models.supervised.SupervisedAutoencoder`) and the few-label classifiers."""

from __future__ import annotations

import torch
from torch import Tensor

#: The label of an example whose label the model must not see.
UNLABELLED = -1


def balanced_subset(labels: Tensor, n: int, *, n_classes: int = 10, seed: int = 0) -> Tensor:
    """Indices of ``n`` examples, ``n / n_classes`` of each class, drawn with ``seed`` (sorted)."""
    if n < n_classes or n % n_classes:
        raise ValueError(f"n must be a positive multiple of n_classes ({n_classes}); got {n}")
    g = torch.Generator().manual_seed(seed)
    chosen = []
    for k in range(n_classes):
        members = torch.nonzero(labels.cpu() == k).flatten()
        if len(members) < n // n_classes:
            raise ValueError(f"class {k} has {len(members)} examples, fewer than {n // n_classes}")
        chosen.append(members[torch.randperm(len(members), generator=g)[: n // n_classes]])
    return torch.cat(chosen).sort().values


def mix_labelled(
    x_unlabelled: Tensor,
    x_labelled: Tensor,
    y_labelled: Tensor,
    *,
    labelled_share: float = 0.1,
) -> tuple[Tensor, Tensor]:
    """One training set of unlabelled (label -1) and labelled examples, the labelled ones repeated.

    With 100 labels among 50,000 images a minibatch would almost never hold a label; repeating
    the labelled examples so that they make up about ``labelled_share`` of the set gives every
    minibatch some (the classification loss is then averaged over the labelled ones it holds).
    ``fit`` shuffles the set every epoch.
    """
    if not 0.0 < labelled_share < 1.0:
        raise ValueError(f"labelled_share must be in (0, 1); got {labelled_share}")
    if len(x_labelled) != len(y_labelled) or len(x_labelled) == 0:
        raise ValueError(
            f"x_labelled and y_labelled must be non-empty and of equal length; got "
            f"{len(x_labelled)} and {len(y_labelled)}"
        )
    if (y_labelled < 0).any():
        raise ValueError("y_labelled must hold class indices >= 0")
    wanted = labelled_share / (1 - labelled_share) * len(x_unlabelled)
    repeats = max(1, round(wanted / len(x_labelled)))
    x = torch.cat([x_unlabelled, x_labelled.repeat(repeats, 1)])
    y = torch.cat(
        [
            torch.full(
                (len(x_unlabelled),), UNLABELLED, dtype=torch.long, device=y_labelled.device
            ),
            y_labelled.repeat(repeats),
        ]
    )
    return x, y
