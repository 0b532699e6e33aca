"""Unit tests for interdependence: trade pacifies, coercion embitters, wars cost GDP."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.contract import State
from flashpoint.mechanisms import interdependence as idp
from flashpoint.mechanisms._protocol import Draws
from flashpoint.mechanisms.war_costs import BLOOMBERG_2024, war_cost_table
from flashpoint.testing import make_context
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs

R = 3


def _fp(ctx, fid: str) -> int:
    return ctx.flashpoints.ids.index(fid)


def _trade(ctx, a: str, b: str, factor: float):
    s = ctx.trade_share.copy()
    i, j = ctx.world.index(a), ctx.world.index(b)
    s[:, i, j] *= factor
    s[:, j, i] *= factor
    return dataclasses.replace(ctx, trade_share=s)


def _param(ctx, name: str, value: float):
    params = dict(ctx.params)
    params[f"interdependence.{name}"] = np.full(R, value)
    return dataclasses.replace(ctx, params=params)


def test_shapes_symmetry_and_quiet_economy() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = idp.step(state, {}, ctx, draws)
    assert "tension" not in eff.deltas  # today's trade: no dyadic change, no delta
    d = idp.step(state, {}, _trade(ctx, "CHN", "JPN", 1.5), draws).deltas["tension"]
    assert d.shape == state.tension.shape
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    np.testing.assert_array_equal(np.diagonal(d, axis1=1, axis2=2), 0.0)
    # No war, no blockade: no GDP loss.
    np.testing.assert_array_equal(eff.deltas["gdp_loss"], 0.0)
    np.testing.assert_array_equal(eff.deltas["gdp"], 0.0)


def test_trade_lowers_tension_more_trade_lowers_it_more() -> None:
    state, ctx, draws = make_context(runs=R)
    i, j = ctx.world.index("CHN"), ctx.world.index("JPN")
    # Anomaly form: the status quo (today's trade, today's tension) is a steady state.
    assert "tension" not in idp.step(state, {}, ctx, draws).deltas
    more = idp.step(state, {}, _trade(ctx, "CHN", "JPN", 1.5), draws).deltas["tension"]
    assert np.all(more[:, i, j] < 0)
    most = idp.step(state, {}, _trade(ctx, "CHN", "JPN", 2.0), draws).deltas["tension"]
    assert np.all(most[:, i, j] < more[:, i, j])
    off = idp.step(state, {}, _param(ctx, "pacifying", 0.0), draws).deltas
    np.testing.assert_array_equal(off.get("tension", 0.0), 0.0)


def test_coercion_breeds_grievance() -> None:
    # China cuts its trade with Lithuania by 80% (seed 003): tension rises.
    state, ctx, draws = make_context(runs=R)
    i, j = ctx.world.index("CHN"), ctx.world.index("LTU")
    cut = idp.step(state, {}, _trade(ctx, "CHN", "LTU", 0.2), draws).deltas["tension"]
    assert np.all(cut[:, i, j] > 0)
    dt, chi = ctx.dt, 0.2
    tau = state.tension[:, i, j]
    expected = dt * chi * 0.8 * (1 - tau)  # no trade gained, so nothing pacifies
    np.testing.assert_allclose(cut[:, i, j], expected)


def test_war_costs_match_bloomberg_taiwan_figures() -> None:
    _, ctx, _ = make_context(runs=1)
    table = war_cost_table(ctx.world, ctx.flashpoints)
    f = _fp(ctx, "taiwan_strait")
    for code in ("TWN", "CHN", "USA"):
        k = ctx.world.index(code)
        assert table.war[f, k] == BLOOMBERG_2024[code][0]
        assert table.blockade[f, k] == BLOOMBERG_2024[code][1]
    np.testing.assert_allclose(
        [table.war[f, ctx.world.index("TWN")], table.war[f, ctx.world.index("CHN")],
         table.war[f, ctx.world.index("USA")]], [0.40, 0.167, 0.067])
    np.testing.assert_allclose(
        [table.blockade[f, ctx.world.index("TWN")], table.blockade[f, ctx.world.index("CHN")],
         table.blockade[f, ctx.world.index("USA")]], [0.122, 0.089, 0.033])


def test_other_countries_lose_the_world_figure_on_average() -> None:
    # Documented formula: GDP-weighted mean loss of the other countries equals W.
    _, ctx, _ = make_context(runs=1)
    table = war_cost_table(ctx.world, ctx.flashpoints)
    f = _fp(ctx, "taiwan_strait")
    others = ~ctx.world.mask(["TWN", "CHN", "USA"])
    y = ctx.world.gdp[others]
    for col, w in ((table.war, 0.102), (table.blockade, 0.050)):
        assert np.all(col[f, others] < BLOOMBERG_2024["TWN"][0])  # cap not binding here
        np.testing.assert_allclose(np.sum(y * col[f, others]) / np.sum(y), w)
    # More exposure to China and Taiwan, more loss.
    ex = ctx.world.trade_share[:, ctx.world.mask(["CHN", "TWN"])].sum(axis=1)
    kor, deu = ctx.world.index("KOR"), ctx.world.index("DEU")
    assert ex[kor] > ex[deu] and table.war[f, kor] > table.war[f, deu]


def test_other_flashpoints_are_scaled_and_bounded() -> None:
    _, ctx, _ = make_context(runs=1)
    table = war_cost_table(ctx.world, ctx.flashpoints)
    assert np.all((table.war >= 0) & (table.war < 1))
    assert np.all(table.blockade <= table.war)
    f = _fp(ctx, "baltic")
    assert table.war[f, ctx.world.index("LTU")] == BLOOMBERG_2024["TWN"][0]
    assert table.war[f, ctx.world.index("RUS")] == BLOOMBERG_2024["CHN"][0]


def test_war_moves_gdp_loss_towards_table() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    war = state.war.copy()
    war[:, f] = 1.0
    hot = state._replace(war=war)
    eff = idp.step(hot, {}, ctx, draws)
    table = war_cost_table(ctx.world, ctx.flashpoints)
    frac = ctx.dt / 1.0
    np.testing.assert_allclose(eff.deltas["gdp_loss"], frac * table.war[f][None].repeat(R, 0))
    np.testing.assert_allclose(eff.deltas["gdp"], -state.gdp * frac * table.war[f][None])


def test_gdp_tracks_one_minus_loss_over_time() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    war = state.war.copy()
    war[:, f] = 1.0
    s = state._replace(war=war)
    gdp0 = state.gdp.copy()
    for _ in range(12):
        eff = idp.step(s, {}, ctx, draws)
        s = s._replace(gdp=s.gdp + eff.deltas["gdp"], gdp_loss=s.gdp_loss + eff.deltas["gdp_loss"])
    np.testing.assert_allclose(s.gdp, gdp0 * (1 - s.gdp_loss))
    table = war_cost_table(ctx.world, ctx.flashpoints)
    np.testing.assert_allclose(s.gdp_loss[0], table.war[f], rtol=0.05)
    assert np.all(s.gdp_loss <= table.war[f] + 1e-12)


def test_blockade_costs_less_than_war_and_scale_multiplies() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    blk = state.blockade.copy()
    blk[:, f] = 1.0
    war = state.war.copy()
    war[:, f] = 1.0
    d_blk = idp.step(state._replace(blockade=blk), {}, ctx, draws).deltas["gdp_loss"]
    d_war = idp.step(state._replace(war=war), {}, ctx, draws).deltas["gdp_loss"]
    assert np.all(d_blk <= d_war) and np.all(d_blk > 0)
    d_2 = idp.step(state._replace(blockade=blk), {}, _param(ctx, "war_cost_scale", 2.0),
                   draws).deltas["gdp_loss"]
    np.testing.assert_allclose(d_2, 2.0 * d_blk)


@pytest.mark.parametrize("scale", [0.4, 2.5])
def test_implied_loss_bounded(scale: float) -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _param(ctx, "war_cost_scale", scale)
    hot = state._replace(war=np.ones_like(state.war), blockade=np.ones_like(state.blockade))
    eff = idp.step(hot, {}, ctx, draws)
    new = hot.gdp_loss + eff.deltas["gdp_loss"]
    assert np.all((new >= 0) & (new < 1))
    assert np.all(hot.gdp + eff.deltas["gdp"] > 0)


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _trade(ctx, "CHN", "LTU", 0.2)
    before, trade = state.copy(), ctx.trade_share.copy()
    a = idp.step(state, {}, ctx, draws)
    b = idp.step(state, {}, ctx, draws)
    np.testing.assert_array_equal(ctx.trade_share, trade)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    for k in a.deltas:
        np.testing.assert_array_equal(a.deltas[k], b.deltas[k])


def _levered(precision: str, runs: int = 9):  # type: ignore[no-untyped-def]
    """Perturbed inputs with trade changed in some dyads (gains and losses, so both
    anomaly terms and coercion are active), wars, blockades and GDP already lost."""
    state, _, ctx, draws = perturbed_inputs(precision, runs=runs, seed=5)
    rng = np.random.default_rng(2)
    shape = ctx.trade_share.shape
    mult = np.where(rng.random(shape) < 0.15, rng.uniform(0.1, 1.9, shape), 1.0)
    ctx = dataclasses.replace(ctx, memo={}, trade_share=(ctx.trade_share * mult).astype(precision))
    fshape, nshape = state.war.shape, state.gdp_loss.shape
    state = state._replace(
        war=(rng.random(fshape) * (rng.random(fshape) < 0.4)).astype(precision),
        blockade=(rng.random(fshape) * (rng.random(fshape) < 0.4)).astype(precision),
        gdp_loss=(0.3 * rng.random(nshape) * (rng.random(nshape) < 0.5)).astype(precision))
    return state, ctx, draws


@pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernels_match_the_reference_with_levers_wars_and_losses(precision: str) -> None:
    state, ctx, draws = _levered(precision)
    with kernels.use("numpy"):
        ref = idp.step(state, {}, dataclasses.replace(ctx, memo={}), draws)
    with kernels.use("numba"):
        fast = idp.step(state, {}, dataclasses.replace(ctx, memo={}), draws)
    assert set(ref.deltas) == set(fast.deltas)
    tol = {"float64": 1e-12, "float32": 2e-5}[precision]
    for k, a in ref.deltas.items():
        b = fast.deltas[k]
        assert a.dtype == b.dtype == np.dtype(precision) and a.shape == b.shape, k
        assert np.any(a != 0), k  # the case exercises every term
        scale = max(1.0, float(np.abs(a).max()))
        assert float(np.abs(a.astype(np.float64) - b).max()) <= tol * scale, k


@pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
def test_kernels_are_chunk_invariant_with_levers() -> None:
    state, ctx, draws = _levered("float64")
    with kernels.use("numba"):
        full = idp.step(state, {}, ctx, draws)
        for s in (slice(0, 1), slice(4, 5), slice(2, 7)):
            part = idp.step(State(*(x[s] for x in state)), {}, _slice_ctx(ctx, s),
                            Draws(*(x[s] for x in draws)))
            for k, v in full.deltas.items():
                assert np.array_equal(v[s], part.deltas[k]), k


def test_status_quo_trade_gives_no_dyadic_delta_on_both_paths() -> None:
    state, _, ctx, draws = perturbed_inputs("float64", runs=4, seed=5)
    backends = ["numpy", "numba"] if kernels.available() else ["numpy"]
    for name in backends:
        with kernels.use(name):
            eff = idp.step(state, {}, dataclasses.replace(ctx, memo={}), draws)
        # exact zeros are no delta at all: the engine adds nothing (the same numbers)
        assert set(eff.deltas) == {"gdp_loss", "gdp"}, name
