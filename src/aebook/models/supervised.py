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

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.checks import check_choice, check_count, check_number
from aebook.models.autoencoders import mlp
from aebook.objectives import RECONSTRUCTION_LOSSES, reconstruction_loss

UNLABELLED = -1


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
            error = (logits.argmax(1) != y[labelled]).float().mean() * 100
        else:
            ce = error = code.new_zeros(())
        rec = reconstruction_loss(self.reconstruction, x, self.decoder(code)).mean()
        return {
            "loss": ce + self.lam * rec,
            "cross_entropy": ce,
            "reconstruction": rec,
            "error_percent": error,
        }


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
