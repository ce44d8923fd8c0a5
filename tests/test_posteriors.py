"""The posteriors page: its codes are 2-D, so that they can be drawn."""

import pytest

from aebook.experiments.posteriors import SETTINGS
from aebook.profiles import PROFILES


@pytest.mark.parametrize("profile", PROFILES)
def test_the_codes_can_be_drawn(profile):
    assert SETTINGS[profile].posterior_latent == 2
