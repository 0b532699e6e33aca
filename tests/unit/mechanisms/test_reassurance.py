"""Unit tests for reassurance: costly signals move beliefs, cheap talk does not (Kydd)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.contract import State
from flashpoint.mechanisms import reassurance as ra
from flashpoint.mechanisms._protocol import Draws
from flashpoint.testing import make_context
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs

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
    assert eff.deltas == {}  # no change: no delta at all (nothing for the engine to add)


def test_cheap_talk_does_not_move_beliefs() -> None:
    # Kydd 2005: a costless message is sent by both types and carries no information.
    state, ctx, draws = make_context(runs=R)
    eff = ra.step(state, {}, _signal(ctx, "CHN", "USA", 0.0), draws)
    np.testing.assert_array_equal(eff.deltas.get("intent", 0.0), 0.0)


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


def _signalled(precision: str, runs: int = 9):  # type: ignore[no-untyped-def]
    """Perturbed inputs with signals in some dyads (also on the diagonal, and costs
    outside [0, 1]), beliefs at 0, 1 and in between, and some tension at 0."""
    state, _, ctx, draws = perturbed_inputs(precision, runs=runs, seed=5)
    rng = np.random.default_rng(4)
    shape = ctx.signal.shape
    sig = np.where(rng.random(shape) < 0.2, rng.uniform(-0.2, 1.2, shape), 0.0)
    intent = rng.random(shape)
    intent[rng.random(shape) < 0.1] = 0.0
    intent[rng.random(shape) < 0.1] = 1.0
    tension = np.where(rng.random(shape) < 0.2, 0.0, state.tension)
    state = state._replace(intent=intent.astype(precision), tension=tension.astype(precision))
    return state, dataclasses.replace(ctx, memo={}, signal=sig.astype(precision)), draws


@pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_matches_the_reference_with_signals(precision: str) -> None:
    state, ctx, draws = _signalled(precision)
    with kernels.use("numpy"):
        ref = ra.step(state, {}, dataclasses.replace(ctx, memo={}), draws)
    with kernels.use("numba"):
        fast = ra.step(state, {}, dataclasses.replace(ctx, memo={}), draws)
    assert set(ref.deltas) == set(fast.deltas)
    tol = {"float64": 1e-12, "float32": 2e-5}[precision]
    for k, a in ref.deltas.items():
        b = fast.deltas[k]
        assert a.dtype == b.dtype == np.dtype(precision) and a.shape == b.shape, k
        assert np.any(a != 0), k
        scale = max(1.0, float(np.abs(a).max()))
        assert float(np.abs(a.astype(np.float64) - b).max()) <= tol * scale, k
    if precision == "float64":  # the same arithmetic in the same order
        for k, a in ref.deltas.items():
            assert np.array_equal(a, fast.deltas[k]), k


@pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
def test_kernel_is_chunk_invariant_with_signals() -> None:
    state, ctx, draws = _signalled("float64")
    with kernels.use("numba"):
        full = ra.step(state, {}, ctx, draws)
        for s in (slice(0, 1), slice(4, 5), slice(2, 7)):
            part = ra.step(State(*(x[s] for x in state)), {}, _slice_ctx(ctx, s),
                           Draws(*(x[s] for x in draws)))
            for k, v in full.deltas.items():
                assert np.array_equal(v[s], part.deltas[k]), k


def test_the_no_signal_check_follows_a_new_signal_array() -> None:
    # The check is memoised per signal array: a new array with signals is seen.
    state, ctx, draws = make_context(runs=R)
    assert "intent" not in ra.step(state, {}, ctx, draws).deltas
    d = ra.step(state, {}, _signal(ctx, "CHN", "USA", 0.8), draws).deltas["intent"]
    assert np.any(d)
    quiet = ra.step(state, {}, ctx, draws).deltas
    for k, v in quiet.items():
        assert v.dtype == getattr(state, k).dtype
        assert not np.any(v) and not np.any(np.signbit(v)), k
