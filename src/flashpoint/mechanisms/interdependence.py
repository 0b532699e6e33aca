r"""Economic interdependence: trade that pacifies, coercion that embitters, wars that cost.

Theory
------
The liberal peace: states that trade a lot with each other have fewer
militarised disputes, because conflict puts the gains from trade at risk
(Oneal & Russett 1997; Russett & Oneal 2001). Trade is also a lever of power
(Hirschman 1945): cutting it is a means of coercion (Drezner 1999), as in
China's coercion of Lithuania after Taiwan opened a representative office
in Vilnius in 2021 (seed 003). Trade lost to coercion breeds grievance
rather than compliance. And a war or blockade destroys output: Bloomberg
Economics (January 2024) puts the cost of a war over Taiwan at 10.2 % of
world GDP (see :mod:`flashpoint.mechanisms.war_costs`).

Equations
---------
With the current trade shares :math:`s` (``ctx.trade_share``, row shares),
the initial ones :math:`s^0` (the world's) and tension :math:`\tau`,

.. math::

    \Delta\tau_{ij} = \Delta t\Big[-\eta\,\max\big(0, \bar s_{ij} - \bar s^0_{ij}\big)\,\tau_{ij}
                      + \chi\,\bar g_{ij}\,(1 - \tau_{ij})\Big],

    \bar s_{ij} = \tfrac12(s_{ij} + s_{ji}), \quad
    g_{ij} = \max\!\Big(0, 1 - \frac{s_{ij}}{s^0_{ij}}\Big), \quad
    \bar g_{ij} = \tfrac12(g_{ij} + g_{ji}),

so both terms are symmetric with a zero diagonal. Both are in anomaly form,
like the security dilemma's: the observed initial tension already reflects
today's trade, so only trade gained beyond today's pacifies (pulling
tension towards 0) and only trade lost embitters (pushing it towards 1);
the status quo is a steady state and tension stays in [0, 1]. Grievance uses the
*relative* loss of trade: coercion's political weight (Lithuania) does not
scale with the trade's share of the coercer's total.

Coercion's effect on the target's policy (Drezner 1999, conflict-expectations
model): when trade is cut, the more dependent side i is the target; its
relative loss :math:`l_{ij} = \max(0, 1 - s_{ij}/s^0_{ij})`, weighted by its
asymmetric dependence :math:`u_{ij} = \max(0, s^0_{ij} - s^0_{ji})/s^0_{ij}`,
puts a pressure :math:`P_{ij} = l_{ij} s^0_{ij} / s_{ref}` on it (the share of
its trade lost, against the share that would weigh as much as open
hostility). It concedes (moves its alignment towards the coercer) when the
pressure exceeds the conflict it expects (tension :math:`\tau_{ij}`), and
defies (moves away) when it does not:

.. math::

    r_{ij} = \psi\, u_{ij} l_{ij} (P_{ij} - \tau_{ij})\,
             \tfrac12\big(1 \mp a_{ij}\big), \qquad
    \Delta a = \Delta t\,(r + r^\top),

with the minus sign for concession. China's coercion of Lithuania in 2021
(1.8 % of Lithuania's trade, high tension) is the seeds' case of defiance:
Lithuania "has called for a tougher approach toward Beijing" (seed 003).

War costs: with loss tables :math:`L^{war}, L^{block}` :math:`(F, N)` times
the scale :math:`\sigma` (capped at 0.95), the loss the current events imply is

.. math::

    L_i = 1 - \prod_f \big(1 - w_f \sigma L^{war}_{fi}
          - (1 - w_f)\, b_f\, \sigma L^{block}_{fi}\big),

and the cumulative loss :math:`\ell` approaches it over :math:`T` years while
it is larger; GDP falls in step so that :math:`Y = Y^{trend}(1 - \ell)`:

.. math::

    \Delta\ell = \min(1, \Delta t / T)\,\max(0, L - \ell), \qquad
    \Delta Y = -Y\,\Delta\ell / (1 - \ell).

Assumptions
-----------
* Trade shares change only through scenario levers (``ctx.trade_share``).
* The target's policy is its alignment with the coercer; tension is its
  expectation of future conflict (Drezner's conflict expectations).
* GDP lost to war is not recovered within the simulation (no rebound).

References
----------
Hirschman, A. O. (1945). *National Power and the Structure of Foreign Trade*.
University of California Press.
Oneal, J. R. & Russett, B. (1997). The classical liberals were right:
democracy, interdependence, and conflict, 1950-1985. *International Studies
Quarterly* 41(2), 267-294. doi:10.1111/1468-2478.00042
Russett, B. & Oneal, J. R. (2001). *Triangulating Peace: Democracy,
Interdependence, and International Organizations*. W. W. Norton.
Drezner, D. W. (1999). *The Sanctions Paradox: Economic Statecraft and
International Relations*. Cambridge University Press.
Welch, J., Leonard, J., Cousin, M., et al. (2024). War over Taiwan would cost
the world economy $10 trillion. Bloomberg Economics, January 2024.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.mechanisms.war_costs import BLOOMBERG_2024, WarCostTable, war_cost_table
from flashpoint.params import Parameter

__all__ = ["BLOOMBERG_2024", "MECHANISM", "PARAMETERS", "implied_loss", "step", "war_cost_table"]

#: Largest GDP loss fraction any single country can suffer.
MAX_LOSS = 0.95

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "interdependence.pacifying",
        "rate at which mutual trade share lowers dyadic tension",
        "1/year per unit trade share", 0.5, 0.0, 2.0,
        "Oneal & Russett 1997 and Russett & Oneal 2001 find trade dependence lowers the odds "
        "of militarised disputes; the mapping of that effect onto tension is a calibration "
        "judgement (rationale: 0 switches it off, 2 halves a top partner's tension in ~10 yr).",
    ),
    Parameter(
        "interdependence.grievance",
        "rate at which trade lost relative to the initial world raises tension",
        "1/year per relative trade loss", 0.2, 0.0, 0.6,
        "rationale: coercion breeds resentment rather than compliance (Drezner 1999; "
        "China-Lithuania 2021, seed 003); an 80% cut adds at most about 0.5 tension per year.",
    ),
    Parameter(
        "interdependence.compliance",
        "rate psi at which a coerced state's alignment with its coercer responds to lost trade",
        "1/year per relative trade loss", 0.3, 0.0, 1.0,
        "Drezner 1999 (conflict-expectations model): targets concede or defy within a year or "
        "two of sanctions; rationale: 0 switches the policy response off, 1 closes the gap to "
        "full (dis)alignment in about a year under total coercion.",
    ),
    Parameter(
        "interdependence.dependence_scale",
        "share of a target's trade whose loss weighs as much as full conflict expectation (s_ref)",
        "trade share", 0.05, 0.01, 0.3,
        "Drezner 1999: targets concede when the cost of coercion is high and conflict "
        "expected to be low. Rationale from the world data (COW trade): China was 27 % of South "
        "Korea's trade, which partly conceded over THAAD in 2017, and 1.8 % of Lithuania's, "
        "which defied in 2021 (seed 003); 0.01 (small losses coerce) to 0.3 (only a main "
        "partner's cut coerces).",
    ),
    Parameter(
        "interdependence.war_cost_scale",
        "multiplier on the war and blockade GDP loss tables",
        "dimensionless", 1.0, 0.4, 2.5,
        "Bloomberg Economics 2024 (Welch et al.) for the Taiwan figures at 1; rationale: wide "
        "range because other flashpoints use a size scaling without a published estimate.",
        log=True,
    ),
    Parameter(
        "interdependence.adjustment",
        "years over which GDP converges to the loss implied by a war or blockade",
        "year", 1.0, 0.5, 2.0,
        "rationale: the Bloomberg Economics figures are losses over about the first year of "
        "conflict; half a year to two years.",
    ),
)


def _scaled_table(ctx: Context) -> WarCostTable:
    base = war_cost_table(ctx.world, ctx.flashpoints)
    sigma = ctx.p("interdependence.war_cost_scale", 3)
    dtype = ctx.world.gdp.dtype
    return WarCostTable(
        war=np.minimum(MAX_LOSS, sigma * base.war[None].astype(dtype)),
        blockade=np.minimum(MAX_LOSS, sigma * base.blockade[None].astype(dtype)),
    )


def implied_loss(war: FloatArray, blockade: FloatArray, table: WarCostTable) -> FloatArray:
    """GDP loss ``(R, N)`` implied by wars and blockades ``(R, F)`` and the loss table ``(R, F, N)``."""
    w = np.clip(war, 0.0, 1.0)[:, :, None]
    b = np.clip(blockade, 0.0, 1.0)[:, :, None]
    per_fp = w * table.war + (1.0 - w) * b * table.blockade
    return np.asarray(1.0 - np.prod(1.0 - np.clip(per_fp, 0.0, MAX_LOSS), axis=1))


def _trade_terms(ctx: Context) -> tuple[FloatArray, FloatArray, bool]:
    """``(gain, grievance, active)``: ``eta max(0, s_bar - s0_bar)`` and ``chi g_bar``
    (R, N, N), symmetric with a zero diagonal, for the current trade shares."""
    s = ctx.trade_share
    s_bar = 0.5 * (s + np.swapaxes(s, 1, 2))
    s0 = ctx.world.trade_share[None]
    lost = np.where(s0 > 0, np.maximum(0.0, 1.0 - s / np.where(s0 > 0, s0, 1.0)), 0.0)
    g_bar = 0.5 * (lost + np.swapaxes(lost, 1, 2))
    s0_bar = 0.5 * (ctx.world.trade_share + ctx.world.trade_share.T)[None]
    gain = ctx.p("interdependence.pacifying", 3) * np.maximum(0.0, s_bar - s0_bar)
    grievance = ctx.p("interdependence.grievance", 3) * g_bar
    n = s.shape[1]
    for m in (gain, grievance):
        m[:, np.arange(n), np.arange(n)] = 0.0
    return gain, grievance, bool(np.any(gain) or np.any(grievance))


def _coercion_terms(ctx: Context) -> tuple[FloatArray, FloatArray]:
    """``(weighted_loss, pressure)`` (R, N, N) of coercion, directed target i -> coercer j.

    ``weighted_loss = u_ij l_ij``: i's relative trade loss with j, weighted by
    i's asymmetric dependence ``u_ij = max(0, s0_ij - s0_ji) / s0_ij`` (only the
    more dependent side of a cut is its target); ``pressure = l_ij s0_ij / s_ref``.
    """
    s = ctx.trade_share
    s0 = ctx.world.trade_share[None]
    safe = np.where(s0 > 0, s0, 1.0)
    lost = np.where(s0 > 0, np.maximum(0.0, 1.0 - s / safe), 0.0)
    u = np.where(s0 > 0, np.maximum(0.0, s0 - np.swapaxes(s0, 1, 2)) / safe, 0.0)
    pressure = lost * s0 / ctx.p("interdependence.dependence_scale", 3)
    return np.asarray(u * lost), np.asarray(pressure)


def coercion_response(alignment: FloatArray, tension: FloatArray, ctx: Context) -> FloatArray:
    """Change of alignment per year ``(R, N, N)`` from coerced states' policy responses.

    Target i concedes (moves towards coercer j) when the pressure exceeds its
    conflict expectation (tension), else defies (moves away), each in
    proportion to the room left: ``r_ij = psi u_ij l_ij (P_ij - tau_ij)
    (1 - a_ij)/2`` if ``P_ij > tau_ij`` else ``... (1 + a_ij)/2``; the change of
    the symmetric alignment is ``r + r^T`` (one of the two is zero).
    """
    loss, pressure = ctx.cached_for("interdependence.coercion", ctx.trade_share,
                                    lambda: _coercion_terms(ctx))
    gap = pressure - np.clip(tension, 0.0, 1.0)
    room = np.where(gap > 0, 1.0 - alignment, 1.0 + alignment) / 2.0
    r = ctx.p("interdependence.compliance", 3) * loss * gap * room
    out = r + np.swapaxes(r, 1, 2)
    n = alignment.shape[1]
    out[:, np.arange(n), np.arange(n)] = 0.0
    return np.asarray(out)


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Trade pacifies, lost trade embitters and coerces, wars and blockades cost GDP."""
    tau = state.tension
    # The trade terms change only when a lever changes the trade shares: cache
    # them per trade array (the engine reuses it between such changes).
    gain, grievance, active = ctx.cached_for("interdependence.trade", ctx.trade_share,
                                             lambda: _trade_terms(ctx))
    if active:
        d_tau = ctx.dt * (grievance * (1.0 - tau) - gain * tau)
        d_align = ctx.dt * coercion_response(state.alignment, tau, ctx)
    else:  # today's trade: both anomaly terms and coercion vanish exactly
        d_tau = np.zeros_like(tau)
        d_align = np.zeros_like(state.alignment)

    target = implied_loss(state.war, state.blockade,
                          ctx.cached("interdependence.table", lambda: _scaled_table(ctx)))
    frac = np.minimum(1.0, ctx.dt / ctx.p("interdependence.adjustment", 2))
    loss = np.clip(state.gdp_loss, 0.0, MAX_LOSS)
    d_loss = frac * np.maximum(0.0, target - loss)
    d_gdp = -state.gdp * d_loss / (1.0 - loss)
    return Effect(deltas={"tension": d_tau, "gdp_loss": d_loss, "gdp": d_gdp,
                          "alignment": d_align})


