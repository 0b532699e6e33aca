"""Economic coercion's effect on the target's policy (interdependence.coercion_response)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flashpoint.mechanisms import interdependence as ie
from flashpoint.testing import make_context

R = 3


def _cut(ctx, a: str, b: str, multiplier: float):
    s = ctx.trade_share.copy()
    i, j = ctx.world.index(a), ctx.world.index(b)
    s[:, i, j] *= multiplier
    s[:, j, i] *= multiplier
    return dataclasses.replace(ctx, trade_share=s)


def _with(ctx, **values: float):
    params = dict(ctx.params)
    for k, v in values.items():
        params[k] = np.full(R, v)
    return dataclasses.replace(ctx, params=params)


def _tension(state, a: str, b: str, value: float, world):
    t = state.tension.copy()
    i, j = world.index(a), world.index(b)
    t[:, i, j] = t[:, j, i] = value
    return state._replace(tension=t)


def test_world_trade_coerces_no_one() -> None:
    state, ctx, draws = make_context(runs=R)
    assert "alignment" not in ie.step(state, {}, ctx, draws).deltas  # no change, no delta


def test_a_hostile_target_defies_a_friendly_dependent_one_concedes() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    ltu, chn = w.index("LTU"), w.index("CHN")
    coerced = _cut(ctx, "CHN", "LTU", 0.2)
    hostile = _tension(state, "LTU", "CHN", 0.8, w)
    hard = _with(coerced, **{"interdependence.dependence_scale": 0.3})
    d = ie.step(hostile, {}, hard, draws).deltas["alignment"]
    assert np.all(d[:, ltu, chn] < 0)
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    friendly = _tension(state, "LTU", "CHN", 0.0, w)
    easy = _with(coerced, **{"interdependence.dependence_scale": 0.01})
    d2 = ie.step(friendly, {}, easy, draws).deltas["alignment"]
    assert np.all(d2[:, ltu, chn] > 0)


def test_response_matches_the_equation() -> None:
    state, ctx, _ = make_context(runs=R)
    w = ctx.world
    ltu, chn = w.index("LTU"), w.index("CHN")
    coerced = _cut(ctx, "CHN", "LTU", 0.5)
    s0 = w.trade_share
    u = (s0[ltu, chn] - s0[chn, ltu]) / s0[ltu, chn]
    p = coerced.params
    pressure = 0.5 * s0[ltu, chn] / p["interdependence.dependence_scale"]
    tau, a = state.tension[:, ltu, chn], state.alignment[:, ltu, chn]
    gap = pressure - tau
    room = np.where(gap > 0, 1 - a, 1 + a) / 2
    want = p["interdependence.compliance"] * u * 0.5 * gap * room
    got = ie.coercion_response(state.alignment, state.tension, coerced)[:, ltu, chn]
    np.testing.assert_allclose(got, want, rtol=1e-10)
