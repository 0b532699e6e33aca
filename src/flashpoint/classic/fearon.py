r"""Fearon's bargaining model of war: the bargaining range and the risk-return tradeoff.

Theory
------
Two states, A and B, dispute a good of value 1 (A's share is :math:`x`).
War is a costly lottery: A wins everything with probability :math:`p` and
each side pays a cost, :math:`c_A, c_B \ge 0`, in units of the good
(Fearon 1995). With risk-neutral states A's expected value of war is
:math:`p - c_A` and B's is :math:`1 - p - c_B`, so A prefers any deal with
:math:`x \ge p - c_A` and B any deal with :math:`x \le p + c_B`.

Known results
-------------
* **Bargaining range** (risk neutral): the deals both prefer to war are

  .. math:: x \in (p - c_A,\; p + c_B), \qquad \text{width } c_A + c_B > 0,

  so whenever war is costly a peaceful settlement exists
  (:func:`bargaining_range`). Feasible deals are its intersection with [0, 1].
* **Risk attitudes**: with utilities :math:`u_A(x) = x^{r_A}`,
  :math:`u_B(x) = (1 - x)^{r_B}` (:math:`r < 1` risk averse, :math:`r > 1`
  risk acceptant) and :math:`u(0) = 0, u(1) = 1`, A accepts
  :math:`x \ge (p - c_A)^{1/r_A}` and B accepts
  :math:`x \le 1 - (1 - p - c_B)^{1/r_B}` (each bound clipped to [0, 1]);
  risk aversion widens the range (:func:`bargaining_range_risk`).
* **Risk-return tradeoff under private information**: B's cost is private,
  :math:`c_B \sim U[0, \bar c]`. A makes a take-it-or-leave-it demand
  :math:`x`; B accepts iff :math:`x \le p + c_B`, so war occurs with
  probability :math:`\Pr(c_B < x - p) = (x - p)/\bar c` on :math:`[p, p + \bar c]`.
  A maximises :math:`(1 - \tfrac{x - p}{\bar c})x + \tfrac{x - p}{\bar c}(p - c_A)`:

  .. math:: x^* = p + \tfrac12\max(0, \bar c - c_A), \qquad
            \Pr(\text{war}) = \frac{\max(0, \bar c - c_A)}{2\bar c}

  (with :math:`x^*` capped at 1). Although a bargaining range exists for
  every realisation of :math:`c_B`, rational states fight with positive
  probability whenever :math:`c_A < \bar c`: A trades a risk of war for a
  better deal (:func:`risk_return`).

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414. doi:10.1017/S0020818300033324
Powell, R. (1999). *In the Shadow of Power: States and Strategies in
International Politics*. Princeton University Press.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from flashpoint._types import FloatArray
from flashpoint.errors import ParameterError

__all__ = [
    "BargainingRange",
    "RiskReturn",
    "bargaining_range",
    "bargaining_range_risk",
    "risk_return",
]


class BargainingRange(NamedTuple):
    """The deals (A's share) both sides prefer to war: ``low < x < high``."""

    low: FloatArray
    high: FloatArray
    width: FloatArray


class RiskReturn(NamedTuple):
    """A's optimal demand under private information about B's cost."""

    demand: FloatArray
    war_probability: FloatArray
    utility_a: FloatArray


def _check(name: str, value: ArrayLike, low: float, high: float, where: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if np.any(bad):
        found = arr[bad].ravel()[0]
        raise ParameterError(
            f"{where}: {name} expects values in [{low}, {high}]. Got {found} instead."
        )
    return arr


def bargaining_range(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> BargainingRange:
    """Risk-neutral bargaining range ``(p - c_a, p + c_b)`` (Fearon 1995).

    Parameters
    ----------
    p : array_like
        Probability that A wins a war, in [0, 1].
    c_a, c_b : array_like
        Costs of war to A and B as shares of the good, >= 0.

    Returns
    -------
    BargainingRange
        A's reservation point ``low = p - c_a``, B's ``high = p + c_b`` and the
        width ``c_a + c_b``, broadcast together (not clipped to [0, 1]).
    """
    where = "bargaining_range"
    pp = _check("p", p, 0.0, 1.0, where)
    ca = _check("c_a", c_a, 0.0, np.inf, where)
    cb = _check("c_b", c_b, 0.0, np.inf, where)
    pp, ca, cb = np.broadcast_arrays(pp, ca, cb)
    return BargainingRange(low=pp - ca, high=pp + cb, width=ca + cb)


def bargaining_range_risk(
    p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike, *, risk_a: ArrayLike = 1.0,
    risk_b: ArrayLike = 1.0,
) -> BargainingRange:
    """Bargaining range with power utilities ``x**risk_a`` and ``(1 - x)**risk_b``.

    ``risk < 1`` is risk averse, ``risk > 1`` risk acceptant; ``risk = 1``
    gives the risk-neutral range clipped to [0, 1]. Bounds are clipped to
    [0, 1] (a side whose war value is negative accepts any deal).
    """
    where = "bargaining_range_risk"
    pp = _check("p", p, 0.0, 1.0, where)
    ca = _check("c_a", c_a, 0.0, np.inf, where)
    cb = _check("c_b", c_b, 0.0, np.inf, where)
    ra = _check("risk_a", risk_a, 1e-9, np.inf, where)
    rb = _check("risk_b", risk_b, 1e-9, np.inf, where)
    pp, ca, cb, ra, rb = np.broadcast_arrays(pp, ca, cb, ra, rb)
    low = np.maximum(0.0, pp - ca) ** (1.0 / ra)
    high = 1.0 - np.maximum(0.0, 1.0 - pp - cb) ** (1.0 / rb)
    return BargainingRange(low=low, high=high, width=high - low)


def risk_return(p: ArrayLike, c_a: ArrayLike, c_b_max: ArrayLike) -> RiskReturn:
    """A's optimal take-it-or-leave-it demand when B's cost is ``U[0, c_b_max]``.

    Parameters
    ----------
    p : array_like
        Probability that A wins a war, in [0, 1].
    c_a : array_like
        A's (known) cost of war, >= 0.
    c_b_max : array_like
        Upper bound of B's privately known cost, >= 0 (0: complete information).

    Returns
    -------
    RiskReturn
        ``demand`` :math:`x^* = \\min(1, p + \\max(0, \\bar c - c_A)/2)`,
        ``war_probability`` :math:`(x^* - p)/\\bar c` (0 when :math:`\\bar c = 0`)
        and A's expected utility.
    """
    where = "risk_return"
    pp = _check("p", p, 0.0, 1.0, where)
    ca = _check("c_a", c_a, 0.0, np.inf, where)
    cm = _check("c_b_max", c_b_max, 0.0, np.inf, where)
    pp, ca, cm = np.broadcast_arrays(pp, ca, cm)
    demand = np.minimum(1.0, pp + 0.5 * np.maximum(0.0, cm - ca))
    safe = np.where(cm > 0, cm, 1.0)
    # (x* - p) / c_bar, written without the cancellation of x* - p when the
    # demand is interior: then it is exactly max(0, c_bar - c_A) / (2 c_bar).
    gap = np.where(pp + 0.5 * np.maximum(0.0, cm - ca) <= 1.0,
                   0.5 * np.maximum(0.0, cm - ca), demand - pp)
    war = np.where(cm > 0, np.clip(gap / safe, 0.0, 1.0), 0.0)
    utility = (1.0 - war) * demand + war * (pp - ca)
    return RiskReturn(demand=demand, war_probability=war, utility_a=utility)
