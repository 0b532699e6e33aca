"""Property tests for burden shifting, credibility, interdependence, reassurance,
deterrence and the Fearon bargaining model."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from flashpoint.classic.fearon import bargaining_range, bargaining_range_risk, risk_return
from flashpoint.mechanisms import burden_shifting as bs
from flashpoint.mechanisms import credibility as cr
from flashpoint.mechanisms import deterrence as de
from flashpoint.mechanisms import interdependence as idp
from flashpoint.mechanisms import reassurance as ra
from flashpoint.testing import make_context

R = 2
STATE, CTX, DRAWS = make_context(runs=R)
N, F = CTX.world.n, CTX.flashpoints.f
SETTINGS = settings(max_examples=30, deadline=None)

unit = st.floats(0.0, 1.0, allow_nan=False)
seeds = st.integers(0, 2**32 - 1)


def _sym_unit(rng: np.random.Generator) -> np.ndarray:
    t = rng.random((R, N, N))
    t = (t + np.swapaxes(t, 1, 2)) / 2
    t[:, np.arange(N), np.arange(N)] = 0.0
    return t


def _sampled_params(rng: np.random.Generator, mechanism) -> dict[str, np.ndarray]:
    params = dict(CTX.params)
    for p in mechanism.parameters:
        params[p.name] = rng.uniform(p.low, p.high, R)
    return params


@SETTINGS
@given(seed=seeds, share=unit)
def test_burden_shifting_keeps_share_in_bounds(seed: int, share: float) -> None:
    rng = np.random.default_rng(seed)
    state = STATE._replace(
        us_asia_share=np.full(R, share),
        milex=STATE.milex * rng.uniform(0.2, 5.0, (R, N)),
        war=(rng.random((R, F)) < 0.3).astype(float),
    )
    ctx = dataclasses.replace(
        CTX, params=_sampled_params(rng, bs.MECHANISM),
        presence=rng.uniform(0, 0.5, (R, N, 2)),
        us_europe_retrenchment=rng.random(R),
    )
    eff = bs.step(state, {}, ctx, DRAWS)
    new = state.us_asia_share + eff.deltas["us_asia_share"]
    assert np.all((new >= 0) & (new <= 1))
    forces = eff.derived["forces"]
    assert np.all(forces >= 0)
    assert np.all(forces.sum(axis=2) <= state.milex * (1 + 1e-12))


@SETTINGS
@given(seed=seeds)
def test_credibility_bounded_and_monotone_in_commitment(seed: int) -> None:
    # With NATO's gate open (independent decisions, full out-of-area weight): with
    # consensus and Article 6, raising every member's commitment can turn a
    # member's own commitment into the alliance's, which vetoes and the treaty
    # area discount (see test_consensus_never_adds_credibility).
    rng = np.random.default_rng(seed)
    params = _sampled_params(rng, cr.MECHANISM)
    params["credibility.out_of_area"] = np.ones(R)
    ctx = dataclasses.replace(
        CTX, params=params, variants={"credibility": "independent"},
        commitment=rng.random((R, N, N)) * (rng.random((R, N, N)) < 0.4),
        presence=rng.uniform(0, 0.4, (R, N, 2)),
    )
    forces = bs.theatre_forces(STATE.milex, STATE.us_asia_share, ctx)
    cred, bal = cr.assess(forces, ctx)
    assert np.all((cred >= 0) & (cred <= 1)) and np.all(bal > 0)
    more = dataclasses.replace(ctx, commitment=np.minimum(1.0, ctx.commitment + 0.3))
    cred2, bal2 = cr.assess(forces, more)
    assert np.all(cred2 >= cred - 1e-12) and np.all(bal2 >= bal - 1e-12)


@SETTINGS
@given(seed=seeds)
def test_consensus_never_adds_credibility(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ctx = dataclasses.replace(
        CTX, params=_sampled_params(rng, cr.MECHANISM),
        commitment=rng.random((R, N, N)) * (rng.random((R, N, N)) < 0.4),
    )
    forces = bs.theatre_forces(STATE.milex, STATE.us_asia_share, ctx)
    gated, _ = cr.assess(forces, ctx)
    params = dict(ctx.params)
    params["credibility.out_of_area"] = np.ones(R)
    open_gate = dataclasses.replace(ctx, params=params, variants={"credibility": "independent"})
    free, _ = cr.assess(forces, open_gate)
    assert np.all(gated <= free + 1e-12)


@SETTINGS
@given(seed=seeds, level=st.floats(0.0, 0.9))
def test_presence_without_commitment_never_raises_credibility(seed: int, level: float) -> None:
    rng = np.random.default_rng(seed)
    commitment = rng.random((R, N, N)) * (rng.random((R, N, N)) < 0.4)
    # Any actor but a challenger (a challenger deploying away weakens itself at home).
    candidates = np.setdiff1d(np.arange(N), CTX.flashpoints.challenger)
    actor = int(rng.choice(candidates))
    commitment[:, actor, :] = 0.0
    base = dataclasses.replace(CTX, commitment=commitment,
                               world=dataclasses.replace(CTX.world, partnership=np.zeros((N, N))))
    presence = np.zeros((R, N, 2))
    presence[:, actor, :] = level / 2
    shown = dataclasses.replace(base, presence=presence)
    c0, _ = cr.assess(bs.theatre_forces(STATE.milex, STATE.us_asia_share, base), base)
    c1, _ = cr.assess(bs.theatre_forces(STATE.milex, STATE.us_asia_share, shown), shown)
    # Deploying abroad moves forces out of the home theatre: never more credibility.
    assert np.all(c1 <= c0 + 1e-12)


@SETTINGS
@given(seed=seeds)
def test_interdependence_keeps_tension_in_unit_interval(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tension = _sym_unit(rng)
    trade = CTX.trade_share * rng.uniform(0.0, 3.0, (R, N, N))
    ctx = dataclasses.replace(CTX, params=_sampled_params(rng, idp.MECHANISM), trade_share=trade)
    state = STATE._replace(
        tension=tension, war=(rng.random((R, F)) < 0.3).astype(float),
        blockade=(rng.random((R, F)) < 0.3).astype(float), gdp_loss=rng.uniform(0, 0.3, (R, N)),
    )
    eff = idp.step(state, {}, ctx, DRAWS)
    new = tension + eff.deltas["tension"]
    assert np.all((new >= -1e-12) & (new <= 1 + 1e-12))
    np.testing.assert_allclose(new, np.swapaxes(new, 1, 2))
    loss = state.gdp_loss + eff.deltas["gdp_loss"]
    assert np.all((loss >= 0) & (loss < 1))
    assert np.all(eff.deltas["gdp_loss"] >= 0)
    assert np.all(state.gdp + eff.deltas["gdp"] > 0)


@SETTINGS
@given(p=unit, c=unit, e=st.floats(0.1, 0.9))
def test_posterior_never_raises_suspicion(p: float, c: float, e: float) -> None:
    post = float(ra.posterior(np.array(p), np.array(c), np.array(e)))
    assert 0.0 <= post <= p + 1e-12
    if c == 0.0:
        assert post == p


@SETTINGS
@given(seed=seeds)
def test_reassurance_keeps_beliefs_and_tension_bounded(seed: int) -> None:
    rng = np.random.default_rng(seed)
    state = STATE._replace(intent=rng.random((R, N, N)), tension=_sym_unit(rng))
    ctx = dataclasses.replace(CTX, params=_sampled_params(rng, ra.MECHANISM),
                              signal=rng.random((R, N, N)))
    eff = ra.step(state, {}, ctx, DRAWS)
    intent = state.intent + eff.deltas["intent"]
    tension = state.tension + eff.deltas["tension"]
    assert np.all((intent >= 0) & (intent <= state.intent + 1e-12))
    assert np.all((tension >= 0) & (tension <= state.tension + 1e-12))
    np.testing.assert_allclose(tension, np.swapaxes(tension, 1, 2))


@SETTINGS
@given(seed=seeds, variant=st.sampled_from(["deterrence", "spiral"]))
def test_deterrence_state_and_hazards_valid(seed: int, variant: str) -> None:
    rng = np.random.default_rng(seed)
    state = STATE._replace(
        tension=_sym_unit(rng), crisis=rng.random((R, F)) * (rng.random((R, F)) < 0.5),
        war=(rng.random((R, F)) < 0.2).astype(float),
        blockade=(rng.random((R, F)) < 0.2).astype(float),
    )
    ctx = dataclasses.replace(CTX, params=_sampled_params(rng, de.MECHANISM),
                              variants={"deterrence": variant}, provocation=rng.random((R, F)))
    derived = {"credibility": rng.random((R, F)), "local_balance": rng.uniform(0.05, 20, (R, F))}
    draws = DRAWS._replace(onset=rng.random((R, F)), escalation=rng.random((R, F)))
    eff = de.step(state, derived, ctx, draws)
    crisis = state.crisis + eff.deltas["crisis"]
    war = state.war + eff.deltas["war"]
    assert np.all((crisis >= 0) & (crisis <= 1))
    assert set(np.unique(war)) <= {0.0, 1.0}
    assert np.all(war >= state.war)  # absorbing
    for key in ("crisis_hazard", "war_hazard"):
        h = eff.derived[key]
        assert np.all((h >= 0) & (h <= 1))


@SETTINGS
@given(seed=seeds, lo=unit, hi=unit)
def test_onset_hazard_falls_with_credibility(seed: int, lo: float, hi: float) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    rng = np.random.default_rng(seed)
    ctx = dataclasses.replace(CTX, params=_sampled_params(rng, de.MECHANISM))
    tau = rng.random((R, F))
    bal = rng.uniform(0.1, 10, (R, F))
    zero = np.zeros((R, F))
    lam_lo, mu_lo = de.hazards(tau, np.full((R, F), lo), bal, zero, zero, ctx)
    lam_hi, mu_hi = de.hazards(tau, np.full((R, F), hi), bal, zero, zero, ctx)
    assert np.all(lam_hi <= lam_lo) and np.all(mu_hi <= mu_lo)


@SETTINGS
@given(p=unit, c_a=st.floats(0.0, 1.0), c_b=st.floats(0.0, 1.0),
       r_a=st.floats(0.2, 1.0), r_b=st.floats(0.2, 1.0))
def test_risk_aversion_never_narrows_the_feasible_range(
    p: float, c_a: float, c_b: float, r_a: float, r_b: float
) -> None:
    neutral = bargaining_range(p, c_a, c_b)
    averse = bargaining_range_risk(p, c_a, c_b, risk_a=r_a, risk_b=r_b)
    np.testing.assert_allclose(neutral.width, c_a + c_b)
    assert averse.low <= max(0.0, float(neutral.low)) + 1e-12
    assert averse.high >= min(1.0, float(neutral.high)) - 1e-12


@SETTINGS
# Costs are shares of the good; below 1e-9 they are numerically meaningless
# (the brute-force check divides by c_bar).
@given(p=unit, c_a=st.floats(0.0, 1.0), c_bar=st.one_of(st.just(0.0), st.floats(1e-9, 1.0)))
def test_risk_return_is_a_best_response(p: float, c_a: float, c_bar: float) -> None:
    out = risk_return(p, c_a, c_bar)
    assert 0.0 <= out.war_probability <= 0.5 + 1e-12
    assert p - 1e-12 <= out.demand <= 1.0
    x = np.linspace(0.0, 1.0, 2001)
    war = np.clip((x - p) / c_bar, 0.0, 1.0) if c_bar > 0 else (x > p).astype(float)
    grid_best = np.max((1 - war) * x + war * (p - c_a))
    assert out.utility_a >= grid_best - 1e-9
