"""Unit tests for commitment credibility and the local balance at each flashpoint."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.mechanisms import burden_shifting as bs
from flashpoint.mechanisms import credibility as cr
from flashpoint.testing import make_context

R = 3


def _fp(ctx, fid: str) -> int:
    return ctx.flashpoints.ids.index(fid)


def _run(state, ctx, draws):
    forces = bs.step(state, {}, ctx, draws).derived["forces"]
    eff = cr.step(state, {"forces": forces}, ctx, draws)
    return eff.derived["credibility"], eff.derived["local_balance"]


def _commit(ctx, src: str, dst: str, value: float):
    c = ctx.commitment.copy()
    c[:, ctx.world.index(src), ctx.world.index(dst)] = value
    return dataclasses.replace(ctx, commitment=c)


def _presence(ctx, actor: str, theatre: int, level: float):
    p = ctx.presence.copy()
    p[:, ctx.world.index(actor), theatre] = level
    return dataclasses.replace(ctx, presence=p)


def test_shapes_bounds_and_no_state_writes() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = cr.step(state, {}, ctx, draws)
    assert eff.deltas == {}
    cred, bal = eff.derived["credibility"], eff.derived["local_balance"]
    assert cred.shape == bal.shape == (R, ctx.flashpoints.f)
    assert np.all((cred >= 0) & (cred <= 1))
    assert np.all(bal > 0) and np.all(np.isfinite(bal))


def test_fallback_without_forces_matches_burden_shifting() -> None:
    state, ctx, draws = make_context(runs=R)
    cred, bal = _run(state, ctx, draws)
    eff = cr.step(state, {}, ctx, draws)
    np.testing.assert_allclose(eff.derived["credibility"], cred)
    np.testing.assert_allclose(eff.derived["local_balance"], bal)


def test_known_value_east_china_sea() -> None:
    # JPN is the target; USA has a treaty commitment (1), DEU a partnership (0.1)
    # but no forces in the Indo-Pacific. US IP forces 880*0.55 = 484 > CHN 290, so the
    # capacity term saturates: cred = will_us = 0.55 (USA is NATO but JPN is not).
    state, ctx, draws = make_context(runs=R)
    cred, bal = _run(state, ctx, draws)
    f = _fp(ctx, "east_china_sea")
    # The US (treaty, will 0.55, enough forces) plus the surge of German and
    # Lithuanian forces, which are only partners of Japan (weight 0.1, will 0.45,
    # fit 0.4, surge 0.1 of 65 and 2).
    e_deu = 0.1 * 0.45 * 0.4 * 0.1 * 65.0 / 290.0
    e_ltu = 0.1 * 0.45 * 0.4 * 0.1 * 2.0 / 290.0
    np.testing.assert_allclose(cred[:, f], 1 - (1 - 0.55) * (1 - e_deu) * (1 - e_ltu))
    # US forces: 880 x 0.55 in the Indo-Pacific plus the surge share (0.1) of the
    # 880 x 0.45 in the Euro-Atlantic.
    partners = 0.1 * 0.4 * 0.1 * (65.0 + 2.0)  # German and Lithuanian surge, as partners
    np.testing.assert_allclose(bal[:, f], (50.0 + 484.0 + 0.1 * 396.0 + partners) / 290.0)


def test_partner_commitment_weaker_than_treaty() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    partner, _ = _run(state, ctx, draws)  # USA-TWN is a partnership only
    treaty, _ = _run(state, _commit(ctx, "USA", "TWN", 1.0), draws)
    assert np.all(partner[:, f] < treaty[:, f])
    np.testing.assert_allclose(partner[:, f], 0.1 * 0.55)


def test_presence_without_commitment_adds_no_credibility() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    base_c, base_b = _run(state, ctx, draws)
    shown_c, shown_b = _run(state, _presence(ctx, "DEU", 1, 0.5), draws)
    np.testing.assert_allclose(shown_c[:, f], base_c[:, f])
    np.testing.assert_allclose(shown_b[:, f], base_b[:, f])


def test_presence_with_commitment_adds_credibility_with_poor_fit() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    committed = _commit(ctx, "DEU", "TWN", 1.0)
    no_ships, _ = _run(state, committed, draws)
    ships, bal = _run(state, _presence(committed, "DEU", 1, 0.5), draws)
    assert np.all(ships[:, f] > no_ships[:, f])
    # German forces in the Indo-Pacific (half of 65) plus the surge share (0.1) of
    # the half at home count at the theatre fit (0.4 by default).
    _, base_bal = _run(state, _presence(ctx, "DEU", 1, 0.5), draws)
    np.testing.assert_allclose(bal[:, f] - base_bal[:, f], 0.4 * (32.5 + 0.1 * 32.5) / 290.0)


def test_retrenchment_lowers_baltic_credibility_and_balance() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "baltic")
    base_c, base_b = _run(state, ctx, draws)
    out = dataclasses.replace(ctx, us_europe_retrenchment=np.full(R, 0.9))
    ret_c, ret_b = _run(state, out, draws)
    assert np.all(ret_c[:, f] < base_c[:, f])
    assert np.all(ret_b[:, f] < base_b[:, f])


def test_consensus_gates_nato_collective_commitments() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "baltic")
    cons, _ = _run(state, ctx, draws)
    indep, _ = _run(state, dataclasses.replace(ctx, variants={"credibility": "independent"}),
                    draws)
    assert np.all(cons[:, f] < indep[:, f])
    # Korea: only the US's own bilateral commitment, which no veto touches.
    k = _fp(ctx, "korean_peninsula")
    np.testing.assert_allclose(cons[:, k], indep[:, k])


def test_more_will_more_credibility() -> None:
    state, ctx, draws = make_context(runs=R)
    params = dict(ctx.params)
    params["credibility.will_us"] = np.full(R, 0.7)
    hi, _ = _run(state, dataclasses.replace(ctx, params=params), draws)
    lo, _ = _run(state, ctx, draws)
    f = _fp(ctx, "east_china_sea")
    assert np.all(hi[:, f] > lo[:, f])


def test_target_index_pads_with_first_target() -> None:
    _, ctx, _ = make_context(runs=1)
    idx = cr.target_index(ctx.flashpoints)
    assert idx.shape[0] == ctx.flashpoints.f
    for f in range(ctx.flashpoints.f):
        assert set(idx[f]) == set(np.flatnonzero(ctx.flashpoints.targets[f]))


def test_inputs_not_mutated_and_deterministic() -> None:
    state, ctx, draws = make_context(runs=R)
    commitment = ctx.commitment.copy()
    before = state.copy()
    a = _run(state, ctx, draws)
    b = _run(state, ctx, draws)
    np.testing.assert_array_equal(ctx.commitment, commitment)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def _with(ctx, **values: float):
    params = dict(ctx.params)
    for k, v in values.items():
        params[k] = np.full(ctx.commitment.shape[0], v)
    return dataclasses.replace(ctx, params=params)


def _nato_to(ctx, target: str, value: float):
    nato = ctx.world.membership["NATO"]
    c = ctx.commitment.copy()
    c[:, nato, ctx.world.index(target)] = np.maximum(c[:, nato, ctx.world.index(target)], value)
    return dataclasses.replace(ctx, commitment=c)


def test_article6_no_collective_obligation_out_of_area() -> None:
    # A NATO collective commitment to Japan (every member, 0.5): Germany's share
    # of it counts at the East China Sea only through the out-of-area weight.
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "east_china_sea")
    base, _ = _run(state, ctx, draws)
    strict, _ = _run(state, _with(_nato_to(ctx, "JPN", 0.5), **{"credibility.out_of_area": 0.0}),
                     draws)
    loose, _ = _run(state, _with(_nato_to(ctx, "JPN", 0.5), **{"credibility.out_of_area": 0.5}),
                    draws)
    np.testing.assert_allclose(strict[:, f], base[:, f])
    assert np.all(loose[:, f] > base[:, f])


def test_collective_commitment_splits_from_bilateral() -> None:
    _, ctx, _ = make_context(runs=R)
    out = _with(_nato_to(ctx, "JPN", 0.5), **{"credibility.out_of_area": 0.2,
                                              "credibility.veto_other": 0.0})
    commit = cr.alliance_commitment(out)
    f, us, de = _fp(ctx, "east_china_sea"), ctx.world.index("USA"), ctx.world.index("DEU")
    np.testing.assert_allclose(commit[:, us, f], 1.0)  # the US-Japan treaty stands
    np.testing.assert_allclose(commit[:, de, f], 0.5 * 0.2)  # collective, out of area


def test_france_vetoes_the_indo_pacific_hungary_both_theatres() -> None:
    from flashpoint.api import resolve_world
    from flashpoint.engine.context import base_context

    ctx = base_context(resolve_world(), 2)
    zero = {"credibility.veto_other": 0.0, "credibility.veto_hungary": 0.0}
    g0 = cr.nato_decision(_with(ctx, **zero, **{"credibility.veto_france_asia": 0.3}))
    g1 = cr.nato_decision(_with(ctx, **zero, **{"credibility.veto_france_asia": 0.9}))
    np.testing.assert_allclose(g0[:, 0], 1.0)
    np.testing.assert_allclose(g0[:, 1], 0.7)
    np.testing.assert_allclose(g1[:, 1], 0.1)
    gh = cr.nato_decision(_with(ctx, **{"credibility.veto_other": 0.0,
                                        "credibility.veto_france_asia": 0.5,
                                        "credibility.veto_hungary": 0.4}))
    np.testing.assert_allclose(gh, [[0.6, 0.3], [0.6, 0.3]])
    indep = cr.nato_decision(dataclasses.replace(ctx, variants={"credibility": "independent"}))
    np.testing.assert_array_equal(indep, 1.0)


# --- the compiled kernel (issue 17) ------------------------------------------

_KERNEL_RUNS = 5


def _kernel_cases(precision: str):  # type: ignore[no-untyped-def]
    """Contexts for every variant, runs of mixed theories and a world without NATO."""
    from flashpoint.testing.inputs import perturbed_inputs
    from flashpoint.theories import factor_of

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_KERNEL_RUNS, seed=11)
    upstream = {k: v for k, v in derived.items() if k not in cr.MECHANISM.provides}
    cases = {v: dataclasses.replace(ctx, memo={}, variants={**ctx.variants, "credibility": v})
             for v in cr.MECHANISM.variants}
    drawn = np.array(["consensus", "independent", "independent", "consensus", "independent"])
    cases["mixed"] = dataclasses.replace(
        ctx, memo={}, theories={**ctx.theories, factor_of("credibility"): drawn})
    membership = {k: v for k, v in ctx.world.membership.items() if k != "NATO"}
    cases["no_nato"] = dataclasses.replace(
        ctx, memo={}, world=dataclasses.replace(ctx.world, membership=membership))
    return state, upstream, cases, draws


def _both(state, upstream, ctx, draws):  # type: ignore[no-untyped-def]
    from flashpoint import kernels

    with kernels.use("numpy"):
        ref = cr.step(state, upstream, dataclasses.replace(ctx, memo={}), draws).derived
    with kernels.use("numba"):
        fast = cr.step(state, upstream, dataclasses.replace(ctx, memo={}), draws).derived
    return ref, fast


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("case", ["consensus", "independent", "mixed", "no_nato"])
def test_kernel_matches_the_reference_keeps_the_dtype_and_a_run_alone(
        precision: str, case: str) -> None:
    from flashpoint import kernels
    from flashpoint.testing.inputs import assert_runs_alone_match

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, cases, draws = _kernel_cases(precision)
    ctx = cases[case]
    ref, fast = _both(state, upstream, ctx, draws)
    rtol = 1e-12 if precision == "float64" else 2e-5
    for k in ("credibility", "local_balance", "nato_decision"):
        assert fast[k].dtype == ref[k].dtype == np.dtype(precision), k
        np.testing.assert_allclose(fast[k], ref[k], rtol=rtol, atol=rtol, err_msg=k)
    if case == "consensus":  # the NATO branch (the veto gate) has to matter in these inputs
        assert not np.allclose(ref["credibility"],
                               _both(state, upstream, cases["no_nato"], draws)[0]["credibility"])
    with kernels.use("numba"):  # a chunk of one run gives the same bits
        assert_runs_alone_match(cr.step, state, upstream, ctx, draws,
                                cr.step(state, upstream, ctx, draws))


def test_kernel_memoised_commitments_follow_a_new_commitment_array() -> None:
    from flashpoint import kernels

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, cases, draws = _kernel_cases("float64")
    ctx = cases["consensus"]
    with kernels.use("numba"):
        before = cr.step(state, upstream, ctx, draws).derived["credibility"]
        moved = _commit(ctx, "FRA", "TWN", 1.0)  # a new array, the same memo
        assert moved.memo is ctx.memo
        after = cr.step(state, upstream, moved, draws).derived["credibility"]
    with kernels.use("numpy"):
        ref = cr.step(state, upstream, dataclasses.replace(moved, memo={}), draws).derived
    np.testing.assert_allclose(after, ref["credibility"], rtol=1e-12)
    assert not np.allclose(after, before)
