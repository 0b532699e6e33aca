"""Unit tests for deterrence: crisis onset, decay and escalation at the flashpoints."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from flashpoint.mechanisms import deterrence as de
from flashpoint.mechanisms._protocol import Draws
from flashpoint.testing import make_context

R = 3


def _fp(ctx, fid: str) -> int:
    return ctx.flashpoints.ids.index(fid)


def _derived(ctx, cred: float, bal: float = 1.0) -> dict[str, np.ndarray]:
    f = ctx.flashpoints.f
    return {"credibility": np.full((R, f), cred), "local_balance": np.full((R, f), bal)}


def _draws(draws: Draws, onset: float, escalation: float) -> Draws:
    return draws._replace(onset=np.full_like(draws.onset, onset),
                          escalation=np.full_like(draws.escalation, escalation))


def test_shapes_and_probabilities() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = de.step(state, {}, ctx, draws)
    f = ctx.flashpoints.f
    for key in ("crisis", "war"):
        assert eff.deltas[key].shape == (R, f)
    for key in ("crisis_hazard", "war_hazard"):
        h = eff.derived[key]
        assert h.shape == (R, f) and np.all((h >= 0) & (h <= 1))
    assert np.all(eff.derived["war_hazard"] <= eff.derived["crisis_hazard"])


def test_more_credibility_lower_hazards() -> None:
    state, ctx, draws = make_context(runs=R)
    lo = de.step(state, _derived(ctx, 0.1), ctx, draws).derived
    hi = de.step(state, _derived(ctx, 0.9), ctx, draws).derived
    assert np.all(hi["crisis_hazard"] < lo["crisis_hazard"])
    assert np.all(hi["war_hazard"] < lo["war_hazard"])


def test_better_balance_lower_hazard() -> None:
    state, ctx, draws = make_context(runs=R)
    lo = de.step(state, _derived(ctx, 0.5, 0.5), ctx, draws).derived["crisis_hazard"]
    hi = de.step(state, _derived(ctx, 0.5, 3.0), ctx, draws).derived["crisis_hazard"]
    assert np.all(hi < lo)


def test_known_onset_hazard() -> None:
    # tau = tension(challenger, target); cred = 0, balance = 1, no provocation.
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    tau = state.tension[0, ctx.world.index("CHN"), ctx.world.index("TWN")]
    h = de.step(state, _derived(ctx, 0.0), ctx, draws).derived["crisis_hazard"][:, f]
    pars = {p.name: p.default for p in de.PARAMETERS}
    lam0, b_tau = pars["deterrence.base_rate"], pars["deterrence.tension_onset"]
    np.testing.assert_allclose(h, 1 - np.exp(-lam0 * np.exp(b_tau * tau)))


def test_spiral_variant_reverses_credibility_and_amplifies_provocation() -> None:
    state, ctx, draws = make_context(runs=R)
    spiral = dataclasses.replace(ctx, variants={"deterrence": "spiral"})
    lo = de.step(state, _derived(ctx, 0.1), spiral, draws).derived["crisis_hazard"]
    hi = de.step(state, _derived(ctx, 0.9), spiral, draws).derived["crisis_hazard"]
    assert np.all(hi > lo)
    prov = dataclasses.replace(ctx, provocation=np.full_like(ctx.provocation, 1.0))
    prov_sp = dataclasses.replace(prov, variants={"deterrence": "spiral"})
    base = de.step(state, _derived(ctx, 0.0), ctx, draws).derived["crisis_hazard"]
    det = de.step(state, _derived(ctx, 0.0), prov, draws).derived["crisis_hazard"]
    sp = de.step(state, _derived(ctx, 0.0), prov_sp, draws).derived["crisis_hazard"]
    sp_base = de.step(state, _derived(ctx, 0.0), spiral, draws).derived["crisis_hazard"]
    # both readings are anchored to the fitted hazard at the status quo; spiral's
    # response to provocation is the stronger one
    assert np.all(det > base) and np.all(sp / sp_base > det / base)
    # Under spiral, credibility also raises challenger-target tension.
    t_det = de.step(state, _derived(ctx, 0.9), ctx, _draws(draws, 1.0, 1.0)).deltas["tension"]
    t_sp = de.step(state, _derived(ctx, 0.9), spiral, _draws(draws, 1.0, 1.0)).deltas["tension"]
    np.testing.assert_array_equal(t_det, 0.0)
    i, j = ctx.world.index("CHN"), ctx.world.index("TWN")
    assert np.all(t_sp[:, i, j] > 0)


def test_onset_follows_draws() -> None:
    state, ctx, draws = make_context(runs=R)
    start = de.step(state, {}, ctx, _draws(draws, 0.0, 1.0)).deltas["crisis"]
    np.testing.assert_allclose(start, 0.6)
    none = de.step(state, {}, ctx, _draws(draws, 1.0, 1.0)).deltas
    np.testing.assert_array_equal(none["crisis"], 0.0)
    np.testing.assert_array_equal(none["war"], 0.0)


def test_crisis_decays_then_ends() -> None:
    state, ctx, draws = make_context(runs=R)
    quiet = _draws(draws, 1.0, 1.0)
    s = state._replace(crisis=np.full_like(state.crisis, 0.5))
    d = de.step(s, {}, ctx, quiet).deltas["crisis"]
    np.testing.assert_allclose(d, -0.5 * 1.5 * ctx.dt)
    s = state._replace(crisis=np.full_like(state.crisis, 0.06))
    d = de.step(s, {}, ctx, quiet).deltas["crisis"]
    np.testing.assert_allclose(s.crisis + d, 0.0)


def test_escalation_to_war_is_absorbing() -> None:
    state, ctx, draws = make_context(runs=R)
    s = state._replace(crisis=np.full_like(state.crisis, 1.0))
    eff = de.step(s, {}, ctx, _draws(draws, 1.0, 0.0))
    np.testing.assert_array_equal(eff.deltas["war"], 1.0)
    np.testing.assert_array_equal(s.crisis + eff.deltas["crisis"], 1.0)
    at_war = s._replace(war=np.ones_like(s.war), crisis=np.full_like(s.crisis, 0.7))
    eff = de.step(at_war, {}, ctx, _draws(draws, 0.0, 0.0))
    np.testing.assert_array_equal(eff.deltas["war"], 0.0)
    np.testing.assert_array_equal(at_war.crisis + eff.deltas["crisis"], 1.0)
    np.testing.assert_array_equal(eff.derived["war_hazard"], 1.0)


def test_no_escalation_without_crisis_or_blockade() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = de.step(state, {}, ctx, _draws(draws, 1.0, 0.0))
    np.testing.assert_array_equal(eff.deltas["war"], 0.0)


def test_blockade_escalates_like_a_full_crisis() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "taiwan_strait")
    blk = state.blockade.copy()
    blk[:, f] = 1.0
    s_blk = state._replace(blockade=blk)
    crisis = state.crisis.copy()
    crisis[:, f] = 1.0
    s_cri = state._replace(crisis=crisis)
    h_blk = de.step(s_blk, {}, ctx, draws).derived["war_hazard"][:, f]
    h_cri = de.step(s_cri, {}, ctx, draws).derived["war_hazard"][:, f]
    np.testing.assert_allclose(h_blk, h_cri)
    eff = de.step(s_blk, {}, ctx, _draws(draws, 0.0, 0.0))
    assert np.all(eff.deltas["war"][:, f] == 1.0)
    # No new crisis onset is drawn while the blockade holds (it is the crisis).
    assert np.all(eff.deltas["crisis"][:, f] == 1.0)


def test_crisis_raises_only_challenger_target_tension() -> None:
    state, ctx, draws = make_context(runs=R)
    f = _fp(ctx, "korean_peninsula")
    crisis = state.crisis.copy()
    crisis[:, f] = 1.0
    d = de.step(state._replace(crisis=crisis), {}, ctx, _draws(draws, 1.0, 1.0)).deltas["tension"]
    i, j = ctx.world.index("PRK"), ctx.world.index("KOR")
    assert np.all(d[:, i, j] > 0)
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    mask = np.zeros_like(d, dtype=bool)
    mask[:, [i, j], [j, i]] = True
    np.testing.assert_array_equal(d[~mask], 0.0)


@pytest.mark.parametrize("variant", ["deterrence", "spiral"])
def test_deterministic_and_inputs_not_mutated(variant: str) -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = dataclasses.replace(ctx, variants={"deterrence": variant})
    before = state.copy()
    onset = draws.onset.copy()
    a = de.step(state, {}, ctx, draws)
    b = de.step(state, {}, ctx, draws)
    np.testing.assert_array_equal(draws.onset, onset)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    for k in a.deltas:
        np.testing.assert_array_equal(a.deltas[k], b.deltas[k])
    for k in a.derived:
        np.testing.assert_array_equal(a.derived[k], b.derived[k])


def test_blockade_tightness_sets_the_escalation_intensity() -> None:
    # A quarantine (tightness 0.3) escalates less than a full blockade (1.0), and
    # either blocks a new crisis onset while it lasts.
    state, ctx, draws = make_context(runs=R)
    k = _fp(ctx, "taiwan_strait")
    hazards = []
    for tight in (0.3, 0.6, 1.0):
        blk = state.blockade.copy()
        blk[:, k] = tight
        eff = de.step(state._replace(blockade=blk), _derived(ctx, 0.3, 0.5), ctx,
                      _draws(draws, onset=0.0, escalation=1.0))
        assert np.all(eff.deltas["crisis"][:, k] == 0)  # no onset during a blockade
        hazards.append(eff.derived["war_hazard"][:, k])
    assert np.all(hazards[0] < hazards[1]) and np.all(hazards[1] < hazards[2])


def test_opportunity_is_a_war_the_us_fights_in_the_other_theatre() -> None:
    state, ctx, draws = make_context(runs=R)
    tw, kor, bal = _fp(ctx, "taiwan_strait"), _fp(ctx, "korean_peninsula"), _fp(ctx, "baltic")
    assert not np.any(de.opportunity(state, ctx))
    war = state.war.copy()
    war[:, tw] = 1.0
    at_war = state._replace(war=war)
    opp = de.opportunity(at_war, ctx)
    np.testing.assert_allclose(opp[:, bal], 1.0)  # the US fights at Taiwan and defends LTU
    assert np.all(opp[:, kor] == 0)  # same theatre: the balance, not opportunism, changes
    # The Baltic onset hazard rises by exp(b_o) at full opportunity, nowhere else.
    derived = _derived(ctx, 0.3, 1.0)
    quiet = de.step(state, derived, ctx, _draws(draws, 1.0, 1.0)).derived["crisis_hazard"]
    hot = de.step(at_war, derived, ctx, _draws(draws, 1.0, 1.0)).derived["crisis_hazard"]
    b_o = ctx.params["deterrence.opportunism"]
    np.testing.assert_allclose(-np.log1p(-hot[:, bal]), -np.log1p(-quiet[:, bal]) * np.exp(b_o),
                               rtol=1e-9)
    np.testing.assert_allclose(hot[:, kor], quiet[:, kor])


def test_opportunism_at_zero_is_no_effect() -> None:
    state, ctx, draws = make_context(runs=R)
    ctx = dataclasses.replace(ctx, params={**ctx.params,
                                           "deterrence.opportunism": np.zeros(R)})
    war = state.war.copy()
    war[:, _fp(ctx, "taiwan_strait")] = 1.0
    derived = _derived(ctx, 0.3, 1.0)
    quiet = de.step(state, derived, ctx, _draws(draws, 1.0, 1.0)).derived["crisis_hazard"]
    hot = de.step(state._replace(war=war), derived, ctx, _draws(draws, 1.0, 1.0))
    bal = _fp(ctx, "baltic")
    np.testing.assert_allclose(hot.derived["crisis_hazard"][:, bal], quiet[:, bal])


def test_local_balance_beyond_ten_to_one_adds_nothing() -> None:
    state, ctx, draws = make_context(runs=R)
    eff = {b: de.step(state, _derived(ctx, 0.3, b), ctx, _draws(draws, 1.0, 1.0)).derived
           for b in (de.BALANCE_CAP, 170.0, 5.0)}
    np.testing.assert_allclose(eff[170.0]["crisis_hazard"], eff[de.BALANCE_CAP]["crisis_hazard"])
    assert np.all(eff[5.0]["crisis_hazard"] > eff[de.BALANCE_CAP]["crisis_hazard"])


# --- the compiled kernel (issue 17) ------------------------------------------

_KERNEL_RUNS = 6


def _kernel_case(precision: str, case: str, edges: bool):  # type: ignore[no-untyped-def]
    """Inputs for one variant (or runs of mixed theories), with edge values if asked:
    a war, a blockade, credibility outside [0, 1], balances beyond the cap."""
    from flashpoint.testing.inputs import perturbed_inputs
    from flashpoint.theories import factor_of

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_KERNEL_RUNS, seed=5)
    upstream = {k: v for k, v in derived.items() if k not in de.MECHANISM.provides}
    if case == "mixed":
        drawn = np.array([de.MECHANISM.variants[i % 3] for i in range(_KERNEL_RUNS)])
        ctx = dataclasses.replace(ctx, memo={},
                                  theories={**ctx.theories, factor_of("deterrence"): drawn})
    else:
        ctx = dataclasses.replace(ctx, memo={}, variants={**ctx.variants, "deterrence": case})
    if edges:
        war, blockade = state.war.copy(), state.blockade.copy()
        war[:, 0], blockade[:, 1] = 1.0, 0.5
        state = state._replace(war=war, blockade=blockade)
        cred = upstream["credibility"].copy()
        bal = upstream["local_balance"].copy()
        cred[::2, 2], cred[1::2, 3] = -0.2, 1.3
        bal[::2, 2], bal[1::2, 3] = 1e-3, 1e3
        upstream = {**upstream, "credibility": cred, "local_balance": bal}
        draws = draws._replace(onset=np.zeros_like(draws.onset))  # every idle flashpoint starts
    return state, upstream, ctx, draws


@pytest.mark.parametrize("edges", [False, True])
@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("case", ["deterrence", "spiral", "bargaining", "mixed"])
def test_kernel_matches_the_reference_keeps_the_dtype_and_a_run_alone(
        case: str, precision: str, edges: bool) -> None:
    from flashpoint import kernels
    from flashpoint.testing.inputs import assert_runs_alone_match

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _kernel_case(precision, case, edges)
    with kernels.use("numpy"):
        ref = de.step(state, upstream, dataclasses.replace(ctx, memo={}), draws)
    with kernels.use("numba"):
        fast = de.step(state, upstream, dataclasses.replace(ctx, memo={}), draws)
    rtol = 1e-12 if precision == "float64" else 2e-5
    for kind, a, b in (("delta", ref.deltas, fast.deltas), ("derived", ref.derived, fast.derived)):
        assert set(a) == set(b), kind
        for k in a:
            assert b[k].dtype == a[k].dtype == np.dtype(precision), (kind, k)
            np.testing.assert_allclose(b[k], a[k], rtol=rtol, atol=rtol, err_msg=f"{kind} {k}")
    if edges:
        assert np.all(fast.derived["war_hazard"][:, 0] == 1.0)
    with kernels.use("numba"):  # a chunk of one run gives the same bits
        assert_runs_alone_match(de.step, state, upstream, ctx, draws, fast)


# --- the bargaining mechanism's kernels (the deterrence variant's rival theory) ---
# Here rather than in a tests/unit/mechanisms/test_bargaining.py, whose basename
# tests/known_results/test_bargaining.py already takes (pytest's rootdir imports).

_B_RUNS = 6
_B_RTOL = {"float64": 1e-12, "float32": 2e-5}


def _bargaining_case(precision: str, case: str):  # type: ignore[no-untyped-def]
    """Inputs with the deterrence variant ``case`` (or runs of mixed theories)."""
    from flashpoint.mechanisms import bargaining
    from flashpoint.testing.inputs import perturbed_inputs

    state, derived, ctx, draws = perturbed_inputs(precision, runs=_B_RUNS, seed=9)
    upstream = {k: v for k, v in derived.items() if k not in bargaining.MECHANISM.provides}
    if case == "mixed":
        drawn = np.array([("deterrence", "spiral", "bargaining")[i % 3] for i in range(_B_RUNS)])
        ctx = dataclasses.replace(ctx, memo={}, theories={**ctx.theories, "deterrence": drawn})
    else:
        ctx = dataclasses.replace(ctx, memo={}, variants={**ctx.variants, "deterrence": case})
    return state, upstream, ctx, draws


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_bargaining_settlement_kernel_matches_the_reference_at_edge_values(precision: str) -> None:
    from flashpoint import kernels

    if not kernels.available():
        pytest.skip("Numba is not installed")
    from flashpoint.mechanisms import bargaining

    _, _, ctx, _ = _bargaining_case(precision, "deterrence")
    f = ctx.flashpoints.f
    grid = np.linspace(-0.5, 1.5, _B_RUNS * f).reshape(_B_RUNS, f)
    cred = grid.astype(precision)  # outside [0, 1] at both ends
    balance = np.exp(6.0 * grid[::-1] - 3.0).astype(precision)  # 0.05 ... 400
    balance[0, 0], balance[1, 0] = 0.0, -1.0  # floored at 1e-9
    provocation = grid.T.reshape(_B_RUNS, f).astype(precision)
    with kernels.use("numpy"):
        ref = bargaining.settlement(cred, balance, provocation, dataclasses.replace(ctx, memo={}))
    with kernels.use("numba"):
        fast = bargaining.settlement(cred, balance, provocation, dataclasses.replace(ctx, memo={}))
    for name, a, b in zip(bargaining.Settlement._fields, ref, fast, strict=True):
        assert b.dtype == a.dtype == np.dtype(precision), name
        np.testing.assert_allclose(b, a, rtol=_B_RTOL[precision], atol=_B_RTOL[precision], err_msg=name)
    assert np.any(ref.war_probability > 0) and np.any(ref.war_probability == 0)
    assert np.any(ref.demand == 1.0)  # the demand's cap is reached


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("case", ["deterrence", "spiral", "bargaining", "mixed"])
def test_bargaining_step_kernels_match_the_reference_keep_the_dtype_and_a_run_alone(
        case: str, precision: str) -> None:
    from flashpoint import kernels
    from flashpoint.engine.state import State
    from flashpoint.mechanisms import bargaining
    from flashpoint.testing.checks import _slice_ctx

    if not kernels.available():
        pytest.skip("Numba is not installed")
    state, upstream, ctx, draws = _bargaining_case(precision, case)
    with kernels.use("numpy"):
        ref = bargaining.step(state, upstream, dataclasses.replace(ctx, memo={}), draws)
    with kernels.use("numba"):
        fast = bargaining.step(state, upstream, dataclasses.replace(ctx, memo={}), draws)
    assert set(ref.deltas) == set(fast.deltas) and set(ref.derived) == set(fast.derived)
    assert ("alignment" in ref.deltas) == (case in ("bargaining", "mixed"))
    for k, a, b in [(k, ref.deltas[k], fast.deltas[k]) for k in ref.deltas] + [
            (k, ref.derived[k], fast.derived[k]) for k in ref.derived]:
        assert b.dtype == a.dtype == np.dtype(precision), k
        np.testing.assert_allclose(b, a, rtol=_B_RTOL[precision], atol=_B_RTOL[precision], err_msg=k)
    if "alignment" in ref.deltas:  # the hedgers move, symmetrically, in the rival runs only
        move = fast.deltas["alignment"]
        assert np.any(move != 0)
        np.testing.assert_array_equal(move, np.swapaxes(move, 1, 2))
        rival = ctx.variant_mask("deterrence", "bargaining")
        assert np.all(move[~rival] == 0)
    for r in range(_B_RUNS):  # a chunk of one run gives the same bits
        s = slice(r, r + 1)
        one = dataclasses.replace(_slice_ctx(ctx, s),
                                  theories={k: v[s] for k, v in ctx.theories.items()})
        with kernels.use("numba"):
            alone = bargaining.step(State(*(x[s] for x in state)), {k: v[s] for k, v in upstream.items()},
                            one, Draws(*(x[s] for x in draws)))
        for k in fast.deltas:
            if k in alone.deltas:
                assert np.array_equal(alone.deltas[k], fast.deltas[k][s]), (k, r)
            else:  # a run alone of another theory has no alignment change at all
                assert np.all(fast.deltas[k][s] == 0), (k, r)
        for k in fast.derived:
            assert np.array_equal(alone.derived[k], fast.derived[k][s]), (k, r)
