"""The dimensionality-reduction page: its criteria are the survey's claims."""

from aebook.experiments.dimensionality_reduction import SETTINGS


def test_standard_and_paper_criteria_are_the_claims_themselves():
    for profile in ("standard", "paper"):
        cfg = SETTINGS[profile]
        assert cfg.min_gain_isomap_roll >= 0 and cfg.min_gain_ae_mnist >= 0
