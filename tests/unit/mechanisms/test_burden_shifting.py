"""Unit tests for the burden-shifting mechanism (one US force budget, two theatres)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.mechanisms import burden_shifting as bs
from flashpoint.testing import make_context

R = 4


def _with_params(ctx, **values):
    params = dict(ctx.params)
    for name, v in values.items():
        params[f"burden_shifting.{name}"] = np.full(R, v)
    return dataclasses.replace(ctx, params=params)


def _fp(ctx, fid: str) -> int:
    return ctx.flashpoints.ids.index(fid)


def test_shapes_and_finite() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = bs.MECHANISM.step(state, {}, ctx, draws)
    assert set(eff.deltas) == set(bs.MECHANISM.writes)
    assert set(eff.derived) == set(bs.MECHANISM.provides)
    assert eff.deltas["us_asia_share"].shape == (R,)
    forces = eff.derived["forces"]
    assert forces.shape == (R, ctx.world.n, 2)
    assert np.all(np.isfinite(forces)) and np.all(forces >= 0)


def test_baseline_is_a_fixed_point() -> None:
    # Initial u = 0.55 = default baseline, no European change, no war: no movement.
    state, ctx, draws = make_context(runs=R)
    eff = bs.step(state, {}, ctx, draws)
    np.testing.assert_allclose(eff.deltas["us_asia_share"], 0.0, atol=1e-15)


def test_forces_conserve_spending_without_retrenchment() -> None:
    state, ctx, draws = make_context(runs=R)
    presence = np.zeros_like(ctx.presence)
    presence[:, ctx.world.index("DEU"), 1] = 0.2
    ctx = dataclasses.replace(ctx, presence=presence)
    forces = bs.step(state, {}, ctx, draws).derived["forces"]
    np.testing.assert_allclose(forces.sum(axis=2), state.milex)
    deu = ctx.world.index("DEU")
    np.testing.assert_allclose(forces[:, deu], [[0.8 * 65.0, 0.2 * 65.0]] * R)
    us = ctx.world.index("USA")
    np.testing.assert_allclose(forces[:, us, 1], 880.0 * 0.55)


def test_retrenchment_removes_us_forces_from_europe() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = dataclasses.replace(ctx, us_europe_retrenchment=np.full(R, 0.5))
    forces = bs.step(state, {}, ctx, draws).derived["forces"]
    us = ctx.world.index("USA")
    np.testing.assert_allclose(forces[:, us, 0], 880.0 * 0.45 * 0.5)
    np.testing.assert_allclose(forces[:, us, 1], 880.0 * 0.55)


def test_war_in_asia_raises_target_and_share() -> None:
    state, ctx, draws = make_context(runs=R)
    war = state.war.copy()
    war[:, _fp(ctx, "taiwan_strait")] = 1.0
    hot = state._replace(war=war)
    u_star = bs.target_share(hot, ctx)
    np.testing.assert_allclose(u_star, 0.55 + 0.25)
    assert np.all(bs.step(hot, {}, ctx, draws).deltas["us_asia_share"] > 0)


def test_blockade_in_asia_also_pulls_and_baltic_war_pushes_back() -> None:
    state, ctx, _draws = make_context(runs=R)
    blk = state.blockade.copy()
    blk[:, _fp(ctx, "taiwan_strait")] = 1.0
    assert np.all(bs.target_share(state._replace(blockade=blk), ctx) > 0.55)
    war = state.war.copy()
    war[:, _fp(ctx, "baltic")] = 1.0
    assert np.all(bs.target_share(state._replace(war=war), ctx) < 0.55)


def test_european_spending_lets_the_us_pivot() -> None:
    state, ctx, _draws = make_context(runs=R)
    milex = state.milex.copy()
    eu = bs.europe_mask(ctx.world).astype(bool)
    assert eu.sum() == 2  # DEU and LTU in the tiny world; USA excluded
    milex[:, eu] *= 2.0
    u_star = bs.target_share(state._replace(milex=milex), ctx)
    np.testing.assert_allclose(u_star, 0.55 + 0.15 * 1.0)


def test_target_is_clipped() -> None:
    state, ctx, _draws = make_context(runs=R)
    ctx = _with_params(ctx, war_pull=0.4, baseline=0.65, europe_offset=0.4)
    milex = state.milex.copy()
    milex[:, bs.europe_mask(ctx.world).astype(bool)] *= 3.0
    war = np.ones_like(state.war)
    war[:, _fp(ctx, "baltic")] = 0.0
    u_star = bs.target_share(state._replace(milex=milex, war=war), ctx)
    np.testing.assert_allclose(u_star, bs.U_MAX)


def test_rate_scales_adjustment_and_stays_bounded() -> None:
    state, ctx, draws = make_context(runs=R)
    state = state._replace(us_asia_share=np.full(R, 0.3))
    slow = bs.step(state, {}, _with_params(ctx, rate=0.1), draws).deltas["us_asia_share"]
    fast = bs.step(state, {}, _with_params(ctx, rate=2.0), draws).deltas["us_asia_share"]
    assert np.all(fast > slow) and np.all(slow > 0)
    assert np.all(state.us_asia_share + fast <= 0.55 + 1e-12)


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    before = state.copy()
    a = bs.step(state, {}, ctx, draws)
    b = bs.step(state, {}, ctx, draws)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.derived["forces"], b.derived["forces"])


def test_parameters_declared() -> None:
    names = {p.name for p in bs.PARAMETERS}
    assert names == {
        "burden_shifting.rate", "burden_shifting.europe_offset",
        "burden_shifting.war_pull", "burden_shifting.crisis_weight",
    }
    for p in bs.PARAMETERS:
        assert p.low < p.high and p.source


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_extreme_shares_give_nonnegative_forces(share: float) -> None:
    state, ctx, _draws = make_context(runs=R)
    forces = bs.theatre_forces(state.milex, np.full(R, share), ctx)
    assert np.all(forces >= 0)


def test_a_crisis_in_asia_pulls_us_forces_partly() -> None:
    """A crisis short of war moves the target share by crisis_weight x war_pull."""
    state, ctx, _ = make_context(runs=2)
    fps = ctx.flashpoints
    k = fps.ids.index("taiwan_strait")
    crisis = state.crisis.copy()
    crisis[:, k] = 1.0
    calm = bs.target_share(state, ctx)
    hot = bs.target_share(state._replace(crisis=crisis), ctx)
    expected = ctx.params["burden_shifting.crisis_weight"] * ctx.params["burden_shifting.war_pull"]
    np.testing.assert_allclose(hot - calm, expected)


def test_allocation_starts_at_its_steady_state_with_a_war_at_t0() -> None:
    # A war being fought at t = 0 is part of the observed allocation: whatever the
    # sampled parameters, the target share at t = 0 is the initial share.
    state, ctx, _ = make_context(runs=R)
    war = state.war.copy()
    war[:, _fp(ctx, "baltic")] = 1.0
    state = state._replace(war=war)
    rng = np.random.default_rng(0)
    params = {**ctx.params}
    for p in bs.PARAMETERS:
        params[p.name] = rng.uniform(p.low, p.high, R)
    ctx = dataclasses.replace(ctx, params=params, initial=state)
    np.testing.assert_allclose(bs.target_share(state, ctx), state.us_asia_share, atol=1e-15)


def test_a_war_the_us_fights_pulls_fully_and_its_crisis_adds_nothing() -> None:
    # A war the US fights (Taiwan: a war party) pulls fully; see test_mobilisation for
    # the engagement of a supporter, which scales the pull of a war it does not fight.
    state, ctx, _ = make_context(runs=R)
    war = state.war.copy()
    war[:, _fp(ctx, "taiwan_strait")] = 1.0
    pull = bs.us_pull(state._replace(war=war), ctx)
    np.testing.assert_allclose(pull[:, _fp(ctx, "taiwan_strait")], 1.0)
    crisis = state.crisis.copy()
    crisis[:, _fp(ctx, "taiwan_strait")] = 1.0
    held = bs.us_pull(state._replace(war=war, crisis=crisis), ctx)
    np.testing.assert_allclose(held, pull)  # the crisis a war holds at 1 adds nothing


# --- the compiled kernels (issue 17) -----------------------------------------

_KERNEL_RUNS = 6


def _kernel_inputs(precision: str):  # type: ignore[no-untyped-def]
    """Perturbed inputs with forward presence, a US retrenchment and blockades in some runs."""
    from flashpoint.testing.inputs import perturbed_inputs

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_KERNEL_RUNS, seed=7)
    presence = np.zeros_like(ctx.presence)
    presence[::2, ctx.world.index("FRA"), 1] = 0.3
    presence[1::2, ctx.world.index("JPN"), 0] = 0.8
    presence[:, ctx.world.index("GBR"), :] = 0.7  # more than all its forces: capped at 1
    retrench = np.linspace(0.0, 0.5, _KERNEL_RUNS).astype(precision)
    ctx = dataclasses.replace(ctx, memo={}, presence=presence, us_europe_retrenchment=retrench)
    blockade = state.blockade.copy()
    blockade[1::2, _fp(ctx, "taiwan_strait")] = 0.7
    state = state._replace(blockade=blockade)
    upstream = {k: v for k, v in derived.items() if k not in bs.MECHANISM.provides}
    return state, upstream, ctx, draws


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_kernel_matches_the_reference_keeps_the_dtype_and_a_run_alone(precision: str) -> None:
    from flashpoint import kernels
    from flashpoint.testing.inputs import assert_kernel_matches, assert_runs_alone_match

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_inputs(precision)
    rtol = 1e-12 if precision == "float64" else 2e-5
    fresh = dataclasses.replace(ctx, memo={})
    ref, _ = assert_kernel_matches(bs.step, state, upstream, ctx, draws)
    with kernels.use("numpy"):
        helpers_ref = (bs.us_pull(state, fresh), bs.target_share(state, fresh))
    with kernels.use("numba"):
        helpers = (bs.us_pull(state, ctx), bs.target_share(state, ctx))
    for a, b in zip(helpers_ref, helpers, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol)
    assert np.any(ref["us_asia_share"] != 0)
    with kernels.use("numba"):  # a chunk of one run gives the same bits
        assert_runs_alone_match(bs.step, state, upstream, ctx, draws,
                                bs.step(state, upstream, ctx, draws))


def test_kernel_memoised_pull_follows_a_new_commitment_array() -> None:
    from flashpoint import kernels

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_inputs("float64")
    war = np.zeros_like(state.war)
    war[:, _fp(ctx, "baltic")] = 1.0  # the US is a treaty ally of the targets
    state = state._replace(war=war)
    with kernels.use("numba"):
        before = bs.us_pull(state, ctx).copy()
        moved = dataclasses.replace(ctx, commitment=np.zeros_like(ctx.commitment))
        assert moved.memo is ctx.memo
        after = bs.us_pull(state, moved)
        du = bs.step(state, upstream, moved, draws).deltas["us_asia_share"]
    with kernels.use("numpy"):
        fresh = dataclasses.replace(moved, memo={})
        ref = bs.us_pull(state, fresh)
        du_ref = bs.step(state, upstream, fresh, draws).deltas["us_asia_share"]
    np.testing.assert_allclose(after, ref, rtol=1e-12)
    np.testing.assert_allclose(du, du_ref, rtol=1e-12, atol=1e-15)
    assert not np.allclose(after, before)
