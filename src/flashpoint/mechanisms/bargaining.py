r"""Crisis bargaining under private information: a rationalist rival to the hazard model.

Theory
------
Fearon (1995) shows that war is costly, so a settlement both sides prefer
to fighting always exists; rational states fight only because of private
information with incentives to misrepresent, commitment problems or
indivisible stakes. Here each flashpoint is a dispute over a stake of value
1 between a challenger (A, the flashpoint's challenger) and the target
coalition (B, its targets and committed defenders). A makes a
take-it-or-leave-it demand :math:`x`; B's cost of war is private,
uniform on :math:`[0, \bar c]`. A's optimal demand trades the risk of
war against a better deal (the risk-return tradeoff,
:func:`flashpoint.classic.fearon.risk_return`):

.. math::

    x^* = \min\big(1, p + \tfrac12\max(0, \bar c - c_A)\big), \qquad
    \pi = \frac{x^* - p}{\bar c},

where :math:`\pi` is the probability that the demand is refused and the
crisis ends in war. A crisis is A's decision to make a demand, the likelier
the more A expects to gain over the status quo.

This is the variant ``bargaining`` of the :mod:`~flashpoint.mechanisms.deterrence`
mechanism: it replaces the log-linear onset and escalation hazards with
these quantities (the crisis dynamics, decay and war as absorbing state stay
the same). Unlike the hazard model, credibility acts through two explicit
channels: it raises A's cost of war (a defender that will fight makes war
dearer, Schelling 1966), and a credible commitment *reveals* resolve and so
narrows B's private information (tying hands, Fearon 1997), while visible
presence without commitment (``ctx.provocation``) adds noise to B's signal of
resolve, widening it: the seeds' "worst of all worlds" in rationalist terms.

Equations
---------
For flashpoint :math:`f` with local balance :math:`B_f` (defenders over
challenger, from :mod:`~flashpoint.mechanisms.credibility`), credibility
:math:`\kappa_f`, provocation :math:`v_f` and challenger-target tension
:math:`\tau_f`:

.. math::

    p_f = \frac{1}{1 + B_f^{m}}, \qquad
    c_{A,f} = c_0 + c_\kappa\kappa_f, \qquad
    \bar c_f = \bar c_0\,\max\big(0.05,\; 1 - \theta\kappa_f + \nu v_f\big),

(ratio-form contest success function with decisiveness :math:`m`,
Hirshleifer 1989). With :math:`x^*_f, \pi_f` from the risk-return tradeoff
and A's expected utility :math:`U^*_f = (1 - \pi_f)x^*_f + \pi_f(p_f - c_{A,f})`,
the gain over the status quo share :math:`q` is :math:`G_f = U^*_f - q`, and

.. math::

    \lambda_f = \lambda_0 \exp(b_\tau\tau_f + \eta\,G_f), \qquad
    \mu_f = \delta\,\big[-\ln(1 - \pi_f)\big]\,\exp\big(e_c(k_f - c_0)\big),

so that a crisis starting at intensity :math:`c_0` and lasting its mean
lifetime :math:`1/\delta` ends in war with probability :math:`\pi_f` (hazard
held at its starting value); :math:`\lambda_0, b_\tau, \delta, c_0, e_c` are
the deterrence mechanism's parameters (same calibration anchors: ICB crisis
frequencies and durations).

Hedgers' positions (the rival theory's third part, active with the
``bargaining`` variant): third parties side with the party whose expected
utility for them is higher (Bueno de Mesquita 1981). The defenders' expected
share of the Indo-Pacific disputes is :math:`V = \overline{1 - U^*_f}` over the
Indo-Pacific flashpoints, :math:`V_0` its value in the initial state with the
world's commitments; each Indo-Pacific hedger :math:`h` moves its alignment

.. math::

    \Delta a_{h,USA} = -\Delta a_{h,CHN} = \Delta t\,\zeta\,(V - V_0)

(symmetric), towards the United States as the bargaining outcome moves the
defenders' way and towards China as it moves the challengers' way.

Assumptions
-----------
* One-shot bargaining in each crisis, risk-neutral states, A's own cost
  known; B's cost uniform (Fearon 1995's example distribution).
* The status quo share is the same at every flashpoint (the challengers are
  revisionist: :math:`q < p` at the initial balances).

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414. doi:10.1017/S0020818300033324
Fearon, J. D. (1997). Signaling foreign policy interests: tying hands versus
sinking costs. *Journal of Conflict Resolution* 41(1), 68-90.
doi:10.1177/0022002797041001004
Powell, R. (1999). *In the Shadow of Power*. Princeton University Press.
Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs.
difference models of relative success. *Public Choice* 63(2), 101-112.
Schelling, T. C. (1966). *Arms and Influence*. Yale University Press.
Bueno de Mesquita, B. (1981). *The War Trap*. Yale University Press.
Schweller, R. L. (1994). Bandwagoning for profit: bringing the revisionist
state back in. *International Security* 19(1), 72-107.

Kernel
------
:func:`settlement` and the hedgers' alignment change of :func:`step` have
compiled kernels (``_settlement_kernel``, ``_hedger_kernel``): the mechanism
took 2.5 % of the engine's time (issue 17), nearly all of it the per-call
overhead of small ``(R, F)`` NumPy operations and, under the rival theory,
the ``(R, N, N)`` passes that place a handful of nonzero entries. The NumPy
code is the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from flashpoint import kernels
from flashpoint._types import FloatArray
from flashpoint.contract import State
from flashpoint.mechanisms._protocol import Context, Draws, Effect, Mechanism
from flashpoint.params import Parameter
from flashpoint.world.arrays import INDO_PACIFIC

__all__ = ["MECHANISM", "PARAMETERS", "Settlement", "hazards", "settlement", "step"]

#: Largest war probability used in the log of the escalation hazard.
_PI_MAX = 0.999

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "bargaining.decisiveness", "decisiveness m of the ratio contest success function",
        "dimensionless", 1.0, 0.5, 2.0,
        "Hirshleifer 1989 (Public Choice 63(2)): m = 1 is the proportional (Tullock) form; "
        "0.5-2 spans weakly to strongly decisive military contests.",
    ),
    Parameter(
        "bargaining.cost_base", "challenger's cost of war at zero credibility, share of the stake",
        "share of stake", 0.05, 0.0, 0.2,
        "rationale: Fearon 1995 requires c_A > 0 for a bargaining range; a war against the "
        "targets alone is taken to cost a few to 20 per cent of what is at stake.",
    ),
    Parameter(
        "bargaining.cost_credibility",
        "added challenger cost of war at full defender credibility, share of the stake",
        "share of stake", 0.3, 0.05, 0.6,
        "rationale: a credible great-power defender multiplies the cost of war (Schelling 1966); "
        "Bloomberg Economics 2024 (mechanisms.war_costs) puts China's GDP loss in a war over "
        "Taiwan at 16.7 % against 8.9 % in a blockade, about a doubling; range wide.",
    ),
    Parameter(
        "bargaining.resolve_uncertainty",
        "upper bound c_bar of the target coalition's privately known cost of war",
        "share of stake", 0.4, 0.1, 0.8,
        "rationale: the war probability max(0, c_bar - c_A)/(2 c_bar) of Fearon's example is at "
        "most 1/2; c_bar of 0.4 gives a new Taiwan crisis a war chance of order 5-40 % over "
        "the credibility range, bracketing the deterrence model's 5-10 % (ICB: few crises "
        "end in war, Brecher & Wilkenfeld 2000).",
    ),
    Parameter(
        "bargaining.revelation",
        "share of the uncertainty about resolve removed by a fully credible commitment (theta)",
        "dimensionless", 0.5, 0.0, 0.9,
        "Fearon 1997 (doi:10.1177/0022002797041001004): tying hands reveals resolve; 0 (no "
        "information) to 0.9 (commitments nearly settle the question).",
    ),
    Parameter(
        "bargaining.provocation_noise",
        "widening of the uncertainty about resolve per unit of visible presence without commitment",
        "dimensionless", 0.3, 0.0, 1.0,
        "rationale: symbolic deployments are cheap talk (seed 002: the 'worst of all worlds'); "
        "they add visibility without revealing resolve, so they widen rather than narrow the "
        "uncertainty; 0 to doubling it at full visibility.",
    ),
    Parameter(
        "bargaining.status_quo", "challenger's share of the stake under the status quo (q)",
        "share of stake", 0.3, 0.1, 0.5,
        "rationale: the seeds' challengers are revisionist (they contest the status quo), so "
        "q is below the challenger's war value p - c_A at the initial balances (p about "
        "0.4-0.6 for China at Taiwan); 0.1-0.5.",
    ),
    Parameter(
        "bargaining.bandwagon",
        "rate zeta at which hedgers' positions follow the defenders' expected bargaining outcome",
        "1/year per share of stake", 0.5, 0.0, 2.0,
        "Bueno de Mesquita 1981 (The War Trap): third parties side with the party whose "
        "expected utility for them is higher; Schweller 1994 on bandwagoning for profit; "
        "rationale: 0 switches it off, 2 moves a hedger's tilt by 0.2 a year when the defenders' "
        "expected share rises by 0.1.",
    ),
    Parameter(
        "bargaining.gain_onset", "log-hazard increase of crisis onset per unit expected gain (eta)",
        "1/share of stake", 3.0, 0.5, 6.0,
        "rationale: a challenger that expects to gain a fifth of the stake over the status quo "
        "is e^0.1 to e^1.2 times likelier to open a crisis; the propensity is not estimated in "
        "the literature.",
    ),
)


class Settlement(NamedTuple):
    """The bargaining outcome at each flashpoint, every field ``(R, F)``."""

    p: FloatArray
    cost: FloatArray
    c_bar: FloatArray
    demand: FloatArray
    war_probability: FloatArray
    utility: FloatArray


def settlement(cred: FloatArray, balance: FloatArray, provocation: FloatArray,
               ctx: Context) -> Settlement:
    """Fearon's risk-return outcome ``(R, F)`` at credibility, balance and provocation."""
    dtype = np.result_type(cred, balance)
    if (kernels.enabled() and np.ndim(cred) == 2
            and np.shape(cred) == np.shape(balance) == np.shape(provocation)):
        params = ctx.cached("bargaining.kernel_params", lambda: _kernel_params(ctx, dtype))
        return Settlement(*_settlement_kernel(
            np.asarray(cred, dtype=dtype), np.asarray(balance, dtype=dtype),
            np.asarray(provocation), params))
    m = ctx.p("bargaining.decisiveness", 2)
    b = np.maximum(np.asarray(balance, dtype=dtype), 1e-9)
    p = np.asarray(1.0 / (1.0 + b**m), dtype=dtype)
    kappa = np.clip(cred, 0.0, 1.0)
    c_a = ctx.p("bargaining.cost_base", 2) + ctx.p("bargaining.cost_credibility", 2) * kappa
    spread = (1.0 - ctx.p("bargaining.revelation", 2) * kappa
              + ctx.p("bargaining.provocation_noise", 2) * np.clip(provocation, 0.0, 1.0))
    c_bar = ctx.p("bargaining.resolve_uncertainty", 2) * np.maximum(0.05, spread)
    # Fearon's risk-return tradeoff (as in flashpoint.classic.fearon.risk_return,
    # written in the array dtype; c_bar > 0 here).
    gap = 0.5 * np.maximum(0.0, c_bar - c_a)
    demand = np.minimum(1.0, p + gap)
    war = np.clip(np.minimum(gap, demand - p) / c_bar, 0.0, 1.0)
    utility = (1.0 - war) * demand + war * (p - c_a)
    return Settlement(*(np.asarray(x, dtype=dtype)
                        for x in (p, c_a, c_bar, demand, war, utility)))


