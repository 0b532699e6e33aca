"""Small paired ensembles on the 10-actor test world, shared by the analysis tests."""

from __future__ import annotations

import pytest
import xarray as xr

import flashpoint as fp
from flashpoint.testing import tiny_world


@pytest.fixture(scope="package")
def paired() -> dict[str, xr.Dataset]:
    """status_quo and nato_ip4_partnership, 12 runs, 3 years, same seed, with attribution."""
    w = tiny_world()
    return {
        name: fp.simulate(w, name, runs=12, years=3, seed=3, attribution=True, keep_dyadic=True)
        for name in ("status_quo", "nato_ip4_partnership", "us_retrenchment")
    }
