"""The β-VAE page: its sweep starts at the VAE and holds the β its claims compare."""

import pytest

from aebook.experiments.beta_vae import SETTINGS
from aebook.profiles import PROFILES


@pytest.mark.parametrize("profile", PROFILES)
def test_the_sweep_starts_at_the_vae_and_holds_the_compared_beta(profile):
    cfg = SETTINGS[profile]
    assert cfg.betas[0] == 1.0, "the β sweep starts at the VAE, β = 1"
    assert cfg.hyper.beta in cfg.betas, "the β-VAE claim compares a β of the sweep"