#: Parameters the settlement kernel reads, in the order of the columns it gets.
_KERNEL_PARAMS = (
    "bargaining.decisiveness", "bargaining.cost_base", "bargaining.cost_credibility",
    "bargaining.revelation", "bargaining.provocation_noise", "bargaining.resolve_uncertainty",
)


def _kernel_params(ctx: Context, dtype: np.dtype) -> FloatArray:
    """``(R, K)`` the settlement's parameters as columns (memoised per chunk)."""
    return np.ascontiguousarray(np.stack([ctx.params[k] for k in _KERNEL_PARAMS], axis=1),
                                dtype=dtype)


@kernels.jit
def _settlement_kernel(cred, balance, provocation, params):  # type: ignore[no-untyped-def]
    """:func:`settlement`'s six ``(R, F)`` fields, one run at a time."""
    runs, nf = cred.shape[0], cred.shape[1]
    out = np.empty((6, runs, nf), dtype=cred.dtype)
    for r in range(runs):
        m, c_base, c_cred = params[r, 0], params[r, 1], params[r, 2]
        theta, nu, c_unc = params[r, 3], params[r, 4], params[r, 5]
        for f in range(nf):
            b = max(balance[r, f], 1e-9)
            p = 1.0 / (1.0 + b ** m)
            kappa = min(max(cred[r, f], 0.0), 1.0)
            c_a = c_base + c_cred * kappa
            spread = 1.0 - theta * kappa + nu * min(max(provocation[r, f], 0.0), 1.0)
            c_bar = c_unc * max(0.05, spread)
            gap = 0.5 * max(0.0, c_bar - c_a)
            demand = min(1.0, p + gap)
            war = min(max(min(gap, demand - p) / c_bar, 0.0), 1.0)
            out[0, r, f] = p
            out[1, r, f] = c_a
            out[2, r, f] = c_bar
            out[3, r, f] = demand
            out[4, r, f] = war
            out[5, r, f] = (1.0 - war) * demand + war * (p - c_a)
    return out[0], out[1], out[2], out[3], out[4], out[5]