MECHANISM = Mechanism(
    name="interdependence",
    title="Economic interdependence, coercion and war costs",
    references=(
        "Hirschman 1945, National Power and the Structure of Foreign Trade, UC Press",
        "Oneal & Russett 1997, Int. Stud. Q. 41(2):267-294, doi:10.1111/1468-2478.00042",
        "Russett & Oneal 2001, Triangulating Peace, W. W. Norton",
        "Drezner 1999, The Sanctions Paradox, Cambridge University Press",
        "Welch, Leonard, Cousin et al. 2024, Bloomberg Economics, cost of a war over Taiwan",
    ),
    parameters=PARAMETERS,
    writes=("tension", "gdp", "gdp_loss", "alignment"),
    provides=(),
    reads=(),
    step=step,
    variants=("default",),
    equations=(
        "dtau_ij = dt [-eta max(0, sbar_ij - sbar0_ij) tau_ij + chi gbar_ij (1 - tau_ij)], sbar = (s_ij + s_ji)/2, "
        "g_ij = max(0, 1 - s_ij/s0_ij)",
        "L_i = 1 - prod_f (1 - war_f sigma Lwar_fi - (1 - war_f) block_f sigma Lblock_fi)",
        "dloss = min(1, dt/T) max(0, L - loss); dY = -Y dloss / (1 - loss)",
        "coercion: r_ij = psi u_ij l_ij (P_ij - tau_ij) room_ij, P_ij = l_ij s0_ij / s_ref, "
        "u_ij = max(0, s0_ij - s0_ji)/s0_ij; da = dt (r + r^T)",
    ),
)
