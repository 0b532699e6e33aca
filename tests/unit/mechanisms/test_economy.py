"""Unit tests for the economy mechanism (exogenous trend growth)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import economy
from flashpoint.testing import make_context

R = 3


def test_growth_is_rate_times_gdp_times_dt() -> None:
    state, ctx, draws = make_context(runs=R)
    params = dict(ctx.params)
    params["economy.growth"] = np.array([0.02, 0.045, 0.07])
    ctx = dataclasses.replace(ctx, params=params)
    before = state.copy()
    d = economy.MECHANISM.step(state, {}, ctx, draws).deltas["gdp"]
    np.testing.assert_allclose(d, ctx.dt * params["economy.growth"][:, None] * state.gdp)
    assert np.all(d > 0)
    np.testing.assert_array_equal(state.gdp, before.gdp)


def test_declaration() -> None:
    assert economy.MECHANISM.name == "economy"
    assert economy.MECHANISM.writes == ("gdp",)
    (p,) = economy.PARAMETERS
    assert p.low <= p.default <= p.high and "IMF" in p.source
