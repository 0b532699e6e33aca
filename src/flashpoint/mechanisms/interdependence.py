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

Kernel
------
:func:`step` has two compiled kernels (issue 17): ``_gdp_kernel`` (war costs,
:func:`implied_loss` and the GDP deltas, every step: about 0.1 ms at 100 runs in
a dozen small NumPy calls, 1.6 % of an engine step) and ``_trade_kernel`` (the
tension and coercion deltas once a lever changes trade: about 0.6 ms at 100 runs
in full ``(R, N, N)`` passes). The trade terms stay memoised per trade array.
In the status quo the trade terms vanish and there is no dyadic delta at all
(zeros, which the engine would add in full ``(R, N, N)`` passes: issue 17, at
195 actors). The NumPy code is the reference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from flashpoint import kernels
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
    table = ctx.cached("interdependence.table", lambda: _scaled_table(ctx))
    if kernels.enabled():
        if active:
            loss_w, pressure = ctx.cached_for("interdependence.coercion", ctx.trade_share,
                                              lambda: _coercion_terms(ctx))
            d_tau, d_align = _trade_kernel(tau, state.alignment, gain, grievance, loss_w,
                                           pressure, ctx.params["interdependence.compliance"],
                                           ctx.dt)
        d_loss, d_gdp = _gdp_kernel(state.war, state.blockade, table.war, table.blockade,
                                    state.gdp_loss, state.gdp,
                                    ctx.params["interdependence.adjustment"], ctx.dt)
        if not active:  # today's trade: both anomaly terms and coercion vanish exactly
            return Effect(deltas={"gdp_loss": d_loss, "gdp": d_gdp})
        return Effect(deltas={"tension": d_tau, "gdp_loss": d_loss, "gdp": d_gdp,
                              "alignment": d_align})
    dyadic: dict[str, FloatArray] = {}
    if active:  # with today's trade both anomaly terms and coercion vanish exactly:
        # then no dyadic delta at all (rather than zeros, which the engine would add)
        dyadic["tension"] = ctx.dt * (grievance * (1.0 - tau) - gain * tau)
        dyadic["alignment"] = ctx.dt * coercion_response(state.alignment, tau, ctx)

    target = implied_loss(state.war, state.blockade, table)
    frac = np.minimum(1.0, ctx.dt / ctx.p("interdependence.adjustment", 2))
    loss = np.clip(state.gdp_loss, 0.0, MAX_LOSS)
    d_loss = frac * np.maximum(0.0, target - loss)
    d_gdp = -state.gdp * d_loss / (1.0 - loss)
    deltas = {"gdp_loss": d_loss, "gdp": d_gdp}
    if active:
        deltas = {"tension": dyadic["tension"], "gdp_loss": d_loss, "gdp": d_gdp,
                  "alignment": dyadic["alignment"]}
    return Effect(deltas=deltas)


@kernels.jit
def _gdp_kernel(war, blockade, t_war, t_block, gdp_loss, gdp, adjustment, dt):  # type: ignore[no-untyped-def]
    """``(d_loss, d_gdp)`` (R, N): :func:`implied_loss` and the GDP deltas of :func:`step`,
    one run at a time (products over flashpoints in flashpoint order)."""
    runs, nf = war.shape[0], war.shape[1]
    n = gdp.shape[1]
    d_loss = np.empty((runs, n), dtype=gdp.dtype)
    d_gdp = np.empty((runs, n), dtype=gdp.dtype)
    keep = np.empty(n, dtype=t_war.dtype)  # prod_f (1 - per_fp)
    for r in range(runs):
        for i in range(n):
            keep[i] = 1.0
        for f in range(nf):
            w = war[r, f]
            w = 0.0 if w < 0.0 else (1.0 if w > 1.0 else w)
            b = blockade[r, f]
            b = 0.0 if b < 0.0 else (1.0 if b > 1.0 else b)
            wb = (1.0 - w) * b
            for i in range(n):
                x = w * t_war[r, f, i] + wb * t_block[r, f, i]
                x = 0.0 if x < 0.0 else (MAX_LOSS if x > MAX_LOSS else x)
                keep[i] *= 1.0 - x
        frac = dt / adjustment[r]
        frac = 1.0 if frac > 1.0 else frac
        for i in range(n):
            loss = gdp_loss[r, i]
            loss = 0.0 if loss < 0.0 else (MAX_LOSS if loss > MAX_LOSS else loss)
            x = (1.0 - keep[i]) - loss
            x = x if (x > 0.0 or x != x) else 0.0  # max(0, x), nan kept
            dl = frac * x
            d_loss[r, i] = dl
            d_gdp[r, i] = -gdp[r, i] * dl / (1.0 - loss)
    return d_loss, d_gdp


@kernels.jit
def _trade_kernel(tau, align, gain, grievance, loss_w, pressure, psi, dt):  # type: ignore[no-untyped-def]
    """``(d_tau, d_align)`` (R, N, N) of :func:`step` when trade departs from today's:
    the anomaly terms and :func:`coercion_response`, one run at a time."""
    runs, n = tau.shape[0], tau.shape[1]
    d_tau = np.empty((runs, n, n), dtype=tau.dtype)
    d_align = np.empty((runs, n, n), dtype=align.dtype)
    resp = np.empty((n, n), dtype=align.dtype)  # r_ij: target i, coercer j
    for r in range(runs):
        p = psi[r]
        for i in range(n):
            for j in range(n):
                t = tau[r, i, j]
                d_tau[r, i, j] = dt * (grievance[r, i, j] * (1.0 - t) - gain[r, i, j] * t)
                t = 0.0 if t < 0.0 else (1.0 if t > 1.0 else t)
                gap = pressure[r, i, j] - t
                a = align[r, i, j]
                s = -a if gap > 0 else a  # room (1 - a)/2 when conceding, (1 + a)/2 when defying
                resp[i, j] = p * loss_w[r, i, j] * gap * ((1.0 + s) / 2.0)
        for i in range(n):
            for j in range(n):
                d_align[r, i, j] = dt * (resp[i, j] + resp[j, i])
            d_align[r, i, i] = 0.0
    return d_tau, d_align


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
