"""Rating prediction: item-based AutoRec (Sedhain et al. 2015) and a biased matrix factorisation.

Both predict the missing entries of a users x items matrix of ratings from the observed ones.

**I-AutoRec** reads one *item* at a time: its vector r ∈ R^m of ratings by the m users, with zeros
where a user did not rate it. An autoencoder with one hidden layer of k units reconstructs it,

    h(r) = f(W g(V r + μ) + b),   V ∈ R^{k×m}, W ∈ R^{m×k},

and is trained on the *observed* entries only,

    min  Σ_items ‖r − h(r)‖²_O + (λ/2) (‖W‖²_F + ‖V‖²_F),

where ‖·‖²_O sums over the observed ratings. The prediction of user u's rating of item i is entry
u of h(r_i). The paper's best choice is a sigmoid g and an identity f.

**BiasedMF** (the "BiasedMF" baseline of the paper, Koren, Bell & Volinsky 2009) predicts
r̂_ui = μ + b_u + c_i + p_u · q_i, with the global mean μ, a bias per user and per item and rank-d
factors, trained on the squared error of the observed ratings plus an L2 penalty on the parameters
each rating touches.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from aebook.checks import check_count, check_number
from aebook.models.autoencoders import ACTIVATIONS

OUTPUT_ACTIVATIONS = ("identity", *ACTIVATIONS)


def _activation(name: str) -> nn.Module:
    if name == "identity":
        return nn.Identity()
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]()


def rmse(predictions: Tensor, targets: Tensor) -> float:
    """Root mean squared error between two rating vectors of the same length."""
    if predictions.shape != targets.shape or predictions.ndim != 1:
        raise ValueError(
            f"predictions {tuple(predictions.shape)} and targets {tuple(targets.shape)} must be "
            "vectors of the same length"
        )
    if len(targets) == 0:
        raise ValueError("targets is empty")
    return math.sqrt(float((predictions.double() - targets.double()).pow(2).mean()))


class IAutoRec(nn.Module):
    """Item-based AutoRec: reconstructs each item's ratings by all ``n_users`` users.

    ``l2`` is the λ of the objective. ``n_items`` is needed to spread the penalty over minibatches:
    each batch of B items carries B / n_items of it, so an epoch adds up to the paper's objective
    (divided by n_items, which does not move the minimum).

    Batches are ``(ratings, mask)`` (the target is the input), or ``(ratings, mask, targets,
    target_mask)`` to score held-out ratings given the training ones (validation).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden: int = 500,
        *,
        l2: float = 1.0,
        hidden_activation: str = "sigmoid",
        output_activation: str = "identity",
    ):
        super().__init__()
        for name, count in (("n_users", n_users), ("n_items", n_items), ("hidden", hidden)):
            check_count(name, count)
        check_number("l2", l2, low=0)
        self.n_users, self.n_items, self.l2 = n_users, n_items, l2
        self.encoder = nn.Linear(n_users, hidden)  # V, μ
        self.decoder = nn.Linear(hidden, n_users)  # W, b
        self.g = _activation(hidden_activation)
        self.f = _activation(output_activation)

    def forward(self, ratings: Tensor) -> Tensor:
        """h(r) for a batch of item vectors ``(batch, n_users)`` (0 where unobserved)."""
        return self.f(self.decoder(self.g(self.encoder(ratings))))

    def penalty(self) -> Tensor:
        """(λ/2)(‖W‖² + ‖V‖²): the weights only, not the biases, as in the paper."""
        return 0.5 * self.l2 * (self.encoder.weight.pow(2).sum() + self.decoder.weight.pow(2).sum())

    def loss(self, batch) -> dict[str, Tensor]:
        if len(batch) == 2:
            ratings, mask = batch
            targets, target_mask = ratings, mask
        elif len(batch) == 4:
            ratings, mask, targets, target_mask = batch
        else:
            raise ValueError(
                "batch must be (ratings, mask) or (ratings, mask, targets, target_mask); "
                f"got {len(batch)} tensors"
            )
        out = self(ratings * mask)
        sse = ((targets - out).pow(2) * target_mask).sum(1)
        return {
            "loss": sse.mean() + self.penalty() / self.n_items,
            "squared_error_per_item": sse.mean(),
            "ratings_per_item": target_mask.sum(1).float().mean(),
        }

    @torch.no_grad()
    def predict(
        self,
        ratings: Tensor,
        mask: Tensor,
        users: Tensor,
        items: Tensor,
        *,
        default: float = 3.0,
        clamp: tuple[float, float] = (1.0, 5.0),
    ) -> Tensor:
        """Predicted ratings of ``(users[j], items[j])`` from the training matrix ``(n_items, n_users)``.

        As in the paper, a user or item without any training rating gets the ``default`` rating.
        Predictions are clipped to the rating scale.
        """
        was_training = self.training
        self.eval()
        out = self(ratings * mask)[items, users]
        self.train(was_training)
        known = mask.any(1)[items] & mask.any(0)[users]
        return torch.where(known, out, torch.full_like(out, default)).clamp(*clamp)


class BiasedMF(nn.Module):
    """r̂_ui = μ + b_u + c_i + p_u·q_i, trained on observed ``(users, items, ratings)`` batches.

    ``l2`` weights the penalty b_u² + c_i² + ‖p_u‖² + ‖q_i‖² of the parameters that each rating
    touches (the usual stochastic-gradient formulation of Koren et al. 2009).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        rank: int = 20,
        *,
        l2: float = 0.05,
        global_mean: float = 3.5,
        init_scale: float = 0.1,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        if rank < 1:
            raise ValueError(f"rank must be >= 1; got {rank}")
        if l2 < 0:
            raise ValueError(f"l2 must be >= 0; got {l2}")
        self.l2 = l2
        self.register_buffer("global_mean", torch.tensor(float(global_mean)))
        self.user_bias = nn.Parameter(torch.zeros(n_users))
        self.item_bias = nn.Parameter(torch.zeros(n_items))
        self.user_factors = nn.Parameter(
            init_scale * torch.randn(n_users, rank, generator=generator)
        )
        self.item_factors = nn.Parameter(
            init_scale * torch.randn(n_items, rank, generator=generator)
        )

    def forward(self, users: Tensor, items: Tensor) -> Tensor:
        dot = (self.user_factors[users] * self.item_factors[items]).sum(-1)
        return self.global_mean + self.user_bias[users] + self.item_bias[items] + dot

    def loss(self, batch) -> dict[str, Tensor]:
        users, items, ratings = batch
        err = ratings - self(users, items)
        penalty = (
            self.user_bias[users].pow(2)
            + self.item_bias[items].pow(2)
            + self.user_factors[users].pow(2).sum(-1)
            + self.item_factors[items].pow(2).sum(-1)
        )
        squared = err.pow(2).mean()
        return {"loss": squared + self.l2 * penalty.mean(), "squared_error": squared}

    @torch.no_grad()
    def predict(
        self, users: Tensor, items: Tensor, *, clamp: tuple[float, float] = (1.0, 5.0)
    ) -> Tensor:
        """Predicted ratings, clipped to the rating scale."""
        return self(users, items).clamp(*clamp)
