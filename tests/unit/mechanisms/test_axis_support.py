"""Axis material support: Russia's capacity follows its suppliers' alignment."""

from __future__ import annotations

import numpy as np

from flashpoint.mechanisms import axis_support as ax
from flashpoint.testing import make_context

R = 3


def _aligned(state, world, code: str, value: float):
    a = state.alignment.copy()
    r, k = world.index("RUS"), world.index(code)
    a[:, r, k] = a[:, k, r] = value
    return state._replace(alignment=a)


def test_status_quo_changes_nothing() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = ax.step(state, {}, ctx, draws)
    np.testing.assert_array_equal(eff.deltas["milex"], 0.0)
    assert np.all(eff.derived["axis_support"] > 0)


def test_closer_china_arms_russia_by_the_levered_value() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    r, k = w.index("RUS"), w.index("CHN")
    a0 = state.alignment[:, r, k]
    closer = _aligned(state, w, "CHN", np.minimum(1.0, a0[0] + 0.2))
    d = ax.step(closer, {}, ctx, draws).deltas["milex"]
    p = ctx.params
    extra = p["axis_support.value_chn"] * p["axis_support.leverage"] * (closer.alignment[:, r, k] - a0) / a0
    np.testing.assert_allclose(d[:, r], ctx.dt * p["arms.fatigue"] * extra)
    assert np.all(np.delete(d, r, axis=1) == 0.0)


def test_estrangement_disarms_and_hostility_stops_support() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    apart = _aligned(state, w, "PRK", -0.5)
    d = ax.step(apart, {}, ctx, draws).deltas["milex"][:, w.index("RUS")]
    p = ctx.params
    np.testing.assert_allclose(d, -ctx.dt * p["arms.fatigue"] * p["axis_support.value_prk"])


def test_a_threatened_supplier_gives_more() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    intent = state.intent.copy()
    intent[:, w.index("CHN"), w.index("JPN")] = 1.0
    threatened = state._replace(intent=intent)
    base = ax.step(state, {}, ctx, draws).derived["axis_support"]
    more = ax.step(threatened, {}, ctx, draws)
    assert np.all(more.derived["axis_support"] > base)
    assert np.all(more.deltas["milex"][:, w.index("RUS")] > 0)
