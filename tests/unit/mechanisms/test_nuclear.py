"""North Korea's warhead stockpile: trend growth, faster under threat, read by threat."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import nuclear, threat
from flashpoint.testing import make_context

R = 3


def _intent(state, src: str, dst: str, value: float, world):
    intent = state.intent.copy()
    intent[:, world.index(src), world.index(dst)] = value
    return state._replace(intent=intent)


def test_initial_stockpile_is_the_worlds() -> None:
    state, ctx, _ = make_context(runs=R)
    np.testing.assert_array_equal(state.warheads, np.broadcast_to(ctx.world.warheads, (R, ctx.world.n)))


def test_status_quo_grows_at_the_trend_only_for_north_korea() -> None:
    state, ctx, draws = make_context(runs=R)
    d = nuclear.step(state, {}, ctx, draws).deltas["warheads"]
    k = ctx.world.index("PRK")
    np.testing.assert_allclose(d[:, k], ctx.dt * ctx.params["nuclear.trend"])
    assert np.all(np.delete(d, k, axis=1) == 0.0)


def test_rising_threat_accelerates_production() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    hostile = _intent(state, "PRK", "JPN", 1.0, w)
    base = nuclear.step(state, {}, ctx, draws).deltas["warheads"][:, w.index("PRK")]
    fast = nuclear.step(hostile, {}, ctx, draws).deltas["warheads"][:, w.index("PRK")]
    assert np.all(fast > base)
    params = dict(ctx.params)
    params["nuclear.threat_response"] = np.zeros(R)
    flat = nuclear.step(hostile, {}, dataclasses.replace(ctx, params=params), draws)
    np.testing.assert_allclose(flat.deltas["warheads"][:, w.index("PRK")], base)


def test_threat_reads_the_state_stockpile() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    more = state.warheads.copy()
    more[:, w.index("PRK")] *= 3.0
    t0 = threat.step(state, {}, ctx, draws).derived["threat"]
    t1 = threat.step(state._replace(warheads=more), {}, ctx, draws).derived["threat"]
    k = w.index("PRK")
    assert np.all(t1[:, :, k] >= t0[:, :, k]) and np.any(t1[:, :, k] > t0[:, :, k])
    np.testing.assert_array_equal(np.delete(t1, k, axis=2), np.delete(t0, k, axis=2))
