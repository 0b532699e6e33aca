"""Unit tests for reassurance: costly signals move beliefs, cheap talk does not (Kydd)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import reassurance as ra
from flashpoint.testing import make_context

R = 3


def _signal(ctx, src: str, dst: str, cost: float):
    s = np.zeros_like(ctx.signal)
    s[:, ctx.world.index(src), ctx.world.index(dst)] = cost
    return dataclasses.replace(ctx, signal=s)


def test_posterior_known_value() -> None:
    # p = 0.5, c e = 0.5: P(signal|hostile) = 0.5, posterior = 0.25 / 0.75 = 1/3.
    np.testing.assert_allclose(ra.posterior(np.array(0.5), np.array(1.0), np.array(0.5)), 1 / 3)
    # A fully credited, fully costly signal reveals a benign type.
    np.testing.assert_allclose(ra.posterior(np.array(0.9), np.array(1.0), np.array(1.0)), 0.0)
    # Certainty is not moved by evidence.
    np.testing.assert_allclose(ra.posterior(np.array(1.0), np.array(0.5), np.array(0.5)), 1.0)


def test_dogmatic_belief_still_updates_and_zero_belief_stays() -> None:
    state, ctx, draws = make_context(runs=R)
    usa, chn, jpn = (ctx.world.index(c) for c in ("USA", "CHN", "JPN"))
    intent = state.intent.copy()
    intent[:, usa, chn] = 1.0
    intent[:, usa, jpn] = 0.0
    s = state._replace(intent=intent)
    sig = ctx.signal.copy()
    sig[:, chn, usa] = sig[:, jpn, usa] = 1.0
    d = ra.step(s, {}, dataclasses.replace(ctx, signal=sig), draws).deltas["intent"]
    assert np.all(d[:, usa, chn] < 0)
    np.testing.assert_array_equal(d[:, usa, jpn], 0.0)


def test_no_signal_no_change() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = ra.step(state, {}, ctx, draws)
    np.testing.assert_array_equal(eff.deltas["intent"], 0.0)
    np.testing.assert_array_equal(eff.deltas["tension"], 0.0)


def test_cheap_talk_does_not_move_beliefs() -> None:
    # Kydd 2005: a costless message is sent by both types and carries no information.
    state, ctx, draws = make_context(runs=R)
    eff = ra.step(state, {}, _signal(ctx, "CHN", "USA", 0.0), draws)
    np.testing.assert_array_equal(eff.deltas["intent"], 0.0)


def test_costly_signal_lowers_the_receivers_belief_only() -> None:
    state, ctx, draws = make_context(runs=R)
    usa, chn = ctx.world.index("USA"), ctx.world.index("CHN")
    eff = ra.step(state, {}, _signal(ctx, "CHN", "USA", 0.8), draws)
    d = eff.deltas["intent"]
    assert np.all(d[:, usa, chn] < 0)  # the receiver (USA) now trusts China more
    d_other = d.copy()
    d_other[:, usa, chn] = 0.0
    np.testing.assert_array_equal(d_other, 0.0)
    p = np.clip(state.intent[:, usa, chn], ra.BELIEF_FLOOR, 1 - ra.BELIEF_FLOOR)
    expected = ra.posterior(p, np.array(0.8), np.array(0.5)) - p
    np.testing.assert_allclose(d[:, usa, chn], min(1.0, 1.0 * ctx.dt) * expected)


def test_costlier_signals_reassure_more() -> None:
    state, ctx, draws = make_context(runs=R)
    usa, chn = ctx.world.index("USA"), ctx.world.index("CHN")
    drops = [ra.step(state, {}, _signal(ctx, "CHN", "USA", c), draws).deltas["intent"][:, usa, chn]
             for c in (0.05, 0.3, 0.9)]
    assert np.all(drops[0] > drops[1]) and np.all(drops[1] > drops[2])


def test_tension_falls_symmetrically_and_stays_nonnegative() -> None:
    state, ctx, draws = make_context(runs=R)
    params = dict(ctx.params)
    params["reassurance.tension_weight"] = np.full(R, 1.0)
    params["reassurance.frequency"] = np.full(R, 4.0)
    ctx = dataclasses.replace(_signal(ctx, "CHN", "USA", 1.0), params=params)
    eff = ra.step(state, {}, ctx, draws)
    d = eff.deltas["tension"]
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    usa, chn = ctx.world.index("USA"), ctx.world.index("CHN")
    assert np.all(d[:, usa, chn] < 0)
    assert np.all(state.tension + d >= 0)
    assert np.all(state.intent + eff.deltas["intent"] >= 0)


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _signal(ctx, "CHN", "USA", 0.5)
    before, sig = state.copy(), ctx.signal.copy()
    a = ra.step(state, {}, ctx, draws)
    b = ra.step(state, {}, ctx, draws)
    np.testing.assert_array_equal(ctx.signal, sig)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    for k in a.deltas:
        np.testing.assert_array_equal(a.deltas[k], b.deltas[k])
