"""The dimensionality-reduction page: its criteria are the survey's claims."""

import dataclasses

from aebook.experiments.dimensionality_reduction import SETTINGS


def test_the_criteria_are_the_claims_themselves():
    """A gain must be >= 0 in every profile, written in the page: no setting loosens the claim."""
    for cfg in SETTINGS.values():
        assert not [f.name for f in dataclasses.fields(cfg) if f.name.startswith("min_gain")]
