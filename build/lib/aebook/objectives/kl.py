"""KL divergences between diagonal Gaussians, in closed form (Kingma & Welling 2013, appendix B)."""

from __future__ import annotations

import torch
from torch import Tensor


def kl_normal_standard(mean: Tensor, log_var: Tensor) -> Tensor:
    """KL( N(mean, diag(exp(log_var))) || N(0, I) ) per example, summed over the latent dims.

    Equals ``-0.5 * sum(1 + log_var - mean**2 - exp(log_var))``.
    """
    return -0.5 * (1 + log_var - mean.pow(2) - log_var.exp()).sum(-1)


def kl_normal(mean_q: Tensor, log_var_q: Tensor, mean_p: Tensor, log_var_p: Tensor) -> Tensor:
    """KL( N(mean_q, diag var_q) || N(mean_p, diag var_p) ) per example, summed over dims."""
    ratio = torch.exp(log_var_q - log_var_p)
    return 0.5 * (
        ratio + (mean_q - mean_p).pow(2) * torch.exp(-log_var_p) - 1 - (log_var_q - log_var_p)
    ).sum(-1)
