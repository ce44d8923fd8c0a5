"""An autoencoder as a regulariser of a classifier: L = L(y, ŷ) + λ · R(x, x̂).

One encoder feeds two heads: a linear classifier that predicts the label from the code, and a
decoder that reconstructs the input from the same code. Training minimises the classification loss
on the labelled examples plus λ times the reconstruction loss, so the code must keep what the
labels need *and* what the input looks like. Le, Patterson & White (2018) call this a supervised
autoencoder. When unlabelled examples are mixed in (label ``-1``), they contribute only the
reconstruction term: the autoencoder then brings the unlabelled data into a supervised model.

``lam=0`` is the same network trained as a plain classifier, the baseline of the comparison.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from aebook.checks import check_choice, check_count, check_number
from aebook.data.labels import UNLABELLED
from aebook.models.autoencoders import ACTIVATIONS, mlp
from aebook.objectives import RECONSTRUCTION_LOSSES, reconstruction_loss


class SupervisedAutoencoder(nn.Module):
    """Encoder ``sizes`` (input ... code), a linear classifier on the code, a mirrored decoder.

    ``forward(x)`` returns class logits, so :func:`~aebook.evaluate.classification.predict`
    applies. ``loss`` takes
    ``(x, y)`` batches where ``y == -1`` marks an unlabelled example.
    """

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        n_classes: int,
        *,
        lam: float = 1.0,
        activation: str = "relu",
        reconstruction: str = "cross_entropy",
    ):
        super().__init__()
        check_number("lam", lam, low=0)
        check_count("n_classes", n_classes, minimum=2)
        check_choice("reconstruction", reconstruction, RECONSTRUCTION_LOSSES)
        self.lam = lam
        self.reconstruction = reconstruction
        self.encoder = mlp(sizes, activation)
        self.decoder = mlp(list(reversed(sizes)), activation)
        self.classifier = nn.Linear(sizes[-1], n_classes)

    def encode(self, x: Tensor) -> Tensor:
        return self.encoder(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.encoder(x))

    def loss(self, batch) -> dict[str, Tensor]:
        x, y = batch
        code = self.encoder(x)
        labelled = y != UNLABELLED
        if labelled.any():
            logits = self.classifier(code[labelled])
            ce = F.cross_entropy(logits, y[labelled])
            error = (logits.argmax(1) != y[labelled]).float().mean()
        else:
            ce = error = code.new_zeros(())
        rec = reconstruction_loss(self.reconstruction, x, self.decoder(code)).mean()
        return {
            "loss": ce + self.lam * rec,
            "cross_entropy": ce,
            "reconstruction": rec,
            "error": error,
        }


class MLPClassifier(nn.Module):
    """An MLP classifier ``input_size → hidden_sizes → n_classes`` trained by cross-entropy; its
    ``error`` is the fraction of the batch it misclassifies. ``features(x)`` is the last hidden
    layer after its activation (the feature space of :mod:`aebook.evaluate.frechet`). M2's
    classifier q(y | x) trained on the labelled examples alone is one (the M2 page's baseline)."""

    def __init__(
        self,
        input_size: int,
        n_classes: int = 10,
        hidden_sizes: tuple[int, ...] = (500,),
        activation: str = "relu",
    ):
        super().__init__()
        if not hidden_sizes:
            raise ValueError("hidden_sizes must name at least one hidden layer (the features)")
        self.body = nn.Sequential(
            mlp([input_size, *hidden_sizes], activation), ACTIVATIONS[activation]()
        )
        self.head = nn.Linear(hidden_sizes[-1], n_classes)

    def features(self, x: Tensor) -> Tensor:
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x))

    def loss(self, batch) -> dict[str, Tensor]:
        x, y = batch
        logits = self(x)
        return {
            "loss": F.cross_entropy(logits, y),
            "error": (logits.argmax(1) != y).float().mean(),
        }
