"""The semi-supervised model M2 of Kingma, Rezende, Mohamed & Welling (2014).

Generative model: p(y) = uniform over K classes, p(z) = N(0, I), p(x | y, z) a decoder on the
concatenation of z and the one-hot y. Inference model: a classifier q(y | x) and a Gaussian
encoder q(z | x, y). Every number is per example, in nats.

- For a **labelled** pair (x, y), the bound on log p(x, y) is
  −L(x, y) = E_q(z|x,y)[log p(x | y, z)] + log p(y) − KL(q(z | x, y) ‖ p(z)).
- For an **unlabelled** x, y is a latent variable too; summing over the K classes,
  −U(x) = Σ_y q(y | x) (−L(x, y)) + H(q(y | x)).
- The classifier appears in U only through the weights q(y | x); to train it on the labels as
  well, the objective adds α times the cross-entropy of q(y | x) on the labelled examples:
  J^α = Σ_labelled L + Σ_unlabelled U + α E_labelled[−log q(y | x)], with α = 0.1 N.

This module's ``loss`` takes batches ``(x, y)`` in which ``y = -1`` marks an unlabelled example
and averages over the batch:

    (labelled_weight · Σ_labelled L + Σ_unlabelled U + alpha · Σ_labelled CE) / batch size.

The training data repeat the few labelled examples until they fill half of every minibatch
(:func:`aebook.data.labels.mix_labelled` with ``labelled_share=0.5``), so each labelled image
appears r = N_u / N_l times per pass over the unlabelled ones. ``labelled_weight = 1 / r`` gives
each labelled image's bound the weight it has in J^α (once per pass). ``alpha`` is the weight of the
cross-entropy per labelled *row*; the paper's α multiplies an average over the N_l labelled images,
so its weight per labelled image is α / N_l = 0.1 N / N_l (:func:`paper_alpha`). Applying that
weight to every repetition, as common reimplementations do, puts r times more weight on the labels
than J^α does; within a budget of a few epochs it learns far faster (see ``aebook.experiments.m2``).

``prior_weight`` adds the released code's N(0, 1) prior on the parameters (``learn_yz_x_ss.py``
of dpkingma/nips14-ssl, ``optim_vae_ss_adam``: log p(θ) enters every minibatch's objective divided
by N): ``prior_weight · ½ Σ θ²`` over every weight matrix and the classifier's biases, the
parameters the code puts the prior on; ``prior_weight = 1 / N`` is the code's.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.data.labels import UNLABELLED
from aebook.models.autoencoders import mlp
from aebook.models.vae import (
    BernoulliDecoder,
    GaussianDecoder,
    GaussianEncoder,
    check_likelihood,
)
from aebook.objectives.kl import kl_normal_standard


def paper_alpha(n_total: int, n_labelled: int, scale: float = 0.1) -> float:
    """The weight per labelled example of the classification term, α / N_l = 0.1 N / N_l."""
    if not 0 < n_labelled <= n_total:
        raise ValueError(f"need 0 < n_labelled <= n_total; got {n_labelled}, {n_total}")
    return scale * n_total / n_labelled


class M2(nn.Module):
    """M2: a classifier q(y|x), an encoder q(z|x,y) and a decoder p(x|y,z) trained together.

    ``likelihood="gaussian"`` with ``squash_mean=False`` models real-valued inputs, such as the
    codes of a first VAE (M1) in the paper's stacked model M1+M2.

    ``forward(x)`` returns the classifier's logits, so
    :func:`aebook.evaluate.classification.predict` and
    :func:`aebook.evaluate.classification.classification_error` apply to it directly.
    """

    def __init__(
        self,
        input_size: int,
        n_classes: int = 10,
        latent_size: int = 50,
        hidden_sizes: tuple[int, ...] = (500,),
        *,
        activation: str = "softplus",
        likelihood: str = "bernoulli",
        alpha: float = 50.0,
        squash_mean: bool = True,
        labelled_weight: float = 1.0,
        prior_weight: float = 0.0,
    ):
        super().__init__()
        check_likelihood(likelihood)
        if n_classes < 2:
            raise ValueError(f"n_classes must be >= 2, got {n_classes}")
        if not hidden_sizes:  # _encode_every_class reads the encoder's first hidden layer
            raise ValueError("hidden_sizes must name at least one hidden layer; got ()")
        if alpha < 0:
            raise ValueError(f"alpha must be >= 0, got {alpha}")
        self.n_classes = n_classes
        self.latent_size = latent_size
        self.alpha = alpha
        if prior_weight < 0:
            raise ValueError(f"prior_weight must be >= 0, got {prior_weight}")
        self.labelled_weight = labelled_weight
        self.prior_weight = prior_weight
        self.classifier = mlp([input_size, *hidden_sizes, n_classes], activation)
        self.encoder = GaussianEncoder(
            input_size + n_classes, hidden_sizes, latent_size, activation
        )
        sizes = (latent_size + n_classes, tuple(reversed(hidden_sizes)), input_size, activation)
        if likelihood == "bernoulli":
            self.decoder = BernoulliDecoder(*sizes)
        else:  # unsquashed for inputs outside (0, 1), e.g. M1's codes in M1+M2
            self.decoder = GaussianDecoder(*sizes, squash_mean=squash_mean)

    def forward(self, x: Tensor) -> Tensor:
        """Logits of q(y | x), ``(batch, n_classes)``."""
        return self.classifier(x)

    def prior_penalty(self) -> Tensor:
        """½ Σ θ² over the parameters under the N(0, 1) prior (see the module's docstring)."""
        layers = [m for m in self.modules() if isinstance(m, nn.Linear)]
        weights = [m.weight for m in layers]
        biases = [m.bias for m in self.classifier.modules() if isinstance(m, nn.Linear)]
        return 0.5 * sum(p.square().sum() for p in weights + biases)

    def _one_hot(self, y: Tensor, like: Tensor) -> Tensor:
        return F.one_hot(y, self.n_classes).to(like.dtype)

    def labelled_bound(self, x: Tensor, y: Tensor) -> Tensor:
        """−L(x, y), a one-sample estimate of the bound on log p(x, y), ``(batch,)``, nats."""
        y_hot = self._one_hot(y, x)
        return self._bound(x, y_hot, *self.encoder(torch.cat([x, y_hot], 1)))

    def _bound(self, x: Tensor, y_hot: Tensor, mean: Tensor, log_var: Tensor) -> Tensor:
        """−L(x, y) from q(z | x, y)'s ``mean`` and ``log_var``: one draw of z."""
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        log_px = self.decoder.log_prob(x, torch.cat([z, y_hot], 1))
        return log_px - kl_normal_standard(mean, log_var) - math.log(self.n_classes)

    def _encode_every_class(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """q(z | x, y) for every class y of every row, class-major: ``(K · n, N_z)`` twice.

        The encoder's first layer reads [x, one-hot y], so its product with x is computed once
        and each class adds its own column of weights: the numbers of the encoder on K copies of
        x, up to rounding, with K times fewer products in what is M2's largest layer on pixels
        (``benchmarks/m2_step.py`` measures the step)."""
        layers = self.encoder.body[0]  # Linear, activation, ... (see GaussianEncoder)
        first, d = layers[0], x.shape[1]
        h = F.linear(x, first.weight[:, :d], first.bias)
        h = (first.weight[:, d:].T.unsqueeze(1) + h).flatten(0, 1)
        h = self.encoder.body[1](layers[1:](h))
        return self.encoder.mean(h), self.encoder.log_var(h)

    def unlabelled_bound(self, x: Tensor, logits: Tensor | None = None) -> Tensor:
        """−U(x) = Σ_y q(y|x) (−L(x, y)) + H(q(y|x)), ``(batch,)``, nats."""
        n, k = len(x), self.n_classes
        every_class = self._one_hot(torch.arange(k, device=x.device).repeat_interleave(n), x)
        mean, log_var = self._encode_every_class(x)
        bounds = self._bound(x.repeat(k, 1), every_class, mean, log_var).view(k, n).T
        log_q = F.log_softmax(self(x) if logits is None else logits, dim=1)
        q = log_q.exp()
        return (q * bounds).sum(1) - (q * log_q).sum(1)

    def loss(self, batch) -> dict[str, Tensor]:
        """The negative J^α per example of a batch ``(x, y)``; ``y == -1`` marks unlabelled rows."""
        x, y = batch
        labelled = y != UNLABELLED
        logits = self(x)
        zero = x.new_zeros(())
        n = len(x)
        n_lab = int(labelled.sum())
        if n_lab:
            neg_l = -self.labelled_bound(x[labelled], y[labelled])
            ce = F.cross_entropy(logits[labelled], y[labelled], reduction="none")
            wrong = (logits[labelled].argmax(1) != y[labelled]).float()
        else:
            neg_l = ce = wrong = zero.view(1)[:0]
        if n_lab < n:
            neg_u = -self.unlabelled_bound(x[~labelled], logits[~labelled])
        else:
            neg_u = zero.view(1)[:0]
        loss = (self.labelled_weight * neg_l.sum() + neg_u.sum() + self.alpha * ce.sum()) / n
        if self.prior_weight:
            loss = loss + self.prior_weight * self.prior_penalty()
        metrics = {
            "loss": loss,
            "labelled_bound": -neg_l.mean() if n_lab else zero,
            "unlabelled_bound": -neg_u.mean() if n_lab < n else zero,
            "cross_entropy": ce.mean() if n_lab else zero,
            "labelled_error": wrong.mean() if n_lab else zero,
        }
        return metrics

    @torch.no_grad()
    def sample(self, y: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Decoder means for the classes ``y`` with z drawn from the prior (one image per entry)."""
        device = next(self.parameters()).device
        z = torch.randn(len(y), self.latent_size, generator=generator, device=device)
        return self.decoder.mean(torch.cat([z, self._one_hot(y.to(device), z)], 1))

    @torch.no_grad()
    def analogies(self, x: Tensor) -> Tensor:
        """For each row of ``x``, its style z (posterior mean under its predicted class) decoded
        with every class: ``(len(x) * n_classes, d)``, row i * K + k is image i drawn as class k."""
        y_pred = self(x).argmax(1)
        z, _ = self.encoder(torch.cat([x, self._one_hot(y_pred, x)], 1))
        k = self.n_classes
        z_rep = z.repeat_interleave(k, 0)
        classes = torch.arange(k, device=x.device).repeat(len(x))
        return self.decoder.mean(torch.cat([z_rep, self._one_hot(classes, z_rep)], 1))