def hazards(tau: FloatArray, cred: FloatArray, balance: FloatArray, provocation: FloatArray,
            intensity: FloatArray, ctx: Context) -> tuple[FloatArray, FloatArray]:
    """Onset :math:`\\lambda` and escalation :math:`\\mu` hazards per year ``(R, F)``."""
    s = settlement(cred, balance, provocation, ctx)
    gain = s.utility - ctx.p("bargaining.status_quo", 2)
    lam = ctx.p("deterrence.base_rate", 2) * np.exp(
        ctx.p("deterrence.tension_onset", 2) * tau + ctx.p("bargaining.gain_onset", 2) * gain
    )
    pi = np.minimum(s.war_probability, _PI_MAX)
    mu = ctx.p("deterrence.decay", 2) * (-np.log1p(-pi)) * np.exp(
        ctx.p("deterrence.crisis_escalation", 2) * (intensity - ctx.p("deterrence.crisis_start", 2))
    )
    return np.asarray(lam, dtype=tau.dtype), np.asarray(mu, dtype=tau.dtype)


def _defenders_value(s: Settlement, ctx: Context) -> FloatArray:
    """``(R,)`` the defenders' expected share ``1 - U*`` averaged over Indo-Pacific flashpoints."""
    ip = (ctx.flashpoints.theatre == INDO_PACIFIC).astype(s.utility.dtype)
    if not np.any(ip):
        return np.zeros(s.utility.shape[0], dtype=s.utility.dtype)
    return np.asarray(np.sum((1.0 - s.utility) * ip[None], axis=1) / ip.sum())


