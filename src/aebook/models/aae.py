"""The adversarial autoencoder (Makhzani et al. 2015): a discriminator on the code matches the
aggregate posterior to the prior.

Three players share one training step:

- the autoencoder (encoder and decoder) lowers the reconstruction loss;
- the discriminator D, a small MLP on codes, learns to tell prior samples z ~ N(0, I) (label 1)
  from codes of data (label 0): binary cross-entropy ``-log D(z) - log(1 - D(encode(x)))``;
- the encoder also plays the generator against D: ``-log D(encode(x))`` (the non-saturating loss).

**How it trains with the one loop of the book.**
``AdversarialAutoencoder.loss`` returns the sum
of the three objectives with gradients routed by stop-gradients, so that one backward pass gives
every parameter the gradient of *its own* objective and nothing else:

- the discriminator's loss sees the codes detached, so it does not move the encoder;
- the generator's loss calls D through ``torch.func.functional_call`` with D's parameters
  detached, so it moves the encoder and not D.

One optimizer step then updates all players at once (simultaneous gradient play), rather than in
the alternating phases of the original paper. This keeps :func:`aebook.train.fit` unchanged:
one optimizer, checkpoints and resumption as for every other model. The gradient routing is a test
in ``tests/test_survey_models.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import functional_call

from aebook.checks import check_number
from aebook.models.autoencoders import check_input, first_input, mlp
from aebook.models.regularized import reconstruction_terms
from aebook.models.wae import GaussianPriorAutoencoder


class AdversarialAutoencoder(GaussianPriorAutoencoder):
    """AAE: :class:`aebook.models.wae.GaussianPriorAutoencoder`'s autoencoder and a discriminator
    ``latent_size → discriminator_sizes → 1`` (a logit), both with ``activation``; ``options`` are
    the other keywords of the autoencoder (``reconstruction``).

    ``adversarial_weight`` scales the generator term in the encoder's objective.
    """

    def __init__(
        self,
        input_size: int,
        latent_size: int,
        hidden_sizes: Sequence[int] = (400,),
        *,
        discriminator_sizes: tuple[int, ...] = (256, 256),
        adversarial_weight: float = 1.0,
        activation: str = "relu",
        **options,
    ):
        super().__init__(input_size, latent_size, hidden_sizes, activation=activation, **options)
        check_number("adversarial_weight", adversarial_weight, low=0)
        self.adversarial_weight = adversarial_weight
        self.discriminator = mlp([latent_size, *discriminator_sizes, 1], activation)

    def discriminate(self, z: Tensor) -> Tensor:
        """D's logit that ``z`` ``(batch, latent)`` was drawn from the prior, shape ``(batch,)``."""
        return self.discriminator(z).squeeze(-1)

    def _discriminate_frozen(self, z: Tensor) -> Tensor:
        """D's logit with D's parameters detached: gradients reach ``z`` only."""
        params = {k: v.detach() for k, v in self.discriminator.named_parameters()}
        return functional_call(self.discriminator, params, (z,)).squeeze(-1)

    def objectives(self, x: Tensor) -> dict[str, Tensor]:
        """The three players' objectives (batch means) and D's accuracy, without routing."""
        z = self.encode(x)
        prior = self.prior_sample(len(x))
        real, fake = self.discriminate(prior), self.discriminate(z.detach())
        disc = F.binary_cross_entropy_with_logits(
            real, torch.ones_like(real)
        ) + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
        frozen = self._discriminate_frozen(z)
        gen = F.binary_cross_entropy_with_logits(frozen, torch.ones_like(frozen))
        accuracy = 0.5 * ((real > 0).float().mean() + (fake < 0).float().mean())
        return {
            **reconstruction_terms(self.reconstruction, x, self.decode(z)),
            "generator": gen,
            "discriminator": disc,
            "discriminator_accuracy": accuracy,
        }

    def loss(self, batch) -> dict[str, Tensor]:
        terms = self.objectives(check_input(self, first_input(batch), self.input_size))
        total = (
            terms["reconstruction"]
            + self.adversarial_weight * terms["generator"]
            + terms["discriminator"]
        )
        return {"loss": total, **terms}
