"""Known results for the bargaining rival theory (mechanisms.bargaining).

Reference: Fearon (1995), "Rationalist explanations for war", International
Organization 49(3), section on private information and the risk-return
tradeoff: with B's cost uniform on [0, c_bar] and a take-it-or-leave-it
demand by A, A's optimal demand is x* = p + (c_bar - c_A)/2 and war occurs
with probability (c_bar - c_A)/(2 c_bar) when c_A < c_bar. The ensemble
mechanism must reproduce the stand-alone model (flashpoint.classic.fearon),
which is pinned to that result in test_fearon.py, and the escalation hazard
must turn it into the same per-crisis war probability.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from flashpoint.classic.fearon import risk_return
from flashpoint.engine.context import base_context
from flashpoint.mechanisms.bargaining import hazards, settlement
from flashpoint.testing import tiny_world


def _ctx(runs: int = 4, **values: float):
    ctx = base_context(tiny_world(), runs)
    params = dict(ctx.params)
    for k, v in values.items():
        params[k] = np.full(runs, v)
    return replace(ctx, params=params)


def test_settlement_reproduces_fearons_risk_return_example() -> None:
    # Balance B = 1 and m = 1 give p = 1/2; cost_base 0.1 at zero credibility;
    # c_bar = 0.3 with no revelation or noise: Fearon's example with
    # p = 0.5, c_A = 0.1, c_bar = 0.3 -> x* = 0.6, P(war) = 1/3.
    ctx = _ctx(**{"bargaining.decisiveness": 1.0, "bargaining.cost_base": 0.1,
                  "bargaining.resolve_uncertainty": 0.3, "bargaining.revelation": 0.0,
                  "bargaining.provocation_noise": 0.0})
    zero = np.zeros((4, 1))
    s = settlement(zero, np.ones((4, 1)), zero, ctx)
    np.testing.assert_allclose(s.p, 0.5)
    np.testing.assert_allclose(s.demand, 0.5 + (0.3 - 0.1) / 2)
    np.testing.assert_allclose(s.war_probability, (0.3 - 0.1) / (2 * 0.3))
    ref = risk_return(0.5, 0.1, 0.3)
    np.testing.assert_allclose(s.utility, ref.utility_a)


def test_settlement_matches_the_classic_model_over_a_grid() -> None:
    rng = np.random.default_rng(3)
    runs = 50
    cred = rng.uniform(0, 1, (runs, 3))
    balance = np.exp(rng.normal(0, 1, (runs, 3)))
    prov = rng.uniform(0, 1, (runs, 3))
    ctx = _ctx(runs)
    s = settlement(cred, balance, prov, ctx)
    ref = risk_return(s.p, s.cost, s.c_bar)
    np.testing.assert_allclose(s.demand, ref.demand, rtol=1e-12)
    np.testing.assert_allclose(s.war_probability, ref.war_probability, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(s.utility, ref.utility_a, rtol=1e-12)


def test_a_crisis_lasting_its_mean_lifetime_ends_in_war_with_probability_pi() -> None:
    ctx = _ctx()
    cred, bal = np.full((4, 2), 0.2), np.full((4, 2), 0.8)
    c0 = ctx.params["deterrence.crisis_start"][:, None]
    _, mu = hazards(np.zeros((4, 2)), cred, bal, np.zeros((4, 2)), np.broadcast_to(c0, (4, 2)), ctx)
    pi = settlement(cred, bal, np.zeros((4, 2)), ctx).war_probability
    delta = ctx.params["deterrence.decay"][:, None]
    np.testing.assert_allclose(1.0 - np.exp(-mu / delta), pi, rtol=1e-12)


def test_credibility_pacifies_and_cheap_presence_inflames() -> None:
    ctx = _ctx()
    bal, zero = np.ones((4, 1)), np.zeros((4, 1))
    low = settlement(zero, bal, zero, ctx).war_probability
    high = settlement(np.full((4, 1), 0.8), bal, zero, ctx).war_probability
    noisy = settlement(zero, bal, np.ones((4, 1)), ctx).war_probability
    assert np.all(high < low) and np.all(noisy > low)


def _bargaining_ctx(runs: int = 5):
    from flashpoint.testing import make_context

    state, ctx, draws = make_context(runs=runs)
    return state, replace(ctx, variants={"deterrence": "bargaining"}), draws


def test_hedgers_hold_their_positions_in_the_status_quo() -> None:
    from flashpoint.mechanisms import bargaining

    state, ctx, draws = _bargaining_ctx()
    eff = bargaining.step(state, {}, ctx, draws)
    np.testing.assert_allclose(eff.deltas["alignment"], 0.0, atol=1e-12)
    plain = bargaining.step(state, {}, replace(ctx, variants={}), draws)
    assert "alignment" not in plain.deltas


def test_hedgers_tilt_towards_the_side_the_bargain_favours() -> None:
    from flashpoint.mechanisms import bargaining

    state, ctx, draws = _bargaining_ctx()
    w = ctx.world
    c = ctx.commitment.copy()
    c[:, w.index("DEU"), w.index("JPN")] = 1.0  # a new defender of Japan
    eff = bargaining.step(state, {}, replace(ctx, commitment=c), draws)
    d = eff.deltas["alignment"]
    ind, us, cn = w.index("IND"), w.index("USA"), w.index("CHN")
    assert np.all(d[:, ind, us] > 0) and np.all(d[:, ind, cn] < 0)
    np.testing.assert_allclose(d, np.swapaxes(d, 1, 2))
    touched = np.zeros((w.n, w.n), dtype=bool)
    touched[ind, [us, cn]] = touched[[us, cn], ind] = True
    np.testing.assert_array_equal(d[:, ~touched], 0.0)


def test_hedger_positions_are_chunk_invariant() -> None:
    from flashpoint.engine.state import State
    from flashpoint.mechanisms import bargaining

    state, ctx, draws = _bargaining_ctx(6)
    w = ctx.world
    c = ctx.commitment.copy()
    c[:, w.index("DEU"), w.index("JPN")] = np.linspace(0, 1, 6)
    ctx = replace(ctx, commitment=c)
    whole = bargaining.step(state, {}, ctx, draws).deltas["alignment"]
    part = slice(2, 5)
    sub = replace(ctx, commitment=c[part], params={k: v[part] for k, v in ctx.params.items()},
                  presence=ctx.presence[part], provocation=ctx.provocation[part],
                  us_europe_retrenchment=ctx.us_europe_retrenchment[part],
                  trade_share=ctx.trade_share[part], signal=ctx.signal[part],
                  spending_floor=ctx.spending_floor[part],
                  initial=State(*(x[part] for x in ctx.initial)), memo={})
    got = bargaining.step(State(*(x[part] for x in state)), {}, sub,
                          type(draws)(*(x[part] for x in draws))).deltas["alignment"]
    np.testing.assert_array_equal(got, whole[part])
