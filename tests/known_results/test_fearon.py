"""Known results of Fearon (1995), "Rationalist explanations for war".

Analytic answers: the risk-neutral bargaining range (p - c_A, p + c_B) of
width c_A + c_B; risk aversion widens it; and the risk-return tradeoff with
B's cost uniform on [0, c_bar]: x* = p + max(0, c_bar - c_A)/2 and
P(war) = max(0, c_bar - c_A) / (2 c_bar).
"""

from __future__ import annotations

import numpy as np
import pytest

from flashpoint.classic.fearon import bargaining_range, bargaining_range_risk, risk_return
from flashpoint.errors import FlashpointError, ParameterError


def test_bargaining_range_textbook_case() -> None:
    r = bargaining_range(0.6, 0.1, 0.2)
    np.testing.assert_allclose([r.low, r.high, r.width], [0.5, 0.8, 0.3])


def test_bargaining_range_vectorised_and_broadcast() -> None:
    p = np.array([0.2, 0.5, 0.9])
    r = bargaining_range(p, 0.05, np.array([[0.0], [0.1]]))
    assert r.low.shape == r.high.shape == r.width.shape == (2, 3)
    np.testing.assert_allclose(r.low, np.broadcast_to(p - 0.05, (2, 3)))
    np.testing.assert_allclose(r.high[1], p + 0.1)
    np.testing.assert_allclose(r.width, r.high - r.low)


def test_costless_war_has_an_empty_range() -> None:
    r = bargaining_range(0.4, 0.0, 0.0)
    assert r.width == 0.0 and r.low == r.high == 0.4


def test_risk_neutral_utilities_give_the_linear_range() -> None:
    lin = bargaining_range(0.6, 0.1, 0.2)
    risk = bargaining_range_risk(0.6, 0.1, 0.2, risk_a=1.0, risk_b=1.0)
    np.testing.assert_allclose([risk.low, risk.high], [lin.low, lin.high])


def test_risk_aversion_widens_the_range() -> None:
    # u_A(x) = x**0.5: A accepts x >= (p - c_A)**2 = 0.25; B with (1-x)**0.5
    # accepts x <= 1 - (1 - p - c_B)**2 = 1 - 0.04 = 0.96.
    r = bargaining_range_risk(0.6, 0.1, 0.2, risk_a=0.5, risk_b=0.5)
    np.testing.assert_allclose([r.low, r.high], [0.25, 0.96])
    acceptant = bargaining_range_risk(0.6, 0.1, 0.2, risk_a=2.0, risk_b=2.0)
    assert acceptant.width < 0.3 < r.width


def test_risk_return_analytic_case() -> None:
    out = risk_return(0.5, 0.1, 0.3)
    np.testing.assert_allclose(out.demand, 0.6)
    np.testing.assert_allclose(out.war_probability, 1 / 3)
    np.testing.assert_allclose(out.utility_a, (2 / 3) * 0.6 + (1 / 3) * 0.4)


def test_risk_return_matches_brute_force_optimum() -> None:
    p, c_a, c_bar = 0.4, 0.05, 0.35
    x = np.linspace(0.0, 1.0, 200_001)
    war = np.clip((x - p) / c_bar, 0.0, 1.0)
    utility = (1 - war) * x + war * (p - c_a)
    best = x[np.argmax(utility)]
    out = risk_return(p, c_a, c_bar)
    np.testing.assert_allclose(out.demand, best, atol=1e-5)
    np.testing.assert_allclose(out.utility_a, utility.max(), atol=1e-9)


def test_war_despite_a_range_for_every_type() -> None:
    # For every c_B in [0, c_bar] with c_A > 0 a bargaining range exists, yet war
    # happens with positive probability when c_A < c_bar (Fearon 1995).
    c_b = np.linspace(0.0, 0.3, 31)
    assert np.all(bargaining_range(0.5, 0.1, c_b).width > 0)
    assert risk_return(0.5, 0.1, 0.3).war_probability > 0


def test_no_war_when_own_costs_exceed_uncertainty() -> None:
    out = risk_return(np.array([0.3, 0.7]), 0.4, 0.3)
    np.testing.assert_array_equal(out.war_probability, 0.0)
    np.testing.assert_allclose(out.demand, [0.3, 0.7])


def test_complete_information_means_no_war() -> None:
    out = risk_return(0.5, 0.1, 0.0)
    assert out.war_probability == 0.0 and out.demand == 0.5


def test_demand_capped_at_the_whole_good() -> None:
    out = risk_return(0.95, 0.0, 0.6)
    assert out.demand == 1.0
    np.testing.assert_allclose(out.war_probability, 0.05 / 0.6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p": 1.5, "c_a": 0.1, "c_b": 0.1}, r"bargaining_range: p expects values in \[0.0, 1.0\]\. Got 1.5 instead\."),
        ({"p": 0.5, "c_a": -0.1, "c_b": 0.1}, r"c_a expects values in \[0.0, inf\]\. Got -0.1 instead\."),
        ({"p": 0.5, "c_a": 0.1, "c_b": np.nan}, r"c_b expects .* Got nan instead\."),
    ],
)
def test_bad_input_raises(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        bargaining_range(**kwargs)


def test_bad_risk_and_cost_bound_raise_flashpoint_errors() -> None:
    with pytest.raises(FlashpointError, match="risk_a expects"):
        bargaining_range_risk(0.5, 0.1, 0.1, risk_a=0.0)
    with pytest.raises(ParameterError, match=r"risk_return: c_b_max expects"):
        risk_return(0.5, 0.1, -1.0)
