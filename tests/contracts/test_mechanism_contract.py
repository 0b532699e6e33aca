"""Every registered mechanism passes the contract suite (flashpoint.testing.checks)."""

import pytest

from flashpoint.mechanisms import REGISTRY
from flashpoint.testing.checks import check_mechanism

EXPECTED = {
    "threat", "burden_shifting", "credibility", "arms", "security_dilemma", "alignment",
    "interdependence", "reassurance", "deterrence", "economy", "bargaining",
    "nuclear", "axis_support", "mobilisation", "signal_reading",
}


def test_every_mechanism_is_registered() -> None:
    assert set(REGISTRY) == EXPECTED


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_contract(name: str) -> None:
    check_mechanism(REGISTRY[name])