def _status_quo_value(ctx: Context) -> FloatArray:
    """The defenders' expected share in the initial state with the world's commitments."""
    from flashpoint.mechanisms.deterrence import status_quo_context, status_quo_inputs

    world = status_quo_context(ctx)
    _, cred, balance = status_quo_inputs(ctx)
    return _defenders_value(settlement(cred, balance, world.provocation, world), world)


def hedger_positions(s: Settlement, ctx: Context, alignment: FloatArray) -> FloatArray:
    """Change of alignment per year ``(R, N, N)``: hedgers tilt towards the side the
    bargaining outcome favours (towards the US as the defenders' expected share
    ``1 - U*`` rises above the status quo, towards China as it falls)."""
    from flashpoint.mechanisms.alignment import hedger_mask

    world = ctx.world
    out = np.zeros_like(alignment)
    if not (world.has("USA") and world.has("CHN")):
        return out
    hedgers = hedger_mask(world) & (world.theatre == INDO_PACIFIC)
    v0 = ctx.cached("bargaining.status_quo_value", lambda: _status_quo_value(ctx))
    push = ctx.params["bargaining.bandwagon"] * (_defenders_value(s, ctx) - v0)  # (R,)
    us, cn = world.index("USA"), world.index("CHN")
    rows = np.flatnonzero(hedgers)
    out[:, rows, us] = push[:, None]
    out[:, rows, cn] = -push[:, None]
    out = out + np.swapaxes(out, 1, 2)
    return np.asarray(out)


def _rival_runs(ctx: Context) -> tuple[np.ndarray, bool]:
    """``(R,)`` the runs of the deterrence variant ``bargaining``, and whether there are any."""
    bargain = ctx.variant_mask("deterrence", "bargaining")
    return bargain, bool(np.any(bargain))


def _hedger_move(s: Settlement, ctx: Context, alignment: FloatArray,
                 bargain: np.ndarray) -> FloatArray:
    """``dt`` times :func:`hedger_positions` in the runs of the rival theory, 0 elsewhere,
    by the compiled kernel."""
    from flashpoint.mechanisms.alignment import hedger_mask

    world = ctx.world
    if not (world.has("USA") and world.has("CHN")):
        return np.zeros_like(alignment)
    v0 = ctx.cached("bargaining.status_quo_value", lambda: _status_quo_value(ctx))
    rows = ctx.cached("bargaining.hedger_rows", lambda: np.flatnonzero(
        hedger_mask(world) & (world.theatre == INDO_PACIFIC)).astype(np.int64))
    ip = (ctx.flashpoints.theatre == INDO_PACIFIC).astype(s.utility.dtype)
    return _hedger_kernel(  # type: ignore[no-any-return]
        s.utility, ip, np.asarray(v0), ctx.params["bargaining.bandwagon"], rows,
        world.index("USA"), world.index("CHN"), bargain, float(ctx.dt), alignment)


