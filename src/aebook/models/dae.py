"""Denoising autoencoders and their stacks (Vincent, Larochelle, Bengio & Manzagol 2008).

- :class:`DenoisingAutoencoder`: a :class:`~aebook.models.autoencoders.SigmoidAutoencoder` (tied weights by
  default) whose input is corrupted by ``q_D(x̃ | x)`` while it trains, and whose loss compares the
  reconstruction of x̃ with the *clean* x. In eval mode nothing is corrupted. With a corruption of
  level 0 it is the ordinary autoencoder.
- :class:`StackedDenoisingAutoencoder`: denoising autoencoders stacked by greedy layer-wise
  pretraining (:meth:`~StackedDenoisingAutoencoder.pretrain`: layer k learns to denoise the
  *uncorrupted* codes of layers 1..k-1), topped by a softmax layer and fine-tuned as one network
  (:meth:`~StackedDenoisingAutoencoder.loss` is the classification loss). With masking level 0
  it is the stacked autoassociator SAA of Bengio et al. (2007).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aebook.checks import check_count, check_sizes
from aebook.corruption import Corruption
from aebook.devices import default_device
from aebook.models.autoencoders import SigmoidAutoencoder, check_input, first_input
from aebook.objectives import reconstruction_loss
from aebook.train import History, TrainConfig, fit

#: The default corruption: masking noise destroying 25 % of the inputs.
DEFAULT_CORRUPTION = Corruption("masking", 0.25)

#: How often a checkpointed pretraining or fine-tuning writes its state: a stack of 2,000-unit
#: layers with its optimizer state is over 100 MB, too much to write after every short epoch.
CHECKPOINT_SECONDS = 120.0


def stopped(history: History, config: TrainConfig) -> bool:
    """Whether ``fit``'s callback stopped this run (a deadline) before its last epoch and before
    early stopping ended it: the run is to be resumed, not read as finished."""
    return history.epochs < config.epochs and not history.stopped_early


class DenoisingAutoencoder(SigmoidAutoencoder):
    """h = sigmoid(W x̃ + b), x̂ = sigmoid(W' h + c), trained to reconstruct the clean x from x̃.

    ``corruption`` is a :class:`~aebook.corruption.Corruption` (default: masking of 25 % of the
    inputs); it is applied in training mode only, so codes computed in eval mode (``encode``,
    ``reconstruct``, :func:`aebook.train.evaluate_loss`) are deterministic and uncorrupted.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        corruption: Corruption = DEFAULT_CORRUPTION,
        tied: bool = True,
        reconstruction: str = "cross_entropy",
    ):
        super().__init__(input_size, hidden_size, tied=tied, reconstruction=reconstruction)
        if not isinstance(corruption, Corruption):
            raise ValueError(
                f"corruption must be an aebook.corruption.Corruption; got {corruption!r}"
            )
        self.corruption = corruption

    def corrupt(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """A draw of x̃ ~ q_D(x̃ | x) (the identity in eval mode)."""
        return self.corruption(x, generator) if self.training else x

    def denoise(self, x_tilde: Tensor) -> Tensor:
        """The reconstruction of a (corrupted) input in data space."""
        return self.reconstruct(x_tilde)

    def loss(self, batch) -> dict[str, Tensor]:
        x = check_input(self, first_input(batch), self.input_size)
        out = self.decode(self.encode(self.corrupt(x)))
        rec = reconstruction_loss(self.reconstruction, x, out)  # against the clean x
        x_hat = torch.sigmoid(out) if self.reconstruction == "cross_entropy" else out
        return {"loss": rec.mean(), "squared_error": (x - x_hat).pow(2).sum(-1).mean()}


class StackedDenoisingAutoencoder(nn.Module):
    """A deep sigmoid network whose hidden layers are the encoders of stacked DAEs, plus softmax.

    ``hidden_sizes`` gives the width of each hidden layer; every layer is a tied-weight
    :class:`DenoisingAutoencoder` trained with ``corruption`` on its own input. ``forward`` maps
    inputs to class logits through the clean (uncorrupted) encoders.
    """

    def __init__(
        self,
        input_size: int,
        hidden_sizes: Sequence[int],
        n_classes: int,
        *,
        corruption: Corruption = DEFAULT_CORRUPTION,
        tied: bool = True,
    ):
        super().__init__()
        check_count("input_size", input_size)
        hidden_sizes = check_sizes("hidden_sizes", hidden_sizes, minimum_length=1)
        check_count("n_classes", n_classes, minimum=2)
        sizes = [input_size, *hidden_sizes]
        self.corruption = corruption
        self.layers = nn.ModuleList(
            DenoisingAutoencoder(a, b, corruption=corruption, tied=tied)
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.classifier = nn.Linear(sizes[-1], n_classes)

    @property
    def depth(self) -> int:
        return len(self.layers)

    def features(self, x: Tensor, depth: int | None = None) -> Tensor:
        """The uncorrupted code after the first ``depth`` layers (all of them by default)."""
        depth = self.depth if depth is None else depth
        if not 0 <= depth <= self.depth:
            raise ValueError(f"depth must be in 0..{self.depth}; got {depth}")
        for layer in self.layers[:depth]:
            x = layer.encode(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        x = check_input(self, x, self.layers[0].input_size, single=True)
        return self.classifier(self.features(x))

    def loss(self, batch) -> dict[str, Tensor]:
        """Supervised fine-tuning loss: softmax cross-entropy, with the error rate in percent."""
        x, y = batch
        logits = self(check_input(self, x, self.layers[0].input_size))
        error = (logits.argmax(1) != y).float().mean() * 100
        return {"loss": F.cross_entropy(logits, y), "error": error}

    @torch.no_grad()
    def layer_input(self, x: Tensor, k: int, batch_size: int = 2000) -> Tensor:
        """What layer ``k`` (0-based) is pretrained on: the clean codes of layers 0..k-1 of ``x``."""
        was = [layer.training for layer in self.layers]
        self.layers.eval()
        out = torch.cat(
            [self.features(x[i : i + batch_size], k) for i in range(0, len(x), batch_size)]
        )
        for layer, mode in zip(self.layers, was, strict=True):
            layer.train(mode)
        return out

    def pretrain(
        self,
        x: Tensor,
        config: TrainConfig | Sequence[TrainConfig],
        *,
        valid: Tensor | None = None,
        device: torch.device | str | None = None,
        progress: bool | None = None,
        checkpoints: Path | str | None = None,
        callback: Callable[[int, History], bool | None] | None = None,
    ) -> list[History]:
        """Greedy layer-wise unsupervised pretraining; returns one history per layer.

        Layer k is trained as a denoising autoencoder on ``layer_input(x, k)``: the codes of the
        already trained layers below, computed *without* corruption. Only layer k's input is
        corrupted, by the layer's own corruption. ``config`` is one :class:`~aebook.train.TrainConfig` for all
        layers or one per layer.

        With ``checkpoints`` (a folder), layer k resumes from ``layer<k>.ckpt`` there, as
        :func:`~aebook.train.fit` does; when ``callback`` stops a layer (a deadline), the layers
        above are not trained and the histories end with the stopped one.
        """
        configs = [config] * self.depth if isinstance(config, TrainConfig) else list(config)
        if len(configs) != self.depth:
            raise ValueError(f"config must be one TrainConfig or {self.depth} of them")
        device = torch.device(device) if device is not None else default_device()
        self.to(device)
        x = x.to(device)
        valid = valid.to(device) if valid is not None else None
        histories = []
        for k, (layer, cfg) in enumerate(zip(self.layers, configs, strict=True)):
            inputs = self.layer_input(x, k)
            held_out = self.layer_input(valid, k) if valid is not None else None
            history = fit(
                layer, inputs, cfg, valid=held_out, device=device, progress=progress,
                checkpoint=None if checkpoints is None else Path(checkpoints) / f"layer{k + 1}.ckpt",
                checkpoint_every=CHECKPOINT_SECONDS, callback=callback,
            )  # fmt: skip
            histories.append(history)
            if stopped(history, cfg):
                break
        return histories

    def finetune(
        self,
        train: tuple[Tensor, Tensor],
        config: TrainConfig,
        *,
        valid: tuple[Tensor, Tensor] | None = None,
        device: torch.device | str | None = None,
        progress: bool | None = None,
        checkpoint: Path | str | None = None,
        callback: Callable[[int, History], bool | None] | None = None,
    ) -> History:
        """Supervised training of the whole stack plus softmax (early stopping per ``config``);
        resumable from ``checkpoint`` and stopped by ``callback`` as :func:`~aebook.train.fit`."""
        return fit(
            self, train, config, valid=valid, device=device, progress=progress,
            checkpoint=checkpoint, checkpoint_every=CHECKPOINT_SECONDS, callback=callback,
        )  # fmt: skip
