"""Unit tests for the arms mechanism (threat-weighted Richardson dynamics)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

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


def test_initial_growth_equals_each_actors_trend() -> None:
    # At t = 0 every actor grows at its own trend r_i, integrated exactly over the step.
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0, trend_quantile=0.5)
    d = _delta(state, ctx, draws)
    r = ctx.world.milex_trend[None, :]
    np.testing.assert_allclose(d, state.milex * np.expm1(ctx.dt * r), rtol=1e-10)


def test_trend_quantile_moves_every_trend_by_its_sd() -> None:
    _, ctx, _ = make_context(runs=R)
    ctx = _ctx(ctx, trend_quantile=0.8413447460685429)  # Phi(1)
    np.testing.assert_allclose(arms.trend_rate(ctx),
                               np.broadcast_to(ctx.world.milex_trend + ctx.world.milex_trend_sd,
                                               (R, ctx.world.n)), rtol=1e-9)


def _pledged(ctx, target, years, compliance, members):
    from flashpoint.world.arrays import PledgeArrays

    pl = PledgeArrays(np.array([target]), np.array([years]), np.array([compliance]),
                      np.array([members]), ("test",))
    return dataclasses.replace(ctx, world=dataclasses.replace(ctx.world, pledges=pl))


def test_pledge_floor_follows_the_adoption_path() -> None:
    # f(t) = s0 + c min(1, t/Y) (target - s0) below the target; the target itself above it.
    state, ctx, _ = make_context(runs=R)
    w = ctx.world
    members = w.mask(["JPN", "USA"])
    ctx = _ctx(_pledged(ctx, 0.02, 4.0, (0.5, 1.0), members), pledge_compliance=0.5)
    s0 = state.milex / state.gdp
    jpn, usa, chn = w.index("JPN"), w.index("USA"), w.index("CHN")
    for step, frac in ((0, 0.0), (8, 0.5), (16, 1.0), (40, 1.0)):
        f = arms.pledge_floor(dataclasses.replace(ctx, step=step))
        np.testing.assert_allclose(f[:, jpn], s0[:, jpn] + 0.75 * frac * (0.02 - s0[:, jpn]))
        np.testing.assert_allclose(f[:, usa], 0.02)  # above the target: the target is its floor
        np.testing.assert_allclose(f[:, chn], 0.0)  # not a member


def test_pledge_pulls_spending_up_when_below_its_path() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = _ctx(ctx, noise=0.0)
    jpn = ctx.world.index("JPN")
    base = _delta(state, dataclasses.replace(ctx, step=8), draws)
    pledged = _pledged(ctx, 0.02, 4.0, (1.0, 1.0), ctx.world.mask(["JPN"]))
    pulled = _delta(state, dataclasses.replace(pledged, step=8), draws)
    assert np.all(pulled[:, jpn] > base[:, jpn])
    others = np.arange(ctx.world.n) != jpn
    np.testing.assert_allclose(pulled[:, others], base[:, others])


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
    ctx = _variant(_ctx(ctx, noise=0.0), "absolute")
    d = _delta(state, ctx, draws)
    np.testing.assert_allclose(d, ctx.dt * arms.trend_rate(ctx) * state.milex, rtol=1e-10)


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
    rate = arms.trend_rate(ctx)[:, ltu] + 0.05 * weight * np.log(1.5)
    expected = state.milex[:, ltu] * np.expm1(ctx.dt * rate)
    np.testing.assert_allclose(d, expected, rtol=1e-10)



# --- the compiled kernels (issue 17) -----------------------------------------

_KERNEL_RUNS = 6


def _kernel_case(precision: str, case: str):  # type: ignore[no-untyped-def]
    """Perturbed inputs four years in, with a spending floor in some runs, for ``case``:
    a variant, or ``mixed`` (runs that drew different theories in one chunk)."""
    from flashpoint.testing.inputs import perturbed_inputs
    from flashpoint.theories import factor_of

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_KERNEL_RUNS, seed=7)
    floor = np.zeros_like(ctx.spending_floor)
    floor[::2, :] = 0.03  # above many actors' burden: the floor pull and the raised ceiling
    ctx = dataclasses.replace(ctx, step=16, memo={}, spending_floor=floor)
    if case == "mixed":
        drawn = np.array([arms.VARIANTS[r % 3 % 2] for r in range(_KERNEL_RUNS)])
        ctx = dataclasses.replace(ctx, theories={**ctx.theories, factor_of("arms"): drawn})
    else:
        ctx = dataclasses.replace(ctx, variants={**ctx.variants, "arms": case})
    upstream = {k: v for k, v in derived.items() if k not in arms.MECHANISM.provides}
    return state, upstream, ctx, draws


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("case", [*arms.VARIANTS, "mixed"])
def test_kernel_matches_the_reference_keeps_the_dtype_and_a_run_alone(
        precision: str, case: str) -> None:
    from flashpoint import kernels
    from flashpoint.testing.inputs import assert_runs_alone_match

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_case(precision, case)
    rtol = 1e-12 if precision == "float64" else 2e-5
    with kernels.use("numpy"):
        ref = arms.step(state, upstream, dataclasses.replace(ctx, memo={}), draws).deltas["milex"]
        floor_ref = arms.pledge_floor(dataclasses.replace(ctx, memo={}))
    with kernels.use("numba"):
        fast = arms.step(state, upstream, ctx, draws).deltas["milex"]
        again = arms.step(state, upstream, ctx, draws).deltas["milex"]  # the memo reused
        floor_fast = arms.pledge_floor(ctx)
    assert fast.dtype == ref.dtype == floor_fast.dtype == floor_ref.dtype == np.dtype(precision)
    np.testing.assert_allclose(fast, ref, rtol=rtol, atol=rtol * float(np.abs(ref).max()))
    np.testing.assert_allclose(floor_fast, floor_ref, rtol=rtol, atol=rtol)
    assert np.array_equal(again, fast)
    assert np.any(floor_ref > 0.0)  # the pledges bind in these inputs
    with kernels.use("numba"):  # a chunk of one run gives the same bits
        assert_runs_alone_match(arms.step, state, upstream, ctx, draws,
                                arms.step(state, upstream, ctx, draws))


def test_kernel_mixed_theories_give_each_run_its_own_formulation() -> None:
    from flashpoint import kernels

    if not kernels.available():
        pytest.skip("Numba is not installed")
    mixed = _kernel_case("float64", "mixed")
    drawn = mixed[2].theories["arms"]
    with kernels.use("numba"):
        got = arms.step(*mixed).deltas["milex"]
        for v in arms.VARIANTS:
            alone = arms.step(*_kernel_case("float64", v)).deltas["milex"]
            np.testing.assert_array_equal(got[drawn == v], alone[drawn == v])
