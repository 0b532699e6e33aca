"""Unit tests for the economy mechanism (real trend growth per actor)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.mechanisms import economy
from flashpoint.testing import make_context

R = 3


def test_growth_is_exact_over_the_step_at_each_actors_rate() -> None:
    state, ctx, draws = make_context(runs=R)
    params = dict(ctx.params)
    params["economy.growth_quantile"] = np.array([0.1, 0.5, 0.9])
    ctx = dataclasses.replace(ctx, params=params)
    before = state.copy()
    d = economy.MECHANISM.step(state, {}, ctx, draws).deltas["gdp"]
    g = economy.growth_rate(ctx)
    np.testing.assert_allclose(d, state.gdp * np.expm1(ctx.dt * g))
    np.testing.assert_allclose(g[1], ctx.world.gdp_growth)  # the median is the posterior mean
    assert np.all(g[0] < g[1]) and np.all(g[1] < g[2])
    np.testing.assert_array_equal(state.gdp, before.gdp)


def test_declaration() -> None:
    assert economy.MECHANISM.name == "economy"
    assert economy.MECHANISM.writes == ("gdp",)
    (p,) = economy.PARAMETERS
    assert p.low <= p.default <= p.high and p.unit == "quantile"


def test_trends_is_the_world_estimate() -> None:
    t = economy.trends(2014)
    assert {"milex_trend", "milex_trend_sd", "gdp_growth", "gdp_growth_sd"} <= set(t.columns)
    assert (t.milex_trend_sd > 0).all() and (t.gdp_growth_sd > 0).all()
    with pytest.raises(Exception, match="world_year"):
        economy.trends(2030)
