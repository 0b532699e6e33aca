"""Unit tests for the threat mechanism (Walt's balance of threat; Boulding's gradient)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint import kernels
from flashpoint.errors import ParameterError
from flashpoint.mechanisms import threat
from flashpoint.testing import make_context
from flashpoint.testing.checks import _slice_ctx
from flashpoint.testing.inputs import perturbed_inputs

R = 3


def _run(state, ctx, draws):
    eff = threat.MECHANISM.step(state, {}, ctx, draws)
    return eff.derived["power"], eff.derived["threat"]


def _with(ctx, **params):
    merged = dict(ctx.params)
    merged.update({f"threat.{k}": np.full(R, v) for k, v in params.items()})
    return dataclasses.replace(ctx, params=merged)


def test_shapes_range_and_diagonal() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = threat.MECHANISM.step(state, {}, ctx, draws)
    assert eff.deltas == {}
    p, t = eff.derived["power"], eff.derived["threat"]
    n = ctx.world.n
    assert p.shape == (R, n) and t.shape == (R, n, n)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all((t >= 0) & (t <= 1)) and np.all(np.isfinite(t))
    np.testing.assert_array_equal(np.diagonal(t, axis1=1, axis2=2), 0.0)


def test_more_rival_spending_more_threat() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    jpn, chn = w.index("JPN"), w.index("CHN")
    _, t0 = _run(state, ctx, draws)
    milex = state.milex.copy()
    milex[:, chn] *= 2.0
    _, t1 = _run(state._replace(milex=milex), ctx, draws)
    assert np.all(t1[:, jpn, chn] > t0[:, jpn, chn])


def test_forward_presence_raises_threat_in_that_theatre() -> None:
    state, ctx, draws = make_context(runs=R)
    w = ctx.world
    chn, deu = w.index("CHN"), w.index("DEU")
    _, t0 = _run(state, ctx, draws)
    presence = ctx.presence.copy()
    presence[:, deu, 1] = 0.5  # German forces deployed to the Indo-Pacific
    _, t1 = _run(state, dataclasses.replace(ctx, presence=presence), draws)
    assert np.all(t1[:, chn, deu] > t0[:, chn, deu])


def test_us_retrenchment_lowers_us_threat_in_europe() -> None:
    state, ctx, draws = make_context(runs=R)
    rus, usa = ctx.world.index("RUS"), ctx.world.index("USA")
    _, t0 = _run(state, ctx, draws)
    _, t1 = _run(state, dataclasses.replace(ctx, us_europe_retrenchment=np.ones(R)), draws)
    assert np.all(t1[:, rus, usa] < t0[:, rus, usa])


def test_distance_scale_and_nuclear_weight_act_in_the_expected_direction() -> None:
    state, ctx, draws = make_context(runs=R)
    rus, ltu = ctx.world.index("RUS"), ctx.world.index("LTU")
    _, base = _run(state, ctx, draws)
    _, short = _run(state, _with(ctx, range_km=1000.0), draws)
    _, no_nuke = _run(state, _with(ctx, nuclear_weight=0.0), draws)
    kor, chn = ctx.world.index("KOR"), ctx.world.index("CHN")
    assert np.all(short[:, kor, chn] < base[:, kor, chn])
    assert np.all(no_nuke[:, ltu, rus] <= base[:, ltu, rus])


def test_power_variant_ignores_intent_of_unaligned_states() -> None:
    state, ctx, draws = make_context(runs=R)
    _, walt = _run(state, ctx, draws)
    _, power = _run(state, dataclasses.replace(ctx, variants={"threat": "power"}), draws)
    hostile = state.alignment < 0
    assert np.all(power[hostile] >= walt[hostile])
    assert not np.allclose(power, walt)
    np.testing.assert_array_equal(power[~hostile], walt[~hostile])


def test_unknown_variant_raises() -> None:
    state, ctx, draws = make_context(runs=R)
    bad = dataclasses.replace(ctx, variants={"threat": "realism"})
    with pytest.raises(ParameterError, match=r"threat: variant expects one of .* Got 'realism'"):
        threat.MECHANISM.step(state, {}, bad, draws)


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    before = state.copy()
    presence = ctx.presence.copy()
    _, t1 = _run(state, ctx, draws)
    _, t2 = _run(state, ctx, draws)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(state, before, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ctx.presence, presence)


def test_current_threat_uses_derived_when_present() -> None:
    state, ctx, _ = make_context(runs=R)
    fake = {"power": np.zeros((R, ctx.world.n)), "threat": np.zeros((R, ctx.world.n, ctx.world.n))}
    p, t = threat.current_threat(state, fake, ctx)
    assert p is fake["power"] and t is fake["threat"]


# --- the compiled kernel (issue 17): same numbers as the NumPy reference ------------------

needs_numba = pytest.mark.skipif(not kernels.available(), reason="Numba is not installed")
TOL = {"float64": 1e-12, "float32": 2e-5}


def _both(fn):  # type: ignore[no-untyped-def]
    with kernels.use("numpy"):
        ref = fn()
    with kernels.use("numba"):
        fast = fn()
    return ref, fast


def _close(ref: np.ndarray, fast: np.ndarray, precision: str) -> None:
    assert fast.dtype == ref.dtype == np.dtype(precision) and fast.shape == ref.shape
    scale = max(1.0, float(np.max(np.abs(ref))))
    assert float(np.max(np.abs(ref.astype(float) - fast))) <= TOL[precision] * scale


def _perturbed(precision: str, runs: int):  # type: ignore[no-untyped-def]
    state, _, ctx, draws = perturbed_inputs(precision, runs=runs, seed=11)
    w = ctx.world
    presence = ctx.presence.copy()
    presence[:, w.index("DEU"), 1] = 0.4  # forward presence, above the gradient
    presence[:, w.index("USA"), 0] = 0.9  # above the US allocation
    retrench = np.linspace(0.0, 1.0, runs).astype(precision)
    warheads = state.warheads.copy()
    warheads[:, 0] = -5.0  # a negative stockpile is clamped at 0
    ctx = dataclasses.replace(ctx, presence=presence, us_europe_retrenchment=retrench)
    return state._replace(warheads=warheads), ctx, draws


@needs_numba
@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("runs", [1, 4])
@pytest.mark.parametrize("variant", threat.VARIANTS)
def test_kernel_matches_the_reference(variant: str, runs: int, precision: str) -> None:
    state, ctx, draws = _perturbed(precision, runs)
    ctx = dataclasses.replace(ctx, variants={**ctx.variants, "threat": variant})
    ref, fast = _both(lambda: threat.step(state, {}, dataclasses.replace(ctx, memo={}), draws))
    for k in ("power", "threat"):
        _close(ref.derived[k], fast.derived[k], precision)
    assert np.all(np.diagonal(fast.derived["threat"], axis1=1, axis2=2) == 0)


@needs_numba
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_without_gradient_or_warheads(precision: str) -> None:
    state, ctx, _ = _perturbed(precision, 3)
    kw = dict(world=ctx.world, presence=ctx.presence,
              us_europe_retrenchment=ctx.us_europe_retrenchment,
              range_km=ctx.params["threat.range_km"], nuclear_weight=ctx.params["threat.nuclear_weight"])
    ref, fast = _both(lambda: threat.threat_matrix(state.milex, state.intent, state.alignment,
                                                   state.us_asia_share, **kw))
    for a, b in zip(ref, fast, strict=True):
        _close(a, b, precision)


@needs_numba
def test_kernel_run_alone_gives_the_same_bits_as_in_its_chunk() -> None:
    state, ctx, draws = _perturbed("float64", 4)
    with kernels.use("numba"):
        whole = threat.step(state, {}, ctx, draws).derived["threat"]
        s = slice(2, 3)
        alone = threat.step(type(state)(*(x[s] for x in state)), {}, _slice_ctx(ctx, s),
                            draws).derived["threat"]
    np.testing.assert_array_equal(whole[s], alone)


@needs_numba
def test_kernel_takes_scalar_and_column_per_run_inputs() -> None:
    state, ctx, _ = _perturbed("float64", 3)
    kw = dict(world=ctx.world, presence=ctx.presence, us_europe_retrenchment=np.float64(0.25),
              range_km=ctx.params["threat.range_km"], nuclear_weight=np.full((3, 1), 0.5))
    ref, fast = _both(lambda: threat.threat_matrix(state.milex, state.intent, state.alignment,
                                                   0.4, **kw))
    for a, b in zip(ref, fast, strict=True):
        _close(a, b, "float64")
