"""Unit tests for the security-dilemma mechanism (spiral versus deterrence model)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.errors import ParameterError
from flashpoint.mechanisms import security_dilemma as sd
from flashpoint.mechanisms import threat
from flashpoint.testing import make_context
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs

R = 3


def _ctx(ctx, variant="spiral", **params):
    merged = dict(ctx.params)
    merged.update({f"security_dilemma.{k}": np.full(R, v) for k, v in params.items()})
    return dataclasses.replace(ctx, params=merged, variants={"security_dilemma": variant})


def _deltas(state, ctx, draws):
    derived = threat.MECHANISM.step(state, {}, ctx, draws).derived
    return sd.MECHANISM.step(state, derived, ctx, draws).deltas


def _arming(state, ctx, code, factor):
    milex = state.milex.copy()
    milex[:, ctx.world.index(code)] *= factor
    return state._replace(milex=milex)


@pytest.mark.parametrize("variant", sd.MECHANISM.variants)
def test_status_quo_is_a_steady_state(variant) -> None:
    state, ctx, draws = make_context(runs=R)
    d = _deltas(state, _ctx(ctx, variant), draws)
    np.testing.assert_allclose(d["intent"], 0.0, atol=1e-15)
    np.testing.assert_allclose(d["tension"], 0.0, atol=1e-15)


def test_rival_arming_beyond_trend_raises_perceived_intent() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx)
    # South Korea's perceived intent of China starts below 1 (Japan's is saturated).
    kor, chn = ctx.world.index("KOR"), ctx.world.index("CHN")
    assert np.all(state.intent[:, kor, chn] < 1)
    d = _deltas(_arming(state, ctx, "CHN", 1.5), ctx, draws)
    assert np.all(d["intent"][:, kor, chn] > 0)
    assert np.all(d["intent"][:, chn, kor] == 0)  # South Korea did not arm
    assert np.all(d["tension"][:, kor, chn] > 0)


def test_full_distinguishability_removes_the_spiral() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, distinguishability=1.0)
    d = _deltas(_arming(state, ctx, "CHN", 1.5), ctx, draws)
    np.testing.assert_allclose(d["intent"], 0.0, atol=1e-15)


def test_arming_at_the_trend_is_not_a_signal() -> None:
    state, ctx, _ = make_context(runs=R)
    years = 4
    ctx = dataclasses.replace(_ctx(ctx), step=int(years / ctx.dt))
    from flashpoint.mechanisms.arms import trend_rate

    r = trend_rate(ctx)
    on_trend = state._replace(milex=state.milex * np.exp(r * years))
    np.testing.assert_allclose(sd.arming_signal(on_trend, ctx), 0.0, atol=1e-12)


def test_deterrence_variant_differs_from_spiral() -> None:
    state, ctx, draws = make_context(runs=R)
    armed = _arming(state, ctx, "CHN", 1.5)
    spiral = _deltas(armed, _ctx(ctx, "spiral"), draws)
    deter = _deltas(armed, _ctx(ctx, "deterrence"), draws)
    np.testing.assert_array_equal(deter["intent"], 0.0)
    assert np.any(spiral["intent"] > 0)
    assert not np.allclose(spiral["tension"], deter["tension"])
    # Deterrence: tension still follows the threat that the arming creates.
    jpn, chn = ctx.world.index("JPN"), ctx.world.index("CHN")
    assert np.all(deter["tension"][:, jpn, chn] > 0)


def test_tension_delta_symmetric_with_zero_diagonal() -> None:
    state, ctx, draws = make_context(runs=R)
    tension = state.tension + 0.1 * np.triu(np.ones_like(state.tension), 1)
    tension = np.maximum(tension, np.swapaxes(tension, 1, 2))
    d = _deltas(_arming(state, ctx, "RUS", 1.3)._replace(tension=tension), _ctx(ctx), draws)
    t = d["tension"]
    np.testing.assert_allclose(t, np.swapaxes(t, 1, 2))
    np.testing.assert_array_equal(np.diagonal(t, axis1=1, axis2=2), 0.0)
    np.testing.assert_array_equal(np.diagonal(d["intent"], axis1=1, axis2=2), 0.0)


def test_intent_relaxes_to_its_initial_value() -> None:
    state, ctx, draws = make_context(runs=R)
    raised = state._replace(intent=np.clip(state.intent + 0.2, 0, 1) * (1 - np.eye(ctx.world.n)))
    d = _deltas(raised, _ctx(ctx), draws)
    moved = raised.intent > state.intent
    assert np.all(d["intent"][moved] < 0)


def test_unknown_variant_raises() -> None:
    state, ctx, draws = make_context(runs=R)
    with pytest.raises(ParameterError, match=r"security_dilemma: variant expects .* Got 'hawk'"):
        _deltas(state, _ctx(ctx, "hawk"), draws)


def test_inputs_not_mutated() -> None:
    state, ctx, draws = make_context(runs=R)
    armed = _arming(state, ctx, "CHN", 1.5)
    before = armed.copy()
    _deltas(armed, _ctx(ctx), draws)
    for x, y in zip(armed, before, strict=True):
        np.testing.assert_array_equal(x, y)


# --- the compiled kernel (issue 17): same numbers as the NumPy reference ------------------

needs_numba = pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
TOL = {"float64": 1e-12, "float32": 2e-5}


def _perturbed(precision: str, runs: int, theory: str):  # type: ignore[no-untyped-def]
    """Perturbed inputs some steps in, with intent at its bounds in places; ``theory`` is a
    variant, or ``"mixed"`` for runs that drew different theories."""
    state, derived, ctx, draws = perturbed_inputs(precision, runs=runs, seed=5)
    intent = state.intent.copy()
    intent[:, 0, 1:6] = 0.0  # below the belief floor
    intent[:, 1:6, 0] = 1.0  # above it
    milex = state.milex.copy()
    milex[:, 2] *= 0.5  # cut below the trend: a signed signal
    state = state._replace(intent=intent, milex=milex)
    drawn = (np.array([sd.VARIANTS[i % 3] for i in range(runs)], dtype=object)
             if theory == "mixed" else np.full(runs, theory, dtype=object))
    ctx = dataclasses.replace(ctx, step=8, theories={**ctx.theories, "security_dilemma": drawn})
    return state, {k: v for k, v in derived.items() if k in ("power", "threat")}, ctx, draws


@needs_numba
@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("runs", [1, 5])
@pytest.mark.parametrize("theory", [*sd.VARIANTS, "mixed"])
def test_kernel_matches_the_reference(theory: str, runs: int, precision: str) -> None:
    state, derived, ctx, draws = _perturbed(precision, runs, theory)
    out = {}
    for backend in ("numpy", "numba"):
        with kernels.use(backend):
            out[backend] = sd.step(state, derived, dataclasses.replace(ctx, memo={}), draws).deltas
    assert set(out["numpy"]) == set(out["numba"]) == {"intent", "tension"}
    for k, ref in out["numpy"].items():
        fast = out["numba"][k]
        assert fast.dtype == ref.dtype == np.dtype(precision) and fast.shape == ref.shape
        scale = max(1.0, float(np.max(np.abs(ref))))
        assert float(np.max(np.abs(ref.astype(float) - fast))) <= TOL[precision] * scale, k
    d_tau = out["numba"]["tension"]
    np.testing.assert_array_equal(d_tau, np.swapaxes(d_tau, 1, 2))
    np.testing.assert_array_equal(np.diagonal(out["numba"]["intent"], axis1=1, axis2=2), 0.0)


@needs_numba
def test_kernel_run_alone_gives_the_same_bits_as_in_its_chunk() -> None:
    state, derived, ctx, draws = _perturbed("float64", 6, "mixed")
    with kernels.use("numba"):
        whole = sd.step(state, derived, ctx, draws).deltas
        for r in range(6):
            s = slice(r, r + 1)
            part = dataclasses.replace(_slice_ctx(ctx, s), theories={
                "security_dilemma": ctx.theories["security_dilemma"][s]})
            alone = sd.step(type(state)(*(x[s] for x in state)),
                            {k: v[s] for k, v in derived.items()}, part, draws).deltas
            for k in whole:
                np.testing.assert_array_equal(whole[k][s], alone[k])