@kernels.jit
def _hedger_kernel(utility, ip, v0, zeta, rows, us, cn, bargain, dt, alignment):  # type: ignore[no-untyped-def]
    """The alignment change ``(R, N, N)``: hedgers tilt towards the US (``+``) and away
    from China (``-``) by ``dt zeta (V - V0)``, symmetric; 0 outside the rival theory."""
    runs, nf = utility.shape[0], utility.shape[1]
    n = alignment.shape[1]
    out = np.zeros((runs, n, n), dtype=alignment.dtype)
    half = np.zeros((n, n))
    n_ip = 0.0
    for f in range(nf):
        n_ip += ip[f]
    for r in range(runs):
        if not bargain[r]:
            continue
        value = 0.0
        if n_ip > 0.0:
            for f in range(nf):
                value += (1.0 - utility[r, f]) * ip[f]
            value = value / n_ip
        push = zeta[r] * (value - v0[r])
        for h in rows:  # out + out^T: each entry the sum of its two halves
            half[h, us] += push
            half[us, h] += push
            half[h, cn] += -push
            half[cn, h] += -push
        for h in rows:
            for i, j in ((h, us), (us, h), (h, cn), (cn, h)):
                out[r, i, j] = dt * half[i, j]
        for h in rows:
            half[h, us] = half[us, h] = half[h, cn] = half[cn, h] = 0.0
    return out


def step(state: State, derived: Mapping[str, FloatArray], ctx: Context, draws: Draws) -> Effect:
    """Provide the bargaining outcome ``war_given_crisis`` and ``settlement_demand``
    ``(R, F)``; under the rival theory (deterrence variant ``bargaining``) move the
    hedgers' positions with it.

    The deterrence mechanism's ``bargaining`` variant uses the same quantities for
    its hazards.
    """
    from flashpoint.mechanisms.burden_shifting import theatre_forces
    from flashpoint.mechanisms.credibility import assess
    if "credibility" in derived and "local_balance" in derived:
        cred, balance = derived["credibility"], derived["local_balance"]
    else:
        forces = derived.get("forces")
        if forces is None:
            forces = theatre_forces(state.milex, state.us_asia_share, ctx)
        cred, balance = assess(forces, ctx)
    s = settlement(cred, balance, ctx.provocation, ctx)
    out = Effect(derived={"war_given_crisis": s.war_probability, "settlement_demand": s.demand})
    if kernels.enabled():  # the runs of the rival theory, and whether any, memoised per chunk
        bargain, rival = ctx.cached("bargaining.rival_runs", lambda: _rival_runs(ctx))
        if rival:
            out.deltas["alignment"] = _hedger_move(s, ctx, state.alignment, bargain)
        return out
    bargain = ctx.variant_mask("deterrence", "bargaining")  # (R,) runs of the rival theory
    if np.any(bargain):
        move = ctx.dt * hedger_positions(s, ctx, state.alignment)
        out.deltas["alignment"] = np.where(bargain[:, None, None], move, 0.0).astype(move.dtype)
    return out


MECHANISM = Mechanism(
    name="bargaining",
    title="Crisis bargaining under private information (Fearon's risk-return tradeoff)",
    references=(
        "Fearon 1995, Int. Organ. 49(3):379-414, doi:10.1017/S0020818300033324",
        "Fearon 1997, J. Conflict Resolut. 41(1):68-90, doi:10.1177/0022002797041001004",
        "Powell 1999, In the Shadow of Power, Princeton University Press",
        "Hirshleifer 1989, Public Choice 63(2):101-112",
        "Bueno de Mesquita 1981, The War Trap, Yale University Press",
        "Schweller 1994, Int. Security 19(1):72-107",
    ),
    parameters=PARAMETERS,
    writes=("alignment",),
    provides=("war_given_crisis", "settlement_demand"),
    reads=("credibility", "local_balance"),
    step=step,
    equations=(
        "p_f = 1/(1 + B_f^m); c_A = c0 + c_k cred_f; cbar = cbar0 max(0.05, 1 - theta cred_f + nu v_f)",
        "x* = min(1, p + max(0, cbar - c_A)/2); pi = (x* - p)/cbar; U* = (1-pi) x* + pi (p - c_A)",
        "[deterrence variant 'bargaining'] lambda_f = lambda0 exp(b_tau tau_f + eta (U* - q))",
        "[deterrence variant 'bargaining'] mu_f = delta (-ln(1 - pi_f)) exp(e_c (k - c0))",
        "[deterrence variant 'bargaining'] da_h,USA = -da_h,CHN = dt zeta (V - V0), "
        "V = mean_{f in Indo-Pacific} (1 - U*_f), h Indo-Pacific hedgers",
    ),
)
