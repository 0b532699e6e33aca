"""Unit tests for the arms mechanism (threat-weighted Richardson dynamics)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import arms, threat
from flashpoint.testing import make_context

R = 3


def _ctx(ctx, **params):
    merged = dict(ctx.params)
    merged.update({f"arms.{k}": np.full(R, v) for k, v in params.items()})
    return dataclasses.replace(ctx, params=merged)


def _delta(state, ctx, draws):
    derived = threat.MECHANISM.step(state, {}, ctx, draws).derived
    return arms.MECHANISM.step(state, derived, ctx, draws).deltas["milex"]


def test_shape_and_finite() -> None:
    state, ctx, draws = make_context(runs=R)
    d = _delta(state, ctx, draws)
    assert d.shape == state.milex.shape and np.all(np.isfinite(d))


def test_initial_growth_equals_trend() -> None:
    # Grievance calibration: at t = 0 every actor grows at the baseline trend r.
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0, trend=0.03)
    d = _delta(state, ctx, draws)
    np.testing.assert_allclose(d, ctx.dt * 0.03 * state.milex, rtol=1e-10)


def test_more_rival_spending_more_arming() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0)
    w = ctx.world
    jpn, chn = w.index("JPN"), w.index("CHN")
    base = _delta(state, ctx, draws)
    milex = state.milex.copy()
    milex[:, chn] *= 1.5
    more = _delta(state._replace(milex=milex), ctx, draws)
    assert np.all(more[:, jpn] > base[:, jpn])


def test_no_reaction_means_rival_spending_is_ignored() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0, reaction=0.0, threat_response=0.0)
    jpn, chn = ctx.world.index("JPN"), ctx.world.index("CHN")
    milex = state.milex.copy()
    milex[:, chn] *= 1.5
    a = _delta(state, ctx, draws)[:, jpn]
    b = _delta(state._replace(milex=milex), ctx, draws)[:, jpn]
    np.testing.assert_allclose(a, b)


def test_economic_ceiling_stops_growth() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0)
    ceiling = arms.burden_ceiling(ctx)
    at_bound = state._replace(gdp=state.milex / ceiling)
    d = _delta(at_bound, ctx, draws)
    assert np.all(d <= 1e-12 * state.milex)


def test_spending_floor_pulls_up() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0)
    ltu = ctx.world.index("LTU")
    floor = np.zeros_like(ctx.spending_floor)
    floor[:, ltu] = 0.05
    base = _delta(state, ctx, draws)
    pulled = _delta(state, dataclasses.replace(ctx, spending_floor=floor), draws)
    assert np.all(pulled[:, ltu] > base[:, ltu])
    others = np.arange(ctx.world.n) != ltu
    np.testing.assert_allclose(pulled[:, others], base[:, others])


def test_spending_stays_positive_under_extreme_shocks() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.08)
    shocks = draws._replace(spending=np.full_like(draws.spending, -1e3))
    d = _delta(state, ctx, shocks)
    assert np.all(state.milex + d > 0)


def test_noise_comes_only_from_draws() -> None:
    state, ctx, draws = make_context(runs=R)
    a = _delta(state, ctx, draws)
    b = _delta(state, ctx, draws)
    np.testing.assert_array_equal(a, b)
    c = _delta(state, ctx, draws._replace(spending=-draws.spending))
    assert not np.allclose(a, c)


def test_inputs_not_mutated() -> None:
    state, ctx, draws = make_context(runs=R)
    before = state.copy()
    _delta(state, ctx, draws)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)


def _variant(ctx, name):
    return dataclasses.replace(ctx, variants={"arms": name})


def test_absolute_variant_initial_growth_equals_trend() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _variant(_ctx(ctx, noise=0.0, trend=0.03), "absolute")
    d = _delta(state, ctx, draws)
    np.testing.assert_allclose(d, ctx.dt * 0.03 * state.milex, rtol=1e-10)


def test_relative_form_reacts_to_growth_not_size() -> None:
    # A rival's spending 50 % above its trend path raises a small state's growth
    # by k x (its threat weight) x ln 1.5 - in proportion to its own budget.
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0, threat_response=0.0)
    w = ctx.world
    ltu, rus = w.index("LTU"), w.index("RUS")
    milex = state.milex.copy()
    milex[:, rus] *= 1.5
    moved = state._replace(milex=milex)
    t = threat.MECHANISM.step(moved, {}, ctx, draws).derived["threat"]
    weight = t[:, ltu, rus] / t[:, ltu].sum(axis=-1)
    d = _delta(moved, ctx, draws)[:, ltu]
    expected = ctx.dt * state.milex[:, ltu] * (0.02 + 0.05 * weight * np.log(1.5))
    np.testing.assert_allclose(d, expected, rtol=1e-10)

