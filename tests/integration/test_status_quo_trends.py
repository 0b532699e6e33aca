"""Issue 11 plausibility checks of the economy and arms trends on the 2024 world.

Measured as the issue states them: ``load_world(year=2024)``, status quo, 300
runs, seed 0. The facts: China's real spending grew 5.6 %/yr over 2013-2023 (SIPRI,
constant 2022 US$); NATO's Vilnius pledge (11 July 2023) makes 2 % of GDP a floor
for every ally; the 15 European NATO members of the default world spent 1.84 % of
their combined GDP in 2023 (SIPRI spending / World Bank GDP, one price basis).
"""

from __future__ import annotations

import numpy as np
import pytest

import flashpoint as fp
from flashpoint.engine.metrics import MetricIndex


@pytest.fixture(scope="module")
def status_quo():
    world = fp.load_world(year=2024)
    ds = fp.simulate(world, None, runs=300, years=6, seed=0, attribution=False, keep_dyadic=False)
    return world, ds


def test_china_real_spending_growth_first_five_years(status_quo) -> None:
    _, ds = status_quo
    chn = ds.milex.sel(actor="CHN")
    growth = (chn.sel(time=5.0) / chn.sel(time=0.0)) ** (1 / 5) - 1
    assert 0.04 <= float(growth.median()) <= 0.08


def test_european_nato_burden_in_year_six(status_quo) -> None:
    world, ds = status_quo
    eu = MetricIndex.build(world.to_arrays()).europe_nato
    burden = ds.milex[:, :, eu].sum("actor") / ds.gdp[:, :, eu].sum("actor")
    assert float(burden.isel(time=0, run=0)) == pytest.approx(0.0184, abs=5e-4)
    assert float(burden.sel(time=6.0).median()) >= 0.02
    assert np.all(burden.median("run").diff("time") > 0)  # no drift down
