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
